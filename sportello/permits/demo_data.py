"""Demo checklists: a few cases preparing a permit application, at different points."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from sportello.cases.models import Case, CaseStatus
from sportello.core.forms import today
from sportello.extensions import db
from sportello.permits import services
from sportello.permits.catalog import load_catalog
from sportello.permits.models import ChecklistStatus, FilingPlace, ItemStatus

# (procedure, answers, documents ready, days to the filing appointment or None, link)
CHECKLISTS = [
    ("RIN_LAV_SUB", {"permit_over_1y": True, "domestic_worker": True}, 9, 5, True),
    ("UE_LP", {"family_included": True}, 4, None, True),
    ("RICONG", {"employed": True, "minor_children": True}, 12, 20, False),
    ("RIN_FAM", {"children_under_14": True}, 2, None, False),
    ("RIN_ATT_OCC", {}, 7, -2, False),
]


def seed_checklists() -> int:
    """Load the catalog, then give the first open demo cases a checklist each."""
    load_catalog()
    cases = list(
        db.session.scalars(
            sa.select(Case).where(Case.status == CaseStatus.OPEN).order_by(Case.id).limit(len(CHECKLISTS))
        )
    )
    day = today()
    for case, (code, answers, ready, filing_in, with_link) in zip(cases, CHECKLISTS, strict=False):
        procedure = services.procedure_by_code(code)
        checklist = services.start_checklist(
            case, services.version_of(procedure), answers, case.person.preferred_language or "it"
        )
        for item in checklist.items[:ready]:
            item.status = ItemStatus.VERIFIED if item.position % 3 == 0 else ItemStatus.COLLECTED
        if filing_in is not None:
            checklist.filing_on = day + timedelta(days=filing_in)
            checklist.filing_place = FilingPlace(services.content_of(checklist).filing_place)
            if filing_in < 0:
                checklist.status = ChecklistStatus.FILED
        checklist.count_items()
        if with_link:
            services.create_link(checklist)
        db.session.flush()
    return min(len(cases), len(CHECKLISTS))
