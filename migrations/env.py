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
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
