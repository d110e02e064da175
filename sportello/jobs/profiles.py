"""Rules of a person's skills profile: starting it from the person's record, the profile form,
and its rows (education, work experience, languages other than Italian).

Every save keeps the columns matching reads (``italian_rank``, ``municipality_key``, the
``sector_keys`` rows, ``licences`` as " B C ") in step with what was typed, refreshes the
person's job stage, and writes the audit trail on the profile. Row changes are recorded on the
profile (fields ``educations``, ``experiences``, ``languages``) and bump its version, so two
people saving the same profile at once are serialised by the version check: the one who saved
second is refused and shown the profile as it now is (``sector_keys`` is never worked out from
a stale set of experiences).

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, selectinload

from sportello.cases.models import Case, CaseStatus
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import ErrorList
from sportello.core.forms import has_hidden_characters, today
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import SPOKEN_LANGUAGES, is_country
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.jobs import stages
from sportello.jobs.models import (
    CEFR_RANK,
    STAFF_ROLES,
    Cefr,
    DrivingLicence,
    Education,
    EducationLevel,
    Experience,
    Hours,
    ItalianCertificate,
    ProfileLanguage,
    ProfileSector,
    Recognition,
    Sector,
    SkillsProfile,
    Travel,
)
from sportello.jobs.places import PROVINCE_CODE, municipality_key
from sportello.people.models import LanguageLevel, Person

# Lengths of the columns, and of free text.
MAX_TEXT = 5000
MAX_PLACE = 120
MAX_TITLE = 200
MAX_ROLE = 160
# Years of experience in one role, to the half year.
MAX_YEARS = Decimal("60")
# The earliest year of a qualification or of the end of a job.
FIRST_YEAR = 1940
FIRST_DATE = date(FIRST_YEAR, 1, 1)
# How far from today the date a person is available from may be, either way.
MAX_YEARS_AWAY = 5
# The value of the languages form's level for a mother tongue (the others are CEFR levels).
NATIVE = "native"

CHOOSE_LEVEL = _l("Choose a level from A1 to C2 in the list.")
CHOOSE_CERTIFICATE = _l("Choose the certificate from the list.")
CHOOSE_LICENCES = _l("Choose the licences from the list.")
CHOOSE_SECTORS = _l("Choose the sectors from the list.")
CHOOSE_SECTOR = _l("Choose the sector from the list.")
CHOOSE_HOURS = _l("Choose the hours they can work.")
CHOOSE_TRAVEL = _l("Choose how far they can go to work.")
CHOOSE_COUNTRY = _l("Choose the country from the list.")
CHOOSE_EDUCATION = _l("Choose the level of education from the list.")
CHOOSE_RECOGNITION = _l("Choose the recognition from the list.")
CHOOSE_LANGUAGE = _l("Choose a language from the list.")
CHOOSE_LANGUAGE_LEVEL = _l("Choose mother tongue or a level from A1 to C2.")
IN_FUTURE = _l("This date is in the future.")
TOO_OLD = _l("Enter a date from 1940 on.")
DATE_TOO_FAR = _l("Enter a date within five years of today.")
BAD_PROVINCE = _l("Enter the province's two-letter code, like RA.")
HIDDEN = _l("Remove the invisible control or text-direction characters from this field.")
YEARS_RANGE = _l("Enter the years from 0 to 60, in halves, like 2 or 2,5.")
ITALIAN_ELSEWHERE = _l("Italian has its own level in the profile.")
LANGUAGE_TWICE = _l("This language is already in the profile.")
NO_RECOGNITION_IN_ITALY = _l("A qualification obtained in Italy needs no recognition.")


def year_range_message() -> Any:
    return _l("Enter a year from 1940 to %(year)s.", year=today().year)


def _choice(errors: ErrorList, field: str, enum: type, value: Any, message: Any, *, optional: bool = False):
    """The member of ``enum`` whose value is ``value`` (a member is taken as it is); None for an
    empty optional value; otherwise ``message`` at the field."""
    if isinstance(value, enum):
        return value
    if value in (None, "") and optional:
        return None
    if isinstance(value, str) and value in enum._value2member_map_:
        return enum(value)
    errors.add(field, message)
    return None


def _text(errors: ErrorList, field: str, value: Any, limit: int, *, one_line: bool = True) -> str:
    raw = str(value or "")
    if has_hidden_characters(raw):
        errors.add(field, HIDDEN)
    text = " ".join(raw.split()) if one_line else "\n".join(line.rstrip() for line in raw.strip().splitlines())
    if len(text) > limit:
        errors.add(field, _l("This text is too long: at most %(max)s characters.", max=limit))
    return text


def _past_date(errors: ErrorList, field: str, value: date | None) -> date | None:
    if value is None:
        return None
    if value > today():
        errors.add(field, IN_FUTURE)
    elif value < FIRST_DATE:
        errors.add(field, TOO_OLD)
    return value


def _year(errors: ErrorList, field: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors.add(field, year_range_message())
        return None
    if not FIRST_YEAR <= year <= today().year:
        errors.add(field, year_range_message())
    return year


# ---- reading -----------------------------------------------------------------------------------

# What the profile page shows of the profile: its rows, in one query each.
PAGE_OPTIONS = (
    selectinload(SkillsProfile.educations),
    selectinload(SkillsProfile.experiences),
    selectinload(SkillsProfile.languages),
)


def profile_of(person_id: int, *, rows: bool = True) -> SkillsProfile | None:
    """The person's profile (None if they have none yet), with its rows unless ``rows`` is false."""
    query = sa.select(SkillsProfile).where(SkillsProfile.person_id == person_id)
    if rows:
        query = query.options(*PAGE_OPTIONS)
    return db.session.scalar(query)


def summary_of(person_id: int) -> SkillsProfile | None:
    """The profile's own columns only, for the person page's panel: one query, no rows."""
    return db.session.scalar(
        sa.select(SkillsProfile).where(SkillsProfile.person_id == person_id).options(lazyload(SkillsProfile.person))
    )


def open_cases(person: Person, user) -> list[Case]:
    """The person's open cases that ``user`` may see, newest first, for the links to offers."""
    if user.role not in STAFF_ROLES:
        return []
    query = (
        Case.visible_to(user)
        .where(Case.person_id == person.id, Case.status == CaseStatus.OPEN)
        .options(lazyload(Case.tracks), lazyload(Case.operator), lazyload(Case.person))
        .order_by(Case.opened_on.desc(), Case.id.desc())
    )
    return list(db.session.scalars(query))


def experiences_newest_first(profile: SkillsProfile) -> list[Experience]:
    """Work still going on first, then by the year it ended, latest first (the same on every
    database: SQL puts empty years first on PostgreSQL, last on SQLite)."""
    return sorted(
        profile.experiences,
        key=lambda e: (e.until_year is None, e.until_year or 0, e.id or 0),
        reverse=True,
    )


def educations_newest_first(profile: SkillsProfile) -> list[Education]:
    return sorted(profile.educations, key=lambda e: (e.year or 0, e.id or 0), reverse=True)


def mother_tongues(profile: SkillsProfile) -> list[ProfileLanguage]:
    return [row for row in profile.languages if row.mother_tongue]


def other_languages(profile: SkillsProfile) -> list[ProfileLanguage]:
    """Languages that are not a mother tongue, the best known first."""
    rows = [row for row in profile.languages if not row.mother_tongue]
    return sorted(rows, key=lambda row: (-(CEFR_RANK[row.level] if row.level else 0), row.language))


# ---- the audit's descriptions of rows ---------------------------------------------------------

# Matching keeps these columns from the others: they are not part of what a person typed.
DERIVED = {"italian_rank", "municipality_key", "sector_keys", "stage", "stage_on", "person"}


def describe_education(row: Education) -> str:
    parts = [row.level.value, row.title, row.country, str(row.year or ""), row.recognition.value]
    return " · ".join(part for part in parts if part)


def describe_experience(row: Experience) -> str:
    until = str(row.until_year) if row.until_year else "ongoing"
    about = " ".join((row.description or "").split())
    about = about if len(about) <= 60 else about[:59] + "…"
    parts = [row.role, row.sector.value, row.employer, row.country, f"{Decimal(row.years):.1f}y", until, about]
    return " · ".join(part for part in parts if part)


def describe_language(row: ProfileLanguage) -> str:
    return f"{row.language}: {NATIVE if row.mother_tongue else (row.level.value if row.level else '?')}"


def _touch(profile: SkillsProfile) -> None:
    """Rows live in their own tables: touch the profile so its version moves on."""
    profile.updated_at = utcnow()


def _sync_sector_keys(profile: SkillsProfile) -> None:
    """``sector_keys`` = the sectors wanted and those of experience, changing only what differs."""
    wanted = {Sector(value) for value in profile.sectors or [] if value in Sector._value2member_map_}
    wanted |= {row.sector for row in profile.experiences}
    current = {row.sector: row for row in profile.sector_keys}
    for sector, row in current.items():
        if sector not in wanted:
            profile.sector_keys.remove(row)
    for sector in Sector:
        if sector in wanted and sector not in current:
            profile.sector_keys.append(ProfileSector(sector=sector))


# ---- the desk of a profile ----------------------------------------------------------------------


def follow_person_desks(survivor: Person, merged: Person, **_: Any) -> None:
    """After a merge or its undoing moved a profile from one record to the other, the profile
    takes the desk of the person it now belongs to (see ``SkillsProfile.desk_id``). Profiles
    whose desk is already right are left alone, their update time too."""
    desk_of_person = sa.select(Person.desk_id).where(Person.id == SkillsProfile.person_id).scalar_subquery()
    db.session.execute(
        sa.update(SkillsProfile)
        .where(SkillsProfile.person_id.in_([survivor.id, merged.id]), SkillsProfile.desk_id != desk_of_person)
        .values(desk_id=desk_of_person, updated_at=SkillsProfile.updated_at)
        .execution_options(synchronize_session=False)
    )


# ---- starting a profile ------------------------------------------------------------------------


def start_profile(person: Person) -> SkillsProfile:
    """A new profile for ``person``, filled from their record: the municipality of their
    address, and the languages they speak other than Italian (their mother tongues marked; the
    CEFR level of the others is left for the desk to assess)."""
    profile = SkillsProfile(
        person=person,
        person_id=person.id,
        municipality=person.municipality or "",
        municipality_key=municipality_key(person.municipality),
        province="",
        italian_rank=0,
        licences="",
        skills="",
        sectors=[],
        hours=Hours.EITHER,
        travel=Travel.MUNICIPALITY,
        employment_centre="",
        notes="",
    )
    for spoken in person.languages:
        if spoken.language == "it" or spoken.language not in SPOKEN_LANGUAGES:
            continue
        profile.languages.append(
            ProfileLanguage(language=spoken.language, mother_tongue=spoken.level is LanguageLevel.NATIVE)
        )
    db.session.add(profile)
    db.session.flush()
    changes = {key: value for key, value in audit.snapshot(profile).items() if key not in DERIVED}
    changes.pop("languages", None)
    if profile.languages:
        changes["languages"] = [None, [describe_language(row) for row in profile.languages]]
    audit.record(Action.CREATE, profile, changes)
    stages.refresh_stage(person.id)
    return profile


# ---- the profile form --------------------------------------------------------------------------

EDIT_FIELDS = (
    "italian_level",
    "italian_certificate",
    "italian_certificate_on",
    "licences",
    "own_vehicle",
    "skills",
    "sectors",
    "hours",
    "nights",
    "weekends",
    "travel",
    "municipality",
    "province",
    "available_from",
    "did_on",
    "employment_centre",
    "notes",
)


def clean_profile_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise what the profile form sent; raises FieldErrors with every problem.

    ``licences`` and ``sectors`` are lists of codes; they come back as the stored " B C " text
    and a list of sector values, in the order of their enumerations."""
    errors = ErrorList()
    out: dict[str, Any] = {}
    out["italian_level"] = _choice(
        errors, "italian_level", Cefr, values.get("italian_level"), CHOOSE_LEVEL, optional=True
    )
    out["italian_certificate"] = _choice(
        errors,
        "italian_certificate",
        ItalianCertificate,
        values.get("italian_certificate"),
        CHOOSE_CERTIFICATE,
        optional=True,
    )
    out["italian_certificate_on"] = _past_date(errors, "italian_certificate_on", values.get("italian_certificate_on"))
    if (
        out["italian_certificate_on"] is not None
        and out["italian_certificate"] is None
        and not any(e.field == "italian_certificate" for e in errors.errors)
    ):
        errors.add("italian_certificate", _l("Choose the certificate, or clear its date."))

    licences = [str(code) for code in values.get("licences") or []]
    if any(code not in DrivingLicence._value2member_map_ for code in licences):
        errors.add("licences", CHOOSE_LICENCES)
    chosen = [licence.value for licence in DrivingLicence if licence.value in licences]
    out["licences"] = f" {' '.join(chosen)} " if chosen else ""

    sectors = [str(code) for code in values.get("sectors") or []]
    if any(code not in Sector._value2member_map_ for code in sectors):
        errors.add("sectors", CHOOSE_SECTORS)
    out["sectors"] = [sector.value for sector in Sector if sector.value in sectors]

    out["hours"] = _choice(errors, "hours", Hours, values.get("hours"), CHOOSE_HOURS)
    out["travel"] = _choice(errors, "travel", Travel, values.get("travel"), CHOOSE_TRAVEL)
    for name in ("own_vehicle", "nights", "weekends"):
        out[name] = bool(values.get(name))

    skills = _text(errors, "skills", values.get("skills"), MAX_TEXT, one_line=False)
    out["skills"] = "\n".join(line.strip() for line in skills.splitlines() if line.strip())
    out["notes"] = _text(errors, "notes", values.get("notes"), MAX_TEXT, one_line=False)
    out["municipality"] = _text(errors, "municipality", values.get("municipality"), MAX_PLACE)
    out["employment_centre"] = _text(errors, "employment_centre", values.get("employment_centre"), MAX_PLACE)
    province = "".join(str(values.get("province") or "").split()).upper()
    if province and not PROVINCE_CODE.match(province):
        errors.add("province", BAD_PROVINCE)
    out["province"] = province

    available_from = values.get("available_from")
    if available_from is not None and abs((available_from - today()).days) > MAX_YEARS_AWAY * 366:
        errors.add("available_from", DATE_TOO_FAR)
    out["available_from"] = available_from
    out["did_on"] = _past_date(errors, "did_on", values.get("did_on"))
    errors.raise_any()
    return out


def update_profile(profile: SkillsProfile, values: dict[str, Any], *, version: Any) -> None:
    """Save the profile form (cleaned values) over ``profile``, refused if it changed since the
    form was loaded. Keeps the matching columns and the person's stage in step."""
    check_version(profile, version)
    with db.session.no_autoflush:
        for name in EDIT_FIELDS:
            setattr(profile, name, values[name])
        level = values["italian_level"]
        profile.italian_rank = CEFR_RANK[level] if level else 0
        profile.municipality_key = municipality_key(values["municipality"])
        _sync_sector_keys(profile)
        changes = {key: value for key, value in audit.pending_changes(profile).items() if key not in DERIVED}
    if not changes:
        return
    audit.record(Action.UPDATE, profile, changes)
    stages.refresh_stage(profile.person_id)


# ---- rows ---------------------------------------------------------------------------------------


def _record_row(profile: SkillsProfile, field: str, old: str | None, new: str | None) -> None:
    """A row's change, recorded on the profile (``field`` is educations, experiences or languages)."""
    _touch(profile)
    audit.record(Action.UPDATE, profile, {field: [old, new]})


def _country(errors: ErrorList, field: str, value: Any) -> str:
    code = str(value or "").strip().upper()
    if code and not is_country(code):
        errors.add(field, CHOOSE_COUNTRY)
    return code


EDUCATION_FIELDS = ("level", "title", "country", "year", "recognition")


def clean_education_values(values: dict[str, Any]) -> dict[str, Any]:
    errors = ErrorList()
    out: dict[str, Any] = {}
    out["level"] = _choice(errors, "level", EducationLevel, values.get("level"), CHOOSE_EDUCATION)
    out["title"] = _text(errors, "title", values.get("title"), MAX_TITLE)
    out["country"] = _country(errors, "country", values.get("country"))
    out["year"] = _year(errors, "year", values.get("year"))
    recognition = values.get("recognition") or Recognition.NONE.value
    out["recognition"] = _choice(errors, "recognition", Recognition, recognition, CHOOSE_RECOGNITION)
    if out["country"] == "IT" and out["recognition"] not in (None, Recognition.NONE):
        errors.add("recognition", NO_RECOGNITION_IN_ITALY)
    errors.raise_any()
    return out


def add_education(profile: SkillsProfile, values: dict[str, Any]) -> Education:
    row = Education(**{name: values[name] for name in EDUCATION_FIELDS})
    profile.educations.append(row)
    db.session.flush()
    _record_row(profile, "educations", None, describe_education(row))
    return row


def _set(row: Any, values: dict[str, Any], names: tuple[str, ...]) -> bool:
    """Write ``values`` on ``row``; whether anything changed."""
    changed = False
    for name in names:
        if getattr(row, name) != values[name]:
            setattr(row, name, values[name])
            changed = True
    return changed


def update_education(profile: SkillsProfile, row: Education, values: dict[str, Any], *, version: Any) -> None:
    check_version(profile, version)
    old = describe_education(row)
    if _set(row, values, EDUCATION_FIELDS):
        _record_row(profile, "educations", old, describe_education(row))


def remove_education(profile: SkillsProfile, row: Education, *, version: Any) -> None:
    check_version(profile, version)
    old = describe_education(row)
    profile.educations.remove(row)
    _record_row(profile, "educations", old, None)


EXPERIENCE_FIELDS = ("role", "sector", "country", "employer", "years", "until_year", "description")


def clean_experience_values(values: dict[str, Any]) -> dict[str, Any]:
    """``ongoing`` true means the person still works there: no year it ended."""
    errors = ErrorList()
    out: dict[str, Any] = {}
    out["role"] = _text(errors, "role", values.get("role"), MAX_ROLE)
    if not out["role"]:
        errors.add("role", _l("Enter the job or role."))
    out["sector"] = _choice(errors, "sector", Sector, values.get("sector"), CHOOSE_SECTOR)
    out["country"] = _country(errors, "country", values.get("country"))
    out["employer"] = _text(errors, "employer", values.get("employer"), MAX_ROLE)
    out["description"] = _text(errors, "description", values.get("description"), MAX_TEXT, one_line=False)
    years = values.get("years")
    try:
        years = None if years in (None, "") else Decimal(str(years))
    except InvalidOperation:
        years = None
    if years is None or not years.is_finite() or not 0 <= years <= MAX_YEARS or (years * 2) % 1 != 0:
        errors.add("years", YEARS_RANGE)
    else:
        years = years.quantize(Decimal("0.1"))
    out["years"] = years
    until = _year(errors, "until_year", values.get("until_year"))
    if values.get("ongoing"):
        if until is not None:
            errors.add("until_year", _l("Leave the year empty for work still going on."))
        until = None
    elif until is None and not any(e.field == "until_year" for e in errors.errors):
        errors.add("until_year", _l("Enter the year it ended, or tick that they still work there."))
    out["until_year"] = until
    errors.raise_any()
    return out


def _experience_changed(profile: SkillsProfile, old: str | None, new: str | None) -> None:
    _sync_sector_keys(profile)
    _record_row(profile, "experiences", old, new)


def add_experience(profile: SkillsProfile, values: dict[str, Any]) -> Experience:
    row = Experience(**{name: values[name] for name in EXPERIENCE_FIELDS})
    profile.experiences.append(row)
    db.session.flush()
    _experience_changed(profile, None, describe_experience(row))
    return row


def update_experience(profile: SkillsProfile, row: Experience, values: dict[str, Any], *, version: Any) -> None:
    check_version(profile, version)
    old = describe_experience(row)
    if _set(row, values, EXPERIENCE_FIELDS):
        _experience_changed(profile, old, describe_experience(row))


def remove_experience(profile: SkillsProfile, row: Experience, *, version: Any) -> None:
    check_version(profile, version)
    old = describe_experience(row)
    profile.experiences.remove(row)
    _experience_changed(profile, old, None)


def language_choices_codes() -> tuple[str, ...]:
    """Languages a profile may list besides Italian."""
    return tuple(code for code in dict.fromkeys(SPOKEN_LANGUAGES) if code != "it")


def clean_language_values(
    profile: SkillsProfile, values: dict[str, Any], *, editing: ProfileLanguage | None = None
) -> dict[str, Any]:
    """A language other than Italian, not yet in the profile, as mother tongue or at a CEFR
    level. When ``editing`` a row, its language stays."""
    errors = ErrorList()
    out: dict[str, Any] = {}
    if editing is not None:
        out["language"] = editing.language
    else:
        code = str(values.get("language") or "").strip()
        if code == "it":
            errors.add("language", ITALIAN_ELSEWHERE)
        elif code not in language_choices_codes():
            errors.add("language", CHOOSE_LANGUAGE)
        elif any(row.language == code for row in profile.languages):
            errors.add("language", LANGUAGE_TWICE)
        out["language"] = code
    level = values.get("level") or ""
    if level == NATIVE:
        out["mother_tongue"], out["level"] = True, None
    else:
        out["mother_tongue"] = False
        out["level"] = _choice(errors, "level", Cefr, level, CHOOSE_LANGUAGE_LEVEL)
    errors.raise_any()
    return out


def add_language(profile: SkillsProfile, values: dict[str, Any]) -> ProfileLanguage:
    row = ProfileLanguage(language=values["language"], mother_tongue=values["mother_tongue"], level=values["level"])
    profile.languages.append(row)
    db.session.flush()
    _record_row(profile, "languages", None, describe_language(row))
    return row


def update_language(profile: SkillsProfile, row: ProfileLanguage, values: dict[str, Any], *, version: Any) -> None:
    check_version(profile, version)
    old = describe_language(row)
    if _set(row, values, ("mother_tongue", "level")):
        _record_row(profile, "languages", old, describe_language(row))


def remove_language(profile: SkillsProfile, row: ProfileLanguage, *, version: Any) -> None:
    check_version(profile, version)
    old = describe_language(row)
    profile.languages.remove(row)
    _record_row(profile, "languages", old, None)


def language_row(profile: SkillsProfile, code: str) -> ProfileLanguage | None:
    return next((row for row in profile.languages if row.language == code), None)
