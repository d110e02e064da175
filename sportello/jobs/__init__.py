"""Job placement: skills profiles and CVs, employers and their offers, matching and referrals,
internships, and the employment board."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.jobs import employer_views, internship_views, offer_views, profile_views, views

    # Each room registers its blueprint, its panels on the person and case pages and the audit
    # labels of its records.
    for room in (profile_views, employer_views, offer_views, internship_views, views):
        room.register(app)
