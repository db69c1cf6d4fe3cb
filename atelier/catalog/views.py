"""Pages for the catalog area."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)
