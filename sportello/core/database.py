"""Engine set-up that differs by database."""

from __future__ import annotations

from typing import Any

from flask import Flask
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


# Statements that change nothing: what a transaction may run and still be ended with a commit.
_READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")
_WROTE = "sportello_wrote"


def _note_writes(engine: Engine) -> None:
    """Mark a connection's transaction as soon as it runs anything but a read."""

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(_READ_ONLY):
            conn.info[_WROTE] = True

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.info.pop(_WROTE, None)


def end_read_only_transaction(exc: BaseException | None = None) -> None:
    """End a request's transaction that only read with a commit, not a rollback.

    Both leave the database as it was, but on PostgreSQL a rollback also makes the driver drop
    every statement it has prepared on the connection: with a commit, the statements a page
    runs on every visit are planned once per connection instead of on every visit. A
    transaction that wrote anything and was not committed by its view, or a request that
    failed, is still rolled back when the session is removed."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(_WROTE):
        return
    session.commit()


def init_app(app: Flask) -> None:
    """Call after ``db.init_app``: teardown functions run in reverse order, so the read-only
    transaction is ended before Flask-SQLAlchemy removes the session."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine)
            elif engine.dialect.name == "postgresql" and not app.config["PG_PREPARED_STATEMENTS"]:
                _without_prepared_statements(engine)
            _note_writes(engine)
    app.teardown_appcontext(end_read_only_transaction)
