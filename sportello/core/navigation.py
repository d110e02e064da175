"""The main navigation: one entry per part of the desk's work, and the admin index's cards.

Each part registers its entry when its blueprint is registered, so the menu shows what this
installation has, in a fixed order, and only to the roles that may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, request
from flask_login import current_user

# The order the desk's parts appear in, whichever registers first.
ORDER = ("people", "cases", "permits", "mediation", "housing", "jobs", "admin")


@dataclass(frozen=True)
class NavEntry:
    key: str
    title: Any  # a lazy translation
    endpoint: str
    roles: frozenset = field(default_factory=frozenset)  # empty: every role
    active_prefix: str = ""


def add_nav_entry(app: Flask, entry: NavEntry) -> None:
    entries = app.extensions.setdefault("sportello_nav", [])
    entries.append(entry)
    entries.sort(key=lambda e: ORDER.index(e.key) if e.key in ORDER else len(ORDER))


@dataclass(frozen=True)
class AdminLink:
    """A card on the admin index page, for a part's own administration pages."""

    title: Any
    description: Any
    endpoint: str
    roles: frozenset


def add_admin_link(app: Flask, link: AdminLink) -> None:
    app.extensions.setdefault("sportello_admin_links", []).append(link)


def admin_links_for(app: Flask, user: Any) -> list[AdminLink]:
    return [link for link in app.extensions.get("sportello_admin_links", []) if user.role in link.roles]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict:
        if not current_user.is_authenticated:
            return {"nav_entries": []}
        shown = [e for e in app.extensions.get("sportello_nav", []) if not e.roles or current_user.role in e.roles]
        # The entry whose prefix matches most of the path is the current one (/mediation/timesheets
        # is the timesheets' entry, not mediation's).
        matching = [e for e in shown if e.active_prefix and request.path.startswith(e.active_prefix)]
        current = max(matching, key=lambda e: len(e.active_prefix), default=None)
        return {"nav_entries": [(e, e is current) for e in shown]}
