"""Interface language: choice, direction, messages and formatting helpers for templates.

The locale is the user's setting, then ``?lang=`` (remembered for the visit), then the
browser's Accept-Language, then Italian.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

import flask_babel
from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def ui_locales() -> tuple[str, ...]:
    return current_app.config["UI_LOCALES"]


def select_locale() -> str:
    if not has_request_context():  # command line: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    available = ui_locales()
    if current_user and current_user.is_authenticated and current_user.language in available:
        return current_user.language
    asked = request.args.get("lang")
    if asked in available:
        session["lang"] = asked
        return asked
    if session.get("lang") in available:
        return session["lang"]
    return request.accept_languages.best_match(available) or current_app.config["BABEL_DEFAULT_LOCALE"]


@cache
def language_name(code: str) -> str:
    """A language's name in that language (CLDR), capitalised: "Italiano", "English", "العربية"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def _direction(code: str) -> str:
    return "rtl" if Locale.parse(code).text_direction == "rtl" else "ltr"


def text_direction() -> str:
    return _direction(str(get_locale()))


def _date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format)
    return format_date(value, format)


def _day(value: date | datetime | None, format: str = "medium") -> str:
    """The day of a date or of a timestamp (in the installation's time zone), without the time."""
    return "" if value is None else format_date(value, format)


def _number(value: float | int | None) -> str:
    return "" if value is None else format_decimal(value)


def _currency(value: Any) -> str:
    return "" if value is None else format_currency(value, "EUR")


def _phone(value: str | None) -> str:
    """An E.164 number as people write it: "+39 333 123 4567"."""
    if not value:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# ---- messages ---------------------------------------------------------------------------------
# Flask-Babel finds the catalogue again for every message: about 7 µs each, sixty times the lookup
# itself, and a page shows a hundred messages or more. These functions do what Flask-Babel's do,
# with the catalogue kept for the request as long as its language stays the same (Flask-Babel's
# ``force_locale`` and ``refresh`` change it). Templates use them too (``init_app``).


def catalogue() -> NullTranslations:
    """The messages of the current language."""
    try:
        babel = g._flask_babel
        kept = babel.sportello_catalogue
        if kept[0] is babel.babel_locale:
            return kept[1]
    except (AttributeError, RuntimeError):  # not found yet, or no app context (NullTranslations)
        pass
    translations = flask_babel.get_translations()
    babel = getattr(g, "_flask_babel", None) if g else None
    if babel is not None and getattr(babel, "babel_locale", None) is not None:
        babel.sportello_catalogue = (babel.babel_locale, translations)
    return translations


def gettext(string: str, /, **variables: Any) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, /, **variables: Any) -> str:
    text = catalogue().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, /, **variables: Any) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_pgettext(context: str, string: str, /, **variables: Any) -> LazyString:
    return LazyString(pgettext, context, string, **variables)


@pass_context
def _template_gettext(context: Context, string: str, /, **variables: Any) -> str:
    """``_()`` in templates: a message is a format string, escaped in HTML, as Jinja's newstyle
    gettext has it. Formatting a message with no variable and no "%" changes nothing: skipped."""
    text = catalogue().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = catalogue().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app: Flask) -> None:
    from sportello.core.languages import country_title, language_title, own_name

    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalogue().ugettext(string),
        ngettext=lambda singular, plural, num: catalogue().ungettext(singular, plural, num),
        pgettext=lambda context, string: catalogue().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: catalogue().unpgettext(context, singular, plural, num),
        newstyle=True,
    )
    # The two the templates use, as Jinja's "newstyle" ones but without their detours.
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext, ngettext=_template_ngettext)
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["day"] = _day
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["currency"] = _currency
    app.jinja_env.filters["phone"] = _phone
    app.jinja_env.filters["country"] = country_title
    app.jinja_env.filters["language"] = language_title
    app.jinja_env.filters["own_language"] = own_name

    @app.context_processor
    def i18n_context() -> dict:
        locale = get_locale()
        return {
            "current_locale": str(locale),
            "text_direction": text_direction(),
            "ui_languages": [(code, language_name(code)) for code in ui_locales()],
        }
