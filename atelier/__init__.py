"""Atelier: the app factory."""

from importlib import import_module
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from atelier import (
    api,
    camera,
    config,
    extensions,
    formatting,
    health,
    i18n,
    models,  # noqa: F401 (complete metadata)
    nav,
    requestlog,
    security,
    seed,
    staticfiles,
)
from atelier.areas import AREAS, area_modules
from atelier.backup import cli as backup_cli
from atelier.db import INT_MAX
from atelier.errors import register_errorhandlers as register_error_pages

# not `extensions.db` by name: in this package, `db` is the module atelier.db (migrations)
from atelier.extensions import babel, csrf, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: settings from the environment, then ``overrides`` (tests)."""
    app = Flask(
        __name__,
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
        instance_path=str(config.ROOT / "instance"),
    )
    app.config.from_mapping(config.from_environment(app.instance_path))
    if overrides:
        app.config.update(overrides)
    app.instance_path and _ensure_instance_folder(app)
    trust_proxies(app)
    register_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security(app)
    register_template_helpers(app)
    return app


def _ensure_instance_folder(app: Flask) -> None:
    """SQLite lives in instance/; create it on first start."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` proxies, take the client's address and scheme from their
    ``X-Forwarded-For``/``-Proto``: rate limits, audit addresses and Secure cookies then see
    the real client, not the proxy (which every client would share)."""
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_logging(app: Flask) -> None:
    """One JSON line per request on standard error, with its request id echoed; first, so
    every other step's hooks already run inside a request that has its id."""
    requestlog.register(app)


def register_extensions(app: Flask) -> None:
    """Bind db, migrations, login, CSRF, languages and the limiter to the app."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # a SQLite file has no server connection to lose: a ping on every checkout would
        # only cost each request a statement
        options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
    extensions.db.init_app(app)
    migrate.init_app(
        app,
        extensions.db,
        directory=str(config.ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    i18n.register(app)
    nav.init_app(app)


def register_url_converters(app: Flask) -> None:
    """``<int:...>`` in every route matches only ids the database can hold (else 404).

    Registered before the blueprints, so every rule, page or API, uses it."""

    class DatabaseInt(IntegerConverter):
        """An id from 0 to 2^31 - 1. A larger one is no record: 404 straight away (werkzeug
        turns a ValidationError into 405 when the same path has a rule for another method)."""

        def to_python(self, value: str) -> int:
            if len(value) > len(str(INT_MAX)) or int(value) > INT_MAX:
                raise NotFound()
            return super().to_python(value)

    app.url_map.converters["int"] = DatabaseInt


def register_blueprints(app: Flask) -> None:
    """Every area's pages, and the JSON API (CSRF-exempt: it uses bearer tokens)."""
    for area in AREAS:
        views = import_module(f"atelier.{area}.views")
        for blueprint in getattr(views, "blueprints", (views.bp,)):
            app.register_blueprint(blueprint)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)


def register_errorhandlers(app: Flask) -> None:
    """Domain errors and HTTP errors become the JSON error shape or an error page."""
    register_error_pages(app)


def register_commands(app: Flask) -> None:
    """CLI groups: users, seed, and each area's own."""
    app.cli.add_command(seed.seed_cli)
    app.cli.add_command(backup_cli.cli)
    for module in area_modules("cli"):
        app.cli.add_command(module.cli)


def register_template_helpers(app: Flask) -> None:
    """The template filters every area shares: money, times, days, months, hours, shares;
    the camera scanner's reader for scan fields; versioned static URLs."""
    formatting.register(app)
    camera.register(app)
    staticfiles.register(app)


def register_security(app: Flask) -> None:
    """Response headers: CSP without inline script, no framing, nosniff, HSTS on https."""
    security.register(app)
