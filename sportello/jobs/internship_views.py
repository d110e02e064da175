"""Internships (tirocini), their attendance and outcome."""

from __future__ import annotations

from flask import Blueprint, Flask

from sportello.jobs import models  # noqa: F401  (until the views use them)

bp = Blueprint("internships", __name__, url_prefix="/jobs/internships")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
