"""Check seed content translations: every entry translated, placeholders kept, drafts marked.

Usage: python scripts/check-content-po.py LANG [LANG ...]
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sportello.permits.content import placeholders  # noqa: E402


def check(language: str) -> list[str]:
    problems = []
    with (ROOT / "translations/content/en.po").open("rb") as f:
        reference = {(m.context, m.id) for m in read_po(f) if m.id}
    path = ROOT / "translations" / "content" / f"{language}.po"
    with path.open("rb") as f:
        catalog = read_po(f, abort_invalid=True)
    seen = set()
    for message in catalog:
        if not message.id:
            continue
        seen.add((message.context, message.id))
        if (message.context, message.id) not in reference:
            problems.append(f"msgid changed or unknown: {message.id[:60]!r}")
        if not (message.string or "").strip():
            problems.append(f"untranslated: {message.id[:60]!r}")
        elif placeholders(message.string) != placeholders(message.id):
            problems.append(f"placeholders differ: {message.id[:60]!r} -> {message.string[:60]!r}")
        elif not message.fuzzy:
            problems.append(f"not marked fuzzy (draft): {message.id[:60]!r}")
    for missing in reference - seen:
        problems.append(f"entry missing: {missing[1][:60]!r}")
    return problems


if __name__ == "__main__":
    failed = False
    for code in sys.argv[1:]:
        problems = check(code)
        print(f"{code}: {'OK' if not problems else f'{len(problems)} problems'}")
        for problem in problems[:40]:
            print("  ", problem)
        failed |= bool(problems)
    sys.exit(1 if failed else 0)
