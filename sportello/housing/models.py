"""Housing search: a case's housing need, the offers and their owners, housing suitability and
its municipal certificate, viewings, contracts and rent support."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.cases.models import Case, CasePart
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, Versioned
from sportello.core.roles import Role
from sportello.extensions import db

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)


class Situation(LabelledEnum):
    """Where the household lives now."""

    STREET = "street", _l("Homeless, sleeping rough")
    DORMITORY = "dormitory", _l("Night shelter or dormitory")
    CAS = "cas", _l("Reception centre (CAS)")
    SAI = "sai", _l("SAI project")
    HOSTED = "hosted", _l("Hosted by friends or family")
    RENTING = "renting", _l("Renting")
    SOCIAL = "social", _l("Social housing")
    OTHER = "other", _l("Other")


class HousingUrgency(LabelledEnum):
    TONIGHT = "tonight", _l("Emergency: a bed tonight")
    WEEKS = "weeks", _l("Within weeks")
    AUTONOMY = "autonomy", _l("Towards autonomy, no deadline")


class HousingStage(LabelledEnum):
    """The stages of the housing board."""

    ASSESSED = "assessed", _l("Need assessed")
    SEARCHING = "searching", _l("Searching")
    VIEWING = "viewing", _l("Viewing")
    ACCEPTED = "accepted", _l("Offer accepted")
    CONTRACT = "contract", _l("Contract signed")
    HOUSED = "housed", _l("Housed")


class OfferKind(LabelledEnum):
    PRIVATE = "private", _l("Private landlord")
    AGENCY = "agency", _l("Estate agency")
    SOCIAL = "social", _l("Social housing (ERP)")
    HOST_FAMILY = "host_family", _l("Host family")
    SHELTER = "shelter", _l("Temporary shelter")


class OfferStatus(LabelledEnum):
    AVAILABLE = "available", _l("Available")
    RESERVED = "reserved", _l("Reserved")
    LET = "let", _l("Let to a tenant")
    WITHDRAWN = "withdrawn", _l("No longer offered")


class Condition(LabelledEnum):
    """Conditions an owner sets, which a household may or may not meet."""

    NO_RESIDENCE = "no_residence", _l("Residence registration not allowed")
    GUARANTEE = "guarantee", _l("Guarantee required")
    PAYSLIP = "payslip", _l("Permanent job or payslips required")
    NO_CHILDREN = "no_children", _l("No children")
    NO_PETS = "no_pets", _l("No pets")
    SHORT_LET = "short_let", _l("Short let only")
    SHARED = "shared", _l("Shared with others")


class RoomKind(LabelledEnum):
    BEDROOM = "bedroom", _l("Bedroom")
    LIVING = "living", _l("Living room")
    KITCHEN = "kitchen", _l("Kitchen")
    BATHROOM = "bathroom", _l("Bathroom")
    OTHER = "other", _l("Other room")


class CertificateStatus(LabelledEnum):
    REQUESTED = "requested", _l("Requested")
    ISSUED = "issued", _l("Issued")
    REFUSED = "refused", _l("Refused")


class ViewingOutcome(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    INTERESTED = "interested", _l("The household wants it")
    DECLINED = "declined", _l("The household declined")
    REFUSED = "refused", _l("The owner said no")
    NO_SHOW = "no_show", _l("Nobody came")


class ContractType(LabelledEnum):
    FREE = "free", _l("Free-market lease (4+4)")
    AGREED = "agreed", _l("Agreed-rent lease (3+2)")
    TRANSITIONAL = "transitional", _l("Transitional lease")
    ROOM = "room", _l("Room lease")
    SOCIAL = "social", _l("Social housing assignment")
    HOSTING = "hosting", _l("Hosting agreement")
    SHELTER = "shelter", _l("Shelter placement")


class SupportKind(LabelledEnum):
    CONTRIBUTION = "contribution", _l("Rent contribution")
    DEPOSIT = "deposit", _l("Deposit paid")
    GUARANTEE = "guarantee", _l("Guarantee fund")
    ARREARS = "arrears", _l("Arrears paid")
    MOVING = "moving", _l("Moving and furniture")


class HousingNeed(CasePart, Timestamped, Versioned, db.Model):
    """What a case's household needs: size, current situation, budget, areas, rooms, urgency."""

    __tablename__ = "housing_needs"
    __table_args__ = (sa.Index("ix_housing_needs_stage_urgency", "stage", "urgency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    household_size: Mapped[int]
    situation: Mapped[Situation] = mapped_column(Situation.column_type())
    # The most the household can pay each month, in euro (rent and service charges).
    budget: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    # Municipalities or areas wanted, one per line; empty means anywhere.
    areas: Mapped[str] = mapped_column(sa.Text, default="")
    bedrooms: Mapped[int] = mapped_column(default=1)
    accessible: Mapped[bool] = mapped_column(default=False)
    urgency: Mapped[HousingUrgency] = mapped_column(HousingUrgency.column_type())
    stage: Mapped[HousingStage] = mapped_column(HousingStage.column_type(), default=HousingStage.ASSESSED)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return f"{self.case.reference} housing"

    @property
    def area_list(self) -> list[str]:
        return [line.strip() for line in self.areas.splitlines() if line.strip()]


class Landlord(Timestamped, Versioned, db.Model):
    """An owner, agency or organisation offering homes: the roster the desks share."""

    __tablename__ = "landlords"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[OfferKind] = mapped_column(OfferKind.column_type())
    phone: Mapped[str] = mapped_column(sa.String(20), default="")  # E.164
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    municipality: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def audit_desk_id(self) -> None:
        return None

    def can_view(self, user) -> bool:
        return user.role in STAFF_ROLES

    can_edit = can_view


class HousingOffer(Timestamped, Versioned, db.Model):
    """A home on offer: where, how much, how big, from when, on what conditions.

    ``capacity`` is how many people it may house (``housing.suitability``), kept up to date
    whenever the areas or rooms change, so matching can filter on it.
    """

    __tablename__ = "housing_offers"
    __table_args__ = (
        sa.Index("ix_housing_offers_status_capacity_rent", "status", "capacity", "rent"),
        sa.Index("ix_housing_offers_municipality", "municipality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int | None] = mapped_column(sa.ForeignKey("landlords.id"), index=True)
    kind: Mapped[OfferKind] = mapped_column(OfferKind.column_type())
    address: Mapped[str] = mapped_column(sa.String(250))
    municipality: Mapped[str] = mapped_column(sa.String(120))
    rent: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    deposit: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal("0"))
    total_area: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    # A one-room flat (monostanza): the bathroom apart, one room for living and sleeping.
    studio: Mapped[bool] = mapped_column(default=False)
    ceiling_height: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    floor: Mapped[int | None]
    lift: Mapped[bool] = mapped_column(default=False)
    # Step-free access from the street (or a lift) for a wheelchair.
    accessible: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date]
    conditions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[OfferStatus] = mapped_column(OfferStatus.column_type(), default=OfferStatus.AVAILABLE)
    capacity: Mapped[int] = mapped_column(default=0)
    bedroom_count: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    landlord: Mapped[Landlord | None] = relationship(lazy="joined")
    rooms: Mapped[list[OfferRoom]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferRoom.id"
    )

    def __str__(self) -> str:
        return f"{self.address}, {self.municipality}"

    @property
    def audit_desk_id(self) -> None:
        return None

    @property
    def condition_list(self) -> list[Condition]:
        return [Condition(value) for value in self.conditions or [] if value in Condition._value2member_map_]

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Offers are shared by every desk of the installation; mediators see none."""
        query = sa.select(cls)
        return query if user.role in STAFF_ROLES else query.where(sa.false())

    def can_view(self, user) -> bool:
        return user.role in STAFF_ROLES

    can_edit = can_view


class OfferRoom(db.Model):
    """A room of an offered home and its floor area, for the suitability assessment."""

    __tablename__ = "housing_offer_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("housing_offers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoomKind] = mapped_column(RoomKind.column_type())
    area: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))

    offer: Mapped[HousingOffer] = relationship(back_populates="rooms")


class SuitabilityCertificate(CasePart, Timestamped, Versioned, db.Model):
    """A request to the municipality for the housing-suitability certificate (certificato di
    idoneità alloggiativa) of the home a case's household lives in or will live in."""

    __tablename__ = "housing_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("housing_offers.id"))
    address: Mapped[str] = mapped_column(sa.String(250))
    municipality: Mapped[str] = mapped_column(sa.String(120))
    # How many people the certificate is asked for.
    people: Mapped[int]
    requested_on: Mapped[date]
    status: Mapped[CertificateStatus] = mapped_column(
        CertificateStatus.column_type(), default=CertificateStatus.REQUESTED
    )
    number: Mapped[str] = mapped_column(sa.String(40), default="")
    decided_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")
    offer: Mapped[HousingOffer | None] = relationship()

    def __str__(self) -> str:
        return f"{self.address}, {self.municipality}"


class Viewing(CasePart, Timestamped, Versioned, db.Model):
    """A visit of an offered home by the household, and how it went."""

    __tablename__ = "housing_viewings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("housing_offers.id"), index=True)
    on_date: Mapped[date]
    starts_at: Mapped[time | None]
    # Who went: the person, family members, the operator, a mediator.
    who_went: Mapped[str] = mapped_column(sa.String(200), default="")
    outcome: Mapped[ViewingOutcome] = mapped_column(ViewingOutcome.column_type(), default=ViewingOutcome.PLANNED)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")
    offer: Mapped[HousingOffer] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return f"{self.on_date} {self.offer}"


class Tenancy(CasePart, Timestamped, Versioned, db.Model):
    """The contract an accepted offer became: type, start, rent."""

    __tablename__ = "housing_tenancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("housing_offers.id"), index=True)
    contract_type: Mapped[ContractType] = mapped_column(ContractType.column_type())
    signed_on: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    rent: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    # Registration of the lease with the Agenzia delle Entrate.
    registered_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")
    offer: Mapped[HousingOffer] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return f"{self.contract_type.value} {self.starts_on}"


class RentSupport(CasePart, Timestamped, Versioned, db.Model):
    """A measure that helps a household pay for its home: a contribution, a deposit paid, a
    guarantee, with the amount, the dates and who pays."""

    __tablename__ = "housing_rent_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SupportKind] = mapped_column(SupportKind.column_type())
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    granted_on: Mapped[date]
    # For a monthly contribution: the last month it covers.
    until: Mapped[date | None]
    provider: Mapped[str] = mapped_column(sa.String(160), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return f"{self.kind.value} {self.amount}"


NEED_FIELDS = {
    "case_id": _l("Case"),
    "household_size": _l("Household size"),
    "situation": _l("Current situation"),
    "budget": _l("Monthly budget"),
    "areas": _l("Municipalities or areas"),
    "bedrooms": _l("Bedrooms"),
    "accessible": _l("Step-free access needed"),
    "urgency": _l("Urgency"),
    "stage": _l("Stage"),
    "notes": _l("Notes"),
}
LANDLORD_FIELDS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "municipality": _l("Municipality"),
    "notes": _l("Notes"),
    "active": _l("Active"),
}
OFFER_FIELDS = {
    "landlord_id": _l("Owner"),
    "kind": _l("Kind"),
    "address": _l("Address"),
    "municipality": _l("Municipality"),
    "rent": _l("Monthly rent"),
    "deposit": _l("Deposit"),
    "total_area": _l("Floor area (m²)"),
    "studio": _l("One-room flat"),
    "ceiling_height": _l("Ceiling height (m)"),
    "floor": _l("Floor"),
    "lift": _l("Lift"),
    "accessible": _l("Step-free access"),
    "available_from": _l("Available from"),
    "conditions": _l("Conditions"),
    "status": _l("Status"),
    "capacity": _l("People it may house"),
    "bedroom_count": _l("Bedrooms"),
    "notes": _l("Notes"),
    "rooms": _l("Rooms"),
}
CERTIFICATE_FIELDS = {
    "case_id": _l("Case"),
    "offer_id": _l("Offer"),
    "address": _l("Address"),
    "municipality": _l("Municipality"),
    "people": _l("People"),
    "requested_on": _l("Requested on"),
    "status": _l("Status"),
    "number": _l("Certificate number"),
    "decided_on": _l("Decided on"),
    "note": _l("Note"),
}
VIEWING_FIELDS = {
    "case_id": _l("Case"),
    "offer_id": _l("Offer"),
    "on_date": _l("Date"),
    "starts_at": _l("Time"),
    "who_went": _l("Who went"),
    "outcome": _l("Outcome"),
    "note": _l("Note"),
}
TENANCY_FIELDS = {
    "case_id": _l("Case"),
    "offer_id": _l("Offer"),
    "contract_type": _l("Contract type"),
    "signed_on": _l("Signed on"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "rent": _l("Monthly rent"),
    "registered_on": _l("Registered on"),
    "note": _l("Note"),
}
SUPPORT_FIELDS = {
    "case_id": _l("Case"),
    "kind": _l("Measure"),
    "amount": _l("Amount"),
    "granted_on": _l("Granted on"),
    "until": _l("Until"),
    "provider": _l("Paid by"),
    "note": _l("Note"),
}
