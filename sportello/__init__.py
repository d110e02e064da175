"""Sportello: case management for Italian integration desks (sportelli integrazione)."""

from __future__ import annotations

import gc
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from sportello import config as config_module
from sportello.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
    )
    config_class = config if isinstance(config, type) else config_module.config_from_env()
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    if hasattr(config_class, "check"):
        config_class.check()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SECRET_KEY"] == config_module.DEVELOPMENT_SECRET:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_parts(app)
    if app.config.get("PDF_WARM_UP") and _serving():
        from sportello.core import pdf

        pdf.warm_up(app)
    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """What the app made while starting (modules, mappers, catalogs, routes) lives as long as the
    process. Left to the garbage collector, each full collection walks all of it: about 200,000
    objects, a pause of around 100 ms that lands on whichever request is running. Frozen, they
    are no longer walked (they are still freed when no longer referenced); a worker forked from
    a preloading server also keeps sharing their memory pages."""
    gc.collect()
    gc.freeze()


def _serving() -> bool:
    """True in a web server process (gunicorn, flask run), not in other commands."""
    import sys

    argv = " ".join(sys.argv)
    return "gunicorn" in argv or (" run" in f" {argv}" and "flask" in argv)


def _instance_secret(instance: Path) -> str:
    """Without SECRET_KEY, a random key kept in the instance folder (development only)."""
    path = instance / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from sportello.core import database, i18n

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    i18n.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)


def _register_parts(app: Flask) -> None:
    from sportello import auth, cases, core, demo, housing, jobs, mediation, people, permits
    from sportello.core import errors, navigation, permissions, security

    security.init_app(app)
    app.before_request(permissions.login_wall)
    errors.init_app(app)
    navigation.init_app(app)

    # One blueprint per part of the desk's work.
    for part in (core, auth, people, cases, permits, mediation, housing, jobs):
        part.init_app(app)
    demo.init_app(app)
