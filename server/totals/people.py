"""People and roles kept in step with every write of roles and people (issue 17).

The totals count people: how many different people have an active role that joined within
the dates. Counting them with COUNT(DISTINCT) reads every role, so they are kept in small
tables instead, as activities are (server/totals/rollup.py):

- role_daily and role_monthly: active roles by the day (month) they joined, programme, the
  person's area (0: none) and the deprivation quintile of their home (0: not known).
- role_pair_daily and role_pair_monthly: each person's active roles in the order they
  joined, any programme, taken two at a time as neighbours (j1 with j2, j2 with j3, ...),
  counted by the two days (months), area and quintile.

A person's join days within any dates are a run of neighbours in that order, so the people
who joined within the dates are the roles that joined within them less the pairs of
neighbours that both joined within them (`people`). In one programme a person has one role
at most (membership_person_programme), so there the people are the roles.

counted_role holds each active role as the rollups count it now. `refresh(person_ids)`,
called in the write transaction after any change to those people's roles, area or home
postcode (or their delete), compares it with the roles as they are and changes the rollups
by the difference, so it can be called any number of times, after any mix of writes (and
once for many writes, at the end of `refreshed_once`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Collection, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from typing import Protocol, TypedDict

from schema.tables import CountedRole
from server.db import engine, is_postgres, write_transaction
from server.lib import bulk
from server.lib.reference import load_reference
from server.lib.rows import rows_as, whole
from server.totals.dates import FAR_FUTURE, FAR_PAST, Filters, split_range

# (programme, footprint, quintile, joined_on) of one counted role.
Role = tuple[int, int, int, date]
RoleKey = tuple[date, int, int, int]  # day, programme, footprint, quintile
PairKey = tuple[int, int, date, date]  # footprint, quintile, first day, next day

# The quintile of a person's home through the council's lookups (0: not known), as the
# impact figures count it.
_HOME = (
    "LEFT JOIN postcode_area pa ON pa.postcode = REPLACE(UPPER(p.postcode), ' ', '') "
    "LEFT JOIN area_deprivation d ON d.lsoa = pa.lsoa"
)
_QUINTILE = "COALESCE((d.imd_decile + 1) / 2, 0)"


def _day(value: date | str) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _marks(values: Sequence[object]) -> str:
    return ", ".join("{}" for _ in values)


# refresh's reads and delete go straight to the driver (server/lib/bulk.py): piccolo's
# query building for 500 ids was most of an import's Python time in the rollups.
_COUNTED = (
    "SELECT person, programme, footprint, quintile, joined_on FROM counted_role "
    "WHERE person IN ({ids})"
)
_CURRENT = (
    "SELECT m.person, m.programme, COALESCE(p.footprint, 0), "
    f"{_QUINTILE}, m.joined_on FROM membership m JOIN person p ON p.id = m.person {_HOME} "
    "WHERE m.status = 'active' AND m.person IN ({ids})"
)


async def _roles(sql: str, ids: Sequence[int]) -> dict[int, list[Role]]:
    """Each person's roles as one of the queries above reads them."""
    rows = await bulk.fetch(sql.format(ids=", ".join("?" for _ in ids)), ids)
    out: dict[int, list[Role]] = {}
    for person, programme, footprint, quintile, joined_on in rows:
        if not isinstance(joined_on, date | str):
            raise TypeError(f"Expected a date, not {type(joined_on).__name__}.")
        role = (whole(programme), whole(footprint), whole(quintile), _day(joined_on))
        out.setdefault(whole(person), []).append(role)
    return {person: sorted(roles) for person, roles in out.items()}


def _add(roles: Counter[RoleKey], pairs: Counter[PairKey], held: list[Role], sign: int) -> None:
    """One person's part of the rollups (their roles, all of one area and quintile)."""
    days = sorted(r[3] for r in held)
    for programme, footprint, quintile, day in held:
        roles[(day, programme, footprint, quintile)] += sign
    if held:
        footprint, quintile = held[0][1], held[0][2]
        for first, then in zip(days, days[1:], strict=False):
            pairs[(footprint, quintile, first, then)] += sign


def _month(day: date) -> date:
    return day.replace(day=1)


_ROLE_UPSERT = (
    "INSERT INTO {table} ({period}, programme, footprint, quintile, roles) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT ({period}, programme, footprint, quintile) "
    "DO UPDATE SET roles = {table}.roles + excluded.roles"
)
_PAIR_UPSERT = (
    "INSERT INTO {table} (footprint, quintile, {first}, {then}, pairs) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (footprint, quintile, {first}, {then}) "
    "DO UPDATE SET pairs = {table}.pairs + excluded.pairs"
)


async def _apply(roles: Counter[RoleKey], pairs: Counter[PairKey]) -> None:
    """Add the changes to the four rollups, in key order (no deadlock on PostgreSQL)."""
    role_months: Counter[RoleKey] = Counter()
    for (day, *rest), n in roles.items():
        role_months[(_month(day), rest[0], rest[1], rest[2])] += n
    pair_months: Counter[PairKey] = Counter()
    for (footprint, quintile, first, then), n in pairs.items():
        pair_months[(footprint, quintile, _month(first), _month(then))] += n
    for sql, changes in (
        (_ROLE_UPSERT.format(table="role_daily", period="day"), roles),
        (_ROLE_UPSERT.format(table="role_monthly", period="month"), role_months),
        (
            _PAIR_UPSERT.format(table="role_pair_daily", first="first_day", then="next_day"),
            pairs,
        ),
        (
            _PAIR_UPSERT.format(table="role_pair_monthly", first="first_month", then="next_month"),
            pair_months,
        ),
    ):
        await bulk.execute_many(sql, [(*k, n) for k, n in sorted(changes.items()) if n])


async def refresh(person_ids: Iterable[int]) -> None:
    """Bring the people rollups in step with these people's roles, area and home as they
    are now (in the write transaction that changed them; joins the caller's). People whose
    counted roles are unchanged cost one read. Within refreshed_once, the people are only
    noted, and brought in step at its end."""
    pending = _PENDING.get()
    if pending is not None:
        pending.update(int(i) for i in person_ids)
        return
    ids = sorted({int(i) for i in person_ids})
    async with write_transaction():
        for start in range(0, len(ids), 500):
            await _refresh_part(ids[start : start + 500])


async def _refresh_part(part: list[int]) -> None:
    was, now = await _roles(_COUNTED, part), await _roles(_CURRENT, part)
    changed = [p for p in part if was.get(p, []) != now.get(p, [])]
    if not changed:
        return
    roles: Counter[RoleKey] = Counter()
    pairs: Counter[PairKey] = Counter()
    for person in changed:
        _add(roles, pairs, was.get(person, []), -1)
        _add(roles, pairs, now.get(person, []), 1)
    await _apply(roles, pairs)
    marks = ", ".join("?" for _ in changed)
    await bulk.execute_many(f"DELETE FROM counted_role WHERE person IN ({marks})", [changed])  # noqa: S608
    await bulk.execute_many(
        "INSERT INTO counted_role (person, programme, footprint, quintile, joined_on) "
        "VALUES (?, ?, ?, ?, ?)",
        [(p, *role) for p in changed for role in now.get(p, [])],
    )


# The people noted by refresh within refreshed_once (None: outside it, refresh at once).
_PENDING: ContextVar[set[int] | None] = ContextVar("people_to_refresh", default=None)


@asynccontextmanager
async def refreshed_once() -> AsyncIterator[None]:
    """Within a write transaction: every refresh inside the block only notes its people,
    and they are all brought in step once as the block ends, in the same transaction (not
    after an error: the transaction is rolled back). An import's chunk of rows writes new
    people, then people filled in, then roles, each with its own refresh: this reads and
    changes the rollups once for them all."""
    if not engine().transaction_exists():
        raise RuntimeError("refreshed_once() belongs inside a write transaction.")
    pending: set[int] = set()
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    await refresh(pending)


async def rows_changed(
    removed: Sequence[Mapping[str, object]], added: Sequence[Mapping[str, object]]
) -> None:
    """The people rollups' part of a bulk write of roles (RecordType.on_rows)."""
    await refresh(int(str(r["person"])) for r in (*removed, *added) if r.get("person"))


async def people_changed(
    removed: Sequence[Mapping[str, object]], added: Sequence[Mapping[str, object]]
) -> None:
    """The people rollups' part of a bulk write of people (their area and home postcode)."""
    await refresh(int(str(r["id"])) for r in (*removed, *added) if r.get("id"))


def _month_sql(column: str) -> str:
    if is_postgres():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


async def rebuild() -> None:
    """Work the people rollups out again from the roles and people (after a bulk load, a
    repair or new deprivation lookups). Call it inside a write transaction."""
    for table in ("counted_role", "role_daily", "role_monthly", "role_pair_daily",
                  "role_pair_monthly"):  # fmt: skip
        await CountedRole.raw(f"DELETE FROM {table}")
    await CountedRole.raw(
        "INSERT INTO counted_role (person, programme, footprint, quintile, joined_on) "
        f"SELECT m.person, m.programme, COALESCE(p.footprint, 0), {_QUINTILE}, m.joined_on "
        f"FROM membership m JOIN person p ON p.id = m.person {_HOME} WHERE m.status = 'active'"
    )
    await CountedRole.raw(
        "INSERT INTO role_daily (day, programme, footprint, quintile, roles) "
        "SELECT joined_on, programme, footprint, quintile, COUNT(*) FROM counted_role "
        "GROUP BY joined_on, programme, footprint, quintile"
    )
    month = _month_sql("day")
    await CountedRole.raw(
        "INSERT INTO role_monthly (month, programme, footprint, quintile, roles) "
        f"SELECT {month}, programme, footprint, quintile, SUM(roles) FROM role_daily "
        f"GROUP BY {month}, programme, footprint, quintile"
    )
    await CountedRole.raw(
        "INSERT INTO role_pair_daily (footprint, quintile, first_day, next_day, pairs) "
        "SELECT footprint, quintile, joined_on, next_day, COUNT(*) FROM ("
        "SELECT footprint, quintile, joined_on, LEAD(joined_on) OVER "
        "(PARTITION BY person ORDER BY joined_on, programme) AS next_day FROM counted_role) r "
        "WHERE next_day IS NOT NULL GROUP BY footprint, quintile, joined_on, next_day"
    )
    first, then = _month_sql("first_day"), _month_sql("next_day")
    await CountedRole.raw(
        "INSERT INTO role_pair_monthly (footprint, quintile, first_month, next_month, pairs) "
        f"SELECT footprint, quintile, {first}, {then}, SUM(pairs) FROM role_pair_daily "
        f"GROUP BY footprint, quintile, {first}, {then}"
    )


# Reading: roles and people within dates ----------------------------------------------------


class _Sum(TypedDict):
    key: int
    n: int


def _where(
    parts: list[str],
    args: list[object],
    f: Filters,
    by_programme: bool,
    among: Collection[int] | None = None,
) -> None:
    if by_programme and f.programme:
        parts.append("programme = {}")
        args.append(f.programme)
    if among is not None:  # only these programmes (none at all when empty)
        parts.append(f"programme IN ({_marks(list(among))})" if among else "1 = 0")
        args.extend(sorted(among))
    if f.footprint:
        parts.append("footprint = {}")
        args.append(f.footprint)


async def _sums(
    what: str, table: str, by: str | None, parts: list[str], args: list[object], out: Counter[int]
) -> None:
    """Add SUM(what) of the table's rows that meet every part, by a column or all as 0."""
    group = f" GROUP BY {by}" if by else ""
    sql = f"SELECT {by or 0} AS key, SUM({what}) AS n FROM {table} WHERE {' AND '.join(parts)}"
    rows = await CountedRole.raw(sql + group, *args)
    for row in rows_as(_Sum, rows):
        out[int(row["key"])] += int(row["n"] or 0)


def _role_reads(f: Filters) -> list[tuple[str, str, tuple[date, date]]]:
    """(table, its period column, the first and last period) to read for the dates: whole
    months from role_monthly, the days at either edge from role_daily."""
    months, days = split_range(f.since, f.until)
    reads = [("role_monthly", "month", months)] if months else []
    return reads + [("role_daily", "day", d) for d in days]


async def roles(
    f: Filters, by: str | None = "programme", among: Collection[int] | None = None
) -> Counter[int]:
    """Active roles that joined within the dates, of the programme, of people of the area:
    by programme, by the area of the person (by="footprint", 0 for none), or by the
    quintile of the home (by="quintile"). among: only roles in these programmes."""
    out: Counter[int] = Counter()
    for table, period, (low, high) in _role_reads(f):
        parts = [f"{period} >= {{}} AND {period} <= {{}}"]
        args: list[object] = [low, high]
        _where(parts, args, f, by_programme=True, among=among)
        await _sums("roles", table, by, parts, args, out)
    return out


class _MonthSum(TypedDict):
    key: date | str  # a day or a month (SQLite gives text)
    n: int


async def roles_by_month(f: Filters) -> Counter[date]:
    """Active roles that joined within the dates, of the programme, of people of the area,
    by the month they joined (its first day)."""
    out: Counter[date] = Counter()
    for table, period, (low, high) in _role_reads(f):
        parts = [f"{period} >= {{}} AND {period} <= {{}}"]
        args: list[object] = [low, high]
        _where(parts, args, f, by_programme=True)
        rows = await CountedRole.raw(
            f"SELECT {period} AS key, SUM(roles) AS n FROM {table} "
            f"WHERE {' AND '.join(parts)} GROUP BY {period}",
            *args,
        )
        for row in rows_as(_MonthSum, rows):
            out[_month(_day(row["key"]))] += int(row["n"] or 0)
    return out


async def pairs(f: Filters, by: str | None = None) -> Counter[int]:
    """Pairs of neighbouring roles of one person that both joined within the dates (the
    programme is not a filter here), by the quintile of the home or (by None) all as 0.

    The pairs with since <= first and next <= until, split so that little is read day by
    day: first before the first whole month (daily); both in whole months (monthly); first
    in whole months and next after the last whole month (daily)."""
    start, end = f.since or FAR_PAST, f.until or FAR_FUTURE
    months, _days = split_range(f.since, f.until)
    reads: list[tuple[str, str, list[object]]] = []
    ends: list[object] = [start, end]
    daily, monthly = "role_pair_daily", "role_pair_monthly"
    if months is None:
        reads.append((daily, "first_day >= {} AND next_day <= {}", ends))
    else:
        first, last = months
        reads.append((monthly, "first_month >= {} AND next_month <= {}", [first, last]))
        if start < first:
            reads.append(
                (daily, "first_day >= {} AND first_day < {} AND next_day <= {}",
                 [start, first, end])
            )  # fmt: skip
        if f.until is not None and end >= _after(last):
            reads.append(
                (daily, "first_day >= {} AND next_day >= {} AND next_day <= {}",
                 [first, _after(last), end])
            )  # fmt: skip
    out: Counter[int] = Counter()
    for table, condition, args in reads:
        parts = [condition]
        _where(parts, args, f, by_programme=False)
        await _sums("pairs", table, by, parts, args, out)
    return out


def _after(month: date) -> date:
    """The first day of the month after."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


async def people(
    f: Filters, by: str | None = None, found: Counter[int] | None = None
) -> Counter[int]:
    """Different people with an active role (of the programme) that joined within the
    dates, of the area: all as 0, by the area of the person (by="footprint", 0 for none),
    or by the quintile of their home (by="quintile").
    found: the roles within the filters by the same key, when already read."""
    found = Counter(found) if found is not None else await roles(f, by=by)
    if not f.programme:  # in one programme a person has one role at most
        found.subtract(await pairs(f, by=by))
    return Counter({k: n for k, n in found.items() if n})


# What the privacy registry (server/privacy/holdings.py) reads and erases ------------------


class CountedForDownload(TypedDict):
    programme: str
    joined_on: date
    area: str
    quintile: int


class _Subject(Protocol):
    @property
    def person_id(self) -> int: ...


async def counted_for_download(subject: _Subject) -> list[CountedForDownload]:
    """The person's counted roles, for their download, in words."""
    ref = await load_reference()
    rows = (
        await CountedRole.select()
        .where(CountedRole.person == subject.person_id)
        .order_by(CountedRole.joined_on)
    )
    return [
        {
            "programme": ref.programmes[r["programme"]]["name"]
            if r["programme"] in ref.programmes
            else "",
            "joined_on": r["joined_on"],
            "area": ref.footprints[r["footprint"]]["name"]
            if r["footprint"] in ref.footprints
            else "",
            "quintile": int(r["quintile"]),
        }
        for r in rows
    ]


async def uncount(subject: _Subject, by: int | None) -> int:
    """Erasure: take the person out of the people rollups, after their roles went (the
    registry erases roles first); how many counted roles went with them."""
    gone = await CountedRole.count().where(CountedRole.person == subject.person_id)
    await refresh([subject.person_id])
    return int(gone)
