"""What the coordinators' console shows about people: the search list, its download, and
one person's page. Changes go through PEOPLE, MEMBERSHIPS and TRAININGS (server.lib.records),
so the console and the API keep the same rules and the same audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TypedDict

from piccolo.custom_types import Combinable
from piccolo.querystring import QueryString

from schema.rows import ActivityRow, MembershipRow, PersonRow, TrainingRecordRow
from schema.tables import Activity, Membership, Organisation, Person, TrainingRecord
from server.accounts.addresses import holders, taken_message
from server.db import contains
from server.lib.normal import search_text
from server.lib.records import Context, NotFound, allow, create_record, fetch, update_record
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.lib.validation import MAX_ID, Conflict, Form
from server.people import shapes
from server.people.search import common_words, searching
from server.people.services import MEMBERSHIPS, PEOPLE, STATUSES, people_filters
from server.settings import today

FILTERS = ("q", "programme", "footprint", "organisation", "status")
PER_PAGE = 25
# The people list counts its matches no further than this many past the first it shows.
COUNTED_BEYOND = 1000
# A person tried in name order (an index look-up) costs about this many times a person with
# the role listed and sorted (measured on SQLite at demo scale 100): see _walk_names.
LOOKUP_COST = 8
LATEST_ACTIVITIES = 20
# The person form's fields, in the order they are shown.
PERSON_FIELDS = (
    "name",
    "year_of_birth",
    "postcode",
    "phone",
    "email",
    "footprint",
    "organisation",
    "consent_to_contact",
)


def filter_params(params: Mapping[str, str]) -> dict[str, str]:
    """Only the list's own filters (and page), so that ?format= or stray keys never reach the
    list's checks as unknown fields."""
    return {k: str(params[k]) for k in (*FILTERS, "page") if params.get(k) not in (None, "")}


class Role(TypedDict):
    """A person's place in a programme, as the people list shows it."""

    name: str
    status: str


class Listed(TypedDict):
    """A person as the people list and its download show them."""

    id: int
    name: str
    email: str | None
    area: str
    programmes: list[Role]
    programmes_text: str


class PeoplePage(TypedDict):
    items: list[Listed]
    page: int
    per_page: int
    total: int  # with more: at least this many (counted no further)
    pages: int  # with more: at least one more
    more: bool


def _programme_name(ref: Reference, programme_id: int) -> str:
    return ref.programmes[programme_id]["name"] if programme_id in ref.programmes else "?"


async def _roles_of(ids: Iterable[int], ref: Reference) -> dict[int, list[Role]]:
    """Each person's memberships, in programme order, for a page of people."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = rows_as(MembershipRow, await Membership.select().where(Membership.person.is_in(wanted)))
    order = {pid: n for n, pid in enumerate(ref.programmes)}
    rows.sort(key=lambda r: order.get(r["programme"], 0))
    out: dict[int, list[Role]] = {}
    for row in rows:
        role = Role(name=_programme_name(ref, row["programme"]), status=row["status"])
        out.setdefault(row["person"], []).append(role)
    return out


def _area(ref: Reference, footprint_id: int | None) -> str:
    return str(ref.footprints[footprint_id]["name"]) if footprint_id in ref.footprints else ""


def _listed(row: PersonRow, roles: list[Role], ref: Reference) -> Listed:
    return Listed(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        area=_area(ref, row["footprint"]),
        programmes=roles,
        programmes_text="; ".join(f"{r['name']} ({r['status']})" for r in roles),
    )


async def _with_role(ctx: Context, params: Mapping[str, str]) -> int | None:
    """How many people have a role of the programme (and status) chosen, counted from the
    roles (a person has one role at most in a programme), or None without a programme."""
    programme = ctx.ref.programme_ids().get(params.get("programme", ""))
    if programme is None:
        return None
    query = Membership.count().where(Membership.programme == programme)
    if params.get("status") in STATUSES:
        query = query.where(Membership.status == params["status"])
    return int(await query)


async def _walk_names(with_role: int, wanted: int) -> bool:
    """Whether to try people in name order until `wanted` have the role (about wanted *
    people / with_role look-ups), rather than list those with_role first and sort them
    (PostgreSQL plans both forms alike from its statistics; SQLite needs telling)."""
    highest = await Person.select(Person.id).order_by(Person.id, ascending=False).first()
    people = int(highest["id"]) if highest else 0  # about how many people there are
    return with_role * with_role >= LOOKUP_COST * wanted * people


async def search_people(ctx: Context, params: Mapping[str, str]) -> PeoplePage:
    """One page of people matching the filters, in name order, with their area and
    programmes. Invalid (from the checks of PEOPLE's filters) says which filter to fix.

    The total is exact when it is cheap: no filter but a programme (and status), counted from
    the roles. Otherwise matches are counted up to COUNTED_BEYOND past the page shown, and
    beyond that the page says "more than": counting every one of 300,000 people who have an
    "a" in their name takes longer than the whole page should, and a coordinator pages on
    through every match all the same (issue 17)."""
    allow(PEOPLE, ctx.actor, "list")
    wanted = filter_params(params)
    form = Form(wanted)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    words_or_place = any(wanted.get(k) for k in ("q", "footprint", "organisation"))
    with_role = await _with_role(ctx, wanted)
    where = _where(people_filters(form, ctx))
    form.result()
    page = form.needed("page", int)
    skip = (page - 1) * PER_PAGE
    walk = bool(with_role) and await _walk_names(with_role or 0, skip + PER_PAGE)
    common = await common_words(str(form.clean.get("q") or ""))
    if walk or common:
        where = _where(people_filters(form, ctx, walk_names=walk, common=common))
    async with searching():  # a plan for each text searched (PostgreSQL)
        more = False
        if with_role is not None and not words_or_place:
            total = with_role
        else:
            up_to = skip + COUNTED_BEYOND
            ids = Person.select(Person.id).limit(up_to + 1)
            total = len(await (ids.where(where) if where is not None else ids))
            more = total > up_to
            total = min(total, up_to)
        # Few matches: find them (by the search's indexes) and sort them. The name index would
        # give the order without a sort, but PostgreSQL then tries people in name order until
        # the page is full, folding each name: 17,000 people for 25 of 543 "Roth" of one area.
        few = not more and total <= COUNTED_BEYOND
        name = QueryString("person.name || ''") if few else Person.name
        query = Person.select(Person.id, Person.name, Person.email, Person.footprint)
        query = query.order_by(name).order_by(Person.id).limit(PER_PAGE).offset(skip)
        rows = rows_as(PersonRow, await (query.where(where) if where is not None else query))
    roles = await _roles_of([r["id"] for r in rows], ctx.ref)
    items = [_listed(r, roles.get(r["id"], []), ctx.ref) for r in rows]
    pages = max(1, -(-total // PER_PAGE))
    return PeoplePage(
        items=items, page=page, per_page=PER_PAGE, total=total, pages=pages, more=more
    )


def _where(clauses: list[Combinable]) -> Combinable | None:
    out: Combinable | None = None
    for clause in clauses:
        out = clause if out is None else out & clause
    return out


DOWNLOAD_PAGE = 2000  # people read at a time for a download


def people_for_download(ctx: Context, params: Mapping[str, str]) -> AsyncIterator[Listed]:
    """Every person matching the filters (all pages), as rows for a CSV or XLSX file, read
    DOWNLOAD_PAGE at a time in name order while the file is sent: never the whole table in
    memory (300,000 people at demo scale 100). The filters are checked at once (Invalid
    says which to fix). The pages are read one after another, not at one moment: a person
    changed while the file is being sent is in it as they were or as they are."""
    form = Form(filter_params({k: v for k, v in params.items() if k != "page"}))
    where = _where(people_filters(form, ctx))
    form.result()
    return _people_in_pages(where, ctx.ref)


async def _people_in_pages(where: Combinable | None, ref: Reference) -> AsyncIterator[Listed]:
    after: PersonRow | None = None
    while True:
        clauses = [] if where is None else [where]
        if after is not None:  # the next page, by (name, id): the list's own order
            name, last = after["name"], after["id"]
            clauses.append((Person.name > name) | ((Person.name == name) & (Person.id > last)))
        query = Person.select().order_by(Person.name).order_by(Person.id).limit(DOWNLOAD_PAGE)
        chosen = _where(clauses)
        if chosen is not None:
            query = query.where(chosen)
        async with searching():  # a plan for each text searched (PostgreSQL)
            rows = rows_as(PersonRow, await query)
        roles = await _roles_of([r["id"] for r in rows], ref)
        for row in rows:
            yield _listed(row, roles.get(row["id"], []), ref)
        if len(rows) < DOWNLOAD_PAGE:
            return
        after = rows[-1]


ORGANISATION_MATCHES = 20  # organisations the person form's search shows at once


class OrganisationChoices(TypedDict):
    """The person form's organisation search: (id, name) choices, the one chosen, the words
    searched for, and whether there were more than those shown."""

    org_choices: list[tuple[str, str]]
    org_chosen: str
    org_query: str
    org_more: bool


async def organisation_search(text: object, chosen: object) -> OrganisationChoices:
    """The person form's organisation choices: the one chosen (first) and up to
    ORGANISATION_MATCHES whose name holds the text, by name, and whether there were more.
    A search, not a list of every organisation: a borough may have thousands."""
    typed = search_text(text)
    found: list[tuple[str, str]] = []
    if typed:
        rows = (
            await Organisation.select(Organisation.id, Organisation.name)
            .where(contains(Organisation.name, typed))
            .order_by(Organisation.name)
            .limit(ORGANISATION_MATCHES + 1)
        )
        found = [(str(r["id"]), r["name"]) for r in rows]
    more = len(found) > ORGANISATION_MATCHES
    found = found[:ORGANISATION_MATCHES]
    picked = str(chosen or "").strip()
    if picked.isdigit() and picked not in {i for i, _ in found} and int(picked) <= MAX_ID:
        row = await Organisation.select(Organisation.name).where(Organisation.id == int(picked))
        found[:0] = [(picked, row[0]["name"])] if row else []
    return OrganisationChoices(org_choices=found, org_chosen=picked, org_query=typed, org_more=more)


def person_values(row: PersonRow, ref: Reference) -> dict[str, object]:
    """A person's record as the form shows it (text, codes and ids)."""
    saved: Mapping[str, object] = row
    values: dict[str, object] = {
        k: "" if saved.get(k) is None else str(saved[k]) for k in PERSON_FIELDS
    }
    values["footprint"] = ref.code(row.get("footprint")) or ""
    values["consent_to_contact"] = bool(row.get("consent_to_contact"))
    return values


class MembershipShown(MembershipRow):
    programme_name: str


class TrainingShown(TrainingRecordRow):
    course_name: str
    days_left: int | None


class ActivityShown(ActivityRow):
    programme_name: str


async def _memberships(person_id: int, ref: Reference) -> list[MembershipShown]:
    rows = rows_as(MembershipRow, await Membership.select().where(Membership.person == person_id))
    order = {pid: n for n, pid in enumerate(ref.programmes)}
    rows.sort(key=lambda r: order.get(r["programme"], 0))
    return [MembershipShown(**r, programme_name=_programme_name(ref, r["programme"])) for r in rows]


async def _trainings(person_id: int, ref: Reference) -> list[TrainingShown]:
    rows = (
        await TrainingRecord.select()
        .where(TrainingRecord.person == person_id)
        .order_by(TrainingRecord.completed_on, ascending=False)
    )
    now = today()
    return [
        TrainingShown(
            **r,
            course_name=ref.courses[r["course"]]["name"] if r["course"] in ref.courses else "?",
            days_left=(r["expires_on"] - now).days if r["expires_on"] else None,
        )
        for r in rows_as(TrainingRecordRow, rows)
    ]


async def _activities(person_id: int, ref: Reference) -> tuple[list[ActivityShown], int]:
    rows = (
        await Activity.select()
        .where(Activity.person == person_id)
        .order_by(Activity.occurred_on, ascending=False)
        .order_by(Activity.id, ascending=False)
        .limit(LATEST_ACTIVITIES)
    )
    count = await Activity.count().where(Activity.person == person_id)
    return [
        ActivityShown(**r, programme_name=_programme_name(ref, r["programme"]))
        for r in rows_as(ActivityRow, rows)
    ], count


async def person_page(ctx: Context, person_id: int) -> dict[str, object]:
    """Everything the person's page shows: details, roles, training, latest activities."""
    row = await fetch(PEOPLE, ctx, person_id)
    organisation = None
    if row["organisation"]:
        organisation = (
            await Organisation.select(Organisation.name)
            .where(Organisation.id == row["organisation"])
            .first()
        )
    activities, activity_count = await _activities(person_id, ctx.ref)
    return {
        "person": row,
        "area": _area(ctx.ref, row["footprint"]),
        "organisation_name": organisation["name"] if organisation else "",
        "memberships": await _memberships(person_id, ctx.ref),
        "trainings": await _trainings(person_id, ctx.ref),
        "activities": activities,
        "activity_count": activity_count,
    }


class MembershipWithPerson(MembershipShown):
    person_name: str


async def membership_with_person(ctx: Context, membership_id: int) -> MembershipWithPerson:
    """A membership, with its programme's name and its person's name (for its edit page)."""
    row = await fetch(MEMBERSHIPS, ctx, membership_id)
    person = await Person.select(Person.id, Person.name).where(Person.id == row["person"]).first()
    if person is None:  # pragma: no cover - the database cascades
        raise NotFound(f"There is no membership with id {membership_id}.")
    return MembershipWithPerson(
        **row,
        programme_name=_programme_name(ctx.ref, row["programme"]),
        person_name=person["name"],
    )


async def people_by_ids(ctx: Context, ids: Iterable[str]) -> list[Listed]:
    """The people with these ids (as sent by ticked boxes; others are left out), listed."""
    wanted = [int(i) for i in ids if str(i).isdigit() and 0 < int(i) <= MAX_ID]
    rows = rows_as(
        PersonRow,
        await Person.select().where(Person.id.is_in(wanted or [0])).order_by(Person.name),
    )
    roles = await _roles_of([r["id"] for r in rows], ctx.ref)
    return [_listed(r, roles.get(r["id"], []), ctx.ref) for r in rows]


async def _refuse_taken_email(sent: Mapping[str, object], person_id: int | None) -> None:
    """An email already on someone else's record is never given to another record: say
    whose it is and whether they confirmed it, beside the email field."""
    email = str(sent.get("email") or "").strip().lower()
    holder = (await holders([email])).get(email) if email else None
    if holder is not None and holder.person_id != person_id:
        raise Conflict({"email": taken_message(holder)})


async def add_person(ctx: Context, sent: Mapping[str, object]) -> shapes.Person:
    """The console's Add a person: PEOPLE's rules, with a clear word on a taken email."""
    await _refuse_taken_email(sent, None)
    return await create_record(PEOPLE, ctx, sent)


async def change_person(ctx: Context, person_id: int, sent: Mapping[str, object]) -> shapes.Person:
    """The console's change of a person's details, likewise."""
    await _refuse_taken_email(sent, person_id)
    return await update_record(PEOPLE, ctx, person_id, sent)
