"""PDF documents: a template under templates/pdf/ rendered to bytes with WeasyPrint.

- Every content language asks for its font family explicitly (../shared/domain/languages.md):
  with a generic ``sans-serif`` fontconfig picks wrong faces for Arabic, Urdu, Chinese and Sinhala.
  Urdu is set in Noto Naskh Arabic rather than Nastaliq: Naskh reads well and its text can be
  copied out of the PDF exactly, Nastaliq's cannot.
- ``lang`` and ``dir`` come from the template's ``<html>``; WeasyPrint writes the document
  language and the ``<title>`` into the PDF metadata.
- Nothing is fetched: only ``data:`` URLs (the QR code) are allowed, never files or the network.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from flask import current_app

from sportello.core.languages import CONTENT_LANGUAGES

_lock = threading.Lock()


@cache
def font_css() -> str:
    """One rule per content language, keyed on ``lang``, with Noto Sans for Latin fallbacks."""
    rules = []
    for language in CONTENT_LANGUAGES:
        families = [language.font] if language.font == "Noto Sans" else [language.font, "Noto Sans"]
        stack = ", ".join(f'"{family}"' for family in families)
        rules.append(f'[lang|="{language.code}"] {{ font-family: {stack}; }}')
    return "\n".join(rules)


@cache
def _weasy() -> Any:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    class DataOnlyFetcher(weasyprint.URLFetcher):
        """Resources may only be inline ``data:`` URLs."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, fail_on_errors=False)

    return weasyprint, DataOnlyFetcher(), FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint with the safe fetcher and one font configuration kept for the process."""
    weasyprint, fetcher, fonts = _weasy()
    # Pango's font map is not safe to share between threads rendering at the same time.
    with _lock:
        return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=fonts)


def warm_up(app) -> threading.Thread:
    """Import WeasyPrint and set fonts up in the background as the app starts, so the first
    person handed a PDF does not wait for it (about a second on a small server)."""

    def work() -> None:
        with app.app_context():
            sample = "".join(f'<p lang="{language.code}">Sportello 1</p>' for language in CONTENT_LANGUAGES)
            html_to_pdf(f"<html><head><style>{font_css()}</style></head><body>{sample}</body></html>")

    thread = threading.Thread(target=work, name="pdf-warm-up", daemon=True)
    thread.start()
    return thread


def render_pdf(template: str, **context: Any) -> bytes:
    return html_to_pdf(render_html(template, **context))


def render_html(template: str, **context: Any) -> str:
    """Documents are rendered without the pages' context (menus, the signed-in user): they are
    made the same from a request, the command line or the benchmark."""
    return current_app.jinja_env.get_template(template).render(font_css=font_css(), **context)


def css_string(text: str) -> str:
    """A CSS string literal for ``content:`` (page footers)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter(template: str) -> str:
    """``"Pagina {page} di {pages}"`` as a CSS ``content`` value with the page counters."""
    parts: list[str] = []
    rest = template
    while rest:
        positions = [(rest.find(token), token) for token in ("{page}", "{pages}") if token in rest]
        if not positions:
            parts.append(css_string(rest))
            break
        index, token = min(positions)
        if index:
            parts.append(css_string(rest[:index]))
        parts.append("counter(page)" if token == "{page}" else "counter(pages)")
        rest = rest[index + len(token) :]
    return " ".join(parts) or '""'
