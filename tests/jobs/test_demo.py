"""The demo's job placement fills every column of the employment board and shows every status
of referrals, internships and offers, made through the services."""

from __future__ import annotations

import sqlalchemy as sa

from sportello.core.roles import Role
from sportello.jobs.models import (
    Internship,
    InternshipStatus,
    JobOffer,
    JobReferral,
    JobStage,
    OfferStatus,
    ReferralStatus,
    SkillsProfile,
)
from tests.conftest import text_of


def test_the_demo_shows_every_stage_and_status(app, db, client):
    from sportello.demo import DEMO_PASSWORD, USERS

    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    stages = set(db.session.scalars(sa.select(SkillsProfile.stage)))
    assert stages == set(JobStage)
    assert set(db.session.scalars(sa.select(JobReferral.status))) == set(ReferralStatus)
    assert set(db.session.scalars(sa.select(Internship.status))) == set(InternshipStatus)
    assert set(db.session.scalars(sa.select(JobOffer.status))) == set(OfferStatus)
    # A hire took the offer's only place.
    filled = db.session.scalars(sa.select(JobOffer).where(JobOffer.status == OfferStatus.FILLED)).one()
    assert filled.hired_count == filled.positions == 1

    coordinator = next(email for role, _, email, _, _ in USERS if role is Role.COORDINATOR)
    client.post("/login", data={"email": coordinator, "password": DEMO_PASSWORD})
    response = client.get("/jobs/")
    assert response.status_code == 200
    page = text_of(response)
    # Hired, in an internship, at interview: people of both demo desks.
    assert "Hoxha" in page and "Gebremedhin" in page and "El Amrani" in page
