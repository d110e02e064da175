"""Skills profiles: starting one from the person's record, the profile form and what it keeps in
step for matching (Italian rank, municipality key, sector keys, licences), its rows (education,
work experience, languages), bad input, stale edits, the audit trail, who may see it, the panel
on the person page and the number of queries of the pages."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.cases.models import CaseStatus
from sportello.core.audit import Action
from sportello.core.exceptions import FieldErrors
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import profiles
from sportello.jobs.models import (
    Cefr,
    Education,
    EducationLevel,
    Experience,
    Hours,
    ItalianCertificate,
    JobStage,
    ProfileLanguage,
    Recognition,
    Sector,
    SkillsProfile,
    Travel,
)
from sportello.people.models import LanguageLevel, SpokenLanguage
from tests.conftest import shared_label_targets
from tests.conftest import text_of as _text_of
from tests.jobs.profile_helpers import add_rows, entries_of, make_case

PEOPLE = "/jobs/people"


def text_of(response) -> str:
    return html.unescape(_text_of(response))


def profile_data(**overrides) -> dict:
    data = {
        "italian_level": "A2",
        "italian_certificate": "prefettura_a2",
        "italian_certificate_on": (today() - timedelta(days=200)).isoformat(),
        "licences": ["C", "B"],
        "own_vehicle": "y",
        "skills": "Forklift\n\n  HACCP  \nWelding",
        "sectors": ["logistics", "construction"],
        "hours": "full_time",
        "nights": "y",
        "weekends": "",
        "travel": "province",
        "municipality": "  San  Lazzaro di Savena ",
        "province": " bo",
        "available_from": (today() + timedelta(days=10)).isoformat(),
        "did_on": (today() - timedelta(days=30)).isoformat(),
        "employment_centre": "CPI Bologna",
        "notes": "Prefers mornings",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _values(**overrides) -> dict:
    """The profile form's values as the form hands them to the service (dates as dates)."""
    data = profile_data(**overrides)
    for name in ("italian_certificate_on", "available_from", "did_on"):
        data[name] = date.fromisoformat(data[name]) if data.get(name) else None
    return data


def _profile(db, person) -> SkillsProfile | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(SkillsProfile).where(SkillsProfile.person_id == person.id))


def _keys(profile: SkillsProfile) -> set[Sector]:
    return {row.sector for row in profile.sector_keys}


@pytest.fixture
def person(db, desk, make_person):
    person = make_person(desk, municipality="Ravenna", phone="+393331234567")
    person.languages = [
        SpokenLanguage(language="ar", level=LanguageLevel.NATIVE),
        SpokenLanguage(language="fr", level=LanguageLevel.FLUENT),
        SpokenLanguage(language="it", level=LanguageLevel.BASIC),
    ]
    db.session.flush()
    return person


@pytest.fixture
def profile(db, person, make_profile):
    made = make_profile(person, sectors=(Sector.LOGISTICS,), italian_level=None, stage=JobStage.PROFILE)
    db.session.commit()
    return made


# ---- starting a profile ------------------------------------------------------------------------


def test_the_page_offers_to_start_a_profile_filled_from_the_person(client, login_as, db, person):
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"{PEOPLE}/{person.id}")
    assert page.status_code == 200
    assert "No skills profile yet" in text_of(page) and f"{PEOPLE}/{person.id}/start" in page.get_data(as_text=True)
    response = client.post(f"{PEOPLE}/{person.id}/start")
    assert response.status_code == 302 and response.location.endswith(f"{PEOPLE}/{person.id}/edit")
    profile = _profile(db, person)
    assert profile.municipality == "Ravenna" and profile.municipality_key == "ravenna"
    languages = {row.language: (row.mother_tongue, row.level) for row in profile.languages}
    # Italian has its own level; the others' CEFR levels are left for the desk.
    assert languages == {"ar": (True, None), "fr": (False, None)}
    assert profile.italian_level is None and profile.italian_rank == 0 and profile.stage is JobStage.PROFILE
    [entry] = entries_of(db, profile)
    assert entry.action is Action.CREATE and entry.desk_id == person.desk_id
    assert entry.changes["municipality"] == [None, "Ravenna"]
    assert entry.changes["languages"] == [None, ["ar: native", "fr: ?"]]
    assert "municipality_key" not in entry.changes and "sector_keys" not in entry.changes
    # Starting again does not make a second profile.
    again = client.post(f"{PEOPLE}/{person.id}/start")
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillsProfile)) == 1


def test_editing_or_printing_without_a_profile_leads_to_starting_one(client, login_as, db, person):
    login_as(Role.OPERATOR, language="en")
    for url in (f"{PEOPLE}/{person.id}/edit", f"{PEOPLE}/{person.id}/cv.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.endswith(f"{PEOPLE}/{person.id}"), url
    response = client.post(f"{PEOPLE}/{person.id}/educations", data={"education-level": "primary"})
    assert response.status_code == 302
    assert _profile(db, person) is None


# ---- the profile form --------------------------------------------------------------------------


def test_saving_the_profile_keeps_matching_columns_and_the_stage_in_step(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    add_rows(db, profile, educations=0, experiences=1, languages=())  # construction experience
    profile.experiences[0].sector = Sector.CARE
    db.session.commit()
    page = client.get(f"{PEOPLE}/{profile.person_id}/edit")
    assert page.status_code == 200
    version = profile.version
    response = client.post(f"{PEOPLE}/{profile.person_id}/edit", data=profile_data(version=str(version)))
    assert response.status_code == 302, text_of(response)[:1000]
    saved = _profile(db, profile.person)
    assert saved.italian_level is Cefr.A2 and saved.italian_rank == 2
    assert saved.italian_certificate is ItalianCertificate.PREFETTURA_A2
    assert saved.licences == " B C " and [lic.value for lic in saved.licence_list] == ["B", "C"]
    assert saved.sectors == ["construction", "logistics"]
    assert _keys(saved) == {Sector.CONSTRUCTION, Sector.LOGISTICS, Sector.CARE}
    assert saved.skills == "Forklift\nHACCP\nWelding"
    assert saved.municipality == "San Lazzaro di Savena" and saved.municipality_key == "san lazzaro di savena"
    assert saved.province == "BO"
    assert saved.hours is Hours.FULL_TIME and saved.travel is Travel.PROVINCE
    assert saved.nights and not saved.weekends and saved.own_vehicle
    # An Italian level and a sector wanted: the person is now looking for work.
    assert saved.stage is JobStage.SEARCHING
    assert saved.version > version
    entry = entries_of(db, saved)[-1]
    assert entry.action is Action.UPDATE
    assert entry.changes["italian_level"] == [None, "A2"]
    assert entry.changes["licences"] == ["", " B C "]
    assert entry.changes["sectors"] == [["logistics"], ["construction", "logistics"]]
    assert not {"italian_rank", "municipality_key", "sector_keys", "stage"} & set(entry.changes)
    page = text_of(client.get(f"{PEOPLE}/{profile.person_id}"))
    assert "A2 (elementary)" in page and "Prefettura A2 test (EU long-term permit)" in page
    assert "HACCP" in page and "San Lazzaro di Savena (BO)" in page and "CPI Bologna" in page


def test_a_save_that_changes_nothing_writes_nothing(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    data = profile_data(version=str(profile.version))
    assert client.post(f"{PEOPLE}/{profile.person_id}/edit", data=data).status_code == 302
    saved = _profile(db, profile.person)
    count, version = len(entries_of(db, saved)), saved.version
    data["version"] = str(version)
    assert client.post(f"{PEOPLE}/{profile.person_id}/edit", data=data).status_code == 302
    saved = _profile(db, profile.person)
    assert len(entries_of(db, saved)) == count and saved.version == version


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("italian_level", "D9", "Choose a level from A1 to C2 in the list."),
        ("italian_certificate", "dele", "Choose the certificate from the list."),
        ("licences", ["B", "Z"], "Choose the licences from the list."),
        ("sectors", ["logistics", "mining"], "Choose the sectors from the list."),
        ("hours", "always", "Choose the hours they can work."),
        ("hours", "", "Choose the hours they can work."),
        ("travel", "moon", "Choose how far they can go to work."),
        ("italian_certificate_on", (date.today() + timedelta(days=2)).isoformat(), "This date is in the future."),
        ("did_on", (date.today() + timedelta(days=3)).isoformat(), "This date is in the future."),
        ("did_on", "1930-05-01", "Enter a date from 1940 on."),
        ("did_on", "2024-13-45", "Not a valid date value."),
        (
            "available_from",
            (date.today() + timedelta(days=6 * 366)).isoformat(),
            "Enter a date within five years of today.",
        ),
        ("province", "R1", "Enter the province's two-letter code, like RA."),
        ("province", "RAV", "Enter the province's two-letter code, like RA."),
        ("municipality", "x" * 121, "Field cannot be longer than 120 characters."),
        ("notes", "Call \u202eher\u202c later", "Remove the invisible control or text-direction characters"),
        ("skills", "Forklift\x07", "Remove the invisible control or text-direction characters"),
        ("employment_centre", "CPI\u2066 Bologna", "Remove the invisible control or text-direction characters"),
        ("italian_certificate", "", "Choose the certificate, or clear its date."),
    ],
)
def test_bad_profile_input_is_refused_at_the_field(client, login_as, db, profile, field, value, message):
    login_as(Role.OPERATOR, language="en")
    carrier = "employment_centre" if field == "notes" else "notes"
    data = profile_data(version=str(profile.version), **{carrier: "Kept as typed"})
    data[field] = value
    response = client.post(f"{PEOPLE}/{profile.person_id}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in text_of(response)
    assert f'id="{field}-error"' in page
    assert "Kept as typed" in page
    saved = _profile(db, profile.person)
    assert saved.notes == "" and saved.italian_level is None


def test_service_refuses_what_the_form_cannot_check(app, db, profile):
    with app.test_request_context():
        with pytest.raises(FieldErrors) as caught:
            profiles.clean_profile_values(
                {"hours": Hours.EITHER, "travel": "province", "notes": "a\x1fb", "municipality": "x" * 200}
            )
        assert {error.field for error in caught.value.errors} == {"notes", "municipality"}


def test_a_stale_profile_edit_shows_both_versions_and_loses_nothing(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    old = profile.version
    profiles.update_profile(profile, profiles.clean_profile_values(_values(notes="Saved Meanwhile")), version=old)
    db.session.commit()
    response = client.post(
        f"{PEOPLE}/{profile.person_id}/edit", data=profile_data(version=str(old), notes="Mine", italian_level="B1")
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Saved Meanwhile" in page
    assert "Mine" in response.get_data(as_text=True)
    saved = _profile(db, profile.person)
    assert saved.notes == "Saved Meanwhile" and saved.italian_level is Cefr.A2
    # Saving again knowingly keeps this user's version.
    response = client.post(
        f"{PEOPLE}/{profile.person_id}/edit",
        data=profile_data(version=str(saved.version), notes="Mine", italian_level="B1"),
    )
    assert response.status_code == 302
    saved = _profile(db, profile.person)
    assert saved.notes == "Mine" and saved.italian_level is Cefr.B1 and saved.italian_rank == 3


# ---- rows --------------------------------------------------------------------------------------


def education_data(**overrides) -> dict:
    data = {
        "education-level": "bachelor",
        "education-title": "Civil engineering",
        "education-country": "SY",
        "education-year": "2012",
        "education-recognition": "requested",
    }
    data.update(overrides)
    return data


def test_education_is_added_edited_and_removed_with_the_trail(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    pid, version = profile.person_id, profile.version
    response = client.post(f"{PEOPLE}/{pid}/educations", data=education_data())
    assert response.status_code == 302 and response.location.endswith("#education")
    saved = _profile(db, profile.person)
    [row] = saved.educations
    assert (row.level, row.title, row.country, row.year, row.recognition) == (
        EducationLevel.BACHELOR,
        "Civil engineering",
        "SY",
        2012,
        Recognition.REQUESTED,
    )
    assert saved.version > version
    entry = entries_of(db, saved)[-1]
    assert entry.changes == {"educations": [None, "bachelor · Civil engineering · SY · 2012 · requested"]}
    page = text_of(client.get(f"{PEOPLE}/{pid}"))
    assert "Bachelor's degree" in page and "Syria" in page and "Recognition requested" in page

    assert client.get(f"{PEOPLE}/{pid}/educations/{row.id}").status_code == 200
    response = client.post(
        f"{PEOPLE}/{pid}/educations/{row.id}",
        data={
            "level": "bachelor",
            "title": "Civil engineering",
            "country": "SY",
            "year": "2012",
            "recognition": "obtained",
            "version": str(saved.version),
        },
    )
    assert response.status_code == 302
    saved = _profile(db, profile.person)
    assert saved.educations[0].recognition is Recognition.OBTAINED
    assert entries_of(db, saved)[-1].changes["educations"][1].endswith("obtained")

    response = client.post(f"{PEOPLE}/{pid}/educations/{row.id}/delete", data={"version": str(saved.version)})
    assert response.status_code == 302
    saved = _profile(db, profile.person)
    assert saved.educations == []
    assert entries_of(db, saved)[-1].changes["educations"][1] is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Education)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("level", "phd", "Choose the level of education from the list."),
        ("level", "", "Choose the level of education from the list."),
        ("country", "XX", "Choose the country from the list."),
        ("year", "1939", "Enter a year from 1940 to"),
        ("year", str(date.today().year + 1), "Enter a year from 1940 to"),
        ("year", "soon", "Not a valid integer value."),
        ("recognition", "maybe", "Choose the recognition from the list."),
        ("title", "T" * 201, "Field cannot be longer than 200 characters."),
        ("title", "Diploma\u202e", "Remove the invisible control or text-direction characters"),
    ],
)
def test_bad_education_is_refused_at_the_field(client, login_as, db, profile, field, value, message):
    login_as(Role.OPERATOR, language="en")
    response = client.post(
        f"{PEOPLE}/{profile.person_id}/educations", data=education_data(**{f"education-{field}": value})
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert f'id="education-{field}-error"' in response.get_data(as_text=True)
    assert shared_label_targets(response) == {}
    assert _profile(db, profile.person).educations == []


def test_a_qualification_obtained_in_italy_needs_no_recognition(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    data = education_data(**{"education-country": "IT", "education-recognition": "obtained"})
    response = client.post(f"{PEOPLE}/{profile.person_id}/educations", data=data)
    assert response.status_code == 422 and "A qualification obtained in Italy needs no recognition." in text_of(
        response
    )


def experience_data(**overrides) -> dict:
    data = {
        "experience-role": "Bricklayer",
        "experience-sector": "construction",
        "experience-employer": "Edil Sud",
        "experience-country": "TN",
        "experience-years": "2,5",
        "experience-until_year": str(today().year - 1),
        "experience-description": "Walls and plaster",
    }
    data.update(overrides)
    return data


def test_experience_changes_the_sector_keys(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    pid = profile.person_id
    assert _keys(profile) == {Sector.LOGISTICS}
    assert client.post(f"{PEOPLE}/{pid}/experiences", data=experience_data()).status_code == 302
    saved = _profile(db, profile.person)
    [row] = saved.experiences
    assert row.years == Decimal("2.5") and row.until_year == today().year - 1 and row.country == "TN"
    assert _keys(saved) == {Sector.LOGISTICS, Sector.CONSTRUCTION}
    assert entries_of(db, saved)[-1].changes["experiences"][1].startswith("Bricklayer · construction · Edil Sud")
    # Still working there: no year it ended.
    data = experience_data(
        **{
            "experience-role": "Warehouse",
            "experience-sector": "logistics",
            "experience-until_year": "",
            "experience-ongoing": "y",
        }
    )
    assert client.post(f"{PEOPLE}/{pid}/experiences", data=data).status_code == 302
    saved = _profile(db, profile.person)
    assert [e.role for e in profiles.experiences_newest_first(saved)] == ["Warehouse", "Bricklayer"]
    page = text_of(client.get(f"{PEOPLE}/{pid}"))
    assert "2.5 years" in page and "still working there" in page
    # Removing the construction job takes construction out of the keys; logistics is wanted.
    saved_row = next(e for e in saved.experiences if e.role == "Bricklayer")
    response = client.post(f"{PEOPLE}/{pid}/experiences/{saved_row.id}/delete", data={"version": str(saved.version)})
    assert response.status_code == 302
    saved = _profile(db, profile.person)
    assert _keys(saved) == {Sector.LOGISTICS}
    # Editing the other one into care adds care.
    other = saved.experiences[0]
    data = {"role": "Carer", "sector": "care", "years": "1", "ongoing": "y", "version": str(saved.version)}
    assert client.post(f"{PEOPLE}/{pid}/experiences/{other.id}", data=data).status_code == 302
    saved = _profile(db, profile.person)
    assert _keys(saved) == {Sector.LOGISTICS, Sector.CARE}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "", "Enter the job or role."),
        ("sector", "mining", "Choose the sector from the list."),
        ("years", "2,3", "Enter the years from 0 to 60, in halves"),
        ("years", "61", "Enter the years from 0 to 60, in halves"),
        ("years", "-1", "Enter the years from 0 to 60, in halves"),
        ("years", "many", "Enter the years from 0 to 60, in halves"),
        ("until_year", "", "Enter the year it ended, or tick that they still work there."),
        ("until_year", str(date.today().year + 2), "Enter a year from 1940 to"),
        ("country", "ZZ", "Choose the country from the list."),
        ("description", "a\x00b", "Remove the invisible control or text-direction characters"),
    ],
)
def test_bad_experience_is_refused_at_the_field(client, login_as, db, profile, field, value, message):
    login_as(Role.OPERATOR, language="en")
    data = experience_data(**{f"experience-{field}": value})
    response = client.post(f"{PEOPLE}/{profile.person_id}/experiences", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert "Edil Sud" in response.get_data(as_text=True) or field == "employer"
    assert _profile(db, profile.person).experiences == []


def test_ongoing_work_has_no_end_year(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    data = experience_data(**{"experience-ongoing": "y"})
    response = client.post(f"{PEOPLE}/{profile.person_id}/experiences", data=data)
    assert response.status_code == 422 and "Leave the year empty for work still going on." in text_of(response)


def test_languages_are_added_once_each_and_never_italian(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    pid = profile.person_id
    url = f"{PEOPLE}/{pid}/languages"
    assert client.post(url, data={"language-language": "ar", "language-level": "native"}).status_code == 302
    assert client.post(url, data={"language-language": "en", "language-level": "B2"}).status_code == 302
    saved = _profile(db, profile.person)
    assert {(r.language, r.mother_tongue, r.level) for r in saved.languages} == {
        ("ar", True, None),
        ("en", False, Cefr.B2),
    }
    for data, message in (
        ({"language-language": "ar", "language-level": "A1"}, "This language is already in the profile."),
        ({"language-language": "it", "language-level": "B1"}, "Italian has its own level in the profile."),
        ({"language-language": "xx", "language-level": "B1"}, "Choose a language from the list."),
        ({"language-language": "de", "language-level": "D1"}, "Choose mother tongue or a level from A1 to C2."),
        ({"language-language": "de", "language-level": ""}, "Choose mother tongue or a level from A1 to C2."),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in text_of(response), data
    assert len(_profile(db, profile.person).languages) == 2
    page = text_of(client.get(f"{PEOPLE}/{pid}"))
    assert "Arabic · Mother tongue" in page and "English · B2 (upper intermediate)" in page
    # The level of a language is edited; the language stays.
    saved = _profile(db, profile.person)
    assert client.get(f"{PEOPLE}/{pid}/languages/en").status_code == 200
    response = client.post(f"{PEOPLE}/{pid}/languages/en", data={"level": "C1", "version": str(saved.version)})
    assert response.status_code == 302
    saved = _profile(db, profile.person)
    assert profiles.language_row(saved, "en").level is Cefr.C1
    assert entries_of(db, saved)[-1].changes == {"languages": ["en: B2", "en: C1"]}
    response = client.post(f"{PEOPLE}/{pid}/languages/en/delete", data={"version": str(saved.version)})
    assert response.status_code == 302
    assert [r.language for r in _profile(db, profile.person).languages] == ["ar"]
    assert client.get(f"{PEOPLE}/{pid}/languages/de").status_code == 404


def test_a_stale_row_edit_is_compared_and_a_stale_removal_refused(client, login_as, db, profile):
    login_as(Role.OPERATOR, language="en")
    add_rows(db, profile, educations=1, experiences=1, languages=("fr",))
    db.session.commit()
    pid, old = profile.person_id, profile.version
    experience = profile.experiences[0]
    # Someone else edits the experience meanwhile.
    profiles.update_experience(
        profile,
        experience,
        profiles.clean_experience_values(
            {"role": "Site foreman", "sector": "construction", "years": "3", "until_year": today().year}
        ),
        version=old,
    )
    db.session.commit()
    data = {
        "role": "Mason",
        "sector": "construction",
        "years": "2",
        "until_year": str(today().year),
        "version": str(old),
    }
    response = client.post(f"{PEOPLE}/{pid}/experiences/{experience.id}", data=data)
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Site foreman" in page and "Mason" in page
    assert _profile(db, profile.person).experiences[0].role == "Site foreman"
    education = profile.educations[0]
    response = client.post(f"{PEOPLE}/{pid}/educations/{education.id}/delete", data={"version": str(old)})
    assert response.status_code == 409 and "Someone else changed this profile meanwhile" in text_of(response)
    assert len(_profile(db, profile.person).educations) == 1
    response = client.post(f"{PEOPLE}/{pid}/educations/{education.id}/delete", data={})
    assert response.status_code == 422 and "The page was incomplete" in text_of(response)


def test_rows_of_another_profile_are_not_found(client, login_as, db, desk, make_person, make_profile, profile):
    login_as(Role.OPERATOR, language="en")
    other = make_profile(make_person(desk))
    add_rows(db, other)
    db.session.commit()
    pid = profile.person_id
    assert client.get(f"{PEOPLE}/{pid}/educations/{other.educations[0].id}").status_code == 404
    assert client.get(f"{PEOPLE}/{pid}/experiences/{other.experiences[0].id}").status_code == 404
    response = client.post(f"{PEOPLE}/{pid}/experiences/{other.experiences[0].id}/delete", data={"version": "1"})
    assert response.status_code == 404


# ---- who may see a profile ---------------------------------------------------------------------


def _urls(profile) -> list[tuple[str, str]]:
    pid = profile.person_id
    return [
        ("GET", f"{PEOPLE}/{pid}"),
        ("GET", f"{PEOPLE}/{pid}/edit"),
        ("POST", f"{PEOPLE}/{pid}/edit"),
        ("GET", f"{PEOPLE}/{pid}/cv.pdf"),
        ("POST", f"{PEOPLE}/{pid}/start"),
        ("POST", f"{PEOPLE}/{pid}/educations"),
        ("GET", f"{PEOPLE}/{pid}/educations/{profile.educations[0].id}"),
        ("POST", f"{PEOPLE}/{pid}/experiences/{profile.experiences[0].id}/delete"),
        ("POST", f"{PEOPLE}/{pid}/languages"),
        ("GET", f"{PEOPLE}/{pid}/languages/fr"),
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.COORDINATOR])
def test_staff_of_another_desk_are_refused(client, login_as, db, other_desk, make_person, make_profile, role):
    profile = make_profile(make_person(other_desk))
    add_rows(db, profile)
    db.session.commit()
    login_as(role)
    for method, url in _urls(profile):
        assert client.open(url, method=method).status_code == 403, url
    assert _profile(db, profile.person).educations[0].title == "Diploma 0"


def test_a_person_shared_with_the_desk_is_reachable(client, login_as, db, desk, other_desk, make_person, make_profile):
    from sportello.people.models import SharedDesk

    person = make_person(other_desk)
    person.shared_desks.append(SharedDesk(desk_id=desk.id))
    make_profile(person)
    db.session.commit()
    login_as(Role.OPERATOR)
    assert client.get(f"{PEOPLE}/{person.id}").status_code == 200


def test_mediators_are_refused(client, login_as, db, desk, make_person, make_profile):
    profile = make_profile(make_person(desk))
    add_rows(db, profile)
    db.session.commit()
    login_as(Role.MEDIATOR)
    for method, url in _urls(profile):
        assert client.open(url, method=method).status_code == 403, url


def test_a_merged_record_leads_to_the_survivors_profile(client, login_as, db, desk, make_person, person):
    merged = make_person(desk)
    merged.merged_into_id = person.id
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"{PEOPLE}/{merged.id}")
    assert response.status_code == 302 and response.location.endswith(f"{PEOPLE}/{person.id}")


# ---- the cases' links to offers ----------------------------------------------------------------


def test_find_offers_links_go_to_the_open_cases_the_user_sees(client, login_as, db, desk, other_desk, profile):
    person = profile.person
    open_case = make_case(db, desk, person)
    closed = make_case(db, desk, person, status=CaseStatus.CLOSED)
    elsewhere = make_case(db, other_desk, person)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    html = client.get(f"{PEOPLE}/{person.id}").get_data(as_text=True)
    assert f"/jobs/cases/{open_case.id}/offers" in html
    assert f"/jobs/cases/{closed.id}/offers" not in html
    assert f"/jobs/cases/{elsewhere.id}/offers" not in html


# ---- the person page's panel -------------------------------------------------------------------


def test_the_person_page_shows_a_summary_or_offers_to_start(client, login_as, db, desk, make_person, person):
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/people/{person.id}")
    assert page.status_code == 200
    assert "Start a skills profile" in text_of(page)
    assert f'href="{PEOPLE}/{person.id}"' in page.get_data(as_text=True)
    profile = profiles.start_profile(person)
    values = profiles.clean_profile_values(_values())
    profiles.update_profile(profile, values, version=profile.version)
    db.session.commit()
    page = client.get(f"/people/{person.id}")
    text = text_of(page)
    assert "Looking for work" in text and "Italian: A2" in text and "Logistics and warehouses" in text
    assert "DID of" in text and f"{PEOPLE}/{person.id}/cv.pdf" in page.get_data(as_text=True)


def test_the_panel_takes_one_query(app, db, desk, make_user, profile):
    from sportello.jobs.profile_views import person_panel
    from sportello.people.models import Person

    add_rows(db, profile, educations=3, experiences=3, languages=("fr", "en"))
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.test_request_context():
        person = db.session.get(Person, profile.person_id)
        assert user.role is Role.OPERATOR  # the signed-in user, loaded before the page's panels
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            panel = person_panel(person, user)
            assert panel["profile"].sector_list == [Sector.LOGISTICS]
            assert panel["profile"].person is person
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert person_panel(person, make_user(Role.MEDIATOR)) == {"visible": False, "profile": None}


def test_the_profile_page_does_not_query_per_row(client, login_as, db, desk, profile):
    login_as(Role.OPERATOR, language="en")
    make_case(db, desk, profile.person)
    add_rows(db, profile, educations=1, experiences=1, languages=("fr",))
    db.session.commit()
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(f"{PEOPLE}/{profile.person_id}")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    few = queries()
    add_rows(db, _profile(db, profile.person), educations=5, experiences=8, languages=("en", "es", "de"))
    for _ in range(3):
        make_case(db, desk, profile.person)
    db.session.commit()
    assert queries() == few


def test_years_read_as_people_say_them(app):
    from sportello.jobs.profile_views import job_years

    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            assert job_years(Decimal("0")) == "less than six months"
            assert job_years(Decimal("1")) == "1 year"
            assert job_years(Decimal("3.0")) == "3 years"
            assert job_years(Decimal("2.5")) == "2.5 years"


def test_row_descriptions_for_the_trail():
    row = Experience(
        role="Cook",
        sector=Sector.HOSPITALITY,
        employer="",
        country="EG",
        years=Decimal("0.5"),
        until_year=None,
        description="x" * 100,
    )
    text = profiles.describe_experience(row)
    assert text.startswith("Cook · hospitality · EG · 0.5y · ongoing · ") and text.endswith("…")
    assert profiles.describe_language(ProfileLanguage(language="fr", mother_tongue=False, level=Cefr.A2)) == "fr: A2"


def test_the_audit_page_reads_the_profiles_trail(client, login_as, db, profile):
    add_rows(db, profile, educations=0, experiences=0, languages=())
    profiles.add_experience(
        profile,
        profiles.clean_experience_values({"role": "Cook", "sector": "hospitality", "years": "1", "ongoing": True}),
    )
    db.session.commit()
    login_as(Role.ADMIN, language="en")
    assert client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": "en"}).status_code == 200
    page = client.get("/admin/audit", query_string={"object_type": "SkillsProfile"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Skills profile" in text and "Work experience" in text and "Cook · hospitality" in text
    assert "CV language" in text and "Downloaded" in text


def test_a_row_saved_over_a_profile_changed_meanwhile_is_refused(app, db, profile):
    """Rows move the profile's version on: a row added while someone else saved the profile
    (so its sector keys were worked out from other experiences) fails instead of mixing both."""
    from sqlalchemy.orm.exc import StaleDataError

    with app.test_request_context():
        db.session.execute(
            sa.update(SkillsProfile)
            .where(SkillsProfile.id == profile.id)
            .values(version=SkillsProfile.version + 1)
            .execution_options(synchronize_session=False)
        )
        values = profiles.clean_experience_values(
            {"role": "Cook", "sector": "hospitality", "years": "1", "ongoing": True}
        )
        with pytest.raises(StaleDataError):
            profiles.add_experience(profile, values)
            db.session.flush()
        db.session.rollback()


def test_any_change_of_a_row_is_recorded(app, db, profile):
    add_rows(db, profile, educations=0, experiences=1, languages=())
    db.session.commit()
    row = profile.experiences[0]
    values = {
        "role": row.role,
        "sector": row.sector,
        "country": row.country,
        "employer": row.employer,
        "years": row.years,
        "until_year": row.until_year,
        "description": "x" * 80,
    }
    with app.test_request_context():
        profiles.update_experience(profile, row, profiles.clean_experience_values(values), version=profile.version)
        db.session.commit()
        version, count = profile.version, len(entries_of(db, profile))
        values["description"] = "x" * 79 + "y"  # differs only beyond what the trail's summary shows
        profiles.update_experience(profile, row, profiles.clean_experience_values(values), version=version)
        db.session.commit()
        assert profile.version > version and len(entries_of(db, profile)) == count + 1
        # The same values again change nothing.
        profiles.update_experience(profile, row, profiles.clean_experience_values(values), version=profile.version)
        db.session.commit()
        assert len(entries_of(db, profile)) == count + 1
