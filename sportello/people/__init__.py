"""The person registry: intake, people's records, duplicate detection, household, vulnerabilities,
consent records, scanned documents, merging records of one person."""

from collections.abc import Callable
from typing import Any

from flask import Flask


def add_person_panel(app: Flask, template: str, context: Callable[[Any, Any], dict]) -> None:
    """Let another part show a panel on a person's page: ``template`` is rendered with the
    variables ``context(person, user)`` returns (for example the person's cases)."""
    app.extensions.setdefault("sportello_person_panels", []).append((template, context))


def init_app(app: Flask) -> None:
    from sportello.core import audit
    from sportello.core.home import add_home_section
    from sportello.core.i18n import lazy_gettext as _l
    from sportello.core.navigation import AdminLink, NavEntry, add_admin_link, add_nav_entry
    from sportello.core.roles import Role
    from sportello.people import models, services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    add_nav_entry(
        app,
        NavEntry(
            "people", _l("People"), "people.index", frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}), "/people"
        ),
    )
    add_home_section(app, "renewals", services.renewals_home_section)
    audit.register_labels("Person", models.PERSON_TITLE, models.PERSON_FIELD_TITLES, models.PERSON_VALUE_TITLES)
    audit.register_labels(
        "HouseholdLink", models.HOUSEHOLD_LINK_TITLE, models.HOUSEHOLD_LINK_FIELD_TITLES, {"relation": models.Relation}
    )
    audit.register_labels("VulnerabilityType", models.VULNERABILITY_TYPE_TITLE, models.VULNERABILITY_TYPE_FIELD_TITLES)
    audit.register_labels("PersonVulnerability", models.VULNERABILITY_TITLE, models.VULNERABILITY_FIELD_TITLES)
    audit.register_labels(
        "PersonAttachment", models.ATTACHMENT_TITLE, models.ATTACHMENT_FIELD_TITLES, {"kind": models.AttachmentKind}
    )
    audit.register_labels("ConsentRecord", models.CONSENT_TITLE, models.CONSENT_FIELD_TITLES)
    audit.register_entry_action(
        audit.EntryAction(
            audit.Action.MERGE,
            _l("Undo merge"),
            "people_admin.undo_merge",
            frozenset({Role.ADMIN}),
            _l("Undo this merge? Everything it moved goes back to the other record."),
        )
    )
    add_admin_link(
        app,
        AdminLink(
            _l("Vulnerabilities"),
            _l("The kinds of vulnerability desks record: add your own, rename them, take them out of use."),
            "people_admin.vulnerability_types",
            frozenset({Role.ADMIN}),
        ),
    )
