"""Mediation requests and sessions: asking, proposing, assigning, answering, cancelling,
logging from a phone, confirming; what a mediator may see; the home page and the case page."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from sportello.cases.models import Case
from sportello.core.audit import AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.mediation import services
from sportello.mediation.models import (
    Absence,
    AvailabilitySlot,
    LanguageLevel,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    RequestStatus,
    SessionOutcome,
    SessionStatus,
    Setting,
    Timesheet,
    TimesheetStatus,
)
from tests.conftest import login, text_of


@pytest.fixture
def case(db, desk, make_person):
    person = make_person(desk, given_names="Amina", family_name="Haddad", preferred_language="ar")
    case = Case(desk=desk, person=person, year=2026, number=1, reference="OWN-2026-000001", opened_on=date(2026, 1, 5))
    db.session.add(case)
    db.session.flush()
    return case


def add_mediator(db, name="Yusuf", languages=("ar",), user=None, fields=("health",), weekdays=range(7)) -> Mediator:
    mediator = Mediator(name=name, user_id=user.id if user else None, fields=list(fields))
    for code in languages:
        mediator.languages.append(MediatorLanguage(language=code, level=LanguageLevel.NATIVE))
    for weekday in weekdays:
        mediator.slots.append(AvailabilitySlot(weekday=weekday, starts_at=time(8, 0), ends_at=time(18, 0)))
    db.session.add(mediator)
    db.session.flush()
    return mediator


def add_request(db, case, mediator=None, *, day=None, start=time(9, 0), end=time(10, 0), status=None):
    request = MediationRequest(
        desk_id=case.desk_id,
        case_id=case.id,
        language="ar",
        on_date=day or today() + timedelta(days=2),
        starts_at=start,
        ends_at=end,
        setting=Setting.HEALTH,
        mediator=mediator,
        status=status or (RequestStatus.ACCEPTED if mediator else RequestStatus.OPEN),
    )
    db.session.add(request)
    db.session.flush()
    return request


def request_form(**values):
    tomorrow = today() + timedelta(days=1)
    return {
        "language": "ar",
        "on_date": tomorrow.isoformat(),
        "starts_at": "09:00",
        "ends_at": "10:30",
        "mode": "in_person",
        "setting": "health",
        "urgency": "routine",
        "place": "Ospedale Maggiore, Pad. 3",
        "notes": "Visita cardiologica",
        **values,
    }


def session_form(day: date, **values):
    return {
        "on_date": day.isoformat(),
        "starts_at": "09:00",
        "ends_at": "10:15",
        "language": "ar",
        "mode": "in_person",
        "setting": "health",
        "outcome": "completed",
        "present": "Dr. Rossi",
        "note": "Spiegata la terapia.",
        **values,
    }


def as_mediator(client, login_as, db, name="Yusuf", **kwargs):
    user = login_as(Role.MEDIATOR, language="en", name=name)
    return user, add_mediator(db, name=name, user=user, **kwargs)


# ---- asking -----------------------------------------------------------------------------------


def test_ask_for_a_mediator_from_a_case(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/mediation/requests/new?case={case.id}")
    assert page.status_code == 200
    response = client.post(f"/mediation/requests/new?case={case.id}", data=request_form())
    assert response.status_code == 302
    request = db.session.scalars(sa.select(MediationRequest)).one()
    assert (request.case_id, request.desk_id, request.status) == (case.id, case.desk_id, RequestStatus.OPEN)
    assert request.minutes == 90
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "MediationRequest")).first()


@pytest.mark.parametrize(
    ("values", "field_message"),
    [
        ({"starts_at": "11:00", "ends_at": "10:00"}, "The end must come after the start."),
        ({"starts_at": "06:00", "ends_at": "19:00"}, "A session lasts at most 12 hours."),
        ({"setting": ""}, "Choose the setting."),
        ({"notes": "x" * 10_000}, "Field cannot be longer than 2000 characters."),
        ({"place": "Via Roma \u202e1"}, "hidden"),
    ],
)
def test_bad_request_input_is_shown_at_the_field_and_kept(client, login_as, db, case, values, field_message):
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/mediation/requests/new?case={case.id}", data=request_form(**values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_message in html
    assert "Ospedale Maggiore" in html or "Via Roma" in html
    assert db.session.scalars(sa.select(MediationRequest)).first() is None


def test_an_outside_request_names_the_service(client, login_as, db, desk):
    login_as(Role.COORDINATOR, language="en")
    response = client.post("/mediation/requests/new", data=request_form(desk_id=str(desk.id)))
    assert response.status_code == 422
    assert "Say which service asks for the mediator." in response.get_data(as_text=True)
    response = client.post(
        "/mediation/requests/new",
        data=request_form(desk_id=str(desk.id), outside_service="Scuola Media Besta", outside_contact="Prof. Bianchi"),
    )
    assert response.status_code == 302
    request = db.session.scalars(sa.select(MediationRequest)).one()
    assert request.case_id is None and request.outside_service == "Scuola Media Besta"


def test_a_request_for_another_desk_is_refused(client, login_as, db, other_desk):
    login_as(Role.OPERATOR, language="en")
    response = client.post(
        "/mediation/requests/new", data=request_form(desk_id=str(other_desk.id), outside_service="ASL")
    )
    assert response.status_code == 422
    assert db.session.scalars(sa.select(MediationRequest)).first() is None


# ---- proposing and assigning ------------------------------------------------------------------


def test_proposals_speak_the_language_and_say_who_is_free(client, login_as, db, case):
    free = add_mediator(db, "Free Fatima")
    away = add_mediator(db, "Away Amir")
    busy = add_mediator(db, "Busy Bilal")
    odd_hours = add_mediator(db, "Weekend Wael", weekdays=())
    add_mediator(db, "Urdu Usman", languages=("ur",))
    add_mediator(db, "Retired Rania").active = False
    request = add_request(db, case)
    away.absences.append(Absence(starts_on=request.on_date, ends_on=request.on_date + timedelta(days=3)))
    add_request(db, case, busy, start=time(9, 30), end=time(11, 0))
    db.session.flush()

    with force_locale("en"):
        proposals = {p.mediator.name: p for p in services.proposals(request)}
        assert set(proposals) == {"Free Fatima", "Away Amir", "Busy Bilal", "Weekend Wael"}
        assert next(p.mediator.name for p in services.proposals(request)) == "Free Fatima"
        assert proposals["Free Fatima"].blocked is None and not proposals["Free Fatima"].warnings
        assert str(proposals["Away Amir"].blocked) == "Away on that day"
        assert "Already booked" in str(proposals["Busy Bilal"].blocked)
        assert proposals["Weekend Wael"].blocked is None and proposals["Weekend Wael"].warnings
    assert free.id != odd_hours.id

    login_as(Role.OPERATOR, language="en")
    page = text_of(client.get(f"/mediation/requests/{request.id}"))
    assert "Free Fatima" in page and "Mediates Arabic (mother tongue) ↔ Italian" in page
    assert "Urdu Usman" not in page and "Retired Rania" not in page


def test_assign_refuses_a_clash_and_an_absence(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    mediator = add_mediator(db, "Yusuf")
    request = add_request(db, case)
    add_request(db, case, mediator, start=time(8, 30), end=time(9, 15))
    db.session.commit()
    response = client.post(
        f"/mediation/requests/{request.id}/assign", data={"mediator_id": mediator.id, "version": request.version}
    )
    assert response.status_code == 422
    assert "The mediator already has a session on" in response.get_data(as_text=True)

    other = add_mediator(db, "Omar")
    other.absences.append(Absence(starts_on=request.on_date, ends_on=request.on_date))
    db.session.commit()
    response = client.post(
        f"/mediation/requests/{request.id}/assign", data={"mediator_id": other.id, "version": request.version}
    )
    assert response.status_code == 422
    assert "This mediator is away on that day." in response.get_data(as_text=True)

    third = add_mediator(db, "Hana")
    db.session.commit()
    response = client.post(
        f"/mediation/requests/{request.id}/assign", data={"mediator_id": third.id, "version": request.version}
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status is RequestStatus.ASSIGNED and request.mediator_id == third.id


def test_assign_from_an_outdated_page_is_refused(client, login_as, db, case):
    login_as(Role.OPERATOR, language="en")
    mediator = add_mediator(db)
    request = add_request(db, case)
    db.session.commit()
    old_version = request.version
    request.place = "Changed meanwhile"
    db.session.commit()
    response = client.post(
        f"/mediation/requests/{request.id}/assign", data={"mediator_id": mediator.id, "version": old_version}
    )
    assert response.status_code == 409
    assert "Someone else changed this request meanwhile" in response.get_data(as_text=True)
    db.session.refresh(request)
    assert request.mediator_id is None


# ---- the mediator's answer --------------------------------------------------------------------


def test_the_mediator_accepts_or_declines_with_a_reason(client, login_as, db, case):
    _user, mediator = as_mediator(client, login_as, db)
    first = add_request(db, case, mediator, status=RequestStatus.ASSIGNED)
    second = add_request(db, case, mediator, status=RequestStatus.ASSIGNED, start=time(14, 0), end=time(15, 0))
    db.session.commit()

    page = text_of(client.get("/"))
    assert "waiting for your answer" in page

    assert client.post(f"/mediation/requests/{first.id}/accept", data={"version": first.version}).status_code == 302
    db.session.refresh(first)
    assert first.status is RequestStatus.ACCEPTED and first.answered_at is not None

    response = client.post(
        f"/mediation/requests/{second.id}/decline", data={"decline-reason": "", "decline-version": second.version}
    )
    assert response.status_code == 422 and "Say why." in response.get_data(as_text=True)
    response = client.post(
        f"/mediation/requests/{second.id}/decline",
        data={"decline-reason": "Sono a Modena quel giorno", "decline-version": second.version},
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.status is RequestStatus.OPEN and second.mediator_id is None
    assert second.decline_reason == "Sono a Modena quel giorno"
    # Declined, the request is no longer the mediator's to see.
    assert client.get(f"/mediation/requests/{second.id}").status_code == 403


def test_a_mediator_cannot_answer_for_another(client, login_as, db, case):
    other = add_mediator(db, "Someone else")
    request = add_request(db, case, other, status=RequestStatus.ASSIGNED)
    as_mediator(client, login_as, db)
    db.session.commit()
    assert client.post(f"/mediation/requests/{request.id}/accept", data={"version": 1}).status_code == 403
    assert client.get(f"/mediation/requests/{request.id}/session").status_code == 403


def test_either_side_cancels_with_a_reason(client, login_as, db, case):
    user, mediator = as_mediator(client, login_as, db)
    request = add_request(db, case, mediator)
    db.session.commit()
    response = client.post(
        f"/mediation/requests/{request.id}/cancel", data={"cancel-reason": "", "cancel-version": request.version}
    )
    assert response.status_code == 422
    response = client.post(
        f"/mediation/requests/{request.id}/cancel",
        data={"cancel-reason": "Malattia", "cancel-version": request.version},
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status is RequestStatus.CANCELLED and request.cancelled_by_id == user.id
    response = client.post(
        f"/mediation/requests/{request.id}/cancel",
        data={"cancel-reason": "Again", "cancel-version": request.version},
    )
    assert response.status_code == 422 and "can no longer be cancelled" in response.get_data(as_text=True)


def test_a_new_time_asks_the_mediator_again(client, login_as, db, case):
    mediator = add_mediator(db)
    request = add_request(db, case, mediator)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    form = request_form(
        on_date=request.on_date.isoformat(), starts_at="11:00", ends_at="12:00", version=request.version
    )
    assert client.post(f"/mediation/requests/{request.id}/edit", data=form).status_code == 302
    db.session.refresh(request)
    assert request.status is RequestStatus.ASSIGNED and request.starts_at == time(11, 0)
    # A stale save shows both versions and loses nothing.
    stale = request_form(on_date=request.on_date.isoformat(), place="Altro posto", version=request.version - 1)
    response = client.post(f"/mediation/requests/{request.id}/edit", data=stale)
    assert response.status_code == 409 and "Altro posto" in response.get_data(as_text=True)


# ---- the session log --------------------------------------------------------------------------


def test_log_a_session_then_the_operator_confirms(client, login_as, db, case):
    user, mediator = as_mediator(client, login_as, db)
    day = today() - timedelta(days=1)
    request = add_request(db, case, mediator, day=day)
    db.session.commit()
    assert "Sessions to log" in text_of(client.get("/"))
    page = client.get(f"/mediation/requests/{request.id}/session")
    assert page.status_code == 200 and 'value="09:00"' in page.get_data(as_text=True)
    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(day))
    assert response.status_code == 302
    session = db.session.scalars(sa.select(MediationSession)).one()
    assert (session.minutes, session.status, session.outcome) == (75, SessionStatus.LOGGED, SessionOutcome.COMPLETED)
    db.session.refresh(request)
    assert request.status is RequestStatus.DONE

    client.post("/logout")
    operator = login_as(Role.OPERATOR, language="en")
    case.operator_id = operator.id
    db.session.commit()
    assert "Mediation sessions to confirm" in text_of(client.get("/"))
    case_page = text_of(client.get(f"/cases/{case.id}"))
    assert "Language mediation" in case_page and "Spiegata la terapia." in case_page
    assert "1 session waits for you to confirm its hours." in case_page
    response = client.post(f"/mediation/sessions/{session.id}/confirm", data={"version": session.version})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.CONFIRMED and session.confirmed_by_id == operator.id

    client.post("/logout")
    login(client, user.email)
    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(day, version=session.version))
    assert response.status_code == 422
    assert "This session is confirmed and can no longer change." in response.get_data(as_text=True)


def test_a_log_with_a_duration_and_a_query_from_the_desk(client, login_as, db, case):
    user, mediator = as_mediator(client, login_as, db)
    day = today() - timedelta(days=3)
    request = add_request(db, case, mediator, day=day)
    db.session.commit()
    data = session_form(day, ends_at="", duration="45")
    assert client.post(f"/mediation/requests/{request.id}/session", data=data).status_code == 302
    session = db.session.scalars(sa.select(MediationSession)).one()
    assert session.ends_at == time(9, 45) and session.minutes == 45

    client.post("/logout")
    login_as(Role.COORDINATOR, language="en")
    response = client.post(f"/mediation/sessions/{session.id}/query", data={"note": "", "version": session.version})
    assert response.status_code == 422
    response = client.post(
        f"/mediation/sessions/{session.id}/query", data={"note": "Era in videochiamata?", "version": session.version}
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.QUERIED

    client.post("/logout")
    login(client, user.email)
    assert "Sent back: Era in videochiamata?" in text_of(client.get("/"))
    data = session_form(day, ends_at="", duration="45", mode="video", version=session.version)
    assert client.post(f"/mediation/requests/{request.id}/session", data=data).status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.LOGGED and session.mode.value == "video"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"starts_at": "10:00", "ends_at": "09:00"}, "The end must come after the start."),
        ({"starts_at": "06:00", "ends_at": "18:30"}, "A session lasts at most 12 hours."),
        ({"ends_at": "", "duration": ""}, "Enter the end time or the duration."),
        ({"ends_at": "", "duration": "800"}, "Between 1 and 720 minutes"),
        ({"starts_at": "23:30", "ends_at": "", "duration": "60"}, "A session ends on the day it starts."),
        ({"outcome": "maybe"}, "Not a valid choice"),
        ({"note": "\u202eciao"}, "hidden"),
    ],
)
def test_bad_session_input(client, login_as, db, case, values, message):
    _user, mediator = as_mediator(client, login_as, db)
    day = today() - timedelta(days=1)
    request = add_request(db, case, mediator, day=day)
    db.session.commit()
    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(day, **values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Dr. Rossi" in html
    assert db.session.scalars(sa.select(MediationSession)).first() is None


def test_a_session_in_the_future_or_overlapping_is_refused(client, login_as, db, case):
    _user, mediator = as_mediator(client, login_as, db)
    day = today() - timedelta(days=1)
    earlier = add_request(db, case, mediator, day=day, start=time(8, 0), end=time(9, 0))
    request = add_request(db, case, mediator, day=day, start=time(9, 30), end=time(10, 30))
    db.session.commit()
    data = session_form(day, starts_at="08:00", ends_at="09:00")
    assert client.post(f"/mediation/requests/{earlier.id}/session", data=data).status_code == 302

    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(day, starts_at="08:30"))
    assert response.status_code == 422
    assert "The mediator already has a session on" in response.get_data(as_text=True)

    future = today() + timedelta(days=1)
    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(future))
    assert response.status_code == 422 and "still to come" in response.get_data(as_text=True)


def test_a_session_in_a_submitted_month_is_refused(client, login_as, db, case):
    _user, mediator = as_mediator(client, login_as, db)
    day = today() - timedelta(days=40)
    request = add_request(db, case, mediator, day=day)
    db.session.add(Timesheet(mediator_id=mediator.id, year=day.year, month=day.month, status=TimesheetStatus.APPROVED))
    db.session.commit()
    response = client.post(f"/mediation/requests/{request.id}/session", data=session_form(day))
    assert response.status_code == 422
    assert "its sessions can no longer change" in response.get_data(as_text=True)


# ---- what a mediator sees ---------------------------------------------------------------------


def test_a_mediator_sees_the_minimum_about_the_person(client, login_as, db, case):
    _user, mediator = as_mediator(client, login_as, db)
    request = add_request(db, case, mediator)
    db.session.commit()
    page = text_of(client.get(f"/mediation/requests/{request.id}"))
    assert "Amina" in page and "OWN-2026-000001" in page
    assert "Haddad" not in page
    assert f"/cases/{case.id}" not in client.get(f"/mediation/requests/{request.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/people/{case.person_id}").status_code == 403
    listing = text_of(client.get("/mediation/"))
    assert "Amina" in listing and "Haddad" not in listing
    assert "Upcoming sessions" in text_of(client.get("/"))


def test_lists_take_the_same_queries_whatever_their_length(client, login_as, db, case, app):
    from sqlalchemy import event

    login_as(Role.OPERATOR, language="en")
    mediator = add_mediator(db)

    def count(path: str) -> int:
        seen = []

        def before(*args, **kwargs):
            seen.append(1)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len(seen)

    add_request(db, case, mediator)
    db.session.commit()
    few = count("/mediation/?status=")
    for hour in range(8, 18):
        add_request(db, case, mediator, day=today() + timedelta(days=hour), start=time(hour, 0), end=time(hour, 30))
    db.session.commit()
    assert count("/mediation/?status=") == few
