"""Forms for the catalogue pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from atelier.catalog.rules import parse_percent_bp
from atelier.forms import amount
from atelier.money import parse_cents


def _percent(_form, field):
    """A percentage from 0 to 100."""
    if field.data:
        try:
            parse_percent_bp(field.data)
        except ValueError as exc:
            raise ValidationError(_l("Write a percentage from 0 to 100.")) from exc


class RuleFields:
    """Price and wage fields shared by the new-product and new-rule forms."""

    price = StringField(_l("Shop price"), validators=[Optional(), amount])
    piece_rate = StringField(_l("Piece rate (payroll currency)"), validators=[Optional(), amount])
    maker_share = StringField(
        _l("Maker's share of the sale (%)"), validators=[Optional(), _percent]
    )
    effective_from = DateField(_l("From"), validators=[DataRequired()])


class ProductForm(RuleFields, FlaskForm):
    """A new product type."""

    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    price_currency = StringField(
        _l("Price currency"), default="EUR", validators=[DataRequired(), Length(min=3, max=3)]
    )
    photo = FileField(_l("Photo"))


class RuleForm(RuleFields, FlaskForm):
    """A change of price or wage rule from a date on."""


#: the languages a product's name and description can be given in, besides the default one
TEXT_LANGUAGES = ("ro", "uk", "nl")


class DetailsForm(FlaskForm):
    """Name, description (also per language), photo and whether the product is still made."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    name_ro = StringField(_l("Name in Romanian"), validators=[Length(max=120)])
    description_ro = TextAreaField(_l("Description in Romanian"), validators=[Length(max=2000)])
    name_uk = StringField(_l("Name in Ukrainian"), validators=[Length(max=120)])
    description_uk = TextAreaField(_l("Description in Ukrainian"), validators=[Length(max=2000)])
    name_nl = StringField(_l("Name in Dutch"), validators=[Length(max=120)])
    description_nl = TextAreaField(_l("Description in Dutch"), validators=[Length(max=2000)])
    is_active = BooleanField(_l("Still made"))
    photo = FileField(_l("New photo"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            for lang in TEXT_LANGUAGES:
                texts = (obj.translations or {}).get(lang, {})
                getattr(self, f"name_{lang}").data = texts.get("name", "")
                getattr(self, f"description_{lang}").data = texts.get("description", "")

    def translations(self) -> dict:
        """The per-language texts typed in the form."""
        return {
            lang: {
                "name": getattr(self, f"name_{lang}").data or "",
                "description": getattr(self, f"description_{lang}").data or "",
            }
            for lang in TEXT_LANGUAGES
        }


def rule_values(form) -> dict:
    """The cents and basis points typed in a form; blank fields are left out."""
    values = {}
    if form.price.data:
        values["price_cents"] = parse_cents(form.price.data)
    if form.piece_rate.data:
        values["piece_rate_cents"] = parse_cents(form.piece_rate.data)
    if form.maker_share.data:
        values["maker_share_bp"] = parse_percent_bp(form.maker_share.data)
    return values
