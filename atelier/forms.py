"""Form helpers shared by every area."""

from flask import flash


def apply_errors(form, exc) -> None:
    """Show a domain error on the form: per field where it names one, else as a message."""
    placed = False
    for name, why in (exc.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, why] if isinstance(field.errors, list) else [why]
            placed = True
    flash(exc.message, "error")
    return placed
