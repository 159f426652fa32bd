"""People and their memberships of programmes."""

from __future__ import annotations

import re
from datetime import date

from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.custom_types import Combinable
from piccolo.querystring import QueryString

from schema.rows import MembershipRow, PersonRow
from schema.tables import Membership, Organisation, Person
from server.accounts import email_change
from server.lib.normal import simple
from server.lib.records import Context, FollowUp, Forbidden, RecordType, Sent
from server.lib.reference import Reference
from server.lib.validation import POSTCODE, Form, Invalid, Unprocessable
from server.people import shapes
from server.people.search import name_or_email_contains
from server.privacy.erase import erase_person
from server.settings import today
from server.totals import people as people_rollup

STATUSES = ("active", "paused", "left")
PHONE = re.compile(r"\+?[0-9 ()-]{6,40}")
YOUNG = "young-health-champions"
YOUNG_AGES = (14, 24)


async def _check_organisation(clean: PersonRow) -> None:
    org = clean.get("organisation")
    if org is not None and not await Organisation.exists().where(Organisation.id == org):
        raise Invalid({"organisation": f"There is no organisation with id {org}."})


def read_person(form: Form, ctx: Context, old: PersonRow | None) -> None:
    form.name("name", "the person's name", max_length=200, required=True)
    form.email("email")
    form.text(
        "phone",
        "a phone number",
        max_length=40,
        default=None,
        pattern=PHONE,
        pattern_hint="Enter a phone number like 01942 123456 or +44 7700 900123.",
    )
    form.text(
        "postcode",
        "a postcode",
        max_length=10,
        default=None,
        pattern=POSTCODE,
        pattern_hint="Enter a UK postcode like WN1 1AA.",
    )
    this_year = today().year
    form.integer("year_of_birth", "the year of birth", low=1900, high=this_year - 13)
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.reference("organisation", "the organisation's id")
    form.boolean("consent_to_contact", "consent to contact")


async def person_rules(
    clean: PersonRow, ctx: Context, old: PersonRow | None, sent: Sent
) -> PersonRow:
    postcode = clean.get("postcode")
    if postcode:
        clean["postcode"] = postcode.upper()
    await _check_organisation(clean)
    return clean


def present_person(row: PersonRow, ref: Reference) -> shapes.Person:
    return shapes.Person(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        postcode=row["postcode"],
        year_of_birth=row["year_of_birth"],
        footprint=ref.code(row["footprint"]),
        organisation=row["organisation"],
        consent_to_contact=row["consent_to_contact"],
        email_confirmed=row["email_confirmed"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class _HasRole(ComparisonOperator):
    """The person has a role of the subquery's (EXISTS, one index look-up a person): a plan
    that reads people in name order and stops at a page, when many people match."""

    template = "EXISTS (SELECT 1 FROM membership r WHERE r.person = {name} AND {value})"


def people_filters(
    form: Form, ctx: Context, walk_names: bool = False, common: bool = False
) -> list[Combinable]:
    """The people list's filters. walk_names: people with a role of the programme (status)
    chosen are tried one by one in name order (many match), rather than listed first (few
    match: SQLite then sorts only them). common: the words searched for are in many people's
    names or emails (search.common_words)."""
    form.text("q", "words to search for", max_length=100, default=None)
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.reference("organisation", "the organisation's id")
    form.choice("status", "a status", {s: s for s in STATUSES})
    c = form.clean
    out: list[Combinable] = []
    if q := form.got("q", str):
        out.append(name_or_email_contains(q, common))
    if c.get("footprint"):
        out.append(Person.footprint == c["footprint"])
    if c.get("organisation"):
        out.append(Person.organisation == c["organisation"])
    if (c.get("programme") or c.get("status")) and walk_names:
        parts = [(f"r.{k} = {{}}", c[k]) for k in ("programme", "status") if c.get(k)]
        out.append(
            Where(
                column=Person.id,
                value=QueryString(" AND ".join(sql for sql, _ in parts), *(v for _, v in parts)),
                operator=_HasRole,
            )
        )
    elif c.get("programme") or c.get("status"):
        members = Membership.select(Membership.person)
        if c.get("programme"):
            members = members.where(Membership.programme == c["programme"])
        if c.get("status"):
            members = members.where(Membership.status == c["status"])
        out.append(Person.id.is_in(members))
    return out


NAME_SCAN_BATCH = 5000  # people read at a time when names are compared


async def people_named(names: set[str]) -> dict[str, list[int]]:
    """The ids of the people whose name is one of these, keyed by the name as given (given
    names must already be normal.simple: case folded, single spaces). Every name is read and
    compared in Python, a batch at a time, so that both engines match alike in every
    alphabet (neither folds case fully in SQL); a borough's people take milliseconds."""
    out: dict[str, list[int]] = {}
    if not names:
        return out
    after = 0
    while True:
        batch = (
            await Person.select(Person.id, Person.name)
            .where(Person.id > after)
            .order_by(Person.id)
            .limit(NAME_SCAN_BATCH)
        )
        for row in batch:
            key = simple(row["name"] or "")
            if key in names:
                out.setdefault(key, []).append(row["id"])
        if len(batch) < NAME_SCAN_BATCH:
            return out
        after = batch[-1]["id"]


NO_REMOVING = "You cannot remove your email address here: send a new one, or ask your coordinator."


async def email_rules(clean: PersonRow, old: PersonRow, ctx: Context) -> FollowUp | None:
    """A new email from a champion for their own record waits for the link sent to it (the
    old address stays until then); one from staff is saved, as not yet confirmed."""
    if "email" not in clean or clean["email"] == old["email"]:
        clean.pop("email", None)
        return None
    if not ctx.champion:
        clean["email_confirmed"] = False
        return None
    assert ctx.actor is not None  # a champion is signed in
    new = clean.pop("email")
    if new is None:
        raise Unprocessable({"email": NO_REMOVING})  # fits the document; not for a champion
    sending = await email_change.request_change(old["id"], ctx.actor.account_id, new)

    async def sent() -> dict[str, object]:
        await sending
        message = email_change.SENT.format(email=new)
        return {"email_change": shapes.EmailChange(status="link-sent", to=new, message=message)}

    return sent


async def before_person_deleted(row: PersonRow, ctx: Context) -> None:
    """Deleting a person erases them everywhere (server/privacy: roles, training, stories,
    accounts, sessions, tokens, sign-in links, uploads, emails), as when they erase
    themselves. Their activities and the sessions they ran stay, without the link to them,
    so the totals do not drop. All of it is audited. Nobody deletes their own record
    here: My data is the place, where it is explained and asked twice."""
    if ctx.actor is not None and row["id"] == ctx.actor.person_id:
        raise Forbidden("This is your own record: to erase it, use My data, Delete my data.")
    await erase_person(row["id"], by=ctx.actor.account_id if ctx.actor else None)


async def person_changed(old: PersonRow | None, new: PersonRow | None, ctx: Context) -> None:
    """A person's area and home postcode count in the people rollups (server/totals)."""
    await people_rollup.refresh(row["id"] for row in (old, new) if row is not None)


PEOPLE = RecordType(
    name="person",
    shape=shapes.Person,
    table=Person,
    row=PersonRow,
    read=read_person,
    rules=person_rules,
    present=present_person,
    filters=people_filters,
    owner="id",
    champion_may=frozenset({"list", "read", "update"}),
    personal=frozenset({"name", "email", "phone", "postcode", "year_of_birth"}),
    order_by=(("name", False), ("id", False)),
    unique_message={"email": "Someone else already has this email address."},
    before_delete=before_person_deleted,
    hold_back=email_rules,
    limited=frozenset({"update"}),  # a champion's new email address: links are limited
    on_change=person_changed,
    on_rows=people_rollup.people_changed,
)


# Memberships --------------------------------------------------------------------------


def check_young_age(year_of_birth: int | None, joined_on: date) -> str | None:
    """Young Health Champions are 14 to 24. With only a year of birth, someone born in year
    Y is Y's age or one less on any day of the year, so we accept ages 14 to 25 by year."""
    if year_of_birth is None:
        return "Add the person's year of birth first: Young Health Champions are 14 to 24."
    age = joined_on.year - year_of_birth
    low, high = YOUNG_AGES
    if not low <= age <= high + 1:
        return f"Young Health Champions are {low} to {high}: this person would be about {age}."
    return None


def read_membership(form: Form, ctx: Context, old: MembershipRow | None) -> None:
    form.reference("person", "the person's id", required=True)
    form.choice("programme", "a programme", ctx.ref.programme_ids(), required=True)
    form.date("joined_on", "the date they joined", default=today())
    form.choice("status", "a status", {s: s for s in STATUSES}, default="active")
    form.date("left_on", "the date they left")


async def membership_rules(
    clean: MembershipRow, ctx: Context, old: MembershipRow | None, sent: Sent
) -> MembershipRow:
    merged: MembershipRow = {**(old or {}), **clean}
    person = await Person.select(Person.year_of_birth).where(Person.id == merged["person"]).first()
    if person is None:
        raise Invalid({"person": f"There is no person with id {merged['person']}."})
    if ctx.ref.slug(merged["programme"]) == YOUNG:
        problem = check_young_age(person["year_of_birth"], merged["joined_on"])
        if problem:
            raise Invalid({"programme": problem})
    if merged["status"] == "left" and merged.get("left_on") is None:
        clean["left_on"] = today()
    left_on = merged.get("left_on")
    if left_on and left_on < merged["joined_on"]:
        raise Invalid({"left_on": "The date they left must be on or after the date they joined."})
    return clean


def present_membership(row: MembershipRow, ref: Reference) -> shapes.Membership:
    return shapes.Membership(
        id=row["id"],
        person=row["person"],
        programme=ref.slug(row["programme"]),
        joined_on=row["joined_on"],
        status=row["status"],
        left_on=row["left_on"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def membership_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.reference("person", "the person's id")
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.choice("status", "a status", {s: s for s in STATUSES})
    c = form.clean
    out: list[Combinable] = []
    if c.get("person"):
        out.append(Membership.person == c["person"])
    if c.get("programme"):
        out.append(Membership.programme == c["programme"])
    if c.get("status"):
        out.append(Membership.status == c["status"])
    return out


async def membership_changed(
    old: MembershipRow | None, new: MembershipRow | None, ctx: Context
) -> None:
    """Roles count in the people rollups (server/totals), in the same transaction."""
    await people_rollup.refresh(row["person"] for row in (old, new) if row is not None)


MEMBERSHIPS = RecordType(
    name="membership",
    shape=shapes.Membership,
    row=MembershipRow,
    table=Membership,
    read=read_membership,
    rules=membership_rules,
    present=present_membership,
    filters=membership_filters,
    owner="person",
    champion_may=frozenset({"list", "read"}),
    order_by=(("joined_on", True), ("id", True)),
    unique_message={"person": "This person is already in this programme."},
    on_change=membership_changed,
    on_rows=people_rollup.rows_changed,
)
