"""``flask users create-admin`` and ``flask demo seed``."""

from __future__ import annotations

import sqlalchemy as sa

from sportello.auth.models import User
from sportello.core.roles import Role
from sportello.demo import DEMO_PASSWORD, USERS


def test_create_admin_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--name",
            "Elena Ricci",
            "--email",
            "Elena@Example.org",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User).where(User.email == "elena@example.org")).one()
    assert user.role is Role.ADMIN and user.active and not user.must_change_password

    again = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--name",
            "E",
            "--email",
            "elena@example.org",
            "--password",
            "a long enough password",
        ]
    )
    assert again.exit_code != 0 and "già" in again.output  # messages in the default language
    short = runner.invoke(
        args=["users", "create-admin", "--name", "E", "--email", "x@example.org", "--password", "short"]
    )
    assert short.exit_code != 0 and "10 characters" in short.output


def test_create_admin_prompts(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin"],
        input="Paolo Greco\npaolo@example.org\na long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(User).where(User.email == "paolo@example.org")).one()


def test_demo_seed_makes_one_login_per_role_and_only_once(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    for role, _, email, _, _ in USERS:
        assert email in result.output and role.value in result.output
    assert {u.role for u in db.session.scalars(sa.select(User))} == set(Role)
    again = runner.invoke(args=["demo", "seed"])
    assert "Demo data created" not in again.output and USERS[0][2] in again.output
    # The printed logins work.
    response = client.post("/login", data={"email": USERS[2][2], "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_people_hold_a_duplicate_pair_to_find(app, db, client):
    from sportello.people.models import Person

    app.test_cli_runner().invoke(args=["demo", "seed"])
    people = list(db.session.scalars(sa.select(Person)))
    assert len(people) >= 30
    assert len({c.country for p in people for c in p.citizenships}) >= 15
    assert any(p.original_name for p in people)
    client.post("/login", data={"email": USERS[0][2], "password": DEMO_PASSWORD, "next": "/"})
    response = client.get("/people/", query_string={"q": "Mohamed El Amrani"})
    body = response.get_data(as_text=True)
    assert "Elamrani" in body and "El Amrani" in body  # the same man, registered twice
