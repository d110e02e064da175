"""Who may see what: one place for the login wall, roles and object lookups.

Deny by default: every endpoint needs a logged-in user unless its view is marked ``@public``.
Scoping of records lives on the models (``Model.visible_to(user)``, ``obj.can_view(user)``);
views fetch through ``get_visible_or_404`` so a missing record answers 404 and a record the
user may not see answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from sportello.core.i18n import gettext as _
from sportello.core.model import utcnow
from sportello.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as reachable without logging in (login page, health check, public links)."""
    view._sportello_public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None:  # no such route: let it answer 404
        return True
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_sportello_public", False))


def require_roles(*roles: Any) -> Callable[[F], F]:
    """Only users with one of ``roles`` may use the view (others get 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def get_visible_or_404(model: type, object_id: int, *, edit: bool = False, options: tuple = ()) -> Any:
    """Fetch ``model`` by id for the current user: 404 if missing, 403 if out of their reach.
    ``options`` are loader options for what the page shows of the record."""
    obj = db.session.get(model, object_id, options=list(options))
    if obj is None:
        abort(404)
    allowed = obj.can_edit(current_user) if edit else obj.can_view(current_user)
    if not allowed:
        abort(403)
    return obj


def _session_expired() -> bool:
    """Sessions end after SESSION_IDLE_MINUTES without a request."""
    last_seen = session.get("last_seen")
    if last_seen is None:
        return False
    idle = utcnow() - datetime.fromisoformat(last_seen)
    return idle.total_seconds() > current_app.config["SESSION_IDLE_MINUTES"] * 60


def login_wall() -> Any:
    """``before_request``: expire idle sessions, then require login outside public views."""
    if current_user.is_authenticated and _session_expired():
        logout_user()
        session.clear()
        flash(_("Your session expired after a period of inactivity. Please sign in again."), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if current_user.is_authenticated:
        session.permanent = True
        session["last_seen"] = utcnow().isoformat()
        if (
            current_user.must_change_password
            and request.endpoint not in {"auth.account", "auth.change_password", "auth.logout", "auth.set_language"}
            and not is_public_endpoint(request.endpoint)
        ):
            flash(_("Please choose a new password before you continue."), "warning")
            return redirect(url_for("auth.account"))
        return None
    if is_public_endpoint(request.endpoint):
        return None
    if request.method == "GET":
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(401)
