"""Fixtures: app, db (each test in a rolled-back transaction), client, login_as(role, desk).

The suite runs on SQLite by default and on PostgreSQL when SPORTELLO_TEST_DATABASE_URL is set.
The schema is built by running the migrations, as in production.
"""

from __future__ import annotations

import collections
import contextvars
import itertools
import os
import re

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from sportello import create_app
from sportello.auth import services as auth_services
from sportello.auth.models import Desk, User
from sportello.config import TestingConfig, database_url
from sportello.core.roles import Role
from sportello.extensions import db as _db

PASSWORD = "correct-horse-battery"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("SPORTELLO_TEST_DATABASE_URL")
    if url:
        return database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _empty_database(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test keeps its own app context and session; each request gets a fresh ``g``, session
    and login state instead of sharing the test's.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def session_transaction(self, *args, **kwargs):
        raise NotImplementedError("log in through the login_as fixture")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    config = type(
        "SessionTestConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "ATTACHMENTS_DIR": str(tmp_path_factory.mktemp("attachments")),
        },
    )
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _empty_database(_db.engine)
        flask_migrate.upgrade()
        # The permit procedure catalog and its seed translations, as `make run` loads them.
        from sportello.permits.catalog import load_catalog

        load_catalog()
        _db.session.commit()
        # Sessions join the per-test transaction through savepoints (see the db fixture).
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, inside a transaction rolled back after the test.

    Every session (the test's and each request's) runs on one connection, so what a request
    commits is visible to the test and everything disappears at the end.
    """
    with app.app_context():
        engines = _db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        try:
            yield _db
        finally:
            _db.session.remove()
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_desk(db):
    def make(**values) -> Desk:
        n = next(_counter)
        letters = "".join(chr(ord("A") + int(d)) for d in f"{n:03d}")
        desk = Desk(
            name=values.pop("name", f"Desk {n}"),
            code=values.pop("code", f"T{letters}"),
            municipality=values.pop("municipality", "Bologna"),
            **values,
        )
        db.session.add(desk)
        db.session.flush()
        return desk

    return make


@pytest.fixture
def make_user(db):
    def make(role: Role = Role.OPERATOR, desks=(), **values) -> User:
        n = next(_counter)
        user = User(
            name=values.pop("name", f"User {n}"),
            email=values.pop("email", f"user{n}@example.org"),
            role=role,
            desks=list(desks),
            password_hash=auth_services.hash_password(values.pop("password", PASSWORD)),
            session_token=auth_services.new_session_token(),
            **values,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_person(db):
    """``make_person(desk, **values)``: a person registered at ``desk``, with name keys."""
    from sportello.people import matching
    from sportello.people.models import Person

    def make(desk: Desk, **values) -> Person:
        n = next(_counter)
        person = Person(
            desk_id=desk.id,
            given_names=values.pop("given_names", "Amal"),
            family_name=values.pop("family_name", f"Testperson{n}"),
            **values,
        )
        matching.refresh_keys(person)
        db.session.add(person)
        db.session.flush()
        return person

    return make


@pytest.fixture
def desk(make_desk):
    """The desk the logged-in user belongs to."""
    return make_desk(name="Own desk", code="OWN")


@pytest.fixture
def other_desk(make_desk):
    """A desk the logged-in user does not belong to."""
    return make_desk(name="Other desk", code="OTH")


def login(client, email: str, password: str = PASSWORD, follow: bool = False):
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=follow)


@pytest.fixture
def login_as(client, make_user, desk, db):
    """``login_as(role, desk=None)``: a new user with that role on that desk (the own desk by
    default), logged in on ``client``. Returns the user."""

    def do(role: Role | str, on_desk: Desk | None = None, **values) -> User:
        role = Role(role)
        desks = [] if role is Role.ADMIN and on_desk is None else [on_desk or desk]
        user = make_user(role, desks, **values)
        db.session.commit()
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do


def shared_label_targets(response) -> dict[str, int]:
    """Ids that a label, a description or a heading points to but that more than one element of
    the page carries: such a label names the wrong control, or none (should be empty)."""
    html = response.get_data(as_text=True)
    counts = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'\sfor="([^"]+)"', html))
    for ids in re.findall(r'\saria-(?:describedby|labelledby)="([^"]+)"', html):
        targets.update(ids.split())
    return {target: counts[target] for target in targets if counts[target] > 1}


def text_of(response) -> str:
    """The visible text of an HTML response, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
