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
from sportello.jobs.matching import visible_people
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
    """The profiles of the people the user may see (see ``matching.visible_people``), optionally
    of one desk's people only (registered there or shared with it)."""
    conditions: list[Any] = [visible_people(SkillsProfile.person_id, user)]
    if desk_id:
        conditions.append(
            SkillsProfile.person_id.in_(
                sa.union_all(
                    sa.select(Person.id).where(Person.desk_id == desk_id),
                    sa.select(SharedDesk.person_id).where(SharedDesk.desk_id == desk_id),
                )
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
    """Five queries whatever the numbers: the profiles shown (for each stage the 20 updated last,
    each read through the index on stage and date), the count of each stage, offers by status,
    open offers closing within 14 days (the first 20 and their count), and running internships
    (the 20 ending soonest and their count)."""
    filters = _people_filter(user, desk_id)
    firsts = []
    for stage in JobStage:
        first = (
            sa.select(SkillsProfile.id)
            .where(SkillsProfile.stage == stage, *filters)
            .order_by(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc())
            .limit(PER_STAGE)
            .subquery()
        )
        firsts.append(sa.select(first.c.id))
    shown = sa.union_all(*firsts).subquery("shown")
    person = joinedload(SkillsProfile.person).load_only(Person.id, Person.given_names, Person.family_name)
    profiles = db.session.scalars(
        sa.select(SkillsProfile)
        .join(shown, shown.c.id == SkillsProfile.id)
        .order_by(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc())
        .options(person.lazyload(Person.desk))
    ).all()
    by_stage: dict[JobStage, list[SkillsProfile]] = {stage: [] for stage in JobStage}
    for profile in profiles:
        by_stage[profile.stage].append(profile)
    counts = dict(
        db.session.execute(
            sa.select(SkillsProfile.stage, sa.func.count()).where(*filters).group_by(SkillsProfile.stage)
        ).all()
    )

    offers = dict(db.session.execute(sa.select(JobOffer.status, sa.func.count()).group_by(JobOffer.status)).all())
    # The offers closing soon are found and counted from the index on status and closing date;
    # only the first 20 are read.
    closing = (
        sa.select(JobOffer.id.label("offer_id"), JobOffer.closes_on.label("closes_on"))
        .where(
            JobOffer.status == OfferStatus.OPEN,
            JobOffer.closes_on >= on,
            JobOffer.closes_on <= on + timedelta(days=CLOSING_WITHIN_DAYS),
        )
        .subquery("closing")
    )
    first_closing = (
        sa.select(closing.c.offer_id, sa.func.count().over().label("total"))
        .order_by(closing.c.closes_on, closing.c.offer_id)
        .limit(CLOSING_SHOWN)
        .subquery("first_closing")
    )
    closing_rows = db.session.execute(
        sa.select(JobOffer, first_closing.c.total)
        .join(first_closing, first_closing.c.offer_id == JobOffer.id)
        .order_by(JobOffer.closes_on, JobOffer.id)
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
