"""The migrations build exactly the schema the models describe."""

import contextlib
import datetime
import json

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sportello import create_app
from sportello.config import TestingConfig
from sportello.extensions import db as _db


@contextlib.contextmanager
def _database_at(tmp_path, revision: str):
    """A new SQLite database migrated up to ``revision``, inside its app's context."""
    config = type("MigrationConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db"})
    app = create_app(config)
    with app.app_context():
        try:
            flask_migrate.upgrade(revision=revision)
            yield
        finally:
            _db.engine.dispose()


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


def test_job_referrals_in_the_audit_trail_get_their_own_record_type(tmp_path):
    """Entries recorded as "Referral" before job referrals had their own class name are told
    apart by their fields; a case's referral to a service keeps its type, both ways."""
    rows = [
        ("Referral", {"offer_id": [None, 4], "status": [None, "proposed"], "case_id": [None, 1]}),
        ("Referral", {"note": ["", "Called back"]}),
        ("Referral", {"service_id": [None, 2], "reason": [None, "CPI"], "case_id": [None, 1]}),
        ("Referral", {"outcome": ["pending", "done"]}),
        ("Person", {"status": ["a", "b"]}),
    ]
    with _database_at(tmp_path, "49e38513895b"):
        with _db.engine.begin() as connection:
            for object_type, changes in rows:
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_entries (at, actor_label, action, object_type, object_id, object_label,"
                        " changes) VALUES (CURRENT_TIMESTAMP, 'system', 'update', :type, 1, '', :changes)"
                    ),
                    {"type": object_type, "changes": json.dumps(changes)},
                )

        def types() -> list[str]:
            with _db.engine.connect() as connection:
                return list(connection.scalars(sa.text("SELECT object_type FROM audit_entries ORDER BY id")))

        flask_migrate.upgrade(revision="5c1e0a7b2d94")
        assert types() == ["JobReferral", "JobReferral", "Referral", "Referral", "Person"]
        flask_migrate.downgrade(revision="49e38513895b")
        assert types() == ["Referral", "Referral", "Referral", "Referral", "Person"]


def _a_row(table) -> dict:
    """Values for the columns a row of ``table`` cannot do without."""

    def value(column):
        kind = column.type
        if isinstance(kind, sa.Integer):
            return 1
        if isinstance(kind, sa.Boolean):
            return False
        if isinstance(kind, sa.DateTime):
            return datetime.datetime(2026, 1, 1)
        if isinstance(kind, sa.Date):
            return datetime.date(2026, 1, 1)
        if isinstance(kind, sa.Numeric):
            return 1
        if isinstance(kind, sa.JSON):
            return []
        return "x"

    return {column.name: value(column) for column in table.columns if not column.nullable or column.primary_key}


def test_a_migration_that_copies_a_table_on_sqlite_keeps_the_rows_that_point_at_it(tmp_path):
    """SQLite changes a table by copying it and dropping the original: with foreign keys on,
    the drop would delete every row pointing at it (a profile's education, here). The skills
    profiles' desk migration copies ``job_profiles``, and fills the desk from the person."""
    with _database_at(tmp_path, "5c1e0a7b2d94"):
        tables = sa.MetaData()
        tables.reflect(_db.engine)
        with _db.engine.begin() as connection:
            for name in ("desks", "people", "job_profiles", "job_educations"):
                connection.execute(tables.tables[name].insert().values(**_a_row(tables.tables[name])))
        flask_migrate.upgrade()
        with _db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM job_educations")) == 1
            assert connection.scalar(sa.text("SELECT desk_id FROM job_profiles")) == 1
            # Foreign keys are enforced again once the migration is over.
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_existing_job_referrals_get_the_steps_their_rows_tell(tmp_path):
    """Each referral is put forward on the day it was made; one that moved on also gets its
    present status, on its date, by whoever changed it last."""
    with _database_at(tmp_path, "fe2890ebe6a6"):
        tables = sa.MetaData()
        tables.reflect(_db.engine)
        with _db.engine.begin() as connection:
            for name in ("desks", "users", "people", "cases", "employers"):
                connection.execute(tables.tables[name].insert().values(**_a_row(tables.tables[name])))
            offers, referrals = tables.tables["job_offers"], tables.tables["job_referrals"]
            for offer_id in (1, 2):
                connection.execute(offers.insert().values(**_a_row(offers) | {"id": offer_id}))
            made = datetime.datetime(2026, 3, 2, 9, 30)
            for referral_id, status in ((1, "proposed"), (2, "interview")):
                connection.execute(
                    referrals.insert().values(
                        **_a_row(referrals)
                        | {
                            "id": referral_id,
                            "offer_id": referral_id,
                            "status": status,
                            "status_on": datetime.date(2026, 3, 9),
                            "created_at": made,
                            "updated_at": made + datetime.timedelta(days=7),
                            "created_by_id": 1,
                            "updated_by_id": 1,
                        }
                    )
                )
        flask_migrate.upgrade()
        with _db.engine.connect() as connection:
            steps = connection.execute(
                sa.text("SELECT referral_id, status, status_on, recorded_by_id FROM job_referral_steps ORDER BY id")
            ).all()
        assert [tuple(step) for step in steps] == [
            (1, "proposed", "2026-03-02", 1),
            (2, "proposed", "2026-03-02", 1),
            (2, "interview", "2026-03-09", 1),
        ]
        flask_migrate.downgrade(revision="fe2890ebe6a6")
        assert "job_referral_steps" not in sa.inspect(_db.engine).get_table_names()
