"""Rules of the offers side of housing: the owners' roster (landlords, agencies, social housing,
host families, shelters) and the homes they offer, with their rooms and the capacity the
suitability rules give them (``housing.suitability``).

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal

from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import ErrorList, FieldError
from sportello.core.forms import today
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.housing import suitability
from sportello.housing.models import (
    Condition,
    HousingOffer,
    Landlord,
    OfferKind,
    OfferRoom,
    OfferStatus,
    RoomKind,
    Tenancy,
    Viewing,
)
from sportello.people.services import clean_phone

# What no real home has: beyond these the figures were mistyped.
MAX_RENT = Decimal("20000")
MAX_DEPOSIT = Decimal("60000")
MAX_AREA = Decimal("1000")
MIN_HEIGHT = Decimal("1.5")
MAX_HEIGHT = Decimal("6")
MIN_FLOOR, MAX_FLOOR = -2, 100
MAX_ROOMS = 30
# How far from today an offer's availability date may be, either way.
MAX_YEARS_AWAY = 5

# A host family or a shelter may ask nothing: 0 is a rent.
RENT_RANGE = _l("Enter the monthly rent: from 0 (free of charge) to 20,000 euro.")
DEPOSIT_RANGE = _l("The deposit goes from 0 to 60,000 euro.")
AREA_RANGE = _l("Enter the floor area in m²: more than 0 and at most 1,000.")
ROOM_AREA_RANGE = _l("Enter the room's area in m²: more than 0 and at most 1,000.")
HEIGHT_RANGE = _l("The ceiling height goes from 1.5 to 6 metres.")
FLOOR_RANGE = _l("The floor goes from -2 (basement) to 100.")
TOO_MANY_ROOMS = _l("At most 30 rooms.")
ROOM_TOO_LARGE = _l("A room cannot be larger than the whole floor area.")
DATE_TOO_FAR = _l("Enter a date within five years of today.")


def rooms_too_large(total: Decimal) -> Any:
    return _l(
        "The rooms add up to %(sum)s m², more than the floor area: check the areas.",
        sum=format_decimal(total, format="#,##0.##"),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- owners ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LandlordFilters:
    kind: str = ""
    municipality: str = ""
    name: str = ""
    status: str = "active"  # active or all


def landlord_query(filters: LandlordFilters) -> sa.Select:
    """Owners matching ``filters``, active first, then by name."""
    query = sa.select(Landlord)
    if filters.kind:
        query = query.where(Landlord.kind == OfferKind(filters.kind))
    if filters.municipality:
        query = query.where(Landlord.municipality.ilike(_like(filters.municipality.strip()), escape="\\"))
    if filters.name:
        query = query.where(Landlord.name.ilike(_like(filters.name.strip()), escape="\\"))
    if filters.status == "active":
        query = query.where(Landlord.active.is_(True))
    return query.order_by(Landlord.active.desc(), Landlord.name, Landlord.id)


def offer_counts(landlord_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{landlord_id: {status: number of offers}}`` for a page of owners, in one query."""
    ids = list(landlord_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(HousingOffer.landlord_id, HousingOffer.status, sa.func.count())
        .where(HousingOffer.landlord_id.in_(ids))
        .group_by(HousingOffer.landlord_id, HousingOffer.status)
    )
    out: dict[int, dict[str, int]] = {}
    for landlord_id, status, number in rows:
        out.setdefault(landlord_id, {})[OfferStatus(status).value] = number
    return out


LANDLORD_FIELDS = ("name", "kind", "phone", "email", "municipality", "notes", "active")


def clean_landlord_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise what the owner form sent. Raises FieldErrors."""
    values = dict(values)
    errors = ErrorList()
    for name in ("name", "municipality", "notes"):
        values[name] = (values.get(name) or "").strip()
    if not values["name"]:
        errors.add("name", _l("Enter the owner's name."))
    kind = values.get("kind")
    if kind not in OfferKind._value2member_map_:
        errors.add("kind", _l("Choose the kind of owner."))
    else:
        values["kind"] = OfferKind(kind)
    try:
        values["phone"] = clean_phone(values.get("phone"))
    except FieldError as error:
        errors.append(error)
    values["email"] = (values.get("email") or "").strip().lower()
    values["active"] = bool(values.get("active"))
    errors.raise_any()
    return values


def create_landlord(values: dict[str, Any]) -> Landlord:
    """A new owner of the roster from cleaned values (``clean_landlord_values``)."""
    landlord = Landlord(**{name: values[name] for name in LANDLORD_FIELDS})
    db.session.add(landlord)
    db.session.flush()
    audit.record(Action.CREATE, landlord)
    return landlord


def update_landlord(landlord: Landlord, values: dict[str, Any], *, version: Any) -> None:
    """Save the owner form over ``landlord``, refused if it changed since the form was loaded."""
    check_version(landlord, version)
    for name in LANDLORD_FIELDS:
        setattr(landlord, name, values[name])
    audit.record(Action.UPDATE, landlord)


def landlord_choices(current_id: int | None = None) -> list[Landlord]:
    """Active owners by name, and the offer's current owner even if no longer active."""
    condition = Landlord.active.is_(True)
    if current_id is not None:
        condition = sa.or_(condition, Landlord.id == current_id)
    return list(db.session.scalars(sa.select(Landlord).where(condition).order_by(Landlord.name, Landlord.id)))


def landlord_offers(landlord: Landlord) -> list[HousingOffer]:
    """The owner's offers: the available ones first, the latest first."""
    order = sa.case(
        {status.value: n for n, status in enumerate(OfferStatus)},
        value=sa.type_coerce(HousingOffer.status, sa.String),
    )
    return list(
        db.session.scalars(
            sa.select(HousingOffer)
            .where(HousingOffer.landlord_id == landlord.id)
            .order_by(order, HousingOffer.available_from.desc(), HousingOffer.id.desc())
        )
    )


# ---- the offers list -------------------------------------------------------------------------

SORTS = ("", "rent", "-rent", "available")


@dataclass(frozen=True)
class OfferFilters:
    status: str = "available"  # "" for any status
    kind: str = ""
    municipality: str = ""
    people: int | None = None  # the offer may house at least this many
    max_rent: Decimal | None = None
    available_by: date | None = None
    sort: str = ""  # "" newest first, "rent" cheapest first, "-rent" dearest first, "available"


def offer_query(filters: OfferFilters) -> sa.Select:
    """Offers matching ``filters`` (their owner joined), sorted as asked."""
    query = sa.select(HousingOffer)
    if filters.status:
        query = query.where(HousingOffer.status == OfferStatus(filters.status))
    if filters.kind:
        query = query.where(HousingOffer.kind == OfferKind(filters.kind))
    if filters.municipality:
        query = query.where(HousingOffer.municipality.ilike(_like(filters.municipality.strip()), escape="\\"))
    if filters.people:
        query = query.where(HousingOffer.capacity >= filters.people)
    if filters.max_rent is not None:
        query = query.where(HousingOffer.rent <= filters.max_rent)
    if filters.available_by is not None:
        query = query.where(HousingOffer.available_from <= filters.available_by)
    if filters.sort == "rent":
        order = (HousingOffer.rent, HousingOffer.id)
    elif filters.sort == "-rent":
        order = (HousingOffer.rent.desc(), HousingOffer.id.desc())
    elif filters.sort == "available":
        order = (HousingOffer.available_from, HousingOffer.id)
    else:
        order = (HousingOffer.id.desc(),)
    return query.order_by(*order)


# ---- one offer -------------------------------------------------------------------------------

OFFER_FIELDS = (
    "landlord_id",
    "kind",
    "address",
    "municipality",
    "rent",
    "deposit",
    "total_area",
    "studio",
    "ceiling_height",
    "floor",
    "lift",
    "accessible",
    "available_from",
    "conditions",
    "status",
    "notes",
)


def assess_rooms(
    total_area: Decimal | None,
    rooms: Iterable[tuple[Any, Decimal]],
    *,
    studio: bool = False,
    height: Decimal | None = None,
) -> suitability.Assessment:
    """The suitability assessment of a home from its floor area and its rooms ``(kind, area)``:
    the bedrooms' areas, the living room's (the largest if several), the height."""
    rooms = [(RoomKind(kind), area) for kind, area in rooms]
    bedrooms = [area for kind, area in rooms if kind is RoomKind.BEDROOM]
    living = [area for kind, area in rooms if kind is RoomKind.LIVING]
    return suitability.assess(
        total_area, studio=studio, bedrooms=bedrooms, living_room=max(living) if living else None, height=height
    )


def assess_offer(offer: HousingOffer) -> suitability.Assessment:
    return assess_rooms(
        offer.total_area,
        ((room.kind, room.area) for room in offer.rooms),
        studio=offer.studio,
        height=offer.ceiling_height,
    )


def count_bedrooms(rooms: Iterable[tuple[Any, Decimal]], *, studio: bool = False) -> int:
    """Rooms that count as bedrooms (at least 9 m²); a one-room flat counts as one."""
    if studio:
        return 1
    return sum(
        1 for kind, area in rooms if RoomKind(kind) is RoomKind.BEDROOM and area >= suitability.SINGLE_BEDROOM_M2
    )


def _check_range(errors: ErrorList, name: str, value, low, high, message, *, low_open: bool = False) -> None:
    if value is None:
        return
    if (value <= low if low_open else value < low) or value > high:
        errors.add(name, message)


def clean_offer_values(values: dict[str, Any], offer: HousingOffer | None = None) -> dict[str, Any]:
    """Check and normalise what the offer form sent. ``rooms`` are ``(kind, area)`` pairs.
    Raises FieldErrors with every problem found."""
    values = dict(values)
    errors = ErrorList()
    for name in ("address", "municipality"):
        values[name] = " ".join((values.get(name) or "").split())
    values["notes"] = (values.get("notes") or "").strip()
    if not values["address"]:
        errors.add("address", _l("Enter the address."))
    if not values["municipality"]:
        errors.add("municipality", _l("Enter the municipality."))
    landlord_id = values.get("landlord_id")
    if landlord_id is not None:
        current = offer.landlord_id if offer is not None else None
        if landlord_id not in {landlord.id for landlord in landlord_choices(current)}:
            errors.add("landlord_id", _l("Choose an active owner from the list."))
    for name, enum, message in (
        ("kind", OfferKind, _l("Choose the kind of offer.")),
        ("status", OfferStatus, _l("Choose the status.")),
    ):
        value = values.get(name) or (OfferStatus.AVAILABLE.value if name == "status" else None)
        if isinstance(value, enum):
            value = value.value
        if value not in enum._value2member_map_:
            errors.add(name, message)
        else:
            values[name] = enum(value)

    rent = values.get("rent")
    if rent is None:
        errors.add("rent", RENT_RANGE)
    _check_range(errors, "rent", rent, 0, MAX_RENT, RENT_RANGE)
    values["deposit"] = values.get("deposit") if values.get("deposit") is not None else Decimal("0")
    _check_range(errors, "deposit", values["deposit"], 0, MAX_DEPOSIT, DEPOSIT_RANGE)
    total = values.get("total_area")
    if total is None:
        errors.add("total_area", AREA_RANGE)
    _check_range(errors, "total_area", total, 0, MAX_AREA, AREA_RANGE, low_open=True)
    _check_range(errors, "ceiling_height", values.get("ceiling_height"), MIN_HEIGHT, MAX_HEIGHT, HEIGHT_RANGE)
    _check_range(errors, "floor", values.get("floor"), MIN_FLOOR, MAX_FLOOR, FLOOR_RANGE)
    values["studio"] = bool(values.get("studio"))
    values["lift"] = bool(values.get("lift"))
    values["accessible"] = bool(values.get("accessible"))

    available_from = values.get("available_from")
    if available_from is None:
        errors.add("available_from", _l("Enter the date the home is available from."))
    elif abs((available_from - today()).days) > MAX_YEARS_AWAY * 366:
        errors.add("available_from", DATE_TOO_FAR)

    conditions = list(dict.fromkeys(values.get("conditions") or []))
    if any(value not in Condition._value2member_map_ for value in conditions):
        errors.add("conditions", _l("Choose the conditions from the list."))
    values["conditions"] = [c.value for c in Condition if c.value in conditions]

    rooms = []
    room_problem = None
    for kind, area in values.get("rooms") or []:
        if kind not in RoomKind._value2member_map_:
            room_problem = _l("Choose the kind of each room.")
        elif area is None or not 0 < area <= MAX_AREA:
            room_problem = ROOM_AREA_RANGE
        else:
            rooms.append((RoomKind(kind), area))
    if room_problem is None and len(rooms) > MAX_ROOMS:
        room_problem = TOO_MANY_ROOMS
    if room_problem is None and total is not None and 0 < total <= MAX_AREA:
        if any(area > total for _kind, area in rooms):
            room_problem = ROOM_TOO_LARGE
        elif sum((area for _kind, area in rooms), Decimal("0")) > total:
            room_problem = rooms_too_large(sum((area for _kind, area in rooms), Decimal("0")))
    if room_problem is not None:
        errors.add("rooms", room_problem)
    values["rooms"] = rooms
    errors.raise_any()
    return values


def _rooms_audit(rooms: Iterable[tuple[Any, Decimal]]) -> list[str]:
    return [f"{RoomKind(kind).value} {Decimal(area):.2f}" for kind, area in rooms]


def _apply(offer: HousingOffer, values: dict[str, Any]) -> list[str]:
    """Write cleaned ``values`` on ``offer`` and work out its capacity. Returns the audit labels
    of the rooms as they were."""
    old_rooms = _rooms_audit((room.kind, room.area) for room in offer.rooms)
    for name in OFFER_FIELDS:
        setattr(offer, name, values[name])
    # The rooms stay as they were if nothing changed; otherwise they are written again in the
    # order typed (rooms are shown in the order of their rows).
    if _rooms_audit(values["rooms"]) != old_rooms:
        offer.rooms = [
            OfferRoom(kind=kind, area=Decimal(area).quantize(Decimal("0.01"))) for kind, area in values["rooms"]
        ]
    result = assess_rooms(
        values["total_area"], values["rooms"], studio=values["studio"], height=values["ceiling_height"]
    )
    offer.capacity = result.capacity
    offer.bedroom_count = count_bedrooms(values["rooms"], studio=values["studio"])
    return old_rooms


def create_offer(values: dict[str, Any]) -> HousingOffer:
    """A new offer from cleaned values (``clean_offer_values``), its capacity worked out."""
    offer = HousingOffer()
    db.session.add(offer)
    with db.session.no_autoflush:
        _apply(offer, values)
    db.session.flush()
    changes = {k: v for k, v in audit.snapshot(offer).items() if k != "rooms"}
    rooms = _rooms_audit(values["rooms"])
    if rooms:
        changes["rooms"] = [None, rooms]
    audit.record(Action.CREATE, offer, changes)
    return offer


def update_offer(offer: HousingOffer, values: dict[str, Any], *, version: Any) -> None:
    """Save the offer form over ``offer``, refused if it changed since the form was loaded."""
    check_version(offer, version)
    with db.session.no_autoflush:
        old_rooms = _apply(offer, values)
        changes = {k: v for k, v in audit.pending_changes(offer).items() if k != "rooms"}
        new_rooms = _rooms_audit((room.kind, room.area) for room in offer.rooms)
        if new_rooms != old_rooms:
            changes["rooms"] = [old_rooms or None, new_rooms or None]
    if not changes:
        return
    # Rooms live in their own table: touch the offer so its version moves on.
    offer.updated_at = utcnow()
    audit.record(Action.UPDATE, offer, changes)


def change_status(offer: HousingOffer, status: Any, *, version: Any) -> None:
    """Mark the offer available, reserved, let or withdrawn."""
    check_version(offer, version)
    if status not in OfferStatus._value2member_map_:
        raise FieldError("status", _l("Choose the status."))
    offer.status = OfferStatus(status)
    audit.record(Action.UPDATE, offer)


def offer_history(offer: HousingOffer) -> tuple[list[Viewing], list[Tenancy]]:
    """The offer's viewings (latest first) and tenancies (latest first), with their cases."""
    viewings = db.session.scalars(
        sa.select(Viewing).where(Viewing.offer_id == offer.id).order_by(Viewing.on_date.desc(), Viewing.id.desc())
    )
    tenancies = db.session.scalars(
        sa.select(Tenancy).where(Tenancy.offer_id == offer.id).order_by(Tenancy.starts_on.desc(), Tenancy.id.desc())
    )
    return list(viewings), list(tenancies)


def availability_window() -> tuple[date, date]:
    """The dates an offer's availability may fall between."""
    day = today()
    return day - timedelta(days=MAX_YEARS_AWAY * 366), day + timedelta(days=MAX_YEARS_AWAY * 366)
