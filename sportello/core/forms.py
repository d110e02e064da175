"""Forms shared by every part."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from sportello.core.audit import Action
from sportello.core.exceptions import FieldError


def select_choices(pairs: Iterable[tuple[Any, Any]], *, lang: bool = False) -> list[SelectChoice]:
    """``(value, label)`` pairs as select options; with ``lang`` each option is marked with its
    language code, so screen readers pronounce language names correctly."""
    return [SelectChoice(value, label, render_kw={"lang": value} if lang and value else {}) for value, label in pairs]


def add_field_error(form: FlaskForm, error: FieldError) -> None:
    """Show a service's complaint about one field next to that field."""
    field = form[error.field]
    field.errors = [*field.errors, str(error.message)]


class AuditFilterForm(FlaskForm):
    """Filters of the audit page (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Record"), validators=[Optional(), Length(max=100)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    action = SelectField(
        _l("What"), choices=select_choices([("", _l("Any action")), *Action.choices()]), validators=[Optional()]
    )
    object_type = SelectField(_l("Record type"), validators=[Optional()])
    desk = SelectField(_l("Desk"), coerce=str, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
