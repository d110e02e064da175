"""The employment board, matching both ways, and referrals."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def register(app: Flask) -> None:
    app.register_blueprint(bp)


# Endpoints the other rooms link to; each is built in this module.


@bp.route("/", methods=["GET"])
def board():
    abort(404)


@bp.route("/offers/<int:offer_id>/candidates", methods=["GET"])
def candidates(offer_id: int):
    abort(404)


@bp.route("/cases/<int:case_id>/offers", methods=["GET"])
def case_offers(case_id: int):
    abort(404)


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
def referral(referral_id: int):
    abort(404)
