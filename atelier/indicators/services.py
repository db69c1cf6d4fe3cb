"""Use cases for indicators: targets, the report table (targets against results)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from atelier import audit
from atelier.authz import require_site, visible_site_ids
from atelier.errors import Invalid, NotFound
from atelier.extensions import db
from atelier.indicators import keys, results, rules
from atelier.indicators.models import IndicatorTarget
from atelier.org.models import Programme, Site

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_REMARKS = 2000
MAX_TARGET = 10_000_000


class IndicatorInvalid(Invalid):
    """A target or a year that cannot be used."""


@dataclass
class ReportRow:
    """One line of the report: an indicator in total or for one site and/or programme."""

    key: str
    site: Site | None
    programme: Programme | None
    target: int | None
    result: int
    remarks: str

    @property
    def label(self) -> str:
        """The indicator's label with its site and programme, in the current language."""
        return row_label(self.key, self.site, self.programme)

    @property
    def pillar(self) -> str:
        """The report's pillar, in the current language."""
        return str(keys.BY_KEY[self.key].pillar)

    @property
    def is_total(self) -> bool:
        """True for the indicator's overall row."""
        return self.site is None and self.programme is None


@dataclass
class Report:
    """A year's report, as the dashboard, the API and the exports show it."""

    year: int
    rows: list[ReportRow]
    results: results.Results
    #: True when limited to the user's own sites (a supervisor)
    is_partial: bool


def tz_name() -> str:
    """The timezone that decides which year an instant (a sale, a return) falls in."""
    return current_app.config["PAYROLL_TIMEZONE"]


def parse_year(value, default: int | None = None) -> int:
    """A year from a query string; 400 naming ``year`` when malformed or out of range."""
    if value in (None, "") and default is not None:
        return default
    try:
        year = int(str(value).strip())
    except ValueError:
        raise IndicatorInvalid(_("Give a year such as 2026."), {"year": _("not a year")}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise IndicatorInvalid(_("Give a year such as 2026."), {"year": _("out of range")})
    return year


def row_label(key: str, site: Site | None, programme: Programme | None) -> str:
    """The indicator's label, with the site and programme it is limited to."""
    parts = [str(keys.BY_KEY[key].label)]
    scope = " · ".join(x.name for x in (site, programme) if x is not None)
    return f"{parts[0]}: {scope}" if scope else parts[0]


def list_targets(year: int) -> list[IndicatorTarget]:
    """The built-in indicators' targets set for a year, in report order (the same store
    also holds the Results report's other rows: those are not targets of an indicator)."""
    order = {key: i for i, key in enumerate(rules.KEYS)}
    rows = db.session.scalars(
        sa.select(IndicatorTarget).where(
            IndicatorTarget.year == year,
            IndicatorTarget.key.in_(rules.KEYS),
            IndicatorTarget.part == "",
        )
    )
    return sorted(
        rows,
        key=lambda t: (
            order.get(t.key, 99),
            t.site.code if t.site else "",
            t.programme.code if t.programme else "",
        ),
    )


def set_targets(year: int, entries: list[dict]) -> list[IndicatorTarget]:
    """Create or update targets: each entry ``{key, site, programme, target, remarks}``.

    Sites and programmes are given by code (None = in total). All or nothing: any bad
    entry raises 400 naming it, and nothing is written.
    """
    year = parse_year(year)
    sites = {s.code: s for s in db.session.scalars(sa.select(Site))}
    programmes = {p.code: p for p in db.session.scalars(sa.select(Programme))}
    existing = {(t.key, t.site_id, t.programme_id): t for t in list_targets(year)}
    fields: dict[str, str] = {}
    planned, seen = [], set()
    for i, entry in enumerate(entries):
        where = f"targets.{i}"
        key, site_code, prog_code = entry.get("key"), entry.get("site"), entry.get("programme")
        site = sites.get(site_code) if site_code else None
        programme = programmes.get(prog_code) if prog_code else None
        target, remarks = entry.get("target"), entry.get("remarks") or ""
        if key not in rules.UNITS:
            fields[f"{where}.key"] = _("unknown indicator")
        if site_code and site is None:
            fields[f"{where}.site"] = _("unknown site")
        if prog_code and programme is None:
            fields[f"{where}.programme"] = _("unknown programme")
        if (
            not isinstance(target, int)
            or isinstance(target, bool)
            or not (0 <= target <= MAX_TARGET)
        ):
            fields[f"{where}.target"] = _("a whole number, 0 or more")
        if len(remarks) > MAX_REMARKS:
            fields[f"{where}.remarks"] = _("too long")
        ident = (key, site.id if site else None, programme.id if programme else None)
        if ident in seen:
            fields[where] = _("listed twice")
        seen.add(ident)
        planned.append((ident, site, programme, target, remarks))
    if fields:
        raise IndicatorInvalid(_("Some targets are invalid."), fields)
    for (key, site_id, programme_id), site, programme, target, remarks in planned:
        row = existing.get((key, site_id, programme_id))
        old = {"target": row.target, "remarks": row.remarks} if row else None
        if row is None:
            row = IndicatorTarget(year=year, key=key, site=site, programme=programme, part="")
            db.session.add(row)
        row.target, row.remarks = target, remarks
        db.session.flush()
        audit.record(
            "indicators.target",
            row,
            year=year,
            key=key,
            target=target,
            old=old,
            new={"target": target, "remarks": remarks},
        )
    db.session.flush()
    return list_targets(year)


def delete_target(target_id: int) -> None:
    """Remove one target."""
    row = db.session.get(IndicatorTarget, target_id)
    if row is None:
        raise NotFound(_("No such target."))
    audit.record("indicators.target_deleted", row, year=row.year, key=row.key)
    db.session.delete(row)
    db.session.flush()


def report(year: int, user) -> Report:
    """Targets against results for a year: the targets set plus a total row per key.

    A supervisor sees results for her own sites only; her total rows then carry no
    target (the programme's overall target would not compare with a part of it).
    """
    site_ids = visible_site_ids(user)
    res = results.compute(year, site_ids, tz_name())
    targets = list_targets(year)
    by_key: dict[str, list[IndicatorTarget]] = {}
    for t in targets:
        by_key.setdefault(t.key, []).append(t)
    rows = []
    for indicator in keys.INDICATORS:
        key = indicator.key
        total = next(
            (t for t in by_key.get(key, []) if t.site_id is None and t.programme_id is None), None
        )
        show_total = total if site_ids is None else None
        rows.append(
            ReportRow(
                key,
                None,
                None,
                show_total.target if show_total else None,
                res.value(key),
                show_total.remarks if show_total else "",
            )
        )
        for t in by_key.get(key, []):
            if t is total or (site_ids is not None and t.site_id not in site_ids):
                continue
            rows.append(
                ReportRow(
                    key,
                    t.site,
                    t.programme,
                    t.target,
                    res.value(key, t.site_id, t.programme_id),
                    t.remarks,
                )
            )
    return Report(year, rows, res, site_ids is not None)


def year_on_year(year: int, user, span: int = 3) -> dict[str, list[tuple[int, int]]]:
    """Each key's total result for the ``span`` years up to ``year`` (oldest first)."""
    site_ids = visible_site_ids(user)
    series: dict[str, list[tuple[int, int]]] = {key: [] for key in rules.KEYS}
    for y in range(year - span + 1, year + 1):
        res = results.compute(y, site_ids, tz_name())
        for key in rules.KEYS:
            series[key].append((y, res.value(key)))
    return series


def scope(user, site_code: str | None, programme_code: str | None):
    """The site and programme a trace is limited to, checked against the user's sites."""
    site = programme = None
    if site_code:
        site = db.session.scalar(sa.select(Site).where(Site.code == site_code))
        if site is None:
            raise NotFound(_("No such site."))
        require_site(user, site.id)
    if programme_code:
        programme = db.session.scalar(sa.select(Programme).where(Programme.code == programme_code))
        if programme is None:
            raise NotFound(_("No such programme."))
    return site, programme


def check_key(key: str) -> None:
    """404 for an unknown indicator key."""
    if key not in rules.UNITS:
        raise NotFound(_("No such indicator."))


def audit_trace(year: int, key: str, site, programme, count: int) -> None:
    """Log that staff listed the people an indicator counts."""
    if rules.UNITS[key] != "pieces":
        audit.record(
            "indicators.trace",
            entity_type="indicator",
            entity_id=key,
            year=year,
            site=site.code if site else None,
            programme=programme.code if programme else None,
            people=count,
        )


def choices() -> tuple[list[Site], list[Programme]]:
    """The sites and programmes a target may be limited to."""
    sites = db.session.scalars(sa.select(Site).order_by(Site.code)).all()
    return sites, db.session.scalars(sa.select(Programme).order_by(Programme.code)).all()


@dataclass
class Breakdown:
    """One key's result per site, programme, site and programme, and for people per
    gender and age band: lines of (by, group, site code, programme code, text)."""

    key: str
    lines: list[tuple[str, str, str | None, str | None, str]]


def breakdown(report: Report, suppress: bool = False) -> list[Breakdown]:
    """Every key's disaggregated results, ready to show."""
    sites, programmes = choices()
    site_by_id = {s.id: s for s in sites}
    prog_by_id = {p.id: p for p in programmes}
    res, blocks = report.results, []
    for key in rules.KEYS:
        lines = []
        cells = sorted(
            (cell for cell in res.cells.get(key, {}) if cell != (None, None)),
            key=lambda c: (c[0] is None, c[1] is not None, c[0] or 0, c[1] or 0),
        )
        hidden = rules.hidden_cells(
            {(None, None): res.value(key), **res.cells.get(key, {})}, suppress
        )
        for site_id, programme_id in cells:
            site, prog = site_by_id.get(site_id), prog_by_id.get(programme_id)
            if site and prog:
                by, group = _("Site and programme"), f"{site.name} · {prog.name}"
            elif site:
                by, group = _("Site"), site.name
            elif prog:
                by, group = _("Programme"), prog.name
            else:
                continue
            text = rules.display_value(
                key,
                res.value(key, site_id, programme_id),
                suppress,
                (site_id, programme_id) in hidden,
            )
            lines.append(
                (by, group, site.code if site else None, prog.code if prog else None, text)
            )
        genders = dict(sorted(res.by_gender.get(key, {}).items()))
        hidden = rules.also_hidden(genders, suppress)
        for gender, n in genders.items():
            lines.append(
                (
                    _("Gender"),
                    str(keys.GENDER_LABELS.get(gender, gender)),
                    None,
                    None,
                    rules.display_value(key, n, suppress, gender in hidden),
                )
            )
        ages = res.by_age.get(key, {})
        hidden = rules.also_hidden(ages, suppress)
        for band, n in ages.items():
            lines.append(
                (
                    _("Age"),
                    str(keys.AGE_BAND_LABELS[band]),
                    None,
                    None,
                    rules.display_value(key, n, suppress, band in hidden),
                )
            )
        blocks.append(Breakdown(key, lines))
    return blocks
