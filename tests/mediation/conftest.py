"""Factories for the mediation part: mediators, requests and sessions made directly through the
models (no rules checked), so each test sets up exactly the data it needs.

- ``make_mediator(user=None, **values)``: a mediator of the roster, linked to ``user`` if given,
  with one language (Arabic by default, ``languages=[...]`` for others).
- ``make_request(desk, case=None, **values)``: a request at ``desk``, from ``case`` or from an
  outside service.
- ``make_session(mediator, request=None, **values)``: a logged session (its request is made at a
  new desk if not given, and is marked done).
"""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_mediator(db):
    from sportello.mediation.models import Mediator, MediatorLanguage
    from sportello.people.models import LanguageLevel

    def make(user=None, **values) -> Mediator:
        n = next(_counter)
        languages = values.pop("languages", ["ar"])
        mediator = Mediator(
            name=values.pop("name", f"Mediator {n}"),
            user_id=user.id if user is not None else values.pop("user_id", None),
            hourly_rate=values.pop("hourly_rate", Decimal("20.00")),
            fields=values.pop("fields", ["health"]),
            active=values.pop("active", True),
            **values,
        )
        mediator.languages = [
            MediatorLanguage(language=code, level=LanguageLevel.NATIVE, with_language="it") for code in languages
        ]
        db.session.add(mediator)
        db.session.flush()
        return mediator

    return make


@pytest.fixture
def make_request(db):
    from sportello.mediation.models import MediationRequest, Mode, RequestStatus, Setting

    def make(desk, case=None, **values) -> MediationRequest:
        request = MediationRequest(
            desk_id=desk.id,
            case_id=case.id if case is not None else None,
            outside_service=values.pop("outside_service", "" if case is not None else "Ospedale Maggiore"),
            language=values.pop("language", "ar"),
            on_date=values.pop("on_date", date(2026, 1, 15)),
            starts_at=values.pop("starts_at", time(9, 0)),
            ends_at=values.pop("ends_at", time(10, 0)),
            mode=values.pop("mode", Mode.IN_PERSON),
            setting=values.pop("setting", Setting.HEALTH),
            status=values.pop("status", RequestStatus.OPEN),
            **values,
        )
        db.session.add(request)
        db.session.flush()
        return request

    return make


@pytest.fixture
def make_session(db, make_request, make_desk):
    from sportello.mediation.models import (
        MediationSession,
        Mode,
        RequestStatus,
        SessionOutcome,
        SessionStatus,
        Setting,
    )

    def make(mediator, request=None, **values) -> MediationSession:
        on_date = values.pop("on_date", request.on_date if request is not None else date(2026, 1, 15))
        starts_at = values.pop("starts_at", request.starts_at if request is not None else time(9, 0))
        ends_at = values.pop("ends_at", request.ends_at if request is not None else time(10, 0))
        language = values.pop("language", request.language if request is not None else "ar")
        setting = values.pop("setting", request.setting if request is not None else Setting.HEALTH)
        project = values.pop("project", None)
        if request is None:
            request = make_request(
                values.pop("desk", None) or make_desk(),
                values.pop("case", None),
                on_date=on_date,
                starts_at=starts_at,
                ends_at=ends_at,
                language=language,
                setting=setting,
            )
        request.mediator_id = mediator.id
        request.status = RequestStatus.DONE
        session = MediationSession(
            request=request,
            mediator_id=mediator.id,
            on_date=on_date,
            starts_at=starts_at,
            ends_at=ends_at,
            minutes=values.pop(
                "minutes", (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
            ),
            language=language,
            mode=values.pop("mode", Mode.IN_PERSON),
            setting=setting,
            outcome=values.pop("outcome", SessionOutcome.COMPLETED),
            status=values.pop("status", SessionStatus.LOGGED),
            project_id=project.id if project is not None else values.pop("project_id", None),
            **values,
        )
        db.session.add(session)
        db.session.flush()
        return session

    return make


@pytest.fixture
def make_project(db):
    from sportello.mediation.models import FundingProject

    def make(**values) -> FundingProject:
        n = next(_counter)
        project = FundingProject(
            code=values.pop("code", f"CUP{n:06d}"), name=values.pop("name", f"Project {n}"), **values
        )
        db.session.add(project)
        db.session.flush()
        return project

    return make
