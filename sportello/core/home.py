"""The home page ("my day"): sections each part fills for the signed-in user.

A section is declared once here with the text it shows while empty; the part that owns it
registers a provider returning the section's items for a user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.roles import Role


@dataclass
class HomeItem:
    title: str
    url: str
    detail: str = ""
    tone: str = ""  # "", "warning" or "danger"


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: Any
    empty: Any
    roles: frozenset


SECTIONS = (
    HomeSection(
        "appointments",
        _l("Today's appointments"),
        _l("Appointments booked for today at your desks will appear here, with the time, the person and the place."),
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}),
    ),
    HomeSection(
        "follow_ups",
        _l("Follow-ups due"),
        _l("Follow-ups that are due today or late will appear here, the oldest first."),
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}),
    ),
    HomeSection(
        "checklists",
        _l("Document checklists in progress"),
        _l("Permit checklists still being prepared on your cases will appear here, the next filing date first."),
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}),
    ),
    HomeSection(
        "renewals",
        _l("Permits to renew"),
        _l(
            "People whose residence permit expires within 90 days, or expired less than 60 days ago "
            "with no renewal requested, will appear here."
        ),
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}),
    ),
    HomeSection(
        "mediation_to_confirm",
        _l("Mediation sessions to confirm"),
        _l("Sessions mediators logged on your cases will appear here for you to confirm the hours."),
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR}),
    ),
    HomeSection(
        "timesheets",
        _l("Timesheets to approve"),
        _l("Mediators' monthly timesheets waiting for approval will appear here."),
        frozenset({Role.ADMIN, Role.COORDINATOR}),
    ),
    HomeSection(
        "sessions",
        _l("Upcoming sessions"),
        _l("Mediation sessions assigned to you will appear here, with the date, the place and the language."),
        frozenset({Role.MEDIATOR}),
    ),
    HomeSection(
        "to_log",
        _l("Sessions to log"),
        _l("Sessions that have taken place and still need their log will appear here."),
        frozenset({Role.MEDIATOR}),
    ),
)

Provider = Callable[[Any], list[HomeItem]]


def add_home_section(app: Flask, key: str, provider: Provider) -> None:
    assert key in {s.key for s in SECTIONS}, key
    app.extensions.setdefault("sportello_home", {})[key] = provider


def sections_for(app: Flask, user: Any) -> list[tuple[HomeSection, list[HomeItem]]]:
    providers = app.extensions.get("sportello_home", {})
    out = []
    for section in SECTIONS:
        if user.role not in section.roles:
            continue
        provider = providers.get(section.key)
        out.append((section, provider(user) if provider else []))
    return out
