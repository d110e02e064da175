"""Synthetic cases for the benchmark: 1.5 cases per person, with tracks, goals, timeline,
referrals and appointments in realistic proportions, deterministic for a seed."""

from __future__ import annotations

import random
from datetime import time, timedelta

import sqlalchemy as sa

from sportello.cases.models import (
    Appointment,
    Case,
    CaseCounter,
    Goal,
    Intervention,
    Referral,
    ReferralService,
    StageChange,
    Track,
)
from sportello.core.model import utcnow
from sportello.extensions import db

TRACKS = ["housing", "employment", "mediation", "permits", "health", "training", "legal"]
STAGES = ["assessment", "active", "waiting", "completed", "stopped"]
KINDS = ["interview", "phone_call", "email", "whatsapp", "accompaniment", "referral"]
CHANNELS = ["in_person", "phone", "email", "video", "message"]


def generate_cases(rng: random.Random, count: int, people: int, person_desk, desk_codes, staff_by_desk) -> int:
    """``count`` cases for people 1..``people``; a person with two cases had the first closed."""
    now = utcnow()
    today = now.date()
    service_ids = list(db.session.scalars(sa.select(ReferralService.id)))
    numbers: dict[tuple[int, int], int] = {}
    stamps = {"created_at": now, "updated_at": now}
    rows: dict[type, list[dict]] = {
        m: [] for m in (Case, Track, StageChange, Goal, Intervention, Referral, Appointment)
    }
    track_id = 0

    def flush() -> None:
        for model, batch in rows.items():
            if batch:
                db.session.execute(sa.insert(model), batch)
                batch.clear()

    for i in range(count):
        case_id = i + 1
        person_id = i % people + 1
        desk_id = person_desk(person_id)
        opened = today - timedelta(days=rng.randint(0, 1500))
        key = (desk_id, opened.year)
        numbers[key] = numbers.get(key, 0) + 1
        has_second = person_id <= count - people
        closed = (i < people and has_second) or (i < people and rng.random() < 0.3)
        status = "closed" if closed else rng.choice(["open"] * 5 + ["on_hold"])
        staff = staff_by_desk.get(desk_id) or [None]
        rows[Case].append(
            {
                "id": case_id,
                "desk_id": desk_id,
                "person_id": person_id,
                "year": opened.year,
                "number": numbers[key],
                "reference": f"{desk_codes[desk_id]}-{opened.year}-{numbers[key]:06d}",
                "operator_id": rng.choice(staff),
                "status": status,
                "opened_on": opened,
                "closed_on": min(today, opened + timedelta(days=rng.randint(10, 400))) if closed else None,
                "close_reason": "goals_reached" if closed else None,
                "status_note": "",
                "summary": "Richiesta di orientamento ai servizi del territorio.",
                "version": 1,
                **stamps,
            }
        )
        for kind in rng.sample(TRACKS, k=rng.choice([1, 1, 2, 2, 3])):
            track_id += 1
            stage = rng.choice(STAGES)
            rows[Track].append({"id": track_id, "case_id": case_id, "kind": kind, "stage": stage})
            rows[StageChange].append({"track_id": track_id, "stage": stage, "changed_at": now, "note": ""})
            rows[Goal].append(
                {
                    "case_id": case_id,
                    "track": kind,
                    "description": "Obiettivo del percorso",
                    "target_date": opened + timedelta(days=rng.randint(30, 200)),
                    "status": rng.choice(["planned", "in_progress", "achieved"]),
                    "version": 1,
                    **stamps,
                }
            )
        for _ in range(rng.choice([1, 2, 2, 3])):
            occurred = min(today, opened + timedelta(days=rng.randint(0, 300)))
            follow_up = occurred + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.2 else None
            rows[Intervention].append(
                {
                    "case_id": case_id,
                    "occurred_on": occurred,
                    "kind": rng.choice(KINDS),
                    "channel": rng.choice(CHANNELS),
                    "minutes": rng.choice([10, 15, 30, 45, 60, 90]),
                    "track": None,
                    "note": "Colloquio di aggiornamento con la persona.",
                    "follow_up_on": follow_up,
                    "follow_up_done_on": follow_up if follow_up and follow_up < today - timedelta(days=5) else None,
                    **stamps,
                }
            )
        if rng.random() < 0.3:
            referred = min(today, opened + timedelta(days=rng.randint(0, 100)))
            rows[Referral].append(
                {
                    "case_id": case_id,
                    "service_id": rng.choice(service_ids),
                    "referred_on": referred,
                    "reason": "",
                    "outcome": rng.choice(["pending", "taken_in_charge", "refused"]),
                    "outcome_note": "",
                    "follow_up_on": referred + timedelta(days=14),
                    "version": 1,
                    **stamps,
                }
            )
        if rng.random() < 0.3:
            rows[Appointment].append(
                {
                    "case_id": case_id,
                    "on_date": today + timedelta(days=rng.randint(-60, 30)),
                    "starts_at": time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])),
                    "minutes": 30,
                    "place": "Sportello",
                    "staff_id": rng.choice(staff),
                    "with_whom": "",
                    "purpose": "Colloquio",
                    "status": "planned",
                    "version": 1,
                    **stamps,
                }
            )
        if len(rows[Case]) == 5000:
            flush()
    flush()
    db.session.execute(
        sa.insert(CaseCounter),
        [{"desk_id": desk, "year": year, "last_number": n} for (desk, year), n in sorted(numbers.items())],
    )
    return count
