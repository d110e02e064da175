"""The employers' roster, shared by every desk."""

from __future__ import annotations

from flask import Blueprint, Flask

from sportello.jobs import models  # noqa: F401  (until the views use them)

bp = Blueprint("employers", __name__, url_prefix="/jobs/employers")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
