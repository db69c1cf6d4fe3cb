"""Pure rules for stock: receiving progress and days on the shelf."""

from datetime import date, datetime, timedelta


def receiving_progress(states: list[str]) -> tuple[int, int]:
    """(received, expected) for a shipment's line states; unexpected lines don't count."""
    expected = [s for s in states if s != "unexpected"]
    return sum(1 for s in expected if s == "received"), len(expected)


def days_on_shelf(since: date, today: date) -> int:
    """Whole days a piece has been in the shop (0 on the day it arrived)."""
    return max((today - since).days, 0)


def week_start(today: date) -> date:
    """The Monday of the week ``today`` is in."""
    return today - timedelta(days=today.weekday())


def duplicates(values: list[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def local_day(instant: datetime, tz) -> date:
    """The calendar day of an aware instant in a zone."""
    return instant.astimezone(tz).date()
