"""Synthetic job placement for the benchmark: employers (one for every ten offers), offers across
the desks' provinces with the requirements desks meet (Italian level, licence, shifts, hours), a
skills profile for every person with the sectors it matches, work experience for a part of them
and every job stage, and referrals and internships for a few thousand cases; deterministic for a
seed."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.cases.models import Case
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.jobs.models import (
    CEFR_RANK,
    Cefr,
    ContractType,
    Employer,
    Experience,
    Hours,
    Internship,
    InternshipStatus,
    JobOffer,
    JobReferral,
    JobReferralStep,
    JobStage,
    OfferStatus,
    ProfileSector,
    ReferralStatus,
    Sector,
    SkillsProfile,
    Travel,
)
from sportello.jobs.places import municipality_key
from sportello.people.models import Person

# (municipality, province): several towns per province, so "within the province" means something.
PLACES = [
    ("Ravenna", "RA"),
    ("Faenza", "RA"),
    ("Lugo", "RA"),
    ("Cervia", "RA"),
    ("Bologna", "BO"),
    ("Imola", "BO"),
    ("San Lazzaro di Savena", "BO"),
    ("Torino", "TO"),
    ("Moncalieri", "TO"),
    ("Prato", "PO"),
    ("Brescia", "BS"),
    ("Desenzano del Garda", "BS"),
    ("Palermo", "PA"),
    ("Padova", "PD"),
    ("Bari", "BA"),
    ("Milano", "MI"),
    ("Roma", "RM"),
]
TITLES = {
    Sector.AGRICULTURE: ["Bracciante agricolo", "Addetto alla raccolta", "Operaio florovivaista"],
    Sector.FOOD_INDUSTRY: ["Addetto al confezionamento", "Operaio caseificio"],
    Sector.MANUFACTURING: ["Saldatore", "Operaio metalmeccanico", "Addetto alle presse"],
    Sector.CONSTRUCTION: ["Muratore", "Manovale edile", "Carpentiere"],
    Sector.LOGISTICS: ["Magazziniere", "Carrellista", "Addetto allo smistamento"],
    Sector.TRANSPORT: ["Autista patente C", "Corriere", "Autista di autobus"],
    Sector.HOSPITALITY: ["Aiuto cuoco", "Cameriere", "Lavapiatti", "Pizzaiolo"],
    Sector.RETAIL: ["Addetto alle vendite", "Scaffalista", "Cassiere"],
    Sector.CLEANING: ["Addetto alle pulizie", "Operatore ecologico"],
    Sector.CARE: ["Assistente familiare", "Badante convivente", "Colf"],
    Sector.HEALTH: ["Operatore socio-sanitario", "Ausiliario"],
    Sector.MECHANICS: ["Meccanico", "Gommista", "Carrozziere"],
    Sector.TEXTILE: ["Sarta", "Operaio tessile"],
    Sector.OFFICE: ["Impiegato amministrativo", "Receptionist"],
    Sector.EDUCATION: ["Mediatore culturale", "Educatore"],
    Sector.OTHER: ["Operaio generico"],
}
SKILLS = [
    "Muletto",
    "HACCP",
    "Saldatura",
    "Pizza",
    "Guida furgoni",
    "Inglese",
    "Francese",
    "Arabo",
    "Informatica di base",
    "Potatura",
    "Cucito",
    "Pulizie industriali",
    "Assistenza anziani",
    "Cassa",
    "Sicurezza sul lavoro",
    "Primo soccorso",
]
SECTORS = list(Sector)
LEVELS = [None, Cefr.A1, Cefr.A2, Cefr.A2, Cefr.B1, Cefr.B1, Cefr.B2, Cefr.C1]
OFFER_LEVELS = [None, None, Cefr.A1, Cefr.A2, Cefr.A2, Cefr.B1, Cefr.B2]
LICENCES = ["", "", "", "", " B ", " B ", " B C ", " AM ", " B CE CQC ", " B D "]
OFFER_LICENCES = [None] * 8 + ["B", "C"]
INTERNSHIP_STATUSES = [InternshipStatus.RUNNING] * 5 + [InternshipStatus.PLANNED] * 2 + [InternshipStatus.ENDED] * 3
OFFER_STATUSES = [OfferStatus.OPEN] * 6 + [OfferStatus.FILLED] * 2 + [OfferStatus.CLOSED] * 2
# The share of each stage among the profiles (hired and in an internship come with their rows).
STAGES = (
    [JobStage.PROFILE] * 15
    + [JobStage.SEARCHING] * 50
    + [JobStage.REFERRED] * 13
    + [JobStage.INTERVIEW] * 6
    + [JobStage.INTERNSHIP] * 6
    + [JobStage.HIRED] * 10
)
BATCH = 5000


def _skills(rng: random.Random, most: int) -> str:
    return "\n".join(rng.sample(SKILLS, k=rng.randint(0, most)))


def generate_jobs(rng: random.Random, offers: int, people: int, *, referrals: int, internships: int) -> dict[str, int]:
    """``offers`` offers from ``offers // 10`` employers, a skills profile for each of the people
    1..``people``, and ``referrals`` referrals and ``internships`` internships of cases picked at
    random. Returns the counts made."""
    now = utcnow()
    today = now.date()
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    employer_count = max(1, offers // 10)
    db.session.execute(
        sa.insert(Employer),
        [
            {
                "name": f"Azienda {n + 1} srl",
                "sector": SECTORS[n % len(SECTORS)],
                "tax_number": f"{n:011d}",
                "contact_name": "",
                "phone": f"+39051{n:07d}",
                "email": "",
                "address": f"Via dell'Industria {n % 200 + 1}",
                "municipality": PLACES[n % len(PLACES)][0],
                "notes": "",
                "active": rng.random() > 0.05,
                **stamps,
            }
            for n in range(employer_count)
        ],
    )
    employer_ids = list(db.session.scalars(sa.select(Employer.id).order_by(Employer.id)))

    first_offer = (db.session.scalar(sa.select(sa.func.max(JobOffer.id))) or 0) + 1
    rows = []
    for n in range(offers):
        sector = rng.choice(SECTORS)
        place, province = rng.choice(PLACES)
        level = rng.choice(OFFER_LEVELS)
        hours = rng.choice([Hours.FULL_TIME, Hours.FULL_TIME, Hours.PART_TIME, Hours.EITHER])
        positions = rng.choice([1, 1, 1, 2, 3, 5])
        status = rng.choice(OFFER_STATUSES)
        rows.append(
            {
                "id": first_offer + n,
                "employer_id": employer_ids[n % len(employer_ids)],
                "title": rng.choice(TITLES[sector]),
                "sector": sector,
                "contract_type": rng.choice(list(ContractType)),
                "hours": hours,
                "weekly_hours": {Hours.FULL_TIME: 40, Hours.PART_TIME: rng.choice([15, 20, 24, 30])}.get(hours),
                "nights": rng.random() < 0.15,
                "weekends": rng.random() < 0.3,
                "municipality": place,
                "municipality_key": municipality_key(place),
                "province": province,
                "positions": positions,
                "min_italian": level,
                "min_italian_rank": CEFR_RANK[level] if level else 0,
                "licence": rng.choice(OFFER_LICENCES),
                "skills": _skills(rng, 3),
                "requirements": "",
                "description": "Offerta di lavoro per persone motivate.",
                "closes_on": None if rng.random() < 0.1 else today + timedelta(days=rng.randint(-90, 120)),
                "status": status,
                "hired_count": positions if status is OfferStatus.FILLED else 0,
                **stamps,
            }
        )
        if len(rows) >= BATCH:
            db.session.execute(sa.insert(JobOffer), rows)
            rows.clear()
    if rows:
        db.session.execute(sa.insert(JobOffer), rows)

    # A skills profile for every person.
    first_profile = (db.session.scalar(sa.select(sa.func.max(SkillsProfile.id))) or 0) + 1
    profiles, sectors, experiences = [], [], []

    def flush() -> None:
        for model, batch in ((SkillsProfile, profiles), (ProfileSector, sectors), (Experience, experiences)):
            if batch:
                db.session.execute(sa.insert(model), batch)
                batch.clear()

    desks = dict(db.session.execute(sa.select(Person.id, Person.desk_id).where(Person.id <= people)).all())
    for n in range(people):
        profile_id = first_profile + n
        stage = rng.choice(STAGES)
        level = None if stage is JobStage.PROFILE and rng.random() < 0.5 else rng.choice(LEVELS)
        wanted = rng.sample(SECTORS, k=rng.choice([1, 1, 2, 3]))
        worked = []
        if rng.random() < 0.4:
            for _ in range(rng.choice([1, 1, 2, 3])):
                sector = rng.choice(SECTORS)
                worked.append(sector)
                experiences.append(
                    {
                        "profile_id": profile_id,
                        "role": rng.choice(TITLES[sector]),
                        "sector": sector,
                        "country": rng.choice(["MA", "TN", "SN", "BD", "PK", "NG", "AL", "UA", "IT"]),
                        "employer": "",
                        "years": Decimal(rng.choice(["0.5", "1", "1.5", "2", "3", "5", "8"])),
                        "until_year": today.year - rng.randint(0, 10),
                        "description": "",
                    }
                )
        place, province = rng.choice(PLACES)
        updated = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
        profiles.append(
            {
                "id": profile_id,
                "person_id": n + 1,
                "desk_id": desks[n + 1],
                "italian_level": level,
                "italian_rank": CEFR_RANK[level] if level else 0,
                "italian_certificate": None,
                "licences": rng.choice(LICENCES),
                "own_vehicle": rng.random() < 0.2,
                "skills": _skills(rng, 4),
                "sectors": [s.value for s in wanted] if stage is not JobStage.PROFILE else [],
                "hours": rng.choice(list(Hours)),
                "nights": rng.random() < 0.3,
                "weekends": rng.random() < 0.5,
                "travel": rng.choice([Travel.MUNICIPALITY, Travel.PROVINCE, Travel.PROVINCE, Travel.ANYWHERE]),
                "municipality": place,
                "municipality_key": municipality_key(place),
                "province": province,
                "did_on": today - timedelta(days=rng.randint(10, 900)) if rng.random() < 0.6 else None,
                "employment_centre": "",
                "notes": "",
                "stage": stage,
                "stage_on": updated.date(),
                "created_at": updated,
                "updated_at": updated,
                "version": 1,
            }
        )
        keys = set(wanted if stage is not JobStage.PROFILE else []) | set(worked)
        sectors.extend({"profile_id": profile_id, "sector": sector} for sector in sorted(keys, key=SECTORS.index))
        if len(profiles) >= BATCH:
            flush()
    flush()

    # Referrals and internships of cases picked at random (their person has a profile).
    case_ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
    open_offers = list(
        db.session.scalars(sa.select(JobOffer.id).where(JobOffer.status != OfferStatus.CLOSED).order_by(JobOffer.id))
    )
    statuses = list(ReferralStatus)
    pairs = set()
    referral_rows = []
    for case_id in rng.sample(case_ids, k=min(len(case_ids), referrals)):
        offer_id = rng.choice(open_offers)
        if (case_id, offer_id) in pairs:
            continue
        pairs.add((case_id, offer_id))
        status = rng.choice(statuses)
        hired = status is ReferralStatus.HIRED
        referral_rows.append(
            {
                "case_id": case_id,
                "offer_id": offer_id,
                "status": status,
                "status_on": today - timedelta(days=rng.randint(0, 200)),
                "interview_on": today - timedelta(days=rng.randint(0, 200))
                if status in (ReferralStatus.INTERVIEW, ReferralStatus.HIRED)
                else None,
                "contract_type": rng.choice(list(ContractType)) if hired else None,
                "starts_on": today - timedelta(days=rng.randint(0, 100)) if hired else None,
                "ends_on": None,
                "note": "",
                **stamps,
            }
        )
    for start in range(0, len(referral_rows), BATCH):
        db.session.execute(sa.insert(JobReferral), referral_rows[start : start + BATCH])
    # Each referral's history: put forward some days before its status, and that status.
    step_rows = []
    for referral_id, status, status_on in db.session.execute(
        sa.select(JobReferral.id, JobReferral.status, JobReferral.status_on).order_by(JobReferral.id)
    ):
        made = {"referral_id": referral_id, "note": "", "recorded_at": stamps["created_at"]}
        if status is ReferralStatus.PROPOSED:
            step_rows.append(made | {"status": status, "status_on": status_on})
            continue
        step_rows.append(
            made | {"status": ReferralStatus.PROPOSED, "status_on": status_on - timedelta(days=rng.randint(3, 30))}
        )
        step_rows.append(made | {"status": status, "status_on": status_on})
    for start in range(0, len(step_rows), BATCH):
        db.session.execute(sa.insert(JobReferralStep), step_rows[start : start + BATCH])

    internship_rows = []
    for case_id in rng.sample(case_ids, k=min(len(case_ids), internships)):
        status = rng.choice(INTERNSHIP_STATUSES)
        starts = (
            today
            + {
                InternshipStatus.PLANNED: timedelta(days=rng.randint(5, 60)),
                InternshipStatus.RUNNING: -timedelta(days=rng.randint(5, 150)),
                InternshipStatus.ENDED: -timedelta(days=rng.randint(200, 500)),
            }[status]
        )
        internship_rows.append(
            {
                "case_id": case_id,
                "host_id": rng.choice(employer_ids),
                "role": rng.choice(TITLES[rng.choice(SECTORS)]),
                "host_tutor": "",
                "promoter_tutor": "",
                "starts_on": starts,
                "ends_on": starts + timedelta(days=rng.choice([90, 120, 180])),
                "weekly_hours": rng.choice([20, 25, 30, 36, 40]),
                "monthly_stipend": Decimal(rng.choice(["450.00", "500.00", "600.00", "800.00"])),
                "programme": rng.choice(["GOL", "FSE+", "Progetto FAMI", ""]),
                "status": status,
                "outcome": None,
                "outcome_on": None,
                "note": "",
                **stamps,
            }
        )
    for start in range(0, len(internship_rows), BATCH):
        db.session.execute(sa.insert(Internship), internship_rows[start : start + BATCH])
    return {
        "employers": employer_count,
        "job_offers": offers,
        "job_profiles": people,
        "job_referrals": len(referral_rows),
        "job_referral_steps": len(step_rows),
        "internships": len(internship_rows),
    }
