"""Internships: adding one to a case (its employment track added), bad input at the field (an
end before the start, a stipend below zero, hours out of range, more than 12 months, a closed
case), stale edits, starting and ending with an outcome (hired: the track completed), the
person's job stage kept, monthly attendance and the stipend due, who may see them, queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.cases.models import CaseStatus, Track, TrackKind, TrackStage
from sportello.core.audit import Action
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.jobs import internships
from sportello.jobs.models import (
    Internship,
    InternshipMonth,
    InternshipOutcome,
    InternshipStatus,
    JobStage,
)
from tests.conftest import shared_label_targets, text_of
from tests.jobs.offer_helpers import audit_entries, count_queries, make_case, make_internship

BASE = "/jobs/internships"


@pytest.fixture
def case(db, desk, make_person):
    return make_case(db, desk, make_person(desk, given_names="Aminata", family_name="Diallo"))


@pytest.fixture
def host(make_employer):
    return make_employer(name="Ristorante Da Gino")


def internship_data(host, **overrides) -> dict:
    starts = today() + timedelta(days=7)
    data = {
        "host_id": str(host.id),
        "role": "Kitchen assistant",
        "host_tutor": "Gino Rossi",
        "promoter_tutor": "Laura Bassi",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=180)).isoformat(),
        "weekly_hours": "30",
        "monthly_stipend": "500,00",
        "programme": "GOL",
        "note": "Evening shifts twice a week",
    }
    data.update(overrides)
    for name in ("starts_on", "ends_on"):
        if isinstance(data[name], int):  # days from today
            data[name] = (today() + timedelta(days=data[name])).isoformat()
    return {key: value for key, value in data.items() if value is not None}


def _tracks(db, case) -> list[Track]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Track).where(Track.case_id == case.id)))


# ---- a new internship ------------------------------------------------------------------------


def test_an_operator_adds_an_internship_and_the_case_gets_an_employment_track(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    db.session.commit()
    page = client.get(f"{BASE}/cases/{case.id}/new")
    assert page.status_code == 200 and "Ristorante Da Gino" in page.get_data(as_text=True)
    chosen = client.get(f"{BASE}/cases/{case.id}/new?host_id={host.id}").get_data(as_text=True)
    assert f'<option selected value="{host.id}">Ristorante Da Gino</option>' in chosen
    response = client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(host))
    assert response.status_code == 302, text_of(response)[:1000]
    internship = db.session.scalars(sa.select(Internship)).one()
    assert response.location == f"{BASE}/{internship.id}"
    assert internship.status is InternshipStatus.PLANNED and internship.case_id == case.id
    assert internship.monthly_stipend == Decimal("500.00") and internship.weekly_hours == 30
    assert internship.host_id == host.id and internship.programme == "GOL"
    [track] = _tracks(db, case)
    assert track.kind is TrackKind.EMPLOYMENT and track.stage is TrackStage.ASSESSMENT
    [entry] = audit_entries(db, internship)
    assert entry.action is Action.CREATE and entry.changes["monthly_stipend"] == [None, "500.00"]
    assert audit_entries(db, track)[0].action is Action.CREATE
    page = text_of(client.get(f"{BASE}/{internship.id}"))
    assert "Kitchen assistant" in page and "Ristorante Da Gino" in page and "Planned" in page
    assert "Aminata Diallo" in page and case.reference in page


def test_an_existing_employment_track_is_kept(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    case.tracks.append(Track(kind=TrackKind.EMPLOYMENT, stage=TrackStage.ACTIVE))
    db.session.commit()
    assert client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(host)).status_code == 302
    [track] = _tracks(db, case)
    assert track.stage is TrackStage.ACTIVE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": 6}, "ends_on", "The end date is before the start date."),
        ({"monthly_stipend": "-1"}, "monthly_stipend", "The monthly stipend cannot be below zero"),
        ({"monthly_stipend": "-0,01"}, "monthly_stipend", "The monthly stipend cannot be below zero"),
        ({"monthly_stipend": "5000,01"}, "monthly_stipend", "up to 5,000 euro"),
        ({"monthly_stipend": "lots"}, "monthly_stipend", "Enter an amount in euro"),
        ({"monthly_stipend": ""}, "monthly_stipend", "The monthly stipend cannot be below zero"),
        ({"weekly_hours": "0"}, "weekly_hours", "Enter the hours a week, from 1 to 40."),
        ({"weekly_hours": "41"}, "weekly_hours", "Enter the hours a week, from 1 to 40."),
        ({"ends_on": 7 + 366}, "ends_on", "An internship lasts at most 12 months"),
        ({"starts_on": ""}, "starts_on", "Enter the start date."),
        ({"starts_on": "2099-01-01", "ends_on": "2099-02-01"}, "starts_on", "within five years of today"),
        ({"ends_on": "soon"}, "ends_on", "Not a valid date value."),
        ({"role": " "}, "role", "Enter the intern"),
        ({"role": "Cook\u202e"}, "role", "Remove the invisible control or text-direction characters"),
        ({"host_tutor": "x" * 161}, "host_tutor", "Field cannot be longer than 160 characters."),
        ({"host_id": "999999"}, "host_id", "Choose the host among the active employers."),
        ({"host_id": ""}, "host_id", "Choose the host among the active employers."),
    ],
)
def test_bad_internship_input_is_refused_at_the_field(client, login_as, db, case, host, overrides, field, message):
    login_as(Role.OPERATOR, language="en")
    db.session.commit()
    response = client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(host, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in text_of(response)
    assert "Evening shifts twice a week" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Internship)) == 0
    assert _tracks(db, case) == []


def test_twelve_months_to_the_day_is_the_longest_internship():
    assert internships.latest_end(date(2026, 1, 15)) == date(2027, 1, 14)
    assert internships.latest_end(date(2026, 3, 31)) == date(2027, 3, 30)
    assert internships.latest_end(date(2024, 2, 29)) == date(2025, 2, 27)


def test_an_inactive_host_cannot_get_a_new_internship(client, login_as, db, case, make_employer):
    login_as(Role.OPERATOR, language="en")
    retired = make_employer(name="Closed Shop", active=False)
    db.session.commit()
    assert "Closed Shop" not in client.get(f"{BASE}/cases/{case.id}/new").get_data(as_text=True)
    response = client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(retired))
    assert response.status_code == 422 and "Choose the host among the active employers." in text_of(response)


def test_a_closed_case_gets_no_internship(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    case.status = CaseStatus.CLOSED
    case.closed_on = today()
    db.session.commit()
    assert "This case is closed" in text_of(client.get(f"{BASE}/cases/{case.id}/new"))
    response = client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(host))
    assert response.status_code == 422 and "This case is closed: reopen it to add to it." in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Internship)) == 0


# ---- editing -------------------------------------------------------------------------------


def test_an_internship_is_edited_and_audited(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, status=InternshipStatus.PLANNED)
    db.session.commit()
    html = client.get(f"{BASE}/{internship.id}/edit").get_data(as_text=True)
    assert 'value="Warehouse clerk"' in html and 'value="500.00"' in html
    data = internship_data(
        host,
        role="Warehouse clerk",
        starts_on=internship.starts_on.isoformat(),
        ends_on=internship.ends_on.isoformat(),
        monthly_stipend="600",
        version=str(internship.version),
    )
    response = client.post(f"{BASE}/{internship.id}/edit", data=data)
    assert response.status_code == 302, text_of(response)[:1000]
    db.session.refresh(internship)
    assert internship.monthly_stipend == Decimal("600.00") and internship.weekly_hours == 30
    changes = audit_entries(db, internship)[-1].changes
    assert changes["monthly_stipend"] == ["500.00", "600.00"] and changes["weekly_hours"] == [25, 30]


def test_a_stale_internship_edit_shows_both_versions(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host)
    db.session.commit()
    old = internship.version
    internship.role = "Saved Meanwhile"
    db.session.commit()
    data = internship_data(
        host,
        role="Mine",
        starts_on=internship.starts_on.isoformat(),
        ends_on=internship.ends_on.isoformat(),
        version=str(old),
    )
    response = client.post(f"{BASE}/{internship.id}/edit", data=data)
    assert response.status_code == 409
    assert "Someone else saved this record" in text_of(response) and "Saved Meanwhile" in text_of(response)
    assert 'value="Mine"' in response.get_data(as_text=True)
    db.session.refresh(internship)
    assert internship.role == "Saved Meanwhile"
    response = client.post(f"{BASE}/{internship.id}/edit", data=data | {"version": str(internship.version)})
    assert response.status_code == 302
    db.session.refresh(internship)
    assert internship.role == "Mine"


def test_new_dates_cannot_leave_recorded_months_outside(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 6, 30))
    internship.attendance.append(
        InternshipMonth(month=date(2026, 5, 1), planned_hours=Decimal("100"), attended_hours=Decimal("90"))
    )
    db.session.commit()
    data = internship_data(
        host, starts_on="2026-01-12", ends_on="2026-04-30", version=str(internship.version), weekly_hours="25"
    )
    response = client.post(f"{BASE}/{internship.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="ends_on-error"' in response.get_data(as_text=True)
    assert "Attendance is recorded for May 2026, outside these dates." in text_of(response)


# ---- start and end ---------------------------------------------------------------------------


def test_starting_an_internship_moves_the_person_to_the_internship_stage(
    client, login_as, db, case, host, make_profile
):
    login_as(Role.OPERATOR, language="en")
    profile = make_profile(case.person)
    internship = make_internship(
        db, case, host, status=InternshipStatus.PLANNED, starts_on=today(), ends_on=today() + timedelta(days=90)
    )
    db.session.commit()
    html = client.get(f"{BASE}/{internship.id}").get_data(as_text=True)
    assert f'action="{BASE}/{internship.id}/start"' in html
    response = client.post(f"{BASE}/{internship.id}/start", data={"version": str(internship.version)})
    assert response.status_code == 302
    db.session.refresh(internship)
    db.session.refresh(profile)
    assert internship.status is InternshipStatus.RUNNING and profile.stage is JobStage.INTERNSHIP
    assert audit_entries(db, internship)[-1].changes == {"status": ["planned", "running"]}
    response = client.post(f"{BASE}/{internship.id}/start", data={"version": str(internship.version)})
    assert response.status_code == 422 and "Only a planned internship can start." in text_of(response)


def test_an_internship_cannot_start_before_its_start_date(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    starts = today() + timedelta(days=10)
    internship = make_internship(
        db, case, host, status=InternshipStatus.PLANNED, starts_on=starts, ends_on=starts + timedelta(days=90)
    )
    db.session.commit()
    response = client.post(f"{BASE}/{internship.id}/start", data={"version": str(internship.version)})
    shown = f"{starts:%b} {starts.day}, {starts.year}"
    assert response.status_code == 422 and f"This internship starts on {shown}" in text_of(response)
    db.session.refresh(internship)
    assert internship.status is InternshipStatus.PLANNED


def test_a_stale_start_is_refused(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, status=InternshipStatus.PLANNED, starts_on=today())
    db.session.commit()
    response = client.post(f"{BASE}/{internship.id}/start", data={"version": str(internship.version - 1)})
    assert response.status_code == 409 and "Someone else changed this internship" in text_of(response)
    assert client.post(f"{BASE}/{internship.id}/start", data={}).status_code == 422


def test_hired_by_the_host_ends_the_internship_and_completes_the_employment_track(
    client, login_as, db, case, host, make_profile
):
    login_as(Role.OPERATOR, language="en")
    profile = make_profile(case.person, stage=JobStage.INTERNSHIP)
    case.tracks.append(Track(kind=TrackKind.EMPLOYMENT, stage=TrackStage.ACTIVE))
    internship = make_internship(db, case, host, starts_on=date(2026, 3, 2), ends_on=date(2026, 9, 1))
    db.session.commit()
    data = {"outcome": "hired", "outcome_on": "2026-09-01", "note": "Open-ended contract"}
    data["version"] = internship.version
    response = client.post(f"{BASE}/{internship.id}/end", data=data)
    assert response.status_code == 302, text_of(response)[:1000]
    db.session.refresh(internship)
    db.session.refresh(profile)
    assert internship.status is InternshipStatus.ENDED and internship.outcome is InternshipOutcome.HIRED
    assert internship.outcome_on == date(2026, 9, 1) and internship.note.endswith("Open-ended contract")
    [track] = _tracks(db, case)
    assert track.stage is TrackStage.COMPLETED
    assert track.changes[0].note == "Hired by Ristorante Da Gino after the internship."
    changes = audit_entries(db, internship)[-1].changes
    assert changes["status"] == ["running", "ended"] and changes["outcome"] == [None, "hired"]
    # The host hired the intern: the person's job search has reached its goal.
    assert profile.stage is JobStage.HIRED
    page = text_of(client.get(f"{BASE}/{internship.id}"))
    assert "Hired by the host" in page and "End the internship" not in page
    again = client.post(f"{BASE}/{internship.id}/end", data=data | {"version": internship.version})
    assert again.status_code == 422 and "This internship has already ended." in text_of(again)


def test_an_interrupted_internship_leaves_the_track_alone(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 3, 2), ends_on=date(2026, 9, 1))
    db.session.commit()
    data = {"outcome": "left", "outcome_on": "2026-04-10", "version": internship.version}
    assert client.post(f"{BASE}/{internship.id}/end", data=data).status_code == 302
    db.session.refresh(internship)
    assert internship.outcome is InternshipOutcome.LEFT
    assert _tracks(db, case) == []


@pytest.mark.parametrize(
    ("status", "data", "field", "message"),
    [
        ("running", {"outcome": ""}, "outcome", "Choose how the internship ended."),
        ("running", {"outcome": "vanished"}, "outcome", "Choose how the internship ended."),
        ("running", {"outcome_on": ""}, "outcome_on", "Enter the date it ended."),
        ("running", {"outcome_on": "2099-01-01"}, "outcome_on", "This date is in the future."),
        ("running", {"outcome_on": "2026-01-01"}, "outcome_on", "The internship cannot end before it started."),
        ("planned", {"outcome": "completed"}, "outcome", "has not started can only end interrupted."),
    ],
)
def test_a_bad_end_is_refused_at_the_field(client, login_as, db, case, host, status, data, field, message):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(
        db, case, host, status=InternshipStatus(status), starts_on=date(2026, 3, 2), ends_on=date(2026, 9, 1)
    )
    db.session.commit()
    sent = {"outcome": "completed", "outcome_on": "2026-09-01", "version": internship.version} | data
    response = client.post(f"{BASE}/{internship.id}/end", data=sent)
    assert response.status_code == 422
    assert f'id="end-{field}-error"' in response.get_data(as_text=True) and message in text_of(response)
    db.session.refresh(internship)
    assert internship.status is InternshipStatus(status)


# ---- attendance ----------------------------------------------------------------------------


def test_planned_hours_come_from_the_weekly_hours_and_the_working_days():
    # January 2026 from Monday 12th: 15 working days; February 2026: 20.
    assert internships.weekdays(date(2026, 1, 12), date(2026, 1, 31)) == 15
    assert internships.weekdays(date(2026, 2, 1), date(2026, 2, 28)) == 20
    assert internships.weekdays(date(2026, 2, 7), date(2026, 2, 8)) == 0
    assert internships.planned_hours(25, date(2026, 1, 12), date(2026, 7, 10), date(2026, 1, 1)) == Decimal("75")
    assert internships.planned_hours(25, date(2026, 1, 12), date(2026, 7, 10), date(2026, 2, 1)) == Decimal("100")
    # July 2026 up to Friday 10th: 8 working days; 17 * 8 / 5 = 27.2, to the half hour 27.
    assert internships.planned_hours(17, date(2026, 1, 12), date(2026, 7, 10), date(2026, 7, 1)) == Decimal("27")
    # 13 * 1 / 5 = 2.6: 2.5.
    assert internships.planned_hours(13, date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 1)) == Decimal("2.5")


def test_the_month_form_is_prefilled_with_the_next_month_and_its_planned_hours(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 7, 10))
    internship.attendance.append(
        InternshipMonth(month=date(2026, 1, 1), planned_hours=Decimal("75"), attended_hours=Decimal("70"))
    )
    db.session.commit()
    html = client.get(f"{BASE}/{internship.id}").get_data(as_text=True)
    assert '<option selected value="2026-02">February 2026</option>' in html
    assert 'name="planned_hours" type="text" value="100"' in html or 'value="100"' in html


def test_a_month_is_recorded_and_the_stipend_due_worked_out(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 7, 10))
    db.session.commit()
    url = f"{BASE}/{internship.id}/months"
    # January: 15 of its 22 working days, planned 75 hours, 60 attended (80%): its share in full.
    response = client.post(url, data={"month": "2026-01", "planned_hours": "", "attended_hours": "60"})
    assert response.status_code == 302, text_of(response)[:1000]
    assert response.location == f"{BASE}/{internship.id}#attendance"
    # February: planned 100, 50.6 attended (51%): that share of the stipend.
    response = client.post(url, data={"month": "2026-02", "planned_hours": "100", "attended_hours": "50,6"})
    assert response.status_code == 302
    rows = {row.month: row for row in db.session.scalars(sa.select(InternshipMonth))}
    assert rows[date(2026, 1, 1)].planned_hours == Decimal("75") and rows[date(2026, 1, 1)].recorded_by_id
    assert rows[date(2026, 2, 1)].attended_hours == Decimal("50.6")
    summary = internships.attendance(internship)
    january, february = summary.months[0], summary.months[1]
    assert january.stipend == Decimal("340.91") and january.in_full and january.due == Decimal("340.91")
    assert february.stipend == Decimal("500.00") and not february.in_full and february.due == Decimal("253.00")
    assert summary.due == Decimal("593.91") and len(summary.months) == 7
    page = text_of(client.get(f"{BASE}/{internship.id}"))
    assert "80%" in page and "51%" in page and "€593.91" in page and "Not recorded" in page
    assert audit_entries(db, internship)[-1].changes == {"attendance": [None, "2026-02: 50.6 / 100.0"]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"month": "2025-12"}, "month", "This month is outside the internship"),
        ({"month": "2026-08"}, "month", "This month is outside the internship"),
        ({"month": "2026-13"}, "month", "Choose the month from the list."),
        ({"month": "January"}, "month", "Choose the month from the list."),
        ({"month": "2026-03"}, "month", "attendance is already recorded."),
        ({"attended_hours": "-1"}, "attended_hours", "Enter the hours attended, 0 or more."),
        ({"attended_hours": ""}, "attended_hours", "Enter the hours attended, 0 or more."),
        ({"attended_hours": "150.5"}, "attended_hours", "At most 150 hours"),
        ({"attended_hours": "10.25"}, "attended_hours", "at most one decimal"),
        ({"planned_hours": "0"}, "planned_hours", "Enter the planned hours, more than 0 and at most 250."),
        ({"planned_hours": "300"}, "planned_hours", "Enter the planned hours, more than 0 and at most 250."),
        ({"note": "late\u202e"}, "note", "Remove the invisible control or text-direction characters"),
    ],
)
def test_a_bad_month_is_refused_at_the_field(client, login_as, db, case, host, data, field, message):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 7, 10))
    internship.attendance.append(
        InternshipMonth(month=date(2026, 3, 1), planned_hours=Decimal("110"), attended_hours=Decimal("100"))
    )
    db.session.commit()
    sent = {"month": "2026-04", "planned_hours": "100", "attended_hours": "90", "note": "fine"} | data
    response = client.post(f"{BASE}/{internship.id}/months", data=sent)
    assert response.status_code == 422
    assert f'id="month-{field}-error"' in response.get_data(as_text=True) and message in text_of(response)
    assert shared_label_targets(response) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InternshipMonth)) == 1


def test_attendance_waits_for_the_start(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, status=InternshipStatus.PLANNED, starts_on=date(2026, 1, 12))
    db.session.commit()
    response = client.post(f"{BASE}/{internship.id}/months", data={"month": "2026-01", "attended_hours": "10"})
    assert response.status_code == 422 and "Start the internship before recording its attendance." in text_of(response)


def test_a_month_recorded_by_mistake_is_removed(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 7, 10))
    row = InternshipMonth(month=date(2026, 2, 1), planned_hours=Decimal("100"), attended_hours=Decimal("10"))
    internship.attendance.append(row)
    db.session.commit()
    html = client.get(f"{BASE}/{internship.id}").get_data(as_text=True)
    assert f'action="{BASE}/{internship.id}/months/{row.id}/delete"' in html
    assert client.post(f"{BASE}/{internship.id}/months/{row.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InternshipMonth)) == 0
    assert audit_entries(db, internship)[-1].changes == {"attendance": ["2026-02: 10.0 / 100.0", None]}
    again = client.post(f"{BASE}/{internship.id}/months/{row.id}/delete")
    assert again.status_code == 422 and "attendance is not recorded." in text_of(again)


# ---- who may see them ------------------------------------------------------------------------


def test_another_desks_operator_cannot_see_or_change_an_internship(client, login_as, db, other_desk, make_person, host):
    login_as(Role.OPERATOR, language="en")
    case = make_case(db, other_desk, make_person(other_desk))
    internship = make_internship(db, case, host, status=InternshipStatus.PLANNED, starts_on=today())
    db.session.commit()
    assert client.get(f"{BASE}/{internship.id}").status_code == 403
    assert client.get(f"{BASE}/{internship.id}/edit").status_code == 403
    assert client.post(f"{BASE}/{internship.id}/start", data={"version": internship.version}).status_code == 403
    assert client.get(f"{BASE}/cases/{case.id}/new").status_code == 403
    assert client.post(f"{BASE}/cases/{case.id}/new", data=internship_data(host)).status_code == 403
    db.session.refresh(internship)
    assert internship.status is InternshipStatus.PLANNED


def test_a_mediator_cannot_see_an_internship(client, login_as, db, case, host):
    login_as(Role.MEDIATOR)
    internship = make_internship(db, case, host)
    db.session.commit()
    assert client.get(f"{BASE}/{internship.id}").status_code == 403


def test_the_case_queries_list_what_each_user_may_see(db, desk, other_desk, make_person, make_user, host, case):
    own = make_internship(db, case, host)
    other = make_internship(db, make_case(db, other_desk, make_person(other_desk)), host)
    operator = make_user(Role.OPERATOR, [desk])
    admin = make_user(Role.ADMIN)
    assert internships.case_internships(case) == [own]
    assert list(db.session.scalars(internships.visible_internships(operator))) == [own]
    assert set(db.session.scalars(internships.visible_internships(admin, InternshipStatus.RUNNING))) == {own, other}


def test_the_page_does_not_query_per_month(client, login_as, db, case, host):
    login_as(Role.OPERATOR, language="en")
    internship = make_internship(db, case, host, starts_on=date(2026, 1, 12), ends_on=date(2026, 12, 31))
    db.session.commit()
    url = f"{BASE}/{internship.id}"
    few = count_queries(db, client, url)
    for month in range(1, 9):
        internship.attendance.append(
            InternshipMonth(month=date(2026, month, 1), planned_hours=Decimal("100"), attended_hours=Decimal("80"))
        )
    db.session.commit()
    assert count_queries(db, client, url) == few
