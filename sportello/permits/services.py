"""Rules for procedures, checklists and the person's link. Services flush; views commit."""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from sportello.auth.models import User
from sportello.cases.models import Case, CaseStatus
from sportello.cases.services import CASE_ROLES, _my_active_case_ids
from sportello.core import audit
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, RuleError
from sportello.core.forms import today
from sportello.core.home import HomeItem
from sportello.core.languages import CONTENT_LANGUAGE_CODES
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people.models import Person
from sportello.permits.content import ProcedureContent, Translator
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
    audit.record(audit.Action.CREATE, checklist, label=_label(checklist))
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
    audit.record(audit.Action.UPDATE, checklist, {"answers": [old, checklist.answers]}, label=_label(checklist))
    db.session.flush()


def content_position(content: ProcedureContent, code: str) -> int:
    return next((index for index, item in enumerate(content.items) if item.code == code), len(content.items))


def set_item(item: ChecklistItem, status: ItemStatus, note: str, *, version: Any) -> None:
    check_version(item, version)
    if item.checklist.case.status is CaseStatus.CLOSED:
        raise RuleError(_l("This case is closed: reopen it before changing it."))
    item.status = status
    item.note = note
    audit.record(audit.Action.UPDATE, item, label=f"{_label(item.checklist)} · {item.code}")
    _store_counts(item.checklist)


def _store_counts(checklist: Checklist) -> None:
    """Progress counts are written apart from the checklist's version: ticking a document does
    not make someone else's open edit of the appointment stale."""
    checklist.count_items()
    db.session.flush()
    total, ready = checklist.items_total, checklist.items_ready
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
    audit.record(audit.Action.UPDATE, checklist, label=_label(checklist))


def _label(checklist: Checklist) -> str:
    return f"{checklist.case.reference} · {checklist.procedure_version.content['code']}"


def checklists_of(case: Case) -> list[Checklist]:
    return list(
        db.session.scalars(
            sa.select(Checklist)
            .where(Checklist.case_id == case.id)
            .options(selectinload(Checklist.procedure_version))
            .order_by(Checklist.created_at.desc(), Checklist.id.desc())
        )
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
    lines = [FeeLine(f.label, f.amount, f.quantity, f.total) for f in content.applicable_fees(answers)]
    total = sum((line.total for line in lines if line.total is not None), Decimal("0"))
    return Fees(lines, total, all(line.total is not None for line in lines))


def renewal_window(person: Person) -> tuple[date, date] | None:
    """From 60 days before the permit expires to 60 days after."""
    if person.permit_expires_on is None:
        return None
    return person.permit_expires_on - RENEWAL_WINDOW, person.permit_expires_on + RENEWAL_WINDOW


def checklists_home_section(user: User, limit: int = 12) -> list[HomeItem]:
    """Checklists still being prepared on the user's active cases, the next filing date first."""
    if user.role not in PERMIT_ROLES:
        return []
    rows = db.session.execute(
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
        .where(Checklist.case_id.in_(_my_active_case_ids(user)), Checklist.status == ChecklistStatus.PREPARING)
        .order_by(Checklist.filing_on.is_(None), Checklist.filing_on, Checklist.id)
        .limit(limit)
    )
    from flask import url_for

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
        audit.Action.CREATE, link, {"expires_at": [None, link.expires_at.isoformat()]}, label=_label(checklist)
    )
    return link


def revoke_link(link: ChecklistLink, user: User) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = utcnow()
    link.revoked_by_id = user.id
    audit.record(audit.Action.UPDATE, link, label=_label(link.checklist))


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
        label=_label(link.checklist),
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
    audit.record(audit.Action.SEND, link, {"email": [None, address]}, label=_label(checklist))


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


def link_expiry(link: ChecklistLink) -> datetime:
    return link.expires_at
