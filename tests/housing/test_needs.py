"""A case's housing need: made with the household's size, the housing track added, bad input
refused at the field, stale edits refused; the case page's housing panel and its queries."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.cases.models import Track, TrackKind, TrackStage
from sportello.core.audit import AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.housing import services
from sportello.housing.models import (
    CertificateStatus,
    HousingNeed,
    HousingStage,
    RentSupport,
    SuitabilityCertificate,
    SupportKind,
    Tenancy,
    Viewing,
)
from sportello.people.models import HouseholdLink, Relation
from tests.conftest import text_of
from tests.housing.case_helpers import make_case, make_need, make_offer

NEED = {
    "household_size": "3",
    "situation": "hosted",
    "budget": "650,00",
    "areas": "Ravenna\n  faenza \nRavenna\n",
    "bedrooms": "2",
    "urgency": "weeks",
    "stage": "assessed",
    "notes": "Two children at school in Ravenna.",
}


@pytest.fixture
def person(make_person, desk):
    return make_person(desk, given_names="Amina", family_name="Haddad")


@pytest.fixture
def case(db, desk, person):
    made = make_case(db, desk, person)
    db.session.commit()
    return made


def test_a_new_need_counts_the_household_and_adds_the_housing_track(client, login_as, db, case, person, make_person):
    login_as(Role.OPERATOR, language="en")
    for relation in (Relation.CHILD, Relation.SPOUSE):
        member = make_person(case.desk)
        first, second = sorted((person.id, member.id))
        db.session.add(HouseholdLink(first_person_id=first, second_person_id=second, relation=relation))
    db.session.commit()
    page = client.get(f"/housing/cases/{case.id}/need")
    assert page.status_code == 200
    assert re.search(r"name=\"household_size\"[^>]*value=\"3\"", page.get_data(as_text=True))

    response = client.post(f"/housing/cases/{case.id}/need", data=NEED)
    assert response.status_code == 302, text_of(response)
    need = db.session.scalar(sa.select(HousingNeed).where(HousingNeed.case_id == case.id))
    assert need.household_size == 3 and need.budget == Decimal("650.00")
    assert need.area_list == ["Ravenna", "faenza"] and need.stage is HousingStage.ASSESSED
    track = db.session.scalar(sa.select(Track).where(Track.case_id == case.id))
    assert track.kind is TrackKind.HOUSING and track.stage is TrackStage.ASSESSMENT
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "HousingNeed")) is not None

    shown = text_of(client.get(f"/cases/{case.id}"))
    assert "Need assessed" in shown and "3 people" in shown and "Matching offers" in shown
    # A second need is refused; the form is now an edit of the first one.
    assert client.get(f"/housing/cases/{case.id}/need").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Track).where(Track.case_id == case.id)) == 1


def test_an_existing_housing_track_is_kept(client, login_as, db, case):
    case.tracks.append(Track(kind=TrackKind.HOUSING, stage=TrackStage.ACTIVE))
    db.session.commit()
    login_as(Role.OPERATOR)
    assert client.post(f"/housing/cases/{case.id}/need", data=NEED).status_code == 302
    tracks = list(db.session.scalars(sa.select(Track).where(Track.case_id == case.id)))
    assert [(t.kind, t.stage) for t in tracks] == [(TrackKind.HOUSING, TrackStage.ACTIVE)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("household_size", "0", "A household has from 1 to 30 people."),
        ("household_size", "31", "A household has from 1 to 30 people."),
        ("household_size", "", "Enter how many people need the home."),
        ("budget", "-5", "The budget cannot be negative."),
        ("budget", "abc", "Enter an amount in euro"),
        ("bedrooms", "-1", "Number must be between 0 and 20."),
        ("situation", "palace", "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_kept(client, login_as, db, case, field, value, message):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/housing/cases/{case.id}/need", data={**NEED, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(response)
    assert f'id="{field}-error"' in html
    assert "Two children at school in Ravenna." in html
    assert db.session.scalar(sa.select(HousingNeed).where(HousingNeed.case_id == case.id)) is None


def test_a_stale_edit_is_refused_with_both_versions(client, login_as, db, case):
    need = make_need(db, case, household_size=2)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    loaded = need.version
    need.household_size = 4
    db.session.commit()
    response = client.post(
        f"/housing/cases/{case.id}/need", data={**NEED, "household_size": "5", "version": str(loaded)}
    )
    assert response.status_code == 409
    assert "Someone else saved this record" in text_of(response)
    assert 'value="5"' in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.household_size == 4
    # Saving again, knowingly, keeps the user's values.
    response = client.post(
        f"/housing/cases/{case.id}/need", data={**NEED, "household_size": "5", "version": str(need.version)}
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.household_size == 5 and need.version == loaded + 2


def test_nothing_is_added_to_a_closed_case(client, login_as, db, case):
    from sportello.cases.models import CaseStatus

    case.status = CaseStatus.CLOSED
    case.closed_on = today()
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/housing/cases/{case.id}/need", data=NEED)
    assert response.status_code == 422 and "reopen it" in text_of(response)


def _grow(db, case, offer, n: int) -> None:
    for i in range(n):
        db.session.add_all(
            [
                Viewing(case_id=case.id, offer_id=offer.id, on_date=today() - timedelta(days=i)),
                Tenancy(
                    case_id=case.id,
                    offer_id=offer.id,
                    contract_type="free",
                    signed_on=today(),
                    starts_on=today() + timedelta(days=10),
                    rent=Decimal("500"),
                ),
                SuitabilityCertificate(
                    case_id=case.id,
                    offer_id=offer.id if i % 2 else None,
                    address="Via Roma 1",
                    municipality="Ravenna",
                    people=2,
                    requested_on=today(),
                    status=CertificateStatus.REQUESTED,
                ),
                RentSupport(
                    case_id=case.id, kind=SupportKind.DEPOSIT, amount=Decimal("300"), granted_on=date(2026, 1, 1)
                ),
            ]
        )
    db.session.commit()


def test_the_panel_takes_one_query_whatever_the_rows(app, db, case, make_user, desk):
    from sportello.cases.models import Case
    from sportello.housing import views

    user = make_user(Role.OPERATOR, [desk])
    make_need(db, case)
    offer = make_offer(db)
    _grow(db, case, offer, 3)
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.test_request_context():
        loaded = db.session.get(Case, case.id)
        assert user.desk_ids  # the signed-in user, loaded before the page's panels
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            panel = views.case_panel(loaded, user)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    housing = panel["housing"]
    assert len(housing.viewings) == 3 and len(housing.tenancies) == 3
    assert len(housing.certificates) == 3 and len(housing.supports) == 3
    assert [o.id for o in housing.offers] == [offer.id]
    assert len(statements) == 1, statements


def test_the_case_page_does_not_query_per_housing_row(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    make_need(db, case)
    offer = make_offer(db)
    _grow(db, case, offer, 1)
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(f"/cases/{case.id}")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    few = queries()
    _grow(db, case, make_offer(db), 4)
    assert queries() == few
    assert "Via Roma" in text_of(client.get(f"/cases/{case.id}"))


def test_a_started_contract_shows_the_household_housed(client, login_as, db, case):
    need = make_need(db, case, stage=HousingStage.CONTRACT)
    offer = make_offer(db)
    db.session.add(
        Tenancy(
            case_id=case.id,
            offer_id=offer.id,
            contract_type="free",
            signed_on=today() - timedelta(days=20),
            starts_on=today(),
            rent=Decimal("500"),
        )
    )
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    assert "Housed" in text_of(client.get(f"/cases/{case.id}"))
    db.session.refresh(need)
    assert need.stage is HousingStage.HOUSED
    assert services.refresh_stage(need) is False
