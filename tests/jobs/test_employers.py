"""The employers' roster: adding and editing an employer (VAT or tax number checked, phone in
E.164), bad input at the field, stale edits, the list's filters and pages, the employer's page
with its offers and the internships it hosts (other desks' counted, not shown), its queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import employers
from sportello.jobs.models import Employer, OfferStatus, Sector
from tests.conftest import text_of
from tests.jobs.offer_helpers import audit_entries, count_queries, make_case, make_internship

EMPLOYERS = "/jobs/employers"


def employer_data(**overrides) -> dict:
    data = {
        "name": "Logistica Romagna Srl",
        "sector": "logistics",
        "tax_number": "IT 00743110157",
        "contact_name": "Marta Rinaldi",
        "phone": "0544 123456",
        "email": "Lavoro@LogisticaRomagna.example",
        "address": "Via Classicana 20",
        "municipality": "Ravenna",
        "notes": "Hires for the summer peak",
        "active": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_operator_adds_an_employer(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    assert client.get(f"{EMPLOYERS}/new").status_code == 200
    response = client.post(f"{EMPLOYERS}/new", data=employer_data())
    assert response.status_code == 302, text_of(response)[:800]
    employer = db.session.scalars(sa.select(Employer)).one()
    assert response.location == f"{EMPLOYERS}/{employer.id}"
    assert employer.tax_number == "00743110157" and employer.phone == "+390544123456"
    assert employer.email == "lavoro@logisticaromagna.example" and employer.sector is Sector.LOGISTICS
    assert employer.active and employer.contact_name == "Marta Rinaldi"
    [entry] = audit_entries(db, employer)
    assert entry.action is Action.CREATE and entry.changes["tax_number"] == [None, "00743110157"]
    page = text_of(client.get(f"{EMPLOYERS}/{employer.id}"))
    assert "Logistica Romagna Srl" in page and "+39 0544 123456" in page and "00743110157" in page
    assert "No offer from this employer yet." in page and "This employer has hosted no internship yet." in page


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("00743110157", "00743110157"),
        ("IT00743110157", "00743110157"),
        ("rssmra85t10a562s", "RSSMRA85T10A562S"),
        ("", ""),
    ],
)
def test_a_vat_number_or_a_tax_code_is_kept_in_its_plain_form(raw, stored):
    assert employers.clean_tax_number(raw) == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_number", "00743110158", "its last digit does not match"),
        ("tax_number", "RSSMRA85T10A562T", "This tax code is not valid"),
        ("tax_number", "12345", "Enter the 11-digit VAT number"),
        ("phone", "12", "This phone number is not valid"),
        ("name", "  ", "Enter the employer's name."),
        ("name", "x" * 161, "Field cannot be longer than 160 characters."),
        ("sector", "", "Choose the sector."),
        ("sector", "piracy", "Choose the sector."),
        ("email", "not-an-address", "Enter a valid email address"),
        ("notes", "call \u202eback", "Remove the invisible control or text-direction characters"),
    ],
)
def test_bad_employer_input_is_refused_at_the_field(client, login_as, db, field, value, message):
    login_as(Role.COORDINATOR, language="en")
    response = client.post(f"{EMPLOYERS}/new", data=employer_data(**{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'value="Via Classicana 20"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def test_an_employer_is_edited_and_audited(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Coop Sole")
    db.session.commit()
    form = client.get(f"{EMPLOYERS}/{employer.id}/edit").get_data(as_text=True)
    assert 'value="Coop Sole"' in form and f'name="version" type="hidden" value="{employer.version}"' in form
    response = client.post(
        f"{EMPLOYERS}/{employer.id}/edit",
        data=employer_data(name="Coop Sole", sector="cleaning", active=None, version=str(employer.version)),
    )
    assert response.status_code == 302
    db.session.refresh(employer)
    assert employer.sector is Sector.CLEANING and not employer.active
    entry = audit_entries(db, employer)[-1]
    assert entry.action is Action.UPDATE
    assert entry.changes["sector"] == ["logistics", "cleaning"] and entry.changes["active"] == [True, False]


def test_a_stale_employer_edit_shows_both_versions(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Casa Srl", notes="first")
    db.session.commit()
    old = employer.version
    values = employers.clean_employer_values({"name": "Casa Srl", "sector": "retail", "notes": "Saved Meanwhile"})
    employers.update_employer(employer, values, version=old)
    db.session.commit()
    response = client.post(
        f"{EMPLOYERS}/{employer.id}/edit", data=employer_data(name="Casa Srl", notes="Mine", version=str(old))
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved Meanwhile" in page and "Mine" in page
    db.session.refresh(employer)
    assert employer.notes == "Saved Meanwhile"
    response = client.post(
        f"{EMPLOYERS}/{employer.id}/edit",
        data=employer_data(name="Casa Srl", notes="Mine", version=str(employer.version)),
    )
    assert response.status_code == 302
    db.session.refresh(employer)
    assert employer.notes == "Mine" and employer.sector is Sector.LOGISTICS


def test_the_list_filters_by_name_sector_municipality_and_activity(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    make_employer(name="Alfa Trasporti", sector=Sector.TRANSPORT, municipality="Lugo")
    make_employer(name="Beta Pulizie", sector=Sector.CLEANING, municipality="Ravenna")
    make_employer(name="Gamma Hotel", sector=Sector.HOSPITALITY, municipality="Cervia", active=False)
    db.session.commit()

    def names(**args):
        response = client.get(f"{EMPLOYERS}/", query_string=args)
        assert response.status_code == 200, text_of(response)[:500]
        page = text_of(response)
        return {name for name in ("Alfa Trasporti", "Beta Pulizie", "Gamma Hotel") if name in page}

    assert names() == {"Alfa Trasporti", "Beta Pulizie"}
    assert names(status="all") == {"Alfa Trasporti", "Beta Pulizie", "Gamma Hotel"}
    assert names(status="inactive") == {"Gamma Hotel"}
    assert names(name="beta") == {"Beta Pulizie"}
    assert names(name="100%") == set()
    assert names(sector="transport") == {"Alfa Trasporti"}
    assert names(municipality="ravenna") == {"Beta Pulizie"}
    for bad in ({"sector": "piracy"}, {"status": "gone"}, {"name": "x" * 161}):
        assert client.get(f"{EMPLOYERS}/", query_string=bad).status_code == 422, bad


def test_the_list_is_paginated(app, client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    per_page = app.config["ITEMS_PER_PAGE"]
    for n in range(per_page + 2):
        make_employer(name=f"Firm {n:03d}")
    db.session.commit()
    first = text_of(client.get(f"{EMPLOYERS}/"))
    second = text_of(client.get(f"{EMPLOYERS}/?page=2"))
    assert "Firm 000" in first and f"Firm {per_page:03d}" not in first
    assert f"Firm {per_page:03d}" in second and f"Firm {per_page + 1:03d}" in second
    assert f"{per_page + 2} records" in first


def test_the_employer_page_shows_offers_and_only_the_internships_of_visible_cases(
    client, login_as, db, desk, other_desk, make_employer, make_job_offer, make_person
):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Hotel Mare")
    make_job_offer(employer=employer, title="Receptionist", closes_on=today() + timedelta(days=3))
    make_job_offer(employer=employer, title="Chambermaid", status=OfferStatus.FILLED)
    make_job_offer(employer=employer, title="Cook", closes_on=today() - timedelta(days=1))
    own = make_case(db, desk, make_person(desk))
    other = make_case(db, other_desk, make_person(other_desk))
    make_internship(db, own, employer, role="Kitchen assistant", starts_on=date(2026, 2, 2))
    make_internship(db, other, employer, role="Bartender")
    make_internship(db, other, employer, role="Porter")
    db.session.commit()
    response = client.get(f"{EMPLOYERS}/{employer.id}")
    page = text_of(response)
    assert page.index("Receptionist") < page.index("Chambermaid")
    assert "Filled" in page and "Closing date passed" in page
    assert own.reference in page and "Kitchen assistant" in page
    assert other.reference not in page and "Bartender" not in page and "Porter" not in page
    assert "2 more internships belong to cases of other desks." in page


def test_an_administrator_sees_every_hosted_internship(
    client, login_as, db, desk, other_desk, make_employer, make_person
):
    login_as(Role.ADMIN, language="en")
    employer = make_employer()
    other = make_case(db, other_desk, make_person(other_desk))
    make_internship(db, other, employer, role="Bartender")
    db.session.commit()
    page = text_of(client.get(f"{EMPLOYERS}/{employer.id}"))
    assert other.reference in page and "Bartender" in page and "more internship" not in page


def test_a_mediator_cannot_see_the_roster(client, login_as, db, make_employer):
    login_as(Role.MEDIATOR)
    employer = make_employer()
    db.session.commit()
    assert client.get(f"{EMPLOYERS}/").status_code == 403
    assert client.get(f"{EMPLOYERS}/{employer.id}").status_code == 403


def test_the_list_and_the_page_do_not_query_per_row(
    client, login_as, db, desk, other_desk, make_employer, make_job_offer, make_person
):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer()

    def grow(n):
        for _ in range(n):
            make_job_offer(employer=make_employer())
            make_job_offer(employer=employer, status=OfferStatus.CLOSED)
            for on_desk in (desk, other_desk):
                make_internship(db, make_case(db, on_desk, make_person(on_desk)), employer)
        db.session.commit()

    grow(1)
    urls = (f"{EMPLOYERS}/", f"{EMPLOYERS}/?status=all&sector=logistics", f"{EMPLOYERS}/{employer.id}")
    few = {url: count_queries(db, client, url) for url in urls}
    grow(5)
    assert {url: count_queries(db, client, url) for url in urls} == few
