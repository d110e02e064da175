"""The operator's home page ("my day") and the health check."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template
from flask_babel import get_timezone
from flask_login import current_user

from sportello.core.home import sections_for
from sportello.core.permissions import public
from sportello.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    today = datetime.now(get_timezone()).date()
    sections = sections_for(current_app, current_user._get_current_object())
    return render_template("core/home.html", sections=sections, today=today)


@bp.get("/health")
@public
def health():
    """For load balancers and monitoring: the app answers and the database too."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok"}
