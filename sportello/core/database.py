"""Engine set-up that differs by database."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from sportello.extensions import db

# At most this much of the database file is read through the memory map; the rest as usual.
MMAP_BYTES = 1 << 30


def _tune_sqlite(engine: Engine) -> None:
    """Foreign keys on, and real transactions with savepoints (the driver's own are partial).

    The write-ahead log lets readers go on while someone writes, and with ``synchronous=NORMAL``
    a commit no longer waits for the disk (the log is synced at checkpoints): a crash of the app
    loses nothing, a power cut at most the last commits, and the file is never corrupted. Every
    page that records a read in the audit trail commits, so this matters on every such page.

    Reads go through a memory map of the file, shared by every connection and process and kept
    by the operating system's cache, rather than each connection's small page cache (2 MiB): a
    page that looks up a few thousand rows of a large file reads them from memory, not with a
    system call each. Writes still go through the write-ahead log. The database belongs on a
    local disk: an I/O error while reading a mapped page stops the process instead of failing
    one request."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def _without_prepared_statements(engine: Engine) -> None:
    """Every statement sent as it is: a pooler that hands each transaction to any server
    connection cannot keep a connection's prepared statements."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.prepare_threshold = None


# Statements that change nothing: a transaction that ran only these may end with a commit. On
# PostgreSQL a union of limited selects starts with "(".
_READ_ONLY = ("SELECT", "(", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")
# On a connection: how many statements that may write it has run.
_WRITES = "sportello_writes"
# On a session: its transaction, the connection it runs on and that connection's writes then.
_BEGAN = "sportello_began"


def _count_writes(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement[:32].lstrip().upper().startswith(_READ_ONLY):
            conn.info[_WRITES] = conn.info.get(_WRITES, 0) + 1


def _on_session_begin(session: Any, transaction: Any, connection: Any) -> None:
    if transaction.parent is None:
        session.info[_BEGAN] = (transaction, connection, connection.info.get(_WRITES, 0))


def end_read_only_transaction(exc: BaseException | None = None) -> None:
    """End a request's transaction that only read with a commit, not a rollback.

    Both leave the database as it was, but on PostgreSQL a rollback also makes the driver drop
    every statement it has prepared on the connection: with a commit, the statements a page
    runs on every visit are planned once per connection instead of on every visit.

    Anything else is left to be rolled back when the session is removed: a transaction that ran
    a statement that may write and was not committed by its view, one with changes not yet
    flushed, one that failed. An error handled by the app's error handler was rolled back there.
    Never raises: the session must still be removed."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    try:
        transaction = session.get_transaction()
        began = session.info.get(_BEGAN)
        if transaction is None or not transaction.is_active or began is None or began[0] is not transaction:
            return  # no transaction, a failed one, or one that has not run a statement
        if session.new or session.dirty or session.deleted:
            return
        _, connection, writes = began
        if connection.info.get(_WRITES, 0) == writes:
            session.commit()
    except Exception:
        current_app.logger.exception("Ending a read-only transaction failed; it is rolled back")
        try:
            session.rollback()
        except Exception:
            current_app.logger.exception("Rolling back failed too; the session is discarded")


def init_app(app: Flask) -> None:
    """Call after ``db.init_app``: teardown functions run in reverse order, so the read-only
    transaction is ended before Flask-SQLAlchemy removes the session."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine)
            elif engine.dialect.name == "postgresql" and not app.config["PG_PREPARED_STATEMENTS"]:
                _without_prepared_statements(engine)
            _count_writes(engine)
    if not event.contains(db.session, "after_begin", _on_session_begin):
        event.listen(db.session, "after_begin", _on_session_begin)
    app.teardown_appcontext(end_read_only_transaction)
