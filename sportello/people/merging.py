"""Merging two records found to be one person, and undoing a merge.

The record kept (the survivor) takes over everything of the other one (merged): its names become
aliases, its identifiers and contacts fill the survivor's empty fields, citizenships and
languages are united, and every row that points at it moves. Other parts (cases, mediation,
housing, jobs) add tables with a ``person_id``; the people package does not import them: their
rows are found through ``db.metadata``, every table with a foreign key to ``people.id``. A row
whose move would break a unique constraint (the survivor already has the same one) stays with the
merged record, which is hidden from then on.

The merged record is never deleted: it keeps ``merged_into_id`` and leaves searches and lists.
The merge is one audit entry whose changes say exactly what moved and what was filled, so an
administrator can undo it; undoing refuses what it cannot put back cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from sportello.core import audit
from sportello.core.audit import Action, AuditEntry
from sportello.core.concurrency import check_version
from sportello.core.exceptions import RuleError
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.signals import person_rows_moved
from sportello.extensions import db
from sportello.people import matching
from sportello.people.models import (
    Citizenship,
    DatePrecision,
    HouseholdLink,
    Person,
    Relation,
    Sex,
    SharedDesk,
    SpokenLanguage,
)

# The people package's own tables that a merge handles by itself (or leaves: name keys are rebuilt
# by ``matching.refresh_keys``). Every other table pointing at people.id is moved generically.
OWN_TABLES = {"people", "person_name_keys", "person_citizenships", "person_languages", "household_links"}

# Groups of fields filled together from the merged record when the survivor's are empty.
FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("given_names_original", "family_name_original"),
    ("sex",),
    ("birth_date", "birth_date_precision"),
    ("country_of_birth",),
    ("fiscal_code",),
    ("passport_number",),
    ("phone", "whatsapp"),
    ("email",),
    ("address",),
    ("municipality",),
    ("arrival_date",),
    (
        "permit_type",
        "permit_number",
        "permit_issued_on",
        "permit_expires_on",
        "permit_questura",
        "permit_status",
        "permit_receipt_date",
    ),
    ("notes",),
)
FILLABLE = tuple(name for group in FILL_GROUPS for name in group)
# How the comparison page names the people package's tables; other parts' tables show their name.
TABLE_TITLES = {
    "household_links": _l("Household members"),
    "person_vulnerabilities": _l("Vulnerabilities"),
    "consent_records": _l("Consent records"),
    "person_attachments": _l("Documents"),
    "person_shared_desks": _l("Desks sharing the file"),
}
MAX_CHAIN = 20


@dataclass
class MergePlan:
    """What merging ``merged`` into ``survivor`` would change, worked out before changing anything."""

    survivor: Person
    merged: Person
    fills: dict[str, Any] = field(default_factory=dict)
    aliases_added: list[str] = field(default_factory=list)
    citizenships_added: list[str] = field(default_factory=list)
    languages_added: list[SpokenLanguage] = field(default_factory=list)
    shared_desk_added: int | None = None
    # Household links to rewrite: (link, first id, second id, relation) after the merge.
    household: list[tuple[HouseholdLink, int, int, Relation]] = field(default_factory=list)
    # "table.column" -> primary keys of the rows that move.
    rows: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def aliases(self) -> str:
        return "\n".join([*self.survivor.alias_list, *self.aliases_added])

    @property
    def row_counts(self) -> dict[str, int]:
        counts = {key.split(".")[0]: 0 for key in self.rows}
        for key, rows in self.rows.items():
            counts[key.split(".")[0]] += len(rows)
        if self.household:
            counts["household_links"] = len(self.household)
        return {table: n for table, n in counts.items() if n}


# ---- finding what points at a person ----------------------------------------------------------


def person_references() -> list[tuple[sa.Table, sa.Column]]:
    """(table, column) for every foreign key to people.id outside the people package's own tables."""
    target = Person.__table__.c.id
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in OWN_TABLES:
            continue
        for foreign_key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            if foreign_key.column is target:
                found.append((table, foreign_key.parent))
    return found


def _unique_sets(table: sa.Table) -> list[list[sa.Column]]:
    """The column sets the table keeps unique: primary key, unique constraints, unique indexes."""
    sets = [list(table.primary_key.columns)] if table.primary_key.columns else []
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            sets.append(list(constraint.columns))
    for index in table.indexes:
        if index.unique and all(isinstance(e, sa.Column) for e in index.expressions):
            sets.append(list(index.columns))
    return sets


def _identity(table: sa.Table) -> list[sa.Column]:
    """The columns that tell the table's rows apart."""
    return list(table.primary_key.columns) or list(table.columns)


def _rows_to_move(table: sa.Table, column: sa.Column, source: int, target: int) -> list[tuple]:
    """Rows of ``table`` pointing at ``source`` that can point at ``target`` without a clash."""
    query = sa.select(*_identity(table)).where(column == source)
    for columns in _unique_sets(table):
        if column not in columns:
            continue
        other = table.alias()
        query = query.where(
            ~sa.exists().where(
                other.c[column.name] == target,
                *(other.c[c.name] == c for c in columns if c is not column),
            )
        )
    return [tuple(audit._plain(v) for v in row) for row in db.session.execute(query.order_by(*_identity(table)))]


def _row_condition(table: sa.Table, column: sa.Column, row: list | tuple, owner: int) -> sa.ColumnElement[bool]:
    """Match one recorded row, now pointing at ``owner`` (the recorded key names the old owner)."""
    return sa.and_(
        *(c == (owner if c is column else value) for c, value in zip(_identity(table), row, strict=True)),
        column == owner,
    )


def _move_rows(table: sa.Table, column: sa.Column, rows: list, source: int, target: int) -> None:
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        condition = sa.or_(*(_row_condition(table, column, row, source) for row in chunk))
        result = db.session.execute(sa.update(table).where(condition).values({column.name: target}))
        if result.rowcount != len(chunk):
            raise RuleError(_l("Some records changed while the merge was being done. Try again."))


def _table_column(key: str) -> tuple[sa.Table, sa.Column]:
    table_name, _, column_name = key.partition(".")
    table = db.metadata.tables.get(table_name)
    if table is None or column_name not in table.c:
        raise RuleError(_l("This merge moved records of a kind this installation no longer has."))
    return table, table.c[column_name]


# ---- planning ---------------------------------------------------------------------------------


def _empty(person: Person, name: str) -> bool:
    value = getattr(person, name)
    if name == "sex":
        return value is Sex.UNSPECIFIED
    return value is None or value == "" or value is False


def _fills(survivor: Person, merged: Person) -> dict[str, Any]:
    fills: dict[str, Any] = {}
    for group in FILL_GROUPS:
        lead = group[0]
        if lead == "birth_date":
            # Also a year-only date completed by an exact one of the same year.
            better = merged.birth_date is not None and (
                survivor.birth_date is None
                or (
                    survivor.birth_date_precision is DatePrecision.YEAR
                    and merged.birth_date_precision is DatePrecision.EXACT
                    and survivor.birth_date.year == merged.birth_date.year
                )
            )
            if better and merged.birth_date_precision is not DatePrecision.UNKNOWN:
                fills.update(birth_date=merged.birth_date, birth_date_precision=merged.birth_date_precision)
            continue
        if all(_empty(survivor, name) for name in group) and not _empty(merged, lead):
            for name in group:
                if getattr(survivor, name) != getattr(merged, name):
                    fills[name] = getattr(merged, name)
    return fills


def check_mergeable(survivor: Person, merged: Person) -> None:
    if survivor.id == merged.id:
        raise RuleError(_l("A record cannot be merged with itself."))
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        raise RuleError(_l("This record has already been merged into another one."))


def plan_merge(survivor: Person, merged: Person) -> MergePlan:
    """Everything a merge would do, for the comparison page and for the merge itself."""
    check_mergeable(survivor, merged)
    plan = MergePlan(survivor, merged, fills=_fills(survivor, merged))

    # The survivor's names as they will be (an original-script name may be filled in).
    after = SimpleNamespace(**{name: plan.fills.get(name, getattr(survivor, name)) for name in matching.NAME_FIELDS})
    known = {matching.fold(name) for name in matching.names_of(after)}
    for name in matching.names_of(merged):
        if name.strip() and matching.fold(name) not in known:
            plan.aliases_added.append(name.strip())
            known.add(matching.fold(name))
    plan.citizenships_added = sorted(set(merged.citizenship_codes) - set(survivor.citizenship_codes))
    spoken = {row.language for row in survivor.languages}
    plan.languages_added = [row for row in merged.languages if row.language not in spoken]
    if merged.desk_id not in survivor.desk_ids:
        plan.shared_desk_added = merged.desk_id

    links = db.session.scalars(
        sa.select(HouseholdLink)
        .where(sa.or_(HouseholdLink.first_person_id == merged.id, HouseholdLink.second_person_id == merged.id))
        .order_by(HouseholdLink.id)
    )
    survivor_links = db.session.execute(
        sa.select(HouseholdLink.first_person_id, HouseholdLink.second_person_id).where(
            sa.or_(HouseholdLink.first_person_id == survivor.id, HouseholdLink.second_person_id == survivor.id)
        )
    )
    linked = {a if b == survivor.id else b for a, b in survivor_links}
    for link in links:
        other, relation = link.seen_from(merged.id)  # ``other`` is ``relation`` to the merged record
        if other == survivor.id or other in linked:
            continue  # the link would point at the survivor itself, or repeat one it has: it stays
        linked.add(other)
        first, second = sorted((survivor.id, other))
        plan.household.append((link, first, second, relation if first == survivor.id else relation.inverse))

    for table, column in person_references():
        rows = _rows_to_move(table, column, merged.id, survivor.id)
        if rows:
            plan.rows[f"{table.name}.{column.name}"] = rows
    return plan


# ---- merging ----------------------------------------------------------------------------------


def merge_people(survivor: Person, merged: Person, *, survivor_version: Any, merged_version: Any) -> AuditEntry:
    """Merge ``merged`` into ``survivor``: one audit entry records what moved, to undo it."""
    check_version(survivor, survivor_version)
    check_version(merged, merged_version)
    plan = plan_merge(survivor, merged)
    plain = audit._plain
    changes: dict[str, Any] = {"merged_person_id": [None, merged.id]}

    with db.session.no_autoflush:
        for name, value in plan.fills.items():
            changes[name] = [plain(getattr(survivor, name)), plain(value)]
            setattr(survivor, name, value)
        if plan.aliases_added:
            changes["aliases"] = [survivor.aliases, plan.aliases]
            survivor.aliases = plan.aliases
        if plan.citizenships_added:
            before = survivor.citizenship_codes
            for country in plan.citizenships_added:
                survivor.citizenships.append(Citizenship(country=country))
            changes["citizenships"] = [before, sorted([*before, *plan.citizenships_added])]
        if plan.languages_added:
            before = [row.language for row in survivor.languages]
            for row in plan.languages_added:
                survivor.languages.append(SpokenLanguage(language=row.language, level=row.level))
            changes["languages"] = [before, [*before, *(row.language for row in plan.languages_added)]]
        if plan.shared_desk_added is not None:
            survivor.shared_desks.append(SharedDesk(desk_id=plan.shared_desk_added))
            changes["shared_desk_added"] = [None, plan.shared_desk_added]
        merged.merged_into_id = survivor.id
        matching.refresh_keys(survivor)
        moved_links = []
        for link, first, second, relation in plan.household:
            moved_links.append([link.id, link.first_person_id, link.second_person_id, link.relation.value])
            link.first_person_id, link.second_person_id, link.relation = first, second, relation
    db.session.flush()

    for key, rows in plan.rows.items():
        table, column = _table_column(key)
        _move_rows(table, column, rows, merged.id, survivor.id)
    if plan.rows:
        person_rows_moved.send(survivor, merged=merged)
    if moved_links:
        changes["household_links_moved"] = [None, moved_links]
    if plan.rows:
        changes["rows_moved"] = [None, {key: [list(row) for row in rows] for key, rows in plan.rows.items()}]
    # Rows moved behind the session's back: read them afresh from here on.
    db.session.expire_all()
    return audit.record(Action.MERGE, survivor, changes, label=_merge_label(survivor, merged))


def _merge_label(survivor: Person, merged: Person) -> str:
    return f"{survivor} <- {merged} (#{merged.id})"


def final_record(person: Person) -> Person:
    """The record a merged one now lives on (following merges of merges)."""
    for _ in range(MAX_CHAIN):
        if person.merged_into_id is None:
            break
        person = db.session.get(Person, person.merged_into_id)
    return person


# ---- undoing ----------------------------------------------------------------------------------


def _typed(name: str, value: Any) -> Any:
    """A value of a person's column as the audit entry stored it (JSON), back to its Python type."""
    if value is None:
        return None
    column_type = Person.__table__.c[name].type
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    enum_class = getattr(column_type, "enum_class", None)
    return enum_class(value) if enum_class is not None else value


def undo_merge(entry: AuditEntry) -> AuditEntry:
    """Put everything a merge moved back, restore the survivor's earlier values and bring the
    merged record back. Raises RuleError, changing nothing, when that cannot be done cleanly."""
    if entry.action is not Action.MERGE or entry.object_type != "Person" or "merged_person_id" not in entry.changes:
        raise RuleError(_l("This entry is not a merge of two records."))
    changes = entry.changes
    survivor = db.session.get(Person, entry.object_id)
    merged = db.session.get(Person, changes["merged_person_id"][1])
    if survivor is None or merged is None:
        raise RuleError(_l("One of the two records no longer exists, so this merge cannot be undone."))
    if merged.merged_into_id is None:
        raise RuleError(_l("This merge has already been undone."))
    if merged.merged_into_id != survivor.id:
        raise RuleError(_l("The merged record has since been merged elsewhere; this merge cannot be undone."))
    if survivor.merged_into_id is not None:
        raise RuleError(_l("The record kept by this merge has since been merged into another one: undo that first."))

    plain = audit._plain
    fields = [name for name in (*FILLABLE, "aliases") if name in changes]
    changed = [name for name in fields if plain(getattr(survivor, name)) != changes[name][1]]
    if changed:
        raise RuleError(
            _l(
                "Since the merge, someone changed these details of %(name)s: %(fields)s. "
                "Undoing would overwrite them; correct the records by hand instead.",
                name=survivor.full_name,
                fields=", ".join(str(audit.field_title(name)) for name in changed),
            )
        )
    links = changes.get("household_links_moved", [None, []])[1]
    for link_id, *_old in links:
        link = db.session.get(HouseholdLink, link_id)
        if link is None or survivor.id not in (link.first_person_id, link.second_person_id):
            raise RuleError(_l("A household link moved by this merge has changed since; undo it by hand."))
    moved = changes.get("rows_moved", [None, {}])[1]
    for key, rows in moved.items():
        table, column = _table_column(key)
        still = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(table)
            .where(sa.or_(*(_row_condition(table, column, row, survivor.id) for row in rows)))
        )
        if still != len(rows):
            raise RuleError(
                _l(
                    "Records moved by this merge (%(table)s) were changed or deleted since; undo it by hand.",
                    table=table.name,
                )
            )

    # Everything can go back: do it.
    for key, rows in moved.items():
        table, column = _table_column(key)
        _move_rows(table, column, rows, survivor.id, merged.id)
    if moved:
        person_rows_moved.send(survivor, merged=merged)
    db.session.expire_all()
    with db.session.no_autoflush:
        for link_id, first, second, relation in links:
            link = db.session.get(HouseholdLink, link_id)
            link.first_person_id, link.second_person_id, link.relation = first, second, Relation(relation)
        desk_id = changes.get("shared_desk_added", [None, None])[1]
        for row in list(survivor.shared_desks):
            if row.desk_id == desk_id:
                survivor.shared_desks.remove(row)
        if "citizenships" in changes:
            added = set(changes["citizenships"][1]) - set(changes["citizenships"][0])
            for row in list(survivor.citizenships):
                if row.country in added:
                    survivor.citizenships.remove(row)
        if "languages" in changes:
            added = set(changes["languages"][1]) - set(changes["languages"][0])
            for row in list(survivor.languages):
                if row.language in added:
                    survivor.languages.remove(row)
        restored: dict[str, Any] = {"merge_entry_id": [None, entry.id], "merged_person_id": [merged.id, None]}
        for name in fields:
            restored[name] = [changes[name][1], changes[name][0]]
            setattr(survivor, name, changes[name][0] if name == "aliases" else _typed(name, changes[name][0]))
        merged.merged_into_id = None
        matching.refresh_keys(survivor)
    db.session.flush()
    return audit.record(Action.UNMERGE, survivor, restored, label=_merge_label(survivor, merged))
