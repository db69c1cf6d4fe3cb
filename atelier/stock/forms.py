"""Forms for shipments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ShipmentForm(FlaskForm):
    """A new shipment: from which atelier, to which shop, and the pieces."""

    from_site = SelectField(_l("From"), validators=[DataRequired()])
    to_site = SelectField(_l("To shop"), validators=[DataRequired()])
    items = SelectMultipleField(_l("Pieces ready to ship"), validate_choice=False)
    scans = TextAreaField(_l("Or scan pieces (one per line)"), validators=[Length(max=20000)])


class ReceiveForm(FlaskForm):
    """One scanned piece at the shop."""

    scan = StringField(_l("Scan a piece"), validators=[DataRequired(), Length(max=300)])
