"""Plain helpers for the tests of a case's housing search (needs, matching, viewings, the board):
a case, a need and offers made directly with the models, no rules checked."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.forms import today
from sportello.core.model import utcnow
from sportello.housing.models import (
    HousingNeed,
    HousingOffer,
    HousingStage,
    HousingUrgency,
    OfferKind,
    OfferStatus,
    Situation,
)
from sportello.housing.suitability import assess

_counter = itertools.count(1)


def make_case(db, desk, person, **values) -> Case:
    n = next(_counter)
    case = Case(
        desk=desk,
        person=person,
        year=2026,
        number=10000 + n,
        reference=f"{desk.code}-2026-{10000 + n:06d}",
        opened_on=values.pop("opened_on", today() - timedelta(days=90)),
        **values,
    )
    db.session.add(case)
    db.session.flush()
    return case


def make_need(db, case, **values) -> HousingNeed:
    need = HousingNeed(
        case=case,
        case_id=case.id,
        household_size=values.pop("household_size", 2),
        situation=values.pop("situation", Situation.HOSTED),
        budget=values.pop("budget", Decimal("600")),
        areas=values.pop("areas", ""),
        bedrooms=values.pop("bedrooms", 1),
        urgency=values.pop("urgency", HousingUrgency.WEEKS),
        stage=values.pop("stage", HousingStage.SEARCHING),
        **values,
    )
    db.session.add(need)
    db.session.flush()
    return need


def make_offer(db, **values) -> HousingOffer:
    """An offer; its capacity from its floor area (``housing.suitability.assess``) unless given."""
    area = values.pop("total_area", Decimal("60"))
    created = values.pop("created_at", utcnow() - timedelta(days=30))
    offer = HousingOffer(
        kind=values.pop("kind", OfferKind.PRIVATE),
        address=values.pop("address", f"Via Roma {next(_counter)}"),
        municipality=values.pop("municipality", "Ravenna"),
        rent=values.pop("rent", Decimal("500")),
        deposit=values.pop("deposit", Decimal("0")),
        total_area=area,
        available_from=values.pop("available_from", today() - timedelta(days=1)),
        status=values.pop("status", OfferStatus.AVAILABLE),
        capacity=values.pop("capacity", None) or assess(area).capacity,
        bedroom_count=values.pop("bedroom_count", 2),
        conditions=values.pop("conditions", []),
        created_at=created,
        updated_at=created,
        **values,
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def count_rows(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def a_date(days: int) -> date:
    return today() + timedelta(days=days)
