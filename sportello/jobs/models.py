"""Job placement: a person's skills profile (education, experience, languages, licences,
availability), the employers' roster and their job offers, referrals of a case to an offer,
and internships (tirocini) with their attendance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.auth.models import User
from sportello.cases.models import Case, CasePart
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.i18n import lazy_pgettext
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, Versioned, utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.people.models import Person

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OPERATOR)


class Cefr(LabelledEnum):
    """Levels of the Common European Framework of Reference for languages, lowest first."""

    A1 = "A1", _l("A1 (beginner)")
    A2 = "A2", _l("A2 (elementary)")
    B1 = "B1", _l("B1 (intermediate)")
    B2 = "B2", _l("B2 (upper intermediate)")
    C1 = "C1", _l("C1 (advanced)")
    C2 = "C2", _l("C2 (proficient)")

    @property
    def rank(self) -> int:
        return CEFR_RANK[self]


CEFR_RANK = {level: position for position, level in enumerate(Cefr, start=1)}


class ItalianCertificate(LabelledEnum):
    """Certificates of Italian the desks meet. The Prefettura's A2 test is the one the EU
    long-term permit asks for; the CPIA's A2 certificate exempts from it."""

    PREFETTURA_A2 = "prefettura_a2", _l("Prefettura A2 test (EU long-term permit)")
    CPIA = "cpia", _l("CPIA certificate")
    CILS = "cils", _l("CILS (Università per Stranieri di Siena)")
    CELI = "celi", _l("CELI (Università per Stranieri di Perugia)")
    PLIDA = "plida", _l("PLIDA (Società Dante Alighieri)")
    CERT_IT = "cert_it", _l("CERT.IT (Università Roma Tre)")
    SCHOOL = "school", _l("Italian school diploma")
    OTHER = "other", _l("Other certificate")


class EducationLevel(LabelledEnum):
    """Highest level reached, in ISCED terms, as desks ask it."""

    NONE = "none", _l("No schooling")
    PRIMARY = "primary", _l("Primary school")
    LOWER_SECONDARY = "lower_secondary", _l("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _l("Upper secondary school")
    VOCATIONAL = "vocational", _l("Vocational training")
    BACHELOR = "bachelor", _l("Bachelor's degree")
    MASTER = "master", _l("Master's degree")
    DOCTORATE = "doctorate", _l("Doctorate")


class Recognition(LabelledEnum):
    """Whether a foreign qualification is recognised in Italy."""

    NONE = "none", _l("Not recognised")
    REQUESTED = "requested", _l("Recognition requested")
    OBTAINED = "obtained", _l("Declaration of value obtained")


class Sector(LabelledEnum):
    """Sectors of work, close to the ATECO sections desks deal with."""

    AGRICULTURE = "agriculture", _l("Agriculture and farming")
    FOOD_INDUSTRY = "food_industry", _l("Food industry")
    MANUFACTURING = "manufacturing", _l("Manufacturing and metalwork")
    CONSTRUCTION = "construction", _l("Construction")
    LOGISTICS = "logistics", _l("Logistics and warehouses")
    TRANSPORT = "transport", _l("Transport and driving")
    HOSPITALITY = "hospitality", _l("Hotels, restaurants and catering")
    RETAIL = "retail", _l("Shops and retail")
    CLEANING = "cleaning", _l("Cleaning and facility services")
    CARE = "care", _l("Home care and domestic work")
    HEALTH = "health", _l("Health and social care")
    MECHANICS = "mechanics", _l("Vehicle repair and maintenance")
    TEXTILE = "textile", _l("Textiles and tailoring")
    OFFICE = "office", _l("Office and administration")
    EDUCATION = "education", _l("Education and cultural mediation")
    OTHER = "other", _l("Other sector")


class DrivingLicence(LabelledEnum):
    """Italian driving licence categories and the professional qualification for drivers."""

    AM = "AM", _l("AM (moped)")
    A = "A", _l("A (motorcycle)")
    B = "B", _l("B (car)")
    BE = "BE", _l("BE (car with trailer)")
    C = "C", _l("C (lorry)")
    CE = "CE", _l("CE (lorry with trailer)")
    D = "D", _l("D (bus)")
    CQC = "CQC", _l("CQC (professional driver)")


class Hours(LabelledEnum):
    FULL_TIME = "full_time", _l("Full time")
    PART_TIME = "part_time", _l("Part time")
    EITHER = "either", _l("Full or part time")


class Travel(LabelledEnum):
    """How far a person can go to work, from the municipality they live in."""

    MUNICIPALITY = "municipality", _l("Only in their municipality")
    PROVINCE = "province", _l("Within the province")
    ANYWHERE = "anywhere", _l("Anywhere, ready to move")


class JobStage(LabelledEnum):
    """Where a person stands in their job search: the employment board's columns."""

    PROFILE = "profile", _l("Building the profile")
    SEARCHING = "searching", _l("Looking for work")
    REFERRED = "referred", _l("Put forward for an offer")
    INTERVIEW = "interview", _l("Interview")
    INTERNSHIP = "internship", _l("In an internship")
    HIRED = "hired", _l("Hired")


class ContractType(LabelledEnum):
    PERMANENT = "permanent", _l("Permanent contract")
    FIXED_TERM = "fixed_term", _l("Fixed-term contract")
    APPRENTICESHIP = "apprenticeship", _l("Apprenticeship")
    AGENCY = "agency", _l("Temporary agency work")
    SEASONAL = "seasonal", _l("Seasonal work")
    DOMESTIC = "domestic", _l("Domestic work (home help, carer)")
    ON_CALL = "on_call", _l("On-call work")
    SELF_EMPLOYED = "self_employed", _l("Freelance or collaboration")


class OfferStatus(LabelledEnum):
    # An offer's status, apart from a case's: some languages give them different genders.
    OPEN = "open", lazy_pgettext("job offer", "Open")
    FILLED = "filled", lazy_pgettext("job offer", "Filled")
    CLOSED = "closed", lazy_pgettext("job offer", "Closed")


class ReferralStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed")
    SENT = "sent", _l("CV sent")
    INTERVIEW = "interview", _l("Interview")
    HIRED = "hired", _l("Hired")
    NOT_SELECTED = "not_selected", _l("Not selected")
    WITHDREW = "withdrew", _l("Withdrew")


OPEN_REFERRALS = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.INTERVIEW)


class InternshipStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    RUNNING = "running", _l("Running")
    ENDED = "ended", _l("Ended")


class InternshipOutcome(LabelledEnum):
    HIRED = "hired", _l("Hired by the host")
    EXTENDED = "extended", _l("Extended")
    COMPLETED = "completed", _l("Completed, not hired")
    LEFT = "left", _l("Interrupted by the intern")
    STOPPED = "stopped", _l("Interrupted by the host")


class _Shared:
    """Employers and offers are shared by every desk of the installation; mediators see none."""

    @property
    def audit_desk_id(self) -> None:
        return None

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        query = sa.select(cls)
        return query if user.role in STAFF_ROLES else query.where(sa.false())

    def can_view(self, user) -> bool:
        return user.role in STAFF_ROLES

    can_edit = can_view


class SkillsProfile(Timestamped, Versioned, db.Model):
    """What a person can do and what work they look for (profilo delle competenze).

    It belongs to the person, not to a case, so it follows them between desks. ``stage`` is kept
    by ``jobs.profiles.refresh_stage`` from the person's referrals and internships.

    ``desk_id`` repeats the desk the person is registered at (which never changes), so the
    board and matching read a desk's people from an index; it is set when the profile is
    created, and again when a merge, or its undoing, moves the profile to the other record.
    """

    __tablename__ = "job_profiles"
    __table_args__ = (
        sa.Index("ix_job_profiles_stage_updated", "stage", "updated_at"),
        # A desk's people by stage, the last updated first: the board, from the index alone.
        sa.Index("ix_job_profiles_desk_stage", "desk_id", "stage", "updated_at", "id", "person_id"),
        # A desk's profiles with what matching asks of them: the candidates for an offer read
        # from the index alone.
        sa.Index(
            "ix_job_profiles_matching",
            "desk_id",
            "stage",
            "italian_rank",
            "travel",
            "province",
            "municipality_key",
            "hours",
            "nights",
            "weekends",
            "licences",
            "updated_at",
            "id",
            "person_id",
        ),
    )

    # The person's desk is the person's to record, not the profile's.
    __audit_exclude__ = {"desk_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("desks.id"))
    italian_level: Mapped[Cefr | None] = mapped_column(Cefr.column_type(), nullable=True)
    # The same level as a number (0 for none), so matching can compare it in SQL.
    italian_rank: Mapped[int] = mapped_column(default=0)
    italian_certificate: Mapped[ItalianCertificate | None] = mapped_column(
        ItalianCertificate.column_type(), nullable=True
    )
    italian_certificate_on: Mapped[date | None]
    # Licence codes separated and surrounded by spaces (" B C "), so SQL can test one with LIKE.
    licences: Mapped[str] = mapped_column(sa.String(60), default="")
    own_vehicle: Mapped[bool] = mapped_column(default=False)
    # Skills and trades, one per line (forklift, HACCP, welding, pizza maker).
    skills: Mapped[str] = mapped_column(sa.Text, default="")
    # Sectors the person wants to work in.
    sectors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    hours: Mapped[Hours] = mapped_column(Hours.column_type(), default=Hours.EITHER)
    nights: Mapped[bool] = mapped_column(default=False)
    weekends: Mapped[bool] = mapped_column(default=False)
    travel: Mapped[Travel] = mapped_column(Travel.column_type(), default=Travel.MUNICIPALITY)
    # Where they live, for matching: the municipality (as typed, matched without case) and the
    # province's two-letter code.
    municipality: Mapped[str] = mapped_column(sa.String(120), default="")
    municipality_key: Mapped[str] = mapped_column(sa.String(120), default="", index=True)
    province: Mapped[str] = mapped_column(sa.String(2), default="")
    available_from: Mapped[date | None]
    # Registration at the Centro per l'impiego: the immediate-availability declaration (DID).
    did_on: Mapped[date | None]
    employment_centre: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    stage: Mapped[JobStage] = mapped_column(JobStage.column_type(), default=JobStage.PROFILE)
    stage_on: Mapped[date | None]

    person: Mapped[Person] = relationship(lazy="joined", innerjoin="unnested")
    educations: Mapped[list[Education]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Education.year.desc()"
    )
    experiences: Mapped[list[Experience]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Experience.until_year.desc()"
    )
    languages: Mapped[list[ProfileLanguage]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileLanguage.language"
    )
    sector_keys: Mapped[list[ProfileSector]] = relationship(cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.person} profile"

    @property
    def audit_desk_id(self) -> int | None:
        return self.person.desk_id

    def can_view(self, user) -> bool:
        return self.person.can_view(user)

    def can_edit(self, user) -> bool:
        return self.person.can_edit(user)

    @property
    def licence_list(self) -> list[DrivingLicence]:
        known = DrivingLicence._value2member_map_
        return [DrivingLicence(code) for code in self.licences.split() if code in known]

    @property
    def skill_list(self) -> list[str]:
        return [line.strip() for line in self.skills.splitlines() if line.strip()]

    @property
    def sector_list(self) -> list[Sector]:
        return [Sector(value) for value in self.sectors or [] if value in Sector._value2member_map_]


@sa.event.listens_for(SkillsProfile, "before_insert")
def _registration_desk(mapper, connection, profile: SkillsProfile) -> None:
    """A new profile takes the desk its person is registered at."""
    if profile.desk_id is None:
        person = profile.__dict__.get("person")
        profile.desk_id = (
            person.desk_id
            if person is not None
            else connection.scalar(sa.select(Person.desk_id).where(Person.id == profile.person_id))
        )


class Education(db.Model):
    __tablename__ = "job_educations"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("job_profiles.id", ondelete="CASCADE"), index=True)
    level: Mapped[EducationLevel] = mapped_column(EducationLevel.column_type())
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    year: Mapped[int | None]
    recognition: Mapped[Recognition] = mapped_column(Recognition.column_type(), default=Recognition.NONE)

    profile: Mapped[SkillsProfile] = relationship(back_populates="educations")


class Experience(db.Model):
    __tablename__ = "job_experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("job_profiles.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(160))
    sector: Mapped[Sector] = mapped_column(Sector.column_type())
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    employer: Mapped[str] = mapped_column(sa.String(160), default="")
    # Years of experience in this role, to the half year.
    years: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1))
    until_year: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")

    profile: Mapped[SkillsProfile] = relationship(back_populates="experiences")


class ProfileLanguage(db.Model):
    """A language other than Italian, with its CEFR level (or mother tongue)."""

    __tablename__ = "job_profile_languages"

    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("job_profiles.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    mother_tongue: Mapped[bool] = mapped_column(default=False)
    level: Mapped[Cefr | None] = mapped_column(Cefr.column_type(), nullable=True)

    profile: Mapped[SkillsProfile] = relationship(back_populates="languages")


class ProfileSector(db.Model):
    """The sectors a profile matches: those wanted and those of its experience, kept by the
    profile services so that candidates for an offer are found through an index."""

    __tablename__ = "job_profile_sectors"
    __table_args__ = (sa.Index("ix_job_profile_sectors_sector", "sector", "profile_id"),)

    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("job_profiles.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[Sector] = mapped_column(Sector.column_type(), primary_key=True)


class Employer(_Shared, Timestamped, Versioned, db.Model):
    """A company, cooperative, family or organisation that hires or hosts interns: the roster the
    desks share."""

    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), index=True)
    sector: Mapped[Sector] = mapped_column(Sector.column_type())
    # Partita IVA or codice fiscale of the business, optional.
    tax_number: Mapped[str] = mapped_column(sa.String(16), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(160), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")  # E.164
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    municipality: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class JobOffer(_Shared, Timestamped, Versioned, db.Model):
    """A vacancy an employer asked the desks to fill, with its requirements."""

    __tablename__ = "job_offers"
    __table_args__ = (
        # The open offers by closing date, with what matching a person asks of them: the offers
        # for a person read from the index alone (and the board's offers closing soon).
        sa.Index(
            "ix_job_offers_matching",
            "status",
            "closes_on",
            "min_italian_rank",
            "nights",
            "weekends",
            "hours",
            "licence",
            "sector",
            "municipality_key",
            "province",
            "id",
        ),
        sa.Index("ix_job_offers_municipality_key", "municipality_key"),
        # The board's offers by status, counted from this small index rather than the table.
        sa.Index("ix_job_offers_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    sector: Mapped[Sector] = mapped_column(Sector.column_type())
    contract_type: Mapped[ContractType] = mapped_column(ContractType.column_type())
    hours: Mapped[Hours] = mapped_column(Hours.column_type())
    weekly_hours: Mapped[int | None]
    nights: Mapped[bool] = mapped_column(default=False)
    weekends: Mapped[bool] = mapped_column(default=False)
    municipality: Mapped[str] = mapped_column(sa.String(120))
    municipality_key: Mapped[str] = mapped_column(sa.String(120), default="")
    province: Mapped[str] = mapped_column(sa.String(2), default="")
    positions: Mapped[int] = mapped_column(default=1)
    min_italian: Mapped[Cefr | None] = mapped_column(Cefr.column_type(), nullable=True)
    min_italian_rank: Mapped[int] = mapped_column(default=0)
    licence: Mapped[DrivingLicence | None] = mapped_column(DrivingLicence.column_type(), nullable=True)
    # Skills asked for, one per line; compared with the profiles' skills to give reasons.
    skills: Mapped[str] = mapped_column(sa.Text, default="")
    requirements: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    closes_on: Mapped[date | None]
    status: Mapped[OfferStatus] = mapped_column(OfferStatus.column_type(), default=OfferStatus.OPEN)
    hired_count: Mapped[int] = mapped_column(default=0)

    employer: Mapped[Employer] = relationship(lazy="joined", innerjoin="unnested")

    def __str__(self) -> str:
        return f"{self.title}, {self.employer.name}"

    @property
    def skill_list(self) -> list[str]:
        return [line.strip() for line in self.skills.splitlines() if line.strip()]

    def takes_referrals(self, on: date) -> bool:
        """Open, and not past its closing date."""
        return self.status is OfferStatus.OPEN and (self.closes_on is None or self.closes_on >= on)


class JobReferral(CasePart, Timestamped, Versioned, db.Model):
    """A person put forward for an offer (candidatura), and how it went."""

    __tablename__ = "job_referrals"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "offer_id"),
        sa.Index("ix_job_referrals_offer_status", "offer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("job_offers.id"))
    status: Mapped[ReferralStatus] = mapped_column(ReferralStatus.column_type(), default=ReferralStatus.PROPOSED)
    status_on: Mapped[date]
    interview_on: Mapped[date | None]
    # When hired: the contract and its dates.
    contract_type: Mapped[ContractType | None] = mapped_column(ContractType.column_type(), nullable=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")
    offer: Mapped[JobOffer] = relationship(lazy="joined", innerjoin="unnested")
    # Its history, the latest recorded first; each step is part of the referral's own audited
    # change.
    steps: Mapped[list[JobReferralStep]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="JobReferralStep.id.desc()"
    )

    __audit_exclude__ = {"steps"}

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.offer}"


class JobReferralStep(db.Model):
    """One step of a referral: the status it reached, on which day, who recorded it and why."""

    __tablename__ = "job_referral_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("job_referrals.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(ReferralStatus.column_type())
    status_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    referral: Mapped[JobReferral] = relationship(back_populates="steps")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")


class Internship(CasePart, Timestamped, Versioned, db.Model):
    """A training internship (tirocinio extracurricolare) at a host organisation."""

    __tablename__ = "internships"
    __table_args__ = (sa.Index("ix_internships_status_ends", "status", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(160))
    # The host's tutor, and the promoter's (the desk's or the training body's).
    host_tutor: Mapped[str] = mapped_column(sa.String(160), default="")
    promoter_tutor: Mapped[str] = mapped_column(sa.String(160), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    weekly_hours: Mapped[int]
    monthly_stipend: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    # Who pays the stipend: a regional programme (GOL, FSE+), a project, the host.
    programme: Mapped[str] = mapped_column(sa.String(160), default="")
    status: Mapped[InternshipStatus] = mapped_column(InternshipStatus.column_type(), default=InternshipStatus.PLANNED)
    outcome: Mapped[InternshipOutcome | None] = mapped_column(InternshipOutcome.column_type(), nullable=True)
    outcome_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(lazy="joined", innerjoin="unnested")
    host: Mapped[Employer] = relationship(lazy="joined", innerjoin="unnested")
    attendance: Mapped[list[InternshipMonth]] = relationship(
        back_populates="internship", cascade="all, delete-orphan", order_by="InternshipMonth.month"
    )

    def __str__(self) -> str:
        return f"{self.role}, {self.host.name}"


class InternshipMonth(db.Model):
    """The hours an intern attended in a month, against the hours planned; the stipend is due in
    full from 70% attendance (national guidelines on internships, 2017)."""

    __tablename__ = "internship_months"
    __table_args__ = (sa.UniqueConstraint("internship_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    internship_id: Mapped[int] = mapped_column(sa.ForeignKey("internships.id", ondelete="CASCADE"))
    # The first day of the month.
    month: Mapped[date]
    planned_hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 1))
    attended_hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 1))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    internship: Mapped[Internship] = relationship(back_populates="attendance")
    recorded_by: Mapped[User | None] = relationship()


PROFILE_FIELDS = {
    "person_id": _l("Person"),
    "italian_level": _l("Italian level"),
    "italian_certificate": _l("Italian certificate"),
    "italian_certificate_on": _l("Certificate date"),
    "licences": _l("Driving licences"),
    "own_vehicle": _l("Own vehicle"),
    "skills": _l("Skills and trades"),
    "sectors": _l("Sectors wanted"),
    "hours": _l("Hours"),
    "nights": _l("Night shifts"),
    "weekends": _l("Weekends"),
    "travel": _l("Can work"),
    "municipality": _l("Municipality"),
    "province": _l("Province"),
    "available_from": _l("Available from"),
    "did_on": _l("Registered at the employment centre (DID)"),
    "employment_centre": _l("Employment centre"),
    "notes": _l("Notes"),
    "stage": _l("Stage"),
    "educations": _l("Education"),
    "experiences": _l("Work experience"),
    "languages": _l("Languages"),
}
EMPLOYER_FIELDS = {
    "name": _l("Name"),
    "sector": _l("Sector"),
    "tax_number": _l("VAT or tax number"),
    "contact_name": _l("Contact person"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "address": _l("Address"),
    "municipality": _l("Municipality"),
    "notes": _l("Notes"),
    "active": _l("Active"),
}
OFFER_FIELDS = {
    "employer_id": _l("Employer"),
    "title": _l("Job title"),
    "sector": _l("Sector"),
    "contract_type": _l("Contract type"),
    "hours": _l("Hours"),
    "weekly_hours": _l("Hours a week"),
    "nights": _l("Night shifts"),
    "weekends": _l("Weekends"),
    "municipality": _l("Municipality"),
    "province": _l("Province"),
    "positions": _l("Positions"),
    "min_italian": _l("Italian level needed"),
    "licence": _l("Driving licence needed"),
    "skills": _l("Skills asked for"),
    "requirements": _l("Other requirements"),
    "description": _l("Description"),
    "closes_on": _l("Closing date"),
    "status": _l("Status"),
    "hired_count": _l("Hired"),
}
REFERRAL_FIELDS = {
    "case_id": _l("Case"),
    "offer_id": _l("Offer"),
    "status": _l("Status"),
    "status_on": _l("Since"),
    "interview_on": _l("Interview date"),
    "contract_type": _l("Contract type"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "note": _l("Note"),
}
INTERNSHIP_FIELDS = {
    "case_id": _l("Case"),
    "host_id": _l("Host organisation"),
    "role": _l("Role"),
    "host_tutor": _l("Host tutor"),
    "promoter_tutor": _l("Promoter tutor"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "weekly_hours": _l("Hours a week"),
    "monthly_stipend": _l("Monthly stipend"),
    "programme": _l("Funding programme"),
    "status": _l("Status"),
    "outcome": _l("Outcome"),
    "outcome_on": _l("Outcome date"),
    "note": _l("Note"),
}
