"""The CV: a PDF in Italian, English or French from the skills profile, its labels and coded
values in the CV's language, the data as typed, page numbers on long CVs, the download's trail."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.core.audit import Action
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import cv
from sportello.jobs.cv_labels import CV_LANGUAGES, LABELS, PRINTED_ENUMS, VALUES, CvLabels
from sportello.jobs.models import (
    Cefr,
    DrivingLicence,
    Education,
    EducationLevel,
    Experience,
    Hours,
    ItalianCertificate,
    ProfileLanguage,
    Recognition,
    Sector,
    Travel,
)
from sportello.people.models import Citizenship, DatePrecision
from tests.jobs.profile_helpers import entries_of

PEOPLE = "/jobs/people"


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "cv.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout.replace("\u00a0", " ")


def page_count(text: str) -> int:
    """Pages of pdftotext's output: each ends with a form feed."""
    return text.count("\f")


@pytest.fixture
def person(db, desk, make_person):
    person = make_person(
        desk,
        given_names="Mohammed",
        family_name="El Amrani",
        given_names_original="محمد",
        family_name_original="العمراني",
        phone="+393331234567",
        email="mohammed@example.org",
        municipality="Ravenna",
        birth_date=date(1990, 4, 12),
        birth_date_precision=DatePrecision.EXACT,
    )
    person.citizenships = [Citizenship(country="MA"), Citizenship(country="SY")]
    db.session.flush()
    return person


@pytest.fixture
def profile(db, person, make_profile):
    profile = make_profile(
        person,
        sectors=(Sector.CONSTRUCTION, Sector.LOGISTICS),
        italian_level=Cefr.B1,
        italian_certificate=ItalianCertificate.PREFETTURA_A2,
        italian_certificate_on=date(2023, 5, 4),
        licences=" B C ",
        own_vehicle=True,
        skills="Forklift\nHACCP",
        hours=Hours.FULL_TIME,
        nights=True,
        travel=Travel.ANYWHERE,
        province="RA",
        available_from=today() + timedelta(days=20),
        did_on=date(2024, 1, 10),
        notes="Internal note not for employers",
    )
    profile.experiences = [
        Experience(
            role="Bricklayer",
            sector=Sector.CONSTRUCTION,
            country="SY",
            employer="Edil Damasco",
            years=Decimal("3.5"),
            until_year=2015,
            description="Walls, plaster and tiles",
        ),
        Experience(
            role="Warehouse worker",
            sector=Sector.LOGISTICS,
            country="IT",
            employer="Magazzini Ravenna",
            years=Decimal("1"),
            until_year=None,
        ),
    ]
    profile.educations = [
        Education(
            level=EducationLevel.UPPER_SECONDARY,
            title="Baccalauréat",
            country="MA",
            year=2008,
            recognition=Recognition.OBTAINED,
        )
    ]
    profile.languages = [
        ProfileLanguage(language="ar", mother_tongue=True),
        ProfileLanguage(language="fr", level=Cefr.C1),
    ]
    db.session.commit()
    return profile


def test_the_cv_in_italian(client, login_as, db, profile, tmp_path):
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="CV_El-Amrani_Mohammed_it.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(response.data, tmp_path)
    for expected in (
        "Mohammed El Amrani",
        "Telefono",
        "+39 333 123 4567",
        "mohammed@example.org",
        "Ravenna (RA)",
        "12 aprile 1990",
        "Marocco, Siria",
        "Esperienza lavorativa".upper(),
        "Bricklayer",
        "Edil Damasco, Siria",
        "fino al 2015",
        "3 anni e 6 mesi",
        "in corso",
        "1 anno",
        "Settore: Edilizia",
        "Walls, plaster and tiles",
        "Scuola secondaria di secondo grado · Baccalauréat",
        "Riconosciuto in Italia (dichiarazione di valore)",
        "Madrelingua",
        "Arabo",
        "Italiano",
        "B1 (intermedio)",
        "Certificazione: Test di lingua italiana A2 della Prefettura, 4 maggio 2023",
        "Francese C1 (avanzato)",
        "B (auto), C (autocarro)",
        "Mezzo proprio",
        "Forklift",
        "Tempo pieno",
        "Turni",
        "notte",
        "Ovunque, anche con trasferimento",
        "Inizio disponibilità",
        "Pagina 1 di 1",
    ):
        assert expected in text, expected
    # What the desk keeps for itself stays off the CV.
    assert "Internal note" not in text and "DID" not in text
    # The newest job first.
    assert text.index("Warehouse worker") < text.index("Bricklayer")


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        (
            "en",
            [
                "WORK EXPERIENCE",
                "Nationality",
                "Morocco, Syria",
                "12 April 1990",
                "3 years and 6 months",
                "until 2015",
                "Recognised in Italy (declaration of value)",
                "Mother tongue",
                "Arabic",
                "B1 (intermediate)",
                "French C1 (advanced)",
                "Anywhere, willing to relocate",
                "Page 1 of 1",
            ],
            ["Esperienza", "Marocco"],
        ),
        (
            "fr",
            [
                "EXPÉRIENCE PROFESSIONNELLE",
                "Nationalité",
                "Maroc, Syrie",
                "12 avril 1990",
                "3 ans et 6 mois",
                "jusqu'en 2015",
                "Langue maternelle",
                "Arabe",
                "Italien",
                "B1 (intermédiaire)",
                "Partout, y compris avec déménagement",
                "Secteur : Bâtiment et travaux publics",
                "B (voiture), C (poids lourd)",
                "Page 1 sur 1",
            ],
            ["Esperienza", "Work experience"],
        ),
    ],
)
def test_the_labels_follow_the_cvs_language(client, login_as, db, profile, tmp_path, lang, expected, absent):
    # The interface in Italian does not change the CV's language.
    login_as(Role.OPERATOR, language="it")
    response = client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": lang})
    assert response.status_code == 200
    assert f"_{lang}.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    for item in expected:
        assert item in text, item
    for item in absent:
        assert item not in text, item
    # Free text stays as typed.
    assert "Walls, plaster and tiles" in text and "Baccalauréat" in text


def test_a_cv_in_another_language_is_not_found(client, login_as, db, profile):
    login_as(Role.OPERATOR)
    for lang in ("de", "ar", "IT", "xx"):
        assert client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": lang}).status_code == 404
    assert client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": ""}).status_code == 200


def test_the_download_is_in_the_trail(client, login_as, db, profile):
    user = login_as(Role.OPERATOR)
    assert client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": "fr"}).status_code == 200
    [entry] = [e for e in entries_of(db, profile) if e.action is Action.DOWNLOAD]
    assert entry.changes == {"cv": [None, "fr"]} and entry.actor_id == user.id
    assert entry.desk_id == profile.person.desk_id and entry.object_label == "Mohammed El Amrani · CV"


def test_a_birth_date_known_only_by_year_is_left_out(client, login_as, db, profile, tmp_path):
    profile.person.birth_date_precision = DatePrecision.YEAR
    db.session.commit()
    login_as(Role.OPERATOR)
    text = pdf_text(client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf").data, tmp_path)
    assert "Data di nascita" not in text and "1990" not in text


def test_a_long_cv_breaks_pages_with_numbers_and_the_name_in_the_footer(client, login_as, db, profile, tmp_path):
    profile.experiences.extend(
        Experience(
            role=f"Job number {n}",
            sector=Sector.AGRICULTURE,
            country="EG",
            employer=f"Farm {n}",
            years=Decimal("1.5"),
            until_year=2014 - n,
            description="Picking, pruning and driving the tractor in the orchards of the valley.\nSecond line.",
        )
        for n in range(25)
    )
    db.session.commit()
    login_as(Role.OPERATOR)
    data = client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf", query_string={"lang": "en"}).data
    text = pdf_text(data, tmp_path)
    pages = page_count(text)
    assert pages >= 3
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("Mohammed El Amrani") >= pages
    assert "Job number 24" in text


def test_the_original_name_is_printed_in_its_script(app, db, profile, tmp_path):
    with app.test_request_context():
        doc = cv.cv_document(profile, "it")
        assert doc.original_name == "محمد العمراني" and doc.original_direction == "rtl"
        html = cv.pdf.render_html("pdf/cv.html", doc=doc)
        assert '<bdi dir="rtl">محمد العمراني</bdi>' in html
        assert '"Noto Naskh Arabic"' in doc.fonts
        text = pdf_text(cv.render(doc), tmp_path)
    # pdftotext gives Arabic in logical order from a well-built PDF.
    assert "محمد" in text and "العمراني" in text


def test_every_printed_value_has_its_words_in_every_cv_language():
    for enum in PRINTED_ENUMS:
        for member in enum:
            assert set(VALUES[member]) == set(CV_LANGUAGES), member
            assert all(VALUES[member][lang].strip() for lang in CV_LANGUAGES), member
    for key, words in LABELS.items():
        assert set(words) == set(CV_LANGUAGES), key
    with pytest.raises(ValueError):
        CvLabels("de")


@pytest.mark.parametrize(
    ("years", "it", "en", "fr"),
    [
        ("0", "meno di sei mesi", "less than six months", "moins de six mois"),
        ("0.5", "6 mesi", "6 months", "6 mois"),
        ("1", "1 anno", "1 year", "1 an"),
        ("1.5", "1 anno e 6 mesi", "1 year and 6 months", "1 an et 6 mois"),
        ("12", "12 anni", "12 years", "12 ans"),
    ],
)
def test_durations_in_words(years, it, en, fr):
    for lang, expected in (("it", it), ("en", en), ("fr", fr)):
        assert cv.duration(Decimal(years), CvLabels(lang)) == expected


def test_file_names_are_ascii(db, desk, make_person):
    person = make_person(desk, given_names="Aïcha Zoé", family_name="N'Diaye-Ba")
    assert cv.filename(person, "fr") == "CV_N-Diaye-Ba_Aicha-Zoe_fr.pdf"


def test_licences_without_a_vehicle_and_no_italian_level(app, db, profile):
    profile.italian_level = None
    profile.italian_certificate = None
    profile.own_vehicle = False
    profile.licences = f" {DrivingLicence.CQC.value} "
    with app.test_request_context():
        doc = cv.cv_document(profile, "en")
    assert doc.italian is None and doc.licences == ["CQC (driver qualification card)"] and not doc.own_vehicle
    assert doc.mother_tongues == ["Arabic"]


def test_a_profile_of_another_desk_has_no_cv(client, login_as, db, other_desk, make_person, make_profile):
    profile = make_profile(make_person(other_desk))
    db.session.commit()
    login_as(Role.COORDINATOR)
    assert client.get(f"{PEOPLE}/{profile.person_id}/cv.pdf").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Experience)) == 0
