"""/join: a resident asks to join the movement. Public, works without JavaScript."""

from __future__ import annotations

from collections.abc import Awaitable

from litestar import get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import Redirect, Template

from server.join import services
from server.lib.auth import AppRequest
from server.lib.client import client_address
from server.lib.pages import FormData, fields, url
from server.lib.reference import load_reference
from server.lib.validation import Invalid, Limited

TEMPLATE = "join/join.html"


async def _context() -> dict[str, object]:
    return {"form": services.join_form(await load_reference())}


@get("/join", include_in_schema=False, name="join")
async def join_page() -> Template:
    return Template(TEMPLATE, context={**await _context(), "values": {}, "errors": {}})


@post("/join", include_in_schema=False, status_code=303)
async def send_application(request: AppRequest, data: FormData) -> Template | Redirect:
    sent = fields(data, (*services.FIELDS, services.HONEYPOT))
    try:
        sending = await services.apply(sent, await load_reference(), client_address(request))
    except Limited as exc:
        return Template(
            "error.html",
            status_code=429,
            context={"heading": "Please wait", "message": exc.errors[""]},
            headers={"Retry-After": str(exc.retry_after)},
        )
    except Invalid as exc:
        values = {k: v for k, v in sent.items() if k != services.HONEYPOT}
        return Template(
            TEMPLATE,
            status_code=400,
            context={**await _context(), "values": values, "errors": _in_page_order(exc.errors)},
        )
    background = BackgroundTask(_await, sending) if sending is not None else None
    return Redirect(url(request, "join-thanks"), status_code=303, background=background)


def _in_page_order(errors: dict[str, str]) -> dict[str, str]:
    """The error summary lists the problems in the order of the fields on the page."""
    order = {name: i for i, name in enumerate(services.FIELDS)}
    return dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))


async def _await(sending: Awaitable[None]) -> None:
    await sending


@get("/join/thanks", include_in_schema=False, name="join-thanks")
async def thanks() -> Template:
    return Template("join/thanks.html")


HANDLERS = [join_page, send_application, thanks]
