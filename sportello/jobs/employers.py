"""Rules of the employers' roster and of their job offers, shared by every desk.

Services change the session and write the audit trail; the view commits. Other parts may call:

- ``employer_choices(current_id)``: the active employers, to choose a host or an offer's employer;
- ``employer_offers(employer)``: an employer's offers, open first;
- ``hosted_internships(employer, user)``: the internships an employer hosts that ``user`` may
  see, and how many others there are;
- ``offer_referrals(offer)``: the people put forward for an offer, with their cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defaultload, lazyload
from stdnum.it import codicefiscale, iva

from sportello.cases.models import Case
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import ErrorList, FieldError
from sportello.core.forms import today
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.jobs.models import (
    CEFR_RANK,
    Cefr,
    ContractType,
    DrivingLicence,
    Employer,
    Hours,
    Internship,
    JobOffer,
    JobReferral,
    OfferStatus,
    Sector,
)
from sportello.jobs.places import PROVINCE_CODE, municipality_key
from sportello.people.services import clean_phone

# Working time in Italy (d.lgs. 66/2003): the normal week is 40 hours (art. 3), collective
# agreements may set it lower, and the average week may not exceed 48 hours with overtime (art. 4).
# Part time is fewer hours than the full-time week (d.lgs. 81/2015, art. 4); full-time weeks set
# by collective agreements are not shorter than 30 hours in practice, so fewer is part time.
MAX_WEEKLY_HOURS = 48
FULL_TIME_HOURS = 40
MIN_FULL_TIME_HOURS = 30
MAX_POSITIONS = 100
# An offer that closes more than two years ahead was mistyped.
MAX_CLOSING_DAYS = 2 * 366
# "Closing soon" on the offers list.
CLOSING_SOON_DAYS = 14
MAX_SKILLS = 30
MAX_SKILL_LENGTH = 80

BAD_TAX_NUMBER = _l(
    "Enter the 11-digit VAT number (partita IVA) or the 16-character tax code (codice fiscale) of the business."
)
BAD_VAT_CHECK = _l("This VAT number is not valid: its last digit does not match. Check it for a typing mistake.")
BAD_FISCAL_CODE = _l("This tax code is not valid: check it for a typing mistake.")
WEEKLY_HOURS_RANGE = _l("Enter the hours a week, from 1 to 48.")
PART_TIME_HOURS = _l("A part-time job has fewer than 40 hours a week.")
FULL_TIME_MIN = _l("A full-time job has at least 30 hours a week; fewer is part time.")
POSITIONS_RANGE = _l("Enter the number of positions, from 1 to 100.")
NO_SUCH_LEVEL = _l("This level does not exist: choose from A1 to C2, or no level needed.")
CLOSING_IN_PAST = _l("The closing date is in the past: a new offer must still be open.")
CLOSING_TOO_FAR = _l("Enter a closing date within two years.")
BAD_PROVINCE = _l("Enter the province's two-letter code, like RA or BO.")
TOO_MANY_SKILLS = _l("At most 30 skills, one per line.")
SKILL_TOO_LONG = _l("Each skill may be at most 80 characters long.")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _enum(errors: ErrorList, values: dict[str, Any], name: str, enum: type, message: Any, *, optional=False) -> None:
    value = values.get(name)
    if isinstance(value, enum):
        return
    if optional and value in (None, ""):
        values[name] = None
    elif value in enum._value2member_map_:
        values[name] = enum(value)
    else:
        errors.add(name, message)


def case_visibility(user) -> sa.ColumnElement[bool]:
    """The cases ``user`` may see, as a condition on ``Case`` (see ``Case.visible_to``)."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role in (Role.COORDINATOR, Role.OPERATOR):
        return Case.desk_id.in_(user.desk_ids)
    return sa.false()


# ---- employers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerFilters:
    name: str = ""
    sector: str = ""
    municipality: str = ""
    status: str = "active"  # active, inactive or all


def employer_query(filters: EmployerFilters) -> sa.Select:
    """Employers matching ``filters``, active first, then by name."""
    query = sa.select(Employer)
    if filters.name:
        query = query.where(Employer.name.ilike(_like(filters.name.strip()), escape="\\"))
    if filters.sector:
        query = query.where(Employer.sector == Sector(filters.sector))
    if filters.municipality:
        query = query.where(Employer.municipality.ilike(_like(filters.municipality.strip()), escape="\\"))
    if filters.status == "active":
        query = query.where(Employer.active.is_(True))
    elif filters.status == "inactive":
        query = query.where(Employer.active.is_(False))
    return query.order_by(Employer.active.desc(), Employer.name, Employer.id)


def offer_counts(employer_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{employer_id: {status: number of offers}}`` for a page of employers, in one query."""
    ids = list(employer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(JobOffer.employer_id, JobOffer.status, sa.func.count())
        .where(JobOffer.employer_id.in_(ids))
        .group_by(JobOffer.employer_id, JobOffer.status)
    )
    out: dict[int, dict[str, int]] = {}
    for employer_id, status, number in rows:
        out.setdefault(employer_id, {})[OfferStatus(status).value] = number
    return out


EMPLOYER_FIELDS = (
    "name",
    "sector",
    "tax_number",
    "contact_name",
    "phone",
    "email",
    "address",
    "municipality",
    "notes",
    "active",
)


def clean_tax_number(raw: str) -> str:
    """A partita IVA (11 digits, "IT" prefix allowed) or a codice fiscale (16 characters, that
    of a sole trader), checked with its check character. Raises FieldError; "" stays ""."""
    text = "".join((raw or "").split()).upper()
    if not text:
        return ""
    if text.startswith("IT") and text[2:].isdigit():
        text = text[2:]
    if len(text) == 11 and text.isdigit():
        if not iva.is_valid(text):
            raise FieldError("tax_number", BAD_VAT_CHECK)
        return text
    if len(text) == 16 and text.isalnum():
        if not codicefiscale.is_valid(text):
            raise FieldError("tax_number", BAD_FISCAL_CODE)
        return text
    raise FieldError("tax_number", BAD_TAX_NUMBER)


def clean_employer_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise what the employer form sent. Raises FieldErrors."""
    values = dict(values)
    errors = ErrorList()
    for name in ("name", "contact_name", "address", "municipality"):
        values[name] = " ".join((values.get(name) or "").split())
    values["notes"] = (values.get("notes") or "").strip()
    if not values["name"]:
        errors.add("name", _l("Enter the employer's name."))
    _enum(errors, values, "sector", Sector, _l("Choose the sector."))
    try:
        values["tax_number"] = clean_tax_number(values.get("tax_number") or "")
    except FieldError as error:
        errors.append(error)
    try:
        values["phone"] = clean_phone(values.get("phone"))
    except FieldError as error:
        errors.append(error)
    values["email"] = (values.get("email") or "").strip().lower()
    values["active"] = bool(values.get("active"))
    errors.raise_any()
    return values


def create_employer(values: dict[str, Any]) -> Employer:
    """A new employer of the roster from cleaned values (``clean_employer_values``)."""
    employer = Employer(**{name: values[name] for name in EMPLOYER_FIELDS})
    db.session.add(employer)
    db.session.flush()
    audit.record(Action.CREATE, employer)
    return employer


def update_employer(employer: Employer, values: dict[str, Any], *, version: Any) -> None:
    """Save the employer form over ``employer``, refused if it changed since the form was loaded."""
    check_version(employer, version)
    for name in EMPLOYER_FIELDS:
        setattr(employer, name, values[name])
    audit.record(Action.UPDATE, employer)


def employer_choices(current_id: int | None = None) -> list[Employer]:
    """Active employers by name, and ``current_id`` (the one already chosen) even if inactive."""
    condition = Employer.active.is_(True)
    if current_id is not None:
        condition = sa.or_(condition, Employer.id == current_id)
    return list(db.session.scalars(sa.select(Employer).where(condition).order_by(Employer.name, Employer.id)))


def can_choose(employer_id: Any, current_id: int | None = None) -> bool:
    """Whether ``employer_id`` is an active employer, or the one already chosen (``current_id``)."""
    if not isinstance(employer_id, int):
        return False
    employer = db.session.get(Employer, employer_id)
    return employer is not None and (employer.active or employer.id == current_id)


def _status_order(on: date) -> sa.Case:
    """Offers taking referrals first, then open ones past their closing date, filled, closed."""
    return sa.case(
        (sa.and_(JobOffer.status == OfferStatus.OPEN, JobOffer.closes_on < on), 1),
        (JobOffer.status == OfferStatus.OPEN, 0),
        (JobOffer.status == OfferStatus.FILLED, 2),
        else_=3,
    )


def employer_offers(employer: Employer) -> list[JobOffer]:
    """The employer's offers: those taking referrals first, the soonest closing first."""
    return list(
        db.session.scalars(
            sa.select(JobOffer)
            .where(JobOffer.employer_id == employer.id)
            .order_by(_status_order(today()), JobOffer.closes_on.is_(None), JobOffer.closes_on, JobOffer.id.desc())
        )
    )


def hosted_internships(employer: Employer, user) -> tuple[list[Internship], int]:
    """The internships ``employer`` hosts whose case ``user`` may see (latest start first), and
    the number of the others, which are counted but not shown. Two queries."""
    visible = case_visibility(user)
    shown = db.session.scalars(
        sa.select(Internship)
        .join(Internship.case)
        .options(contains_eager(Internship.case).lazyload(Case.tracks), lazyload(Internship.host))
        .where(Internship.host_id == employer.id, visible)
        .order_by(Internship.starts_on.desc(), Internship.id.desc())
    )
    hidden = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Internship)
        .join(Case, Case.id == Internship.case_id)
        .where(Internship.host_id == employer.id, sa.not_(visible))
    )
    return list(shown.unique()), hidden or 0


# ---- the offers list -------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilters:
    status: str = "open"  # "" for any status
    sector: str = ""
    municipality: str = ""
    contract_type: str = ""
    q: str = ""  # in the title or the employer's name
    closing_soon: bool = False  # open and closing within CLOSING_SOON_DAYS


def offer_query(filters: OfferFilters, on: date | None = None) -> sa.Select:
    """Offers matching ``filters`` with their employer: those taking referrals first, the soonest
    closing first (see ``_status_order``)."""
    on = on or today()
    query = sa.select(JobOffer).join(JobOffer.employer).options(contains_eager(JobOffer.employer))
    if filters.status:
        query = query.where(JobOffer.status == OfferStatus(filters.status))
    if filters.sector:
        query = query.where(JobOffer.sector == Sector(filters.sector))
    if filters.contract_type:
        query = query.where(JobOffer.contract_type == ContractType(filters.contract_type))
    if filters.municipality:
        key = municipality_key(filters.municipality)
        query = query.where(JobOffer.municipality_key.like(_like(key), escape="\\"))
    if filters.q:
        words = _like(" ".join(filters.q.split()))
        query = query.where(sa.or_(JobOffer.title.ilike(words, escape="\\"), Employer.name.ilike(words, escape="\\")))
    if filters.closing_soon:
        query = query.where(
            JobOffer.status == OfferStatus.OPEN,
            JobOffer.closes_on >= on,
            JobOffer.closes_on <= on + timedelta(days=CLOSING_SOON_DAYS),
        )
    return query.order_by(_status_order(on), JobOffer.closes_on.is_(None), JobOffer.closes_on, JobOffer.id.desc())


# ---- one offer -------------------------------------------------------------------------------

OFFER_FIELDS = (
    "employer_id",
    "title",
    "sector",
    "contract_type",
    "hours",
    "weekly_hours",
    "nights",
    "weekends",
    "municipality",
    "province",
    "positions",
    "min_italian",
    "licence",
    "skills",
    "requirements",
    "description",
    "closes_on",
)


def clean_skills(text: str) -> tuple[str, Any]:
    """Skills one per line, trimmed, without blank lines or repeats; and a problem, if any."""
    lines: list[str] = []
    seen: set[str] = set()
    for line in (text or "").splitlines():
        skill = " ".join(line.split())
        if skill and skill.casefold() not in seen:
            seen.add(skill.casefold())
            lines.append(skill)
    if len(lines) > MAX_SKILLS:
        return "\n".join(lines), TOO_MANY_SKILLS
    if any(len(line) > MAX_SKILL_LENGTH for line in lines):
        return "\n".join(lines), SKILL_TOO_LONG
    return "\n".join(lines), None


def check_weekly_hours(errors: ErrorList, hours: Hours | None, weekly: int | None) -> None:
    if weekly is None:
        return
    if not 1 <= weekly <= MAX_WEEKLY_HOURS:
        errors.add("weekly_hours", WEEKLY_HOURS_RANGE)
    elif hours is Hours.PART_TIME and weekly >= FULL_TIME_HOURS:
        errors.add("weekly_hours", PART_TIME_HOURS)
    elif hours is Hours.FULL_TIME and weekly < MIN_FULL_TIME_HOURS:
        errors.add("weekly_hours", FULL_TIME_MIN)


def clean_offer_values(values: dict[str, Any], offer: JobOffer | None = None) -> dict[str, Any]:
    """Check and normalise what the offer form sent; ``offer`` is the one edited (None for a new
    one). Raises FieldErrors with every problem found."""
    values = dict(values)
    errors = ErrorList()
    for name in ("title", "municipality"):
        values[name] = " ".join((values.get(name) or "").split())
    for name in ("requirements", "description"):
        values[name] = (values.get(name) or "").strip()
    if not values["title"]:
        errors.add("title", _l("Enter the job title."))
    if not values["municipality"]:
        errors.add("municipality", _l("Enter the municipality where the job is."))
    values["province"] = (values.get("province") or "").strip().upper()
    if not PROVINCE_CODE.match(values["province"]):
        errors.add("province", BAD_PROVINCE)

    if not can_choose(values.get("employer_id"), offer.employer_id if offer is not None else None):
        errors.add("employer_id", _l("Choose an active employer from the list."))

    _enum(errors, values, "sector", Sector, _l("Choose the sector."))
    _enum(errors, values, "contract_type", ContractType, _l("Choose the contract type."))
    _enum(errors, values, "hours", Hours, _l("Choose full or part time."))
    _enum(errors, values, "min_italian", Cefr, NO_SUCH_LEVEL, optional=True)
    _enum(errors, values, "licence", DrivingLicence, _l("Choose a driving licence from the list."), optional=True)
    hours = values["hours"] if isinstance(values.get("hours"), Hours) else None
    check_weekly_hours(errors, hours, values.get("weekly_hours"))
    positions = values.get("positions")
    if positions is None or not 1 <= positions <= MAX_POSITIONS:
        errors.add("positions", POSITIONS_RANGE)
    values["nights"] = bool(values.get("nights"))
    values["weekends"] = bool(values.get("weekends"))
    values["skills"], problem = clean_skills(values.get("skills") or "")
    if problem is not None:
        errors.add("skills", problem)

    closes_on = values.get("closes_on")
    day = today()
    if closes_on is not None:
        unchanged = offer is not None and closes_on == offer.closes_on
        if offer is None and closes_on < day:
            errors.add("closes_on", CLOSING_IN_PAST)
        elif not unchanged and abs((closes_on - day).days) > MAX_CLOSING_DAYS:
            errors.add("closes_on", CLOSING_TOO_FAR)
    errors.raise_any()
    return values


def _apply(offer: JobOffer, values: dict[str, Any]) -> None:
    for name in OFFER_FIELDS:
        setattr(offer, name, values[name])
    offer.municipality_key = municipality_key(values["municipality"])
    offer.min_italian_rank = CEFR_RANK[values["min_italian"]] if values["min_italian"] else 0


def create_offer(values: dict[str, Any]) -> JobOffer:
    """A new open offer from cleaned values (``clean_offer_values``)."""
    offer = JobOffer(status=OfferStatus.OPEN)
    _apply(offer, values)
    db.session.add(offer)
    db.session.flush()
    audit.record(Action.CREATE, offer)
    return offer


def update_offer(offer: JobOffer, values: dict[str, Any], *, version: Any) -> None:
    """Save the offer form over ``offer``, refused if it changed since the form was loaded."""
    check_version(offer, version)
    _apply(offer, values)
    audit.record(Action.UPDATE, offer)


def change_offer_status(offer: JobOffer, status: Any, *, version: Any) -> None:
    """Mark the offer open, filled or closed."""
    check_version(offer, version)
    if isinstance(status, OfferStatus):
        status = status.value
    if status not in OfferStatus._value2member_map_:
        raise FieldError("status", _l("Choose the status."))
    offer.status = OfferStatus(status)
    audit.record(Action.UPDATE, offer)


def offer_referrals(offer: JobOffer) -> list[JobReferral]:
    """The people put forward for ``offer`` with their cases and people, latest first: one
    query. Show a case's details only to who may see the case (``referral.can_view(user)``)."""
    return list(
        db.session.scalars(
            sa.select(JobReferral)
            .options(lazyload(JobReferral.offer), defaultload(JobReferral.case).lazyload(Case.tracks))
            .where(JobReferral.offer_id == offer.id)
            .order_by(JobReferral.status_on.desc(), JobReferral.id.desc())
        )
    )
