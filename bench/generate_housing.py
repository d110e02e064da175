"""Synthetic housing for the benchmark: owners (one for every 20 offers), offers with three to six
rooms each and the capacity the suitability rules give them, mostly available, and a housing
need for one case in ten, at every stage of the board; deterministic for a seed."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.housing import offers as offer_rules
from sportello.housing.models import (
    Condition,
    HousingNeed,
    HousingOffer,
    HousingStage,
    HousingUrgency,
    Landlord,
    OfferKind,
    OfferRoom,
    Situation,
)

MUNICIPALITIES = ["Ravenna", "Faenza", "Lugo", "Cervia", "Bologna", "Torino", "Prato", "Brescia", "Padova", "Bari"]
STREETS = ["Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Cavour", "Via Verdi", "Viale Dante", "Via Marconi"]
KINDS = [OfferKind.PRIVATE] * 5 + [OfferKind.AGENCY] * 3 + [OfferKind.SOCIAL, OfferKind.HOST_FAMILY, OfferKind.SHELTER]
STATUSES = ["available"] * 14 + ["reserved"] * 2 + ["let"] * 3 + ["withdrawn"]
BEDROOM_M2 = ["9", "10", "11", "12", "14", "14", "14", "15", "16", "18"]
BATCH = 5000


def _rooms(rng: random.Random) -> list[tuple[str, Decimal]]:
    """Three to six rooms: one to three bedrooms, a living room (rarely too small), then a
    kitchen and bathrooms."""
    count = rng.randint(3, 6)
    bedrooms = min(count - 2, rng.choice([1, 1, 2, 2, 2, 3]))
    rooms = [("bedroom", Decimal(rng.choice(BEDROOM_M2))) for _ in range(bedrooms)]
    rooms.append(("living", Decimal("12" if rng.random() < 0.03 else rng.choice(["14", "16", "18", "20", "24"]))))
    rooms.append(("kitchen", Decimal(rng.choice(["6", "8", "10"]))))
    while len(rooms) < count:
        rooms.append(("bathroom", Decimal(rng.choice(["4", "5", "6"]))))
    return rooms


def generate_housing(rng: random.Random, offers: int, *, need_every: int = 10) -> dict[str, int]:
    """``offers`` offers from ``offers // 20`` owners, and a housing need for one case in
    ``need_every``. Returns the counts made."""
    now = utcnow()
    today = now.date()
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    owner_count = max(1, offers // 20)
    db.session.execute(
        sa.insert(Landlord),
        [
            {
                "name": f"Proprietario {n + 1}",
                "kind": KINDS[n % len(KINDS)],
                "phone": f"+39333{n:07d}",
                "email": "",
                "municipality": MUNICIPALITIES[n % len(MUNICIPALITIES)],
                "notes": "",
                "active": rng.random() > 0.05,
                **stamps,
            }
            for n in range(owner_count)
        ],
    )
    owner_ids = list(db.session.scalars(sa.select(Landlord.id).order_by(Landlord.id)))
    first_id = (db.session.scalar(sa.select(sa.func.max(HousingOffer.id))) or 0) + 1
    conditions = [c.value for c in Condition]
    rows, room_rows = [], []

    def flush() -> None:
        if rows:
            db.session.execute(sa.insert(HousingOffer), rows)
            rows.clear()
        if room_rows:
            db.session.execute(sa.insert(OfferRoom), room_rows)
            room_rows.clear()

    for n in range(offers):
        offer_id = first_id + n
        rooms = _rooms(rng)
        # Walls, corridors and storage on top of the rooms.
        total = (sum(area for _kind, area in rooms) * Decimal(rng.choice(["1.1", "1.2", "1.3"]))).quantize(
            Decimal("0.01")
        )
        height = Decimal("2.60" if rng.random() < 0.03 else rng.choice(["2.70", "2.80", "3.00"]))
        result = offer_rules.assess_rooms(total, rooms, height=height)
        rows.append(
            {
                "id": offer_id,
                "landlord_id": owner_ids[n % len(owner_ids)] if rng.random() > 0.1 else None,
                "kind": rng.choice(KINDS),
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
                "municipality": MUNICIPALITIES[n % len(MUNICIPALITIES)],
                "rent": Decimal(rng.randrange(250, 1200, 10)),
                "deposit": Decimal(rng.choice([0, 500, 1000, 1500])),
                "total_area": total,
                "studio": False,
                "ceiling_height": height,
                "floor": rng.randint(0, 6),
                "lift": rng.random() < 0.5,
                "accessible": rng.random() < 0.2,
                "available_from": today + timedelta(days=rng.randint(-365, 180)),
                "conditions": rng.sample(conditions, k=rng.choice([0, 0, 1, 2])),
                "status": rng.choice(STATUSES),
                "capacity": result.capacity,
                "bedroom_count": offer_rules.count_bedrooms(rooms),
                "notes": "",
                **stamps,
            }
        )
        room_rows.extend({"offer_id": offer_id, "kind": kind, "area": area} for kind, area in rooms)
        if len(rows) >= BATCH:
            flush()
    flush()

    # A housing need for one case in ``need_every``, the stages in turn.
    all_cases = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
    # Picked at random: every n-th id would fall on the same desks.
    case_ids = sorted(rng.sample(all_cases, k=len(all_cases) // need_every))
    stages = list(HousingStage)
    situations = list(Situation)
    urgencies = list(HousingUrgency)
    needs = []
    for n, case_id in enumerate(case_ids):
        needs.append(
            {
                "case_id": case_id,
                "household_size": rng.choice([1, 1, 2, 3, 4, 5, 6]),
                "situation": rng.choice(situations),
                "budget": Decimal(rng.randrange(250, 950, 50)),
                "areas": "" if rng.random() < 0.3 else "\n".join(rng.sample(MUNICIPALITIES, k=rng.randint(1, 2))),
                "bedrooms": rng.randint(1, 3),
                "accessible": rng.random() < 0.05,
                "urgency": rng.choice(urgencies),
                "stage": stages[n % len(stages)],
                "notes": "",
                **stamps,
            }
        )
        if len(needs) >= BATCH:
            db.session.execute(sa.insert(HousingNeed), needs)
            needs.clear()
    if needs:
        db.session.execute(sa.insert(HousingNeed), needs)
    return {"landlords": owner_count, "housing_offers": offers, "housing_needs": len(case_ids)}
