"""Admin forms for sites, programmes and accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from atelier.enums import SiteKind, choices


class SiteForm(FlaskForm):
    """A new site."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=choices(SiteKind))
    currency = StringField(_l("Currency"), default="EUR", validators=[DataRequired()])
    timezone = StringField(_l("Timezone"), default="Europe/Amsterdam", validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Length(max=80)])


class ProgrammeForm(FlaskForm):
    """A new programme."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])


class AccountSitesForm(FlaskForm):
    """The sites a supervisor or shop account works at."""

    sites = SelectMultipleField(_l("Sites"), choices={}, validators=[Optional()])


class PasswordResetForm(FlaskForm):
    """A new password, set by the coordinator for someone who forgot hers."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=200)]
    )
