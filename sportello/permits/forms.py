"""Forms of permit checklists: starting one, its questions, its items, its link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import EmailField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from sportello.core.forms import LongSelect, NoHiddenCharacters, select_choices
from sportello.core.languages import content_language_choices
from sportello.permits.content import TEXT_MAX_LENGTH, ProcedureContent
from sportello.permits.models import ChecklistStatus, FilingPlace, ItemStatus

CLEAN = NoHiddenCharacters()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _language_field(default: str = "it") -> SelectField:
    return SelectField(
        _l("Language of the checklist"),
        choices=[],
        default=default,
        validators=[DataRequired(_l("Choose a language."))],
        widget=LongSelect(),
        description=_l("The PDF and the link are in this language, with Italian beside it."),
    )


class AnswersForm(FlaskForm):
    """The procedure's condition questions, one check box each (checked = yes)."""

    version = HiddenField()


def answers_form(content: ProcedureContent, *, with_language: bool, formdata=..., **values) -> FlaskForm:
    """A form class made for one procedure version's questions."""

    class Form(AnswersForm):
        pass

    if with_language:
        Form.language = _language_field()
    for question in content.questions:
        setattr(Form, f"q_{question.code}", BooleanField(question.text))
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = Form(**kwargs, **values)
    if with_language:
        form.language.choices = select_choices(content_language_choices(), lang=True)
    return form


def answers_from(form: FlaskForm, content: ProcedureContent) -> dict[str, bool]:
    return {q.code: bool(form[f"q_{q.code}"].data) for q in content.questions}


class ChecklistForm(FlaskForm):
    language = _language_field()
    status = SelectField(_l("Status"), choices=select_choices(ChecklistStatus.choices()))
    filing_on = DateField(_l("Filing appointment"), validators=[Optional()])
    filing_place = SelectField(
        _l("Where"), choices=select_choices([("", "—"), *FilingPlace.choices()]), validators=[Optional()]
    )
    filing_note = TextAreaField(
        _l("Appointment details"),
        filters=[_strip],
        validators=[Length(max=1000), CLEAN],
        render_kw={"rows": 2},
        description=_l("For example the Questura's booking code. Not printed."),
    )
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = select_choices(content_language_choices(), lang=True)


class ItemForm(FlaskForm):
    status = SelectField(_l("Status"), choices=select_choices(ItemStatus.choices()))
    note = TextAreaField(
        _l("Note for the desk"),
        filters=[_strip],
        validators=[Length(max=1000), CLEAN],
        render_kw={"rows": 1},
        description=_l("Not printed and not shown on the person's link."),
    )
    version = HiddenField()


class LinkForm(FlaskForm):
    days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[InputRequired(_l("Enter a number of days.")), NumberRange(1, 365, _l("From 1 to 365 days."))],
    )


class EmailLinkForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class LeafletForm(FlaskForm):
    class Meta:
        csrf = False

    lang = _language_field()


# ---- content translations ------------------------------------------------------------------------

PO_MAX_BYTES = 2 * 1024 * 1024


class TranslationFilterForm(FlaskForm):
    """Filters of one language's strings (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="all", validators=[Optional()])
    q = StringField(_l("Text"), filters=[_strip], validators=[Optional(), Length(max=100)])


class TranslationForm(FlaskForm):
    text = TextAreaField(
        _l("Translation"),
        validators=[
            DataRequired(_l("Enter the translation.")),
            Length(max=TEXT_MAX_LENGTH, message=_l("A translation can be at most %(max)s characters long.")),
            CLEAN,
        ],
        render_kw={"rows": 5},
        description=_l("Words in braces, such as {date}, stay as they are: the document fills them in."),
    )
    reviewed = BooleanField(
        _l("Mark as reviewed"),
        description=_l("Tick it when the translation is ready for people to read. Unticked, it is saved as a draft."),
    )
    version = HiddenField()


class PoImportForm(FlaskForm):
    file = FileField(
        _l("PO file"),
        validators=[
            FileRequired(_l("Choose the PO file to import.")),
            FileSize(PO_MAX_BYTES, message=_l("A PO file can be at most 2 MB.")),
        ],
        render_kw={"accept": ".po,text/x-gettext-translation"},
        description=_l("A file exported from this page and translated with your own tool (Poedit, Weblate, ...)."),
    )
    reviewed = BooleanField(
        _l("These translations were reviewed"),
        description=_l("Entries marked fuzzy stay drafts. Unticked, every changed text is saved as a draft."),
    )
