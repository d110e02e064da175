"""Rules of mediation requests and sessions: asking for a mediator, proposing and assigning one,
the mediator's answer, cancelling, logging a session and confirming it; the mediator's day.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import format_date, format_time, get_timezone
from sqlalchemy.orm import contains_eager, defaultload, joinedload, lazyload, selectinload

from sportello.cases.models import Case
from sportello.cases.services import home_params
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.home import HomeItem
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import language_title
from sportello.core.model import utcnow
from sportello.core.pagination import SlicePage
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.mediation.models import (
    BOOKED,
    LOCKED_TIMESHEETS,
    STAFF_ROLES,
    Absence,
    AvailabilitySlot,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    RequestStatus,
    SessionStatus,
    Timesheet,
)

# The longest a request's window or a session may last.
MAX_MINUTES = 12 * 60


def mediator_of(user) -> Mediator | None:
    """The roster record of the mediator signed in as ``user``."""
    if user.role is not Role.MEDIATOR:
        return None
    return db.session.scalar(sa.select(Mediator).where(Mediator.user_id == user.id))


def local_now() -> datetime:
    """Now, in the installation's time zone, without the zone (as request times are stored)."""
    return datetime.now(get_timezone()).replace(tzinfo=None)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


# ---- time rules -------------------------------------------------------------------------------


def check_window(starts_at: time | None, ends_at: time | None, *, start_field: str, end_field: str) -> None:
    """A time window ends after it starts and lasts at most 12 hours."""
    if starts_at is None or ends_at is None:
        return
    minutes = (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
    if minutes <= 0:
        raise FieldError(end_field, _l("The end must come after the start."))
    if minutes > MAX_MINUTES:
        raise FieldError(end_field, _l("A session lasts at most 12 hours. Log a longer day as separate sessions."))


@dataclass
class Clash:
    """Another booking of the same mediator that overlaps the time asked for."""

    day: date
    starts_at: time
    ends_at: time
    what: str  # "request" or "session"

    @property
    def message(self) -> Any:
        return _l(
            "The mediator already has a session on %(date)s from %(start)s to %(end)s.",
            date=format_date(self.day),
            start=format_time(self.starts_at, "short"),
            end=format_time(self.ends_at, "short"),
        )


def clash_for(
    mediator_id: int,
    day: date,
    starts_at: time,
    ends_at: time,
    *,
    request_id: int | None = None,
    session_id: int | None = None,
) -> Clash | None:
    """The first booking of the mediator on ``day`` overlapping [starts_at, ends_at): a request
    assigned or accepted, or a logged session. ``request_id`` and ``session_id`` are left out
    (the record being changed). Touching ends do not clash."""
    overlaps = {}
    sessions = sa.select(MediationSession.on_date, MediationSession.starts_at, MediationSession.ends_at).where(
        MediationSession.mediator_id == mediator_id,
        MediationSession.on_date == day,
        MediationSession.starts_at < ends_at,
        MediationSession.ends_at > starts_at,
    )
    if session_id is not None:
        sessions = sessions.where(MediationSession.id != session_id)
    if request_id is not None:
        sessions = sessions.where(MediationSession.request_id != request_id)
    overlaps["session"] = db.session.execute(sessions.limit(1)).first()
    requests = sa.select(MediationRequest.on_date, MediationRequest.starts_at, MediationRequest.ends_at).where(
        MediationRequest.mediator_id == mediator_id,
        MediationRequest.status.in_(BOOKED),
        MediationRequest.on_date == day,
        MediationRequest.starts_at < ends_at,
        MediationRequest.ends_at > starts_at,
    )
    if request_id is not None:
        requests = requests.where(MediationRequest.id != request_id)
    overlaps["request"] = db.session.execute(requests.limit(1)).first()
    for what, row in overlaps.items():
        if row is not None:
            return Clash(row.on_date, row.starts_at, row.ends_at, what)
    return None


def absence_on(mediator_id: int, day: date) -> Absence | None:
    return db.session.scalar(
        sa.select(Absence).where(Absence.mediator_id == mediator_id, Absence.starts_on <= day, Absence.ends_on >= day)
    )


def timesheet_for(mediator_id: int, day: date) -> Timesheet | None:
    return db.session.scalar(
        sa.select(Timesheet).where(
            Timesheet.mediator_id == mediator_id, Timesheet.year == day.year, Timesheet.month == day.month
        )
    )


def check_month_open(mediator_id: int, day: date, field: str = "on_date") -> None:
    """Sessions of a month whose timesheet is submitted or approved cannot change."""
    sheet = timesheet_for(mediator_id, day)
    if sheet is not None and sheet.status in LOCKED_TIMESHEETS:
        raise FieldError(
            field,
            _l(
                "The timesheet for %(month)s is closed (%(status)s): its sessions can no longer change.",
                month=format_date(day, "MMMM y"),
                status=sheet.status.title,
            ),
        )


# ---- requests ---------------------------------------------------------------------------------


REQUEST_VALUES = (
    "outside_service",
    "outside_contact",
    "language",
    "on_date",
    "starts_at",
    "ends_at",
    "place",
    "mode",
    "setting",
    "urgency",
    "notes",
    "project_id",
)


def _check_request(values: dict[str, Any], case: Case | None) -> None:
    errors = []
    try:
        check_window(values["starts_at"], values["ends_at"], start_field="starts_at", end_field="ends_at")
    except FieldError as error:
        errors.append(error)
    if case is None and not (values.get("outside_service") or "").strip():
        errors.append(FieldError("outside_service", _l("Say which service asks for the mediator.")))
    project_id = values.get("project_id")
    if project_id:
        project = db.session.get(FundingProject, project_id)
        if project is None or not project.runs_on(values["on_date"]):
            errors.append(FieldError("project_id", _l("This project does not fund work on that date.")))
    if errors:
        raise FieldErrors(errors)


def create_request(desk_id: int, values: dict[str, Any], user, case: Case | None = None) -> MediationRequest:
    """A new request for a mediator, from a case (``case``) or from an outside service."""
    if case is not None and case.is_closed:
        raise RuleError(_l("The case is closed. Reopen it before asking for a mediator."))
    _check_request(values, case)
    request = MediationRequest(desk_id=case.desk_id if case is not None else desk_id, case_id=case.id if case else None)
    for name in REQUEST_VALUES:
        setattr(request, name, values.get(name))
    if case is not None:
        request.outside_service = ""
        request.outside_contact = ""
    db.session.add(request)
    audit.record(Action.CREATE, request)
    return request


def update_request(request: MediationRequest, values: dict[str, Any], user, *, version: Any) -> MediationRequest:
    """Change a request that is still to happen. A new date or time asks the assigned mediator
    to answer again; a clash with their other sessions is refused."""
    check_version(request, version)
    if request.status not in (RequestStatus.OPEN, *BOOKED):
        raise RuleError(_l("A request that is done or cancelled cannot change."))
    _check_request(values, request.case)
    moved = (values["on_date"], values["starts_at"], values["ends_at"]) != (
        request.on_date,
        request.starts_at,
        request.ends_at,
    )
    if request.mediator_id is not None and (moved or values["language"] != request.language):
        if moved:
            clash = clash_for(
                request.mediator_id, values["on_date"], values["starts_at"], values["ends_at"], request_id=request.id
            )
            if clash is not None:
                raise FieldError("starts_at", clash.message)
            if absence_on(request.mediator_id, values["on_date"]) is not None:
                raise FieldError("on_date", _l("The assigned mediator is away on that day."))
        if request.status is RequestStatus.ACCEPTED:
            request.status = RequestStatus.ASSIGNED
            request.answered_at = None
    for name in REQUEST_VALUES:
        if name in ("outside_service", "outside_contact") and request.case_id is not None:
            continue
        setattr(request, name, values.get(name))
    audit.record(Action.UPDATE, request)
    return request


@dataclass
class Proposal:
    """A mediator who speaks the request's language, and why they fit or not."""

    mediator: Mediator
    reasons: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    # Why they cannot be assigned (away, already booked); empty if they can.
    blocked: Any = None

    @property
    def rank(self) -> tuple:
        return (self.blocked is not None, len(self.warnings), self.mediator.name.casefold())


def proposals(request: MediationRequest) -> list[Proposal]:
    """Active mediators who speak the language, those free at that time first, with reasons.

    Four queries whatever the roster's size: speakers with their languages, their weekly slots,
    absences on the day, bookings on the day.
    """
    speakers = list(
        db.session.scalars(
            sa.select(Mediator)
            .where(
                Mediator.active.is_(True),
                Mediator.id.in_(
                    sa.select(MediatorLanguage.mediator_id).where(MediatorLanguage.language == request.language)
                ),
            )
            .options(selectinload(Mediator.languages))
            .order_by(Mediator.name)
        )
    )
    if not speakers:
        return []
    ids = [m.id for m in speakers]
    day = request.on_date
    slots: dict[int, list[AvailabilitySlot]] = {}
    same_weekday = sa.select(AvailabilitySlot).where(
        AvailabilitySlot.mediator_id.in_(ids), AvailabilitySlot.weekday == day.weekday()
    )
    for slot in db.session.scalars(same_weekday):
        slots.setdefault(slot.mediator_id, []).append(slot)
    away = set(
        db.session.scalars(
            sa.select(Absence.mediator_id).where(
                Absence.mediator_id.in_(ids), Absence.starts_on <= day, Absence.ends_on >= day
            )
        )
    )
    booked: dict[int, tuple[time, time]] = {}
    bookings = sa.union_all(
        sa.select(MediationRequest.mediator_id, MediationRequest.starts_at, MediationRequest.ends_at).where(
            MediationRequest.mediator_id.in_(ids),
            MediationRequest.status.in_(BOOKED),
            MediationRequest.on_date == day,
            MediationRequest.id != request.id,
            MediationRequest.starts_at < request.ends_at,
            MediationRequest.ends_at > request.starts_at,
        ),
        sa.select(MediationSession.mediator_id, MediationSession.starts_at, MediationSession.ends_at).where(
            MediationSession.mediator_id.in_(ids),
            MediationSession.on_date == day,
            MediationSession.request_id != request.id,
            MediationSession.starts_at < request.ends_at,
            MediationSession.ends_at > request.starts_at,
        ),
    )
    for mediator_id, starts_at, ends_at in db.session.execute(bookings):
        booked.setdefault(mediator_id, (starts_at, ends_at))

    out = []
    for mediator in speakers:
        proposal = Proposal(mediator)
        for spoken in mediator.languages:
            if spoken.language == request.language:
                proposal.reasons.append(
                    _l(
                        "Mediates %(language)s (%(level)s) ↔ %(other)s",
                        language=language_title(spoken.language),
                        level=str(spoken.level.title).lower(),
                        other=language_title(spoken.with_language),
                    )
                )
        if request.setting.value in (mediator.fields or []):
            proposal.reasons.append(_l("Works in this setting: %(setting)s", setting=request.setting.title))
        else:
            proposal.warnings.append(_l("Not among their fields: %(setting)s", setting=request.setting.title))
        if any(slot.covers(day, request.starts_at, request.ends_at) for slot in slots.get(mediator.id, [])):
            proposal.reasons.append(_l("Usually available at that time"))
        else:
            proposal.warnings.append(_l("Outside their usual hours: ask them first"))
        if mediator.id in away:
            proposal.blocked = _l("Away on that day")
        elif mediator.id in booked:
            starts_at, ends_at = booked[mediator.id]
            proposal.blocked = _l(
                "Already booked from %(start)s to %(end)s",
                start=format_time(starts_at, "short"),
                end=format_time(ends_at, "short"),
            )
        out.append(proposal)
    return sorted(out, key=lambda p: p.rank)


def assign(request: MediationRequest, mediator: Mediator, user, *, version: Any) -> None:
    """Give the request to a mediator, who then accepts or declines it."""
    check_version(request, version)
    if request.status not in (RequestStatus.OPEN, RequestStatus.ASSIGNED):
        raise RuleError(_l("Only a request waiting for a mediator can be assigned."))
    if not mediator.active:
        raise FieldError("mediator_id", _l("This mediator is no longer active."))
    if request.language not in {spoken.language for spoken in mediator.languages}:
        raise FieldError("mediator_id", _l("This mediator does not work in the request's language."))
    if absence_on(mediator.id, request.on_date) is not None:
        raise FieldError("mediator_id", _l("This mediator is away on that day."))
    clash = clash_for(mediator.id, request.on_date, request.starts_at, request.ends_at, request_id=request.id)
    if clash is not None:
        raise FieldError("mediator_id", clash.message)
    request.mediator = mediator
    request.mediator_id = mediator.id
    request.status = RequestStatus.ASSIGNED
    request.assigned_at = utcnow()
    request.answered_at = None
    audit.record(Action.UPDATE, request)


def _own(request: MediationRequest, user) -> None:
    if not request.is_for(user):
        raise RuleError(_l("This request is not assigned to you."))


def accept(request: MediationRequest, user, *, version: Any) -> None:
    check_version(request, version)
    _own(request, user)
    if request.status is not RequestStatus.ASSIGNED:
        raise RuleError(_l("This request is not waiting for your answer."))
    clash = clash_for(request.mediator_id, request.on_date, request.starts_at, request.ends_at, request_id=request.id)
    if clash is not None:
        raise RuleError(clash.message)
    request.status = RequestStatus.ACCEPTED
    request.answered_at = utcnow()
    audit.record(Action.UPDATE, request)


def decline(request: MediationRequest, user, reason: str, *, version: Any) -> None:
    """The mediator turns the request down: it goes back to waiting for a mediator."""
    check_version(request, version)
    _own(request, user)
    if request.status not in BOOKED:
        raise RuleError(_l("This request is not waiting for your answer."))
    if not reason.strip():
        raise FieldError("reason", _l("Say why, so the desk can find someone else."))
    request.status = RequestStatus.OPEN
    request.mediator = None
    request.mediator_id = None
    request.answered_at = utcnow()
    request.decline_reason = reason.strip()
    audit.record(Action.UPDATE, request)


def can_cancel(request: MediationRequest, user) -> bool:
    if request.status not in (RequestStatus.OPEN, *BOOKED):
        return False
    return request.can_edit(user) or request.is_for(user)


def cancel(request: MediationRequest, user, reason: str, *, version: Any) -> None:
    """Either side calls the request off, saying why."""
    check_version(request, version)
    if not can_cancel(request, user):
        raise RuleError(_l("This request can no longer be cancelled."))
    if not reason.strip():
        raise FieldError("reason", _l("Say why the request is cancelled."))
    request.status = RequestStatus.CANCELLED
    request.cancel_reason = reason.strip()
    request.cancelled_by_id = user.id
    audit.record(Action.UPDATE, request)


# ---- sessions ---------------------------------------------------------------------------------


SESSION_VALUES = ("on_date", "starts_at", "ends_at", "language", "mode", "setting", "present", "outcome", "note")


def session_defaults(request: MediationRequest) -> dict[str, Any]:
    """What a new log starts from: the request as planned."""
    return {
        "on_date": request.on_date,
        "starts_at": request.starts_at,
        "ends_at": request.ends_at,
        "language": request.language,
        "mode": request.mode.value,
        "setting": request.setting.value,
    }


def _check_session(values: dict[str, Any], mediator_id: int, request_id: int, session_id: int | None) -> None:
    day, starts_at, ends_at = values["on_date"], values["starts_at"], values["ends_at"]
    errors = []
    try:
        check_window(starts_at, ends_at, start_field="starts_at", end_field="ends_at")
    except FieldError as error:
        errors.append(error)
    if errors:
        raise FieldErrors(errors)
    if _at(day, ends_at) > local_now():
        raise FieldError("ends_at", _l("The end time is still to come: a session is logged once it has ended."))
    check_month_open(mediator_id, day)
    clash = clash_for(mediator_id, day, starts_at, ends_at, request_id=request_id, session_id=session_id)
    if clash is not None:
        raise FieldError("starts_at", clash.message)


def log_session(request: MediationRequest, user, values: dict[str, Any]) -> MediationSession:
    """The mediator logs the session of a request they accepted."""
    _own(request, user)
    if request.session is not None:
        raise RuleError(_l("This session is already logged; change the log instead."))
    if request.status is not RequestStatus.ACCEPTED:
        raise RuleError(_l("Only a request you accepted can be logged."))
    _check_session(values, request.mediator_id, request.id, None)
    session = MediationSession(
        request=request,
        mediator_id=request.mediator_id,
        project_id=request.project_id,
        minutes=_minutes(values),
        status=SessionStatus.LOGGED,
    )
    for name in SESSION_VALUES:
        setattr(session, name, values.get(name))
    request.status = RequestStatus.DONE
    db.session.add(session)
    audit.record(Action.CREATE, session)
    audit.record(Action.UPDATE, request)
    return session


def update_session(session: MediationSession, user, values: dict[str, Any], *, version: Any) -> None:
    """The mediator corrects their log until the desk confirms it; a log sent back with a
    question goes back to waiting for confirmation."""
    check_version(session, version)
    if not session.can_edit(user):
        raise RuleError(_l("Only the mediator who logged the session can change it."))
    if session.status is SessionStatus.CONFIRMED:
        raise RuleError(_l("This session is confirmed and can no longer change."))
    check_month_open(session.mediator_id, session.on_date)
    _check_session(values, session.mediator_id, session.request_id, session.id)
    for name in SESSION_VALUES:
        setattr(session, name, values.get(name))
    session.minutes = _minutes(values)
    session.status = SessionStatus.LOGGED
    audit.record(Action.UPDATE, session)


def _minutes(values: dict[str, Any]) -> int:
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


def can_confirm(session: MediationSession, user) -> bool:
    """The case's operator confirms; so can anyone of the desk's staff (a coordinator, or
    anyone for a request from an outside service)."""
    return session.status is not SessionStatus.CONFIRMED and user.role in STAFF_ROLES and session.request.can_edit(user)


def confirm_session(session: MediationSession, user, *, version: Any) -> None:
    check_version(session, version)
    if not can_confirm(session, user):
        raise RuleError(_l("This session cannot be confirmed."))
    session.status = SessionStatus.CONFIRMED
    session.query_note = ""
    session.confirmed_by_id = user.id
    session.confirmed_at = utcnow()
    audit.record(Action.UPDATE, session)


def query_session(session: MediationSession, user, note: str, *, version: Any) -> None:
    """Send the log back to the mediator with a question (wrong times, wrong language...)."""
    check_version(session, version)
    if not can_confirm(session, user):
        raise RuleError(_l("This session cannot be sent back."))
    check_month_open(session.mediator_id, session.on_date, field="note")
    if not note.strip():
        raise FieldError("note", _l("Say what the mediator should check."))
    session.status = SessionStatus.QUERIED
    session.query_note = note.strip()
    audit.record(Action.UPDATE, session)


# ---- lists ------------------------------------------------------------------------------------


@dataclass
class RequestFilters:
    status: str = ""
    language: str = ""
    desk_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def search_requests(user, filters: RequestFilters, *, page: int, per_page: int):
    query = MediationRequest.visible_to(user).options(
        joinedload(MediationRequest.case).options(joinedload(Case.person), lazyload(Case.tracks))
    )
    if filters.status == "active":
        query = query.where(MediationRequest.status.in_((RequestStatus.OPEN, *BOOKED)))
    elif filters.status:
        query = query.where(MediationRequest.status == RequestStatus(filters.status))
    if filters.language:
        query = query.where(MediationRequest.language == filters.language)
    if filters.desk_id:
        query = query.where(MediationRequest.desk_id == filters.desk_id)
    if filters.date_from:
        query = query.where(MediationRequest.on_date >= filters.date_from)
    if filters.date_to:
        query = query.where(MediationRequest.on_date <= filters.date_to)
    to_come = filters.status in ("active", RequestStatus.OPEN.value, *(s.value for s in BOOKED))
    if to_come:  # what is still to do: the soonest first
        query = query.order_by(MediationRequest.on_date, MediationRequest.starts_at, MediationRequest.id)
    else:  # what happened: the latest first
        query = query.order_by(
            MediationRequest.on_date.desc(), MediationRequest.starts_at.desc(), MediationRequest.id.desc()
        )
    return SlicePage(db.session, query, page, per_page)


def case_requests(case: Case) -> list[MediationRequest]:
    """A case's requests with their sessions, the latest first: one query per request to the
    app, shared by the case page's mediation panel and its timeline."""
    cache = g.setdefault("case_mediation_requests", {})
    if case.id not in cache:
        cache[case.id] = list(db.session.scalars(_case_requests_query(), {"case_id": case.id}).unique())
    return cache[case.id]


@functools.cache
def _case_requests_query() -> sa.Select:
    """Built once, on first use: the case page runs it on every visit. The page names the
    mediator of a request and of a session; it shows neither the desk (the case's own) nor the
    funding project."""
    return (
        sa.select(MediationRequest)
        .where(MediationRequest.case_id == sa.bindparam("case_id"))
        .options(
            lazyload(MediationRequest.desk),
            lazyload(MediationRequest.project),
            defaultload(MediationRequest.mediator).load_only(Mediator.name),
            joinedload(MediationRequest.session).options(
                lazyload(MediationSession.project), defaultload(MediationSession.mediator).load_only(Mediator.name)
            ),
        )
        .order_by(MediationRequest.on_date.desc(), MediationRequest.starts_at.desc())
    )


def case_mediation_panel(case: Case, user) -> dict[str, Any]:
    requests = case_requests(case)
    active = [r for r in requests if r.status in (RequestStatus.OPEN, *BOOKED)]
    return {
        "requests": active,
        "to_confirm": [r.session for r in requests if r.session is not None and can_confirm(r.session, user)],
        "can_request": not case.is_closed and case.can_edit(user),
    }


def case_timeline_sessions(case: Case, user) -> list[MediationSession]:
    """Logged sessions on the case's timeline, the latest first."""
    return [r.session for r in case_requests(case) if r.session is not None]


# ---- the day ----------------------------------------------------------------------------------


def _request_line(request: MediationRequest) -> str:
    start, end = format_time(request.starts_at, "short"), format_time(request.ends_at, "short")
    return f"{format_date(request.on_date, 'EEE d MMM')} {start}–{end}"


def _request_detail(request: MediationRequest) -> str:
    parts = [language_title(request.language), str(request.setting.title)]
    if request.place:
        parts.append(request.place)
    return " · ".join(parts)


def upcoming_home_section(user) -> list[HomeItem]:
    """A mediator's requests to come: those to answer first, then accepted ones by date."""
    mediator = mediator_of(user)
    if mediator is None:
        return []
    now = local_now()
    rows = db.session.scalars(
        sa.select(MediationRequest)
        .where(
            MediationRequest.mediator_id == mediator.id,
            MediationRequest.status.in_(BOOKED),
            MediationRequest.on_date >= now.date(),
        )
        .order_by(MediationRequest.on_date, MediationRequest.starts_at)
        .limit(20)
    )
    items = []
    for request in rows:
        if _at(request.on_date, request.ends_at) <= now:
            continue
        waiting = request.status is RequestStatus.ASSIGNED
        items.append(
            HomeItem(
                title=_request_line(request),
                url=url_for("mediation.request", request_id=request.id),
                detail=_request_detail(request) + (" · " + str(_l("waiting for your answer")) if waiting else ""),
                tone="warning" if waiting else "",
            )
        )
    return items


def to_log_home_section(user) -> list[HomeItem]:
    """Accepted requests whose time has passed and that have no log yet, and logs sent back."""
    mediator = mediator_of(user)
    if mediator is None:
        return []
    now = local_now()
    rows = db.session.scalars(
        sa.select(MediationRequest)
        .where(
            MediationRequest.mediator_id == mediator.id,
            MediationRequest.status == RequestStatus.ACCEPTED,
            MediationRequest.on_date <= now.date(),
        )
        .order_by(MediationRequest.on_date, MediationRequest.starts_at)
        .limit(50)
    )
    items = [
        HomeItem(
            title=_request_line(request),
            url=url_for("mediation.log_session", request_id=request.id),
            detail=_request_detail(request),
            tone="danger" if request.on_date < now.date() - timedelta(days=7) else "warning",
        )
        for request in rows
        if _at(request.on_date, request.starts_at) <= now
    ]
    queried = db.session.scalars(
        sa.select(MediationSession)
        .where(MediationSession.mediator_id == mediator.id, MediationSession.status == SessionStatus.QUERIED)
        .order_by(MediationSession.on_date)
        .limit(20)
    )
    items.extend(
        HomeItem(
            title=_request_line(session.request),
            url=url_for("mediation.log_session", request_id=session.request_id),
            detail=str(_l("Sent back: %(question)s", question=session.query_note)),
            tone="danger",
        )
        for session in queried
    )
    return items


# A session shown as a line on the home page needs its request (joined by the query itself)
# and its mediator's name: without these options eleven tables are joined, and PostgreSQL
# spends longer planning the query than running it.
_SESSION_LINE_OPTIONS = (
    contains_eager(MediationSession.request).lazyload("*"),
    joinedload(MediationSession.mediator).lazyload("*"),
    lazyload(MediationSession.project),
)


def to_confirm_home_section(user) -> list[HomeItem]:
    """Sessions logged on the user's cases (or, for coordinators, their desks') waiting for
    confirmation."""
    query = _to_confirm_query(user.role)
    params = home_params(user)
    return [
        HomeItem(
            title=_request_line(session.request),
            url=url_for("mediation.request", request_id=session.request_id),
            detail=" · ".join(
                [session.mediator.name, language_title(session.language), str(_l("%(num)s min", num=session.minutes))]
            ),
        )
        for session in db.session.scalars(query, params)
    ]


@functools.cache
def _to_confirm_query(role: Role) -> sa.Select:
    """Built once per role, with the user as ``home_params``."""
    query = (
        sa.select(MediationSession)
        .join(MediationSession.request)
        .where(MediationSession.status == SessionStatus.LOGGED)
        .order_by(MediationSession.on_date, MediationSession.starts_at)
        .limit(20)
        .options(*_SESSION_LINE_OPTIONS)
    )
    desks = sa.bindparam("desk_ids", expanding=True)
    if role is Role.OPERATOR:
        # The operator's own requests, through their cases and who created them: a few rows to
        # start from, where the desk has thousands (the desk is checked on those few).
        user_id = sa.bindparam("user_id")
        own_cases = sa.select(Case.id).where(Case.operator_id == user_id)
        columns = (MediationRequest.id, MediationRequest.desk_id)
        own_requests = sa.union(
            sa.select(*columns).where(MediationRequest.case_id.in_(own_cases)),
            sa.select(*columns).where(MediationRequest.created_by_id == user_id),
        ).subquery()
        return query.join(own_requests, own_requests.c.id == MediationSession.request_id).where(
            own_requests.c.desk_id.in_(desks)
        )
    if role is not Role.ADMIN:
        return query.where(MediationRequest.desk_id.in_(desks))
    return query
