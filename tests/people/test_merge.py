"""Merging two records of one person: compared side by side, everything moves to the record kept
(other parts' rows too, found through the metadata), one audit entry says what moved, and an
administrator can undo it exactly."""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa

from sportello.auth.models import Desk, User
from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.extensions import db as _db
from sportello.people import merging, services
from sportello.people.models import (
    AttachmentKind,
    Citizenship,
    ConsentRecord,
    DatePrecision,
    HouseholdLink,
    LanguageLevel,
    PersonVulnerability,
    Relation,
    SharedDesk,
    SpokenLanguage,
    VulnerabilityType,
)
from tests.conftest import PASSWORD, login, text_of
from tests.people.conftest import PDF

# What a merge may change and its undo must restore; bookkeeping columns aside.
TABLES = (
    "people",
    "person_citizenships",
    "person_languages",
    "person_name_keys",
    "person_shared_desks",
    "household_links",
    "person_vulnerabilities",
    "consent_records",
    "person_attachments",
)
BOOKKEEPING = {"version", "updated_at", "updated_by_id"}


def _state(db) -> dict[str, set[tuple]]:
    state = {}
    for name in TABLES:
        table = _db.metadata.tables[name]
        columns = [c for c in table.columns if c.name not in BOOKKEEPING]
        state[name] = {tuple(row) for row in db.session.execute(sa.select(*columns))}
    return state


def _link(person, member, relation: Relation) -> HouseholdLink:
    """``member`` is ``relation`` to ``person``, stored the way the service stores it."""
    if person.id < member.id:
        return HouseholdLink(first_person_id=person.id, second_person_id=member.id, relation=relation)
    return HouseholdLink(first_person_id=member.id, second_person_id=person.id, relation=relation.inverse)


def _vtype(db, code: str) -> VulnerabilityType:
    return db.session.scalars(sa.select(VulnerabilityType).where(VulnerabilityType.code == code)).one()


def _two_records(db, desk, other_desk, make_person, make_desk):
    """The same man registered twice, at two desks, each record with things attached."""
    kept = make_person(
        desk,
        given_names="Mohamed",
        family_name="El Amrani",
        birth_date=date(1988, 1, 1),
        birth_date_precision=DatePrecision.YEAR,
        preferred_language="ar",
        municipality="Ravenna",
    )
    kept.citizenships = [Citizenship(country="MA")]
    kept.languages = [SpokenLanguage(language="ar", level=LanguageLevel.NATIVE)]
    duplicate = make_person(
        other_desk,
        given_names="Muhammad",
        family_name="Elamrani",
        given_names_original="محمد",
        family_name_original="العمراني",
        aliases="Mohammed Amrani",
        birth_date=date(1988, 3, 12),
        birth_date_precision=DatePrecision.EXACT,
        phone="+393331000001",
        whatsapp=True,
        passport_number="AB1234567",
        municipality="Faenza",
        preferred_language="fr",
    )
    duplicate.citizenships = [Citizenship(country="FR"), Citizenship(country="MA")]
    duplicate.languages = [
        SpokenLanguage(language="ar", level=LanguageLevel.FLUENT),
        SpokenLanguage(language="fr", level=LanguageLevel.FLUENT),
    ]
    wife, child = make_person(desk, given_names="Fatima"), make_person(other_desk, given_names="Yassin")
    third, fourth = make_desk(), make_desk()
    kept.shared_desks.append(SharedDesk(desk_id=third.id))
    duplicate.shared_desks += [SharedDesk(desk_id=third.id), SharedDesk(desk_id=fourth.id)]
    db.session.flush()
    db.session.add_all(
        [
            _link(kept, wife, Relation.SPOUSE),
            # The same wife on the duplicate (stays behind) and a child (moves); a link between the two records (stays).
            _link(duplicate, wife, Relation.SPOUSE),
            _link(duplicate, child, Relation.CHILD),
            _link(kept, duplicate, Relation.RELATIVE),
            PersonVulnerability(person=duplicate, type=_vtype(db, "disability"), from_date=date(2024, 1, 1)),
            ConsentRecord(person=duplicate, notice_version="2025-01", notice_language="ar", signed_on=date(2025, 1, 9)),
        ]
    )
    services.add_attachment(duplicate, AttachmentKind.PASSPORT, "Passport", io.BytesIO(PDF), "passport.pdf")
    db.session.commit()
    return kept, duplicate, wife, child, third, fourth


def _merge_entry(db) -> AuditEntry:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.MERGE)).one()


def _confirm(client, kept, duplicate):
    html = client.get(f"/people/{kept.id}/merge/{duplicate.id}").get_data(as_text=True)
    versions = dict(re.findall(r'name="(survivor_version|merged_version)" type="hidden" value="(\d+)"', html))
    return client.post(f"/people/{kept.id}/merge/{duplicate.id}", data=versions)


def test_merge_then_undo_restores_exactly_the_previous_state(
    app, client, login_as, db, desk, other_desk, make_person, make_desk
):
    with app.test_request_context():
        kept, duplicate, wife, child, third, fourth = _two_records(db, desk, other_desk, make_person, make_desk)
    before = _state(db)
    login_as(Role.ADMIN, language="en")

    comparison = client.get(f"/people/{kept.id}/merge/{duplicate.id}")
    assert comparison.status_code == 200
    text = text_of(comparison)
    assert "Kept: Mohamed El Amrani" in text and "Merged: Muhammad Elamrani" in text
    assert "AB1234567 added" in text and "Vulnerabilities: 1" in text and "Documents: 1" in text
    assert "Household members: 1" in text

    response = _confirm(client, kept, duplicate)
    assert response.status_code == 302 and response.location == f"/people/{kept.id}"
    db.session.expire_all()

    # The duplicate is kept, pointing at the survivor.
    assert duplicate.merged_into_id == kept.id
    # Empty details filled, the year-only birth date completed, filled ones kept.
    assert kept.passport_number == "AB1234567" and kept.phone == "+393331000001" and kept.whatsapp
    assert kept.birth_date == date(1988, 3, 12) and kept.birth_date_precision is DatePrecision.EXACT
    assert kept.municipality == "Ravenna" and kept.given_names_original == "محمد"
    assert kept.alias_list == ["Muhammad Elamrani", "Mohammed Amrani"]  # the original script is in its own fields
    assert kept.citizenship_codes == ["FR", "MA"]
    assert {(s.language, s.level) for s in kept.languages} == {
        ("ar", LanguageLevel.NATIVE),
        ("fr", LanguageLevel.FLUENT),
    }
    # Everything attached moved, except what the survivor already had.
    assert {v.person_id for v in db.session.scalars(sa.select(PersonVulnerability))} == {kept.id}
    assert {c.person_id for c in db.session.scalars(sa.select(ConsentRecord))} == {kept.id}
    assert kept.desk_ids == {desk.id, other_desk.id, third.id, fourth.id}
    links = db.session.scalars(sa.select(HouseholdLink))
    pairs = {(link.first_person_id, link.second_person_id): link.relation for link in links}
    first, second = sorted((kept.id, child.id))
    assert pairs[(first, second)] is (Relation.CHILD if first == kept.id else Relation.PARENT)
    assert tuple(sorted((wife.id, duplicate.id))) in pairs and (kept.id, duplicate.id) in pairs  # left behind
    page = text_of(client.get(f"/people/{kept.id}"))
    assert "Yassin" in page and page.count("· Spouse or partner") == 1 and "Muhammad Elamrani" in page

    entry = _merge_entry(db)
    assert entry.object_id == kept.id and entry.desk_id == desk.id
    changes = entry.changes
    assert changes["merged_person_id"] == [None, duplicate.id]
    assert changes["passport_number"] == ["", "AB1234567"]
    assert changes["birth_date"] == ["1988-01-01", "1988-03-12"]
    assert changes["citizenships"] == [["MA"], ["FR", "MA"]] and changes["languages"] == [["ar"], ["ar", "fr"]]
    assert changes["shared_desk_added"] == [None, other_desk.id]
    moved = changes["rows_moved"][1]
    assert moved["person_shared_desks.person_id"] == [[duplicate.id, fourth.id]]  # the third desk stayed
    assert len(moved["person_vulnerabilities.person_id"]) == 1 and len(moved["person_attachments.person_id"]) == 1
    assert len(changes["household_links_moved"][1]) == 1

    # Only administrators are offered the undo, on the audit trail.
    audit_page = client.get("/admin/audit", query_string={"action": "merge"}).get_data(as_text=True)
    assert f"/admin/merges/{entry.id}/undo" in audit_page and "Undo merge" in audit_page
    assert client.post(f"/admin/merges/{entry.id}/undo").status_code == 302
    db.session.expire_all()
    assert _state(db) == before
    unmerge = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.UNMERGE)).one()
    assert unmerge.changes["merge_entry_id"] == [None, entry.id]
    assert unmerge.changes["passport_number"] == ["AB1234567", ""]

    again = client.post(f"/admin/merges/{entry.id}/undo", follow_redirects=True)
    assert "This merge has already been undone." in text_of(again)
    assert _state(db) == before


def test_undo_is_refused_when_the_survivor_changed_since(
    app, client, login_as, db, desk, other_desk, make_person, make_desk
):
    with app.test_request_context():
        kept, duplicate, *_ = _two_records(db, desk, other_desk, make_person, make_desk)
    login_as(Role.ADMIN, language="en")
    _confirm(client, kept, duplicate)
    db.session.expire_all()
    kept.passport_number = "ZZ9999999"
    db.session.commit()
    entry = _merge_entry(db)
    response = client.post(f"/admin/merges/{entry.id}/undo", follow_redirects=True)
    assert "someone changed these details of Mohamed El Amrani: Passport number" in text_of(response)
    db.session.expire_all()
    assert duplicate.merged_into_id == kept.id and kept.passport_number == "ZZ9999999"
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.UNMERGE)).all() == []


def test_undo_is_refused_when_moved_rows_went_elsewhere(
    app, client, login_as, db, desk, other_desk, make_person, make_desk
):
    with app.test_request_context():
        kept, duplicate, *_ = _two_records(db, desk, other_desk, make_person, make_desk)
    login_as(Role.ADMIN, language="en")
    _confirm(client, kept, duplicate)
    db.session.execute(sa.delete(PersonVulnerability))
    db.session.commit()
    response = client.post(f"/admin/merges/{_merge_entry(db).id}/undo", follow_redirects=True)
    assert "Records moved by this merge (person_vulnerabilities) were changed or deleted since" in text_of(response)
    db.session.expire_all()
    assert duplicate.merged_into_id == kept.id


def test_the_merged_record_leaves_lists_and_leads_to_the_survivor(
    app, client, login_as, db, desk, other_desk, make_person, make_desk
):
    with app.test_request_context():
        kept, duplicate, *_ = _two_records(db, desk, other_desk, make_person, make_desk)
    login_as(Role.ADMIN, language="en")
    _confirm(client, kept, duplicate)

    opened = client.get(f"/people/{duplicate.id}")
    assert opened.status_code == 302 and opened.location == f"/people/{kept.id}"
    assert "This record was merged into the record of Mohamed El Amrani" in text_of(client.get(opened.location))
    assert client.get(f"/people/{duplicate.id}/edit").status_code == 302
    results = client.get("/people/", query_string={"q": "Muhammad Elamrani"}).get_data(as_text=True)
    assert f"/people/{kept.id}" in results and f'/people/{duplicate.id}"' not in results
    listing = client.get("/people/").get_data(as_text=True)
    assert f'href="/people/{duplicate.id}"' not in listing
    with app.test_request_context():
        admin = db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)).first()
        candidates = services.find_duplicates(admin, {"given_names": "Muhammad", "family_name": "Elamrani"})
    assert kept.id in {c.person.id for c in candidates}
    assert duplicate.id not in {c.person.id for c in candidates}


def test_other_parts_tables_are_found_through_the_metadata():
    found = {f"{table.name}.{column.name}" for table, column in merging.person_references()}
    assert {
        "person_shared_desks.person_id",
        "person_vulnerabilities.person_id",
        "consent_records.person_id",
        "person_attachments.person_id",
    } <= found
    assert not any(key.split(".")[0] in merging.OWN_TABLES for key in found)


def test_a_stale_comparison_is_not_merged(app, client, login_as, db, desk, other_desk, make_person, make_desk):
    with app.test_request_context():
        kept, duplicate, *_ = _two_records(db, desk, other_desk, make_person, make_desk)
    login_as(Role.ADMIN, language="en")
    html = client.get(f"/people/{kept.id}/merge/{duplicate.id}").get_data(as_text=True)
    versions = dict(re.findall(r'name="(survivor_version|merged_version)" type="hidden" value="(\d+)"', html))
    duplicate.email = "m.elamrani@example.org"
    db.session.commit()
    response = client.post(f"/people/{kept.id}/merge/{duplicate.id}", data=versions)
    assert response.status_code == 409 and "changed while you were comparing them" in text_of(response)
    db.session.expire_all()
    assert duplicate.merged_into_id is None
    assert client.post(f"/people/{kept.id}/merge/{duplicate.id}", data={}).status_code == 422


def test_a_record_is_not_merged_with_itself(client, login_as, db, desk, make_person):
    login_as(Role.COORDINATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = client.get(f"/people/{person.id}/merge/{person.id}", follow_redirects=True)
    assert "A record cannot be merged with itself." in text_of(response)


def test_the_choice_offers_likely_duplicates_and_a_search(client, login_as, db, desk, make_person):
    login_as(Role.COORDINATOR, language="en")
    kept = make_person(desk, given_names="Olena", family_name="Kovalenko", phone="+393331000005")
    twin = make_person(desk, given_names="Olena", family_name="Kovalenko", phone="+393331000005")
    other = make_person(desk, given_names="Ion", family_name="Rusu")
    db.session.commit()
    page = client.get(f"/people/{kept.id}/merge")
    assert f"/people/{kept.id}/merge/{twin.id}" in page.get_data(as_text=True)
    assert "Same phone number" in text_of(page)
    searched = client.get(f"/people/{kept.id}/merge", query_string={"q": "Rusu"}).get_data(as_text=True)
    assert f"/people/{kept.id}/merge/{other.id}" in searched


def test_who_may_merge(client, login_as, db, desk, other_desk, make_person, make_user):
    kept, duplicate = make_person(desk), make_person(desk)
    elsewhere = make_person(other_desk)
    db.session.commit()
    login_as(Role.OPERATOR)
    assert client.get(f"/people/{kept.id}/merge").status_code == 403
    assert client.get(f"/people/{kept.id}/merge/{duplicate.id}").status_code == 403
    assert "Merge a duplicate record" not in text_of(client.get(f"/people/{kept.id}"))
    client.post("/logout")
    login_as(Role.COORDINATOR)
    # Both records must be within the coordinator's desks.
    assert client.get(f"/people/{kept.id}/merge/{elsewhere.id}").status_code == 403
    assert client.get(f"/people/{kept.id}/merge/{duplicate.id}").status_code == 200
    # Coordinators see the merge on their desks' trail but cannot undo it.
    client.post(
        f"/people/{kept.id}/merge/{duplicate.id}",
        data={"survivor_version": kept.version, "merged_version": duplicate.version},
    )
    entry = _merge_entry(db)
    assert f"/admin/merges/{entry.id}/undo" not in client.get("/admin/audit").get_data(as_text=True)
    assert client.post(f"/admin/merges/{entry.id}/undo").status_code == 403


def test_a_coordinator_of_both_desks_merges_across_them(client, db, desk, other_desk, make_person, make_user):
    coordinator = make_user(Role.COORDINATOR, [desk, other_desk])
    kept, duplicate = make_person(desk), make_person(other_desk)
    db.session.commit()
    login(client, coordinator.email, PASSWORD)
    response = client.post(
        f"/people/{kept.id}/merge/{duplicate.id}",
        data={"survivor_version": kept.version, "merged_version": duplicate.version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    # The desk that registered the duplicate keeps seeing the person.
    assert other_desk.id in kept.desk_ids and isinstance(db.session.get(Desk, other_desk.id), Desk)
