"""Where a person stands in their job search, worked out from their referrals and internships
and kept on their skills profile, so the employment board reads it from one indexed column.

The rule, first that applies: hired (a referral ended in a job that has not ended, or an
internship ended with the host hiring the intern), in an internship (one running), interview (a
referral at interview), put forward (a referral proposed or sent), looking for work (the profile
gives an Italian level and a sector wanted), otherwise building the profile.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.forms import today
from sportello.extensions import db
from sportello.jobs.models import (
    Internship,
    InternshipOutcome,
    InternshipStatus,
    JobReferral,
    JobStage,
    ReferralStatus,
    SkillsProfile,
)


def stage_for(profile: SkillsProfile, on: date | None = None) -> JobStage:
    on = on or today()
    person_cases = sa.select(Case.id).where(Case.person_id == profile.person_id)
    statuses = set(
        db.session.scalars(
            sa.select(JobReferral.status)
            .where(JobReferral.case_id.in_(person_cases))
            .where(
                sa.or_(
                    JobReferral.status != ReferralStatus.HIRED,
                    JobReferral.ends_on.is_(None),
                    JobReferral.ends_on >= on,
                )
            )
            .distinct()
        )
    )
    if ReferralStatus.HIRED in statuses:
        return JobStage.HIRED
    internships = db.session.execute(
        sa.select(Internship.status, Internship.outcome)
        .where(Internship.case_id.in_(person_cases))
        .where(sa.or_(Internship.status == InternshipStatus.RUNNING, Internship.outcome == InternshipOutcome.HIRED))
        .distinct()
    ).all()
    if any(outcome is InternshipOutcome.HIRED for _, outcome in internships):
        return JobStage.HIRED
    if any(status is InternshipStatus.RUNNING for status, _ in internships):
        return JobStage.INTERNSHIP
    if ReferralStatus.INTERVIEW in statuses:
        return JobStage.INTERVIEW
    if statuses & {ReferralStatus.PROPOSED, ReferralStatus.SENT}:
        return JobStage.REFERRED
    if profile.italian_level is not None and profile.sectors:
        return JobStage.SEARCHING
    return JobStage.PROFILE


def refresh_stage(person_id: int, on: date | None = None) -> JobStage | None:
    """Store the stage of the person's profile (they may have none yet). The stage and its date
    are written outside the profile's version, so a stage change never makes an open edit of the
    profile stale. Returns the stage, or None without a profile."""
    db.session.flush()
    profile = db.session.scalar(sa.select(SkillsProfile).where(SkillsProfile.person_id == person_id))
    if profile is None:
        return None
    stage = stage_for(profile, on)
    if stage is not profile.stage:
        db.session.execute(
            sa.update(SkillsProfile)
            .where(SkillsProfile.id == profile.id)
            .values(stage=stage, stage_on=on or today())
            .execution_options(synchronize_session=False)
        )
        db.session.expire(profile, ["stage", "stage_on"])
    return stage
