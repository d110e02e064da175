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


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine)
