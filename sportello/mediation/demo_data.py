"""Demo mediators, funding projects, requests in every state, logged sessions and timesheets
(see ``sportello.demo``).

Dates are relative to the day the demo is seeded: the demo mediator has a request to answer,
sessions to come and a session to log; the operator has sessions to confirm; the previous
month's timesheets wait for approval and the month before is approved.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from sportello.auth.models import User
from sportello.cases.models import Case
from sportello.core.forms import today
from sportello.core.model import utcnow
from sportello.extensions import db
from sportello.mediation.models import (
    Absence,
    AvailabilitySlot,
    FundingProject,
    MediationRequest,
    MediationSession,
    Mediator,
    MediatorLanguage,
    Mode,
    RequestStatus,
    SessionOutcome,
    SessionStatus,
    Setting,
    Timesheet,
    TimesheetStatus,
    Urgency,
)
from sportello.people.models import LanguageLevel

DEMO_MEDIATOR_EMAIL = "mediatrice@demo.sportello.example"

# (name, account email or "", organisation, rate, languages [(code, level, with)], fields,
#  weekly slots [(weekday, from, to)])
MEDIATORS = [
    (
        "Amina El Idrissi",
        DEMO_MEDIATOR_EMAIL,
        "Cooperativa Ponti",
        "22.50",
        [("ar", "native", "it"), ("fr", "fluent", "it")],
        ["health", "school", "social", "desk"],
        [(0, "08:30", "13:30"), (1, "08:30", "13:30"), (2, "14:00", "18:00"), (3, "08:30", "17:00")],
    ),
    (
        "Usman Qureshi",
        "",
        "Cooperativa Ponti",
        "22.50",
        [("ur", "native", "it"), ("pa", "fluent", "it"), ("en", "fluent", "it")],
        ["health", "legal", "employment"],
        [(1, "09:00", "17:00"), (3, "09:00", "17:00"), (4, "09:00", "13:00")],
    ),
    (
        "Rupa Akter",
        "",
        "Associazione Mondo Donna",
        "21.00",
        [("bn", "native", "it"), ("en", "fluent", "it")],
        ["health", "school", "social"],
        [(0, "09:00", "13:00"), (2, "09:00", "13:00"), (4, "14:00", "18:00")],
    ),
    (
        "Li Wei",
        "",
        "Cooperativa Ponti",
        "22.50",
        [("zh", "native", "it")],
        ["school", "employment", "desk"],
        [(0, "14:00", "18:00"), (1, "14:00", "18:00"), (3, "14:00", "18:00")],
    ),
    (
        "Tesfay Gebremedhin",
        "",
        "Associazione Habesha",
        "20.00",
        [("ti", "native", "it"), ("am", "fluent", "it"), ("ar", "basic", "it")],
        ["legal", "social", "housing"],
        [(1, "09:00", "13:00"), (2, "09:00", "13:00"), (3, "09:00", "13:00")],
    ),
    (
        "Elira Hoxha",
        "",
        "",
        "19.50",
        [("sq", "native", "it")],
        ["health", "school", "housing", "desk"],
        [(d, "08:00", "12:00") for d in range(5)],
    ),
    (
        "Mamadou Diallo",
        "",
        "Cooperativa Ponti",
        "22.50",
        [("wo", "native", "it"), ("fr", "native", "it"), ("ff", "fluent", "fr")],
        ["legal", "employment", "housing"],
        [(0, "09:00", "18:00"), (4, "09:00", "18:00")],
    ),
    (
        "Nadia Haddad",
        "",
        "Associazione Mondo Donna",
        "21.00",
        [("ar", "native", "it"), ("en", "fluent", "it")],
        ["health", "social"],
        [(2, "08:30", "13:30"), (4, "08:30", "13:30")],
    ),
    (
        "Oksana Kovalenko",
        "",
        "",
        "19.50",
        [("uk", "native", "it"), ("ru", "native", "it")],
        ["school", "social", "housing"],
        [(0, "15:00", "19:00"), (3, "15:00", "19:00")],
    ),
]

PROJECTS = [
    ("J64D23000120007", "FAMI 2021-2027 – Mediazione interculturale nei servizi", "Ministero dell'Interno", True),
    ("RA-MED-2026", "Fondo comunale per la mediazione linguistica", "Comune di Ravenna", True),
    ("E61B20000390005", "FAMI 2014-2020 – Progetto Casa Comune (concluso)", "Ministero dell'Interno", False),
]

# Requests: (mediator index or None, days from today, from, to, setting, mode, urgency, state,
#  place, notes, outside service or None). States: open, assigned, accepted, to_log, logged,
#  queried, confirmed, cancelled.
REQUESTS = [
    (
        0,
        1,
        "09:00",
        "10:00",
        "health",
        "in_person",
        "soon",
        "assigned",
        "Ospedale S. Maria delle Croci, ambulatorio 4",
        "Prima visita ginecologica.",
        None,
    ),
    (
        0,
        2,
        "10:30",
        "11:30",
        "desk",
        "in_person",
        "routine",
        "accepted",
        "Sportello, stanza 2",
        "Colloquio per il rinnovo del permesso.",
        None,
    ),
    (
        0,
        6,
        "14:30",
        "15:30",
        "school",
        "in_person",
        "routine",
        "accepted",
        "Scuola primaria Mordani",
        "Colloquio con le insegnanti.",
        "Scuola primaria Mordani",
    ),
    (0, -1, "09:00", "10:30", "health", "in_person", "routine", "to_log", "Consultorio familiare", "", None),
    (
        0,
        -3,
        "11:00",
        "12:00",
        "social",
        "phone",
        "routine",
        "logged",
        "Al telefono",
        "Chiamata con l'assistente sociale.",
        None,
    ),
    (
        1,
        -2,
        "09:30",
        "11:00",
        "legal",
        "in_person",
        "urgent",
        "logged",
        "Questura, Ufficio immigrazione",
        "Ritiro del permesso.",
        None,
    ),
    (2, -6, "09:00", "10:00", "health", "video", "routine", "queried", "Videochiamata", "", None),
    (3, 3, "15:00", "16:00", "school", "in_person", "routine", "accepted", "CPIA Ravenna", "", "CPIA Ravenna"),
    (
        None,
        4,
        "09:00",
        "11:00",
        "legal",
        "in_person",
        "urgent",
        "open",
        "Tribunale di Ravenna",
        "Udienza civile.",
        None,
    ),
    (None, 5, "14:00", "15:00", "health", "phone", "routine", "open", "", "", "AUSL Romagna – Pediatria"),
    (4, 1, "09:00", "12:00", "housing", "in_person", "soon", "accepted", "ACER Ravenna", "Visita dell'alloggio.", None),
    (5, -8, "08:30", "09:30", "school", "in_person", "routine", "cancelled", "Scuola media Novello", "", None),
]
# Confirmed sessions in past months: (mediator index, months ago, count)
PAST_MONTHS = [(0, 1, 9), (0, 2, 11), (1, 1, 6), (1, 2, 5), (2, 1, 4), (3, 2, 3), (4, 1, 5), (5, 2, 4), (6, 1, 3)]
# (service, place, setting) of past requests from outside the desks.
OUTSIDE_SERVICES = [
    ("AUSL Romagna – Ospedale S. Maria delle Croci", "Ambulatori, piano terra", Setting.HEALTH),
    ("Istituto comprensivo Ravenna-Cervia", "Scuola primaria Mordani", Setting.SCHOOL),
    ("Servizi sociali del Comune", "Via Massimo d'Azeglio 2", Setting.SOCIAL),
    ("Consultorio familiare", "Via Berlinguer 11", Setting.HEALTH),
    ("Questura di Ravenna – Ufficio immigrazione", "Piazza Kennedy 7", Setting.LEGAL),
]


def _t(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _month_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def seed_mediation() -> None:
    now = today()
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    projects = [
        FundingProject(code=code, name=name, funder=funder, active=active, starts_on=date(2023, 1, 1))
        for code, name, funder, active in PROJECTS
    ]
    projects[2].ends_on = date(2023, 12, 31)
    projects[2].starts_on = date(2021, 1, 1)
    db.session.add_all(projects)

    mediators = []
    for name, email, organisation, rate, languages, fields, slots in MEDIATORS:
        user = users.get(email) if email else None
        mediator = Mediator(
            name=name,
            user_id=user.id if user else None,
            organisation=organisation,
            hourly_rate=Decimal(rate),
            fields=fields,
            phone=f"+3933300000{len(mediators):02d}",
            email=f"{name.split()[0].lower()}@mediatori.demo.sportello.example",
        )
        for code, level, other in languages:
            mediator.languages.append(MediatorLanguage(language=code, level=LanguageLevel(level), with_language=other))
        for weekday, start, end in slots:
            mediator.slots.append(AvailabilitySlot(weekday=weekday, starts_at=_t(start), ends_at=_t(end)))
        mediators.append(mediator)
    mediators[5].absences.append(
        Absence(starts_on=now + timedelta(days=3), ends_on=now + timedelta(days=10), note="Ferie")
    )
    mediators[8].active = False
    db.session.add_all(mediators)
    db.session.flush()

    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    by_language: dict[str, list[Case]] = {}
    for case in cases:
        by_language.setdefault(case.person.preferred_language, []).append(case)
    operator = users.get("operatrice@demo.sportello.example")

    for index, (who, days, start, end, setting, mode, urgency, state, place, notes, outside) in enumerate(REQUESTS):
        mediator = mediators[who] if who is not None else None
        language = mediator.languages[0].language if mediator else ("ar" if index % 2 else "ur")
        case = None if outside else _case_for(by_language, cases, language, index)
        request = MediationRequest(
            desk_id=case.desk_id if case else cases[0].desk_id,
            case_id=case.id if case else None,
            outside_service=outside or "",
            outside_contact="Referente: segreteria, 0544 000111" if outside else "",
            language=language,
            on_date=now + timedelta(days=days),
            starts_at=_t(start),
            ends_at=_t(end),
            place=place,
            mode=Mode(mode),
            setting=Setting(setting),
            urgency=Urgency(urgency),
            notes=notes,
            project=projects[index % 2],
            mediator=mediator,
            status=_request_status(state),
            assigned_at=utcnow() if mediator else None,
        )
        if state == "cancelled":
            request.cancel_reason = "La famiglia ha cambiato scuola."
        db.session.add(request)
        if state in ("logged", "queried", "confirmed"):
            db.session.add(
                _session(
                    request,
                    mediator,
                    status=SessionStatus(state) if state != "logged" else SessionStatus.LOGGED,
                    confirmed_by=operator,
                )
            )
        if state == "queried":
            request.session.query_note = "Era in videochiamata o al telefono?"

    # Confirmed sessions of the past two months, and their timesheets.
    for who, months_ago, count in PAST_MONTHS:
        mediator = mediators[who]
        year, month = _month_back(now, months_ago)
        language = mediator.languages[0].language
        total = 0
        for n in range(count):
            day = date(year, month, 2 + (n * 3) % 26)
            starts_at = time(9 + n % 6, 0)
            ends_at = time(10 + n % 6, 30 if n % 2 else 0)
            # Most of a mediator's month is for hospitals, schools and other services; a few
            # sessions are for the desks' own cases.
            case = _case_for(by_language, cases, language, n) if n % 3 == 0 else None
            service, place, setting = OUTSIDE_SERVICES[n % len(OUTSIDE_SERVICES)]
            request = MediationRequest(
                desk_id=case.desk_id if case else cases[0].desk_id,
                case_id=case.id if case else None,
                outside_service="" if case else service,
                outside_contact="" if case else "Segreteria del servizio",
                language=language,
                on_date=day,
                starts_at=starts_at,
                ends_at=ends_at,
                place="Sportello" if case else place,
                setting=Setting.DESK if case else setting,
                mode=Mode.PHONE if n % 4 == 3 else Mode.IN_PERSON,
                project=projects[n % 2],
                mediator=mediator,
                status=RequestStatus.DONE,
            )
            session = _session(request, mediator, status=SessionStatus.CONFIRMED, confirmed_by=operator)
            total += session.minutes
            db.session.add_all([request, session])
        sheet = Timesheet(
            mediator=mediator,
            year=year,
            month=month,
            status=TimesheetStatus.APPROVED if months_ago == 2 else TimesheetStatus.SUBMITTED,
            submitted_at=utcnow() - timedelta(days=30 * months_ago - 32),
            minutes=total,
            hourly_rate=mediator.hourly_rate,
            amount=(Decimal(total) / 60 * mediator.hourly_rate).quantize(Decimal("0.01")),
        )
        if months_ago == 2:
            sheet.approved_by = users.get("coordinatore@demo.sportello.example")
            sheet.approved_at = utcnow() - timedelta(days=25)
        if months_ago == 1 and who == 0:
            continue  # the demo mediator still has to submit last month
        db.session.add(sheet)
    db.session.flush()


def _case_for(by_language: dict[str, list[Case]], cases: list[Case], language: str, n: int) -> Case:
    pool = by_language.get(language) or cases
    return pool[n % len(pool)]


def _request_status(state: str) -> RequestStatus:
    return {
        "open": RequestStatus.OPEN,
        "assigned": RequestStatus.ASSIGNED,
        "accepted": RequestStatus.ACCEPTED,
        "to_log": RequestStatus.ACCEPTED,
        "cancelled": RequestStatus.CANCELLED,
    }.get(state, RequestStatus.DONE)


def _session(request: MediationRequest, mediator: Mediator, *, status: SessionStatus, confirmed_by) -> MediationSession:
    minutes = (request.ends_at.hour * 60 + request.ends_at.minute) - (
        request.starts_at.hour * 60 + request.starts_at.minute
    )
    session = MediationSession(
        request=request,
        mediator=mediator,
        on_date=request.on_date,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        minutes=minutes,
        language=request.language,
        mode=request.mode,
        setting=request.setting,
        present="Operatrice dello sportello" if request.setting is Setting.DESK else "",
        outcome=SessionOutcome.COMPLETED,
        note="Colloquio svolto, la persona ha compreso i passi successivi.",
        project=request.project,
        status=status,
    )
    if status is SessionStatus.CONFIRMED and confirmed_by is not None:
        session.confirmed_by_id = confirmed_by.id
        session.confirmed_at = utcnow()
    return session
