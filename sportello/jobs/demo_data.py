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
