"""Demo job placement (see ``sportello.demo``): skills profiles for the demo people who look for
work, a roster of employers around Ravenna and Faenza with their offers, referrals at every
status, internships planned, running and ended, so the employment board fills every column.

Made through the services, as an operator would, so stages, tracks, offers' hires and the audit
trail follow the same rules. Dates are relative to the day the demo is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.core.forms import today
from sportello.extensions import db
from sportello.jobs import profiles
from sportello.people.models import Person


@dataclass(frozen=True)
class DemoProfile:
    given: str
    family: str
    italian: str | None
    sectors: tuple[str, ...]
    skills: str = ""
    licences: tuple[str, ...] = ()
    certificate: str | None = None
    hours: str = "either"
    nights: bool = False
    weekends: bool = False
    travel: str = "province"
    did_days_ago: int | None = None
    # (level, title, country, years ago, recognition)
    education: tuple[tuple[str, str, str, int, str], ...] = ()
    # (role, sector, country, employer, years, ended years ago or None for ongoing)
    experience: tuple[tuple[str, str, str, str, str, int | None], ...] = ()
    languages: tuple[tuple[str, str | None], ...] = field(default=())


PROFILES = [
    DemoProfile(
        "Mohamed",
        "El Amrani",
        "B1",
        ("logistics", "transport"),
        "Carrellista con patentino\nGestione magazzino con lettore ottico",
        ("B", "C", "CQC"),
        certificate="cpia",
        nights=True,
        did_days_ago=200,
        education=(("upper_secondary", "Baccalauréat sciences", "MA", 18, "obtained"),),
        experience=(
            ("Magazziniere", "logistics", "IT", "Coop Logistica Romagna", "3", None),
            ("Autista consegne", "transport", "MA", "Transports Atlas", "4", 6),
        ),
        languages=(("fr", "B2"),),
    ),
    DemoProfile(
        "Arben",
        "Hoxha",
        "C1",
        ("construction",),
        "Muratore\nPosa piastrelle\nLettura disegni tecnici",
        ("B",),
        travel="anywhere",
        did_days_ago=40,
        education=(("vocational", "Tecnico edile", "AL", 25, "requested"),),
        experience=(("Capocantiere", "construction", "IT", "Edil Faenza", "12", 1),),
    ),
    DemoProfile(
        "Elira",
        "Shehu",
        "B2",
        ("hospitality", "office"),
        "Reception\nExcel\nInglese commerciale",
        hours="part_time",
        weekends=True,
        travel="municipality",
        education=(("bachelor", "Economia aziendale", "AL", 4, "requested"),),
        experience=(("Cameriera di sala", "hospitality", "IT", "Hotel Mare Cervia", "1", 0),),
        languages=(("en", "B2"),),
    ),
    DemoProfile(
        "Olena",
        "Kovalenko",
        "A2",
        ("care", "health"),
        "Assistenza anziani\nPrimo soccorso",
        certificate="prefettura_a2",
        hours="either",
        weekends=True,
        did_days_ago=90,
        education=(("vocational", "Infermiera generica", "UA", 20, "none"),),
        experience=(("Infermiera", "health", "UA", "Ospedale di Kharkiv", "15", 4),),
        languages=(("ru", "C2"), ("en", "A2")),
    ),
    DemoProfile(
        "Rahim",
        "Hossain",
        "A2",
        ("food_industry", "hospitality"),
        "Aiuto cuoco\nHACCP",
        nights=True,
        weekends=True,
        did_days_ago=30,
        education=(("lower_secondary", "", "BD", 18, "none"),),
        experience=(("Aiuto cuoco", "hospitality", "IT", "Ristorante Da Gino", "2", 0),),
        languages=(("en", "A2"),),
    ),
    DemoProfile(
        "Imran",
        "Khan",
        "B1",
        ("retail", "transport"),
        "Cassa\nConsegne a domicilio",
        ("B",),
        travel="province",
        education=(("upper_secondary", "Intermediate (FSc)", "PK", 17, "none"),),
        experience=(("Commesso", "retail", "IT", "Minimarket Lugo", "5", None),),
        languages=(("en", "B2"),),
    ),
    DemoProfile(
        "Gurpreet",
        "Singh",
        "A2",
        ("agriculture", "food_industry"),
        "Mungitura\nConduzione trattore",
        ("B",),
        weekends=True,
        did_days_ago=120,
        experience=(("Operaio agricolo", "agriculture", "IT", "Azienda agricola Bassa Romagna", "6", 0),),
    ),
    DemoProfile(
        "Priya",
        "Sharma",
        "B1",
        ("office", "education"),
        "Contabilità\nSAP\nMediazione hindi e inglese",
        hours="full_time",
        travel="anywhere",
        did_days_ago=15,
        education=(("master", "M.Com. (Commerce)", "IN", 5, "obtained"),),
        experience=(("Impiegata contabile", "office", "IN", "Sharma & Co.", "3", 5),),
        languages=(("en", "C1"),),
    ),
    DemoProfile(
        "Yonas",
        "Gebremedhin",
        "A2",
        ("manufacturing", "logistics"),
        "Saldatura MIG\nUso del muletto",
        ("B",),
        nights=True,
        did_days_ago=60,
        experience=(("Saldatore", "manufacturing", "ER", "", "2", 8),),
    ),
    DemoProfile(
        "Chinedu",
        "Okafor",
        "B1",
        ("cleaning", "logistics"),
        "Pulizie industriali\nUso lavasciuga",
        nights=True,
        weekends=True,
        did_days_ago=75,
        education=(("upper_secondary", "Senior School Certificate", "NG", 16, "none"),),
        experience=(("Addetto pulizie", "cleaning", "IT", "Servizi Integrati Ravenna", "1.5", 0),),
        languages=(("en", "C1"),),
    ),
    DemoProfile(
        "Mamadou",
        "Diop",
        "B1",
        ("agriculture", "manufacturing"),
        "Potatura\nRaccolta frutta",
        weekends=True,
        did_days_ago=300,
        experience=(("Bracciante", "agriculture", "IT", "Cooperativa Frutta Romagna", "4", None),),
        languages=(("fr", "B2"),),
    ),
    DemoProfile(
        "Maricel",
        "Santos",
        "B2",
        ("care",),
        "Assistenza anziani\nCucina",
        hours="either",
        travel="municipality",
        experience=(("Badante convivente", "care", "IT", "Famiglia Rossi", "10", None),),
        languages=(("en", "C1"),),
    ),
    DemoProfile(
        "Ahmad",
        "Hosseini",
        "A2",
        ("hospitality", "retail"),
        "Pizzaiolo",
        travel="province",
        did_days_ago=10,
        experience=(("Pizzaiolo", "hospitality", "IT", "Pizzeria Il Forno", "1", 0),),
    ),
    DemoProfile(
        "Ion",
        "Rusu",
        "B2",
        ("construction", "mechanics"),
        "Idraulico\nManutenzione caldaie",
        ("B", "C"),
        did_days_ago=25,
        education=(("vocational", "Instalator sanitar", "MD", 30, "obtained"),),
        experience=(("Idraulico", "construction", "IT", "Termoidraulica Ravenna", "8", 0),),
        languages=(("ru", "C1"),),
    ),
    DemoProfile("Hodan", "Warsame", "A1", (), "", hours="part_time", travel="municipality"),
    DemoProfile(
        "Youssef",
        "Ben Salah",
        "A2",
        ("hospitality",),
        "Cameriere\nBarista",
        weekends=True,
        did_days_ago=5,
        experience=(("Barista", "hospitality", "TN", "Café de Paris", "3", 2),),
        languages=(("fr", "B2"),),
    ),
]


def _person(given: str, family: str) -> Person | None:
    return db.session.scalar(
        sa.select(Person).where(
            Person.given_names == given, Person.family_name == family, Person.merged_into_id.is_(None)
        )
    )


def seed_profiles() -> int:
    """The skills profiles of the demo people who look for work. Returns how many were made."""
    day = today()
    made = 0
    for demo in PROFILES:
        person = _person(demo.given, demo.family)
        if person is None:
            continue
        profile = profiles.start_profile(person)
        values = profiles.clean_profile_values(
            {
                "italian_level": demo.italian,
                "italian_certificate": demo.certificate,
                "italian_certificate_on": day - timedelta(days=150) if demo.certificate else None,
                "licences": list(demo.licences),
                "own_vehicle": "B" in demo.licences,
                "skills": demo.skills,
                "sectors": list(demo.sectors),
                "hours": demo.hours,
                "nights": demo.nights,
                "weekends": demo.weekends,
                "travel": demo.travel,
                "municipality": person.municipality or "Ravenna",
                "province": "RA",
                "available_from": None,
                "did_on": day - timedelta(days=demo.did_days_ago) if demo.did_days_ago else None,
                "employment_centre": "Centro per l'impiego di Ravenna" if demo.did_days_ago else "",
                "notes": "",
            }
        )
        profiles.update_profile(profile, values, version=profile.version)
        for level, title, country, years_ago, recognition in demo.education:
            row = {"level": level, "title": title, "country": country, "year": day.year - years_ago}
            row["recognition"] = recognition
            profiles.add_education(profile, profiles.clean_education_values(row))
        for role, sector, country, employer, years, ended in demo.experience:
            row = {"role": role, "sector": sector, "country": country, "employer": employer, "description": ""}
            row |= {"years": Decimal(years), "ongoing": ended is None}
            row["until_year"] = None if ended is None else day.year - ended
            profiles.add_experience(profile, profiles.clean_experience_values(row))
        for language, level in demo.languages:
            existing = profiles.language_row(profile, language)
            if existing is not None and existing.mother_tongue:
                continue
            values = profiles.clean_language_values(profile, {"language": language, "level": level}, editing=existing)
            if existing is None:
                profiles.add_language(profile, values)
            else:
                profiles.update_language(profile, existing, values, version=profile.version)
        made += 1
    db.session.flush()
    return made


# name, sector, tax number, contact, phone, municipality, notes
EMPLOYERS = [
    (
        "Coop Logistica Romagna",
        "logistics",
        "",
        "Marco Bellini",
        "+39 0544 100200",
        "Ravenna",
        "Assume tramite agenzia dopo 3 mesi.",
    ),
    ("Edil Faenza srl", "construction", "", "Giulia Neri", "+39 0546 300400", "Faenza", ""),
    (
        "Hotel Mare Cervia",
        "hospitality",
        "",
        "Sara Fabbri",
        "+39 0544 900100",
        "Cervia",
        "Stagione da aprile a settembre.",
    ),
    ("Cooperativa Frutta Romagna", "agriculture", "", "Luca Ricci", "+39 0545 200300", "Lugo", "Raccolta da giugno."),
    ("Residenza Anziani Il Pino", "health", "", "Anna Conti", "+39 0544 400500", "Ravenna", ""),
    (
        "Servizi Integrati Ravenna",
        "cleaning",
        "",
        "Paolo Verdi",
        "+39 0544 500600",
        "Ravenna",
        "Turni di notte nei supermercati.",
    ),
    (
        "Meccanica Adriatica spa",
        "manufacturing",
        "",
        "Elena Rossi",
        "+39 0544 600700",
        "Ravenna",
        "Cerca saldatori; corso sicurezza a carico dell'azienda.",
    ),
    ("Pasticceria Dolce Forno", "food_industry", "", "Francesca Gallo", "+39 0546 700800", "Faenza", ""),
]

# employer, title, sector, contract, hours, weekly, nights, weekends, municipality, positions,
# Italian, licence, skills, days to closing (None: no closing date)
OFFERS = [
    (
        0,
        "Magazziniere carrellista",
        "logistics",
        "agency",
        "full_time",
        40,
        True,
        False,
        "Ravenna",
        3,
        "A2",
        None,
        "Carrellista con patentino",
        30,
    ),
    (0, "Autista patente C", "transport", "fixed_term", "full_time", 40, False, False, "Ravenna", 1, "B1", "C", "", 20),
    (
        1,
        "Muratore qualificato",
        "construction",
        "permanent",
        "full_time",
        40,
        False,
        False,
        "Faenza",
        1,
        "A2",
        "B",
        "Muratore\nLettura disegni tecnici",
        45,
    ),
    (
        2,
        "Cameriere di sala",
        "hospitality",
        "seasonal",
        "full_time",
        40,
        False,
        True,
        "Cervia",
        4,
        "A2",
        None,
        "Cameriere",
        60,
    ),
    (
        2,
        "Receptionist",
        "hospitality",
        "seasonal",
        "part_time",
        24,
        False,
        True,
        "Cervia",
        1,
        "B2",
        None,
        "Reception\nInglese commerciale",
        60,
    ),
    (
        3,
        "Operaio agricolo stagionale",
        "agriculture",
        "seasonal",
        "full_time",
        39,
        False,
        True,
        "Lugo",
        10,
        None,
        None,
        "Raccolta frutta",
        90,
    ),
    (
        4,
        "Operatore socio-sanitario",
        "health",
        "fixed_term",
        "full_time",
        38,
        True,
        True,
        "Ravenna",
        2,
        "B1",
        None,
        "Assistenza anziani",
        25,
    ),
    (
        5,
        "Addetto pulizie notturne",
        "cleaning",
        "permanent",
        "part_time",
        20,
        True,
        True,
        "Ravenna",
        2,
        "A1",
        None,
        "Pulizie industriali",
        15,
    ),
    (
        6,
        "Saldatore MIG",
        "manufacturing",
        "fixed_term",
        "full_time",
        40,
        False,
        False,
        "Ravenna",
        2,
        "A2",
        None,
        "Saldatura MIG",
        40,
    ),
    (
        7,
        "Aiuto pasticcere",
        "food_industry",
        "apprenticeship",
        "full_time",
        40,
        True,
        False,
        "Faenza",
        1,
        "A2",
        None,
        "HACCP",
        10,
    ),
    (
        5,
        "Addetto pulizie uffici",
        "cleaning",
        "fixed_term",
        "part_time",
        25,
        False,
        False,
        "Lugo",
        1,
        "A2",
        None,
        "",
        None,
    ),
    (
        3,
        "Trattorista",
        "agriculture",
        "seasonal",
        "full_time",
        40,
        False,
        False,
        "Lugo",
        1,
        "A2",
        "B",
        "Conduzione trattore",
        5,
    ),
]


def seed_employers() -> list:
    """The demo employers and their offers. Returns the offers."""
    from sportello.jobs import employers

    made = []
    for name, sector, tax, contact, phone, municipality, notes in EMPLOYERS:
        values = {"name": name, "sector": sector, "tax_number": tax, "contact_name": contact, "phone": phone}
        values |= {"email": "", "address": "", "municipality": municipality, "notes": notes, "active": True}
        made.append(employers.create_employer(employers.clean_employer_values(values)))
    day = today()
    offers = []
    for row in OFFERS:
        index, title, sector, contract, hours, weekly, nights, weekends, municipality, positions = row[:10]
        italian, licence, skills, closing = row[10:]
        values = {"employer_id": made[index].id, "title": title, "sector": sector, "contract_type": contract}
        values |= {"hours": hours, "weekly_hours": weekly, "nights": nights, "weekends": weekends}
        values |= {"municipality": municipality, "province": "RA", "positions": positions}
        values |= {"min_italian": italian, "licence": licence, "skills": skills, "requirements": ""}
        values |= {"description": "", "closes_on": day + timedelta(days=closing) if closing else None}
        offers.append(employers.create_offer(employers.clean_offer_values(values)))
    return offers


# person, employer, role, days since start, months, weekly hours, stipend, programme, end
# (None: still running or planned; otherwise the outcome, ended days ago)
INTERNSHIPS = [
    ("Yonas", "Gebremedhin", 6, "Saldatore in formazione", 75, 6, 30, "500", "GOL, Regione Emilia-Romagna", None),
    ("Rahim", "Hossain", 7, "Aiuto pasticcere", -10, 4, 25, "450", "FSE+ Emilia-Romagna", None),
    ("Chinedu", "Okafor", 5, "Addetto pulizie industriali", 200, 6, 30, "500", "Progetto FAMI", ("hired", 20)),
    ("Hodan", "Warsame", 4, "Ausiliaria di cucina", 120, 6, 20, "400", "Progetto SAI", ("left", 60)),
]


def _open_case(person: Person):
    from sportello.cases.models import Case, CaseStatus

    return db.session.scalar(
        sa.select(Case)
        .where(Case.person_id == person.id, Case.status != CaseStatus.CLOSED)
        .order_by(Case.opened_on.desc(), Case.id.desc())
    )


def seed_internships(employers: list, user) -> int:
    """Internships planned, running (with its attendance) and ended, on the demo cases."""
    from sportello.jobs import internships

    day = today()
    made = 0
    for given, family, host, role, since, months, weekly, stipend, programme, end in INTERNSHIPS:
        person = _person(given, family)
        case = _open_case(person) if person is not None else None
        if case is None:
            continue
        starts_on = day - timedelta(days=since)
        values = {"host_id": employers[host].id, "role": role, "host_tutor": employers[host].contact_name}
        values |= {"promoter_tutor": "Sportello integrazione", "starts_on": starts_on}
        values |= {"ends_on": internships.add_months(starts_on, months) - timedelta(days=1)}
        values |= {"weekly_hours": weekly, "monthly_stipend": Decimal(stipend), "programme": programme, "note": ""}
        internship = internships.create_internship(case, internships.clean_internship_values(values), user)
        made += 1
        if since < 0:
            continue
        internships.start_internship(internship, version=internship.version, on=starts_on)
        last = day - timedelta(days=end[1]) if end else day
        for month in internships.months_between(starts_on, last):
            if internships.month_end(month) >= last:
                break
            planned = internships.planned_hours(weekly, internship.starts_on, internship.ends_on, month)
            # Most months attended in full; the second below the 70% of the stipend rule.
            attended = (
                planned
                if month != internships.month_start(starts_on + timedelta(days=31))
                else (planned / 2).quantize(Decimal("1"))
            )
            internships.add_month(
                internship, {"month": month, "planned_hours": planned, "attended_hours": attended}, user
            )
        if end:
            outcome, ago = end
            values = {"outcome": outcome, "outcome_on": day - timedelta(days=ago), "note": ""}
            internships.end_internship(internship, values, user, version=internship.version)
    return made


def seed_jobs() -> None:
    """All of the demo's job placement, after the demo people and cases."""
    from sportello.auth.models import User
    from sportello.core.roles import Role
    from sportello.jobs import employers as employers_service
    from sportello.jobs.models import OfferStatus

    operator = db.session.scalars(sa.select(User).where(User.role == Role.OPERATOR).order_by(User.id)).first()
    seed_profiles()
    _open_job_cases()
    offers = seed_employers()
    employers = list(dict.fromkeys(offer.employer for offer in offers))
    seed_internships(employers, operator)
    seed_referrals(offers, operator)
    # The tractor driver's place went to someone the desk did not put forward.
    employers_service.change_offer_status(offers[-1], OfferStatus.CLOSED, version=offers[-1].version)


def _open_job_cases() -> None:
    """A case with a work track for each demo person with a profile and no open case, opened
    eight months ago at their desk by its operator."""
    from sportello.auth.models import Desk
    from sportello.cases import services as cases

    for demo in PROFILES:
        person = _person(demo.given, demo.family)
        if person is None or _open_case(person) is not None:
            continue
        desk = db.session.get(Desk, person.desk_id)
        staff = cases.staff_of([desk.id])
        operator = next((user for user in staff if user.role.value == "operator"), staff[0])
        values = {"operator_id": operator.id, "opened_on": today() - timedelta(days=240), "tracks": ["employment"]}
        values["summary"] = "Cerca lavoro: profilo delle competenze e orientamento al Centro per l'impiego."
        cases.open_case(person, desk, values, operator)


# person, offer (index in OFFERS), status reached, days ago, note. Every status appears; the
# people put forward, at interview and hired fill the board's columns.
REFERRALS = [
    ("Mohamed", "El Amrani", 0, "interview", 6, "Colloquio con il responsabile di magazzino."),
    ("Mohamed", "El Amrani", 1, "sent", 10, "CV inviato per e-mail."),
    ("Ion", "Rusu", 2, "sent", 4, ""),
    ("Arben", "Hoxha", 2, "hired", 25, "Assunto dopo la prova in cantiere."),
    ("Olena", "Kovalenko", 6, "proposed", 2, ""),
    ("Gurpreet", "Singh", 5, "sent", 8, ""),
    ("Gurpreet", "Singh", 11, "not_selected", 30, "Cercavano esperienza con trattori cingolati."),
    ("Priya", "Sharma", 4, "withdrew", 12, "Ha trovato un lavoro a Bologna."),
    ("Elira", "Shehu", 4, "interview", 3, "Colloquio in inglese e in italiano."),
    ("Mamadou", "Diop", 5, "hired", 15, ""),
    ("Maricel", "Santos", 6, "proposed", 1, ""),
    ("Youssef", "Ben Salah", 3, "proposed", 0, ""),
    ("Ahmad", "Hosseini", 3, "interview", 2, ""),
]
CONTRACTS = {2: ("permanent", None), 5: ("seasonal", 120)}


# How each demo referral got to its status: the steps before it, each a few days before the next.
PATHS = {
    "proposed": (),
    "sent": ("proposed",),
    "interview": ("proposed", "sent"),
    "hired": ("proposed", "sent", "interview"),
    "not_selected": ("proposed", "sent", "interview"),
    "withdrew": ("proposed", "sent"),
}
DAYS_BETWEEN_STEPS = 4


def seed_referrals(offers: list, user) -> int:
    """Referrals of the demo cases to the demo offers, at every status, each with the steps that
    led there. Returns how many."""
    from sportello.jobs import referrals
    from sportello.jobs.models import ReferralStatus

    day = today()
    made = 0
    for given, family, offer_index, status, ago, note in REFERRALS:
        person = _person(given, family)
        case = _open_case(person) if person is not None else None
        if case is None:
            continue
        steps = (*PATHS[status], status)
        reached = day - timedelta(days=ago)
        first = reached - timedelta(days=DAYS_BETWEEN_STEPS * (len(steps) - 1))
        referral = referrals.create_referral(case, offers[offer_index], user, on=first)
        made += 1
        for number, step in enumerate(steps[1:], start=1):
            on = first + timedelta(days=DAYS_BETWEEN_STEPS * number)
            last = number == len(steps) - 1
            values = {"status": step, "status_on": on, "note": note if last else "", "interview_on": None}
            if step == ReferralStatus.INTERVIEW.value:
                values["interview_on"] = day + timedelta(days=3) if last else on + timedelta(days=2)
            if step == ReferralStatus.HIRED.value:
                contract, days = CONTRACTS[offer_index]
                values |= {"contract_type": contract, "starts_on": on + timedelta(days=7)}
                values["ends_on"] = on + timedelta(days=7 + days) if days else None
            referrals.update_referral(referral, values, user, version=referral.version, on=on)
    return made
