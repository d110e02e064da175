"""Names across spellings and scripts."""

from __future__ import annotations

from datetime import date

import pytest

from sportello.core.roles import Role
from sportello.people import matching, services
from sportello.people.models import DatePrecision


def test_fold_transliterates_and_normalises():
    assert matching.fold("Muḥammad  AL-Amīn") == "muhammad al amin"
    assert matching.fold("Олена") == "olena"
    assert matching.fold("") == ""


@pytest.mark.parametrize("spelling", ["Mohammed", "Muhammad", "Mohamed", "MOHAMMAD"])
def test_spellings_of_mohammed_sound_alike(spelling):
    assert matching.phonetic(matching.tokens(spelling)[0]) == matching.phonetic("mohammed")


def _values(**values):
    base = {
        "given_names": "",
        "family_name": "",
        "given_names_original": "",
        "family_name_original": "",
        "aliases": "",
        "birth_date": None,
        "birth_date_precision": DatePrecision.UNKNOWN,
    }
    return base | values


@pytest.fixture
def operator(make_user, desk):
    return make_user(Role.OPERATOR, [desk])


def test_duplicates_across_spellings_order_and_script(app, db, operator, desk, make_person):
    existing = make_person(
        desk,
        given_names="Mohammed",
        family_name="El Amrani",
        given_names_original="محمد",
        family_name_original="العمراني",
        birth_date=date(1988, 3, 12),
        birth_date_precision=DatePrecision.EXACT,
    )
    with app.test_request_context():
        for values in (
            _values(given_names="Muhammad", family_name="Elamrani"),
            _values(given_names="Amrani", family_name="El Mohamed"),  # swapped order
            _values(
                given_names="Mohamed",
                family_name="El Amrani",
                birth_date=date(1988, 1, 1),
                birth_date_precision=DatePrecision.YEAR,
            ),
        ):
            found = services.find_duplicates(operator, values)
            assert [c.person.id for c in found] == [existing.id], values
        # Typed in Arabic only, as the original script.
        found = services.find_duplicates(
            operator, _values(given_names_original="محمد", family_name_original="العمراني")
        )
        assert [c.person.id for c in found] == [existing.id]


def test_a_different_birth_year_is_not_a_duplicate(app, db, operator, desk, make_person):
    make_person(
        desk,
        given_names="Mohammed",
        family_name="El Amrani",
        birth_date=date(1988, 3, 12),
        birth_date_precision=DatePrecision.EXACT,
    )
    with app.test_request_context():
        found = services.find_duplicates(
            operator,
            _values(
                given_names="Mohammed",
                family_name="El Amrani",
                birth_date=date(1970, 5, 5),
                birth_date_precision=DatePrecision.EXACT,
            ),
        )
    assert found == []


def test_identical_identifiers_are_strong_matches_whatever_the_name(app, db, operator, desk, make_person):
    existing = make_person(
        desk, given_names="Olena", family_name="Kovalenko", passport_number="FA123456", phone="+393331234567"
    )
    with app.test_request_context():
        found = services.find_duplicates(
            operator, _values(given_names="Elena", family_name="Kowalenko", passport_number="FA123456")
        )
        assert found[0].person.id == existing.id and found[0].strong
        assert "Stesso numero di passaporto" in [str(r) for r in found[0].reasons]  # default locale: Italian
        by_phone = services.find_duplicates(operator, _values(given_names="X", family_name="Y", phone="+393331234567"))
        assert by_phone[0].person.id == existing.id


def test_people_of_other_desks_are_not_shown_as_duplicates(app, db, operator, other_desk, make_person):
    make_person(other_desk, given_names="Mohammed", family_name="El Amrani")
    with app.test_request_context():
        assert services.find_duplicates(operator, _values(given_names="Mohammed", family_name="El Amrani")) == []


def test_aliases_are_matched(app, db, operator, desk, make_person):
    existing = make_person(desk, given_names="Yonas", family_name="Gebremedhin", aliases="Yohannes Gebre Medhin")
    with app.test_request_context():
        found = services.find_duplicates(operator, _values(given_names="Yohannes", family_name="Medhin"))
    assert [c.person.id for c in found] == [existing.id]
