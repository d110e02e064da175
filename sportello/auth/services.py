"""Rules for accounts and desks: login and lockout, passwords, user and desk administration.

Services change the session and write the audit trail; the view commits.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.orm import selectinload

from sportello.auth.models import Desk, User, user_desks
from sportello.core import audit
from sportello.core.audit import Action
from sportello.core.concurrency import check_version
from sportello.core.exceptions import FieldError, RuleError
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import CONTENT_LANGUAGE_CODES
from sportello.core.model import utcnow
from sportello.core.roles import Role
from sportello.extensions import db

# ---- passwords --------------------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def temporary_password() -> str:
    """A password an administrator hands over; the user must replace it at first sign-in."""
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


def new_session_token() -> str:
    return secrets.token_hex(16)


# ---- login ------------------------------------------------------------------------------------


class LoginStatus(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    INACTIVE = "inactive"


@dataclass
class LoginOutcome:
    status: LoginStatus
    user: User | None = None
    locked_until: datetime | None = None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def _bookkeeping(user: User, **values: Any) -> None:
    """Update login counters without bumping the record's version (that is not an edit)."""
    db.session.execute(sa.update(User).where(User.id == user.id).values(**values))
    for key, value in values.items():
        sa.orm.attributes.set_committed_value(user, key, value)


def authenticate(email: str, password: str) -> LoginOutcome:
    """Check a sign-in; count failures and lock the account after too many of them."""
    config = current_app.config
    user = find_user_by_email(email)
    if user is None:
        _verify(_dummy_hash(), password)  # same time as for a real account
        return LoginOutcome(LoginStatus.INVALID)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return LoginOutcome(LoginStatus.LOCKED, user, user.locked_until)
    if not _verify(user.password_hash, password):
        failures = user.failed_logins + 1
        if failures >= config["LOGIN_MAX_FAILURES"]:
            until = now + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
            _bookkeeping(user, failed_logins=0, locked_until=until)
            audit.record(Action.LOCKED, user, {"locked_until": [None, until.isoformat()]}, actor=user)
            return LoginOutcome(LoginStatus.LOCKED, user, until)
        _bookkeeping(user, failed_logins=failures)
        audit.record(Action.LOGIN_FAILED, user, {"failed_logins": [failures - 1, failures]}, actor=user)
        return LoginOutcome(LoginStatus.INVALID)
    if not user.active:
        return LoginOutcome(LoginStatus.INACTIVE, user)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if _hasher().check_needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    _bookkeeping(user, **values)
    audit.record(Action.LOGIN, user, {}, actor=user)
    return LoginOutcome(LoginStatus.OK, user)


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    key = f"{current_app.config['ARGON2_TIME_COST']}:{current_app.config['ARGON2_MEMORY_COST_KIB']}"
    if key not in _DUMMY:
        _DUMMY[key] = hash_password(secrets.token_hex(8))
    return _DUMMY[key]


def record_logout(user: User) -> None:
    audit.record(Action.LOGOUT, user, {}, actor=user)


# ---- own account ------------------------------------------------------------------------------


def change_password(user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current):
        raise FieldError("current_password", _l("This is not your current password."))
    if _verify(user.password_hash, new):
        raise FieldError("new_password", _l("Choose a password different from the current one."))
    _check_password_strength(user, new, "new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_token = new_session_token()
    audit.record(Action.UPDATE, user)


def set_language(user: User, language: str | None) -> None:
    if language and language not in current_app.config["UI_LOCALES"]:
        raise FieldError("language", _l("This language is not available."))
    user.language = language or None
    audit.record(Action.UPDATE, user)


def _check_password_strength(user: User, password: str, field: str) -> None:
    lowered = password.lower()
    if user.email and (lowered == user.email.lower() or lowered in user.email.lower().split("@")[0]):
        raise FieldError(field, _l("The password must not be your email address or part of it."))
    if len(set(password)) < 5:
        raise FieldError(field, _l("This password is too easy to guess: use more different characters."))


# ---- user administration ----------------------------------------------------------------------


def search_users(viewer: User, *, text: str = "", role: str = "", state: str = "active") -> sa.Select:
    """Accounts ``viewer`` may manage, by name or email, role and state (active, inactive, all)."""
    query = User.visible_to(viewer)
    if text:
        like = f"%{text}%"
        query = query.where(sa.or_(User.name.ilike(like), User.email.ilike(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if state in ("active", "inactive"):
        query = query.where(User.active.is_(state == "active"))
    return query.order_by(User.name, User.id).options(selectinload(User.desks))


def desk_member_counts() -> dict[int, int]:
    """Active accounts per desk."""
    rows = db.session.execute(
        sa.select(user_desks.c.desk_id, sa.func.count())
        .join(User, User.id == user_desks.c.user_id)
        .where(User.active.is_(True))
        .group_by(user_desks.c.desk_id)
    )
    return dict(rows.all())


def _check_user(user: User, role: Role, desks: list[Desk], email: str) -> None:
    other = find_user_by_email(email)
    if other is not None and other is not user:
        raise FieldError("email", _l("Another account already uses this email address."))
    if role is not Role.ADMIN and not desks:
        raise FieldError("desks", _l("Choose at least one desk: only administrators work without one."))


def _active_admins() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def _check_last_admin(user: User, role: Role, active: bool) -> None:
    if user.role is Role.ADMIN and user.active and (role is not Role.ADMIN or not active) and _active_admins() <= 1:
        raise RuleError(_l("This is the only active administrator: make another one first."))


def _check_review_languages(codes: Iterable[str]) -> list[str]:
    """Content language codes, known ones only, in the order of ``CONTENT_LANGUAGE_CODES``."""
    codes = set(codes or ())
    if codes - set(CONTENT_LANGUAGE_CODES):
        raise FieldError("review_languages", _l("Choose among the languages of checklists and leaflets."))
    return [code for code in CONTENT_LANGUAGE_CODES if code in codes]


def create_user(
    *,
    name: str,
    email: str,
    role: Role,
    desks: list[Desk],
    language: str | None,
    review_languages: Iterable[str] = (),
) -> tuple[User, str]:
    """Create an account with a temporary password, returned once to show the administrator."""
    email = email.strip().lower()
    _check_user(None, role, desks, email)  # type: ignore[arg-type]
    languages = _check_review_languages(review_languages)
    password = temporary_password()
    user = User(
        name=name.strip(),
        email=email,
        role=role,
        desks=list(desks),
        language=language or None,
        review_languages=languages,
        password_hash=hash_password(password),
        session_token=new_session_token(),
        must_change_password=True,
        active=True,
    )
    db.session.add(user)
    audit.record(Action.CREATE, user)
    return user, password


def update_user(
    user: User,
    *,
    version: Any,
    name: str,
    email: str,
    role: Role,
    desks: list[Desk],
    language: str | None,
    review_languages: Iterable[str] | None = None,
) -> None:
    """Change an account; ``review_languages`` None leaves them as they are."""
    check_version(user, version)
    email = email.strip().lower()
    _check_user(user, role, desks, email)
    _check_last_admin(user, role, user.active)
    languages = _check_review_languages(review_languages) if review_languages is not None else None
    user.name = name.strip()
    user.email = email
    user.role = role
    user.desks = list(desks)
    user.language = language or None
    if languages is not None and languages != list(user.review_languages or []):
        user.review_languages = languages
    audit.record(Action.UPDATE, user)


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise RuleError(_l("You cannot deactivate your own account."))
    _check_last_admin(user, user.role, active)
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_token = new_session_token()  # ends the user's open sessions
    audit.record(Action.UPDATE, user)


def reset_password(user: User) -> str:
    """Issue a temporary password; the user's open sessions end and the lockout is lifted."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_token = new_session_token()
    user.failed_logins = 0
    user.locked_until = None
    audit.record(Action.UPDATE, user)
    return password


def create_admin(*, name: str, email: str, password: str) -> User:
    """First administrator, from the command line."""
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise FieldError("email", _l("Another account already uses this email address."))
    user = User(
        name=name.strip(),
        email=email,
        role=Role.ADMIN,
        password_hash=hash_password(password),
        session_token=new_session_token(),
        active=True,
    )
    _check_password_strength(user, password, "password")
    db.session.add(user)
    audit.record(Action.CREATE, user)
    return user


# ---- desks ------------------------------------------------------------------------------------

DESK_FIELDS = ("name", "code", "municipality", "address", "phone", "email", "opening_hours", "print_header", "active")


def _check_desk(desk: Desk | None, values: dict[str, Any]) -> None:
    for field in ("name", "code"):
        clash = db.session.scalar(sa.select(Desk).where(sa.func.lower(getattr(Desk, field)) == values[field].lower()))
        if clash is not None and clash is not desk:
            message = (
                _l("Another desk already has this name.")
                if field == "name"
                else _l("Another desk already uses this code.")
            )
            raise FieldError(field, message)


def _desk_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {key: values[key] for key in DESK_FIELDS if key in values}
    for key, value in out.items():
        if isinstance(value, str):
            out[key] = value.strip()
    out["code"] = out["code"].upper()
    if out.get("email"):
        out["email"] = out["email"].lower()
    return out


def create_desk(values: dict[str, Any]) -> Desk:
    values = _desk_values(values)
    _check_desk(None, values)
    desk = Desk(**values)
    db.session.add(desk)
    audit.record(Action.CREATE, desk)
    return desk


def update_desk(desk: Desk, values: dict[str, Any], *, version: Any) -> None:
    check_version(desk, version)
    values = _desk_values(values)
    _check_desk(desk, values)
    for key, value in values.items():
        setattr(desk, key, value)
    audit.record(Action.UPDATE, desk)


def desks_for_choice(user: User) -> list[Desk]:
    return list(db.session.scalars(Desk.visible_to(user).where(Desk.active.is_(True)).order_by(Desk.name)))
