"""Permit procedures (pratiche), their translated content, a person's checklists and public links."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.cases.models import Case, CasePart
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, Versioned, utcnow
from sportello.extensions import db


def string_hash(context: str, source: str) -> str:
    """The identity of a content string: its message context and its Italian source text."""
    return hashlib.sha256(f"{context}\x04{source}".encode()).hexdigest()


class TranslationStatus(LabelledEnum):
    # A string without a translation row is missing.
    DRAFT = "draft", _l("Draft")
    REVIEWED = "reviewed", _l("Reviewed")


class ContentString(db.Model):
    """One piece of migrant-facing text in Italian, the source language (a title, an item, a label).

    Identified by its text, as in gettext: changing an item's wording in a new procedure version
    makes a new string, so older checklists keep the words and translations they were made with.
    """

    __tablename__ = "content_strings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # "label:<name>" for the fixed wording of documents; empty for procedure texts.
    context: Mapped[str] = mapped_column(sa.String(60), default="")
    source: Mapped[str] = mapped_column(sa.Text)
    # For translators: an English gloss and where the text is used.
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    translations: Mapped[list[ContentTranslation]] = relationship(back_populates="string", cascade="all, delete-orphan")

    @classmethod
    def make(cls, source: str, context: str = "", comment: str = "") -> ContentString:
        return cls(key=string_hash(context, source), context=context, source=source, comment=comment)


class ContentTranslation(Timestamped, Versioned, db.Model):
    """A string in one of the content languages, a draft until a person reviews it."""

    __tablename__ = "content_translations"
    __table_args__ = (sa.UniqueConstraint("string_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    string_id: Mapped[int] = mapped_column(sa.ForeignKey("content_strings.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[TranslationStatus] = mapped_column(TranslationStatus.column_type(), default=TranslationStatus.DRAFT)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    string: Mapped[ContentString] = relationship(back_populates="translations")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def audit_desk_id(self) -> None:
        return None


class Procedure(Timestamped, db.Model):
    """A permit procedure the desk helps with (a renewal, the EU long-term permit, ...).

    Its content lives in numbered, immutable versions; ``latest`` is the one new checklists use.
    """

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    latest_number: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)

    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.number", cascade="all, delete-orphan"
    )

    @property
    def audit_desk_id(self) -> None:
        return None


class ProcedureVersion(db.Model):
    """One version of a procedure's content: title, where to file, questions, fees and items.

    ``content`` is a self-contained document (see ``permits.content.ProcedureContent``) in Italian;
    its texts are translated through ``ContentString``.
    """

    __tablename__ = "procedure_versions"
    __table_args__ = (sa.UniqueConstraint("procedure_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    change_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    created_by = relationship("User")

    @property
    def audit_desk_id(self) -> None:
        return None


class ItemStatus(LabelledEnum):
    TO_BRING = "to_bring", _l("To bring")
    COLLECTED = "collected", _l("Collected")
    VERIFIED = "verified", _l("Checked")
    NOT_APPLICABLE = "not_applicable", _l("Not needed")


READY = (ItemStatus.COLLECTED, ItemStatus.VERIFIED)


class FilingPlace(LabelledEnum):
    POST_OFFICE = "post_office", _l("Post office (Sportello Amico)")
    QUESTURA = "questura", _l("Questura")
    PREFETTURA = "prefettura", _l("Prefettura (Sportello Unico)")
    MUNICIPALITY = "municipality", _l("Municipality")


class ChecklistStatus(LabelledEnum):
    PREPARING = "preparing", _l("Preparing the documents")
    FILED = "filed", _l("Application handed in")
    CLOSED = "closed", _l("Closed")


class Checklist(CasePart, Timestamped, Versioned, db.Model):
    """A person's document checklist for one procedure, made from one version of it."""

    __tablename__ = "checklists"
    __table_args__ = (sa.Index("ix_checklists_case_id_status", "case_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    procedure_version_id: Mapped[int] = mapped_column(sa.ForeignKey("procedure_versions.id"), index=True)
    # The language of the PDF and the public page (the person's preferred one when made).
    language: Mapped[str] = mapped_column(sa.String(8))
    # Answers to the procedure's condition questions: {"domestic_worker": true, ...}.
    answers: Mapped[dict[str, bool]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[ChecklistStatus] = mapped_column(ChecklistStatus.column_type(), default=ChecklistStatus.PREPARING)
    filing_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    filing_place: Mapped[FilingPlace | None] = mapped_column(FilingPlace.column_type(), nullable=True)
    filing_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Counted on every item change, so lists show progress without loading the items.
    items_total: Mapped[int] = mapped_column(default=0)
    items_ready: Mapped[int] = mapped_column(default=0)

    case: Mapped[Case] = relationship()
    procedure_version: Mapped[ProcedureVersion] = relationship()
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="checklist", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )
    links: Mapped[list[ChecklistLink]] = relationship(
        back_populates="checklist", order_by="ChecklistLink.created_at.desc()", cascade="all, delete-orphan"
    )

    def item_counts(self) -> tuple[int, int]:
        """(documents that apply, documents ready) from the items."""
        applicable = [item for item in self.items if item.status is not ItemStatus.NOT_APPLICABLE]
        return len(applicable), sum(1 for item in applicable if item.status in READY)

    def count_items(self) -> None:
        self.items_total, self.items_ready = self.item_counts()

    @property
    def percent_ready(self) -> int:
        return round(100 * self.items_ready / self.items_total) if self.items_total else 100


class ChecklistItem(Timestamped, Versioned, db.Model):
    """One document on a checklist, with where it stands."""

    __tablename__ = "checklist_items"
    __table_args__ = (sa.UniqueConstraint("checklist_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey("checklists.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[ItemStatus] = mapped_column(ItemStatus.column_type(), default=ItemStatus.TO_BRING)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    checklist: Mapped[Checklist] = relationship(back_populates="items")

    @property
    def audit_desk_id(self) -> int:
        return self.checklist.case.desk_id

    def can_view(self, user) -> bool:
        return self.checklist.can_view(user)

    def can_edit(self, user) -> bool:
        return self.checklist.can_edit(user)


class ChecklistLink(db.Model):
    """A signed, expiring, revocable link that shows a checklist to the person, without a login."""

    __tablename__ = "checklist_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey("checklists.id", ondelete="CASCADE"), index=True)
    # A random value inside the signed token: a token whose nonce is not stored here is refused.
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    opened_count: Mapped[int] = mapped_column(default=0)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    checklist: Mapped[Checklist] = relationship(back_populates="links")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def audit_desk_id(self) -> int:
        return self.checklist.case.desk_id

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


CHECKLIST_TITLE = _l("Checklist")
CHECKLIST_FIELDS = {
    "language": _l("Language"),
    "answers": _l("Answers"),
    "status": _l("Status"),
    "filing_on": _l("Filing appointment"),
    "filing_place": _l("Filing place"),
    "filing_note": _l("Filing note"),
    "procedure_version_id": _l("Procedure version"),
}
ITEM_FIELDS = {"status": _l("Status"), "note": _l("Note"), "code": _l("Document")}
LINK_FIELDS = {"expires_at": _l("Expires"), "revoked_at": _l("Revoked")}
TRANSLATION_FIELDS = {
    "text": _l("Translation"),
    "status": _l("Status"),
    "language": _l("Language"),
    "string_id": _l("Text"),
    "reviewed_by_id": _l("Reviewed by"),
    "reviewed_at": _l("Reviewed on"),
}
VERSION_FIELDS = {"number": _l("Version"), "change_note": _l("What changed")}
PROCEDURE_FIELDS = {"active": _l("Offered for new checklists"), "latest_number": _l("Latest version")}
