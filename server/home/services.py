"""A champion's own numbers."""

from __future__ import annotations

from dataclasses import dataclass

from schema.tables import Activity, Membership, Person
from server.settings import today


@dataclass(frozen=True)
class MyNumbers:
    activities: int
    reach: int
    minutes: int  # shown as hours and minutes


async def my_numbers(person_id: int | None) -> list[MyNumbers]:
    """This month, this year and all time, counting what was not rejected: one query over
    this person's activities (found by the index on person)."""
    if person_id is None:
        return [MyNumbers(0, 0, 0)] * 3
    now = today()
    starts = (now.replace(day=1), now.replace(month=1, day=1))
    parts = []
    for n in range(2):
        parts.append(f"SUM(CASE WHEN occurred_on >= {{}} THEN 1 ELSE 0 END) AS a{n}")
        parts.append(f"SUM(CASE WHEN occurred_on >= {{}} THEN people_reached ELSE 0 END) AS r{n}")
        parts.append(f"SUM(CASE WHEN occurred_on >= {{}} THEN minutes ELSE 0 END) AS m{n}")
    rows = await Activity.raw(
        f"SELECT {', '.join(parts)}, COUNT(*) AS a2, SUM(people_reached) AS r2, "
        "SUM(minutes) AS m2 FROM activity WHERE person = {} AND review_status <> 'rejected'",
        *[starts[0]] * 3,
        *[starts[1]] * 3,
        person_id,
    )
    row = rows[0]
    return [
        MyNumbers(
            activities=int(row[f"a{n}"] or 0),
            reach=int(row[f"r{n}"] or 0),
            minutes=int(row[f"m{n}"] or 0),
        )
        for n in range(3)
    ]


async def my_name_and_programmes(person_id: int | None) -> tuple[str, list[str]]:
    """The person's first name and the names of the programmes they are active in."""
    if person_id is None:
        return "", []
    person = await Person.select(Person.name).where(Person.id == person_id).first()
    rows = await Membership.select(Membership.programme.name).where(
        (Membership.person == person_id) & (Membership.status == "active")
    )
    first = (person or {}).get("name", "").split(" ")[0]
    return first, [r["programme.name"] for r in rows]
