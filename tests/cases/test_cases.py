"""Cases: opening and numbering, status, tracks, plan, timeline, referrals, appointments, conflicts."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from sportello.cases import services
from sportello.cases.models import (
    Appointment,
    Case,
    CaseStatus,
    Goal,
    Intervention,
    Referral,
    ReferralOutcome,
    ReferralService,
    TrackStage,
)
from sportello.core.audit import Action, AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from tests.conftest import shared_label_targets, text_of


@pytest.fixture
def person(make_person, desk):
    return make_person(desk, given_names="Mohamed", family_name="El Amrani")


def _open(client, person, **data):
    values = {"tracks": ["housing", "employment"], "summary": "Cerca casa e lavoro.", **data}
    return client.post(f"/cases/new?person={person.id}", data=values)


def _case(db) -> Case:
    return db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()


def test_open_a_case_with_its_number_tracks_and_audit(client, login_as, db, person, desk):
    user = login_as(Role.OPERATOR, language="en")
    response = _open(client, person, operator_id=str(user.id))
    assert response.status_code == 302
    case = _case(db)
    year = today().year
    assert case.reference == f"OWN-{year}-000001" and case.status is CaseStatus.OPEN
    assert case.operator_id == user.id and case.opened_on == today()
    assert [t.kind.value for t in case.tracks] == ["housing", "employment"]
    assert all(t.stage is TrackStage.ASSESSMENT and len(t.changes) == 1 for t in case.tracks)
    created = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Case")).one()
    assert created.action is Action.CREATE and created.desk_id == desk.id
    page = text_of(client.get(response.location))
    assert f"OWN-{year}-000001" in page and "El Amrani" in page and "Housing" in page

    second = services.open_case(services_person(db, desk, "Second"), desk, {"opened_on": date(year, 1, 2)}, user)
    assert second.reference == f"OWN-{year}-000002"


def services_person(db, desk, name):
    from sportello.people.models import Person

    person = Person(desk_id=desk.id, given_names="Test", family_name=name)
    db.session.add(person)
    db.session.flush()
    return person


def test_numbers_are_per_desk_and_per_year(db, desk, other_desk, make_user, make_person):
    user = make_user(Role.COORDINATOR, [desk, other_desk])
    first = services.open_case(make_person(desk), desk, {"opened_on": date(2025, 12, 30)}, user)
    second = services.open_case(make_person(desk), desk, {"opened_on": date(2026, 1, 2)}, user)
    third = services.open_case(make_person(other_desk), other_desk, {"opened_on": date(2026, 1, 3)}, user)
    fourth = services.open_case(make_person(desk), desk, {"opened_on": date(2026, 1, 4)}, user)
    assert [c.reference for c in (first, second, third, fourth)] == [
        "OWN-2025-000001",
        "OWN-2026-000001",
        "OTH-2026-000001",
        "OWN-2026-000002",
    ]


def test_a_case_at_another_desk_shares_the_persons_file(client, login_as, db, make_user, make_person, desk, other_desk):
    person = make_person(other_desk, family_name="Kovalenko")
    coordinator = make_user(Role.COORDINATOR, [desk, other_desk])
    services.open_case(person, desk, {}, coordinator)
    db.session.commit()
    login_as(Role.OPERATOR)  # works at `desk` only
    assert client.get(f"/people/{person.id}").status_code == 200
    assert "Kovalenko" in text_of(client.get("/people/?q=Kovalenko"))


def test_one_active_case_per_person_and_desk(client, login_as, db, person):
    login_as(Role.OPERATOR, language="en")
    assert _open(client, person).status_code == 302
    response = _open(client, person, summary="Typed again")
    assert response.status_code == 422
    page = text_of(response)
    assert "already has case" in page and "Typed again" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1


def test_opening_needs_a_visible_person_and_a_date_not_in_the_future(
    client, login_as, db, person, make_person, other_desk
):
    login_as(Role.OPERATOR, language="en")
    stranger = make_person(other_desk)
    db.session.commit()
    assert client.get(f"/cases/new?person={stranger.id}").status_code == 403
    assert client.get("/cases/new").status_code == 302
    response = _open(client, person, opened_on=(today() + timedelta(days=3)).isoformat())
    assert response.status_code == 422 and "This date is in the future." in text_of(response)
    assert "Cerca casa e lavoro." in response.get_data(as_text=True)


def test_operator_in_charge_must_work_at_the_desk(client, login_as, db, person, make_user, other_desk):
    login_as(Role.OPERATOR, language="en")
    outsider = make_user(Role.OPERATOR, [other_desk])
    db.session.commit()
    response = _open(client, person, operator_id=str(outsider.id))
    assert response.status_code == 422


@pytest.fixture
def case(db, person, desk, make_user):
    user = make_user(Role.OPERATOR, [desk], name="Sara Conti")
    case = services.open_case(person, desk, {"tracks": ["housing"], "opened_on": today() - timedelta(days=10)}, user)
    db.session.commit()
    return case


def test_status_hold_close_and_reopen(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    url = f"/cases/{case.id}/status"
    response = client.post(url, data={"action": "hold", "version": case.version, "note": ""})
    assert response.status_code == 422 and "Write why" in text_of(response)
    assert client.post(url, data={"action": "hold", "version": case.version, "note": "Away"}).status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.ON_HOLD and case.status_note == "Away"

    response = client.post(url, data={"action": "close", "version": case.version, "note": "Done"})
    assert response.status_code == 422 and "Choose why the case is closed." in text_of(response)
    data = {"action": "close", "version": case.version, "close_reason": "goals_reached", "note": "Done"}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.CLOSED and case.closed_on == today() and case.close_reason.value == "goals_reached"

    # Nothing is added to a closed case.
    response = client.post(f"/cases/{case.id}/goals", data={"description": "More", "status": "planned"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0

    assert client.post(url, data={"action": "reopen", "version": case.version, "note": "Back"}).status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.OPEN and case.closed_on is None and case.close_reason is None
    changes = [
        e.changes.get("status")
        for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.object_type == "Case").order_by(AuditEntry.id)
        )
    ]
    assert ["open", "on_hold"] in changes and ["closed", "open"] in changes


def test_a_stale_status_change_is_refused(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    response = client.post(
        f"/cases/{case.id}/status",
        data={"action": "hold", "version": case.version - 1, "note": "x"},
        follow_redirects=True,
    )
    assert "Someone else changed this case" in text_of(response)
    db.session.refresh(case)
    assert case.status is CaseStatus.OPEN


def test_each_label_of_the_case_page_names_its_own_control(client, login_as, db, case):
    """The page holds a form per status change and one per kind of row, several of them with a
    note, a track or a follow-up date: no two controls share an id, so each label, help text and
    message belongs to its own control."""
    user = login_as(Role.OPERATOR, language="en")
    call = {"occurred_on": today(), "kind": "phone_call", "channel": "phone", "note": "Call", "follow_up_on": today()}
    services.add_intervention(case, call, user)
    db.session.commit()
    page = client.get(f"/cases/{case.id}")
    html = page.get_data(as_text=True)
    assert shared_label_targets(page) == {}
    controls = ("hold-note", "close-note", "intervention-note", "intervention-track", "goal-track", "referral-track")
    for control in controls:
        assert f'for="{control}"' in html and f'id="{control}"' in html, control

    # A refused status change comes back with its own form open and the message at its field.
    data = {"action": "close", "version": case.version, "note": "Done"}
    response = client.post(f"/cases/{case.id}/status", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="close-close_reason-error"' in html and 'aria-describedby="close-close_reason-error"' in html
    opened = re.findall(r'<details class="status-action"( open)?>\s*<summary[^>]*>([^<]+)<', html)
    assert opened == [("", "Put on hold"), (" open", "Close the case")]
    assert shared_label_targets(response) == {}

    # A post that names no change still says what is wrong.
    response = client.post(f"/cases/{case.id}/status", data={"version": case.version})
    assert response.status_code == 422 and "Please correct the fields marked below." in text_of(response)


def test_the_blank_forms_are_kept_and_show_what_is_true_now(client, login_as, db, case, make_user, desk, monkeypatch):
    """The case page's blank forms are rendered once and kept (``cases.views.ADD_FIELDS``). What
    they show besides their labels is part of what they are kept by: a new colleague, another
    language or another day shows at once."""
    from sportello.cases import views

    user = login_as(Role.OPERATOR, language="en")
    views.ADD_FIELDS.clear()
    first = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option value="{user.id}" selected>' in first  # the appointment is with the user
    assert (
        f'id="intervention-occurred_on" name="occurred_on" required type="date" value="{today().isoformat()}"' in first
    )

    # Seen again, the forms are not built again, and the page is the same.
    def not_again(*args, **kwargs):
        raise AssertionError("a blank form was built again")

    for form in ("GoalForm", "InterventionForm", "ReferralForm", "AppointmentForm", "StatusForm"):
        monkeypatch.setattr(views, form, not_again)
    again = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert again == first
    monkeypatch.undo()

    colleague = make_user(Role.OPERATOR, [desk], name="Giulia Nuova")
    db.session.commit()
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option value="{colleague.id}">Giulia Nuova</option>' in html

    user.language = "it"
    db.session.commit()
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<label class="form-label" for="intervention-channel">Canale</label>' in html

    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr(views, "today", lambda: tomorrow)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert (
        f'id="intervention-occurred_on" name="occurred_on" required type="date" value="{tomorrow.isoformat()}"' in html
    )


def test_the_staff_query_names_the_roles_as_the_staff_index_does(app, db, case):
    """``ix_users_staff`` holds active operators and coordinators. The roles are written into the
    statement, not sent as parameters, so that the plan PostgreSQL keeps for it can use the index."""
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        names = [row.name for row in services.staff_names([case.desk_id])]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert "Sara Conti" in names
    assert "users.role IN ('operator', 'coordinator')" in statements[-1]


def test_reopening_is_refused_while_another_case_is_open(db, case, person, desk, make_user):
    user = make_user(Role.OPERATOR, [desk])
    services.change_status(case, "close", reason="moved", note="", on=None, version=case.version)
    services.open_case(person, desk, {}, user)
    with pytest.raises(services.RuleError):
        services.change_status(case, "reopen", reason=None, note="Back", on=None, version=case.version)


def test_stage_changes_keep_their_history(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    track = case.tracks[0]
    prefix = f"track{track.id}"
    response = client.post(f"/cases/tracks/{track.id}/stage", data={f"{prefix}-stage": "assessment"})
    assert response.status_code == 422 and "already at this stage" in text_of(response)
    data = {f"{prefix}-stage": "waiting", f"{prefix}-note": "Waiting for the landlord"}
    assert client.post(f"/cases/tracks/{track.id}/stage", data=data).status_code == 302
    db.session.refresh(track)
    assert track.stage is TrackStage.WAITING
    assert [c.stage for c in track.changes] == [TrackStage.WAITING, TrackStage.ASSESSMENT]
    assert track.changes[0].note == "Waiting for the landlord"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Track")).one()
    assert entry.changes["stage"] == ["assessment", "waiting"]


def test_goals_added_checked_and_updated(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/cases/{case.id}/goals", data={"description": "", "target_date": "2020-01-01"})
    assert response.status_code == 422 and "Describe the goal." in text_of(response)
    response = client.post(
        f"/cases/{case.id}/goals", data={"description": "Find a room", "target_date": "2020-01-01", "status": "planned"}
    )
    assert response.status_code == 422 and "before the case was opened" in text_of(response)
    assert "Find a room" in response.get_data(as_text=True)
    target = (today() + timedelta(days=30)).isoformat()
    data = {"description": "Find a room", "track": "housing", "target_date": target, "status": "planned"}
    assert client.post(f"/cases/{case.id}/goals", data=data).status_code == 302
    goal = db.session.scalars(sa.select(Goal)).one()
    page = client.get(f"/cases/goals/{goal.id}")
    assert page.status_code == 200 and re.search(
        r'<option (selected )?value="housing"( selected)?>', page.get_data(as_text=True)
    ).group(1, 2) != (None, None)
    data = {**data, "status": "achieved", "version": goal.version}
    assert client.post(f"/cases/goals/{goal.id}", data=data).status_code == 302
    db.session.refresh(goal)
    assert goal.status.value == "achieved" and goal.ended_on == today()


def test_a_stale_goal_edit_shows_both_versions(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    goal = services.add_goal(case, {"description": "Italian course", "status": "planned"})
    db.session.commit()
    old = goal.version
    services.update_goal(goal, {"description": "Italian course A2", "status": "in_progress"}, version=old)
    db.session.commit()
    response = client.post(
        f"/cases/goals/{goal.id}", data={"description": "Italian course B1", "status": "planned", "version": old}
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this record" in page and "Italian course A2" in page and "Italian course B1" in page
    db.session.refresh(goal)
    assert goal.description == "Italian course A2"


def test_interventions_follow_ups_and_the_home_page(client, login_as, db, case, desk):
    user = login_as(Role.OPERATOR, language="en")
    case.operator_id = user.id
    db.session.commit()
    base = {"occurred_on": today().isoformat(), "kind": "phone_call", "channel": "phone", "minutes": "15"}
    response = client.post(f"/cases/{case.id}/interventions", data={**base, "minutes": "5000", "note": "x" * 10_001})
    assert response.status_code == 422
    page = text_of(response)
    assert "Between 0 and 960 minutes." in page and "10000" in page
    response = client.post(
        f"/cases/{case.id}/interventions",
        data={**base, "follow_up_on": (today() - timedelta(days=1)).isoformat(), "note": "Called"},
    )
    assert response.status_code == 422 and "before the intervention" in text_of(response)

    late = today() - timedelta(days=2)
    data = {**base, "occurred_on": (today() - timedelta(days=3)).isoformat(), "note": "Call the landlord"}
    assert (
        client.post(f"/cases/{case.id}/interventions", data={**data, "follow_up_on": late.isoformat()}).status_code
        == 302
    )
    entry = db.session.scalars(sa.select(Intervention)).one()
    assert entry.author_id == user.id and entry.minutes == 15
    home = text_of(client.get("/"))
    assert "Call the landlord" in home and "Late" in home
    assert client.post(f"/cases/interventions/{entry.id}/follow-up-done").status_code == 302
    db.session.refresh(entry)
    assert entry.follow_up_done_on == today()
    assert "Call the landlord" not in text_of(client.get("/"))


def test_referrals_and_their_outcome(client, login_as, db, case):
    user = login_as(Role.OPERATOR, language="en")
    case.operator_id = user.id
    db.session.commit()
    service = db.session.scalars(sa.select(ReferralService).where(ReferralService.name.like("CPIA%"))).one()
    response = client.post(f"/cases/{case.id}/referrals", data={"referred_on": today().isoformat()})
    assert response.status_code == 422 and "Choose a service from the list." in text_of(response)
    data = {"service_id": service.id, "referred_on": today().isoformat(), "follow_up_on": today().isoformat()}
    assert client.post(f"/cases/{case.id}/referrals", data=data).status_code == 302
    referral = db.session.scalars(sa.select(Referral)).one()
    assert referral.outcome is ReferralOutcome.PENDING
    assert "outcome?" in text_of(client.get("/"))
    data = {"outcome": "taken_in_charge", "outcome_note": "Course on Tuesdays", "version": referral.version}
    assert client.post(f"/cases/referrals/{referral.id}", data=data).status_code == 302
    db.session.refresh(referral)
    assert referral.outcome is ReferralOutcome.TAKEN_IN_CHARGE and referral.outcome_on == today()
    assert referral.follow_up_on is None
    assert "outcome?" not in text_of(client.get("/"))


def test_inactive_services_are_not_offered(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    service = db.session.scalars(sa.select(ReferralService).limit(1)).one()
    service.active = False
    db.session.commit()
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option value="{service.id}">{escape(service.name)}' not in html
    data = {"service_id": service.id, "referred_on": today().isoformat()}
    assert client.post(f"/cases/{case.id}/referrals", data=data).status_code == 422


def test_appointments_today_agenda_and_checks(client, login_as, db, case, make_user, other_desk):
    user = login_as(Role.OPERATOR, language="en")
    outsider = make_user(Role.OPERATOR, [other_desk])
    db.session.commit()
    data = {"on_date": today().isoformat(), "starts_at": "09:30", "minutes": "45", "place": "Desk", "purpose": "Check"}
    response = client.post(f"/cases/{case.id}/appointments", data={**data, "staff_id": str(outsider.id)})
    assert response.status_code == 422
    response = client.post(f"/cases/{case.id}/appointments", data={**data, "starts_at": "25:99"})
    assert response.status_code == 422 and 'value="Check"' in response.get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/appointments", data={**data, "staff_id": str(user.id)}).status_code == 302
    appointment = db.session.scalars(sa.select(Appointment)).one()
    home = text_of(client.get("/"))
    assert "09:30" in home and "El Amrani" in home
    agenda = text_of(client.get("/cases/agenda"))
    assert "09:30" in agenda and case.reference in agenda
    assert case.reference not in text_of(client.get(f"/cases/agenda?day={(today() + timedelta(days=1)).isoformat()}"))
    assert client.get("/cases/agenda?day=not-a-date").status_code == 422

    future = {**data, "on_date": (today() + timedelta(days=2)).isoformat(), "status": "done"}
    response = client.post(f"/cases/appointments/{appointment.id}", data={**future, "version": appointment.version})
    assert response.status_code == 422 and "cannot have taken place yet" in text_of(response)
    response = client.post(
        f"/cases/appointments/{appointment.id}", data={**data, "status": "done", "version": appointment.version}
    )
    assert response.status_code == 302
    db.session.refresh(appointment)
    assert appointment.status.value == "done"


def test_the_days_appointments_on_each_home_page(app, db, desk, other_desk, make_user, make_person):
    """An operator sees the appointments they hold and those of the cases they are in charge of;
    a coordinator every appointment of the day at their desks; never a cancelled one, nor another
    day's, nor another desk's."""
    sara = make_user(Role.OPERATOR, [desk], name="Sara Conti")
    luca = make_user(Role.OPERATOR, [desk], name="Luca Neri")
    coordinator = make_user(Role.COORDINATOR, [desk])
    far = make_user(Role.OPERATOR, [other_desk])
    day = today()

    def case_of(operator, at, name):
        return services.open_case(
            make_person(at, given_names=name, family_name="Test"), at, {"operator_id": operator.id}, operator
        )

    saras, lucas, farther = case_of(sara, desk, "Amal"), case_of(luca, desk, "Bilal"), case_of(far, other_desk, "Chen")
    for case, staff, at, purpose, status in (
        (saras, luca, "09:00", "Sara's case, Luca holds it", "planned"),
        (lucas, sara, "10:00", "Luca's case, Sara holds it", "planned"),
        (lucas, luca, "11:00", "Luca's own", "planned"),
        (saras, sara, "12:00", "Cancelled", "cancelled"),
        (farther, far, "13:00", "Another desk", "planned"),
    ):
        services.add_appointment(
            case,
            {
                "on_date": day,
                "starts_at": time.fromisoformat(at),
                "staff_id": staff.id,
                "purpose": purpose,
                "status": status,
            },
        )
    services.add_appointment(saras, {"on_date": day + timedelta(days=1), "starts_at": time(9), "purpose": "Tomorrow"})
    db.session.flush()

    def shown(user):
        with app.test_request_context():
            return [item.detail.split(" · ")[1] for item in services.appointments_home_section(user)]

    assert shown(sara) == ["Sara's case, Luca holds it", "Luca's case, Sara holds it"]
    assert shown(luca) == ["Sara's case, Luca holds it", "Luca's case, Sara holds it", "Luca's own"]
    assert shown(coordinator) == ["Sara's case, Luca holds it", "Luca's case, Sara holds it", "Luca's own"]
    assert shown(far) == ["Another desk"]


def test_a_stale_case_edit_shows_both_versions(client, login_as, db, case, make_user, desk):
    login_as(Role.OPERATOR, language="en")
    colleague = make_user(Role.OPERATOR, [desk], name="Luca Neri")
    db.session.commit()
    version = case.version
    services.update_case(
        case, {"summary": "Saved by a colleague", "operator_id": colleague.id}, colleague, version=version
    )
    db.session.commit()
    response = client.post(
        f"/cases/{case.id}/edit", data={"summary": "Mine", "tracks": ["training"], "version": version}
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Saved by a colleague" in page and "Mine" in page
    db.session.refresh(case)
    assert case.summary == "Saved by a colleague" and case.track_kinds[0].value == "housing"
    # Saving again applies the user's values knowingly; tracks are added, never removed.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', response.get_data(as_text=True)).group(1)
    response = client.post(
        f"/cases/{case.id}/edit", data={"summary": "Mine", "tracks": ["training"], "version": version}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.summary == "Mine" and [k.value for k in case.track_kinds] == ["housing", "training"]


def test_case_list_filters_and_scope(client, login_as, db, case, make_person, other_desk, make_user, desk):
    login_as(Role.OPERATOR, language="en")
    stranger = make_person(other_desk, given_names="Olena", family_name="Kovalenko")
    services.open_case(stranger, other_desk, {"tracks": ["housing"]}, make_user(Role.OPERATOR, [other_desk]))
    db.session.commit()
    page = text_of(client.get("/cases/"))
    assert case.reference in page and "Kovalenko" not in page
    assert case.reference in text_of(client.get("/cases/?q=Mohammed+Elamrani"))
    assert case.reference not in text_of(client.get("/cases/?q=Kovalenko"))
    assert case.reference in text_of(client.get(f"/cases/?reference={case.reference.lower()}"))
    assert case.reference in text_of(client.get("/cases/?track=housing"))
    assert case.reference not in text_of(client.get("/cases/?track=legal"))
    assert case.reference not in text_of(client.get("/cases/?status=closed"))
    assert client.get("/cases/?status=nonsense").status_code == 422
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_opening_a_case_file_is_audited(client, login_as, db, case):
    login_as(Role.OPERATOR)
    client.get(f"/cases/{case.id}")
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == Action.VIEW, AuditEntry.object_type == "Case")
    ).one()
    assert entry.object_id == case.id


def test_the_person_page_lists_their_cases(client, login_as, db, case, person):
    login_as(Role.OPERATOR, language="en")
    page = text_of(client.get(f"/people/{person.id}"))
    assert case.reference in page and "Open a case" in page


def test_referral_services_admin(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    response = client.post("/admin/referral-services/new", data={"name": "Caritas - Centro d'ascolto", "active": "y"})
    assert response.status_code == 302
    response = client.post(
        "/admin/referral-services/new", data={"name": "caritas - centro d'ascolto", "contact": "Tel"}
    )
    assert response.status_code == 422 and "already exists" in text_of(response)
    assert "Tel</textarea>" in response.get_data(as_text=True)
    assert "Caritas" in text_of(client.get("/admin/referral-services/"))


def _queries(db, client, url) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_case_page_and_list_do_not_query_per_row(client, login_as, db, case, make_person, desk):
    user = login_as(Role.OPERATOR, language="en")
    service = db.session.scalars(sa.select(ReferralService).limit(1)).one()

    def grow():
        services.add_goal(case, {"description": "Goal", "status": "planned"})
        services.add_intervention(
            case, {"occurred_on": today(), "kind": "interview", "channel": "in_person", "follow_up_on": today()}, user
        )
        services.add_referral(case, {"service_id": service.id, "referred_on": today()})
        services.add_appointment(case, {"on_date": today(), "starts_at": time(9), "staff_id": user.id})
        other = make_person(desk)
        services.open_case(other, desk, {"tracks": ["housing", "legal"], "operator_id": user.id}, user)
        db.session.commit()

    grow()
    few = {url: _queries(db, client, url) for url in (f"/cases/{case.id}", "/cases/", "/")}
    for _ in range(4):
        grow()
    many = {url: _queries(db, client, url) for url in few}
    assert many == few


def test_merging_two_records_moves_their_cases_and_undo_moves_them_back(
    client, login_as, db, desk, make_person, make_user
):
    kept = make_person(desk, given_names="Mohamed", family_name="El Amrani")
    duplicate = make_person(desk, given_names="Muhammad", family_name="Elamrani")
    operator = make_user(Role.OPERATOR, [desk])
    first = services.open_case(kept, desk, {"tracks": ["housing"]}, operator)
    services.change_status(first, "close", reason="moved", note="", on=None, version=first.version)
    second = services.open_case(duplicate, desk, {"tracks": ["permits"]}, operator)
    db.session.commit()
    login_as(Role.ADMIN, language="en")
    html = client.get(f"/people/{kept.id}/merge/{duplicate.id}").get_data(as_text=True)
    versions = dict(re.findall(r'name="(survivor_version|merged_version)" type="hidden" value="(\d+)"', html))
    assert client.post(f"/people/{kept.id}/merge/{duplicate.id}", data=versions).status_code == 302
    db.session.expire_all()
    assert {first.person_id, second.person_id} == {kept.id}
    assert second.reference in text_of(client.get(f"/people/{kept.id}"))

    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.MERGE)).one()
    assert client.post(f"/admin/merges/{entry.id}/undo").status_code == 302
    db.session.expire_all()
    assert first.person_id == kept.id and second.person_id == duplicate.id
