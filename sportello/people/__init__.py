"""The person registry: intake, people's records, duplicate detection."""

from collections.abc import Callable
from typing import Any

from flask import Flask


def add_person_panel(app: Flask, template: str, context: Callable[[Any, Any], dict]) -> None:
    """Let another part show a panel on a person's page: ``template`` is rendered with the
    variables ``context(person, user)`` returns (for example the person's cases)."""
    app.extensions.setdefault("sportello_person_panels", []).append((template, context))


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from sportello.core import audit
    from sportello.core.home import add_home_section
    from sportello.core.navigation import NavEntry, add_nav_entry
    from sportello.core.roles import Role
    from sportello.people import models, services, views

    app.register_blueprint(views.bp)
    add_nav_entry(
        app,
        NavEntry(
            "people", _l("People"), "people.index", frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}), "/people"
        ),
    )
    add_home_section(app, "renewals", services.renewals_home_section)
    audit.register_labels("Person", models.PERSON_TITLE, models.PERSON_FIELD_TITLES, models.PERSON_VALUE_TITLES)
