"""Procedure content and its translations: reading a version, looking texts up in a language with a
visible fallback (English, then Italian), and exchanging translations as PO files."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import CONTENT_LANGUAGES
from sportello.extensions import db
from sportello.permits.labels import LABELS
from sportello.permits.models import ContentString, ContentTranslation, TranslationStatus, string_hash

FALLBACKS = ("en", "it")
LABEL_CONTEXT = "label:"
DIRECTIONS = {language.code: language.direction for language in CONTENT_LANGUAGES}


# ---- a version's content -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """``when``: every question answered yes; ``unless``: none of them answered yes."""

    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def applies(self, answers: dict[str, bool]) -> bool:
        return all(answers.get(q) for q in self.when) and not any(answers.get(q) for q in self.unless)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Rule:
        return cls(tuple(data.get("when") or ()), tuple(data.get("unless") or ()))


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    note: str
    rule: Rule


@dataclass(frozen=True)
class Fee:
    code: str
    label: str
    amount: Decimal | None
    quantity: int
    rule: Rule

    @property
    def total(self) -> Decimal | None:
        return None if self.amount is None else self.amount * self.quantity


@dataclass(frozen=True)
class Question:
    code: str
    text: str


@dataclass
class ProcedureContent:
    """A procedure version's content document, read into objects. Texts are Italian sources."""

    code: str
    title: str
    renewal: bool
    legal_basis: str
    channel_title: str
    filing_place: str
    steps: list[str]
    requirements: list[str]
    deadlines: list[str]
    questions: list[Question]
    fees: list[Fee]
    items: list[Item]
    sources: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, data: dict[str, Any]) -> ProcedureContent:
        return cls(
            code=data["code"],
            title=data["title"],
            renewal=bool(data.get("renewal")),
            legal_basis=data.get("legal_basis", ""),
            channel_title=data["channel"]["title"],
            filing_place=data["channel"]["place"],
            steps=list(data["channel"]["steps"]),
            requirements=list(data.get("requirements", [])),
            deadlines=list(data.get("deadlines", [])),
            questions=[Question(q["code"], q["text"]) for q in data.get("questions", [])],
            fees=[
                Fee(
                    f["code"],
                    f["label"],
                    None if f.get("amount") in (None, "") else Decimal(str(f["amount"])),
                    int(f.get("quantity") or 1),
                    Rule.of(f),
                )
                for f in data.get("fees", [])
            ],
            items=[Item(i["code"], i["text"], i.get("note", ""), Rule.of(i)) for i in data["items"]],
            sources=list(data.get("sources", [])),
        )

    def to_data(self) -> dict[str, Any]:
        def rule(r: Rule) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            if r.when:
                out["when"] = list(r.when)
            if r.unless:
                out["unless"] = list(r.unless)
            return out

        return {
            "code": self.code,
            "title": self.title,
            "renewal": self.renewal,
            "legal_basis": self.legal_basis,
            "channel": {"title": self.channel_title, "place": self.filing_place, "steps": self.steps},
            "requirements": self.requirements,
            "deadlines": self.deadlines,
            "questions": [{"code": q.code, "text": q.text} for q in self.questions],
            "fees": [
                {
                    "code": f.code,
                    "label": f.label,
                    "amount": None if f.amount is None else str(f.amount),
                    "quantity": f.quantity,
                    **rule(f.rule),
                }
                for f in self.fees
            ],
            "items": [
                {"code": i.code, "text": i.text, **({"note": i.note} if i.note else {}), **rule(i.rule)}
                for i in self.items
            ],
            "sources": self.sources,
        }

    def applicable_items(self, answers: dict[str, bool]) -> list[Item]:
        return [item for item in self.items if item.rule.applies(answers)]

    def applicable_fees(self, answers: dict[str, bool] | None) -> list[Fee]:
        """The fees that apply; for a blank leaflet (no answers), every fee that may apply."""
        if answers is None:
            return self.fees
        return [fee for fee in self.fees if fee.rule.applies(answers)]

    def item(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every translatable text with where it is used (for translators)."""
        yield self.title, f"{self.code} title"
        yield self.channel_title, f"{self.code} where to file"
        for step in self.steps:
            yield step, f"{self.code} how to file"
        for text in self.requirements:
            yield text, f"{self.code} requirement"
        for text in self.deadlines:
            yield text, f"{self.code} deadline"
        for question in self.questions:
            yield question.text, f"{self.code} question {question.code}"
        for fee in self.fees:
            yield fee.label, f"{self.code} fee {fee.code}"
        for item in self.items:
            yield item.text, f"{self.code} item {item.code}"
            if item.note:
                yield item.note, f"{self.code} item {item.code} note"


def label_texts() -> Iterator[tuple[str, str, str]]:
    for name, label in LABELS.items():
        yield LABEL_CONTEXT + name, label.italian, label.english


# ---- looking texts up in a language -------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text as shown to the person: in their language, or visibly in a fallback language."""

    text: str
    language: str  # the language ``text`` is in
    source: str  # the Italian text
    wanted: str  # the language asked for
    draft: bool = False

    @property
    def is_fallback(self) -> bool:
        return self.language != self.wanted

    @property
    def direction(self) -> str:
        return DIRECTIONS.get(self.language, "ltr")

    def format(self, italian: dict[str, Any] | None = None, **values: Any) -> Text:
        """Fill the placeholders; ``italian`` gives the values as written in Italian (a date)."""
        return Text(
            _format(self.text, values),
            self.language,
            _format(self.source, {**values, **(italian or {})}),
            self.wanted,
            self.draft,
        )

    def __str__(self) -> str:
        return self.text


def _format(template: str, values: dict[str, Any]) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders were damaged: show it without the values, never fail.
        return template


class Translator:
    """Translations of a set of texts into one language, loaded in one query.

    ``t(source)`` returns a ``Text``: the translation, else English, else the Italian source.
    """

    def __init__(self, language: str, sources: Iterable[str] = (), labels: bool = True):
        self.language = language
        wanted = {string_hash("", source): source for source in sources}
        if labels:
            wanted.update({string_hash(context, source): source for context, source, _ in label_texts()})
        languages = tuple(dict.fromkeys((language, *FALLBACKS)))
        rows = db.session.execute(
            sa.select(
                ContentString.key, ContentTranslation.language, ContentTranslation.text, ContentTranslation.status
            )
            .join(ContentTranslation, ContentTranslation.string_id == ContentString.id)
            .where(ContentString.key.in_(list(wanted)), ContentTranslation.language.in_(languages))
        ).all()
        self._found: dict[tuple[str, str], tuple[str, bool]] = {
            (key, lang): (text, status is TranslationStatus.DRAFT) for key, lang, text, status in rows if text.strip()
        }
        self.drafts = any(draft for (key, lang), (_, draft) in self._found.items() if lang == language)

    def _lookup(self, key: str, source: str) -> Text:
        if self.language == "it":
            return Text(source, "it", source, "it")
        for lang in (self.language, "en"):
            found = self._found.get((key, lang))
            if found:
                return Text(found[0], lang, source, self.language, found[1])
        return Text(source, "it", source, self.language)

    def __call__(self, source: str) -> Text:
        return self._lookup(string_hash("", source), source)

    def label(self, key: str, /, italian: dict[str, Any] | None = None, **values: Any) -> Text:
        label = LABELS[key]
        return self._lookup(string_hash(LABEL_CONTEXT + key, label.italian), label.italian).format(italian, **values)


# ---- making sure every text has its string ------------------------------------------------------


def ensure_strings(entries: Iterable[tuple[str, str, str]]) -> dict[str, ContentString]:
    """Create the content strings that do not exist yet. ``entries``: (context, source, comment)."""
    wanted: dict[str, tuple[str, str, str]] = {}
    for context, source, comment in entries:
        key = string_hash(context, source)
        if key in wanted:
            if comment and comment not in wanted[key][2]:
                wanted[key] = (context, source, f"{wanted[key][2]}\n{comment}".strip())
        else:
            wanted[key] = (context, source, comment)
    existing = {
        s.key: s for s in db.session.scalars(sa.select(ContentString).where(ContentString.key.in_(list(wanted))))
    }
    for key, (context, source, comment) in wanted.items():
        if key not in existing:
            string = ContentString(key=key, context=context, source=source, comment=comment)
            db.session.add(string)
            existing[key] = string
    db.session.flush()
    return existing


def content_entries(content: ProcedureContent) -> Iterator[tuple[str, str, str]]:
    for text, where in content.texts():
        yield "", text, where


def label_entries() -> Iterator[tuple[str, str, str]]:
    for context, source, english in label_texts():
        yield context, source, f"English: {english}"


# ---- PO files ----------------------------------------------------------------------------------


# The longest translation accepted, typed or imported (the longest source is a few hundred characters).
TEXT_MAX_LENGTH = 5000


class PoFileRejected(Exception):
    """An uploaded file that cannot be imported as a whole; ``message`` says why, for the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Rejected:
    """An entry of an imported file that was not stored, and why."""

    source: str
    text: str
    reason: Any  # a lazy translation


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    unknown: list[str] = field(default_factory=list)  # sources no content string has (any more)
    rejected: list[Rejected] = field(default_factory=list)  # placeholders differ, hidden characters, too long

    @property
    def rejected_placeholders(self) -> list[Rejected]:
        return [r for r in self.rejected if r.reason is PLACEHOLDERS_DIFFER]


def placeholders(text: str) -> set[str]:
    import string as _string

    names = set()
    try:
        for _, name, _, _ in _string.Formatter().parse(text):
            if name is not None:
                names.add(name)
    except ValueError:
        names.add("\x00invalid")
    return names


def shown_placeholders(text: str) -> str:
    """The placeholders of ``text`` as a translator writes them: "{start}, {end}"."""
    return ", ".join(f"{{{name}}}" for name in sorted(placeholders(text)) if not name.startswith("\x00"))


PLACEHOLDERS_DIFFER = _l("The words in braces must be exactly those of the Italian text.")


def text_problem(source: str, text: str) -> Any | None:
    """Why ``text`` cannot be stored as a translation of ``source``, or None.

    The same rules for a typed translation and an imported one: not blank, not too long, no
    invisible control or direction characters, and the placeholders in braces of the source.
    """
    from sportello.core.forms import has_hidden_characters

    if not text.strip():
        return _l("Enter the translation.")
    if len(text) > TEXT_MAX_LENGTH:
        return _l("A translation can be at most %(max)s characters long.", max=TEXT_MAX_LENGTH)
    if has_hidden_characters(text):
        return _l("Remove the invisible control or text-direction characters from this field.")
    if placeholders(text) != placeholders(source):
        return PLACEHOLDERS_DIFFER
    return None


def export_po(language: str) -> bytes:
    """Every content string with its translation in ``language``; drafts are marked fuzzy."""
    catalog = Catalog(locale=None, project="Sportello content", fuzzy=False)
    catalog.language_team = language
    catalog.mime_headers  # noqa: B018 - builds the header
    translations = {
        t.string_id: t
        for t in db.session.scalars(sa.select(ContentTranslation).where(ContentTranslation.language == language))
    }
    for string in db.session.scalars(sa.select(ContentString).order_by(ContentString.context, ContentString.id)):
        translation = translations.get(string.id)
        flags = ["python-brace-format"] if placeholders(string.source) else []
        if translation and translation.status is TranslationStatus.DRAFT:
            flags.append("fuzzy")
        catalog.add(
            string.source,
            translation.text if translation else "",
            context=string.context or None,
            auto_comments=[line for line in string.comment.splitlines() if line],
            flags=flags,
        )
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, include_previous=False)
    text = out.getvalue().decode()
    text = text.replace('"Language-Team: ', f'"Language: {language}\\n"\n"Language-Team: ', 1)
    return text.encode()


def read_catalog(data: bytes) -> Catalog:
    """A PO file read strictly. Anything that is not one, or holds no texts, is refused with a
    message for the person who sent it."""
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except UnicodeDecodeError:
        raise PoFileRejected(_l("This file is not a PO file in UTF-8: export it again from your tool.")) from None
    except Exception:  # whatever the parser trips on in a foreign file, the answer is the same
        raise PoFileRejected(
            _l("This is not a PO file, or it is damaged: export it again from your translation tool.")
        ) from None
    if not any(message.id for message in catalog):
        raise PoFileRejected(_l("This PO file holds no texts."))
    return catalog


def po_language(catalog: Catalog) -> str:
    """The language a PO file says it is in ("ar", "pt_BR"), or an empty string."""
    return str(dict(catalog.mime_headers).get("Language") or "").strip()


def same_language(declared: str, language: str) -> bool:
    """Whether a PO file's Language header (possibly with a region, "ar_EG") names ``language``."""
    if not declared:
        return True
    declared = declared.replace("-", "_").lower()
    return declared == language.lower() or declared.split("_")[0] == language.lower()


def _entries(catalog: Catalog) -> Iterator[tuple[str, str, str, bool]]:
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        if text.strip():
            yield message.context or "", message.id, text, message.fuzzy


def read_po_entries(data: bytes) -> Iterator[tuple[str, str, str, bool]]:
    """(context, source, translation, draft) for every translated entry of a PO file."""
    yield from _entries(read_catalog(data))


def import_po(data: bytes, language: str, user, reviewed: bool) -> ImportReport:
    """Store the translations of a PO file in ``language``; raises ``PoFileRejected`` for a file
    that is not a PO file or is in another language.

    A changed text becomes a draft, or reviewed if ``reviewed`` (the importer vouches for the file
    and may review this language) and the entry is not marked fuzzy. An unchanged text keeps its
    status, except that ``reviewed`` promotes a draft and a fuzzy mark demotes a reviewed one (the
    export never marks reviewed texts fuzzy: the translator did). Entries that break the rules of
    a typed translation are listed as rejected; every change is written to the audit trail.
    """
    from sportello.core import audit
    from sportello.core.model import utcnow

    catalog = read_catalog(data)
    declared = po_language(catalog)
    if not same_language(declared, language):
        raise PoFileRejected(
            _l(
                "This file is for the language %(found)s, not %(wanted)s: choose the right file or language.",
                found=declared,
                wanted=language,
            )
        )
    report = ImportReport()
    keys = {string_hash(context, source): (source, text, fuzzy) for context, source, text, fuzzy in _entries(catalog)}
    strings = {s.key: s for s in db.session.scalars(sa.select(ContentString).where(ContentString.key.in_(list(keys))))}
    existing = {
        t.string_id: t
        for t in db.session.scalars(
            sa.select(ContentTranslation).where(
                ContentTranslation.language == language,
                ContentTranslation.string_id.in_([s.id for s in strings.values()]),
            )
        )
    }
    now = utcnow()
    for key, (source, text, fuzzy) in keys.items():
        string = strings.get(key)
        if string is None:
            report.unknown.append(source)
            continue
        problem = text_problem(source, text)
        if problem is not None:
            report.rejected.append(Rejected(source, text, problem))
            continue
        vouched = reviewed and not fuzzy
        current = existing.get(string.id)
        if current is None:
            status = TranslationStatus.REVIEWED if vouched else TranslationStatus.DRAFT
        elif current.text == text:
            if vouched and current.status is TranslationStatus.DRAFT:
                status = TranslationStatus.REVIEWED
            elif fuzzy and current.status is TranslationStatus.REVIEWED:
                status = TranslationStatus.DRAFT
            else:
                report.unchanged += 1
                continue
        else:
            status = TranslationStatus.REVIEWED if vouched else TranslationStatus.DRAFT
        action = audit.Action.UPDATE
        if current is None:
            current = ContentTranslation(string_id=string.id, language=language, text=text, status=status)
            current.string = string
            db.session.add(current)
            action = audit.Action.CREATE
        current.text = text
        current.status = status
        reviewer = user if status is TranslationStatus.REVIEWED else None
        current.reviewed_by_id = reviewer.id if reviewer is not None else None
        current.reviewed_at = now if reviewer is not None else None
        audit.record(action, current, label=translation_label(string, language))
        report.updated += 1
    db.session.flush()
    audit.record_event(
        audit.Action.IMPORT,
        "ContentTranslation",
        f"{language} · PO",
        {
            "language": language,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "unknown": len(report.unknown),
            "rejected": len(report.rejected),
            "reviewed": reviewed,
        },
    )
    return report


def translation_label(string: ContentString, language: str) -> str:
    """How the audit trail names a translation: its language and the start of its source."""
    source = " ".join(string.source.split())
    return f"{language} · {source[:200]}"


SEED_DIR = Path(__file__).resolve().parents[2] / "translations" / "content"
