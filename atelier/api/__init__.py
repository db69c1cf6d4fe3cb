"""The JSON API v1: its machinery (:mod:`atelier.api.core`) and every area's calls, which
register on :data:`bp` as their modules load."""

from atelier.api import (  # noqa: F401 (their calls register on bp)
    catalog,
    demand,
    indicators,
    openapi,
    people,
    production,
    reports,
    setup,
    stock,
    till,
    tokens,
    wages,
    webshop,
    workshops,
)
from atelier.api.core import ROUTES, bp

__all__ = ["ROUTES", "bp"]
