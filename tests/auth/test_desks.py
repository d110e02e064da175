"""Desk administration."""

from __future__ import annotations

import sqlalchemy as sa

from sportello.auth.models import Desk
from sportello.core.roles import Role
from tests.conftest import text_of

NEW_DESK = {
    "name": "Sportello Stranieri Lugo",
    "code": "lu",
    "municipality": "Lugo",
    "address": "Piazza dei Martiri 1",
    "phone": "+39 0545 000000",
    "email": "Stranieri@Lugo.example",
    "opening_hours": "Lunedì 9-12\nGiovedì 15-18",
    "print_header": "Comune di Lugo",
    "active": "y",
}


def _form(desk: Desk, **changes) -> dict:
    data = {
        k: getattr(desk, k)
        for k in ("name", "code", "municipality", "address", "phone", "email", "opening_hours", "print_header")
    }
    data.update(version=desk.version, active="y" if desk.active else "")
    data.update(changes)
    return data


def test_admin_creates_a_desk(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    response = client.post("/admin/desks/new", data=NEW_DESK)
    assert response.status_code == 302
    desk = db.session.scalars(sa.select(Desk).where(Desk.name == NEW_DESK["name"])).one()
    assert desk.code == "LU" and desk.email == "stranieri@lugo.example"
    assert "Sportello Stranieri Lugo" in text_of(client.get("/admin/desks"))


def test_desk_errors_keep_what_was_typed(client, login_as, db, desk):
    login_as(Role.ADMIN, language="en")
    response = client.post("/admin/desks/new", data={**NEW_DESK, "code": desk.code.lower()})
    assert response.status_code == 422
    assert "Another desk already uses this code." in text_of(response)
    assert "Piazza dei Martiri 1" in response.get_data(as_text=True)
    response = client.post(
        "/admin/desks/new", data={**NEW_DESK, "code": "L1", "email": "nope", "opening_hours": "x" * 2001}
    )
    text = text_of(response)
    assert response.status_code == 422
    assert "Use 2 to 8 letters" in text and "Enter a valid email address" in text and "2000" in text


def test_coordinator_edits_own_desk_but_cannot_close_it(client, login_as, db, desk):
    login_as(Role.COORDINATOR)
    response = client.post(f"/admin/desks/{desk.id}", data=_form(desk, opening_hours="Martedì 9-13", active=""))
    assert response.status_code == 302
    db.session.refresh(desk)
    assert desk.opening_hours == "Martedì 9-13"
    assert desk.active  # only administrators open and close desks


def test_coordinator_sees_only_own_desks(client, login_as, db, desk, other_desk):
    login_as(Role.COORDINATOR)
    page = text_of(client.get("/admin/desks"))
    assert desk.name in page and other_desk.name not in page


def test_stale_desk_edit_is_refused_with_both_versions(client, login_as, db, desk):
    login_as(Role.ADMIN, language="en")
    loaded = desk.version
    assert client.post(f"/admin/desks/{desk.id}", data=_form(desk, phone="111")).status_code == 302
    response = client.post(f"/admin/desks/{desk.id}", data=_form(desk, phone="222", version=loaded))
    assert response.status_code == 409
    text = text_of(response)
    assert "Your version" in text and "111" in text and 'value="222"' in response.get_data(as_text=True)
