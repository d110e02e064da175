"""Forms of timesheets: submitting, approving and returning a month; the overview's month
picker and the hours report's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, MonthField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sportello.core.forms import NoHiddenCharacters
from sportello.core.i18n import lazy_gettext as _l

CLEAN = NoHiddenCharacters()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SubmitForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the coordinator"),
        filters=[_strip],
        validators=[Optional(), Length(max=500), CLEAN],
        description=_l("Anything the coordinator should know; needed to submit a month without sessions."),
        render_kw={"rows": 2},
    )
    version = HiddenField()


class ApproveForm(FlaskForm):
    version = HiddenField()


class ReturnForm(FlaskForm):
    review_note = TextAreaField(
        _l("Why it goes back to the mediator"),
        filters=[_strip],
        validators=[DataRequired(_l("Say what the mediator should put right.")), Length(max=500), CLEAN],
        render_kw={"rows": 2},
    )
    version = HiddenField()


class OverviewForm(FlaskForm):
    """The coordinators' overview: a month and a status (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    month = MonthField(_l("Month"), validators=[Optional()])
    status = SelectField(_l("Timesheet"), validators=[Optional()])


class ReportForm(FlaskForm):
    """The hours report's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    project = SelectField(_l("Funding project"), validators=[Optional()])
    desk = SelectField(_l("Desk"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period must come after its start."))
