"""Password hashing with argon2 (cheap parameters only in tests)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[tuple, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    """The hasher for the app's ARGON2_PARAMS (empty means argon2's defaults)."""
    params = current_app.config.get("ARGON2_PARAMS") or {}
    key = tuple(sorted(params.items()))
    if key not in _hashers:
        _hashers[key] = PasswordHasher(**params)
    return _hashers[key]


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if the password matches the hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend the time of one verification, so an unknown user answers as slowly as a known one."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    """A hash of a random string, made once per parameter set."""
    params = current_app.config.get("ARGON2_PARAMS") or {}
    key = ("dummy", tuple(sorted(params.items())))
    if key not in _hashers:
        _hashers[key] = _hasher().hash("not-a-password-anyone-uses")  # type: ignore[assignment]
    return _hashers[key]  # type: ignore[return-value]
