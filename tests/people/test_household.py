"""Household members: found by name among the people the user can see, stored once, shown from
both sides with the inverse relation, removed; every change audited and scoped to the desk."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.people.models import HouseholdLink, Relation
from tests.conftest import text_of


def _links(db) -> list[HouseholdLink]:
    return list(db.session.scalars(sa.select(HouseholdLink)))


def test_add_a_member_found_by_name_and_see_the_inverse_relation(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    mother = make_person(desk, given_names="Zahra", family_name="Rahimi", birth_date=date(1990, 5, 1))
    child = make_person(desk, given_names="Ali", family_name="Rahimi", birth_date=date(2017, 3, 2))
    db.session.commit()

    search = client.get(f"/people/{mother.id}/household", query_string={"q": "Ali Rahimi"})
    assert search.status_code == 200
    html = search.get_data(as_text=True)
    assert f'value="{child.id}"' in html and f'value="{mother.id}"' not in html  # not herself

    response = client.post(
        f"/people/{mother.id}/household", data={"member": child.id, "relation": "child", "q": "Ali Rahimi"}
    )
    assert response.status_code == 302
    [link] = _links(db)
    assert (link.first_person_id, link.second_person_id) == (mother.id, child.id)
    assert link.relation is Relation.CHILD

    mother_page = text_of(client.get(f"/people/{mother.id}"))
    assert "Ali Rahimi · Child" in mother_page
    child_page = client.get(f"/people/{child.id}")
    assert "Zahra Rahimi · Parent" in text_of(child_page)
    assert f'href="/people/{mother.id}"' in child_page.get_data(as_text=True)

    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "HouseholdLink")).one()
    assert entry.action is Action.CREATE and entry.desk_id == desk.id
    assert entry.changes["relation"] == [None, "child"]


def test_a_link_is_stored_once_whatever_the_side(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    older = make_person(desk, given_names="Imran", family_name="Khan")
    younger = make_person(desk, given_names="Sana", family_name="Qureshi")
    db.session.commit()
    # Added from the person with the higher id: stored from the lower id, relation turned round.
    assert (
        client.post(f"/people/{younger.id}/household", data={"member": older.id, "relation": "parent"}).status_code
        == 302
    )
    [link] = _links(db)
    assert (link.first_person_id, link.second_person_id, link.relation) == (older.id, younger.id, Relation.CHILD)

    again = client.post(f"/people/{older.id}/household", data={"member": younger.id, "relation": "spouse", "q": "Sana"})
    assert again.status_code == 422
    assert "Sana Qureshi is already in this household." in text_of(again)
    assert 'value="Sana"' in again.get_data(as_text=True)  # the search is kept
    assert len(_links(db)) == 1


def test_nobody_is_their_own_household_member(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = client.post(f"/people/{person.id}/household", data={"member": person.id, "relation": "sibling"})
    assert response.status_code == 422
    assert "cannot be a member of their own household" in text_of(response)
    assert _links(db) == []


def test_bad_input_is_answered_at_the_fields(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person, other = make_person(desk), make_person(desk)
    db.session.commit()
    response = client.post(
        f"/people/{person.id}/household", data={"member": other.id, "relation": "cousin", "q": other.family_name}
    )
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response)
    missing = client.post(f"/people/{person.id}/household", data={"relation": "child", "q": other.family_name})
    assert missing.status_code == 422 and "Choose the person to add." in text_of(missing)
    assert _links(db) == []


def test_people_of_other_desks_cannot_be_found_or_added(client, login_as, db, desk, other_desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    stranger = make_person(other_desk, given_names="Hodan", family_name="Warsame")
    db.session.commit()
    search = client.get(f"/people/{person.id}/household", query_string={"q": "Hodan Warsame"})
    assert f'value="{stranger.id}"' not in search.get_data(as_text=True)
    response = client.post(f"/people/{person.id}/household", data={"member": stranger.id, "relation": "spouse"})
    assert response.status_code == 422 and "Choose the person to add from the search results." in text_of(response)
    assert _links(db) == []


def test_a_member_the_reader_cannot_open_is_named_without_a_link(client, login_as, db, desk, other_desk, make_person):
    person = make_person(desk)
    stranger = make_person(other_desk, given_names="Hodan", family_name="Warsame")
    db.session.add(HouseholdLink(first_person_id=person.id, second_person_id=stranger.id, relation=Relation.SPOUSE))
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/people/{person.id}")
    assert "Hodan Warsame · Spouse or partner" in text_of(page)
    assert f'href="/people/{stranger.id}"' not in page.get_data(as_text=True)


def test_remove_a_member(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person, member = make_person(desk), make_person(desk, given_names="Wei", family_name="Wang")
    link = HouseholdLink(first_person_id=person.id, second_person_id=member.id, relation=Relation.HOUSEMATE)
    db.session.add(link)
    db.session.commit()
    assert "Wei Wang · Lives with" in text_of(client.get(f"/people/{person.id}"))
    response = client.post(f"/people/{member.id}/household/{link.id}/delete")
    assert response.status_code == 302
    assert _links(db) == []
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "HouseholdLink")).one()
    assert entry.action is Action.DELETE and entry.changes["relation"] == ["housemate", None]
    assert "No household members recorded." in text_of(client.get(f"/people/{person.id}"))


def test_a_link_is_removed_only_from_the_page_of_one_of_its_people(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR)
    a, b, c = make_person(desk), make_person(desk), make_person(desk)
    link = HouseholdLink(first_person_id=a.id, second_person_id=b.id, relation=Relation.SIBLING)
    db.session.add(link)
    db.session.commit()
    assert client.post(f"/people/{c.id}/household/{link.id}/delete").status_code == 404
    assert len(_links(db)) == 1


def test_another_desks_operator_is_refused(client, login_as, db, desk, other_desk, make_person):
    person, member = make_person(desk), make_person(desk)
    link = HouseholdLink(first_person_id=person.id, second_person_id=member.id, relation=Relation.SIBLING)
    db.session.add(link)
    db.session.commit()
    login_as(Role.OPERATOR, other_desk)
    assert client.get(f"/people/{person.id}/household").status_code == 403
    assert (
        client.post(f"/people/{person.id}/household", data={"member": member.id, "relation": "child"}).status_code
        == 403
    )
    assert client.post(f"/people/{person.id}/household/{link.id}/delete").status_code == 403
    assert len(_links(db)) == 1


def test_an_overlong_search_is_answered_at_the_field(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = client.get(f"/people/{person.id}/household", query_string={"q": "Rahimi" * 30})
    assert response.status_code == 422
    assert "longer than 120 characters" in text_of(response)
    assert "Rahimi" * 30 in response.get_data(as_text=True)
