"""Pure rules for training: hours as centihours, session dates, attendance rates and counts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from atelier.enums import AttendanceStatus
from atelier.money import round_half_up

MAX_CENTIHOURS = 1200
#: sessions may be planned a few weeks ahead, not years (a typo such as 2062)
MAX_DAYS_AHEAD = 60
EARLIEST_SESSION = date(2000, 1, 1)
STATUSES = AttendanceStatus.values()


class RuleError(ValueError):
    """An input a rule refuses; the message says why, plainly."""


def parse_hours(text: str) -> int:
    """Parse hours given as a decimal string ("2.5") into centihours (250); 0 < hours ≤ 12."""
    if not isinstance(text, str):
        raise RuleError('hours are a decimal string such as "2.5"')
    try:
        hours = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise RuleError("hours are a number such as 2.5") from None
    if not hours.is_finite():
        raise RuleError("hours are a number such as 2.5")
    if not 0 < hours <= MAX_CENTIHOURS // 100:  # first: 1e999999 * 100 would overflow
        raise RuleError("more than 0 and at most 12")
    centi = hours * 100
    if centi != centi.to_integral_value():
        raise RuleError("at most two decimals")
    return int(centi)


def format_hours(centihours: int) -> str:
    """Centihours as a short decimal string: 250 → "2.5", 300 → "3", 125 → "1.25"."""
    whole, part = divmod(centihours, 100)
    if part == 0:
        return str(whole)
    return f"{whole}.{part:02d}".rstrip("0")


def session_centihours(usual: int | None, latest: int | None) -> int | None:
    """The hours a new session takes when none are given: the workshop's usual length, else
    its latest session's, else None (ask; a constant would overpay and inflate hours)."""
    return usual if usual is not None else latest


def session_date_problem(day: date, today: date) -> str | None:
    """Why a session date cannot be used, or None: not far in the future, not absurdly old."""
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        return f"at most {MAX_DAYS_AHEAD} days ahead"
    if day < EARLIEST_SESSION:
        return f"not before {EARLIEST_SESSION.isoformat()}"
    return None


def can_take_roll(day: date, today: date) -> bool:
    """A roll is taken on the day or afterwards, never for a session yet to happen."""
    return day <= today


@dataclass(frozen=True)
class Tally:
    """How often someone was present, absent or excused."""

    present: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def recorded(self) -> int:
        """Sessions with any status."""
        return self.present + self.absent + self.excused


def tally(statuses: Iterable[str]) -> Tally:
    """Count statuses (unknown ones are ignored)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        if status in counts:
            counts[status] += 1
    return Tally(**counts)


def attendance_rate(t: Tally) -> int | None:
    """Percent present, half-up, of the sessions she was expected at.

    Excused absences are not held against her: rate = present / (present + absent).
    None when there is nothing to count yet.
    """
    expected = t.present + t.absent
    if expected == 0:
        return None
    return round_half_up(Decimal(100 * t.present) / Decimal(expected))


def hours_present(sessions: Iterable[tuple[int, str]]) -> int:
    """Centihours of the sessions (centihours, status) she was present at."""
    return sum(centi for centi, status in sessions if status == "present")


def roll_summary(statuses: Iterable[str | None]) -> dict[str, int]:
    """Counts for the roll screen, with ``unmarked`` for people with no status yet."""
    counts = dict.fromkeys((*STATUSES, "unmarked"), 0)
    for status in statuses:
        counts[status if status in STATUSES else "unmarked"] += 1
    return counts


def not_of_site(code: str) -> str:
    """Why a maker code cannot join a workshop or roll: one and the same reason for an
    unknown code and for someone of another site, so a supervisor learns nothing about the
    people of sites that are not hers."""
    return f"{code} is not a maker of this site"
