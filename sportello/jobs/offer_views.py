"""Job offers, shared by every desk."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

bp = Blueprint("job_offers", __name__, url_prefix="/jobs/offers")


def register(app: Flask) -> None:
    app.register_blueprint(bp)


# Endpoints the other rooms link to; each is built in this module.


@bp.route("/", methods=["GET"])
def index():
    abort(404)


@bp.route("/new", methods=["GET", "POST"])
def new():
    abort(404)


@bp.route("/<int:offer_id>", methods=["GET"])
def offer(offer_id: int):
    abort(404)


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
def edit(offer_id: int):
    abort(404)
