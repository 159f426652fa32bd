"""Console settings (admins only): accounts and roles, areas, programmes and their targets,
courses and organisations.

Reference records are changed through their RecordType (create_record, update_record,
delete_record), so the checks and the audit log are the same as the API's. Accounts are
changed through server.accounts.services, which audits each change as the admin who made it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from server.accounts import services as accounts
from server.accounts.sign_in import TooManyRequests, request_link
from server.console.exports import download, wanted_format
from server.console.record_forms import RecordForm, form_handlers
from server.lib.auth import ROLES, Actor, AppRequest, admin, current_actor
from server.lib.client import client_address
from server.lib.pages import FormData, PageContext, fields, url
from server.lib.records import (
    Context,
    NotFound,
    delete_record,
)
from server.lib.validation import Conflict, Invalid
from server.reference.services import (
    ADMIN_KINDS,
    ReferenceKind,
    field_choices,
    form_values,
    list_reference,
    reference_item,
)
from server.settings import get_settings

AnyRequest = AppRequest


def page(template: str, code: int = 200, /, **context: object) -> Template:
    """A settings page, with the Settings menu item marked."""
    return Template(
        f"console/admin/{template}", status_code=code, context={"section": "admin", **context}
    )


def query(params: Mapping[str, object], **changes: object) -> str:
    """The current query string with some parameters changed (None: left out)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def local_times(items: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Accounts with their times in the council's time zone (the database keeps UTC)."""
    zone = ZoneInfo(get_settings().time_zone)
    keys = ("created_at", "last_sign_in")
    return [
        {**a, **{k: t.astimezone(zone) for k in keys if isinstance(t := a.get(k), datetime)}}
        for a in items
    ]


def actor_of(request: AnyRequest) -> Actor:
    actor = current_actor(request)
    assert actor is not None  # the console's guard made sure
    return actor


@get("/admin", name="console-admin", guards=[admin])
async def settings_page() -> Template:
    return page("index.html", kinds=ADMIN_KINDS)


# Reference records --------------------------------------------------------------------


NEW_DEFAULTS = {"sort_order": "100", "kind": "", "sector": "public"}


def reference_handlers(kind: ReferenceKind) -> list[HTTPRouteHandler]:
    """List, add, change and delete for one kind of reference record."""
    base = f"/admin/{kind.path}"
    names = tuple(f.name for f in kind.fields)
    tag = f"console-admin-{kind.path}"

    async def form_context(
        ctx: Context, record_id: int | None, sent: Mapping[str, object] | None
    ) -> dict[str, object]:
        """The form: empty (with defaults), a record's values, or (sent) what was typed."""
        values: dict[str, str] = {}
        if record_id is not None:
            item = await reference_item(kind, ctx, record_id)  # NotFound: a 404 page
            values = form_values(item)
        elif sent is None:
            values = {k: v for k, v in NEW_DEFAULTS.items() if k in names}
        return {
            "section": "admin",
            "kind": kind,
            "values": {} if sent is not None else values,
            "errors": {},
            "choices": field_choices(ctx.ref),
            "record_id": record_id,
        }

    forms = form_handlers(
        RecordForm(
            rt=kind.rt,
            template="console/admin/form.html",
            names=names,
            context=form_context,
            list_name=tag,
            done_key="saved",
            new_path=f"{base}/new",
            add_path=base,
            edit_path=f"{base}/{{record_id:int}}",
            guards=[admin],
            name=tag,
        )
    )

    @get(base, name=tag, guards=[admin])
    async def listing(request: AnyRequest, ctx: PageContext) -> Template | Response[bytes] | Stream:
        params = dict(request.query_params)
        fmt = params.pop("format", None)
        context: dict[str, object] = {
            "kind": kind,
            "values": params,
            "choices": field_choices(ctx.ref),
            "saved": params.get("saved", ""),
            "errors": {},
        }
        try:
            if fmt is not None:
                rows = await list_reference(kind, ctx, params, everything=True)
                return download(kind.path, kind.columns, rows.items, wanted_format(fmt))
            found = await list_reference(kind, ctx, params)
        except Invalid as exc:
            return page(
                "list.html",
                400,
                **{
                    **context,
                    "errors": exc.errors,
                    "items": [],
                    "total": 0,
                    "page": 1,
                    "per_page": 50,
                },
            )
        return page(
            "list.html",
            **context,
            items=found.items,
            page=found.page,
            per_page=found.per_page,
            total=found.total,
            filters=query({k: params.get(k) for k in kind.filters}),
            paged=query(params, page=None),  # page= is added by the pagination macro
        )

    @get(f"{base}/{{record_id:int}}/delete", name=f"{tag}-confirm", guards=[admin])
    async def confirm(ctx: PageContext, record_id: FromPath[int]) -> Template:
        item = await reference_item(kind, ctx, record_id)
        return page("delete.html", kind=kind, item=item, errors={})

    @post(f"{base}/{{record_id:int}}/delete", name=f"{tag}-delete", guards=[admin], status_code=303)
    async def remove(
        request: AnyRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        item = await reference_item(kind, ctx, record_id)
        if data.get("confirm") != "yes":
            errors = {"confirm": f"Confirm that you want to delete this {kind.one}."}
            return page("delete.html", 400, kind=kind, item=item, errors=errors)
        try:
            await delete_record(kind.rt, ctx, record_id)
        except Conflict as exc:
            return page(
                "delete.html", 409, kind=kind, item=item, in_use=exc.errors.get(""), errors={}
            )
        return Redirect(url(request, tag, {"saved": "deleted"}), status_code=303)

    return [listing, *forms, confirm, remove]


# Accounts -----------------------------------------------------------------------------

ACCOUNT_COLUMNS = (
    ("email", "Email"),
    ("role", "Role"),
    ("name", "Name"),
    ("active", "Active"),
    ("created_at", "Created"),
    ("last_sign_in", "Last signed in"),
)
NEW_ACCOUNT = ("email", "role", "person", "name", "search")
DONE = {
    "added": "The account was added. They can now ask for a sign-in link on the sign-in page.",
    "role": "The role was changed.",
    "deactivated": "The account was deactivated: it was signed out everywhere, and its "
    "unused sign-in links and its API tokens no longer work.",
    "reactivated": "The account was reactivated: it can sign in again.",
    "sent": "A sign-in link was sent to the account's email address.",
}


@get("/admin/users", name="console-admin-users", guards=[admin])
async def users(request: AnyRequest) -> Template | Response[bytes] | Stream:
    params = dict(request.query_params)
    fmt = params.pop("format", None)
    context: dict[str, object] = {"values": params, "roles": ROLES, "errors": {}}
    try:
        if fmt is not None:
            found = await accounts.list_accounts(params, everything=True)
            rows = local_times(found["items"])
            return download("accounts", ACCOUNT_COLUMNS, rows, wanted_format(fmt))
        found = await accounts.list_accounts(params)
    except Invalid as exc:
        return page(
            "users.html",
            400,
            **{**context, "errors": exc.errors, "items": [], "total": 0, "page": 1, "per_page": 50},
        )
    return page(
        "users.html",
        **context,
        **{**found, "items": local_times(found["items"])},
        filters=query({k: params.get(k) for k in ("q", "role", "status")}),
        paged=query(params, page=None),  # page= is added by the pagination macro
    )


async def _new_user_page(
    values: Mapping[str, object], errors: Mapping[str, str], status: int
) -> Template:
    search = str(values.get("search") or "")
    people = await accounts.find_people(search) if search.strip() else []
    return page(
        "new_user.html",
        status,
        values=values,
        errors=errors,
        roles=ROLES,
        people=people,
        searched=bool(search.strip()),
    )


@get("/admin/users/new", name="console-admin-users-new", guards=[admin])
async def new_user() -> Template:
    return await _new_user_page({"person": "new"}, {}, 200)


@post("/admin/users", name="console-admin-users-add", guards=[admin], status_code=303)
async def add_user(request: AnyRequest, data: FormData) -> Template | Redirect:
    sent = {k: str(v) for k, v in fields(data, NEW_ACCOUNT).items()}
    if data.get("action") == "search":  # "Find" pressed: the same form, with who matched
        return await _new_user_page(sent, {}, 200)
    try:
        details = {k: v for k, v in sent.items() if k != "search"}
        account = await accounts.add_account(details, actor_of(request).account_id)
    except Invalid as exc:
        return await _new_user_page(sent, exc.errors, 400)
    return Redirect(
        url(request, "console-admin-user", {"done": "added"}, account_id=account["id"]),
        status_code=303,
    )


async def _user_page(
    request: AnyRequest, account_id: int, errors: Mapping[str, str], status: int = 200
) -> Template:
    try:
        account = await accounts.get_account(account_id)
    except accounts.NoSuchAccount:
        raise NotFound(f"There is no account with id {account_id}.") from None
    return page(
        "user.html",
        status,
        account=local_times([account])[0],
        roles=ROLES,
        errors=errors,
        is_self=account_id == actor_of(request).account_id,
        done=DONE.get(request.query_params.get("done", ""), ""),
    )


@get("/admin/users/{account_id:int}", name="console-admin-user", guards=[admin])
async def user(request: AnyRequest, account_id: FromPath[int]) -> Template:
    return await _user_page(request, account_id, {})


async def _account_change(
    request: AnyRequest, account_id: int, change: Callable[[], Awaitable[None]], done: str
) -> Template | Redirect:
    try:
        await change()
    except accounts.NoSuchAccount:
        raise NotFound(f"There is no account with id {account_id}.") from None
    except accounts.NoLongerAdmin:
        raise PermissionDeniedException("Only admins can do this.") from None
    except Invalid as exc:
        return await _user_page(request, account_id, exc.errors, 400)
    except TooManyRequests as exc:
        answer = await _user_page(request, account_id, {"": str(exc)}, 429)
        answer.headers["Retry-After"] = str(exc.retry_after)  # RFC 9110 10.2.3
        return answer
    return Redirect(
        url(request, "console-admin-user", {"done": done}, account_id=account_id),
        status_code=303,
    )


@post(
    "/admin/users/{account_id:int}/role",
    name="console-admin-user-role",
    guards=[admin],
    status_code=303,
)
async def change_role(
    request: AnyRequest, account_id: FromPath[int], data: FormData
) -> Template | Redirect:
    by = actor_of(request)
    return await _account_change(
        request, account_id, lambda: accounts.change_role(account_id, data.get("role"), by), "role"
    )


@post(
    "/admin/users/{account_id:int}/deactivate",
    name="console-admin-user-deactivate",
    guards=[admin],
    status_code=303,
)
async def deactivate(request: AnyRequest, account_id: FromPath[int]) -> Template | Redirect:
    by = actor_of(request)
    return await _account_change(
        request, account_id, lambda: accounts.set_active(account_id, False, by), "deactivated"
    )


@post(
    "/admin/users/{account_id:int}/reactivate",
    name="console-admin-user-reactivate",
    guards=[admin],
    status_code=303,
)
async def reactivate(request: AnyRequest, account_id: FromPath[int]) -> Template | Redirect:
    by = actor_of(request)
    return await _account_change(
        request, account_id, lambda: accounts.set_active(account_id, True, by), "reactivated"
    )


async def _send_link(request: AnyRequest, account_id: int) -> None:
    account = await accounts.get_account(account_id)
    if not account["active"]:
        raise Invalid({"": "This account is deactivated: reactivate it before sending a link."})
    address = client_address(request)
    sending = await request_link(account["email"], address)
    if sending is not None:
        await sending


@post(
    "/admin/users/{account_id:int}/sign-in-link",
    name="console-admin-user-link",
    guards=[admin],
    status_code=303,
)
async def send_link(request: AnyRequest, account_id: FromPath[int]) -> Template | Redirect:
    return await _account_change(
        request, account_id, lambda: _send_link(request, account_id), "sent"
    )


HANDLERS: list[HTTPRouteHandler] = [
    settings_page,
    users,
    new_user,
    add_user,
    user,
    change_role,
    deactivate,
    reactivate,
    send_link,
    *(handler for kind in ADMIN_KINDS for handler in reference_handlers(kind)),
]
