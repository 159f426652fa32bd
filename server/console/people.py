"""Console: finding people, one person's page, adding and changing people and their roles
(memberships), and merging two records of the same person.

Every change goes through PEOPLE and MEMBERSHIPS (server.lib.records), so the rules and the
audit log are the same as the API's."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from server.activities.details import SETTINGS
from server.activities.services import KINDS, service_names
from server.console.common import REVIEW_WORDS, STATUS_NAMES, person_address
from server.console.exports import download, wanted_format
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, error_page, fields, save_or_show_again
from server.lib.records import (
    Context,
    NotFound,
    create_record,
    fetch,
    update_record,
)
from server.lib.validation import MAX_ID, Invalid
from server.people import console as svc
from server.people import shapes
from server.people.merge import FIELDS as MERGE_FIELDS
from server.people.merge import KEEP, OTHER, merge_people, merge_preview
from server.people.services import MEMBERSHIPS, PEOPLE, STATUSES
from server.settings import today

Req = AppRequest
PEOPLE_COLUMNS = (
    ("id", "Id"),
    ("name", "Name"),
    ("email", "Email"),
    ("area", "Area"),
    ("programmes_text", "Programmes"),
)


# The list -----------------------------------------------------------------------------


ANY_ORGANISATION = "Any organisation"


def _choices(ctx: Context) -> dict[str, object]:
    return {
        "programmes": [(p["slug"], p["name"]) for p in ctx.ref.programmes.values()],
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "statuses": list(STATUS_NAMES.items()),
    }


@get("/people", name="console-people")
async def people_list(request: Req, ctx: PageContext) -> Template:
    params = svc.filter_params(request.query_params)
    typed = str(request.query_params.get("organisation_q") or "")
    context = {
        "section": "people",
        "values": {**params, "organisation_q": typed},
        "errors": {},
        **_choices(ctx),
        # A search, as on the person form (thousands of organisations, never one list).
        **(await svc.organisation_search(typed, params.get("organisation"))),
        "org_blank": ANY_ORGANISATION,
    }
    try:
        found = await svc.search_people(ctx, params)
    except Invalid as exc:
        empty = {"items": [], "total": 0, "page": 1, "pages": 1}
        return Template(
            "console/people/list.html",
            status_code=400,
            context={**context, **empty, "errors": exc.errors},
        )
    query = {k: v for k, v in params.items() if k != "page"}
    return Template("console/people/list.html", context={**context, **found, "query": query})


@get("/people/download", name="console-people-download")
async def people_download(request: Req, ctx: PageContext) -> Response[bytes] | Stream | Template:
    try:
        fmt = wanted_format(request.query_params.get("format"))
        rows = svc.people_for_download(ctx, request.query_params)
    except Invalid as exc:
        return error_page("This list cannot be downloaded", " ".join(exc.errors.values()))
    return download("people", PEOPLE_COLUMNS, rows, fmt)


# One person ---------------------------------------------------------------------------


@get("/people/{person_id:int}", name="console-person")
async def person_page(request: Req, ctx: PageContext, person_id: FromPath[int]) -> Template:
    context = await svc.person_page(ctx, person_id)
    return Template(
        "console/people/person.html",
        context={
            **context,
            "section": "people",
            "saved": request.query_params.get("saved"),
            "status_names": STATUS_NAMES,
            "kinds": KINDS,
            "review_words": REVIEW_WORDS,
            "settings": SETTINGS,
            "services": await service_names(),
        },
    )


async def _person_form(
    ctx: Context,
    values: Mapping[str, object],
    sent: Mapping[str, object] | None = None,
    **more: object,
) -> dict[str, object]:
    """The person form's context; the organisation's choices are for what was sent, if
    anything (the one chosen, and what the search box finds)."""
    now = {**values, **(sent or {})}
    return {
        "section": "people",
        "values": values,
        "errors": {},
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        **(await svc.organisation_search(now.get("organisation_q"), now.get("organisation"))),
        **more,
    }


@get("/people/organisations", name="console-organisation-search")
async def organisation_search(request: Req) -> Template:
    """The person form's organisation choices for what is typed in its search box: htmx
    asks as the coordinator types (the Find button does the same without JavaScript)."""
    params = request.query_params
    found = await svc.organisation_search(params.get("organisation_q"), params.get("organisation"))
    # The people list's filter asks with blank=any: its empty choice is "any", not "none".
    blank = ANY_ORGANISATION if params.get("blank") == "any" else "None"
    context = {**found, "org_blank": blank}
    return Template("console/people/_organisations.html", context=context)


def _found_again(context: Mapping[str, object], sent: Mapping[str, object]) -> Template:
    """The person form again after Find, with everything typed kept, saving nothing."""
    kept = context["values"]
    assert isinstance(kept, Mapping)  # the values _person_form was given
    values = {
        **kept,
        **sent,
        "consent_to_contact": sent["consent_to_contact"] == "true",
    }
    return Template("console/people/person_form.html", context={**context, "values": values})


def _sent_person(data: Mapping[str, object]) -> dict[str, object]:
    """The person form's fields. An unticked box sends nothing: that means no consent."""
    sent = fields(data, svc.PERSON_FIELDS)
    sent["consent_to_contact"] = "true" if data.get("consent_to_contact") else "false"
    return sent


def _searched(data: Mapping[str, object]) -> dict[str, str]:
    """The organisation search box, which is not one of the person's fields."""
    return {"organisation_q": str(data.get("organisation_q") or "")}


@get("/people/new", name="console-person-new")
async def new_person_page(ctx: PageContext) -> Template:
    context = await _person_form(ctx, {}, person=None)
    return Template("console/people/person_form.html", context=context)


@post("/people/new", status_code=303)
async def add_person(request: Req, ctx: PageContext, data: FormData) -> Template | Redirect:
    sent = _sent_person(data)
    searched = {**sent, **_searched(data)}
    context = await _person_form(ctx, {}, searched, person=None)
    if data.get("find"):
        return _found_again(context, searched)
    return await save_or_show_again(
        lambda: svc.add_person(ctx, sent),
        "console/people/person_form.html",
        context,
        {**searched, "consent_to_contact": sent["consent_to_contact"] == "true"},
        lambda made: person_address(request, _saved_id(made), "person"),
        on_conflict="show",
    )


async def _edit_context(
    ctx: Context, person_id: int, sent: Mapping[str, object] | None = None
) -> dict[str, object]:
    row = await fetch(PEOPLE, ctx, person_id)
    values = svc.person_values(row, ctx.ref)
    return await _person_form(ctx, values, sent, person=row)


@get("/people/{person_id:int}/edit", name="console-person-edit")
async def edit_person_page(ctx: PageContext, person_id: FromPath[int]) -> Template:
    return Template("console/people/person_form.html", context=await _edit_context(ctx, person_id))


@post("/people/{person_id:int}/edit", status_code=303)
async def change_person(
    request: Req, ctx: PageContext, person_id: FromPath[int], data: FormData
) -> Template | Redirect:
    sent = _sent_person(data)
    searched = {**sent, **_searched(data)}
    context = await _edit_context(ctx, person_id, searched)
    if data.get("find"):
        return _found_again(context, searched)
    return await save_or_show_again(
        lambda: svc.change_person(ctx, person_id, sent),
        "console/people/person_form.html",
        context,
        {**searched, "consent_to_contact": sent["consent_to_contact"] == "true"},
        lambda _: person_address(request, person_id, "person"),
        on_conflict="show",
    )


# Roles (memberships) ------------------------------------------------------------------

MEMBERSHIP_NEW = ("programme", "joined_on")
MEMBERSHIP_EDIT = ("joined_on", "status", "left_on")
QUICK = {
    "pause": {"status": "paused", "left_on": ""},
    "restart": {"status": "active", "left_on": ""},
    "end": {"status": "left"},
}


async def _new_membership_context(ctx: Context, person_id: int) -> dict[str, object]:
    row = await fetch(PEOPLE, ctx, person_id)
    return {
        "section": "people",
        "person": row,
        "programmes": [(p["slug"], p["name"]) for p in ctx.ref.programmes.values()],
        "values": {"joined_on": today().isoformat()},
        "errors": {},
    }


@get("/people/{person_id:int}/memberships/new", name="console-membership-new")
async def new_membership_page(ctx: PageContext, person_id: FromPath[int]) -> Template:
    context = await _new_membership_context(ctx, person_id)
    return Template("console/people/membership_new.html", context=context)


@post("/people/{person_id:int}/memberships/new", status_code=303)
async def add_membership(
    request: Req, ctx: PageContext, person_id: FromPath[int], data: FormData
) -> Template | Redirect:
    context = await _new_membership_context(ctx, person_id)
    sent = fields(data, MEMBERSHIP_NEW)
    return await save_or_show_again(
        lambda: create_record(MEMBERSHIPS, ctx, {**sent, "person": person_id}),
        "console/people/membership_new.html",
        context,
        sent,
        lambda _: person_address(request, person_id, "membership"),
        rename={"person": "programme", "": "programme"},
        on_conflict="show",
    )


def _membership_page(row: Mapping[str, object]) -> dict[str, object]:
    """The role's edit form: svc.membership_with_person's row, and its values."""
    values = {k: "" if row[k] is None else str(row[k]) for k in MEMBERSHIP_EDIT}
    return {
        "section": "people",
        "membership": row,
        "statuses": [(s, STATUS_NAMES[s]) for s in STATUSES],
        "values": values,
        "errors": {},
    }


async def _membership_context(ctx: Context, membership_id: int) -> dict[str, object]:
    return _membership_page(await svc.membership_with_person(ctx, membership_id))


@get("/memberships/{membership_id:int}/edit", name="console-membership-edit")
async def edit_membership_page(ctx: PageContext, membership_id: FromPath[int]) -> Template:
    context = await _membership_context(ctx, membership_id)
    return Template("console/people/membership_edit.html", context=context)


async def _change_membership(
    request: Req,
    ctx: Context,
    membership_id: int,
    sent: Mapping[str, object],
    shown: Mapping[str, object],
) -> Template | Redirect:
    row = await svc.membership_with_person(ctx, membership_id)
    context = _membership_page(row)
    person = row["person"]
    return await save_or_show_again(
        lambda: update_record(MEMBERSHIPS, ctx, membership_id, sent),
        "console/people/membership_edit.html",
        context,
        shown,
        lambda _: person_address(request, person, "membership"),
        # The age rule speaks of the programme; on this form the joined date decides it.
        rename={"programme": "joined_on", "": "joined_on"},
        on_conflict="show",
    )


@post("/memberships/{membership_id:int}/edit", status_code=303)
async def change_membership(
    request: Req, ctx: PageContext, membership_id: FromPath[int], data: FormData
) -> Template | Redirect:
    sent = fields(data, MEMBERSHIP_EDIT)
    return await _change_membership(request, ctx, membership_id, sent, sent)


@post("/memberships/{membership_id:int}/status", name="console-membership-status", status_code=303)
async def quick_membership_change(
    request: Req, ctx: PageContext, membership_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """Pause, restart or end a role with one button (today's date for an end)."""
    change = QUICK.get(str(data.get("action", "")))
    if change is None:
        context = await _membership_context(ctx, membership_id)
        errors = {"status": "Choose to pause, restart or end this role."}
        return Template(
            "console/people/membership_edit.html",
            status_code=400,
            context={**context, "errors": errors},
        )
    return await _change_membership(request, ctx, membership_id, dict(change), {})


# Merging two records of one person ----------------------------------------------------


def _other_id(raw: object) -> int:
    text = str(raw or "").strip()
    if not text:
        raise Invalid({"other": "Enter the other record's id, or find it by name or email."})
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise Invalid({"other": "Enter the other record's id as a number, like 123."})
    return int(text)


async def _merge_context(
    ctx: Context, person_id: int, params: Mapping[str, object], choices: Mapping[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
    """The merge page's context, and the mistakes it shows (its "errors")."""
    keep = await fetch(PEOPLE, ctx, person_id)  # NotFound: a 404 page
    q = str(params.get("q") or "").strip()[:100]
    errors: dict[str, str] = {}
    context: dict[str, object] = {
        "section": "people",
        "person": keep,
        "values": {"q": q, "other": str(params.get("other") or "")},
        "errors": {},
        "found": [],
        "preview": None,
        "keep_value": KEEP,
        "other_value": OTHER,
    }
    if q:
        found = await svc.search_people(ctx, {"q": q})
        context["found"] = [p for p in found["items"] if p["id"] != person_id]
    if params.get("other") not in (None, ""):
        try:
            other = _other_id(params.get("other"))
            context["preview"] = await merge_preview(ctx, person_id, other, choices)
        except NotFound as exc:
            errors = {"other": str(exc)}
        except Invalid as exc:
            errors = exc.errors
    context["errors"] = errors
    return context, errors


@get("/people/{person_id:int}/merge", name="console-person-merge")
async def merge_page(request: Req, ctx: PageContext, person_id: FromPath[int]) -> Template:
    context, errors = await _merge_context(ctx, person_id, request.query_params, {})
    status = 400 if errors else 200
    return Template("console/people/merge.html", status_code=status, context=context)


@post("/people/{person_id:int}/merge", status_code=303)
async def merge(
    request: Req, ctx: PageContext, person_id: FromPath[int], data: FormData
) -> Template | Redirect:
    choices = {k: str(data.get(f"choose_{k}") or "") for k in MERGE_FIELDS}
    context, shown = await _merge_context(ctx, person_id, {"other": data.get("other")}, choices)
    errors = dict(shown)
    if not errors and not data.get("other"):
        errors["other"] = "Enter the other record's id, or find it by name or email."
    if not errors and not data.get("confirm"):
        errors["confirm"] = "Tick the box to confirm that these are the same person."
    if not errors:
        try:
            await merge_people(ctx, person_id, _other_id(data.get("other")), choices)
        except (Invalid, NotFound) as exc:
            errors = exc.errors if isinstance(exc, Invalid) else {"other": str(exc)}
        else:
            return Redirect(person_address(request, person_id, "merged"), status_code=303)
    return Template(
        "console/people/merge.html", status_code=400, context={**context, "errors": errors}
    )


HANDLERS: list[HTTPRouteHandler] = [
    people_list,
    organisation_search,
    people_download,
    person_page,
    new_person_page,
    add_person,
    edit_person_page,
    change_person,
    new_membership_page,
    add_membership,
    edit_membership_page,
    change_membership,
    quick_membership_change,
    merge_page,
    merge,
]


def _saved_id(made: shapes.Person | None) -> int:
    """The id of the person just saved (on_conflict="show": there always is one)."""
    assert made is not None
    return made.id
