"""The Results report of a year: every row and part of its layout with target, result and
remarks, computed rows from the records, manual rows as entered (a constant number of
queries whatever the data: the layout, the figures, and the aggregates the rows need)."""

from dataclasses import dataclass, field

from flask import current_app

from atelier.authz import visible_site_ids
from atelier.indicators import results as indicator_results
from atelier.indicators import rules as indicator_rules
from atelier.indicators.services import tz_name
from atelier.reports import figures, layouts, measures, rules
from atelier.reports.models import ReportPart, ReportRow


@dataclass
class Line:
    """One line of the report: a row (level 0) or a part below it (level 1)."""

    row: str
    part: str | None
    label: str
    level: int
    #: "manual", a built-in key or "measure"
    source: str
    #: what the result counts ("" for manual)
    unit: str
    target: int | None
    #: a number, "<5"/"*" when suppressed, or None (blank)
    result: int | float | str | None
    remarks: str
    #: the site and programme codes a computed line is limited to (trace links)
    site: str | None = None
    programme: str | None = None
    previous_target: int | None = None
    previous_result: int | float | str | None = None
    #: True when the report sets the year before beside it (``compare``)
    compared: bool = False

    @property
    def is_manual(self) -> bool:
        """True for a row (or part) whose figures are entered by hand."""
        return self.source == rules.MANUAL

    @property
    def previous(self) -> dict | None:
        """The year before's target and result when compared, else None."""
        if not self.compared:
            return None
        return {"target": self.previous_target, "result": self.previous_result}


@dataclass
class Pillar:
    """A pillar's name and lines, in order."""

    name: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Report:
    """A year's Results report as every output shows it."""

    year: int
    pillars: list[Pillar]
    programme_name: str
    suppress: bool = False
    compare: bool = False
    #: True when limited to a supervisor's sites (computed rows only)
    is_partial: bool = False


class _Records:
    """The aggregates a year's rows need, each fetched once and only if a row needs it."""

    def __init__(self, year: int, rows: list[ReportRow], site_ids):
        sources = {r.source for r in rows}
        self.builtin = (
            indicator_results.compute(year, site_ids, tz_name())
            if sources & set(indicator_rules.UNITS)
            else None
        )
        self.attendance = measures.grouped(year, site_ids) if rules.MEASURE in sources else None

    def value(self, row: ReportRow, part: ReportPart | None) -> int:
        """A computed row's (or part's) result, from the aggregates."""
        site_id = part.site_id if part else None
        programme_id = part.programme_id if part else None
        if row.source != rules.MEASURE:
            return self.builtin.value(row.source, site_id, programme_id)
        scope = rules.Scope(row.workshop_kind, row.site_id, row.programme_id)
        if part is not None:
            scope = scope.narrowed(site_id, programme_id)
        return rules.measure_value(
            row.measure, scope, self.attendance.people, self.attendance.sessions
        )


def _codes(row: ReportRow, part: ReportPart | None) -> tuple[str | None, str | None]:
    """The site and programme codes a computed line is limited to."""
    site = (part.site if part and part.site else None) or row.site
    programme = (part.programme if part and part.programme else None) or row.programme
    return (site.code if site else None, programme.code if programme else None)


def _row_lines(row: ReportRow, store, records, site_ids, suppress: bool) -> list[Line]:
    """A row and its parts as lines; a supervisor sees only her sites' parts and figures."""
    unit = rules.unit_of(row.source, row.measure)
    computed = row.source != rules.MANUAL
    own = [p for p in row.parts if site_ids is None or (p.site_id is None or p.site_id in site_ids)]
    raw = {None: records.value(row, None) if computed else None}
    for part in own:
        raw[part.key] = records.value(row, part) if computed else None
    hidden = (
        rules.hidden_parts(raw[None], {p.key: raw[p.key] for p in own}, unit, suppress)
        if computed
        else set()
    )
    out = []
    for part in (None, *own):
        figs = figures.values(store.get(figures.ident(row, part)))
        # a supervisor's figures only where a part is her own site's (never a programme total)
        if site_ids is not None and (part is None or part.site_id not in site_ids):
            figs = figures.values(None)
        key = part.key if part else None
        result = (
            rules.shown(raw[key], unit, suppress, key in hidden) if computed else figs["result"]
        )
        site, programme = _codes(row, part) if computed else (None, None)
        out.append(
            Line(
                row=row.key,
                part=key,
                label=part.label if part else row.label,
                level=1 if part else 0,
                source=row.source,
                unit=unit,
                target=figs["target"],
                result=result,
                remarks=figs["remarks"],
                site=site,
                programme=programme,
            )
        )
    return out


def _pillars(year: int, site_ids, suppress: bool) -> list[Pillar]:
    """Every pillar of the year's layout with its lines (a supervisor: computed rows only)."""
    layout = layouts.layout_for(year)
    rows = [r for r in layouts.rows_of(layout) if site_ids is None or r.source != rules.MANUAL]
    if not rows:
        return []
    store = figures.of_year(year)
    records = _Records(year, rows, site_ids)
    wanted = {id(r) for r in rows}
    out = []
    for pillar in layout.pillars:
        lines = [
            line
            for row in pillar.rows
            if id(row) in wanted
            for line in _row_lines(row, store, records, site_ids, suppress)
        ]
        if lines or site_ids is None:
            out.append(Pillar(pillar.name, lines))
    return out


def build(year: int, user, suppress: bool = False, compare: bool = False) -> Report:
    """The Results report of ``year`` as ``user`` may read it; with ``compare``, each line
    also carries the previous year's target and result (matched by row and part key)."""
    site_ids = visible_site_ids(user)
    pillars = _pillars(year, site_ids, suppress)
    if compare:
        before = {
            (line.row, line.part): line
            for pillar in _pillars(year - 1, site_ids, suppress)
            for line in pillar.lines
        }
        for pillar in pillars:
            for line in pillar.lines:
                line.compared = True
                old = before.get((line.row, line.part))
                if old is not None:
                    line.previous_target, line.previous_result = old.target, old.result
    return Report(
        year,
        pillars,
        current_app.config["PROGRAMME_NAME"],
        suppress,
        compare,
        site_ids is not None,
    )
