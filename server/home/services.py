"""A champion's own numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schema.tables import Activity, Membership, Person
from server.settings import today


@dataclass(frozen=True)
class MyNumbers:
    activities: int
    reach: int
    hours: float


async def my_numbers(person_id: int | None) -> list[MyNumbers]:
    """This month, this year and all time, counting what was not rejected."""
    if person_id is None:
        return [MyNumbers(0, 0, 0.0)] * 3
    now = today()
    rows = await Activity.select(
        Activity.occurred_on, Activity.people_reached, Activity.minutes
    ).where((Activity.person == person_id) & (Activity.review_status != "rejected"))
    out = []
    for start in (now.replace(day=1), now.replace(month=1, day=1), date.min):
        chosen = [r for r in rows if r["occurred_on"] >= start]
        out.append(
            MyNumbers(
                activities=len(chosen),
                reach=sum(r["people_reached"] for r in chosen),
                hours=round(sum(r["minutes"] for r in chosen) / 60, 1),
            )
        )
    return out


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
