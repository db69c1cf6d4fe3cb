"""Pages for the webshop area."""

from flask import Blueprint

bp = Blueprint("webshop", __name__)
