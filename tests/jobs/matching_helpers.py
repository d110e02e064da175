"""Plain helpers for the tests of matching, referrals and the employment board: cases,
referrals, internships and experiences made directly with the models, no rules checked."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case, CaseStatus
from sportello.core.forms import today
from sportello.jobs.models import (
    Experience,
    Internship,
    InternshipStatus,
    JobReferral,
    JobReferralStep,
    ReferralStatus,
    Sector,
)

_counter = itertools.count(1)


def make_case(db, desk, person, **values) -> Case:
    n = next(_counter)
    case = Case(
        desk=desk,
        person=person,
        year=2026,
        number=20000 + n,
        reference=f"{desk.code}-2026-{20000 + n:06d}",
        opened_on=values.pop("opened_on", today() - timedelta(days=90)),
        status=values.pop("status", CaseStatus.OPEN),
        **values,
    )
    db.session.add(case)
    db.session.flush()
    return case


def make_referral(db, case, offer, **values) -> JobReferral:
    referral = JobReferral(
        case=case,
        case_id=case.id,
        offer=offer,
        offer_id=offer.id,
        status=values.pop("status", ReferralStatus.PROPOSED),
        status_on=values.pop("status_on", today()),
        **values,
    )
    # Its history as the app records it: put forward, then the status it has now (recorded in
    # that order; read back, the latest first).
    referral.steps.append(JobReferralStep(status=ReferralStatus.PROPOSED, status_on=referral.status_on))
    if referral.status is not ReferralStatus.PROPOSED:
        referral.steps.append(JobReferralStep(status=referral.status, status_on=referral.status_on))
    db.session.add(referral)
    db.session.flush()
    return referral


def make_internship(db, case, host, **values) -> Internship:
    internship = Internship(
        case=case,
        case_id=case.id,
        host=host,
        host_id=host.id,
        role=values.pop("role", "Warehouse trainee"),
        starts_on=values.pop("starts_on", today() - timedelta(days=30)),
        ends_on=values.pop("ends_on", today() + timedelta(days=60)),
        weekly_hours=values.pop("weekly_hours", 30),
        monthly_stipend=values.pop("monthly_stipend", Decimal("500")),
        status=values.pop("status", InternshipStatus.RUNNING),
        **values,
    )
    db.session.add(internship)
    db.session.flush()
    return internship


def add_experience(db, profile, sector=Sector.LOGISTICS, years="2", **values) -> Experience:
    experience = Experience(
        profile_id=profile.id,
        role=values.pop("role", "Warehouse worker"),
        sector=sector,
        years=Decimal(years),
        **values,
    )
    db.session.add(experience)
    db.session.flush()
    return experience


def count_queries(db, action) -> tuple[int, object]:
    """Run ``action()``, counting the SQL statements it sends."""
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), result


def a_date(days: int) -> date:
    return today() + timedelta(days=days)
