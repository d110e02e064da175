"""``flask --app app users ...``: account commands for the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sportello.auth import services
from sportello.core.audit import set_system_actor
from sportello.core.exceptions import FieldError
from sportello.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.option("--email", prompt="Email (used to sign in)", help="The administrator's email address.")
@click.option(
    "--password",
    prompt="Password (at least 10 characters)",
    hide_input=True,
    confirmation_prompt=True,
    help="Read from the prompt if not given; or set SPORTELLO_ADMIN_PASSWORD.",
    envvar="SPORTELLO_ADMIN_PASSWORD",
)
def create_admin(name: str, email: str, password: str) -> None:
    """Create an administrator account (the first one, or another)."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="--email")
    set_system_actor("command line: users create-admin")
    try:
        user = services.create_admin(name=name, email=email, password=password)
    except FieldError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Administrator {user.name} <{user.email}> created.")
