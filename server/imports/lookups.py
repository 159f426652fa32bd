"""Importing the lists the council keeps (server/imports/kinds.py): the signposting
services, the postcode-to-LSOA lookup and the LSOA-to-IMD-decile lookup.

Each row is checked on its own, with a plain message naming the row as the spreadsheet
numbers it; then the plan says what importing would add, change, leave and (replacing a
lookup) remove, against what is held now. The run writes it CHUNK rows at a time, each
chunk one write transaction with the job's progress (the heartbeat a page on any worker
follows), so a failure keeps what was written before it and starting again finishes it.

- Services are matched by name, whatever its case and spacing: a service already held is
  updated (its kind and area, where the file gives them), never added twice. Each service
  added or changed is audited, as people are.
- A lookup is replaced whole (the default: what is not in the file is removed, as a
  council uploads the whole borough's lookup again each year) or only added to and
  updated. Rows with problems are skipped, so a postcode (or LSOA) on such a row is not in
  the lookup afterwards when replacing. One audit event says what each lookup import did:
  the lookups hold no one's details, and 10,000 events a year would drown the log.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from schema.tables import AreaDeprivation, PostcodeArea, Service
from server.db import refresh_statistics, write_transaction
from server.imports.check import Problem, shown
from server.imports.files import Cell, Sheet
from server.imports.kinds import DEPRIVATION, POSTCODES, REPLACE, SERVICES, Kind
from server.lib import normal
from server.lib.audit import changes, record
from server.lib.records import Context, create_many, update_many
from server.lib.records import Kind as RecordKind
from server.lib.rows import rows_as
from server.totals import people as people_rollup
from server.totals import rollup

CHUNK = 1_000  # rows of the file in one write transaction
IN_CHUNK = 500  # values in one IN (...) or one multi-row INSERT
Progress = Callable[[int], Awaitable[None]]
SERVICE_KIND = RecordKind("service", Service)
# A UK postcode, without its space: the outward code (WN1, M1, EC1A) and the inward (1AA).
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
LSOA = re.compile(r"[EW]01[0-9]{6}")  # England's E01…, Wales's W01…
NAME_LENGTH, KIND_LENGTH = 200, 100  # Service.name, Service.kind


@dataclass
class ListPlan:
    """What importing a list would do: keys are a service's name (as compared), a
    postcode or an LSOA; values what it will hold."""

    kind: str
    mode: str = REPLACE
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    rows: dict[int, tuple[str, dict[str, object]]] = field(
        default_factory=dict
    )  # row -> key, values
    adds: set[str] = field(default_factory=set)
    changes: dict[str, tuple[int, dict[str, object]]] = field(
        default_factory=dict
    )  # key -> id, old
    removes: list[str] = field(default_factory=list)
    held: int = 0  # services, postcodes or LSOAs held before the import

    def counts(self) -> dict[str, int]:
        changed_rows = sum(
            1 for key, _ in self.rows.values() if key in self.adds | set(self.changes)
        )
        return {
            "rows": self.total,
            "problem_rows": len({p.row for p in self.problems}),
            "added": len(self.adds),
            "changed": len(self.changes),
            "removed": len(self.removes),
            "unchanged_rows": len(self.rows) - changed_rows,
            "held_before": self.held,
            "held_after": self.held + len(self.adds) - len(self.removes),
        }


def _text(value: Cell | None) -> str:
    """A cell as text: a whole number read as a float (3.0) without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cells(cells: Sequence[Cell], columns: dict[str, str]) -> dict[str, str]:
    out = {}
    for index, key in columns.items():
        i = int(index)
        out[key] = _text(cells[i]) if i < len(cells) else ""
    return out


def _problem(kind: Kind, number: int, key: str, message: str) -> Problem:
    return Problem(number, kind.by_key[key].label, f"Row {number}: {message}")


# Checking one row -----------------------------------------------------------------------


def check_postcode(value: str) -> tuple[str | None, str]:
    """The postcode as held (WN11AA), or None and why not."""
    if not value:
        return None, "the postcode is missing."
    compact = normal.postcode(value)
    if not POSTCODE.fullmatch(compact):
        return None, (f"the postcode '{shown(value)}' is not a UK postcode: write it like WN1 1AA.")
    return compact, ""


def check_lsoa(value: str) -> tuple[str | None, str]:
    """The LSOA code as held (capitals), or None and why not."""
    if not value:
        return None, "the LSOA code is missing."
    code = "".join(value.split()).upper()
    if not LSOA.fullmatch(code):
        return None, (
            f"the LSOA code '{shown(value)}' is not an LSOA code: it is E01 (W01 in Wales) "
            "and 6 digits, like E01006215."
        )
    return code, ""


def check_decile(value: str) -> tuple[int | None, str]:
    if not value:
        return None, "the decile is missing: write a whole number from 1 to 10."
    text = value.removesuffix(".0")
    if not text.isdigit() or not 1 <= int(text) <= 10:
        return None, f"the decile '{shown(value)}' must be a whole number from 1 to 10."
    return int(text), ""


def _lookup_row(
    kind: Kind, number: int, values: dict[str, str]
) -> tuple[str, dict[str, object]] | list[Problem]:
    """A lookup row's key and value, or its problems."""
    found: dict[str, object] = {}
    problems = []
    checks = {"postcode": check_postcode, "lsoa": check_lsoa, "decile": check_decile}
    for key in kind.required:
        value, why = checks[key](values.get(key, ""))
        if value is None:
            problems.append(_problem(kind, number, key, why))
        found[key] = value
    if problems:
        return problems
    if kind.key == POSTCODES:
        return str(found["postcode"]), {"lsoa": found["lsoa"]}
    return str(found["lsoa"]), {"imd_decile": found["decile"]}


def _service_row(
    kind: Kind, number: int, values: dict[str, str], areas: dict[str, int], ctx: Context
) -> tuple[str, dict[str, object]] | list[Problem]:
    """A service row's name as compared, and what it sets, or its problems."""
    problems = []
    name = " ".join(values.get("name", "").split())
    if not name:
        problems.append(_problem(kind, number, "name", "the service's name is missing."))
    elif len(name) > NAME_LENGTH:
        problems.append(_problem(kind, number, "name", (
            f"the service's name '{shown(name)}' is longer than {NAME_LENGTH} characters."
        )))  # fmt: skip
    found: dict[str, object] = {"name": name}
    what = " ".join(values.get("kind", "").split())
    if len(what) > KIND_LENGTH:
        problems.append(_problem(kind, number, "kind", (
            f"the kind of service '{shown(what)}' is longer than {KIND_LENGTH} characters."
        )))  # fmt: skip
    if what:
        found["kind"] = what
    area = values.get("footprint", "")
    if area:
        if normal.simple(area) in areas:
            found["footprint"] = areas[normal.simple(area)]
        else:
            names = ", ".join(sorted(f["name"] for f in ctx.ref.footprints.values()))
            problems.append(_problem(kind, number, "footprint", (
                f"the area '{shown(area)}' cannot be used. Use one of: {names}."
            )))  # fmt: skip
    if problems:
        return problems
    return normal.simple(name), found


# What importing would do ----------------------------------------------------------------


class _ServiceRow(TypedDict):
    id: int
    name: str
    kind: str
    footprint: int | None


class _PostcodeRow(TypedDict):
    id: int
    postcode: str
    lsoa: str


class _DecileRow(TypedDict):
    id: int
    lsoa: str
    imd_decile: int


async def _held(kind: str) -> dict[str, tuple[int, dict[str, object]]]:
    """What is held now, by key: (id, the values a row can change)."""
    if kind == SERVICES:
        rows = rows_as(_ServiceRow, await Service.select(
            Service.id, Service.name, Service.kind, Service.footprint
        ))  # fmt: skip
        return {
            normal.simple(r["name"]): (r["id"], {"kind": r["kind"], "footprint": r["footprint"]})
            for r in rows
        }
    if kind == POSTCODES:
        codes = rows_as(_PostcodeRow, await PostcodeArea.select())
        return {r["postcode"]: (r["id"], {"lsoa": r["lsoa"]}) for r in codes}
    deciles = rows_as(_DecileRow, await AreaDeprivation.select())
    return {r["lsoa"]: (r["id"], {"imd_decile": r["imd_decile"]}) for r in deciles}


def _without_name(values: dict[str, object]) -> dict[str, object]:
    """What a row sets, but the name as written (compared without case and spaces)."""
    return {k: v for k, v in values.items() if k != "name"}


def _row_values(
    kind: Kind, sheet: Sheet, columns: dict[str, str], ctx: Context
) -> tuple[dict[int, tuple[str, dict[str, object]]], list[Problem], list[Problem]]:
    """Each good row's key and values, the problems, and notes on repeated rows."""
    areas = {
        normal.simple(key): f["id"]
        for f in ctx.ref.footprints.values()
        for key in (f["name"], f["code"])
    }
    rows: dict[int, tuple[str, dict[str, object]]] = {}
    problems: list[Problem] = []
    notes: list[Problem] = []
    first: dict[str, int] = {}
    what = {SERVICES: "service", POSTCODES: "postcode", DEPRIVATION: "LSOA"}[kind.key]
    for number, cells in sheet.rows:
        values = _cells(cells, columns)
        if kind.key == SERVICES:
            checked = _service_row(kind, number, values, areas, ctx)
        else:
            checked = _lookup_row(kind, number, values)
        if isinstance(checked, list):
            problems += checked
            continue
        key, found = checked
        if key in first:
            earlier = rows[first[key]][1]
            if _without_name(earlier) == _without_name(found):
                notes.append(Problem(number, "", (
                    f"Row {number}: the same {what} as row {first[key]}, so it is left out."
                )))  # fmt: skip
            else:
                problems.append(Problem(number, "", (
                    f"Row {number}: the {what} on row {first[key]} is the same, with "
                    "something different: keep one of the two rows."
                )))  # fmt: skip
            continue
        first[key] = number
        rows[number] = (key, found)
    return rows, problems, notes


async def build_list_plan(
    kind: Kind, sheet: Sheet, mapping: dict[str, str], ctx: Context
) -> ListPlan:
    """Check every row and work out what the import would do; nothing is written."""
    columns = {k: v for k, v in mapping.items() if k.isdigit()}
    plan = ListPlan(kind.key, mapping.get("mode", REPLACE), total=len(sheet.rows))
    plan.rows, plan.problems, plan.notes = _row_values(kind, sheet, columns, ctx)
    held = await _held(kind.key)
    plan.held = len(held)
    for key, found in plan.rows.values():
        if key not in held:
            plan.adds.add(key)
        elif any(held[key][1].get(k) != v for k, v in found.items() if k != "name"):
            plan.changes[key] = held[key]
    if kind.lookup and plan.mode == REPLACE:
        wanted = {key for key, _ in plan.rows.values()}
        plan.removes = sorted(key for key in held if key not in wanted)
    plan.problems.sort(key=lambda p: p.row)
    return plan


# Writing it -----------------------------------------------------------------------------


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + IN_CHUNK] for i in range(0, len(items), IN_CHUNK)]


async def _write_services(plan: ListPlan, rows: list[int], account: int | None) -> None:
    new = [plan.rows[r][1] for r in rows if r in plan.rows and plan.rows[r][0] in plan.adds]
    if new:
        await create_many(
            SERVICE_KIND, account, [{"kind": "", "footprint": None, **n} for n in new],
            columns=("name", "kind", "footprint", "active", "created_at"), skip_on="name",
        )  # fmt: skip
    updates = []
    for r in rows:
        if r in plan.rows and plan.rows[r][0] in plan.changes:
            key, found = plan.rows[r]
            service_id, old = plan.changes[key]
            values = {k: v for k, v in found.items() if k != "name"}
            updates.append((service_id, values, changes(old, values)))
    await update_many(SERVICE_KIND, account, updates)


async def _write_lookup(plan: ListPlan, rows: list[int]) -> None:
    """Delete what changes, then insert it and what is new, in multi-row INSERTs."""
    table = PostcodeArea if plan.kind == POSTCODES else AreaDeprivation
    key_column = PostcodeArea.postcode if plan.kind == POSTCODES else AreaDeprivation.lsoa
    mine = [plan.rows[r] for r in rows if r in plan.rows]
    changed = [key for key, _ in mine if key in plan.changes]
    for part in _chunks(changed):
        await table.delete().where(key_column.is_in(list(part)))
    wanted = [(key, found) for key, found in mine if key in plan.adds or key in plan.changes]
    into = (
        "postcode_area (postcode, lsoa)"
        if plan.kind == POSTCODES
        else "area_deprivation (lsoa, imd_decile)"
    )
    for start in range(0, len(wanted), IN_CHUNK):
        batch = wanted[start : start + IN_CHUNK]
        args = [v for key, found in batch for v in (key, next(iter(found.values())))]
        values = ", ".join("({}, {})" for _ in batch)
        # Names from the code, every value a parameter: one statement for the batch.
        await table.raw(f"INSERT INTO {into} VALUES {values}", *args)  # noqa: S608


async def _remove(plan: ListPlan) -> None:
    table = PostcodeArea if plan.kind == POSTCODES else AreaDeprivation
    key_column = PostcodeArea.postcode if plan.kind == POSTCODES else AreaDeprivation.lsoa
    for part in _chunks(plan.removes):
        await table.delete().where(key_column.is_in(list(part)))


async def write_list_plan(
    plan: ListPlan, numbers: list[int], account: int | None, job_id: int, progress: Progress
) -> None:
    """Write the plan CHUNK rows of the file at a time, then (replacing) remove what the
    file does not have, with the job's progress in each transaction."""
    for start in range(0, len(numbers), CHUNK):
        rows = numbers[start : start + CHUNK]
        async with write_transaction():
            if plan.kind == SERVICES:
                await _write_services(plan, rows, account)
            else:
                await _write_lookup(plan, rows)
            await progress(start + len(rows))
    if plan.kind == SERVICES:
        await refresh_statistics(Service)
        return
    async with write_transaction():
        await _remove(plan)
        # The rollups hold each activity's place and each person's home by quintile: worked
        # out again with the new lookups, in the transaction that finishes them
        # (server/totals/rollup.py, server/totals/people.py).
        await rollup.rebuild_facets(["quintile"])
        await people_rollup.rebuild()
        counts = {k: plan.counts()[k] for k in ("added", "changed", "removed")}
        what = {"lookup": plan.kind, "mode": plan.mode, "import": job_id, **counts}
        await record(account, "update", "import_job", job_id, what)
        await progress(len(numbers))
    await refresh_statistics(PostcodeArea, AreaDeprivation)


class _Count(TypedDict):
    n: int


async def holdings() -> dict[str, int]:
    """How many postcodes and LSOAs the lookups hold, and how many postcodes can be
    placed in a deprivation quintile (their LSOA has a decile)."""
    placed = rows_as(_Count, await PostcodeArea.raw(
        "SELECT COUNT(*) AS n FROM postcode_area pa "
        "JOIN area_deprivation d ON d.lsoa = pa.lsoa"
    ))  # fmt: skip
    return {
        "postcodes_held": await PostcodeArea.count(),
        "lsoas_held": await AreaDeprivation.count(),
        "postcodes_placed": int(placed[0]["n"]) if placed else 0,
        "services_held": await Service.count(),
    }


def list_message(plan: ListPlan) -> str:
    """One sentence for the history list and the job page."""
    counts = plan.counts()
    what = {SERVICES: "service", POSTCODES: "postcode", DEPRIVATION: "LSOA"}[plan.kind]

    def n(count: int) -> str:
        return f"{count:,} {what}{'' if count == 1 else 's'}"

    parts = [f"{n(counts['added'])} added", f"{counts['changed']:,} changed"]
    if plan.removes:
        parts.append(f"{counts['removed']:,} removed")
    skipped = counts["problem_rows"]
    end = (
        f" {skipped:,} {'row' if skipped == 1 else 'rows'} with problems skipped."
        if skipped
        else ""
    )
    return f"{', '.join(parts)}; {counts['unchanged_rows']:,} already there.{end}"
