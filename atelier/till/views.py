"""Pages for the till area."""

from flask import Blueprint

bp = Blueprint("till", __name__)
