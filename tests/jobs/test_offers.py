"""Job offers: adding one (from the list or an employer's page), the matching keys set on save,
bad input at the field (hours, positions, an Italian level that does not exist, a closing date in
the past), stale edits, status changes, closing dates passed, the list's filters, order and
queries, and the offer's page with its referrals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action
from sportello.core.exceptions import FieldErrors
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import employers
from sportello.jobs.models import (
    Cefr,
    ContractType,
    DrivingLicence,
    Hours,
    JobOffer,
    OfferStatus,
    ReferralStatus,
    Sector,
)
from tests.conftest import text_of
from tests.jobs.offer_helpers import audit_entries, count_queries, make_case, make_referral

OFFERS = "/jobs/offers"


def offer_data(employer, **overrides) -> dict:
    data = {
        "employer_id": str(employer.id),
        "title": "Forklift driver",
        "sector": "logistics",
        "contract_type": "fixed_term",
        "hours": "full_time",
        "weekly_hours": "40",
        "nights": "y",
        "municipality": "  San  Lazzaro di Savena ",
        "province": "bo",
        "positions": "3",
        "min_italian": "A2",
        "licence": "B",
        "skills": "Forklift licence\n\n  HACCP \nforklift licence\n",
        "requirements": "Safety shoes",
        "description": "Loading and unloading lorries.",
        "closes_on": (today() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# ---- adding and editing -----------------------------------------------------------------------


def test_an_operator_adds_an_offer_with_its_matching_keys(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Magazzini Uniti")
    db.session.commit()
    assert client.get(f"{OFFERS}/new").status_code == 200
    response = client.post(f"{OFFERS}/new", data=offer_data(employer))
    assert response.status_code == 302, text_of(response)[:1000]
    offer = db.session.scalars(sa.select(JobOffer)).one()
    assert response.location == f"{OFFERS}/{offer.id}"
    assert offer.status is OfferStatus.OPEN and offer.employer_id == employer.id
    assert offer.municipality == "San Lazzaro di Savena" and offer.municipality_key == "san lazzaro di savena"
    assert offer.province == "BO" and offer.min_italian is Cefr.A2 and offer.min_italian_rank == 2
    assert offer.licence is DrivingLicence.B and offer.hours is Hours.FULL_TIME and offer.weekly_hours == 40
    assert offer.nights and not offer.weekends and offer.positions == 3
    assert offer.skills == "Forklift licence\nHACCP"
    [entry] = audit_entries(db, offer)
    assert entry.action is Action.CREATE and entry.changes["min_italian"] == [None, "A2"]


def test_no_italian_level_needed_is_rank_zero(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer()
    db.session.commit()
    response = client.post(
        f"{OFFERS}/new", data=offer_data(employer, min_italian="", licence="", closes_on="", weekly_hours="")
    )
    assert response.status_code == 302, text_of(response)[:1000]
    offer = db.session.scalars(sa.select(JobOffer)).one()
    assert offer.min_italian is None and offer.min_italian_rank == 0 and offer.licence is None
    assert offer.closes_on is None and offer.weekly_hours is None
    assert "Open until filled" in text_of(client.get(f"{OFFERS}/{offer.id}"))


def test_a_new_offer_from_an_employer_page_starts_from_that_employer(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Casa di cura Serena", sector=Sector.CARE, municipality="Faenza")
    retired = make_employer(name="Old Firm", active=False)
    db.session.commit()
    assert f'href="{OFFERS}/new?employer_id={employer.id}"' in client.get(f"/jobs/employers/{employer.id}").get_data(
        as_text=True
    )
    html = client.get(f"{OFFERS}/new?employer_id={employer.id}").get_data(as_text=True)
    assert f'<option selected value="{employer.id}">' in html or f'value="{employer.id}" selected' in html
    assert '<option selected value="care">' in html or 'value="care" selected' in html
    assert 'value="Faenza"' in html
    assert "Old Firm" not in html
    html = client.get(f"{OFFERS}/new?employer_id={retired.id}").get_data(as_text=True)
    assert "Old Firm" not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekly_hours": "0"}, "weekly_hours", "Enter the hours a week, from 1 to 48."),
        ({"weekly_hours": "49"}, "weekly_hours", "Enter the hours a week, from 1 to 48."),
        ({"weekly_hours": "forty"}, "weekly_hours", "Not a valid integer value."),
        ({"hours": "part_time", "weekly_hours": "40"}, "weekly_hours", "A part-time job has fewer than 40 hours"),
        ({"hours": "full_time", "weekly_hours": "20"}, "weekly_hours", "A full-time job has at least 30 hours"),
        ({"positions": "0"}, "positions", "Enter the number of positions, from 1 to 100."),
        ({"positions": "101"}, "positions", "Enter the number of positions, from 1 to 100."),
        ({"positions": ""}, "positions", "Enter the number of positions, from 1 to 100."),
        ({"min_italian": "D1"}, "min_italian", "This level does not exist: choose from A1 to C2"),
        ({"min_italian": "a2"}, "min_italian", "This level does not exist: choose from A1 to C2"),
        ({"licence": "Z"}, "licence", "Choose a driving licence from the list."),
        ({"province": "Bologna"}, "province", "two-letter code, like RA or BO"),
        ({"province": "B1"}, "province", "two-letter code, like RA or BO"),
        ({"province": ""}, "province", "two-letter code, like RA or BO"),
        ({"closes_on": -1}, "closes_on", "The closing date is in the past"),
        ({"closes_on": 800}, "closes_on", "within two years"),
        ({"closes_on": "someday"}, "closes_on", "Not a valid date value."),
        ({"title": " "}, "title", "Enter the job title."),
        ({"title": "Driver\u202e"}, "title", "Remove the invisible control or text-direction characters"),
        ({"municipality": ""}, "municipality", "Enter the municipality where the job is."),
        ({"sector": "piracy"}, "sector", "Choose the sector."),
        ({"contract_type": "slavery"}, "contract_type", "Choose the contract type."),
        ({"hours": ""}, "hours", "Choose full or part time."),
        ({"skills": "\n".join(f"skill {n}" for n in range(31))}, "skills", "At most 30 skills"),
        ({"skills": "x" * 81}, "skills", "at most 80 characters"),
        ({"employer_id": "999999"}, "employer_id", "Choose an active employer from the list."),
    ],
)
def test_bad_offer_input_is_refused_at_the_field(client, login_as, db, make_employer, overrides, field, message):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer()
    db.session.commit()
    if isinstance(overrides.get("closes_on"), int):  # days from today
        overrides = overrides | {"closes_on": (today() + timedelta(days=overrides["closes_on"])).isoformat()}
    response = client.post(f"{OFFERS}/new", data=offer_data(employer, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in text_of(response)
    assert "Loading and unloading lorries." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobOffer)) == 0


def test_an_inactive_employer_cannot_get_a_new_offer(client, login_as, db, make_employer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(active=False)
    db.session.commit()
    response = client.post(f"{OFFERS}/new", data=offer_data(employer))
    assert response.status_code == 422 and "Choose an active employer from the list." in text_of(response)


def test_the_service_refuses_a_level_that_does_not_exist(app, db, make_employer):
    employer = make_employer()
    values = offer_data(employer, employer_id=employer.id, positions=1, weekly_hours=40, min_italian="D1")
    values["closes_on"] = None
    with app.test_request_context(), pytest.raises(FieldErrors) as problem:
        employers.clean_offer_values(values)
    assert [(error.field, str(error.message)) for error in problem.value.errors] == [
        ("min_italian", str(employers.NO_SUCH_LEVEL))
    ]


def test_an_offer_is_edited_and_keeps_a_past_closing_date(client, login_as, db, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    offer = make_job_offer(closes_on=today() - timedelta(days=10))
    db.session.commit()
    html = client.get(f"{OFFERS}/{offer.id}/edit").get_data(as_text=True)
    assert 'value="Warehouse worker"' in html
    data = offer_data(
        offer.employer,
        title="Warehouse worker, night shift",
        municipality="Lugo",
        province="RA",
        min_italian="B1",
        closes_on=offer.closes_on.isoformat(),
        version=str(offer.version),
    )
    response = client.post(f"{OFFERS}/{offer.id}/edit", data=data)
    assert response.status_code == 302, text_of(response)[:1000]
    db.session.refresh(offer)
    assert offer.title == "Warehouse worker, night shift" and offer.municipality_key == "lugo"
    assert offer.min_italian_rank == 3
    changes = audit_entries(db, offer)[-1].changes
    assert changes["min_italian"] == ["A2", "B1"] and changes["min_italian_rank"] == [2, 3]


def test_an_inactive_employer_stays_on_its_offers_edit(client, login_as, db, make_employer, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer(name="Sleeping Firm")
    offer = make_job_offer(employer=employer)
    employer.active = False
    db.session.commit()
    assert "Sleeping Firm" in client.get(f"{OFFERS}/{offer.id}/edit").get_data(as_text=True)
    response = client.post(f"{OFFERS}/{offer.id}/edit", data=offer_data(employer, version=str(offer.version)))
    assert response.status_code == 302, text_of(response)[:1000]


def test_a_stale_offer_edit_shows_both_versions(client, login_as, db, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    offer = make_job_offer()
    db.session.commit()
    old = offer.version
    values = employers.clean_offer_values(
        offer_data(offer.employer, title="Saved Meanwhile", employer_id=offer.employer_id, positions=1, weekly_hours=40)
        | {"closes_on": offer.closes_on},
        offer,
    )
    employers.update_offer(offer, values, version=old)
    db.session.commit()
    response = client.post(f"{OFFERS}/{offer.id}/edit", data=offer_data(offer.employer, title="Mine", version=str(old)))
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved Meanwhile" in page
    assert 'value="Mine"' in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.title == "Saved Meanwhile"


# ---- status ------------------------------------------------------------------------------------


def test_the_status_changes_from_the_offer_page(client, login_as, db, make_job_offer):
    login_as(Role.COORDINATOR, language="en")
    offer = make_job_offer()
    db.session.commit()
    assert f'action="{OFFERS}/{offer.id}/status"' in client.get(f"{OFFERS}/{offer.id}").get_data(as_text=True)
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "filled", "version": str(offer.version)})
    assert response.status_code == 302
    db.session.refresh(offer)
    assert offer.status is OfferStatus.FILLED and not offer.takes_referrals(today())
    assert audit_entries(db, offer)[-1].changes == {"status": ["open", "filled"]}
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "closed", "version": str(offer.version - 1)})
    assert response.status_code == 409 and "it is now Filled" in text_of(response)
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "sold", "version": str(offer.version)})
    assert response.status_code == 422 and "Choose the status." in text_of(response)
    assert client.post(f"{OFFERS}/{offer.id}/status", data={"status": "open"}).status_code == 422
    db.session.refresh(offer)
    assert offer.status is OfferStatus.FILLED


def test_an_open_offer_past_its_closing_date_takes_no_referrals(client, login_as, db, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    past = make_job_offer(title="Past offer", closes_on=today() - timedelta(days=1))
    current = make_job_offer(title="Current offer", closes_on=today())
    db.session.commit()
    assert not past.takes_referrals(today()) and current.takes_referrals(today())
    page = text_of(client.get(f"{OFFERS}/{past.id}"))
    assert "The closing date has passed: nobody new can be put forward" in page
    assert "The closing date has passed" not in text_of(client.get(f"{OFFERS}/{current.id}"))
    listing = text_of(client.get(f"{OFFERS}/"))
    assert listing.count("Closing date passed") == 1


# ---- the list --------------------------------------------------------------------------------


def test_the_list_puts_offers_taking_referrals_first_and_the_soonest_closing_first(
    client, login_as, db, make_employer, make_job_offer
):
    login_as(Role.OPERATOR, language="en")
    late = make_job_offer(title="Late", closes_on=today() + timedelta(days=60))
    make_job_offer(title="Soon", closes_on=today() + timedelta(days=2))
    make_job_offer(title="Whenever", closes_on=None)
    make_job_offer(title="Expired", closes_on=today() - timedelta(days=3))
    make_job_offer(title="Done", status=OfferStatus.FILLED, closes_on=today() + timedelta(days=1))
    make_job_offer(title="Shut", status=OfferStatus.CLOSED, closes_on=today() + timedelta(days=1))
    db.session.commit()
    page = text_of(client.get(f"{OFFERS}/"))
    titles = ["Soon", "Late", "Whenever", "Expired", "Done", "Shut"]
    assert sorted(titles, key=page.index) == titles
    assert late.employer.name in page


def test_the_list_filters(client, login_as, db, make_employer, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    hotel = make_employer(name="Grand Hotel Cervia", sector=Sector.HOSPITALITY)
    make_job_offer(title="Waiter", employer=hotel, sector=Sector.HOSPITALITY, municipality="Cervia")
    make_job_offer(
        title="Carer", sector=Sector.CARE, contract_type=ContractType.DOMESTIC, closes_on=today() + timedelta(days=10)
    )
    make_job_offer(title="Driver", sector=Sector.TRANSPORT, status=OfferStatus.CLOSED)
    make_job_offer(title="Picker", closes_on=today() + timedelta(days=15))
    db.session.commit()

    def titles(**args):
        response = client.get(f"{OFFERS}/", query_string=args)
        assert response.status_code == 200, text_of(response)[:500]
        page = text_of(response)
        return {title for title in ("Waiter", "Carer", "Driver", "Picker") if title in page}

    assert titles() == {"Waiter", "Carer", "Driver", "Picker"}
    assert titles(status="open") == {"Waiter", "Carer", "Picker"}
    assert titles(status="closed") == {"Driver"}
    assert titles(sector="care") == {"Carer"}
    assert titles(contract_type="domestic") == {"Carer"}
    assert titles(municipality=" CERVIA ") == {"Waiter"}
    assert titles(q="grand hotel") == {"Waiter"}
    assert titles(q="pick") == {"Picker"}
    assert titles(q="50%") == set()
    assert titles(closing_soon="y") == {"Carer"}
    for bad in ({"status": "gone"}, {"sector": "piracy"}, {"contract_type": "x"}, {"q": "a\u202eb"}):
        assert client.get(f"{OFFERS}/", query_string=bad).status_code == 422, bad


def test_the_list_is_paginated(app, client, login_as, db, make_employer, make_job_offer):
    login_as(Role.OPERATOR, language="en")
    employer = make_employer()
    per_page = app.config["ITEMS_PER_PAGE"]
    for n in range(per_page + 1):
        make_job_offer(employer=employer, title=f"Job {n:03d}", closes_on=today() + timedelta(days=n + 1))
    db.session.commit()
    assert f"Job {per_page:03d}" not in text_of(client.get(f"{OFFERS}/"))
    assert f"Job {per_page:03d}" in text_of(client.get(f"{OFFERS}/?page=2"))


# ---- the offer's page ------------------------------------------------------------------------


def test_the_offer_page_shows_details_candidates_and_referrals(
    client, login_as, db, desk, other_desk, make_job_offer, make_person
):
    login_as(Role.OPERATOR, language="en")
    offer = make_job_offer(skills="Forklift licence\nHACCP", requirements="Safety shoes", weekly_hours=38)
    own_person = make_person(desk, given_names="Samira", family_name="Haddad")
    other_person = make_person(other_desk, given_names="Kofi", family_name="Mensah")
    own = make_case(db, desk, own_person)
    other = make_case(db, other_desk, other_person)
    referral = make_referral(db, own, offer, status=ReferralStatus.INTERVIEW)
    make_referral(db, other, offer, status=ReferralStatus.SENT)
    db.session.commit()
    response = client.get(f"{OFFERS}/{offer.id}")
    html, page = response.get_data(as_text=True), text_of(response)
    assert f'href="/jobs/offers/{offer.id}/candidates"' in html
    assert "Forklift licence" in page and "HACCP" in page and "Safety shoes" in page and "38 hours a week" in page
    assert "A2 (elementary)" in page
    assert own.reference in page and "Samira Haddad" in page and "Interview" in page
    assert f'href="/jobs/referrals/{referral.id}"' in html
    assert other.reference not in page and "Kofi" not in page
    assert "A case of another desk" in page and "CV sent" in page


def test_the_list_and_the_offer_page_do_not_query_per_row(
    client, login_as, db, desk, other_desk, make_employer, make_job_offer, make_person
):
    login_as(Role.OPERATOR, language="en")
    offer = make_job_offer()

    def grow(n):
        for _ in range(n):
            make_job_offer(employer=make_employer())
            for on_desk in (desk, other_desk):
                make_referral(db, make_case(db, on_desk, make_person(on_desk)), offer)
        db.session.commit()

    grow(1)
    urls = (f"{OFFERS}/", f"{OFFERS}/?q=worker&closing_soon=y&status=open", f"{OFFERS}/{offer.id}")
    few = {url: count_queries(db, client, url) for url in urls}
    grow(6)
    assert {url: count_queries(db, client, url) for url in urls} == few


def test_the_referrals_of_an_offer_take_one_query(db, desk, other_desk, make_job_offer, make_person):
    offer = make_job_offer()
    for on_desk in (desk, other_desk, desk):
        make_referral(db, make_case(db, on_desk, make_person(on_desk)), offer)
    db.session.commit()
    db.session.expire_all()
    offer = db.session.get(JobOffer, offer.id)
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        shown = [
            (r.case.reference, r.case.person.full_name, r.case.desk.name, r.status, r.offer.title)
            for r in employers.offer_referrals(offer)
        ]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(shown) == 3 and len(statements) == 1, statements
