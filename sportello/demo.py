"""``flask --app app demo seed``: demo desks and one account per role, for trying Sportello out.

Seeds only an empty database, then prints the demo logins. Refused in production.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from sportello.auth import services as auth
from sportello.auth.models import User
from sportello.cases.demo_data import seed_cases
from sportello.core.audit import set_system_actor
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.housing.demo_cases import seed_housing_cases
from sportello.housing.demo_data import seed_housing
from sportello.jobs.demo_data import seed_jobs
from sportello.mediation.demo_data import seed_mediation
from sportello.people.demo_data import seed_people
from sportello.permits.demo_data import seed_checklists

DEMO_PASSWORD = "Sportello-demo-2026"

DESKS = [
    {
        "name": "Sportello Integrazione Ravenna",
        "code": "RA",
        "municipality": "Ravenna",
        "address": "Via Oriani 44, 48121 Ravenna",
        "phone": "+39 0544 000000",
        "email": "integrazione@demo.sportello.example",
        "opening_hours": "Lunedì e mercoledì 9:00–13:00\nGiovedì 14:30–17:30",
        "print_header": "Comune di Ravenna · Sportello Integrazione (progetto dimostrativo)",
    },
    {
        "name": "Sportello Migranti Faenza",
        "code": "FA",
        "municipality": "Faenza",
        "address": "Piazza del Popolo 31, 48018 Faenza",
        "phone": "+39 0546 000000",
        "email": "migranti@demo.sportello.example",
        "opening_hours": "Martedì e venerdì 9:00–12:30",
        "print_header": "Unione della Romagna Faentina · Sportello Migranti (progetto dimostrativo)",
    },
]

# (role, name, email, desk codes, interface language)
USERS = [
    (Role.ADMIN, "Giulia Ferri", "admin@demo.sportello.example", [], "it"),
    (Role.COORDINATOR, "Marco Bellini", "coordinatore@demo.sportello.example", ["RA", "FA"], "it"),
    (Role.OPERATOR, "Sara Conti", "operatrice@demo.sportello.example", ["RA"], "it"),
    (Role.MEDIATOR, "Amina El Idrissi", "mediatrice@demo.sportello.example", ["RA", "FA"], "ar"),
]

# The content languages the demo mediator and coordinator translate and review.
REVIEW_LANGUAGES = {
    "mediatrice@demo.sportello.example": ["ar", "fr"],
    "coordinatore@demo.sportello.example": ["en", "sq"],
}

demo_cli = AppGroup("demo", help="Demo data for trying Sportello out.")


def seed() -> bool:
    """Fill an empty database with the demo desks, accounts and people. Returns False if not empty."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return False
    set_system_actor("demo data")
    desks = {d["code"]: auth.create_desk({**d, "active": True}) for d in DESKS}
    for role, name, email, codes, language in USERS:
        user, _ = auth.create_user(
            name=name, email=email, role=role, desks=[desks[c] for c in codes], language=language
        )
        user.password_hash = auth.hash_password(DEMO_PASSWORD)
        user.must_change_password = False
        user.review_languages = REVIEW_LANGUAGES.get(email, [])
    db.session.flush()
    seed_people([desks["RA"].id, desks["FA"].id])
    db.session.flush()
    seed_cases()
    db.session.flush()
    seed_checklists()
    db.session.flush()
    seed_mediation()
    db.session.flush()
    seed_housing_cases(seed_housing())
    db.session.flush()
    seed_jobs()
    db.session.flush()
    return True


def demo_logins() -> list[tuple[str, str]]:
    emails = [email for _, _, email, _, _ in USERS]
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    return [(str(role.value), email) for role, _, email, _, _ in USERS if email in users]


@demo_cli.command("seed")
def seed_command() -> None:
    """Add demo data to an empty database and print the demo logins."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is not for production")
    if seed():
        db.session.commit()
        click.echo("Demo data created.")
    logins = demo_logins()
    if not logins:
        click.echo("The database already holds accounts; no demo data added.")
        return
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")
    click.echo("\nOpen http://127.0.0.1:5000\n")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)


@contextmanager
def serve_demo(database_path: Path, config: type | None = None) -> Iterator[str]:
    """Serve the app with the demo data on a free local port, in a thread; yields its base URL.

    For the browser tests and the screenshots: a fresh SQLite file, migrated and seeded.
    """
    import flask_migrate
    from werkzeug.serving import make_server

    from sportello import create_app
    from sportello.config import Config

    base = config or Config
    app = create_app(type("DemoServerConfig", (base,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}"}))
    with app.app_context():
        flask_migrate.upgrade()
        seed()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
