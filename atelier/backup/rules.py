"""Which backups to keep: the newest of each of the last N days and of the last M months."""

from datetime import UTC, datetime
from pathlib import Path

from atelier.backup.archive import PREFIX, STAMP


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name (None for any other file)."""
    name = path.name
    if not name.startswith(PREFIX) or not (name.endswith(".tar") or name.endswith(".tar.age")):
        return None
    stamp = name[len(PREFIX) :].split(".", 1)[0]
    try:
        return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def to_keep(times: list[datetime], keep_daily: int, keep_monthly: int) -> set[datetime]:
    """The instants to keep: for each of the ``keep_daily`` most recent days (UTC) that have
    a backup, its newest; the same for the ``keep_monthly`` most recent months; and always
    the newest of all. Everything else may go."""
    newest_first = sorted(times, reverse=True)
    kept: set[datetime] = set(newest_first[:1])
    for period, count in (
        (lambda t: t.date(), keep_daily),
        (lambda t: (t.year, t.month), keep_monthly),
    ):
        seen = []
        for moment in newest_first:
            key = period(moment)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            kept.add(moment)
    return kept
