"""Forms of internships: the internship itself, its start and end, and a month's attendance."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import LazyString, format_percent
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from sportello.core.forms import MoneyField, NoHiddenCharacters, NotInFuture, ScopedIds, Within, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.jobs import internships
from sportello.jobs.models import InternshipOutcome

CLEAN = NoHiddenCharacters()
# "70%" as the viewer's locale writes it.
FULL_SHARE = LazyString(format_percent, internships.FULL_STIPEND_SHARE)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class HoursField(DecimalField):
    """Hours as desks type them: "37", "37.5" or "37,5"; empty if not given. A text box, not a
    number one: browsers read a decimal comma differently."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = str(valuelist[0]).replace(" ", "").replace("\u00a0", "").replace(",", ".").strip()
        if raw == "":
            self.data = None
            return
        try:
            value = Decimal(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else None
        except InvalidOperation:
            value = None
        if value is None or value != value.quantize(Decimal("0.1")):
            self.data = None
            raise ValueError(_l("Enter the hours with at most one decimal, like 37,5."))
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        # 100 rather than 100.0; 27.5 as it is.
        return str(self.data.quantize(Decimal(1)) if self.data == self.data.to_integral_value() else self.data)


def month_value(value) -> date:
    """A month as the select sends it ("2026-03") or as stored (its first day), as its first day."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(value).strip())
    if match is None:
        raise ValueError(value)
    return date(int(match[1]), int(match[2]), 1)


class InternshipForm(FlaskForm):
    host_id = SelectField(
        _l("Host organisation"),
        validators=[DataRequired(_l("Choose the host among the active employers."))],
        invalid_choice_message=_l("Choose the host among the active employers."),
        description=_l("Add the host to the employers' roster first if it is not there."),
    )
    role = StringField(
        _l("Role"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the intern's role.")), Length(max=160), CLEAN],
        description=_l("What the intern learns to do, like kitchen assistant or warehouse clerk."),
    )
    host_tutor = StringField(_l("Host tutor"), filters=[_strip], validators=[Optional(), Length(max=160), CLEAN])
    promoter_tutor = StringField(
        _l("Promoter tutor"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        description=_l("The tutor of the desk or of the training body that promotes the internship."),
    )
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the start date."))])
    ends_on = DateField(
        _l("Ends on"),
        validators=[InputRequired(_l("Enter the end date."))],
        description=_l("At most 12 months after the start, extensions included."),
    )
    weekly_hours = IntegerField(
        _l("Hours a week"),
        validators=[
            InputRequired(internships.WEEKLY_HOURS_RANGE),
            NumberRange(1, internships.MAX_WEEKLY_HOURS, internships.WEEKLY_HOURS_RANGE),
        ],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )
    monthly_stipend = MoneyField(
        _l("Monthly stipend (euro)"),
        places=2,
        validators=[
            InputRequired(internships.STIPEND_RANGE),
            Within(Decimal("0"), internships.MAX_STIPEND, internships.STIPEND_RANGE),
        ],
        render_kw={"inputmode": "decimal", "dir": "ltr"},
        description=_l("Paid in full from %(share)s of each month's planned hours.", share=FULL_SHARE),
    )
    programme = StringField(
        _l("Funding programme"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        description=_l("Who pays the stipend: a regional programme (GOL, FSE+), a project, the host."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})
    version = HiddenField()

    def set_choices(self, hosts) -> None:
        self.host_id.choices = select_choices([("", "—"), *((str(host.id), host.name) for host in hosts)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        starts, ends = self.starts_on.data, self.ends_on.data
        if starts and ends and not self.ends_on.errors and ends < starts:
            self.ends_on.errors = [*self.ends_on.errors, internships.END_BEFORE_START]
            valid = False
        return valid


class VersionForm(FlaskForm):
    """Starting an internship, from the version it was shown at."""

    version = HiddenField(validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """A button that changes something (removing a month): only its CSRF token."""


class EndForm(ScopedIds, FlaskForm):
    id_scope = "end"

    outcome = SelectField(
        _l("Outcome"),
        choices=select_choices([("", "—"), *InternshipOutcome.choices()]),
        validators=[DataRequired(_l("Choose how the internship ended."))],
        invalid_choice_message=_l("Choose how the internship ended."),
    )
    outcome_on = DateField(_l("Ended on"), validators=[InputRequired(_l("Enter the date it ended.")), NotInFuture()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 2})
    version = HiddenField(validators=[InputRequired()])


class MonthForm(ScopedIds, FlaskForm):
    id_scope = "month"

    # Any month is read; the service refuses one outside the internship's dates.
    month = SelectField(
        _l("Month"),
        coerce=month_value,
        validate_choice=False,
        invalid_value_message=_l("Choose the month from the list."),
        validators=[InputRequired(_l("Choose the month."))],
    )
    planned_hours = HoursField(
        _l("Planned hours"),
        validators=[Optional()],
        render_kw={"inputmode": "decimal", "dir": "ltr"},
        description=_l(
            "Worked out from the hours a week and the working days of the month; change it if the plan differs."
        ),
    )
    attended_hours = HoursField(
        _l("Hours attended"),
        validators=[InputRequired(_l("Enter the hours attended, 0 or more."))],
        render_kw={"inputmode": "decimal", "dir": "ltr"},
    )
    note = StringField(_l("Note"), filters=[_strip], validators=[Optional(), Length(max=500), CLEAN])
