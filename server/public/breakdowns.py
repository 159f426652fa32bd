"""Open data: the borough's counted activities and the people they reached, for all time,
by the setting they happened in, by topic and by the deprivation quintile of the place;
and the borough's people by the deprivation quintile of their home. Read with the impact
figures' grouped queries (server/impact/figures.py: one query per breakdown, whatever the
number of activities); what is hidden is decided with everything else public, in
server/public/release.py, where each group is a cell of its own (server/public/model.py).

For the whole borough and all time only: by area or by month, a group's small count would
be one more number to keep out of reach of subtraction for every area and month, and most
would be hidden. All time is also what the borough's published total is, which the settings
and the quintiles add up to.

Activities with no topic are not published: topics overlap (one activity can be about
several), so "no topic" beside the topics' own counts could give a hidden topic away
(with a topic shown as 0, the borough's total less "no topic" is another topic's count).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from schema.tables import Topic
from server.activities.details import SETTINGS
from server.impact import figures
from server.impact.figures import NOT_KNOWN, QUINTILES
from server.lib.rows import rows_as
from server.public import opendata
from server.totals.services import Filters

SETTING, TOPIC, PLACE, HOME = "setting", "topic", "place_deprivation", "home_deprivation"
# What each breakdown counts, in its order.
MEASURES: dict[str, tuple[str, ...]] = {
    SETTING: ("activities", "reach"),
    TOPIC: ("activities", "reach"),
    PLACE: ("activities", "reach"),
    HOME: ("people",),
}
TITLES = {
    SETTING: "Activities by setting",
    TOPIC: "Activities by topic",
    PLACE: "Activities by the deprivation of the place",
    HOME: "People by the deprivation of their home",
}
MEASURE_NAMES = {"activities": "Activities", "reach": "People reached", "people": "People"}
NOT_GIVEN, NOT_PLACED = "not-given", "not-known"
QUINTILE_NAMES = {
    1: "1: the most deprived fifth of England",
    2: "2",
    3: "3",
    4: "4",
    5: "5: the least deprived fifth",
}
COLUMNS = (
    ("breakdown", f"What the row is counted by: {SETTING}, {TOPIC}, {PLACE} or {HOME}"),
    ("group", "The setting, the topic's short name, or the deprivation quintile (1 to 5, or "
     f"{NOT_PLACED}; a setting not given is {NOT_GIVEN})"),
    ("group_name", "The setting, topic or quintile in words"),
    ("measure", "activities (counted activities), reach (people those activities reached; "
     "someone reached twice counts twice) or people (people with an active role)"),
    ("value", "The number, for all time; empty (null in JSON) where it is hidden"),
)  # fmt: skip

# A row of this open data (the value is None where hidden).
BreakdownRow = dict[str, str | int | None]
Group = tuple[str, str, str]  # (breakdown, group, group's name)
Counts = dict[tuple[str, str, str], int]  # (breakdown, group, measure) -> count


@dataclass(frozen=True)
class Breakdowns:
    """The groups of each breakdown, in order, and their true counts."""

    groups: tuple[Group, ...] = ()
    counts: Mapping[tuple[str, str, str], int] = field(default_factory=dict)


class _TopicRow(TypedDict):
    id: int
    slug: str
    name: str
    active: bool


def _quintile_groups(breakdown: str) -> list[Group]:
    groups = [(breakdown, str(q), QUINTILE_NAMES[q]) for q in QUINTILES]
    return [*groups, (breakdown, NOT_PLACED, "Not known (no postcode, or not in the lookups)")]


def _reach(counts: Counts, breakdown: str, group: str, reach: figures.Reach) -> None:
    counts[(breakdown, group, "activities")] = reach.activities
    counts[(breakdown, group, "reach")] = reach.reach


async def breakdown_counts() -> Breakdowns:
    """Every group of every breakdown (those with nothing to count too, but retired
    topics only where they count something), with its counts for all time."""
    everything = Filters()
    counts: Counts = {}
    groups: list[Group] = []
    # Five queries of different tables: read side by side.
    settings, topics, listed_rows, places, homes = await asyncio.gather(
        figures.by_setting(everything),
        figures.by_topic(everything),
        Topic.select(Topic.id, Topic.slug, Topic.name, Topic.active)
        .order_by(Topic.sort_order)
        .order_by(Topic.name),
        figures.activities_by_quintile(everything),
        figures.people_by_quintile(everything),
    )
    names = {**SETTINGS, **{s: s for s in settings if s and s not in SETTINGS}}
    for setting, name in [*names.items(), ("", "Not given")]:
        group = setting or NOT_GIVEN
        groups.append((SETTING, group, name))
        _reach(counts, SETTING, group, settings.get(setting, figures.Reach()))
    listed = rows_as(_TopicRow, listed_rows)
    for topic in listed:
        if topic["active"] or topic["id"] in topics:
            groups.append((TOPIC, topic["slug"], topic["name"]))
            _reach(counts, TOPIC, topic["slug"], topics.get(topic["id"], figures.Reach()))
    for _b, group, _name in (found := _quintile_groups(PLACE)):
        key = NOT_KNOWN if group == NOT_PLACED else int(group)
        _reach(counts, PLACE, group, places.get(key, figures.Reach()))
    groups += found
    for _b, group, _name in (found := _quintile_groups(HOME)):
        counts[(HOME, group, "people")] = homes.get(
            NOT_KNOWN if group == NOT_PLACED else int(group), 0
        )
    groups += found
    return Breakdowns(tuple(groups), counts)


def unit(breakdown: str, group: str, measure: str) -> tuple[str, str, str, str]:
    """The unit a group's number is hidden as (each number on its own)."""
    return ("breakdown", breakdown, group, measure)


def breakdown_rows(found: Breakdowns, hidden: frozenset[Hashable]) -> list[BreakdownRow]:
    """The open data's rows, a hidden number as None."""
    rows: list[BreakdownRow] = []
    for breakdown, group, name in found.groups:
        for measure in MEASURES[breakdown]:
            value = found.counts.get((breakdown, group, measure), 0)
            rows.append(
                {
                    "breakdown": breakdown,
                    "group": group,
                    "group_name": name,
                    "measure": measure,
                    "value": None if unit(breakdown, group, measure) in hidden else value,
                }
            )
    return rows


def tables(rows: Sequence[BreakdownRow]) -> list[dict[str, object]]:
    """The rows as the open data page shows them: a table per breakdown, a row per group,
    a column per measure."""
    out: list[dict[str, object]] = []
    for breakdown, title in TITLES.items():
        by_group: dict[str, dict[str, object]] = {}
        for row in rows:
            if row["breakdown"] == breakdown:
                entry = by_group.setdefault(str(row["group"]), {"name": row["group_name"]})
                entry[str(row["measure"])] = row["value"]
        measures = [(m, MEASURE_NAMES[m]) for m in MEASURES[breakdown]]
        out.append(
            {
                "key": breakdown,
                "title": title,
                "measures": measures,
                "rows": list(by_group.values()),
            }
        )
    return out


def as_csv(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The rows as CSV, written as the monthly file is."""
    return opendata.as_csv(rows, COLUMNS)
