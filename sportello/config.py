"""Settings, read from the environment.

SQLite under ``instance/`` is the embedded default; set ``DATABASE_URL`` to a PostgreSQL URL
(``postgresql+psycopg://user:pass@host/dbname``) for a network of desks.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("SPORTELLO_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(url: str | None) -> str:
    """Normalise a database URL: bare ``postgresql://`` uses the psycopg 3 driver."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'sportello.sqlite'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


DEVELOPMENT_SECRET = "development: a random key is kept in the instance folder"


class Config:
    """Development defaults: what `make run` serves on 127.0.0.1."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # On PostgreSQL the driver prepares a statement it has run five times on a connection, so the
    # server plans it once. Turn off behind a PgBouncer in transaction mode that does not keep
    # prepared statements (before 1.21, or with max_prepared_statements = 0).
    PG_PREPARED_STATEMENTS = _bool("SPORTELLO_PG_PREPARED_STATEMENTS", True)

    # Sessions: a signed cookie that expires after this many minutes without a request.
    SESSION_IDLE_MINUTES = _int("SPORTELLO_SESSION_IDLE_MINUTES", 30)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SPORTELLO_SECURE_COOKIES", False)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # Password hashing (argon2id); the defaults follow the argon2-cffi recommendations.
    ARGON2_TIME_COST = _int("SPORTELLO_ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST_KIB = _int("SPORTELLO_ARGON2_MEMORY_KIB", 65536)

    # Login lockout.
    LOGIN_MAX_FAILURES = _int("SPORTELLO_LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = _int("SPORTELLO_LOGIN_LOCKOUT_MINUTES", 15)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Languages of the operator interface (content languages are listed in core/languages.py).
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("SPORTELLO_TIMEZONE", "Europe/Rome")
    UI_LOCALES = ("it", "en", "ar")

    # Security headers (Content-Security-Policy, frame denial, no referrer) on every response.
    SECURITY_HEADERS = True
    PREFERRED_URL_SCHEME = "http"
    # Scanned documents: where they are kept (outside the web root) and how large one may be.
    ATTACHMENTS_DIR = os.environ.get("SPORTELLO_ATTACHMENTS_DIR") or str(INSTANCE_DIR / "attachments")
    MAX_ATTACHMENT_MB = _int("SPORTELLO_MAX_ATTACHMENT_MB", 10)
    # A whole request; above a file's limit, so a file a little too large gets a message at its field.
    MAX_CONTENT_LENGTH = max(_int("SPORTELLO_MAX_UPLOAD_MB", 20), MAX_ATTACHMENT_MB + 2) * 1024 * 1024

    ITEMS_PER_PAGE = 25

    # Prepare the PDF engine in the background when a web process starts.
    PDF_WARM_UP = _bool("SPORTELLO_PDF_WARM_UP", True)

    # The person's checklist link: how long it works, and how often one address may open links.
    CHECKLIST_LINK_DAYS = _int("SPORTELLO_CHECKLIST_LINK_DAYS", 90)
    PUBLIC_LINK_RATE_LIMIT = os.environ.get("SPORTELLO_PUBLIC_LINK_RATE_LIMIT", "30 per minute;300 per hour")
    # Where rate-limit counters live: memory for one process, e.g. redis://127.0.0.1:6379 for several.
    RATELIMIT_STORAGE_URI = os.environ.get("SPORTELLO_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # Outgoing e-mail (the checklist link). Without MAIL_SERVER, e-mail is switched off.
    MAIL_SERVER = os.environ.get("SPORTELLO_MAIL_SERVER", "")
    MAIL_PORT = _int("SPORTELLO_MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("SPORTELLO_MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("SPORTELLO_MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("SPORTELLO_MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("SPORTELLO_MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("SPORTELLO_MAIL_FROM", "sportello@localhost")


class ProductionConfig(Config):
    """Behind a TLS-terminating reverse proxy, on PostgreSQL."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SPORTELLO_SECURE_COOKIES", True)
    SESSION_COOKIE_NAME = "__Host-sportello"
    PREFERRED_URL_SCHEME = "https"
    TRUSTED_PROXIES = _int("SPORTELLO_TRUSTED_PROXIES", 1)

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == DEVELOPMENT_SECRET or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("Set SECRET_KEY to a random string of at least 32 characters in production.")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    # Forms are posted without tokens in most tests; tests/core/test_security.py turns it on.
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("SPORTELLO_TEST_DATABASE_URL") or "sqlite://")
    # Hashing cost is not what the tests measure.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 1024
    # Every test opens public links from the same address; the rate-limit test sets its own.
    PUBLIC_LINK_RATE_LIMIT = "10000 per minute"
    PDF_WARM_UP = False


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestingConfig}


def config_from_env() -> type[Config]:
    name = os.environ.get("SPORTELLO_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"SPORTELLO_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
