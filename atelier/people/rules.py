"""Pure rules about people: maker codes, birth years, and what anonymisation leaves."""

import secrets
from datetime import date

#: no 0/O, 1/I/L, 5/S, 2/Z, 8/B look-alikes: codes are read aloud and typed on phones
MAKER_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
MAKER_CODE_LENGTH = 6
#: nobody in the programme is younger than this (teenagers' life skills start at 12)
MIN_AGE = 10
MAX_AGE = 100
DISPLAY_NAME_MAX = 80


def normal_code(code) -> str:
    """A maker code as stored: typed or scanned in any letter case, spaces around dropped."""
    return code.strip().upper() if isinstance(code, str) else ""


def new_maker_code(randbelow=secrets.randbelow) -> str:
    """A random maker code such as ``K7M3QD`` (~27 bits; uniqueness is checked by the caller)."""
    return "".join(
        MAKER_CODE_ALPHABET[randbelow(len(MAKER_CODE_ALPHABET))] for _ in range(MAKER_CODE_LENGTH)
    )


def clean_display_name(name: str | None) -> str:
    """The display name with surrounding and repeated inner spaces removed."""
    return " ".join((name or "").split())


def display_name_problem(name: str) -> str | None:
    """Why a (cleaned) display name cannot be used, or None."""
    if not name:
        return "required"
    if len(name) > DISPLAY_NAME_MAX:
        return f"at most {DISPLAY_NAME_MAX} characters"
    return None


def birth_year_problem(year: int | None, today: date) -> str | None:
    """Why a birth year is implausible, or None (it is optional)."""
    if year is None:
        return None
    if year > today.year - MIN_AGE or year < today.year - MAX_AGE:
        return f"between {today.year - MAX_AGE} and {today.year - MIN_AGE}"
    return None


def anonymous_name(maker_code: str) -> str:
    """What an anonymised person is called from then on: nothing but her pseudonymous code."""
    return f"— {maker_code}"


def anonymous_username(maker_code: str) -> str:
    """The sign-in name a departed maker's (disabled) account is renamed to."""
    return f"anonymised-{maker_code.lower()}"
