"""Forms of the demand pages: a shop's request, a decision on it, the week's plan."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RequestForm(FlaskForm):
    """Ask the atelier for more of a product."""

    shop = SelectField(_l("Shop"), validators=[DataRequired()])
    product_type = SelectField(_l("Product"), validators=[DataRequired()])
    quantity = IntegerField(
        _l("How many"), default=5, validators=[DataRequired(), NumberRange(1, 500)]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    photo = FileField(_l("Photo of a sample (optional)"))


class DecisionForm(FlaskForm):
    """A supervisor's decision on a request."""

    status = SelectField(
        choices={"planned": "", "done": "", "declined": ""}, validators=[DataRequired()]
    )
