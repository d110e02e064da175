"""Forms of cases: opening and editing, status, tracks, plan, timeline, referrals, appointments."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sportello.cases.models import (
    AppointmentStatus,
    CaseStatus,
    Channel,
    CloseReason,
    GoalStatus,
    InterventionKind,
    ReferralOutcome,
    TrackKind,
    TrackStage,
)
from sportello.core.forms import LongSelect, NoHiddenCharacters, NotInFuture, ScopedIds, select_choices
from sportello.core.i18n import lazy_gettext as _l

CLEAN = NoHiddenCharacters()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper().replace(" ", "") if isinstance(value, str) else value


def _int_or_none(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def _track_choices(empty=None):
    pairs = TrackKind.choices()
    return select_choices([("", empty), *pairs] if empty is not None else pairs)


class TrackBoxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CaseForm(FlaskForm):
    """Opening a case (with the desk and date) or editing one (operator, summary, more tracks)."""

    desk = SelectField(_l("Desk"), validators=[Optional()], validate_choice=False)
    operator_id = SelectField(
        _l("Operator in charge"), coerce=_int_or_none, validators=[Optional()], widget=LongSelect()
    )
    opened_on = DateField(_l("Opened on"), validators=[Optional(), NotInFuture()])
    tracks = TrackBoxes(
        _l("Tracks"),
        choices=_track_choices(),
        description=_l("What the desk will work on with the person. Tracks can be added later."),
    )
    summary = TextAreaField(
        _l("Request and situation"),
        validators=[Optional(), Length(max=10000), CLEAN],
        description=_l("What the person asks for, and what the operator learnt at intake."),
        render_kw={"rows": 5},
    )
    version = HiddenField()


class StatusForm(ScopedIds, FlaskForm):
    """One per action the case page offers (put on hold, close, ...), each scoped by its action."""

    action = HiddenField(validators=[DataRequired()])
    close_reason = SelectField(
        _l("Reason for closing"),
        choices=select_choices([("", "—"), *CloseReason.choices()]),
        validators=[Optional()],
        widget=LongSelect(),
    )
    on = DateField(_l("Date"), validators=[Optional(), NotInFuture()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2})
    version = HiddenField()


class StageForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=select_choices(TrackStage.choices()), widget=LongSelect())
    note = StringField(_l("Note"), filters=[_strip], validators=[Optional(), Length(max=500), CLEAN])


class GoalForm(ScopedIds, FlaskForm):
    id_scope = "goal"

    description = TextAreaField(
        _l("Goal"),
        filters=[_strip],
        validators=[DataRequired(_l("Describe the goal.")), Length(max=2000), CLEAN],
        render_kw={"rows": 2},
    )
    track = SelectField(
        _l("Track"), choices=_track_choices(_l("Whole case")), validators=[Optional()], widget=LongSelect()
    )
    target_date = DateField(_l("Target date"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=select_choices(GoalStatus.choices()), default=GoalStatus.PLANNED.value)
    version = HiddenField()


class InterventionForm(ScopedIds, FlaskForm):
    id_scope = "intervention"

    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date.")), NotInFuture()])
    kind = SelectField(_l("Kind"), choices=select_choices(InterventionKind.choices()), widget=LongSelect())
    channel = SelectField(_l("Channel"), choices=select_choices(Channel.choices()), widget=LongSelect())
    minutes = IntegerField(
        _l("Minutes spent"),
        validators=[
            InputRequired(_l("Enter the minutes spent, 0 if none.")),
            NumberRange(0, 960, _l("Between 0 and 960 minutes.")),
        ],
        default=0,
        render_kw={"inputmode": "numeric", "min": 0, "max": 960},
    )
    track = SelectField(
        _l("Track"), choices=_track_choices(_l("Whole case")), validators=[Optional()], widget=LongSelect()
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000), CLEAN], render_kw={"rows": 3})
    follow_up_on = DateField(
        _l("Follow up on"),
        validators=[Optional()],
        description=_l("The day to come back to it: it will appear on your home page."),
    )


class ReferralForm(ScopedIds, FlaskForm):
    id_scope = "referral"

    service_id = SelectField(_l("Service"), coerce=_int_or_none, validators=[Optional()], widget=LongSelect())
    track = SelectField(
        _l("Track"), choices=_track_choices(_l("Whole case")), validators=[Optional()], widget=LongSelect()
    )
    referred_on = DateField(_l("Referred on"), validators=[InputRequired(_l("Enter the date.")), NotInFuture()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2})
    follow_up_on = DateField(
        _l("Ask how it went on"),
        validators=[Optional()],
        description=_l("The day to check the outcome: it will appear on your home page."),
    )


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=select_choices(ReferralOutcome.choices()))
    outcome_on = DateField(_l("Outcome on"), validators=[Optional(), NotInFuture()])
    outcome_note = TextAreaField(
        _l("Note on the outcome"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2}
    )
    follow_up_on = DateField(_l("Ask again on"), validators=[Optional()])
    version = HiddenField()


class AppointmentForm(ScopedIds, FlaskForm):
    id_scope = "appointment"

    on_date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    starts_at = TimeField(_l("Time"), validators=[InputRequired(_l("Enter the time."))])
    minutes = IntegerField(
        _l("Duration in minutes"),
        validators=[Optional(), NumberRange(5, 480, _l("Between 5 and 480 minutes."))],
        default=30,
        render_kw={"inputmode": "numeric", "min": 5, "max": 480},
    )
    place = StringField(
        _l("Place"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("The desk, or the address of the office where you meet."),
    )
    staff_id = SelectField(_l("Staff member"), coerce=_int_or_none, validators=[Optional()], widget=LongSelect())
    with_whom = StringField(
        _l("Also present"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("A mediator, an outside service, a family member."),
    )
    purpose = StringField(_l("Purpose"), filters=[_strip], validators=[Optional(), Length(max=300), CLEAN])
    status = SelectField(
        _l("Status"), choices=select_choices(AppointmentStatus.choices()), default=AppointmentStatus.PLANNED.value
    )
    version = HiddenField()


class CaseSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=120), CLEAN])
    reference = StringField(_l("Case number"), filters=[_upper], validators=[Optional(), Length(max=24)])
    fiscal_code = StringField(_l("Codice fiscale"), filters=[_upper], validators=[Optional(), Length(max=16)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    document = StringField(_l("Passport or permit number"), filters=[_upper], validators=[Optional(), Length(max=30)])
    desk = SelectField(_l("Desk"), validators=[Optional()], widget=LongSelect())
    status = SelectField(
        _l("Status"),
        choices=select_choices([("active", _l("Open or on hold")), ("", _l("Any")), *CaseStatus.choices()]),
        default="active",
        validators=[Optional()],
        widget=LongSelect(),
    )
    track = SelectField(_l("Track"), choices=_track_choices(_l("Any")), validators=[Optional()], widget=LongSelect())
    nationality = SelectField(_l("Citizenship"), validators=[Optional()], widget=LongSelect())
    operator = SelectField(_l("Operator in charge"), validators=[Optional()], widget=LongSelect())
    renewal = BooleanField(_l("Permit to renew"))


class AgendaForm(FlaskForm):
    class Meta:
        csrf = False

    day = DateField(_l("Day"), validators=[Optional()])
    desk = SelectField(_l("Desk"), validators=[Optional()])


class ReferralServiceForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the name of the service.")), Length(max=120), CLEAN],
    )
    contact = TextAreaField(
        _l("Contact details"),
        validators=[Optional(), Length(max=2000), CLEAN],
        description=_l("Address, phone, opening hours, contact person."),
        render_kw={"rows": 3},
    )
    active = BooleanField(_l("Offered in the list of services"), default=True)
