"""Matching both ways: the offers a person can take, and the candidates for an offer, with the
reasons each fits and what to watch out for.

The hard conditions are the same in both directions, written once for each side in SQL:

- the offer is open and not past its closing date;
- the person's Italian is at least the level the offer asks for;
- the driving licence the offer asks for, if any, is among the person's (a higher category
  counts: a lorry licence C includes the car licence B);
- night shifts and weekends only for people who accept them;
- hours: a person who takes full or part time takes both, and an offer for either suits anyone;
- place: the same municipality, or the same province for people who travel within it, or
  anywhere for people ready to move.

Each side is one query, whatever the number of offers or profiles: the conditions, a count of
everything that fits as a window function, and the best 50. Only those are explained, in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, format_decimal, get_translations
from sqlalchemy.orm import joinedload, lazyload

from sportello.cases.models import Case, CaseStatus
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.jobs.models import (
    STAFF_ROLES,
    DrivingLicence,
    Experience,
    Hours,
    JobOffer,
    JobReferral,
    JobStage,
    OfferStatus,
    ProfileSector,
    ReferralStatus,
    SkillsProfile,
    Travel,
)
from sportello.people.models import PermitStatus, PermitType, Person, SharedDesk

MAX_SHOWN = 50
CLOSING_SOON_DAYS = 7
# Art. 14 c. 4 DPR 394/1999: a study permit allows work of at most 20 hours a week, 1,040 a year.
STUDY_WEEKLY_HOURS = 20
ACTIVE_CASES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)

# The licences that include another: whoever holds the key may drive what the values allow.
# Italian categories are taken in order (C needs B first, CE needs C), so a higher one counts.
INCLUDES: dict[str, set[str]] = {
    "AM": set(),
    "A": {"AM"},
    "B": {"AM"},
    "BE": {"B", "AM"},
    "C": {"B", "AM"},
    "CE": {"C", "BE", "B", "AM"},
    "D": {"B", "AM"},
    "CQC": set(),
}


def licences_held(codes: Iterable[str]) -> set[str]:
    """Every category a person may drive with the licences they hold."""
    held = set()
    for code in codes:
        if code in INCLUDES:
            held |= {code, *INCLUDES[code]}
    return held


def holders_of(licence: DrivingLicence) -> list[str]:
    """The licences that allow driving what ``licence`` allows: itself and the higher ones."""
    return sorted(code for code, included in INCLUDES.items() if code == licence.value or licence.value in included)


def skill_key(skill: str) -> str:
    return " ".join(skill.split()).casefold()


# ---- what a match is ----------------------------------------------------------------------------


@dataclass
class CaseChoice:
    """The open case on the user's desks a candidate can be put forward from."""

    id: int
    reference: str


@dataclass
class Match:
    offer: JobOffer
    profile: SkillsProfile
    # The offer's sector is among the profile's (wanted or worked in).
    in_sector: bool
    reasons: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    common: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # The case's referral to this offer, if the case was already put forward (id, status).
    referral_id: int | None = None
    referral_status: ReferralStatus | None = None
    # Candidates only: the case to put them forward from, if they have one on the user's desks.
    case: CaseChoice | None = None

    @property
    def person(self) -> Person:
        return self.profile.person


@dataclass
class Matches:
    items: list[Match]
    total: int


# ---- the conditions, from each side -------------------------------------------------------------


def _offer_conditions(profile: SkillsProfile, on: date) -> list[Any]:
    """What an offer must meet for ``profile``."""
    conditions: list[Any] = [
        JobOffer.status == OfferStatus.OPEN,
        sa.or_(JobOffer.closes_on.is_(None), JobOffer.closes_on >= on),
        JobOffer.min_italian_rank <= (profile.italian_rank or 0),
    ]
    held = sorted(licences_held(profile.licences.split()))
    if held:
        conditions.append(sa.or_(JobOffer.licence.is_(None), JobOffer.licence.in_([DrivingLicence(c) for c in held])))
    else:
        conditions.append(JobOffer.licence.is_(None))
    if not profile.nights:
        conditions.append(JobOffer.nights.is_(False))
    if not profile.weekends:
        conditions.append(JobOffer.weekends.is_(False))
    if profile.hours is not Hours.EITHER:
        conditions.append(JobOffer.hours.in_((profile.hours, Hours.EITHER)))
    if profile.travel is not Travel.ANYWHERE:
        places = []
        if profile.municipality_key:
            places.append(JobOffer.municipality_key == profile.municipality_key)
        if profile.travel is Travel.PROVINCE and profile.province:
            places.append(JobOffer.province == profile.province)
        conditions.append(sa.or_(*places) if places else sa.false())
    return conditions


def _profile_conditions(offer: JobOffer) -> list[Any]:
    """What a profile must meet for ``offer`` (the same rules, seen from the offer)."""
    conditions: list[Any] = [
        SkillsProfile.stage != JobStage.HIRED,
        SkillsProfile.italian_rank >= (offer.min_italian_rank or 0),
    ]
    if offer.licence is not None:
        conditions.append(sa.or_(*(SkillsProfile.licences.like(f"% {code} %") for code in holders_of(offer.licence))))
    if offer.nights:
        conditions.append(SkillsProfile.nights.is_(True))
    if offer.weekends:
        conditions.append(SkillsProfile.weekends.is_(True))
    if offer.hours is not Hours.EITHER:
        conditions.append(SkillsProfile.hours.in_((offer.hours, Hours.EITHER)))
    places = [SkillsProfile.travel == Travel.ANYWHERE]
    if offer.municipality_key:
        places.append(SkillsProfile.municipality_key == offer.municipality_key)
    if offer.province:
        places.append(sa.and_(SkillsProfile.travel == Travel.PROVINCE, SkillsProfile.province == offer.province))
    conditions.append(sa.or_(*places))
    return conditions


def _closing_order() -> tuple:
    """Soonest closing first, offers without a closing date last."""
    return (sa.case((JobOffer.closes_on.is_(None), 1), else_=0), JobOffer.closes_on, JobOffer.id)


# ---- offers for a person ------------------------------------------------------------------------


def offers_for(profile: SkillsProfile, user, on: date, *, case: Case | None = None, limit: int = MAX_SHOWN) -> Matches:
    """The open offers ``profile``'s person can take, best first: those in the profile's sectors,
    then the soonest closing; at most ``limit``, with a count of all that fit.

    With ``case``, offers the case was already put forward for stay in the list, marked with the
    referral (its id and status), so the desk sees where the person stands.

    One query for the offers (the profile's sectors a subquery, the count a window function) and
    one for the profile's work experience."""
    if user.role not in STAFF_ROLES:
        return Matches([], 0)
    sectors = sa.select(ProfileSector.sector).where(ProfileSector.profile_id == profile.id)
    fitting = (
        sa.select(
            JobOffer.id.label("offer_id"),
            sa.case((JobOffer.sector.in_(sectors), 0), else_=1).label("sector_rank"),
            JobOffer.closes_on.label("closes_on"),
        )
        .where(*_offer_conditions(profile, on))
        .subquery("fitting")
    )
    # The count over everything that fits, then the best ``limit`` (a bounded sort).
    ranked = (
        sa.select(fitting.c.offer_id, fitting.c.sector_rank, sa.func.count().over().label("total"))
        .order_by(
            fitting.c.sector_rank,
            sa.case((fitting.c.closes_on.is_(None), 1), else_=0),
            fitting.c.closes_on,
            fitting.c.offer_id,
        )
        .limit(limit)
        .subquery("ranked")
    )
    query = (
        sa.select(JobOffer, ranked.c.sector_rank, ranked.c.total)
        .join(ranked, ranked.c.offer_id == JobOffer.id)
        .order_by(ranked.c.sector_rank, *_closing_order())
    )
    if case is not None:
        query = query.add_columns(JobReferral.id, JobReferral.status).outerjoin(
            JobReferral, sa.and_(JobReferral.offer_id == JobOffer.id, JobReferral.case_id == case.id)
        )
    else:
        query = query.add_columns(sa.null(), sa.null())
    rows = db.session.execute(query).all()
    if not rows:
        return Matches([], 0)
    experiences = _experiences_of([profile.id])
    texts = Texts()
    items = []
    for offer, sector_rank, _total, referral_id, referral_status in rows:
        match = Match(offer, profile, in_sector=sector_rank == 0, referral_id=referral_id)
        if referral_status is not None:
            match.referral_status = ReferralStatus(referral_status)
        explain(match, experiences.get(profile.id, []), on, texts)
        items.append(match)
    return Matches(_best_first(items), int(rows[0].total))


# ---- candidates for an offer --------------------------------------------------------------------


def visible_people(column: Any, user) -> Any:
    """``column`` (a person id) is one of the people ``user`` may see: the rule of
    ``Person.visible_to`` (people of the user's desks and those shared with them, admins everyone,
    records merged into another left out; a test keeps the two equal), written so that the
    database reads indexes only: the desk's people and the shared ones from their indexes, the
    merged records from the partial index that lists only them."""
    merged = sa.select(Person.id).where(Person.merged_into_id.is_not(None))
    if user.role is Role.ADMIN:
        return column.not_in(merged)
    if user.role not in (Role.COORDINATOR, Role.OPERATOR):
        return sa.false()
    desk_ids = sorted(user.desk_ids)
    of_desks = sa.union_all(
        sa.select(Person.id).where(Person.desk_id.in_(desk_ids)),
        sa.select(SharedDesk.person_id).where(SharedDesk.desk_id.in_(desk_ids)),
    )
    return sa.and_(column.in_(of_desks), column.not_in(merged))


def profiles_in_view(user, desk_id: int | None = None) -> list[tuple[list[Any], bool]]:
    """The profiles of the people the user may see (the rule of ``Person.visible_to``), as
    disjoint sets each read from an index, with whether the set may be large: those of the
    people registered at the desks in view (from the desk on the profile), and the few of the
    people registered elsewhere and shared with one of them; records merged into another left
    out. An administrator who has not chosen a desk sees everyone's. ``desk_id`` narrows to the
    people registered at one desk or shared with it."""
    not_merged = SkillsProfile.person_id.not_in(sa.select(Person.id).where(Person.merged_into_id.is_not(None)))
    if user.role is Role.ADMIN:
        if not desk_id:
            return [([not_merged], True)]
        desks = [desk_id]
    elif user.role not in (Role.COORDINATOR, Role.OPERATOR):
        return []
    elif desk_id and desk_id not in user.desk_ids:
        # Another desk: only its people shared with one of the user's desks, a few.
        of_desk = sa.or_(
            SkillsProfile.desk_id == desk_id,
            SkillsProfile.person_id.in_(sa.select(SharedDesk.person_id).where(SharedDesk.desk_id == desk_id)),
        )
        return [([visible_people(SkillsProfile.person_id, user), of_desk], False)]
    else:
        desks = [desk_id] if desk_id else sorted(user.desk_ids)
    if not desks:
        return []
    shared = sa.select(SharedDesk.person_id).where(SharedDesk.desk_id.in_(desks))
    return [
        ([SkillsProfile.desk_id.in_(desks), not_merged], True),
        ([SkillsProfile.person_id.in_(shared), SkillsProfile.desk_id.not_in(desks), not_merged], False),
    ]


def candidates_for(offer: JobOffer, user, on: date, *, limit: int = MAX_SHOWN) -> Matches:
    """The people ``user`` may see who could take ``offer``: not hired already, meeting the same
    conditions as ``offers_for`` seen from the offer; those who want or worked in the offer's
    sector first, then the best Italian, then the profiles updated last. At most ``limit``, with
    a count of all.

    Three queries: the profiles (the sector an EXISTS on the indexed sector keys, the count a
    window function), their work experience, and, for the profiles shown, their open case on the
    user's desks with any referral of it to this offer."""
    if user.role not in STAFF_ROLES:
        return Matches([], 0)
    wants_sector = (
        sa.select(ProfileSector.profile_id)
        .where(ProfileSector.profile_id == SkillsProfile.id, ProfileSector.sector == offer.sector)
        .exists()
    )
    sets = profiles_in_view(user)
    if not sets:
        return Matches([], 0)
    fitting = sa.union_all(
        *(
            sa.select(
                SkillsProfile.id.label("profile_id"),
                sa.case((wants_sector, 1), else_=0).label("in_sector"),
                SkillsProfile.italian_rank.label("italian_rank"),
                SkillsProfile.updated_at.label("updated_at"),
            ).where(*conditions, *_profile_conditions(offer))
            for conditions, _ in sets
        )
    ).subquery("fitting")
    ranked = (
        sa.select(fitting.c.profile_id, fitting.c.in_sector, sa.func.count().over().label("total"))
        .order_by(
            fitting.c.in_sector.desc(),
            fitting.c.italian_rank.desc(),
            fitting.c.updated_at.desc(),
            fitting.c.profile_id,
        )
        .limit(limit)
        .subquery("ranked")
    )
    rows = db.session.execute(
        sa.select(SkillsProfile, ranked.c.in_sector, ranked.c.total)
        .join(ranked, ranked.c.profile_id == SkillsProfile.id)
        .order_by(
            ranked.c.in_sector.desc(),
            SkillsProfile.italian_rank.desc(),
            SkillsProfile.updated_at.desc(),
            SkillsProfile.id,
        )
        .options(joinedload(SkillsProfile.person).lazyload(Person.desk))
    ).all()
    if not rows:
        return Matches([], 0)
    profiles = [row[0] for row in rows]
    experiences = _experiences_of([p.id for p in profiles])
    cases = _cases_to_refer_from(user, [p.person_id for p in profiles], offer)
    texts = Texts()
    items = []
    for profile, sector, _total in rows:
        match = Match(offer, profile, in_sector=bool(sector))
        found = cases.get(profile.person_id)
        if found is not None:
            match.case, match.referral_id, match.referral_status = found
        explain(match, experiences.get(profile.id, []), on, texts)
        items.append(match)
    return Matches(_best_first(items), int(rows[0].total))


def _cases_to_refer_from(
    user, person_ids: list[int], offer: JobOffer
) -> dict[int, tuple[CaseChoice, int | None, ReferralStatus | None]]:
    """For each person, their open case on the user's desks (the one opened last), and its
    referral to ``offer`` if it has one: one query for all the people."""
    # Fetched by person (a handful of cases each, through the index on the person), then kept
    # if at one of the user's desks: asked of the database, the desk would lure it into reading
    # every case of the desk.
    query = (
        sa.select(
            Case.id, Case.person_id, Case.desk_id, Case.reference, Case.opened_on, JobReferral.id, JobReferral.status
        )
        .outerjoin(JobReferral, sa.and_(JobReferral.case_id == Case.id, JobReferral.offer_id == offer.id))
        .where(Case.person_id.in_(person_ids), Case.status.in_(ACTIVE_CASES))
    )
    desk_ids = None if user.role is Role.ADMIN else user.desk_ids
    rows = sorted(db.session.execute(query), key=lambda row: (row.opened_on, row[0]))
    found: dict[int, tuple[CaseChoice, int | None, ReferralStatus | None]] = {}
    for case_id, person_id, desk_id, reference, _opened, referral_id, status in rows:
        if desk_ids is not None and desk_id not in desk_ids:
            continue
        # A case already put forward for this offer wins; otherwise the latest case.
        if person_id in found and found[person_id][1] is not None and referral_id is None:
            continue
        found[person_id] = (CaseChoice(case_id, reference), referral_id, ReferralStatus(status) if status else None)
    return found


def _experiences_of(profile_ids: list[int]) -> dict[int, list[Experience]]:
    by_profile: dict[int, list[Experience]] = defaultdict(list)
    if profile_ids:
        query = sa.select(Experience).where(Experience.profile_id.in_(profile_ids)).options(lazyload("*"))
        for experience in db.session.scalars(query):
            by_profile[experience.profile_id].append(experience)
    return by_profile


def _best_first(items: list[Match]) -> list[Match]:
    """Within what the query ranked, the same sector first still, then more skills in common;
    otherwise the query's order (a stable sort)."""
    return sorted(items, key=lambda m: (not m.in_sector, -len(m.common)))


# ---- why it fits ----------------------------------------------------------------------------


class Texts:
    """Translation and formatting for the many matches of a page: the catalog fetched once, each
    enumeration title and date formatted once."""

    def __init__(self) -> None:
        self.catalog = get_translations()
        self._titles: dict[Any, str] = {}
        self._dates: dict[date, str] = {}

    def gettext(self, msgid: str, **variables: Any) -> str:
        text = self.catalog.gettext(msgid)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return self.catalog.ngettext(singular, plural, num) % variables

    def title(self, member: Any) -> str:
        if member not in self._titles:
            self._titles[member] = str(member.title)
        return self._titles[member]

    def date(self, day: date) -> str:
        if day not in self._dates:
            self._dates[day] = format_date(day)
        return self._dates[day]


def _level(profile: SkillsProfile) -> str:
    return profile.italian_level.value if profile.italian_level is not None else "—"


def explain(match: Match, experiences: list[Experience], on: date, texts: Texts | None = None) -> Match:
    """The reasons ``match.offer`` suits ``match.profile``, what to watch out for, and the skills
    in common and missing, in the reader's language."""
    t = texts or Texts()
    offer, profile, person = match.offer, match.profile, match.profile.person
    reasons, warnings = match.reasons, match.warnings

    # Italian.
    if offer.min_italian is not None:
        reasons.append(
            t.gettext(
                "Italian %(level)s; the job asks for %(needed)s.", level=_level(profile), needed=offer.min_italian.value
            )
        )
    elif profile.italian_level is not None:
        reasons.append(t.gettext("Italian %(level)s; no level asked for.", level=profile.italian_level.value))
    else:
        reasons.append(t.gettext("No Italian level asked for."))

    # The sector and experience in it.
    sector = t.title(offer.sector)
    years = sum((e.years for e in experiences if e.sector is offer.sector), Decimal(0))
    if years:
        if years == years.to_integral_value():
            reasons.append(
                t.ngettext(
                    "%(num)s year of experience in %(sector)s.",
                    "%(num)s years of experience in %(sector)s.",
                    int(years),
                    sector=sector,
                )
            )
        else:
            reasons.append(
                # Translators: a number of years with a fraction, like 1.5 or 2.5.
                t.gettext(
                    "%(years)s years of experience in %(sector)s.",
                    years=format_decimal(years, format="#,##0.#"),
                    sector=sector,
                )
            )
    elif offer.sector.value in (profile.sectors or []):
        reasons.append(t.gettext("Looks for work in %(sector)s.", sector=sector))
    elif match.in_sector:
        reasons.append(t.gettext("Has worked in %(sector)s.", sector=sector))

    # Place.
    place = profile.municipality or person.municipality
    if profile.municipality_key and profile.municipality_key == offer.municipality_key:
        reasons.append(t.gettext("Lives in %(place)s.", place=place))
    elif profile.travel is Travel.PROVINCE:
        reasons.append(t.gettext("Lives in %(place)s and travels within the province.", place=place))
    elif place:
        reasons.append(t.gettext("Lives in %(place)s and is ready to move.", place=place))
    else:
        reasons.append(t.gettext("Ready to move."))

    # Availability.
    available = [t.title(offer.hours if offer.hours is not Hours.EITHER else profile.hours)]
    if offer.nights:
        available.append(t.gettext("night shifts"))
    if offer.weekends:
        available.append(t.gettext("weekends"))
    reasons.append(t.gettext("Available for: %(what)s.", what=", ".join(available)))

    # Licence.
    if offer.licence is not None:
        own = profile.licences.split()
        if offer.licence.value in own:
            reasons.append(t.gettext("Driving licence %(code)s.", code=offer.licence.value))
        else:
            higher = next((code for code in own if offer.licence.value in INCLUDES.get(code, ())), "")
            reasons.append(
                t.gettext("Driving licence %(held)s, which includes %(code)s.", held=higher, code=offer.licence.value)
            )

    # Skills.
    mine = {skill_key(skill) for skill in profile.skill_list}
    for skill in offer.skill_list:
        (match.common if skill_key(skill) in mine else match.missing).append(skill)
    if match.common:
        reasons.append(t.gettext("Skills in common: %(skills)s.", skills=", ".join(match.common)))

    # What to watch out for.
    _permit_warnings(match, on, t)
    if profile.did_on is None:
        warnings.append(t.gettext("Not registered at the employment centre (DID): many offers and incentives need it."))
    if offer.closes_on is not None and 0 <= (offer.closes_on - on).days <= CLOSING_SOON_DAYS:
        days = (offer.closes_on - on).days
        warnings.append(
            t.gettext("Closes today.")
            if days == 0
            else t.ngettext(
                "Closes in %(num)s day, on %(date)s.",
                "Closes in %(num)s days, on %(date)s.",
                days,
                date=t.date(offer.closes_on),
            )
        )
    return match


def _permit_warnings(match: Match, on: date, t: Texts) -> None:
    offer, profile, person = match.offer, match.profile, match.profile.person
    expires = person.permit_expires_on
    # The job could start at the earliest today, or when the person is available.
    start = max(on, profile.available_from or on)
    if expires is not None and expires < on:
        if person.permit_status is PermitStatus.RENEWAL_REQUESTED:
            match.warnings.append(
                t.gettext(
                    "The residence permit expired on %(date)s; the renewal is requested: check the receipt.",
                    date=t.date(expires),
                )
            )
        else:
            match.warnings.append(t.gettext("The residence permit expired on %(date)s.", date=t.date(expires)))
    elif expires is not None and expires < start:
        match.warnings.append(
            t.gettext(
                "The residence permit expires on %(date)s, before the job could start (%(start)s).",
                date=t.date(expires),
                start=t.date(start),
            )
        )
    if person.permit_type is PermitType.STUDY and over_study_hours(offer):
        match.warnings.append(
            t.gettext(
                "A study permit allows at most 20 hours of work a week (1,040 a year, art. 14 DPR 394/1999);"
                " this job is over that."
            )
        )


def over_study_hours(offer: JobOffer) -> bool:
    """Whether the job asks for more hours than a study permit allows."""
    if offer.weekly_hours is not None:
        return offer.weekly_hours > STUDY_WEEKLY_HOURS
    return offer.hours is Hours.FULL_TIME
