"""Content translation screens: coverage, lists, editing with review status, conflicts, who may
translate which language, and PO export and import."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po, write_po
from markupsafe import escape

from sportello.auth.models import User
from sportello.core.audit import Action, AuditEntry
from sportello.core.roles import Role
from sportello.extensions import db as _db
from sportello.permits import translations
from sportello.permits.models import ContentString, ContentTranslation, TranslationStatus
from tests.conftest import text_of

BASE = "/permits/translations"


def _translation(db, string_id: int, language: str) -> ContentTranslation | None:
    db.session.expire_all()
    return translations.find_translation(string_id, language)


def _count(db, language: str, status: TranslationStatus | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(ContentTranslation).where(ContentTranslation.language == language)
    if status is not None:
        query = query.where(ContentTranslation.status == status)
    return db.session.scalar(query)


def _total(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ContentString))


@pytest.fixture(autouse=True)
def somali_untranslated(db):
    """These tests start from a language with nothing translated yet: Somali, emptied."""
    db.session.execute(sa.delete(ContentTranslation).where(ContentTranslation.language == "so"))
    db.session.commit()


@pytest.fixture
def with_english(db):
    """A procedure text (no context) translated into English, with no Somali translation."""
    return db.session.scalars(
        sa.select(ContentString)
        .join(ContentTranslation, ContentTranslation.string_id == ContentString.id)
        .where(ContentTranslation.language == "en", ContentString.context == "", ~ContentString.source.contains("{"))
        .order_by(ContentString.id)
    ).first()


@pytest.fixture
def with_placeholders(db):
    """A document label with a placeholder in braces."""
    return db.session.scalars(
        sa.select(ContentString).where(ContentString.source.contains("{")).order_by(ContentString.id)
    ).first()


def _edit(client, string, language="fr", **data):
    current = translations.find_translation(string.id, language)
    values = {"text": "Un texte", "version": current.version if current else translations.NEW, **data}
    if not values.get("reviewed"):
        values.pop("reviewed", None)
    return client.post(f"{BASE}/{language}/{string.id}", data=values)


# ---- coverage and lists ------------------------------------------------------------------------


def test_coverage_counts_every_language_but_italian_in_two_queries(client, login_as, db, make_user, with_english):
    login_as(Role.OPERATOR, language="en")
    reviewer = make_user(Role.ADMIN, [])
    french_one = translations.find_translation(with_english.id, "fr")
    translations.save_translation(with_english, "fr", reviewer, "Revu", True, version=french_one.version)
    db.session.commit()
    total = _total(db)
    statements = []

    def counted(conn, cursor, statement, *args):
        statements.append(statement)

    connection = db.session.connection()
    sa.event.listen(connection, "before_cursor_execute", counted)
    try:
        rows = translations.coverage()
    finally:
        sa.event.remove(connection, "before_cursor_execute", counted)
    assert len(statements) == 2, statements
    assert [r.language for r in rows] == list(translations.TARGET_LANGUAGES)
    assert "it" not in translations.TARGET_LANGUAGES and len(rows) == 19
    french = next(r for r in rows if r.language == "fr")
    assert french.total == total
    assert french.reviewed == _count(db, "fr", TranslationStatus.REVIEWED) == 1
    assert french.draft == _count(db, "fr", TranslationStatus.DRAFT) > 0
    assert french.missing == total - _count(db, "fr")
    somali = next(r for r in rows if r.language == "so")
    assert somali.missing == total - _count(db, "so") and somali.translated == _count(db, "so")

    response = client.get(f"{BASE}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = re.search(r'<tr id="lang-fr">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:3] == [str(french.reviewed), str(french.draft), str(french.missing)]
    assert f'<progress class="checklist-progress translation-progress" value="{french.translated}" max="{total}"' in row
    assert f"{BASE}/fr/export.po" in row and "French" in row and 'lang="fr"' in row
    assert 'id="lang-it"' not in html


def test_list_filters_by_status_and_text(client, login_as, db, with_english, make_user):
    login_as(Role.OPERATOR, language="en")
    reviewer = make_user(Role.ADMIN, [])
    strings = db.session.scalars(
        sa.select(ContentString).where(~ContentString.source.contains("{")).order_by(ContentString.id).limit(3)
    ).all()
    for string, reviewed in zip(strings, (False, False, True), strict=True):
        translations.save_translation(string, "so", reviewer, f"Qoraal {string.id}", reviewed, version=translations.NEW)
    db.session.commit()
    assert "2 records" in text_of(client.get(f"{BASE}/so?status=draft"))
    reviewed_page = text_of(client.get(f"{BASE}/so?status=reviewed"))
    assert "1 record" in reviewed_page and f"Qoraal {strings[2].id}" in reviewed_page
    assert f"by {reviewer.name} on" in reviewed_page
    missing = text_of(client.get(f"{BASE}/so?status=missing"))
    assert f"{_total(db) - 3} records" in missing and "Qoraal" not in missing
    assert "No text matches these filters." in text_of(client.get(f"{BASE}/fr?status=reviewed"))
    everything = client.get(f"{BASE}/fr?status=all")
    assert f"{_total(db)} records" in text_of(everything)
    assert f"{BASE}/fr?status=all&amp;page=2" in everything.get_data(as_text=True)  # the pager keeps the language

    # The text is searched in the Italian source and the English text; LIKE wildcards are literal.
    english = _translation(db, with_english.id, "en").text
    found = client.get(f"{BASE}/fr", query_string={"q": with_english.source[:30]})
    assert f'id="s{with_english.id}"' in found.get_data(as_text=True)
    found = client.get(f"{BASE}/fr", query_string={"q": english[:30]})
    assert f'id="s{with_english.id}"' in found.get_data(as_text=True)
    assert "No text matches" in text_of(client.get(f"{BASE}/fr", query_string={"q": "%%%"}))

    assert client.get(f"{BASE}/fr?status=nonsense").status_code == 422
    assert client.get(f"{BASE}/xx").status_code == 404
    assert client.get(f"{BASE}/it").status_code == 404  # the source language is not translated


def test_a_missing_translation_shows_its_fallback_marked_never_blank(client, login_as, db, with_english):
    login_as(Role.OPERATOR, language="en")
    assert _translation(db, with_english.id, "so") is None
    english = _translation(db, with_english.id, "en").text
    html = client.get(f"{BASE}/so", query_string={"status": "missing", "q": with_english.source[:30]}).get_data(
        as_text=True
    )
    row = re.search(rf'<tr id="s{with_english.id}">(.*?)</tr>', html, re.S).group(1)
    translated_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
    assert "English shown" in translated_cell and str(escape(english)) in translated_cell
    assert "Missing" in translated_cell

    # Without English either, the Italian source is shown, marked.
    db.session.delete(_translation(db, with_english.id, "en"))
    db.session.commit()
    html = client.get(f"{BASE}/so", query_string={"q": with_english.source[:30]}).get_data(as_text=True)
    row = re.search(rf'<tr id="s{with_english.id}">(.*?)</tr>', html, re.S).group(1)
    assert "Italian shown" in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]


# ---- editing -----------------------------------------------------------------------------------


def test_edit_saves_a_draft_then_review_records_who_and_when(client, login_as, db, with_english):
    user = login_as(Role.COORDINATOR, language="en", review_languages=["so"])
    page = client.get(f"{BASE}/so/{with_english.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert str(escape(with_english.source)) in html and f'value="{translations.NEW}"' in html
    assert 'lang="so"' in html and "English shown" in html

    response = _edit(client, with_english, "so", text="Qoraal  cusub ")
    assert response.status_code == 302 and response.location.endswith(f"/so#s{with_english.id}")
    saved = _translation(db, with_english.id, "so")
    assert saved.text == "Qoraal  cusub " and saved.status is TranslationStatus.DRAFT and saved.reviewed_by_id is None
    created = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "ContentTranslation", AuditEntry.object_id == saved.id)
    ).one()
    assert created.action is Action.CREATE and created.changes["status"] == [None, "draft"]
    assert created.object_label.startswith("so · ")

    response = _edit(client, with_english, "so", text="Qoraal cusub", reviewed="y")
    assert response.status_code == 302
    saved = _translation(db, with_english.id, "so")
    assert saved.status is TranslationStatus.REVIEWED and saved.reviewed_by_id == user.id and saved.reviewed_at
    updated = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_id == saved.id,
            AuditEntry.object_type == "ContentTranslation",
            AuditEntry.action == Action.UPDATE,
        )
    ).one()
    assert updated.changes["status"] == ["draft", "reviewed"] and updated.changes["reviewed_by_id"] == [None, user.id]
    row = text_of(client.get(f"{BASE}/so?status=reviewed"))
    assert "Qoraal cusub" in row and f"Reviewed by {user.name} on" in row

    # Saving again without "reviewed" makes it a draft: the review no longer holds.
    assert _edit(client, with_english, "so", text="Qoraal cusub").status_code == 302
    saved = _translation(db, with_english.id, "so")
    assert saved.status is TranslationStatus.DRAFT and saved.reviewed_by_id is None and saved.reviewed_at is None


def test_placeholders_must_match_and_the_typed_text_is_kept(client, login_as, db, with_placeholders):
    login_as(Role.ADMIN, language="en")
    typed = "Texte sans le bon {nom}"
    response = _edit(client, with_placeholders, "fr", text=typed, reviewed="y")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'id="text-error">([^<]*)<', html).group(1)
    assert "Keep the words in braces exactly as in the Italian text" in error
    assert "{" + sorted(translations.content.placeholders(with_placeholders.source))[0] + "}" in error
    assert f"{escape(typed)}</textarea>" in html and 'aria-invalid="true"' in html
    assert re.search(r"<input[^>]*checked[^>]*id=\"reviewed\"", html)  # the box ticked stays ticked

    # Braces in a text without placeholders, an unbalanced brace, blank, too long, hidden characters.
    plain = _db.session.scalars(
        sa.select(ContentString).where(~ContentString.source.contains("{")).order_by(ContentString.id)
    ).first()
    for text, message in [
        ("Texte {x}", "has no words in braces"),
        ("Texte {", "has no words in braces"),
        ("   ", "Enter the translation."),
        ("x" * 5001, "at most 5000 characters"),
        ("Texte \u202egauche", "invisible control or text-direction characters"),
    ]:
        response = _edit(client, plain, "fr", text=text)
        assert response.status_code == 422, text
        assert message in text_of(response), text
    assert (
        _translation(db, with_placeholders.id, "fr") is None
        or _translation(db, with_placeholders.id, "fr").text != typed
    )


def test_a_stale_edit_shows_both_versions_and_keeps_mine(client, login_as, db, make_user, desk):
    login_as(Role.MEDIATOR, language="en", review_languages=["fr"])
    translation = db.session.scalars(
        sa.select(ContentTranslation)
        .join(ContentString)
        .where(ContentTranslation.language == "fr", ~ContentString.source.contains("{"))
        .order_by(ContentTranslation.id)
    ).first()
    string = translation.string
    loaded_version = translation.version
    # Someone else saves first.
    other = make_user(Role.ADMIN, [])
    translations.save_translation(string, "fr", other, "Leur version", True, version=loaded_version)
    db.session.commit()

    response = client.post(f"{BASE}/fr/{string.id}", data={"text": "Ma version", "version": loaded_version})
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone else saved this record while you were editing it." in text
    assert "Ma version" in text and "Leur version" in text
    assert _translation(db, string.id, "fr").text == "Leur version"
    # The form now carries the saved version: saving again keeps mine, knowingly.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', response.get_data(as_text=True)).group(1)
    assert client.post(f"{BASE}/fr/{string.id}", data={"text": "Ma version", "version": version}).status_code == 302
    assert _translation(db, string.id, "fr").text == "Ma version"


def test_two_people_adding_the_same_missing_translation_do_not_overwrite(
    client, login_as, db, with_english, monkeypatch
):
    login_as(Role.ADMIN, language="en")
    assert _translation(db, with_english.id, "so") is None
    # Added by someone else after my form was loaded (it says: no translation yet).
    db.session.add(
        ContentTranslation(string_id=with_english.id, language="so", text="Koowaad", status=TranslationStatus.DRAFT)
    )
    db.session.commit()
    response = client.post(f"{BASE}/so/{with_english.id}", data={"text": "Labaad", "version": translations.NEW})
    assert response.status_code == 409
    assert "Koowaad" in text_of(response) and "Labaad" in text_of(response)
    assert _translation(db, with_english.id, "so").text == "Koowaad"

    # At the very same moment: both saw no row, the second insert meets the unique constraint.
    other = db.session.scalars(
        sa.select(ContentString)
        .where(ContentString.id != with_english.id, ~ContentString.source.contains("{"))
        .order_by(ContentString.id)
    ).first()
    db.session.add(
        ContentTranslation(string_id=other.id, language="so", text="Koowaad", status=TranslationStatus.DRAFT)
    )
    db.session.commit()
    real = translations.find_translation
    calls = []

    def not_yet(string_id, language):
        calls.append(string_id)
        return None if len(calls) == 1 else real(string_id, language)

    monkeypatch.setattr(translations, "find_translation", not_yet)
    response = client.post(f"{BASE}/so/{other.id}", data={"text": "Labaad", "version": translations.NEW})
    assert response.status_code == 409 and "Koowaad" in text_of(response) and "Labaad" in text_of(response)
    monkeypatch.undo()
    assert _translation(db, other.id, "so").text == "Koowaad"


# ---- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "languages", "allowed"),
    [
        (Role.ADMIN, [], True),
        (Role.COORDINATOR, ["fr"], True),
        (Role.COORDINATOR, ["ar"], False),
        (Role.MEDIATOR, ["fr"], True),
        (Role.MEDIATOR, [], False),
        (Role.OPERATOR, ["fr"], False),  # operators read only, whatever their account says
    ],
)
def test_who_may_edit_and_import_a_language(client, login_as, db, with_english, role, languages, allowed):
    user = login_as(role, language="en", review_languages=languages)
    assert translations.can_translate(user, "fr") is allowed
    assert client.get(f"{BASE}/").status_code == 200
    listing = client.get(f"{BASE}/fr")
    assert listing.status_code == 200
    edit_url = f"{BASE}/fr/{with_english.id}"
    assert (edit_url in listing.get_data(as_text=True)) is allowed
    assert ("Import a PO file" in text_of(listing)) is allowed
    expected = 200 if allowed else 403
    assert client.get(edit_url).status_code == expected
    assert _edit(client, with_english, "fr", text="Bonjour").status_code == (302 if allowed else 403)
    upload = {"file": (io.BytesIO(b"garbage"), "fr.po")}
    assert client.post(f"{BASE}/fr/import", data=upload).status_code == (422 if allowed else 403)
    assert client.get(f"{BASE}/fr/export.po").status_code == 200


def test_mediators_reach_the_translations_and_nothing_else_of_permits(client, login_as):
    login_as(Role.MEDIATOR, language="en", review_languages=["ar"])
    home = client.get("/").get_data(as_text=True)
    assert f'href="{BASE}/"' in home and 'href="/permits/"' not in home
    assert client.get("/permits/").status_code == 403
    page = client.get(f"{BASE}/")
    assert page.status_code == 200 and "Permit procedures" not in text_of(page)


def test_staff_find_the_screen_from_the_procedures_and_the_admin_index(client, login_as):
    login_as(Role.COORDINATOR, language="en")
    assert f'href="{BASE}/"' in client.get("/permits/").get_data(as_text=True)
    assert f'href="{BASE}/"' in client.get("/admin/").get_data(as_text=True)


# ---- PO files ----------------------------------------------------------------------------------


def _catalog(data: bytes):
    return read_po(io.BytesIO(data))


def _po_bytes(catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100)
    return out.getvalue()


def test_export_then_import_round_trip(client, login_as, db, with_english, with_placeholders):
    user = login_as(Role.MEDIATOR, language="en", review_languages=["fr"])
    response = client.get(f"{BASE}/fr/export.po")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="sportello-content-fr.po"'
    exported = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.DOWNLOAD)).first()
    assert exported.actor_id == user.id and exported.changes["language"] == [None, "fr"]
    catalog = _catalog(response.data)
    assert len([m for m in catalog if m.id]) == _total(db)
    # One French text is missing: the file has it untranslated.
    db.session.delete(_translation(db, with_english.id, "fr"))
    db.session.commit()
    catalog = _catalog(client.get(f"{BASE}/fr/export.po").data)
    assert catalog.get(with_english.source).string == ""
    drafts_before = _count(db, "fr", TranslationStatus.DRAFT)

    # Unchanged, the file changes nothing.
    response = client.post(f"{BASE}/fr/import", data={"file": (io.BytesIO(_po_bytes(catalog)), "fr.po")})
    assert response.status_code == 200
    assert re.search(r"Translations added or changed\s*0\s*Unchanged\s*" + str(_count(db, "fr")), text_of(response))

    # The translator fills in a missing text, corrects a placeholder wrongly, and vouches for the file.
    message = catalog.get(with_english.source)
    message.string = "Texte importé"
    message.flags.discard("fuzzy")
    label = catalog.get(with_placeholders.source, context=with_placeholders.context or None)
    label.string = "Sans paramètre"
    catalog.add("Un texte que Sportello non ha", "Un texte inconnu")
    response = client.post(
        f"{BASE}/fr/import", data={"file": (io.BytesIO(_po_bytes(catalog)), "fr.po"), "reviewed": "y"}
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "Translations added or changed 1" in text
    assert "Un texte que Sportello non ha" in text  # unknown, listed
    assert "Sans paramètre" in text and "The words in braces must be exactly those of the Italian text." in text
    saved = _translation(db, with_english.id, "fr")
    assert (
        saved.text == "Texte importé" and saved.status is TranslationStatus.REVIEWED and saved.reviewed_by_id == user.id
    )
    assert _count(db, "fr", TranslationStatus.DRAFT) == drafts_before  # fuzzy entries stay drafts
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.IMPORT)).all()
    assert len(entries) == 2 and entries[-1].changes["updated"] == [None, 1]
    assert (
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.object_type == "ContentTranslation", AuditEntry.object_id == saved.id
            )
        )
        .one()
        .action
        is Action.CREATE
    )

    # Exported again, the reviewed text is not fuzzy; importing it without "reviewed" keeps the review.
    again = _catalog(client.get(f"{BASE}/fr/export.po").data)
    assert "fuzzy" not in again.get(with_english.source).flags
    response = client.post(f"{BASE}/fr/import", data={"file": (io.BytesIO(_po_bytes(again)), "fr.po")})
    assert "Translations added or changed 0" in text_of(response)
    assert _translation(db, with_english.id, "fr").status is TranslationStatus.REVIEWED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a PO file at all", "This is not a PO file, or it is damaged"),
        (b"\xff\xfe\x00 binary", "not a PO file in UTF-8"),
        (b"", "Choose the PO file to import."),
        (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n', "This PO file holds no texts."),
        (b'msgid ""\nmsgstr ""\n"Language: ar\\n"\n\nmsgid "Ciao"\nmsgstr "x"\n', "This file is for the language ar"),
    ],
)
def test_import_of_a_bad_file_says_why_at_the_field(client, login_as, db, data, message):
    login_as(Role.ADMIN, language="en")
    name = "fr.po" if data else ""
    response = client.post(f"{BASE}/fr/import", data={"file": (io.BytesIO(data), name)})
    assert response.status_code == 422
    error = re.search(r'id="file-error">([^<]*)<', response.get_data(as_text=True))
    assert error and message in error.group(1)


def test_import_of_a_file_over_2_mb_is_refused(client, login_as, db):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    login_as(Role.ADMIN, language="en")
    data = b'msgid "x"\nmsgstr "y"\n' + b"#" * (2 * 1024 * 1024)
    # Encoded in memory: the test client would spool a body this large to a temporary file.
    boundary, body = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(data), "fr.po")}))
    response = client.post(f"{BASE}/fr/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and "A PO file can be at most 2 MB." in text_of(response)


# ---- the languages on a person's account -------------------------------------------------------


def test_admin_sets_the_languages_a_person_translates(client, login_as, make_user, db, desk):
    login_as(Role.ADMIN, language="en")
    mediator = make_user(Role.MEDIATOR, [desk])
    db.session.commit()
    page = client.get(f"/admin/users/{mediator.id}")
    assert "Content languages this person translates and reviews" in text_of(page)
    assert 'type="checkbox"' in page.get_data(
        as_text=True
    ) and 'name="review_languages" type="checkbox" value="it"' not in page.get_data(as_text=True)
    data = {
        "name": mediator.name,
        "email": mediator.email,
        "role": "mediator",
        "desks": [desk.id],
        "language": "",
        "review_languages": ["ti", "ar"],
        "version": mediator.version,
    }
    assert client.post(f"/admin/users/{mediator.id}", data=data).status_code == 302
    db.session.expire_all()
    mediator = db.session.get(User, mediator.id)
    assert mediator.review_languages == ["ar", "ti"]
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "User", AuditEntry.object_id == mediator.id)
    ).one()
    assert entry.changes["review_languages"] == [[], ["ar", "ti"]]
    checked = client.get(f"/admin/users/{mediator.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="ar"|<input[^>]*value="ar"[^>]*checked', checked)

    response = client.post(
        f"/admin/users/{mediator.id}", data={**data, "review_languages": ["xx"], "version": mediator.version}
    )
    assert response.status_code == 422 and "is not a valid choice" in text_of(response)
