"""Language mediation: the mediators' roster, requests, sessions logged from a phone,
funding projects and monthly timesheets."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.cases import add_case_panel, add_timeline_source
    from sportello.core import audit
    from sportello.core.home import add_home_section
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.languages import add_spoken_languages_source
    from sportello.core.navigation import AdminLink, NavEntry, add_admin_link, add_nav_entry
    from sportello.core.roles import Role
    from sportello.mediation import (
        models,
        project_views,
        roster,
        roster_views,
        services,
        timesheet_views,
        timesheets,
        views,
    )

    app.register_blueprint(views.bp)
    add_nav_entry(
        app, NavEntry("mediation", _l("Mediation"), "mediation.index", frozenset(views.ALL_ROLES), "/mediation")
    )
    add_case_panel(app, "mediation/_case_panel.html", services.case_mediation_panel)
    add_timeline_source(app, "mediation/_timeline_session.html", services.case_timeline_sessions)
    add_home_section(app, "sessions", services.upcoming_home_section)
    add_home_section(app, "to_log", services.to_log_home_section)
    add_home_section(app, "mediation_to_confirm", services.to_confirm_home_section)

    enums = {
        "mode": models.Mode,
        "setting": models.Setting,
        "urgency": models.Urgency,
        "outcome": models.SessionOutcome,
    }
    audit.register_labels(
        "MediationRequest", _l("Mediation request"), models.REQUEST_FIELDS, {**enums, "status": models.RequestStatus}
    )
    audit.register_labels(
        "MediationSession", _l("Mediation session"), models.SESSION_FIELDS, {**enums, "status": models.SessionStatus}
    )

    # The roster and the funding projects.
    app.register_blueprint(roster_views.bp)
    app.register_blueprint(project_views.bp)
    add_admin_link(
        app,
        AdminLink(
            _l("Funding projects"),
            _l("The projects that fund mediation hours, with the codes funders know them by."),
            "funding_projects.index",
            frozenset(models.MANAGER_ROLES),
        ),
    )
    # Mediators translate and review content in the languages of their roster record.
    add_spoken_languages_source(app, roster.mediator_languages)
    audit.register_labels("Mediator", _l("Mediator"), models.MEDIATOR_FIELDS, {"fields": models.Setting})
    audit.register_labels("Absence", _l("Mediator's absence"), models.ABSENCE_FIELDS)
    audit.register_labels("FundingProject", _l("Funding project"), models.PROJECT_FIELDS)

    # Timesheets, their exports and the hours report.
    app.register_blueprint(timesheet_views.bp)
    add_nav_entry(
        app,
        NavEntry(
            "timesheets",
            _l("Timesheets"),
            "timesheets.index",
            frozenset({Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR}),
            "/mediation/timesheets",
        ),
    )
    add_home_section(app, "timesheets", timesheets.to_approve_home_section)
    audit.register_labels("Timesheet", _l("Timesheet"), models.TIMESHEET_FIELDS, {"status": models.TimesheetStatus})
    audit.register_labels(
        "MediationReport",
        _l("Mediation hours report"),
        {"format": _l("Format"), "date_from": _l("From"), "date_to": _l("To"), "timesheet": _l("Timesheet")},
    )
