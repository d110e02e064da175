"""Cases: a desk taking a person in charge, its tracks, plan, timeline, referrals and appointments."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, Versioned, utcnow
from sportello.core.roles import Role
from sportello.extensions import db


class CaseStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    ON_HOLD = "on_hold", _l("On hold")
    CLOSED = "closed", _l("Closed")


class CloseReason(LabelledEnum):
    GOALS_REACHED = "goals_reached", _l("Goals reached")
    REFERRED = "referred", _l("Taken over by another service")
    MOVED = "moved", _l("Moved away")
    LOST_CONTACT = "lost_contact", _l("No longer in contact")
    DECLINED = "declined", _l("The person withdrew")
    OTHER = "other", _l("Other reason")


class TrackKind(LabelledEnum):
    """The areas a case works on (percorsi)."""

    HOUSING = "housing", _l("Housing")
    EMPLOYMENT = "employment", _l("Work")
    MEDIATION = "mediation", _l("Language mediation")
    PERMITS = "permits", _l("Permits and documents")
    HEALTH = "health", _l("Socio-sanitary support")
    TRAINING = "training", _l("Training and Italian course")
    LEGAL = "legal", _l("Legal orientation")


class TrackStage(LabelledEnum):
    ASSESSMENT = "assessment", _l("Needs assessment")
    ACTIVE = "active", _l("In progress")
    WAITING = "waiting", _l("Waiting for others")
    COMPLETED = "completed", _l("Completed")
    STOPPED = "stopped", _l("Stopped")


class GoalStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("In progress")
    ACHIEVED = "achieved", _l("Achieved")
    NOT_ACHIEVED = "not_achieved", _l("Not achieved")
    DROPPED = "dropped", _l("Dropped")


OPEN_GOALS = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)


class InterventionKind(LabelledEnum):
    INTERVIEW = "interview", _l("Interview")
    PHONE_CALL = "phone_call", _l("Phone call")
    EMAIL = "email", _l("Email")
    WHATSAPP = "whatsapp", _l("WhatsApp message")
    ACCOMPANIMENT = "accompaniment", _l("Accompaniment")
    REFERRAL = "referral", _l("Referral")
    PAPERWORK = "paperwork", _l("Paperwork")


class Channel(LabelledEnum):
    IN_PERSON = "in_person", _l("In person")
    PHONE = "phone", _l("Phone")
    EMAIL = "email", _l("Email")
    VIDEO = "video", _l("Video call")
    MESSAGE = "message", _l("Text message")


class ReferralOutcome(LabelledEnum):
    PENDING = "pending", _l("Awaiting an answer")
    TAKEN_IN_CHARGE = "taken_in_charge", _l("Taken in charge")
    APPOINTMENT_GIVEN = "appointment_given", _l("Appointment given")
    REFUSED = "refused", _l("Refused by the service")
    NO_SHOW = "no_show", _l("The person did not go")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class AppointmentStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    DONE = "done", _l("Took place")
    MISSED = "missed", _l("The person did not come")
    CANCELLED = "cancelled", _l("Cancelled")


class Case(Timestamped, Versioned, db.Model):
    """A case (presa in carico): a desk takes a person in charge and follows them through tracks."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("desk_id", "year", "number"),
        # The case list: a desk's cases by status, newest first.
        sa.Index("ix_cases_desk_id_status_opened_on", "desk_id", "status", "opened_on"),
        sa.Index("ix_cases_desk_id_opened_on", "desk_id", "opened_on"),
        # Rows of other parts joined to "the cases of my desks" (the housing board, mediation):
        # PostgreSQL reads the ids from the index alone instead of every case of the desk.
        sa.Index("ix_cases_desk_id_id", "desk_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    year: Mapped[int]
    number: Mapped[int]
    # RA-2026-000123: desk code, year of opening, number within the desk and year.
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(CaseStatus.column_type(), default=CaseStatus.OPEN)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    close_reason: Mapped[CloseReason | None] = mapped_column(CloseReason.column_type(), nullable=True)
    # Why the case is on hold, closed or reopened: the latest explanation.
    status_note: Mapped[str] = mapped_column(sa.Text, default="")
    # What the person asked for and the situation at intake.
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    person = relationship("Person", lazy="joined", innerjoin="unnested")
    desk = relationship("Desk", lazy="joined", innerjoin="unnested")
    operator = relationship("User", lazy="joined", foreign_keys=[operator_id])
    tracks: Mapped[list[Track]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin", order_by="Track.id"
    )

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status is CaseStatus.CLOSED

    @property
    def track_kinds(self) -> list[TrackKind]:
        return [track.kind for track in self.tracks]

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Admins see every case; coordinators and operators the cases of their desks."""
        query = sa.select(cls)
        if user.role is Role.ADMIN:
            return query
        if user.role in (Role.COORDINATOR, Role.OPERATOR):
            return query.where(cls.desk_id.in_(user.desk_ids))
        return query.where(sa.false())

    def can_view(self, user) -> bool:
        if user.role is Role.ADMIN:
            return True
        return user.role in (Role.COORDINATOR, Role.OPERATOR) and self.desk_id in user.desk_ids

    can_edit = can_view


class CaseCounter(db.Model):
    """The last case number given by a desk in a year (one row per desk and year)."""

    __tablename__ = "case_counters"

    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CasePart:
    """Rows that belong to a case: visible and editable with it, audited under its desk. Other
    parts use it for their own rows of a case."""

    case: Case

    @property
    def audit_desk_id(self) -> int:
        return self.case.desk_id

    def can_view(self, user) -> bool:
        return self.case.can_view(user)

    def can_edit(self, user) -> bool:
        return self.case.can_edit(user)


class Track(CasePart, db.Model):
    """A track (percorso) of a case, with its current stage."""

    __tablename__ = "case_tracks"
    __table_args__ = (sa.UniqueConstraint("case_id", "kind"),)
    # The stage history is what the track's own entries record, not a field of it.
    __audit_exclude__ = {"changes"}

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[TrackKind] = mapped_column(TrackKind.column_type())
    stage: Mapped[TrackStage] = mapped_column(TrackStage.column_type(), default=TrackStage.ASSESSMENT)

    case: Mapped[Case] = relationship(back_populates="tracks")
    changes: Mapped[list[StageChange]] = relationship(
        back_populates="track",
        cascade="all, delete-orphan",
        order_by="(StageChange.changed_at.desc(), StageChange.id.desc())",
    )

    def __str__(self) -> str:
        return str(self.kind.title)


class StageChange(db.Model):
    """One step in a track's history: the stage it moved to, when, who, why."""

    __tablename__ = "case_track_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("case_tracks.id", ondelete="CASCADE"), index=True)
    stage: Mapped[TrackStage] = mapped_column(TrackStage.column_type())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    track: Mapped[Track] = relationship(back_populates="changes")
    changed_by = relationship("User", lazy="joined")


class Goal(CasePart, Timestamped, Versioned, db.Model):
    """A goal of the individual plan (progetto individualizzato)."""

    __tablename__ = "case_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    track: Mapped[TrackKind | None] = mapped_column(TrackKind.column_type(), nullable=True)
    description: Mapped[str] = mapped_column(sa.Text)
    target_date: Mapped[date | None]
    status: Mapped[GoalStatus] = mapped_column(GoalStatus.column_type(), default=GoalStatus.PLANNED)
    # When the goal reached its final status.
    ended_on: Mapped[date | None]

    case: Mapped[Case] = relationship()

    def __str__(self) -> str:
        return self.description[:80]


class Intervention(CasePart, Timestamped, db.Model):
    """An entry of the case timeline: something the desk did, and the follow-up it calls for."""

    __tablename__ = "case_interventions"
    __table_args__ = (sa.Index("ix_case_interventions_case_id_occurred_on", "case_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    occurred_on: Mapped[date]
    kind: Mapped[InterventionKind] = mapped_column(InterventionKind.column_type())
    channel: Mapped[Channel] = mapped_column(Channel.column_type())
    minutes: Mapped[int] = mapped_column(default=0)
    track: Mapped[TrackKind | None] = mapped_column(TrackKind.column_type(), nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A date to come back to the person; cleared when done.
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_done_on: Mapped[date | None]

    case: Mapped[Case] = relationship()
    author = relationship("User", lazy="joined", foreign_keys=[author_id])

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind.value}"


class ReferralService(Timestamped, db.Model):
    """An outside service people are referred to (Centro per l'impiego, ASL, CPIA, ...).
    A vocabulary admins extend."""

    __tablename__ = "referral_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Address, phone, opening hours, contact person.
    contact: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def audit_desk_id(self) -> None:
        return None


class Referral(CasePart, Timestamped, Versioned, db.Model):
    """A referral (invio) of the person to an outside service, and what came of it."""

    __tablename__ = "case_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("referral_services.id"), index=True)
    track: Mapped[TrackKind | None] = mapped_column(TrackKind.column_type(), nullable=True)
    referred_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[ReferralOutcome] = mapped_column(ReferralOutcome.column_type(), default=ReferralOutcome.PENDING)
    outcome_on: Mapped[date | None]
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")
    # When to ask the service or the person how it went, while the outcome is pending.
    follow_up_on: Mapped[date | None] = mapped_column(index=True)

    case: Mapped[Case] = relationship()
    service: Mapped[ReferralService] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return self.service.name


class Appointment(CasePart, Timestamped, Versioned, db.Model):
    """An appointment with the person: at the desk or elsewhere, with whom, at what time
    (local time of the desk)."""

    __tablename__ = "case_appointments"
    __table_args__ = (sa.Index("ix_case_appointments_on_date_starts_at", "on_date", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date]
    starts_at: Mapped[time]
    minutes: Mapped[int] = mapped_column(default=30)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    # The staff member who sees the person, and anyone else there (mediator, outside service).
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    with_whom: Mapped[str] = mapped_column(sa.String(200), default="")
    purpose: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        AppointmentStatus.column_type(), default=AppointmentStatus.PLANNED
    )

    case: Mapped[Case] = relationship()
    staff = relationship("User", lazy="joined", foreign_keys=[staff_id])

    def __str__(self) -> str:
        return f"{self.on_date} {self.starts_at:%H:%M}"


CASE_TITLE = _l("Case")
CASE_FIELDS = {
    "desk_id": _l("Desk"),
    "person_id": _l("Person"),
    "reference": _l("Case number"),
    "year": _l("Year"),
    "number": _l("Number"),
    "operator_id": _l("Operator in charge"),
    "status": _l("Status"),
    "opened_on": _l("Opened on"),
    "closed_on": _l("Closed on"),
    "close_reason": _l("Reason for closing"),
    "status_note": _l("Note on the status"),
    "summary": _l("Request and situation"),
    "tracks": _l("Tracks"),
}
TRACK_FIELDS = {"kind": _l("Track"), "stage": _l("Stage"), "case_id": _l("Case")}
GOAL_FIELDS = {
    "case_id": _l("Case"),
    "track": _l("Track"),
    "description": _l("Goal"),
    "target_date": _l("Target date"),
    "status": _l("Status"),
    "ended_on": _l("Ended on"),
}
INTERVENTION_FIELDS = {
    "case_id": _l("Case"),
    "occurred_on": _l("Date"),
    "kind": _l("Kind"),
    "channel": _l("Channel"),
    "minutes": _l("Minutes"),
    "track": _l("Track"),
    "note": _l("Note"),
    "author_id": _l("Author"),
    "follow_up_on": _l("Follow up on"),
    "follow_up_done_on": _l("Follow-up done on"),
}
REFERRAL_FIELDS = {
    "case_id": _l("Case"),
    "service_id": _l("Service"),
    "track": _l("Track"),
    "referred_on": _l("Referred on"),
    "reason": _l("Reason"),
    "outcome": _l("Outcome"),
    "outcome_on": _l("Outcome on"),
    "outcome_note": _l("Note on the outcome"),
    "follow_up_on": _l("Follow up on"),
}
APPOINTMENT_FIELDS = {
    "case_id": _l("Case"),
    "on_date": _l("Date"),
    "starts_at": _l("Time"),
    "minutes": _l("Minutes"),
    "place": _l("Place"),
    "staff_id": _l("Staff member"),
    "with_whom": _l("Also present"),
    "purpose": _l("Purpose"),
    "status": _l("Status"),
}
SERVICE_FIELDS = {"name": _l("Name"), "contact": _l("Contact details"), "active": _l("Active")}
