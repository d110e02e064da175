"""A person's skills profile and their CV."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

bp = Blueprint("job_profiles", __name__, url_prefix="/jobs/people")


def register(app: Flask) -> None:
    app.register_blueprint(bp)


# Endpoints the other rooms link to; each is built in this module.


@bp.route("/<int:person_id>", methods=["GET"])
def profile(person_id: int):
    abort(404)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    abort(404)


@bp.route("/<int:person_id>/cv.pdf", methods=["GET"])
def cv(person_id: int):
    abort(404)
