"""Forms of the mediators' roster (the list's filters, a mediator's record with its languages and
weekly availability, absences) and of funding projects."""

from __future__ import annotations

from decimal import Decimal

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sportello.core.forms import LongSelect, MoneyField, NoHiddenCharacters, Within, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import spoken_language_choices
from sportello.mediation.models import Setting
from sportello.people.models import LanguageLevel

CLEAN = NoHiddenCharacters()
# Empty rows offered for adding languages and weekly times; "Add a row" offers one more.
LANGUAGE_ROWS_TO_ADD = 2
SLOT_ROWS_TO_ADD = 2
MAX_ROWS = 30


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def weekday_choices() -> list[tuple[str, str]]:
    """Monday to Sunday in the viewer's language."""
    names = get_day_names("wide", context="stand-alone", locale=get_locale())
    return [(str(day), names[day]) for day in range(7)]


def _typed(field) -> bool:
    """Whether something was typed or chosen in ``field`` (even something unreadable)."""
    return bool(field.data) or any(str(value).strip() for value in field.raw_data or [])


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# ---- the list --------------------------------------------------------------------------------


class RosterFilterForm(FlaskForm):
    """Filters of the roster (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    language = SelectField(_l("Language"), validators=[Optional()], widget=LongSelect())
    field = SelectField(_l("Field of work"), validators=[Optional()])
    organisation = StringField(_l("Organisation"), filters=[_strip], validators=[Optional(), Length(max=160), CLEAN])
    status = SelectField(
        _l("Shown"),
        choices=select_choices(
            [("active", _l("Active mediators")), ("inactive", _l("Inactive mediators")), ("all", _l("All"))]
        ),
        default="active",
        validators=[Optional()],
    )

    def set_choices(self) -> None:
        self.language.choices = select_choices([("", _l("Any language")), *spoken_language_choices()])
        self.field.choices = select_choices([("", _l("Any field")), *Setting.choices()])


# ---- a mediator's record -----------------------------------------------------------------------


class LanguageRow(Form):
    language = SelectField(_l("Language"), validators=[Optional()], widget=LongSelect())
    level = SelectField(
        _l("Level"), choices=select_choices([("", "—"), *LanguageLevel.choices()]), validators=[Optional()]
    )
    with_language = SelectField(_l("Mediated with"), default="it", validators=[Optional()], widget=LongSelect())

    @property
    def is_blank(self) -> bool:
        return not self.language.data


class SlotRow(Form):
    weekday = SelectField(_l("Day"), validators=[Optional()])
    starts_at = TimeField(_l("Start time"), validators=[Optional()], render_kw={"dir": "ltr"})
    ends_at = TimeField(_l("End time"), validators=[Optional()], render_kw={"dir": "ltr"})

    @property
    def is_blank(self) -> bool:
        return not (_typed(self.weekday) or _typed(self.starts_at) or _typed(self.ends_at))


class MediatorForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the mediator's name.")), Length(max=120), CLEAN],
    )
    user_id = SelectField(
        _l("User account"),
        validators=[Optional()],
        description=_l("The account the mediator signs in with, if they have one (role mediator)."),
    )
    phone = StringField(
        _l("Phone"), filters=[_strip], validators=[Optional(), Length(max=40)], render_kw={"type": "tel", "dir": "ltr"}
    )
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address, like name@example.org."))],
        render_kw={"dir": "ltr"},
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[_strip],
        validators=[Optional(), Length(max=160), CLEAN],
        description=_l("The cooperative, association or agency the mediator works through."),
    )
    hourly_rate = MoneyField(
        _l("Hourly rate (euro)"),
        places=2,
        default=Decimal("0"),
        validators=[
            InputRequired(_l("Enter the hourly rate: 0 if the mediator is not paid by the hour.")),
            Within(0, 500, _l("The hourly rate goes from 0 to 500 euro.")),
        ],
        render_kw={"inputmode": "decimal", "dir": "ltr"},
    )
    fields = Checkboxes(_l("Fields"), choices=select_choices(Setting.choices()), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})
    active = BooleanField(_l("Active"), default=True)
    languages = FieldList(FormField(LanguageRow), label=_l("Languages"), max_entries=MAX_ROWS)
    slots = FieldList(FormField(SlotRow), label=_l("Weekly availability"), max_entries=MAX_ROWS)
    version = HiddenField()

    def set_choices(self, accounts) -> None:
        self.user_id.choices = select_choices(
            [("", _l("No account")), *((str(user.id), f"{user.name} <{user.email}>") for user in accounts)]
        )
        languages = select_choices(spoken_language_choices(), lang=True)
        for row in self.languages:
            row.language.choices = select_choices([("", "—")]) + languages
            row.with_language.choices = languages
        days = select_choices([("", "—"), *weekday_choices()])
        for row in self.slots:
            row.weekday.choices = days

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.languages:
            if not row.is_blank and not row.level.data:
                row.level.errors = [*row.level.errors, _l("Choose the level.")]
                valid = False
        for row in self.slots:
            if row.is_blank:
                continue
            if not row.weekday.data:
                row.weekday.errors = [*row.weekday.errors, _l("Choose the day.")]
                valid = False
            for part in (row.starts_at, row.ends_at):
                if part.data is None and not part.errors:
                    part.errors = [*part.errors, _l("Enter the time.")]
                    valid = False
        return valid

    def language_rows(self) -> list[tuple[str, str, str]]:
        return [
            (row.language.data, row.level.data, row.with_language.data or "it")
            for row in self.languages
            if not row.is_blank
        ]

    def slot_rows(self) -> list[tuple[int, object, object]]:
        return [(int(row.weekday.data), row.starts_at.data, row.ends_at.data) for row in self.slots if not row.is_blank]


class AbsenceForm(FlaskForm):
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter the first day of the absence."))])
    ends_on = DateField(_l("To"), validators=[InputRequired(_l("Enter the last day of the absence."))])
    note = StringField(
        _l("Note"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("Holiday, illness, training: what colleagues need to know."),
    )


# ---- funding projects ------------------------------------------------------------------------


class ProjectForm(FlaskForm):
    code = StringField(
        _l("Project code"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the project code.")), Length(max=40), CLEAN],
        description=_l("The code funders know the project by, such as a CUP."),
        render_kw={"dir": "ltr"},
    )
    name = StringField(
        _l("Name"), filters=[_strip], validators=[DataRequired(_l("Enter the project's name.")), Length(max=200), CLEAN]
    )
    funder = StringField(_l("Funder"), filters=[_strip], validators=[Optional(), Length(max=200), CLEAN])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()
