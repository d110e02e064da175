"""Desks, users and roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import Timestamped, UTCDateTime, Versioned
from sportello.core.roles import Role
from sportello.extensions import db

user_desks = sa.Table(
    "user_desks",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("desk_id", sa.ForeignKey("desks.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Desk(Timestamped, Versioned, db.Model):
    """A desk (sportello integrazione): one office of the network served by this installation."""

    __tablename__ = "desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Short code used in case reference numbers (RA-2026-000123).
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    municipality: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    opening_hours: Mapped[str] = mapped_column(sa.Text, default="")
    # Text printed at the top of documents handed to people (no logo: printers and phones vary).
    print_header: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    users: Mapped[list[User]] = relationship(secondary=user_desks, back_populates="desks")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_desk_id(self) -> int:
        return self.id

    @classmethod
    def visible_to(cls, user: User) -> sa.Select:
        """Admins see every desk; everyone else the desks they belong to."""
        query = sa.select(cls)
        if user.role is not Role.ADMIN:
            query = query.where(cls.id.in_(user.desk_ids))
        return query

    def can_view(self, user: User) -> bool:
        return user.role is Role.ADMIN or self.id in user.desk_ids

    def can_edit(self, user: User) -> bool:
        """Admins edit every desk; a coordinator keeps their own desks' details up to date."""
        return user.role is Role.ADMIN or (user.role is Role.COORDINATOR and self.id in user.desk_ids)


# The staff a desk's forms offer (``cases.services.staff_of`` and ``staff_names``): its active
# operators and coordinators.
STAFF_ROLES = (Role.OPERATOR, Role.COORDINATOR)
_STAFF = "active IS true AND role IN ({})".format(", ".join(f"'{role.value}'" for role in STAFF_ROLES))


class User(UserMixin, Timestamped, Versioned, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A desk's staff read from this small index alone (their ids and names), not from every
        # account: on PostgreSQL a case page's list of staff took 1.1 ms, now 0.3.
        sa.Index("ix_users_staff", "id", "name", postgresql_where=sa.text(_STAFF), sqlite_where=sa.text(_STAFF)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(Role.column_type())
    # Interface language; empty means "as the browser asks".
    language: Mapped[str | None] = mapped_column(sa.String(8), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Changes when the password changes or the account is deactivated, ending open sessions.
    session_token: Mapped[str] = mapped_column(sa.String(32))
    # Set when an administrator issued a temporary password.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Content languages this person translates and reviews (coordinators and mediators).
    review_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    desks: Mapped[list[Desk]] = relationship(secondary=user_desks, back_populates="users", order_by="Desk.name")

    def __str__(self) -> str:
        return self.name

    # Flask-Login: the session stores id and token, so resetting the token logs the user out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @classmethod
    def is_staff(cls) -> sa.ColumnElement[bool]:
        """Active operators and coordinators, with the roles written into the statement: the plan
        PostgreSQL keeps for it can then read ``ix_users_staff``, whose condition is the same.
        With the roles as parameters, a kept plan cannot know they match the index's."""
        roles = sa.bindparam(
            "staff_roles", list(STAFF_ROLES), expanding=True, literal_execute=True, type_=cls.__table__.c.role.type
        )
        return sa.and_(cls.active.is_(True), cls.role.in_(roles))

    @property
    def desk_ids(self) -> set[int]:
        return {desk.id for desk in self.desks}

    @property
    def audit_desk_id(self) -> int | None:
        """Entries about a user show in the trail of their (first) desk."""
        return min(self.desk_ids, default=None)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @classmethod
    def visible_to(cls, user: User) -> sa.Select:
        """Admins manage every account; nobody else lists accounts."""
        query = sa.select(cls)
        if user.role is not Role.ADMIN:
            query = query.where(sa.false())
        return query

    def can_edit(self, user: User) -> bool:
        return user.role is Role.ADMIN


# Titles the audit page shows for these records and their fields.
USER_TITLE = _l("User")
DESK_TITLE = _l("Desk")
USER_FIELD_TITLES = {
    "name": _l("Name"),
    "email": _l("Email"),
    "password_hash": _l("Password"),
    "role": _l("Role"),
    "language": _l("Interface language"),
    "active": _l("Active"),
    "last_login_at": _l("Last sign-in"),
    "failed_logins": _l("Failed sign-ins"),
    "locked_until": _l("Locked until"),
    "must_change_password": _l("Must change password"),
    "desks": _l("Desks"),
    "review_languages": _l("Content languages translated and reviewed"),
}
DESK_FIELD_TITLES = {
    "code": _l("Code"),
    "municipality": _l("Municipality"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "opening_hours": _l("Opening hours"),
    "print_header": _l("Header of printed documents"),
}
