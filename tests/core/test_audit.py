"""The audit trail: entries with structured diffs, and who may read them."""

from __future__ import annotations

import sqlalchemy as sa

from sportello.auth import services
from sportello.core import audit
from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from tests.conftest import text_of


def _entries(db, **where):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(query))


def test_create_update_record_structured_diffs(app, db, desk):
    with app.test_request_context():
        audit.set_system_actor("test")
        user, _ = services.create_user(
            name="Nadia Rossi", email="nadia@example.org", role=Role.OPERATOR, desks=[desk], language="it"
        )
        created = _entries(db, action=Action.CREATE, object_type="User")[-1]
        assert created.object_id == user.id
        assert created.actor_label == "test"
        assert created.changes["name"] == [None, "Nadia Rossi"]
        assert created.changes["desks"] == [None, [desk.name]]
        assert "password_hash" not in created.changes and "session_token" not in created.changes

        services.update_user(
            user,
            version=user.version,
            name="Nadia Rossi Bianchi",
            email="nadia@example.org",
            role=Role.COORDINATOR,
            desks=[desk],
            language="it",
        )
        updated = _entries(db, action=Action.UPDATE, object_type="User")[-1]
        assert updated.changes == {"name": ["Nadia Rossi", "Nadia Rossi Bianchi"], "role": ["operator", "coordinator"]}
        assert updated.desk_id == desk.id


def test_unchanged_save_writes_no_entry(app, db, desk):
    with app.test_request_context():
        desk_values = {"name": desk.name, "code": desk.code, "municipality": desk.municipality}
        before = len(_entries(db))
        services.update_desk(desk, desk_values, version=desk.version)
        assert len(_entries(db)) == before


def test_password_changes_are_recorded_without_the_hash(app, db, make_user, desk):
    user = make_user(Role.OPERATOR, [desk])
    with app.test_request_context():
        services.reset_password(user)
    entry = _entries(db, action=Action.UPDATE, object_id=user.id)[-1]
    assert entry.changes["password_hash"] == ["***", "***"]
    assert entry.changes["must_change_password"] == [False, True]


def test_changes_through_the_app_name_the_user(client, login_as, db, desk):
    admin = login_as(Role.ADMIN)
    client.post(
        f"/admin/desks/{desk.id}",
        data={"name": desk.name, "code": desk.code, "municipality": "Ravenna", "version": desk.version, "active": "y"},
    )
    entry = _entries(db, action=Action.UPDATE, object_type="Desk")[-1]
    assert entry.actor_id == admin.id
    assert entry.changes == {"municipality": ["Bologna", "Ravenna"]}
    db.session.refresh(desk)
    assert desk.updated_by_id == admin.id


def test_admin_page_lists_and_filters(client, login_as, db, desk, other_desk):
    login_as(Role.ADMIN, language="en")
    client.post(
        f"/admin/desks/{desk.id}",
        data={"name": desk.name, "code": desk.code, "municipality": "Ravenna", "version": desk.version, "active": "y"},
    )
    page = text_of(client.get("/admin/audit"))
    assert "Changed" in page and "Municipality" in page and "Ravenna" in page
    filtered = text_of(client.get("/admin/audit?action=login"))
    assert "Ravenna" not in filtered and "Signed in" in filtered
    by_type = text_of(client.get("/admin/audit?object_type=Desk&q=Own"))
    assert "Own desk" in by_type
    assert client.get("/admin/audit?date_from=not-a-date").status_code == 422


def test_coordinators_read_only_their_desks_trail(client, login_as, db, desk, other_desk, app):
    with app.test_request_context():
        # Values no generated name or number can contain by chance.
        audit.record(Action.UPDATE, other_desk, {"phone": ["", "+39 0544 OTHERDESK"]})
        audit.record(Action.UPDATE, desk, {"phone": ["", "+39 0544 OWNDESK"]})
    db.session.commit()
    login_as(Role.COORDINATOR, language="en")
    page = text_of(client.get("/admin/audit"))
    assert "OWNDESK" in page and "OTHERDESK" not in page


def test_failed_logins_are_audited(client, make_user, desk, db):
    user = make_user(Role.OPERATOR, [desk])
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": "wrong-one"})
    entry = _entries(db, action=Action.LOGIN_FAILED)[-1]
    assert entry.object_id == user.id and entry.changes == {"failed_logins": [0, 1]}
    assert entry.ip_address == "127.0.0.1"


def test_audit_trail_pages_forward_and_back(client, login_as, db, desk, app):
    with app.test_request_context():
        for n in range(60):
            audit.record(Action.UPDATE, desk, {"phone": ["", str(n)]})
    db.session.commit()
    login_as(Role.ADMIN, language="en")
    first = client.get("/admin/audit?object_type=Desk")
    assert "?object_type=Desk&amp;page=2" in first.get_data(as_text=True)
    second = client.get("/admin/audit?object_type=Desk&page=2")
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "page=1" in html and "page=3" not in html
