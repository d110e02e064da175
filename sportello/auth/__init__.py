"""Users, desks (sportelli) and roles; login and account administration."""

from functools import cache

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.auth import cli, models, views
    from sportello.core import audit
    from sportello.extensions import login_manager

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    views.init_nav(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    audit.register_labels("User", models.USER_TITLE, models.USER_FIELD_TITLES, {"role": models.Role})
    audit.register_labels("Desk", models.DESK_TITLE, models.DESK_FIELD_TITLES)


def _load_user(session_id: str):
    from sportello.auth.models import User
    from sportello.extensions import db

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id), options=_user_options())
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@cache
def _user_options() -> tuple:
    """The signed-in user's desks scope almost every query of the request: loaded with the user,
    in the same query (a user has a few desks). Made once, on first use: every request loads the
    user."""
    from sqlalchemy.orm import joinedload

    from sportello.auth.models import User

    return (joinedload(User.desks),)
