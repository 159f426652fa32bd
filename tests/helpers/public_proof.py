"""The proof that no hidden number can be worked out: every number the public can read,
collected over HTTP as an anonymous visitor, written as a linear equation over the true
cells (read here from the database's own tables), and checked with exact arithmetic.

This is written apart from server/public on purpose (its own model of the cells, its own
elimination), so that the two cannot share a mistake.

True cells: ("M"|"S"|"A"|"R"|"N"|"E", area, programme, month) for members who joined,
Friends from sessions, activities, reach, minutes and growth of figures from elsewhere;
("P", area) people; ("Pm", area, month) people with a role that started that month.
Area "" is "no area". The borough's breakdowns (open data, all time): ("part", breakdown,
group, measure), counted here from the activities, their topics, the people and the two
lookups; the settings and the place's quintiles each add up to all the activities (and
reach), the home quintiles to all the people: `breakdown_relations` writes those sums,
which an attacker knows too, as equations that always hold.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from schema import tables as t
from tests.helpers.html import Page

Cell = tuple
Terms = dict[Cell, int]


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


@dataclass
class Truth:
    areas: list[str]  # codes, and "" for no area
    programmes: list[tuple[str, str]]  # (slug, kind)
    months: list[str]
    cells: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))

    def value(self, terms: Terms) -> int:
        return sum(c * self.cells.get(k, 0) for k, c in terms.items())

    @property
    def friend_slugs(self) -> list[str]:
        return [s for s, kind in self.programmes if kind == "friend"]


async def read_truth() -> Truth:
    """Every true cell, straight from the tables (not from the totals service)."""
    codes = {r["id"]: r["code"] for r in await t.Footprint.select(t.Footprint.id, t.Footprint.code)}
    progs = await t.Programme.select(t.Programme.id, t.Programme.slug, t.Programme.kind).order_by(
        t.Programme.id
    )
    slug = {p["id"]: p["slug"] for p in progs}
    cells: dict[Cell, int] = defaultdict(int)
    days: list[date] = []
    people: dict[str, set[int]] = defaultdict(set)
    started: dict[tuple[str, str], set[int]] = defaultdict(set)
    rows = await t.Membership.select(
        t.Membership.person,
        t.Membership.programme,
        t.Membership.joined_on,
        t.Membership.person.footprint,
    ).where(t.Membership.status == "active")
    for r in rows:
        area, m = codes.get(r["person.footprint"], ""), month_of(r["joined_on"])
        cells[("M", area, slug[r["programme"]], m)] += 1
        people[area].add(r["person"])
        started[(area, m)].add(r["person"])
        days.append(r["joined_on"])
    for r in await t.FriendsSession.select():
        cells[
            ("S", codes.get(r["footprint"], ""), slug[r["programme"]], month_of(r["held_on"]))
        ] += r["attendees"]
        days.append(r["held_on"])
    for r in await t.Activity.select().where(t.Activity.review_status != "rejected"):
        key = (codes.get(r["footprint"], ""), slug[r["programme"]], month_of(r["occurred_on"]))
        cells[("A", *key)] += 1
        cells[("R", *key)] += r["people_reached"]
        cells[("N", *key)] += r["minutes"]
        days.append(r["occurred_on"])
    figures = (
        await t.ExternalCount.select().order_by(t.ExternalCount.as_of).order_by(t.ExternalCount.id)
    )
    days += [r["as_of"] for r in figures]
    months = _months(days)
    _elsewhere(cells, figures, codes, slug, months)
    for area, who in people.items():
        cells[("P", area)] = len(who)
    for (area, m), who in started.items():
        cells[("Pm", area, m)] = len(who)
    await _breakdowns(cells, {p for who in people.values() for p in who})
    areas = [*sorted(codes.values()), ""]
    return Truth(areas, [(p["slug"], p["kind"]) for p in progs], months, cells)


async def _quintiles() -> dict[str, str]:
    """Compact postcode -> its deprivation quintile ("1" to "5"), through the lookups."""
    deciles = {r["lsoa"]: r["imd_decile"] for r in await t.AreaDeprivation.select()}
    return {
        r["postcode"]: str((deciles[r["lsoa"]] + 1) // 2)
        for r in await t.PostcodeArea.select()
        if r["lsoa"] in deciles
    }


def _quintile(postcode: str | None, quintiles: dict[str, str]) -> str:
    compact = "".join((postcode or "").split()).upper()
    return quintiles.get(compact, "not-known")


async def _breakdowns(cells: dict[Cell, int], people: set[int]) -> None:
    """The breakdowns' true cells, straight from the tables."""
    quintiles = await _quintiles()
    slugs = {r["id"]: r["slug"] for r in await t.Topic.select(t.Topic.id, t.Topic.slug)}
    topics: dict[int, list[str]] = defaultdict(list)
    for r in await t.ActivityTopic.select():
        topics[r["activity"]].append(slugs[r["topic"]])
    for r in await t.Activity.select().where(t.Activity.review_status != "rejected"):
        groups = [("setting", r["setting"] or "not-given")]
        groups.append(("place_deprivation", _quintile(r["postcode"], quintiles)))
        groups += [("topic", slug) for slug in topics[r["id"]]]
        for breakdown, group in groups:
            cells[("part", breakdown, group, "activities")] += 1
            cells[("part", breakdown, group, "reach")] += r["people_reached"]
    for r in await t.Person.select(t.Person.id, t.Person.postcode):
        if r["id"] in people:
            cells[("part", "home_deprivation", _quintile(r["postcode"], quintiles), "people")] += 1


def breakdown_relations(truth: Truth, groups: dict[str, list[str]]) -> list[Terms]:
    """What always holds: a partition's groups (all those published) add up to its total."""
    out = []
    for breakdown in ("setting", "place_deprivation"):
        for measure, family in (("activities", "A"), ("reach", "R")):
            terms: Terms = {("part", breakdown, g, measure): 1 for g in groups[breakdown]}
            for a in truth.areas:
                for s, _kind in truth.programmes:
                    for m in truth.months:
                        terms[(family, a, s, m)] = -1
            out.append(terms)
    terms = {("part", "home_deprivation", g, "people"): 1 for g in groups["home_deprivation"]}
    terms.update({("P", a): -1 for a in truth.areas})
    out.append(terms)
    return out


def _months(days: list[date]) -> list[str]:
    if not days:
        return []
    out, day = [], min(days).replace(day=1)
    while day <= max(days):
        out.append(month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _elsewhere(cells, figures, codes, slug, months) -> None:
    """A source's figure is a running total: each month adds what it grew by."""
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for r in figures:
        by_key[(r["programme"], r["footprint"], r["source"].strip().lower())].append(r)
    for (programme, footprint, _source), rows in by_key.items():
        before = 0
        for m in months:
            latest = [r["friends"] for r in rows if month_of(r["as_of"]) <= m]
            now = latest[-1] if latest else 0
            cells[("E", codes.get(footprint, ""), slug[programme], m)] += max(0, now - before)
            before = now


# What a published number adds up -------------------------------------------------------


def terms_for(
    truth: Truth, name: str, areas: Iterable[str], months: Iterable[str], slugs: Iterable[str]
) -> Terms:
    """The cells a totals-style number adds up (README "How the numbers are counted")."""
    areas, months, slugs = list(areas), list(months), list(slugs)
    friends = [s for s in slugs if s in truth.friend_slugs]
    families = {
        "roles": [("M", slugs)],
        "members": [("M", slugs)],
        "friends": [("M", friends), ("S", friends), ("E", friends)],
        "anonymous_friends": [("S", friends), ("E", friends)],
        "friends_from_sessions": [("S", friends)],
        "friends_from_elsewhere": [("E", friends)],
        "movement_total": [("S", friends), ("E", friends)],
        "reach": [("R", slugs)],
        "activities": [("A", slugs)],
        "hours": [("N", slugs)],
    }[name]
    out: Terms = {}
    for family, among in families:
        for a in areas:
            for s in among:
                for m in months:
                    out[(family, a, s, m)] = 1
    return out


def people_terms(truth: Truth, areas: list[str], months: list[str] | None) -> Terms:
    if months is None:
        return {("P", a): 1 for a in areas}
    return {("Pm", a, m): 1 for a in areas for m in months}


@dataclass
class Published:
    """Every number read, as (terms, value or None when hidden, where it was read)."""

    truth: Truth
    shown: list[tuple[Terms, int, str]] = field(default_factory=list)
    hidden: list[tuple[Terms, str]] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    relations: list[Terms] = field(default_factory=list)  # sums of cells that are always 0

    def add(self, terms: Terms, value: float | None, where: str, hours: bool = False) -> None:
        if value is SKIP:  # type: ignore[comparison-overlap]
            return
        terms = {k: c for k, c in terms.items() if c}
        if value is None:
            self.hidden.append((terms, where))
            return
        true = self.truth.value(terms)
        if hours:  # published in hours to one decimal place: treated as the exact minutes
            if abs(true / 60 - value) > 0.051:
                self.wrong.append(f"{where}: {value} hours, but the cells hold {true} minutes")
            self.shown.append((terms, true, where))
            return
        if true != value:
            self.wrong.append(f"{where}: {value}, but the cells add up to {true}")
        self.shown.append((terms, int(value), where))

    def totals(self, answer: dict, areas: list[str], months: list[str] | None, where: str) -> None:
        """A totals answer (/api/totals) for these areas and months (None: all time).

        The borough's numbers are never hidden, but a dated answer leaves some out (null):
        a number left out of the borough's answer is no secret to keep, so it is skipped,
        and every number given is checked like any other."""
        ms = self.truth.months if months is None else months
        if set(areas) == set(self.truth.areas):
            answer = _given(answer)
        slugs = [p["slug"] for p in answer["programmes"]]
        wanted = answer.get("filters", {}).get("programme")
        if wanted:
            self.add(
                terms_for(self.truth, "members", areas, ms, [wanted]),
                answer["people"],
                f"{where} people",
            )
        else:
            people = people_terms(self.truth, areas, months)
            self.add(people, answer["people"], f"{where} people")
            movement = {**people, **terms_for(self.truth, "movement_total", areas, ms, slugs)}
            self.add(movement, answer["movement_total"], f"{where} movement_total")
        for name in ("roles", "friends", "anonymous_friends", "reach", "activities", "hours"):
            terms = terms_for(self.truth, name, areas, ms, slugs)
            self.add(terms, answer[name], f"{where} {name}", hours=name == "hours")
        for p in answer["programmes"]:
            for name in (
                "members",
                "friends",
                "friends_from_sessions",
                "friends_from_elsewhere",
                "reach",
                "activities",
                "hours",
            ):
                terms = terms_for(self.truth, name, areas, ms, [p["slug"]])
                self.add(terms, p[name], f"{where} {p['slug']} {name}", hours=name == "hours")


def _given(answer: dict) -> dict:
    """A totals answer as a set of given numbers: null ones marked to be skipped."""
    out = {k: (SKIP if v is None else v) for k, v in answer.items()}
    out["programmes"] = [
        {k: (SKIP if v is None else v) for k, v in p.items()} for p in answer["programmes"]
    ]
    return out


class _Skip:
    """A number a borough answer does not give."""


SKIP = _Skip()


NUMBER = r"([\d,]+|not shown)"


def _number(text: str) -> int | None:
    return None if text == "not shown" else int(text.replace(",", ""))


def read_widget(html: str, names: dict[str, str]) -> dict[str, int | None]:
    """The numbers a widget shows: its headline, reach, and each programme's line."""
    text = Page(html).text
    out: dict[str, int | None] = {}
    head = re.search(r"([\d,]+) citizens? in our|Change(?: in [^:]+)?: not shown", text)
    assert head, text
    out["movement_total"] = int(head.group(1).replace(",", "")) if head.group(1) else None
    reach = re.search(r"([\d,]+) (?:people|person) reached|champions(?: here)?: not shown", text)
    assert reach, text
    out["reach"] = int(reach.group(1).replace(",", "")) if reach.group(1) else None
    by_name = {name: slug for slug, name in names.items()}
    for item in re.findall(r"<li>(.*?)</li>", html, re.S):
        line = Page(item).text
        found = re.fullmatch(r"([\d,]+) (.+)|(.+): not shown", line)
        assert found, line
        if found.group(1):
            out[by_name[found.group(2)]] = int(found.group(1).replace(",", ""))
        else:
            out[by_name[found.group(3)]] = None
    return out


# Exact elimination ------------------------------------------------------------------


def _find(parent: dict, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def derivable(published: Published, targets: list[tuple[Terms, str]]) -> list[str]:
    """The targets whose value follows from the shown numbers: those whose vector lies in
    the row space of the shown equations (a published total of 0 also fixes each of its
    cells at 0, as counts are never below 0)."""
    known: set = set()
    equations = [dict(terms) for terms, _v, _w in published.shown]
    equations += [dict(terms) for terms in published.relations]  # never "all 0": signs mix
    for terms, value, _w in published.shown:
        if value == 0:
            known.update(terms)
    changed = True
    while changed:  # cells shown on their own, once the known ones are taken out
        changed = False
        for terms in equations:
            left = [k for k in terms if k not in known]
            if len(left) == 1:
                known.add(left[0])
                changed = True
    rest = [{k: c for k, c in e.items() if k not in known} for e in equations]
    rest = [e for e in rest if e]
    parent: dict = {}
    for e in rest:
        cells = list(e)
        for c in cells:
            parent.setdefault(c, c)
        for c in cells[1:]:
            parent[_find(parent, c)] = _find(parent, cells[0])
    groups: dict = defaultdict(list)
    for e in rest:
        groups[_find(parent, next(iter(e)))].append(e)
    bases = {root: _echelon(eqs) for root, eqs in groups.items()}
    found = []
    for terms, where in targets:
        left = {k: c for k, c in terms.items() if k not in known}  # type: ignore[assignment]
        if not left and terms:
            found.append(where)
            continue
        parts: dict = defaultdict(dict)
        for k, c in left.items():  # type: ignore[attr-defined]
            if k not in parent:
                break  # a cell in no equation: this target cannot be worked out
            parts[_find(parent, k)][k] = c
        else:
            if left and all(_in_span(bases[r], part) for r, part in parts.items()):
                found.append(where)
    return found


def _echelon(equations: list[Terms]) -> list[tuple[Cell, dict]]:
    rows: list[tuple[Cell, dict]] = []
    for e in equations:
        vec = _reduce(rows, {k: Fraction(c) for k, c in e.items()})
        if vec:
            pivot = next(iter(vec))
            rows.append((pivot, {k: v / vec[pivot] for k, v in vec.items()}))
    return rows


def _reduce(rows: list[tuple[Cell, dict]], vec: dict) -> dict:
    for pivot, row in rows:  # each row holds no earlier pivot
        factor = vec.get(pivot)
        if factor:
            for k, v in row.items():
                new = vec.get(k, 0) - factor * v
                if new:
                    vec[k] = new
                else:
                    vec.pop(k, None)
    return vec


def _in_span(rows: list[tuple[Cell, dict]], part: dict) -> bool:
    return not _reduce(rows, {k: Fraction(c) for k, c in part.items()})
