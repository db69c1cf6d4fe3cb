"""Admin pages: home, sites, programmes, users and the audit log."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.auth import services as auth_services
from atelier.auth.forms import UserForm
from atelier.authz import roles_required
from atelier.db import db_int
from atelier.forms import submit
from atelier.org import services
from atelier.org.forms import ProgrammeForm, SiteForm

bp = Blueprint("org", __name__, url_prefix="/admin")

nav.register("org.sites", _l("Sites"), ["admin"], order=80, icon="site")
nav.register("org.programmes", _l("Programmes"), ["admin"], order=81, icon="programme")
nav.register("org.users", _l("Users"), ["admin"], order=82, icon="user")
nav.register("org.audit_log", _l("Audit log"), ["admin"], order=90, icon="audit")


@bp.route("/")
@roles_required()
def admin_home():
    """The coordinator's home."""
    return render_template("home.html", title=_("Coordinator"),
                           entries=nav.entries_for(current_user.role))


@bp.route("/sites", methods=["GET", "POST"])
@roles_required()
def sites():
    """List sites and add one."""
    form = SiteForm()
    done = submit(form, lambda: services.create_site(
        form.code.data.strip().upper(), form.name.data, form.kind.data,
        form.currency.data.strip().upper(), form.timezone.data.strip(), form.city.data),
        _("Site saved."), url_for("org.sites"))
    return done or render_template("org/sites.html", sites=services.list_sites(), form=form)


@bp.route("/programmes", methods=["GET", "POST"])
@roles_required()
def programmes():
    """List programmes and add one."""
    form = ProgrammeForm()
    done = submit(form, lambda: services.create_programme(form.code.data.strip().upper(),
                                                          form.name.data),
                  _("Programme saved."), url_for("org.programmes"))
    return done or render_template("org/programmes.html", programmes=services.list_programmes(),
                           form=form)


@bp.route("/users", methods=["GET", "POST"])
@roles_required()
def users():
    """List accounts and add one."""
    form = UserForm()
    form.sites.choices = {s.code: f"{s.code} — {s.name}" for s in services.list_sites()}
    done = submit(form, lambda: auth_services.create_user(
        form.username.data, form.password.data, form.role.data, form.sites.data,
        form.beneficiary.data or None), _("Account created."), url_for("org.users"))
    if done:
        return done
    accounts = services.list_users()
    return render_template("org/users.html", users=accounts, form=form)


#: audit entries per page
AUDIT_PAGE = 100


@bp.route("/audit")
@roles_required()
def audit_log():
    """The latest audit entries, newest first, 100 a page."""
    page = max(request.args.get("page", 1, type=db_int), 1)
    entries = services.audit_page(page, AUDIT_PAGE)
    return render_template("org/audit.html", entries=entries, page=page, page_size=AUDIT_PAGE)
