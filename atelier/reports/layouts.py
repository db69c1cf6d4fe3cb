"""Use cases for the report's layout: define it from a year on, find the one for a year."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from atelier import audit
from atelier.enums import WorkshopKind
from atelier.errors import Invalid
from atelier.extensions import db
from atelier.indicators import rules as indicator_rules
from atelier.indicators.services import MAX_YEAR, MIN_YEAR
from atelier.org.models import Programme, Site
from atelier.reports import rules
from atelier.reports.models import ReportLayout, ReportPart, ReportPillar, ReportRow


class ReportInvalid(Invalid):
    """A layout or figures that cannot be used (400 naming the fields)."""


def layout_for(year: int) -> ReportLayout | None:
    """The layout a year reads with: the latest one starting in or before it (4 queries)."""
    return db.session.scalar(
        sa.select(ReportLayout)
        .where(ReportLayout.year_from <= year)
        .order_by(ReportLayout.year_from.desc())
        .limit(1)
        .options(
            selectinload(ReportLayout.pillars)
            .selectinload(ReportPillar.rows)
            .selectinload(ReportRow.parts)
        )
    )


def rows_of(layout: ReportLayout | None) -> list[ReportRow]:
    """Every row of a layout, in order (none without a layout)."""
    return [row for pillar in layout.pillars for row in pillar.rows] if layout else []


def _label(fields: dict, where: str, value, most: int = 300) -> str:
    """A required label or name, trimmed; notes a problem in ``fields``."""
    value = (value or "").strip()
    if not value:
        fields[where] = _("required")
    elif len(value) > most:
        fields[where] = _("too long")
    return value


def _key(fields: dict, where: str, value, seen: set) -> str:
    """A row or part key: letters, digits, - and _, unique among ``seen``."""
    if not isinstance(value, str) or not rules.KEY_PATTERN.match(value):
        fields[where] = _("1–40 letters, digits, - or _")
    elif value in seen:
        fields[where] = _("listed twice")
    seen.add(value)
    return value


class _Codes:
    """Sites and programmes by code, looked up once."""

    def __init__(self):
        self.sites = {s.code: s for s in db.session.scalars(sa.select(Site))}
        self.programmes = {p.code: p for p in db.session.scalars(sa.select(Programme))}

    def site(self, fields, where, code):
        """The site with this code (None when not given); notes an unknown one."""
        if code in (None, ""):
            return None
        if code not in self.sites:
            fields[where] = _("unknown site")
        return self.sites.get(code)

    def programme(self, fields, where, code):
        """The programme with this code (None when not given); notes an unknown one."""
        if code in (None, ""):
            return None
        if code not in self.programmes:
            fields[where] = _("unknown programme")
        return self.programmes.get(code)


def _row(fields: dict, where: str, entry: dict, codes: _Codes, keys: set, builtins: set):
    """One row of the layout, checked, with its parts."""
    key = _key(fields, f"{where}.key", entry.get("key"), keys)
    row = ReportRow(key=key, label=_label(fields, f"{where}.label", entry.get("label")))
    source = entry.get("source", rules.MANUAL)
    if isinstance(source, dict):
        row.source, row.measure = rules.MEASURE, source.get("measure")
        if row.measure not in rules.MEASURES:
            fields[f"{where}.source.measure"] = _("participants, hours or sessions")
        row.workshop_kind = source.get("workshop_kind") or None
        if row.workshop_kind not in (None, *WorkshopKind.values()):
            fields[f"{where}.source.workshop_kind"] = _("vocational, life_skills or parenting")
        row.site = codes.site(fields, f"{where}.source.site", source.get("site"))
        row.programme = codes.programme(
            fields, f"{where}.source.programme", source.get("programme")
        )
    elif source == rules.MANUAL or source in indicator_rules.UNITS:
        row.source = source
    else:
        fields[f"{where}.source"] = _("manual, a built-in indicator or a measure")
        row.source = rules.MANUAL
    if row.source in indicator_rules.UNITS:
        if row.source in builtins:
            fields[f"{where}.source"] = _("each built-in indicator appears once")
        builtins.add(row.source)
    if key in indicator_rules.UNITS and row.source != key:
        fields[f"{where}.key"] = _("a built-in indicator's key: use it as the source")
    part_keys: set[str] = set()
    scopes: set[tuple] = set()
    for j, part_entry in enumerate(entry.get("parts") or []):
        at = f"{where}.parts.{j}"
        part = ReportPart(
            position=j,
            key=_key(fields, f"{at}.key", part_entry.get("key"), part_keys),
            label=_label(fields, f"{at}.label", part_entry.get("label")),
            site=codes.site(fields, f"{at}.site", part_entry.get("site")),
            programme=codes.programme(fields, f"{at}.programme", part_entry.get("programme")),
        )
        narrows = part.site is not None or part.programme is not None
        if row.source == rules.MANUAL and narrows:
            fields[at] = _("a part of a manual row is a label: no site or programme")
        elif row.source != rules.MANUAL and not narrows and f"{at}.site" not in fields:
            fields[at] = _("a part of a computed row narrows it by site or programme")
        scope = (
            part.site.code if part.site else None,
            part.programme.code if part.programme else None,
        )
        if row.source in indicator_rules.UNITS and narrows and scope in scopes:
            fields[at] = _("listed twice")
        scopes.add(scope)
        row.parts.append(part)
    return row


def define(year: int | None, pillars: list[dict]) -> ReportLayout:
    """Set the layout from ``year`` on (None: from the first year), until a later layout.

    Earlier years keep theirs; a layout starting the same year is replaced. All or nothing:
    any bad entry raises 400 naming it, and nothing is written.
    """
    start = rules.EVERY_YEAR if year is None else year
    fields: dict[str, str] = {}
    if not MIN_YEAR <= start <= MAX_YEAR:
        fields["year"] = _("out of range")
    codes, keys, builtins = _Codes(), set(), set()
    layout = ReportLayout(year_from=start)
    for i, pillar_entry in enumerate(pillars):
        pillar = ReportPillar(
            position=i,
            name=_label(fields, f"pillars.{i}.name", pillar_entry.get("name"), most=200),
        )
        for j, row_entry in enumerate(pillar_entry.get("rows") or []):
            row = _row(fields, f"pillars.{i}.rows.{j}", row_entry, codes, keys, builtins)
            row.position = j
            pillar.rows.append(row)
        layout.pillars.append(pillar)
    if fields:
        raise ReportInvalid(_("Some of the layout is invalid."), fields)
    old = db.session.scalar(sa.select(ReportLayout).where(ReportLayout.year_from == start))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    db.session.add(layout)
    db.session.flush()
    audit.record(
        "reports.layout",
        layout,
        year_from=start,
        replaced=old is not None,
        rows=len(keys),
    )
    return layout
