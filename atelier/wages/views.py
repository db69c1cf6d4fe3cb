"""Pages for the wages area."""

from flask import Blueprint

bp = Blueprint("wages", __name__)
