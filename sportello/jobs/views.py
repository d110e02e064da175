"""The employment board, a case's matching offers and its referrals."""

from __future__ import annotations

from flask import Blueprint, Flask

from sportello.jobs import models  # noqa: F401  (until the views use them)

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
