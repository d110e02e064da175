"""Job offers and their candidates."""

from __future__ import annotations

from flask import Blueprint, Flask

from sportello.jobs import models  # noqa: F401  (until the views use them)

bp = Blueprint("job_offers", __name__, url_prefix="/jobs/offers")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
