"""The intake and person forms, the people search, and the forms of a person's household,
vulnerabilities, consent records, attachments and merges."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from sportello.core.forms import LatinLetters, LongSelect, NoHiddenCharacters, NotInFuture, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import content_language_choices, country_choices, spoken_language_choices
from sportello.people.models import (
    CONSENT_PURPOSES,
    AttachmentKind,
    DatePrecision,
    LanguageLevel,
    PermitStatus,
    PermitType,
    Relation,
    Sex,
)

LANGUAGE_ROWS = 4
CITIZENSHIP_ROWS = 2


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper().replace(" ", "") if isinstance(value, str) else value


CLEAN = NoHiddenCharacters()


class LanguageRow(Form):
    language = SelectField(_l("Language"), validators=[Optional()], widget=LongSelect())
    level = SelectField(
        _l("Level"), choices=select_choices([("", "—"), *LanguageLevel.choices()]), validators=[Optional()]
    )


class PersonForm(FlaskForm):
    given_names = StringField(
        _l("Given names"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the given names.")), Length(max=120), CLEAN, LatinLetters()],
        description=_l("As in the passport, in Latin letters."),
    )
    family_name = StringField(
        _l("Family name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the family name.")), Length(max=120), CLEAN, LatinLetters()],
    )
    given_names_original = StringField(
        _l("Given names in the original script"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN]
    )
    family_name_original = StringField(
        _l("Family name in the original script"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN]
    )
    aliases = TextAreaField(
        _l("Other spellings and names"),
        validators=[Optional(), Length(max=2000), CLEAN],
        description=_l("One per line: other transliterations, names used in other documents."),
        render_kw={"rows": 2},
    )
    sex = SelectField(_l("Sex"), choices=select_choices(Sex.choices()), default=Sex.UNSPECIFIED.value)
    birth_date = DateField(_l("Date of birth"), validators=[Optional(), NotInFuture()])
    birth_date_precision = SelectField(
        _l("Precision of the date of birth"),
        choices=select_choices([("", _l("As entered (1 January means year only)")), *DatePrecision.choices()]),
        validators=[Optional()],
    )
    country_of_birth = SelectField(_l("Country of birth"), validators=[Optional()], widget=LongSelect())
    citizenships = FieldList(
        SelectField(_l("Citizenship"), validators=[Optional()], widget=LongSelect()),
        label=_l("Citizenships"),
        min_entries=CITIZENSHIP_ROWS,
    )
    languages = FieldList(FormField(LanguageRow), label=_l("Languages spoken"), min_entries=LANGUAGE_ROWS)
    preferred_language = SelectField(
        _l("Language for documents"),
        validators=[DataRequired()],
        widget=LongSelect(),
        description=_l("Checklists and letters are printed in this language, with Italian beside it."),
    )

    fiscal_code = StringField(_l("Codice fiscale"), filters=[_upper], validators=[Optional(), Length(max=16)])
    passport_number = StringField(
        _l("Passport number"),
        filters=[_upper],
        validators=[Optional(), Length(max=30), Regexp(r"^[A-Z0-9]+$", message=_l("Use only letters and digits."))],
    )
    phone = StringField(
        _l("Phone"), filters=[_strip], validators=[Optional(), Length(max=40)], render_kw={"type": "tel", "dir": "ltr"}
    )
    whatsapp = BooleanField(_l("Reachable on WhatsApp"))
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address, like name@example.org."))],
        render_kw={"dir": "ltr"},
    )
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), Length(max=250), CLEAN])
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    arrival_date = DateField(_l("Arrival in Italy"), validators=[Optional(), NotInFuture()])

    permit_type = SelectField(_l("Permit type"), validators=[Optional()])
    permit_number = StringField(
        _l("Permit number"),
        filters=[_upper],
        validators=[Optional(), Length(max=30), Regexp(r"^[A-Z0-9]+$", message=_l("Use only letters and digits."))],
    )
    permit_issued_on = DateField(_l("Issued on"), validators=[Optional(), NotInFuture()])
    permit_expires_on = DateField(_l("Expires on"), validators=[Optional()])
    permit_questura = StringField(
        _l("Issuing Questura"), filters=[_strip], validators=[Optional(), Length(max=80), CLEAN]
    )
    permit_status = SelectField(_l("Permit status"), validators=[Optional()])
    permit_receipt_date = DateField(
        _l("Renewal receipt date"),
        validators=[Optional(), NotInFuture()],
        description=_l("The date on the post-office receipt of the renewal application."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})

    # Intake only, for users of several desks: where the person is registered.
    desk = SelectField(_l("Registered at desk"), validators=[Optional()], validate_choice=False)
    version = HiddenField()
    # Set when the operator has seen the possible duplicates and confirms a new person.
    confirm_new = HiddenField()

    def set_choices(self) -> None:
        countries = country_choices()
        self.country_of_birth.choices = select_choices([("", _l("Unknown")), *countries])
        for entry in self.citizenships:
            entry.choices = select_choices([("", "—"), *countries])
        languages = select_choices([("", "—"), *spoken_language_choices()])
        for row in self.languages:
            row.language.choices = languages
        self.preferred_language.choices = select_choices(content_language_choices())
        self.permit_type.choices = select_choices([("", _l("No permit recorded")), *PermitType.choices()])
        self.permit_status.choices = select_choices([("", "—"), *PermitStatus.choices()])
        self.desk.choices = self.desk.choices or []

    def spoken_languages(self) -> list[tuple[str, str]]:
        rows = []
        for row in self.languages:
            if row.language.data:
                rows.append((row.language.data, row.level.data or LanguageLevel.BASIC.value))
        return rows


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=120), CLEAN])
    fiscal_code = StringField(_l("Codice fiscale"), filters=[_upper], validators=[Optional(), Length(max=16)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    document = StringField(_l("Passport or permit number"), filters=[_upper], validators=[Optional(), Length(max=30)])
    desk = SelectField(_l("Desk"), validators=[Optional()])
    nationality = SelectField(_l("Citizenship"), validators=[Optional()], widget=LongSelect())
    renewal = BooleanField(_l("Permit to renew"))


class NameSearchForm(FlaskForm):
    """Find a person by name (household members, the record to merge): a GET form."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])


class HouseholdForm(FlaskForm):
    member = IntegerField(_l("Person"), validators=[InputRequired(_l("Choose the person to add."))])
    relation = SelectField(
        _l("What they are to this person"),
        choices=select_choices(Relation.choices()),
        validators=[DataRequired(_l("Choose the relation."))],
    )
    q = HiddenField()


class VulnerabilityForm(FlaskForm):
    type_id = SelectField(
        _l("Vulnerability"), validators=[DataRequired(_l("Choose a vulnerability."))], validate_choice=False
    )
    from_date = DateField(
        _l("From"), validators=[InputRequired(_l("Enter the date it began or was noted.")), NotInFuture()]
    )
    until_date = DateField(_l("Until"), validators=[Optional()], description=_l("Leave empty while it lasts."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000), CLEAN], render_kw={"rows": 3})


class EndVulnerabilityForm(FlaskForm):
    until_date = DateField(_l("Until"), validators=[InputRequired(_l("Enter the date it ended."))])
    version = HiddenField()


class ConsentForm(FlaskForm):
    notice_version = StringField(
        _l("Privacy notice version"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the version printed on the notice.")), Length(max=40), CLEAN],
        description=_l("As printed on the notice, for example 2026-01."),
    )
    notice_language = SelectField(_l("Language of the notice"), validators=[DataRequired()])
    signed_on = DateField(
        _l("Signed on"), validators=[InputRequired(_l("Enter the date it was signed.")), NotInFuture()]
    )
    case_management = BooleanField(CONSENT_PURPOSES["case_management"])
    partner_sharing = BooleanField(CONSENT_PURPOSES["partner_sharing"])
    contact_whatsapp = BooleanField(CONSENT_PURPOSES["contact_whatsapp"])
    contact_sms = BooleanField(CONSENT_PURPOSES["contact_sms"])
    contact_email = BooleanField(CONSENT_PURPOSES["contact_email"])
    withdrawn_on = DateField(
        _l("Withdrawn on"), validators=[Optional(), NotInFuture()], description=_l("Only if it was already withdrawn.")
    )
    signed_form = FileField(_l("Signed form, scanned"), render_kw={"accept": "application/pdf,image/jpeg,image/png"})

    def set_choices(self) -> None:
        self.notice_language.choices = select_choices(content_language_choices())


class WithdrawConsentForm(FlaskForm):
    withdrawn_on = DateField(
        _l("Withdrawn on"), validators=[InputRequired(_l("Enter the date of the withdrawal.")), NotInFuture()]
    )
    version = HiddenField()


class AttachmentForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=select_choices(AttachmentKind.choices()))
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[Optional(), Length(max=200), CLEAN],
        description=_l("Leave empty to use the name of the file."),
    )
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class MergeForm(FlaskForm):
    """Confirms a merge of the two records as they were shown."""

    survivor_version = HiddenField(validators=[InputRequired()])
    merged_version = HiddenField(validators=[InputRequired()])


class VulnerabilityTypeForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[_strip], validators=[DataRequired(_l("Enter a name.")), Length(max=120), CLEAN]
    )
    active = BooleanField(
        _l("In use"),
        default=True,
        description=_l("A type no longer in use stays on the people who have it but cannot be chosen again."),
    )
    version = HiddenField()
