"""Pages for the workshops area."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)
