"""Forms for registering and editing a person."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from atelier.authz import visible_site_ids
from atelier.extensions import db
from atelier.org.models import Programme, Site

GENDER_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "undisclosed": _l("Not said"),
}


class BeneficiaryForm(FlaskForm):
    """A person: display name, site, programme, birth year, gender, consent."""

    display_name = StringField(
        _l("Display name (a first name or pseudonym)"), validators=[DataRequired(), Length(max=80)]
    )
    site = SelectField(_l("Site"), choices={})
    programme = SelectField(_l("Programme"), choices={})
    birth_year = IntegerField(_l("Birth year"), validators=[Optional()])
    gender = RadioField(
        _l("Gender"),
        default="female",
        choices=[SelectChoice(k, v) for k, v in GENDER_LABELS.items()],
    )
    public_name_consent = BooleanField(_l("She agrees her first name is shown on product pages"))

    def fill_choices(self, user) -> None:
        """Sites the user works at (ateliers only) and every programme."""
        query = sa.select(Site).where(Site.kind == "atelier").order_by(Site.code)
        allowed = visible_site_ids(user)
        if allowed is not None:
            query = query.where(Site.id.in_(allowed or {-1}))
        self.site.choices = {s.code: f"{s.code} — {s.name}" for s in db.session.scalars(query)}
        self.programme.choices = {
            p.code: p.name
            for p in db.session.scalars(sa.select(Programme).order_by(Programme.code))
        }

    def values(self) -> dict:
        """The form's data as service arguments."""
        return {
            "display_name": self.display_name.data,
            "site": self.site.data,
            "programme": self.programme.data,
            "birth_year": self.birth_year.data,
            "gender": self.gender.data,
            "public_name_consent": bool(self.public_name_consent.data),
        }
