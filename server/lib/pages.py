"""What the HTML pages share: reading a form, and showing it again with its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from server.lib.auth import current_actor
from server.lib.records import Context
from server.lib.validation import Conflict, Invalid

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def fields(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Only the named fields of a form (not its CSRF token), blank when missing."""
    return {name: data.get(name, "") for name in names}


async def save_or_show_again(
    save: Callable[[], Awaitable[Any]],
    template: str,
    context: Mapping[str, Any],
    sent: Mapping[str, Any],
    done: str,
) -> Template | Redirect:
    """Save; then go to `done` (post, redirect, get). On a mistake, the same form again
    with every error beside its field and everything typed kept. A form sent twice (a
    double tap) is saved once."""
    try:
        await save()
    except Conflict:
        pass
    except Invalid as exc:
        values = {**context.get("values", {}), **sent}
        return Template(
            template, status_code=400, context={**context, "values": values, "errors": exc.errors}
        )
    return Redirect(done, status_code=303)


async def page_context(request: Request[Any, Any, Any]) -> Context | None:
    """The signed-in person's context for a page, or None: the page sends them to sign in."""
    actor = current_actor(request)
    return None if actor is None else await Context.load(actor)


def to_sign_in() -> Redirect:
    return Redirect("/sign-in", status_code=303)


async def form_post(
    request: Request[Any, Any, Any],
    data: Mapping[str, Any],
    names: tuple[str, ...],
    save: Callable[[Context, dict[str, Any]], Awaitable[Any]],
    template: str,
    context: Callable[[Context], Awaitable[dict[str, Any]]],
    done: str,
) -> Template | Redirect:
    """A page's form sent: signed in or off to sign in; saved, or shown again with errors."""
    ctx = await page_context(request)
    if ctx is None:
        return to_sign_in()
    sent = fields(data, names)
    return await save_or_show_again(
        lambda: save(ctx, sent), template, await context(ctx), sent, done
    )
