"""Forms of a skills profile: the profile itself, and its rows (education, work experience,
languages other than Italian).

Choices from enumerations do not refuse an unknown value themselves: the services do, with a
message about the field (a tampered form gets the same clear answer as a mistaken one).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from sportello.core.forms import LongSelect, NoHiddenCharacters, NotInFuture, select_choices, today
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import country_choices, spoken_language_choices
from sportello.jobs import profiles
from sportello.jobs.models import (
    Cefr,
    DrivingLicence,
    EducationLevel,
    Hours,
    ItalianCertificate,
    Recognition,
    Sector,
    Travel,
)

CLEAN = NoHiddenCharacters()
_NUMBER = {"inputmode": "numeric", "dir": "ltr"}
# Free text may be typed in any script: its direction follows what is typed.
_TEXT = {"dir": "auto"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return "".join(value.split()).upper() if isinstance(value, str) else value


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class YearsField(DecimalField):
    """Years of experience as desks type them: "2", "2.5" or "2,5"; a text box, not a number
    one, since browsers read a decimal comma differently."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = str(valuelist[0]).replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if raw == "":
            self.data = None
            return
        try:
            value = Decimal(raw) if re.fullmatch(r"\d+(\.\d+)?", raw) else None
        except InvalidOperation:
            value = None
        if value is None or not 0 <= value <= profiles.MAX_YEARS or (value * 2) % 1 != 0:
            self.data = None
            raise ValueError(profiles.YEARS_RANGE)
        self.data = value


class YearRange:
    """A year from 1940 to this year; an empty or unreadable value is left to the field."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not profiles.FIRST_YEAR <= field.data <= today().year:
            raise ValidationError(profiles.year_range_message())


def _enum_select(label, enum, empty=None, **kwargs) -> SelectField:
    pairs = enum.choices() if empty is None else [("", empty), *enum.choices()]
    return SelectField(label, choices=select_choices(pairs), validate_choice=False, **kwargs)


class ProfileForm(FlaskForm):
    italian_level = _enum_select(_l("Italian level"), Cefr, _l("None, or not assessed"), validators=[Optional()])
    italian_certificate = _enum_select(
        _l("Italian certificate"), ItalianCertificate, _l("No certificate"), validators=[Optional()]
    )
    italian_certificate_on = DateField(_l("Certificate date"), validators=[Optional(), NotInFuture()])
    licences = Checkboxes(
        _l("Driving licences"),
        choices=select_choices(DrivingLicence.choices()),
        validate_choice=False,
        validators=[Optional()],
    )
    own_vehicle = BooleanField(_l("Own vehicle"))
    skills = TextAreaField(
        _l("Skills and trades"),
        validators=[Optional(), Length(max=profiles.MAX_TEXT), CLEAN],
        description=_l("One per line: forklift licence, HACCP, welding, pizza maker."),
        render_kw={"rows": 4, "dir": "auto"},
    )
    sectors = Checkboxes(
        _l("Sectors wanted"), choices=select_choices(Sector.choices()), validate_choice=False, validators=[Optional()]
    )
    hours = _enum_select(_l("Hours"), Hours, validators=[InputRequired(profiles.CHOOSE_HOURS)], default="either")
    nights = BooleanField(_l("Night shifts"))
    weekends = BooleanField(_l("Weekends"))
    travel = _enum_select(
        _l("Can work"), Travel, validators=[InputRequired(profiles.CHOOSE_TRAVEL)], default="municipality"
    )
    municipality = StringField(
        _l("Municipality"),
        filters=[_strip],
        validators=[Optional(), Length(max=profiles.MAX_PLACE), CLEAN],
        render_kw=_TEXT,
    )
    province = StringField(
        _l("Province"),
        filters=[_upper],
        validators=[Optional(), Length(max=2, message=profiles.BAD_PROVINCE), CLEAN],
        description=_l("The two-letter code, like RA."),
        render_kw={"maxlength": 2, "autocapitalize": "characters", "dir": "ltr"},
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    did_on = DateField(
        _l("Registered at the employment centre (DID)"),
        validators=[Optional(), NotInFuture()],
        description=_l("The date of the declaration of immediate availability."),
    )
    employment_centre = StringField(
        _l("Employment centre"),
        filters=[_strip],
        validators=[Optional(), Length(max=profiles.MAX_PLACE), CLEAN],
        render_kw=_TEXT,
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=profiles.MAX_TEXT), CLEAN], render_kw={"rows": 3, "dir": "auto"}
    )
    version = HiddenField()


class EducationForm(FlaskForm):
    level = _enum_select(_l("Level"), EducationLevel, "—", validators=[InputRequired(profiles.CHOOSE_EDUCATION)])
    title = StringField(
        _l("Title or course"),
        filters=[_strip],
        validators=[Optional(), Length(max=profiles.MAX_TITLE), CLEAN],
        description=_l("As written on the diploma, like Diploma in accounting."),
        render_kw=_TEXT,
    )
    country = SelectField(_l("Country"), validate_choice=False, validators=[Optional()], widget=LongSelect())
    year = IntegerField(_l("Year"), validators=[Optional(), YearRange()], render_kw=_NUMBER)
    recognition = _enum_select(_l("Recognition in Italy"), Recognition, default="none", validators=[Optional()])
    version = HiddenField()

    def set_choices(self) -> None:
        self.country.choices = select_choices([("", "—"), *country_choices()])


class ExperienceForm(FlaskForm):
    role = StringField(
        _l("Job or role"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the job or role.")), Length(max=profiles.MAX_ROLE), CLEAN],
        render_kw=_TEXT,
    )
    sector = _enum_select(_l("Sector"), Sector, "—", validators=[InputRequired(profiles.CHOOSE_SECTOR)])
    employer = StringField(
        _l("Employer"), filters=[_strip], validators=[Optional(), Length(max=profiles.MAX_ROLE), CLEAN], render_kw=_TEXT
    )
    country = SelectField(_l("Country"), validate_choice=False, validators=[Optional()], widget=LongSelect())
    years = YearsField(
        _l("Years in the job"),
        validators=[InputRequired(profiles.YEARS_RANGE)],
        description=_l("In halves: 0,5 for six months, 0 for less."),
        render_kw={"inputmode": "decimal", "dir": "ltr"},
    )
    until_year = IntegerField(_l("Until (year)"), validators=[Optional(), YearRange()], render_kw=_NUMBER)
    ongoing = BooleanField(_l("Still working there"))
    description = TextAreaField(
        _l("What they did"),
        validators=[Optional(), Length(max=profiles.MAX_TEXT), CLEAN],
        render_kw={"rows": 2, "dir": "auto"},
    )
    version = HiddenField()

    def set_choices(self) -> None:
        self.country.choices = select_choices([("", "—"), *country_choices()])


def language_level_choices() -> list:
    return select_choices([("", "—"), (profiles.NATIVE, _l("Mother tongue")), *Cefr.choices()])


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[InputRequired(profiles.CHOOSE_LANGUAGE)],
        widget=LongSelect(),
    )
    level = SelectField(
        _l("Level"),
        choices=language_level_choices(),
        validate_choice=False,
        validators=[InputRequired(profiles.CHOOSE_LANGUAGE_LEVEL)],
    )
    version = HiddenField()

    def set_choices(self) -> None:
        allowed = set(profiles.language_choices_codes())
        pairs = [(code, name) for code, name in spoken_language_choices() if code in allowed]
        self.language.choices = select_choices([("", "—"), *pairs])


class LanguageLevelForm(FlaskForm):
    """Editing a language of the profile: only its level (remove it to change the language)."""

    level = SelectField(
        _l("Level"),
        choices=language_level_choices(),
        validate_choice=False,
        validators=[InputRequired(profiles.CHOOSE_LANGUAGE_LEVEL)],
    )
    version = HiddenField()


class VersionForm(FlaskForm):
    """A one-button action on a profile loaded at ``version`` (removing a row)."""

    version = HiddenField(validators=[InputRequired(_l("The page was incomplete. Load it again."))])


class ActionForm(FlaskForm):
    """A one-button action with nothing but its CSRF token (starting a profile)."""
