"""What the production pages and the API send alike: the label sheet."""

from flask import Response, current_app
from flask_babel import gettext as _

from atelier.production import items as item_services
from atelier.production import labels


def label_sheet(pieces, grid: labels.Grid) -> Response:
    """The label sheet of ``pieces`` as an inline PDF, never cached."""
    pdf = labels.render_labels(
        item_services.label_data(pieces),
        current_app.config["PUBLIC_BASE_URL"],
        grid,
        title=_("Labels"),
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="labels.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
