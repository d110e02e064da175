"""Forms of a case's housing search: the need, viewings, the contract, the suitability
certificate, rent support, and the board's filters."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from sportello.core.forms import LongSelect, MoneyField, NoHiddenCharacters, NotInFuture, Within, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.housing.models import (
    CertificateStatus,
    ContractType,
    HousingStage,
    HousingUrgency,
    Situation,
    SupportKind,
    ViewingOutcome,
)

CLEAN = NoHiddenCharacters()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class NeedForm(FlaskForm):
    household_size = IntegerField(
        _l("Household size"),
        validators=[
            InputRequired(_l("Enter how many people need the home.")),
            NumberRange(1, 30, _l("A household has from 1 to 30 people.")),
        ],
        description=_l("Everyone who will live in the home, the person included."),
    )
    situation = SelectField(_l("Current situation"), choices=select_choices(Situation.choices()))
    budget = MoneyField(
        _l("Monthly budget (€)"),
        validators=[
            InputRequired(_l("Enter the most the household can pay each month, 0 if nothing.")),
            Within(0, 100000, _l("The budget cannot be negative. Write 0 if the household has no income.")),
        ],
        description=_l("Rent and service charges the household can pay each month."),
    )
    areas = TextAreaField(
        _l("Municipalities or areas"),
        filters=[_strip],
        validators=[Optional(), Length(max=2000), CLEAN],
        description=_l("One per line. Leave empty if anywhere will do."),
        render_kw={"rows": 3, "dir": "auto"},
    )
    bedrooms = IntegerField(
        _l("Bedrooms"),
        default=1,
        validators=[InputRequired(_l("Enter the bedrooms needed, 0 if a one-room flat will do.")), NumberRange(0, 20)],
    )
    accessible = BooleanField(_l("Step-free access needed"))
    urgency = SelectField(
        _l("Urgency"), choices=select_choices(HousingUrgency.choices()), default=HousingUrgency.WEEKS.value
    )
    stage = SelectField(
        _l("Stage"), choices=select_choices(HousingStage.choices()), default=HousingStage.ASSESSED.value
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3, "dir": "auto"}
    )
    version = HiddenField()


class ViewingForm(FlaskForm):
    offer_id = SelectField(_l("Offer"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    on_date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    starts_at = TimeField(_l("Time"), validators=[Optional()])
    who_went = StringField(
        _l("Who went"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("The person, family members, the operator, a mediator."),
        render_kw={"dir": "auto"},
    )
    outcome = SelectField(
        _l("Outcome"), choices=select_choices(ViewingOutcome.choices()), default=ViewingOutcome.PLANNED.value
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2, "dir": "auto"}
    )
    version = HiddenField()


class VersionForm(FlaskForm):
    """A one-button action on a record loaded at ``version`` (accepting an offer)."""

    version = HiddenField(validators=[InputRequired(_l("The page was incomplete. Load it again."))])


class TenancyForm(FlaskForm):
    offer_id = SelectField(_l("Home"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    contract_type = SelectField(_l("Contract type"), choices=select_choices(ContractType.choices()))
    signed_on = DateField(_l("Signed on"), validators=[InputRequired(_l("Enter the date.")), NotInFuture()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    rent = MoneyField(
        _l("Monthly rent (€)"),
        validators=[
            InputRequired(_l("Enter the monthly rent.")),
            Within(Decimal("0.01"), 100000, _l("The rent must be more than 0.")),
        ],
    )
    registered_on = DateField(
        _l("Registered on"),
        validators=[Optional(), NotInFuture()],
        description=_l("Registration with the Agenzia delle Entrate."),
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2, "dir": "auto"}
    )
    version = HiddenField()


class CertificateForm(FlaskForm):
    offer_id = HiddenField()
    address = StringField(
        _l("Address"), filters=[_strip], validators=[DataRequired(_l("Enter the address.")), Length(max=250), CLEAN]
    )
    municipality = StringField(
        _l("Municipality"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the municipality.")), Length(max=120), CLEAN],
    )
    people = IntegerField(
        _l("People"),
        validators=[InputRequired(_l("Enter how many people.")), NumberRange(1, 30, _l("From 1 to 30 people."))],
        description=_l("How many people the certificate is asked for."),
    )
    requested_on = DateField(_l("Requested on"), validators=[InputRequired(_l("Enter the date.")), NotInFuture()])


DECISIONS = [(s.value, s.title) for s in (CertificateStatus.ISSUED, CertificateStatus.REFUSED)]


class DecisionForm(FlaskForm):
    status = SelectField(_l("Decision"), choices=select_choices(DECISIONS), default=CertificateStatus.ISSUED.value)
    number = StringField(_l("Certificate number"), filters=[_strip], validators=[Optional(), Length(max=40), CLEAN])
    decided_on = DateField(_l("Decided on"), validators=[InputRequired(_l("Enter the date."))])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000), CLEAN],
        description=_l("For a refusal, the municipality's reasons."),
        render_kw={"rows": 2, "dir": "auto"},
    )
    version = HiddenField()


class SupportForm(FlaskForm):
    kind = SelectField(_l("Measure"), choices=select_choices(SupportKind.choices()), widget=LongSelect())
    amount = MoneyField(
        _l("Amount (€)"),
        validators=[
            InputRequired(_l("Enter the amount.")),
            Within(Decimal("0.01"), 50000, _l("An amount goes from 0.01 to 50,000 euro.")),
        ],
    )
    granted_on = DateField(_l("Granted on"), validators=[InputRequired(_l("Enter the date."))])
    until = DateField(
        _l("Until"), validators=[Optional()], description=_l("For a monthly contribution: the last month.")
    )
    provider = StringField(
        _l("Paid by"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        description=_l("The municipality, a fund, an association."),
        render_kw={"dir": "auto"},
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 2, "dir": "auto"}
    )
    version = HiddenField()


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    desk = SelectField(_l("Desk"), validators=[Optional()])
    urgency = SelectField(
        _l("Urgency"),
        choices=select_choices([("", _l("Any")), *HousingUrgency.choices()]),
        validators=[Optional()],
    )
