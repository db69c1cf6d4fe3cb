"""Admin pages: home, sites, programmes, accounts and the audit log."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.auth import services as auth_services
from atelier.auth.forms import UserForm
from atelier.authz import admin_required
from atelier.db import db_int
from atelier.extensions import db
from atelier.forms import attempt, submit
from atelier.org import services
from atelier.org.forms import AccountSitesForm, PasswordResetForm, ProgrammeForm, SiteForm

bp = Blueprint("org", __name__, url_prefix="/admin")

nav.register("org.sites", _l("Sites"), ["admin"], order=80, icon="site")
nav.register("org.programmes", _l("Programmes"), ["admin"], order=81, icon="programme")
nav.register("org.users", _l("Users"), ["admin"], order=82, icon="user")
nav.register("org.audit_log", _l("Audit log"), ["admin"], order=90, icon="audit")


@bp.route("/")
@admin_required
def admin_home():
    """The coordinator's home."""
    return render_template(
        "home.html", title=_("Coordinator"), entries=nav.entries_for(current_user.role)
    )


@bp.route("/sites", methods=["GET", "POST"])
@admin_required
def sites():
    """List sites and add one."""
    form = SiteForm()
    done = submit(
        form,
        lambda: services.create_site(
            form.code.data.strip().upper(),
            form.name.data,
            form.kind.data,
            form.currency.data.strip().upper(),
            form.timezone.data.strip(),
            form.city.data,
        ),
        _("Site saved."),
        url_for("org.sites"),
    )
    return done or render_template("org/sites.html", sites=services.list_sites(), form=form)


@bp.route("/programmes", methods=["GET", "POST"])
@admin_required
def programmes():
    """List programmes and add one."""
    form = ProgrammeForm()
    done = submit(
        form,
        lambda: services.create_programme(form.code.data.strip().upper(), form.name.data),
        _("Programme saved."),
        url_for("org.programmes"),
    )
    return done or render_template(
        "org/programmes.html", programmes=services.list_programmes(), form=form
    )


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """List accounts and add one."""
    form = UserForm()
    form.sites.choices = {s.code: f"{s.code} — {s.name}" for s in services.list_sites()}
    done = submit(
        form,
        lambda: auth_services.create_user(
            form.username.data,
            form.password.data,
            form.role.data,
            form.sites.data,
            form.beneficiary.data or None,
        ),
        _("Account created."),
        url_for("org.users"),
    )
    if done:
        return done
    accounts = services.list_users()
    return render_template("org/users.html", users=accounts, form=form)


def _account_page(user, sites_form=None, password_form=None):
    """One account: its state, and the coordinator's forms to change it."""
    sites_form = sites_form or AccountSitesForm(sites=[s.code for s in user.sites])
    sites_form.sites.choices = {
        s.code: f"{s.code} — {s.name}" for s in services.sites_for_role(user.role)
    }
    return render_template(
        "org/user.html",
        user=user,
        sites_form=sites_form,
        password_form=password_form or PasswordResetForm(),
    )


@bp.route("/users/<int:user_id>")
@admin_required
def user(user_id: int):
    """An account: enable or disable it, change its sites, set a new password."""
    account = services.read_account(user_id, current_user)
    page = _account_page(account)
    db.session.commit()  # the audited read
    return page


def _back(user_id: int) -> str:
    """The account page's address."""
    return url_for("org.user", user_id=user_id)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@admin_required
def disable_user(user_id: int):
    """Disable an account: signed out everywhere, tokens revoked."""
    account = auth_services.get_user(user_id)
    return attempt(
        lambda: auth_services.disable_user(account, actor=current_user),
        _("Account disabled. %(name)s is signed out everywhere.", name=account.username),
        _back(user_id),
    ) or redirect(_back(user_id))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@admin_required
def enable_user(user_id: int):
    """Let a disabled account sign in again."""
    account = auth_services.get_user(user_id)
    return attempt(
        lambda: auth_services.enable_user(account, actor=current_user),
        _("Account enabled."),
        _back(user_id),
    ) or redirect(_back(user_id))


@bp.route("/users/<int:user_id>/sites", methods=["POST"])
@admin_required
def user_sites(user_id: int):
    """Change the sites a supervisor or shop account works at."""
    account = auth_services.get_user(user_id)
    form = AccountSitesForm()
    form.sites.choices = {s.code: s.code for s in services.sites_for_role(account.role)}
    done = submit(
        form,
        lambda: auth_services.change_sites(account, form.sites.data or [], actor=current_user),
        _("Sites saved."),
        _back(user_id),
    )
    return done or _account_page(account, sites_form=form)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    """Set a new password for someone who forgot hers; her tokens stop working."""
    account = auth_services.get_user(user_id)
    form = PasswordResetForm()
    done = submit(
        form,
        lambda: auth_services.reset_password(account, form.password.data, actor=current_user),
        _("New password set for %(name)s. They are signed out everywhere.", name=account.username),
        _back(user_id),
    )
    return done or _account_page(account, password_form=form)


#: audit entries per page
AUDIT_PAGE = 100


@bp.route("/audit")
@admin_required
def audit_log():
    """The latest audit entries, newest first, 100 a page."""
    page = max(request.args.get("page", 1, type=db_int), 1)
    entries = services.audit_page(page, AUDIT_PAGE)
    return render_template("org/audit.html", entries=entries, page=page, page_size=AUDIT_PAGE)
