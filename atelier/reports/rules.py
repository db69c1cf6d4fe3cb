"""Pure rules of the Results report: sources, scopes, measures over attendance, suppression."""

import re
from dataclasses import dataclass
from decimal import Decimal

from atelier.indicators import rules as indicator_rules

MANUAL = "manual"
MEASURE = "measure"
MEASURES = ("participants", "hours", "sessions")
#: the first year a layout defined "for every year" applies to
EVERY_YEAR = 2000
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
#: what a measure counts; "people" and "pieces" are small-cell suppressed, the others never
MEASURE_UNITS = {"participants": "people", "hours": "hours", "sessions": "sessions"}


def unit_of(source: str, measure: str | None) -> str:
    """What a row's result counts: "" for a manual row, else people, pieces, hours, sessions."""
    if source == MANUAL:
        return ""
    if source == MEASURE:
        return MEASURE_UNITS[measure or "participants"]
    return indicator_rules.UNITS[source]


@dataclass(frozen=True)
class Scope:
    """Workshop filters of a measure: kind, site and programme (None: any)."""

    kind: str | None = None
    site_id: int | None = None
    programme_id: int | None = None
    #: True when a part asks for another site or programme than its row (nothing matches)
    empty: bool = False

    def narrowed(self, site_id: int | None, programme_id: int | None) -> "Scope":
        """The scope of a part below this row: the row's filters and the part's."""
        empty = self.empty
        for mine, theirs in ((self.site_id, site_id), (self.programme_id, programme_id)):
            if mine is not None and theirs is not None and mine != theirs:
                empty = True
        return Scope(
            self.kind,
            self.site_id if site_id is None else site_id,
            self.programme_id if programme_id is None else programme_id,
            empty,
        )

    def matches(self, kind: str, site_id: int, programme_id: int) -> bool:
        """True if a workshop of this kind, site and programme is counted."""
        return (
            not self.empty
            and self.kind in (None, kind)
            and self.site_id in (None, site_id)
            and self.programme_id in (None, programme_id)
        )


def measure_value(measure: str, scope: Scope, people, sessions) -> int:
    """A measure over one scope, from grouped attendance (one pass, no database).

    ``people``: ``(kind, site_id, programme_id, beneficiary_id, centihours)`` per workshop
    group and person present; ``sessions``: ``(kind, site_id, programme_id, n)`` sessions with
    someone present per workshop group. Participants are distinct people across the groups
    (a person in two matching workshops counts once); hours are in centihours.
    """
    if measure == "sessions":
        return sum(int(n) for kind, s, p, n in sessions if scope.matches(kind, s, p))
    matching = [(bid, ch) for kind, s, p, bid, ch in people if scope.matches(kind, s, p)]
    if measure == "hours":
        return sum(int(ch or 0) for _bid, ch in matching)
    return len({bid for bid, _ch in matching})


def hours_number(centihours: int) -> int | float:
    """Centihours as the JSON number of hours (250 → 2.5, 300 → 3)."""
    hours = Decimal(centihours) / 100
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def shown(value: int | None, unit: str, suppress: bool = False, hidden: bool = False):
    """A result as the report gives it: None stays blank; with ``suppress``, a count of
    people or pieces of 1–4 becomes "<5" and one ``hidden`` beside it "*"; hours as hours.
    """
    if value is None:
        return None
    if unit == "hours":
        return hours_number(value)
    if unit in ("people", "pieces") and suppress:
        if 0 < value < indicator_rules.SMALL_COUNT:
            return f"<{indicator_rules.SMALL_COUNT}"
        if hidden:
            return indicator_rules.HIDDEN
    return int(value)


def hidden_parts(total: int, parts: dict, unit: str, suppress: bool) -> set:
    """Parts to hide besides the small ones: only when the parts add up to the row (say,
    one per site), so that a small part could be worked out as the row minus the others."""
    if not suppress or unit not in ("people", "pieces") or sum(parts.values()) != total:
        return set()
    return indicator_rules.also_hidden(parts, suppress)


def text(value) -> str:
    """A figure as a cell's text: blank for None (never 0), else as given."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def plain_number(value) -> int | float | None:
    """A figure that a spreadsheet may hold as a number (not "<5", not blank)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value
