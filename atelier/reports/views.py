"""Pages of the annual Results report: the year's report with its figures, traces, files."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import audit, nav
from atelier.authz import admin_required, require_site, roles_required, visible_site_ids
from atelier.extensions import db
from atelier.forms import attempt, submit
from atelier.indicators import keys as indicator_keys
from atelier.indicators import rules as indicator_rules
from atelier.indicators import web as indicator_web
from atelier.indicators.services import parse_year
from atelier.org.models import Programme, Site
from atelier.reports import drafts, figures, layouts, pdf, rules, trace, web
from atelier.reports.forms import FigureForm
from atelier.workshops.forms import KIND_LABELS

bp = Blueprint("reports", __name__, url_prefix="/reports")

nav.register(
    "reports.results", _l("Results report"), ["admin", "supervisor"], order=72, icon="indicators"
)


def anchor(row: str, part: str | None) -> str:
    """The page's id of a line, to come back to after saving it."""
    return f"line-{row}-{part}" if part else f"line-{row}"


def trace_url(year: int, line) -> str | None:
    """Where a computed line's number is followed to the people or sessions behind it."""
    if line.is_manual:
        return None
    return url_for("reports.trace_page", year=year, row=line.row, part=line.part)


@bp.route("/results", methods=["GET"])
@roles_required("supervisor")
def results():
    """The year's report laid out as printed; the coordinator enters figures per line."""
    report = web.report_arg(current_user)
    return render_template(
        "reports/results.html",
        report=report,
        year=report.year,
        suppress=report.suppress,
        compare=report.compare,
        wrap=pdf.remark_lines,
        wrap_width=pdf.remark_width(report.compare),
        wrap_size=pdf.REMARK_SIZE,
        anchor=anchor,
        trace_url=trace_url,
        text=rules.text,
        can_edit=current_user.role == "admin",
    )


def _refused(_form, exc) -> None:
    """Say why figures were refused, each field's reason included."""
    flash(" ".join([exc.message, *exc.fields.values()]), "error")


@bp.route("/results/<int:year>/figures", methods=["POST"])
@admin_required
def save_figures(year):
    """Save one line's target, result (manual lines) and remarks."""
    year = parse_year(year)
    form = FigureForm()
    part = form.part.data or None

    def save():
        entry = {
            "row": form.row.data,
            "part": part,
            "target": form.target.data,
            "remarks": form.remarks.data or "",
        }
        if form.result.raw_data:
            entry["result"] = form.result.data
        figures.enter(year, [entry])

    back = url_for("reports.results", year=year) + "#" + anchor(form.row.data or "", part)
    done = submit(form, save, _("Saved."), back, on_error=_refused)
    if done is None:  # refused: say why on the report page, at the line
        for name, errors in form.errors.items():
            label = getattr(form, name).label.text if hasattr(form, name) else name
            flash(f"{label}: {errors[0] if isinstance(errors, list) else errors}", "error")
        return redirect(back)
    return done


@bp.route("/results/<int:year>/trace/<row>")
@roles_required("supervisor")
def trace_page(year, row):
    """The people (or sessions) behind a computed line (supervisors: their own sites)."""
    year = parse_year(year)
    found, part = trace.find(year, row, request.args.get("part"))
    if part is not None and part.site_id is not None:
        require_site(current_user, part.site_id)
    if found.source in indicator_rules.UNITS:
        return redirect(
            url_for(
                "indicators.trace_page",
                year=year,
                key=found.source,
                site=part.site.code if part and part.site else None,
                programme=part.programme.code if part and part.programme else None,
            )
        )
    scope = trace.scope_of(found, part)
    site_ids = visible_site_ids(current_user)
    if found.measure == "sessions":
        lines, people = trace.sessions(scope, year, site_ids), []
    else:
        lines, people = [], trace.people(scope, year, site_ids)
    audit.record(
        "reports.trace",
        entity_type="report_row",
        entity_id=found.key,
        year=year,
        part=part.key if part else None,
        people=len(people),
        sessions=len(lines),
    )
    db.session.commit()
    return render_template(
        "reports/trace.html",
        year=year,
        row=found,
        part=part,
        sessions=lines,
        people=people,
    )


@bp.route("/results.<any(pdf, docx, xlsx):kind>")
@roles_required("supervisor")
def download(kind):
    """The year's report as PDF, DOCX or XLSX (the same files as the API's)."""
    return web.download(kind, current_user)


def _choices() -> dict:
    """The page's choices: where a row's result comes from, workshop kinds, sites and
    programmes (codes), each with an "any" first where a filter may be left out."""
    sources = [(rules.MANUAL, _("Entered by hand"))]
    sources += [(i.key, _("Computed: %(what)s", what=i.label)) for i in indicator_keys.INDICATORS]
    sources += [
        (drafts.MEASURE_PREFIX + "participants", _("Computed: people in the workshops")),
        (drafts.MEASURE_PREFIX + "hours", _("Computed: hours in the workshops")),
        (drafts.MEASURE_PREFIX + "sessions", _("Computed: sessions of the workshops")),
    ]
    sites = db.session.scalars(sa.select(Site).order_by(Site.code))
    programmes = db.session.scalars(sa.select(Programme).order_by(Programme.code))
    return {
        "sources": sources,
        "kinds": [("", _("Any kind")), *((k, str(v)) for k, v in KIND_LABELS.items())],
        "sites": [("", _("Any site")), *((s.code, f"{s.code} · {s.name}") for s in sites)],
        "programmes": [
            ("", _("Any programme")),
            *((p.code, f"{p.code} · {p.name}") for p in programmes),
        ],
    }


def _layout_page(year, saved, draft, errors=None, added="", status=200):
    return (
        render_template(
            "reports/layout.html",
            year=year,
            saved_from=None if saved is None else saved.year_from,
            every_year=rules.EVERY_YEAR,
            draft=draft,
            errors=errors or {},
            added=added,
            **_choices(),
        ),
        status,
    )


@bp.route("/layout", methods=["GET", "POST"])
@admin_required
def layout():
    """A year's report layout (admin): pillars, their rows (entered by hand or computed)
    and the parts below them, in order. Saved by the same service as ``PUT
    /indicator-definitions``, from the year on; all or nothing. "Add" buttons send the
    draft back with an empty entry, saving nothing."""
    year = indicator_web.year_arg()
    saved = layouts.layout_for(year)
    if request.method == "GET":
        return _layout_page(year, saved, drafts.from_layout(saved))
    draft = drafts.from_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        draft, added = drafts.with_blank(draft, action)
        return _layout_page(year, saved, draft, added=added)
    draft = drafts.cleaned(draft)
    refused = []
    done = attempt(
        lambda: layouts.define(year, drafts.entries(draft)),
        _(
            "The layout is saved for %(year)d and the years after; earlier years keep theirs.",
            year=year,
        ),
        url_for("reports.layout", year=year),
        refused.append,
    )
    if done:
        return done
    flash(refused[0].message, "error")
    return _layout_page(year, saved, draft, errors=refused[0].fields or {}, status=400)
