"""Rules of the mediators' roster and of funding projects: who the mediators are, the languages
and pairs they cover, their weekly availability and absences; the projects that fund their hours.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sportello.auth.models import User
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.i18n import gettext as _
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import SPOKEN_LANGUAGES, language_title
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation.models import (
    BOOKED,
    MANAGER_ROLES,
    Absence,
    AvailabilitySlot,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    Setting,
)
from sportello.people.models import LanguageLevel
from sportello.people.services import clean_phone

MAX_HOURLY_RATE = Decimal("500")
# The longest absence recorded at once, both ends included.
MAX_ABSENCE_DAYS = 366
# English day names for the audit trail (log text stays in English data).
_AUDIT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---- who may do what -------------------------------------------------------------------------


def can_manage_absences(mediator: Mediator, user: Any) -> bool:
    """Coordinators and admins keep everyone's absences; a mediator their own."""
    return mediator.can_edit(user) or mediator.is_account_of(user)


def can_see_rate(mediator: Mediator | None, user: Any) -> bool:
    """The hourly rate: for those who keep the roster, and for the mediator themself."""
    return user.role in MANAGER_ROLES or (mediator is not None and mediator.is_account_of(user))


# ---- how languages and slots read --------------------------------------------------------------


def pair_text(language: str, level: Any, with_language: str) -> str:
    """A language pair as people read it: "arabo (madrelingua) ↔ italiano"."""
    level_title = str(LanguageLevel(level).title)
    return _(
        # Translators: a mediator's language, their level in it, and the language they mediate it with.
        "%(language)s (%(level)s) ↔ %(other)s",
        language=language_title(language),
        level=level_title[:1].lower() + level_title[1:],
        other=language_title(with_language),
    )


def pair_label(row: MediatorLanguage) -> str:
    return pair_text(row.language, row.level, row.with_language)


def _language_audit(rows: Iterable[tuple[str, Any, str]]) -> list[str]:
    return sorted(f"{code} ({LanguageLevel(level).value}) ↔ {other}" for code, level, other in rows)


def _slot_audit(rows: Iterable[tuple[int, time, time]]) -> list[str]:
    return [f"{_AUDIT_DAYS[day]} {start:%H:%M}-{end:%H:%M}" for day, start, end in sorted(rows)]


# ---- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilters:
    language: str = ""
    field: str = ""
    organisation: str = ""
    status: str = "active"  # active, inactive or all


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def roster_query(filters: RosterFilters) -> sa.Select:
    """Mediators matching ``filters``, active first then by name, with their languages."""
    query = sa.select(Mediator).options(selectinload(Mediator.languages))
    if filters.language:
        speaks = sa.select(MediatorLanguage.mediator_id).where(
            sa.or_(MediatorLanguage.language == filters.language, MediatorLanguage.with_language == filters.language)
        )
        query = query.where(Mediator.id.in_(speaks))
    if filters.field:
        # ``fields`` is a JSON list of Setting values (plain words): look for the quoted value.
        query = query.where(sa.cast(Mediator.fields, sa.Text).like(f'%"{filters.field}"%'))
    if filters.organisation:
        query = query.where(Mediator.organisation.ilike(_like(filters.organisation.strip()), escape="\\"))
    if filters.status == "active":
        query = query.where(Mediator.active.is_(True))
    elif filters.status == "inactive":
        query = query.where(Mediator.active.is_(False))
    return query.order_by(Mediator.active.desc(), Mediator.name, Mediator.id)


# ---- one mediator ----------------------------------------------------------------------------


def account_choices(mediator: Mediator | None) -> list[User]:
    """Active accounts with the mediator role that no roster record uses yet, and the current one."""
    taken = sa.select(Mediator.user_id).where(Mediator.user_id.is_not(None))
    if mediator is not None and mediator.id is not None:
        taken = taken.where(Mediator.id != mediator.id)
    condition = sa.and_(User.role == Role.MEDIATOR, User.active.is_(True), User.id.not_in(taken))
    if mediator is not None and mediator.user_id is not None:
        condition = sa.or_(condition, User.id == mediator.user_id)
    return list(db.session.scalars(sa.select(User).where(condition).order_by(User.name)))


def _check_account(user_id: int | None, mediator: Mediator | None) -> None:
    if user_id is None or (mediator is not None and mediator.user_id == user_id):
        return
    if user_id not in {user.id for user in account_choices(mediator)}:
        raise FieldError("user_id", _l("Choose an active mediator account that no other mediator uses."))


def _clean_languages(rows: Iterable[tuple[str, str, str]]) -> list[tuple[str, LanguageLevel, str]]:
    """Language rows as (language, level, with_language): at least one, each pair once."""
    known = set(SPOKEN_LANGUAGES) | {"it"}
    cleaned: list[tuple[str, LanguageLevel, str]] = []
    seen = set()
    for code, level, other in rows:
        other = other or "it"
        if code not in known or other not in known:
            raise FieldError("languages", _l("Choose the languages from the list."))
        if level not in LanguageLevel._value2member_map_:
            raise FieldError("languages", _l("Choose the level of each language."))
        if code == other:
            raise FieldError(
                "languages", _l("A language is mediated with another one: choose two different languages.")
            )
        if (code, other) in seen:
            raise FieldError("languages", _l("Each pair of languages once, please."))
        seen.add((code, other))
        cleaned.append((code, LanguageLevel(level), other))
    if not cleaned:
        raise FieldError("languages", _l("Add at least one language the mediator works in."))
    return cleaned


def _clean_slots(rows: Iterable[tuple[int, time, time]]) -> list[tuple[int, time, time]]:
    """Weekly slots as (weekday, from, to): each ends after it starts, none overlap on a day."""
    cleaned = sorted((int(day), start, end) for day, start, end in rows)
    for day, start, end in cleaned:
        if not 0 <= day <= 6:
            raise FieldError("slots", _l("Choose the day of the week."))
        if end <= start:
            raise FieldError("slots", _l("Each time of availability must end after it starts."))
    for (day, _start, end), (next_day, next_start, _end) in pairwise(cleaned):
        if day == next_day and next_start < end:
            raise FieldError("slots", _l("Two times of availability overlap on the same day: join them into one."))
    return cleaned


def clean_mediator_values(values: dict[str, Any], mediator: Mediator | None) -> dict[str, Any]:
    """Check and normalise what the roster form sent. Raises FieldErrors."""
    values = dict(values)
    errors: list[FieldError] = []

    def check(rule, *args):
        try:
            return rule(*args)
        except FieldError as error:
            errors.append(error)
            return None

    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors.append(FieldError("name", _l("Enter the mediator's name.")))
    check(_check_account, values.get("user_id"), mediator)
    try:
        values["phone"] = clean_phone(values.get("phone"))
    except FieldError as error:
        errors.append(error)
    values["email"] = (values.get("email") or "").strip().lower()
    rate = values.get("hourly_rate")
    if rate is None:
        rate = Decimal("0")
    if not Decimal("0") <= rate <= MAX_HOURLY_RATE:
        errors.append(FieldError("hourly_rate", _l("The hourly rate goes from 0 to 500 euro.")))
    values["hourly_rate"] = rate.quantize(Decimal("0.01"))
    fields = list(dict.fromkeys(values.get("fields") or []))
    if any(value not in Setting._value2member_map_ for value in fields):
        errors.append(FieldError("fields", _l("Choose the fields from the list.")))
    values["fields"] = [s.value for s in Setting if s.value in fields]
    values["languages"] = check(_clean_languages, values.get("languages") or [])
    values["slots"] = check(_clean_slots, values.get("slots") or [])
    if errors:
        raise FieldErrors(errors)
    return values


SIMPLE_FIELDS = ("name", "user_id", "phone", "email", "organisation", "hourly_rate", "fields", "notes", "active")


def _apply(mediator: Mediator, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Write ``values`` on ``mediator``, keeping the language and slot rows that stay the same.
    Returns the audit labels of the languages and slots as they were."""
    old_languages = _language_audit((r.language, r.level, r.with_language) for r in mediator.languages)
    old_slots = _slot_audit((s.weekday, s.starts_at, s.ends_at) for s in mediator.slots)
    for name in SIMPLE_FIELDS:
        value = values.get(name)
        if name in {"organisation", "notes"}:
            value = (value or "").strip()
        setattr(mediator, name, value)
    # Rows are matched on what identifies them, so a pair kept is updated rather than replaced
    # (a pair is unique per mediator).
    by_pair = {(row.language, row.with_language): row for row in mediator.languages}
    kept = []
    for code, level, other in values["languages"]:
        row = by_pair.pop((code, other), None) or MediatorLanguage(language=code, with_language=other)
        row.level = level
        kept.append(row)
    mediator.languages = kept
    by_slot = {(s.weekday, s.starts_at, s.ends_at): s for s in mediator.slots}
    mediator.slots = [
        by_slot.pop(key, None) or AvailabilitySlot(weekday=key[0], starts_at=key[1], ends_at=key[2])
        for key in values["slots"]
    ]
    return old_languages, old_slots


def _collection_changes(mediator: Mediator, old_languages: list[str], old_slots: list[str]) -> dict[str, list]:
    changes = {}
    new_languages = _language_audit((r.language, r.level, r.with_language) for r in mediator.languages)
    new_slots = _slot_audit((s.weekday, s.starts_at, s.ends_at) for s in mediator.slots)
    if new_languages != old_languages:
        changes["languages"] = [old_languages or None, new_languages]
    if new_slots != old_slots:
        changes["slots"] = [old_slots or None, new_slots or None]
    return changes


def create_mediator(values: dict[str, Any]) -> Mediator:
    """A new mediator of the roster from cleaned values (``clean_mediator_values``)."""
    mediator = Mediator()
    db.session.add(mediator)
    with db.session.no_autoflush:
        _apply(mediator, values)
    db.session.flush()
    changes = {k: v for k, v in audit.snapshot(mediator).items() if k not in {"languages", "slots"}}
    changes |= _collection_changes(mediator, [], [])
    audit.record(Action.CREATE, mediator, changes)
    return mediator


def update_mediator(mediator: Mediator, values: dict[str, Any], *, version: Any) -> None:
    """Save the roster form over ``mediator``, refused if it changed since the form was loaded."""
    check_version(mediator, version)
    with db.session.no_autoflush:
        old_languages, old_slots = _apply(mediator, values)
        changes = {k: v for k, v in audit.pending_changes(mediator).items() if k not in {"languages", "slots"}}
        changes |= _collection_changes(mediator, old_languages, old_slots)
    if not changes:
        return
    # Languages and slots live in their own tables: touch the record so its version moves on.
    mediator.updated_at = utcnow()
    audit.record(Action.UPDATE, mediator, changes)


def month_counts(mediator: Mediator, day: date) -> dict[str, dict[str, int]]:
    """The mediator's requests and sessions of ``day``'s month, by status, in one query:
    ``{"requests": {status: count}, "sessions": {status: count}, "minutes": {status: minutes}}``."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    requests = (
        sa.select(
            sa.literal("requests").label("kind"),
            sa.type_coerce(MediationRequest.status, sa.String).label("status"),
            sa.func.count().label("number"),
            sa.literal(0).label("minutes"),
        )
        .where(
            MediationRequest.mediator_id == mediator.id,
            MediationRequest.on_date >= first,
            MediationRequest.on_date < following,
        )
        .group_by(MediationRequest.status)
    )
    sessions = (
        sa.select(
            sa.literal("sessions").label("kind"),
            sa.type_coerce(MediationSession.status, sa.String).label("status"),
            sa.func.count().label("number"),
            sa.func.coalesce(sa.func.sum(MediationSession.minutes), 0).label("minutes"),
        )
        .where(
            MediationSession.mediator_id == mediator.id,
            MediationSession.on_date >= first,
            MediationSession.on_date < following,
        )
        .group_by(MediationSession.status)
    )
    out: dict[str, dict[str, int]] = {"requests": {}, "sessions": {}, "minutes": {}}
    for kind, status, number, minutes in db.session.execute(sa.union_all(requests, sessions)):
        out[kind][status] = number
        if kind == "sessions":
            out["minutes"][status] = int(minutes or 0)
    return out


# ---- absences --------------------------------------------------------------------------------


def current_absences(mediator: Mediator, today: date, *, past: int = 5) -> tuple[list[Absence], list[Absence]]:
    """Absences not over yet (soonest first), and the latest ``past`` ones."""
    rows = db.session.scalars(
        sa.select(Absence)
        .where(Absence.mediator_id == mediator.id, Absence.ends_on >= today)
        .order_by(Absence.starts_on)
    )
    earlier = db.session.scalars(
        sa.select(Absence)
        .where(Absence.mediator_id == mediator.id, Absence.ends_on < today)
        .order_by(Absence.starts_on.desc())
        .limit(past)
    )
    return list(rows), list(earlier)


def add_absence(mediator: Mediator, values: dict[str, Any]) -> tuple[Absence, int]:
    """Record days the mediator is away. Returns the absence and how many requests assigned to
    or accepted by the mediator fall on those days (they need another mediator)."""
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    errors = []
    if starts_on is None:
        errors.append(FieldError("starts_on", _l("Enter the first day of the absence.")))
    if ends_on is None:
        errors.append(FieldError("ends_on", _l("Enter the last day of the absence.")))
    if errors:
        raise FieldErrors(errors)
    if ends_on < starts_on:
        raise FieldError("ends_on", _l("The last day cannot come before the first."))
    if (ends_on - starts_on).days + 1 > MAX_ABSENCE_DAYS:
        raise FieldError("ends_on", _l("An absence lasts at most 366 days: record a longer one in parts."))
    overlap = db.session.scalar(
        sa.select(Absence)
        .where(Absence.mediator_id == mediator.id, Absence.starts_on <= ends_on, Absence.ends_on >= starts_on)
        .limit(1)
    )
    if overlap is not None:
        raise FieldError(
            "starts_on",
            _l(
                "These days overlap an absence already recorded (%(start)s – %(end)s).",
                start=_format_day(overlap.starts_on),
                end=_format_day(overlap.ends_on),
            ),
        )
    absence = Absence(mediator=mediator, starts_on=starts_on, ends_on=ends_on, note=(values.get("note") or "").strip())
    db.session.add(absence)
    audit.record(Action.CREATE, absence, label=f"{mediator.name}: {absence}")
    return absence, booked_between(mediator, starts_on, ends_on)


def _format_day(day: date) -> str:
    from flask_babel import format_date

    return format_date(day)


def booked_between(mediator: Mediator, starts_on: date, ends_on: date) -> int:
    """Requests assigned to or accepted by the mediator between two days, both included."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            MediationRequest.mediator_id == mediator.id,
            MediationRequest.status.in_(BOOKED),
            MediationRequest.on_date >= starts_on,
            MediationRequest.on_date <= ends_on,
        )
    )


def delete_absence(absence: Absence) -> None:
    audit.record(Action.DELETE, absence, label=f"{absence.mediator.name}: {absence}")
    db.session.delete(absence)


# ---- funding projects ------------------------------------------------------------------------


PROJECT_FIELDS = ("code", "name", "funder", "starts_on", "ends_on", "active")
_CODE_TAKEN = _l("Another project already has this code.")


def projects() -> list[FundingProject]:
    """Every funding project, the active ones first, the latest first."""
    return list(
        db.session.scalars(
            sa.select(FundingProject).order_by(
                FundingProject.active.desc(),
                FundingProject.starts_on.desc().nulls_last(),
                FundingProject.code,
            )
        )
    )


def _clean_project(values: dict[str, Any], project: FundingProject | None) -> dict[str, Any]:
    values = dict(values)
    values["code"] = " ".join((values.get("code") or "").split()).upper()
    for name in ("name", "funder"):
        values[name] = (values.get(name) or "").strip()
    errors = []
    if not values["code"]:
        errors.append(FieldError("code", _l("Enter the project code.")))
    elif _code_taken(values["code"], project):
        errors.append(FieldError("code", _CODE_TAKEN))
    if not values["name"]:
        errors.append(FieldError("name", _l("Enter the project's name.")))
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors.append(FieldError("ends_on", _l("The project cannot end before it starts.")))
    values["active"] = bool(values.get("active"))
    if errors:
        raise FieldErrors(errors)
    return values


def _code_taken(code: str, project: FundingProject | None) -> bool:
    query = sa.select(FundingProject.id).where(sa.func.upper(FundingProject.code) == code)
    if project is not None:
        query = query.where(FundingProject.id != project.id)
    return db.session.scalar(query.limit(1)) is not None


def _flush_project() -> None:
    """Flush, turning a code another user took meanwhile into a message at the field."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise FieldError("code", _CODE_TAKEN) from None


def create_project(values: dict[str, Any]) -> FundingProject:
    values = _clean_project(values, None)
    project = FundingProject(**{name: values.get(name) for name in PROJECT_FIELDS})
    db.session.add(project)
    _flush_project()
    audit.record(Action.CREATE, project)
    return project


def update_project(project: FundingProject, values: dict[str, Any], *, version: Any) -> None:
    check_version(project, version)
    values = _clean_project(values, project)
    with db.session.no_autoflush:
        for name in PROJECT_FIELDS:
            setattr(project, name, values.get(name))
        changes = audit.pending_changes(project)
    if not changes:
        return
    _flush_project()
    audit.record(Action.UPDATE, project, changes)


# ---- translators -----------------------------------------------------------------------------


def mediator_languages(user: Any) -> list[str]:
    """The languages of the active roster record of the mediator signed in as ``user``, for the
    content-translation screens (``core.languages.add_spoken_languages_source``)."""
    if user.role is not Role.MEDIATOR:
        return []
    rows = db.session.execute(
        sa.select(MediatorLanguage.language, MediatorLanguage.with_language)
        .join(Mediator, Mediator.id == MediatorLanguage.mediator_id)
        .where(Mediator.user_id == user.id, Mediator.active.is_(True))
        .order_by(MediatorLanguage.id)
    )
    return list(dict.fromkeys(code for row in rows for code in row))
