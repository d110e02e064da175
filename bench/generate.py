"""Deterministic synthetic data: the same size and seed always give the same rows.

``generate(size)`` makes ``size`` people (names from many countries and scripts, half of them
also in their original script, permits expiring around today), size/50 accounts (at least 50),
size/5000 desks (at least 2), ``size`` audit entries spread over the last year, 1.5 cases
per person (see ``bench.generate_cases``), mediation, size/5 housing offers with a housing
need for one case in ten (see ``bench.generate_housing``), and size/5 job offers with a skills
profile for every person, referrals and internships (see ``bench.generate_jobs``).
"""

from __future__ import annotations

import random
from datetime import timedelta

import flask_migrate
import sqlalchemy as sa
from anyascii import anyascii

from bench.generate_cases import generate_cases
from bench.generate_housing import generate_housing
from bench.generate_jobs import generate_jobs
from bench.generate_mediation import generate_mediation
from bench.names import NAMES
from sportello import create_app
from sportello.auth.models import Desk, User, user_desks
from sportello.auth.services import hash_password
from sportello.config import TestingConfig
from sportello.core.audit import Action, AuditEntry
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import matching
from sportello.people.models import Citizenship, NameKey, Person

MUNICIPALITIES = ["Ravenna", "Bologna", "Torino", "Prato", "Brescia", "Palermo", "Padova", "Bari", "Milano", "Roma"]
ROLES = [Role.OPERATOR] * 6 + [Role.MEDIATOR] * 3 + [Role.COORDINATOR]


def person_name(rng: random.Random) -> str:
    given, family = NAMES[rng.choice(sorted(NAMES))]
    return f"{rng.choice(given)} {rng.choice(family)}"


def _latin(name: str) -> str:
    return name if name.isascii() else anyascii(name).title()


def _fiscal_code(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (
        "".join(rng.choice(letters) for _ in range(6))
        + f"{rng.randint(40, 99)}A{rng.randint(10, 70)}Z{rng.randint(100, 999)}X"
    )


def generate_people(rng: random.Random, count: int, desk_ids: list[int]) -> None:
    today = utcnow().date()
    countries = sorted(NAMES)
    batch_people, batch_keys, batch_citizens = [], [], []
    for i in range(count):
        country = rng.choice(countries)
        givens, families = NAMES[country]
        given, family = rng.choice(givens), rng.choice(families)
        row = {
            "id": i + 1,
            "desk_id": desk_ids[i % len(desk_ids)],
            "given_names": _latin(given),
            "family_name": _latin(family),
            "given_names_original": "" if given.isascii() else given,
            "family_name_original": "" if family.isascii() else family,
            "aliases": "",
            "sex": rng.choice(["F", "M"]),
            "birth_date": today.replace(year=today.year - rng.randint(18, 70), month=1 + i % 12, day=1 + i % 28),
            "birth_date_precision": "exact",
            "country_of_birth": country[:2],
            "preferred_language": "it",
            "fiscal_code": _fiscal_code(rng) if rng.random() < 0.6 else "",
            "passport_number": f"P{i:08d}",
            "phone": f"+39333{i:07d}",
            "whatsapp": True,
            "email": "",
            "address": "",
            "municipality": "",
            "permit_type": "employment",
            "permit_number": f"I{i:08d}",
            "permit_expires_on": today + timedelta(days=rng.randint(-400, 900)),
            "permit_questura": "",
            "notes": "",
            "created_at": utcnow(),
            "updated_at": utcnow(),
            "version": 1,
        }
        batch_people.append(row)
        names = [f"{row['given_names']} {row['family_name']}", f"{given} {family}"]
        batch_keys.extend({"person_id": i + 1, "key": key} for key in matching.keys_for(names))
        batch_citizens.append({"person_id": i + 1, "country": country[:2]})
        if len(batch_people) == 5000 or i == count - 1:
            db.session.execute(sa.insert(Person), batch_people)
            db.session.execute(sa.insert(NameKey), batch_keys)
            db.session.execute(sa.insert(Citizenship), batch_citizens)
            batch_people, batch_keys, batch_citizens = [], [], []


def generate(size: int, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    now = utcnow()
    password_hash = hash_password("bench-password-1")
    people = size
    accounts = max(50, size // 50)
    desk_count = max(2, size // 5000)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    desks = [
        {
            "name": f"Sportello {MUNICIPALITIES[i % len(MUNICIPALITIES)]} {i + 1}",
            "code": "B" + letters[i // 26 % 26] + letters[i % 26],
            "municipality": MUNICIPALITIES[i % len(MUNICIPALITIES)],
            "address": f"Via Roma {i + 1}",
            "phone": "",
            "email": "",
            "opening_hours": "Lunedì 9-13",
            "print_header": "",
            "active": True,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for i in range(desk_count)
    ]
    db.session.execute(sa.insert(Desk), desks)
    desk_ids = list(db.session.scalars(sa.select(Desk.id).order_by(Desk.id)))

    users = [
        {
            "name": person_name(rng),
            "email": f"user{i}@bench.example",
            "password_hash": password_hash,
            "role": Role.ADMIN if i == 0 else rng.choice(ROLES),
            "language": rng.choice(["it", "en", "ar", None]),
            "active": rng.random() > 0.1,
            "failed_logins": 0,
            "session_token": f"{i:032d}",
            "must_change_password": False,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "last_login_at": now - timedelta(days=rng.randint(0, 90)),
        }
        for i in range(accounts)
    ]
    db.session.execute(sa.insert(User), users)
    user_ids = list(db.session.scalars(sa.select(User.id).order_by(User.id)))
    links = set()
    for user_id in user_ids[1:]:
        for desk_id in rng.sample(desk_ids, k=rng.choice([1, 1, 1, 2])):
            links.add((user_id, desk_id))
    db.session.execute(sa.insert(user_desks), [{"user_id": u, "desk_id": d} for u, d in sorted(links)])

    names = dict(zip(user_ids, (u["name"] for u in users), strict=True))
    entries = []
    for _ in range(size):
        actor = rng.choice(user_ids)
        target = rng.choice(user_ids)
        entries.append(
            {
                "at": now - timedelta(minutes=rng.randint(0, 525_600)),
                "actor_id": actor,
                "actor_label": names[actor],
                "action": rng.choice([Action.LOGIN, Action.UPDATE, Action.CREATE, Action.VIEW]),
                "object_type": "User",
                "object_id": target,
                "object_label": names[target],
                "desk_id": rng.choice(desk_ids),
                "changes": {"name": ["", names[target]]},
                "ip_address": "127.0.0.1",
            }
        )
    for start in range(0, len(entries), 5000):
        db.session.execute(sa.insert(AuditEntry), entries[start : start + 5000])
    generate_people(rng, people, desk_ids)

    # Cases are followed by the operators and coordinators of their desk.
    roles = {uid: u["role"] for uid, u in zip(user_ids, users, strict=True)}
    staff_by_desk: dict[int, list[int]] = {}
    for user_id, desk_id in sorted(links):
        if roles[user_id] in (Role.OPERATOR, Role.COORDINATOR):
            staff_by_desk.setdefault(desk_id, []).append(user_id)
    codes = {desk_id: desk["code"] for desk_id, desk in zip(desk_ids, desks, strict=True)}
    case_count = generate_cases(
        rng, people * 3 // 2, people, lambda person_id: desk_ids[(person_id - 1) % len(desk_ids)], codes, staff_by_desk
    )
    # The roster: 200 mediators and 200,000 sessions at 100,000 people.
    mediator_accounts = [
        uid for uid, u in zip(user_ids, users, strict=True) if u["role"] is Role.MEDIATOR and u["active"]
    ]
    session_count = generate_mediation(rng, max(10, size // 500), size * 2, mediator_accounts)
    # Housing: 20,000 offers from 1,000 owners at 100,000 people; a need for one case in ten.
    housing = generate_housing(rng, size // 5)
    # Jobs: 20,000 offers from 2,000 employers and 100,000 skills profiles at 100,000 people; a
    # few thousand referrals and internships.
    jobs = generate_jobs(rng, size // 5, people, referrals=size // 25, internships=size // 40)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        tables = ("people", "cases", "case_tracks", "mediation_requests", "housing_offers")
        for table in (*tables, "job_offers", "job_profiles"):
            db.session.execute(
                sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    db.session.commit()
    if postgresql:
        # What autovacuum does shortly after a bulk load (since PostgreSQL 13 it vacuums tables
        # that only had inserts too): planner statistics for the new rows, and the visibility map
        # that lets index-only scans skip the table. VACUUM cannot run inside a transaction.
        # Then a checkpoint, so the pages are timed on a database at rest, not while the server
        # is still writing the load out to disk.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
            connection.exec_driver_sql("CHECKPOINT")
    else:
        # The write-ahead log of the load moved into the database file, as SQLite does by itself
        # once it is large, so no page is timed while that happens.
        # Sent on the driver's connection: a checkpoint cannot run inside a transaction.
        with db.engine.connect() as connection:
            connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "desks": desk_count,
        "users": accounts,
        "people": people,
        "cases": case_count,
        "mediation_sessions": session_count,
        **housing,
        **jobs,
        "audit_entries": len(entries),
    }


def bench_config(url: str) -> type:
    """The app's settings for the benchmark: the given database, forms posted without tokens."""
    return type(
        "BenchConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SESSION_IDLE_MINUTES": 24 * 60},
    )


def build(url: str, size: int) -> dict[str, int]:
    """An empty database at the latest schema, filled with ``size`` people; returns the counts.
    Run in a process of its own by ``python -m bench``."""
    app = create_app(bench_config(url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        flask_migrate.upgrade()
        counts = generate(size)
        db.engine.dispose()
    return counts
