"""Housing search: needs, offers and their owners, suitability, viewings, contracts, rent support."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.housing import models  # noqa: F401
