"""Name matching across spellings and scripts, for search and duplicate detection.

Names are transliterated to ASCII (anyascii), lower-cased and split into tokens; each token
is stored with its phonetic code (metaphone) as a ``NameKey``. Candidates are fetched by key
through an index, then scored with rapidfuzz, so Mohammed / Muhammad / Mohamed / محمد, swapped
name order and aliases all find each other without reading every person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

import jellyfish
import sqlalchemy as sa
from anyascii import anyascii
from rapidfuzz import fuzz

from sportello.extensions import db
from sportello.people.models import NameKey, Person, alias_list, original_name

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
MAX_CANDIDATES = 300


def fold(text: str) -> str:
    """ASCII, lower case, single spaces: "Muḥammad  AL-Amīn" -> "muhammad al amin"."""
    return _NOT_ALNUM.sub(" ", anyascii(text or "").lower()).strip()


def tokens(text: str) -> list[str]:
    return fold(text).split()


def phonetic(token: str) -> str:
    if token.isdigit():
        return token
    return jellyfish.metaphone(token) or token


def names_of(person: Any) -> list[str]:
    """Every name the person is known by: passport names, original script, aliases.

    ``person`` is a Person or anything with the same name fields (``NAME_FIELDS``).
    """
    names = [f"{person.given_names} {person.family_name}"]
    original = original_name(person.given_names_original, person.family_name_original)
    if original:
        names.append(original)
    names.extend(alias_list(person.aliases))
    return names


NAME_FIELDS = ("given_names", "family_name", "given_names_original", "family_name_original", "aliases")
# The columns name matching reads, so a search can score candidates without loading whole records.
NAME_COLUMNS = (Person.id, *(getattr(Person, name) for name in NAME_FIELDS))


def with_joined_pairs(name_tokens: list[str]) -> list[str]:
    """The tokens and each pair of neighbours written together, so "El Amrani" also matches
    "Elamrani" and "Abdel Rahman" matches "Abdelrahman"."""
    pairs = [a + b for a, b in pairwise(name_tokens)]
    return list(dict.fromkeys([*name_tokens, *pairs]))


def keys_for(names: Iterable[str]) -> set[str]:
    keys = set()
    for name in names:
        for token in with_joined_pairs(tokens(name)):
            keys.add(f"t:{token}"[:80])
            keys.add(f"p:{phonetic(token)}"[:80])
    return keys


def refresh_keys(person: Person) -> None:
    """Bring the person's stored name keys in line with their names."""
    wanted = keys_for(names_of(person))
    current = {k.key: k for k in person.name_keys}
    for key, row in current.items():
        if key not in wanted:
            person.name_keys.remove(row)
    for key in sorted(wanted - current.keys()):
        person.name_keys.append(NameKey(key=key))


def _token_conditions(token: str, prefix: bool, joined: Iterable[str] = ()) -> list[sa.ColumnElement[bool]]:
    """Keys that satisfy one query token: itself, its sound, its prefix, or the token written
    together with a neighbour ("el" and "amrani" are both satisfied by "elamrani"). Each
    condition is one range of the key index, read on its own (no OR), so the index answers
    without visiting the table."""
    exact_keys = [f"t:{token}", f"p:{phonetic(token)}", *(f"t:{pair}" for pair in joined)]
    conditions = [NameKey.key.in_(exact_keys)]
    if prefix and len(token) >= 3:
        # Tokens are [a-z0-9] only, so no pattern characters to escape. GLOB uses SQLite's index;
        # LIKE uses PostgreSQL's text_pattern_ops index.
        if _dialect() == "sqlite":
            conditions.append(NameKey.key.op("GLOB")(f"t:{token}*"))
        else:
            conditions.append(NameKey.key.like(f"t:{token}%"))
    return conditions


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def candidate_ids(
    query_names: Iterable[str], visible: sa.Select, *, all_tokens: bool, prefix: bool, limit: int = MAX_CANDIDATES
) -> list[int]:
    """Ids of people whose name keys match the query tokens, most matching tokens first.

    ``all_tokens`` asks every token of the query to match (search); otherwise two tokens, or
    one for a one-word query, are enough (duplicate detection).
    """
    if all_tokens:
        query_tokens = list(dict.fromkeys(t for name in query_names for t in tokens(name)))[:8]
    else:
        query_tokens = list(dict.fromkeys(t for name in query_names for t in with_joined_pairs(tokens(name))))[:12]
    if not query_tokens:
        return []

    def neighbours(i: int) -> list[str]:
        if not all_tokens:
            return []
        before = [query_tokens[i - 1] + query_tokens[i]] if i > 0 else []
        after = [query_tokens[i] + query_tokens[i + 1]] if i + 1 < len(query_tokens) else []
        return before + after

    parts = [
        sa.select(NameKey.person_id, sa.literal(i).label("token")).where(condition)
        for i, token in enumerate(query_tokens)
        for condition in _token_conditions(token, prefix, neighbours(i))
    ]
    # Each (person, token) once, however many of the token's keys matched: then counting a
    # person's rows counts their tokens, without sorting every row to count distinct ones.
    matched = sa.union(*parts).subquery()
    hits = sa.func.count()
    needed = len(query_tokens) if all_tokens else min(2, len(query_tokens))
    # Count the hits per person from the key index first, then check who the user may see among
    # those few: checking every visible person's keys instead reads the whole desk's index.
    matches = (
        sa.select(matched.c.person_id, hits.label("hits"))
        .group_by(matched.c.person_id)
        .having(hits >= needed)
        .subquery()
    )
    query = (
        visible.with_only_columns(Person.id)
        .order_by(None)
        .join(matches, matches.c.person_id == Person.id)
        .order_by(matches.c.hits.desc(), Person.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def name_similarity(query: str, person: Any) -> tuple[float, str]:
    """Best similarity (0-100) of ``query`` with any of the person's names, and which name."""
    folded_query = fold(query)
    best, best_name = 0.0, ""
    for name in names_of(person):
        folded = fold(name)
        # Word order aside, or spaces aside ("El Amrani" / "Elamrani").
        score = max(
            fuzz.token_sort_ratio(folded_query, folded),
            fuzz.ratio(folded_query.replace(" ", ""), folded.replace(" ", "")),
        )
        if score > best:
            best, best_name = score, name
    return best, best_name


def sound_alike(query: str, person: Any) -> bool:
    """Every token of the query has a phonetic twin among the person's names."""
    wanted = {phonetic(t) for t in tokens(query)}
    have = {phonetic(t) for name in names_of(person) for t in with_joined_pairs(tokens(name))}
    return bool(wanted) and wanted <= have
