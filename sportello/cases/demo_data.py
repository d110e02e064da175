"""Demo cases at different stages, for the demo people (see ``sportello.demo``).

Dates are relative to the day the demo is seeded, so the home page always has appointments
today, follow-ups due and late, and cases opened over the past months.
"""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from sportello.auth.models import Desk, User
from sportello.cases import services
from sportello.cases.models import GoalStatus, ReferralOutcome, ReferralService, TrackStage
from sportello.core.forms import today
from sportello.extensions import db
from sportello.people.models import Person

# (days since opening, tracks, summary, goals, interventions, referral, stage moves, status)
# goals: (description, track, days to target, status); interventions: (days ago, kind, channel,
# minutes, track, note, follow-up in days or None); referral: (service prefix, track, days ago,
# outcome, follow-up in days or None); stage moves: (track, stage, note).
CASES = [
    (
        120,
        ["housing", "employment", "training"],
        "Arrivato da sei mesi, ospite di un connazionale. Cerca lavoro nella logistica e una stanza in affitto.",
        [
            ("Iscrizione al corso di italiano A2 al CPIA", "training", 30, GoalStatus.ACHIEVED),
            ("Curriculum in italiano e iscrizione al Centro per l'impiego", "employment", 45, GoalStatus.IN_PROGRESS),
            ("Trovare una stanza con contratto registrato", "housing", 60, GoalStatus.PLANNED),
        ],
        [
            (118, "interview", "in_person", 60, None, "Primo colloquio: ricostruita la storia lavorativa.", None),
            (90, "accompaniment", "in_person", 120, "training", "Accompagnato al CPIA per il test di livello.", None),
            (12, "phone_call", "phone", 15, "employment", "Chiede notizie del colloquio in magazzino.", 0),
        ],
        ("Centro per", "employment", 40, ReferralOutcome.APPOINTMENT_GIVEN, None),
        [
            ("training", TrackStage.COMPLETED, "Iscritto, frequenta il martedì e il giovedì."),
            ("employment", TrackStage.ACTIVE, ""),
        ],
        "open",
    ),
    (
        45,
        ["permits", "mediation"],
        "Permesso per motivi familiari in scadenza. Serve aiuto con il kit postale e un mediatore per la Questura.",
        [("Rinnovo del permesso prima della scadenza", "permits", 20, GoalStatus.IN_PROGRESS)],
        [
            (
                44,
                "interview",
                "in_person",
                45,
                "permits",
                "Verificati i documenti: manca il contratto d'affitto.",
                None,
            ),
            (20, "whatsapp", "message", 5, "permits", "Inviata la lista dei documenti sul telefono.", -3),
        ],
        ("Questura", "permits", 10, ReferralOutcome.PENDING, -1),
        [("permits", TrackStage.ACTIVE, "")],
        "open",
    ),
    (
        200,
        ["health", "housing"],
        "Madre sola con un bambino piccolo, seguita anche dai servizi sociali.",
        [
            ("Iscrizione al Servizio sanitario e scelta del pediatra", "health", -150, GoalStatus.ACHIEVED),
            ("Domanda per l'alloggio di edilizia pubblica", "housing", 30, GoalStatus.IN_PROGRESS),
        ],
        [
            (198, "interview", "in_person", 90, None, "Colloquio con mediatrice: situazione abitativa precaria.", None),
            (180, "accompaniment", "in_person", 150, "health", "Accompagnata all'ASL per la tessera sanitaria.", None),
            (30, "email", "email", 20, "housing", "Inviati i documenti per la graduatoria ERP.", 5),
        ],
        ("Servizi sociali", "housing", 60, ReferralOutcome.TAKEN_IN_CHARGE, None),
        [("health", TrackStage.COMPLETED, ""), ("housing", TrackStage.WAITING, "In attesa della graduatoria.")],
        "open",
    ),
    (
        300,
        ["employment"],
        "Cerca lavoro come saldatore; ha esperienza ma nessun titolo riconosciuto.",
        [("Contratto di lavoro", "employment", -30, GoalStatus.ACHIEVED)],
        [(290, "interview", "in_person", 60, "employment", "Bilancio delle competenze.", None)],
        ("Centro per", "employment", 250, ReferralOutcome.TAKEN_IN_CHARGE, None),
        [("employment", TrackStage.COMPLETED, "Assunto a tempo determinato.")],
        "closed",
    ),
    (
        15,
        ["legal", "permits"],
        "Richiedente asilo in attesa dell'audizione in Commissione.",
        [("Preparazione all'audizione con la consulenza legale", "legal", 25, GoalStatus.PLANNED)],
        [(14, "interview", "in_person", 75, "legal", "Prima raccolta della storia, con mediatore.", 0)],
        ("Consulenza legale", "legal", 7, ReferralOutcome.PENDING, 2),
        [],
        "open",
    ),
    (
        80,
        ["training", "employment"],
        "Giovane neomaggiorenne, vuole completare la terza media.",
        [("Iscrizione al percorso di primo livello", "training", -10, GoalStatus.IN_PROGRESS)],
        [(60, "phone_call", "phone", 10, "training", "Non risponde da due settimane.", None)],
        None,
        [],
        "on_hold",
    ),
    (
        30,
        ["mediation", "health"],
        "Donna in gravidanza, parla solo tigrino; serve una mediatrice per le visite al consultorio.",
        [("Visite di controllo con mediazione linguistica", "health", 90, GoalStatus.IN_PROGRESS)],
        [(28, "accompaniment", "in_person", 120, "health", "Accompagnata al consultorio con la mediatrice.", 1)],
        ("Consultorio", "health", 28, ReferralOutcome.APPOINTMENT_GIVEN, None),
        [("mediation", TrackStage.ACTIVE, ""), ("health", TrackStage.ACTIVE, "")],
        "open",
    ),
    (
        60,
        ["permits"],
        "Chiede il permesso UE per soggiornanti di lungo periodo: in Italia da sette anni, lavora.",
        [("Certificato di lingua italiana A2", "permits", 30, GoalStatus.PLANNED)],
        [(58, "interview", "in_person", 40, "permits", "Controllati reddito e residenza: requisiti presenti.", -10)],
        None,
        [("permits", TrackStage.ACTIVE, "")],
        "open",
    ),
    (
        10,
        ["housing"],
        "Sfratto per finita locazione tra due mesi; famiglia con due figli.",
        [],
        [(9, "phone_call", "phone", 20, "housing", "Contattata l'agenzia per la casa del Comune.", 3)],
        ("Servizi sociali", "housing", 9, ReferralOutcome.PENDING, -2),
        [],
        "open",
    ),
]


def seed_cases() -> int:
    """Open the demo cases for the first demo people; returns how many."""
    day = today()
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id).limit(len(CASES) * 2)))
    services_by_name = list(db.session.scalars(sa.select(ReferralService)))
    made = 0
    # Every other person: cases at both demo desks.
    for index, person in enumerate(people[::2][: len(CASES)]):
        opened_days, tracks, summary, goals, entries, referral, moves, status = CASES[index]
        desk = db.session.get(Desk, person.desk_id)
        staff = services.staff_of([desk.id])
        operator = next((u for u in staff if u.role.value == "operator"), staff[0] if staff else None)
        actor = operator or db.session.scalars(sa.select(User).limit(1)).one()
        values = {
            "operator_id": operator.id if operator else None,
            "opened_on": day - timedelta(days=opened_days),
            "tracks": tracks,
            "summary": summary,
        }
        case = services.open_case(person, desk, values, actor)
        for description, track, target_days, goal_status in goals:
            services.add_goal(
                case,
                {
                    "description": description,
                    "track": track,
                    "target_date": case.opened_on + timedelta(days=opened_days + target_days),
                    "status": goal_status.value,
                },
            )
        for ago, kind, channel, minutes, track, note, follow_up in entries:
            occurred = day - timedelta(days=ago)
            services.add_intervention(
                case,
                {
                    "occurred_on": occurred,
                    "kind": kind,
                    "channel": channel,
                    "minutes": minutes,
                    "track": track,
                    "note": note,
                    "follow_up_on": (day + timedelta(days=follow_up)) if follow_up is not None else None,
                },
                actor,
            )
        if referral:
            prefix, track, ago, outcome, follow_up = referral
            service = next(s for s in services_by_name if s.name.startswith(prefix))
            made_referral = services.add_referral(
                case,
                {
                    "service_id": service.id,
                    "track": track,
                    "referred_on": day - timedelta(days=ago),
                    "reason": "",
                    "follow_up_on": (day + timedelta(days=follow_up)) if follow_up is not None else None,
                },
            )
            if outcome is not ReferralOutcome.PENDING:
                made_referral.outcome = outcome
                made_referral.outcome_on = day - timedelta(days=max(0, ago - 10))
                made_referral.follow_up_on = None
        tracks_by_kind = {t.kind.value: t for t in case.tracks}
        for track, stage, note in moves:
            services.change_stage(tracks_by_kind[track], stage, note, actor)
        if status == "open":
            visits = ((0, time(9 + index, 30), "Colloquio di verifica"), (7, time(10, 0), "Aggiornamento del piano"))
            for offset, hour, purpose in visits:
                services.add_appointment(
                    case,
                    {
                        "on_date": day + timedelta(days=offset),
                        "starts_at": hour,
                        "minutes": 45,
                        "place": desk.name,
                        "staff_id": operator.id if operator else None,
                        "with_whom": "",
                        "purpose": purpose,
                    },
                )
        elif status == "on_hold":
            services.change_status(
                case, "hold", reason=None, note="Non risponde: riprovare dopo l'estate.", on=day, version=case.version
            )
        elif status == "closed":
            services.change_status(
                case,
                "close",
                reason="goals_reached",
                note="Lavora e ha una casa: chiuso d'accordo con la persona.",
                on=day - timedelta(days=20),
                version=case.version,
            )
        db.session.flush()
        made += 1
    return made
