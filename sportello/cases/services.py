"""Rules of cases: opening and numbering, status, tracks, plan, timeline, referrals, appointments,
search, and the operator's day.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import phonenumbers
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import format_date
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, defaultload, joinedload, lazyload, load_only

from sportello.auth.models import Desk, User, user_desks
from sportello.cases.models import (
    OPEN_GOALS,
    Appointment,
    AppointmentStatus,
    Case,
    CaseCounter,
    CaseStatus,
    Channel,
    CloseReason,
    Goal,
    GoalStatus,
    Intervention,
    InterventionKind,
    Referral,
    ReferralOutcome,
    ReferralService,
    StageChange,
    Track,
    TrackKind,
    TrackStage,
)
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import today
from sportello.core.home import HomeItem
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.pagination import SlicePage
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people import matching
from sportello.people import services as people_services
from sportello.people.models import Citizenship, Person

ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)
CASE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)


# ---- numbering --------------------------------------------------------------------------------


def format_reference(desk_code: str, year: int, number: int) -> str:
    return f"{desk_code}-{year}-{number:06d}"


def next_number(desk_id: int, year: int) -> int:
    """The next case number of a desk in a year. The counter row stays locked until the
    transaction ends, so two cases opened at once never get the same number."""
    bump = (
        sa.update(CaseCounter)
        .where(CaseCounter.desk_id == desk_id, CaseCounter.year == year)
        .values(last_number=CaseCounter.last_number + 1)
        .returning(CaseCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar()
    if number is not None:
        return number
    try:
        with db.session.begin_nested():  # the first case of the year at this desk
            db.session.execute(sa.insert(CaseCounter).values(desk_id=desk_id, year=year, last_number=1))
        return 1
    except IntegrityError:  # someone else opened the desk's first case of the year meanwhile
        return db.session.execute(bump).scalar_one()


# ---- who can be in charge ---------------------------------------------------------------------


def desks_for_new_case(user: User) -> list[Desk]:
    return list(db.session.scalars(Desk.visible_to(user).where(Desk.active.is_(True)).order_by(Desk.name)))


def _staff_query(*columns: Any) -> sa.Select:
    """The staff of the desks given as the parameter "desk_ids"."""
    members = sa.select(user_desks.c.user_id).where(user_desks.c.desk_id.in_(sa.bindparam("desk_ids", expanding=True)))
    return sa.select(*columns).where(User.id.in_(members), User.is_staff()).order_by(User.name)


def staff_of(desk_ids: set[int] | list[int]) -> list[User]:
    """Active operators and coordinators of the given desks, by name."""
    return list(db.session.scalars(_staff_query(User), {"desk_ids": list(desk_ids)}))


def staff_names(desk_ids: set[int] | list[int]) -> list[Any]:
    """The same people as ``staff_of``, as rows of ``id`` and ``name`` only: for the choices of a
    select, without loading whole accounts."""
    return list(db.session.execute(_staff_names_query(), {"desk_ids": list(desk_ids)}))


@cache
def _staff_names_query() -> sa.Select:
    """Built once, on first use: every case page lists its desk's staff."""
    return _staff_query(User.id, User.name)


def _check_staff(user_id: int | None, desk_id: int, field: str) -> None:
    if user_id is not None and user_id not in {u.id for u in staff_names([desk_id])}:
        raise FieldError(field, _l("Choose someone who works at the case's desk."))


# ---- opening and editing a case ---------------------------------------------------------------


def active_case_at(person_id: int, desk_id: int, exclude_id: int | None = None) -> Case | None:
    query = sa.select(Case).where(
        Case.person_id == person_id, Case.desk_id == desk_id, Case.status.in_(ACTIVE_STATUSES)
    )
    if exclude_id:
        query = query.where(Case.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def open_case(person: Person, desk: Desk, values: dict[str, Any], user: User) -> Case:
    """Take a person in charge at a desk: a new case with its number and first tracks."""
    existing = active_case_at(person.id, desk.id)
    if existing is not None:
        raise RuleError(
            _l(
                "%(name)s already has case %(reference)s open at this desk.",
                name=person.full_name,
                reference=existing.reference,
            )
        )
    _check_staff(values.get("operator_id"), desk.id, "operator_id")
    opened_on = values.get("opened_on") or today()
    number = next_number(desk.id, opened_on.year)
    case = Case(
        desk_id=desk.id,
        person_id=person.id,
        year=opened_on.year,
        number=number,
        reference=format_reference(desk.code, opened_on.year, number),
        operator_id=values.get("operator_id"),
        status=CaseStatus.OPEN,
        opened_on=opened_on,
        summary=values.get("summary") or "",
    )
    for kind in values.get("tracks") or []:
        add_track(case, TrackKind(kind), user)
    db.session.add(case)
    people_services.share_with_desk(person, desk.id)
    audit.record(Action.CREATE, case)
    return case


def require_active(case: Case) -> None:
    """Nothing is added to a closed case until it is reopened."""
    if case.is_closed:
        raise RuleError(_l("This case is closed: reopen it to add to it."))


def add_track(case: Case, kind: TrackKind, user: User) -> Track:
    """A new track on the case, at its first stage, with the start of its history."""
    track = Track(kind=kind, stage=TrackStage.ASSESSMENT)
    track.changes.append(StageChange(stage=TrackStage.ASSESSMENT, changed_by_id=user.id))
    case.tracks.append(track)
    return track


def update_case(case: Case, values: dict[str, Any], user: User, *, version: Any) -> None:
    """The operator in charge, the summary, and tracks to add."""
    check_version(case, version)
    _check_staff(values.get("operator_id"), case.desk_id, "operator_id")
    with db.session.no_autoflush:
        case.operator_id = values.get("operator_id")
        case.summary = values.get("summary") or ""
        have = set(case.track_kinds)
        for kind in values.get("tracks") or []:
            if TrackKind(kind) not in have:
                add_track(case, TrackKind(kind), user)
    audit.record(Action.UPDATE, case)


# Which status change is allowed from where, and where it leads.
TRANSITIONS = {
    "hold": ((CaseStatus.OPEN,), CaseStatus.ON_HOLD),
    "resume": ((CaseStatus.ON_HOLD,), CaseStatus.OPEN),
    "close": ((CaseStatus.OPEN, CaseStatus.ON_HOLD), CaseStatus.CLOSED),
    "reopen": ((CaseStatus.CLOSED,), CaseStatus.OPEN),
}


def status_actions(case: Case) -> list[str]:
    """The status changes ``case`` allows now, in the order the page offers them."""
    return [action for action, (sources, _) in TRANSITIONS.items() if case.status in sources]


def change_status(case: Case, action: str, *, reason: str | None, note: str, on: date | None, version: Any) -> None:
    """Put on hold, resume, close (with a reason) or reopen a case."""
    check_version(case, version)
    if action not in TRANSITIONS or case.status not in TRANSITIONS[action][0]:
        raise RuleError(_l("This case cannot make that change in its current status."))
    errors = []
    if action == "close" and not reason:
        errors.append(FieldError("close_reason", _l("Choose why the case is closed.")))
    if action in ("hold", "reopen") and not note:
        errors.append(FieldError("note", _l("Write why, so colleagues know.")))
    day = on or today()
    if action == "close" and day < case.opened_on:
        errors.append(FieldError("on", _l("A case cannot close before it was opened.")))
    if errors:
        raise FieldErrors(errors)
    if action == "reopen":
        other = active_case_at(case.person_id, case.desk_id, exclude_id=case.id)
        if other is not None:
            raise RuleError(
                _l("Case %(reference)s is already open for this person at this desk.", reference=other.reference)
            )
    case.status = TRANSITIONS[action][1]
    case.status_note = note
    if action == "close":
        case.closed_on = day
        case.close_reason = CloseReason(reason)
    elif action == "reopen":
        case.closed_on = None
        case.close_reason = None
    audit.record(Action.UPDATE, case)


# ---- tracks and plan --------------------------------------------------------------------------


def change_stage(track: Track, stage: TrackStage, note: str, user: User) -> None:
    if stage is track.stage and not note:
        raise FieldError("stage", _l("The track is already at this stage."))
    old = track.stage
    track.stage = stage
    track.changes.append(StageChange(stage=stage, changed_by_id=user.id, note=note))
    audit.record(Action.UPDATE, track, {"stage": [old.value, stage.value], **({"note": [None, note]} if note else {})})


def _check_goal(values: dict[str, Any], case: Case) -> None:
    target = values.get("target_date")
    if target and target < case.opened_on:
        raise FieldError("target_date", _l("The target date is before the case was opened."))


def add_goal(case: Case, values: dict[str, Any]) -> Goal:
    _check_goal(values, case)
    goal = Goal(
        case=case,
        track=TrackKind(values["track"]) if values.get("track") else None,
        description=values["description"],
        target_date=values.get("target_date"),
        status=GoalStatus(values.get("status") or GoalStatus.PLANNED.value),
    )
    if goal.status not in OPEN_GOALS:
        goal.ended_on = today()
    db.session.add(goal)
    audit.record(Action.CREATE, goal)
    return goal


def update_goal(goal: Goal, values: dict[str, Any], *, version: Any) -> None:
    check_version(goal, version)
    _check_goal(values, goal.case)
    status = GoalStatus(values["status"])
    goal.track = TrackKind(values["track"]) if values.get("track") else None
    goal.description = values["description"]
    goal.target_date = values.get("target_date")
    if status is not goal.status:
        goal.ended_on = None if status in OPEN_GOALS else today()
    goal.status = status
    audit.record(Action.UPDATE, goal)


# ---- timeline ---------------------------------------------------------------------------------


def add_intervention(case: Case, values: dict[str, Any], user: User) -> Intervention:
    errors = []
    if values["occurred_on"] < case.opened_on - timedelta(days=30):
        errors.append(FieldError("occurred_on", _l("This date is long before the case was opened.")))
    follow_up = values.get("follow_up_on")
    if follow_up and follow_up < values["occurred_on"]:
        errors.append(FieldError("follow_up_on", _l("The follow-up date is before the intervention.")))
    if errors:
        raise FieldErrors(errors)
    intervention = Intervention(
        case=case,
        occurred_on=values["occurred_on"],
        kind=InterventionKind(values["kind"]),
        channel=Channel(values["channel"]),
        minutes=values.get("minutes") or 0,
        track=TrackKind(values["track"]) if values.get("track") else None,
        note=values.get("note") or "",
        author_id=user.id,
        follow_up_on=follow_up,
    )
    db.session.add(intervention)
    audit.record(Action.CREATE, intervention)
    return intervention


def complete_follow_up(intervention: Intervention) -> None:
    if intervention.follow_up_on is None or intervention.follow_up_done_on is not None:
        raise RuleError(_l("This follow-up is already done."))
    intervention.follow_up_done_on = today()
    audit.record(Action.UPDATE, intervention)


def timeline(case: Case) -> list[Intervention]:
    return list(db.session.scalars(_timeline_query(), {"case_id": case.id}))


@cache
def _timeline_query() -> sa.Select:
    return (
        sa.select(Intervention)
        .where(Intervention.case_id == sa.bindparam("case_id"))
        .options(defaultload(Intervention.author).load_only(User.name))
        .order_by(Intervention.occurred_on.desc(), Intervention.id.desc())
    )


# ---- referrals --------------------------------------------------------------------------------


def referral_services(include: int | None = None) -> list[Any]:
    """Active services, and the one already chosen even if since deactivated, as rows of ``id``
    and ``name``: for the choices of a select."""
    return list(db.session.execute(_referral_services_query(), {"include": include or None}))


@cache
def _referral_services_query() -> sa.Select:
    """Built once, on first use: every case page lists the services. An "include" of None
    matches no service."""
    return (
        sa.select(ReferralService.id, ReferralService.name)
        .where(sa.or_(ReferralService.active.is_(True), ReferralService.id == sa.bindparam("include")))
        .order_by(ReferralService.name)
    )


def add_referral(case: Case, values: dict[str, Any]) -> Referral:
    service = db.session.get(ReferralService, values.get("service_id") or 0)
    if service is None or not service.active:
        raise FieldError("service_id", _l("Choose a service from the list."))
    follow_up = values.get("follow_up_on")
    if follow_up and follow_up < values["referred_on"]:
        raise FieldError("follow_up_on", _l("The follow-up date is before the referral."))
    referral = Referral(
        case=case,
        service=service,
        track=TrackKind(values["track"]) if values.get("track") else None,
        referred_on=values["referred_on"],
        reason=values.get("reason") or "",
        follow_up_on=follow_up,
    )
    db.session.add(referral)
    audit.record(Action.CREATE, referral)
    return referral


def record_outcome(referral: Referral, values: dict[str, Any], *, version: Any) -> None:
    check_version(referral, version)
    outcome = ReferralOutcome(values["outcome"])
    outcome_on = values.get("outcome_on")
    if outcome is not ReferralOutcome.PENDING and outcome_on is None:
        outcome_on = today()
    if outcome_on and outcome_on < referral.referred_on:
        raise FieldError("outcome_on", _l("The outcome cannot come before the referral."))
    referral.outcome = outcome
    referral.outcome_on = outcome_on if outcome is not ReferralOutcome.PENDING else None
    referral.outcome_note = values.get("outcome_note") or ""
    referral.follow_up_on = values.get("follow_up_on") if outcome is ReferralOutcome.PENDING else None
    audit.record(Action.UPDATE, referral)


# ---- appointments -----------------------------------------------------------------------------


def _check_appointment(case: Case, values: dict[str, Any]) -> None:
    _check_staff(values.get("staff_id"), case.desk_id, "staff_id")
    if values["on_date"] < case.opened_on:
        raise FieldError("on_date", _l("The appointment is before the case was opened."))


def add_appointment(case: Case, values: dict[str, Any]) -> Appointment:
    _check_appointment(case, values)
    appointment = Appointment(case=case, **_appointment_values(values))
    db.session.add(appointment)
    audit.record(Action.CREATE, appointment)
    return appointment


def _appointment_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "on_date": values["on_date"],
        "starts_at": values["starts_at"],
        "minutes": values.get("minutes") or 30,
        "place": values.get("place") or "",
        "staff_id": values.get("staff_id"),
        "with_whom": values.get("with_whom") or "",
        "purpose": values.get("purpose") or "",
        "status": AppointmentStatus(values.get("status") or AppointmentStatus.PLANNED.value),
    }


def update_appointment(appointment: Appointment, values: dict[str, Any], *, version: Any) -> None:
    check_version(appointment, version)
    _check_appointment(appointment.case, values)
    new = _appointment_values(values)
    if new["status"] in (AppointmentStatus.DONE, AppointmentStatus.MISSED) and new["on_date"] > today():
        raise FieldError("status", _l("An appointment in the future cannot have taken place yet."))
    for key, value in new.items():
        setattr(appointment, key, value)
    audit.record(Action.UPDATE, appointment)


def appointments_on(user: User, day: date, desk_id: int | None = None) -> list[Appointment]:
    """The agenda of a day at the user's desks, by time."""
    query = (
        sa.select(Appointment)
        .join(Appointment.case)
        .where(Appointment.on_date == day, Case.id.in_(Case.visible_to(user).with_only_columns(Case.id)))
        .options(_with_case(Appointment))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if desk_id:
        query = query.where(Case.desk_id == desk_id)
    return list(db.session.scalars(query))


def _with_case(model: type) -> Any:
    """Lists of rows that show their case: the case from the query's join, without its tracks."""
    return contains_eager(model.case).lazyload(Case.tracks)


# ---- the case page ----------------------------------------------------------------------------


# The case page shows the person's names, the desk's name and the names of the staff who did
# things: the other columns of those rows are not read (nor converted). A case has a few tracks
# with a short history each: they come in the same query.
CASE_PAGE_OPTIONS = (
    defaultload(Case.person).options(
        load_only(Person.given_names, Person.family_name, Person.given_names_original, Person.family_name_original),
        lazyload(Person.desk),
    ),
    defaultload(Case.desk).load_only(Desk.name),
    defaultload(Case.operator).load_only(User.name),
    joinedload(Case.tracks).joinedload(Track.changes).defaultload(StageChange.changed_by).load_only(User.name),
)


@dataclass
class CaseFile:
    """Everything the case page shows, each kind of row fetched in one query."""

    case: Case
    goals: list[Goal]
    # (template, row): an intervention (template "") or another part's row and its template.
    timeline: list[tuple[str, Any]]
    referrals: list[Referral]
    appointments: list[Appointment]
    other_cases: list[Case]
    minutes: int


def case_file(case: Case, user: User) -> CaseFile:
    this_case = {"case_id": case.id}
    goals = list(db.session.scalars(_goals_query(), this_case))
    referrals = list(db.session.scalars(_referrals_query(), this_case))
    appointments = list(db.session.scalars(_appointments_query(), this_case))
    entries = timeline(case)
    minutes = sum(e.minutes for e in entries)
    merged = [("", entry.occurred_on, entry) for entry in entries]
    for template, source in current_app.extensions.get("sportello_timeline_sources", []):
        merged.extend((template, row.on_date, row) for row in source(case, user))
    # Newest first; on the same day the desk's own entries before other parts' rows.
    merged.sort(key=lambda row: (row[1], row[0] == ""), reverse=True)
    # A person has few cases: fetch them by person, then keep those the user may see.
    others = db.session.scalars(_other_cases_query(), {"person_id": case.person_id, **this_case})
    other_cases = sorted((c for c in others if c.can_view(user)), key=lambda c: (c.opened_on, c.id), reverse=True)
    timeline_rows = [(template, row) for template, _, row in merged]
    return CaseFile(case, goals, timeline_rows, referrals, appointments, other_cases, minutes)


# The statements of the case page are built once, on first use (building one costs about as much
# as running it), and take the case as the parameter "case_id".


@cache
def _goals_query() -> sa.Select:
    return (
        sa.select(Goal)
        .where(Goal.case_id == sa.bindparam("case_id"))
        .order_by(Goal.status.in_(OPEN_GOALS).desc(), Goal.target_date.is_(None), Goal.target_date, Goal.id)
    )


@cache
def _referrals_query() -> sa.Select:
    return (
        sa.select(Referral)
        .where(Referral.case_id == sa.bindparam("case_id"))
        .options(defaultload(Referral.service).load_only(ReferralService.name))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    )


@cache
def _appointments_query() -> sa.Select:
    return (
        sa.select(Appointment)
        .where(Appointment.case_id == sa.bindparam("case_id"))
        .options(defaultload(Appointment.staff).load_only(User.name))
        .order_by(Appointment.on_date.desc(), Appointment.starts_at.desc())
    )


@cache
def _other_cases_query() -> sa.Select:
    """The person's other cases, with the number, status and desk the page shows."""
    return (
        sa.select(Case)
        .where(Case.person_id == sa.bindparam("person_id"), Case.id != sa.bindparam("case_id"))
        .options(
            load_only(Case.reference, Case.status, Case.opened_on, Case.desk_id),
            defaultload(Case.desk).load_only(Desk.name),
            lazyload(Case.person),
            lazyload(Case.operator),
            lazyload(Case.tracks),
        )
    )


def record_view(case: Case) -> None:
    """Opening a case file is recorded."""
    audit.record(Action.VIEW, case, {})


def person_cases_panel(person: Person, user: User) -> dict[str, Any]:
    """The cases panel on a person's page."""
    if user.role not in CASE_ROLES:
        return {"cases": [], "can_open": False}
    # A person has few cases: fetch them by person, then keep those the user may see.
    found = db.session.scalars(sa.select(Case).where(Case.person_id == person.id))
    cases = sorted((c for c in found if c.can_view(user)), key=lambda c: (c.opened_on, c.id), reverse=True)
    return {"cases": cases, "can_open": bool(desks_for_new_case(user)), "person": person}


# ---- search -----------------------------------------------------------------------------------


@dataclass
class CaseFilters:
    q: str = ""
    reference: str = ""
    fiscal_code: str = ""
    phone: str = ""
    document: str = ""
    desk_id: int | None = None
    status: str = ""
    track: str = ""
    nationality: str = ""
    operator_id: int | None = None
    renewal: bool = False


# The list shows names only of the case's person, desk and operator: their other columns are
# not read (nor converted) for every row.
CASE_LIST_OPTIONS = (
    joinedload(Case.person, innerjoin=True).options(
        load_only(Person.given_names, Person.family_name), lazyload(Person.desk)
    ),
    joinedload(Case.desk, innerjoin=True).load_only(Desk.name),
    joinedload(Case.operator).load_only(User.name),
)


def search_cases(user: User, filters: CaseFilters, *, page: int = 1, per_page: int = 25) -> SlicePage:
    """Cases the user can see that match the filters, newest first, one page at a time."""
    query = Case.visible_to(user)
    f = filters
    if f.reference:
        query = query.where(Case.reference == f.reference)
    if f.desk_id:
        query = query.where(Case.desk_id == f.desk_id)
    if f.status == "active":
        query = query.where(Case.status.in_(ACTIVE_STATUSES))
    elif f.status:
        query = query.where(Case.status == CaseStatus(f.status))
    if f.track:
        query = query.where(Case.tracks.any(Track.kind == TrackKind(f.track)))
    if f.operator_id:
        query = query.where(Case.operator_id == f.operator_id)

    people = sa.select(Person.id)
    narrowed = False
    if f.fiscal_code:
        people, narrowed = people.where(Person.fiscal_code == f.fiscal_code), True
    if f.phone:
        try:
            people = people.where(Person.phone == people_services.normalise_phone(f.phone))
        except phonenumbers.NumberParseException:
            people = people.where(sa.false())
        narrowed = True
    if f.document:
        people = people.where(sa.or_(Person.passport_number == f.document, Person.permit_number == f.document))
        narrowed = True
    if f.nationality:
        people, narrowed = people.where(Person.citizenships.any(Citizenship.country == f.nationality)), True
    if f.renewal:
        people, narrowed = people.where(people_services.renewal_window()), True
    if f.q and matching.tokens(f.q):
        ids = matching.candidate_ids([f.q], Person.visible_to(user), all_tokens=True, prefix=True)
        people, narrowed = people.where(Person.id.in_(ids)), True
    if narrowed:
        query = query.where(Case.person_id.in_(people))

    ordered = query.order_by(Case.opened_on.desc(), Case.id.desc()).options(*CASE_LIST_OPTIONS)
    return SlicePage(db.session, ordered, page, per_page)


# ---- the operator's day -----------------------------------------------------------------------


# Its statements are built once per kind of user and take the user as parameters (``home_params``):
# building one cost about as much as running it.


def home_params(user: User) -> dict[str, Any]:
    """The parameters of the home page's statements: the user, their desks and the day."""
    return {"user_id": user.id, "desk_ids": sorted(user.desk_ids), "day": today()}


def my_active_cases(role: Role) -> sa.ColumnElement[bool]:
    """The active cases a user of that role follows, as a condition on the query's own ``Case``
    (joined once, not looked up in a subquery, so the query is cheap to plan and to run), with
    the user as ``home_params``. Coordinators follow every case of their desks; operators and
    admins the cases they are in charge of."""
    if role is Role.COORDINATOR:
        mine = Case.desk_id.in_(sa.bindparam("desk_ids", expanding=True))
    else:
        mine = Case.operator_id == sa.bindparam("user_id")
    return sa.and_(mine, Case.status.in_(ACTIVE_STATUSES))


# The home page reads plain columns: few joins keep the queries cheap to plan and to run.
_CASE_COLUMNS = (Case.id.label("case_id"), Case.reference, Person.given_names, Person.family_name)


def _case_title(row: Any) -> str:
    return f"{row.given_names} {row.family_name} · {row.reference}"


def appointments_home_section(user: User, limit: int = 12) -> list[HomeItem]:
    if user.role not in CASE_ROLES:
        return []
    items = []
    for row in db.session.execute(_appointments_home_query(user.role, limit), home_params(user)):
        detail = " · ".join(part for part in (row.starts_at.strftime("%H:%M"), row.place, row.purpose) if part)
        if row.status is not AppointmentStatus.PLANNED:
            detail = f"{detail} · {row.status.title}"
        items.append(
            HomeItem(_case_title(row), url_for("cases.show", case_id=row.case_id, _anchor="appointments"), detail)
        )
    return items


@cache
def _appointments_home_query(role: Role, limit: int) -> sa.Select:
    day = sa.bindparam("day")
    query = (
        sa.select(Appointment.starts_at, Appointment.place, Appointment.purpose, Appointment.status, *_CASE_COLUMNS)
        .join(Case, Case.id == Appointment.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(Appointment.on_date == day, Appointment.status != AppointmentStatus.CANCELLED)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    )
    desks = Case.desk_id.in_(sa.bindparam("desk_ids", expanding=True))
    if role is Role.COORDINATOR:
        # Every appointment of the day at their desks.
        return query.where(desks)
    # The appointments they hold that day and those of the cases they are in charge of, each
    # found from their side, not among every appointment of the day at every desk.
    user_id = sa.bindparam("user_id")
    held, theirs, their_case = aliased(Appointment), aliased(Appointment), aliased(Case)
    mine = sa.union_all(
        sa.select(held.id).where(held.staff_id == user_id, held.on_date == day),
        sa.select(theirs.id)
        .join(their_case, their_case.id == theirs.case_id)
        .where(their_case.operator_id == user_id, theirs.on_date == day),
    )
    query = query.where(Appointment.id.in_(mine))
    return query if role is Role.ADMIN else query.where(desks)


def follow_ups_home_section(user: User, limit: int = 12) -> list[HomeItem]:
    """Follow-ups of interventions and pending referrals that are due today or late."""
    if user.role not in CASE_ROLES:
        return []
    params = home_params(user)
    day = params["day"]
    interventions, referrals = _follow_ups_home_queries(user.role, limit)
    due: list[tuple[date, HomeItem]] = []
    for row in db.session.execute(interventions, params):
        due.append((row.follow_up_on, _follow_up_item(row, row.note, "timeline", day)))
    for row in db.session.execute(referrals, params):
        text = str(_l("Referral to %(service)s: outcome?", service=row.service))
        due.append((row.follow_up_on, _follow_up_item(row, text, "referrals", day)))
    due.sort(key=lambda pair: pair[0])
    return [item for _, item in due[:limit]]


@cache
def _follow_ups_home_queries(role: Role, limit: int) -> tuple[sa.Select, sa.Select]:
    day = sa.bindparam("day")
    interventions = (
        sa.select(Intervention.follow_up_on, Intervention.note, *_CASE_COLUMNS)
        .join(Case, Case.id == Intervention.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(my_active_cases(role), Intervention.follow_up_on <= day, Intervention.follow_up_done_on.is_(None))
        .order_by(Intervention.follow_up_on, Intervention.id)
        .limit(limit)
    )
    referrals = (
        sa.select(Referral.follow_up_on, ReferralService.name.label("service"), *_CASE_COLUMNS)
        .join(ReferralService, ReferralService.id == Referral.service_id)
        .join(Case, Case.id == Referral.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(my_active_cases(role), Referral.follow_up_on <= day, Referral.outcome == ReferralOutcome.PENDING)
        .order_by(Referral.follow_up_on, Referral.id)
        .limit(limit)
    )
    return interventions, referrals


def _follow_up_item(row: Any, text: str, anchor: str, day: date) -> HomeItem:
    when = format_date(row.follow_up_on, "medium")
    if row.follow_up_on < day:
        detail, tone = _l("Late: due on %(date)s", date=when), "danger"
    else:
        detail, tone = _l("Due today"), "warning"
    short = text if len(text) <= 90 else text[:89] + "…"
    return HomeItem(
        _case_title(row),
        url_for("cases.show", case_id=row.case_id, _anchor=anchor),
        " · ".join(part for part in (str(detail), short) if part),
        tone,
    )


# ---- referral services (admin) ----------------------------------------------------------------


def save_service(service: ReferralService | None, values: dict[str, Any]) -> ReferralService:
    name = values["name"].strip()
    clash = db.session.scalar(
        sa.select(ReferralService.id).where(
            sa.func.lower(ReferralService.name) == name.lower(), ReferralService.id != (service.id if service else 0)
        )
    )
    if clash:
        raise FieldError("name", _l("A service with this name already exists."))
    creating = service is None
    if creating:
        service = ReferralService()
        db.session.add(service)
    service.name = name
    service.contact = values.get("contact") or ""
    service.active = bool(values.get("active", True))
    audit.record(Action.CREATE if creating else Action.UPDATE, service)
    return service
