"""API calls for the annual Results report (see API.md, "The annual Results report")."""

from typing import Literal

from flask import jsonify
from flask_login import current_user
from pydantic import Field, field_validator, model_validator

from atelier.api.core import PDF, XLSX, Body, CodeOf, Out, api_route, parse
from atelier.extensions import db
from atelier.reports import figures, layouts, rules, services, web

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the report's query: the year, hiding small counts, the year before beside it
REPORT_QUERY = {
    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
    "suppress": {"type": "string", "enum": ["0", "1"]},
    "compare": {"type": "string", "enum": ["0", "1"]},
}


class MeasureSource(Body):
    """A computed measure over workshops filtered by kind, programme and site."""

    measure: Literal["participants", "hours", "sessions"]
    workshop_kind: str | None = None
    programme: str | None = None
    site: str | None = None


class PartEntry(Body):
    """A part below a row: a label, narrowing a computed row by site and/or programme."""

    key: str = Field(max_length=40)
    label: str = Field(max_length=300)
    site: str | None = None
    programme: str | None = None


class RowEntry(Body):
    """A row: its key, label, source and parts."""

    key: str = Field(max_length=40)
    label: str = Field(max_length=300)
    source: str | MeasureSource = "manual"
    parts: list[PartEntry] = Field(default_factory=list, max_length=50)


class PillarEntry(Body):
    """A pillar: its name and rows, in order."""

    name: str = Field(max_length=200)
    rows: list[RowEntry] = Field(default_factory=list, max_length=100)


class DefinitionsRequest(Body):
    """The layout from ``year`` on (without it: for every year until a later layout)."""

    year: int | None = None
    pillars: list[PillarEntry] = Field(max_length=20)


class FigureEntry(Body):
    """A row's (or part's) figures; a field left out stays as it is, null clears it."""

    row: str = Field(max_length=40)
    part: str | None = Field(default=None, max_length=40)
    target: int | None = None
    result: int | None = None
    remarks: str | None = None


class FiguresRequest(Body):
    """Figures to set for a year."""

    year: int
    figures: list[FigureEntry] = Field(max_length=500)


class MeasureOut(Out):
    """A computed measure's filters (null: not filtered)."""

    measure: Literal["participants", "hours", "sessions"]
    workshop_kind: str | None
    programme: CodeOf | None
    site: CodeOf | None


class LayoutPartOut(Out):
    """A part below a row, as defined."""

    key: str
    label: str
    site: CodeOf | None
    programme: CodeOf | None


class LayoutRowOut(Out):
    """A row as defined: ``source`` is "manual", a built-in key, or a measure's filters."""

    key: str
    label: str
    source: str | MeasureOut
    parts: list[LayoutPartOut]

    @model_validator(mode="before")
    @classmethod
    def _measure_filters(cls, row):
        """A measure row's source is the row itself (its measure and filters)."""
        if getattr(row, "source", None) != rules.MEASURE:
            return row
        return {"key": row.key, "label": row.label, "source": row, "parts": row.parts}


class LayoutPillarOut(Out):
    """A pillar as defined, its rows in order."""

    name: str
    rows: list[LayoutRowOut]


class LayoutOut(Out):
    """A layout as it was defined (codes for sites and programmes); ``year`` null: for
    every year until a later layout."""

    year: int | None = Field(validation_alias="year_from")
    pillars: list[LayoutPillarOut]

    @field_validator("year", mode="before")
    @classmethod
    def _from_the_start(cls, year_from: int) -> int | None:
        return None if year_from == rules.EVERY_YEAR else year_from


class PreviousOut(Out):
    """The year before's target and result of the same row or part."""

    target: int | None
    result: int | float | str | None


class LineOut(Out):
    """A row (level 0) or a part below it (level 1); ``previous`` only with compare=1."""

    row: str
    part: str | None
    label: str
    level: Literal[0, 1]
    target: int | None
    result: int | float | str | None
    remarks: str | None
    previous: PreviousOut | None = Field(None, exclude_if=lambda value: value is None)


class ReportPillarOut(Out):
    """A pillar of the report, its lines in the defined order."""

    name: str
    rows: list[LineOut] = Field(validation_alias="lines")


class ReportOut(Out):
    """A year's Results report."""

    year: int
    pillars: list[ReportPillarOut]


def layout_json(layout) -> dict:
    """A layout as it was defined (codes for sites and programmes)."""
    return LayoutOut.of(layout)


@api_route(
    "/indicator-definitions",
    "PUT",
    "Define the Results report's layout from a year on.",
    body=DefinitionsRequest,
    response=LayoutOut,
)
def put_indicator_definitions():
    """200 with the layout as saved."""
    data = parse(DefinitionsRequest)
    layout = layouts.define(data.year, [p.model_dump() for p in data.pillars])
    db.session.commit()
    return jsonify(layout_json(layout))


@api_route(
    "/indicator-figures",
    "PUT",
    "Set a year's report figures (target, manual result, remarks).",
    body=FiguresRequest,
    response=ReportOut,
)
def put_indicator_figures():
    """200 with the year's report as it now reads."""
    data = parse(FiguresRequest)
    figures.enter(data.year, [f.model_dump(exclude_unset=True) for f in data.figures])
    db.session.commit()
    return jsonify(ReportOut.of(services.build(data.year, current_user)))


@api_route(
    "/reports/results",
    "GET",
    "The Results report of a year (suppress=1 hides <5, compare=1 adds the year before).",
    roles=("supervisor",),
    response=ReportOut,
    query=REPORT_QUERY,
)
def get_results_report():
    """200 with the pillars and their lines in order."""
    return jsonify(ReportOut.of(web.report_arg(current_user)))


@api_route(
    "/reports/results.pdf",
    "GET",
    "The Results report as PDF.",
    roles=("supervisor",),
    media=PDF,
    query=REPORT_QUERY,
)
def get_results_pdf():
    """The report as an A4 PDF."""
    return web.download("pdf", current_user)


@api_route(
    "/reports/results.docx",
    "GET",
    "The Results report as DOCX.",
    roles=("supervisor",),
    media=DOCX,
    query=REPORT_QUERY,
)
def get_results_docx():
    """The report as a Word document, a table per pillar."""
    return web.download("docx", current_user)


@api_route(
    "/reports/results.xlsx",
    "GET",
    "The Results report as XLSX.",
    roles=("supervisor",),
    media=XLSX,
    query=REPORT_QUERY,
)
def get_results_xlsx():
    """The report as one spreadsheet."""
    return web.download("xlsx", current_user)
