"""Forms of matching and referrals: putting a case forward for an offer, following the referral,
and the employment board's filter."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from sportello.core.forms import NoHiddenCharacters, NotInFuture, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.jobs.models import ContractType, ReferralStatus

CLEAN = NoHiddenCharacters()
MAX_ID = 2**31 - 1


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReferOfferForm(FlaskForm):
    """From the offers for a case: the offer to put the case forward for."""

    offer_id = IntegerField(
        _l("Offer"),
        validators=[InputRequired(_l("Choose an offer.")), NumberRange(1, MAX_ID, _l("Choose an offer."))],
    )


class ReferCaseForm(FlaskForm):
    """From the candidates for an offer: the case to put forward."""

    case_id = IntegerField(
        _l("Case"),
        validators=[InputRequired(_l("Choose a case.")), NumberRange(1, MAX_ID, _l("Choose a case."))],
    )


class ReferralForm(FlaskForm):
    status = SelectField(_l("Status"), choices=select_choices(ReferralStatus.choices()))
    status_on = DateField(_l("Since"), validators=[InputRequired(_l("Enter the date.")), NotInFuture()])
    interview_on = DateField(
        _l("Interview date"),
        validators=[Optional()],
        description=_l("Needed when the status is Interview."),
    )
    contract_type = SelectField(
        _l("Contract type"),
        choices=select_choices([("", "—"), *ContractType.choices()]),
        validators=[Optional()],
        description=_l("When hired."),
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional()], description=_l("When hired."))
    ends_on = DateField(_l("Ends on"), validators=[Optional()], description=_l("Leave empty for a permanent contract."))
    note = TextAreaField(
        _l("Note"),
        filters=[_strip],
        validators=[Optional(), Length(max=2000), CLEAN],
        render_kw={"rows": 3, "dir": "auto"},
    )
    version = HiddenField()


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    desk = SelectField(_l("Desk"), validators=[Optional()])
