"""Places in matching: a municipality compared without case or extra spaces, and the province's
two-letter code (sigla)."""

from __future__ import annotations

import re

PROVINCE_CODE = re.compile(r"^[A-Z]{2}$")


def municipality_key(name: str | None) -> str:
    """``"  San  Lazzaro di Savena "`` and ``"san lazzaro di savena"`` are the same place."""
    return " ".join((name or "").split()).casefold()
