"""Editing procedures: every save is a new version, checklists keep theirs, stale saves are refused."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from sportello.cases import services as case_services
from sportello.core.audit import Action, AuditEntry
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import today
from sportello.core.roles import Role
from sportello.permits import documents, services
from sportello.permits.content import ProcedureContent
from sportello.permits.models import (
    ContentString,
    ContentTranslation,
    Procedure,
    ProcedureVersion,
    TranslationStatus,
    string_hash,
)
from tests.conftest import text_of

CODE = "RIN_LAV_SUB"
URL = f"/permits/procedures/{CODE}/edit"
OLD_TEXT = "Modulo 1 e Modulo 2 del kit postale, compilati e firmati"
NEW_TEXT = "Modulo 1 e Modulo 2 del kit postale (edizione 2027), compilati e firmati"


def procedure(db) -> Procedure:
    db.session.expire_all()
    return services.procedure_by_code(CODE)


def latest(db) -> ProcedureVersion:
    return services.version_of(procedure(db))


def form_data(version: ProcedureVersion, **values) -> dict:
    """What the edit page posts when nothing is changed, with ``values`` on top."""
    content = ProcedureContent.of(version.content)
    data: dict = {
        "title": content.title,
        "renewal": "y" if content.renewal else "",
        "legal_basis": content.legal_basis,
        "steps": "\n".join(content.steps),
        "requirements": "\n".join(content.requirements),
        "deadlines": "\n".join(content.deadlines),
        "change_note": "",
        "base": str(version.number),
    }
    if not content.renewal:
        del data["renewal"]
    for n, item in enumerate(content.items):
        data |= {f"items-{n}-code": item.code, f"items-{n}-text": item.text, f"items-{n}-note": item.note}
        data[f"items-{n}-when"] = list(item.rule.when)
        data[f"items-{n}-unless"] = list(item.rule.unless)
    for n, fee in enumerate(content.fees):
        data |= {
            f"fees-{n}-code": fee.code,
            f"fees-{n}-text": fee.label,
            f"fees-{n}-amount": "" if fee.amount is None else str(fee.amount),
            f"fees-{n}-quantity": str(fee.quantity),
            f"fees-{n}-when": list(fee.rule.when),
            f"fees-{n}-unless": list(fee.rule.unless),
        }
    for n, question in enumerate(content.questions):
        data |= {f"questions-{n}-code": question.code, f"questions-{n}-text": question.text}
    data |= values
    return data


def index_of(version: ProcedureVersion, kind: str, code: str) -> int:
    rows = version.content[kind]
    return next(n for n, row in enumerate(rows) if row["code"] == code)


def the_edit(version: ProcedureVersion, **values) -> dict:
    """A typical edit: a reworded item, a new item, an item removed, a fee amount changed."""
    modules = index_of(version, "items", "MODULI")
    photos = index_of(version, "items", "FOTO")
    pse = index_of(version, "fees", "PSE")
    n = len(version.content["items"])
    return form_data(
        version,
        **{
            f"items-{modules}-text": NEW_TEXT,
            f"items-{photos}-remove": "y",
            f"items-{n}-text": "Certificato medico di idoneità al lavoro",
            f"items-{n}-note": "Solo se il datore lo chiede.",
            f"items-{n}-when": ["domestic_worker"],
            f"fees-{pse}-amount": "32,00",
            "change_note": "Nuovo modulo 2027; il bollettino costa 32 euro; le foto non servono più.",
            **values,
        },
    )


@pytest.fixture
def case(db, make_person, make_user, desk):
    person = make_person(desk, given_names="Amina", preferred_language="fr")
    user = make_user(Role.OPERATOR, [desk])
    case = case_services.open_case(
        person, desk, {"tracks": ["housing"], "opened_on": today() - timedelta(days=3)}, user
    )
    db.session.commit()
    return case


def start(db, case, language="fr"):
    checklist = services.start_checklist(case, latest(db), {}, language)
    db.session.commit()
    return checklist


# ---- a new version -------------------------------------------------------------------------------


def test_the_edit_page_shows_the_latest_version(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert OLD_TEXT in html and 'name="base" type="hidden" value="1"' in html
    assert "New document" in text_of(response) and "30.46" in html
    page = client.get(f"/permits/procedures/{CODE}").get_data(as_text=True)
    assert f'href="{URL}"' in page and f'action="/permits/procedures/{CODE}/active"' in page
    assert '<option value="fr"' in page  # the blank leaflet's languages


def test_amounts_are_read_as_desks_type_them(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    first = latest(db)
    pse, marca = index_of(first, "fees", "PSE"), index_of(first, "fees", "MARCA_BOLLO")
    extra = len(first.content["fees"])
    data = form_data(
        first,
        change_note="Importi",
        **{
            f"fees-{pse}-amount": "€ 1.032,50",
            f"fees-{marca}-amount": "",
            f"fees-{extra}-text": "Copia conforme",
            f"fees-{extra}-amount": "2.5",
            f"fees-{extra}-quantity": "3",
        },
    )
    assert client.post(URL, data=data).status_code == 302
    fees = {f.code: f for f in ProcedureContent.of(latest(db).content).fees}
    assert fees["PSE"].amount == Decimal("1032.50") and fees["MARCA_BOLLO"].amount is None
    assert fees["COPIA_CONFORME"].amount == Decimal("2.50") and fees["COPIA_CONFORME"].total == Decimal("7.50")
    assert "set locally" in text_of(client.get(f"/permits/procedures/{CODE}"))


def test_saving_makes_a_new_version_and_keeps_the_old_one(client, login_as, db):
    user = login_as(Role.COORDINATOR, language="en", name="Giulia Neri")
    first = latest(db)
    before = copy.deepcopy(first.content)

    response = client.post(URL, data=the_edit(first))
    assert response.status_code == 302, text_of(response)[:2000]
    assert response.location == f"/permits/procedures/{CODE}"

    proc = procedure(db)
    assert proc.latest_number == 2 and [v.number for v in proc.versions] == [1, 2]
    assert db.session.get(ProcedureVersion, first.id).content == before  # version 1 never changes
    second = services.version_of(proc)
    assert second.created_by_id == user.id
    assert second.change_note.startswith("Nuovo modulo 2027")
    content = ProcedureContent.of(second.content)
    assert content.item("MODULI").text == NEW_TEXT
    assert content.item("FOTO") is None
    added = content.items[-1]
    assert added.code == "CERTIFICATO_MEDICO_DI" and added.rule.when == ("domestic_worker",)
    assert added.note == "Solo se il datore lo chiede."
    assert next(f for f in content.fees if f.code == "PSE").amount == Decimal("32.00")
    # Everything not edited is carried over.
    old = ProcedureContent.of(before)
    assert content.questions == old.questions and content.sources == old.sources
    assert content.channel_title == old.channel_title and content.steps == old.steps

    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "ProcedureVersion")).one()
    assert entry.action is Action.CREATE and entry.actor_id == user.id
    assert entry.changes["number"] == [1, 2]
    assert entry.changes["fee PSE amount"] == ["30.46", "32.00"]
    assert entry.changes["item MODULI"] == [OLD_TEXT, NEW_TEXT]
    assert entry.changes["items added"][1] == [f"CERTIFICATO_MEDICO_DI: {added.text}"]
    assert entry.changes["items removed"][0][0].startswith("FOTO: ")

    page = client.get(response.location)
    text = text_of(page)
    assert "Version 2 saved" in text and NEW_TEXT in text and "€32.00" in text
    assert "Nuovo modulo 2027" in text  # in the version history
    old_page = text_of(client.get(f"/permits/procedures/{CODE}?version=1"))
    assert OLD_TEXT in old_page and "€30.46" in old_page and "An older version" in old_page


def test_a_new_item_never_takes_the_code_of_an_earlier_one(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    first = latest(db)
    photos = index_of(first, "items", "FOTO")
    data = form_data(first, **{f"items-{photos}-remove": "y", "change_note": "Foto tolte"})
    assert client.post(URL, data=data).status_code == 302
    second = latest(db)
    n = len(second.content["items"])
    data = form_data(second, **{f"items-{n}-text": "Foto", "change_note": "Foto di nuovo"})
    assert client.post(URL, data=data).status_code == 302
    codes = [i["code"] for i in latest(db).content["items"]]
    assert "FOTO" not in codes and "FOTO_2" in codes


# ---- checklists keep their version ---------------------------------------------------------------


def test_a_checklist_keeps_the_version_it_was_made_from(app, client, login_as, db, case):
    old_checklist = start(db, case)
    login_as(Role.COORDINATOR, language="en")
    assert client.post(URL, data=the_edit(latest(db))).status_code == 302
    new_checklist = start(db, case)
    assert old_checklist.procedure_version.number == 1 and new_checklist.procedure_version.number == 2

    old_page = text_of(client.get(f"/permits/checklists/{old_checklist.id}"))
    assert "Made from version 1" in old_page and "A newer version exists." in old_page
    assert OLD_TEXT in old_page and NEW_TEXT not in old_page and "€30.46" in old_page and "€32.00" not in old_page
    assert "4 fototessere" in old_page and "Certificato medico" not in old_page
    new_page = text_of(client.get(f"/permits/checklists/{new_checklist.id}"))
    assert "Made from version 2" in new_page and "A newer version exists." not in new_page
    assert NEW_TEXT in new_page and "€32.00" in new_page and "€30.46" not in new_page
    assert "4 fototessere" not in new_page

    with app.test_request_context():
        old_doc = documents.render_html(documents.checklist_document(db.session.merge(old_checklist), "it"))
        new_doc = documents.render_html(documents.checklist_document(db.session.merge(new_checklist), "it"))
    assert OLD_TEXT in old_doc and "30,46" in old_doc and "32,00" not in old_doc
    assert NEW_TEXT in new_doc and "32,00" in new_doc and "30,46\xa0€" not in new_doc

    pdf = client.get(f"/permits/checklists/{old_checklist.id}/pdf?lang=it")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_a_reworded_item_falls_back_visibly_until_translated(app, client, login_as, db, case):
    login_as(Role.COORDINATOR, language="en")
    assert client.post(URL, data=the_edit(latest(db))).status_code == 302
    string = db.session.scalars(sa.select(ContentString).where(ContentString.key == string_hash("", NEW_TEXT))).one()
    assert string.translations == [] and "RIN_LAV_SUB item MODULI" in string.comment
    checklist = start(db, case, "fr")

    with app.test_request_context():
        html = documents.render_html(documents.checklist_document(db.session.merge(checklist)))
    # No translation at all: the Italian, marked.
    assert f'{NEW_TEXT} <span class="fallback-mark">[IT]</span>' in html
    # Unchanged items keep their French translation, unmarked.
    assert "Formulaire 1 et formulaire 2" not in html  # the old wording's translation is not reused
    assert "Marca da bollo da 16 euro" in html and html.count("fallback-mark") >= 2

    db.session.add(
        ContentTranslation(
            string_id=string.id,
            language="en",
            text="Forms 1 and 2 of the postal kit (2027 edition), filled in and signed",
        )
    )
    db.session.commit()
    with app.test_request_context():
        html = documents.render_html(documents.checklist_document(db.session.merge(checklist)))
    assert (
        'Forms 1 and 2 of the postal kit (2027 edition), filled in and signed <span class="fallback-mark">[EN]</span>'
        in html
    )

    link = services.create_link(checklist, 30)
    db.session.commit()
    public = client.get(f"/l/{services.token_for(link)}")
    assert public.status_code == 200
    page = public.get_data(as_text=True)
    assert "Forms 1 and 2 of the postal kit (2027 edition)" in page and ">EN</span>" in page

    db.session.add(
        ContentTranslation(
            string_id=string.id,
            language="fr",
            text="Formulaires 1 et 2 du kit postal (édition 2027), remplis et signés",
            status=TranslationStatus.REVIEWED,
        )
    )
    db.session.commit()
    with app.test_request_context():
        html = documents.render_html(documents.checklist_document(db.session.merge(checklist)))
    assert "Formulaires 1 et 2 du kit postal (édition 2027), remplis et signés</span>" in html


# ---- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message", "typed"),
    [
        ({"fees-1-amount": "-5"}, "An amount goes from 0 to 10,000 euro", "-5"),
        ({"fees-1-amount": "250000"}, "An amount goes from 0 to 10,000 euro", "250000"),
        ({"fees-1-amount": "trenta"}, "Enter an amount in euro with at most two decimals", "trenta"),
        ({"fees-1-amount": "NaN"}, "Enter an amount in euro with at most two decimals", "NaN"),
        ({"fees-1-amount": "30,456"}, "Enter an amount in euro with at most two decimals", "30,456"),
        ({"fees-1-amount": "1.000"}, "without a thousands separator", "1.000"),
        ({"fees-1-quantity": "50"}, "From 1 to 20.", "50"),
        ({"items-0-text": ""}, "Write the document, or tick Remove.", "Certificato nuovissimo"),
        ({"items-0-text": "x" * 2001}, "At most 2000 characters.", "Certificato nuovissimo"),
        ({"items-0-text": "Modulo \u202eevil"}, "Remove the invisible control", "Certificato nuovissimo"),
        ({"items-0-when": ["no_such_question"]}, "Choose among this procedure's questions.", "Certificato nuovissimo"),
        ({"steps": "Primo passo\nSecondo \u2066passo"}, "Remove the invisible control", "Primo passo"),
        ({"change_note": ""}, "Say what changed: it is shown in the version history.", "Certificato nuovissimo"),
        ({"title": "  "}, "Write the procedure's title.", "Certificato nuovissimo"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_typed_is_lost(client, login_as, db, change, message, typed):
    login_as(Role.COORDINATOR, language="en")
    first = latest(db)
    n = len(first.content["items"])
    data = form_data(first, **{f"items-{n}-text": "Certificato nuovissimo", "change_note": "Prova"})
    data |= change
    response = client.post(URL, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(response)
    assert "is-invalid" in html and "Please correct the fields marked below." in text_of(response)
    assert typed in html and "Certificato nuovissimo" in html
    assert procedure(db).latest_number == 1


def test_a_procedure_needs_a_document_and_its_questions_in_use(client, login_as, db):
    login_as(Role.COORDINATOR, language="en")
    first = latest(db)
    every = {f"items-{n}-remove": "y" for n in range(len(first.content["items"]))}
    response = client.post(URL, data=form_data(first, change_note="Tutto via", **every))
    assert response.status_code == 422
    assert "A procedure needs at least one document." in text_of(response)

    used = next(n for n, q in enumerate(first.content["questions"]) if q["code"] == "domestic_worker")
    response = client.post(URL, data=form_data(first, change_note="Via", **{f"questions-{used}-remove": "y"}))
    assert response.status_code == 422
    assert "A document or a cost still depends on this question" in text_of(response)

    # Once nothing depends on it, it can go; the remaining question is reworded.
    items = [n for n, i in enumerate(first.content["items"]) if "domestic_worker" in i.get("when", [])]
    minor = next(n for n, q in enumerate(first.content["questions"]) if q["code"] == "minor")
    data = form_data(
        first,
        change_note="Domanda tolta",
        **{f"questions-{used}-remove": "y", f"questions-{minor}-text": "La persona è minorenne?"},
        **{f"items-{n}-when": [] for n in items},
    )
    assert client.post(URL, data=data).status_code == 302
    content = ProcedureContent.of(latest(db).content)
    assert "domestic_worker" not in {q.code for q in content.questions}
    assert next(q for q in content.questions if q.code == "minor").text == "La persona è minorenne?"


def test_the_service_keeps_the_rules_whatever_the_form(db, make_user):
    user = make_user(Role.ADMIN)
    proc = procedure(db)
    base = ProcedureContent.of(latest(db).content)
    data = {
        "title": base.title,
        "renewal": True,
        "legal_basis": "",
        "steps": base.steps,
        "requirements": [],
        "deadlines": [],
        "questions": [{"code": "invented", "text": "?"}],
        "items": [{"code": "X", "text": "Testo", "when": ["nope"]}],
        "fees": [{"code": "F", "label": "Costo", "amount": Decimal("-1"), "quantity": 0}],
    }
    with pytest.raises(FieldError) as refused:
        services.new_version(proc, data, "nota", user, 1)
    assert refused.value.field == "questions"
    data["questions"] = []
    with pytest.raises(FieldErrors) as raised:
        services.new_version(proc, data, "nota", user, 1)
    assert {e.field for e in raised.value.errors} == {"items", "fees"}
    with pytest.raises(services.NewerVersion):
        services.new_version(proc, data, "nota", user, 7)
    with pytest.raises(services.NewerVersion):
        services.new_version(proc, data, "nota", user, "tampered")
    assert procedure(db).latest_number == 1


# ---- two editors at once ----------------------------------------------------------------------------


def test_a_stale_save_is_refused_with_the_newer_version_shown(client, login_as, db, make_user):
    first = latest(db)
    login_as(Role.COORDINATOR, language="en")
    mine = the_edit(first)  # loaded from version 1

    other = make_user(Role.ADMIN, name="Marco Ferri")
    theirs = ProcedureContent.of(first.content).to_data()
    theirs["title"] = "Rinnovo per lavoro subordinato (aggiornato)"
    services.new_version(procedure(db), theirs, "Titolo più corto", other, 1)
    db.session.commit()

    response = client.post(URL, data=mine)
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone saved a newer version while you were editing." in text
    assert "Version 2 was saved by Marco Ferri" in text and "Titolo più corto" in text
    html = response.get_data(as_text=True)
    assert NEW_TEXT in html and "32,00" in html and "Certificato medico di idoneità al lavoro" in html
    assert 'name="base" type="hidden" value="2"' in html
    assert procedure(db).latest_number == 2

    # Saving again, knowingly, makes version 3 from what was typed.
    response = client.post(URL, data={**mine, "base": "2"})
    assert response.status_code == 302
    third = latest(db)
    assert third.number == 3 and ProcedureContent.of(third.content).item("MODULI").text == NEW_TEXT
    assert third.content["title"] == first.content["title"]  # theirs was overwritten, knowingly


def test_bad_input_on_a_stale_form_also_shows_the_newer_version(client, login_as, db, make_user):
    first = latest(db)
    login_as(Role.COORDINATOR, language="en")
    services.new_version(
        procedure(db), ProcedureContent.of(first.content).to_data(), "Niente", make_user(Role.ADMIN, name="Ada"), 1
    )
    db.session.commit()
    response = client.post(URL, data=the_edit(first, change_note=""))
    assert response.status_code == 422
    text = text_of(response)
    assert "Say what changed" in text and "Version 2 was saved by Ada" in text


def test_two_saves_at_once_cannot_both_make_the_same_version(db, make_user):
    """The check and the save are one conditional update: a save that read the old number
    before another one moved it is refused, not numbered twice."""
    one, two = make_user(Role.ADMIN, name="Uno"), make_user(Role.COORDINATOR, name="Due")
    proc = procedure(db)
    data = ProcedureContent.of(latest(db).content).to_data()
    services.new_version(proc, {**data, "title": "Primo"}, "Primo", one, 1)
    set_committed_value(proc, "latest_number", 1)  # as read by the second save, before the first
    with pytest.raises(services.NewerVersion) as refused:
        services.new_version(proc, {**data, "title": "Secondo"}, "Secondo", two, 1)
    assert refused.value.version.number == 2 and refused.value.version.created_by_id == one.id
    assert [v.number for v in procedure(db).versions] == [1, 2]


# ---- who may edit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.MEDIATOR])
def test_only_coordinators_and_administrators_edit(client, login_as, db, role):
    login_as(role, language="en")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=the_edit(latest(db))).status_code == 403
    assert client.post(f"/permits/procedures/{CODE}/active", data={"active": "0"}).status_code == 403
    assert procedure(db).latest_number == 1 and procedure(db).active
    if role is Role.OPERATOR:
        page = client.get(f"/permits/procedures/{CODE}").get_data(as_text=True)
        assert URL not in page and "/active" not in page


def test_an_unknown_procedure_is_404(client, login_as, db):
    login_as(Role.ADMIN, language="en")
    assert client.get("/permits/procedures/NOPE/edit").status_code == 404
    assert client.post("/permits/procedures/NOPE/active", data={"active": "0"}).status_code == 404


# ---- withdrawing a procedure ----------------------------------------------------------------------


def test_a_withdrawn_procedure_is_not_offered_but_its_checklists_work(client, login_as, db, case):
    checklist = start(db, case)
    user = login_as(Role.COORDINATOR, language="en")
    response = client.post(f"/permits/procedures/{CODE}/active", data={"active": "0"})
    assert response.status_code == 302 and response.location == f"/permits/procedures/{CODE}"
    assert not procedure(db).active
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Procedure")).one()
    assert entry.changes == {"active": [True, False]} and entry.actor_id == user.id

    title = latest(db).content["title"]
    assert title not in text_of(client.get("/permits/"))
    listed = text_of(client.get("/permits/?withdrawn=1"))
    assert title in listed and "No longer offered" in listed
    chooser = client.get(f"/permits/cases/{case.id}/new")
    assert f"procedure={CODE}" not in chooser.get_data(as_text=True)
    response = client.get(f"/permits/cases/{case.id}/new?procedure={CODE}")
    assert response.status_code == 302 and response.location == f"/permits/cases/{case.id}/new"
    with pytest.raises(RuleError):
        services.start_checklist(case, latest(db), {}, "it")

    assert client.get(f"/permits/checklists/{checklist.id}").status_code == 200
    assert "Not offered for new checklists" in text_of(client.get(f"/permits/procedures/{CODE}"))

    assert client.post(f"/permits/procedures/{CODE}/active", data={"active": "1"}).status_code == 302
    assert procedure(db).active and title in text_of(client.get("/permits/"))
