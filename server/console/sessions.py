"""Console: Friends sessions (list, filter, download, add, change, delete) and external
figures (Friends counted by others, such as the national Dementia Friends programme)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlencode

import msgspec
from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Response, Stream, Template

from server.console.exports import download, wanted_format
from server.console.record_forms import RecordForm, delete_handler, form_handlers
from server.lib.auth import AppRequest
from server.lib.pages import PageContext
from server.lib.records import (
    Context,
    create_record,
    get_record,
    update_record,
    validate,
)
from server.lib.records import (
    Page as Listing,
)
from server.lib.validation import MAX_ID, Invalid, read_date_filters
from server.sessions.services import (
    EXTERNAL_COUNTS,
    EXTERNAL_FILTERS,
    FRIENDS_SESSIONS,
    SESSION_FILTERS,
    every_page,
    external_list,
    external_sources,
    find_runners,
    person_names,
    read_runner,
    runner_label,
    sessions_list,
)
from server.settings import today
from server.totals.services import totals

Page = Template | Redirect
SESSION_FIELDS = ("programme", "held_on", "footprint", "venue", "attendees", "run_by", "note")
# The form also sends the "Run by" search box, and "find" from its Find button.
SESSION_FORM_FIELDS = (*SESSION_FIELDS, "run_by_q")
EXTERNAL_FIELDS = ("programme", "footprint", "friends", "as_of", "source", "note")
EMPTY: Listing[dict[str, object]] = Listing(items=[], page=1, per_page=50, total=0)
DONE = {
    "added": "Saved.",
    "changed": "Your changes are saved.",
    "deleted": "Deleted.",
}
SESSION_COLUMNS = (
    ("held_on", "Date"),
    ("programme_name", "Programme"),
    ("footprint_name", "Area"),
    ("venue", "Venue"),
    ("attendees", "Attendees"),
    ("run_by_name", "Run by"),
    ("note", "Note"),
)
EXTERNAL_COLUMNS = (
    ("as_of", "As of"),
    ("programme_name", "Programme"),
    ("footprint_name", "Area"),
    ("friends", "Friends"),
    ("source", "Source"),
    ("counts_now", "Counts now"),
    ("note", "Note"),
)


def _programme_names(ctx: Context) -> dict[str, str]:
    return {p["slug"]: p["name"] for p in ctx.ref.programmes.values()}


def _footprint_names(ctx: Context) -> dict[str, str]:
    return {f["code"]: f["name"] for f in ctx.ref.footprints.values()}


def _choices(ctx: Context) -> dict[str, object]:
    """The lists every sessions page offers, and names to show for ids and codes."""
    friends = [p for p in ctx.ref.programmes.values() if p["kind"] == "friend"]
    return {
        "section": "sessions",
        "programmes": [(p["slug"], p["name"]) for p in friends],
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "programme_names": _programme_names(ctx),
        "footprint_names": _footprint_names(ctx),
    }


def _name(names: Mapping[str, str], key: object) -> str:
    """The name for a slug or code, or "" where there is none."""
    return names.get(key, "") if isinstance(key, str) else ""


def _named(items: list[dict[str, object]], ctx: Context) -> list[dict[str, object]]:
    """Rows for a download, with names instead of slugs and codes."""
    programmes, footprints = _programme_names(ctx), _footprint_names(ctx)
    for item in items:
        item["programme_name"] = _name(programmes, item["programme"])
        item["footprint_name"] = _name(footprints, item["footprint"])
        if "counts" in item:
            item["counts_now"] = item["counts"]
    return items


# A page of a list (sessions_list, external_list), as list_records answers.
Lister = Callable[[Context, Mapping[str, object], int], Awaitable[Listing[dict[str, object]]]]


async def _list_page(
    request: AppRequest,
    ctx: Context,
    lister: Lister,
    names: tuple[str, ...],
    template: str,
    download_as: tuple[str, tuple[tuple[str, str], ...]],
    more: Callable[[Context], Awaitable[dict[str, object]]] | None = None,
) -> Template | Response[bytes] | Stream:
    """A filtered, paginated list, or all of it as CSV or XLSX with ?format=. Filters that
    cannot be used show the page again with what to fix (400)."""
    params = read_date_filters(request.query_params)
    filters = {k: params.get(k, "") for k in names if k != "page"}
    choices = _choices(ctx)
    status, errors = 200, {}
    try:
        if params.get("format"):
            fmt = wanted_format(request.query_params.get("format"))
            items = await every_page(lister, ctx, filters)
            return download(download_as[0], download_as[1], _named(items, ctx), fmt)
        listing = await lister(ctx, params, 50)
    except Invalid as exc:
        listing, errors, status = EMPTY, exc.errors, 400
    query = urlencode({k: v for k, v in filters.items() if v and isinstance(v, str)})
    context = {
        **choices,
        **(await more(ctx) if more else {}),
        "listing": listing,
        "values": filters,
        "errors": errors,
        "query": query,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return Template(template, context=context, status_code=status)


# Friends sessions ----------------------------------------------------------------------


@get("/sessions", name="console-sessions")
async def sessions_page(
    request: AppRequest, ctx: PageContext
) -> Template | Response[bytes] | Stream:
    return await _list_page(
        request,
        ctx,
        sessions_list,
        SESSION_FILTERS,
        "console/sessions/list.html",
        ("friends-sessions", SESSION_COLUMNS),
    )


async def _session_form(
    ctx: Context, record_id: int | None = None, sent: Mapping[str, object] | None = None
) -> dict[str, object]:
    """The session form's context: the record's values (or what was sent), and the "Run by"
    choices: the person chosen, and the people the search box finds."""
    values: dict[str, object] = {"held_on": today().isoformat()}
    if record_id is not None:
        session = await get_record(FRIENDS_SESSIONS, ctx, record_id)  # NotFound: a 404 page
        saved = msgspec.structs.asdict(session)
        values = {k: "" if saved[k] is None else str(saved[k]) for k in SESSION_FIELDS}
    values.update(sent or {})
    return {
        **_choices(ctx),
        **(await _runner_choices(ctx, values)),
        "values": values,
        "errors": {},
        "record_id": record_id,
    }


async def _runner_choices(ctx: Context, values: Mapping[str, object]) -> dict[str, object]:
    """The person chosen as "Run by" (kept first, ticked) and those the search finds."""
    chosen = str(values.get("run_by") or "").strip()
    query = str(values.get("run_by_q") or "")
    found, more = await find_runners(ctx, query)
    choices = [(pid, runner_label(pid, name)) for pid, name in found]
    if chosen.isdigit() and int(chosen) not in {pid for pid, _ in found}:
        name = await _person_name(min(int(chosen), MAX_ID))
        if name:
            choices.insert(0, (int(chosen), runner_label(int(chosen), name)))
    return {
        "runner_choices": choices,
        "runner_chosen": chosen,
        "runner_query": query.strip(),
        "runner_more": more,
    }


@get("/sessions/runners", name="console-session-runners")
async def runner_search(request: AppRequest, ctx: PageContext) -> Template:
    """The "Run by" choices for what is typed in the search box, as the form shows them:
    htmx asks for them as the coordinator types (the Find button does the same without
    JavaScript)."""
    params = request.query_params
    values = {"run_by": params.get("run_by", ""), "run_by_q": params.get("run_by_q", "")}
    context = await _runner_choices(ctx, values)
    return Template("console/sessions/_runners.html", context=context)


async def _person_name(person_id: int) -> str:
    return (await person_names({person_id})).get(person_id, "")


async def _save_session(ctx: Context, sent: Mapping[str, object], record_id: int | None) -> object:
    """Read "Run by" (a person chosen, or else a name or number typed in the search box),
    then save through FRIENDS_SESSIONS; every problem is reported at once."""
    data = {k: v for k, v in sent.items() if k in SESSION_FIELDS and k != "run_by"}
    current = None
    if record_id is not None:
        current = (await get_record(FRIENDS_SESSIONS, ctx, record_id)).run_by
    errors: dict[str, str] = {}
    try:
        data["run_by"] = await read_runner(sent.get("run_by") or sent.get("run_by_q"), ctx, current)
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        if errors:  # check the rest too, without saving
            await validate(FRIENDS_SESSIONS, data, ctx, None)
        elif record_id is None:
            return await create_record(FRIENDS_SESSIONS, ctx, data)
        else:
            return await update_record(FRIENDS_SESSIONS, ctx, record_id, data)
    except Invalid as exc:
        errors = {**exc.errors, **errors}
    raise Invalid(errors)


SESSION_FORM = RecordForm(
    rt=FRIENDS_SESSIONS,
    template="console/sessions/form.html",
    names=SESSION_FORM_FIELDS,
    context=_session_form,
    list_name="console-sessions",
    name="console-sessions",  # console-sessions-new, -add, -edit, -change, -delete
    done_key="done",
    new_path="/sessions/new",
    add_path="/sessions/new",
    edit_path="/sessions/{record_id:int}/edit",
    save=_save_session,
    # Find: the form again with the people found for "Run by" (without JavaScript).
    find=True,
    on_conflict="done",
)


# External figures ----------------------------------------------------------------------


async def _counted_now(ctx: Context) -> dict[str, object]:
    """Friends counted elsewhere now, for each Friends programme (from the totals)."""
    data = (await totals({})).data
    return {
        "elsewhere": [
            (p["name"], p["friends_from_elsewhere"], p["friends"])
            for p in data["programmes"]
            if p["kind"] == "friend"
        ]
    }


@get("/sessions/external", name="console-external")
async def external_page(
    request: AppRequest, ctx: PageContext
) -> Template | Response[bytes] | Stream:
    return await _list_page(
        request,
        ctx,
        external_list,
        EXTERNAL_FILTERS,
        "console/sessions/external.html",
        ("external-figures", EXTERNAL_COLUMNS),
        _counted_now,
    )


async def _external_form(
    ctx: Context, record_id: int | None = None, sent: Mapping[str, object] | None = None
) -> dict[str, object]:
    values: dict[str, object] = {"as_of": today().isoformat()}
    if record_id is not None:
        figure = await get_record(EXTERNAL_COUNTS, ctx, record_id)  # NotFound: a 404 page
        saved = msgspec.structs.asdict(figure)
        values = {k: "" if saved[k] is None else str(saved[k]) for k in EXTERNAL_FIELDS}
    values.update(sent or {})
    return {
        **_choices(ctx),
        "sources": await external_sources(),
        "values": values,
        "errors": {},
        "record_id": record_id,
    }


EXTERNAL_FORM = RecordForm(
    rt=EXTERNAL_COUNTS,
    template="console/sessions/external_form.html",
    names=EXTERNAL_FIELDS,
    context=_external_form,
    list_name="console-external",
    name="console-external",  # console-external-new, -add, -edit, -change, -delete
    done_key="done",
    new_path="/sessions/external/new",
    add_path="/sessions/external/new",
    edit_path="/sessions/external/{record_id:int}/edit",
    on_conflict="done",
)


HANDLERS: list[HTTPRouteHandler] = [
    sessions_page,
    runner_search,
    *form_handlers(SESSION_FORM),
    delete_handler(SESSION_FORM, "/sessions/{record_id:int}/delete"),
    external_page,
    *form_handlers(EXTERNAL_FORM),
    delete_handler(EXTERNAL_FORM, "/sessions/external/{record_id:int}/delete"),
]
