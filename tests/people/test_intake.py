"""Intake: registration, duplicates shown before saving, bad input, edits and conflicts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.people.models import DatePrecision, PermitStatus, Person
from tests.conftest import text_of

BASE = {
    "given_names": "Fatima Zahra",
    "family_name": "Benali",
    "given_names_original": "فاطمة الزهراء",
    "family_name_original": "بنعلي",
    "sex": "F",
    "birth_date": "1992-04-18",
    "country_of_birth": "MA",
    "citizenships-0": "MA",
    "preferred_language": "ar",
    "languages-0-language": "ar",
    "languages-0-level": "native",
    "languages-1-language": "it",
    "languages-1-level": "basic",
    "phone": "333 123 4567",
    "whatsapp": "y",
}


def _only_person(db) -> Person:
    return db.session.scalars(sa.select(Person)).one()


def test_register_a_person(client, login_as, db, desk):
    login_as(Role.OPERATOR, language="en")
    response = client.post("/people/new", data=BASE)
    assert response.status_code == 302
    person = _only_person(db)
    assert person.desk_id == desk.id
    assert person.phone == "+393331234567" and person.whatsapp
    assert person.birth_date == date(1992, 4, 18) and person.birth_date_precision is DatePrecision.EXACT
    assert person.citizenship_codes == ["MA"]
    assert [(s.language, s.level.value) for s in person.languages] == [("ar", "native"), ("it", "basic")]
    page = text_of(client.get(response.location))
    assert "Benali" in page and "فاطمة الزهراء" in page and "Morocco" in page and "+39 333 123 4567" in page
    created = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Person")).first()
    assert created.action is Action.CREATE and created.changes["citizenships"] == [None, ["MA"]]


def test_opening_a_file_is_audited(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR)
    person = make_person(desk)
    db.session.commit()
    client.get(f"/people/{person.id}")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.VIEW)).one()
    assert entry.object_id == person.id and entry.desk_id == desk.id


def test_first_of_january_means_year_only(client, login_as, db):
    login_as(Role.OPERATOR)
    client.post("/people/new", data=BASE | {"birth_date": "1992-01-01"})
    person = _only_person(db)
    assert person.birth_date_precision is DatePrecision.YEAR


def test_possible_duplicates_are_shown_before_saving(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    existing = make_person(
        desk,
        given_names="Fatima",
        family_name="Benali",
        birth_date=date(1992, 1, 1),
        birth_date_precision=DatePrecision.YEAR,
    )
    db.session.commit()
    response = client.post("/people/new", data=BASE)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"/people/{existing.id}" in html and "may already be registered" in text_of(response)
    assert 'value="Fatima Zahra"' in html  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    # Confirming registers the new person.
    confirm = re.search(r'name="confirm_new" type="hidden" value="(\d)"', html).group(1)
    response = client.post("/people/new", data=BASE | {"confirm_new": confirm})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2


def test_bad_input_gets_messages_next_to_the_fields(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    future = (date.today() + timedelta(days=10)).isoformat()
    response = client.post(
        "/people/new",
        data=BASE
        | {
            "given_names": "Fati\u202ema",  # a right-to-left override hiding in the name
            "family_name": "بنعلي",  # not Latin letters
            "birth_date": future,
            "fiscal_code": "RSSMRA80A01H501X",
            "phone": "12",
            "notes": "x" * 10_000,
        },
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "invisible control or text-direction characters" in text
    assert "in Latin letters" in text
    assert "This date is in the future." in text
    assert "5000" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def test_rules_between_fields(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    response = client.post(
        "/people/new",
        data=BASE
        | {
            "fiscal_code": "RSSMRA80A01H501X",
            "phone": "12",
            "permit_type": "employment",
            "permit_issued_on": "2025-05-01",
            "permit_expires_on": "2025-04-01",
            "permit_status": "renewal_requested",
            "arrival_date": "1990-01-01",
        },
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "This codice fiscale is not valid" in text
    assert "This phone number is not valid" in text
    assert "The expiry date must come after the issue date." in text
    assert "Enter the date of the renewal receipt." in text
    assert "The arrival date is before the date of birth." in text
    assert 'value="Fatima Zahra"' in response.get_data(as_text=True)
    permit_without_type = client.post("/people/new", data=BASE | {"permit_number": "AB123"})
    assert "Choose the type of the permit" in text_of(permit_without_type)


def test_fiscal_code_mismatch_is_a_warning_not_a_block(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    # A valid code for Mario Rossi, male, born 1 January 1990.
    response = client.post("/people/new", data=BASE | {"fiscal_code": "RSSMRA90A01H501W", "confirm_new": "1"})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "does not match the family name" in page and "other sex" in page


def test_temporary_numeric_fiscal_code_is_accepted(client, login_as, db):
    login_as(Role.OPERATOR)
    assert client.post("/people/new", data=BASE | {"fiscal_code": "12345678901"}).status_code == 302


def test_edit_with_a_stale_version_shows_both_and_loses_nothing(client, login_as, db, desk, make_person, app):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk, given_names="Olena", family_name="Kovalenko", preferred_language="uk")
    db.session.commit()
    form = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {
        "given_names": "Olena",
        "family_name": "Kovalenko",
        "sex": "F",
        "preferred_language": "uk",
        "version": version,
    }

    assert client.post(f"/people/{person.id}/edit", data=data | {"municipality": "Lugo"}).status_code == 302
    response = client.post(f"/people/{person.id}/edit", data=data | {"municipality": "Faenza"})
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone else saved this record" in text and "Lugo" in text
    assert 'value="Faenza"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, person.id).municipality == "Lugo"


def test_edit_records_a_diff(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR)
    person = make_person(desk, given_names="Ion", family_name="Rusu", preferred_language="ro")
    db.session.commit()
    data = {
        "given_names": "Ion",
        "family_name": "Rusu",
        "sex": "M",
        "preferred_language": "ro",
        "version": person.version,
        "permit_type": "employment",
        "permit_expires_on": "2027-01-31",
        "permit_status": "valid",
        "citizenships-0": "MD",
        "citizenships-1": "RO",
    }
    assert client.post(f"/people/{person.id}/edit", data=data).status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == Action.UPDATE, AuditEntry.object_id == person.id)
    ).one()
    assert entry.changes["permit_type"] == [None, "employment"]
    assert entry.changes["citizenships"] == [[], ["MD", "RO"]]
    assert entry.changes["sex"] == ["X", "M"]
    db.session.refresh(person)
    assert person.permit_status is PermitStatus.VALID


def test_edit_form_keeps_every_citizenship(client, login_as, db, desk, make_person):
    from sportello.people.models import Citizenship

    login_as(Role.OPERATOR)
    person = make_person(desk, given_names="Ana", family_name="Lima", preferred_language="es")
    person.citizenships = [Citizenship(country=c) for c in ("BR", "IT", "PT")]
    db.session.commit()
    html = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    for code in ("BR", "IT", "PT"):
        assert f'<option value="{code}" selected>' in html
    assert 'name="citizenships-3"' in html  # and an empty row for one more
