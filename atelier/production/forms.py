"""The production form on the tablet."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from atelier.enums import QC, choices
from atelier.production.rules import MAX_QUANTITY


class ProductionForm(FlaskForm):
    """Who made what, how many, and whether it passed quality control."""

    beneficiary = RadioField(
        _l("Maker"), validators=[InputRequired(_l("Choose a maker."))], choices={}
    )
    product_type = RadioField(
        _l("Product"), validators=[InputRequired(_l("Choose a product."))], choices={}
    )
    quantity = IntegerField(_l("How many"), default=1, validators=[NumberRange(1, MAX_QUANTITY)])
    qc = RadioField(_l("Quality check"), default="passed", choices=choices(QC))
    made_on = DateField(_l("Made on"), validators=[DataRequired()])
    client_id = HiddenField()
