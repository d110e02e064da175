"""What the person is handed: the checklist as a PDF, as a phone page, and blank leaflets.

Everything is in the document's language with the Italian beneath, so the clerk at the post
office or the Questura can read it too. Only the person's first name and the case reference
appear: no surname, no birth date, no notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from babel.dates import format_date
from babel.numbers import format_currency

from sportello.auth.models import Desk
from sportello.core import pdf
from sportello.core.forms import today
from sportello.permits import services
from sportello.permits.content import DIRECTIONS, ProcedureContent, Text, Translator
from sportello.permits.models import READY, Checklist, ItemStatus, ProcedureVersion


def babel_locale(language: str) -> str:
    """Babel's name for a content language (all 20 are CLDR locales)."""
    return {"zh": "zh_Hans", "pa": "pa_Guru"}.get(language, language)


def money(amount: Decimal, language: str) -> str:
    return format_currency(amount, "EUR", locale=babel_locale(language))


def day(value: date, language: str) -> str:
    return format_date(value, "long", locale=babel_locale(language))


@dataclass
class DocItem:
    text: Text
    note: Text | None
    ready: bool  # collected or checked: the box is ticked


@dataclass
class DocFee:
    label: Text
    quantity: int
    amount: str  # formatted, or the "set by the municipality" label


@dataclass
class Document:
    language: str
    direction: str
    t: Translator
    title: Text
    legal_basis: str
    requirements: list[Text]
    items: list[DocItem]
    fees: list[DocFee]
    total: str
    total_complete: bool
    channel: Text
    steps: list[Text]
    deadlines: list[Text]
    version_label: Text
    generated: Text
    page_counter: str
    desk: Desk | None = None
    first_name: str = ""
    reference: str = ""
    renewal_window: Text | None = None
    filing: Text | None = None
    progress: Text | None = None
    qr_svg: str = ""
    link_url: str = ""
    link_until: Text | None = None

    @property
    def bilingual(self) -> bool:
        return self.language != "it"


def _texts(content: ProcedureContent) -> list[str]:
    return [text for text, _ in content.texts()]


def build(
    content: ProcedureContent,
    version: ProcedureVersion,
    language: str,
    *,
    checklist: Checklist | None = None,
    desk: Desk | None = None,
    link_url: str = "",
    link_until: date | None = None,
) -> Document:
    t = Translator(language, _texts(content))
    answers = checklist.answers if checklist is not None else None
    if checklist is not None:
        statuses = {item.code: item.status for item in checklist.items}
        items = [
            DocItem(t(item.text), t(item.note) if item.note else None, statuses[item.code] in READY)
            for item in content.items
            if item.code in statuses and statuses[item.code] is not ItemStatus.NOT_APPLICABLE
        ]
    else:
        items = [DocItem(t(item.text), t(item.note) if item.note else None, False) for item in content.items]
    fees = services.fees_for(content, answers)
    set_locally = t.label("amount_set_locally")
    doc = Document(
        language=language,
        direction=DIRECTIONS.get(language, "ltr"),
        t=t,
        title=t(content.title),
        legal_basis=content.legal_basis,
        requirements=[t(text) for text in content.requirements],
        items=items,
        fees=[
            DocFee(
                t(line.label),
                line.quantity,
                money(line.total, language) if line.total is not None else set_locally.text,
            )
            for line in fees.lines
        ],
        total=money(fees.total, language),
        total_complete=fees.complete,
        channel=t(content.channel_title),
        steps=[t(step) for step in content.steps],
        deadlines=[t(text) for text in content.deadlines],
        version_label=t.label("version", version=version.number, **_dates(language, date=version.created_at.date())),
        generated=t.label("generated_on", **_dates(language, date=today())),
        page_counter=_page_counter(t),
        desk=desk,
        link_url=link_url,
    )
    if checklist is not None:
        person = checklist.case.person
        doc.first_name = person.given_names
        doc.reference = checklist.case.reference
        doc.desk = checklist.case.desk
        if content.renewal:
            window = services.renewal_window(person)
            if window:
                doc.renewal_window = t.label("renewal_window", **_dates(language, start=window[0], end=window[1]))
        if checklist.filing_on:
            doc.filing = t.label("filing_appointment", **_dates(language, date=checklist.filing_on))
        doc.progress = t.label("progress", done=checklist.items_ready, total=checklist.items_total)
    if link_url:
        doc.qr_svg = qr_data_uri(link_url)
        if link_until:
            doc.link_until = t.label("link_valid_until", **_dates(language, date=link_until))
    return doc


def _dates(language: str, **dates: date) -> dict:
    """Label values for dates: written in the document's language, and in Italian beneath."""
    return {
        "italian": {name: day(value, "it") for name, value in dates.items()},
        **{name: day(value, language) for name, value in dates.items()},
    }


def qr_data_uri(url: str) -> str:
    """The link as a QR code, an inline SVG (nothing to fetch, crisp at any size)."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def _page_counter(t: Translator) -> str:
    label = t.label("page_of")
    counter = pdf.page_counter(label.text)
    if label.language != "it":
        counter += ' "  ·  " ' + pdf.page_counter(label.source)
    return counter


def checklist_document(checklist: Checklist, language: str | None = None, link=None, link_url: str = "") -> Document:
    version = checklist.procedure_version
    return build(
        ProcedureContent.of(version.content),
        version,
        language or checklist.language,
        checklist=checklist,
        link_url=link_url,
        link_until=link.expires_at.date() if link is not None else None,
    )


def leaflet_document(version: ProcedureVersion, language: str, desk: Desk | None = None) -> Document:
    return build(ProcedureContent.of(version.content), version, language, desk=desk)


def render(doc: Document) -> bytes:
    return pdf.render_pdf("pdf/checklist.html", doc=doc)


def render_html(doc: Document) -> str:
    return pdf.render_html("pdf/checklist.html", doc=doc)


def filename(doc: Document, code: str) -> str:
    stem = f"{code}-{doc.reference}" if doc.reference else code
    return f"{stem}-{doc.language}.pdf".lower()
