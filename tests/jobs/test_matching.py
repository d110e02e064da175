"""Matching both ways: every hard condition seen from the person and from the offer, the order,
the reasons and warnings, who may be a candidate, at most 50 with a count of all, a constant
number of queries, and the two pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import matching
from sportello.jobs.models import (
    Cefr,
    DrivingLicence,
    Hours,
    JobStage,
    OfferStatus,
    ReferralStatus,
    Sector,
    Travel,
)
from sportello.people.models import PermitStatus, PermitType, SharedDesk
from tests.conftest import text_of
from tests.jobs.matching_helpers import a_date, add_experience, count_queries, make_case, make_referral


@pytest.fixture
def operator(make_user, desk):
    return make_user(Role.OPERATOR, [desk])


@pytest.fixture
def person(make_person, desk):
    return make_person(desk, given_names="Amina", family_name="Haddad", municipality="Ravenna")


def _fits_both_ways(app, profile, offer, user) -> tuple[bool, bool]:
    """Whether the offer is among the person's offers, and the person among the offer's candidates."""
    with app.test_request_context():
        offers = [m.offer.id for m in matching.offers_for(profile, user, today()).items]
        candidates = [m.profile.id for m in matching.candidates_for(offer, user, today()).items]
    return offer.id in offers, profile.id in candidates


# (what the profile has, what the offer asks, whether they fit)
CONDITIONS = [
    pytest.param({"italian_level": Cefr.A2}, {"min_italian": Cefr.B1}, False, id="italian too low"),
    pytest.param({"italian_level": Cefr.B2}, {"min_italian": Cefr.B1}, True, id="italian enough"),
    pytest.param({"italian_level": None}, {"min_italian": None}, True, id="no italian asked"),
    pytest.param({"italian_level": None}, {"min_italian": Cefr.A1}, False, id="italian not assessed"),
    pytest.param({"licences": ""}, {"licence": DrivingLicence.B}, False, id="no licence"),
    pytest.param({"licences": " B "}, {"licence": DrivingLicence.B}, True, id="licence held"),
    pytest.param({"licences": " C "}, {"licence": DrivingLicence.B}, True, id="higher licence"),
    pytest.param({"licences": " B "}, {"licence": DrivingLicence.C}, False, id="lower licence"),
    pytest.param({"licences": " CQC "}, {"licence": DrivingLicence.B}, False, id="qualification is no licence"),
    pytest.param({"nights": False}, {"nights": True}, False, id="no nights"),
    pytest.param({"nights": True}, {"nights": True}, True, id="nights"),
    pytest.param({"weekends": False}, {"weekends": True}, False, id="no weekends"),
    pytest.param({"weekends": True}, {"weekends": True}, True, id="weekends"),
    pytest.param({"hours": Hours.FULL_TIME}, {"hours": Hours.PART_TIME}, False, id="full time only"),
    pytest.param({"hours": Hours.PART_TIME}, {"hours": Hours.FULL_TIME}, False, id="part time only"),
    pytest.param({"hours": Hours.EITHER}, {"hours": Hours.PART_TIME}, True, id="either takes part time"),
    pytest.param({"hours": Hours.FULL_TIME}, {"hours": Hours.EITHER}, True, id="either offer suits anyone"),
    pytest.param(
        {"travel": Travel.MUNICIPALITY}, {"municipality": "Faenza", "province": "RA"}, False, id="another town"
    ),
    pytest.param(
        {"travel": Travel.MUNICIPALITY}, {"municipality": "  RAVENNA ", "province": "RA"}, True, id="same town"
    ),
    pytest.param({"travel": Travel.PROVINCE}, {"municipality": "Faenza", "province": "RA"}, True, id="province"),
    pytest.param(
        {"travel": Travel.PROVINCE}, {"municipality": "Bologna", "province": "BO"}, False, id="another province"
    ),
    pytest.param({"travel": Travel.ANYWHERE}, {"municipality": "Bari", "province": "BA"}, True, id="anywhere"),
    pytest.param(
        {"travel": Travel.PROVINCE, "municipality": "", "province": ""},
        {"municipality": "Faenza", "province": "RA"},
        False,
        id="place unknown",
    ),
    # An offer that takes no referrals is in no one's offers; its page still lists who would
    # have fitted (without a button to put them forward).
    pytest.param({}, {"status": OfferStatus.CLOSED}, (False, True), id="closed offer"),
    pytest.param({}, {"status": OfferStatus.FILLED}, (False, True), id="filled offer"),
    pytest.param({}, {"closes_in": -1}, (False, True), id="past its closing date"),
    pytest.param({}, {"closes_in": 0}, True, id="closes today"),
    pytest.param({}, {"closes_on": None}, True, id="no closing date"),
]


@pytest.mark.parametrize(("has", "asks", "fits"), CONDITIONS)
def test_each_condition_holds_both_ways(app, db, person, operator, make_profile, make_job_offer, has, asks, fits):
    profile = make_profile(person, **has)
    if "closes_in" in asks:  # a day counted from today, known only inside the test
        asks = {"closes_on": a_date(asks["closes_in"])}
    offer = make_job_offer(**asks)
    offer.municipality_key = " ".join(offer.municipality.split()).casefold()
    db.session.flush()
    assert _fits_both_ways(app, profile, offer, operator) == (fits if isinstance(fits, tuple) else (fits, fits))


def test_a_hired_person_is_no_candidate_but_still_sees_offers(app, db, person, operator, make_profile, make_job_offer):
    profile = make_profile(person, stage=JobStage.HIRED)
    offer = make_job_offer()
    assert _fits_both_ways(app, profile, offer, operator) == (True, False)


def test_candidates_are_only_people_the_user_may_see(
    app, db, desk, other_desk, make_person, make_user, operator, make_profile, make_job_offer
):
    own = make_profile(make_person(desk))
    elsewhere = make_profile(make_person(other_desk))
    shared_person = make_person(other_desk)
    db.session.add(SharedDesk(person_id=shared_person.id, desk_id=desk.id))
    shared = make_profile(shared_person)
    merged_person = make_person(desk)
    merged_person.merged_into_id = own.person_id
    merged = make_profile(merged_person)
    offer = make_job_offer()
    with app.test_request_context():
        seen = {m.profile.id for m in matching.candidates_for(offer, operator, today()).items}
        assert seen == {own.id, shared.id}
        assert elsewhere.id not in seen and merged.id not in seen
        everyone = {m.profile.id for m in matching.candidates_for(offer, make_user(Role.ADMIN), today()).items}
        assert {own.id, shared.id, elsewhere.id} <= everyone and merged.id not in everyone
        mediator = make_user(Role.MEDIATOR, [desk])
        assert matching.candidates_for(offer, mediator, today()).total == 0
        assert matching.offers_for(own, mediator, today()).total == 0


def test_offers_in_the_profile_sectors_come_first_then_the_soonest_closing(
    app, db, person, operator, make_profile, make_job_offer
):
    profile = make_profile(person, sectors=(Sector.LOGISTICS, Sector.CLEANING))
    late = make_job_offer(sector=Sector.LOGISTICS, closes_on=a_date(40))
    soon = make_job_offer(sector=Sector.CLEANING, closes_on=a_date(5))
    open_ended = make_job_offer(sector=Sector.LOGISTICS, closes_on=None)
    other_soonest = make_job_offer(sector=Sector.HOSPITALITY, closes_on=a_date(1))
    other_later = make_job_offer(sector=Sector.RETAIL, closes_on=a_date(3))
    with app.test_request_context():
        found = matching.offers_for(profile, operator, today())
    assert [m.offer.id for m in found.items] == [soon.id, late.id, open_ended.id, other_soonest.id, other_later.id]
    assert [m.in_sector for m in found.items] == [True, True, True, False, False]
    assert found.total == 5


def test_skills_in_common_rank_higher_within_the_same_sector(app, db, person, operator, make_profile, make_job_offer):
    profile = make_profile(person, skills="Forklift\nHACCP\n  pizza   maker ")
    plain = make_job_offer(closes_on=a_date(2), skills="Welding")
    skilled = make_job_offer(closes_on=a_date(9), skills="forklift\nPizza Maker\nEnglish")
    with app.test_request_context(), force_locale("en"):
        found = matching.offers_for(profile, operator, today())
        assert [m.offer.id for m in found.items] == [skilled.id, plain.id]
        best = found.items[0]
        assert best.common == ["forklift", "Pizza Maker"] and best.missing == ["English"]
        assert "Skills in common: forklift, Pizza Maker." in [str(r) for r in best.reasons]
        assert found.items[1].missing == ["Welding"]


def test_candidates_are_ranked_by_sector_then_italian_then_the_latest_update(
    app, db, desk, make_person, operator, make_profile, make_job_offer
):
    offer = make_job_offer(sector=Sector.LOGISTICS, min_italian=Cefr.A1)
    other_sector = make_profile(make_person(desk), sectors=(Sector.RETAIL,), italian_level=Cefr.C1)
    worked_there = make_profile(make_person(desk), sectors=(Sector.RETAIL,), italian_level=Cefr.A1)
    # The sector of an experience counts as much as a sector wanted (the profile services keep both).
    add_experience(db, worked_there, Sector.LOGISTICS, "3")
    from sportello.jobs.models import ProfileSector

    worked_there.sector_keys.append(ProfileSector(sector=Sector.LOGISTICS))
    good_italian = make_profile(make_person(desk), italian_level=Cefr.B2)
    older = make_profile(make_person(desk), italian_level=Cefr.A2)
    newer = make_profile(make_person(desk), italian_level=Cefr.A2)
    older.updated_at = newer.updated_at - timedelta(days=3)
    db.session.flush()
    with app.test_request_context(), force_locale("en"):
        found = matching.candidates_for(offer, operator, today())
        assert [m.profile.id for m in found.items] == [
            good_italian.id,
            newer.id,
            older.id,
            worked_there.id,
            other_sector.id,
        ]
        reasons = [str(r) for r in found.items[3].reasons]
        assert "3 years of experience in Logistics and warehouses." in reasons
        assert found.items[3].in_sector and not found.items[4].in_sector


def test_reasons_say_why_it_fits(app, db, person, operator, make_profile, make_job_offer):
    profile = make_profile(
        person,
        italian_level=Cefr.B1,
        licences=" CE ",
        nights=True,
        weekends=True,
        travel=Travel.PROVINCE,
        did_on=a_date(-100),
    )
    add_experience(db, profile, Sector.LOGISTICS, "1.5")
    add_experience(db, profile, Sector.LOGISTICS, "1")
    add_experience(db, profile, Sector.CLEANING, "4")
    offer = make_job_offer(
        min_italian=Cefr.A2,
        licence=DrivingLicence.B,
        nights=True,
        weekends=True,
        hours=Hours.FULL_TIME,
        municipality="Lugo",
    )
    offer.municipality_key = "lugo"
    with app.test_request_context(), force_locale("en"):
        (match,) = matching.offers_for(profile, operator, today()).items
        reasons = [str(r) for r in match.reasons]
        assert reasons == [
            "Italian B1; the job asks for A2.",
            "2.5 years of experience in Logistics and warehouses.",
            "Lives in Ravenna and travels within the province.",
            "Available for: Full time, night shifts, weekends.",
            "Driving licence CE, which includes B.",
        ]
        assert match.warnings == []
        same_town = make_job_offer(min_italian=None, hours=Hours.EITHER, sector=Sector.RETAIL)
        match = next(m for m in matching.offers_for(profile, operator, today()).items if m.offer.id == same_town.id)
        reasons = [str(r) for r in match.reasons]
        assert reasons[:3] == [
            "Italian B1; no level asked for.",
            "Lives in Ravenna.",
            "Available for: Full or part time.",
        ]


def test_warnings_permit_study_hours_registration_and_closing(app, db, person, operator, make_profile, make_job_offer):
    person.permit_type = PermitType.STUDY
    person.permit_expires_on = a_date(-3)
    profile = make_profile(person)
    offer = make_job_offer(closes_on=a_date(4), weekly_hours=30)
    with app.test_request_context(), force_locale("en"):
        (match,) = matching.offers_for(profile, operator, today()).items
        warnings = " | ".join(str(w) for w in match.warnings)
        assert "The residence permit expired on" in warnings
        assert "A study permit allows at most 20 hours of work a week (1,040 a year, art. 14 DPR 394/1999)" in warnings
        assert "Not registered at the employment centre (DID)" in warnings
        assert "Closes in 4 days, on" in warnings

        # A renewal requested, a part-time job within 20 hours, registered, closing later.
        person.permit_status = PermitStatus.RENEWAL_REQUESTED
        profile.did_on = a_date(-30)
        offer.weekly_hours, offer.hours, offer.closes_on = 20, Hours.PART_TIME, a_date(30)
        db.session.flush()
        (match,) = matching.offers_for(profile, operator, today()).items
        assert [str(w) for w in match.warnings] == [
            f"The residence permit expired on {format_day(person.permit_expires_on)}; the renewal is requested:"
            " check the receipt."
        ]

        # Valid today, but expiring before the person can start.
        person.permit_type, person.permit_status = PermitType.EMPLOYMENT, None
        person.permit_expires_on, profile.available_from = a_date(10), a_date(20)
        db.session.flush()
        (match,) = matching.offers_for(profile, operator, today()).items
        assert [str(w) for w in match.warnings] == [
            f"The residence permit expires on {format_day(a_date(10))}, before the job could start"
            f" ({format_day(a_date(20))})."
        ]
        offer.closes_on = today()
        db.session.flush()
        (match,) = matching.offers_for(profile, operator, today()).items
        assert "Closes today." in [str(w) for w in match.warnings]


def format_day(day):
    from flask_babel import format_date

    return format_date(day)


def test_a_full_time_job_without_weekly_hours_is_over_a_study_permit(make_job_offer):
    assert matching.over_study_hours(make_job_offer(hours=Hours.FULL_TIME))
    assert not matching.over_study_hours(make_job_offer(hours=Hours.PART_TIME))
    assert not matching.over_study_hours(make_job_offer(hours=Hours.FULL_TIME, weekly_hours=20))
    assert matching.over_study_hours(make_job_offer(hours=Hours.PART_TIME, weekly_hours=21))


def test_offers_already_referred_stay_marked(app, db, desk, person, operator, make_profile, make_job_offer):
    profile = make_profile(person)
    case = make_case(db, desk, person)
    referred = make_job_offer(closes_on=a_date(3))
    fresh = make_job_offer(closes_on=a_date(5))
    referral = make_referral(db, case, referred, status=ReferralStatus.INTERVIEW)
    with app.test_request_context():
        found = matching.offers_for(profile, operator, today(), case=case)
    marks = {m.offer.id: (m.referral_id, m.referral_status) for m in found.items}
    assert marks == {referred.id: (referral.id, ReferralStatus.INTERVIEW), fresh.id: (None, None)}


def test_at_most_fifty_with_a_count_of_all(app, db, desk, make_person, person, operator, make_profile, make_job_offer):
    profile = make_profile(person)
    offer = make_job_offer()
    for day in range(53):
        make_job_offer(closes_on=a_date(day + 1))
    for _ in range(52):
        make_profile(make_person(desk))
    with app.test_request_context():
        offers = matching.offers_for(profile, operator, today())
        candidates = matching.candidates_for(offer, operator, today())
    assert len(offers.items) == 50 and offers.total == 54
    assert [m.offer.closes_on for m in offers.items] == sorted(m.offer.closes_on for m in offers.items)
    assert len(candidates.items) == 50 and candidates.total == 53


def test_the_queries_do_not_grow_with_the_rows(
    app, db, desk, make_person, person, operator, make_profile, make_job_offer
):
    profile = make_profile(person, skills="Forklift")
    add_experience(db, profile)
    case = make_case(db, desk, person)
    offer = make_job_offer(skills="Forklift")

    def run():
        with app.test_request_context():
            offers = matching.offers_for(profile, operator, today(), case=case)
            candidates = matching.candidates_for(offer, operator, today())
            # Everything the pages show of each row, loaded already.
            for match in [*offers.items, *candidates.items]:
                [str(r) for r in match.reasons], match.offer.employer.name, match.person.full_name
            return len(offers.items) + len(candidates.items)

    few, shown = count_queries(db, run)
    assert shown == 2
    for _ in range(12):
        other = make_person(desk)
        more = make_profile(other, skills="Forklift")
        add_experience(db, more)
        make_case(db, desk, other)
        make_referral(db, case, make_job_offer(skills="Forklift\nWelding"))
    many, shown = count_queries(db, run)
    assert shown == 26 and many == few == 5


# ---- the pages ---------------------------------------------------------------------------------


def test_the_offers_page_without_a_profile_links_to_it(client, login_as, db, desk, person):
    case = make_case(db, desk, person)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/cases/{case.id}/offers")
    assert response.status_code == 200
    assert "has no skills profile yet" in text_of(response)
    assert f'href="/jobs/people/{person.id}"' in response.get_data(as_text=True)


def test_the_offers_page_lists_offers_with_reasons_and_a_button(
    client, login_as, db, desk, person, make_profile, make_job_offer, make_employer
):
    make_profile(person)
    case = make_case(db, desk, person)
    offer = make_job_offer(title="Forklift driver", employer=make_employer(name="Magazzini Adriatici"))
    referred = make_job_offer(title="Picker")
    make_referral(db, case, referred)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/cases/{case.id}/offers")
    shown, html = text_of(response), response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 offers fit" in shown and "Forklift driver · Magazzini Adriatici · Ravenna" in shown
    assert "Italian A2; the job asks for A2." in shown
    assert f'name="offer_id" value="{offer.id}"' in html
    assert f'name="offer_id" value="{referred.id}"' not in html and "Proposed" in shown


def test_the_candidates_page_offers_a_case_to_put_forward_from(
    client, login_as, db, desk, other_desk, make_person, person, make_profile, make_job_offer
):
    make_profile(person)
    case = make_case(db, desk, person)
    make_case(db, other_desk, person)  # not one of the user's desks
    no_case = make_person(desk, given_names="Yusuf", family_name="Kaya")
    make_profile(no_case)
    offer = make_job_offer()
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/offers/{offer.id}/candidates")
    shown, html = text_of(response), response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 people fit" in shown and "Amina Haddad" in shown and "Yusuf Kaya" in shown
    assert f'name="case_id" value="{case.id}"' in html and f"from case {case.reference}" in shown
    assert html.count('name="case_id"') == 1
    assert "No open case on your desks to put them forward from." in shown


def test_a_closed_offer_lists_candidates_without_buttons(client, login_as, db, person, make_profile, make_job_offer):
    make_profile(person)
    offer = make_job_offer(closes_on=a_date(-2))
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/offers/{offer.id}/candidates")
    assert response.status_code == 200
    assert "it takes no more referrals" in text_of(response) and 'name="case_id"' not in response.get_data(as_text=True)


def test_the_pages_take_the_same_queries_whatever_the_rows(
    client, login_as, db, desk, make_person, person, make_profile, make_job_offer
):
    make_profile(person)
    case = make_case(db, desk, person)
    offer = make_job_offer()
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    urls = (f"/jobs/cases/{case.id}/offers", f"/jobs/offers/{offer.id}/candidates")

    def queries(url):
        count, response = count_queries(db, lambda: client.get(url))
        assert response.status_code == 200
        return count

    few = [queries(url) for url in urls]
    for _ in range(8):
        other = make_person(desk)
        add_experience(db, make_profile(other))
        make_case(db, desk, other)
        make_referral(db, case, make_job_offer())
    db.session.commit()
    assert [queries(url) for url in urls] == few


def test_visible_people_is_the_rule_of_person_visible_to(
    db, desk, other_desk, make_desk, make_person, make_user, make_profile
):
    import sqlalchemy as sa

    from sportello.jobs.models import SkillsProfile
    from sportello.people.models import Person

    third = make_desk()
    people = [make_person(d) for d in (desk, desk, other_desk, other_desk, third)]
    db.session.add(SharedDesk(person_id=people[2].id, desk_id=desk.id))
    people[1].merged_into_id = people[0].id
    for person in people:
        make_profile(person)
    db.session.flush()
    users = [
        make_user(Role.OPERATOR, [desk]),
        make_user(Role.COORDINATOR, [desk, third]),
        make_user(Role.OPERATOR, [other_desk]),
        make_user(Role.ADMIN),
        make_user(Role.MEDIATOR, [desk]),
    ]
    for user in users:
        rule = set(db.session.scalars(Person.visible_to(user).with_only_columns(Person.id)))
        ours = set(db.session.scalars(sa.select(Person.id).where(matching.visible_people(Person.id, user))))
        assert ours == rule, user.role
        # The profiles in view, set by set, are those of the same people, each once.
        in_view = [
            person_id
            for conditions, _ in matching.profiles_in_view(user)
            for person_id in db.session.scalars(sa.select(SkillsProfile.person_id).where(*conditions))
        ]
        assert sorted(in_view) == sorted(rule), user.role
        for desk_id in (desk.id, other_desk.id, third.id):
            narrowed = [
                person_id
                for conditions, _ in matching.profiles_in_view(user, desk_id)
                for person_id in db.session.scalars(sa.select(SkillsProfile.person_id).where(*conditions))
            ]
            of_desk = {p.id for p in people if p.desk_id == desk_id} | set(
                db.session.scalars(sa.select(SharedDesk.person_id).where(SharedDesk.desk_id == desk_id))
            )
            assert sorted(narrowed) == sorted(rule & of_desk), (user.role, desk_id)
