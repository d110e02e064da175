"""Rules of a case's housing search: the need, matching offers, viewings, accepting an offer,
the contract, the suitability certificate and rent support; the housing board.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import format_currency, format_date
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from sportello.cases import services as case_services
from sportello.cases.models import Case, Track, TrackKind, TrackStage
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import today
from sportello.core.i18n import gettext
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.roles import Role
from sportello.core.signals import document_obtained
from sportello.extensions import db
from sportello.housing.models import (
    CertificateStatus,
    Condition,
    ContractType,
    HousingNeed,
    HousingOffer,
    HousingStage,
    HousingUrgency,
    OfferStatus,
    RentSupport,
    Situation,
    SuitabilityCertificate,
    SupportKind,
    Tenancy,
    Viewing,
    ViewingOutcome,
)
from sportello.people.models import HouseholdLink, Person

MAX_HOUSEHOLD = 30
MAX_SUPPORT = Decimal("50000")
# Offers up to this share over the budget are shown too, flagged.
OVER_BUDGET_SHARE = Decimal("0.15")
# Offers available later than this are left out of the matches.
AVAILABLE_WITHIN_DAYS = 60
MAX_MATCHES = 50
BOARD_PER_STAGE = 20

STAGE_ORDER = list(HousingStage)
DONE_VIEWING = (ViewingOutcome.INTERESTED, ViewingOutcome.DECLINED, ViewingOutcome.REFUSED, ViewingOutcome.NO_SHOW)


def _money(value: Decimal) -> str:
    return format_currency(value, "EUR")


def _stage_before(stage: HousingStage, other: HousingStage) -> bool:
    return STAGE_ORDER.index(stage) < STAGE_ORDER.index(other)


# ---- what the case page shows: two queries, whatever the number of rows ------------------------


@dataclass
class CaseHousing:
    need: HousingNeed | None
    viewings: list[Viewing] = field(default_factory=list)
    tenancies: list[Tenancy] = field(default_factory=list)
    certificates: list[SuitabilityCertificate] = field(default_factory=list)
    supports: list[RentSupport] = field(default_factory=list)

    @property
    def tenancy(self) -> Tenancy | None:
        """The latest contract."""
        return self.tenancies[0] if self.tenancies else None

    @property
    def offers(self) -> list[HousingOffer]:
        """The offers the case has seen or signed for, the latest first, each once."""
        seen: dict[int, HousingOffer] = {}
        for row in [*self.tenancies, *self.viewings]:
            seen.setdefault(row.offer_id, row.offer)
        return list(seen.values())


def need_of(case: Case) -> HousingNeed | None:
    return case_housing(case).need


def case_housing(case: Case, *, fresh: bool = False) -> CaseHousing:
    """The case's need, viewings, contracts, certificate requests and rent support, with the
    offers they are about, in one query (kept for the request)."""
    cache = g.setdefault("case_housing", {})
    if case.id in cache and not fresh:
        return cache[case.id]
    result = _load(case)
    cache[case.id] = result
    return result


ROW_KINDS = {"n": HousingNeed, "v": Viewing, "t": Tenancy, "c": SuitabilityCertificate, "s": RentSupport}


def _load(case: Case) -> CaseHousing:
    """Every housing row of the case in one query (see ``_case_housing_query``); their ``case``
    and ``offer`` are set from it."""
    result = CaseHousing(None)
    lists = {"v": result.viewings, "t": result.tenancies, "c": result.certificates, "s": result.supports}
    for kind, *rows, offer in db.session.execute(_case_housing_query(), {"case_id": case.id}):
        row = rows[list(ROW_KINDS).index(kind)]
        set_committed_value(row, "case", case)
        if kind == "n":
            result.need = row
            continue
        if kind != "s":
            set_committed_value(row, "offer", offer)
        lists[kind].append(row)
    result.viewings.sort(key=lambda v: (v.on_date, v.starts_at or time(0, 0), v.id), reverse=True)
    result.tenancies.sort(key=lambda t: (t.starts_on, t.id), reverse=True)
    result.certificates.sort(key=lambda c: (c.requested_on, c.id), reverse=True)
    result.supports.sort(key=lambda s: (s.granted_on, s.id), reverse=True)
    return result


@functools.cache
def _case_housing_query() -> sa.Select:
    """A spine of (kind, id, offer) over the five tables of the case given as the parameter
    "case_id", each table and the offer joined to it. Built once, on first use: the case page
    runs it on every visit."""
    case_id = sa.bindparam("case_id")
    no_offer = sa.cast(sa.null(), sa.Integer())
    spine = sa.union_all(
        sa.select(
            sa.literal_column("'n'").label("kind"), HousingNeed.id.label("row_id"), no_offer.label("offer_id")
        ).where(HousingNeed.case_id == case_id),
        sa.select(sa.literal_column("'v'"), Viewing.id, Viewing.offer_id).where(Viewing.case_id == case_id),
        sa.select(sa.literal_column("'t'"), Tenancy.id, Tenancy.offer_id).where(Tenancy.case_id == case_id),
        sa.select(sa.literal_column("'c'"), SuitabilityCertificate.id, SuitabilityCertificate.offer_id).where(
            SuitabilityCertificate.case_id == case_id
        ),
        sa.select(sa.literal_column("'s'"), RentSupport.id, no_offer).where(RentSupport.case_id == case_id),
    ).subquery("spine")
    query = sa.select(spine.c.kind, *ROW_KINDS.values(), HousingOffer).select_from(spine)
    for kind, model in ROW_KINDS.items():
        query = query.outerjoin(model, sa.and_(spine.c.kind == kind, model.id == spine.c.row_id))
    return query.outerjoin(HousingOffer, HousingOffer.id == spine.c.offer_id).options(
        lazyload(HousingOffer.landlord),
        lazyload(HousingNeed.case),
        lazyload(Viewing.case),
        lazyload(Viewing.offer),
        lazyload(Tenancy.case),
        lazyload(Tenancy.offer),
        lazyload(SuitabilityCertificate.case),
        lazyload(RentSupport.case),
    )


def _forget(case: Case) -> None:
    g.setdefault("case_housing", {}).pop(case.id, None)


def case_housing_panel(case: Case, user) -> dict[str, Any]:
    housing = case_housing(case)
    if housing.need is not None and case.can_edit(user) and not case.is_closed:
        refresh_stage(housing.need, housing)
    return {
        "housing": housing,
        "can_edit": case.can_edit(user) and not case.is_closed,
        "today": today(),
    }


# ---- the need ---------------------------------------------------------------------------------


NEED_VALUES = ("household_size", "situation", "budget", "areas", "bedrooms", "accessible", "urgency", "stage", "notes")


def default_household_size(person: Person) -> int:
    """The person and the members of their household recorded on their page."""
    links = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(HouseholdLink)
        .where(sa.or_(HouseholdLink.first_person_id == person.id, HouseholdLink.second_person_id == person.id))
    )
    return min(1 + (links or 0), MAX_HOUSEHOLD)


def _clean_areas(text: str) -> str:
    seen, lines = set(), []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            lines.append(line)
    return "\n".join(lines)


def _check_need(values: dict[str, Any]) -> None:
    errors = []
    size = values.get("household_size")
    if size is None or not 1 <= size <= MAX_HOUSEHOLD:
        errors.append(FieldError("household_size", _l("A household has from 1 to 30 people.")))
    budget = values.get("budget")
    if budget is None or budget < 0:
        errors.append(
            FieldError("budget", _l("The budget cannot be negative. Write 0 if the household has no income."))
        )
    bedrooms = values.get("bedrooms")
    if bedrooms is None or not 0 <= bedrooms <= 20:
        errors.append(FieldError("bedrooms", _l("From 0 to 20 bedrooms.")))
    if len(_clean_areas(values.get("areas") or "").splitlines()) > 30:
        errors.append(FieldError("areas", _l("Name at most 30 municipalities or areas.")))
    if errors:
        raise FieldErrors(errors)


def _apply_need(need: HousingNeed, values: dict[str, Any]) -> None:
    need.household_size = values["household_size"]
    need.situation = Situation(values["situation"])
    need.budget = values["budget"]
    need.areas = _clean_areas(values.get("areas") or "")
    need.bedrooms = values["bedrooms"]
    need.accessible = bool(values.get("accessible"))
    need.urgency = HousingUrgency(values["urgency"])
    need.stage = HousingStage(values.get("stage") or HousingStage.ASSESSED.value)
    need.notes = (values.get("notes") or "").strip()


def housing_track(case: Case) -> Track | None:
    return next((track for track in case.tracks if track.kind is TrackKind.HOUSING), None)


def _ensure_track(case: Case, user) -> Track:
    """The case's housing track, added (at needs assessment) if the case has none."""
    track = housing_track(case)
    if track is None:
        track = case_services.add_track(case, TrackKind.HOUSING, user)
        db.session.flush()
        audit.record(Action.CREATE, track)
    return track


def create_need(case: Case, values: dict[str, Any], user) -> HousingNeed:
    """The household's housing need; the case gets a housing track if it has none."""
    case_services.require_active(case)
    if db.session.scalar(sa.select(HousingNeed.id).where(HousingNeed.case_id == case.id)) is not None:
        raise RuleError(_l("This case already has a housing need: edit it instead."))
    _check_need(values)
    need = HousingNeed(case=case, case_id=case.id)
    _apply_need(need, values)
    db.session.add(need)
    _ensure_track(case, user)
    audit.record(Action.CREATE, need)
    _forget(case)
    return need


def update_need(need: HousingNeed, values: dict[str, Any], user, *, version: Any) -> None:
    check_version(need, version)
    case_services.require_active(need.case)
    _check_need(values)
    _apply_need(need, values)
    audit.record(Action.UPDATE, need)
    _forget(need.case)


def _advance(need: HousingNeed, stage: HousingStage) -> None:
    """Move the need forward to ``stage``; a need already further stays where it is."""
    if _stage_before(need.stage, stage):
        need.stage = stage
        audit.record(Action.UPDATE, need)


def _require_need(case: Case) -> HousingNeed:
    need = db.session.scalar(sa.select(HousingNeed).where(HousingNeed.case_id == case.id))
    if need is None:
        raise RuleError(_l("Record the household's housing need first."))
    return need


def refresh_stage(need: HousingNeed, housing: CaseHousing | None = None) -> bool:
    """A signed contract whose start date has come: the household is housed."""
    if need.stage is not HousingStage.CONTRACT:
        return False
    tenancies = housing.tenancies if housing is not None else _tenancies_of(need.case_id)
    if any(t.starts_on <= today() for t in tenancies):
        need.stage = HousingStage.HOUSED
        audit.record(Action.UPDATE, need)
        return True
    return False


def _tenancies_of(case_id: int) -> list[Tenancy]:
    return list(db.session.scalars(sa.select(Tenancy).where(Tenancy.case_id == case_id)))


# ---- matching ---------------------------------------------------------------------------------


@dataclass
class Match:
    offer: HousingOffer
    reasons: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    over_budget: Decimal | None = None
    # Conditions the household is unlikely to meet: shown, ranked last.
    blocking: bool = False

    @property
    def reserved(self) -> bool:
        return self.offer.status is OfferStatus.RESERVED


@dataclass
class Matches:
    items: list[Match]
    total: int
    within_budget: int


def budget_ceiling(budget: Decimal) -> Decimal:
    return (budget * (1 + OVER_BUDGET_SHARE)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _match_conditions(need: HousingNeed) -> list[Any]:
    """What an offer must meet, as SQL conditions on the indexed columns first."""
    conditions = [
        HousingOffer.status.in_((OfferStatus.AVAILABLE, OfferStatus.RESERVED)),
        HousingOffer.capacity >= need.household_size,
        HousingOffer.rent <= budget_ceiling(need.budget),
        HousingOffer.bedroom_count >= need.bedrooms,
        HousingOffer.available_from <= today() + timedelta(days=AVAILABLE_WITHIN_DAYS),
    ]
    if need.accessible:
        conditions.append(HousingOffer.accessible.is_(True))
    areas = [area.casefold() for area in need.area_list]
    if areas:
        conditions.append(sa.func.lower(HousingOffer.municipality).in_(areas))
    return conditions


def matches(need: HousingNeed, limit: int = MAX_MATCHES) -> Matches:
    """The offers that fit the need, best first, with why and what to watch out for.

    One query whatever the number of offers: the conditions on the indexed columns, the counts
    as window functions over everything that fits, and the first ``limit`` offers, ranked:
    available before reserved, within the budget before over it, no condition the household is
    unlikely to meet (no residence registration) before one, the closest fit in size, available
    soonest, the cheapest. Only those are scored, in Python."""
    conditions = _match_conditions(need)
    within = sa.and_(HousingOffer.rent <= need.budget, HousingOffer.status == OfferStatus.AVAILABLE)
    no_residence = sa.cast(HousingOffer.conditions, sa.String).like(f'%"{Condition.NO_RESIDENCE.value}"%')
    ranked = (
        sa.select(
            HousingOffer,
            sa.func.count().over().label("total"),
            sa.func.sum(sa.case((within, 1), else_=0)).over().label("within_budget"),
        )
        .where(*conditions)
        .options(lazyload(HousingOffer.landlord))
        .order_by(
            sa.case((HousingOffer.status == OfferStatus.AVAILABLE, 0), else_=1),
            sa.case((HousingOffer.rent <= need.budget, 0), else_=1),
            sa.case((no_residence, 1), else_=0),
            HousingOffer.capacity - need.household_size,
            sa.case((HousingOffer.available_from <= today(), today()), else_=HousingOffer.available_from),
            HousingOffer.rent,
            HousingOffer.id,
        )
        .limit(limit)
    )
    rows = db.session.execute(ranked).all()
    money = _MoneyFormatter()
    items = [score(need, row[0], money) for row in rows]
    total, within_budget = (rows[0].total, rows[0].within_budget) if rows else (0, 0)
    return Matches(items, int(total), int(within_budget or 0))


class _MoneyFormatter(dict):
    """Amounts formatted once each (many offers share a rent)."""

    def __call__(self, value: Decimal) -> str:
        if value not in self:
            self[value] = _money(value)
        return self[value]


def score(need: HousingNeed, offer: HousingOffer, money: Any = None) -> Match:
    """Why an offer fits the need, and what to watch out for."""
    fmt = money or _MoneyFormatter()
    match = Match(offer)
    size = need.household_size
    match.reasons.append(
        _l("Fits %(num)s people; the household is %(size)s.", num=offer.capacity, size=size)
        if offer.capacity != 1
        else _l("Fits one person; the household is %(size)s.", size=size)
    )
    if offer.rent <= need.budget:
        match.reasons.append(
            _l("Rent %(rent)s within the budget of %(budget)s.", rent=fmt(offer.rent), budget=fmt(need.budget))
        )
    else:
        match.over_budget = offer.rent - need.budget
        match.warnings.append(
            _l(
                "Rent %(rent)s is %(over)s over the budget of %(budget)s.",
                rent=fmt(offer.rent),
                over=fmt(match.over_budget),
                budget=fmt(need.budget),
            )
        )
    if need.area_list:
        match.reasons.append(_l("In %(municipality)s, a wanted area.", municipality=offer.municipality))
    else:
        match.reasons.append(_l("No area wanted: anywhere will do."))
    if offer.bedroom_count:
        match.reasons.append(_l("Bedrooms: %(num)s.", num=offer.bedroom_count))
    if need.accessible:
        match.reasons.append(_l("Step-free access."))
    if offer.available_from <= today():
        match.reasons.append(_l("Available now."))
    else:
        match.reasons.append(_l("Available from %(date)s.", date=format_date(offer.available_from)))
    if offer.status is OfferStatus.RESERVED:
        match.warnings.append(_l("Reserved for another household: ask the owner whether it is still free."))
    for condition in offer.condition_list:
        if condition is Condition.NO_RESIDENCE:
            match.blocking = True
            match.warnings.append(
                _l(
                    "No residence registration: without it the household cannot register its address, "
                    "which a permit renewal needs."
                )
            )
        elif condition is Condition.GUARANTEE:
            match.warnings.append(_l("Guarantee required: see whether a guarantee fund can help."))
        elif condition is Condition.NO_CHILDREN and size > 1:
            match.warnings.append(_l("No children: check the household."))
        else:
            match.warnings.append(condition.title)
    if offer.deposit:
        match.warnings.append(_l("Deposit of %(amount)s.", amount=fmt(offer.deposit)))
    return match


# ---- viewings ---------------------------------------------------------------------------------


VIEWING_VALUES = ("on_date", "starts_at", "who_went", "outcome", "note")


def _let_to_another(offer: HousingOffer, case: Case) -> bool:
    if offer.status is not OfferStatus.LET:
        return False
    own = db.session.scalar(
        sa.select(Tenancy.id).where(Tenancy.offer_id == offer.id, Tenancy.case_id == case.id).limit(1)
    )
    return own is None


def _check_offer_open(offer: HousingOffer | None, case: Case, field_name: str = "offer_id") -> HousingOffer:
    if offer is None:
        raise FieldError(field_name, _l("Choose an offer."))
    if offer.status is OfferStatus.WITHDRAWN:
        raise FieldError(field_name, _l("This offer was withdrawn by its owner."))
    if _let_to_another(offer, case):
        raise FieldError(field_name, _l("This home is already let to another household."))
    return offer


def _check_viewing(offer: HousingOffer, values: dict[str, Any]) -> None:
    errors = []
    day = values.get("on_date")
    created = offer.created_at.date() if offer.created_at else None
    if day is not None and created is not None and day < created:
        errors.append(
            FieldError(
                "on_date",
                _l(
                    "The offer was only recorded on %(date)s: a viewing cannot come before it.",
                    date=format_date(created),
                ),
            )
        )
    outcome = ViewingOutcome(values.get("outcome") or ViewingOutcome.PLANNED.value)
    if day is not None and day > today() and outcome in DONE_VIEWING:
        errors.append(FieldError("outcome", _l("A viewing still to come has no outcome yet.")))
    if errors:
        raise FieldErrors(errors)


def _apply_viewing(viewing: Viewing, values: dict[str, Any]) -> None:
    viewing.on_date = values["on_date"]
    viewing.starts_at = values.get("starts_at")
    viewing.who_went = (values.get("who_went") or "").strip()
    viewing.outcome = ViewingOutcome(values.get("outcome") or ViewingOutcome.PLANNED.value)
    viewing.note = (values.get("note") or "").strip()


def add_viewing(case: Case, offer: HousingOffer | None, values: dict[str, Any], user) -> Viewing:
    """A viewing of an offer: the need moves to "viewing" if it was earlier."""
    case_services.require_active(case)
    need = _require_need(case)
    _check_offer_open(offer, case)
    _check_viewing(offer, values)
    viewing = Viewing(case=case, case_id=case.id, offer=offer, offer_id=offer.id)
    _apply_viewing(viewing, values)
    db.session.add(viewing)
    audit.record(Action.CREATE, viewing)
    _advance(need, HousingStage.VIEWING)
    _forget(case)
    return viewing


def update_viewing(viewing: Viewing, values: dict[str, Any], user, *, version: Any) -> None:
    check_version(viewing, version)
    case_services.require_active(viewing.case)
    try:
        _check_offer_open(viewing.offer, viewing.case)
    except FieldError as error:
        raise FieldError("on_date", error.message) from None
    _check_viewing(viewing.offer, values)
    _apply_viewing(viewing, values)
    audit.record(Action.UPDATE, viewing)
    _forget(viewing.case)


def can_accept(viewing: Viewing, need: HousingNeed | None) -> bool:
    return (
        viewing.outcome is ViewingOutcome.INTERESTED
        and viewing.offer.status is OfferStatus.AVAILABLE
        and need is not None
        and _stage_before(need.stage, HousingStage.ACCEPTED)
    )


def accept_offer(viewing: Viewing, user, *, version: Any) -> None:
    """The household wants the home it saw: the need is at "offer accepted", the offer reserved."""
    check_version(viewing, version)
    case_services.require_active(viewing.case)
    need = _require_need(viewing.case)
    if viewing.outcome is not ViewingOutcome.INTERESTED:
        raise RuleError(_l("Only an offer the household wants after a viewing can be accepted."))
    offer = viewing.offer
    if offer.status is OfferStatus.WITHDRAWN:
        raise RuleError(_l("This offer was withdrawn by its owner."))
    if offer.status is not OfferStatus.AVAILABLE:
        raise RuleError(_l("This offer is no longer available: it is %(status)s.", status=offer.status.title))
    offer.status = OfferStatus.RESERVED
    audit.record(Action.UPDATE, offer)
    if _stage_before(need.stage, HousingStage.ACCEPTED):
        need.stage = HousingStage.ACCEPTED
        audit.record(Action.UPDATE, need)
    _forget(viewing.case)


# ---- the contract -----------------------------------------------------------------------------


TENANCY_VALUES = ("contract_type", "signed_on", "starts_on", "ends_on", "rent", "registered_on", "note")


def _check_tenancy(values: dict[str, Any]) -> None:
    errors = []
    starts, ends, signed = values.get("starts_on"), values.get("ends_on"), values.get("signed_on")
    if starts and ends and ends <= starts:
        errors.append(FieldError("ends_on", _l("The contract must end after it starts.")))
    if signed and signed > today():
        errors.append(FieldError("signed_on", _l("A contract cannot be signed in the future.")))
    registered = values.get("registered_on")
    if registered and signed and registered < signed:
        errors.append(FieldError("registered_on", _l("A contract is registered after it is signed.")))
    if registered and registered > today():
        errors.append(FieldError("registered_on", _l("This date is in the future.")))
    rent = values.get("rent")
    if rent is None or rent <= 0:
        errors.append(FieldError("rent", _l("The rent must be more than 0.")))
    if errors:
        raise FieldErrors(errors)


def _apply_tenancy(tenancy: Tenancy, values: dict[str, Any]) -> None:
    tenancy.contract_type = ContractType(values["contract_type"])
    tenancy.signed_on = values["signed_on"]
    tenancy.starts_on = values["starts_on"]
    tenancy.ends_on = values.get("ends_on")
    tenancy.rent = values["rent"]
    tenancy.registered_on = values.get("registered_on")
    tenancy.note = (values.get("note") or "").strip()


def _housed(case: Case, need: HousingNeed, tenancy: Tenancy, user) -> None:
    """After a contract: the offer is let, the need at "contract" (or "housed" once it starts),
    the case's housing track completed."""
    offer = tenancy.offer
    if offer.status is not OfferStatus.LET:
        offer.status = OfferStatus.LET
        audit.record(Action.UPDATE, offer)
    stage = HousingStage.HOUSED if tenancy.starts_on <= today() else HousingStage.CONTRACT
    if need.stage is not stage:
        need.stage = stage
        audit.record(Action.UPDATE, need)
    track = _ensure_track(case, user)
    if track.stage is not TrackStage.COMPLETED:
        case_services.change_stage(track, TrackStage.COMPLETED, gettext("Housed"), user)


def add_tenancy(case: Case, offer: HousingOffer | None, values: dict[str, Any], user) -> Tenancy:
    """The contract an offer became: the offer is let, the household housed."""
    case_services.require_active(case)
    need = _require_need(case)
    _check_offer_open(offer, case)
    if offer.status is OfferStatus.RESERVED:
        wanted = db.session.scalar(
            sa.select(Viewing.id)
            .where(
                Viewing.case_id == case.id,
                Viewing.offer_id == offer.id,
                Viewing.outcome == ViewingOutcome.INTERESTED,
            )
            .limit(1)
        )
        if wanted is None:
            raise FieldError("offer_id", _l("This offer is reserved for another household."))
    _check_tenancy(values)
    tenancy = Tenancy(case=case, case_id=case.id, offer=offer, offer_id=offer.id)
    _apply_tenancy(tenancy, values)
    db.session.add(tenancy)
    audit.record(Action.CREATE, tenancy)
    _housed(case, need, tenancy, user)
    _forget(case)
    return tenancy


def update_tenancy(tenancy: Tenancy, values: dict[str, Any], user, *, version: Any) -> None:
    check_version(tenancy, version)
    case_services.require_active(tenancy.case)
    _check_tenancy(values)
    _apply_tenancy(tenancy, values)
    audit.record(Action.UPDATE, tenancy)
    need = db.session.scalar(sa.select(HousingNeed).where(HousingNeed.case_id == tenancy.case_id))
    if need is not None and need.stage in (HousingStage.CONTRACT, HousingStage.HOUSED):
        stage = HousingStage.HOUSED if tenancy.starts_on <= today() else HousingStage.CONTRACT
        if need.stage is not stage:
            need.stage = stage
            audit.record(Action.UPDATE, need)
    _forget(tenancy.case)


# ---- the suitability certificate ---------------------------------------------------------------


def certificate_defaults(case: Case, housing: CaseHousing) -> dict[str, Any]:
    """A new request starts from the home of the latest contract and the household's size."""
    values: dict[str, Any] = {"requested_on": today()}
    if housing.need is not None:
        values["people"] = housing.need.household_size
    tenancy = housing.tenancy
    if tenancy is not None:
        values |= {
            "address": tenancy.offer.address,
            "municipality": tenancy.offer.municipality,
            "offer_id": tenancy.offer_id,
        }
    return values


def request_certificate(case: Case, values: dict[str, Any], user) -> SuitabilityCertificate:
    case_services.require_active(case)
    errors = []
    people = values.get("people")
    if people is None or not 1 <= people <= MAX_HOUSEHOLD:
        errors.append(FieldError("people", _l("From 1 to 30 people.")))
    requested = values.get("requested_on")
    if requested and requested > today():
        errors.append(FieldError("requested_on", _l("This date is in the future.")))
    if errors:
        raise FieldErrors(errors)
    offer_id = values.get("offer_id")
    offer = db.session.get(HousingOffer, offer_id) if offer_id else None
    certificate = SuitabilityCertificate(
        case=case,
        case_id=case.id,
        offer_id=offer.id if offer is not None else None,
        address=values["address"].strip(),
        municipality=values["municipality"].strip(),
        people=people,
        requested_on=requested,
        status=CertificateStatus.REQUESTED,
    )
    db.session.add(certificate)
    audit.record(Action.CREATE, certificate)
    _forget(case)
    return certificate


def decide_certificate(certificate: SuitabilityCertificate, values: dict[str, Any], user, *, version: Any) -> None:
    """The municipality's answer: issued (with its number and date) or refused (with why). An
    issued certificate ticks the case's permit checklists."""
    check_version(certificate, version)
    case_services.require_active(certificate.case)
    status = CertificateStatus(values["status"])
    number = (values.get("number") or "").strip()
    decided = values.get("decided_on")
    note = (values.get("note") or "").strip()
    errors = []
    if status is CertificateStatus.REQUESTED:
        errors.append(FieldError("status", _l("Choose whether the certificate was issued or refused.")))
    if status is CertificateStatus.ISSUED and not number:
        errors.append(FieldError("number", _l("Write the certificate's number.")))
    if status is CertificateStatus.REFUSED and not note:
        errors.append(FieldError("note", _l("Write why the municipality refused it.")))
    if decided is None:
        errors.append(FieldError("decided_on", _l("Enter the date of the decision.")))
    elif decided < certificate.requested_on:
        errors.append(FieldError("decided_on", _l("The decision cannot come before the request.")))
    elif decided > today():
        errors.append(FieldError("decided_on", _l("This date is in the future.")))
    if errors:
        raise FieldErrors(errors)
    newly_issued = status is CertificateStatus.ISSUED and certificate.status is not CertificateStatus.ISSUED
    certificate.status = status
    certificate.number = number if status is CertificateStatus.ISSUED else ""
    certificate.decided_on = decided
    certificate.note = note
    audit.record(Action.UPDATE, certificate)
    if newly_issued:
        document_obtained.send(
            certificate.case,
            code="IDONEITA_ALLOGGIO",
            note=gettext("Certificate no. %(number)s of %(date)s", number=number, date=format_date(decided)),
        )
    _forget(certificate.case)


# ---- rent support -----------------------------------------------------------------------------


SUPPORT_VALUES = ("kind", "amount", "granted_on", "until", "provider", "note")


def _check_support(values: dict[str, Any]) -> None:
    errors = []
    amount = values.get("amount")
    if amount is None or amount <= 0 or amount > MAX_SUPPORT:
        errors.append(FieldError("amount", _l("An amount goes from 0.01 to 50,000 euro.")))
    granted, until = values.get("granted_on"), values.get("until")
    if granted and until and until < granted:
        errors.append(FieldError("until", _l("The measure cannot end before it was granted.")))
    if errors:
        raise FieldErrors(errors)


def _apply_support(support: RentSupport, values: dict[str, Any]) -> None:
    support.kind = SupportKind(values["kind"])
    support.amount = values["amount"]
    support.granted_on = values["granted_on"]
    support.until = values.get("until")
    support.provider = (values.get("provider") or "").strip()
    support.note = (values.get("note") or "").strip()


def add_support(case: Case, values: dict[str, Any], user) -> RentSupport:
    case_services.require_active(case)
    _check_support(values)
    support = RentSupport(case=case, case_id=case.id)
    _apply_support(support, values)
    db.session.add(support)
    audit.record(Action.CREATE, support)
    _forget(case)
    return support


def update_support(support: RentSupport, values: dict[str, Any], user, *, version: Any) -> None:
    check_version(support, version)
    case_services.require_active(support.case)
    _check_support(values)
    _apply_support(support, values)
    audit.record(Action.UPDATE, support)
    _forget(support.case)


# ---- the board --------------------------------------------------------------------------------


@dataclass
class BoardCard:
    need: HousingNeed
    days: int


@dataclass
class BoardColumn:
    stage: HousingStage
    count: int
    cards: list[BoardCard]


@dataclass
class Board:
    columns: list[BoardColumn]
    offers: list[tuple[OfferStatus, int]]
    total: int


URGENCY_RANK = sa.case(
    (HousingNeed.urgency == HousingUrgency.TONIGHT, 0), (HousingNeed.urgency == HousingUrgency.WEEKS, 1), else_=2
)


def _board_filters(user, desk_id: int | None, urgency: str) -> list[Any]:
    conditions: list[Any] = [Case.id == HousingNeed.case_id]
    if user.role is not Role.ADMIN:
        conditions.append(Case.desk_id.in_(user.desk_ids))
    if desk_id:
        conditions.append(Case.desk_id == desk_id)
    if urgency:
        conditions.append(HousingNeed.urgency == HousingUrgency(urgency))
    return conditions


def refresh_due_stages(user) -> int:
    """Needs at "contract" whose contract has started move to "housed" (seen on the board)."""
    due = sa.select(Tenancy.case_id).where(Tenancy.starts_on <= today())
    # The ids first, in a query quick to plan; the records only when some are due.
    ids = list(
        db.session.scalars(
            sa.select(HousingNeed.id)
            .join(Case, Case.id == HousingNeed.case_id)
            .where(*_board_filters(user, None, ""), HousingNeed.stage == HousingStage.CONTRACT)
            .where(HousingNeed.case_id.in_(due))
        )
    )
    if not ids:
        return 0
    needs = list(
        db.session.scalars(
            sa.select(HousingNeed)
            .where(HousingNeed.id.in_(ids))
            .options(joinedload(HousingNeed.case).lazyload(Case.tracks))
        )
    )
    for need in needs:
        need.stage = HousingStage.HOUSED
        audit.record(Action.UPDATE, need)
    return len(needs)


def board(user, *, desk_id: int | None = None, urgency: str = "") -> Board:
    """Cases by housing stage (a count and the first 20 of each, the most urgent first), and
    offers by status: two queries whatever the numbers (the counts per stage are a window
    function of the first)."""
    conditions = _board_filters(user, desk_id, urgency)
    ranked = (
        sa.select(
            HousingNeed.id.label("need_id"),
            sa.func.row_number()
            .over(partition_by=HousingNeed.stage, order_by=(URGENCY_RANK, HousingNeed.updated_at, HousingNeed.id))
            .label("position"),
            sa.func.count().over(partition_by=HousingNeed.stage).label("in_stage"),
        )
        .join(Case, Case.id == HousingNeed.case_id)
        .where(*conditions)
        .subquery()
    )
    # What a card shows of the case: its number and the person's name.
    case_options = (
        joinedload(HousingNeed.case)
        .load_only(Case.id, Case.reference, Case.person_id, Case.desk_id)
        .options(
            lazyload(Case.tracks),
            lazyload(Case.desk),
            lazyload(Case.operator),
            joinedload(Case.person).load_only(Person.id, Person.given_names, Person.family_name).lazyload(Person.desk),
        )
    )
    rows = db.session.execute(
        sa.select(HousingNeed, ranked.c.in_stage)
        .join(ranked, ranked.c.need_id == HousingNeed.id)
        .where(ranked.c.position <= BOARD_PER_STAGE)
        .order_by(ranked.c.position)
        .options(case_options)
    ).all()
    now = today()
    counts: dict[HousingStage, int] = {}
    by_stage: dict[HousingStage, list[BoardCard]] = {stage: [] for stage in HousingStage}
    for need, in_stage in rows:
        updated = need.updated_at.date() if need.updated_at else now
        by_stage[need.stage].append(BoardCard(need, max((now - updated).days, 0)))
        counts[need.stage] = in_stage
    offers = dict(
        db.session.execute(sa.select(HousingOffer.status, sa.func.count()).group_by(HousingOffer.status)).all()
    )
    return Board(
        columns=[BoardColumn(stage, counts.get(stage, 0), by_stage[stage]) for stage in HousingStage],
        offers=[(status, offers.get(status, 0)) for status in OfferStatus],
        total=sum(counts.values()),
    )
