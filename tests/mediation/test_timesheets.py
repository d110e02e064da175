"""Timesheets: a mediator's month, submitting, approving and returning it, the overview of a
month, the exports and the hours report for funders."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import UTC, date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from sportello.core.audit import Action, AuditEntry
from sportello.core.exceptions import FieldError
from sportello.core.roles import Role
from sportello.mediation import services, timesheets
from sportello.mediation.models import SessionStatus, Setting, Timesheet, TimesheetStatus
from tests.conftest import login, text_of

JANUARY = "/mediation/timesheets/{id}/2026/1"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The tests' months are in the past: today is 20 February 2026."""
    monkeypatch.setattr(timesheets, "today", lambda: date(2026, 2, 20))
    from sportello.mediation import timesheet_views

    monkeypatch.setattr(timesheet_views, "today", lambda: date(2026, 2, 20))


@pytest.fixture
def make_case(db, make_person):
    from sportello.cases.models import Case

    def make(desk, **values):
        person = make_person(desk, given_names=values.pop("given_names", "Amal"), family_name="Riservato")
        case = Case(
            desk=desk,
            person=person,
            year=2026,
            number=person.id,
            reference=f"TS-2026-{person.id:06d}",
            opened_on=date(2026, 1, 2),
        )
        db.session.add(case)
        db.session.flush()
        return case

    return make


@pytest.fixture
def switch(client, login_as):
    """Sign out, then in as a new user with ``role``."""

    def do(role, **values):
        client.post("/logout")
        return login_as(role, **values)

    return do


@pytest.fixture
def me(db, login_as, make_mediator):
    """The signed-in mediator (English interface) and their roster record."""
    user = login_as(Role.MEDIATOR, language="en")
    mediator = make_mediator(user, name="Samira Haddad", hourly_rate=Decimal("22.50"))
    db.session.commit()
    return mediator


def _url(mediator, suffix: str = "", year: int = 2026, month: int = 1) -> str:
    return f"/mediation/timesheets/{mediator.id}/{year}/{month}{suffix}"


def _sheet(db, mediator, year=2026, month=1) -> Timesheet | None:
    db.session.expire_all()
    return timesheets.find_timesheet(mediator.id, year, month)


def _version_in(html: str, action: str) -> str:
    form = re.search(rf'action="[^"]*/{action}".*?</form>', html, flags=re.S).group(0)
    return re.search(r'name="version" type="hidden" value="(\d*)"', form).group(1)


# ---- the month page ---------------------------------------------------------------------------


def test_the_month_shows_sessions_and_totals_without_the_persons_name(
    client, db, me, desk, make_session, make_case, make_project
):
    project = make_project(code="CUP-E11B22", name="FAMI Bologna")
    case = make_case(desk, given_names="Fatima")
    make_session(
        me, desk=desk, case=case, on_date=date(2026, 1, 5), starts_at=time(9), ends_at=time(10, 30), project=project
    )
    make_session(
        me,
        desk=desk,
        on_date=date(2026, 1, 20),
        starts_at=time(14),
        ends_at=time(15),
        language="ur",
        setting=Setting.SCHOOL,
        status=SessionStatus.CONFIRMED,
    )
    make_session(me, desk=desk, on_date=date(2026, 2, 2))  # another month
    db.session.commit()

    response = client.get(_url(me))
    assert response.status_code == 200
    text = text_of(response)
    assert "Samira Haddad" in text and "January 2026" in text
    assert case.reference in text and "Ospedale Maggiore" in text
    assert "Fatima" not in text and "Riservato" not in text
    assert "Arabic" in text and "Urdu" in text and "School" in text and "CUP-E11B22" in text
    assert "No project" in text
    assert "Status: Open" in text
    assert "€22.50" in text and "€56.25" in text  # 2.5 hours at €22.50
    assert "09:00–10:30" in text
    assert "Previous month" in text and "/2025/12" in response.get_data(as_text=True)
    assert "/2026/2" in response.get_data(as_text=True)


def test_month_totals_by_language_setting_and_project(db, make_mediator, make_session, make_project, app):
    mediator = make_mediator(hourly_rate=Decimal("20"))
    project = make_project(code="CUP-A")
    make_session(mediator, on_date=date(2026, 1, 2), starts_at=time(9), ends_at=time(10), project=project)
    make_session(mediator, on_date=date(2026, 1, 3), starts_at=time(9), ends_at=time(9, 30), language="bn")
    make_session(mediator, on_date=date(2026, 1, 4), starts_at=time(9), ends_at=time(11), setting=Setting.LEGAL)
    with app.test_request_context("/?lang=en"):
        data = timesheets.month_of(mediator, 2026, 1)
        assert data.minutes == 210 and data.hours == Decimal("3.50") and data.amount == Decimal("70.00")
        assert {t.label: t.minutes for t in data.by_language} == {"Arabic": 180, "Bangla": 30}
        assert {t.label: t.minutes for t in data.by_setting} == {"Health care": 90, "Legal and police": 120}
        projects = data.by_project
        assert [(t.key, t.minutes) for t in projects] == [("CUP-A", 60), (None, 150)]


def test_who_may_see_a_month(switch, client, db, login_as, make_mediator, desk):
    other = make_mediator(name="Someone Else")
    db.session.commit()
    user = login_as(Role.MEDIATOR)
    own = make_mediator(user)
    db.session.commit()
    assert client.get(_url(own)).status_code == 200
    assert client.get(_url(other)).status_code == 403
    assert client.get(_url(other, ".csv")).status_code == 403
    assert client.get(_url(own, month=13)).status_code == 404
    assert client.get("/mediation/timesheets/999999/2026/1").status_code == 404
    switch(Role.OPERATOR)
    assert client.get(_url(own)).status_code == 403
    switch(Role.COORDINATOR)
    assert client.get(_url(own)).status_code == 200


def _queries(db, client, url) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_month_and_the_overview_do_not_query_per_row(
    client, db, login_as, make_mediator, make_session, make_project, make_case, desk
):
    mediator = make_mediator()
    project = make_project()
    db.session.commit()
    login_as(Role.COORDINATOR, language="en")
    urls = [_url(mediator), "/mediation/timesheets/?month=2026-01", "/mediation/timesheets/report"]

    def grow(day):
        make_session(mediator, desk=desk, case=make_case(desk), on_date=date(2026, 1, day), project=project)
        make_session(make_mediator(), desk=desk, on_date=date(2026, 1, day), status=SessionStatus.CONFIRMED)
        db.session.commit()

    grow(2)
    few = {url: _queries(db, client, url) for url in urls}
    for day in range(3, 9):
        grow(day)
    many = {url: _queries(db, client, url) for url in urls}
    assert many == few


# ---- submitting -------------------------------------------------------------------------------


def test_the_mediator_submits_a_finished_month(client, db, me, make_session):
    make_session(me, on_date=date(2026, 1, 5), starts_at=time(9), ends_at=time(11))
    make_session(me, on_date=date(2026, 1, 6), starts_at=time(9), ends_at=time(9, 45))
    db.session.commit()
    response = client.post(_url(me, "/submit"), data={"note": "Tutto regolare", "version": ""})
    assert response.status_code == 302
    sheet = _sheet(db, me)
    assert sheet.status is TimesheetStatus.SUBMITTED and sheet.submitted_at is not None
    assert sheet.minutes == 165 and sheet.hourly_rate == Decimal("22.50") and sheet.amount == Decimal("61.88")
    assert sheet.note == "Tutto regolare"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Timesheet")).one()
    assert entry.action is Action.CREATE and entry.changes["status"] == [None, "submitted"]
    page = text_of(client.get(_url(me)))
    assert "Status: Submitted" in page and "Submit the timesheet" not in page

    # The month is closed to session changes now.
    with pytest.raises(FieldError):
        services.check_month_open(me.id, date(2026, 1, 20))

    again = client.post(_url(me, "/submit"), data={"note": "", "version": str(sheet.version)})
    assert again.status_code == 422 and "already submitted" in text_of(again)


def test_a_month_is_submitted_once_it_has_ended(client, db, me, make_session):
    make_session(me, on_date=date(2026, 2, 3))
    db.session.commit()
    response = client.post(_url(me, "/submit", month=2), data={"note": "", "version": ""})
    assert response.status_code == 422
    assert "can be submitted from February 28, 2026" in text_of(response)
    assert _sheet(db, me, month=2) is None


def test_the_last_day_of_the_month_is_soon_enough(client, db, me, make_session, monkeypatch):
    monkeypatch.setattr(timesheets, "today", lambda: date(2026, 1, 31))
    make_session(me, on_date=date(2026, 1, 3))
    db.session.commit()
    assert client.post(_url(me, "/submit"), data={"version": ""}).status_code == 302


def test_sessions_sent_back_must_be_put_right_first(client, db, me, make_session):
    make_session(me, on_date=date(2026, 1, 5), status=SessionStatus.QUERIED, query_note="Wrong time?")
    make_session(me, on_date=date(2026, 1, 6))
    db.session.commit()
    response = client.post(_url(me, "/submit"), data={"note": "Here it is", "version": ""})
    assert response.status_code == 422
    assert "1 session of the month was sent back by the desk" in text_of(response)
    assert "Here it is</textarea>" in response.get_data(as_text=True)
    assert _sheet(db, me) is None


def test_an_empty_month_needs_a_note(client, db, me):
    response = client.post(_url(me, "/submit"), data={"note": "  ", "version": ""})
    assert response.status_code == 422
    assert "There are no sessions this month" in text_of(response)
    assert 'id="note-error"' in response.get_data(as_text=True)
    response = client.post(_url(me, "/submit"), data={"note": "On holiday all month", "version": ""})
    assert response.status_code == 302
    sheet = _sheet(db, me)
    assert sheet.minutes == 0 and sheet.amount == Decimal("0.00") and sheet.status is TimesheetStatus.SUBMITTED


def test_only_the_mediator_submits_their_month(switch, client, db, login_as, make_mediator, me):
    other = make_mediator()
    db.session.commit()
    assert client.post(_url(other, "/submit"), data={"note": "x", "version": ""}).status_code == 403
    switch(Role.ADMIN)
    assert client.post(_url(me, "/submit"), data={"note": "x", "version": ""}).status_code == 403
    assert _sheet(db, me) is None and _sheet(db, other) is None


def test_a_submission_from_a_stale_page_is_refused_and_nothing_is_lost(client, db, me, make_session):
    make_session(me, on_date=date(2026, 1, 5))
    db.session.commit()
    page = client.get(_url(me)).get_data(as_text=True)
    assert _version_in(page, "submit") == ""
    assert client.post(_url(me, "/submit"), data={"note": "first tab", "version": ""}).status_code == 302
    # The same month submitted again from the page loaded before.
    response = client.post(_url(me, "/submit"), data={"note": "second tab", "version": ""})
    assert response.status_code == 422 and "already submitted" in text_of(response)


def test_a_stale_resubmission_after_a_return_answers_409(client, db, me, login_as, make_session, make_user):
    make_session(me, on_date=date(2026, 1, 5))
    sheet = Timesheet(
        mediator_id=me.id, year=2026, month=1, status=TimesheetStatus.RETURNED, review_note="Check the 5th"
    )
    db.session.add(sheet)
    db.session.commit()
    old_version = sheet.version
    sheet.review_note = "Check the 5th again"  # the coordinator edits their note meanwhile
    db.session.commit()
    response = client.post(_url(me, "/submit"), data={"note": "fixed it", "version": str(old_version)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this timesheet" in text_of(response) and "fixed it</textarea>" in html
    assert _version_in(html, "submit") == str(sheet.version)
    assert _sheet(db, me).status is TimesheetStatus.RETURNED
    again = client.post(_url(me, "/submit"), data={"note": "fixed it", "version": str(sheet.version)})
    assert again.status_code == 302 and _sheet(db, me).status is TimesheetStatus.SUBMITTED


# ---- approving and returning ------------------------------------------------------------------


def _submitted(db, mediator, *, minutes=60, rate="22.50", on=None) -> Timesheet:
    sheet = Timesheet(
        mediator_id=mediator.id,
        year=2026,
        month=1,
        status=TimesheetStatus.SUBMITTED,
        minutes=minutes,
        hourly_rate=Decimal(rate),
        amount=timesheets.amount_for(minutes, Decimal(rate)),
        submitted_at=on or datetime(2026, 2, 1, 9, tzinfo=UTC),
    )
    db.session.add(sheet)
    db.session.commit()
    return sheet


def test_approval_waits_for_every_session_to_be_confirmed(client, db, login_as, make_mediator, make_session):
    mediator = make_mediator(hourly_rate=Decimal("30"))
    first = make_session(mediator, on_date=date(2026, 1, 5), starts_at=time(9), ends_at=time(10))
    second = make_session(mediator, on_date=date(2026, 1, 6), starts_at=time(9), ends_at=time(10))
    sheet = _submitted(db, mediator, minutes=120)
    coordinator = login_as(Role.COORDINATOR, language="en")
    response = client.post(_url(mediator, "/approve"), data={"version": str(sheet.version)})
    assert response.status_code == 422
    assert "2 sessions of the month still wait for the desk" in text_of(response)

    first.status = second.status = SessionStatus.CONFIRMED
    second.minutes = 90  # corrected before confirmation: the totals are worked out again
    db.session.commit()
    assert client.post(_url(mediator, "/approve"), data={"version": str(sheet.version)}).status_code == 302
    sheet = _sheet(db, mediator)
    assert sheet.status is TimesheetStatus.APPROVED and sheet.approved_by_id == coordinator.id
    assert sheet.approved_at is not None
    assert sheet.minutes == 150 and sheet.amount == Decimal("56.25")  # the rate written at submission
    page = text_of(client.get(_url(mediator)))
    assert f"Approved by {coordinator.name}" in page and "final" in page


def test_an_approved_timesheet_is_final(switch, client, db, login_as, make_mediator, make_session):
    user = login_as(Role.MEDIATOR, language="en")
    mediator = make_mediator(user)
    make_session(mediator, on_date=date(2026, 1, 5), status=SessionStatus.CONFIRMED)
    sheet = _submitted(db, mediator)
    sheet.status = TimesheetStatus.APPROVED
    db.session.commit()
    version = str(sheet.version)
    response = client.post(_url(mediator, "/submit"), data={"note": "again", "version": version})
    assert response.status_code == 422 and "is final" in text_of(response)
    with pytest.raises(FieldError):
        services.check_month_open(mediator.id, date(2026, 1, 5))
    switch(Role.COORDINATOR, language="en")
    for action, data in (("approve", {}), ("return", {"review_note": "redo"})):
        response = client.post(_url(mediator, f"/{action}"), data={"version": version, **data})
        assert response.status_code == 422 and "is final" in text_of(response), action
        # Even from a stale page: the clear message, not a conflict.
        response = client.post(_url(mediator, f"/{action}"), data={"version": "0", **data})
        assert response.status_code == 422 and "is final" in text_of(response), action
    assert _sheet(db, mediator).status is TimesheetStatus.APPROVED


def test_returning_needs_a_reason_and_opens_the_month_again(switch, client, db, login_as, make_mediator, make_session):
    mediator_user = login_as(Role.MEDIATOR, language="en")
    mediator = make_mediator(mediator_user)
    make_session(mediator, on_date=date(2026, 1, 5))
    sheet = _submitted(db, mediator)
    switch(Role.COORDINATOR, language="en")
    response = client.post(_url(mediator, "/return"), data={"review_note": "", "version": str(sheet.version)})
    assert response.status_code == 422 and 'id="review_note-error"' in response.get_data(as_text=True)
    response = client.post(
        _url(mediator, "/return"), data={"review_note": "The 5th was by phone", "version": str(sheet.version)}
    )
    assert response.status_code == 302
    sheet = _sheet(db, mediator)
    assert sheet.status is TimesheetStatus.RETURNED and sheet.review_note == "The 5th was by phone"
    services.check_month_open(mediator.id, date(2026, 1, 5))  # open again: no error
    page = text_of(client.get(_url(mediator)))
    assert "Returned to the mediator" in page and "The 5th was by phone" in page
    # Returned sheets are not approved until submitted again.
    response = client.post(_url(mediator, "/approve"), data={"version": str(sheet.version)})
    assert response.status_code == 422 and "returned to the mediator" in text_of(response)

    client.post("/logout")
    login(client, mediator_user.email)
    response = client.post(_url(mediator, "/submit"), data={"note": "Fixed", "version": str(sheet.version)})
    assert response.status_code == 302 and _sheet(db, mediator).status is TimesheetStatus.SUBMITTED


def test_reviewing_a_month_not_submitted_says_so(client, db, login_as, make_mediator):
    mediator = make_mediator()
    db.session.commit()
    login_as(Role.COORDINATOR, language="en")
    response = client.post(_url(mediator, "/approve"), data={"version": ""})
    assert response.status_code == 422 and "has not submitted" in text_of(response)


def test_a_stale_approval_answers_409(client, db, login_as, make_mediator, make_session):
    mediator = make_mediator()
    make_session(mediator, on_date=date(2026, 1, 5), status=SessionStatus.CONFIRMED)
    sheet = _submitted(db, mediator)
    old = str(sheet.version)
    sheet.note = "edited"
    db.session.commit()
    login_as(Role.COORDINATOR, language="en")
    response = client.post(_url(mediator, "/return"), data={"review_note": "Please check", "version": old})
    assert response.status_code == 409 and "Please check</textarea>" in response.get_data(as_text=True)
    assert _sheet(db, mediator).status is TimesheetStatus.SUBMITTED


def test_mediators_and_operators_do_not_review(switch, client, db, me, login_as):
    sheet = _submitted(db, me)
    assert client.post(_url(me, "/approve"), data={"version": str(sheet.version)}).status_code == 403
    switch(Role.OPERATOR)
    assert client.post(_url(me, "/return"), data={"review_note": "x", "version": str(sheet.version)}).status_code == 403
    assert _sheet(db, me).status is TimesheetStatus.SUBMITTED


# ---- the overview -----------------------------------------------------------------------------


def test_the_overview_lists_the_month_of_every_mediator(client, db, login_as, make_mediator, make_session):
    busy = make_mediator(name="Aaron Busy")
    make_session(busy, on_date=date(2026, 1, 5), starts_at=time(9), ends_at=time(11))
    make_session(busy, on_date=date(2026, 1, 6), starts_at=time(9), ends_at=time(10), status=SessionStatus.CONFIRMED)
    idle = make_mediator(name="Bianca Idle")
    gone = make_mediator(name="Carlo Gone", active=False)
    make_session(gone, on_date=date(2026, 1, 7), status=SessionStatus.CONFIRMED)
    make_mediator(name="Dario Gone", active=False)
    _submitted(db, idle, minutes=0)
    login_as(Role.COORDINATOR, language="en")

    response = client.get("/mediation/timesheets/")  # the previous month by default
    assert response.status_code == 200 and "January 2026" in text_of(response)
    text = text_of(response)
    assert "Aaron Busy 3.00 1.00 1 Open" in text
    assert "Bianca Idle 0.00 0.00 0 Submitted" in text
    assert "Carlo Gone Not active 1.00 1.00 0 Open" in text
    assert "Dario Gone" not in text

    submitted = text_of(client.get("/mediation/timesheets/?month=2026-01&status=submitted"))
    assert "Bianca Idle" in submitted and "Aaron Busy" not in submitted
    open_ = text_of(client.get("/mediation/timesheets/?month=2026-01&status=open"))
    assert "Aaron Busy" in open_ and "Bianca Idle" not in open_
    assert client.get("/mediation/timesheets/?month=junk").status_code == 422
    assert client.get("/mediation/timesheets/?status=junk").status_code == 422


def test_the_overview_is_paginated(client, db, login_as, make_mediator, app):
    per_page = app.config["ITEMS_PER_PAGE"]
    for n in range(per_page + 3):
        make_mediator(name=f"Paged {n:03d}")
    db.session.commit()
    login_as(Role.ADMIN, language="en")
    first = text_of(client.get("/mediation/timesheets/?month=2026-01"))
    assert "Paged 000" in first and f"Paged {per_page:03d}" not in first
    second = text_of(client.get("/mediation/timesheets/?month=2026-01&page=2"))
    assert f"Paged {per_page:03d}" in second and "Paged 000" not in second


def test_a_mediator_opening_the_overview_lands_on_their_month(switch, client, db, me, login_as):
    response = client.get("/mediation/timesheets/")
    assert response.status_code == 302 and response.location.endswith(f"/mediation/timesheets/{me.id}/2026/2")
    switch(Role.OPERATOR)
    assert client.get("/mediation/timesheets/").status_code == 403


# ---- exports ----------------------------------------------------------------------------------


def _month_with_sessions(db, mediator, desk, make_session, make_case, make_project, count=2):
    project = make_project(code="CUP-X1")
    case = make_case(desk, given_names="Fatima")
    for n in range(count):
        make_session(
            mediator,
            desk=desk,
            case=case if n % 2 == 0 else None,
            on_date=date(2026, 1, 1 + n % 28),
            starts_at=time(8 + n // 28),
            ends_at=time(8 + n // 28, 45),
            project=project if n % 2 == 0 else None,
        )
    db.session.commit()
    return case


def test_the_csv_export(client, db, login_as, make_mediator, desk, make_session, make_case, make_project):
    mediator = make_mediator(name="Samira Haddad")
    case = _month_with_sessions(db, mediator, desk, make_session, make_case, make_project)
    login_as(Role.COORDINATOR)  # Italian interface
    response = client.get(_url(mediator, ".csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "timesheet-samira-haddad-2026-01.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Data" and rows[0][3] == "Minuti"  # the viewer's language
    assert len(rows) == 3
    assert rows[1][0] == "2026-01-01" and rows[1][1] == "08:00" and rows[1][3] == "45" and rows[1][4] == "0,75"
    assert rows[1][8] == "CUP-X1" and rows[1][9] == case.reference
    assert rows[2][9] == "Ospedale Maggiore" and rows[2][8] == ""
    assert "Fatima" not in response.data.decode("utf-8-sig")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.DOWNLOAD)).one()
    assert entry.object_type == "Mediator" and entry.changes == {
        "timesheet": [None, "2026-01"],
        "format": [None, "csv"],
    }


def test_the_xlsx_export(client, db, me, desk, make_session, make_case, make_project):
    _month_with_sessions(db, me, desk, make_session, make_case, make_project, count=3)
    response = client.get(_url(me, ".xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sessions, totals = book.worksheets
    rows = list(sessions.values)
    assert rows[0][0] == "Date" and len(rows) == 5
    assert rows[1][0].date() == date(2026, 1, 1) and rows[1][3] == 45 and rows[1][4] == 0.75
    assert rows[-1][0] == "Total" and rows[-1][3] == 135 and rows[-1][4] == 2.25
    values = {row[0]: row[1] for row in totals.values if row and row[0]}
    assert values["Mediator"] == "Samira Haddad" and values["Hours"] == 2.25
    assert values["Hourly rate"] == 22.5 and values["Amount"] == 50.63
    assert values["Arabic"] == 3 and values["CUP-X1"] == 2 and values["No project"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == Action.DOWNLOAD)) == 1


def _pdf_text(data: bytes, tmp_path) -> tuple[str, int]:
    path = tmp_path / "timesheet.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return text.stdout, pages


def test_the_pdf_export(client, db, me, desk, make_session, make_case, make_project, tmp_path):
    case = _month_with_sessions(db, me, desk, make_session, make_case, make_project)
    response = client.get(_url(me, ".pdf"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text, pages = _pdf_text(response.data, tmp_path)
    squashed = re.sub(r"\s+", " ", text)
    assert pages == 1
    assert "Timesheet – Samira Haddad – January 2026" in squashed
    assert "Status: Open" in squashed and case.reference in squashed and "Fatima" not in squashed
    assert "€33.75" in squashed and "Page 1 of 1" in squashed
    assert "The mediator" in squashed and "The coordinator" in squashed


def test_a_long_month_runs_over_several_pages(client, db, me, desk, make_session, make_case, make_project, tmp_path):
    _month_with_sessions(db, me, desk, make_session, make_case, make_project, count=84)
    response = client.get(_url(me, ".pdf"))
    text, pages = _pdf_text(response.data, tmp_path)
    assert pages >= 2 and f"Page {pages} of {pages}" in re.sub(r"\s+", " ", text)


def test_the_pdf_follows_an_arabic_interface(client, db, login_as, make_mediator, make_session, app):
    user = login_as(Role.MEDIATOR, language="ar")
    mediator = make_mediator(user)
    make_session(mediator, on_date=date(2026, 1, 5))
    db.session.commit()
    with app.test_request_context("/?lang=ar"):
        from flask_babel import force_locale

        with force_locale("ar"):
            data = timesheets.month_of(mediator, 2026, 1)
            from sportello.core import pdf

            html = pdf.render_html(
                "pdf/timesheet.html", data=data, language="ar", direction="rtl", page_counter='""', generated=""
            )
    assert '<html lang="ar" dir="rtl">' in html
    response = client.get(_url(mediator, ".pdf"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# ---- the hours report -------------------------------------------------------------------------


def test_the_hours_report_counts_confirmed_hours(
    switch, client, db, login_as, make_mediator, make_session, make_project, desk, other_desk
):
    project = make_project(code="CUP-R1", name="FAMI")
    one, two = make_mediator(), make_mediator()
    confirmed = SessionStatus.CONFIRMED
    make_session(one, desk=desk, on_date=date(2026, 1, 5), ends_at=time(11), status=confirmed, project=project)
    make_session(two, desk=desk, on_date=date(2026, 2, 5), status=confirmed, project=project)
    make_session(two, desk=desk, on_date=date(2026, 2, 6), status=confirmed, setting=Setting.SCHOOL, language="ur")
    make_session(two, desk=desk, on_date=date(2026, 2, 7))  # not confirmed
    make_session(one, desk=desk, on_date=date(2025, 12, 7), status=confirmed)  # last year
    make_session(one, desk=other_desk, on_date=date(2026, 1, 9), status=confirmed)  # another desk
    db.session.commit()
    login_as(Role.COORDINATOR, language="en")
    text = text_of(client.get("/mediation/timesheets/report"))
    assert "Confirmed sessions: 3 · Hours: 4.00" in text
    assert "Arabic CUP-R1 · FAMI 2 3.00" in text and "Urdu No project 1 1.00" in text
    assert "Health care 2 3.00" in text and "School 1 1.00" in text

    only_project = text_of(
        client.get(f"/mediation/timesheets/report?date_from=2026-01-01&date_to=2026-02-20&project={project.id}")
    )
    assert "Confirmed sessions: 2 · Hours: 3.00" in only_project
    no_project = text_of(client.get("/mediation/timesheets/report?date_from=2026-01-01&date_to=2026-02-20&project=0"))
    assert "Confirmed sessions: 1 · Hours: 1.00" in no_project

    switch(Role.ADMIN, language="en")
    everything = text_of(client.get("/mediation/timesheets/report"))
    assert "Confirmed sessions: 4 · Hours: 5.00" in everything
    by_desk = text_of(
        client.get(f"/mediation/timesheets/report?date_from=2026-01-01&date_to=2026-12-31&desk={other_desk.id}")
    )
    assert "Confirmed sessions: 1 · Hours: 1.00" in by_desk


def test_the_hours_report_refuses_bad_filters(client, db, login_as):
    login_as(Role.ADMIN, language="en")
    response = client.get("/mediation/timesheets/report?date_from=2026-03-01&date_to=2026-01-01")
    assert response.status_code == 422 and "must come after its start" in text_of(response)
    assert client.get("/mediation/timesheets/report?project=99999").status_code == 422
    assert client.get("/mediation/timesheets/report.csv?date_from=nonsense").status_code == 422


def test_the_hours_report_exports(client, db, login_as, make_mediator, make_session, make_project, desk):
    project = make_project(code="CUP-R2", name="Comune")
    mediator = make_mediator()
    make_session(
        mediator,
        desk=desk,
        on_date=date(2026, 1, 5),
        ends_at=time(10, 30),
        status=SessionStatus.CONFIRMED,
        project=project,
    )
    make_session(mediator, desk=desk, on_date=date(2026, 1, 6), status=SessionStatus.CONFIRMED, setting=Setting.SCHOOL)
    db.session.commit()
    login_as(Role.ADMIN)  # Italian interface
    response = client.get("/mediation/timesheets/report.csv?date_from=2026-01-01&date_to=2026-01-31")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert ["arabo", "CUP-R2", "Comune", "1", "1,50"] in rows
    assert ["arabo", "", "Nessun progetto", "1", "1,00"] in rows
    assert [row[3:] for row in rows if len(row) == 5][-1] == ["2", "2,50"]  # the total

    response = client.get("/mediation/timesheets/report.xlsx?date_from=2026-01-01&date_to=2026-01-31")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    by_language, by_setting = book.worksheets
    languages = list(by_language.values)
    assert ("arabo", "CUP-R2", "Comune", 1, 1.5) in languages
    assert languages[-1][3:] == (2, 2.5)
    settings = {row[0]: row[1:] for row in by_setting.values}
    assert settings[list(settings)[-1]] == (2, 2.5)
    downloads = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.DOWNLOAD)).all()
    assert {entry.changes["format"][1] for entry in downloads} == {"csv", "xlsx"}


# ---- home -------------------------------------------------------------------------------------


def test_coordinators_see_timesheets_to_approve_on_their_home_page(switch, client, db, login_as, make_mediator):
    older, newer = make_mediator(name="Older Sheet"), make_mediator(name="Newer Sheet")
    _submitted(db, newer, on=datetime(2026, 2, 3, 9, tzinfo=UTC))
    _submitted(db, older, on=datetime(2026, 2, 1, 9, tzinfo=UTC))
    login_as(Role.COORDINATOR, language="en")
    html = client.get("/").get_data(as_text=True)
    text = text_of(client.get("/"))
    assert "Timesheets to approve" in text
    assert f"/mediation/timesheets/{older.id}/2026/1" in html
    assert text.index("Older Sheet") < text.index("Newer Sheet")
    switch(Role.OPERATOR, language="en")
    assert "Timesheets to approve" not in text_of(client.get("/"))
