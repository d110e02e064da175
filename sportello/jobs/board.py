"""The employment board: people by job stage, offers by status with those closing soon, and the
internships running; scoped to the user's desks. A fixed number of queries whatever the numbers.

The board shows a few columns of many rows, so it reads plain rows of the columns it shows, not
whole records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.jobs.matching import profiles_in_view
from sportello.jobs.models import (
    Employer,
    Internship,
    InternshipStatus,
    JobOffer,
    JobStage,
    OfferStatus,
    SkillsProfile,
)
from sportello.people.models import Person

PER_STAGE = 20
CLOSING_WITHIN_DAYS = 14
CLOSING_SHOWN = 20
INTERNSHIPS_SHOWN = 20


@dataclass
class StageColumn:
    stage: JobStage
    count: int
    # Rows of: id, person_id, stage, stage_on, italian_level, municipality, updated_at,
    # given_names, family_name.
    profiles: list[Any]


@dataclass
class Board:
    columns: list[StageColumn]
    offers: list[tuple[OfferStatus, int]]
    # Rows of: id, title, municipality, closes_on, hired_count, positions, employer.
    closing: list[Any]
    closing_count: int
    # Rows of: id, role, ends_on, case_id, reference, given_names, family_name, host.
    internships: list[Any]
    internship_count: int

    @property
    def people(self) -> int:
        return sum(column.count for column in self.columns)


def _last_of_stage(stage: JobStage, sets: list[tuple[list[Any], bool]]) -> Any:
    """The ids of the 20 profiles of ``stage`` updated last: the last 20 of each large set, read
    down its index, and every one of the small sets, then the last 20 of those."""
    firsts = []
    for conditions, large in sets:
        first = sa.select(SkillsProfile.id, SkillsProfile.updated_at).where(*conditions)
        if large:
            first = first.where(SkillsProfile.stage == stage)
            first = first.order_by(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc()).limit(PER_STAGE)
        else:
            # The stage asked as an expression, which no index answers: a planner without
            # statistics would otherwise read the whole stage to find the few people of the set.
            first = first.where(
                sa.type_coerce(SkillsProfile.stage, sa.String).concat(sa.literal_column("''")) == stage.value
            )
        firsts.append(first.subquery())
    merged = sa.union_all(*(sa.select(first) for first in firsts)).subquery()
    return sa.select(
        sa.select(merged.c.id).order_by(merged.c.updated_at.desc(), merged.c.id.desc()).limit(PER_STAGE).subquery()
    )


def _case_filter(user, desk_id: int | None) -> list[Any]:
    conditions: list[Any] = []
    if user.role is not Role.ADMIN:
        conditions.append(Case.desk_id.in_(user.desk_ids))
    if desk_id:
        conditions.append(Case.desk_id == desk_id)
    return conditions


def board(user, on: date, *, desk_id: int | None = None) -> Board:
    """Five queries whatever the numbers: the count of each stage among the people in view, the
    profiles shown (the 20 updated last of each stage), offers by status, open offers closing
    within 14 days (the first 20 and their count), and running internships (the 20 ending soonest
    and their count)."""
    sets = profiles_in_view(user, desk_id)
    counts: dict[JobStage, int] = {}
    if sets:
        by_set = sa.union_all(
            *(
                sa.select(SkillsProfile.stage, sa.func.count()).where(*conditions).group_by(SkillsProfile.stage)
                for conditions, _ in sets
            )
        )
        for stage, count in db.session.execute(by_set):
            counts[stage] = counts.get(stage, 0) + count
    last_of_stage = [_last_of_stage(stage, sets) for stage in JobStage if counts.get(stage)]
    cards = (
        db.session.execute(
            sa.select(
                SkillsProfile.id,
                SkillsProfile.person_id,
                SkillsProfile.stage,
                SkillsProfile.stage_on,
                SkillsProfile.italian_level,
                SkillsProfile.municipality,
                SkillsProfile.updated_at,
                Person.given_names,
                Person.family_name,
            )
            .join(Person, Person.id == SkillsProfile.person_id)
            .where(SkillsProfile.id.in_(sa.union_all(*last_of_stage)))
            .order_by(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc())
        ).all()
        if last_of_stage
        else []
    )
    by_stage: dict[JobStage, list[Any]] = {stage: [] for stage in JobStage}
    for card in cards:
        by_stage[card.stage].append(card)

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
        sa.select(
            JobOffer.id,
            JobOffer.title,
            JobOffer.municipality,
            JobOffer.closes_on,
            JobOffer.hired_count,
            JobOffer.positions,
            Employer.name.label("employer"),
            first_closing.c.total,
        )
        .join(first_closing, first_closing.c.offer_id == JobOffer.id)
        .join(Employer, Employer.id == JobOffer.employer_id)
        .order_by(JobOffer.closes_on, JobOffer.id)
    ).all()

    running = (
        sa.select(Internship.id.label("internship_id"), sa.func.count().over().label("total"))
        .join(Case, Case.id == Internship.case_id)
        .where(Internship.status == InternshipStatus.RUNNING, *_case_filter(user, desk_id))
        .order_by(Internship.ends_on, Internship.id)
        .limit(INTERNSHIPS_SHOWN)
        .subquery("running")
    )
    internship_rows = db.session.execute(
        sa.select(
            Internship.id,
            Internship.role,
            Internship.ends_on,
            Internship.case_id,
            Case.reference,
            Person.given_names,
            Person.family_name,
            Employer.name.label("host"),
            running.c.total,
        )
        .join(running, running.c.internship_id == Internship.id)
        .join(Case, Case.id == Internship.case_id)
        .join(Person, Person.id == Case.person_id)
        .join(Employer, Employer.id == Internship.host_id)
        .order_by(Internship.ends_on, Internship.id)
    ).all()
    return Board(
        columns=[StageColumn(stage, counts.get(stage, 0), by_stage[stage]) for stage in JobStage],
        offers=[(status, offers.get(status, 0)) for status in OfferStatus],
        closing=closing_rows,
        closing_count=int(closing_rows[0].total) if closing_rows else 0,
        internships=internship_rows,
        internship_count=int(internship_rows[0].total) if internship_rows else 0,
    )
