"""Funding projects: kept by coordinators and administrators, codes unique, periods that make
sense, optimistic locking."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.mediation import roster
from sportello.mediation.models import FundingProject
from tests.conftest import text_of

BASE = "/mediation/projects"


def project_data(**overrides) -> dict:
    return {
        "code": "e31j24000120007",
        "name": "FAMI Mediazione 2026",
        "funder": "Ministero dell'Interno",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "active": "y",
        **overrides,
    }


def make_project(db, code="CUP-A", **values) -> FundingProject:
    project = FundingProject(code=code, name=values.pop("name", "Project"), **values)
    db.session.add(project)
    db.session.flush()
    return project


def test_a_coordinator_creates_a_project_and_finds_it_listed_active_first(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    make_project(db, "OLD-1", name="Closed project", active=False)
    db.session.commit()
    response = client.post(f"{BASE}/new", data=project_data())
    assert response.status_code == 302
    project = db.session.scalars(sa.select(FundingProject).where(FundingProject.name == "FAMI Mediazione 2026")).one()
    assert project.code == "E31J24000120007" and project.ends_on == date(2026, 12, 31)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "FundingProject")).one()
    assert entry.action is Action.CREATE and entry.changes["code"] == [None, "E31J24000120007"]
    listing = text_of(client.get(f"{BASE}/"))
    assert listing.index("E31J24000120007") < listing.index("OLD-1")
    admin = text_of(client.get("/admin/"))
    assert "Funding projects" in admin


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "cup-a"}, "code", "Another project already has this code."),
        ({"code": ""}, "code", "Enter the project code."),
        ({"name": ""}, "name", "Enter the project's name."),
        ({"ends_on": "2025-12-31"}, "ends_on", "The project cannot end before it starts."),
        ({"starts_on": "31/31/2026"}, "starts_on", "Not a valid date value"),
    ],
)
def test_bad_projects_are_refused_next_to_the_field(client, login_as, db, changes, field, message):
    login_as(Role.ADMIN, language="en")
    make_project(db, "CUP-A")
    db.session.commit()
    response = client.post(f"{BASE}/new", data=project_data(funder="Kept funder", **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</div>', html, re.S)
    assert error and message in error.group(1)
    assert 'value="Kept funder"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingProject)) == 1


def test_a_code_taken_on_edit_is_refused_at_the_field(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    make_project(db, "CUP-A")
    other = make_project(db, "CUP-B")
    db.session.commit()
    response = client.post(f"{BASE}/{other.id}/edit", data=project_data(code="CUP-A", version=other.version))
    assert response.status_code == 422
    assert "Another project already has this code." in text_of(response)
    # Keeping its own code is fine.
    response = client.post(f"{BASE}/{other.id}/edit", data=project_data(code="cup-b", version=other.version))
    assert response.status_code == 302


def test_a_code_taken_at_the_same_moment_is_a_message_not_an_error(client, login_as, db, monkeypatch):
    """The check and the insert are not atomic: the unique index has the last word."""
    login_as(Role.COORDINATOR, language="en")
    make_project(db, "CUP-A")
    db.session.commit()
    monkeypatch.setattr(roster, "_code_taken", lambda code, project: False)
    response = client.post(f"{BASE}/new", data=project_data(code="CUP-A"))
    assert response.status_code == 422
    assert "Another project already has this code." in text_of(response)


def test_a_stale_project_edit_shows_both_versions(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    project = make_project(db, "CUP-A", name="First name")
    db.session.commit()
    old = project.version
    roster.update_project(project, {"code": "CUP-A", "name": "Saved meanwhile", "active": True}, version=old)
    db.session.commit()
    response = client.post(f"{BASE}/{project.id}/edit", data=project_data(code="CUP-A", name="Mine", version=old))
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved meanwhile" in page and "Mine" in page
    db.session.refresh(project)
    assert project.name == "Saved meanwhile"


def test_operators_and_mediators_do_not_see_projects(client, login_as):
    login_as(Role.OPERATOR, language="en")
    assert client.get(f"{BASE}/").status_code == 403
    assert "Funding projects" not in text_of(client.get("/"))
