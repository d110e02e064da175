"""Model base, column types and mixins shared by every part."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names, identical on SQLite and PostgreSQL, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class LabelledEnum(enum.Enum):
    """An enumeration whose members carry a lazily translated title.

    ``ADMIN = "admin", lazy_gettext("Administrator")``: the value is stored, the title is shown.
    """

    def __new__(cls, value: str, title: Any = None):
        member = object.__new__(cls)
        member._value_ = value
        member.title = title if title is not None else value
        return member

    def __str__(self) -> str:
        return str(self.title)

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(m.value, m.title) for m in cls]

    @classmethod
    def column_type(cls) -> sa.Enum:
        """Stored as its value in a short string column (no native enum: easy to extend)."""
        return sa.Enum(
            cls,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        )


class Timestamped:
    """When a row was made and last changed, and by whom (filled in by ``core.audit``)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Versioned:
    """Optimistic locking: every save bumps ``version``; a save based on an older one is refused.

    Edit forms carry the version they were loaded with; see ``core.concurrency``.
    """

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


__all__ = ["Base", "LabelledEnum", "Timestamped", "UTCDateTime", "Versioned", "utcnow"]
