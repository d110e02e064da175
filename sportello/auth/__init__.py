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
    from sportello.extensions import db

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.execute(_user_query(), {"user_id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@cache
def _user_query():
    """The signed-in user with their desks, which scope almost every query of the request: one
    query, built once (every request loads the user). The joins are written out flat: the nested
    join SQLAlchemy writes for a many-to-many relationship made SQLite read every desk
    membership of every user."""
    import sqlalchemy as sa
    from sqlalchemy.orm import contains_eager

    from sportello.auth.models import Desk, User, user_desks

    return (
        sa.select(User)
        .outerjoin(user_desks, user_desks.c.user_id == User.id)
        .outerjoin(Desk, Desk.id == user_desks.c.desk_id)
        .options(contains_eager(User.desks))
        .where(User.id == sa.bindparam("user_id"))
        .order_by(Desk.name)
    )
