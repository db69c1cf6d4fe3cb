"""Every setting, read from the environment, with safe development defaults."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ro", "uk", "nl")


def _database_url(instance_path: str) -> str:
    """DATABASE_URL, normalised to the psycopg 3 driver; SQLite in instance/ by default."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'atelier.sqlite3'}"
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables."""
    env = os.environ.get("ATELIER_ENV", "development")
    development = env == "development"
    secret = os.environ.get("SECRET_KEY")
    if not secret and not development:
        raise RuntimeError("SECRET_KEY must be set outside development")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "CHARITY_NAME": os.environ.get("CHARITY_NAME", "Next Steps"),
        "PAYROLL_CURRENCY": os.environ.get("PAYROLL_CURRENCY", "RON"),
        "PAYROLL_TIMEZONE": os.environ.get("PAYROLL_TIMEZONE", "Europe/Bucharest"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per 15 minutes"),
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": os.environ.get(
            "LOGIN_RATE_LIMIT_PER_ACCOUNT", "10 per 15 minutes"
        ),
        "LOGIN_RATE_LIMIT_PER_ADDRESS": os.environ.get(
            "LOGIN_RATE_LIMIT_PER_ADDRESS", "50 per 15 minutes"
        ),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PUBLIC_RATE_LIMIT": os.environ.get("PUBLIC_RATE_LIMIT", "120 per minute"),
        "TOKEN_TTL_HOURS": int(os.environ.get("TOKEN_TTL_HOURS", "12")),
        "SESSION_IDLE_HOURS_STAFF": float(os.environ.get("SESSION_IDLE_HOURS_STAFF", "12")),
        "SESSION_IDLE_DAYS_MAKER": float(os.environ.get("SESSION_IDLE_DAYS_MAKER", "30")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": not development,
        "PREFERRED_URL_SCHEME": "http" if development else "https",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "atelier" / "translations"),
        "LANGUAGES": LANGUAGES,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "ARGON2_PARAMS": {},
    }
