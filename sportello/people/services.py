"""Rules of the person registry: identifiers, duplicates, intake and edits, search, renewals.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import phonenumbers
import sqlalchemy as sa
from codicefiscale import codicefiscale
from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import today
from sportello.core.home import HomeItem
from sportello.core.pagination import ListPage
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import matching
from sportello.people.models import (
    Citizenship,
    DatePrecision,
    LanguageLevel,
    PermitStatus,
    PermitType,
    Person,
    Sex,
    SharedDesk,
)
from sportello.people.models import SpokenLanguage as Spoken

# Columns copied from the form as they are (after the checks below).
SIMPLE_FIELDS = (
    "given_names",
    "family_name",
    "given_names_original",
    "family_name_original",
    "aliases",
    "sex",
    "birth_date",
    "birth_date_precision",
    "country_of_birth",
    "preferred_language",
    "fiscal_code",
    "passport_number",
    "phone",
    "whatsapp",
    "email",
    "address",
    "municipality",
    "arrival_date",
    "permit_type",
    "permit_number",
    "permit_issued_on",
    "permit_expires_on",
    "permit_questura",
    "permit_status",
    "permit_receipt_date",
    "notes",
)
PERMIT_DETAILS = ("permit_number", "permit_issued_on", "permit_expires_on", "permit_questura", "permit_status")

RENEWAL_AHEAD_DAYS = 90
RENEWAL_LATE_DAYS = 60


# ---- checking and normalising what was typed --------------------------------------------------


def normalise_phone(raw: str) -> str:
    """E.164 ("+393331234567"); numbers without a country code are read as Italian."""
    number = phonenumbers.parse(raw, "IT")
    if not phonenumbers.is_valid_number(number):
        raise phonenumbers.NumberParseException(phonenumbers.NumberParseException.NOT_A_NUMBER, "invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_fiscal_code(code: str) -> bool:
    """A 16-character codice fiscale (omocodes included), or the 11-digit temporary one."""
    return (len(code) == 11 and code.isdigit()) or codicefiscale.is_valid(code)


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check the rules between fields and normalise identifiers. Raises FieldErrors."""
    values = dict(values)
    errors: list[FieldError] = []

    values["sex"] = Sex(values.get("sex") or Sex.UNSPECIFIED.value)
    birth = values.get("birth_date")
    precision = values.get("birth_date_precision") or ""
    if birth is None:
        values["birth_date_precision"] = DatePrecision.UNKNOWN
    elif precision:
        values["birth_date_precision"] = DatePrecision(precision)
        if precision == DatePrecision.UNKNOWN.value:
            values["birth_date"] = None
    else:
        # 1 January is the usual placeholder when only the year is known.
        is_placeholder = (birth.month, birth.day) == (1, 1)
        values["birth_date_precision"] = DatePrecision.YEAR if is_placeholder else DatePrecision.EXACT
    if values["birth_date_precision"] is DatePrecision.YEAR and values.get("birth_date"):
        values["birth_date"] = values["birth_date"].replace(month=1, day=1)

    code = values.get("fiscal_code") or ""
    if code and not is_valid_fiscal_code(code):
        errors.append(FieldError("fiscal_code", _l("This codice fiscale is not valid: check its 16 characters.")))
    values["fiscal_code"] = code

    phone = values.get("phone") or ""
    if phone:
        try:
            values["phone"] = normalise_phone(phone)
        except phonenumbers.NumberParseException:
            errors.append(
                FieldError(
                    "phone",
                    _l("This phone number is not valid. For a foreign number, start with + and the country code."),
                )
            )
    values["email"] = (values.get("email") or "").lower()

    if values.get("arrival_date") and birth and values["arrival_date"] < birth:
        errors.append(FieldError("arrival_date", _l("The arrival date is before the date of birth.")))

    values["permit_type"] = PermitType(values["permit_type"]) if values.get("permit_type") else None
    values["permit_status"] = PermitStatus(values["permit_status"]) if values.get("permit_status") else None
    if values["permit_type"] is None and any(values.get(f) for f in PERMIT_DETAILS):
        errors.append(FieldError("permit_type", _l("Choose the type of the permit these details belong to.")))
    issued, expires = values.get("permit_issued_on"), values.get("permit_expires_on")
    if issued and expires and expires <= issued:
        errors.append(FieldError("permit_expires_on", _l("The expiry date must come after the issue date.")))
    if values["permit_status"] is PermitStatus.RENEWAL_REQUESTED and not values.get("permit_receipt_date"):
        errors.append(FieldError("permit_receipt_date", _l("Enter the date of the renewal receipt.")))

    languages = []
    seen = set()
    for code_, level in values.get("languages", []):
        if code_ in seen:
            errors.append(FieldError("languages", _l("Each language once, please.")))
            break
        seen.add(code_)
        languages.append((code_, LanguageLevel(level)))
    values["languages"] = languages
    values["citizenships"] = sorted(set(values.get("citizenships") or []))

    if errors:
        raise FieldErrors(errors)
    return values


def fiscal_code_warnings(person: Person) -> list[Any]:
    """Where the codice fiscale disagrees with name, sex or birth date: a warning, not a block."""
    code = person.fiscal_code
    if not code or len(code) != 16 or not codicefiscale.is_valid(code):
        return []
    warnings = []
    decoded = codicefiscale.decode(code)
    if codicefiscale.encode_lastname(person.family_name) != code[0:3]:
        warnings.append(_l("The codice fiscale does not match the family name."))
    if codicefiscale.encode_firstname(person.given_names) != code[3:6]:
        warnings.append(_l("The codice fiscale does not match the given names."))
    if person.sex in (Sex.FEMALE, Sex.MALE) and decoded["gender"] != person.sex.value:
        warnings.append(_l("The codice fiscale is for a person of the other sex."))
    born = decoded["birthdate"].date()
    if person.birth_date and person.birth_date_precision is DatePrecision.EXACT and born != person.birth_date:
        warnings.append(_l("The codice fiscale has another date of birth."))
    elif (
        person.birth_date and person.birth_date_precision is DatePrecision.YEAR and born.year != person.birth_date.year
    ):
        warnings.append(_l("The codice fiscale has another year of birth."))
    return warnings


# ---- duplicates -------------------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    score: float
    strong: bool
    reasons: list[Any] = field(default_factory=list)


def _birth_relation(a: date | None, a_precision: DatePrecision, b: date | None, b_precision: DatePrecision) -> str:
    if a is None or b is None or DatePrecision.UNKNOWN in (a_precision, b_precision):
        return "unknown"
    if a_precision is DatePrecision.EXACT and b_precision is DatePrecision.EXACT:
        if a == b:
            return "same_date"
        # A day and month swapped in transcription is a classic slip.
        return "swapped" if (a.year, a.month, a.day) == (b.year, b.day, b.month) else "different"
    return "same_year" if a.year == b.year else "different"


def find_duplicates(user: Any, values: dict[str, Any], exclude_id: int | None = None) -> list[Candidate]:
    """People the user can see who may be the person described by ``values``: strong matches
    (same identifier) first, then by name similarity."""
    visible = Person.visible_to(user)
    if exclude_id:
        visible = visible.where(Person.id != exclude_id)
    found: dict[int, Candidate] = {}

    identifiers = [
        ("fiscal_code", Person.fiscal_code, _l("Same codice fiscale")),
        ("passport_number", Person.passport_number, _l("Same passport number")),
        ("permit_number", Person.permit_number, _l("Same permit number")),
        ("phone", Person.phone, _l("Same phone number")),
    ]
    for key, column, reason in identifiers:
        if values.get(key):
            for person in db.session.scalars(visible.where(column == values[key]).limit(20)):
                candidate = found.setdefault(person.id, Candidate(person, 0.0, True))
                candidate.reasons.append(reason)

    probe_names = matching.names_of(SimpleNamespace(**{key: values.get(key) or "" for key in matching.NAME_FIELDS}))
    ids = matching.candidate_ids(probe_names, visible, all_tokens=False, prefix=False, limit=100)
    people = list(db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))) if ids else []
    birth = values.get("birth_date")
    precision = values.get("birth_date_precision") or DatePrecision.UNKNOWN
    for person in [*people, *(c.person for c in found.values() if c.person.id not in ids)]:
        score, matched_name = max((matching.name_similarity(name, person) for name in probe_names), key=lambda s: s[0])
        alike = any(matching.sound_alike(name, person) for name in probe_names)
        relation = _birth_relation(birth, precision, person.birth_date, person.birth_date_precision)
        candidate = found.get(person.id)
        if candidate is None:
            if relation == "different" or (score < 80 and not alike):
                continue
            candidate = found.setdefault(person.id, Candidate(person, score, False))
        candidate.score = score
        if score >= 80:
            candidate.reasons.append(
                _l("Similar name (%(score)s of 100): %(name)s", score=round(score), name=matched_name)
            )
        elif alike:
            candidate.reasons.append(_l("The names sound alike"))
        if relation == "same_date":
            candidate.reasons.append(_l("Same date of birth"))
        elif relation == "same_year":
            candidate.reasons.append(_l("Same year of birth"))
        elif relation == "swapped":
            candidate.reasons.append(_l("Same date of birth with day and month swapped"))
    return sorted(found.values(), key=lambda c: (not c.strong, -c.score, c.person.id))[:20]


# ---- intake and edits -------------------------------------------------------------------------


def _apply(person: Person, values: dict[str, Any]) -> None:
    # No flush half-way: the audit diff is read from the changes as they stand before the flush.
    with db.session.no_autoflush:
        _apply_values(person, values)


def _apply_values(person: Person, values: dict[str, Any]) -> None:
    for name in SIMPLE_FIELDS:
        setattr(person, name, values.get(name) if values.get(name) is not None else _empty(name))
    wanted = set(values["citizenships"])
    for row in list(person.citizenships):
        if row.country not in wanted:
            person.citizenships.remove(row)
    have = {row.country for row in person.citizenships}
    for country in sorted(wanted - have):
        person.citizenships.append(Citizenship(country=country))
    levels = dict(values["languages"])
    for row in list(person.languages):
        if row.language not in levels:
            person.languages.remove(row)
        elif row.level is not levels[row.language]:
            row.level = levels[row.language]
    have = {row.language for row in person.languages}
    for code, level in values["languages"]:
        if code not in have:
            person.languages.append(Spoken(language=code, level=level))
    matching.refresh_keys(person)


def _empty(name: str) -> Any:
    column = Person.__table__.c[name]
    if column.nullable:
        return None
    return False if name == "whatsapp" else ""


def create_person(values: dict[str, Any], desk_id: int) -> Person:
    person = Person(desk_id=desk_id)
    _apply(person, values)
    db.session.add(person)
    audit.record(Action.CREATE, person)
    return person


def update_person(person: Person, values: dict[str, Any], *, version: Any) -> None:
    check_version(person, version)
    _apply(person, values)
    audit.record(Action.UPDATE, person)


def share_with_desk(person: Person, desk_id: int) -> None:
    """Let another desk see the person's file (it opened a case for them)."""
    if desk_id not in person.desk_ids:
        person.shared_desks.append(SharedDesk(desk_id=desk_id))


def record_view(person: Person) -> None:
    """Opening a person's full file is recorded."""
    audit.record(Action.VIEW, person, {})


def registration_desks(user: Any) -> list[Any]:
    """Open desks a user may register people at, by name."""
    from sportello.auth.models import Desk

    return list(db.session.scalars(Desk.visible_to(user).where(Desk.active.is_(True)).order_by(Desk.name)))


def registration_desk_id(desks: list[Any], chosen: str | None) -> int:
    """The desk a new person is registered at: the one chosen, if allowed, else the first."""
    ids = {desk.id for desk in desks}
    if chosen and chosen.isdigit() and int(chosen) in ids:
        return int(chosen)
    return min(ids)


# ---- search -----------------------------------------------------------------------------------


def renewal_window(reference: date | None = None) -> sa.ColumnElement[bool]:
    """Permits expiring within 90 days, or expired less than 60 days ago, renewal not requested."""
    day = reference or today()
    expires = Person.permit_expires_on
    not_requested = sa.or_(Person.permit_status.is_(None), Person.permit_status != PermitStatus.RENEWAL_REQUESTED)
    return sa.and_(
        expires.is_not(None),
        expires <= day + timedelta(days=RENEWAL_AHEAD_DAYS),
        expires > day - timedelta(days=RENEWAL_LATE_DAYS),
        not_requested,
    )


@dataclass
class SearchResult:
    page: Any
    scores: dict[int, float]


def search_people(
    user: Any,
    *,
    q: str = "",
    fiscal_code: str = "",
    phone: str = "",
    document: str = "",
    desk_id: int | None = None,
    nationality: str = "",
    renewal: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> SearchResult:
    query = Person.visible_to(user)
    if fiscal_code:
        query = query.where(Person.fiscal_code == fiscal_code)
    if phone:
        try:
            query = query.where(Person.phone == normalise_phone(phone))
        except phonenumbers.NumberParseException:
            query = query.where(sa.false())
    if document:
        query = query.where(sa.or_(Person.passport_number == document, Person.permit_number == document))
    if desk_id:
        query = query.where(Person.desk_id == desk_id)
    if nationality:
        query = query.where(Person.citizenships.any(Citizenship.country == nationality))
    if renewal:
        query = query.where(renewal_window())

    if not q or not matching.tokens(q):
        ordered = query.order_by(Person.family_name, Person.given_names, Person.id).options(
            selectinload(Person.citizenships)
        )
        return SearchResult(db.paginate(ordered, page=page, per_page=per_page, error_out=False), {})

    ids = matching.candidate_ids([q], query, all_tokens=True, prefix=True)
    # Score on the names alone, then load whole records for the page shown.
    rows = list(db.session.execute(sa.select(*matching.NAME_COLUMNS).where(Person.id.in_(ids)))) if ids else []
    scores = {row.id: matching.name_similarity(q, row)[0] for row in rows}
    rows.sort(key=lambda row: (-scores[row.id], row.family_name, row.given_names))
    result = ListPage([row.id for row in rows], page, per_page)
    page_query = sa.select(Person).where(Person.id.in_(result.items)).options(selectinload(Person.citizenships))
    loaded = {p.id: p for p in db.session.scalars(page_query)}
    result.items = [loaded[i] for i in result.items]
    return SearchResult(result, scores)


# ---- the home page ----------------------------------------------------------------------------


def renewals_home_section(user: Any, limit: int = 10) -> list[HomeItem]:
    """People of the user's desks whose permit is in the renewal window, soonest first."""
    if user.role not in (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR):
        return []
    base = Person.visible_to(user).where(renewal_window())
    # One row more than shown tells whether there are others, without counting them all.
    people = list(db.session.scalars(base.order_by(Person.permit_expires_on, Person.id).limit(limit + 1)))
    more = len(people) > limit
    day = today()
    items = []
    for person in people[:limit]:
        expires = person.permit_expires_on
        if expires < day:
            detail, tone = _l("Expired on %(date)s", date=format_date(expires, "medium")), "danger"
        else:
            detail, tone = _l("Expires on %(date)s", date=format_date(expires, "medium")), "warning"
        items.append(HomeItem(str(person), url_for("people.show", person_id=person.id), str(detail), tone))
    if more:
        items.append(HomeItem(str(_l("All the people to renew")), url_for("people.index", renewal="y")))
    return items
