"""Vulnerabilities: a vocabulary with built-in and own types, recorded on a person from a date,
ended or removed; bad input at the fields; audited and scoped."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.people.models import PersonVulnerability, VulnerabilityType
from tests.conftest import text_of
from tests.people.conftest import version_in


def _type(db, code: str) -> VulnerabilityType:
    return db.session.scalars(sa.select(VulnerabilityType).where(VulnerabilityType.code == code)).one()


def _vulnerabilities(db) -> list[PersonVulnerability]:
    return list(db.session.scalars(sa.select(PersonVulnerability)))


def test_built_in_types_are_seeded_with_stable_codes(db):
    codes = set(db.session.scalars(sa.select(VulnerabilityType.code).where(VulnerabilityType.code.is_not(None))))
    assert {
        "unaccompanied_minor",
        "trafficking",
        "disability",
        "serious_illness",
        "single_parent",
        "violence",
        "elderly_alone",
        "pregnancy",
        "homeless",
    } <= codes


def test_record_a_vulnerability(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk, given_names="Hodan", family_name="Warsame")
    db.session.commit()
    form = client.get(f"/people/{person.id}/vulnerabilities/new")
    assert "Survivor of violence" in text_of(form) and "Elderly person living alone" in text_of(form)
    violence = _type(db, "violence")
    response = client.post(
        f"/people/{person.id}/vulnerabilities/new",
        data={"type_id": violence.id, "from_date": "2025-02-01", "note": "Referred by the anti-violence centre"},
    )
    assert response.status_code == 302
    [vulnerability] = _vulnerabilities(db)
    assert vulnerability.type_id == violence.id and vulnerability.until_date is None
    page = text_of(client.get(f"/people/{person.id}"))
    assert "Survivor of violence" in page and "since Feb 1, 2025" in page and "anti-violence centre" in page
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "PersonVulnerability")).one()
    assert entry.action is Action.CREATE and entry.desk_id == desk.id
    assert entry.changes["type"] == [None, "Survivor of violence"]
    assert entry.changes["from_date"] == [None, "2025-02-01"]


def test_bad_input_keeps_what_was_typed(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    url = f"/people/{person.id}/vulnerabilities/new"
    disability = _type(db, "disability")

    no_type = client.post(url, data={"type_id": "", "from_date": "2025-01-01", "note": "Wheelchair user"})
    assert no_type.status_code == 422 and "Choose a vulnerability." in text_of(no_type)
    assert "Wheelchair user" in no_type.get_data(as_text=True)

    reversed_dates = client.post(
        url, data={"type_id": disability.id, "from_date": "2025-03-01", "until_date": "2025-01-01", "note": "x"}
    )
    assert reversed_dates.status_code == 422
    assert "The end date cannot be before the start date." in text_of(reversed_dates)
    assert 'value="2025-03-01"' in reversed_dates.get_data(as_text=True)

    future = (date.today() + timedelta(days=30)).isoformat()
    assert "This date is in the future." in text_of(
        client.post(url, data={"type_id": disability.id, "from_date": future})
    )
    garbage = client.post(url, data={"type_id": "99999", "from_date": "2025-01-01"})
    assert garbage.status_code == 422 and "Choose a vulnerability from the list." in text_of(garbage)
    not_a_date = client.post(url, data={"type_id": disability.id, "from_date": "yesterday"})
    assert not_a_date.status_code == 422
    assert _vulnerabilities(db) == []


def test_the_same_vulnerability_twice_for_one_period_is_refused(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    illness = _type(db, "serious_illness")
    db.session.add(
        PersonVulnerability(person=person, type=illness, from_date=date(2024, 1, 1), until_date=date(2024, 6, 30))
    )
    db.session.commit()
    url = f"/people/{person.id}/vulnerabilities/new"
    overlapping = client.post(url, data={"type_id": illness.id, "from_date": "2024-05-01"})
    assert overlapping.status_code == 422 and "already recorded for the same period" in text_of(overlapping)
    assert client.post(url, data={"type_id": illness.id, "from_date": "2025-01-01"}).status_code == 302
    assert len(_vulnerabilities(db)) == 2


def test_end_and_remove(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    pregnancy = PersonVulnerability(person=person, type=_type(db, "pregnancy"), from_date=date(2025, 1, 10))
    db.session.add(pregnancy)
    db.session.commit()
    url = f"/people/{person.id}/vulnerabilities/{pregnancy.id}/end"
    version = version_in(client.get(url).get_data(as_text=True))

    too_early = client.post(url, data={"until_date": "2024-12-31", "version": version})
    assert too_early.status_code == 422 and "cannot be before the start date" in text_of(too_early)
    assert client.post(url, data={"until_date": "2025-09-20", "version": version}).status_code == 302
    db.session.refresh(pregnancy)
    assert pregnancy.until_date == date(2025, 9, 20)
    page = text_of(client.get(f"/people/{person.id}"))
    assert "from Jan 10, 2025 to Sep 20, 2025" in page and "Ended" in page
    ended = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonVulnerability", AuditEntry.action == Action.UPDATE)
    ).one()
    assert ended.changes == {"until_date": [None, "2025-09-20"]}

    assert client.post(f"/people/{person.id}/vulnerabilities/{pregnancy.id}/delete").status_code == 302
    assert _vulnerabilities(db) == []
    removed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonVulnerability", AuditEntry.action == Action.DELETE)
    ).one()
    assert removed.changes["type"] == ["Pregnancy", None]


def test_ending_from_a_stale_page_is_refused(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    homeless = PersonVulnerability(person=person, type=_type(db, "homeless"), from_date=date(2025, 1, 1))
    db.session.add(homeless)
    db.session.commit()
    url = f"/people/{person.id}/vulnerabilities/{homeless.id}/end"
    version = version_in(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"until_date": "2025-03-01", "version": version}).status_code == 302
    stale = client.post(url, data={"until_date": "2025-04-01", "version": version})
    assert stale.status_code == 409
    assert "Someone else saved this record" in text_of(stale) and 'value="2025-04-01"' in stale.get_data(as_text=True)
    db.session.refresh(homeless)
    assert homeless.until_date == date(2025, 3, 1)


def test_a_vulnerability_of_another_person_is_not_found_here(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR)
    person, other = make_person(desk), make_person(desk)
    vulnerability = PersonVulnerability(person=other, type=_type(db, "disability"), from_date=date(2025, 1, 1))
    db.session.add(vulnerability)
    db.session.commit()
    assert client.post(f"/people/{person.id}/vulnerabilities/{vulnerability.id}/delete").status_code == 404
    assert len(_vulnerabilities(db)) == 1


def test_another_desks_operator_is_refused(client, login_as, db, desk, other_desk, make_person):
    person = make_person(desk)
    vulnerability = PersonVulnerability(person=person, type=_type(db, "disability"), from_date=date(2025, 1, 1))
    db.session.add(vulnerability)
    db.session.commit()
    login_as(Role.OPERATOR, other_desk)
    disability = _type(db, "disability")
    url = f"/people/{person.id}/vulnerabilities"
    assert client.post(f"{url}/new", data={"type_id": disability.id, "from_date": "2025-01-01"}).status_code == 403
    assert client.post(f"{url}/{vulnerability.id}/delete").status_code == 403
    assert client.get(f"{url}/{vulnerability.id}/end").status_code == 403
    assert len(_vulnerabilities(db)) == 1


# ---- the vocabulary, in the admin area --------------------------------------------------------


def test_admins_add_rename_and_retire_types(client, login_as, db, desk, make_person):
    login_as(Role.ADMIN, language="en")
    assert "/admin/vulnerabilities" in client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/vulnerabilities/new", data={"name": "Survivor of torture"}).status_code == 302
    own = db.session.scalars(sa.select(VulnerabilityType).where(VulnerabilityType.name == "Survivor of torture")).one()
    assert own.code is None and own.active

    version = version_in(client.get(f"/admin/vulnerabilities/{own.id}").get_data(as_text=True))
    response = client.post(
        f"/admin/vulnerabilities/{own.id}",
        data={"name": "Survivor of torture or ill-treatment", "active": "y", "version": version},
    )
    assert response.status_code == 302
    db.session.refresh(own)
    assert own.name == "Survivor of torture or ill-treatment"
    listing = text_of(client.get("/admin/vulnerabilities"))
    assert "Survivor of torture or ill-treatment" in listing and "Unaccompanied minor" in listing

    # A built-in type keeps its translated name but can be taken out of use.
    builtin = _type(db, "elderly_alone")
    version = version_in(client.get(f"/admin/vulnerabilities/{builtin.id}").get_data(as_text=True))
    assert (
        client.post(f"/admin/vulnerabilities/{builtin.id}", data={"name": "Old", "version": version}).status_code == 302
    )
    db.session.refresh(builtin)
    assert builtin.name == "Elderly person living alone" and not builtin.active
    person = make_person(desk)
    db.session.commit()
    form = text_of(client.get(f"/people/{person.id}/vulnerabilities/new"))
    assert "Elderly person living alone" not in form and "Survivor of torture or ill-treatment" in form
    refused = client.post(
        f"/people/{person.id}/vulnerabilities/new", data={"type_id": builtin.id, "from_date": "2025-01-01"}
    )
    assert refused.status_code == 422

    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "VulnerabilityType").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == [Action.CREATE, Action.UPDATE, Action.UPDATE]


def test_type_names_are_unique_whatever_the_case(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    for name in ("disability", "SURVIVOR OF VIOLENCE"):
        response = client.post("/admin/vulnerabilities/new", data={"name": name})
        assert response.status_code == 422 and "There is already a vulnerability with this name." in text_of(response)
    empty = client.post("/admin/vulnerabilities/new", data={"name": "  "})
    assert empty.status_code == 422 and "Enter a name." in text_of(empty)


def test_renaming_from_a_stale_page_is_refused(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    client.post("/admin/vulnerabilities/new", data={"name": "Debt bondage"})
    own = db.session.scalars(sa.select(VulnerabilityType).where(VulnerabilityType.name == "Debt bondage")).one()
    version = version_in(client.get(f"/admin/vulnerabilities/{own.id}").get_data(as_text=True))
    client.post(
        f"/admin/vulnerabilities/{own.id}",
        data={"name": "Debt bondage (exploitation)", "active": "y", "version": version},
    )
    stale = client.post(
        f"/admin/vulnerabilities/{own.id}", data={"name": "Debt slavery", "active": "y", "version": version}
    )
    assert stale.status_code == 409 and 'value="Debt slavery"' in stale.get_data(as_text=True)


def test_only_admins_manage_the_vocabulary(client, login_as, db):
    login_as(Role.COORDINATOR)
    assert client.get("/admin/vulnerabilities").status_code == 403
    assert "/admin/vulnerabilities" not in client.get("/admin/").get_data(as_text=True)
