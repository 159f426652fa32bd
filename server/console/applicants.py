"""Console: Applicants, the applications to join sent from /join. The queue (oldest first,
by programme, area and status, downloadable), one applicant's page, and the three
decisions: approve, ask for more, decline."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping

from litestar import get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.response import Redirect, Response, Stream, Template

from server.console.exports import download, wanted_format
from server.join import queue
from server.join.queue import STATUS, Applicant
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, url
from server.lib.records import Context
from server.lib.validation import Conflict, Invalid

Page = Template | Redirect | Response[bytes] | Stream
COLUMNS = (
    ("id", "Application"), ("created_at", "Sent"), ("status", "Status"), ("name", "Name"),
    ("email", "Email"), ("phone", "Mobile"), ("postcode", "Postcode"),
    ("year_of_birth", "Year of birth"), ("programmes", "Programmes"), ("area", "Area"),
    ("organisation", "Organisation"), ("parent", "Parent or carer"),
    ("parent_email", "Parent's or carer's email"), ("waited_days", "Days waiting"),
)  # fmt: skip
DONE = {
    "approved": "Approved.",
    "asked": "Your question is saved, and emailed to them if they gave an email address.",
    "declined": "Declined. The application will be deleted 30 days from now.",
}


def _names(ctx: Context) -> dict[str, object]:
    areas = [(f["code"], f["name"]) for f in ctx.ref.footprints.values()]
    return {
        "programme_names": {p["slug"]: p["name"] for p in ctx.ref.programmes.values()},
        "footprint_names": {f["id"]: f["name"] for f in ctx.ref.footprints.values()},
        "area_options": [("none", "Not sure"), *areas],
        "status_options": [("all", "All"), *STATUS.items()],
        "statuses": STATUS,
        "section": "applicants",
    }


def _row(a: Applicant, ctx: Context) -> dict[str, object]:
    names = {p["slug"]: p["name"] for p in ctx.ref.programmes.values()}
    area = ctx.ref.footprints.get(a.row["footprint"] or 0)
    return {
        **a.row,
        "status": STATUS.get(a.row["status"], a.row["status"]),
        "programmes": "; ".join(names.get(s, s) for s in a.programmes),
        "area": area["name"] if area else "Not sure",
        "parent": a.row["parent_name"],
        "waited_days": a.waited_days,
        "needs_check": a.needs_check,
    }


@get("/applicants", name="console-applicants")
async def applicants_page(request: AppRequest, ctx: PageContext) -> Page:
    params = dict(request.query_params)
    try:
        filters = queue.read_filters(params, ctx.ref)
        fmt = wanted_format(params["format"]) if "format" in params else None
    except Invalid as exc:
        context = {**_names(ctx), "items": [], "total": 0, "query": {}, "errors": exc.errors}
        return Template("console/applicants/list.html", status_code=400, context=context)
    items, total = await queue.list_applicants(filters, ctx.ref)
    if fmt is not None:
        return download("applicants", COLUMNS, [_row(a, ctx) for a in items], fmt)
    query = {k: v for k, v in params.items() if k in ("programme", "area", "status") and v}
    context = {
        **_names(ctx), "items": [_row(a, ctx) for a in items], "total": total,
        "query": query, "errors": {}, "filters": params,
    }  # fmt: skip
    return Template("console/applicants/list.html", context=context)


async def _one(
    ctx: Context,
    application_id: int,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    done: str = "",
    values: Mapping[str, object] | None = None,
) -> Template:
    applicant = await queue.get_applicant(application_id, ctx.ref)
    if applicant is None:
        return Template(
            "error.html",
            status_code=404,
            context={"heading": "Page not found", "message": "There is no such application."},
        )
    context = {
        **_names(ctx), "a": applicant, "errors": dict(errors or {}), "done": DONE.get(done),
        "values": dict(values or {}),
    }  # fmt: skip
    return Template("console/applicants/one.html", status_code=status, context=context)


@get("/applicants/{application_id:int}", name="console-applicant")
async def applicant_page(
    request: AppRequest, ctx: PageContext, application_id: FromPath[int]
) -> Template:
    return await _one(ctx, application_id, done=request.query_params.get("done", ""))


def _by(ctx: Context) -> int | None:
    return ctx.actor.account_id if ctx.actor else None


def _decided(
    request: AppRequest, application_id: int, done: str, background: BackgroundTask | None
) -> Redirect:
    """Back to the applicant's page, which says what was done (post, redirect, get)."""
    target = url(request, "console-applicant", {"done": done}, application_id=application_id)
    return Redirect(target, status_code=303, background=background)


async def _send(sending: Awaitable[None]) -> None:
    await sending


@post("/applicants/{application_id:int}/approve", name="console-applicant-approve")
async def approve(
    request: AppRequest, ctx: PageContext, application_id: FromPath[int], data: FormData
) -> Template | Redirect:
    checked = str(data.get("parent_checked") or "") in ("yes", "on", "true")
    try:
        done = await queue.approve(application_id, _by(ctx), ctx.ref, parent_checked=checked)
    except Conflict as exc:
        return await _one(ctx, application_id, exc.errors, 409)
    except Invalid as exc:
        return await _one(ctx, application_id, exc.errors, 400)
    background = BackgroundTask(_send, done.sending) if done.sending is not None else None
    return _decided(request, application_id, "approved", background)


@post("/applicants/{application_id:int}/ask", name="console-applicant-ask")
async def ask(
    request: AppRequest, ctx: PageContext, application_id: FromPath[int], data: FormData
) -> Template | Redirect:
    try:
        _, sending = await queue.ask_for_more(application_id, data, _by(ctx))
    except Conflict as exc:
        return await _one(ctx, application_id, exc.errors, 409)
    except Invalid as exc:
        return await _one(ctx, application_id, exc.errors, 400, values=data)
    background = BackgroundTask(_send, sending) if sending is not None else None
    return _decided(request, application_id, "asked", background)


@post("/applicants/{application_id:int}/decline", name="console-applicant-decline")
async def decline(
    request: AppRequest, ctx: PageContext, application_id: FromPath[int], data: FormData
) -> Template | Redirect:
    try:
        await queue.decline(application_id, data, _by(ctx))
    except Conflict as exc:
        return await _one(ctx, application_id, exc.errors, 409)
    except Invalid as exc:
        return await _one(ctx, application_id, exc.errors, 400, values=data)
    return _decided(request, application_id, "declined", None)


HANDLERS = [applicants_page, applicant_page, approve, ask, decline]
