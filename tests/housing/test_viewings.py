"""Viewings, accepting an offer, the contract, the suitability certificate (which ticks the case's
permit checklists) and rent support: every rule, bad input at the field, stale edits refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.cases.models import StageChange, Track, TrackKind, TrackStage
from sportello.core.forms import today
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.housing.models import (
    CertificateStatus,
    HousingStage,
    OfferStatus,
    RentSupport,
    SuitabilityCertificate,
    Tenancy,
    Viewing,
    ViewingOutcome,
)
from sportello.permits import services as permit_services
from sportello.permits.models import ItemStatus
from tests.conftest import text_of
from tests.housing.case_helpers import a_date, count_rows, make_case, make_need, make_offer


@pytest.fixture
def case(db, desk, make_person):
    made = make_case(db, desk, make_person(desk, given_names="Amina", family_name="Haddad"))
    db.session.commit()
    return made


@pytest.fixture
def need(db, case):
    made = make_need(db, case, stage=HousingStage.SEARCHING)
    db.session.commit()
    return made


@pytest.fixture
def offer(db):
    made = make_offer(db, address="Via Cavour 12", created_at=utcnow() - timedelta(days=10))
    db.session.commit()
    return made


def _viewing(offer, **values) -> dict:
    data = {"viewing-offer_id": str(offer.id), "viewing-on_date": a_date(2).isoformat(), "viewing-starts_at": "10:30"}
    return data | {f"viewing-{k}": v for k, v in values.items()}


def test_a_viewing_moves_the_need_to_viewing(client, login_as, db, case, need, offer):
    login_as(Role.OPERATOR, language="en")
    response = client.post(
        f"/housing/cases/{case.id}/viewings", data=_viewing(offer, who_went="Amina and the operator")
    )
    assert response.status_code == 302, text_of(response)
    viewing = db.session.scalar(sa.select(Viewing))
    assert viewing.offer_id == offer.id and viewing.outcome is ViewingOutcome.PLANNED
    db.session.refresh(need)
    assert need.stage is HousingStage.VIEWING
    assert "Via Cavour 12" in text_of(client.get(f"/cases/{case.id}"))


def test_a_viewing_never_moves_the_need_back(client, login_as, db, case, need, offer):
    need.stage = HousingStage.ACCEPTED
    db.session.commit()
    login_as(Role.OPERATOR)
    assert client.post(f"/housing/cases/{case.id}/viewings", data=_viewing(offer)).status_code == 302
    db.session.refresh(need)
    assert need.stage is HousingStage.ACCEPTED


@pytest.mark.parametrize(
    ("status", "day", "field", "message"),
    [
        (OfferStatus.AVAILABLE, -30, "viewing-on_date", "a viewing cannot come before it"),
        (OfferStatus.WITHDRAWN, 2, "viewing-offer_id", "This offer was withdrawn by its owner."),
        (OfferStatus.LET, 2, "viewing-offer_id", "already let to another household"),
    ],
)
def test_a_viewing_is_refused_at_the_field(client, login_as, db, case, need, offer, status, day, field, message):
    offer.status = status
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    data = _viewing(offer, on_date=a_date(day).isoformat(), who_went="Amina")
    response = client.post(f"/housing/cases/{case.id}/viewings", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and 'value="Amina"' in html
    assert count_rows(db, Viewing) == 0


def test_a_future_viewing_has_no_outcome_and_a_stale_edit_is_refused(client, login_as, db, case, need, offer):
    viewing = Viewing(case_id=case.id, offer_id=offer.id, on_date=a_date(3))
    db.session.add(viewing)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    data = {"on_date": a_date(3).isoformat(), "outcome": "interested", "version": str(viewing.version)}
    response = client.post(f"/housing/viewings/{viewing.id}", data=data)
    assert response.status_code == 422 and "A viewing still to come has no outcome yet." in text_of(response)
    data = {"on_date": today().isoformat(), "outcome": "interested", "note": "They loved it", "version": "0"}
    response = client.post(f"/housing/viewings/{viewing.id}", data=data)
    assert response.status_code == 409 and "They loved it" in response.get_data(as_text=True)
    data["version"] = str(viewing.version)
    assert client.post(f"/housing/viewings/{viewing.id}", data=data).status_code == 302
    db.session.refresh(viewing)
    assert viewing.outcome is ViewingOutcome.INTERESTED and viewing.offer_id == offer.id


def test_accepting_an_offer_reserves_it(client, login_as, db, case, need, offer):
    viewing = Viewing(case_id=case.id, offer_id=offer.id, on_date=today(), outcome=ViewingOutcome.DECLINED)
    db.session.add(viewing)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    assert "Accept the offer" not in text_of(client.get(f"/cases/{case.id}"))
    response = client.post(f"/housing/viewings/{viewing.id}/accept", data={"version": str(viewing.version)})
    assert response.status_code == 422 and "Only an offer the household wants" in text_of(response)
    viewing.outcome = ViewingOutcome.INTERESTED
    db.session.commit()
    assert "Accept the offer" in text_of(client.get(f"/cases/{case.id}"))
    assert client.post(f"/housing/viewings/{viewing.id}/accept", data={"version": "0"}).status_code == 409
    response = client.post(f"/housing/viewings/{viewing.id}/accept", data={"version": str(viewing.version)})
    assert response.status_code == 302
    db.session.refresh(need)
    db.session.refresh(offer)
    assert need.stage is HousingStage.ACCEPTED and offer.status is OfferStatus.RESERVED


def _contract(offer, **values) -> dict:
    data = {
        "tenancy-offer_id": str(offer.id),
        "tenancy-contract_type": "agreed",
        "tenancy-signed_on": today().isoformat(),
        "tenancy-starts_on": a_date(10).isoformat(),
        "tenancy-ends_on": a_date(10 + 3 * 365).isoformat(),
        "tenancy-rent": "480,00",
    }
    return data | {f"tenancy-{k}": v for k, v in values.items()}


def test_a_contract_lets_the_offer_and_completes_the_housing_track(client, login_as, db, case, need, offer):
    case.tracks.append(Track(kind=TrackKind.HOUSING, stage=TrackStage.ACTIVE))
    db.session.add(Viewing(case_id=case.id, offer_id=offer.id, on_date=today(), outcome=ViewingOutcome.INTERESTED))
    offer.status = OfferStatus.RESERVED
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/housing/cases/{case.id}/tenancies", data=_contract(offer))
    assert response.status_code == 302, text_of(response)
    tenancy = db.session.scalar(sa.select(Tenancy))
    assert tenancy.rent == Decimal("480.00")
    db.session.refresh(need)
    db.session.refresh(offer)
    assert need.stage is HousingStage.CONTRACT and offer.status is OfferStatus.LET
    track = db.session.scalar(
        sa.select(Track).where(Track.case_id == case.id).execution_options(populate_existing=True)
    )
    assert track.stage is TrackStage.COMPLETED
    change = db.session.scalar(sa.select(StageChange).where(StageChange.track_id == track.id))
    assert change.stage is TrackStage.COMPLETED and change.note == "Housed"

    # Moving the start to today: the household is housed.
    data = {k.removeprefix("tenancy-"): v for k, v in _contract(offer, starts_on=today().isoformat()).items()} | {
        "version": str(tenancy.version)
    }
    assert client.post(f"/housing/tenancies/{tenancy.id}", data=data).status_code == 302
    db.session.refresh(need)
    assert need.stage is HousingStage.HOUSED
    data["version"] = "0"
    assert client.post(f"/housing/tenancies/{tenancy.id}", data=data).status_code == 409


@pytest.mark.parametrize(
    ("status", "values", "field", "message"),
    [
        (OfferStatus.WITHDRAWN, {}, "tenancy-offer_id", "This offer was withdrawn by its owner."),
        (OfferStatus.LET, {}, "tenancy-offer_id", "already let to another household"),
        (OfferStatus.RESERVED, {}, "tenancy-offer_id", "reserved for another household"),
        (OfferStatus.AVAILABLE, {"ends_on": 10}, "tenancy-ends_on", "must end after it starts"),
        (OfferStatus.AVAILABLE, {"rent": "0"}, "tenancy-rent", "The rent must be more than 0."),
        (OfferStatus.AVAILABLE, {"rent": "-400"}, "tenancy-rent", "The rent must be more than 0."),
        (OfferStatus.AVAILABLE, {"signed_on": 5}, "tenancy-signed_on", "in the future"),
    ],
)
def test_a_contract_is_refused_at_the_field(client, login_as, db, case, need, offer, status, values, field, message):
    offer.status = status
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    values = {k: a_date(v).isoformat() if isinstance(v, int) else v for k, v in values.items()}
    response = client.post(
        f"/housing/cases/{case.id}/tenancies", data=_contract(offer, note="Keys on Monday", **values)
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert "Keys on Monday" in response.get_data(as_text=True)
    assert count_rows(db, Tenancy) == 0
    db.session.refresh(offer)
    assert offer.status is status


def test_an_issued_certificate_ticks_the_permit_checklist(client, login_as, db, case, need, offer):
    version = permit_services.version_of(permit_services.procedure_by_code("RICONG"))
    checklist = permit_services.start_checklist(case, version, {}, "it")
    item = next(i for i in checklist.items if i.code == "IDONEITA_ALLOGGIO")
    assert item.status is ItemStatus.TO_BRING
    db.session.add(
        Tenancy(
            case_id=case.id,
            offer_id=offer.id,
            contract_type="free",
            signed_on=today(),
            starts_on=today(),
            rent=Decimal("500"),
        )
    )
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="Via Cavour 12"' in page  # the request starts from the contract's home
    data = {
        "certificate-offer_id": str(offer.id),
        "certificate-address": "Via Cavour 12",
        "certificate-municipality": "Ravenna",
        "certificate-people": "2",
        "certificate-requested_on": a_date(-20).isoformat(),
    }
    assert client.post(f"/housing/cases/{case.id}/certificates", data=data).status_code == 302
    certificate = db.session.scalar(sa.select(SuitabilityCertificate))
    assert certificate.offer_id == offer.id and certificate.status is CertificateStatus.REQUESTED

    url = f"/housing/certificates/{certificate.id}"
    bad = [
        ({"status": "issued", "number": "", "decided_on": today().isoformat()}, "Write the certificate"),
        ({"status": "issued", "number": "12", "decided_on": a_date(-30).isoformat()}, "before the request"),
        ({"status": "issued", "number": "12", "decided_on": a_date(1).isoformat()}, "in the future"),
        ({"status": "refused", "number": "", "decided_on": today().isoformat()}, "Write why"),
    ]
    for values, message in bad:
        response = client.post(url, data=values | {"version": str(certificate.version)})
        assert response.status_code == 422 and message in text_of(response), message
    assert client.post(url, data=bad[0][0] | {"number": "12", "version": "0"}).status_code == 409
    data = {"status": "issued", "number": "2026/451", "decided_on": today().isoformat(), "version": "1"}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(certificate)
    db.session.refresh(item)
    assert certificate.status is CertificateStatus.ISSUED and certificate.number == "2026/451"
    assert item.status is ItemStatus.COLLECTED and "Certificate no. 2026/451" in item.note
    assert "issued: no. 2026/451" in text_of(client.get(f"/cases/{case.id}"))


def test_a_certificate_request_is_checked(client, login_as, db, case, need):
    login_as(Role.OPERATOR, language="en")
    data = {"certificate-address": "", "certificate-municipality": "Ravenna", "certificate-people": "0"}
    response = client.post(f"/housing/cases/{case.id}/certificates", data=data)
    assert response.status_code == 422
    assert "Enter the address." in text_of(response) and "From 1 to 30 people." in text_of(response)
    assert count_rows(db, SuitabilityCertificate) == 0


def test_rent_support_is_added_checked_and_edited(client, login_as, db, case, need):
    login_as(Role.OPERATOR, language="en")
    data = {
        "support-kind": "contribution",
        "support-amount": "200,00",
        "support-granted_on": today().isoformat(),
        "support-until": a_date(180).isoformat(),
        "support-provider": "Comune di Ravenna",
    }
    for values, field, message in [
        ({"support-amount": "0"}, "support-amount", "An amount goes from"),
        ({"support-amount": "-10"}, "support-amount", "An amount goes from"),
        ({"support-amount": "50000,01"}, "support-amount", "An amount goes from"),
        ({"support-until": a_date(-1).isoformat()}, "support-until", "cannot end before it was granted"),
    ]:
        response = client.post(f"/housing/cases/{case.id}/support", data=data | values)
        assert response.status_code == 422 and message in text_of(response), message
        assert f'id="{field}-error"' in response.get_data(as_text=True)
        assert "Comune di Ravenna" in response.get_data(as_text=True)
    assert count_rows(db, RentSupport) == 0
    assert client.post(f"/housing/cases/{case.id}/support", data=data).status_code == 302
    support = db.session.scalar(sa.select(RentSupport))
    assert support.amount == Decimal("200.00")
    edit = {k.removeprefix("support-"): v for k, v in data.items()} | {"amount": "250", "version": str(support.version)}
    assert client.post(f"/housing/support/{support.id}", data=edit).status_code == 302
    assert client.post(f"/housing/support/{support.id}", data=edit | {"amount": "300"}).status_code == 409
    db.session.refresh(support)
    assert support.amount == Decimal("250.00")


def test_a_viewing_of_a_home_let_to_another_household_cannot_change(client, login_as, db, case, need, offer):
    viewing = Viewing(case_id=case.id, offer_id=offer.id, on_date=today())
    offer.status = OfferStatus.LET
    db.session.add(viewing)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    data = {"on_date": today().isoformat(), "outcome": "interested", "version": str(viewing.version)}
    response = client.post(f"/housing/viewings/{viewing.id}", data=data)
    assert response.status_code == 422 and "already let to another household" in text_of(response)
    assert 'id="on_date-error"' in response.get_data(as_text=True)


def test_the_panel_records_a_decision_inline(client, login_as, db, case, need):
    certificate = SuitabilityCertificate(
        case_id=case.id, address="Via Cavour 12", municipality="Ravenna", people=2, requested_on=a_date(-3)
    )
    db.session.add(certificate)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'id="decision-{certificate.id}-number"' in page
    data = {"status": "refused", "number": "", "decided_on": today().isoformat(), "note": "Too small"}
    response = client.post(f"/housing/certificates/{certificate.id}", data=data | {"version": "1"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.status is CertificateStatus.REFUSED and certificate.note == "Too small"
