"""The employment board (people by stage, offers by status and those closing soon, internships
running; scoped to the user's desks, filtered by desk; a constant number of queries; the menu
entry) and the case page's work panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import board as board_service
from sportello.jobs.models import InternshipStatus, JobStage, OfferStatus, ReferralStatus
from sportello.people.models import SharedDesk
from tests.conftest import text_of
from tests.jobs.matching_helpers import a_date, count_queries, make_case, make_internship, make_referral


def _people(db, desk, make_person, make_profile, n: int, stage=JobStage.SEARCHING):
    made = [make_profile(make_person(desk), stage=stage) for _ in range(n)]
    db.session.commit()
    return made


def test_people_are_counted_by_stage_twenty_shown_most_recent_first(
    app, db, desk, other_desk, make_person, make_profile, make_user
):
    searching = _people(db, desk, make_person, make_profile, 22)
    latest = searching[5]
    latest.updated_at = latest.updated_at + timedelta(days=1)
    _people(db, desk, make_person, make_profile, 2, JobStage.HIRED)
    _people(db, other_desk, make_person, make_profile, 3, JobStage.INTERVIEW)
    shared = make_person(other_desk)
    db.session.add(SharedDesk(person_id=shared.id, desk_id=desk.id))
    make_profile(shared, stage=JobStage.INTERVIEW)
    merged = make_person(desk)
    merged.merged_into_id = shared.id
    make_profile(merged, stage=JobStage.INTERVIEW)
    db.session.commit()
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        board = board_service.board(user, today())
        columns = {c.stage: c for c in board.columns}
        assert [c.stage for c in board.columns] == list(JobStage)
        assert columns[JobStage.SEARCHING].count == 22 and len(columns[JobStage.SEARCHING].profiles) == 20
        assert columns[JobStage.SEARCHING].profiles[0].id == latest.id
        assert columns[JobStage.HIRED].count == 2
        # Another desk's people are not counted; a person shared with the desk is; a merged record is not.
        assert columns[JobStage.INTERVIEW].count == 1 and columns[JobStage.INTERVIEW].profiles[0].person_id == shared.id
        assert board.people == 25

        admin = make_user(Role.ADMIN)
        assert {c.stage: c.count for c in board_service.board(admin, today()).columns}[JobStage.INTERVIEW] >= 4
        only_other = board_service.board(admin, today(), desk_id=other_desk.id)
        assert {c.stage: c.count for c in only_other.columns}[JobStage.INTERVIEW] == 4
        assert board_service.board(user, today(), desk_id=other_desk.id).people == 1  # shared with the user's desk


def test_offers_by_status_and_those_closing_soon(app, db, desk, make_user, make_job_offer):
    make_job_offer(status=OfferStatus.FILLED)
    make_job_offer(status=OfferStatus.CLOSED, closes_on=a_date(3))
    soon = make_job_offer(closes_on=a_date(2))
    sooner = make_job_offer(closes_on=today())
    make_job_offer(closes_on=a_date(15))
    make_job_offer(closes_on=a_date(-1))
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        board = board_service.board(user, today())
    offers = dict(board.offers)
    assert offers[OfferStatus.OPEN] >= 4 and offers[OfferStatus.FILLED] >= 1 and offers[OfferStatus.CLOSED] >= 1
    assert [o.id for o in board.closing] == [sooner.id, soon.id] and board.closing_count == 2


def test_running_internships_of_the_user_desks_ending_soonest_first(
    app, db, desk, other_desk, make_person, make_user, make_employer
):
    host = make_employer(name="Cooperativa Sole")
    ends = []
    for days in (50, 10, 30):
        case = make_case(db, desk, make_person(desk))
        ends.append(make_internship(db, case, host, ends_on=a_date(days)))
    make_internship(db, make_case(db, desk, make_person(desk)), host, status=InternshipStatus.ENDED)
    make_internship(db, make_case(db, other_desk, make_person(other_desk)), host)
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        board = board_service.board(user, today())
        assert board.internship_count == 3
        assert [i.id for i in board.internships] == [ends[1].id, ends[2].id, ends[0].id]
        assert board.internships[0].reference.startswith(desk.code)
        assert board_service.board(make_user(Role.ADMIN), today(), desk_id=other_desk.id).internship_count == 1


def test_the_board_page_takes_the_same_queries_whatever_the_rows(
    client, login_as, db, desk, make_person, make_profile, make_job_offer, make_employer
):
    login_as(Role.COORDINATOR, language="en")
    _people(db, desk, make_person, make_profile, 1)

    def queries():
        count, response = count_queries(db, lambda: client.get("/jobs/"))
        assert response.status_code == 200
        return count

    few = queries()
    host = make_employer()
    for stage in JobStage:
        _people(db, desk, make_person, make_profile, 3, stage)
    for days in range(5):
        make_job_offer(closes_on=a_date(days))
        make_internship(db, make_case(db, desk, make_person(desk)), host)
    db.session.commit()
    assert queries() == few
    shown = text_of(client.get("/jobs/"))
    assert "Employment board" in shown and "Put forward for an offer" in shown and "Internships running 5" in shown
    assert "Open offers closing within 14 days 5" in shown


def test_the_menu_has_work_for_staff_only(client, login_as):
    login_as(Role.OPERATOR, language="en")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/jobs/">Work</a>' in html


def test_the_menu_has_no_work_for_mediators(client, login_as):
    login_as(Role.MEDIATOR, language="en")
    assert 'href="/jobs/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/jobs/").status_code == 403


def test_a_bad_desk_filter_is_refused(client, login_as, other_desk):
    login_as(Role.OPERATOR, language="en")
    assert client.get("/jobs/?desk=999999").status_code == 422
    # A desk the user does not belong to is not among the choices.
    assert client.get(f"/jobs/?desk={other_desk.id}").status_code == 422


# ---- the case page's panel ----------------------------------------------------------------------


@pytest.fixture
def case(db, desk, make_person):
    made = make_case(db, desk, make_person(desk, given_names="Amina", family_name="Haddad"))
    db.session.commit()
    return made


def test_the_panel_without_a_profile_links_to_it(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/cases/{case.id}")
    html, shown = response.get_data(as_text=True), text_of(response)
    assert "No skills profile yet." in shown and f'href="/jobs/people/{case.person_id}"' in html
    assert f'href="/jobs/internships/cases/{case.id}/new"' in html
    assert f'href="/jobs/cases/{case.id}/offers"' not in html  # nothing to match without a profile


def test_the_panel_shows_the_profile_referrals_and_internships(
    client, login_as, db, case, make_profile, make_job_offer, make_employer
):
    make_profile(case.person, stage=JobStage.INTERVIEW)
    offer = make_job_offer(title="Forklift driver", employer=make_employer(name="Magazzini Adriatici"))
    referral = make_referral(db, case, offer, status=ReferralStatus.INTERVIEW)
    internship = make_internship(db, case, make_employer(name="Cooperativa Sole"), role="Kitchen assistant")
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.get(f"/cases/{case.id}")
    html, shown = response.get_data(as_text=True), text_of(response)
    assert 'Work <span class="badge text-bg-info">Interview</span>' in html and "Italian A2" in shown
    assert f'href="/jobs/referrals/{referral.id}">Forklift driver</a>' in html and "Magazzini Adriatici" in shown
    assert f'href="/jobs/internships/{internship.id}">Kitchen assistant</a>' in html and "Cooperativa Sole" in shown
    assert f'href="/jobs/cases/{case.id}/offers"' in html


def test_the_panel_and_timeline_take_three_queries_whatever_the_rows(
    app, db, case, make_profile, make_job_offer, make_employer, make_user, desk
):
    from sportello.jobs import referrals

    make_profile(case.person)
    user = make_user(Role.OPERATOR, [desk])
    statements = []

    def count(*args):
        statements.append(args[2])

    def render():
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            with app.app_context(), app.test_request_context():  # a request of its own: nothing cached
                panel = referrals.case_jobs_panel(case, user)
                rows = referrals.case_timeline_referrals(case, user)
                shown = [(r.offer.employer.name, r.case.reference) for r in panel["jobs"].referrals]
                shown += [(i.host.name, i.case.reference) for i in panel["jobs"].internships]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(rows), len(shown)

    def jobs_queries() -> int:
        return sum(1 for s in statements if "job_" in s or "internships" in s)

    assert render() == (0, 0) and jobs_queries() == 3
    host = make_employer()
    for _ in range(6):
        make_referral(db, case, make_job_offer(), status=ReferralStatus.SENT)
        make_internship(db, case, host)
    db.session.flush()
    assert render() == (12, 12) and jobs_queries() == 3


def test_the_case_page_takes_the_same_queries_whatever_the_job_rows(
    client, login_as, db, case, make_profile, make_job_offer, make_employer
):
    make_profile(case.person)
    login_as(Role.OPERATOR, language="en")
    url = f"/cases/{case.id}"

    def queries():
        count, response = count_queries(db, lambda: client.get(url))
        assert response.status_code == 200
        return count

    few = queries()
    host = make_employer()
    for _ in range(4):
        make_referral(db, case, make_job_offer(), status=ReferralStatus.HIRED)
        make_internship(db, case, host)
    db.session.commit()
    assert queries() == few


def test_a_profile_keeps_the_desk_of_its_person_through_a_merge_and_its_undoing(
    app, db, desk, other_desk, make_person, make_profile, make_user
):
    from sportello.people import merging

    survivor = make_person(desk)
    merged = make_person(other_desk)
    profile = make_profile(merged, stage=JobStage.INTERVIEW)
    db.session.commit()
    assert profile.desk_id == other_desk.id
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        assert board_service.board(user, today()).people == 0
        entry = merging.merge_people(survivor, merged, survivor_version=survivor.version, merged_version=merged.version)
        db.session.commit()
        profile = db.session.get(type(profile), profile.id)
        assert (profile.person_id, profile.desk_id) == (survivor.id, desk.id)
        board = board_service.board(user, today())
        assert (
            board.people == 1 and board.columns[list(JobStage).index(JobStage.INTERVIEW)].profiles[0].id == profile.id
        )

        merging.undo_merge(entry)
        db.session.commit()
        profile = db.session.get(type(profile), profile.id)
        assert (profile.person_id, profile.desk_id) == (merged.id, other_desk.id)
        assert board_service.board(user, today()).people == 0
