"""Cases (prese in carico): tracks, individual plan, timeline, referrals, appointments."""

from collections.abc import Callable
from typing import Any

from flask import Flask


def add_case_panel(app: Flask, template: str, context: Callable[[Any, Any], dict]) -> None:
    """Let another part show a panel on a case's page: ``template`` is rendered with the
    variables ``context(case, user)`` returns (for example the case's permit checklists)."""
    app.extensions.setdefault("sportello_case_panels", []).append((template, context))


def add_timeline_source(app: Flask, template: str, source: Callable[[Any, Any], list]) -> None:
    """Let another part put its rows on a case's timeline: ``source(case, user)`` returns rows
    with an ``on_date``, newest first, each rendered by ``template`` as ``entry`` (for example
    the mediation sessions of the case)."""
    app.extensions.setdefault("sportello_timeline_sources", []).append((template, source))


def init_app(app: Flask) -> None:
    from sportello.cases import models, services, views
    from sportello.core import audit
    from sportello.core.home import add_home_section
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import AdminLink, NavEntry, add_admin_link, add_nav_entry
    from sportello.core.roles import Role
    from sportello.people import add_person_panel

    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    add_nav_entry(app, NavEntry("cases", _l("Cases"), "cases.index", frozenset(services.CASE_ROLES), "/cases"))
    add_admin_link(
        app,
        AdminLink(
            _l("Referral services"),
            _l("The outside services cases refer people to, with their contacts."),
            "case_admin.referral_services",
            frozenset({Role.ADMIN, Role.COORDINATOR}),
        ),
    )
    add_home_section(app, "appointments", services.appointments_home_section)
    add_home_section(app, "follow_ups", services.follow_ups_home_section)
    add_person_panel(app, "cases/_person_cases.html", services.person_cases_panel)

    enums = {
        "status": models.CaseStatus,
        "close_reason": models.CloseReason,
        "track": models.TrackKind,
        "kind": models.TrackKind,
        "stage": models.TrackStage,
    }
    audit.register_labels("Case", models.CASE_TITLE, models.CASE_FIELDS, enums)
    audit.register_labels("Track", _l("Track"), models.TRACK_FIELDS, enums)
    audit.register_labels("Goal", _l("Goal"), models.GOAL_FIELDS, {"status": models.GoalStatus, **enums})
    audit.register_labels(
        "Intervention",
        _l("Intervention"),
        models.INTERVENTION_FIELDS,
        {"kind": models.InterventionKind, "channel": models.Channel, "track": models.TrackKind},
    )
    audit.register_labels(
        "Referral", _l("Referral"), models.REFERRAL_FIELDS, {"outcome": models.ReferralOutcome, **enums}
    )
    audit.register_labels(
        "Appointment", _l("Appointment"), models.APPOINTMENT_FIELDS, {"status": models.AppointmentStatus}
    )
    audit.register_labels("ReferralService", _l("Referral service"), models.SERVICE_FIELDS)
