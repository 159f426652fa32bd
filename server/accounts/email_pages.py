"""Changing my email address: the form, and the link sent to the new address."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from litestar import get, post
from litestar.background_tasks import BackgroundTask
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from server.accounts import email_change
from server.accounts.pages import COPY_ALL
from server.accounts.services import is_link_token
from server.lib.auth import Actor, AppRequest, current_actor
from server.lib.pages import signed_in_pages
from server.lib.validation import Invalid

Form = Annotated[dict[str, object], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _send(sending: Awaitable[None]) -> None:
    await sending


def _actor(request: AppRequest) -> Actor:
    actor = current_actor(request)
    assert actor is not None  # the sign-in guard let them in
    return actor


@get("/my-email", include_in_schema=False, name="my-email")
async def my_email_page(request: AppRequest) -> Template:
    actor = _actor(request)
    current = await email_change.my_email(actor.person_id)
    context: dict[str, object] = {"errors": {}, "email": "", "current": current}
    return Template("accounts/my_email.html", context=context)


@post("/my-email", include_in_schema=False, status_code=200)
async def change_my_email(request: AppRequest, data: Form) -> Template:
    actor = _actor(request)
    raw = data.get("email", "")
    try:
        sending = await email_change.change_my_email(actor.person_id, actor.account_id, raw)
    except Invalid as exc:
        current = await email_change.my_email(actor.person_id)
        context = {"errors": exc.errors, "email": str(raw)[:254], "current": current}
        return Template("accounts/my_email.html", status_code=400, context=context)
    email = str(raw).strip().lower()
    return Template(
        "accounts/email_sent.html",
        context={"message": email_change.SENT.format(email=email)},
        background=BackgroundTask(_send, sending),
    )


def _link_not_valid(message: str, status_code: int) -> Template:
    return Template(
        "accounts/email_done.html",
        status_code=status_code,
        context={"heading": "This link does not work", "message": message, "ok": False},
    )


@get("/email/confirm/{token:str}", include_in_schema=False)
async def confirm_email_page(token: FromPath[str]) -> Template:
    # A button, not an automatic change: email scanners open links before people do.
    # Only a token of the shape the app makes gets the form.
    if not is_link_token(token):
        return _link_not_valid(f"{email_change.LINK_NOT_VALID} {COPY_ALL}", 404)
    return Template("accounts/email_confirm.html", context={"token": token})


@post("/email/confirm/{token:str}", include_in_schema=False, status_code=200, name="email-use-link")
async def use_email_link(token: FromPath[str]) -> Template:
    if not is_link_token(token):
        return _link_not_valid(f"{email_change.LINK_NOT_VALID} {COPY_ALL}", 404)
    try:
        new, old = await email_change.use_change(token)
    except email_change.ChangeNotValid as exc:
        return _link_not_valid(str(exc), 400)
    notice = email_change.tell_old_address(old, new)
    return Template(
        "accounts/email_done.html",
        context={
            "heading": "Your email address is changed",
            "message": f"From now on, sign in with {new}.",
            "ok": True,
        },
        background=BackgroundTask(_send, notice) if notice is not None else None,
    )


HANDLERS = [
    signed_in_pages(my_email_page, change_my_email),
    # The link in the email works in any browser, signed in or not.
    confirm_email_page,
    use_email_link,
]
