"""The sign-in pages: ask for a link, use it, sign out."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from litestar import get, post
from litestar.background_tasks import BackgroundTask
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from server.accounts import sign_in
from server.accounts.cookies import fresh_csrf_cookie, session_cookie
from server.accounts.services import is_link_token, note_device
from server.lib.auth import SESSION_COOKIE, AppRequest, current_actor
from server.lib.client import client_address
from server.lib.pages import url
from server.lib.validation import Invalid

COPY_ALL = "If you copied the link from the email, check that you copied all of it."

Form = Annotated[dict[str, object], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/sign-in", include_in_schema=False, name="sign-in")
async def sign_in_page(request: AppRequest) -> Template | Redirect:
    if current_actor(request) is not None:
        return Redirect(url(request, "home"))
    return Template("accounts/sign_in.html", context={"errors": {}, "email": ""})


@post("/sign-in", include_in_schema=False, status_code=200)
async def ask_for_link(request: AppRequest, data: Form) -> Template:
    raw = data.get("email", "")
    address = client_address(request)
    try:
        sending = await sign_in.request_link(raw, address)
    except Invalid as exc:
        return Template(
            "accounts/sign_in.html",
            status_code=400,
            context={"errors": exc.errors, "email": str(raw)[:254]},
        )
    except sign_in.TooManyRequests as exc:
        return Template(
            "accounts/problem.html",
            status_code=429,
            context={"heading": "Please wait", "message": str(exc)},
            headers={"Retry-After": str(exc.retry_after)},
        )
    background = BackgroundTask(_await, sending) if sending is not None else None
    email = sign_in.read_email(raw)
    return Template("accounts/check_email.html", context={"email": email}, background=background)


async def _await(sending: Awaitable[None]) -> None:
    await sending


def _link_not_valid(status_code: int) -> Template:
    return Template(
        "accounts/problem.html",
        status_code=status_code,
        context={
            "heading": "This link does not work" + (" any more" if status_code == 400 else ""),
            "message": "Sign-in links work once, for 15 minutes."
            + ("" if status_code == 400 else " " + COPY_ALL),
        },
    )


@get("/sign-in/{token:str}", include_in_schema=False)
async def confirm_page(token: FromPath[str]) -> Template:
    # A button, not an automatic sign-in: email scanners open links before people do,
    # and would use up the link. Only a token of the shape the app makes gets the form.
    if not is_link_token(token):
        return _link_not_valid(404)
    return Template("accounts/confirm.html", context={"token": token})


@post("/sign-in/{token:str}", include_in_schema=False, name="sign-in-use-link")
async def use_link(request: AppRequest, token: FromPath[str]) -> Template | Redirect:
    if not is_link_token(token):
        return _link_not_valid(404)
    try:
        session = await sign_in.complete(token)
        await note_device(session, request.headers.get("user-agent"))
    except sign_in.LinkNotValid:
        return _link_not_valid(400)
    lifetime = int(sign_in.SESSION_LIFETIME.total_seconds())
    return Redirect(
        url(request, "home"), cookies=[session_cookie(session, lifetime), fresh_csrf_cookie()]
    )


@post("/sign-out", name="sign-out", include_in_schema=False)
async def sign_out(request: AppRequest, data: Form) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await sign_in.sign_out(token, everywhere=data.get("everywhere") == "yes")
    return Redirect(url(request, "sign-in"), cookies=[session_cookie("", 0)])


HANDLERS = [sign_in_page, ask_for_link, confirm_page, use_link, sign_out]
