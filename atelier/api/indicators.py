"""API calls for the indicators area (see API.md)."""

from flask import Response, jsonify, request
from flask_login import current_user
from pydantic import Field

from atelier.api import Body, api_route, parse
from atelier.db import utcnow
from atelier.extensions import db
from atelier.indicators import exports, rules, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TargetEntry(Body):
    """One target: an indicator key, in total or for a site and/or programme."""

    key: str
    site: str | None = None
    programme: str | None = None
    target: int
    remarks: str = ""


class TargetsRequest(Body):
    """Targets to set for a year."""

    year: int
    targets: list[TargetEntry] = Field(max_length=500)


def target_json(t) -> dict:
    """A target as the API shows it."""
    return {"key": t.key, "site": t.site.code if t.site else None,
            "programme": t.programme.code if t.programme else None, "target": t.target,
            "remarks": t.remarks}


def report_json(report) -> dict:
    """The report as API.md gives it, with the disaggregated results alongside."""
    rows = [{"key": r.key, "label": r.label, "pillar": r.pillar,
             "site": r.site.code if r.site else None,
             "programme": r.programme.code if r.programme else None, "target": r.target,
             "result": rules.api_value(r.key, r.result), "remarks": r.remarks}
            for r in report.rows]
    res = report.results
    sites, programmes = services.choices()
    site_code = {s.id: s.code for s in sites}
    prog_code = {p.id: p.code for p in programmes}
    cells = [{"key": key, "site": site_code.get(site_id), "programme": prog_code.get(prog_id),
              "result": rules.api_value(key, value)}
             for key in rules.KEYS
             for (site_id, prog_id), value in sorted(
                 res.cells.get(key, {}).items(), key=lambda c: (c[0][0] or 0, c[0][1] or 0))]
    return {"year": report.year, "rows": rows, "breakdown": cells,
            "by_gender": {k: v for k, v in res.by_gender.items()},
            "by_age_band": {k: v for k, v in res.by_age.items()}}


def _year() -> int:
    """The ``year`` query argument, else this year."""
    this_year = rules.year_of(utcnow(), services.tz_name())
    return services.parse_year(request.args.get("year"), default=this_year)


def _suppress() -> bool:
    """True when ``suppress`` asks for small counts as "<5"."""
    return request.args.get("suppress", "") in ("1", "true", "on", "yes")


@api_route("/indicator-targets", "PUT", "Set indicator targets for a year.", body=TargetsRequest)
def put_indicator_targets():
    """200 with every target of the year."""
    data = parse(TargetsRequest)
    saved = services.set_targets(data.year, [t.model_dump() for t in data.targets])
    db.session.commit()
    return jsonify({"year": data.year, "targets": [target_json(t) for t in saved]})


@api_route("/indicators", "GET", "Targets against results for a year.", roles=("supervisor",))
def get_indicators():
    """200 with a row per target set plus a total row per key."""
    return jsonify(report_json(services.report(_year(), current_user)))


@api_route("/indicators.csv", "GET", "The indicators table as CSV (suppress=1 hides <5).",
           roles=("supervisor",))
def get_indicators_csv():
    """The funders' table as CSV."""
    year = _year()
    body = exports.to_csv(services.report(year, current_user), _suppress())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="indicators-{year}.csv"'})


@api_route("/indicators.xlsx", "GET", "The indicators table as XLSX (suppress=1 hides <5).",
           roles=("supervisor",))
def get_indicators_xlsx():
    """The funders' table as an XLSX workbook."""
    year = _year()
    body = exports.to_xlsx(services.report(year, current_user), _suppress())
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="indicators-{year}.xlsx"'})
