"""Pages: sign in, sign out, language, and each role's home."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from atelier import nav, requestlog
from atelier.auth import services, sessions
from atelier.auth.forms import SignInForm
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
    """The signed-in user for a session cookie, or None (treated as signed out and sent to
    sign in): the browser session must still be open on the server (not signed out, not
    idle past its timeout), the account enabled, and the password the one it was opened
    with (see ``User.get_id`` and :mod:`atelier.auth.sessions`)."""
    found = sessions.user_for_session(user_id, session.get(sessions.SESSION_KEY))
    if found is None:
        return None
    user, session_id, needs_touch = found
    if needs_touch:
        g.stale_session_id = session_id
    requestlog.note_account(user)
    return user


@bp.before_app_request
def keep_session_alive():
    """Check a page's browser session before its view runs, and every few minutes note that
    it is in use (committed here, before the view has done anything of its own)."""
    if request.endpoint == "static" or sessions.SESSION_KEY not in session:
        return
    if current_user.is_authenticated and (session_id := g.pop("stale_session_id", None)):
        sessions.touch(session_id)
        db.session.commit()


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
            session.clear()
            secret = sessions.open_session(user)
            db.session.commit()
            login_user(user)
            session[sessions.SESSION_KEY] = secret
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for(HOMES[user.role]))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """End the session, on the server too: a copy of this browser's cookie stops working."""
    sessions.end_session(session.get(sessions.SESSION_KEY))
    db.session.commit()
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
