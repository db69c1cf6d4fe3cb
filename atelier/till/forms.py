"""Forms for the till pages."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length


class ReturnForm(FlaskForm):
    """A piece brought back: its scan, why, and what becomes of it."""

    scan = StringField(_l("Scan the piece"), validators=[DataRequired(), Length(max=300)])
    reason = StringField(_l("Why did it come back?"), validators=[DataRequired(), Length(max=200)])
    outcome = RadioField(_l("What happens to it"), default="restock", choices={})

    def __init__(self, *args, **kwargs):
        """Labels are translated per request (WTForms wants plain strings)."""
        super().__init__(*args, **kwargs)
        self.outcome.choices = {
            "restock": _("Back in stock"),
            "write_off": _("Write off (damaged)"),
        }
