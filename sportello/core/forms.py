"""Forms shared by every part."""

from __future__ import annotations

import operator
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import wtforms.widgets
import wtforms.widgets.core
from flask import current_app
from flask_babel import get_locale, get_timezone
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, DecimalField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import TextInput
from wtforms.widgets.core import clean_key

from sportello.core.audit import Action
from sportello.core.exceptions import FieldError, FieldErrors
from sportello.core.i18n import lazy_gettext as _l


def html_params(**kwargs: Any) -> Markup:
    """The attributes of an HTML tag, exactly as WTForms writes them (sorted, ``class_`` as
    ``class``, ``aria_x`` as ``aria-x``, True alone, False left out) in a seventh of the time:
    WTForms builds each attribute with ``Markup.format``, and a page of forms writes hundreds."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        key = escape(clean_key(key))
        if value is True:
            params.append(key)
        else:
            quoted = str(escape(value)).replace('"', "&quot;")
            params.append(f'{key}="{quoted}"')
    return Markup(" ".join(params))


# WTForms' own, kept to check that ours writes the same.
WTFORMS_HTML_PARAMS = wtforms.widgets.core.html_params


def use_fast_html_params() -> None:
    """Have WTForms' widgets write their attributes with ``html_params`` above. Its widgets look
    the function up in four places: their module, the package, and the ``Input`` and ``Button``
    classes. WTForms is pinned; ``tests/core/test_forms.py`` checks the places and the output."""
    wtforms.widgets.core.html_params = html_params
    wtforms.widgets.html_params = html_params
    wtforms.widgets.core.Input.html_params = staticmethod(html_params)
    wtforms.widgets.core.Button.html_params = staticmethod(html_params)


def select_choices(pairs: Iterable[tuple[Any, Any]], *, lang: bool = False) -> list[SelectChoice]:
    """``(value, label)`` pairs as select options; with ``lang`` each option is marked with its
    language code, so screen readers pronounce language names correctly."""
    return [SelectChoice(value, label, render_kw={"lang": value} if lang and value else {}) for value, label in pairs]


class LongSelect:
    """A select widget for long, fixed option lists (countries, languages): the options are
    rendered once per language and list, then only the chosen ones are marked on each page."""

    _cache: dict[tuple, str] = {}

    def __init__(self, multiple: bool = False) -> None:
        self.multiple = multiple
        # Per language, the choices this widget last rendered and their options. The choices
        # declared with a form are the same objects on every page: found again by identity,
        # their lazily translated labels need not be translated once more to look them up.
        self._last: dict[str, tuple[tuple, str]] = {}

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        options = self._options(field.choices)
        data = field.data if isinstance(field.data, list | tuple | set) else [field.data]
        for value in data:
            if value is not None:
                marker = f'<option value="{escape(str(value))}">'
                options = options.replace(marker, marker[:-1] + " selected>", 1)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")

    def _options(self, choices: list) -> str:
        locale = str(get_locale())
        last = self._last.get(locale)
        if last is not None and len(last[0]) == len(choices) and all(map(operator.is_, last[0], choices)):
            return last[1]
        pairs = tuple((str(value), str(label)) for value, label, *_ in choices)
        key = (locale, pairs)
        options = self._cache.get(key)
        if options is None:
            options = "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in pairs)
            if len(self._cache) > 200:
                self._cache.clear()
            self._cache[key] = options
        self._last[locale] = (tuple(choices), options)
        return options


class ScopedIds:
    """For a form shown beside others on one page: its fields' ids, and so those of their labels,
    help texts and messages, start with the form's scope, so that no two controls of the page
    share an id and each label names its own control. The names posted stay the same."""

    id_scope = ""

    def __init__(self, *args: Any, id_scope: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = id_scope or self.id_scope
        if not scope:
            raise TypeError(f"{type(self).__name__} needs an id_scope")
        for field in self:
            field.id = f"{scope}-{field.id}"
            field.label.field_id = field.id


class BlankFields:
    """The fields of forms that a busy page shows blank on every visit (the case page's forms to
    add a row), rendered by the macros of one template and kept: rendering a form's fields costs
    more than reading the rows the page lists.

    Kept per macro, language and ``key``. The key must hold everything the blank fields show that
    their form's class does not fix: default values (today's date, the user) and choices read from
    the database (the desk's staff), so a cached form is never out of date. A form that failed is
    rendered afresh with ``fields_of``, as the user typed it."""

    def __init__(self, template: str, size: int = 512) -> None:
        self.template = template
        self.size = size
        # The least recently used first: the forms every user shares stay, the day's and the
        # user's own give way.
        self._html: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def blank(self, macro: str, key: tuple, make_form: Callable[[], Any], *args: Any) -> Markup:
        """The fields of ``make_form()``, from the cache when they were rendered before."""
        # The template itself is part of the key: reloaded after an edit, it is a new one.
        template = current_app.jinja_env.get_template(self.template)
        full_key = (template, macro, str(get_locale()), key, args)
        with self._lock:
            html = self._html.get(full_key)
            if html is not None:
                self._html.move_to_end(full_key)
                return html
        html = self._render(template, macro, make_form(), args)
        with self._lock:
            self._html[full_key] = html
            while len(self._html) > self.size:
                self._html.popitem(last=False)
        return html

    def fields_of(self, macro: str, form: Any, *args: Any) -> Markup:
        """The fields of ``form`` as they are now (a form that failed), not kept."""
        return self._render(current_app.jinja_env.get_template(self.template), macro, form, args)

    @staticmethod
    def _render(template: Any, macro: str, form: Any, args: tuple) -> Markup:
        return Markup(getattr(template.module, macro)(form, *args))

    def clear(self) -> None:
        with self._lock:
            self._html.clear()


_SELECTS = ("SelectField", "SelectMultipleField")


def form_field(field: Any, class_: str = "") -> Markup:
    """A form field with its label, help text and errors next to it, described to screen readers
    (the templates' ``field`` macro). Written in Python rather than as a Jinja macro: some pages
    show forty fields, and the macro's own work cost as much as the field's widget."""
    errors = field.errors
    invalid = " is-invalid" if errors else ""
    help_text = escape(field.description)
    described = [f"{field.id}-help"] if help_text else []
    if errors:
        described.append(f"{field.id}-error")
    aria = {"aria-describedby": " ".join(described)} if described else {}
    if errors:
        aria["aria-invalid"] = "true"
    label_for, label_text = escape(field.label.field_id), escape(field.label.text)
    if field.type == "BooleanField":
        control = (
            f'  <div class="form-check">\n    {field(**{"class": "form-check-input" + invalid}, **aria)}\n'
            f'    <label class="form-check-label" for="{label_for}">{label_text}</label>\n  </div>\n'
        )
    else:
        kind = "form-select" if field.type in _SELECTS else "form-control"
        control = (
            f'  <label class="form-label" for="{label_for}">{label_text}</label>\n'
            f"  {field(**{'class': kind + invalid}, **aria)}\n"
        )
    html = [f'<div class="mb-3 {escape(class_)}">\n', control]
    if help_text:
        html.append(f'  <div class="form-text" id="{escape(field.id)}-help">{help_text}</div>\n')
    if errors:
        message = Markup(" ").join(errors)
        html.append(f'  <div class="invalid-feedback d-block" id="{escape(field.id)}-error">{message}</div>\n')
    html.append("</div>")
    return Markup("".join(html))


# C0/C1 controls (tab and newlines allowed) and the invisible marks that reorder text (bidi
# embeddings, overrides and isolates): never typed on purpose, and used to disguise text.
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class MoneyField(DecimalField):
    """An amount in euro as desks type it: "16", "16.00", "16,00" or "€ 16,00"; empty if unknown.
    A text box, not a number one: browsers read a decimal comma differently."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = str(valuelist[0]).replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
        if raw == "":
            self.data = None
            return
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
            # "1.000": a thousand in Italian, one euro in English. Ask rather than guess.
            self.data = None
            raise ValueError(_l("Write the amount without a thousands separator, like 1000,00."))
        try:
            value = Decimal(raw)
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or value != value.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(_l("Enter an amount in euro with at most two decimals, like 16,00."))
        self.data = value


class Within:
    """A number between ``low`` and ``high``; an empty or unreadable value is left to the field."""

    def __init__(self, low, high, message) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(self.message)


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds control characters or bidirectional marks (see ``_HIDDEN``)."""
    return bool(_HIDDEN.search(text))


class NoHiddenCharacters:
    """Refuse control characters and bidirectional-override marks."""

    def __call__(self, form: FlaskForm, field: Any) -> None:
        if isinstance(field.data, str) and has_hidden_characters(field.data):
            raise ValidationError(_l("Remove the invisible control or text-direction characters from this field."))


class LatinLetters:
    """Names as printed in a passport: Latin letters (accents allowed), spaces, ' and -."""

    def __call__(self, form: FlaskForm, field: Any) -> None:
        for char in field.data or "":
            if char in " '-.’":
                continue
            if not (char.isalpha() and unicodedata.name(char, "").startswith("LATIN")):
                raise ValidationError(
                    _l("Write the name in Latin letters, as in the passport; the original script has its own field.")
                )


class NotInFuture:
    def __call__(self, form: FlaskForm, field: Any) -> None:
        if field.data and field.data > today():
            raise ValidationError(_l("This date is in the future."))


def today() -> date:
    """Today in the installation's time zone."""
    from datetime import datetime

    return datetime.now(get_timezone()).date()


def add_field_error(form: FlaskForm, error: FieldError | FieldErrors) -> None:
    """Show a service's complaints next to the fields they are about."""
    for one in error.errors if isinstance(error, FieldErrors) else [error]:
        field = form[one.field]
        field.errors = [*field.errors, str(one.message)]


class AuditFilterForm(FlaskForm):
    """Filters of the audit page (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Record"), validators=[Optional(), Length(max=100)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    action = SelectField(
        _l("What"), choices=select_choices([("", _l("Any action")), *Action.choices()]), validators=[Optional()]
    )
    object_type = SelectField(_l("Record type"), validators=[Optional()])
    desk = SelectField(_l("Desk"), coerce=str, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
