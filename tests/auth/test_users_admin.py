"""Account administration, own password, optimistic locking."""

from __future__ import annotations

import re

import sqlalchemy as sa

from sportello.auth.models import User
from sportello.core.roles import Role
from tests.conftest import PASSWORD, login, text_of


def _form(user: User, **changes) -> dict:
    data = {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "desks": [d.id for d in user.desks],
        "language": user.language or "",
        "version": user.version,
    }
    data.update(changes)
    return data


def test_admin_creates_user_with_a_temporary_password(client, login_as, db, desk, app):
    login_as(Role.ADMIN, language="en")
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Luca Neri",
            "email": "Luca.Neri@Example.org",
            "role": "operator",
            "desks": [desk.id],
            "language": "it",
        },
    )
    assert response.status_code == 200
    password = re.search(r'class="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    user = db.session.scalars(sa.select(User).where(User.email == "luca.neri@example.org")).one()
    assert user.must_change_password and user.desk_ids == {desk.id}

    # The new user signs in with it and must choose a password first.
    other = app.test_client()
    assert login(other, "luca.neri@example.org", password).status_code == 302
    response = other.get("/")
    assert response.status_code == 302 and response.location == "/account"
    response = other.post(
        "/account/password",
        data={
            "current_password": password,
            "new_password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert other.get("/").status_code == 200


def test_create_user_errors_stay_next_to_the_fields_and_keep_input(client, login_as, make_user, db, desk):
    login_as(Role.ADMIN, language="en")
    taken = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    response = client.post(
        "/admin/users/new", data={"name": "Ada", "email": taken.email, "role": "operator", "desks": [desk.id]}
    )
    assert response.status_code == 422
    assert "Another account already uses this email address." in text_of(response)
    assert 'value="Ada"' in response.get_data(as_text=True)

    response = client.post("/admin/users/new", data={"name": "Ada", "email": "ada@example.org", "role": "operator"})
    assert response.status_code == 422
    assert "Choose at least one desk" in text_of(response)

    response = client.post("/admin/users/new", data={"name": "x" * 121, "email": "not-an-email", "role": "boss"})
    assert response.status_code == 422
    text = text_of(response)
    assert "120" in text and "Enter a valid email address" in text and "Not a valid choice" in text


def test_stale_edit_shows_both_versions_and_loses_nothing(client, login_as, make_user, db, desk, app):
    login_as(Role.ADMIN, language="en")
    target = make_user(Role.OPERATOR, [desk], name="Fatima Zahra")
    db.session.commit()
    loaded_version = target.version

    # Someone else saves first.
    other = app.test_client()
    admin2 = make_user(Role.ADMIN, [])
    db.session.commit()
    login(other, admin2.email)
    assert other.post(f"/admin/users/{target.id}", data=_form(target, name="Fatima Z. Bennani")).status_code == 302

    # Our save, made from the version we loaded, is refused: both versions shown, ours kept.
    response = client.post(
        f"/admin/users/{target.id}", data=_form(target, name="Fatima Zahra Alaoui", version=loaded_version)
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this record" in text_of(response)
    assert "Fatima Z. Bennani" in html and 'value="Fatima Zahra Alaoui"' in html
    db.session.expire_all()
    assert db.session.get(User, target.id).name == "Fatima Z. Bennani"

    # Saving again from the page (which now carries the new version) keeps ours, knowingly.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(
        f"/admin/users/{target.id}", data=_form(target, name="Fatima Zahra Alaoui", version=new_version)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).name == "Fatima Zahra Alaoui"


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, login_as, db, desk):
    admin = login_as(Role.ADMIN, language="en")
    db.session.execute(sa.update(User).where(User.role == Role.ADMIN, User.id != admin.id).values(active=False))
    db.session.commit()
    response = client.post(f"/admin/users/{admin.id}", data=_form(admin, role="operator", desks=[desk.id]))
    assert response.status_code == 422
    assert "only active administrator" in text_of(response)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "You cannot deactivate your own account." in text_of(response)
    db.session.refresh(admin)
    assert admin.active and admin.role is Role.ADMIN


def test_deactivate_and_reactivate(client, login_as, make_user, db, desk):
    login_as(Role.ADMIN)
    target = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(target)
    assert not target.active
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "1"}).status_code == 302
    db.session.refresh(target)
    assert target.active


def test_reset_password_lifts_lockout_and_ends_sessions(client, login_as, make_user, db, desk, app):
    login_as(Role.ADMIN)
    target = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    theirs = app.test_client()
    login(theirs, target.email)
    assert theirs.get("/").status_code == 200
    response = client.post(f"/admin/users/{target.id}/reset-password")
    password = re.search(r'class="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert theirs.get("/").status_code == 302  # signed out
    assert login(theirs, target.email, PASSWORD).status_code == 401
    assert login(theirs, target.email, password).status_code == 302


def test_user_list_filters(client, login_as, make_user, db, desk):
    login_as(Role.ADMIN, language="en")
    make_user(Role.MEDIATOR, [desk], name="Kwame Mensah")
    make_user(Role.OPERATOR, [desk], name="Olga Petrenko", active=False)
    db.session.commit()
    page = text_of(client.get("/admin/users?role=mediator"))
    assert "Kwame Mensah" in page and "Olga Petrenko" not in page
    assert "Olga Petrenko" in text_of(client.get("/admin/users?state=inactive"))
    assert "Kwame" in text_of(client.get("/admin/users?q=kwame&state=all"))


def test_change_own_password_rules(client, login_as, db):
    login_as(Role.OPERATOR, language="en")
    wrong = client.post(
        "/account/password",
        data={"current_password": "nope", "new_password": "another long one", "confirm": "another long one"},
    )
    assert wrong.status_code == 422 and "This is not your current password." in text_of(wrong)
    short = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"}
    )
    assert short.status_code == 422 and "between 10 and 128" in text_of(short)
    differ = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another long one", "confirm": "another long two"},
    )
    assert differ.status_code == 422 and "The two passwords differ." in text_of(differ)
    weak = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"},
    )
    assert weak.status_code == 422 and "too easy to guess" in text_of(weak)
    ok = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another long one", "confirm": "another long one"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in
