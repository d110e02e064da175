"""The offers side of housing: the owners' roster and the homes on offer, their rooms and the
capacity worked out on every save, bad input, stale edits, the lists' filters and queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.exceptions import FieldErrors
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.housing import offers
from sportello.housing.models import (
    ContractType,
    HousingOffer,
    Landlord,
    OfferKind,
    OfferStatus,
    RoomKind,
    Tenancy,
    Viewing,
    ViewingOutcome,
)
from tests.conftest import text_of

OWNERS = "/housing/owners"
OFFERS = "/housing/offers"


def owner_data(**overrides) -> dict:
    data = {
        "name": "Giulia Bertoni",
        "kind": "private",
        "phone": "0544 123456",
        "email": "Giulia@Example.org",
        "municipality": "Ravenna",
        "notes": "Prefers calls after 18",
        "active": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def offer_data(**overrides) -> dict:
    data = {
        "landlord_id": "",
        "kind": "private",
        "address": "Via Cavour 12",
        "municipality": "Ravenna",
        "rent": "650,00",
        "deposit": "1300",
        "total_area": "70",
        "ceiling_height": "2,80",
        "floor": "2",
        "lift": "y",
        "available_from": (today() + timedelta(days=30)).isoformat(),
        "conditions": ["guarantee", "no_pets"],
        "status": "available",
        "notes": "Furnished kitchen",
        "rooms-0-kind": "bedroom",
        "rooms-0-area": "14",
        "rooms-1-kind": "bedroom",
        "rooms-1-area": "9,5",
        "rooms-2-kind": "living",
        "rooms-2-area": "18",
        "rooms-3-kind": "kitchen",
        "rooms-3-area": "8",
        "rooms-4-kind": "bathroom",
        "rooms-4-area": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _entries(db, obj):
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
            .order_by(AuditEntry.id)
        )
    )


# ---- owners ----------------------------------------------------------------------------------


def test_an_operator_adds_an_owner_with_a_normalised_phone(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    assert client.get(f"{OWNERS}/new").status_code == 200
    response = client.post(f"{OWNERS}/new", data=owner_data())
    assert response.status_code == 302, text_of(response)[:800]
    landlord = db.session.scalars(sa.select(Landlord).where(Landlord.name == "Giulia Bertoni")).one()
    assert landlord.phone == "+390544123456" and landlord.email == "giulia@example.org"
    assert landlord.kind is OfferKind.PRIVATE and landlord.active
    [entry] = _entries(db, landlord)
    assert entry.action is Action.CREATE and entry.changes["phone"] == [None, "+390544123456"]
    page = text_of(client.get(f"{OWNERS}/{landlord.id}"))
    assert "Giulia Bertoni" in page and "+39 0544 123456" in page and "No offer from this owner yet." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "This phone number is not valid"),
        ("name", "  ", "Enter the owner's name."),
        ("kind", "", "Choose the kind of owner."),
        ("kind", "castle", "Not a valid choice"),
        ("email", "not-an-address", "Enter a valid email address"),
    ],
)
def test_bad_owner_input_is_refused_at_the_field(client, login_as, db, field, value, message):
    login_as(Role.COORDINATOR, language="en")
    response = client.post(f"{OWNERS}/new", data=owner_data(**{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'value="Ravenna"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Landlord)) == 0


def test_a_stale_owner_edit_shows_both_versions(client, login_as, db, make_landlord):
    login_as(Role.OPERATOR, language="en")
    landlord = make_landlord(name="Casa Srl", notes="first")
    db.session.commit()
    old = landlord.version
    values = offers.clean_landlord_values(
        {"name": "Casa Srl", "kind": "agency", "notes": "Saved Meanwhile", "active": True}
    )
    offers.update_landlord(landlord, values, version=old)
    db.session.commit()
    response = client.post(
        f"{OWNERS}/{landlord.id}/edit", data=owner_data(name="Casa Srl", notes="Mine", version=str(old))
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved Meanwhile" in page
    assert "Mine" in response.get_data(as_text=True)
    db.session.refresh(landlord)
    assert landlord.notes == "Saved Meanwhile"
    # Saving again knowingly keeps the user's version.
    response = client.post(
        f"{OWNERS}/{landlord.id}/edit", data=owner_data(name="Casa Srl", notes="Mine", version=str(landlord.version))
    )
    assert response.status_code == 302
    db.session.refresh(landlord)
    assert landlord.notes == "Mine" and landlord.kind is OfferKind.PRIVATE


def test_the_owners_list_filters_by_kind_municipality_name_and_activity(client, login_as, db, make_landlord):
    login_as(Role.OPERATOR, language="en")
    make_landlord(name="Acer Ravenna", kind=OfferKind.SOCIAL, municipality="Ravenna")
    make_landlord(name="Immobiliare Faenza", kind=OfferKind.AGENCY, municipality="Faenza")
    make_landlord(name="Old Owner", municipality="Lugo", active=False)
    db.session.commit()

    def names(**args):
        response = client.get(f"{OWNERS}/", query_string=args)
        assert response.status_code == 200
        page = text_of(response)
        return {name for name in ("Acer Ravenna", "Immobiliare Faenza", "Old Owner") if name in page}

    assert names() == {"Acer Ravenna", "Immobiliare Faenza"}
    assert names(kind="social") == {"Acer Ravenna"}
    assert names(municipality="faen") == {"Immobiliare Faenza"}
    assert names(name="acer") == {"Acer Ravenna"}
    assert names(status="all") == {"Acer Ravenna", "Immobiliare Faenza", "Old Owner"}
    assert names(status="all", municipality="100%") == set()
    assert client.get(f"{OWNERS}/", query_string={"kind": "castle"}).status_code == 422


def test_mediators_see_neither_owners_nor_offers(client, login_as, db, make_landlord, make_offer):
    landlord = make_landlord()
    offer = make_offer(landlord=landlord)
    db.session.commit()
    login_as(Role.MEDIATOR)
    for url in (f"{OWNERS}/", f"{OWNERS}/{landlord.id}", f"{OFFERS}/", f"{OFFERS}/{offer.id}", f"{OFFERS}/new"):
        assert client.get(url).status_code == 403, url


# ---- offers: creating and editing --------------------------------------------------------------


def test_an_offer_is_saved_with_its_rooms_and_capacity(client, login_as, db, make_landlord):
    login_as(Role.OPERATOR, language="en")
    landlord = make_landlord(name="Giulia Bertoni", phone="+393331234567")
    make_landlord(name="Gone Owner", active=False)
    db.session.commit()
    page = client.get(f"{OFFERS}/new?landlord={landlord.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Giulia Bertoni" in html and "Gone Owner" not in html
    assert f'<option selected value="{landlord.id}">' in html or f'value="{landlord.id}" selected' in html

    response = client.post(f"{OFFERS}/new", data=offer_data(landlord_id=str(landlord.id)))
    assert response.status_code == 302, text_of(response)[:1500]
    offer = db.session.scalars(sa.select(HousingOffer)).one()
    assert offer.landlord_id == landlord.id
    assert offer.rent == Decimal("650.00") and offer.deposit == Decimal("1300.00")
    assert offer.total_area == Decimal("70") and offer.ceiling_height == Decimal("2.80")
    assert offer.conditions == ["guarantee", "no_pets"]
    # 70 m² house five; the bedrooms (14 + 9.5) sleep three.
    assert offer.capacity == 3 and offer.bedroom_count == 2
    assert [(room.kind, room.area) for room in offer.rooms] == [
        (RoomKind.BEDROOM, Decimal("14.00")),
        (RoomKind.BEDROOM, Decimal("9.50")),
        (RoomKind.LIVING, Decimal("18.00")),
        (RoomKind.KITCHEN, Decimal("8.00")),
    ]
    [entry] = _entries(db, offer)
    assert entry.changes["rooms"] == [None, ["bedroom 14.00", "bedroom 9.50", "living 18.00", "kitchen 8.00"]]
    assert entry.changes["capacity"] == [None, 3]

    shown = text_of(client.get(f"{OFFERS}/{offer.id}"))
    assert "People it may house 3" in shown
    assert "The bedrooms sleep 3." in shown and "70 m² are enough for 5 people." in shown
    assert "minimum figures" in shown and "municipality" in shown
    assert "+39 333 123 4567" in shown and "Guarantee required" in shown
    assert "Nobody has viewed this home yet." in shown


def test_a_new_form_offers_the_usual_rooms_and_adds_rows(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    html = client.get(f"{OFFERS}/new").get_data(as_text=True)
    assert 'name="rooms-4-kind"' in html and 'name="rooms-5-kind"' not in html
    response = client.post(f"{OFFERS}/new", data=offer_data(add_row="rooms"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="rooms-5-kind"' in html and 'value="Via Cavour 12"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HousingOffer)) == 0


def test_without_rooms_the_floor_area_decides(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    data = offer_data(total_area="45", ceiling_height="")
    for n in range(5):
        data[f"rooms-{n}-area"] = ""
    assert client.post(f"{OFFERS}/new", data=data).status_code == 302
    offer = db.session.scalars(sa.select(HousingOffer)).one()
    assert offer.capacity == 3 and offer.bedroom_count == 0 and offer.rooms == []
    assert "floor area alone" in text_of(client.get(f"{OFFERS}/{offer.id}"))


def test_a_one_room_flat_houses_two_and_counts_as_one_bedroom(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    data = offer_data(total_area="45", studio="y")
    for n in range(5):
        data[f"rooms-{n}-area"] = ""
    assert client.post(f"{OFFERS}/new", data=data).status_code == 302
    offer = db.session.scalars(sa.select(HousingOffer)).one()
    assert offer.capacity == 2 and offer.bedroom_count == 1


def test_an_unsuitable_home_is_saved_with_no_capacity_and_its_problems_shown(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    assert client.post(f"{OFFERS}/new", data=offer_data(**{"rooms-2-area": "12"})).status_code == 302
    offer = db.session.scalars(sa.select(HousingOffer)).one()
    assert offer.capacity == 0
    assert "The living room is smaller than 14 m² (12 m²)." in text_of(client.get(f"{OFFERS}/{offer.id}"))
    assert "Not suitable" in text_of(client.get(f"{OFFERS}/", query_string={"status": ""}))


def _many_rooms(count: int) -> dict:
    data = offer_data(total_area="900")
    for n in range(count):
        data[f"rooms-{n}-kind"] = "other"
        data[f"rooms-{n}-area"] = "10"
    return data


FAR = (date.today() + timedelta(days=6 * 366)).isoformat()
LONG_AGO = (date.today() - timedelta(days=6 * 366)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rent": "-100"}, "from 0 (free of charge) to 20,000 euro"),
        ({"rent": "25000"}, "from 0 (free of charge) to 20,000 euro"),
        ({"rent": ""}, "from 0 (free of charge) to 20,000 euro"),
        ({"rent": "six hundred"}, "Enter an amount in euro"),
        ({"deposit": "-1"}, "The deposit goes from 0 to 60,000 euro."),
        ({"total_area": "0"}, "more than 0 and at most 1,000"),
        ({"total_area": "-40"}, "more than 0 and at most 1,000"),
        ({"total_area": "1200"}, "more than 0 and at most 1,000"),
        ({"total_area": "big"}, "Enter a number with at most two decimals"),
        ({"total_area": "40,123"}, "Enter a number with at most two decimals"),
        ({"rooms-0-area": "-14"}, "Enter the room's area in m²"),
        ({"rooms-0-area": "0"}, "Enter the room's area in m²"),
        ({"rooms-0-area": "75"}, "A room cannot be larger than the whole floor area."),
        ({"rooms-0-area": "40"}, "The rooms add up to 75.5 m², more than the floor area"),
        ({"rooms-0-kind": ""}, "Choose the kind of room."),
        ({"ceiling_height": "1,2"}, "The ceiling height goes from 1.5 to 6 metres."),
        ({"ceiling_height": "7"}, "The ceiling height goes from 1.5 to 6 metres."),
        ({"floor": "-3"}, "The floor goes from -2 (basement) to 100."),
        ({"floor": "101"}, "The floor goes from -2 (basement) to 100."),
        ({"floor": "second"}, "Not a valid integer value"),
        ({"available_from": FAR}, "Enter a date within five years of today."),
        ({"available_from": LONG_AGO}, "Enter a date within five years of today."),
        ({"available_from": "2026-02-30"}, "Not a valid date value"),
        ({"available_from": ""}, "Enter the date the home is available from."),
        ({"address": " "}, "Enter the address."),
        ({"kind": ""}, "Choose the kind of offer."),
        ({"landlord_id": "999999"}, "Not a valid choice"),
        ({"conditions": ["no_aliens"]}, "not a valid choice"),
    ],
)
def test_bad_offer_input_is_refused_at_the_field_and_nothing_is_lost(client, login_as, db, overrides, message):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"{OFFERS}/new", data=offer_data(**overrides))
    assert response.status_code == 422
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="Furnished kitchen"' in html or "Furnished kitchen</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HousingOffer)) == 0


def test_more_than_thirty_rooms_are_refused(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"{OFFERS}/new", data=_many_rooms(31))
    assert response.status_code == 422 and "At most 30 rooms." in text_of(response)
    assert client.post(f"{OFFERS}/new", data=_many_rooms(30)).status_code == 302


def test_the_service_refuses_what_the_form_would(app, db):
    values = {
        "kind": "private",
        "address": "Via Roma 1",
        "municipality": "Lugo",
        "rent": Decimal("500"),
        "total_area": Decimal("50"),
        "available_from": date(2026, 1, 1),
        "rooms": [("bedroom", Decimal("30")), ("living", Decimal("30"))],
        "landlord_id": 999999,
        "floor": 200,
    }
    with app.test_request_context("/?lang=en"), pytest.raises(FieldErrors) as caught:
        offers.clean_offer_values(values)
    fields = {error.field for error in caught.value.errors}
    assert fields == {"rooms", "landlord_id", "floor"}


def test_editing_the_rooms_recomputes_the_capacity(client, login_as, db, make_offer):
    login_as(Role.OPERATOR, language="en")
    offer = make_offer(total_area="70", rooms=(("bedroom", "14"), ("living", "18")))
    db.session.commit()
    assert offer.capacity == 2
    html = client.get(f"{OFFERS}/{offer.id}/edit").get_data(as_text=True)
    assert 'name="rooms-2-kind"' in html and 'name="rooms-3-kind"' in html and 'name="rooms-4-kind"' not in html
    data = offer_data(
        version=str(offer.version),
        total_area="70",
        **{"rooms-0-kind": "bedroom", "rooms-0-area": "14", "rooms-1-kind": "living", "rooms-1-area": "18"},
        **{"rooms-2-kind": "bedroom", "rooms-2-area": "14", "rooms-3-kind": "", "rooms-3-area": ""},
    )
    data.pop("rooms-4-kind"), data.pop("rooms-4-area")
    response = client.post(f"{OFFERS}/{offer.id}/edit", data=data)
    assert response.status_code == 302, text_of(response)[:1500]
    db.session.refresh(offer)
    assert offer.capacity == 4 and offer.bedroom_count == 2
    entry = _entries(db, offer)[-1]
    assert entry.action is Action.UPDATE
    assert entry.changes["rooms"] == [
        ["bedroom 14.00", "living 18.00"],
        ["bedroom 14.00", "living 18.00", "bedroom 14.00"],
    ]
    assert entry.changes["capacity"] == [2, 4]


def test_a_stale_offer_edit_shows_both_versions_with_the_rooms(client, login_as, db, make_offer):
    login_as(Role.OPERATOR, language="en")
    offer = make_offer(total_area="70", rooms=(("bedroom", "14"), ("living", "18")))
    db.session.commit()
    old = offer.version
    values = offers.clean_offer_values(
        {
            **{name: getattr(offer, name) for name in offers.OFFER_FIELDS},
            "rent": Decimal("720"),
            "available_from": today(),
            "rooms": [("bedroom", Decimal("14")), ("bedroom", Decimal("9")), ("living", Decimal("18"))],
        },
        offer,
    )
    offers.update_offer(offer, values, version=old)
    db.session.commit()
    response = client.post(f"{OFFERS}/{offer.id}/edit", data=offer_data(version=str(old), rent="600"))
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "720" in page
    assert "Bedroom 14 m², Bedroom 9 m², Living room 18 m²" in page
    assert 'value="600"' in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.rent == Decimal("720.00") and len(offer.rooms) == 3


# ---- status ----------------------------------------------------------------------------------


def test_the_status_changes_from_the_offer_page(client, login_as, db, make_offer):
    login_as(Role.COORDINATOR, language="en")
    offer = make_offer()
    db.session.commit()
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "reserved", "version": str(offer.version)})
    assert response.status_code == 302
    db.session.refresh(offer)
    assert offer.status is OfferStatus.RESERVED
    assert _entries(db, offer)[-1].changes == {"status": ["available", "reserved"]}
    # A stale status change is refused with the current status.
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "let", "version": str(offer.version - 1)})
    assert response.status_code == 409 and "it is now Reserved" in text_of(response)
    response = client.post(f"{OFFERS}/{offer.id}/status", data={"status": "sold", "version": str(offer.version)})
    assert response.status_code == 422
    db.session.refresh(offer)
    assert offer.status is OfferStatus.RESERVED


def test_the_offer_page_shows_viewings_and_tenancies(
    client, login_as, db, desk, other_desk, make_offer, make_person, make_user
):
    from sportello.cases.models import Case

    login_as(Role.OPERATOR, language="en")
    offer = make_offer()
    own = Case(
        desk=desk,
        person=make_person(desk),
        year=2026,
        number=1,
        reference="OWN-2026-000001",
        opened_on=date(2026, 1, 5),
    )
    other = Case(
        desk=other_desk,
        person=make_person(other_desk),
        year=2026,
        number=1,
        reference="OTH-2026-000001",
        opened_on=date(2026, 1, 5),
    )
    db.session.add_all([own, other])
    db.session.flush()
    db.session.add_all(
        [
            Viewing(
                case=own,
                offer=offer,
                on_date=date(2026, 2, 3),
                who_went="Amal and her brother",
                outcome=ViewingOutcome.INTERESTED,
            ),
            Viewing(case=other, offer=offer, on_date=date(2026, 2, 1), outcome=ViewingOutcome.DECLINED),
            Tenancy(
                case=own,
                offer=offer,
                contract_type=ContractType.AGREED,
                signed_on=date(2026, 2, 10),
                starts_on=date(2026, 3, 1),
                rent=Decimal("540"),
            ),
        ]
    )
    db.session.commit()
    response = client.get(f"{OFFERS}/{offer.id}")
    page = text_of(response)
    assert "Amal and her brother" in page and "The household wants it" in page and "The household declined" in page
    assert "Agreed-rent lease (3+2)" in page and "€540.00" in page
    html = response.get_data(as_text=True)
    assert f'href="/cases/{own.id}"' in html and f'href="/cases/{other.id}"' not in html
    assert "OTH-2026-000001" in page


# ---- the lists -------------------------------------------------------------------------------


def test_the_offers_list_filters_and_sorts(client, login_as, db, make_offer, make_landlord):
    login_as(Role.OPERATOR, language="en")
    owner = make_landlord(name="Acer")
    make_offer(address="Via Big", total_area="90", rent="850", rooms=(), available_from=date(2026, 1, 1))
    make_offer(address="Via Small", total_area="30", rent="350", rooms=(), municipality="Faenza", landlord=owner)
    make_offer(
        address="Via Social",
        kind=OfferKind.SOCIAL,
        total_area="60",
        rent="300",
        rooms=(),
        available_from=today() + timedelta(days=90),
    )
    make_offer(address="Via Let", status=OfferStatus.LET, rent="500", rooms=())
    db.session.commit()

    def addresses(**args):
        response = client.get(f"{OFFERS}/", query_string=args)
        assert response.status_code == 200, text_of(response)[:500]
        page = text_of(response)
        found = [(page.index(a), a) for a in ("Via Big", "Via Small", "Via Social", "Via Let") if a in page]
        return [a for _i, a in sorted(found)]

    assert set(addresses()) == {"Via Big", "Via Small", "Via Social"}
    assert addresses(status="let") == ["Via Let"]
    assert set(addresses(status="")) == {"Via Big", "Via Small", "Via Social", "Via Let"}
    assert addresses(kind="social") == ["Via Social"]
    assert addresses(municipality="faenza") == ["Via Small"]
    assert addresses(people="5") == ["Via Big"]
    assert set(addresses(people="2")) == {"Via Big", "Via Social"}
    assert set(addresses(max_rent="350,00")) == {"Via Small", "Via Social"}
    assert "Via Social" not in addresses(available_by=today().isoformat())
    assert addresses(sort="rent") == ["Via Social", "Via Small", "Via Big"]
    assert addresses(sort="-rent") == ["Via Big", "Via Small", "Via Social"]
    for bad in ({"people": "0"}, {"people": "many"}, {"max_rent": "-5"}, {"available_by": "someday"}, {"sort": "x"}):
        assert client.get(f"{OFFERS}/", query_string=bad).status_code == 422, bad


def _queries(db, client, url: str) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_lists_and_pages_do_not_query_per_row(client, login_as, db, desk, make_offer, make_landlord, make_person):
    from sportello.cases.models import Case

    login_as(Role.OPERATOR, language="en")
    owner = make_landlord()
    offer = make_offer(landlord=owner)
    counter = iter(range(1, 100))

    def grow(n):
        for _ in range(n):
            landlord = make_landlord()
            make_offer(landlord=landlord)
            make_offer(landlord=owner, status=OfferStatus.RESERVED)
            case = Case(
                desk=desk,
                person=make_person(desk),
                year=2026,
                number=next(counter),
                reference=f"Q-{next(counter)}",
                opened_on=date(2026, 1, 5),
            )
            db.session.add(case)
            db.session.add(Viewing(case=case, offer=offer, on_date=date(2026, 2, 1)))
            db.session.add(
                Tenancy(
                    case=case,
                    offer=offer,
                    contract_type=ContractType.FREE,
                    signed_on=date(2026, 2, 1),
                    starts_on=date(2026, 2, 1),
                    rent=Decimal("500"),
                )
            )
        db.session.commit()

    grow(1)
    urls = (f"{OFFERS}/?status=", f"{OFFERS}/?sort=rent", f"{OWNERS}/", f"{OWNERS}/{owner.id}", f"{OFFERS}/{offer.id}")
    few = {url: _queries(db, client, url) for url in urls}
    grow(6)
    assert {url: _queries(db, client, url) for url in urls} == few


def test_the_demo_offers_cover_every_status_and_capacities_from_one_to_six(db):
    from sportello.core.audit import set_system_actor
    from sportello.housing.demo_data import seed_housing

    set_system_actor("demo data")
    created = seed_housing()
    assert {offer.status for offer in created} == set(OfferStatus)
    assert {offer.kind for offer in created} == set(OfferKind)
    assert {1, 2, 3, 4, 5, 6} <= {offer.capacity for offer in created}
    assert all(Decimal("300") <= offer.rent <= Decimal("900") for offer in created)
    assert {offer.municipality for offer in created} == {"Ravenna", "Faenza", "Lugo", "Cervia"}


def test_a_host_family_may_ask_no_rent(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    response = client.post("/housing/offers/new", data=offer_data(kind="host_family", rent="0", deposit="0"))
    assert response.status_code == 302
    offer = db.session.scalars(sa.select(HousingOffer)).one()
    assert offer.rent == Decimal("0") and offer.kind.value == "host_family"
