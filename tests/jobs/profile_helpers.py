"""Plain helpers for the tests of skills profiles and CVs: a case, and a profile with rows, made
directly with the models (no rules checked)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.audit import AuditEntry
from sportello.core.forms import today
from sportello.jobs.models import (
    Education,
    EducationLevel,
    Experience,
    ProfileLanguage,
    Recognition,
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
        **values,
    )
    db.session.add(case)
    db.session.flush()
    return case


def add_rows(db, profile, *, educations=1, experiences=1, languages=("fr",)) -> None:
    """Rows of each kind on ``profile``: the n-th experience ended n years ago."""
    for n in range(educations):
        profile.educations.append(
            Education(
                level=EducationLevel.UPPER_SECONDARY,
                title=f"Diploma {n}",
                country="MA",
                year=2000 + n,
                recognition=Recognition.NONE,
            )
        )
    for n in range(experiences):
        profile.experiences.append(
            Experience(
                role=f"Role {n}",
                sector=Sector.CONSTRUCTION,
                country="MA",
                employer=f"Employer {n}",
                years=Decimal("2"),
                until_year=today().year - n,
                description=f"Did things {n}",
            )
        )
    for code in languages:
        profile.languages.append(ProfileLanguage(language=code, level=None, mother_tongue=True))
    db.session.flush()


def entries_of(db, obj) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
            .order_by(AuditEntry.id)
        )
    )
