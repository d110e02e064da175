"""Permit checklists: items from answers, fees, dates, items, concurrency, PDFs, the person's link."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sportello.cases import services as case_services
from sportello.cases.models import Case
from sportello.core.audit import Action, AuditEntry
from sportello.core.forms import today
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.permits import documents, services
from sportello.permits.content import Translator
from sportello.permits.models import Checklist, ChecklistLink, ItemStatus
from tests.conftest import text_of


@pytest.fixture
def person(make_person, desk):
    return make_person(
        desk,
        given_names="Fatima",
        family_name="Benali",
        birth_date=date(1990, 4, 12),
        preferred_language="ar",
        permit_expires_on=today() + timedelta(days=30),
        phone="+393331234567",
        whatsapp=True,
        email="fatima@example.org",
    )


@pytest.fixture
def case(db, person, desk, make_user):
    operator = make_user(Role.OPERATOR, [desk])
    made = case_services.open_case(person, desk, {"opened_on": today()}, operator)
    db.session.commit()
    return made


def _version(code="RIN_LAV_SUB"):
    return services.version_of(services.procedure_by_code(code))


def _codes(checklist: Checklist) -> list[str]:
    return [item.code for item in checklist.items]


def test_answers_choose_the_items_and_the_fees(db, case):
    plain = services.start_checklist(case, _version(), {}, "ar")
    assert "UNILAV" in _codes(plain) and "CONTRATTO_SOGGIORNO" not in _codes(plain)
    assert "INPS_DOMESTICO" not in _codes(plain) and "FIGLI_U14" not in _codes(plain)
    fees = services.fees_for(services.content_of(plain), plain.answers)
    assert fees.total == Decimal("116.46") and fees.complete  # 16 + 30.46 + 40 + 30

    answers = {"hired_before_2011": True, "domestic_worker": True, "permit_over_1y": True}
    other = services.start_checklist(case, _version(), answers, "ar")
    assert "CONTRATTO_SOGGIORNO" in _codes(other) and "UNILAV" not in _codes(other)
    assert {"INPS_DOMESTICO", "DICH_DATORE"} <= set(_codes(other))
    assert services.fees_for(services.content_of(other), other.answers).total == Decimal("126.46")
    minor = services.start_checklist(case, _version(), {"minor": True, "permit_over_1y": True}, "ar")
    assert services.fees_for(services.content_of(minor), minor.answers).total == Decimal("76.46")

    eu = services.start_checklist(case, _version("UE_LP"), {"international_protection": True}, "it")
    assert "TEST_A2" not in _codes(eu) and "REDDITI_UELP" not in _codes(eu)
    assert services.fees_for(services.content_of(eu), eu.answers).total == Decimal("76.46")
    municipal = services.fees_for(
        services.content_of(services.start_checklist(case, _version("IDONEITA"), {}, "it")), {}
    )
    assert municipal.total == Decimal("32.00") and not municipal.complete  # 2 stamps + a local fee


def test_renewal_window_is_60_days_each_side(person):
    start, end = services.renewal_window(person)
    assert start == person.permit_expires_on - timedelta(days=60)
    assert end == person.permit_expires_on + timedelta(days=60)


def test_operator_makes_a_checklist_and_ticks_documents(client, login_as, db, case, desk):
    login_as(Role.OPERATOR, language="en")
    page = client.get(f"/permits/cases/{case.id}/new")
    assert "Rinnovo del permesso di soggiorno per lavoro subordinato" in text_of(page)
    response = client.post(
        f"/permits/cases/{case.id}/new?procedure=RIN_LAV_SUB",
        data={"language": "ar", "q_domestic_worker": "y"},
    )
    assert response.status_code == 302
    checklist = db.session.scalars(sa.select(Checklist).order_by(Checklist.id.desc())).first()
    assert checklist.language == "ar" and checklist.answers["domestic_worker"] is True
    assert checklist.items_total == len(checklist.items) and checklist.items_ready == 0
    item = checklist.items[0]
    done = client.post(
        f"/permits/checklists/{checklist.id}/items/{item.id}",
        data={
            f"i{item.id}-status": "verified",
            f"i{item.id}-note": "Originale visto",
            f"i{item.id}-version": item.version,
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    checklist = db.session.get(Checklist, checklist.id)
    assert checklist.items_ready == 1 and checklist.items[0].status is ItemStatus.VERIFIED
    assert checklist.version == 1  # ticking a document does not make the checklist's own form stale
    page = text_of(client.get(f"/permits/checklists/{checklist.id}"))
    assert "1 of" in page
    home = text_of(client.get("/"))
    assert "Fatima Benali" in home

    # A form loaded before that change is refused and keeps what was typed.
    stale = client.post(
        f"/permits/checklists/{checklist.id}/items/{item.id}",
        data={f"i{item.id}-status": "to_bring", f"i{item.id}-note": "typed meanwhile", f"i{item.id}-version": "1"},
    )
    assert stale.status_code == 409 and "typed meanwhile" in stale.get_data(as_text=True)
    bad_language = client.post(
        f"/permits/cases/{case.id}/new?procedure=RIN_LAV_SUB", data={"language": "xx", "q_minor": "y"}
    )
    html = bad_language.get_data(as_text=True)
    assert bad_language.status_code == 422 and 'id="language-error"' in html
    assert re.search(r'<input(?=[^>]*name="q_minor")(?=[^>]*checked)', html)  # what was ticked stays ticked


def test_changing_answers_adds_and_removes_items(db, case):
    checklist = services.start_checklist(case, _version(), {}, "it")
    unilav = next(i for i in checklist.items if i.code == "UNILAV")
    unilav.status = ItemStatus.COLLECTED
    db.session.flush()
    services.change_answers(
        checklist, {"hired_before_2011": True, "children_under_14": True}, version=checklist.version
    )
    codes = _codes(checklist)
    assert "CONTRATTO_SOGGIORNO" in codes and "FIGLI_U14" in codes
    # Something was done with it: kept, marked not needed, and out of the counts.
    assert unilav.status is ItemStatus.NOT_APPLICABLE
    assert checklist.items_total == len([i for i in checklist.items if i.status is not ItemStatus.NOT_APPLICABLE])


def test_a_closed_case_takes_no_checklist(client, login_as, db, case):
    case_services.change_status(case, "close", reason="moved", note="", on=today(), version=case.version)
    db.session.commit()
    login_as(Role.OPERATOR, language="en")
    response = client.post(f"/permits/cases/{case.id}/new?procedure=RIN_LAV_SUB", data={"language": "it"})
    assert response.status_code == 422 and "closed" in text_of(response)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed object streams inflated, to look for catalog entries."""
    import zlib

    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def _pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout


def test_checklist_pdf_has_the_first_name_and_reference_only(client, login_as, db, case, tmp_path):
    checklist = services.start_checklist(case, _version(), {}, "ar")
    checklist.items[0].note = "nota interna riservata"
    checklist.filing_note = "codice prenotazione 1234"
    db.session.commit()
    login_as(Role.OPERATOR)
    response = client.get(f"/permits/checklists/{checklist.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data, tmp_path)
    squashed = re.sub(r"\s+", "", text)
    assert "Fatima" in text and case.reference in text
    assert "Benali" not in text and "1990" not in text
    assert "riservata" not in text and "1234" not in squashed
    assert "Pagina1di" in squashed  # page numbers, Italian beside Arabic
    from babel.dates import format_date

    # Dates under each Arabic line are written the Italian way.
    assert "Creatoil" + format_date(today(), "long", locale="it").replace(" ", "") in squashed
    info = _pdf_info(response.data, tmp_path)
    assert "Title:" in info and "Rinnovo del permesso" in info
    assert b"/Lang (ar)" in _pdf_objects(response.data)
    assert db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Checklist", AuditEntry.action == Action.DOWNLOAD)
    ).first()


# Scripts whose text comes back out of the PDF exactly (shared/domain/languages.md).
# Invisible format characters (direction marks, joiners) have no glyph to extract.
BIDI_MARKS = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HARAKAT = re.compile("[\u064b-\u065f\u0670]")
FAITHFUL = ("it", "en", "fr", "es", "sq", "ro", "fil", "wo", "so", "uk", "ru", "ar", "fa", "ur", "zh", "ti")


def test_every_procedure_renders_in_every_language(app, db, tmp_path):
    from sportello.core.languages import CONTENT_LANGUAGE_CODES

    entries = services.procedures()
    assert len(entries) == 10
    for index, language in enumerate(CONTENT_LANGUAGE_CODES):
        for entry in entries:
            html = documents.render_html(documents.leaflet_document(entry.version, language))
            assert f'lang="{language}"' in html and entry.content.title in html
        # One PDF per language, the procedures taking turns.
        entry = entries[index % len(entries)]
        doc = documents.leaflet_document(entry.version, language)
        data = documents.render(doc)
        assert data.startswith(b"%PDF")
        if language in FAITHFUL:
            extracted = HARAKAT.sub("", BIDI_MARKS.sub("", _pdf_text(data, tmp_path)))
            squashed = re.sub(r"\s+", "", extracted)
            for item in doc.items:
                if doc.direction == "rtl":
                    # Right-to-left runs with Latin words inside come out run by run: every
                    # word is there, exactly, but the runs may be in another order.
                    # Vowel marks may come out in another order around their letter.
                    for word in HARAKAT.sub("", BIDI_MARKS.sub("", item.text.text)).split():
                        assert word.strip("()،,.;:") in squashed, (language, word)
                else:
                    assert re.sub(r"\s+", "", BIDI_MARKS.sub("", item.text.text)) in squashed, (
                        language,
                        item.text.text,
                    )


def test_a_missing_translation_falls_back_visibly(db):
    from sportello.permits.models import ContentString, ContentTranslation, string_hash

    source = _version().content["title"]
    string = db.session.scalars(sa.select(ContentString).where(ContentString.key == string_hash("", source))).one()
    db.session.execute(
        sa.delete(ContentTranslation).where(
            ContentTranslation.string_id == string.id, ContentTranslation.language == "ti"
        )
    )
    text = Translator("ti", [source])(source)
    assert text.is_fallback and text.language == "en" and text.text
    db.session.execute(
        sa.delete(ContentTranslation).where(
            ContentTranslation.string_id == string.id, ContentTranslation.language == "en"
        )
    )
    text = Translator("ti", [source])(source)
    assert text.language == "it" and text.text == source
    html = documents.render_html(documents.leaflet_document(_version(), "ti"))
    assert "[IT]" in html


# ---- the person's link -----------------------------------------------------------------------------


def _link(db, case, **values) -> tuple[Checklist, ChecklistLink, str]:
    checklist = services.start_checklist(case, _version(), {}, "ar")
    checklist.items[0].note = "nota interna riservata"
    link = services.create_link(checklist, 90)
    for key, value in values.items():
        setattr(link, key, value)
    db.session.commit()
    return checklist, link, services.token_for(link)


def test_the_public_page_shows_no_personal_data_beyond_the_first_name(client, db, case):
    _, link, token = _link(db, case)
    response = client.get(f"/l/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and "Fatima" in html
    for private in ("Benali", "1990", "riservata", "fatima@example.org", "3331234567"):
        assert private not in html
    assert response.headers["Cache-Control"] == "private, no-store"
    switched = client.get(f"/l/{token}?lang=zh")
    assert 'lang="zh"' in switched.get_data(as_text=True)
    pdf = client.get(f"/l/{token}/pdf?lang=it")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    db.session.expire_all()
    assert db.session.get(ChecklistLink, link.id).opened_count == 3
    openings = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "ChecklistLink", AuditEntry.object_id == link.id)
    ).all()
    assert {e.action for e in openings} >= {Action.VIEW, Action.DOWNLOAD, Action.CREATE}
    assert all(e.actor_label == "public link" for e in openings if e.action is not Action.CREATE)


def test_tampered_expired_and_revoked_links_say_so(client, db, case, make_user, desk):
    _, link, token = _link(db, case)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.get(f"/l/{forged}").status_code == 404
    assert client.get("/l/not-a-token").status_code == 404
    # A validly signed token for a link that does not exist is refused too.
    from itsdangerous import URLSafeSerializer

    other = URLSafeSerializer("testing-secret", salt="sportello-checklist-link").dumps({"l": link.id, "n": "0" * 32})
    assert client.get(f"/l/{other}").status_code == 404

    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/l/{token}")
    assert expired.status_code == 410
    assert 'lang="ar"' in expired.get_data(as_text=True) and "scaduto" in expired.get_data(as_text=True)

    link.expires_at = utcnow() + timedelta(days=1)
    services.revoke_link(link, make_user(Role.OPERATOR, [desk]))
    db.session.commit()
    revoked = client.get(f"/l/{token}/pdf")
    assert revoked.status_code == 410 and "non è più attivo" in revoked.get_data(as_text=True)


def test_public_links_are_rate_limited(app, client, db, case):
    from sportello.extensions import limiter

    _, _, token = _link(db, case)
    limiter.reset()
    app.config["PUBLIC_LINK_RATE_LIMIT"] = "2 per minute"
    try:
        assert client.get(f"/l/{token}").status_code == 200
        assert client.get(f"/l/{token}").status_code == 200
        limited = client.get(f"/l/{token}?lang=fr")
        assert limited.status_code == 429 and 'lang="fr"' in limited.get_data(as_text=True)
    finally:
        app.config["PUBLIC_LINK_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()


def test_link_shared_on_whatsapp_and_by_email(app, client, login_as, db, case):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    checklist, link, token = _link(db, case)
    login_as(Role.OPERATOR)
    page = client.get(f"/permits/checklists/{checklist.id}").get_data(as_text=True)
    assert "https://wa.me/393331234567?text=" in page and token in page

    no_mail = client.post(f"/permits/checklists/{checklist.id}/links/{link.id}/email", data={"email": "a@example.org"})
    assert no_mail.status_code == 422

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        bad = client.post(f"/permits/checklists/{checklist.id}/links/{link.id}/email", data={"email": "not an address"})
        assert bad.status_code == 422 and "not an address" in bad.get_data(as_text=True)
        sent = client.post(f"/permits/checklists/{checklist.id}/links/{link.id}/email", data={"email": "f@example.org"})
        assert sent.status_code == 302
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)
        controller.stop()
    assert len(received) == 1
    body = received[0].get_payload(decode=True).decode()
    assert token in body and "Ciao Fatima" in body and received[0]["To"] == "f@example.org"
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.SEND)).first()


def test_leaflets_command_writes_every_language(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["permits", "leaflets", "--lang", "it,ur", "--procedure", "RICONG", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ur" / "ricong-ur.pdf").read_bytes().startswith(b"%PDF")
    assert "2 leaflets written" in result.output
    wrong = runner.invoke(args=["permits", "leaflets", "--lang", "xx", "--out", str(tmp_path)])
    assert wrong.exit_code != 0 and "unknown language" in wrong.output


def test_case_page_shows_its_checklists(client, login_as, db, case):
    services.start_checklist(case, _version("UE_LP"), {}, "ar")
    db.session.commit()
    login_as(Role.OPERATOR)
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Permesso di soggiorno UE per soggiornanti di lungo periodo" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) >= 1
