"""API calls for the indicators area (see API.md)."""

from flask import jsonify
from flask_login import current_user
from pydantic import Field, ValidationInfo, field_validator

from atelier.api.core import CSV, XLSX, Body, CodeOf, Out, api_route, parse
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


class TargetOut(Out):
    """A target: an indicator key, in total or for a site and/or programme."""

    key: str
    site: CodeOf | None
    programme: CodeOf | None
    target: int
    remarks: str


class TargetsOut(Out):
    """Every target of the year."""

    year: int
    targets: list[TargetOut]


class IndicatorRowOut(Out):
    """Target against result for one key, in total or for a site and/or programme."""

    key: str
    label: str
    pillar: str | None = None
    site: CodeOf | None
    programme: CodeOf | None
    target: int | None
    result: int | str | None
    remarks: str | None

    @field_validator("result", mode="before")
    @classmethod
    def _as_published(cls, value, info: ValidationInfo):
        return rules.api_value(info.data["key"], value)


class IndicatorsOut(Out):
    """The year's table, with the disaggregated results alongside."""

    year: int
    rows: list[IndicatorRowOut]
    breakdown: list[dict]
    by_gender: dict
    by_age_band: dict


def report_json(report) -> dict:
    """The report as API.md gives it, with the disaggregated results alongside."""
    rows = [IndicatorRowOut.model_validate(r) for r in report.rows]
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
    return IndicatorsOut.of(
        {
            "year": report.year,
            "rows": rows,
            "breakdown": cells,
            "by_gender": dict(res.by_gender),
            "by_age_band": dict(res.by_age),
        }
    )


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
    return jsonify(TargetsOut.of({"year": data.year, "targets": saved}))


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
