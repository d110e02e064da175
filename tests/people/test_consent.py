"""Consent records: the signed privacy notice's version and language, the date, the purposes,
a withdrawal, and the scan of the signed form uploaded with it."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from sportello.core import files
from sportello.core.audit import Action, AuditEntry
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.people.models import AttachmentKind, ConsentRecord, PersonAttachment
from tests.conftest import text_of
from tests.people.conftest import PDF, post_multipart, upload, version_in

FORM = {
    "notice_version": "2026-01",
    "notice_language": "ar",
    "signed_on": "2026-02-03",
    "case_management": "y",
    "contact_whatsapp": "y",
}


def _consents(db) -> list[ConsentRecord]:
    return list(db.session.scalars(sa.select(ConsentRecord).order_by(ConsentRecord.id)))


def test_no_consent_is_said_plainly(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    assert "No consent recorded." in text_of(client.get(f"/people/{person.id}"))


def test_the_form_starts_from_the_persons_language_and_today(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk, preferred_language="uk")
    db.session.commit()
    page = client.get(f"/people/{person.id}/consents/new")
    html = page.get_data(as_text=True)
    assert '<option selected value="uk">' in html
    assert "Someone else saved" not in text_of(page)
    assert f'value="{today().isoformat()}"' in html  # the desk's day (Europe/Rome), not the machine's


def test_record_consents_newest_first(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    url = f"/people/{person.id}/consents/new"
    assert client.post(url, data=FORM | {"notice_version": "2025-03", "signed_on": "2025-04-01"}).status_code == 302
    assert client.post(url, data=FORM).status_code == 302
    _older, newer = _consents(db)
    assert newer.notice_language == "ar" and newer.signed_on == date(2026, 2, 3)
    assert newer.case_management and newer.contact_whatsapp
    assert not (newer.partner_sharing or newer.contact_sms or newer.contact_email)

    page = text_of(client.get(f"/people/{person.id}"))
    assert page.index("Notice 2026-01") < page.index("Notice 2025-03")
    assert "Notice 2026-01 · Arabic · signed on Feb 3, 2026 In force" in page
    assert "✓ Contact by WhatsApp" in page and "✗ Contact by SMS (not given)" in page
    assert "No consent recorded." not in page
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "ConsentRecord").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action is Action.CREATE and entry.desk_id == desk.id
    assert entry.changes["notice_version"] == [None, "2026-01"] and entry.changes["contact_whatsapp"] == [None, True]


def test_bad_input_keeps_what_was_typed(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    url = f"/people/{person.id}/consents/new"
    future = (today() + timedelta(days=3)).isoformat()
    response = client.post(url, data=FORM | {"notice_version": "", "signed_on": future, "notice_language": "xx"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Enter the version printed on the notice." in text and "This date is in the future." in text
    assert "Not a valid choice" in text
    assert '<input checked class="form-check-input" id="contact_whatsapp"' in response.get_data(as_text=True)

    withdrawn_early = client.post(url, data=FORM | {"withdrawn_on": "2026-01-01"})
    assert withdrawn_early.status_code == 422
    assert "cannot be withdrawn before it was signed" in text_of(withdrawn_early)
    assert 'value="2026-01"' in withdrawn_early.get_data(as_text=True)
    assert _consents(db) == []


def test_the_signed_form_is_uploaded_with_the_consent(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    response = post_multipart(
        client, f"/people/{person.id}/consents/new", FORM | {"signed_form": upload(PDF, "consenso firmato.pdf")}
    )
    assert response.status_code == 302
    [consent] = _consents(db)
    attachment = consent.attachment
    assert attachment.kind is AttachmentKind.CONSENT_FORM and attachment.person_id == person.id
    assert attachment.title == "Signed consent form 2026-01"
    assert files.path_of(attachment.stored_name).read_bytes() == PDF
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert f"/people/{person.id}/attachments/{attachment.id}" in page
    download = client.get(f"/people/{person.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.get_data() == PDF
    download.close()


def test_a_signed_form_that_is_not_a_document_is_refused_and_nothing_is_saved(
    client, login_as, db, desk, make_person, stored_files
):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    before = stored_files()
    response = post_multipart(
        client,
        f"/people/{person.id}/consents/new",
        FORM | {"signed_form": upload(b"#!/bin/sh\nrm -rf /\n", "consent.pdf", "application/pdf")},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="signed_form-error"' in html and "not a PDF, JPEG or PNG document" in text_of(response)
    assert 'value="2026-01"' in html and '<input checked class="form-check-input" id="case_management"' in html
    assert _consents(db) == [] and list(db.session.scalars(sa.select(PersonAttachment))) == []
    assert stored_files() == before


def test_a_good_file_with_a_bad_date_is_not_kept(client, login_as, db, desk, make_person, stored_files):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    db.session.commit()
    before = stored_files()
    response = post_multipart(
        client,
        f"/people/{person.id}/consents/new",
        FORM | {"withdrawn_on": "2026-01-01", "signed_form": upload(PDF, "consent.pdf")},
    )
    assert response.status_code == 422
    assert list(db.session.scalars(sa.select(PersonAttachment))) == [] and stored_files() == before


def test_withdraw_a_consent(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR, language="en")
    person = make_person(desk)
    consent = ConsentRecord(
        person=person, notice_version="2025-01", notice_language="it", signed_on=date(2025, 5, 5), case_management=True
    )
    db.session.add(consent)
    db.session.commit()
    url = f"/people/{person.id}/consents/{consent.id}/withdraw"
    version = version_in(client.get(url).get_data(as_text=True))

    early = client.post(url, data={"withdrawn_on": "2025-05-01", "version": version})
    assert early.status_code == 422 and "cannot be withdrawn before it was signed" in text_of(early)
    assert client.post(url, data={"withdrawn_on": "2025-09-01", "version": version}).status_code == 302
    db.session.refresh(consent)
    assert consent.withdrawn_on == date(2025, 9, 1)
    page = text_of(client.get(f"/people/{person.id}"))
    assert "Withdrawn on Sep 1, 2025" in page and "In force" not in page
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "ConsentRecord", AuditEntry.action == Action.UPDATE)
    ).one()
    assert entry.changes == {"withdrawn_on": [None, "2025-09-01"]}

    stale = client.post(url, data={"withdrawn_on": "2025-10-01", "version": version})
    assert stale.status_code == 409 and "Someone else saved this record" in text_of(stale)
    db.session.refresh(consent)
    assert consent.withdrawn_on == date(2025, 9, 1)


def test_another_desks_operator_is_refused(client, login_as, db, desk, other_desk, make_person):
    person = make_person(desk)
    consent = ConsentRecord(person=person, notice_version="v1", notice_language="it", signed_on=date(2025, 5, 5))
    db.session.add(consent)
    db.session.commit()
    login_as(Role.OPERATOR, other_desk)
    assert client.post(f"/people/{person.id}/consents/new", data=FORM).status_code == 403
    assert client.get(f"/people/{person.id}/consents/{consent.id}/withdraw").status_code == 403
    assert len(_consents(db)) == 1


def test_a_consent_of_another_person_is_not_found_here(client, login_as, db, desk, make_person):
    login_as(Role.OPERATOR)
    person, other = make_person(desk), make_person(desk)
    consent = ConsentRecord(person=other, notice_version="v1", notice_language="it", signed_on=date(2025, 5, 5))
    db.session.add(consent)
    db.session.commit()
    assert client.get(f"/people/{person.id}/consents/{consent.id}/withdraw").status_code == 404
