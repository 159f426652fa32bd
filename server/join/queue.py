"""The applications waiting for a coordinator, and what a coordinator decides: approve (a
person with memberships, a champion account and a welcome link), ask for more, or
decline. Every decision is audited, and only one decision is ever taken of one application
(a conditional update claims it)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from piccolo.custom_types import Combinable

from schema.rows import ApplicationRow
from schema.tables import Account, Application, ApplicationProgramme, Membership, Person, SignInLink
from server.accounts.addresses import holders
from server.accounts.services import hash_token, new_link_token
from server.db import write_transaction
from server.lib.audit import record
from server.lib.reference import Reference
from server.lib.rows import row_as, rows_as
from server.lib.validation import Conflict, Form, Invalid
from server.mail.services import send_email
from server.people.services import YOUNG, check_young_age
from server.settings import get_settings, today
from server.site.context import greeting
from server.totals import people as people_rollup

STATUS = {
    "waiting": "Waiting",
    "more-asked": "More information asked",
    "approved": "Approved",
    "declined": "Declined",
}
OPEN = ("waiting", "more-asked")  # still waiting for a decision
WELCOME_LIFETIME = timedelta(days=7)  # a welcome link: long enough to be found in an inbox
MOST = 2000  # the most applications one list shows or downloads
PERSONAL = {"name": "changed", "email": "changed", "phone": "changed", "postcode": "changed"}


@dataclass(frozen=True)
class Applicant:
    """An application as the console shows it."""

    row: ApplicationRow
    programmes: list[str]  # slugs, in the programme list's order
    waited_days: int
    young: bool  # a parent's or carer's consent was asked

    @property
    def needs_check(self) -> bool:
        return self.young and self.row["parent_checked_at"] is None


@dataclass(frozen=True)
class Filters:
    programme: int | None = None
    footprint: int | None = None  # 0: no area given
    status: str = "open"  # open | one of STATUS


def read_filters(params: Mapping[str, object], ref: Reference) -> Filters:
    """The queue's filters from the query; Invalid names a wrong one."""
    form = Form({k: params.get(k) for k in ("programme", "area", "status") if k in params})
    form.choice("programme", "a programme", ref.programme_ids())
    form.choice("area", "an area", {**ref.footprint_ids(), "none": 0})
    form.choice("status", "a status", {"open": "open", "all": "all", **{k: k for k in STATUS}})
    form.result()
    return Filters(
        programme=form.got("programme", int),
        footprint=form.got("area", int),
        status=form.got("status", str) or "open",
    )


async def _programmes_of(ids: list[int], ref: Reference) -> dict[int, list[str]]:
    order = {p["id"]: i for i, p in enumerate(ref.programmes.values())}
    out: dict[int, list[int]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        rows = await ApplicationProgramme.select(
            ApplicationProgramme.application, ApplicationProgramme.programme
        ).where(ApplicationProgramme.application.is_in(ids[start : start + 500]))
        for r in rows:
            out[r["application"]].append(r["programme"])
    return {
        i: [ref.programmes[p]["slug"] for p in sorted(ps, key=lambda p: order.get(p, 0))]
        for i, ps in out.items()
    }


def _applicant(row: ApplicationRow, slugs: list[str], now: datetime) -> Applicant:
    created = row["created_at"]
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    return Applicant(
        row=row,
        programmes=slugs,
        waited_days=max(0, (now - created).days),
        young=bool(row["parent_name"]),
    )


async def _where(filters: Filters) -> list[Combinable]:
    where: list[Combinable] = []
    if filters.status == "open":
        where.append(Application.status.is_in(list(OPEN)))
    elif filters.status != "all":
        where.append(Application.status == filters.status)
    if filters.footprint == 0:
        where.append(Application.footprint.is_null())
    elif filters.footprint is not None:
        where.append(Application.footprint == filters.footprint)
    if filters.programme is not None:
        rows = await ApplicationProgramme.select(ApplicationProgramme.application).where(
            ApplicationProgramme.programme == filters.programme
        )
        where.append(Application.id.is_in([r["application"] for r in rows] or [0]))
    return where


async def list_applicants(
    filters: Filters, ref: Reference, *, offset: int = 0, limit: int = MOST
) -> tuple[list[Applicant], int]:
    """The applications the filters choose, oldest first, and how many there are."""
    where = await _where(filters)
    query = Application.select().order_by(Application.created_at).order_by(Application.id)
    count = Application.count()
    for clause in where:
        query, count = query.where(clause), count.where(clause)
    rows = rows_as(ApplicationRow, await query.offset(offset).limit(limit))
    slugs = await _programmes_of([r["id"] for r in rows], ref)
    now = datetime.now(UTC)
    return [_applicant(r, slugs[r["id"]], now) for r in rows], await count


async def get_applicant(application_id: int, ref: Reference) -> Applicant | None:
    """One application, or None when there is none with this id."""
    found = await Application.select().where(Application.id == application_id).first()
    row = row_as(ApplicationRow, found)
    if row is None:
        return None
    slugs = await _programmes_of([application_id], ref)
    return _applicant(row, slugs[application_id], datetime.now(UTC))


@dataclass(frozen=True)
class Waiting:
    """For the dashboard: how many wait, and since when the oldest has."""

    count: int
    oldest: datetime | None

    @property
    def oldest_days(self) -> int:
        if self.oldest is None:
            return 0
        oldest = self.oldest if self.oldest.tzinfo else self.oldest.replace(tzinfo=UTC)
        return max(0, (datetime.now(UTC) - oldest).days)


async def waiting() -> Waiting:
    """How many applications wait for a decision, and when the oldest came."""
    open_ = Application.status.is_in(list(OPEN))
    oldest = (
        await Application.select(Application.created_at)
        .where(open_)
        .order_by(Application.created_at)
        .first()
    )
    when: datetime | None = None if oldest is None else oldest["created_at"]
    return Waiting(await Application.count().where(open_), when)


# Decisions ----------------------------------------------------------------------------


@dataclass
class Approved:
    """What approving did, for the coordinator's message and the email after."""

    person_id: int
    matched: bool  # an existing record (its confirmed email), not a new one
    account_made: bool
    phone: str | None  # mobile only: the coordinator phones them
    skipped: list[str] = field(default_factory=list)  # programmes not added, and why
    sending: Awaitable[None] | None = None


async def _claim(application_id: int, status: str, values: Mapping[str, object]) -> ApplicationRow:
    """Move an open application to `status` (with `values`); Conflict when it was decided
    already (by someone else, a moment ago), Invalid when there is none."""
    changes = {
        Application.status: status,
        **{getattr(Application, k): v for k, v in values.items()},
    }
    rows = await (
        Application.update(changes)
        .where((Application.id == application_id) & Application.status.is_in(list(OPEN)))
        .returning(*Application.all_columns())
    )
    if rows:
        return rows_as(ApplicationRow, rows)[0]
    if await Application.exists().where(Application.id == application_id):
        raise Conflict({"": "Someone has already decided this application."})
    raise Invalid({"": f"There is no application {application_id}."})


async def _person(app: ApplicationRow, by: int | None) -> tuple[int, bool]:
    """The person an approved application becomes: the account's or the record with this
    confirmed email (matched), or a new record. An address on a record that nobody
    confirmed is refused (Invalid): it could be someone else's."""
    email = app["email"]
    if email is not None:
        account = await Account.select(Account.person).where(Account.email == email).first()
        if account is not None and account["person"] is not None:
            return int(account["person"]), True
        holder = (await holders([email])).get(email)
        if holder is not None and not holder.confirmed:
            raise Invalid(
                {"": f"{email} is on the record of {holder.name} (record {holder.person_id}), "
                 "who has not confirmed it, so it could be someone else's address. If that "
                 "record is the applicant's, add the programmes there and decline this "
                 "application; if not, correct that record's email first."}
            )  # fmt: skip
        if holder is not None:
            return holder.person_id, True
    rows = await Person.insert(
        Person(
            name=app["name"],
            email=email,
            phone=app["phone"],
            postcode=app["postcode"],
            year_of_birth=app["year_of_birth"],
            footprint=app["footprint"],
            consent_to_contact=True,
        )
    ).returning(Person.id)
    person_id = int(rows[0]["id"])
    await record(by, "create", "person", person_id, {**PERSONAL, "application": app["id"]})
    return person_id, False


async def _memberships(
    app: ApplicationRow, person_id: int, by: int | None, ref: Reference
) -> tuple[list[str], list[str]]:
    """Add the programmes chosen (those the person is in already stay as they are); returns
    the names of those they are in now, and the ones left out with why."""
    added: list[str] = []
    skipped: list[str] = []
    chosen = await ApplicationProgramme.select(ApplicationProgramme.programme).where(
        ApplicationProgramme.application == app["id"]
    )
    for programme_id in sorted(r["programme"] for r in chosen):
        slug = ref.slug(programme_id)
        problem = check_young_age(app["year_of_birth"], today()) if slug == YOUNG else None
        if problem is not None:
            skipped.append(f"{ref.programmes[programme_id]['name']}: {problem}")
            continue
        rows = await (
            Membership.insert(
                Membership(person=person_id, programme=programme_id, joined_on=today())
            )
            .on_conflict(target=(Membership.person, Membership.programme), action="DO NOTHING")
            .returning(Membership.id)
        )
        for row in rows:
            what = {"person": person_id, "programme": programme_id}
            await record(by, "create", "membership", row["id"], what)
        added.append(ref.programmes[programme_id]["name"])
    return added, skipped


async def _account(email: str, person_id: int, by: int | None) -> bool:
    """A champion account for the new member, unless they have one; True when made."""
    if await Account.exists().where(Account.email == email):
        return False
    rows = await Account.insert(Account(email=email, role="champion", person=person_id)).returning(
        Account.id
    )
    await record(by, "create", "account", rows[0]["id"], {"role": "champion"})
    return True


async def _welcome_link(email: str, now: datetime) -> str:
    """A sign-in link that works once, for WELCOME_LIFETIME (an ordinary one lasts 15
    minutes): the new member may not read the email at once."""
    token = new_link_token()
    await SignInLink.insert(
        SignInLink(email=email, token_hash=hash_token(token), expires_at=now + WELCOME_LIFETIME)
    )
    return f"{get_settings().base_url}/sign-in/{token}"


def _welcome(name: str, link: str, programmes: list[str]) -> str:
    return (
        f"{greeting(name)}\n\nWelcome to the Health Movement. A coordinator has accepted your "
        f"application, and you are now a member of: {', '.join(programmes)}.\n\n"
        "Use this link to sign in to the Health Movement app, where you can log what you do:\n\n"
        f"{link}\n\nIt works once, within 7 days. After that, ask for a new link on the "
        "sign-in page with this email address. A coordinator will be in touch about training.\n"
    )


async def approve(
    application_id: int, by: int | None, ref: Reference, *, parent_checked: bool = False
) -> Approved:
    """Approve an application: the person (matched by a confirmed email, or new), their
    memberships, a champion account and a welcome link when there is an email. A young
    applicant's parent's or carer's consent must be checked first (`parent_checked`)."""
    now = datetime.now(UTC)
    async with write_transaction():
        app = await _claim(application_id, "approved", {"decided_at": now, "waiting_key": None})
        if app["parent_name"] and app["parent_checked_at"] is None:
            if not parent_checked:
                raise Invalid(
                    {"parent_checked": "Check with their parent or carer that they agree, "
                     "then tick the box."}
                )  # fmt: skip
            await Application.update({Application.parent_checked_at: now}).where(
                Application.id == application_id
            )
        person_id, matched = await _person(app, by)
        await Application.update({Application.person: person_id}).where(
            Application.id == application_id
        )
        added, skipped = await _memberships(app, person_id, by, ref)
        await people_rollup.refresh([person_id])
        email = app["email"]
        made = await _account(email, person_id, by) if email else False
        link = await _welcome_link(email, now) if email else None
        what = {"status": "approved", "person": person_id}
        await record(by, "update", "application", application_id, what)
    done = Approved(person_id, matched, made, None if email else app["phone"], skipped)
    if email and link:
        body = _welcome(app["name"], link, added)
        done.sending = send_email(email, "Welcome to the Health Movement", body, secret=True)
    return done


def _read_message(data: Mapping[str, object], name: str, label: str) -> str:
    form = Form({name: data.get(name)})
    form.text(name, label, max_length=1000, required=True)
    form.result()
    return form.needed(name, str)


async def ask_for_more(
    application_id: int, data: Mapping[str, object], by: int | None
) -> tuple[ApplicationRow, Awaitable[None] | None]:
    """Ask the applicant for more: the message is kept and emailed to them (when they gave
    an email); the application waits, "more information asked"."""
    message = _read_message(data, "message", "what you want to ask")
    async with write_transaction():
        app = await _claim(application_id, "more-asked", {"message": message})
        what = {"status": "more-asked", "message": "changed"}
        await record(by, "update", "application", application_id, what)
    if app["email"] is None:
        return app, None
    body = (
        f"{greeting(app['name'])}\n\nThank you for applying to join the Health Movement. "
        "Before we can decide, we need to know a little more:\n\n"
        f"{message}\n\nPlease reply to the contact below.\n"
    )
    return app, send_email(app["email"], "About your application to the Health Movement", body)


async def decline(
    application_id: int, data: Mapping[str, object], by: int | None
) -> ApplicationRow:
    """Decline an application, with the reason (kept with it). It is deleted 30 days after
    the decision (server/privacy/retention.py)."""
    reason = _read_message(data, "reason", "the reason")
    now = datetime.now(UTC)
    async with write_transaction():
        app = await _claim(
            application_id, "declined", {"message": reason, "decided_at": now, "waiting_key": None}
        )
        what = {"status": "declined", "message": "changed"}
        await record(by, "update", "application", application_id, what)
    return app


async def delete_declined(before: datetime) -> int:
    """Delete applications declined before this moment, with their programmes (the
    retention rule)."""
    rows = await (
        Application.delete()
        .where((Application.status == "declined") & (Application.decided_at < before))
        .returning(Application.id)
    )
    return len(rows)
