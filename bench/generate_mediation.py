"""Synthetic mediation for the benchmark: a roster of mediators (the mediator accounts among
them), two sessions per person over the past two years, each with its request, requests to come,
and timesheets for the past months; deterministic for a seed."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.mediation.models import (
    AvailabilitySlot,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    Timesheet,
)

LANGUAGES = ["ar", "ur", "bn", "zh", "ti", "sq", "fr", "en", "wo", "ps", "fa", "uk", "ru", "es", "pa"]
SETTINGS = ["health", "school", "legal", "social", "housing", "employment", "desk"]
MODES = ["in_person", "in_person", "in_person", "phone", "video"]
OUTCOMES = ["completed"] * 8 + ["partial", "no_show"]


def generate_mediation(rng: random.Random, mediators: int, sessions: int, mediator_user_ids: list[int]) -> int:
    """``mediators`` on the roster (the first linked to ``mediator_user_ids``) and ``sessions``
    sessions spread over the past 730 days, for cases picked at random."""
    now = utcnow()
    today = now.date()
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    db.session.execute(
        sa.insert(FundingProject),
        [
            {"code": f"CUP{n:012d}", "name": f"Progetto {n}", "funder": "FAMI", "active": True, **stamps}
            for n in range(1, 6)
        ],
    )
    project_ids = list(db.session.scalars(sa.select(FundingProject.id)))
    roster = []
    for n in range(mediators):
        roster.append(
            {
                "name": f"Mediatore {n + 1}",
                "user_id": mediator_user_ids[n] if n < len(mediator_user_ids) else None,
                "organisation": f"Cooperativa {n % 7 + 1}",
                "hourly_rate": Decimal("20.00") + n % 5,
                "fields": rng.sample(SETTINGS, k=3),
                "phone": "",
                "email": "",
                "notes": "",
                "active": n < len(mediator_user_ids) or rng.random() > 0.05,
                **stamps,
            }
        )
    db.session.execute(sa.insert(Mediator), roster)
    mediator_ids = list(db.session.scalars(sa.select(Mediator.id).order_by(Mediator.id)))
    spoken: dict[int, str] = {}
    languages, slots = [], []
    for n, mediator_id in enumerate(mediator_ids):
        codes = [LANGUAGES[n % len(LANGUAGES)], *rng.sample(LANGUAGES, k=1)]
        spoken[mediator_id] = codes[0]
        for code in dict.fromkeys(codes):
            languages.append({"mediator_id": mediator_id, "language": code, "level": "native", "with_language": "it"})
        for weekday in rng.sample(range(5), k=3):
            slots.append({"mediator_id": mediator_id, "weekday": weekday, "starts_at": time(8), "ends_at": time(18)})
    db.session.execute(sa.insert(MediatorLanguage), languages)
    db.session.execute(sa.insert(AvailabilitySlot), slots)

    cases = list(db.session.execute(sa.select(Case.id, Case.desk_id).order_by(Case.id)))
    requests, logs = [], []
    # Each mediator works at most one session an hour: (mediator, day, hour) taken.
    taken: set[tuple[int, date, int]] = set()

    def flush() -> None:
        if requests:
            db.session.execute(sa.insert(MediationRequest), requests)
            requests.clear()
        if logs:
            db.session.execute(sa.insert(MediationSession), logs)
            logs.clear()

    request_id = 0

    def book(mediator_id: int, day: date, status: str) -> tuple[int, tuple[time, time], dict] | None:
        nonlocal request_id
        hour = rng.randint(8, 16)
        if (mediator_id, day, hour) in taken:
            return None
        taken.add((mediator_id, day, hour))
        case_id, desk_id = rng.choice(cases)
        request_id += 1
        window = (time(hour, 0), time(hour, rng.choice([30, 45, 59])))
        request = {
            "id": request_id,
            "desk_id": desk_id,
            "case_id": case_id,
            "outside_service": "",
            "outside_contact": "",
            "language": spoken[mediator_id],
            "on_date": day,
            "starts_at": window[0],
            "ends_at": window[1],
            "place": "Sportello",
            "mode": rng.choice(MODES),
            "setting": rng.choice(SETTINGS),
            "urgency": "routine",
            "notes": "",
            "project_id": rng.choice(project_ids),
            "status": status,
            "mediator_id": mediator_id,
            "decline_reason": "",
            "cancel_reason": "",
            **stamps,
        }
        requests.append(request)
        return request_id, window, request

    made = 0
    while made < sessions:
        mediator_id = rng.choice(mediator_ids)
        day = today - timedelta(days=rng.randint(1, 730))
        booked = book(mediator_id, day, "done")
        if booked is None:
            continue
        rid, (starts_at, ends_at), request = booked
        # Sessions older than last month are confirmed; recent ones partly still to confirm.
        recent = day >= today - timedelta(days=35)
        logs.append(
            {
                "request_id": rid,
                "mediator_id": mediator_id,
                "on_date": day,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "minutes": ends_at.minute,
                "language": request["language"],
                "mode": request["mode"],
                "setting": request["setting"],
                "present": "",
                "outcome": rng.choice(OUTCOMES),
                "note": "",
                "project_id": request["project_id"],
                "status": "logged" if recent and rng.random() < 0.5 else "confirmed",
                "query_note": "",
                **stamps,
            }
        )
        made += 1
        if len(logs) >= 5000:
            flush()
    # Requests to come and requests to log: ten per mediator account.
    for mediator_id in mediator_ids[: max(1, len(mediator_user_ids))]:
        for offset in (-3, -2, -1, 1, 2, 3, 5, 8, 13, 21):
            book(mediator_id, today + timedelta(days=offset), "accepted" if offset < 0 or offset % 2 else "assigned")
    flush()

    # Every month before the last is approved, the last one submitted.
    totals = db.session.execute(
        sa.select(
            MediationSession.mediator_id,
            sa.func.min(MediationSession.on_date),
        ).group_by(MediationSession.mediator_id)
    )
    sheets = []
    for mediator_id, first in totals:
        year, month = first.year, first.month
        while (year, month) < (today.year, today.month):
            last = (year, month) == _previous(today)
            sheets.append(
                {
                    "mediator_id": mediator_id,
                    "year": year,
                    "month": month,
                    "status": "submitted" if last else "approved",
                    "minutes": 0,
                    "hourly_rate": Decimal("20.00"),
                    "amount": Decimal("0"),
                    "note": "",
                    "review_note": "",
                    **stamps,
                }
            )
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for start in range(0, len(sheets), 5000):
        db.session.execute(sa.insert(Timesheet), sheets[start : start + 5000])
    return made


def _previous(day: date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
