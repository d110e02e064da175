"""Factories for the housing part, made directly through the models (no rules checked), so each
test sets up exactly the data it needs.

- ``make_landlord(**values)``: an owner of the roster (a private landlord by default).
- ``make_offer(rooms=..., **values)``: an offer (60 m² in Ravenna, 550 euro, available) with
  ``rooms`` as ``(kind, area)`` pairs; its capacity and bedroom count are worked out as the
  service does, unless given.
- ``make_need(case, **values)``: the housing need of ``case`` (a household of two by default).
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_landlord(db):
    from sportello.housing.models import Landlord, OfferKind

    def make(**values) -> Landlord:
        n = next(_counter)
        landlord = Landlord(
            name=values.pop("name", f"Owner {n}"),
            kind=values.pop("kind", OfferKind.PRIVATE),
            municipality=values.pop("municipality", "Ravenna"),
            **values,
        )
        db.session.add(landlord)
        db.session.flush()
        return landlord

    return make


@pytest.fixture
def make_offer(db):
    from sportello.housing import offers
    from sportello.housing.models import HousingOffer, OfferKind, OfferRoom, OfferStatus, RoomKind

    def make(rooms=(("bedroom", "14"), ("living", "16"), ("kitchen", "8"), ("bathroom", "5")), **values):
        n = next(_counter)
        landlord = values.pop("landlord", None)
        offer = HousingOffer(
            landlord_id=landlord.id if landlord is not None else values.pop("landlord_id", None),
            kind=values.pop("kind", OfferKind.PRIVATE),
            address=values.pop("address", f"Via Roma {n}"),
            municipality=values.pop("municipality", "Ravenna"),
            rent=Decimal(str(values.pop("rent", "550"))),
            deposit=Decimal(str(values.pop("deposit", "1100"))),
            total_area=Decimal(str(values.pop("total_area", "60"))),
            available_from=values.pop("available_from", date(2026, 1, 1)),
            status=values.pop("status", OfferStatus.AVAILABLE),
            **values,
        )
        offer.rooms = [OfferRoom(kind=RoomKind(kind), area=Decimal(str(area))) for kind, area in rooms]
        pairs = [(RoomKind(kind), Decimal(str(area))) for kind, area in rooms]
        if "capacity" not in values:
            offer.capacity = offers.assess_rooms(
                offer.total_area, pairs, studio=bool(offer.studio), height=offer.ceiling_height
            ).capacity
        if "bedroom_count" not in values:
            offer.bedroom_count = offers.count_bedrooms(pairs, studio=bool(offer.studio))
        db.session.add(offer)
        db.session.flush()
        return offer

    return make


@pytest.fixture
def make_need(db):
    from sportello.housing.models import HousingNeed, HousingStage, HousingUrgency, Situation

    def make(case, **values) -> HousingNeed:
        need = HousingNeed(
            case_id=case.id,
            household_size=values.pop("household_size", 2),
            situation=values.pop("situation", Situation.HOSTED),
            budget=Decimal(str(values.pop("budget", "600"))),
            areas=values.pop("areas", "Ravenna"),
            bedrooms=values.pop("bedrooms", 1),
            urgency=values.pop("urgency", HousingUrgency.WEEKS),
            stage=values.pop("stage", HousingStage.SEARCHING),
            **values,
        )
        db.session.add(need)
        db.session.flush()
        return need

    return make
