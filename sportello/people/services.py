"""Rules of the person registry: identifiers, duplicates, intake and edits, search, renewals,
household, vulnerabilities, consent records and attachments (merging is in ``merging``).

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any

import phonenumbers
import sqlalchemy as sa
from codicefiscale import codicefiscale
from flask import url_for
from flask_babel import format_date
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, lazyload, load_only, selectinload

from sportello.auth.models import Desk
from sportello.core import audit, files
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.forms import today
from sportello.core.home import HomeItem
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import utcnow
from sportello.core.pagination import ListPage
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import matching
from sportello.people.models import (
    CONSENT_PURPOSES,
    AttachmentKind,
    Citizenship,
    ConsentRecord,
    DatePrecision,
    HouseholdLink,
    LanguageLevel,
    PermitStatus,
    PermitType,
    Person,
    PersonAttachment,
    PersonVulnerability,
    Relation,
    Sex,
    SharedDesk,
    VulnerabilityType,
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


BAD_PHONE = _l("This phone number is not valid. For a foreign number, start with + and the country code.")


def normalise_phone(raw: str) -> str:
    """E.164 ("+393331234567"); numbers without a country code are read as Italian."""
    number = phonenumbers.parse(raw, "IT")
    if not phonenumbers.is_valid_number(number):
        raise phonenumbers.NumberParseException(phonenumbers.NumberParseException.NOT_A_NUMBER, "invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phone(raw: str | None, field: str = "phone") -> str:
    """An optional phone number as typed on a form: "" when left blank, else in E.164. A number
    that is not one raises FieldError at ``field``, with the message every form shows."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return normalise_phone(raw)
    except phonenumbers.NumberParseException:
        raise FieldError(field, BAD_PHONE) from None


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

    try:
        values["phone"] = clean_phone(values.get("phone"))
    except FieldError as error:
        errors.append(error)
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


# What a row of the people list shows (templates/people/index.html), and no more: a record has
# some forty columns, and the list loads 25 records.
LIST_OPTIONS = (
    load_only(
        Person.given_names,
        Person.family_name,
        Person.given_names_original,
        Person.family_name_original,
        Person.birth_date,
        Person.birth_date_precision,
        Person.permit_expires_on,
        Person.desk_id,
    ),
    joinedload(Person.desk).load_only(Desk.name),
    selectinload(Person.citizenships),
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
        ordered = query.order_by(Person.family_name, Person.given_names, Person.id).options(*LIST_OPTIONS)
        return SearchResult(db.paginate(ordered, page=page, per_page=per_page, error_out=False), {})

    ids = matching.candidate_ids([q], query, all_tokens=True, prefix=True)
    # Score on the names alone, then load whole records for the page shown.
    rows = list(db.session.execute(sa.select(*matching.NAME_COLUMNS).where(Person.id.in_(ids)))) if ids else []
    scores = {row.id: matching.name_similarity(q, row)[0] for row in rows}
    rows.sort(key=lambda row: (-scores[row.id], row.family_name, row.given_names))
    result = ListPage([row.id for row in rows], page, per_page)
    page_query = sa.select(Person).where(Person.id.in_(result.items)).options(*LIST_OPTIONS)
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


# ---- household --------------------------------------------------------------------------------


@dataclass
class HouseholdMember:
    link_id: int
    person: Person
    relation: Relation  # what the member is to the person whose page it is
    visible: bool  # whether the reader may open the member's record


@cache
def _member() -> Any:
    """The other person of a household link. Made once, on first use (an alias configures the
    mappers, which must wait for every part's models): a new alias per call costs its column
    collection every time."""
    return aliased(Person, name="member")


def household_of(person: Person, user: Any) -> list[HouseholdMember]:
    """The person's household members, in one query, with whether ``user`` may open each record."""
    member = _member()
    visible_ids = Person.visible_to(user).with_only_columns(Person.id).order_by(None)
    query = (
        sa.select(HouseholdLink, member, member.id.in_(visible_ids).label("visible"))
        .join(
            member,
            member.id
            == sa.case(
                (HouseholdLink.first_person_id == person.id, HouseholdLink.second_person_id),
                else_=HouseholdLink.first_person_id,
            ),
        )
        .where(
            sa.or_(HouseholdLink.first_person_id == person.id, HouseholdLink.second_person_id == person.id),
            member.merged_into_id.is_(None),
        )
        # Only the members' names and birth dates are shown: none of their lists.
        .options(
            lazyload(member.citizenships),
            lazyload(member.languages),
            lazyload(member.shared_desks),
        )
    )
    members = []
    for link, other, visible in db.session.execute(query):
        members.append(HouseholdMember(link.id, other, link.seen_from(person.id)[1], bool(visible)))
    return sorted(members, key=lambda m: (list(Relation).index(m.relation), m.person.birth_date or date.min))


def household_candidates(person: Person, user: Any, q: str, limit: int = 20) -> list[tuple[Person, bool]]:
    """People the user can see matching ``q`` who could join the household, and whether each
    already belongs to it."""
    found = search_people(user, q=q, per_page=limit).page.items
    linked = {m.person.id for m in household_of(person, user)}
    return [(p, p.id in linked) for p in found if p.id != person.id]


def add_household_member(person: Person, member_id: Any, relation: Relation, user: Any) -> HouseholdLink:
    """Link ``member_id`` to ``person``'s household as their ``relation`` (what the member is to them)."""
    member = db.session.get(Person, member_id) if isinstance(member_id, int) else None
    if member is None or member.merged_into_id is not None or not member.can_view(user):
        raise FieldError("member", _l("Choose the person to add from the search results."))
    if member.id == person.id:
        raise FieldError("member", _l("A person cannot be a member of their own household."))
    first, second = sorted((person.id, member.id))
    already = sa.select(HouseholdLink.id).where(
        HouseholdLink.first_person_id == first, HouseholdLink.second_person_id == second
    )
    if db.session.scalar(already) is not None:
        raise FieldError("member", _l("%(name)s is already in this household.", name=member.full_name))
    link = HouseholdLink(
        first_person_id=first,
        second_person_id=second,
        relation=relation if first == person.id else relation.inverse,
    )
    try:
        with db.session.begin_nested():  # two saves of the same link at once
            db.session.add(link)
    except IntegrityError:
        raise FieldError("member", _l("%(name)s is already in this household.", name=member.full_name)) from None
    audit.record(Action.CREATE, link)
    return link


def remove_household_link(link: HouseholdLink) -> None:
    audit.record(Action.DELETE, link)
    db.session.delete(link)


# ---- vulnerabilities --------------------------------------------------------------------------


def vulnerability_types(*, active_only: bool = True) -> list[VulnerabilityType]:
    """The vocabulary, built-in types first in their fixed order, then the installation's own by name."""
    query = sa.select(VulnerabilityType)
    if active_only:
        query = query.where(VulnerabilityType.active.is_(True))
    return sorted(db.session.scalars(query), key=lambda t: t.sort_key)


def _vulnerability_changes(vulnerability: PersonVulnerability, *, deleted: bool = False) -> dict[str, list[Any]]:
    """The audited fields, with the type by name (built-in types by their English title)."""
    values = {
        "person_id": vulnerability.person_id,
        "type": vulnerability.type.name,
        "from_date": vulnerability.from_date.isoformat(),
        "until_date": vulnerability.until_date.isoformat() if vulnerability.until_date else None,
        "note": vulnerability.note or None,
    }
    return {key: ([value, None] if deleted else [None, value]) for key, value in values.items() if value is not None}


def add_vulnerability(person: Person, values: dict[str, Any]) -> PersonVulnerability:
    vtype = db.session.get(VulnerabilityType, int(values["type_id"])) if str(values["type_id"]).isdigit() else None
    if vtype is None or not vtype.active:
        raise FieldError("type_id", _l("Choose a vulnerability from the list."))
    start, end = values["from_date"], values.get("until_date")
    if end and end < start:
        raise FieldError("until_date", _l("The end date cannot be before the start date."))
    overlapping = sa.select(PersonVulnerability.id).where(
        PersonVulnerability.person_id == person.id,
        PersonVulnerability.type_id == vtype.id,
        sa.or_(PersonVulnerability.until_date.is_(None), PersonVulnerability.until_date >= start),
    )
    if end:
        overlapping = overlapping.where(PersonVulnerability.from_date <= end)
    if db.session.scalar(overlapping.limit(1)) is not None:
        raise FieldError("type_id", _l("This vulnerability is already recorded for the same period."))
    vulnerability = PersonVulnerability(
        person=person, type=vtype, from_date=start, until_date=end, note=values.get("note") or ""
    )
    db.session.add(vulnerability)
    db.session.flush()
    audit.record(Action.CREATE, vulnerability, _vulnerability_changes(vulnerability))
    return vulnerability


def end_vulnerability(vulnerability: PersonVulnerability, until: date, *, version: Any) -> None:
    check_version(vulnerability, version)
    if until < vulnerability.from_date:
        raise FieldError("until_date", _l("The end date cannot be before the start date."))
    vulnerability.until_date = until
    audit.record(Action.UPDATE, vulnerability)


def remove_vulnerability(vulnerability: PersonVulnerability) -> None:
    audit.record(Action.DELETE, vulnerability, _vulnerability_changes(vulnerability, deleted=True))
    db.session.delete(vulnerability)


def _clean_type_name(name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    others = [t for t in vulnerability_types(active_only=False) if t.id != exclude_id]
    taken = {str(t.title).casefold() for t in others} | {t.name.casefold() for t in others}
    if name.casefold() in taken:
        raise FieldError("name", _l("There is already a vulnerability with this name."))
    return name


def create_vulnerability_type(name: str) -> VulnerabilityType:
    vtype = VulnerabilityType(name=_clean_type_name(name), active=True)
    db.session.add(vtype)
    audit.record(Action.CREATE, vtype)
    return vtype


def update_vulnerability_type(vtype: VulnerabilityType, *, name: str, active: bool, version: Any) -> None:
    """Rename (the installation's own types only: built-in titles are translated) or (de)activate."""
    check_version(vtype, version)
    if not vtype.is_builtin:
        vtype.name = _clean_type_name(name, exclude_id=vtype.id)
    vtype.active = active
    audit.record(Action.UPDATE, vtype)


# ---- attachments ------------------------------------------------------------------------------


def add_attachment(
    person: Person, kind: AttachmentKind, title: str, stream: Any, filename: str | None, *, field: str = "file"
) -> PersonAttachment:
    """Store a scanned document of the person; a file that is not what it claims is refused at ``field``."""
    try:
        stored = files.save_upload(stream, filename)
    except files.FileRejected as rejected:
        raise FieldError(field, rejected.message) from None
    attachment = PersonAttachment(
        person=person,
        kind=kind,
        title=(title or "").strip() or stored.original_filename.rsplit(".", 1)[0] or stored.original_filename,
        original_filename=stored.original_filename,
        stored_name=stored.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    db.session.add(attachment)
    audit.record(Action.CREATE, attachment)
    return attachment


def record_download(attachment: PersonAttachment) -> None:
    """Every download of a document is recorded, with the checksum of what was handed out."""
    audit.record(Action.DOWNLOAD, attachment, {"sha256": [None, attachment.sha256]})


def delete_attachment(attachment: PersonAttachment, user: Any) -> None:
    """Soft delete: the row stays for the audit trail, the file itself is removed after the commit
    (a deleted scan of a passport should not linger on a disk)."""
    changes = {key: [value[1], None] for key, value in audit.snapshot(attachment).items()}
    attachment.deleted_at = utcnow()
    attachment.deleted_by_id = getattr(user, "id", None)
    files.discard(attachment.stored_name)
    audit.record(Action.DELETE, attachment, changes)


# ---- consent ----------------------------------------------------------------------------------


def add_consent(
    person: Person, values: dict[str, Any], *, upload: Any = None, filename: str | None = None
) -> ConsentRecord:
    """Record a signed privacy notice, with the scan of the signed form if one is given."""
    errors = []
    withdrawn = values.get("withdrawn_on")
    if withdrawn and withdrawn < values["signed_on"]:
        errors.append(FieldError("withdrawn_on", _l("The consent cannot be withdrawn before it was signed.")))
    attachment = None
    if upload is not None:
        title = _l("Signed consent form %(version)s", version=values["notice_version"])
        try:
            attachment = add_attachment(
                person, AttachmentKind.CONSENT_FORM, str(title), upload, filename, field="signed_form"
            )
        except FieldError as error:
            errors.append(error)
    if errors:
        raise FieldErrors(errors)
    consent = ConsentRecord(
        person=person,
        notice_version=values["notice_version"],
        notice_language=values["notice_language"],
        signed_on=values["signed_on"],
        withdrawn_on=withdrawn,
        attachment=attachment,
        **{purpose: bool(values.get(purpose)) for purpose in CONSENT_PURPOSES},
    )
    db.session.add(consent)
    audit.record(Action.CREATE, consent)
    return consent


def withdraw_consent(consent: ConsentRecord, day: date, *, version: Any) -> None:
    check_version(consent, version)
    if day < consent.signed_on:
        raise FieldError("withdrawn_on", _l("The consent cannot be withdrawn before it was signed."))
    consent.withdrawn_on = day
    audit.record(Action.UPDATE, consent)


# ---- the person's page ------------------------------------------------------------------------


@dataclass
class PersonFile:
    household: list[HouseholdMember]
    vulnerabilities: list[PersonVulnerability]
    consents: list[ConsentRecord]
    attachments: list[PersonAttachment]


def person_file(person: Person, user: Any) -> PersonFile:
    """What the person page shows besides the record itself: one query per section, whatever
    the number of rows."""
    day = today()
    vulnerabilities = list(
        db.session.scalars(
            sa.select(PersonVulnerability)
            .where(PersonVulnerability.person_id == person.id)
            .order_by(PersonVulnerability.from_date.desc(), PersonVulnerability.id.desc())
        )
    )
    vulnerabilities.sort(key=lambda v: not v.is_current(day))
    consents = db.session.scalars(
        sa.select(ConsentRecord)
        .where(ConsentRecord.person_id == person.id)
        .order_by(ConsentRecord.signed_on.desc(), ConsentRecord.id.desc())
    )
    attachments = db.session.scalars(
        sa.select(PersonAttachment)
        .where(PersonAttachment.person_id == person.id, PersonAttachment.deleted_at.is_(None))
        .order_by(PersonAttachment.created_at.desc(), PersonAttachment.id.desc())
    )
    return PersonFile(household_of(person, user), vulnerabilities, list(consents), list(attachments))
