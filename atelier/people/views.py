"""Pages for the people area."""

from flask import Blueprint

bp = Blueprint("people", __name__)
