"""Rules for procedures, checklists and the person's link. Services flush; views commit."""

from __future__ import annotations

import copy
import functools
import re
import secrets
import smtplib
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import format_date
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from sportello.auth.models import User
from sportello.cases.models import Case, CaseStatus
from sportello.cases.services import CASE_ROLES, home_params, my_active_cases
from sportello.core import audit
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, FieldErrors, RuleError
from sportello.core.forms import has_hidden_characters, today
from sportello.core.home import HomeItem
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import CONTENT_LANGUAGE_CODES
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people.models import Person
from sportello.permits.content import ProcedureContent, Translator, content_entries, ensure_strings
from sportello.permits.models import (
    Checklist,
    ChecklistItem,
    ChecklistLink,
    ChecklistStatus,
    FilingPlace,
    ItemStatus,
    Procedure,
    ProcedureVersion,
)

# Who works with procedures and checklists: the desk's staff, not mediators.
PERMIT_ROLES = CASE_ROLES
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
RENEWAL_WINDOW = timedelta(days=60)


# ---- procedures ---------------------------------------------------------------------------------


@dataclass
class ProcedureEntry:
    procedure: Procedure
    version: ProcedureVersion
    content: ProcedureContent


def procedures(include_inactive: bool = False) -> list[ProcedureEntry]:
    """Every procedure with its latest version, in catalog order (two queries)."""
    query = sa.select(Procedure).order_by(Procedure.position, Procedure.code)
    if not include_inactive:
        query = query.where(Procedure.active.is_(True))
    found = list(db.session.scalars(query))
    versions = {
        v.procedure_id: v
        for v in db.session.scalars(
            sa.select(ProcedureVersion)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .where(ProcedureVersion.number == Procedure.latest_number)
        )
    }
    return [ProcedureEntry(p, versions[p.id], ProcedureContent.of(versions[p.id].content)) for p in found]


def procedure_by_code(code: str) -> Procedure | None:
    return db.session.scalar(sa.select(Procedure).where(Procedure.code == code))


def version_of(procedure: Procedure, number: int | None = None) -> ProcedureVersion | None:
    return db.session.scalar(
        sa.select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id,
            ProcedureVersion.number == (number or procedure.latest_number),
        )
    )


# ---- checklists ---------------------------------------------------------------------------------


def content_of(checklist: Checklist) -> ProcedureContent:
    return ProcedureContent.of(checklist.procedure_version.content)


def _check_answers(content: ProcedureContent, answers: dict[str, Any]) -> dict[str, bool]:
    codes = {q.code for q in content.questions}
    return {code: bool(answers.get(code)) for code in codes}


def _check_language(language: str) -> str:
    if language not in CONTENT_LANGUAGE_CODES:
        raise FieldError("language", _l("Choose one of the languages checklists are written in."))
    return language


def start_checklist(case: Case, version: ProcedureVersion, answers: dict[str, Any], language: str) -> Checklist:
    """A new checklist on ``case`` with the items the answers make apply."""
    if case.status is CaseStatus.CLOSED:
        raise RuleError(_l("This case is closed: reopen it before adding to it."))
    if not version.procedure.active:
        raise RuleError(_l("This procedure is no longer offered for new checklists."))
    content = ProcedureContent.of(version.content)
    checklist = Checklist(
        case=case,
        procedure_version=version,
        language=_check_language(language),
        answers=_check_answers(content, answers),
    )
    for position, item in enumerate(content.applicable_items(checklist.answers)):
        checklist.items.append(ChecklistItem(code=item.code, position=position))
    checklist.count_items()
    db.session.add(checklist)
    db.session.flush()
    audit.record(audit.Action.CREATE, checklist, label=checklist_label(checklist))
    return checklist


def change_answers(checklist: Checklist, answers: dict[str, Any], *, version: Any) -> None:
    """New answers: items that now apply are added; items that no longer apply are removed if
    nothing was done with them, otherwise kept and marked not needed."""
    check_version(checklist, version)
    if checklist.case.status is CaseStatus.CLOSED:
        raise RuleError(_l("This case is closed: reopen it before changing it."))
    content = content_of(checklist)
    old = dict(checklist.answers)
    checklist.answers = _check_answers(content, answers)
    applicable = {item.code: position for position, item in enumerate(content.applicable_items(checklist.answers))}
    present = {item.code: item for item in checklist.items}
    for code, item in present.items():
        item.position = applicable.get(code, content_position(content, code))
        if code in applicable:
            continue
        if item.status is ItemStatus.TO_BRING and not item.note:
            checklist.items.remove(item)
        else:
            item.status = ItemStatus.NOT_APPLICABLE
    for code, position in applicable.items():
        if code not in present:
            checklist.items.append(ChecklistItem(code=code, position=position))
    checklist.count_items()
    changes = {"answers": [old, checklist.answers]}
    audit.record(audit.Action.UPDATE, checklist, changes, label=checklist_label(checklist))
    db.session.flush()


def content_position(content: ProcedureContent, code: str) -> int:
    return next((index for index, item in enumerate(content.items) if item.code == code), len(content.items))


def set_item(item: ChecklistItem, status: ItemStatus, note: str, *, version: Any) -> None:
    check_version(item, version)
    if item.checklist.case.status is CaseStatus.CLOSED:
        raise RuleError(_l("This case is closed: reopen it before changing it."))
    item.status = status
    item.note = note
    audit.record(audit.Action.UPDATE, item, label=f"{checklist_label(item.checklist)} · {item.code}")
    _store_counts(item.checklist)


def document_obtained(case, *, code: str, note: str) -> None:
    """A document obtained elsewhere in Sportello (``core.signals.document_obtained``): the
    items with its code on the case's checklists still in preparation become collected, with
    the note saying what was obtained. Items already collected or checked are left as they are."""
    items = db.session.scalars(
        sa.select(ChecklistItem)
        .join(ChecklistItem.checklist)
        .where(
            Checklist.case_id == case.id,
            Checklist.status == ChecklistStatus.PREPARING,
            ChecklistItem.code == code,
            ChecklistItem.status == ItemStatus.TO_BRING,
        )
    )
    for item in items:
        item.status = ItemStatus.COLLECTED
        item.note = "\n".join(part for part in (item.note, note) if part)
        audit.record(audit.Action.UPDATE, item, label=f"{checklist_label(item.checklist)} · {item.code}")
        _store_counts(item.checklist)


def _store_counts(checklist: Checklist) -> None:
    """Progress counts are written apart from the checklist's version: ticking a document does
    not make someone else's open edit of the appointment stale."""
    db.session.flush()
    total, ready = checklist.item_counts()
    db.session.execute(
        sa.update(Checklist)
        .where(Checklist.id == checklist.id)
        .values(items_total=total, items_ready=ready)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(checklist, "items_total", total)
    set_committed_value(checklist, "items_ready", ready)


def update_checklist(checklist: Checklist, values: dict[str, Any], *, version: Any) -> None:
    """The checklist's own fields: language, status, filing appointment."""
    check_version(checklist, version)
    checklist.language = _check_language(values["language"])
    checklist.status = ChecklistStatus(values["status"])
    checklist.filing_on = values["filing_on"]
    checklist.filing_place = FilingPlace(values["filing_place"]) if values["filing_place"] else None
    checklist.filing_note = values["filing_note"]
    if checklist.filing_on and checklist.filing_place is None:
        checklist.filing_place = FilingPlace(content_of(checklist).filing_place)
    audit.record(audit.Action.UPDATE, checklist, label=checklist_label(checklist))


def checklist_label(checklist: Checklist) -> str:
    return f"{checklist.case.reference} · {checklist.procedure_version.content['code']}"


def checklists_of(case: Case) -> list[Checklist]:
    return list(db.session.scalars(_checklists_query(), {"case_id": case.id}))


@functools.cache
def _checklists_query() -> sa.Select:
    """Built once, on first use: the case page runs it on every visit."""
    return (
        sa.select(Checklist)
        .where(Checklist.case_id == sa.bindparam("case_id"))
        # One query with the versions: the case page keeps its query count.
        .options(joinedload(Checklist.procedure_version, innerjoin=True))
        .order_by(Checklist.created_at.desc(), Checklist.id.desc())
    )


def case_checklists_panel(case: Case, user: User) -> dict[str, Any]:
    if user.role not in PERMIT_ROLES:
        return {"checklists": [], "can_start": False}
    return {
        "checklists": [(c, ProcedureContent.of(c.procedure_version.content)) for c in checklists_of(case)],
        "can_start": case.can_edit(user) and case.status is not CaseStatus.CLOSED,
        "case": case,
    }


@dataclass
class FeeLine:
    label: str
    amount: Decimal | None
    quantity: int
    total: Decimal | None


@dataclass
class Fees:
    lines: list[FeeLine]
    total: Decimal
    complete: bool  # False when an amount is set locally and is not in the total


def fees_for(content: ProcedureContent, answers: dict[str, bool] | None) -> Fees:
    """The fees that apply and their total. Without answers (a blank leaflet) every fee that may
    apply is listed, but only those that always apply are in the total, marked incomplete."""
    fees = content.applicable_fees(answers)
    lines = [FeeLine(f.label, f.amount, f.quantity, f.total) for f in fees]
    counted = [f for f in fees if answers is not None or not (f.rule.when or f.rule.unless)]
    total = sum((f.total for f in counted if f.total is not None), Decimal("0"))
    complete = len(counted) == len(fees) and all(f.total is not None for f in fees)
    return Fees(lines, total, complete)


def renewal_window(person: Person) -> tuple[date, date] | None:
    """From 60 days before the permit expires to 60 days after."""
    if person.permit_expires_on is None:
        return None
    return person.permit_expires_on - RENEWAL_WINDOW, person.permit_expires_on + RENEWAL_WINDOW


@functools.cache
def _checklists_home_query(role: Role, limit: int) -> sa.Select:
    """Built once per role, with the user as ``home_params``."""
    return (
        sa.select(
            Checklist.id,
            Checklist.items_ready,
            Checklist.items_total,
            Checklist.filing_on,
            ProcedureVersion.content["title"].as_string().label("title"),
            Case.reference,
            Person.given_names,
            Person.family_name,
        )
        .join(ProcedureVersion, ProcedureVersion.id == Checklist.procedure_version_id)
        .join(Case, Case.id == Checklist.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(my_active_cases(role), Checklist.status == ChecklistStatus.PREPARING)
        .order_by(Checklist.filing_on.is_(None), Checklist.filing_on, Checklist.id)
        .limit(limit)
    )


def checklists_home_section(user: User, limit: int = 12) -> list[HomeItem]:
    """Checklists still being prepared on the user's active cases, the next filing date first."""
    if user.role not in PERMIT_ROLES:
        return []
    rows = db.session.execute(_checklists_home_query(user.role, limit), home_params(user))
    day = today()
    items = []
    for row in rows:
        detail = str(_l("%(ready)s of %(total)s documents ready", ready=row.items_ready, total=row.items_total))
        tone = ""
        if row.filing_on:
            detail += " · " + str(_l("filing on %(date)s", date=format_date(row.filing_on, "medium")))
            if row.filing_on < day:
                tone = "danger"
            elif row.filing_on <= day + timedelta(days=7) and row.items_ready < row.items_total:
                tone = "warning"
        items.append(
            HomeItem(
                f"{row.given_names} {row.family_name} · {row.title}",
                url_for("permits.checklist", checklist_id=row.id),
                detail,
                tone,
            )
        )
    return items


# ---- the person's link --------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sportello-checklist-link")


def token_for(link: ChecklistLink) -> str:
    return _serializer().dumps({"l": link.id, "n": link.nonce})


def create_link(checklist: Checklist, days: int | None = None) -> ChecklistLink:
    days = days or current_app.config["CHECKLIST_LINK_DAYS"]
    if not 1 <= days <= 365:
        raise FieldError("days", _l("A link can last from 1 to 365 days."))
    link = ChecklistLink(
        checklist=checklist,
        nonce=secrets.token_hex(16),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        audit.Action.CREATE, link, {"expires_at": [None, link.expires_at.isoformat()]}, label=checklist_label(checklist)
    )
    return link


def revoke_link(link: ChecklistLink, user: User) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = utcnow()
    link.revoked_by_id = user.id
    audit.record(audit.Action.UPDATE, link, label=checklist_label(link.checklist))


@dataclass
class LinkLookup:
    link: ChecklistLink | None
    problem: str = ""  # "", "invalid", "expired" or "revoked"


def resolve_token(token: str) -> LinkLookup:
    """The link a token names, or why it cannot be used. A forged or altered token is invalid."""
    try:
        data = _serializer().loads(token)
        link_id, nonce = int(data["l"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return LinkLookup(None, "invalid")
    link = db.session.get(ChecklistLink, link_id)
    if link is None or not secrets.compare_digest(link.nonce, nonce):
        return LinkLookup(None, "invalid")
    if link.revoked_at is not None:
        return LinkLookup(link, "revoked")
    if link.expires_at <= utcnow():
        return LinkLookup(link, "expired")
    return LinkLookup(link)


def record_opening(link: ChecklistLink, what: str, language: str) -> None:
    """Every opening of the public page or its PDF is in the audit trail."""
    link.opened_count += 1
    link.last_opened_at = utcnow()
    audit.set_system_actor("public link")
    audit.record(
        audit.Action.VIEW if what == "page" else audit.Action.DOWNLOAD,
        link,
        {"opened": [None, what], "language": [None, language]},
        label=checklist_label(link.checklist),
    )


def share_message(link_url: str, checklist: Checklist) -> str:
    t = Translator(checklist.language, labels=True)
    return t.label("share_message", name=checklist.case.person.given_names, link=link_url).text


def whatsapp_url(link_url: str, checklist: Checklist) -> str:
    """A wa.me link that opens WhatsApp with the message ready, to the person's number if known."""
    person = checklist.case.person
    number = "".join(ch for ch in (person.phone or "") if ch.isdigit()) if person.whatsapp else ""
    return f"https://wa.me/{number}?text={quote(share_message(link_url, checklist))}"


def send_link_email(link: ChecklistLink, link_url: str, address: str) -> None:
    """The link by e-mail, in the person's language with the Italian below."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise RuleError(_l("E-mail is not set up on this installation: ask the administrator."))
    checklist = link.checklist
    t = Translator(checklist.language)
    subject = t.label("email_subject")
    body = t.label("share_message", name=checklist.case.person.given_names, link=link_url)
    message = EmailMessage()
    message["Subject"] = subject.text if checklist.language == "it" else f"{subject.text} / {subject.source}"
    message["From"] = config["MAIL_FROM"]
    message["To"] = address
    text = body.text if checklist.language == "it" else f"{body.text}\n\n{body.source}"
    desk = checklist.case.desk
    text += f"\n\n--\n{desk.name}\n{desk.address}\n{desk.phone}\n"
    message.set_content(text)
    try:
        with _smtp(config) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("checklist link e-mail failed: %s", error)
        raise RuleError(_l("The e-mail could not be sent. Try again later or share the link another way.")) from error
    audit.record(audit.Action.SEND, link, {"email": [None, address]}, label=checklist_label(checklist))


def _smtp(config: Any) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=10)
    else:
        smtp = smtplib.SMTP(host, port, timeout=10)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def active_links(checklist: Checklist) -> list[ChecklistLink]:
    now = utcnow()
    return [link for link in checklist.links if link.is_active(now)]


# ---- editing procedures -------------------------------------------------------------------------

MAX_TEXT = 2000
MAX_AMOUNT = Decimal("10000")
MAX_QUANTITY = 20
_CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


class NewerVersion(Exception):
    """Someone saved a newer version of the procedure since the edit form was loaded."""

    def __init__(self, version: ProcedureVersion) -> None:
        super().__init__(f"procedure {version.procedure_id} is at version {version.number}")
        self.version = version


def new_code(text: str, taken: set[str]) -> str:
    """A code made from the first words of ``text`` (accents dropped), unique among ``taken``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", plain)
    stem = "_".join(words[:3])[:30].strip("_").upper() or "NEW"
    taken = {code.upper() for code in taken}
    code, n = stem, 2
    while code in taken:
        code = f"{stem}_{n}"
        n += 1
    return code


def codes_ever_used(procedure: Procedure) -> tuple[set[str], set[str]]:
    """Every item code and fee code any version of ``procedure`` has used: a new item never takes
    the code of an item removed earlier, so the trail and older checklists stay unambiguous."""
    items: set[str] = set()
    fees: set[str] = set()
    for version in procedure.versions:
        items.update(i["code"] for i in version.content.get("items", []))
        fees.update(f["code"] for f in version.content.get("fees", []))
    return items, fees


def _with_codes(rows: list[dict[str, Any]], text_key: str, taken: set[str]) -> list[dict[str, Any]]:
    """New rows (no code yet) get one made from their text, never one used before."""
    taken = taken | {row["code"] for row in rows if row.get("code")}
    out = []
    for row in rows:
        if not row.get("code"):
            row = {**row, "code": new_code(row.get(text_key) or "", taken)}
            taken.add(row["code"])
        out.append(row)
    return out


def _text_problem(text: str, *, required: bool = True) -> Any:
    if required and not text.strip():
        return _l("Write the text, or remove the row.")
    if len(text) > MAX_TEXT:
        return _l("At most %(max)s characters.", max=MAX_TEXT)
    if has_hidden_characters(text):
        return _l("Remove the invisible control or text-direction characters from this field.")
    return None


def _amount_ok(amount: Any) -> bool:
    if amount is None:
        return True
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return False
    return value.is_finite() and Decimal(0) <= value <= MAX_AMOUNT and value == value.quantize(Decimal("0.01"))


def _quantity_ok(quantity: Any) -> bool:
    return isinstance(quantity, int) and not isinstance(quantity, bool) and 1 <= quantity <= MAX_QUANTITY


def _check_content(data: dict[str, Any]) -> list[FieldError]:
    """The rules a procedure version's content must keep, whatever form it came from."""
    errors: list[FieldError] = []

    def complain(field: str, message: Any) -> None:
        if not any(e.field == field for e in errors):
            errors.append(FieldError(field, message))

    if problem := _text_problem(data.get("title", "")):
        complain("title", problem)
    if problem := _text_problem(data.get("legal_basis", ""), required=False):
        complain("legal_basis", problem)
    for name in ("steps", "requirements", "deadlines"):
        for line in data["channel"]["steps"] if name == "steps" else data.get(name, []):
            if problem := _text_problem(line):
                complain(name, problem)
    questions = {q["code"] for q in data.get("questions", [])}
    for question in data.get("questions", []):
        if problem := _text_problem(question.get("text", "")):
            complain("questions", problem)
    for name, rows, text_key in (("items", data.get("items", []), "text"), ("fees", data.get("fees", []), "label")):
        codes = [row.get("code", "") for row in rows]
        if any(not _CODE.match(code) for code in codes) or len(set(codes)) != len(codes):
            complain(name, _l("Each row needs its own code: reload the page and try again."))
        for row in rows:
            if problem := _text_problem(row.get(text_key, "")) or _text_problem(row.get("note", ""), required=False):
                complain(name, problem)
            conditions = set(row.get("when", [])) | set(row.get("unless", []))
            if conditions - questions:
                complain(name, _l("Conditions can only use this procedure's questions."))
        if name == "fees":
            for row in rows:
                if not _amount_ok(row.get("amount")):
                    complain("fees", _l("An amount goes from 0 to 10,000 euro, or stays empty if set locally."))
                if not _quantity_ok(row.get("quantity")):
                    complain("fees", _l("A quantity goes from 1 to 20."))
    if not data.get("items"):
        complain("items", _l("A procedure needs at least one document."))
    return errors


def new_version(
    procedure: Procedure, data: dict[str, Any], change_note: str, user: User, base_number: Any
) -> ProcedureVersion:
    """Save edited content as the procedure's next version; earlier versions never change.

    ``data`` holds what the editor changes (title, renewal, legal_basis, steps, requirements,
    deadlines, questions, fees, items); the rest (code, where to file, sources) is carried over
    from the latest version. ``base_number`` is the version the form was loaded from: if a newer
    one was saved meanwhile, ``NewerVersion`` is raised and nothing is saved.
    """
    latest = version_of(procedure)
    try:
        base = int(base_number)
    except (TypeError, ValueError):
        raise NewerVersion(latest) from None
    if base != procedure.latest_number:
        raise NewerVersion(latest)
    note = (change_note or "").strip()
    if problem := (_text_problem(note) if note else _l("Say what changed: it is shown in the version history.")):
        raise FieldError("change_note", problem)
    old = ProcedureContent.of(copy.deepcopy(latest.content))
    known_questions = {q.code for q in old.questions}
    if any(q.get("code") not in known_questions for q in data.get("questions", [])):
        raise FieldError("questions", _l("Questions can be reworded or removed here, not added."))
    item_codes, fee_codes = codes_ever_used(procedure)
    data = {
        **data,
        "items": _with_codes(data.get("items", []), "text", item_codes),
        "fees": _with_codes(data.get("fees", []), "label", fee_codes),
    }
    document = copy.deepcopy(latest.content)
    document.update(
        title=data["title"].strip(),
        renewal=bool(data["renewal"]),
        legal_basis=(data.get("legal_basis") or "").strip(),
        requirements=list(data.get("requirements", [])),
        deadlines=list(data.get("deadlines", [])),
        questions=[dict(q) for q in data.get("questions", [])],
        fees=[dict(f) for f in data.get("fees", [])],
        items=[dict(i) for i in data.get("items", [])],
    )
    document["channel"] = {**document["channel"], "steps": list(data.get("steps", []))}
    if errors := _check_content(document):
        raise FieldErrors(errors)
    content = ProcedureContent.of(document)
    number = base + 1
    # The version number moves only if nobody moved it meanwhile (two editors saving at once).
    moved = db.session.execute(
        sa.update(Procedure)
        .where(Procedure.id == procedure.id, Procedure.latest_number == base)
        .values(latest_number=number, updated_at=utcnow(), updated_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.expire(procedure)
        raise NewerVersion(version_of(procedure))
    ensure_strings(content_entries(content))
    version = ProcedureVersion(
        procedure_id=procedure.id,
        number=number,
        content=content.to_data(),
        change_note=note,
        created_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    db.session.expire(procedure)  # its number, and its list of versions, moved
    changes = {"number": [base, number], "change_note": [None, note], **content_changes(old, content)}
    audit.record(audit.Action.CREATE, version, changes, label=f"{procedure.code} v{number}")
    return version


def content_changes(old: ProcedureContent, new: ProcedureContent) -> dict[str, list[Any]]:
    """What a new version changed, for the audit trail: ``{what: [old, new]}`` in English."""
    changes: dict[str, list[Any]] = {}

    def differ(key: str, before: Any, after: Any) -> None:
        if before != after:
            changes[key] = [before, after]

    differ("title", old.title, new.title)
    differ("renewal", old.renewal, new.renewal)
    differ("legal_basis", old.legal_basis, new.legal_basis)
    differ("steps", old.steps, new.steps)
    differ("requirements", old.requirements, new.requirements)
    differ("deadlines", old.deadlines, new.deadlines)

    def rule(r: Any) -> str:
        parts = [f"when {', '.join(r.when)}" if r.when else "", f"unless {', '.join(r.unless)}" if r.unless else ""]
        return "; ".join(p for p in parts if p)

    before_q = {q.code: q.text for q in old.questions}
    after_q = {q.code: q.text for q in new.questions}
    for code in before_q.keys() & after_q.keys():
        differ(f"question {code}", before_q[code], after_q[code])
    if gone := [f"{code}: {text}" for code, text in before_q.items() if code not in after_q]:
        changes["questions removed"] = [gone, None]

    before_i = {i.code: i for i in old.items}
    after_i = {i.code: i for i in new.items}
    if added := [f"{i.code}: {i.text}" for i in new.items if i.code not in before_i]:
        changes["items added"] = [None, added]
    if removed := [f"{i.code}: {i.text}" for i in old.items if i.code not in after_i]:
        changes["items removed"] = [removed, None]
    for code in [i.code for i in new.items if i.code in before_i]:
        a, b = before_i[code], after_i[code]
        differ(f"item {code}", a.text, b.text)
        differ(f"item {code} note", a.note, b.note)
        differ(f"item {code} conditions", rule(a.rule), rule(b.rule))
    if [i.code for i in old.items if i.code in after_i] != [i.code for i in new.items if i.code in before_i]:
        changes["items order"] = [[i.code for i in old.items], [i.code for i in new.items]]

    def money(amount: Decimal | None) -> str:
        return "set locally" if amount is None else f"{amount:.2f}"

    before_f = {f.code: f for f in old.fees}
    after_f = {f.code: f for f in new.fees}
    if added := [f"{f.code}: {f.label} ({money(f.amount)})" for f in new.fees if f.code not in before_f]:
        changes["fees added"] = [None, added]
    if removed := [f"{f.code}: {f.label} ({money(f.amount)})" for f in old.fees if f.code not in after_f]:
        changes["fees removed"] = [removed, None]
    for code in [f.code for f in new.fees if f.code in before_f]:
        a, b = before_f[code], after_f[code]
        differ(f"fee {code} amount", money(a.amount), money(b.amount))
        differ(f"fee {code}", a.label, b.label)
        differ(f"fee {code} quantity", a.quantity, b.quantity)
        differ(f"fee {code} conditions", rule(a.rule), rule(b.rule))
    return changes


def set_procedure_active(procedure: Procedure, active: bool) -> None:
    """An inactive procedure is not offered for new checklists; existing ones keep working."""
    if procedure.active == active:
        return
    procedure.active = active
    audit.record(audit.Action.UPDATE, procedure, label=procedure.code)
