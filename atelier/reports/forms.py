"""The form of one report line on the page: target, result (manual rows) and remarks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from atelier.indicators.services import MAX_REMARKS, MAX_TARGET


class FigureForm(FlaskForm):
    """A row's (or part's) figures; an empty number clears it."""

    row = HiddenField(validators=[DataRequired()])
    part = HiddenField()
    target = IntegerField(_l("Target"), validators=[Optional(), NumberRange(0, MAX_TARGET)])
    result = IntegerField(_l("Results"), validators=[Optional(), NumberRange(0, MAX_TARGET)])
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=MAX_REMARKS)])
