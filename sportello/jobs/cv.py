"""A person's CV from their skills profile: a Europass-like PDF in Italian, English or French,
rendered by ``core.pdf`` like the checklists.

The CV speaks to an employer in its own language: its labels and the names of coded values
come from ``jobs.cv_labels``, dates, countries and languages from CLDR in that language, and
what the desk typed (roles, employers, titles, skills, descriptions) stays as typed. The date of
birth is printed only when it is known exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date

from sportello.core import audit, pdf
from sportello.core.audit import Action
from sportello.core.forms import today
from sportello.core.languages import CONTENT_LANGUAGES, country_title, language_title
from sportello.jobs import profiles
from sportello.jobs.cv_labels import CV_LANGUAGES, CvLabels
from sportello.jobs.models import Recognition, SkillsProfile
from sportello.people.models import DatePrecision, Person

__all__ = ["CV_LANGUAGES", "CvDocument", "cv_document", "filename", "record_download", "render"]

# Dates in English as written in Europe: "5 March 2026".
_DATE_LOCALES = {"it": "it", "en": "en_GB", "fr": "fr"}


@dataclass
class CvEntry:
    """A job or a qualification: what it was, where, when, and the details beneath."""

    heading: str
    place: str = ""
    # When, one line each: the end (or the year) first, then how long.
    period: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class CvLanguage:
    name: str
    level: str = ""


@dataclass
class CvDocument:
    language: str
    labels: CvLabels
    name: str
    original_name: str = ""
    original_direction: str = "ltr"
    contacts: list[tuple[str, str]] = field(default_factory=list)
    experiences: list[CvEntry] = field(default_factory=list)
    educations: list[CvEntry] = field(default_factory=list)
    italian: CvLanguage | None = None
    italian_certificate: str = ""
    mother_tongues: list[str] = field(default_factory=list)
    other_languages: list[CvLanguage] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)
    own_vehicle: bool = False
    skills: list[str] = field(default_factory=list)
    availability: list[tuple[str, str]] = field(default_factory=list)
    updated: str = ""
    page_counter: str = '""'
    footer: str = '""'
    fonts: str = '"Noto Sans"'


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(value, language: str) -> str:
    return format_date(value, "long", locale=_DATE_LOCALES[language])


def _phone(value: str) -> str:
    """An E.164 number as people write it: "+39 333 123 4567"."""
    import phonenumbers

    try:
        return phonenumbers.format_number(phonenumbers.parse(value, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value


def direction_of(text: str) -> str:
    """ "rtl" when the first letter with a direction is right-to-left (Arabic, Hebrew...)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def font_stack() -> str:
    """Noto Sans, then a face for every script of the content languages, so a name or an
    employer typed in its own script prints in a matching face rather than a fallback one."""
    families = dict.fromkeys(language.font for language in CONTENT_LANGUAGES)
    return ", ".join(f'"{family}"' for family in families)


def duration(years: Decimal, labels: CvLabels) -> str:
    """Years in a job, in words: "less than six months", "6 months", "3 years and 6 months"."""
    years = Decimal(years)
    whole, half = int(years), years % 1 != 0
    if whole == 0:
        return labels["half_year"] if half else labels["under_half_year"]
    text = labels["one_year"] if whole == 1 else labels.format("years", years=whole)
    return labels.format("and_half", years=text) if half else text


def _residence(profile: SkillsProfile, person: Person) -> str:
    place = profile.municipality or person.municipality
    if place and profile.province:
        return f"{place} ({profile.province})"
    return place


def cv_document(profile: SkillsProfile, language: str) -> CvDocument:
    """Everything the CV prints, in ``language`` (one of CV_LANGUAGES)."""
    labels = CvLabels(language)
    person = profile.person
    doc = CvDocument(
        language=language,
        labels=labels,
        name=f"{person.given_names} {person.family_name}",
        original_name=person.original_name,
        original_direction=direction_of(person.original_name),
        page_counter=pdf.page_counter(labels["page_counter"]),
        # The name in every page's footer, as a CSS string (nothing that could end the style).
        footer=pdf.css_string(f"{person.given_names} {person.family_name}".replace("<", "").replace(">", "")),
        fonts=font_stack(),
    )
    if person.phone:
        doc.contacts.append((labels["phone"], _phone(person.phone)))
    if person.email:
        doc.contacts.append((labels["email"], person.email))
    residence = _residence(profile, person)
    if residence:
        doc.contacts.append((labels["residence"], residence))
    if person.birth_date and person.birth_date_precision is DatePrecision.EXACT:
        doc.contacts.append((labels["birth_date"], _date(person.birth_date, language)))
    nationality = ", ".join(country_title(code, language) for code in person.citizenship_codes)
    if nationality:
        doc.contacts.append((labels["nationality"], nationality))

    for row in profiles.experiences_newest_first(profile):
        end = labels.format("until", year=row.until_year) if row.until_year else labels["ongoing"]
        place = ", ".join(part for part in (row.employer, country_title(row.country, language)) if part)
        doc.experiences.append(
            CvEntry(
                heading=row.role,
                place=place,
                period=[end, duration(row.years, labels)],
                details=[labels.labelled("sector", labels.value(row.sector))],
                text=row.description,
            )
        )
    for row in profiles.educations_newest_first(profile):
        heading = labels.value(row.level)
        details = []
        if row.recognition is not Recognition.NONE and row.country != "IT":
            details.append(labels.value(row.recognition))
        doc.educations.append(
            CvEntry(
                heading=f"{heading} · {row.title}" if row.title else heading,
                place=country_title(row.country, language),
                period=[str(row.year)] if row.year else [],
                details=details,
            )
        )

    if profile.italian_level is not None:
        doc.italian = CvLanguage(_capital(language_title("it", language)), labels.value(profile.italian_level))
    if profile.italian_certificate is not None:
        certificate = labels.value(profile.italian_certificate)
        if profile.italian_certificate_on:
            certificate = f"{certificate}, {_date(profile.italian_certificate_on, language)}"
        doc.italian_certificate = labels.labelled("certificate", certificate)
        if doc.italian is None:
            doc.italian = CvLanguage(_capital(language_title("it", language)))
    doc.mother_tongues = [_capital(language_title(row.language, language)) for row in profiles.mother_tongues(profile)]
    doc.other_languages = [
        CvLanguage(_capital(language_title(row.language, language)), labels.value(row.level) if row.level else "")
        for row in profiles.other_languages(profile)
    ]
    doc.licences = [labels.value(licence) for licence in profile.licence_list]
    doc.own_vehicle = profile.own_vehicle
    doc.skills = profile.skill_list

    doc.availability.append((labels["hours"], labels.value(profile.hours)))
    shifts = [labels[name] for name in ("nights", "weekends") if getattr(profile, name)]
    if shifts:
        doc.availability.append((labels["shifts"], ", ".join(shifts)))
    doc.availability.append((labels["travel"], labels.value(profile.travel)))
    if profile.available_from and profile.available_from > today():
        doc.availability.append((labels["available_from"], _date(profile.available_from, language)))
    doc.updated = labels.format("updated", date=_date(today(), language))
    return doc


def render(doc: CvDocument) -> bytes:
    return pdf.render_pdf("pdf/cv.html", doc=doc)


def filename(person: Person, language: str) -> str:
    """``CV_El-Amrani_Mohammed_it.pdf``: ASCII, so every browser and mail program keeps it."""
    from anyascii import anyascii

    def part(name: str) -> str:
        text = "".join(c if c.isalnum() else " " for c in anyascii(name or ""))
        return "-".join(text.split())

    stem = "_".join(p for p in ("CV", part(person.family_name), part(person.given_names), language) if p)
    return f"{stem}.pdf"


def record_download(profile: SkillsProfile, language: str) -> None:
    audit.record(Action.DOWNLOAD, profile, {"cv": [None, language]}, label=f"{profile.person} · CV")
