"""The operator's home page ("my day") and the health check."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sportello.core.permissions import public
from sportello.core.roles import Role
from sportello.extensions import db

bp = Blueprint("core", __name__)

# What each role's day is made of. Each part fills its section as it is built; until then
# the section says what will appear there.
DESK_DAY = [
    {
        "key": "appointments",
        "title": _l("Today's appointments"),
        "empty": _l(
            "Appointments booked for today at your desks will appear here, with the time, the person and the place."
        ),
    },
    {
        "key": "follow_ups",
        "title": _l("Follow-ups due"),
        "empty": _l("Follow-ups that are due today or late will appear here, the oldest first."),
    },
    {
        "key": "renewals",
        "title": _l("Permits to renew"),
        "empty": _l(
            "People whose residence permit expires within 90 days, or expired less than 60 days ago "
            "with no renewal requested, will appear here."
        ),
    },
]
MEDIATOR_DAY = [
    {
        "key": "sessions",
        "title": _l("Upcoming sessions"),
        "empty": _l("Mediation sessions assigned to you will appear here, with the date, the place and the language."),
    },
    {
        "key": "to_log",
        "title": _l("Sessions to log"),
        "empty": _l("Sessions that have taken place and still need their log will appear here."),
    },
]


@bp.get("/")
def home():
    sections = MEDIATOR_DAY if current_user.role is Role.MEDIATOR else DESK_DAY
    today = datetime.now(get_timezone()).date()
    return render_template("core/home.html", sections=sections, today=today)


@bp.get("/health")
@public
def health():
    """For load balancers and monitoring: the app answers and the database too."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok"}
