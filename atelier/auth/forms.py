"""Sign-in and account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from atelier.auth.models import ROLES
from atelier.labels import ROLE_LABELS


class SignInForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class UserForm(FlaskForm):
    """A new account, made by an admin."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    role = SelectField(_l("Role"), choices={r: r for r in ROLES})
    sites = SelectMultipleField(_l("Sites"), choices={}, validators=[Optional()])
    beneficiary = StringField(_l("Maker code (beneficiary accounts)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = {role: str(ROLE_LABELS[role]) for role in ROLES}  # in her language
