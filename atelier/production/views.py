"""Pages for the production area."""

from flask import Blueprint

bp = Blueprint("production", __name__)
