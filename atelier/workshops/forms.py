"""Forms for workshops, sessions and participants."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from atelier.forms import amount

KIND_LABELS = {
    "vocational": _l("Vocational"),
    "life_skills": _l("Life skills"),
    "parenting": _l("Parenting"),
}
#: the usual lengths of a session, one tap each
HOUR_CHOICES = {h: h for h in ("1", "1.5", "2", "2.5", "3", "4", "5", "6")}


class WorkshopForm(FlaskForm):
    """A new workshop."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        default="vocational",
    )
    site = SelectField(_l("Site"), choices={})
    programme = SelectField(_l("Programme"), choices={})
    stipend = StringField(
        _l("Stipend per hour present"), default="0", validators=[Optional(), Length(max=12), amount]
    )


class SessionForm(FlaskForm):
    """A new session: the day and how long."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    hours = RadioField(_l("Hours"), choices=HOUR_CHOICES, default="3")


class ParticipantsForm(FlaskForm):
    """People of the site to add to a workshop."""

    people = SelectMultipleField(_l("Add people"), choices={}, validators=[DataRequired()])
