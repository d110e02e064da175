"""People: the person record (anagrafica), their spoken languages, citizenships and name keys."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.core.model import LabelledEnum, Timestamped, Versioned
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
        people registered elsewhere whose file is shared with one of their desks."""
        query = sa.select(cls)
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
    # Prefix searches (LIKE 't:moh%') use this index on PostgreSQL whatever the collation.
    __table_args__ = (sa.Index("ix_person_name_keys_key", "key", postgresql_ops={"key": "text_pattern_ops"}),)

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="name_keys")


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
}
PERSON_VALUE_TITLES = {
    "sex": Sex,
    "birth_date_precision": DatePrecision,
    "permit_type": PermitType,
    "permit_status": PermitStatus,
}
