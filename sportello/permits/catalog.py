"""The procedure catalog shipped with Sportello (catalog.yaml) and its seed translations
(translations/content/<lang>.po), loaded into the database by ``flask permits load-catalog``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from sportello.core.languages import CONTENT_LANGUAGE_CODES
from sportello.extensions import db
from sportello.permits import content
from sportello.permits.models import ContentTranslation, Procedure, ProcedureVersion, TranslationStatus

CATALOG_FILE = Path(__file__).resolve().parent / "catalog.yaml"


@cache
def catalog_data() -> dict[str, Any]:
    return yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))


def shipped_procedures() -> list[dict[str, Any]]:
    """Version 1 of every procedure as a self-contained content document."""
    data = catalog_data()
    out = []
    for procedure in data["procedures"]:
        channel = data["channels"][procedure["channel"]]
        sources = [
            {"id": sid, **data["sources"][sid]} for sid in dict.fromkeys(procedure["sources"] + channel["sources"])
        ]
        fees = [
            {**{"label": data["fees"][fee["code"]]["label"], "amount": data["fees"][fee["code"]]["amount"]}, **fee}
            for fee in procedure["fees"]
        ]
        document = {
            "code": procedure["code"],
            "title": procedure["title"],
            "renewal": procedure["renewal"],
            "legal_basis": procedure["legal_basis"],
            "channel": {"title": channel["title"], "place": channel["place"], "steps": channel["steps"]},
            "requirements": procedure.get("requirements", []),
            "deadlines": [data["deadlines"][code] for code in procedure.get("deadlines", [])],
            "questions": procedure.get("questions", []),
            "fees": fees,
            "items": procedure["items"],
            "sources": sources,
        }
        out.append(content.ProcedureContent.of(document).to_data())
    return out


@dataclass
class LoadReport:
    procedures_added: int = 0
    strings_added: int = 0
    translations_added: int = 0


def load_catalog(languages: tuple[str, ...] = CONTENT_LANGUAGE_CODES) -> LoadReport:
    """Add the shipped procedures that are not in the database yet, and the seed translations
    that are missing. Never changes what desks have edited or reviewed."""
    report = LoadReport()
    existing = set(db.session.scalars(sa.select(Procedure.code)))
    entries = list(content.label_entries())
    for position, document in enumerate(shipped_procedures()):
        entries.extend(content.content_entries(content.ProcedureContent.of(document)))
        if document["code"] in existing:
            continue
        procedure = Procedure(code=document["code"], position=position, latest_number=1)
        procedure.versions.append(ProcedureVersion(number=1, content=document, change_note="Catalog"))
        db.session.add(procedure)
        report.procedures_added += 1
    before = db.session.scalar(sa.select(sa.func.count()).select_from(content.ContentString))
    strings = content.ensure_strings(entries)
    after = db.session.scalar(sa.select(sa.func.count()).select_from(content.ContentString))
    report.strings_added = after - before
    for language in languages:
        path = content.SEED_DIR / f"{language}.po"
        if language == "it" or not path.exists():
            continue
        have = set(
            db.session.scalars(sa.select(ContentTranslation.string_id).where(ContentTranslation.language == language))
        )
        for context, source, text, _draft in content.read_po_entries(path.read_bytes()):
            string = strings.get(content.string_hash(context, source))
            if string is None or string.id in have:
                continue
            if content.placeholders(text) != content.placeholders(source):
                continue
            # Seed translations were written without a reviewer: drafts until a person reviews them.
            db.session.add(
                ContentTranslation(string_id=string.id, language=language, text=text, status=TranslationStatus.DRAFT)
            )
            have.add(string.id)
            report.translations_added += 1
    db.session.flush()
    return report
