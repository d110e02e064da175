"""The employment board: people by job stage, offers by status with those closing soon, and the
internships running; scoped to the user's desks. A fixed number of queries whatever the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from sportello.cases.models import Case
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.jobs.models import Internship, InternshipStatus, JobOffer, JobStage, OfferStatus, SkillsProfile
from sportello.people.models import Person, SharedDesk

PER_STAGE = 20
CLOSING_WITHIN_DAYS = 14
CLOSING_SHOWN = 20
INTERNSHIPS_SHOWN = 20


@dataclass
class StageColumn:
    stage: JobStage
    count: int
    profiles: list[SkillsProfile]


@dataclass
class Board:
    columns: list[StageColumn]
    offers: list[tuple[OfferStatus, int]]
    closing: list[JobOffer]
    closing_count: int
    internships: list[Internship]
    internship_count: int

    @property
    def people(self) -> int:
        return sum(column.count for column in self.columns)


def _people_filter(user, desk_id: int | None) -> list[Any]:
    """The people of the user's desks or shared with them (``Person.visible_to``), optionally of
    one desk only; records merged into another are left out."""
    conditions: list[Any] = [SkillsProfile.person_id.in_(Person.visible_to(user).with_only_columns(Person.id))]
    if desk_id:
        shared = sa.select(SharedDesk.person_id).where(SharedDesk.desk_id == desk_id)
        conditions.append(
            SkillsProfile.person_id.in_(
                sa.select(Person.id).where(sa.or_(Person.desk_id == desk_id, Person.id.in_(shared)))
            )
        )
    return conditions


def _case_filter(user, desk_id: int | None) -> list[Any]:
    conditions: list[Any] = []
    if user.role is not Role.ADMIN:
        conditions.append(Case.desk_id.in_(user.desk_ids))
    if desk_id:
        conditions.append(Case.desk_id == desk_id)
    return conditions


def board(user, on: date, *, desk_id: int | None = None) -> Board:
    """Four queries: the profiles (the first 20 of each stage, the most recently updated, and the
    count of each stage as window functions), offers by status, open offers closing within 14
    days, and running internships (the 20 ending soonest and their count)."""
    ranked = (
        sa.select(
            SkillsProfile.id.label("profile_id"),
            sa.func.row_number()
            .over(partition_by=SkillsProfile.stage, order_by=(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc()))
            .label("position"),
            sa.func.count().over(partition_by=SkillsProfile.stage).label("in_stage"),
        )
        .where(*_people_filter(user, desk_id))
        .subquery("ranked")
    )
    person = joinedload(SkillsProfile.person).load_only(Person.id, Person.given_names, Person.family_name)
    rows = db.session.execute(
        sa.select(SkillsProfile, ranked.c.in_stage)
        .join(ranked, ranked.c.profile_id == SkillsProfile.id)
        .where(ranked.c.position <= PER_STAGE)
        .order_by(ranked.c.position)
        .options(person.lazyload(Person.desk))
    ).all()
    counts: dict[JobStage, int] = {}
    by_stage: dict[JobStage, list[SkillsProfile]] = {stage: [] for stage in JobStage}
    for profile, in_stage in rows:
        by_stage[profile.stage].append(profile)
        counts[profile.stage] = in_stage

    offers = dict(db.session.execute(sa.select(JobOffer.status, sa.func.count()).group_by(JobOffer.status)).all())
    closing_rows = db.session.execute(
        sa.select(JobOffer, sa.func.count().over().label("total"))
        .where(
            JobOffer.status == OfferStatus.OPEN,
            JobOffer.closes_on >= on,
            JobOffer.closes_on <= on + timedelta(days=CLOSING_WITHIN_DAYS),
        )
        .order_by(JobOffer.closes_on, JobOffer.id)
        .limit(CLOSING_SHOWN)
    ).all()

    # What a line shows of the case: its number and the person's name.
    case_options = (
        contains_eager(Internship.case)
        .load_only(Case.id, Case.reference, Case.person_id, Case.desk_id)
        .options(
            lazyload(Case.tracks),
            lazyload(Case.desk),
            lazyload(Case.operator),
            joinedload(Case.person).load_only(Person.id, Person.given_names, Person.family_name).lazyload(Person.desk),
        )
    )
    internship_rows = db.session.execute(
        sa.select(Internship, sa.func.count().over().label("total"))
        .join(Case, Case.id == Internship.case_id)
        .where(Internship.status == InternshipStatus.RUNNING, *_case_filter(user, desk_id))
        .order_by(Internship.ends_on, Internship.id)
        .limit(INTERNSHIPS_SHOWN)
        .options(case_options)
    ).all()
    return Board(
        columns=[StageColumn(stage, counts.get(stage, 0), by_stage[stage]) for stage in JobStage],
        offers=[(status, offers.get(status, 0)) for status in OfferStatus],
        closing=[row[0] for row in closing_rows],
        closing_count=int(closing_rows[0].total) if closing_rows else 0,
        internships=[row[0] for row in internship_rows],
        internship_count=int(internship_rows[0].total) if internship_rows else 0,
    )
