"""Language mediation: the mediators' roster, requests for mediation, the sessions mediators log,
funding projects and the monthly timesheets that pay them.

Dates and times of requests and sessions are the desk's local time (as appointments are).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, Versioned
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people.models import LanguageLevel

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)
MANAGER_ROLES = (Role.ADMIN, Role.COORDINATOR)


class Setting(LabelledEnum):
    """Where mediation takes place: the fields a mediator works in and a request's setting."""

    HEALTH = "health", _l("Health care")
    SCHOOL = "school", _l("School")
    LEGAL = "legal", _l("Legal and police")
    SOCIAL = "social", _l("Social services")
    HOUSING = "housing", _l("Housing")
    EMPLOYMENT = "employment", _l("Work")
    DESK = "desk", _l("Integration desk")


class Mode(LabelledEnum):
    IN_PERSON = "in_person", _l("In person")
    PHONE = "phone", _l("Phone")
    VIDEO = "video", _l("Video call")


class Urgency(LabelledEnum):
    ROUTINE = "routine", _l("Routine")
    SOON = "soon", _l("Within a few days")
    URGENT = "urgent", _l("Urgent")


class RequestStatus(LabelledEnum):
    OPEN = "open", _l("Waiting for a mediator")
    ASSIGNED = "assigned", _l("Assigned, waiting for the mediator's answer")
    ACCEPTED = "accepted", _l("Accepted")
    DONE = "done", _l("Session logged")
    CANCELLED = "cancelled", _l("Called off")


# Requests that hold a mediator's time.
BOOKED = (RequestStatus.ASSIGNED, RequestStatus.ACCEPTED)


class SessionOutcome(LabelledEnum):
    COMPLETED = "completed", _l("Took place as planned")
    PARTIAL = "partial", _l("Took place in part")
    NO_SHOW = "no_show", _l("The person did not come")
    CANCELLED_ON_SITE = "cancelled_on_site", _l("Cancelled on the spot")


class SessionStatus(LabelledEnum):
    LOGGED = "logged", _l("Waiting for confirmation")
    QUERIED = "queried", _l("Sent back to the mediator")
    CONFIRMED = "confirmed", _l("Confirmed")


class TimesheetStatus(LabelledEnum):
    SUBMITTED = "submitted", _l("Submitted")
    RETURNED = "returned", _l("Returned to the mediator")
    APPROVED = "approved", _l("Approved")


# A month whose timesheet is in one of these is closed to new and changed sessions.
LOCKED_TIMESHEETS = (TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED)


class Mediator(Timestamped, Versioned, db.Model):
    """A cultural and language mediator of the shared roster, with or without a user account."""

    __tablename__ = "mediators"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The account the mediator signs in with (role mediator), if they have one.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")  # E.164
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # The cooperative, association or agency the mediator works through.
    organisation: Mapped[str] = mapped_column(sa.String(160), default="")
    hourly_rate: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal("0"))
    # Setting values (Setting) the mediator works in.
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    # Loaded when asked for: a request or session loading its mediator need not load an account.
    user = relationship("User", foreign_keys=[user_id])
    languages: Mapped[list[MediatorLanguage]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan", order_by="MediatorLanguage.id"
    )
    slots: Mapped[list[AvailabilitySlot]] = relationship(
        back_populates="mediator",
        cascade="all, delete-orphan",
        order_by="(AvailabilitySlot.weekday, AvailabilitySlot.starts_at)",
    )
    absences: Mapped[list[Absence]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan", order_by="Absence.starts_on.desc()"
    )

    def __str__(self) -> str:
        return self.name

    @property
    def audit_desk_id(self) -> None:
        return None  # the roster is shared by every desk

    @property
    def field_settings(self) -> list[Setting]:
        return [Setting(value) for value in self.fields or [] if value in Setting._value2member_map_]

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Desk staff see the whole roster (it is shared); a mediator only their own record."""
        query = sa.select(cls)
        if user.role in STAFF_ROLES:
            return query
        return query.where(cls.user_id == user.id)

    def is_account_of(self, user) -> bool:
        """The record is that of the mediator signed in as ``user``."""
        return self.user_id is not None and self.user_id == user.id

    def can_view(self, user) -> bool:
        return user.role in STAFF_ROLES or self.is_account_of(user)

    def can_edit(self, user) -> bool:
        """Coordinators and admins keep the roster."""
        return user.role in MANAGER_ROLES

    def can_see_timesheets(self, user) -> bool:
        """The mediator's months: the mediator, and the coordinators and admins who approve them
        (the roster is shared by every desk)."""
        return user.role in MANAGER_ROLES or self.is_account_of(user)


class MediatorLanguage(db.Model):
    """A language a mediator works in, their level, and the language they mediate it with
    (Italian for most; French or English for some pairs)."""

    __tablename__ = "mediator_languages"
    __table_args__ = (sa.UniqueConstraint("mediator_id", "language", "with_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediators.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8), index=True)
    level: Mapped[LanguageLevel] = mapped_column(LanguageLevel.column_type())
    with_language: Mapped[str] = mapped_column(sa.String(8), default="it")

    mediator: Mapped[Mediator] = relationship(back_populates="languages")


class AvailabilitySlot(db.Model):
    """A weekly time a mediator is usually available (Monday = 0)."""

    __tablename__ = "mediator_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediators.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    mediator: Mapped[Mediator] = relationship(back_populates="slots")

    def covers(self, day: date, starts_at: time, ends_at: time) -> bool:
        return day.weekday() == self.weekday and self.starts_at <= starts_at and ends_at <= self.ends_at


class Absence(db.Model):
    """Days a mediator is away (holiday, illness, training), both ends included."""

    __tablename__ = "mediator_absences"
    __table_args__ = (sa.Index("ix_mediator_absences_mediator_id_starts_on", "mediator_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediators.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    mediator: Mapped[Mediator] = relationship(back_populates="absences")

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"

    @property
    def audit_desk_id(self) -> None:
        return None


class FundingProject(Timestamped, Versioned, db.Model):
    """A project that funds mediation hours (a FAMI project with its CUP code, a municipal fund)."""

    __tablename__ = "funding_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code funders know the project by, such as a CUP.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    funder: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def audit_desk_id(self) -> None:
        return None

    def runs_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)


class MediationRequest(Timestamped, Versioned, db.Model):
    """A request for a mediator, from a case or from an outside service (hospital, school, ...)."""

    __tablename__ = "mediation_requests"
    __table_args__ = (
        sa.Index("ix_mediation_requests_mediator_id_on_date", "mediator_id", "on_date"),
        # The desks' lists: requests still to do (few among many done) found without reading the rest.
        sa.Index("ix_mediation_requests_desk_id_status_on_date", "desk_id", "status", "on_date"),
        # An operator's requests to confirm include those they created (outside services).
        sa.Index("ix_mediation_requests_created_by_id", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # When the request comes from outside: the service and who to contact there.
    outside_service: Mapped[str] = mapped_column(sa.String(160), default="")
    outside_contact: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(8))
    on_date: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    mode: Mapped[Mode] = mapped_column(Mode.column_type(), default=Mode.IN_PERSON)
    setting: Mapped[Setting] = mapped_column(Setting.column_type())
    urgency: Mapped[Urgency] = mapped_column(Urgency.column_type(), default=Urgency.ROUTINE)
    # What the mediator needs to know; seen by the mediator.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("funding_projects.id"))
    status: Mapped[RequestStatus] = mapped_column(RequestStatus.column_type(), default=RequestStatus.OPEN)
    mediator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mediators.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The latest decline, or the reason for cancelling, and who cancelled.
    decline_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    cancel_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    desk = relationship("Desk", lazy="joined", innerjoin="unnested")
    case = relationship("Case")
    mediator: Mapped[Mediator | None] = relationship(lazy="joined")
    project: Mapped[FundingProject | None] = relationship(lazy="joined")
    session: Mapped[MediationSession | None] = relationship(back_populates="request", uselist=False)

    def __str__(self) -> str:
        return f"{self.on_date} {self.starts_at:%H:%M} {self.language}"

    @property
    def minutes(self) -> int:
        return _minutes(self.starts_at, self.ends_at)

    def is_for(self, user) -> bool:
        """The request is assigned to the mediator signed in as ``user``."""
        return self.mediator is not None and self.mediator.is_account_of(user)

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Admins see every request; coordinators and operators their desks'; a mediator the
        requests assigned to them."""
        query = sa.select(cls)
        if user.role is Role.ADMIN:
            return query
        if user.role in STAFF_ROLES:
            return query.where(cls.desk_id.in_(user.desk_ids))
        mine = sa.select(Mediator.id).where(Mediator.user_id == user.id)
        return query.where(cls.mediator_id.in_(mine.scalar_subquery()))

    def can_view(self, user) -> bool:
        if user.role is Role.ADMIN:
            return True
        if user.role in STAFF_ROLES:
            return self.desk_id in user.desk_ids
        return self.is_for(user)

    def can_edit(self, user) -> bool:
        """Desk staff manage the request; the mediator answers it through their own actions."""
        return user.role is Role.ADMIN or (user.role in STAFF_ROLES and self.desk_id in user.desk_ids)


class MediationSession(Timestamped, Versioned, db.Model):
    """A session as the mediator logged it, confirmed by the case's operator (or the desk)."""

    __tablename__ = "mediation_sessions"
    __table_args__ = (
        sa.Index("ix_mediation_sessions_mediator_id_on_date", "mediator_id", "on_date"),
        # A month or a period of every mediator: the timesheets overview and the hours report.
        sa.Index("ix_mediation_sessions_on_date", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_requests.id"), unique=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediators.id"))
    on_date: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    minutes: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(8))
    mode: Mapped[Mode] = mapped_column(Mode.column_type())
    setting: Mapped[Setting] = mapped_column(Setting.column_type())
    # Who was there besides the mediator and the person (doctor, teacher, operator, ...).
    present: Mapped[str] = mapped_column(sa.String(300), default="")
    outcome: Mapped[SessionOutcome] = mapped_column(SessionOutcome.column_type())
    note: Mapped[str] = mapped_column(sa.Text, default="")
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("funding_projects.id"))
    status: Mapped[SessionStatus] = mapped_column(SessionStatus.column_type(), default=SessionStatus.LOGGED)
    # Why the desk sent the log back, for the mediator to put right.
    query_note: Mapped[str] = mapped_column(sa.String(300), default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[MediationRequest] = relationship(back_populates="session", lazy="joined", innerjoin="unnested")
    # An outer join: loaded under a request's outer join, an inner one would be nested, and SQLite
    # would then read every session to build it.
    mediator: Mapped[Mediator] = relationship(lazy="joined")
    project: Mapped[FundingProject | None] = relationship(lazy="joined")
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    def __str__(self) -> str:
        return f"{self.on_date} {self.starts_at:%H:%M}-{self.ends_at:%H:%M} {self.language}"

    @property
    def audit_desk_id(self) -> int:
        return self.request.desk_id

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    def can_view(self, user) -> bool:
        return self.request.can_view(user)

    def can_edit(self, user) -> bool:
        """Only the mediator who logged the session changes it."""
        return self.mediator.is_account_of(user)


class Timesheet(Timestamped, Versioned, db.Model):
    """A mediator's month: submitted by the mediator, approved (and then locked) by a coordinator.

    A month without a row is still open. The rate and the totals are written at submission, so an
    approved timesheet keeps what was paid even if the rate changes later.
    """

    __tablename__ = "mediation_timesheets"
    __table_args__ = (sa.UniqueConstraint("mediator_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediators.id"))
    year: Mapped[int]
    month: Mapped[int]
    status: Mapped[TimesheetStatus] = mapped_column(TimesheetStatus.column_type())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(default=0)
    hourly_rate: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    # The mediator's remark on submitting; the coordinator's reason for returning it.
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    mediator: Mapped[Mediator] = relationship(lazy="joined", innerjoin="unnested")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")

    def __str__(self) -> str:
        return f"{self.mediator.name} {self.year}-{self.month:02d}"

    @property
    def audit_desk_id(self) -> None:
        return None

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_TIMESHEETS


def _minutes(starts_at: time, ends_at: time) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


MEDIATOR_FIELDS = {
    "user_id": _l("User account"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "hourly_rate": _l("Hourly rate"),
    "fields": _l("Fields"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "languages": _l("Languages"),
    "slots": _l("Weekly availability"),
}
ABSENCE_FIELDS = {"mediator_id": _l("Mediator"), "starts_on": _l("From"), "ends_on": _l("To"), "note": _l("Note")}
PROJECT_FIELDS = {
    "code": _l("Project code"),
    "name": _l("Name"),
    "funder": _l("Funder"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "active": _l("Active"),
}
REQUEST_FIELDS = {
    "desk_id": _l("Desk"),
    "case_id": _l("Case"),
    "outside_service": _l("Requesting service"),
    "outside_contact": _l("Contact at the service"),
    "language": _l("Language"),
    "on_date": _l("Date"),
    "starts_at": _l("Start time"),
    "ends_at": _l("End time"),
    "place": _l("Place"),
    "mode": _l("Mode"),
    "setting": _l("Setting"),
    "urgency": _l("Urgency"),
    "notes": _l("Notes for the mediator"),
    "project_id": _l("Funding project"),
    "status": _l("Status"),
    "mediator_id": _l("Mediator"),
    "assigned_at": _l("Assigned at"),
    "answered_at": _l("Answered at"),
    "decline_reason": _l("Reason for declining"),
    "cancel_reason": _l("Reason for cancelling"),
    "cancelled_by_id": _l("Cancelled by"),
}
SESSION_FIELDS = {
    "request_id": _l("Request"),
    "mediator_id": _l("Mediator"),
    "on_date": _l("Date"),
    "starts_at": _l("Start time"),
    "ends_at": _l("End time"),
    "minutes": _l("Minutes"),
    "language": _l("Language"),
    "mode": _l("Mode"),
    "setting": _l("Setting"),
    "present": _l("Present"),
    "outcome": _l("Outcome"),
    "note": _l("Note"),
    "project_id": _l("Funding project"),
    "status": _l("Status"),
    "query_note": _l("Why it was sent back"),
    "confirmed_by_id": _l("Confirmed by"),
    "confirmed_at": _l("Confirmed at"),
}
TIMESHEET_FIELDS = {
    "mediator_id": _l("Mediator"),
    "year": _l("Year"),
    "month": _l("Month"),
    "status": _l("Status"),
    "submitted_at": _l("Submitted at"),
    "minutes": _l("Minutes"),
    "hourly_rate": _l("Hourly rate"),
    "amount": _l("Amount"),
    "note": _l("Note"),
    "review_note": _l("Coordinator's note"),
    "approved_by_id": _l("Approved by"),
    "approved_at": _l("Approved at"),
}
