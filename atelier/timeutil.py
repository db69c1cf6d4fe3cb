"""Time helpers: local calendar days per site timezone, and payroll months."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone: {name}") from exc


def local_date(instant: datetime, tz_name: str) -> date:
    """The calendar day an aware instant falls on in a timezone."""
    return instant.astimezone(zone(tz_name)).date()


def start_of_day_utc(day: date, tz_name: str) -> datetime:
    """The UTC instant at which a local calendar day begins."""
    return datetime.combine(day, time.min, tzinfo=zone(tz_name)).astimezone(UTC)


def month_bounds(period: str) -> tuple[date, date]:
    """First day and first day of the next month for ``YYYY-MM``."""
    first = parse_period(period)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt


def parse_period(period: str) -> date:
    """Parse ``YYYY-MM`` into the month's first day; ValueError if malformed."""
    if not isinstance(period, str) or len(period) != 7 or period[4] != "-":
        raise ValueError("a period is written YYYY-MM")
    try:
        return date(int(period[:4]), int(period[5:]), 1)
    except ValueError as exc:
        raise ValueError("a period is written YYYY-MM") from exc


def period_of(day: date) -> str:
    """The ``YYYY-MM`` period a calendar day belongs to."""
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    """The period after ``period``."""
    _, nxt = month_bounds(period)
    return period_of(nxt)
