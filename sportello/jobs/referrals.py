"""Referrals of a case to a job offer (candidature): putting a person forward, following the
referral to an interview and a hire, and what a hire changes: the offer's places, the case's work
track, the person's job stage, and the permit procedure a new job may call for.

Also what the case page shows of the case's job search: its panel and its timeline rows, read
once per request.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import format_date
from sqlalchemy.exc import IntegrityError
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
from sportello.extensions import db
from sportello.jobs import stages
from sportello.jobs.models import (
    Cefr,
    ContractType,
    Internship,
    JobOffer,
    JobReferral,
    JobReferralStep,
    JobStage,
    OfferStatus,
    ReferralStatus,
    SkillsProfile,
)
from sportello.people.models import PermitType, Person

# The permit procedure (a code of the permits catalog) a new job calls for, by the person's
# current permit: a study permit is converted into a work permit, a job-seeking or employment
# permit renewed for employment, a special protection permit converted.
PERMIT_PROCEDURES: dict[PermitType, str] = {
    PermitType.STUDY: "CONV_STUDIO_LAV",
    PermitType.JOB_SEEKING: "RIN_LAV_SUB",
    PermitType.EMPLOYMENT: "RIN_LAV_SUB",
    PermitType.SPECIAL: "PROT_SPEC",
}
PROCEDURE_TITLES = {
    "CONV_STUDIO_LAV": _l("Converting the study permit into a work permit"),
    "RIN_LAV_SUB": _l("Renewing the permit for employment"),
    "PROT_SPEC": _l("Renewing or converting the special protection permit"),
}
REFERRAL_VALUES = ("status", "status_on", "interview_on", "contract_type", "starts_on", "ends_on", "note")


# ---- the case's job search, read once per request ------------------------------------------------


@dataclass
class ProfileLine:
    """What the case page says of the person's skills profile."""

    stage: JobStage
    italian_level: Cefr | None
    stage_on: date | None


@dataclass
class CaseJobs:
    profile: ProfileLine | None
    referrals: list[JobReferral] = field(default_factory=list)
    internships: list[Internship] = field(default_factory=list)


def case_jobs(case: Case) -> CaseJobs:
    """The person's profile line, the case's referrals (with offer and employer) and internships
    (with host): three queries, kept for the request, shared by the panel and the timeline."""
    kept = g.setdefault("case_jobs", {})
    if case.id not in kept:
        kept[case.id] = _load(case)
    return kept[case.id]


def _load(case: Case) -> CaseJobs:
    row = db.session.execute(_profile_line_query(), {"person_id": case.person_id}).first()
    result = CaseJobs(ProfileLine(*row) if row is not None else None)
    this_case = {"case_id": case.id}
    result.referrals = list(db.session.scalars(_referrals_query(), this_case).unique())
    result.internships = list(db.session.scalars(_internships_query(), this_case))
    for row in (*result.referrals, *result.internships):
        set_committed_value(row, "case", case)
    return result


# The case page's statements, built once, on first use: it runs them on every visit.


@cache
def _profile_line_query() -> sa.Select:
    return sa.select(SkillsProfile.stage, SkillsProfile.italian_level, SkillsProfile.stage_on).where(
        SkillsProfile.person_id == sa.bindparam("person_id")
    )


@cache
def _referrals_query() -> sa.Select:
    return (
        sa.select(JobReferral)
        .where(JobReferral.case_id == sa.bindparam("case_id"))
        .options(lazyload(JobReferral.case), joinedload(JobReferral.steps).lazyload(JobReferralStep.recorded_by))
        .order_by(JobReferral.status_on.desc(), JobReferral.id.desc())
    )


@cache
def _internships_query() -> sa.Select:
    return (
        sa.select(Internship)
        .where(Internship.case_id == sa.bindparam("case_id"))
        .options(lazyload(Internship.case))
        .order_by(Internship.starts_on.desc(), Internship.id.desc())
    )


def _forget(case_id: int) -> None:
    g.setdefault("case_jobs", {}).pop(case_id, None)


def case_jobs_panel(case: Case, user) -> dict[str, Any]:
    """The case page's work panel: the profile line, referrals and internships, and links."""
    return {"jobs": case_jobs(case), "can_edit": case.can_edit(user) and not case.is_closed}


@dataclass
class TimelineReferral:
    """A step of a referral on the case's timeline: put forward, or a later status."""

    on_date: date
    referral: JobReferral
    status: ReferralStatus
    newer: int  # steps of the referral recorded after this one


def case_timeline_referrals(case: Case, user) -> list[TimelineReferral]:
    """The steps of the case's referrals on its timeline, newest first."""
    rows = []
    for referral in case_jobs(case).referrals:
        rows.extend(
            TimelineReferral(step.status_on, referral, step.status, newer) for newer, step in enumerate(referral.steps)
        )
    rows.sort(key=lambda row: (row.on_date, row.referral.id, -row.newer), reverse=True)
    return rows


# ---- the case's work track ----------------------------------------------------------------------


def employment_track(case: Case) -> Track | None:
    return next((track for track in case.tracks if track.kind is TrackKind.EMPLOYMENT), None)


def _ensure_track(case: Case, user) -> Track:
    """The case's work track, added if the case has none."""
    track = employment_track(case)
    if track is None:
        track = case_services.add_track(case, TrackKind.EMPLOYMENT, user)
        db.session.flush()
        audit.record(Action.CREATE, track)
    return track


# ---- putting a case forward ---------------------------------------------------------------------


def check_offer_takes_referrals(offer: JobOffer, on: date) -> None:
    """Refuse a referral to an offer that is filled, closed or past its closing date."""
    if offer.status is OfferStatus.FILLED:
        raise RuleError(_l("This offer is filled: it takes no more referrals."))
    if offer.status is OfferStatus.CLOSED:
        raise RuleError(_l("This offer is closed: it takes no more referrals."))
    if offer.closes_on is not None and offer.closes_on < on:
        raise RuleError(
            _l("This offer closed on %(date)s: it takes no more referrals.", date=format_date(offer.closes_on))
        )


def create_referral(case: Case, offer: JobOffer | None, user, on: date | None = None) -> JobReferral:
    """Put the case's person forward for ``offer``. The case gets a work track if it has none;
    the person's job stage moves to "put forward"."""
    on = on or today()
    case_services.require_active(case)
    if offer is None:
        raise RuleError(_l("Choose an offer."))
    check_offer_takes_referrals(offer, on)
    already = db.session.scalar(
        sa.select(JobReferral.id).where(JobReferral.case_id == case.id, JobReferral.offer_id == offer.id)
    )
    if already is not None:
        raise RuleError(_l("This case was already put forward for this offer."))
    referral = JobReferral(
        case=case, case_id=case.id, offer=offer, offer_id=offer.id, status=ReferralStatus.PROPOSED, status_on=on
    )
    referral.steps.append(JobReferralStep(status=ReferralStatus.PROPOSED, status_on=on, recorded_by_id=user.id))
    try:
        with db.session.begin_nested():
            db.session.add(referral)
            db.session.flush()
    except IntegrityError:  # someone put the case forward for the offer meanwhile
        raise RuleError(_l("This case was already put forward for this offer.")) from None
    audit.record(Action.CREATE, referral)
    _ensure_track(case, user)
    stages.refresh_stage(case.person_id, on)
    _forget(case.id)
    return referral


# ---- following a referral -----------------------------------------------------------------------


def _check(referral: JobReferral, values: dict[str, Any], on: date) -> ReferralStatus:
    errors = []
    try:
        status = ReferralStatus(values.get("status"))
    except ValueError:
        raise FieldError("status", _l("Choose a status from the list.")) from None
    status_on = values.get("status_on")
    if status_on is None:
        errors.append(FieldError("status_on", _l("Enter the date.")))
    elif status_on > on:
        errors.append(FieldError("status_on", _l("This date is in the future.")))
    if status is ReferralStatus.INTERVIEW and values.get("interview_on") is None:
        errors.append(FieldError("interview_on", _l("Enter the day of the interview.")))
    if status is ReferralStatus.HIRED:
        contract = values.get("contract_type")
        if not contract:
            errors.append(FieldError("contract_type", _l("Choose the contract type.")))
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if starts is None:
            errors.append(FieldError("starts_on", _l("Enter the day the job starts.")))
        if starts and ends and ends <= starts:
            errors.append(FieldError("ends_on", _l("The contract must end after it starts.")))
        if ends and contract == ContractType.PERMANENT.value:
            errors.append(FieldError("ends_on", _l("A permanent contract has no end date.")))
        offer = referral.offer
        if referral.status is not ReferralStatus.HIRED and offer.hired_count >= offer.positions:
            errors.append(
                FieldError(
                    "status",
                    _l(
                        "All the places of this offer are taken (%(hired)s of %(positions)s).",
                        hired=offer.hired_count,
                        positions=offer.positions,
                    ),
                )
            )
    if errors:
        raise FieldErrors(errors)
    return status


def update_referral(
    referral: JobReferral, values: dict[str, Any], user, *, version: Any, on: date | None = None
) -> None:
    """A new status of the referral, with its date and note. A hire takes a place of the offer
    (filling it when the last is taken) and completes the case's work track; undoing a hire gives
    the place back. The person's job stage follows."""
    on = on or today()
    check_version(referral, version)
    case_services.require_active(referral.case)
    status = _check(referral, values, on)
    # The history is read before anything changes: reading flushes, and the audit entry is made
    # of the changes not yet flushed.
    steps = referral.steps
    was_hired = referral.status is ReferralStatus.HIRED
    status_on = values["status_on"]
    note = (values.get("note") or "").strip()
    if status is not referral.status:
        # A new status left at the date of the old one is dated today.
        if status_on == referral.status_on:
            status_on = on
        referral.status = status
        step_note = note if note != referral.note else ""
        steps.insert(0, JobReferralStep(status=status, status_on=status_on, recorded_by_id=user.id, note=step_note))
    elif status_on != referral.status_on and steps and steps[0].status is status:
        steps[0].status_on = status_on  # the date of the current status corrected
    referral.status_on = status_on
    referral.interview_on = values.get("interview_on")
    if status is ReferralStatus.HIRED:
        referral.contract_type = ContractType(values["contract_type"])
        referral.starts_on = values["starts_on"]
        referral.ends_on = values.get("ends_on")
    else:
        referral.contract_type = referral.starts_on = referral.ends_on = None
    referral.note = note
    audit.record(Action.UPDATE, referral)
    if status is ReferralStatus.HIRED and not was_hired:
        _hired(referral, user)
    elif was_hired and status is not ReferralStatus.HIRED:
        _hire_undone(referral, user)
    stages.refresh_stage(referral.case.person_id, on)
    _forget(referral.case_id)


def _hired(referral: JobReferral, user) -> None:
    offer = referral.offer
    offer.hired_count += 1
    if offer.hired_count >= offer.positions and offer.status is OfferStatus.OPEN:
        offer.status = OfferStatus.FILLED
    audit.record(Action.UPDATE, offer)
    track = _ensure_track(referral.case, user)
    if track.stage is not TrackStage.COMPLETED:
        note = gettext(
            "Hired by %(employer)s: %(contract)s from %(date)s.",
            employer=offer.employer.name,
            contract=referral.contract_type.title,
            date=format_date(referral.starts_on),
        )
        case_services.change_stage(track, TrackStage.COMPLETED, note, user)


def _hire_undone(referral: JobReferral, user) -> None:
    offer = referral.offer
    offer.hired_count = max(0, offer.hired_count - 1)
    if offer.status is OfferStatus.FILLED and offer.hired_count < offer.positions:
        offer.status = OfferStatus.OPEN
    audit.record(Action.UPDATE, offer)
    track = employment_track(referral.case)
    other_hire = db.session.scalar(
        sa.select(JobReferral.id)
        .where(
            JobReferral.case_id == referral.case_id,
            JobReferral.id != referral.id,
            JobReferral.status == ReferralStatus.HIRED,
        )
        .limit(1)
    )
    if track is not None and track.stage is TrackStage.COMPLETED and other_hire is None:
        note = gettext("The hire by %(employer)s was undone.", employer=offer.employer.name)
        case_services.change_stage(track, TrackStage.ACTIVE, note, user)


# ---- the permit a new job calls for ---------------------------------------------------------------


@dataclass
class PermitSuggestion:
    code: str
    title: Any


def permit_suggestion(referral: JobReferral) -> PermitSuggestion | None:
    """After a hire: the permit procedure the person's current permit calls for, if any."""
    if referral.status is not ReferralStatus.HIRED:
        return None
    person: Person = referral.case.person
    code = PERMIT_PROCEDURES.get(person.permit_type) if person.permit_type is not None else None
    return PermitSuggestion(code, PROCEDURE_TITLES[code]) if code else None
