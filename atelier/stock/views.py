"""Pages for the stock area."""

from flask import Blueprint

bp = Blueprint("stock", __name__)
