"""Deterministic synthetic data: the same size and seed always give the same rows.

``generate(size)`` makes size/50 desks (at least 2), ``size`` accounts and ``10 x size`` audit
entries spread over the last year, with names from many countries and scripts.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from bench.names import NAMES
from sportello.auth.models import Desk, User, user_desks
from sportello.auth.services import hash_password
from sportello.core.audit import Action, AuditEntry
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db

MUNICIPALITIES = ["Ravenna", "Bologna", "Torino", "Prato", "Brescia", "Palermo", "Padova", "Bari", "Milano", "Roma"]
ROLES = [Role.OPERATOR] * 6 + [Role.MEDIATOR] * 3 + [Role.COORDINATOR]


def person_name(rng: random.Random) -> str:
    given, family = NAMES[rng.choice(sorted(NAMES))]
    return f"{rng.choice(given)} {rng.choice(family)}"


def generate(size: int, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    now = utcnow()
    password_hash = hash_password("bench-password-1")
    desk_count = max(2, size // 50)
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
        for i in range(size)
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
    for _ in range(size * 10):
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
    db.session.commit()
    return {"desks": desk_count, "users": size, "audit_entries": len(entries)}
