"""Forms shared by every part."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from sportello.core.audit import Action


class AuditFilterForm(FlaskForm):
    """Filters of the audit page (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Record"), validators=[Optional(), Length(max=100)])
    actor = SelectField(_l("Who"), coerce=str, validators=[Optional()])
    action = SelectField(
        _l("What"), choices=[("", _l("Any action"))] + Action.choices(), validators=[Optional()]
    )
    object_type = SelectField(_l("Record type"), validators=[Optional()])
    desk = SelectField(_l("Desk"), coerce=str, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
