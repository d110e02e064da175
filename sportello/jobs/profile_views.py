"""A person's skills profile and CV."""

from __future__ import annotations

from flask import Blueprint, Flask

from sportello.jobs import models  # noqa: F401  (until the views use them)

bp = Blueprint("job_profiles", __name__, url_prefix="/jobs/people")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
