"""Finding people: fuzzy names, identifiers, filters, scoping, renewals on the home page."""

from __future__ import annotations

from datetime import date, timedelta

from sportello.core.roles import Role
from sportello.people.models import PermitStatus, PermitType
from tests.conftest import text_of


def test_fuzzy_name_search(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    make_person(desk, given_names="Mohamed", family_name="El Amrani", family_name_original="العمراني")
    make_person(desk, given_names="Olena", family_name="Kovalenko")
    db.session.commit()
    for query in ("Muhammad Elamrani", "amrani mohammed", "العمراني", "El Amr"):
        page = text_of(client.get("/people/", query_string={"q": query}))
        assert "El Amrani" in page and "Kovalenko" not in page, query
    assert "Nobody matches" in text_of(client.get("/people/?q=Zzyzx"))


def test_search_by_identifiers_and_filters(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    make_person(
        desk,
        given_names="Wei",
        family_name="Wang",
        fiscal_code="WNGWEI83M08Z210X",
        phone="+393331112222",
        passport_number="E12345678",
    )
    make_person(desk, given_names="Li Na", family_name="Chen", permit_number="I00000012")
    db.session.commit()
    assert "Wang" in text_of(client.get("/people/?fiscal_code=wngwei83m08z210x"))
    assert "Wang" in text_of(client.get("/people/?phone=333 111 2222"))
    assert "Wang" in text_of(client.get("/people/?document=e12345678"))
    page = text_of(client.get("/people/?document=I00000012"))
    assert "Chen" in page and "Wang" not in page


def test_operators_do_not_find_other_desks_people(client, login_as, db, desk, other_desk, make_person):
    login_as(Role.OPERATOR)
    make_person(desk, family_name="Visible")
    hidden = make_person(other_desk, family_name="Hidden")
    db.session.commit()
    page = text_of(client.get("/people/"))
    assert "Visible" in page and "Hidden" not in page
    assert "Hidden" not in text_of(client.get("/people/?q=Hidden"))
    assert client.get(f"/people/{hidden.id}").status_code == 403


def test_renewal_window_on_the_home_page_and_filter(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    today = date.today()
    make_person(
        desk, family_name="Soon", permit_type=PermitType.EMPLOYMENT, permit_expires_on=today + timedelta(days=30)
    )
    make_person(desk, family_name="Late", permit_type=PermitType.FAMILY, permit_expires_on=today - timedelta(days=20))
    make_person(
        desk,
        family_name="Requested",
        permit_type=PermitType.FAMILY,
        permit_expires_on=today - timedelta(days=5),
        permit_status=PermitStatus.RENEWAL_REQUESTED,
    )
    make_person(
        desk, family_name="Farfuture", permit_type=PermitType.STUDY, permit_expires_on=today + timedelta(days=200)
    )
    make_person(
        desk, family_name="Longgone", permit_type=PermitType.STUDY, permit_expires_on=today - timedelta(days=90)
    )
    db.session.commit()
    home = text_of(client.get("/"))
    assert "Soon" in home and "Late" in home
    assert "Requested" not in home and "Farfuture" not in home and "Longgone" not in home
    assert "Expired on" in home and "Expires on" in home
    listed = text_of(client.get("/people/?renewal=y"))
    assert "Soon" in listed and "Late" in listed and "Farfuture" not in listed


def test_search_input_errors_are_shown_not_500(client, login_as):
    login_as(Role.OPERATOR, language="en")
    response = client.get("/people/", query_string={"q": "x" * 500, "nationality": "QQ"})
    assert response.status_code == 422
