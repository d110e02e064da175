"""Rules of the content translation screens: who may translate which language, coverage per
language, the strings of one language with their status, editing one translation and exchanging
PO files. Services flush; views commit.

A string without a translation row in a language is missing there; readers then see English, then
the Italian source (``content.Translator``), and these screens show that fallback marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from sportello.core import audit
from sportello.core.concurrency import StaleEdit, check_version
from sportello.core.exceptions import FieldError
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.languages import CONTENT_LANGUAGE_CODES, review_languages_of
from sportello.core.model import LabelledEnum, utcnow
from sportello.core.roles import Role
from sportello.extensions import db
from sportello.permits import content
from sportello.permits.models import ContentString, ContentTranslation, TranslationStatus

SOURCE_LANGUAGE = "it"
# Every content language but the source, in the order of core.languages.
TARGET_LANGUAGES = tuple(code for code in CONTENT_LANGUAGE_CODES if code != SOURCE_LANGUAGE)

# Who opens the screens, the coverage and the lists, and exports PO files. Mediators reach these
# screens and nothing else of permits.
VIEW_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR, Role.MEDIATOR})
# Who translates and reviews the languages listed on their account (admins: every language).
TRANSLATOR_ROLES = frozenset({Role.COORDINATOR, Role.MEDIATOR})


# ---- who may do what -------------------------------------------------------------------------


def can_view(user: Any) -> bool:
    return user.role in VIEW_ROLES


def can_translate(user: Any, language: str) -> bool:
    """Whether ``user`` may edit, import and mark reviewed the translations into ``language``.

    Administrators every language; coordinators and mediators the languages they work in
    (``core.languages.review_languages_of``: those of their account, and for instance the
    languages of a mediator's roster record); operators none (they read the screens only).
    """
    if language not in TARGET_LANGUAGES:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role in TRANSLATOR_ROLES and language in review_languages_of(user)


def translatable_languages(user: Any) -> list[str]:
    if user.role is Role.ADMIN:
        return list(TARGET_LANGUAGES)
    if user.role not in TRANSLATOR_ROLES:
        return []
    mine = set(review_languages_of(user))
    return [code for code in TARGET_LANGUAGES if code in mine]


# ---- coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    language: str
    total: int
    reviewed: int
    draft: int

    @property
    def missing(self) -> int:
        return max(self.total - self.reviewed - self.draft, 0)

    @property
    def translated(self) -> int:
        return self.reviewed + self.draft

    @property
    def percent_translated(self) -> int:
        return _percent(self.translated, self.total)

    @property
    def percent_reviewed(self) -> int:
        return _percent(self.reviewed, self.total)


def _percent(part: int, total: int) -> int:
    # Rounded down, so a language shows 100% only when nothing is left.
    return 100 * part // total if total else 100


def coverage() -> list[Coverage]:
    """Reviewed, draft and missing counts of every target language: two grouped queries."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ContentString)) or 0
    counts: dict[tuple[str, TranslationStatus], int] = {
        (language, status): count
        for language, status, count in db.session.execute(
            sa.select(ContentTranslation.language, ContentTranslation.status, sa.func.count())
            .where(ContentTranslation.language.in_(TARGET_LANGUAGES))
            .group_by(ContentTranslation.language, ContentTranslation.status)
        )
    }
    return [
        Coverage(
            language,
            total,
            counts.get((language, TranslationStatus.REVIEWED), 0),
            counts.get((language, TranslationStatus.DRAFT), 0),
        )
        for language in TARGET_LANGUAGES
    ]


def coverage_of(language: str) -> Coverage:
    return next(c for c in coverage() if c.language == language)


# ---- the strings of one language -------------------------------------------------------------


class StatusFilter(LabelledEnum):
    ALL = "all", _l("All")
    MISSING = "missing", _l("Missing")
    DRAFT = "draft", _l("Draft")
    REVIEWED = "reviewed", _l("Reviewed")


def fallback_languages(language: str) -> tuple[str, ...]:
    """The languages a reader of ``language`` sees when a text is missing, in order."""
    return tuple(code for code in content.FALLBACKS if code != language)


@dataclass(frozen=True)
class Row:
    """One content string as the screens show it in one language."""

    string: ContentString
    translation: ContentTranslation | None
    english: ContentTranslation | None
    language: str

    @property
    def status(self) -> str:
        return self.translation.status.value if self.translation else StatusFilter.MISSING.value

    @property
    def fallback(self) -> tuple[str, str]:
        """What a reader sees while the translation is missing: (language, text)."""
        if "en" in fallback_languages(self.language) and self.english is not None and self.english.text.strip():
            return "en", self.english.text
        return SOURCE_LANGUAGE, self.string.source


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def strings_query(language: str, status: StatusFilter = StatusFilter.ALL, text: str = "") -> sa.Select:
    """The content strings of ``language`` with the given status, matching ``text`` in the
    Italian source, the English text or the translation; in export order."""
    mine = aliased(ContentTranslation)
    english = aliased(ContentTranslation)
    query = sa.select(ContentString).outerjoin(
        mine, sa.and_(mine.string_id == ContentString.id, mine.language == language)
    )
    if status is StatusFilter.MISSING:
        query = query.where(mine.id.is_(None))
    elif status is StatusFilter.DRAFT:
        query = query.where(mine.status == TranslationStatus.DRAFT)
    elif status is StatusFilter.REVIEWED:
        query = query.where(mine.status == TranslationStatus.REVIEWED)
    text = text.strip()
    if text:
        pattern = _like(text)
        query = query.outerjoin(english, sa.and_(english.string_id == ContentString.id, english.language == "en"))
        query = query.where(
            sa.or_(
                ContentString.source.ilike(pattern, escape="\\"),
                mine.text.ilike(pattern, escape="\\"),
                english.text.ilike(pattern, escape="\\"),
            )
        )
    return query.order_by(ContentString.context, ContentString.id)


def rows_for(strings: Sequence[ContentString], language: str) -> list[Row]:
    """The translations of a page of strings in ``language`` and in English: one query."""
    ids = [s.id for s in strings]
    languages = {language, "en"}
    found = {
        (t.string_id, t.language): t
        for t in db.session.scalars(
            sa.select(ContentTranslation)
            .where(ContentTranslation.string_id.in_(ids), ContentTranslation.language.in_(languages))
            .options(joinedload(ContentTranslation.reviewed_by))
        )
    }
    return [Row(s, found.get((s.id, language)), found.get((s.id, "en")), language) for s in strings]


def row_of(string: ContentString, language: str) -> Row:
    return rows_for([string], language)[0]


def find_translation(string_id: int, language: str) -> ContentTranslation | None:
    return db.session.scalar(
        sa.select(ContentTranslation).where(
            ContentTranslation.string_id == string_id, ContentTranslation.language == language
        )
    )


# ---- editing one translation -----------------------------------------------------------------

# The version an edit form carries for a translation that did not exist when it was loaded.
NEW = "new"


def _placeholder_message(source: str, text: str) -> Any:
    wanted = content.shown_placeholders(source)
    if not wanted:
        return _l("The Italian text has no words in braces: remove the braces from the translation.")
    return _l(
        "Keep the words in braces exactly as in the Italian text, untranslated: %(names)s.",
        names=wanted,
    )


def save_translation(
    string: ContentString, language: str, user: Any, text: str, reviewed: bool, *, version: Any
) -> ContentTranslation:
    """Store ``text`` as the translation of ``string`` into ``language``.

    Without ``reviewed`` the translation is a draft (any earlier review no longer holds); with it,
    reviewed by ``user`` now. ``version`` is the one the form was loaded with (``NEW`` when there
    was no translation yet): a save made from an older one raises ``StaleEdit``, and two people
    adding the same missing translation at once make the second flush fail on the unique
    (string, language) constraint, which the view shows as the same conflict. The caller checks
    ``can_translate``.
    """
    problem = content.text_problem(string.source, text)
    if problem is content.PLACEHOLDERS_DIFFER:
        raise FieldError("text", _placeholder_message(string.source, text))
    if problem is not None:
        raise FieldError("text", problem)
    status = TranslationStatus.REVIEWED if reviewed else TranslationStatus.DRAFT
    current = find_translation(string.id, language)
    label = content.translation_label(string, language)
    if current is None:
        current = ContentTranslation(string=string, language=language, text=text, status=status)
        _stamp_review(current, user if reviewed else None)
        db.session.add(current)
        db.session.flush()  # a translation added meanwhile by someone else fails here
        audit.record(audit.Action.CREATE, current, label=label)
        return current
    if str(version) == NEW:
        raise StaleEdit(current)
    check_version(current, version)
    if current.text == text and current.status is status:
        return current  # nothing changed: the review keeps its reviewer and date
    current.text = text
    current.status = status
    _stamp_review(current, user if reviewed else None)
    audit.record(audit.Action.UPDATE, current, label=label)
    db.session.flush()
    return current


def _stamp_review(translation: ContentTranslation, reviewer: Any | None) -> None:
    translation.reviewed_by_id = reviewer.id if reviewer is not None else None
    translation.reviewed_at = utcnow() if reviewer is not None else None


# ---- PO files --------------------------------------------------------------------------------


def export_file(language: str) -> bytes:
    """The PO file of ``language``, recorded in the audit trail as a download."""
    data = content.export_po(language)
    audit.record_event(audit.Action.DOWNLOAD, "ContentTranslation", f"{language} · PO", {"language": language})
    return data


def filename(language: str) -> str:
    return f"sportello-content-{language}.po"


def import_file(data: bytes, language: str, user: Any, reviewed: bool) -> content.ImportReport:
    """Import a PO file into ``language``. The file's translations count as reviewed only if the
    importer says so and may review this language. A file that is not a PO file of this language
    is refused at the file field."""
    try:
        return content.import_po(data, language, user, reviewed and can_translate(user, language))
    except content.PoFileRejected as error:
        raise FieldError("file", error.message) from None
