"""What every part of Sportello shares: model base, permissions, audit, i18n, errors."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.core.views import bp

    app.register_blueprint(bp)
