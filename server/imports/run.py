"""Writing a plan to the database: in chunks of rows, each chunk one write transaction with
its audit events and the job's progress, so that a page on any worker can show how far it
has got, and a failure keeps every chunk written before it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from server.db import refresh_statistics, write_transaction
from server.imports.match import Plan, Ref
from server.lib.audit import changes
from server.lib.records import create_many, update_many
from server.people.services import MEMBERSHIPS, PEOPLE
from server.totals import people as people_rollup
from server.trainings.services import TRAININGS

CHUNK = 500  # rows of the file in one write transaction
Progress = Callable[[int], Awaitable[None]]  # rows done so far, inside the chunk's transaction
PERSON_COLUMNS = ("name", "email", "phone", "postcode", "year_of_birth", "footprint",
                  "organisation", "consent_to_contact", "created_at", "updated_at")  # fmt: skip
MEMBERSHIP_COLUMNS = ("person", "programme", "joined_on", "status", "left_on",
                      "created_at", "updated_at")  # fmt: skip
TRAINING_COLUMNS = ("person", "course", "completed_on", "certificate_number", "expires_on",
                    "created_at")  # fmt: skip


@dataclass
class Done:
    """What the import wrote."""

    people: int = 0
    filled: int = 0
    memberships: int = 0
    trainings: int = 0
    ids: dict[int, int] = field(default_factory=dict)  # new person number -> id


async def _create_people(plan: Plan, rows: list[int], done: Done, account: int | None) -> None:
    numbers = [plan.creates[r] for r in rows if r in plan.creates]
    if not numbers:
        return
    people = [plan.new_people[n] for n in numbers]
    ids = await create_many(PEOPLE.kind, account, people, columns=PERSON_COLUMNS)
    done.ids.update(zip(numbers, [i for i in ids if i is not None], strict=True))
    done.people += len(ids)


async def _fill_people(plan: Plan, rows: list[int], done: Done, account: int | None) -> None:
    fills = [plan.fills[r] for r in rows if r in plan.fills]
    if not fills:
        return
    what = [(i, filled, changes(plan.old[i], filled, PEOPLE.personal)) for i, filled in fills]
    await update_many(PEOPLE.kind, account, what, stamp=True)
    done.filled += len(fills)


def _person_id(ref: Ref, done: Done) -> int:
    return ref[1] if ref[0] == "old" else done.ids[ref[1]]


async def _link(
    plan: Plan, rows: list[int], done: Done, account: int | None, training: bool
) -> int:
    """Insert this chunk's memberships (or training records), with their audit events."""
    wanted = plan.trainings if training else plan.memberships
    kind = TRAININGS if training else MEMBERSHIPS
    columns = TRAINING_COLUMNS if training else MEMBERSHIP_COLUMNS
    records = [{"person": _person_id(plan.refs[r], done), **wanted[r]} for r in rows if r in wanted]
    if not records:
        return 0
    return len(await create_many(kind.kind, account, records, columns=columns))


async def write_plan(
    plan: Plan, numbers: list[int], account: int | None, progress: Progress
) -> Done:
    """Write what the plan adds, CHUNK rows of the file at a time (`numbers`: every row
    number of the file, in order, for the progress)."""
    done = Done()
    for start in range(0, len(numbers), CHUNK):
        rows = numbers[start : start + CHUNK]
        # The people rollups are read and changed once for the chunk's people and roles.
        async with write_transaction(), people_rollup.refreshed_once():
            await _create_people(plan, rows, done, account)
            await _fill_people(plan, rows, done, account)
            done.memberships += await _link(plan, rows, done, account, training=False)
            done.trainings += await _link(plan, rows, done, account, training=True)
            await progress(start + len(rows))
    await refresh_statistics(PEOPLE.table, MEMBERSHIPS.table, TRAININGS.table)
    return done


def summary(plan: Plan, done: Done) -> dict[str, int]:
    """The counts the job page shows when the import has finished."""
    counts = plan.counts()
    counts.update(
        new_people=done.people,
        people_filled_in=done.filled,
        memberships=done.memberships,
        trainings=done.trainings,
    )
    return counts
