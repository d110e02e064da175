"""Forms of permit checklists (starting one, its questions, its items, its link) and of editing a
procedure."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import EmailField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from sportello.core.forms import (
    LongSelect,
    MoneyField,
    NoHiddenCharacters,
    Within,
    has_hidden_characters,
    select_choices,
)
from sportello.core.i18n import lazy_gettext as _l
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

    # Required when editing answers; a new checklist has no version yet (see answers_form).
    version = HiddenField()


def answers_form(content: ProcedureContent, *, with_language: bool, formdata=..., **values) -> FlaskForm:
    """A form class made for one procedure version's questions."""

    class Form(AnswersForm):
        pass

    if with_language:
        Form.language = _language_field()
    else:
        Form.version = HiddenField(validators=[InputRequired(_l("Reload the page and try again."))])
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = select_choices(content_language_choices(), lang=True)


# ---- editing a procedure ------------------------------------------------------------------------

ITEM_ROWS_TO_ADD = 3
FEE_ROWS_TO_ADD = 2
TEXT_LIMIT = Length(max=2000, message=_l("At most 2000 characters."))


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or str(valuelist[0]).strip() == "":
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number.")) from None


class Conditions(SelectMultipleField):
    """Condition questions of a document or a cost; the choices are the procedure's questions."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        known = {str(value) for value, *_ in self.choices or ()}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Choose among this procedure's questions."))


class _Row(Form):
    """A row of a list in the procedure form (the page's CSRF token covers it)."""

    code = HiddenField()
    remove = BooleanField(_l("Remove"))

    @property
    def is_blank(self) -> bool:
        """A row left empty: one of the rows for adding, not used."""
        if self.code.data:
            return False
        return not any(
            field.data.strip() if isinstance(field.data, str) else field.data
            for field in self
            if field.short_name not in {"code", "remove", "quantity"}
        )

    @property
    def kept(self) -> bool:
        return not self.remove.data and not self.is_blank


class ItemRow(_Row):
    text = TextAreaField(_l("Document"), filters=[_strip], validators=[TEXT_LIMIT, CLEAN], render_kw={"rows": 2})
    note = TextAreaField(
        _l("Note under the document"), filters=[_strip], validators=[TEXT_LIMIT, CLEAN], render_kw={"rows": 1}
    )
    when = Conditions(_l("Only if yes to"))
    unless = Conditions(_l("Not if yes to"))


class FeeRow(_Row):
    text = TextAreaField(_l("Cost"), filters=[_strip], validators=[TEXT_LIMIT, CLEAN], render_kw={"rows": 2})
    amount = MoneyField(
        _l("Amount (euro)"),
        places=2,
        validators=[Within(0, 10000, _l("An amount goes from 0 to 10,000 euro, or stays empty if set locally."))],
        description=_l("Empty if each municipality sets it."),
        render_kw={"inputmode": "decimal", "dir": "ltr"},
    )
    quantity = WholeNumberField(
        _l("How many"),
        default=1,
        validators=[Within(1, 20, _l("From 1 to 20."))],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )
    when = Conditions(_l("Only if yes to"))
    unless = Conditions(_l("Not if yes to"))


class QuestionRow(_Row):
    text = TextAreaField(_l("Question"), filters=[_strip], validators=[TEXT_LIMIT, CLEAN], render_kw={"rows": 2})


class Lines(TextAreaField):
    """A list of texts, one a line; empty lines are dropped."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = [line.strip() for line in (self.data or "").splitlines() if line.strip()]

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])

    def pre_validate(self, form):
        for line in self.data or []:
            if len(line) > 2000:
                raise ValidationError(_l("At most 2000 characters a line."))
            if has_hidden_characters(line):
                raise ValidationError(_l("Remove the invisible control or text-direction characters from this field."))


class ProcedureForm(FlaskForm):
    """The latest version of a procedure, to be saved as the next one."""

    title = StringField(
        _l("Title (Italian)"),
        filters=[_strip],
        validators=[DataRequired(_l("Write the procedure's title.")), TEXT_LIMIT, CLEAN],
    )
    renewal = BooleanField(
        _l("A renewal"), description=_l("Checklists show the renewal window from the permit's expiry date.")
    )
    legal_basis = StringField(_l("Legal basis"), filters=[_strip], validators=[TEXT_LIMIT, CLEAN])
    items = FieldList(FormField(ItemRow), label=_l("Documents"))
    fees = FieldList(FormField(FeeRow), label=_l("Costs"))
    questions = FieldList(FormField(QuestionRow), label=_l("Questions asked when making a checklist"))
    steps = Lines(_l("How to apply, one step a line"), render_kw={"rows": 5})
    requirements = Lines(_l("Requirements, one a line"), render_kw={"rows": 3})
    deadlines = Lines(_l("Deadlines, one a line"), render_kw={"rows": 3})
    change_note = TextAreaField(
        _l("What changed"),
        filters=[_strip],
        validators=[DataRequired(_l("Say what changed: it is shown in the version history.")), TEXT_LIMIT, CLEAN],
        render_kw={"rows": 2},
        description=_l("Shown in the version history. For example: the electronic permit now costs 32 euro."),
    )
    # The version the form was loaded from.
    base = HiddenField()

    def set_choices(self, content: ProcedureContent) -> None:
        choices = [(q.code, q.text) for q in content.questions]
        for row in [*self.items, *self.fees]:
            row.when.choices = choices
            row.unless.choices = choices

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.items:
            if row.kept and not row.text.data:
                row.text.errors = [*row.text.errors, _l("Write the document, or tick Remove.")]
                valid = False
        for row in self.fees:
            if row.kept and not row.text.data:
                row.text.errors = [*row.text.errors, _l("Write what the cost is for, or tick Remove.")]
                valid = False
        used = {
            code
            for row in [*self.items, *self.fees]
            if row.kept
            for code in [*(row.when.data or []), *(row.unless.data or [])]
        }
        for row in self.questions:
            if row.remove.data and row.code.data in used:
                row.remove.errors = [
                    *row.remove.errors,
                    _l("A document or a cost still depends on this question: change their conditions first."),
                ]
                valid = False
            elif not row.remove.data and not row.text.data:
                row.text.errors = [*row.text.errors, _l("Write the question, or tick Remove.")]
                valid = False
        if not any(row.kept for row in self.items):
            self.items.errors.append(str(_l("A procedure needs at least one document.")))
            valid = False
        if not valid and not self.form_errors:
            self.form_errors.append(_l("Please correct the fields marked below."))
        return valid


def procedure_form(content: ProcedureContent, base: int, *, from_request: bool) -> ProcedureForm:
    """The edit form as submitted, or filled from ``content`` with empty rows for adding."""
    if from_request:
        form = ProcedureForm()
    else:
        data = {
            "title": content.title,
            "renewal": content.renewal,
            "legal_basis": content.legal_basis,
            "steps": content.steps,
            "requirements": content.requirements,
            "deadlines": content.deadlines,
            "items": [
                {
                    "code": i.code,
                    "text": i.text,
                    "note": i.note,
                    "when": list(i.rule.when),
                    "unless": list(i.rule.unless),
                }
                for i in content.items
            ]
            + [{}] * ITEM_ROWS_TO_ADD,
            "fees": [
                {
                    "code": f.code,
                    "text": f.label,
                    "amount": f.amount,
                    "quantity": f.quantity,
                    "when": list(f.rule.when),
                    "unless": list(f.rule.unless),
                }
                for f in content.fees
            ]
            + [{"quantity": 1}] * FEE_ROWS_TO_ADD,
            "questions": [{"code": q.code, "text": q.text} for q in content.questions],
            "base": str(base),
        }
        form = ProcedureForm(formdata=None, data=data)
    form.set_choices(content)
    return form


def procedure_data(form: ProcedureForm) -> dict:
    """The content the form describes; new documents and costs have no code yet."""

    def rule(row) -> dict:
        out = {}
        if row.when.data:
            out["when"] = list(row.when.data)
        if row.unless.data:
            out["unless"] = list(row.unless.data)
        return out

    return {
        "title": form.title.data,
        "renewal": bool(form.renewal.data),
        "legal_basis": form.legal_basis.data or "",
        "steps": list(form.steps.data or []),
        "requirements": list(form.requirements.data or []),
        "deadlines": list(form.deadlines.data or []),
        "questions": [{"code": row.code.data, "text": row.text.data} for row in form.questions if not row.remove.data],
        "items": [
            {
                "code": row.code.data or "",
                "text": row.text.data,
                **({"note": row.note.data} if row.note.data else {}),
                **rule(row),
            }
            for row in form.items
            if row.kept
        ],
        "fees": [
            {
                "code": row.code.data or "",
                "label": row.text.data,
                "amount": row.amount.data,
                "quantity": row.quantity.data or 1,
                **rule(row),
            }
            for row in form.fees
            if row.kept
        ],
    }


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
