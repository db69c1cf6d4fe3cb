"""Forms for indicator targets."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class TargetForm(FlaskForm):
    """Set a target for one indicator, in total or for a site and/or programme."""

    year = HiddenField(validators=[DataRequired()])
    key = SelectField(_l("Indicator"), choices={})
    site = SelectField(_l("Site"), choices={}, validators=[Optional()])
    programme = SelectField(_l("Programme"), choices={}, validators=[Optional()])
    target = IntegerField(
        _l("Target"), validators=[InputRequired(), NumberRange(min=0, max=10_000_000)]
    )
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=2000)])
