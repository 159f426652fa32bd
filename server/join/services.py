"""Joining the movement: a resident's application from the public /join page.

An application is not a person. It waits for a coordinator (the console's Applicants
queue), and nothing in it counts in any total until it is approved.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from schema.tables import Application, ApplicationProgramme
from server.accounts.sign_in import limited_by, wait_for
from server.db import write_transaction
from server.lib import normal
from server.lib.audit import record
from server.lib.reference import Reference
from server.lib.validation import POSTCODE, Form, Limited
from server.mail.services import send_email
from server.settings import get_settings, today
from server.site.context import greeting

# The hidden field a person never sees nor fills; a bot that fills it is thanked, and
# nothing is saved.
HONEYPOT = "website"
FIELDS = (
    "name",
    "email",
    "phone",
    "postcode",
    "year_of_birth",
    "programmes",
    "area",
    "organisation",
    "consent_to_contact",
    "parent_name",
    "parent_email",
    "parent_consent",
)
NOT_SURE = "not-sure"  # the area's "not sure" choice
# At most this many applications from one internet address in an hour, counted from the
# applications' own rows (so every worker gives the same answer): enough for a family or a
# library's computer, too few to flood the queue.
PER_ADDRESS = 5
ADDRESS_WINDOW = timedelta(hours=1)
UK_MOBILE = re.compile(r"07[0-9]{9}")
YOUNGEST = 13  # the youngest age the people records take (server/people/services.py)


@dataclass(frozen=True)
class JoinForm:
    """What the /join page shows: the programmes in plain words, the areas, and from which
    year of birth a parent's or carer's consent is asked."""

    programmes: list[tuple[str, str, str]]  # slug, name, description
    areas: list[tuple[str, str]]  # code, name (and "not sure")
    parent_from_year: int
    parent_under: int


def join_form(ref: Reference) -> JoinForm:
    """The choices of the /join form, from the council's lists."""
    under = get_settings().parent_consent_under
    programmes = [(p["slug"], p["name"], p["description"]) for p in ref.programmes.values()]
    areas = [(f["code"], f["name"]) for f in ref.footprints.values()]
    return JoinForm(
        programmes=programmes,
        areas=[*areas, (NOT_SURE, "Not sure")],
        parent_from_year=today().year - under,
        parent_under=under,
    )


def needs_parent(year_of_birth: int) -> bool:
    """Whether someone born in this year may be under PARENT_CONSENT_UNDER today. With only
    a year, someone born in year Y is this year less Y, or one less: ask when the younger
    of the two is under the age."""
    return today().year - year_of_birth - 1 < get_settings().parent_consent_under


@dataclass(frozen=True)
class NewApplication:
    """An application as read from the form, every field checked."""

    name: str
    email: str | None
    phone: str | None
    postcode: str
    year_of_birth: int
    programmes: list[int]
    footprint: int | None
    organisation: str
    parent_name: str
    parent_email: str | None
    parent_consent: bool

    def key(self) -> str:
        """The same person's details, however they were typed: one waiting application."""
        parts = (
            " ".join(normal.name_words(self.name)),
            self.email or "",
            self.phone or "",
            normal.postcode(self.postcode),
            str(self.year_of_birth),
        )
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _chosen(raw: object) -> list[str]:
    """The values of a group of checkboxes: none, one (text) or several (a list)."""
    if isinstance(raw, list):
        return [str(v) for v in raw]
    return [] if raw in (None, "") else [str(raw)]


def _programmes(raw: object, ref: Reference, errors: dict[str, str]) -> list[int]:
    ids = ref.programme_ids()
    chosen = _chosen(raw)
    if not chosen:
        errors["programmes"] = "Choose at least one programme that interests you."
    elif any(slug not in ids for slug in chosen):
        errors["programmes"] = "Choose programmes from the list."
    return sorted({ids[slug] for slug in chosen if slug in ids})


def _phone(raw: object, errors: dict[str, str]) -> str | None:
    text = str(raw or "").strip()
    if not text:
        return None
    number = normal.phone(text)
    if len(text) > 40 or not UK_MOBILE.fullmatch(number):
        errors["phone"] = "Enter a UK mobile number, like 07700 900123."
        return None
    return number


def _year_of_birth(form: Form, errors: dict[str, str]) -> int | None:
    """Read as any whole number, then checked here, so the message says years as years."""
    form.integer("year_of_birth", "your year of birth", low=0, high=9999, required=True)
    year = form.got("year_of_birth", int)
    this_year = today().year
    if year is not None and not 1900 <= year <= this_year:
        form.errors["year_of_birth"] = f"Enter your year of birth, like {this_year - 30}."
        return None
    if year is not None and this_year - year < YOUNGEST:
        errors["year_of_birth"] = f"You need to be {YOUNGEST} or older to join."
        return None
    return year


PARENT_FIELDS = ("parent_name", "parent_email", "parent_consent")
READ_APART = ("phone", "programmes", *PARENT_FIELDS)  # not read by the main Form


def _parent(data: Mapping[str, object]) -> tuple[str, str, dict[str, str]]:
    """A young applicant's parent or carer: their name and email, and the problems."""
    form = Form({k: v for k, v in data.items() if k in PARENT_FIELDS})
    form.name("parent_name", "your parent's or carer's name", max_length=200, required=True)
    form.email("parent_email", required=True)
    if "parent_email" in form.errors:
        form.errors["parent_email"] = (
            "Enter your parent's or carer's email address, like name@example.com."
        )
    form.boolean("parent_consent", "your parent's or carer's consent")
    if not form.got("parent_consent", bool):
        form.errors["parent_consent"] = "Tick the box to say your parent or carer agrees."
    return form.got("parent_name", str) or "", form.got("parent_email", str) or "", form.errors


def read_application(data: Mapping[str, object], ref: Reference) -> NewApplication:
    """The application from the /join form; Invalid names every problem at once."""
    form = Form({k: v for k, v in data.items() if k in FIELDS and k not in READ_APART})
    errors: dict[str, str] = {}
    form.name("name", "your name", max_length=200, required=True)
    form.email("email")
    phone = _phone(data.get("phone"), errors)
    form.text(
        "postcode",
        "your postcode",
        max_length=10,
        required=True,
        pattern=POSTCODE,
        pattern_hint="Enter a UK postcode, like WN1 1AA.",
    )
    year = _year_of_birth(form, errors)
    programmes = _programmes(data.get("programmes"), ref, errors)
    areas = {**ref.footprint_ids(), NOT_SURE: 0}
    form.choice("area", "the area where you live or work, or ‘Not sure’", areas, required=True)
    form.name("organisation", "your organisation", max_length=200)
    form.boolean("consent_to_contact", "consent to be contacted")
    if not form.got("consent_to_contact", bool):
        errors["consent_to_contact"] = "Tick the box to say we may contact you about joining."
    young = year is not None and needs_parent(year)
    parent_name, parent_email, parent_errors = _parent(data) if young else ("", "", {})
    email = form.got("email", str)
    if email is None and phone is None and "email" not in form.errors and "phone" not in errors:
        errors["email"] = "Enter an email address or a UK mobile number, or both."
    form.errors.update({**errors, **parent_errors})
    form.result()
    return NewApplication(
        name=form.needed("name", str),
        email=email,
        phone=phone,
        postcode=form.needed("postcode", str).upper(),
        year_of_birth=year or 0,
        programmes=programmes,
        footprint=form.needed("area", int) or None,
        organisation=form.got("organisation", str) or "",
        parent_name=parent_name,
        parent_email=parent_email or None,
        parent_consent=young,
    )


async def check_limit(address: str) -> None:
    """Limited (with seconds to wait) when this address sent too many applications lately."""
    now = datetime.now(UTC)
    rows = await Application.select(Application.created_at).where(
        (Application.requested_from == address) & (Application.created_at >= now - ADDRESS_WINDOW)
    )
    # SQLite gives back times without their zone; they were written in UTC.
    times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (r["created_at"] for r in rows)]
    if len(times) < PER_ADDRESS:
        return
    wait = wait_for(times, PER_ADDRESS, ADDRESS_WINDOW, now)
    raise Limited(
        {"": "Several applications came from your internet connection in a short time. "
             "Please wait an hour and send yours again."},
        max(1, math.ceil(wait)),
    )  # fmt: skip


async def save(application: NewApplication, address: str) -> int | None:
    """Save an application and the programmes it chose: its id, or None when the same
    application is already waiting (sent twice: it stays one)."""
    async with write_transaction():
        rows = (
            await Application.insert(
                Application(
                    name=application.name,
                    email=application.email,
                    phone=application.phone,
                    postcode=application.postcode,
                    year_of_birth=application.year_of_birth,
                    footprint=application.footprint,
                    organisation=application.organisation,
                    consent_to_contact=True,
                    parent_name=application.parent_name,
                    parent_email=application.parent_email,
                    parent_consent=application.parent_consent,
                    requested_from=address,
                    waiting_key=application.key(),
                )
            )
            .on_conflict(target=Application.waiting_key, action="DO NOTHING")
            .returning(Application.id)
        )
        if not rows:
            return None
        new_id = int(rows[0]["id"])
        await ApplicationProgramme.insert(
            *(ApplicationProgramme(application=new_id, programme=p) for p in application.programmes)
        )
        await record(None, "create", "application", new_id, {"programmes": application.programmes})
    return new_id


async def apply(data: Mapping[str, object], ref: Reference, address: str) -> Awaitable[None] | None:
    """Take an application from the /join form. Returns the sending of the email that says
    it arrived (for the caller to run after answering), or None when there is none to send:
    no email given, the same application sent again, or a bot's (the hidden field filled:
    thanked, nothing saved). Limited when the address sent too many; Invalid on mistakes."""
    if str(data.get(HONEYPOT) or "").strip():
        return None
    address = limited_by(address)
    await check_limit(address)
    application = read_application(data, ref)
    saved = await save(application, address)
    if saved is None or application.email is None:
        return None
    return send_email(application.email, "We have your application", _arrived(application))


def _arrived(application: NewApplication) -> str:
    return (
        f"{greeting(application.name)}\n\n"
        "Thank you for applying to join the Health Movement. Your application has arrived.\n\n"
        "What happens next: a coordinator will read it, usually within two weeks. They may "
        "contact you to ask a question. When you are accepted, we will email you a link to "
        "sign in to the Health Movement app.\n\n"
        "If you did not apply, you can ignore this email, or tell us and we will delete it.\n"
    )
