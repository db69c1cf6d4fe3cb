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
from atelier.workshops.rules import format_hours

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
    default_hours = StringField(
        _l("Usual length of a session (hours)"), validators=[Optional(), Length(max=8)]
    )


class SessionForm(FlaskForm):
    """A new session: the day and how long (preselected: the workshop's usual length, else
    its latest session's; nothing preselected when neither is known)."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    #: any length the service accepts (0 < hours ≤ 12); blank: the workshop's usual length
    hours = RadioField(
        _l("Hours"), choices=HOUR_CHOICES, validate_choice=False, validators=[Optional()]
    )

    def preselect(self, centihours: int | None) -> None:
        """Tick the usual length, adding it to the choices if it is not one of them."""
        if centihours is None:
            return
        value = format_hours(centihours)
        if value not in dict(self.hours.choices):
            self.hours.choices = sorted(
                [*dict(self.hours.choices).items(), (value, value)], key=lambda c: float(c[0])
            )
        self.hours.data = value


class ParticipantsForm(FlaskForm):
    """People of the site to add to a workshop."""

    people = SelectMultipleField(_l("Add people"), choices={}, validators=[DataRequired()])
