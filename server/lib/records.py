"""Listing, reading, creating, changing and deleting records, with the role rules.

Each feature describes its records once (a RecordType: table, checks, JSON shape, owner);
the rules here are then the same for all of them:
- the public may only do what `public` allows (reading reference lists);
- a champion may do only what `champion_may` allows, and only to records they own
  (the `owner` column holds their person id); other people's records are "not found";
- coordinators and admins may do everything;
- every change is audited in the same transaction as the change itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Generic, TypeVar, cast

import asyncpg
import msgspec
from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.table import Table

from server.db import is_postgres, one_connection, write_transaction
from server.lib import bulk
from server.lib.audit import changes, created, record, record_many
from server.lib.auth import Actor
from server.lib.reference import Reference, load_reference
from server.lib.rows import JSON as JsonValue
from server.lib.rows import row_as, rows_as
from server.lib.validation import FORM, MAX_ID, Conflict, Form, Invalid, Unprocessable

# A record type's row: the TypedDict of its table in schema/rows.py (a change's clean
# values are some of its keys), and what the API answers for one record: its Struct.
R = TypeVar("R", bound=Mapping[str, object])
S = TypeVar("S", bound=msgspec.Struct)
# What was sent as it came (a JSON body, a form, a query), before any check.
Sent = Mapping[str, object]


class NotFound(Exception):
    """No such record, or not one this account may see."""


class Forbidden(Exception):
    """This account may not do this."""


class SignInNeeded(Exception):
    """Only signed-in accounts may do this."""


@dataclass(frozen=True)
class Context:
    """Who is asking (None: the public) and the reference lists to check input against."""

    actor: Actor | None
    ref: Reference

    @classmethod
    async def load(cls, actor: Actor | None) -> Context:
        async with one_connection():
            return cls(actor=actor, ref=await load_reference())

    @property
    def champion(self) -> bool:
        return self.actor is not None and not self.actor.is_staff


# Reads each field of a record from a Form (a new one, or, with old, a change: the Form is
# partial then). Only reading: the document of the API describes the fields from it.
Read = Callable[[Form, Context, R | None], None]
# What is checked and settled once the fields are read: the clean values, the context, the
# record as it was (None: a new one) and what was sent as it was; returns the values to save.
Rules = Callable[[R, Context, R | None, Sent], Awaitable[R]]
Present = Callable[[R, Reference], S]
Filters = Callable[[Form, Context], list[Combinable]]
OnChange = Callable[[R | None, R | None, Context], Awaitable[None]]
# Raises Forbidden when this record may no longer be changed by this actor: given what was
# sent (None: a delete).
MayChange = Callable[[R, Context, Sent | None], None]
BeforeDelete = Callable[[R, Context], Awaitable[None]]
# What to do once a change is saved; its answer's fields are set on the record's answer.
FollowUp = Callable[[], Awaitable[dict[str, object]]]
# Takes out of a change what must not be saved yet (a new email waiting for its link).
HoldBack = Callable[[R, R, Context], Awaitable[FollowUp | None]]
# Saves the fields a record type reads that are not columns of its table (an activity's
# topics, kept in a table of their own), given the record's id, those values as read and
# checked, and the record as it was (None: a new one), in the record's write transaction.
# Returns what changed, for the audit log ({} when nothing did).
SaveLinks = Callable[
    [int, Mapping[str, object], R | None, Context], Awaitable[dict[str, JsonValue]]
]
# The answers made by `present`, with what their rows do not hold added (the topics of
# each activity), read in one go for a whole page.
Complete = Callable[[list[S]], Awaitable[list[S]]]
# What a bulk write of this kind also changes (the rollups), given the rows as they were
# and as they are (an insert removes nothing; an update is both), in its transaction.
OnRows = Callable[[Sequence[Mapping[str, object]], Sequence[Mapping[str, object]]], Awaitable[None]]


async def _keep(clean: R, ctx: Context, old: R | None, sent: Sent) -> R:
    return clean


async def _no_change_hook(old: object, new: object, ctx: Context) -> None:
    return None


def _no_rule(row: object, ctx: Context, sent: Sent | None) -> None:
    return None


async def _no_links(
    record_id: int, values: Mapping[str, object], old: object, ctx: Context
) -> dict[str, JsonValue]:
    return {}


async def _as_they_are(answers: list[S]) -> list[S]:
    return answers


async def _nothing_before_delete(row: object, ctx: Context) -> None:
    return None


async def _hold_nothing(clean: object, old: object, ctx: Context) -> FollowUp | None:
    return None


async def _no_rows_hook(
    removed: Sequence[Mapping[str, object]], added: Sequence[Mapping[str, object]]
) -> None:
    return None


@dataclass(frozen=True)
class RecordType(Generic[R, S]):
    name: str  # in the audit log and messages, e.g. "activity"
    # What the API answers for one record: `present` gives its fields, the API's handlers
    # send them as this Struct, and the API's document describes it.
    shape: type[S]
    table: type[Table]
    row: type[R]  # its table's row, from schema/rows.py
    read: Read[R]
    present: Present[R, S]
    filters: Filters
    rules: Rules[R] = _keep
    owner: str | None = None
    champion_may: frozenset[str] = frozenset()
    public: frozenset[str] = frozenset()
    personal: frozenset[str] = frozenset()
    order_by: tuple[tuple[str, bool], ...] = (("id", True),)
    on_change: OnChange[R] = _no_change_hook
    before_delete: BeforeDelete[R] = _nothing_before_delete
    may_change: MayChange[R] = _no_rule
    hold_back: HoldBack[R] = _hold_nothing
    in_use: str = "It is still used by other records, so it cannot be deleted."
    unique_message: Mapping[str, str] = field(default_factory=dict)
    # The actions that may be refused for being asked too often (429).
    limited: frozenset[str] = frozenset()
    on_rows: OnRows = _no_rows_hook
    # Fields `read` reads that are not columns: taken out of the clean values before the
    # row is written, and saved by `save_links`; `complete` adds them to the answers.
    links: frozenset[str] = frozenset()
    save_links: SaveLinks[R] = _no_links
    complete: Complete[S] = _as_they_are

    def column(self, name: str) -> Column:
        return self.table._meta.get_column_by_name(name)

    @property
    def kind(self) -> Kind:
        """What a bulk write needs to know of these records."""
        return Kind(self.name, self.table, self.personal, self.on_rows)


@dataclass(frozen=True)
class Kind:
    """A kind of record as bulk writes see it: the name in the audit log, the table, the
    personal fields (named in the log, never copied) and what else changes with its rows.
    A RecordType's is `rt.kind`; a table that has no RecordType gets one of its own."""

    name: str
    table: type[Table]
    personal: frozenset[str] = frozenset()
    on_rows: OnRows = _no_rows_hook


# What a page of a list holds: records, or the rows a page shows.
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and how many there are in all."""

    items: list[T]
    page: int
    per_page: int
    total: int


def allow(rt: RecordType[R, S], actor: Actor | None, action: str) -> None:
    """Raise unless this actor may take this action on this kind of record at all."""
    if action in rt.public:
        return
    if actor is None:
        raise SignInNeeded()
    if actor.is_staff:
        return
    if action not in rt.champion_may:
        raise Forbidden(f"Champions cannot {action} {rt.name} records.")


def _scope(rt: RecordType[R, S], ctx: Context) -> list[Combinable]:
    """Champions see only their own records."""
    if ctx.champion and rt.owner is not None:
        assert ctx.actor is not None
        return [rt.column(rt.owner) == (ctx.actor.person_id or 0)]
    return []


def _where(clauses: list[Combinable]) -> Combinable | None:
    if not clauses:
        return None
    out = clauses[0]
    for clause in clauses[1:]:
        out = out & clause
    return out


async def validate(
    rt: RecordType[R, S], data: Sent, ctx: Context, old: R | None, sent_as: str = FORM
) -> R:
    """The values to save of a new record (old None) or of a change: its fields read
    (every mistake at once: Invalid), then its rules, which depend on other fields or on
    the records there (Unprocessable: the fields fit the API's document, the whole does
    not)."""
    _refuse_staff_fields(rt, ctx, data)
    form = Form(data, partial=old is not None, sent_as=sent_as)
    rt.read(form, ctx, old)
    # The readers have checked each value and set it with its column's type.
    clean = cast(R, form.result())
    try:
        return await rt.rules(clean, ctx, old, data)
    except Unprocessable:
        raise
    except Invalid as problem:
        raise Unprocessable(problem.errors) from None


def _fields_read(rt: RecordType[R, S], ctx: Context) -> set[str]:
    form = Form({})
    rt.read(form, ctx, None)
    return form._known


def _refuse_staff_fields(rt: RecordType[R, S], ctx: Context, data: Sent) -> None:
    """A champion sending a field only staff may set (a review status, whose story it
    is) is refused as not allowed (403), not as unknown: the API's document lists every
    field, as staff may send them."""
    if not ctx.champion or not isinstance(data, Mapping):
        return
    staff = Context(actor=Actor(0, "coordinator", None), ref=ctx.ref)
    theirs = set(data) & (_fields_read(rt, staff) - _fields_read(rt, ctx))
    if theirs:
        named = ", ".join(sorted(str(name) for name in theirs))
        raise Forbidden(f"Only coordinators and admins can set {named}.")


def read_list_options(rt: RecordType[R, S], form: Form, ctx: Context) -> list[Combinable]:
    """Read a list's options (the page, and the record type's filters) from its query; the
    clauses that choose its records. The API's document describes the options from this
    (server/lib/openapi.py, Described)."""
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)
    return _scope(rt, ctx) + rt.filters(form, ctx)


async def list_records(
    rt: RecordType[R, S], ctx: Context, params: Sent, sent_as: str = FORM
) -> Page[S]:
    """One page of records, newest first, filtered by the query parameters."""
    allow(rt, ctx.actor, "list")
    form = Form(params, sent_as=sent_as)
    clauses = read_list_options(rt, form, ctx)
    form.result()
    page, per_page = form.needed("page", int), form.needed("per_page", int)
    where = _where(clauses)
    query = rt.table.select()
    count = rt.table.count()
    if where is not None:
        query = query.where(where)
        count = count.where(where)
    for name, descending in rt.order_by:
        query = query.order_by(rt.column(name), ascending=not descending)
    rows = await query.limit(per_page).offset((page - 1) * per_page)
    items = await rt.complete([rt.present(row, ctx.ref) for row in rows_as(rt.row, rows)])
    return Page(items=items, page=page, per_page=per_page, total=await count)


async def fetch(rt: RecordType[R, S], ctx: Context, record_id: int, lock: bool = False) -> R:
    """The raw row, if this actor may see it. With lock=True (inside a write transaction),
    no one else can change the row until the transaction ends: on PostgreSQL a row lock;
    on SQLite the write transaction already holds the whole database."""
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(f"There is no {rt.name} with id {record_id}.")
    where = _where([rt.table._meta.primary_key == record_id, *_scope(rt, ctx)])
    query = rt.table.select().where(where)  # type: ignore[arg-type]
    if lock and is_postgres():
        query = query.lock_rows()
    row = row_as(rt.row, await query.first())
    if row is None:
        raise NotFound(f"There is no {rt.name} with id {record_id}.")
    return row


async def get_record(rt: RecordType[R, S], ctx: Context, record_id: int) -> S:
    allow(rt, ctx.actor, "read")
    return (await rt.complete([rt.present(await fetch(rt, ctx, record_id), ctx.ref)]))[0]


def _refuse_others(rt: RecordType[R, S], ctx: Context, data: Sent) -> None:
    """Before any other check: a champion naming someone else as the owner is refused."""
    if not ctx.champion or rt.owner is None or not isinstance(data, Mapping):
        return
    assert ctx.actor is not None
    named = data.get(rt.owner)
    if named not in (None, "") and str(named).strip() != str(ctx.actor.person_id):
        raise Forbidden(f"You can only add or change your own {rt.name} records.")


def _own(rt: RecordType[R, S], ctx: Context, clean: R, old: R | None) -> R:
    """A champion's records always belong to the champion."""
    if not ctx.champion or rt.owner is None:
        return clean
    assert ctx.actor is not None
    mine = ctx.actor.person_id
    if mine is None:
        raise Forbidden("Your account is not linked to a person: ask your coordinator.")
    if rt.owner in clean and clean[rt.owner] not in (None, mine):
        raise Forbidden(f"You can only add or change your own {rt.name} records.")
    if old is None or rt.owner in clean:
        return _with(clean, rt.owner, mine)
    return clean


def _stamp(rt: RecordType[R, S], clean: R) -> R:
    if "updated_at" in {c._meta.name for c in rt.table._meta.columns}:
        return _with(clean, "updated_at", datetime.now(UTC))
    return clean


def _with(clean: R, column: str, value: object) -> R:
    """The clean values with one column set (a column of R's table: its row has it)."""
    return cast(R, {**clean, column: value})


def _id(row: Mapping[str, object]) -> int:
    value = row["id"]
    assert isinstance(value, int)
    return value


async def create_record(rt: RecordType[R, S], ctx: Context, data: Sent, sent_as: str = FORM) -> S:
    """Check and save a new record; returns it as JSON."""
    allow(rt, ctx.actor, "create")
    _refuse_others(rt, ctx, data)
    clean = _own(rt, ctx, await validate(rt, data, ctx, None, sent_as), None)
    clean, linked = _split(rt, clean)
    account = ctx.actor.account_id if ctx.actor else None
    async with _translate_integrity(rt), write_transaction():
        rows = await rt.table.insert(rt.table(**clean)).returning(*rt.table._meta.columns)
        row = rows_as(rt.row, rows)[0]
        said = await rt.save_links(_id(row), linked, None, ctx) if rt.links else {}
        what = {**changes(None, clean, rt.personal), **said}
        await record(account, "create", rt.name, _id(row), what)
        await rt.on_change(None, row, ctx)
    return (await rt.complete([rt.present(row, ctx.ref)]))[0]


def _split(rt: RecordType[R, S], clean: R) -> tuple[R, dict[str, object]]:
    """The clean values of the table's own columns, and those of its links (rt.links)."""
    if not rt.links:
        return clean, {}
    own = cast(R, {k: v for k, v in clean.items() if k not in rt.links})
    return own, {k: v for k, v in clean.items() if k in rt.links}


async def update_record(
    rt: RecordType[R, S], ctx: Context, record_id: int, data: Sent, sent_as: str = FORM
) -> S:
    """Check and save changes to the fields sent; the others stay as they are."""
    allow(rt, ctx.actor, "update")
    account = ctx.actor.account_id if ctx.actor else None
    async with _translate_integrity(rt), write_transaction():
        old = await fetch(rt, ctx, record_id, lock=True)
        rt.may_change(old, ctx, data)
        _refuse_others(rt, ctx, data)
        clean = _own(rt, ctx, await validate(rt, data, ctx, old, sent_as), old)
        clean, linked = _split(rt, clean)
        follow_up = await rt.hold_back(clean, old, ctx)
        what = changes(old, clean, rt.personal)
        if linked:
            what.update(await rt.save_links(record_id, linked, old, ctx))
        row = old
        if what:
            clean = _stamp(rt, clean)
            rows = await (
                rt.table.update(dict(clean))  # type: ignore[arg-type]  # names are columns
                .where(rt.table._meta.primary_key == record_id)
                .returning(*rt.table._meta.columns)
            )
            row = rows_as(rt.row, rows)[0]
            await record(account, "update", rt.name, record_id, what)
            await rt.on_change(old, row, ctx)
    answer = (await rt.complete([rt.present(row, ctx.ref)]))[0]
    if follow_up is not None:
        answer = msgspec.structs.replace(answer, **await follow_up())
    return answer


async def delete_record(rt: RecordType[R, S], ctx: Context, record_id: int) -> None:
    allow(rt, ctx.actor, "delete")
    account = ctx.actor.account_id if ctx.actor else None
    async with _translate_integrity(rt), write_transaction():
        old = await fetch(rt, ctx, record_id, lock=True)
        rt.may_change(old, ctx, None)
        await rt.before_delete(old, ctx)
        await rt.table.delete().where(rt.table._meta.primary_key == record_id)
        await record(account, "delete", rt.name, record_id, {})
        await rt.on_change(old, None, ctx)


# Bulk writes: many records of one kind at once (a phone's batch, a training cohort, an
# import, a merge, an erasure), with the same audit and rollups as one record at a time.


def _default(table: type[Table], name: str) -> object:
    value = table._meta.get_column_by_name(name).get_default_value()
    return value.python() if hasattr(value, "python") else value  # e.g. TimestamptzNow


async def create_many(
    kind: Kind,
    account: int | None,
    rows: Sequence[Mapping[str, object]],
    *,
    columns: Sequence[str],
    defaults: Mapping[str, object] | None = None,
    logged: Sequence[str] | None = None,
    skip_on: str | None = None,
) -> list[int | None]:
    """Insert new records in one write transaction (joining the caller's), each with a
    "create" audit event (its `logged` fields, by default every field given; personal
    values named, never copied), and what else changes with them (kind.on_rows: the
    rollups). Each row gives `columns`, or else `defaults`, or else the column's default
    (as one record at a time gets it: created_at is now). With skip_on (a unique column),
    a row whose value is already saved is skipped (and is not audited or counted).
    Returns the new ids in order (None: skipped). Multi-row INSERTs and prepared
    statements: no query per row."""
    fill = {c: bulk.once(_default(kind.table, c)) for c in columns} | dict(defaults or {})
    values = [[row[c] if c in row else fill[c] for c in columns] for row in rows]
    skip = None if skip_on is None else list(columns).index(skip_on)
    async with write_transaction():
        ids = await bulk.insert_new(kind.table, columns, values, skip)
        made = [(i, row) for i, row in zip(ids, rows, strict=True) if i is not None]
        events = [(i, created(row, logged, kind.personal)) for i, row in made]
        await record_many(account, "create", kind.name, events)
        await kind.on_rows([], [{**row, "id": i} for i, row in made])
    return ids


Update = tuple[int, Mapping[str, object], Mapping[str, object] | None]  # id, values, logged


async def update_many(
    kind: Kind, account: int | None, updates: Sequence[Update], *, stamp: bool = False
) -> None:
    """Change records by id in one write transaction (joining the caller's): each sets its
    values and gets an "update" audit event (what it says, or when None the changes from
    the row as it was, personal values named), and kind.on_rows sees the rows before and
    after (the rollups). stamp: updated_at becomes now as well (not logged)."""
    if not updates:
        return
    stamped = {"updated_at": datetime.now(UTC)} if stamp else {}
    async with write_transaction():
        needs_old = kind.on_rows is not _no_rows_hook or any(u[2] is None for u in updates)
        old = await _rows_by_id(kind.table, [u[0] for u in updates]) if needs_old else {}
        await bulk.update(kind.table, [(i, {**values, **stamped}) for i, values, _ in updates])
        events = [
            (i, dict(what) if what is not None else changes(old[i], values, kind.personal))
            for i, values, what in updates
        ]
        await record_many(account, "update", kind.name, events)
        if old:
            after = [{**old[i], **values} for i, values, _ in updates]
            await kind.on_rows([old[u[0]] for u in updates], after)


async def _rows_by_id(table: type[Table], ids: list[int]) -> dict[int, dict[str, object]]:
    out: dict[int, dict[str, object]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = await table.select().where(table._meta.primary_key.is_in(part))
        out.update({r["id"]: r for r in rows})
    return out


class _translate_integrity:  # noqa: N801 - used as a context manager
    """Turn the database's refusals (a duplicate, a record still in use) into Conflict."""

    def __init__(self, rt: RecordType[R, S]) -> None:
        self.rt = rt

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None:
            return False
        text = str(exc).lower()
        unique = isinstance(exc, asyncpg.UniqueViolationError) or "unique" in text
        foreign = isinstance(exc, asyncpg.ForeignKeyViolationError) or "foreign key" in text
        if not isinstance(exc, sqlite3.IntegrityError | asyncpg.IntegrityConstraintViolationError):
            return False
        if unique:
            for column, message in self.rt.unique_message.items():
                if column in text:
                    raise Conflict({column: message}) from exc
            raise Conflict({"": f"This {self.rt.name} is already recorded."}) from exc
        if foreign:
            raise Conflict({"": self.rt.in_use}) from exc
        raise Invalid(
            {"": f"This {self.rt.name} cannot be saved as it is: check the fields."}
        ) from exc
