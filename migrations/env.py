"""Alembic environment: runs inside the Flask app, on the app's database."""

import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db


def include_object(obj, name, type_, reflected, compare_to):
    # Alembic's own bookkeeping table is not a model.
    return not (type_ == "table" and name == "alembic_version")


def _options():
    return {
        "target_metadata": target_db.metadata,
        "render_as_batch": True,  # SQLite changes tables by copying them
        "compare_type": True,
        "include_object": include_object,
        **current_app.extensions["migrate"].configure_args,
    }


def run_migrations_offline():
    context.configure(url=target_db.engine.url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = _options()
    options.setdefault("process_revision_directives", skip_empty)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_references(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, *, on):
    """SQLite changes a table by copying it and dropping the original; with foreign keys
    enforced, dropping it would delete (ON DELETE CASCADE) every row that points at it. The
    pragma has no effect inside a transaction, so it is sent on the driver's connection before
    the migration's transaction begins, and after it ends."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_sqlite_references(connection):
    """With foreign keys off, nothing stops a migration from leaving a row that points at no
    row: find any before committing, and undo the migration if there is one."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"the migration leaves rows pointing at missing rows in: {', '.join(tables)}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
