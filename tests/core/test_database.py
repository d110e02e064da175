"""A request's transaction that only read ends with a commit; one that wrote is never committed
behind its view's back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sportello import create_app
from sportello.auth.models import Desk
from sportello.config import TestingConfig
from sportello.core.database import end_read_only_transaction
from sportello.core.roles import Role
from sportello.extensions import db as _db


def _ends(db) -> list[str]:
    """What happens to the test's savepoints: every session of a test runs in one."""
    seen: list[str] = []
    connection = db.session.connection()
    sa.event.listen(connection, "release_savepoint", lambda *a: seen.append("commit"))
    sa.event.listen(connection, "rollback_savepoint", lambda *a: seen.append("rollback"))
    db.session.commit()
    seen.clear()
    return seen


def test_a_page_that_only_reads_ends_its_transaction_with_a_commit(db, client, login_as):
    login_as(Role.OPERATOR)
    seen = _ends(db)
    assert client.get("/").status_code == 200
    assert client.get("/health").status_code == 200
    assert seen == ["commit", "commit"]


def test_a_transaction_that_wrote_without_committing_is_left_to_be_rolled_back(db):
    seen = _ends(db)
    db.session.execute(sa.insert(Desk).values(name="Scritta", code="SC", municipality="Ravenna"))
    end_read_only_transaction(None)
    assert seen == []
    assert db.session().in_transaction()
    db.session.rollback()
    assert seen == ["rollback"]
    assert db.session.scalar(sa.select(sa.func.count()).where(Desk.code == "SC")) == 0


def test_pending_changes_are_never_committed_on_the_way_out(db):
    seen = _ends(db)
    db.session.scalar(sa.select(sa.func.count()).select_from(Desk))
    db.session.add(Desk(name="In attesa", code="IA", municipality="Ravenna"))
    end_read_only_transaction(None)
    assert seen == []


def test_a_transaction_that_ran_nothing_takes_no_connection_to_end(db):
    seen = _ends(db)
    statements = []
    sa.event.listen(db.session.connection(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    db.session.commit()
    statements.clear()
    seen.clear()
    db.session.add(Desk(name="Mai salvata", code="MS", municipality="Ravenna"))
    db.session.expunge_all()
    end_read_only_transaction(None)
    assert statements == [] and seen == []


def test_ending_never_fails_the_request(db, monkeypatch):
    seen = _ends(db)
    db.session.scalar(sa.select(sa.func.count()).select_from(Desk))
    session = db.session()

    def lost(*args, **kwargs):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(session, "commit", lost)
    end_read_only_transaction(None)
    assert seen == ["rollback"] and not session.in_transaction()


def test_a_failed_request_is_not_committed(db):
    seen = _ends(db)
    db.session.scalar(sa.select(sa.func.count()).select_from(Desk))
    end_read_only_transaction(RuntimeError("the view failed"))
    assert seen == []
    end_read_only_transaction(None)
    assert seen == ["commit"]


@pytest.mark.parametrize("prepared", [True, False])
def test_prepared_statements_on_postgresql_can_be_turned_off(app, prepared):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    config = type(
        "Config",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "PG_PREPARED_STATEMENTS": prepared},
    )
    other = create_app(config)
    with other.app_context():
        with _db.engine.connect() as connection:
            threshold = connection.connection.dbapi_connection.prepare_threshold
        _db.engine.dispose()
    assert (threshold is not None) is prepared
