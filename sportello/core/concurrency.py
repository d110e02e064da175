"""Optimistic locking for edit forms.

An edit form carries the ``version`` of the record it was loaded from. If someone else saved
the record in the meantime, the save is refused: the page shows the user's values beside the
saved ones, keeps what they typed, and lets them save again knowingly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm

from sportello.core.i18n import gettext


class StaleEdit(Exception):
    """The record changed since the form was loaded."""

    def __init__(self, obj: Any) -> None:
        super().__init__(f"{type(obj).__name__} {getattr(obj, 'id', '?')} changed since it was loaded")
        self.obj = obj


def check_version(obj: Any, submitted: Any) -> None:
    """Refuse a save made from an older version of ``obj``."""
    try:
        submitted_version = int(submitted)
    except (TypeError, ValueError):
        raise StaleEdit(obj) from None
    if submitted_version != obj.version:
        raise StaleEdit(obj)


def stale_save(form: FlaskForm, model: type, object_id: int, saved_form: Callable[[Any], FlaskForm]):
    """After a refused save: roll back, reload the record, and compare it with what was typed.

    Returns the reloaded record and the rows that differ; the form now carries the current
    version, so saving again keeps the user's values knowingly.
    """
    from sportello.extensions import db

    db.session.rollback()
    obj = db.session.get(model, object_id)
    rows = conflict_rows(form, saved_form(obj))
    form.version.data = obj.version
    return obj, rows


@dataclass
class ConflictRow:
    label: str
    mine: str
    saved: str


def conflict_rows(form: FlaskForm, saved: FlaskForm) -> list[ConflictRow]:
    """Field by field, what the user typed against what is saved now, where they differ.

    ``saved`` is the same form class filled from the stored record.
    """
    rows = []
    for field in form:
        if field.type in {"CSRFTokenField", "HiddenField", "SubmitField", "PasswordField"}:
            continue
        other = saved[field.short_name]
        if _shown(field) != _shown(other):
            rows.append(ConflictRow(str(field.label.text), _shown(field), _shown(other)))
    return rows


def _shown(field: Any) -> str:
    data = field.data
    if isinstance(data, list) and data and isinstance(data[0], dict):  # rows of sub-forms
        return ", ".join(" ".join(str(v) for v in row.values() if v) for row in data if any(row.values()))
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(value): str(label) for value, label, *_ in _iter_choices(choices)}
        if isinstance(data, list | tuple | set):
            return ", ".join(sorted(labels.get(str(v), str(v)) for v in data))
        return labels.get(str(data), "" if data is None else str(data))
    if isinstance(data, bool):
        return str(gettext("Yes") if data else gettext("No"))
    return "" if data is None else str(data)


def _iter_choices(choices: Any) -> list[tuple]:
    if isinstance(choices, dict):
        return [c for group in choices.values() for c in group]
    return list(choices)


@dataclass
class EditOutcome:
    """What became of an edit form's submission (see ``save_edit``)."""

    obj: Any
    saved: bool = False
    conflict: list[ConflictRow] | None = None

    @property
    def status(self) -> int:
        """200 for the form as loaded, 409 after a refused stale save, 422 after bad input."""
        from flask import request

        if request.method == "GET":
            return 200
        return 409 if self.conflict is not None else 422


def save_edit(
    form: FlaskForm, obj: Any, save: Callable[[], Any], saved_form: Callable[[Any], FlaskForm]
) -> EditOutcome:
    """The life of an edit form with optimistic locking, for every part's edit views.

    On a valid submission ``save()`` runs (a service that checks ``form.version``) and the
    session is committed. A service's field errors go next to their fields, a rule broken by the
    whole form above it; a save made from an older version is refused and compared with the
    saved record through ``saved_form`` (see ``stale_save``). Nothing typed is lost.
    """
    from sqlalchemy.orm.exc import StaleDataError

    from sportello.core.exceptions import FieldError, FieldErrors, RuleError
    from sportello.core.forms import add_field_error
    from sportello.extensions import db

    if not form.validate_on_submit():
        return EditOutcome(obj)
    model, object_id = type(obj), obj.id
    try:
        save()
        db.session.commit()
    except (FieldError, FieldErrors) as errors:
        db.session.rollback()
        add_field_error(form, errors)
    except RuleError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
    except (StaleEdit, StaleDataError):
        reloaded, rows = stale_save(form, model, object_id, saved_form)
        return EditOutcome(reloaded, conflict=rows)
    else:
        return EditOutcome(obj, saved=True)
    return EditOutcome(obj)
