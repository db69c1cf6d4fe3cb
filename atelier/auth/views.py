"""Pages: sign in, sign out, language, and each role's home."""

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from atelier import nav
from atelier.auth import services
from atelier.auth.forms import SignInForm
from atelier.auth.models import User
from atelier.authz import roles_required
from atelier.extensions import db, login_manager
from atelier.ratelimits import login_limits

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"

#: where each role lands after signing in
HOMES = {
    "admin": "org.admin_home",
    "supervisor": "auth.supervisor_home",
    "shop": "auth.shop_home",
    "beneficiary": "auth.maker_home",
}


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in user for a session cookie (``id:key``, see ``User.get_id``), or None:
    a disabled account's session, or one opened before the password was reset, no longer
    counts (the person is treated as signed out and sent to sign in)."""
    raw_id, _sep, key = user_id.partition(":")
    user = db.session.get(User, int(raw_id)) if raw_id.isdigit() else None
    if user is None or not user.is_enabled:
        return None
    return user if hmac.compare_digest(key, user.session_key) else None


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths may be a ``next`` redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/")
def index():
    """Send people to their home, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for(HOMES[current_user.role]))
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@login_limits
def sign_in():
    """The sign-in page; failures are throttled and all answered the same way."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except services.BadCredentials:
            g.login_failed = True
            db.session.commit()
            flash(_("Unknown username or wrong password."), "error")
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for(HOMES[user.role]))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """End the session."""
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch language; remembered on the account when signed in."""
    lang = request.form.get("lang", "")
    if lang in ("en", "ro", "uk", "nl"):
        session["lang"] = lang
        if current_user.is_authenticated:
            services.set_locale(current_user, lang)
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("auth.index"))


def _home(title):
    """A role's home: big tiles for what the role does."""
    return render_template("home.html", title=title, entries=nav.entries_for(current_user.role))


@bp.route("/atelier")
@roles_required("supervisor")
def supervisor_home():
    """The supervisor's home on the tablet."""
    return _home(_("Atelier"))


@bp.route("/shop")
@roles_required("shop")
def shop_home():
    """Shop staff's home at the till."""
    return _home(_("Shop"))


@bp.route("/me")
@roles_required("beneficiary")
def maker_home():
    """A maker's home on her phone."""
    return _home(_("My page"))
