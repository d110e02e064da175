"""Internships (tirocini), their attendance and outcome."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

bp = Blueprint("internships", __name__, url_prefix="/jobs/internships")


def register(app: Flask) -> None:
    app.register_blueprint(bp)


# Endpoints the other rooms link to; each is built in this module.


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
def new(case_id: int):
    abort(404)


@bp.route("/<int:internship_id>", methods=["GET"])
def internship(internship_id: int):
    abort(404)


@bp.route("/<int:internship_id>/edit", methods=["GET", "POST"])
def edit(internship_id: int):
    abort(404)
