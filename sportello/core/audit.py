"""The audit trail: who did what, when, with a structured diff.

Services call ``record(action, obj)`` after changing something; views never write the trail.
Reads of sensitive records are recorded with the action ``view``. Log text stays in English
data; the admin page translates the labels when it displays them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum, Timestamped, UTCDateTime, utcnow
from sportello.core.roles import Role
from sportello.extensions import db

# Columns never copied into the trail, whatever the model.
REDACTED = {"password_hash"}
# Bookkeeping columns that say nothing a reader of the trail needs.
SKIPPED = {"created_at", "updated_at", "created_by_id", "updated_by_id", "version", "session_token"}


class Action(LabelledEnum):
    CREATE = "create", _l("Created")
    UPDATE = "update", _l("Changed")
    DELETE = "delete", _l("Deleted")
    VIEW = "view", _l("Viewed")
    LOGIN = "login", _l("Signed in")
    LOGIN_FAILED = "login_failed", _l("Failed sign-in")
    LOCKED = "locked", _l("Account locked")
    LOGOUT = "logout", _l("Signed out")
    DOWNLOAD = "download", _l("Downloaded")
    MERGE = "merge", _l("Merged")
    UNMERGE = "unmerge", _l("Merge undone")
    IMPORT = "import", _l("Imported")
    SEND = "send", _l("Sent")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Who it was, kept even if the account is later renamed: "Name <email>", or "system".
    actor_label: Mapped[str] = mapped_column(sa.String(400))
    action: Mapped[Action] = mapped_column(Action.column_type(), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int | None] = mapped_column()
    object_label: Mapped[str] = mapped_column(sa.String(250), default="")
    # The desk the record belongs to, so coordinators see their desks' trail.
    desk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("desks.id", ondelete="SET NULL"), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    desk = relationship("Desk", lazy="joined")

    @classmethod
    def visible_to(cls, user) -> sa.Select:
        """Admins read the whole trail; coordinators the entries of their desks."""
        query = sa.select(cls)
        if user.role is Role.ADMIN:
            return query
        if user.role is Role.COORDINATOR:
            return query.where(cls.desk_id.in_(user.desk_ids))
        return query.where(sa.false())


# ---- who is acting ----------------------------------------------------------------------------


def set_system_actor(label: str) -> None:
    """For command-line work: name the actor recorded when no user is logged in."""
    g.audit_system_actor = label


def current_actor():
    """The logged-in user, or None (command line, anonymous requests)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _actor_label(actor) -> str:
    if actor is not None:
        return f"{actor.name} <{actor.email}>"
    return g.get("audit_system_actor", "system")


# ---- diffs ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _related_label(value: Any) -> Any:
    if isinstance(value, list | set | tuple):
        return sorted(str(v) for v in value)
    return None if value is None else str(value)


def snapshot(obj: Any) -> dict[str, list[Any]]:
    """Every audited field of a flushed ``obj`` that has a value, as ``{field: [None, value]}``."""
    state = inspect(obj)
    excluded = REDACTED | SKIPPED | getattr(type(obj), "__audit_exclude__", set())
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        value = getattr(obj, attr.key)
        if attr.key in excluded or attr.key == "id" or value is None or value == "":
            continue
        out[attr.key] = [None, _plain(value)]
    for rel in state.mapper.relationships:
        if rel.uselist and rel.key not in excluded and rel.key in state.dict and getattr(obj, rel.key):
            out[rel.key] = [None, _related_label(getattr(obj, rel.key))]
    return out


def pending_changes(obj: Any) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for what changed on ``obj`` since it was loaded or last flushed."""
    state = inspect(obj)
    excluded = SKIPPED | getattr(type(obj), "__audit_exclude__", set())
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in excluded:
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if _plain(old) == _plain(new):
            continue
        out[key] = ["***", "***"] if key in REDACTED else [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if not rel.uselist or rel.key in excluded:
            continue
        hist = state.attrs[rel.key].history
        if not (hist.added or hist.deleted):
            continue
        old = _related_label(list(hist.unchanged) + list(hist.deleted))
        new = _related_label(list(hist.unchanged) + list(hist.added))
        if old != new:
            out[rel.key] = [old, new]
    return out


def _desk_id_of(obj: Any) -> int | None:
    """The desk an entry belongs to: ``obj.audit_desk_id`` if the model says, else ``desk_id``."""
    if hasattr(obj, "audit_desk_id"):
        return obj.audit_desk_id
    return getattr(obj, "desk_id", None)


def record(
    action: Action,
    obj: Any,
    changes: dict[str, Any] | None = None,
    *,
    label: str | None = None,
    actor: Any = None,
) -> AuditEntry | None:
    """Write one entry of the trail.

    Call it after changing ``obj`` and before the view commits. Without ``changes`` the diff is
    worked out: every field for a creation or deletion, what changed for an update. An update
    that changed nothing writes nothing and returns None.
    """
    obj = getattr(obj, "_get_current_object", lambda: obj)()  # current_user is a proxy
    session = db.session
    if changes is None and action is Action.UPDATE:
        changes = pending_changes(obj)  # before the flush forgets what changed
        if not changes:
            return None
    if obj in session.new or obj in session.dirty:
        session.flush()
    if changes is None:
        if action is Action.CREATE:
            changes = snapshot(obj)
        elif action is Action.DELETE:
            changes = {key: [value[1], None] for key, value in snapshot(obj).items()}
        else:
            changes = {}
    # Values a service passed in (a timestamp, an enumeration) stored as JSON-friendly data.
    changes = {key: _plain(value) for key, value in changes.items()}
    actor = actor or current_actor()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        object_label=(label or str(obj))[:250],
        desk_id=_desk_id_of(obj),
        changes=changes,
        ip_address=g.get("client_ip") if has_request_context() else None,
    )
    session.add(entry)
    return entry


def record_event(
    action: Action, object_type: str, label: str, changes: dict[str, Any], *, desk_id: int | None = None
) -> AuditEntry:
    """An entry about something that is not one row (an import of many translations)."""
    actor = current_actor()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type,
        object_label=label[:250],
        desk_id=desk_id,
        changes={key: [None, _plain(value)] for key, value in changes.items()},
        ip_address=g.get("client_ip") if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# ---- created_by / updated_by ------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _stamp_authors(session: Session, flush_context: Any, instances: Any) -> None:
    actor = current_actor()
    if actor is None:
        return
    for obj in session.new:
        if isinstance(obj, Timestamped):
            obj.created_by_id = obj.created_by_id or actor.id
            obj.updated_by_id = actor.id
    for obj in session.dirty:
        if isinstance(obj, Timestamped) and session.is_modified(obj, include_collections=False):
            obj.updated_by_id = actor.id


# ---- labels for the admin page ----------------------------------------------------------------

OBJECT_TITLES: dict[str, Any] = {}
FIELD_TITLES: dict[str, Any] = {}
VALUE_TITLES: dict[str, dict[str, Any]] = {}


def register_labels(
    object_type: str, title: Any, fields: dict[str, Any], values: dict[str, type[LabelledEnum]] | None = None
) -> None:
    """Let the audit page show a part's record type, field names and coded values (enumerations)
    in the reader's language."""
    OBJECT_TITLES[object_type] = title
    FIELD_TITLES.update(fields)
    # Fields of the same name in several records share one table of coded values.
    for field, enumeration in (values or {}).items():
        VALUE_TITLES.setdefault(field, {}).update({member.value: member.title for member in enumeration})


@dataclass(frozen=True)
class EntryAction:
    """A button the audit page shows on entries of one action, such as undoing a merge."""

    action: Action
    title: Any  # a lazy translation
    endpoint: str  # a POST view taking ``entry_id``
    roles: frozenset
    confirm: Any = None  # the question asked before sending, if any


ENTRY_ACTIONS: list[EntryAction] = []


def register_entry_action(entry_action: EntryAction) -> None:
    """Let a part offer a follow-up on entries of the trail (the view decides if it can be done)."""
    if entry_action not in ENTRY_ACTIONS:
        ENTRY_ACTIONS.append(entry_action)


def entry_actions(entry: AuditEntry, user: Any) -> list[EntryAction]:
    return [a for a in ENTRY_ACTIONS if a.action is entry.action and user.role in a.roles]


def object_types() -> list[tuple[str, Any]]:
    """The record types the trail knows, with their titles."""
    return sorted(OBJECT_TITLES.items(), key=lambda item: str(item[1]))


def object_title(object_type: str) -> Any:
    return OBJECT_TITLES.get(object_type, object_type)


def field_title(field: str) -> Any:
    return FIELD_TITLES.get(field, field)


# ---- reading the trail ------------------------------------------------------------------------


def search(
    user: Any,
    *,
    text: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    desk_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> sa.Select:
    """The entries ``user`` may read, filtered, newest first. Dates are days in the desk's zone."""
    from flask_babel import get_timezone

    query = AuditEntry.visible_to(user)
    if text:
        query = query.where(AuditEntry.object_label.ilike(f"%{text.strip()}%"))
    if actor:
        query = query.where(AuditEntry.actor_label.ilike(f"%{actor.strip()}%"))
    if action:
        query = query.where(AuditEntry.action == Action(action))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if desk_id:
        query = query.where(AuditEntry.desk_id == desk_id)
    zone = get_timezone()
    if date_from:
        query = query.where(AuditEntry.at >= _start_of_day(date_from, zone))
    if date_to:
        query = query.where(AuditEntry.at < _start_of_day(date_to + timedelta(days=1), zone))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _start_of_day(day: date, zone: Any) -> datetime:
    naive = datetime.combine(day, datetime.min.time())
    local = zone.localize(naive) if hasattr(zone, "localize") else naive.replace(tzinfo=zone)
    return local.astimezone(UTC)


def shown_value(value: Any, field: str = "") -> str:
    """A stored value as the audit page shows it."""
    from sportello.core.i18n import gettext

    titles = VALUE_TITLES.get(field)
    if titles and isinstance(value, str) and value in titles:
        return str(titles[value])
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):  # rows by table, as a merge records them: each table and how many
        return ", ".join(
            f"{key} ({len(rows)})" if isinstance(rows, list) else f"{key}: {rows}" for key, rows in value.items()
        )
    return str(value)
