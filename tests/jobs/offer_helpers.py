"""Plain helpers for the tests of employers, job offers and internships: a case, an internship
and a referral made directly with the models, no rules checked."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.audit import AuditEntry
from sportello.core.forms import today
from sportello.jobs.models import Internship, InternshipStatus, JobReferral, ReferralStatus

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
        **values,
    )
    db.session.add(case)
    db.session.flush()
    return case


def make_internship(db, case, host, **values) -> Internship:
    """A running internship of ``case`` at ``host``: 25 hours a week, 500 euro a month."""
    starts_on = values.pop("starts_on", date(2026, 1, 12))
    internship = Internship(
        case=case,
        case_id=case.id,
        host=host,
        host_id=host.id,
        role=values.pop("role", "Warehouse clerk"),
        starts_on=starts_on,
        ends_on=values.pop("ends_on", starts_on + timedelta(days=180)),
        weekly_hours=values.pop("weekly_hours", 25),
        monthly_stipend=Decimal(str(values.pop("monthly_stipend", "500"))),
        status=values.pop("status", InternshipStatus.RUNNING),
        **values,
    )
    db.session.add(internship)
    db.session.flush()
    return internship


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
    db.session.add(referral)
    db.session.flush()
    return referral


def audit_entries(db, obj) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
            .order_by(AuditEntry.id)
        )
    )


def count_queries(db, client, url: str) -> int:
    """The SQL statements a GET of ``url`` runs; it must answer 200."""
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
