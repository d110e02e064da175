"""People: the person record (anagrafica), their spoken languages, citizenships and name keys,
household links, vulnerabilities, consent records and attachments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, Versioned
from sportello.core.roles import Role
from sportello.extensions import db


class Sex(LabelledEnum):
    FEMALE = "F", _l("Female")
    MALE = "M", _l("Male")
    UNSPECIFIED = "X", _l("Not specified")


class DatePrecision(LabelledEnum):
    EXACT = "exact", _l("Exact date")
    YEAR = "year", _l("Year only")
    UNKNOWN = "unknown", _l("Unknown")


class LanguageLevel(LabelledEnum):
    NATIVE = "native", _l("Mother tongue")
    FLUENT = "fluent", _l("Fluent")
    BASIC = "basic", _l("Basic")


class PermitStatus(LabelledEnum):
    VALID = "valid", _l("Valid")
    RENEWAL_REQUESTED = "renewal_requested", _l("Renewal requested")
    EXPIRED = "expired", _l("Expired")


class PermitType(LabelledEnum):
    """Residence permits (permessi di soggiorno) by reason, as the Questura issues them."""

    EMPLOYMENT = "employment", _l("Employment")
    SELF_EMPLOYMENT = "self_employment", _l("Self-employment")
    FAMILY = "family", _l("Family reasons")
    STUDY = "study", _l("Study")
    JOB_SEEKING = "job_seeking", _l("Job seeking")
    EU_LONG_TERM = "eu_long_term", _l("EU long-term residence")
    ASYLUM = "asylum", _l("Refugee status")
    SUBSIDIARY = "subsidiary", _l("Subsidiary protection")
    SPECIAL = "special", _l("Special protection")
    ASYLUM_SEEKER = "asylum_seeker", _l("Asylum application pending")
    MEDICAL = "medical", _l("Medical treatment")
    MINOR = "minor", _l("Minor age")
    EU_FAMILY_CARD = "eu_family_card", _l("Residence card of an EU citizen's family member")
    OTHER = "other", _l("Other")


def original_name(given: str | None, family: str | None) -> str:
    return " ".join(part for part in (given, family) if part)


def alias_list(aliases: str | None) -> list[str]:
    """The aliases field holds one name per line."""
    return [line.strip() for line in (aliases or "").splitlines() if line.strip()]


class Person(Timestamped, Versioned, db.Model):
    """A person the desks serve (anagrafica). Names as in the passport, in Latin letters."""

    __tablename__ = "people"
    __table_args__ = (
        # Lists sorted by name, and the renewal window per desk.
        sa.Index("ix_people_family_name_given_names", "family_name", "given_names"),
        sa.Index("ix_people_desk_id_permit_expires_on", "desk_id", "permit_expires_on"),
        # Other parts' rows joined to "the people of my desks" (the employment board, matching):
        # PostgreSQL reads the ids from the index alone instead of every person of the desk.
        sa.Index("ix_people_desk_id_id", "desk_id", "id"),
        # Only the few merged records: an index over all the others would lure the planner away
        # from the name and desk indexes when lists ask for records not merged.
        sa.Index(
            "ix_people_merged_into_id",
            "merged_into_id",
            postgresql_where=sa.text("merged_into_id IS NOT NULL"),
            sqlite_where=sa.text("merged_into_id IS NOT NULL"),
        ),
    )
    # Derived search keys are not part of the record's history; sharing is recorded by the case that causes it.
    __audit_exclude__ = {"name_keys", "shared_desks"}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The desk that registered the person; their file is shared with the desks of their cases.
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id"), index=True)

    given_names: Mapped[str] = mapped_column(sa.String(120))
    family_name: Mapped[str] = mapped_column(sa.String(120))
    given_names_original: Mapped[str] = mapped_column(sa.String(120), default="")
    family_name_original: Mapped[str] = mapped_column(sa.String(120), default="")
    # Other spellings and names the person is known by, one per line.
    aliases: Mapped[str] = mapped_column(sa.Text, default="")
    sex: Mapped[Sex] = mapped_column(Sex.column_type(), default=Sex.UNSPECIFIED)
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    birth_date_precision: Mapped[DatePrecision] = mapped_column(
        DatePrecision.column_type(), default=DatePrecision.UNKNOWN
    )
    country_of_birth: Mapped[str] = mapped_column(sa.String(2), default="")
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="it")

    fiscal_code: Mapped[str] = mapped_column(sa.String(16), default="", index=True)
    passport_number: Mapped[str] = mapped_column(sa.String(30), default="", index=True)
    phone: Mapped[str] = mapped_column(sa.String(20), default="", index=True)  # E.164
    whatsapp: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    municipality: Mapped[str] = mapped_column(sa.String(120), default="")
    arrival_date: Mapped[date | None] = mapped_column(sa.Date)

    # The current residence permit (permesso di soggiorno).
    permit_type: Mapped[PermitType | None] = mapped_column(PermitType.column_type(), nullable=True)
    permit_number: Mapped[str] = mapped_column(sa.String(30), default="", index=True)
    permit_issued_on: Mapped[date | None] = mapped_column(sa.Date)
    permit_expires_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    permit_questura: Mapped[str] = mapped_column(sa.String(80), default="")
    permit_status: Mapped[PermitStatus | None] = mapped_column(PermitStatus.column_type(), nullable=True)
    permit_receipt_date: Mapped[date | None] = mapped_column(sa.Date)

    notes: Mapped[str] = mapped_column(sa.Text, default="")

    # Set when this record was found to be the same person as another and merged into it: the
    # record stays (for the audit trail and to undo the merge) but leaves searches and lists.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    desk = relationship("Desk", lazy="joined")
    citizenships: Mapped[list[Citizenship]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Citizenship.country"
    )
    languages: Mapped[list[SpokenLanguage]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="SpokenLanguage.id"
    )
    name_keys: Mapped[list[NameKey]] = relationship(back_populates="person", cascade="all, delete-orphan")
    shared_desks: Mapped[list[SharedDesk]] = relationship(back_populates="person", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def original_name(self) -> str:
        return original_name(self.given_names_original, self.family_name_original)

    @property
    def alias_list(self) -> list[str]:
        return alias_list(self.aliases)

    @property
    def citizenship_codes(self) -> list[str]:
        return [c.country for c in self.citizenships]

    @property
    def desk_ids(self) -> set[int]:
        """The desk that registered the person and the desks their file is shared with."""
        return {self.desk_id, *(row.desk_id for row in self.shared_desks)}

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Admins see everyone; coordinators and operators the people of their desks, including
        people registered elsewhere whose file is shared with one of their desks. Records merged
        into another are left out."""
        query = sa.select(cls).where(cls.merged_into_id.is_(None))
        if user.role is Role.ADMIN:
            return query
        if user.role in (Role.COORDINATOR, Role.OPERATOR):
            desk_ids = user.desk_ids
            shared = sa.select(SharedDesk.person_id).where(SharedDesk.desk_id.in_(desk_ids))
            return query.where(sa.or_(cls.desk_id.in_(desk_ids), cls.id.in_(shared)))
        return query.where(sa.false())

    def can_view(self, user) -> bool:
        if user.role is Role.ADMIN:
            return True
        return user.role in (Role.COORDINATOR, Role.OPERATOR) and bool(self.desk_ids & user.desk_ids)

    can_edit = can_view


class Citizenship(db.Model):
    __tablename__ = "person_citizenships"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True, index=True)

    person: Mapped[Person] = relationship(back_populates="citizenships")

    def __str__(self) -> str:
        return self.country


class SpokenLanguage(db.Model):
    __tablename__ = "person_languages"
    __table_args__ = (sa.UniqueConstraint("person_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    level: Mapped[LanguageLevel] = mapped_column(LanguageLevel.column_type())

    person: Mapped[Person] = relationship(back_populates="languages")

    def __str__(self) -> str:
        return f"{self.language}:{self.level.value}"


class SharedDesk(db.Model):
    """A desk other than the registering one that works with the person (it has a case for them),
    and so sees their file."""

    __tablename__ = "person_shared_desks"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id", ondelete="CASCADE"), primary_key=True, index=True)

    person: Mapped[Person] = relationship(back_populates="shared_desks")


class NameKey(db.Model):
    """Search keys of a person's names, kept by ``people.matching``: for every name token, its
    transliterated form (``t:mohammed``) and its phonetic code (``p:MHMT``). Indexed, so fuzzy
    search and duplicate detection fetch candidates without reading every person."""

    __tablename__ = "person_name_keys"
    # Prefix searches (LIKE 't:moh%') use this index on PostgreSQL whatever the collation; with
    # the person id in it, a search reads the index alone, not the table.
    __table_args__ = (
        sa.Index("ix_person_name_keys_key", "key", "person_id", postgresql_ops={"key": "text_pattern_ops"}),
    )

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="name_keys")


class Relation(LabelledEnum):
    """How a household member is related: what the second person of a link is to the first."""

    SPOUSE = "spouse", _l("Spouse or partner")
    CHILD = "child", _l("Child")
    PARENT = "parent", _l("Parent")
    SIBLING = "sibling", _l("Brother or sister")
    RELATIVE = "relative", _l("Other relative")
    HOUSEMATE = "housemate", _l("Lives with")

    @property
    def inverse(self) -> Relation:
        """The relation seen from the other person: a child's parent, a parent's child."""
        return {Relation.CHILD: Relation.PARENT, Relation.PARENT: Relation.CHILD}.get(self, self)


class HouseholdLink(Timestamped, db.Model):
    """Two people of one household (nucleo familiare), stored once: the lower id first, and
    ``relation`` says what the second person is to the first."""

    __tablename__ = "household_links"
    __table_args__ = (
        sa.UniqueConstraint("first_person_id", "second_person_id"),
        # One row per pair, never a person with themselves.
        sa.CheckConstraint("first_person_id < second_person_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    second_person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    relation: Mapped[Relation] = mapped_column(Relation.column_type())

    first_person: Mapped[Person] = relationship(foreign_keys=[first_person_id])
    second_person: Mapped[Person] = relationship(foreign_keys=[second_person_id])

    def __str__(self) -> str:
        return f"{self.first_person} / {self.second_person} ({self.relation.value})"

    @property
    def audit_desk_id(self) -> int:
        return self.first_person.desk_id

    def seen_from(self, person_id: int) -> tuple[int, Relation]:
        """The other person's id and what they are to ``person_id``."""
        if person_id == self.first_person_id:
            return self.second_person_id, self.relation
        return self.first_person_id, self.relation.inverse


class VulnerabilityType(Timestamped, Versioned, db.Model):
    """A kind of vulnerability (vulnerabilità). Built-in types have a stable ``code`` and a
    translated title; administrators add types of their own, rename and deactivate them."""

    __tablename__ = "vulnerability_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Built-in types only; None for the types an installation adds.
    code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    # The installation's own name; for built-in types the English title, shown translated.
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.code is not None

    @property
    def title(self):
        """The name in the reader's language (built-in types) or as the installation wrote it."""
        return BUILTIN_VULNERABILITIES.get(self.code, self.name) if self.code else self.name

    @property
    def sort_key(self) -> tuple:
        order = list(BUILTIN_VULNERABILITIES)
        return (0, order.index(self.code), "") if self.code in order else (1, 0, self.name.lower())


# The built-in vulnerability types the first migration seeds: stable code -> title.
BUILTIN_VULNERABILITIES = {
    "unaccompanied_minor": _l("Unaccompanied minor"),
    "trafficking": _l("Victim of trafficking"),
    "disability": _l("Disability"),
    "serious_illness": _l("Serious illness"),
    "single_parent": _l("Single parent"),
    "violence": _l("Survivor of violence"),
    "elderly_alone": _l("Elderly person living alone"),
    "pregnancy": _l("Pregnancy"),
    "homeless": _l("Homeless"),
}


class PersonVulnerability(Timestamped, Versioned, db.Model):
    """A vulnerability of a person, from a date and possibly until one."""

    __tablename__ = "person_vulnerabilities"
    __table_args__ = (sa.CheckConstraint("until_date IS NULL OR until_date >= from_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("vulnerability_types.id"), index=True)
    from_date: Mapped[date] = mapped_column(sa.Date)
    until_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    person: Mapped[Person] = relationship()
    type: Mapped[VulnerabilityType] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.person}: {self.type}"

    @property
    def audit_desk_id(self) -> int:
        return self.person.desk_id

    def is_current(self, day: date) -> bool:
        return self.until_date is None or self.until_date >= day


class AttachmentKind(LabelledEnum):
    PASSPORT = "passport", _l("Passport")
    PERMIT = "permit", _l("Residence permit")
    POSTAL_RECEIPT = "postal_receipt", _l("Post-office receipt")
    CONSENT_FORM = "consent_form", _l("Signed consent form")
    OTHER = "other", _l("Other document")


class PersonAttachment(Timestamped, db.Model):
    """A scanned document of a person. The file lives outside the web root under a random name
    (``core.files``); deleting an attachment removes the file and keeps this row for the trail."""

    __tablename__ = "person_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(AttachmentKind.column_type())
    title: Mapped[str] = mapped_column(sa.String(200))
    # The name on the uploader's computer, cleaned; the stored file has a random name.
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship()

    def __str__(self) -> str:
        return f"{self.person}: {self.title}"

    @property
    def audit_desk_id(self) -> int:
        return self.person.desk_id


class ConsentRecord(Timestamped, Versioned, db.Model):
    """A signed privacy notice (informativa e consenso): which version, in which language, when,
    for which purposes, and its withdrawal."""

    __tablename__ = "consent_records"
    __table_args__ = (
        sa.CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= signed_on", name="withdrawn_after_signed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    notice_version: Mapped[str] = mapped_column(sa.String(40))
    notice_language: Mapped[str] = mapped_column(sa.String(8))
    signed_on: Mapped[date] = mapped_column(sa.Date)
    case_management: Mapped[bool] = mapped_column(default=False)
    partner_sharing: Mapped[bool] = mapped_column(default=False)
    contact_whatsapp: Mapped[bool] = mapped_column(default=False)
    contact_sms: Mapped[bool] = mapped_column(default=False)
    contact_email: Mapped[bool] = mapped_column(default=False)
    withdrawn_on: Mapped[date | None] = mapped_column(sa.Date)
    # The signed paper form, scanned.
    attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person_attachments.id", ondelete="SET NULL"), index=True
    )

    person: Mapped[Person] = relationship()
    attachment: Mapped[PersonAttachment | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.person}: {self.notice_version} ({self.signed_on.isoformat()})"

    @property
    def audit_desk_id(self) -> int:
        return self.person.desk_id

    @property
    def purposes(self) -> list[tuple[Any, bool]]:
        """Each purpose's title and whether the person consented to it."""
        return [(title, getattr(self, name)) for name, title in CONSENT_PURPOSES.items()]


# The purposes a person consents to, each a boolean column of ConsentRecord.
CONSENT_PURPOSES = {
    "case_management": _l("Case management"),
    "partner_sharing": _l("Sharing with partner services"),
    "contact_whatsapp": _l("Contact by WhatsApp"),
    "contact_sms": _l("Contact by SMS"),
    "contact_email": _l("Contact by email"),
}


PERSON_TITLE = _l("Person")
PERSON_FIELD_TITLES = {
    "given_names": _l("Given names"),
    "family_name": _l("Family name"),
    "given_names_original": _l("Given names in the original script"),
    "family_name_original": _l("Family name in the original script"),
    "aliases": _l("Other spellings and names"),
    "sex": _l("Sex"),
    "birth_date": _l("Date of birth"),
    "birth_date_precision": _l("Precision of the date of birth"),
    "country_of_birth": _l("Country of birth"),
    "preferred_language": _l("Language for documents"),
    "fiscal_code": _l("Codice fiscale"),
    "passport_number": _l("Passport number"),
    "whatsapp": _l("Reachable on WhatsApp"),
    "municipality": _l("Municipality"),
    "arrival_date": _l("Arrival in Italy"),
    "permit_type": _l("Permit type"),
    "permit_number": _l("Permit number"),
    "permit_issued_on": _l("Permit issued on"),
    "permit_expires_on": _l("Permit expires on"),
    "permit_questura": _l("Issuing Questura"),
    "permit_status": _l("Permit status"),
    "permit_receipt_date": _l("Renewal receipt date"),
    "notes": _l("Notes"),
    "citizenships": _l("Citizenships"),
    "languages": _l("Languages spoken"),
    "merged_into_id": _l("Merged into"),
    # What a merge of two records changed (see services.merge_people).
    "merged_person_id": _l("Record merged into this one"),
    "merge_entry_id": _l("Merge undone"),
    "rows_moved": _l("Records moved"),
    "household_links_moved": _l("Household links moved"),
    "shared_desk_added": _l("Desk now sharing the file"),
}
PERSON_VALUE_TITLES = {
    "sex": Sex,
    "birth_date_precision": DatePrecision,
    "permit_type": PermitType,
    "permit_status": PermitStatus,
}

HOUSEHOLD_LINK_TITLE = _l("Household link")
HOUSEHOLD_LINK_FIELD_TITLES = {
    "first_person_id": _l("Person"),
    "second_person_id": _l("Household member"),
    "relation": _l("Relation"),
}

VULNERABILITY_TYPE_TITLE = _l("Vulnerability type")
VULNERABILITY_TYPE_FIELD_TITLES = {"code": _l("Code"), "name": _l("Name"), "active": _l("In use")}

VULNERABILITY_TITLE = _l("Vulnerability")
VULNERABILITY_FIELD_TITLES = {
    "person_id": _l("Person"),
    "type": _l("Vulnerability"),
    "from_date": _l("From"),
    "until_date": _l("Until"),
    "note": _l("Note"),
}

ATTACHMENT_TITLE = _l("Attachment")
ATTACHMENT_FIELD_TITLES = {
    "kind": _l("Kind of document"),
    "title": _l("Title"),
    "original_filename": _l("File name"),
    "stored_name": _l("Stored file"),
    "content_type": _l("File type"),
    "size": _l("Size in bytes"),
    "sha256": _l("SHA-256 checksum"),
    "deleted_at": _l("Deleted on"),
    "deleted_by_id": _l("Deleted by"),
}

CONSENT_TITLE = _l("Consent record")
CONSENT_FIELD_TITLES = {
    "notice_version": _l("Privacy notice version"),
    "notice_language": _l("Language of the notice"),
    "signed_on": _l("Signed on"),
    **CONSENT_PURPOSES,
    "withdrawn_on": _l("Withdrawn on"),
    "attachment_id": _l("Signed form"),
}
