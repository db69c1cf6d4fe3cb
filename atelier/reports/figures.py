"""Use cases for the report's figures: target, manual result and remarks, in the one store.

A built-in row's figures are the indicator's targets (:class:`IndicatorTarget` under the
built-in key, its parts by site/programme), so ``PUT /indicator-targets`` and this see the
same rows; any other row keeps them under its own key, its parts under the part's key.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.extensions import db
from atelier.indicators import rules as indicator_rules
from atelier.indicators.models import IndicatorTarget
from atelier.indicators.services import MAX_REMARKS, MAX_TARGET, parse_year
from atelier.reports import layouts, rules
from atelier.reports.models import ReportPart, ReportRow

FIELDS = ("target", "result", "remarks")
Ident = tuple[str, str, int | None, int | None]


def ident(row: ReportRow, part: ReportPart | None) -> Ident:
    """Where a row's (or part's) figures live: (key, part key, site id, programme id)."""
    if row.source in indicator_rules.UNITS:
        return (
            row.source,
            "",
            part.site_id if part else None,
            part.programme_id if part else None,
        )
    return (row.key, part.key if part else "", None, None)


def of_year(year: int) -> dict[Ident, IndicatorTarget]:
    """Every figure of a year, by where it lives (one query)."""
    found = db.session.scalars(sa.select(IndicatorTarget).where(IndicatorTarget.year == year))
    return {(f.key, f.part, f.site_id, f.programme_id): f for f in found}


def values(figure: IndicatorTarget | None) -> dict:
    """A figure's target, result and remarks (blank when there is none)."""
    if figure is None:
        return {"target": None, "result": None, "remarks": ""}
    return {"target": figure.target, "result": figure.result, "remarks": figure.remarks or ""}


def _number(fields, where, value, lowest):
    """A whole number in range, or None; notes a problem in ``fields``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= MAX_TARGET:
        fields[where] = _("a whole number, 0 or more")
    return value


def _check(i: int, entry: dict, rows: dict, fields: dict, seen: set):
    """The row and part an entry is for, checked with its values."""
    where = f"figures.{i}"
    row = rows.get(entry.get("row"))
    part = None
    if row is None:
        fields[f"{where}.row"] = _("no such row in this year's layout")
        return None, None
    if entry.get("part") is not None:
        part = next((p for p in row.parts if p.key == entry["part"]), None)
        if part is None:
            fields[f"{where}.part"] = _("no such part of this row")
            return None, None
    if entry.get("result") is not None and row.source != rules.MANUAL:
        fields[f"{where}.result"] = _("computed from the records: only manual rows take a result")
    _number(fields, f"{where}.target", entry.get("target"), 0)
    _number(fields, f"{where}.result", entry.get("result"), 0)
    remarks = entry.get("remarks")
    if remarks is not None and (not isinstance(remarks, str) or len(remarks) > MAX_REMARKS):
        fields[f"{where}.remarks"] = _("too long")
    if (row.key, part.key if part else None) in seen:
        fields[where] = _("listed twice")
    seen.add((row.key, part.key if part else None))
    return row, part


def enter(year, entries: list[dict]) -> None:
    """Set a year's figures. Each entry names its ``row`` (and ``part``) and gives any of
    ``target``, ``result``, ``remarks``: a field left out stays as it is, ``null`` clears
    it. Every change is audited with its old and new values. All or nothing."""
    year = parse_year(year)
    rows = {r.key: r for r in layouts.rows_of(layouts.layout_for(year))}
    store = of_year(year)
    fields: dict[str, str] = {}
    seen: set = set()
    planned = [(entry, *_check(i, entry, rows, fields, seen)) for i, entry in enumerate(entries)]
    if fields:
        raise layouts.ReportInvalid(_("Some figures are invalid."), fields)
    for entry, row, part in planned:
        where = ident(row, part)
        figure = store.get(where)
        old = values(figure)
        new = {**old, **{k: entry[k] for k in FIELDS if k in entry}}
        new["remarks"] = new["remarks"] or ""
        if new == old:
            continue
        if figure is None:
            key, part_key, site_id, programme_id = where
            figure = IndicatorTarget(
                year=year, key=key, part=part_key, site_id=site_id, programme_id=programme_id
            )
            db.session.add(figure)
            store[where] = figure
        figure.target, figure.result, figure.remarks = new["target"], new["result"], new["remarks"]
        db.session.flush()
        audit.record(
            "reports.figure",
            figure,
            year=year,
            row=row.key,
            part=part.key if part else None,
            old=old,
            new=new,
        )
    db.session.flush()
