"""API calls for the indicators area (see API.md)."""

from flask import jsonify
from flask_login import current_user
from pydantic import BaseModel, Field

from atelier.api.core import CSV, XLSX, Body, api_route, parse
from atelier.extensions import db
from atelier.indicators import rules, services, web


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


YEAR = {"year": {"type": "integer", "minimum": 2000, "maximum": 2100}}
DOWNLOAD = {**YEAR, "suppress": {"type": "string", "enum": ["0", "1"]}}


class TargetOut(BaseModel):
    """A target: an indicator key, in total or for a site and/or programme."""

    key: str
    site: str | None
    programme: str | None
    target: int
    remarks: str


class TargetsOut(BaseModel):
    """Every target of the year."""

    year: int
    targets: list[TargetOut]


class IndicatorRowOut(BaseModel):
    """Target against result for one key, in total or for a site and/or programme."""

    key: str
    label: str
    pillar: str | None = None
    site: str | None
    programme: str | None
    target: int | None
    result: int | str | None
    remarks: str | None


class IndicatorsOut(BaseModel):
    """The year's table, with the disaggregated results alongside."""

    year: int
    rows: list[IndicatorRowOut]
    breakdown: list[dict]
    by_gender: dict
    by_age_band: dict


def target_json(t) -> dict:
    """A target as the API shows it."""
    return {
        "key": t.key,
        "site": t.site.code if t.site else None,
        "programme": t.programme.code if t.programme else None,
        "target": t.target,
        "remarks": t.remarks,
    }


def report_json(report) -> dict:
    """The report as API.md gives it, with the disaggregated results alongside."""
    rows = [
        {
            "key": r.key,
            "label": r.label,
            "pillar": r.pillar,
            "site": r.site.code if r.site else None,
            "programme": r.programme.code if r.programme else None,
            "target": r.target,
            "result": rules.api_value(r.key, r.result),
            "remarks": r.remarks,
        }
        for r in report.rows
    ]
    res = report.results
    sites, programmes = services.choices()
    site_code = {s.id: s.code for s in sites}
    prog_code = {p.id: p.code for p in programmes}
    cells = [
        {
            "key": key,
            "site": site_code.get(site_id),
            "programme": prog_code.get(prog_id),
            "result": rules.api_value(key, value),
        }
        for key in rules.KEYS
        for (site_id, prog_id), value in sorted(
            res.cells.get(key, {}).items(), key=lambda c: (c[0][0] or 0, c[0][1] or 0)
        )
    ]
    return {
        "year": report.year,
        "rows": rows,
        "breakdown": cells,
        "by_gender": {k: v for k, v in res.by_gender.items()},
        "by_age_band": {k: v for k, v in res.by_age.items()},
    }


@api_route(
    "/indicator-targets",
    "PUT",
    "Set indicator targets for a year.",
    body=TargetsRequest,
    response=TargetsOut,
    errors=(404,),
)
def put_indicator_targets():
    """200 with every target of the year."""
    data = parse(TargetsRequest)
    saved = services.set_targets(data.year, [t.model_dump() for t in data.targets])
    db.session.commit()
    return jsonify({"year": data.year, "targets": [target_json(t) for t in saved]})


@api_route(
    "/indicators",
    "GET",
    "Targets against results for a year.",
    roles=("supervisor",),
    response=IndicatorsOut,
    query=YEAR,
)
def get_indicators():
    """200 with a row per target set plus a total row per key."""
    return jsonify(report_json(services.report(web.year_arg(), current_user)))


@api_route(
    "/indicators.csv",
    "GET",
    "The indicators table as CSV (suppress=1 hides <5).",
    roles=("supervisor",),
    media=CSV,
    query=DOWNLOAD,
)
def get_indicators_csv():
    """The funders' table as CSV."""
    return web.download("csv", current_user)


@api_route(
    "/indicators.xlsx",
    "GET",
    "The indicators table as XLSX (suppress=1 hides <5).",
    roles=("supervisor",),
    media=XLSX,
    query=DOWNLOAD,
)
def get_indicators_xlsx():
    """The funders' table as an XLSX workbook."""
    return web.download("xlsx", current_user)
