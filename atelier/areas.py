"""The areas of the app, in the order their pages, commands and demo data are loaded."""

from importlib import import_module

#: areas with pages; each has ``views.py`` defining ``bp`` (and may have ``cli.py``)
AREAS = (
    "auth",
    "org",
    "people",
    "workshops",
    "catalog",
    "production",
    "stock",
    "till",
    "webshop",
    "wages",
    "indicators",
    "reports",
    "demand",
)


def area_modules(kind: str):
    """Each area's optional module ``atelier.<area>.<kind>`` (cli, demo) that exists."""
    for area in AREAS:
        name = f"atelier.{area}.{kind}"
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
