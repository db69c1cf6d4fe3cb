"""Words shown for the kinds of payslip lines, translated where they are shown."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "piece": _l("Piece"),
    "sales_share": _l("Sale"),
    "stipend": _l("Training"),
    "adjustment": _l("Return"),
}

#: names of the icons in templates/wages/_icons.html
KIND_ICONS = {"piece": "bag", "sales_share": "tag", "stipend": "calendar", "adjustment": "back"}


def kind_label(kind: str) -> str:
    """The translated word for a kind of line."""
    return str(KIND_LABELS.get(kind, kind))
