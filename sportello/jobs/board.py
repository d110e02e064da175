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
from sportello.jobs.matching import through_profile_index, visible_people
from sportello.jobs.models import (
    Employer,
    Internship,
    InternshipStatus,
    JobOffer,
    JobStage,
    OfferStatus,
    SkillsProfile,
)
from sportello.people.models import Person, SharedDesk

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
    """Six queries whatever the numbers: the ranks of the profiles (the 20 updated last of each
    stage, and the count of each stage, as window functions over the people in view), the
    profiles shown, offers by status, open offers closing within 14 days (the first 20 and their
    count), and running internships (the 20 ending soonest and their count)."""
    ranked = (
        sa.select(
            SkillsProfile.id.label("profile_id"),
            sa.func.row_number()
            .over(partition_by=SkillsProfile.stage, order_by=(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc()))
            .label("position"),
            sa.func.count().over(partition_by=SkillsProfile.stage).label("in_stage"),
        )
        .where(*_people_filter(user, desk_id), through_profile_index())
        .subquery("ranked")
    )
    # The ranks first, then the profiles shown by their ids: asked in one statement, a planner
    # that cannot tell how few rows pass the rank would read every profile to join them.
    in_stage = dict(
        db.session.execute(
            sa.select(ranked.c.profile_id, ranked.c.in_stage).where(ranked.c.position <= PER_STAGE)
        ).all()
    )
    cards = db.session.execute(
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
        .where(SkillsProfile.id.in_(list(in_stage)))
        .order_by(SkillsProfile.updated_at.desc(), SkillsProfile.id.desc())
    ).all()
    counts: dict[JobStage, int] = {}
    by_stage: dict[JobStage, list[Any]] = {stage: [] for stage in JobStage}
    for card in cards:
        by_stage[card.stage].append(card)
        counts[card.stage] = in_stage[card.id]

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
