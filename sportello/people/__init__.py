"""The person registry: intake, people's records, duplicate detection."""

from flask import Flask


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
