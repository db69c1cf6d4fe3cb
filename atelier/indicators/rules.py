"""Pure rules for indicators: the keys, age bands, roll-ups, suppression and safe cells."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from atelier.workshops.rules import format_hours

#: every indicator key, in report order, and what it counts ("people", "pieces", "hours")
UNITS = {
    "vocational_participants": "people",
    "training_hours": "hours",
    "life_skills_participants": "people",
    "parenting_participants": "people",
    "pieces_produced": "pieces",
    "pieces_sold": "pieces",
    "makers_paid": "people",
}
KEYS = tuple(UNITS)
#: participant keys and the workshop kind each counts
PARTICIPANT_KINDS = {
    "vocational_participants": "vocational",
    "life_skills_participants": "life_skills",
    "parenting_participants": "parenting",
}
AGE_BANDS = ("under_18", "18_25", "26_plus", "unknown")
SMALL_COUNT = 5


def age_band(birth_year: int | None, year: int) -> str:
    """The age band of someone born in ``birth_year``, as of the year in question."""
    if birth_year is None:
        return "unknown"
    age = year - birth_year
    if age < 18:
        return "under_18"
    return "18_25" if age <= 25 else "26_plus"


def year_bounds(year: int) -> tuple[date, date]:
    """The first day of the year and of the next one (local calendar days)."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def year_bounds_utc(year: int, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a calendar year in a timezone."""
    tz = ZoneInfo(tz_name)
    first, nxt = year_bounds(year)
    return (
        datetime.combine(first, time.min, tzinfo=tz).astimezone(UTC),
        datetime.combine(nxt, time.min, tzinfo=tz).astimezone(UTC),
    )


def roll_up(rows) -> dict[tuple[int | None, int | None], int]:
    """Sum additive ``(site_id, programme_id, value)`` rows into every cell and the total.

    Only for values that add up: each underlying record has exactly one site and one
    programme (pieces, hours, makers grouped by their own site and programme).
    """
    cells: dict[tuple[int | None, int | None], int] = {(None, None): 0}
    for site_id, programme_id, value in rows:
        value = int(value or 0)
        for cell in ((site_id, programme_id), (site_id, None), (None, programme_id), (None, None)):
            cells[cell] = cells.get(cell, 0) + value
    return cells


#: a count hidden only so that a small one beside it cannot be worked out by subtraction
HIDDEN = "*"


def display_value(key: str, value: int, suppress: bool = False, hidden: bool = False) -> str:
    """A result as shown and exported; counts of 1–4 become "<5" when suppressing, and a
    count ``hidden`` beside one (see :func:`also_hidden`) becomes "*".

    Zero is shown as 0 even when suppressing: it singles nobody out. Hours are not
    counts of people or pieces and are never suppressed.
    """
    if UNITS[key] == "hours":
        return format_hours(value)
    if suppress and 0 < value < SMALL_COUNT:
        return f"<{SMALL_COUNT}"
    if suppress and hidden:
        return HIDDEN
    return str(value)


def also_hidden(siblings: dict, suppress: bool = True) -> set:
    """Of sibling counts that add up to a total shown beside them (sites, programmes,
    genders, age bands), the one to hide as well when suppressing: where exactly one count
    is small, the smallest other count above zero, so the small one cannot be worked out as
    the total minus the others. Returns the keys of ``siblings`` to hide besides the small."""
    if not suppress:
        return set()
    small = [k for k, v in siblings.items() if 0 < v < SMALL_COUNT]
    others = [(v, i) for i, (k, v) in enumerate(siblings.items()) if k not in small and v > 0]
    if len(small) != 1 or not others:
        return set()
    keys = list(siblings)
    return {keys[min(others)[1]]}


def hidden_cells(cells: dict, suppress: bool = True, shown=None) -> set:
    """The (site, programme) cells of one indicator to hide when suppressing: the small
    ones, and enough others that none can be worked out by subtraction.

    ``cells`` holds every cell with its value ((None, None) is the total); ``shown`` the
    cells on show (all by default; an export shows only the rows with targets). Each site
    is the sum of its programmes, each programme of its sites, and the total of either; in
    each such sum, a hidden cell may not be the only figure left unknown, so one more (the
    smallest other above zero, never the total) is hidden, until no sum gives one away.
    """
    if not suppress:
        return set()
    shown = set(cells) if shown is None else set(shown)
    hidden = {c for c in shown if 0 < cells[c] < SMALL_COUNT}
    sites = sorted({s for s, _p in cells if s is not None})
    programmes = sorted({p for _s, p in cells if p is not None})
    sums = [
        [(None, None), *((s, None) for s in sites)],
        [(None, None), *((None, p) for p in programmes)],
    ]
    sums += [[(s, None), *((s, p) for p in programmes if (s, p) in cells)] for s in sites]
    sums += [[(None, p), *((s, p) for s in sites if (s, p) in cells)] for p in programmes]
    changed = True
    while changed:
        changed = False
        for terms in sums:
            unknown = [c for c in terms if c not in shown or c in hidden]
            if len(unknown) != 1 or unknown[0] not in hidden:
                continue
            others = [
                c
                for c in terms
                if c in shown and c not in hidden and c != (None, None) and cells.get(c, 0) > 0
            ]
            if others:
                hidden.add(min(others, key=lambda c: (cells[c], str(c))))
                changed = True
    return hidden


def api_value(key: str, value: int) -> int | str:
    """A result as the API gives it: an integer count, or hours as a decimal string."""
    return format_hours(value) if UNITS[key] == "hours" else int(value)


def bar_length(value: int, largest: int, full: int) -> int:
    """Integer length of a bar for ``value`` on a scale where ``largest`` fills ``full``."""
    if largest <= 0 or value <= 0:
        return 0
    return max(1, min(full, value * full // largest))


def local_day(instant: datetime, tz_name: str) -> date:
    """The calendar day an aware instant falls on in a timezone."""
    return instant.astimezone(ZoneInfo(tz_name)).date()


def year_of(instant: datetime, tz_name: str) -> int:
    """The calendar year an aware instant falls in, in a timezone."""
    return local_day(instant, tz_name).year
