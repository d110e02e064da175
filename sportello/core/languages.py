"""Languages and countries as data: the 20 languages of migrant-facing content, the languages
people speak, and country names from CLDR in the viewer's language.

Adding a content language is a line here and its translations, never other code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale
from flask import Flask, current_app
from flask_babel import get_locale


@dataclass(frozen=True)
class ContentLanguage:
    code: str
    script: str
    direction: str
    font: str  # the font family PDFs ask for first


# The languages every checklist, leaflet and public page exists in (shared/domain/languages.md).
CONTENT_LANGUAGES = (
    ContentLanguage("it", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("en", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("fr", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("es", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("sq", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("ro", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("fil", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("wo", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("so", "Latin", "ltr", "Noto Sans"),
    ContentLanguage("uk", "Cyrillic", "ltr", "Noto Sans"),
    ContentLanguage("ru", "Cyrillic", "ltr", "Noto Sans"),
    ContentLanguage("ar", "Arabic", "rtl", "Noto Naskh Arabic"),
    ContentLanguage("fa", "Arabic", "rtl", "Noto Naskh Arabic"),
    ContentLanguage("ur", "Arabic", "rtl", "Noto Naskh Arabic"),
    ContentLanguage("zh", "Han", "ltr", "Noto Sans CJK SC"),
    ContentLanguage("bn", "Bengali", "ltr", "Noto Sans Bengali"),
    ContentLanguage("pa", "Gurmukhi", "ltr", "Noto Sans Gurmukhi"),
    ContentLanguage("hi", "Devanagari", "ltr", "Noto Sans Devanagari"),
    ContentLanguage("si", "Sinhala", "ltr", "Noto Sans Sinhala"),
    ContentLanguage("ti", "Ethiopic", "ltr", "Noto Sans Ethiopic"),
)
CONTENT_LANGUAGE_CODES = tuple(language.code for language in CONTENT_LANGUAGES)

# Languages people speak, for the intake form: the content languages and others common among
# people arriving in Italy. Codes are CLDR's, names come from CLDR.
SPOKEN_LANGUAGES = (
    *CONTENT_LANGUAGE_CODES,
    "am",
    "az",
    "bg",
    "bm",
    "ckb",
    "de",
    "dyo",
    "ee",
    "ff",
    "gu",
    "ha",
    "hy",
    "ig",
    "ka",
    "kab",
    "kn",
    "ku",
    "ky",
    "ln",
    "mk",
    "ml",
    "mos",
    "mr",
    "ne",
    "om",
    "pl",
    "ps",
    "pt",
    "snk",
    "sr",
    "srr",
    "sw",
    "ta",
    "te",
    "tg",
    "tr",
    "tw",
    "uz",
    "yo",
    "zgh",
)

# Region codes CLDR lists that are not countries a person is born in or a citizen of.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}


def _viewer() -> str:
    return str(get_locale() or "it")


@cache
def _language_names(viewer: str) -> dict[str, str]:
    names = Locale.parse(viewer).languages
    return {code: names.get(code, code) for code in dict.fromkeys(SPOKEN_LANGUAGES)}


def language_title(code: str | None, viewer: str | None = None) -> str:
    """A language's name in the viewer's language, e.g. "arabo" for an Italian viewer."""
    if not code:
        return ""
    viewer = viewer or _viewer()
    names = _language_names(viewer)
    if code in names:
        return names[code]
    return Locale.parse(viewer).languages.get(code, code)


def own_name(code: str) -> str:
    """A language's name in that language ("العربية"), as shown to a migrant."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, LookupError):
        return code
    return name[:1].upper() + name[1:]


def spoken_language_choices(viewer: str | None = None) -> list[tuple[str, str]]:
    names = _language_names(viewer or _viewer())
    return sorted(names.items(), key=lambda item: item[1].casefold())


def content_language_choices(viewer: str | None = None) -> list[tuple[str, str]]:
    """The 20 content languages: "arabo — العربية"."""
    viewer = viewer or _viewer()
    pairs = [(code, f"{language_title(code, viewer)} — {own_name(code)}") for code in CONTENT_LANGUAGE_CODES]
    return sorted(pairs, key=lambda item: item[1].casefold())


@cache
def _country_names(viewer: str) -> dict[str, str]:
    territories = Locale.parse(viewer).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    }


def country_title(code: str | None, viewer: str | None = None) -> str:
    if not code:
        return ""
    return _country_names(viewer or _viewer()).get(code, code)


def country_choices(viewer: str | None = None) -> list[tuple[str, str]]:
    names = _country_names(viewer or _viewer())
    return sorted(names.items(), key=lambda item: item[1].casefold())


def is_country(code: str) -> bool:
    return code in _country_names("en")


# ---- the languages a user works in -----------------------------------------------------------


def add_spoken_languages_source(app: Flask, source: Callable[[Any], Iterable[str]]) -> None:
    """Let a part say which languages a user works in besides those on their account (the
    languages of a mediator's roster record): ``source(user)`` returns language codes."""
    app.extensions.setdefault("sportello_spoken_languages", []).append(source)


def review_languages_of(user: Any) -> list[str]:
    """The languages ``user`` translates and reviews: those on their account
    (``User.review_languages``), then those the registered sources add."""
    codes = list(user.review_languages or [])
    for source in current_app.extensions.get("sportello_spoken_languages", []):
        codes.extend(code for code in source(user) if code not in codes)
    return codes
