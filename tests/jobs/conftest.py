"""Factories for the jobs part, made directly through the models (no rules checked), so each
test sets up exactly the data it needs.

- ``make_employer(**values)``: an employer of the roster (a logistics firm in Ravenna).
- ``make_job_offer(**values)``: an open offer of that employer (warehouse worker, full time, A2).
- ``make_profile(person, sectors=(...), **values)``: the skills profile of ``person``, looking for
  work in Ravenna; ``sectors`` are also written as the profile's matching sectors.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_employer(db):
    from sportello.jobs.models import Employer, Sector

    def make(**values):
        n = next(_counter)
        employer = Employer(
            name=values.pop("name", f"Employer {n}"),
            sector=values.pop("sector", Sector.LOGISTICS),
            municipality=values.pop("municipality", "Ravenna"),
            **values,
        )
        db.session.add(employer)
        db.session.flush()
        return employer

    return make


@pytest.fixture
def make_job_offer(db, make_employer):
    from sportello.jobs.models import CEFR_RANK, Cefr, ContractType, Hours, JobOffer, OfferStatus, Sector

    def make(**values):
        employer = values.pop("employer", None) or make_employer()
        min_italian = values.pop("min_italian", Cefr.A2)
        municipality = values.pop("municipality", "Ravenna")
        offer = JobOffer(
            employer=employer,
            employer_id=employer.id,
            title=values.pop("title", "Warehouse worker"),
            sector=values.pop("sector", Sector.LOGISTICS),
            contract_type=values.pop("contract_type", ContractType.FIXED_TERM),
            hours=values.pop("hours", Hours.FULL_TIME),
            municipality=municipality,
            municipality_key=municipality.casefold(),
            province=values.pop("province", "RA"),
            min_italian=min_italian,
            min_italian_rank=CEFR_RANK[min_italian] if min_italian else 0,
            closes_on=values.pop("closes_on", date(2099, 12, 31)),
            status=values.pop("status", OfferStatus.OPEN),
            **values,
        )
        db.session.add(offer)
        db.session.flush()
        return offer

    return make


@pytest.fixture
def make_profile(db):
    from sportello.jobs.models import CEFR_RANK, Cefr, JobStage, ProfileSector, Sector, SkillsProfile, Travel

    def make(person, sectors=(Sector.LOGISTICS,), **values):
        italian = values.pop("italian_level", Cefr.A2)
        municipality = values.pop("municipality", "Ravenna")
        profile = SkillsProfile(
            person=person,
            person_id=person.id,
            italian_level=italian,
            italian_rank=CEFR_RANK[italian] if italian else 0,
            sectors=[Sector(s).value for s in sectors],
            municipality=municipality,
            municipality_key=municipality.casefold(),
            province=values.pop("province", "RA"),
            travel=values.pop("travel", Travel.PROVINCE),
            stage=values.pop("stage", JobStage.SEARCHING),
            **values,
        )
        profile.sector_keys = [ProfileSector(sector=Sector(s)) for s in sectors]
        db.session.add(profile)
        db.session.flush()
        return profile

    return make
