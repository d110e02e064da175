"""Language mediation: the mediators' roster, requests, sessions logged from a phone,
funding projects and monthly timesheets."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.mediation import models  # noqa: F401
