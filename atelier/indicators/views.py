"""Pages for indicators: the dashboard, traces, targets and the funders' downloads."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import admin_required, roles_required, visible_site_ids
from atelier.extensions import db
from atelier.forms import submit
from atelier.indicators import charts, exports, keys, rules, services, trace, web
from atelier.indicators.forms import TargetForm

bp = Blueprint("indicators", __name__, url_prefix="/indicators")

nav.register(
    "indicators.dashboard", _l("Indicators"), ["admin", "supervisor"], order=70, icon="indicators"
)
nav.register("indicators.targets", _l("Targets"), ["admin"], order=71, icon="indicators")


@bp.route("")
@roles_required("supervisor")
def dashboard():
    """Targets against results for a year: charts, the same figures as a table, trends."""
    year, suppress = web.year_arg(), web.suppress_arg()
    report = services.report(year, current_user)
    series = services.year_on_year(year, current_user)
    trends = {key: charts.year_columns(key, series[key], suppress) for key in rules.KEYS}
    return render_template(
        "indicators/dashboard.html",
        report=report,
        year=year,
        suppress=suppress,
        table=exports.table(report, suppress),
        headings=exports.headings(),
        charts=charts.target_charts(report, suppress, _("In total")),
        trends=trends,
        breakdown=services.breakdown(report, suppress),
        indicators=keys.BY_KEY,
        geometry=charts,
    )


@bp.route("/export.csv")
@roles_required("supervisor")
def export_csv():
    """The report's table as CSV for funders."""
    return web.download("csv", current_user)


@bp.route("/export.xlsx")
@roles_required("supervisor")
def export_xlsx():
    """The report's table as an XLSX workbook for funders."""
    return web.download("xlsx", current_user)


@bp.route("/<int:year>/<key>")
@roles_required("supervisor")
def trace_page(year, key):
    """The people or pieces one result counts (supervisors: their own sites)."""
    services.check_key(key)
    year = services.parse_year(year)
    site, programme = services.scope(
        current_user, request.args.get("site"), request.args.get("programme")
    )
    found = trace.lines(
        key, year, visible_site_ids(current_user), site, programme, services.tz_name()
    )
    services.audit_trace(year, key, site, programme, len(found))
    db.session.commit()
    return render_template(
        "indicators/trace.html",
        year=year,
        key=key,
        site=site,
        programme=programme,
        lines=found,
        unit=rules.UNITS[key],
        label=services.row_label(key, site, programme),
    )


def _target_form(year: int) -> TargetForm:
    """A target form with its choices filled in."""
    form = TargetForm()
    sites, programmes = services.choices()
    form.key.choices = {i.key: str(i.label) for i in keys.INDICATORS}
    form.site.choices = {"": _("All sites"), **{s.code: s.name for s in sites}}
    form.programme.choices = {"": _("All programmes"), **{p.code: p.name for p in programmes}}
    if not form.year.data:
        form.year.data = str(year)
    return form


@bp.route("/targets", methods=["GET", "POST"])
@admin_required
def targets():
    """The coordinator sets a year's targets, each with remarks."""
    year = web.year_arg()
    form = _target_form(year)
    entry = {
        "key": form.key.data,
        "site": form.site.data or None,
        "programme": form.programme.data or None,
        "target": form.target.data,
        "remarks": form.remarks.data or "",
    }
    done = submit(
        form,
        lambda: services.set_targets(services.parse_year(form.year.data), [entry]),
        _("Target saved."),
        url_for("indicators.targets", year=form.year.data),
    )
    return done or render_template(
        "indicators/targets.html",
        year=year,
        form=form,
        rows=services.list_targets(year),
        indicators=keys.BY_KEY,
    )


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@admin_required
def delete_target(target_id):
    """Remove a target."""
    year = web.year_arg()
    services.delete_target(target_id)
    db.session.commit()
    flash(_("Target removed."), "success")
    return redirect(url_for("indicators.targets", year=year))
