"""The shipped content translations: every language complete, placeholders and numbers kept."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sportello.core.languages import CONTENT_LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_content_po", ROOT / "scripts" / "check-content-po.py")
check_content_po = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_content_po)


@pytest.mark.parametrize("language", [code for code in CONTENT_LANGUAGE_CODES if code != "it"])
def test_seed_translations_are_complete_drafts(language):
    assert check_content_po.check(language) == []


def _numbers(text: str) -> set[str]:
    """Digits of each number, separators removed: 7.002,97 and 7 002,97 are the same amount."""
    return {re.sub(r"[.,\s\u00a0\u202f]", "", n) for n in re.findall(r"\d[\d.,\s\u00a0\u202f]*\d|\d", text)}


@pytest.mark.parametrize("language", [code for code in CONTENT_LANGUAGE_CODES if code != "it"])
def test_translations_keep_every_number(language):
    path = ROOT / "translations" / "content" / f"{language}.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and message.string:
            missing = _numbers(message.id) - _numbers(message.string)
            assert not missing, (language, message.id, message.string)
