"""Referrals: putting a case forward from either page, every refusal, following the referral with
bad input at the field and stale saves refused, what a hire changes (the offer's places, the work
track, the job stage) and what undoing it gives back, the permit procedure a hire suggests, and
the referrals on the case page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from sportello.cases.models import CaseStatus, StageChange, Track, TrackKind, TrackStage
from sportello.core.audit import Action, AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import referrals
from sportello.jobs.models import (
    ContractType,
    JobReferral,
    JobStage,
    OfferStatus,
    ReferralStatus,
    SkillsProfile,
)
from sportello.people.models import PermitType
from tests.conftest import text_of
from tests.jobs.matching_helpers import a_date, make_case, make_referral


@pytest.fixture
def person(make_person, desk):
    return make_person(desk, given_names="Amina", family_name="Haddad")


@pytest.fixture
def profile(db, person, make_profile):
    made = make_profile(person)
    db.session.commit()
    return made


@pytest.fixture
def case(db, desk, person):
    made = make_case(db, desk, person)
    db.session.commit()
    return made


@pytest.fixture
def offer(db, make_job_offer, make_employer):
    made = make_job_offer(title="Forklift driver", employer=make_employer(name="Magazzini Adriatici"), positions=2)
    db.session.commit()
    return made


def _referrals(db, case) -> list[JobReferral]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(JobReferral).where(JobReferral.case_id == case.id)))


def _track(db, case) -> Track | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Track).where(Track.case_id == case.id, Track.kind == TrackKind.EMPLOYMENT))


def _stage(db, profile) -> JobStage:
    db.session.expire_all()
    return db.session.scalar(sa.select(SkillsProfile.stage).where(SkillsProfile.id == profile.id))


# ---- putting a case forward ---------------------------------------------------------------------


def test_putting_a_case_forward_adds_the_work_track_and_moves_the_stage(client, login_as, db, case, offer, profile):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/jobs/cases/{case.id}/referrals", data={"offer_id": offer.id})
    assert response.status_code == 302
    assert response.location.endswith(f"/jobs/cases/{case.id}/offers#offer-{offer.id}")
    (referral,) = _referrals(db, case)
    assert referral.status is ReferralStatus.PROPOSED and referral.status_on == today()
    assert _track(db, case).stage is TrackStage.ASSESSMENT
    assert _stage(db, profile) is JobStage.REFERRED
    created = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.object_type == "JobReferral", AuditEntry.object_id == referral.id)
    )
    assert created.action is Action.CREATE and created.desk_id == case.desk_id
    # The new track's entry holds its fields, not its stage history as a list of records.
    track_entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Track", AuditEntry.object_id == _track(db, case).id)
    )
    assert track_entry.changes["kind"] == [None, "employment"] and "changes" not in track_entry.changes
    shown = text_of(client.get(response.location))
    assert "Amina Haddad put forward for Forklift driver, Magazzini Adriatici." in shown and "Proposed" in shown


def test_putting_forward_from_the_candidates_page(client, login_as, db, case, offer, profile):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/jobs/offers/{offer.id}/referrals", data={"case_id": case.id})
    assert response.status_code == 302 and response.location.endswith(f"/candidates#case-{case.id}")
    assert len(_referrals(db, case)) == 1


def test_a_case_of_another_desk_cannot_be_put_forward(client, login_as, db, other_desk, make_person, offer):
    elsewhere = make_case(db, other_desk, make_person(other_desk))
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    assert client.post(f"/jobs/offers/{offer.id}/referrals", data={"case_id": elsewhere.id}).status_code == 403
    assert client.post(f"/jobs/offers/{offer.id}/referrals", data={"case_id": 999999}).status_code == 404
    assert _referrals(db, elsewhere) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": OfferStatus.CLOSED}, "This offer is closed: it takes no more referrals."),
        ({"status": OfferStatus.FILLED}, "This offer is filled: it takes no more referrals."),
        ({"closes_in": -1}, "This offer closed on"),
    ],
    ids=["closed", "filled", "past its closing date"],
)
def test_an_offer_that_takes_no_referrals_is_refused(client, login_as, db, case, offer, profile, change, message):
    if "closes_in" in change:
        offer.closes_on = a_date(change["closes_in"])
    else:
        offer.status = change["status"]
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    for url, data in (
        (f"/jobs/cases/{case.id}/referrals", {"offer_id": offer.id}),
        (f"/jobs/offers/{offer.id}/referrals", {"case_id": case.id}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422 and message in text_of(response), url
    assert _referrals(db, case) == [] and _track(db, case) is None


def test_a_closed_case_and_a_second_referral_are_refused(client, login_as, db, case, offer, profile):
    login_as(Role.OPERATOR, language="en")
    assert client.post(f"/jobs/cases/{case.id}/referrals", data={"offer_id": offer.id}).status_code == 302
    response = client.post(f"/jobs/offers/{offer.id}/referrals", data={"case_id": case.id})
    assert response.status_code == 422
    assert "This case was already put forward for this offer." in text_of(response)
    case.status = CaseStatus.CLOSED
    db.session.commit()
    response = client.post(f"/jobs/cases/{case.id}/referrals", data={"offer_id": offer.id})
    assert response.status_code == 422 and "This case is closed" in text_of(response)
    assert len(_referrals(db, case)) == 1


def test_bad_ids_are_refused_without_a_crash(client, login_as, db, case, offer):
    login_as(Role.OPERATOR, language="en")
    for data in ({}, {"offer_id": "-4"}, {"offer_id": "99999999999"}, {"offer_id": "999999"}):
        response = client.post(f"/jobs/cases/{case.id}/referrals", data=data)
        assert response.status_code == 422, data
        assert "Choose an offer." in text_of(response)
    response = client.post(f"/jobs/cases/{case.id}/referrals", data={"offer_id": "abc"})
    assert response.status_code == 422 and "Not a valid integer value." in text_of(response)
    assert client.post(f"/jobs/offers/{offer.id}/referrals", data={"case_id": "x"}).status_code == 422
    assert _referrals(db, case) == []


def test_the_service_refuses_the_same_way(app, db, case, offer, make_user, desk):
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context(), force_locale("en"):
        referrals.create_referral(case, offer, user, today())
        with pytest.raises(referrals.RuleError) as refused:
            referrals.create_referral(case, offer, user, today())
        assert "already put forward" in str(refused.value.message)
        offer.closes_on = a_date(-1)
        with pytest.raises(referrals.RuleError) as refused:
            referrals.check_offer_takes_referrals(offer, today())
        assert "closed on" in str(refused.value.message)


# ---- following a referral -----------------------------------------------------------------------


def _form(referral, **values) -> dict:
    data = {
        "status": referral.status.value,
        "status_on": today().isoformat(),
        "interview_on": "",
        "contract_type": "",
        "starts_on": "",
        "ends_on": "",
        "note": "",
        "version": str(referral.version),
    }
    return data | values


def test_the_referral_page_shows_the_offer_and_the_form(client, login_as, db, case, offer):
    referral = make_referral(db, case, offer)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/referrals/{referral.id}")
    shown = text_of(response)
    assert response.status_code == 200
    assert "Amina Haddad for Forklift driver" in shown and "Magazzini Adriatici" in shown and "How it went" in shown


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"status": "interview"}, "interview_on", "Enter the day of the interview."),
        ({"status": "hired", "starts_on": "2026-03-01"}, "contract_type", "Choose the contract type."),
        ({"status": "hired", "contract_type": "fixed_term"}, "starts_on", "Enter the day the job starts."),
        (
            {"status": "hired", "contract_type": "fixed_term", "starts_on": "2026-03-01", "ends_on": "2026-02-01"},
            "ends_on",
            "The contract must end after it starts.",
        ),
        (
            {"status": "hired", "contract_type": "permanent", "starts_on": "2026-03-01", "ends_on": "2027-03-01"},
            "ends_on",
            "A permanent contract has no end date.",
        ),
        ({"status": "promoted"}, "status", "Not a valid choice"),
        ({"contract_type": "slavery"}, "contract_type", "Not a valid choice"),
        ({"status_on": "2999-01-01"}, "status_on", "This date is in the future."),
        ({"status_on": "31/02/2026"}, "status_on", "Not a valid date value."),
        ({"note": "ok\u202egnp.exe"}, "note", "Remove the invisible control"),
        ({"note": "x" * 2001}, "note", "Field cannot be longer than 2000 characters."),
    ],
    ids=[
        "interview without date",
        "hired without contract",
        "hired without start",
        "end before start",
        "permanent with an end",
        "unknown status",
        "unknown contract",
        "future date",
        "bad date",
        "bidi characters",
        "too long",
    ],
)
def test_bad_input_is_refused_at_the_field(client, login_as, db, case, offer, values, field, message):
    referral = make_referral(db, case, offer)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/jobs/referrals/{referral.id}", data=_form(referral, **values))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    if field not in ("status", "contract_type"):  # a choice not in the list cannot be shown
        for value in values.values():
            assert value in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(JobReferral, referral.id).status is ReferralStatus.PROPOSED


def test_a_new_status_is_saved_and_audited(client, login_as, db, case, offer, profile):
    referral = make_referral(db, case, offer, status_on=a_date(-10))
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    data = _form(referral, status="interview", interview_on=a_date(3).isoformat(), note="Colloquio con Marco")
    data["status_on"] = a_date(-10).isoformat()  # left as it was: a new status is dated today
    response = client.post(f"/jobs/referrals/{referral.id}", data=data)
    assert response.status_code == 302 and response.location.endswith(f"/jobs/referrals/{referral.id}")
    db.session.expire_all()
    saved = db.session.get(JobReferral, referral.id)
    assert saved.status is ReferralStatus.INTERVIEW and saved.status_on == today()
    assert saved.interview_on == a_date(3) and saved.note == "Colloquio con Marco"
    assert _stage(db, profile) is JobStage.INTERVIEW
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "JobReferral",
            AuditEntry.object_id == referral.id,
            AuditEntry.action == Action.UPDATE,
        )
    )
    assert entry.changes["status"] == ["proposed", "interview"]


def test_a_referral_keeps_the_history_of_its_statuses(client, login_as, db, case, offer, profile):
    user = login_as(Role.OPERATOR, language="en", name="Sara Conti")
    referrals.create_referral(case, offer, user, on=a_date(-5))
    db.session.commit()
    (referral,) = _referrals(db, case)
    assert [(s.status, s.status_on, s.recorded_by_id) for s in referral.steps] == [
        (ReferralStatus.PROPOSED, a_date(-5), user.id)
    ]

    url = f"/jobs/referrals/{referral.id}"
    sent = _form(referral, status="sent", status_on=a_date(-3).isoformat(), note="CV sent by e-mail")
    assert client.post(url, data=sent).status_code == 302
    (referral,) = _referrals(db, case)
    # The same status with its date corrected: no new step, the step's date follows.
    corrected = _form(referral, status="sent", status_on=a_date(-2).isoformat(), note="CV sent by e-mail")
    assert client.post(url, data=corrected).status_code == 302
    (referral,) = _referrals(db, case)
    interview = _form(referral, status="interview", interview_on=a_date(2).isoformat(), note="CV sent by e-mail")
    assert client.post(url, data=interview).status_code == 302
    (referral,) = _referrals(db, case)
    assert [(s.status, s.status_on, s.note) for s in referral.steps] == [
        (ReferralStatus.INTERVIEW, today(), ""),
        (ReferralStatus.SENT, a_date(-2), "CV sent by e-mail"),
        (ReferralStatus.PROPOSED, a_date(-5), ""),
    ]

    page = text_of(client.get(url))
    history = page[page.index("History of the referral") :]
    assert history.index("Interview") < history.index("CV sent") < history.index("Proposed")
    assert "Sara Conti" in history and "CV sent by e-mail" in history
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "JobReferral", AuditEntry.object_id == referral.id)
    )
    assert not any("steps" in (entry.changes or {}) for entry in entries)


def test_a_stale_save_shows_both_versions_and_loses_nothing(client, login_as, db, case, offer):
    referral = make_referral(db, case, offer)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    stale = _form(referral, status="sent", note="Sent by email")
    first = _form(referral, status="withdrew", note="Found another job")
    assert client.post(f"/jobs/referrals/{referral.id}", data=first).status_code == 302
    response = client.post(f"/jobs/referrals/{referral.id}", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this record" in html and "Sent by email" in html and "Found another job" in html
    db.session.expire_all()
    assert db.session.get(JobReferral, referral.id).status is ReferralStatus.WITHDREW


def _hire(client, referral, **values):
    data = _form(
        referral,
        status="hired",
        contract_type="fixed_term",
        starts_on=a_date(7).isoformat(),
        ends_on=a_date(200).isoformat(),
    )
    return client.post(f"/jobs/referrals/{referral.id}", data=data | values)


def test_a_hire_takes_a_place_completes_the_track_and_moves_the_stage(
    client, login_as, db, desk, make_person, case, offer, profile
):
    referral = make_referral(db, case, offer, status=ReferralStatus.INTERVIEW, interview_on=a_date(-2))
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = _hire(client, referral)
    assert response.status_code == 302
    db.session.expire_all()
    assert offer.hired_count == 1 and offer.status is OfferStatus.OPEN
    saved = db.session.get(JobReferral, referral.id)
    assert saved.contract_type is ContractType.FIXED_TERM and saved.starts_on == a_date(7)
    track = _track(db, case)
    assert track.stage is TrackStage.COMPLETED
    note = db.session.scalar(
        sa.select(StageChange.note).where(StageChange.track_id == track.id).order_by(StageChange.id.desc())
    )
    assert note.startswith("Hired by Magazzini Adriatici: Fixed-term contract from")
    assert _stage(db, profile) is JobStage.HIRED

    # The second hire fills the offer's two places; a third is refused.
    second_case = make_case(db, desk, make_person(desk))
    second = make_referral(db, second_case, offer, status=ReferralStatus.INTERVIEW, interview_on=a_date(-2))
    third = make_referral(db, make_case(db, desk, make_person(desk)), offer)
    db.session.commit()
    assert _hire(client, second).status_code == 302
    db.session.expire_all()
    assert offer.hired_count == 2 and offer.status is OfferStatus.FILLED
    response = _hire(client, third)
    assert response.status_code == 422 and "All the places of this offer are taken (2 of 2)." in text_of(response)

    # Undoing a hire gives the place back and reopens the offer and the work track.
    response = client.post(
        f"/jobs/referrals/{second.id}", data=_form(db.session.get(JobReferral, second.id), status="withdrew")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert offer.hired_count == 1 and offer.status is OfferStatus.OPEN
    assert _track(db, second_case).stage is TrackStage.ACTIVE
    undone = db.session.get(JobReferral, second.id)
    assert undone.contract_type is None and undone.starts_on is None


def test_editing_a_hire_changes_no_count(client, login_as, db, case, offer):
    referral = make_referral(db, case, offer)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    assert _hire(client, referral).status_code == 302
    db.session.expire_all()
    assert (
        _hire(client, db.session.get(JobReferral, referral.id), contract_type="permanent", ends_on="").status_code
        == 302
    )
    db.session.expire_all()
    assert offer.hired_count == 1
    assert db.session.get(JobReferral, referral.id).contract_type is ContractType.PERMANENT


def test_a_closed_case_shows_the_referral_without_the_form(client, login_as, db, case, offer):
    referral = make_referral(db, case, offer)
    case.status = CaseStatus.CLOSED
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/jobs/referrals/{referral.id}")
    assert response.status_code == 200 and "reopen it to change the referral" in text_of(response)
    response = client.post(f"/jobs/referrals/{referral.id}", data=_form(referral, status="sent"))
    assert response.status_code == 422


# ---- the permit a new job calls for ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("permit", "code"),
    [
        (PermitType.STUDY, "CONV_STUDIO_LAV"),
        (PermitType.JOB_SEEKING, "RIN_LAV_SUB"),
        (PermitType.EMPLOYMENT, "RIN_LAV_SUB"),
        (PermitType.SPECIAL, "PROT_SPEC"),
        (PermitType.EU_LONG_TERM, None),
        (PermitType.FAMILY, None),
        (None, None),
    ],
)
def test_the_permit_procedure_a_hire_calls_for(db, case, offer, permit, code):
    case.person.permit_type = permit
    referral = make_referral(db, case, offer, status=ReferralStatus.HIRED)
    suggestion = referrals.permit_suggestion(referral)
    assert (suggestion.code if suggestion else None) == code
    referral.status = ReferralStatus.INTERVIEW
    assert referrals.permit_suggestion(referral) is None


def test_the_codes_are_procedures_of_the_permits_catalog(db):
    from sportello.permits.models import Procedure

    known = set(db.session.scalars(sa.select(Procedure.code)))
    assert set(referrals.PERMIT_PROCEDURES.values()) <= known


def test_a_hire_offers_to_start_the_permit_checklist(client, login_as, db, case, offer):
    case.person.permit_type = PermitType.STUDY
    referral = make_referral(db, case, offer)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = _hire(client, referral)
    page = client.get(response.location)
    shown, html = text_of(page), page.get_data(as_text=True)
    assert "Hired: the case&#39;s work track is completed." in shown
    assert "Converting the study permit into a work permit" in shown and "Start the permit checklist" in shown
    link = f'href="/permits/cases/{case.id}/new?procedure=CONV_STUDIO_LAV"'
    assert link in html
    assert client.get(f"/permits/cases/{case.id}/new?procedure=CONV_STUDIO_LAV").status_code == 200


# ---- on the case page ---------------------------------------------------------------------------


def test_referrals_are_on_the_case_timeline_and_panel(client, login_as, db, case, offer, make_job_offer, profile):
    make_referral(db, case, offer, status=ReferralStatus.NOT_SELECTED, status_on=a_date(-1))
    make_referral(db, case, make_job_offer(title="Picker"))
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    shown = text_of(client.get(f"/cases/{case.id}"))
    assert "Put forward for Forklift driver at Magazzini Adriatici" in shown
    assert "Forklift driver at Magazzini Adriatici: Not selected" in shown
    assert "Put forward for Picker" in shown


def test_each_step_of_a_referral_is_on_the_case_timeline(client, login_as, db, case, offer, profile):
    user = login_as(Role.OPERATOR, language="en")
    referral = referrals.create_referral(case, offer, user, on=a_date(-6))
    for status, ago in (("sent", -4), ("interview", -2)):
        values = {"status": status, "status_on": a_date(ago), "interview_on": a_date(1), "note": ""}
        referrals.update_referral(referral, values, user, version=referral.version, on=a_date(ago))
    db.session.commit()
    shown = text_of(client.get(f"/cases/{case.id}"))
    steps = [
        "Forklift driver at Magazzini Adriatici: Interview",
        "Forklift driver at Magazzini Adriatici: CV sent",
        "Put forward for Forklift driver at Magazzini Adriatici",
    ]
    positions = [shown.index(step) for step in steps]
    assert positions == sorted(positions)
