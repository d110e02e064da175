"""Forms of mediation requests and sessions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from sportello.core.forms import LongSelect, NoHiddenCharacters, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.mediation.models import Mode, RequestStatus, SessionOutcome, Setting, Urgency

CLEAN = NoHiddenCharacters()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class RequestForm(FlaskForm):
    """Asking for a mediator: from a case (the desk and person come with it) or for an outside
    service (the desk that takes the request, the service and its contact)."""

    desk_id = SelectField(_l("Desk"), coerce=_int_or_none, validators=[Optional()])
    outside_service = StringField(
        _l("Requesting service"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        description=_l("The hospital ward, school or office that asks for the mediator."),
    )
    outside_contact = StringField(
        _l("Contact at the service"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("Who the mediator asks for on arrival, and a phone number."),
    )
    language = SelectField(_l("Language"), validators=[InputRequired(_l("Choose the language."))], widget=LongSelect())
    on_date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    starts_at = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the time."))])
    ends_at = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the time."))])
    place = StringField(
        _l("Place"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("The address and the room; for a phone or video session, how to connect."),
    )
    mode = SelectField(_l("Mode"), choices=select_choices(Mode.choices()), default=Mode.IN_PERSON.value)
    setting = SelectField(
        _l("Setting"),
        choices=select_choices([("", "—"), *Setting.choices()]),
        validators=[InputRequired(_l("Choose the setting."))],
    )
    urgency = SelectField(_l("Urgency"), choices=select_choices(Urgency.choices()), default=Urgency.ROUTINE.value)
    notes = TextAreaField(
        _l("Notes for the mediator"),
        validators=[Optional(), Length(max=2000), CLEAN],
        description=_l("What the mediator needs to know. The mediator sees this note: no health or legal details."),
        render_kw={"rows": 3},
    )
    project_id = SelectField(
        _l("Funding project"), coerce=_int_or_none, validators=[Optional()], description=_l("Who pays for the hours.")
    )
    version = HiddenField()


class RequestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=select_choices([("active", _l("To do")), ("", _l("Any")), *RequestStatus.choices()]),
        default="active",
        validators=[Optional()],
    )
    language = SelectField(_l("Language"), validators=[Optional()], widget=LongSelect())
    desk = SelectField(_l("Desk"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


# The version a page was loaded with: an action on a request or session carries it, so an
# action taken on an outdated page is refused rather than applied blindly.
def _version_field() -> HiddenField:
    return HiddenField(validators=[InputRequired(_l("The page was incomplete. Load it again."))])


class AssignForm(FlaskForm):
    mediator_id = HiddenField(validators=[InputRequired(_l("Choose a mediator from the list."))])
    version = _version_field()


class VersionForm(FlaskForm):
    """A one-button action on a record loaded at ``version`` (accept, confirm)."""

    version = _version_field()


class ReasonForm(FlaskForm):
    """Declining or cancelling, with the reason."""

    reason = StringField(
        _l("Reason"),
        filters=[_strip],
        validators=[InputRequired(_l("Say why.")), Length(max=300), CLEAN],
    )
    version = _version_field()


class QueryForm(FlaskForm):
    """Sending a session log back to the mediator with a question."""

    note = StringField(
        _l("What should the mediator check?"),
        filters=[_strip],
        validators=[InputRequired(_l("Say what the mediator should check.")), Length(max=300), CLEAN],
    )
    version = _version_field()


class SessionForm(FlaskForm):
    """The mediator's log of a session, made on a phone in a minute."""

    on_date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    starts_at = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the time."))])
    ends_at = TimeField(_l("End time"), validators=[Optional()])
    duration = IntegerField(
        _l("or duration in minutes"),
        validators=[Optional(), NumberRange(1, 720, _l("Between 1 and 720 minutes (12 hours)."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 720},
    )
    language = SelectField(_l("Language"), validators=[InputRequired(_l("Choose the language."))], widget=LongSelect())
    mode = SelectField(_l("Mode"), choices=select_choices(Mode.choices()))
    setting = SelectField(_l("Setting"), choices=select_choices(Setting.choices()))
    present = StringField(
        _l("Who was present"),
        filters=[_strip],
        validators=[Optional(), Length(max=300), CLEAN],
        description=_l("Besides you and the person: a doctor, a teacher, the operator..."),
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=select_choices([("", "—"), *SessionOutcome.choices()]),
        validators=[InputRequired(_l("Choose the outcome."))],
    )
    note = TextAreaField(
        _l("Short note"),
        validators=[Optional(), Length(max=1000), CLEAN],
        description=_l("What was done, in a line or two. No health or legal details."),
        render_kw={"rows": 2},
    )
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.ends_at.data is None and self.duration.data is None:
            self.ends_at.errors.append(_l("Enter the end time or the duration."))
            return False
        return ok
