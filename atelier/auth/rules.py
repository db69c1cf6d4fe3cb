"""Pure rules for accounts: which sites a role works at, and password strength."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from zxcvbn import zxcvbn

#: the sites a role may be given, by site kind (other roles have no sites)
SITE_KINDS_FOR_ROLE: dict[str, frozenset[str]] = {
    "supervisor": frozenset({"atelier"}),
    "shop": frozenset({"shop", "webshop"}),
}

MIN_PASSWORD_LENGTH = 10
#: the lowest zxcvbn score (0 to 4) a password may have: 3 is "safely unguessable"
MIN_PASSWORD_SCORE = 3
#: zxcvbn refuses longer input; a longer password is judged by its start (never kinder)
ZXCVBN_MAX_LENGTH = 72

#: a signed-in browser's ``last_seen_at`` moves on at most this often (not on every page)
SESSION_TOUCH_EVERY = timedelta(minutes=5)


def has_sites(role: str) -> bool:
    """True if accounts of this role work at particular sites."""
    return role in SITE_KINDS_FOR_ROLE


def sites_problem(role: str, sites: Iterable[tuple[str, str]]) -> str | None:
    """Why these (code, kind) sites cannot be a ``role`` account's sites, or None."""
    sites = list(sites)
    if not has_sites(role):
        return "only supervisor and shop accounts have sites" if sites else None
    if not sites:
        return "a supervisor or shop account needs at least one site"
    wrong = sorted(code for code, kind in sites if kind not in SITE_KINDS_FOR_ROLE[role])
    if wrong:
        allowed = " or ".join(sorted(SITE_KINDS_FOR_ROLE[role]))
        return f"a {role} account works at {allowed} sites, not {', '.join(wrong)}"
    return None


def password_problem(
    password: str | None, user_inputs: Iterable[str] = ()
) -> tuple[str, list[str]] | None:
    """Why a password is too weak, or None: ``("short", [])``, or ``("guessable", advice)``
    when zxcvbn scores it below 3 (the username and other ``user_inputs`` counted as known
    to a guesser), with its warning and suggestions (English)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short", []
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[u for u in user_inputs if u])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = result["feedback"]
    advice = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    return "guessable", [text for text in advice if text]


def session_idle_limit(role: str, staff_hours: float, maker_days: float) -> timedelta:
    """How long a browser session may sit unused: makers on their own phone keep theirs for
    days, staff on shared tablets and till PCs for hours."""
    if role == "beneficiary":
        return timedelta(days=maker_days)
    return timedelta(hours=staff_hours)


def session_is_idle(last_seen_at: datetime, now: datetime, limit: timedelta) -> bool:
    """True if a session last seen at ``last_seen_at`` has been unused for longer than
    ``limit``: it is over."""
    return now - last_seen_at > limit


def session_needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    """True if ``last_seen_at`` is old enough to be written again."""
    return now - last_seen_at >= SESSION_TOUCH_EVERY
