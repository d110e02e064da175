"""Scanned documents: accepted by what the file is (PDF, JPEG, PNG), not by its name or declared
type; kept outside the web root under a random name; downloaded only through a checked, audited
view; deleted softly, with the file erased."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from sportello.core import files
from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.people.models import AttachmentKind, PersonAttachment
from tests.conftest import text_of
from tests.people.conftest import PDF, image_bytes, post_multipart, upload


def _attachments(db) -> list[PersonAttachment]:
    return list(db.session.scalars(sa.select(PersonAttachment).order_by(PersonAttachment.id)))


def _post(client, person, data: bytes, name: str, content_type: str = "application/pdf", **fields):
    form = {"kind": "passport", "title": "", **fields, "file": upload(data, name, content_type)}
    return post_multipart(client, f"/people/{person.id}/attachments/new", form)


def test_upload_a_pdf(app, client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = _post(client, person, PDF, "passaporto Amal.pdf", kind="passport", title="Passport, first page")
    assert response.status_code == 302
    [attachment] = _attachments(db)
    assert attachment.kind is AttachmentKind.PASSPORT and attachment.title == "Passport, first page"
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.original_filename == "passaporto Amal.pdf"
    stored = files.path_of(attachment.stored_name)
    assert stored.read_bytes() == PDF
    assert Path(app.config["ATTACHMENTS_DIR"]) in stored.parents and "Amal" not in stored.name
    assert "Passport, first page" in text_of(client.get(f"/people/{person.id}"))
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "PersonAttachment")).one()
    assert entry.action is Action.CREATE and entry.changes["sha256"] == [None, attachment.sha256]


@pytest.mark.parametrize(("fmt", "mimetype"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_images_are_recognised_by_content_whatever_the_name(client, login_as, db, desk, make_person, fmt, mimetype):
    login_as(Role.OPERATOR)
    person = make_person(desk)
    db.session.commit()
    # A real image sent as "permesso.pdf", declared as a PDF: stored as what it is.
    assert _post(client, person, image_bytes(fmt), "permesso.pdf", kind="permit").status_code == 302
    [attachment] = _attachments(db)
    assert attachment.content_type == mimetype and attachment.title == "permesso"
    assert files.download_name(attachment.original_filename, attachment.content_type).endswith(
        ".jpg" if fmt == "JPEG" else ".png"
    )


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00 this is a program", "scan.pdf"),
        (b"%PDF-1.4\nno end marker at all\n", "truncated.pdf"),
        (image_bytes("PNG")[:60], "cut.png"),
        (image_bytes("GIF"), "anim.png"),
        (b"<html><script>alert(1)</script></html>", "page.jpg"),
        (b"", "empty.pdf"),
    ],
    ids=["program", "pdf-without-eof", "truncated-png", "gif", "html", "empty"],
)
def test_files_that_are_not_what_they_claim_are_refused_at_the_field(
    client, login_as, db, desk, make_person, stored_files, data, name
):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    before = stored_files()
    response = _post(client, person, data, name, "image/jpeg", kind="postal_receipt", title="Ricevuta")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html
    assert "not a PDF, JPEG or PNG document" in text_of(response) or "This file is empty." in text_of(response)
    assert 'value="Ricevuta"' in html and '<option selected value="postal_receipt">' in html
    assert _attachments(db) == []
    assert stored_files() == before  # nothing left behind


def test_no_file_is_a_message_not_an_error(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = client.post(f"/people/{person.id}/attachments/new", data={"kind": "passport", "title": "x"})
    assert response.status_code == 422 and "Choose the file to upload." in text_of(response)
    bad_kind = _post(client, person, PDF, "a.pdf", kind="diploma")
    assert bad_kind.status_code == 422 and _attachments(db) == []


def test_a_file_over_the_limit_gets_a_message_at_the_field(app, client, login_as, db, desk, make_person, monkeypatch):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_MB", 1)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    response = _post(client, person, big, "big.pdf", title="Scan")
    assert response.status_code == 422
    assert "This file is larger than 1 MB." in text_of(response) and 'value="Scan"' in response.get_data(as_text=True)

    # Larger than a whole request may be: the form again with the reason, not an error page.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 512 * 1024)
    response = _post(client, person, big, "big.pdf", title="Scan")
    assert response.status_code == 413
    assert "This file is larger than 1 MB." in text_of(response) and 'id="file-error"' in response.get_data(
        as_text=True
    )
    assert _attachments(db) == []


def test_download_is_checked_audited_and_served_as_a_download(client, login_as, db, desk, make_person):
    user = login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    _post(client, person, image_bytes("PNG"), "الجواز.png", "image/png", title="Passport")
    [attachment] = _attachments(db)

    response = client.get(f"/people/{person.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.get_data() == files.path_of(attachment.stored_name).read_bytes()
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D8%A7%D9%84%D8%AC%D9%88%D8%A7%D8%B2.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()

    downloads = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.DOWNLOAD)).all()
    assert len(downloads) == 1
    assert downloads[0].object_id == attachment.id and downloads[0].actor_id == user.id
    assert downloads[0].desk_id == desk.id and downloads[0].changes == {"sha256": [None, attachment.sha256]}


def test_downloads_are_scoped(client, login_as, db, desk, other_desk, make_person):
    person, other = make_person(desk), make_person(desk)
    login_as(Role.OPERATOR, language="en")
    _post(client, person, PDF, "a.pdf")
    [attachment] = _attachments(db)
    # Through another person's address: not found.
    assert client.get(f"/people/{other.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/people/{person.id}/attachments/99999").status_code == 404
    client.post("/logout")
    login_as(Role.OPERATOR, other_desk)
    assert client.get(f"/people/{person.id}/attachments/{attachment.id}").status_code == 403
    assert client.post(f"/people/{person.id}/attachments/{attachment.id}/delete").status_code == 403
    assert _post(client, person, PDF, "b.pdf").status_code == 403
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.DOWNLOAD)).all() == []


def test_delete_keeps_the_row_and_erases_the_file(client, login_as, db, desk, make_person):
    user = login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    _post(client, person, PDF, "receipt.pdf", kind="postal_receipt", title="Receipt")
    [attachment] = _attachments(db)
    stored = files.path_of(attachment.stored_name)
    assert stored.exists()

    assert client.post(f"/people/{person.id}/attachments/{attachment.id}/delete").status_code == 302
    db.session.refresh(attachment)
    assert attachment.deleted_at is not None and attachment.deleted_by_id == user.id
    assert not stored.exists()
    assert "Receipt" not in text_of(client.get(f"/people/{person.id}"))
    assert client.get(f"/people/{person.id}/attachments/{attachment.id}").status_code == 404
    deleted = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonAttachment", AuditEntry.action == Action.DELETE)
    ).one()
    assert deleted.changes["sha256"] == [attachment.sha256, None]


def test_a_stored_file_goes_away_when_its_transaction_is_rolled_back(app, db):
    with app.test_request_context():
        stored = files.save_upload(io.BytesIO(PDF), "x.pdf")
        path = files.path_of(stored.name)
        assert path.exists()
        db.session.rollback()
        assert not path.exists()


def test_a_discarded_file_stays_until_the_commit(app, db):
    with app.test_request_context():
        stored = files.save_upload(io.BytesIO(PDF), "x.pdf")
        db.session.commit()
        path = files.path_of(stored.name)
        files.discard(stored.name)
        db.session.rollback()  # the deletion did not happen: the file stays
        assert path.exists()
        files.discard(stored.name)
        db.session.commit()
        assert not path.exists()


def test_file_names_are_cleaned():
    assert files.clean_filename("C:\\scans\\passaporto.pdf") == "passaporto.pdf"
    assert files.clean_filename("../../etc/passwd") == "passwd"
    assert files.clean_filename("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert files.clean_filename("a\x00b<c>.png") == "abc.png"
    assert files.clean_filename("جواز السفر.pdf") == "جواز السفر.pdf"
    assert files.clean_filename("...") == "file"
    long = files.clean_filename("x" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    assert files.download_name("scan.exe", "application/pdf") == "scan.exe.pdf"
    assert files.download_name("photo.JPEG", "image/jpeg") == "photo.JPEG"


def test_stored_names_are_never_taken_from_outside():
    with pytest.raises(ValueError):
        files.path_of("../secret_key")


def test_an_oversized_request_is_answered_before_the_checks_that_read_the_form(
    app, client, login_as, db, desk, other_desk, make_person, monkeypatch
):
    """With CSRF on (as in production) the body is first read by the CSRF check, before the
    login wall: the form comes back only to a user who may use it."""
    person, stranger = make_person(desk), make_person(other_desk)
    db.session.commit()
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    big = b"%PDF-1.4\n" + b"0" * (100 * 1024) + b"\n%%EOF\n"

    anonymous = _post(client, person, big, "big.pdf")
    assert anonymous.status_code == 413 and 'id="file-error"' not in anonymous.get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    login_as(Role.OPERATOR, language="en")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = _post(client, stranger, big, "big.pdf")
    assert refused.status_code == 413 and 'id="file-error"' not in refused.get_data(as_text=True)
    answered = _post(client, person, big, "big.pdf")
    assert answered.status_code == 413 and 'id="file-error"' in answered.get_data(as_text=True)
    assert _attachments(db) == []
