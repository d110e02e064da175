"""Sign-in, lockout, deactivated accounts, session expiry."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from sportello.auth.models import User
from sportello.core.audit import Action, AuditEntry
from sportello.core.model import utcnow
from sportello.core.roles import Role
from tests.conftest import PASSWORD, login, text_of


def test_login_page_is_public_and_home_is_not(client):
    assert client.get("/login").status_code == 200
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/")


def test_successful_login_records_last_login_and_audit(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 302 and response.location == "/"
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert client.get("/").status_code == 200
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.LOGIN)).one()
    assert entry.actor_id == user.id and entry.desk_id == desk.id


def test_login_is_case_insensitive_on_email(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk], email="Mixed.Case@example.org".lower())
    db.session.commit()
    assert login(client, "  MIXED.case@Example.org ").status_code == 302
    assert user.id


def test_wrong_password_and_unknown_email_say_the_same(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    wrong = login(client, user.email, "not-the-password")
    unknown = login(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Email o password errati." in text_of(wrong)
    assert "Email o password errati." in text_of(unknown)
    # What was typed in the email field is kept; the password is not echoed back.
    assert f'value="{user.email}"' in wrong.get_data(as_text=True)
    assert "not-the-password" not in wrong.get_data(as_text=True)


def test_lockout_after_five_failures_for_fifteen_minutes(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    for _ in range(4):
        assert login(client, user.email, "wrong-password").status_code == 401
    locked = login(client, user.email, "wrong-password")
    assert locked.status_code == 429
    assert "bloccato" in text_of(locked)
    # Even the right password is refused while locked.
    assert login(client, user.email, PASSWORD).status_code == 429
    db.session.refresh(user)
    remaining = user.locked_until - utcnow()
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == Action.LOCKED)) == 1
    # Once the lock has passed, the right password works again.
    db.session.execute(sa.update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert login(client, user.email, PASSWORD).status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk], active=False)
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 403
    assert "disattivato" in text_of(response)
    # A wrong password on a deactivated account reveals nothing more than for any account.
    assert login(client, user.email, "wrong-password").status_code == 401


def test_deactivation_ends_open_sessions(client, login_as, db):
    user = login_as(Role.OPERATOR)
    assert client.get("/").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_overlong_input_is_refused_with_a_message(client):
    response = client.post("/login", data={"email": "a" * 300 + "@example.org", "password": "x"})
    assert response.status_code == 422
    assert "254" in text_of(response)


def test_empty_form_says_what_is_missing(client):
    response = client.post("/login", data={})
    assert response.status_code == 422
    text = text_of(response)
    assert "Inserisci il tuo indirizzo email." in text
    assert "Inserisci la password." in text


def test_session_expires_after_inactivity(app, client, login_as):
    login_as(Role.OPERATOR)
    assert client.get("/").status_code == 200
    app.config["SESSION_IDLE_MINUTES"] = 0
    try:
        response = client.get("/admin/desks", follow_redirects=False)
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30
    assert response.status_code == 302 and "/login" in response.location
    page = client.get(response.location)
    assert "sessione è scaduta" in text_of(page)
    assert client.get("/").status_code == 302


def test_next_parameter_only_follows_local_paths(client, make_user, desk, db):
    user = make_user(Role.ADMIN, [])
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/admin/desks"})
    assert response.location == "/admin/desks"


def test_logout_needs_post_and_ends_the_session(client, login_as):
    login_as(Role.OPERATOR)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_the_signed_in_user_and_their_desks_load_in_one_indexed_query(app, db, make_user, desk, other_desk):
    from sportello.auth import _load_user, _user_query

    user = make_user(Role.OPERATOR, [other_desk, desk])
    db.session.commit()
    session_id, user_id = user.get_id(), user.id
    expected = [d.id for d in sorted([desk, other_desk], key=lambda d: d.name)]
    db.session.expunge_all()
    statements = []
    sa.event.listen(db.session.connection(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    loaded = _load_user(session_id)
    assert loaded.id == user_id
    assert [d.id for d in loaded.desks] == expected
    assert len(statements) == 1
    assert _load_user(f"{user_id}:not-the-token") is None
    if db.engine.dialect.name == "sqlite":
        # Each membership found from the user by index, not every user's memberships read.
        sql = str(_user_query().compile(db.engine))
        plan = [row[3] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (user_id,))]
        assert not [step for step in plan if step.startswith(("SCAN", "MATERIALIZE"))], plan
