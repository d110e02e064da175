"""Forms of the employers' roster and of job offers: the lists' filters, an employer, an offer,
and an offer's status."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from sportello.core.forms import NoHiddenCharacters, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.jobs import employers
from sportello.jobs.models import Cefr, ContractType, DrivingLicence, Hours, OfferStatus, Sector

CLEAN = NoHiddenCharacters()
_NUMBER = {"inputmode": "numeric", "dir": "ltr"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# ---- employers -------------------------------------------------------------------------------


class EmployerFilterForm(FlaskForm):
    """Filters of the employers' roster (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"), filters=[_strip], validators=[Optional(), Length(max=160), CLEAN])
    sector = SelectField(
        _l("Sector"), choices=select_choices([("", _l("Any sector")), *Sector.choices()]), validators=[Optional()]
    )
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    status = SelectField(
        _l("Shown"),
        choices=select_choices(
            [("active", _l("Active employers")), ("inactive", _l("Inactive employers")), ("all", _l("All"))]
        ),
        default="active",
        validators=[Optional()],
    )


class EmployerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the employer's name.")), Length(max=160), CLEAN],
        description=_l("A company, a cooperative, a family that hires a carer, an association."),
    )
    sector = SelectField(
        _l("Sector"),
        choices=select_choices([("", "—"), *Sector.choices()]),
        validators=[DataRequired(_l("Choose the sector."))],
        invalid_choice_message=_l("Choose the sector."),
    )
    tax_number = StringField(
        _l("VAT or tax number"),
        filters=[_strip],
        validators=[Optional(), Length(max=30), CLEAN],
        render_kw={"dir": "ltr", "autocomplete": "off"},
        description=_l("The partita IVA (11 digits) or the codice fiscale (16 characters); optional."),
    )
    contact_name = StringField(_l("Contact person"), filters=[_strip], validators=[Optional(), Length(max=160), CLEAN])
    phone = StringField(
        _l("Phone"), filters=[_strip], validators=[Optional(), Length(max=40)], render_kw={"type": "tel", "dir": "ltr"}
    )
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address, like name@example.org."))],
        render_kw={"dir": "ltr"},
    )
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), Length(max=250), CLEAN])
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})
    active = BooleanField(
        _l("Active"), default=True, description=_l("Inactive employers stay on record but get no new offers.")
    )
    version = HiddenField()


# ---- offers ----------------------------------------------------------------------------------


class OfferFilterForm(FlaskForm):
    """Filters of the offers list (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Job or employer"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        render_kw={"type": "search"},
    )
    status = SelectField(
        _l("Status"),
        choices=select_choices([("", _l("Any status")), *OfferStatus.choices()]),
        default="",
        validators=[Optional()],
    )
    sector = SelectField(
        _l("Sector"), choices=select_choices([("", _l("Any sector")), *Sector.choices()]), validators=[Optional()]
    )
    contract_type = SelectField(
        _l("Contract type"),
        choices=select_choices([("", _l("Any contract")), *ContractType.choices()]),
        validators=[Optional()],
    )
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    closing_soon = BooleanField(_l("Closing within 14 days"))


class OfferForm(FlaskForm):
    employer_id = SelectField(
        _l("Employer"),
        validators=[DataRequired(_l("Choose an active employer from the list."))],
        invalid_choice_message=_l("Choose an active employer from the list."),
        description=_l("Add the employer to the roster first if they are not there."),
    )
    title = StringField(
        _l("Job title"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the job title.")), Length(max=160), CLEAN],
    )
    sector = SelectField(
        _l("Sector"),
        choices=select_choices([("", "—"), *Sector.choices()]),
        validators=[DataRequired(_l("Choose the sector."))],
        invalid_choice_message=_l("Choose the sector."),
    )
    contract_type = SelectField(
        _l("Contract type"),
        choices=select_choices([("", "—"), *ContractType.choices()]),
        validators=[DataRequired(_l("Choose the contract type."))],
        invalid_choice_message=_l("Choose the contract type."),
    )
    hours = SelectField(
        _l("Hours"),
        choices=select_choices([("", "—"), *Hours.choices()]),
        validators=[DataRequired(_l("Choose full or part time."))],
        invalid_choice_message=_l("Choose full or part time."),
    )
    weekly_hours = IntegerField(
        _l("Hours a week"),
        validators=[Optional(), NumberRange(1, employers.MAX_WEEKLY_HOURS, employers.WEEKLY_HOURS_RANGE)],
        render_kw=_NUMBER,
        description=_l("Part time: fewer than 40. Full time: at least 30. At most 48 with overtime."),
    )
    nights = BooleanField(_l("Night shifts"))
    weekends = BooleanField(_l("Weekends"))
    municipality = StringField(
        _l("Municipality"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the municipality where the job is.")), Length(max=120), CLEAN],
    )
    province = StringField(
        _l("Province"),
        filters=[_strip],
        validators=[DataRequired(employers.BAD_PROVINCE), Length(max=2, message=employers.BAD_PROVINCE), CLEAN],
        render_kw={"dir": "ltr", "maxlength": 2, "autocapitalize": "characters", "size": 3},
        description=_l("Two letters, like RA."),
    )
    positions = IntegerField(
        _l("Positions"),
        default=1,
        validators=[
            InputRequired(employers.POSITIONS_RANGE),
            NumberRange(1, employers.MAX_POSITIONS, employers.POSITIONS_RANGE),
        ],
        render_kw=_NUMBER,
    )
    min_italian = SelectField(
        _l("Italian level needed"),
        choices=select_choices([("", _l("No level needed")), *Cefr.choices()]),
        validators=[Optional()],
        invalid_choice_message=employers.NO_SUCH_LEVEL,
    )
    licence = SelectField(
        _l("Driving licence needed"),
        choices=select_choices([("", _l("None")), *DrivingLicence.choices()]),
        validators=[Optional()],
        invalid_choice_message=_l("Choose a driving licence from the list."),
    )
    skills = TextAreaField(
        _l("Skills asked for"),
        validators=[Optional(), Length(max=3000), CLEAN],
        render_kw={"rows": 4},
        description=_l("One per line, like forklift licence, HACCP, welding."),
    )
    requirements = TextAreaField(
        _l("Other requirements"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3}
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000), CLEAN], render_kw={"rows": 5}
    )
    closes_on = DateField(
        _l("Closing date"),
        validators=[Optional()],
        description=_l("The last day candidates can be put forward; leave empty if open until filled."),
    )
    version = HiddenField()

    def set_choices(self, choices) -> None:
        self.employer_id.choices = select_choices(
            [("", "—"), *((str(employer.id), employer.name) for employer in choices)]
        )


class OfferStatusForm(FlaskForm):
    status = SelectField(
        _l("Status"), choices=select_choices(OfferStatus.choices()), invalid_choice_message=_l("Choose the status.")
    )
    version = HiddenField(validators=[InputRequired()])
