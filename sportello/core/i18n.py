"""Interface language: choice, direction and formatting helpers for templates.

The locale is the user's setting, then ``?lang=`` (remembered for the visit), then the
browser's Accept-Language, then Italian.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user


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


def init_app(app: Flask) -> None:
    from sportello.core.languages import country_title, language_title, own_name

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
