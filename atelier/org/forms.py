"""Admin forms for sites and programmes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from atelier.org.models import SITE_KINDS


class SiteForm(FlaskForm):
    """A new site."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices={k: k for k in SITE_KINDS})
    currency = StringField(_l("Currency"), default="EUR", validators=[DataRequired()])
    timezone = StringField(_l("Timezone"), default="Europe/Amsterdam",
                           validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Length(max=80)])


class ProgrammeForm(FlaskForm):
    """A new programme."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
