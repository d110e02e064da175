"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sportello.extensions import db as _db


def test_migrations_match_models(db):
    # The test database was built by `flask db upgrade` (see conftest), not by create_all.
    connection = db.session.connection()
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "render_as_batch": True,
            "include_object": lambda obj, name, type_, reflected, compare_to: name != "alembic_version",
        },
    )
    differences = compare_metadata(context, _db.metadata)
    assert differences == [], "models and migrations differ: run `flask --app app db migrate`"


def test_database_is_at_the_latest_revision(app, db):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    current = MigrationContext.configure(db.session.connection()).get_current_heads()
    assert set(current) == set(script.get_heads())
