"""What the HTML pages share: reading a form, and showing it again with its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlencode

from litestar import Router
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.handlers import BaseRouteHandler
from litestar.params import Body
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from server.lib.auth import AppRequest, Connection, current_actor
from server.lib.records import Context
from server.lib.validation import (
    PARTS,
    Conflict,
    DateParts,
    Invalid,
    TimeParts,
    describe_minutes,
    form_value,
)

# A form as sent: each field's text (a list of them where a name is sent more than once).
FormData = Annotated[dict[str, object], Body(media_type=RequestEncodingType.URL_ENCODED)]
# A handler's `ctx: PageContext` is the signed-in person's Context, given by the router
# behind a sign-in or staff guard (request_context): the one request context of pages.
PageContext = NamedDependency[Context]


def fields(data: Mapping[str, object], names: tuple[str, ...]) -> dict[str, object]:
    """Only the named fields of a form (not its CSRF token), blank when missing; a date's
    day, month and year boxes (and time's hours and minutes) read as one field."""
    return {name: form_value(data, name) for name in names}


# What was saved: a page goes on to an address made from it (None after a double tap).
T = TypeVar("T")


async def save_or_show_again(
    save: Callable[[], Awaitable[T]],
    template: str,
    context: Mapping[str, object],
    sent: Mapping[str, object],
    done: str | Callable[[T | None], str],
    *,
    on_conflict: Literal["done", "show"] = "done",
    rename: Mapping[str, str] | None = None,
) -> Template | Redirect:
    """Save; then go to `done` (post, redirect, get; a callable is given what was saved).
    On a mistake, the same form again (400) with every error beside its field (`rename`
    moves a message to the field the form shows) and everything typed kept.

    A `Conflict` is the same form sent twice (a double tap: `on_conflict="done"`, saved
    once, go on as if saved) or a clash with another record (`"show"`: a name or email
    already used, shown as a mistake)."""
    try:
        result = await save()
    except (Invalid, Conflict) as exc:
        if isinstance(exc, Conflict) and on_conflict == "done":
            return Redirect(done if isinstance(done, str) else done(None), status_code=303)
        errors = {(rename or {}).get(k, k): v for k, v in exc.errors.items()}
        typed = context.get("values")
        values = {**(typed if isinstance(typed, Mapping) else {}), **sent}
        return Template(
            template, status_code=400, context={**context, "values": values, "errors": errors}
        )
    return Redirect(done if isinstance(done, str) else done(result), status_code=303)


def error_page(heading: str, message: str, status: int = 400) -> Template:
    """The error page with a heading and a message of the handler's own."""
    return Template(
        "error.html", status_code=status, context={"heading": heading, "message": message}
    )


def url(
    connection: Connection,
    name: str,
    /,
    query: Mapping[str, str] | None = None,
    **path: str | int,
) -> str:
    """The address of the route called `name` (its handler's name=), with a query string:
    links and redirects are built from route names, not written out (the templates do the
    same with `url_for`)."""
    address = connection.app.route_reverse(name, **path)
    return f"{address}?{urlencode(query)}" if query else address


class SignInFirst(Exception):
    """A page for signed-in people asked by someone signed out: they go to sign in."""


def signed_in_page(connection: Connection, _: BaseRouteHandler) -> None:
    """Guard of the champions' pages (any signed-in account)."""
    # OPTIONS (which methods a path takes) needs no sign-in, as before the guard.
    if current_actor(connection) is None and connection.scope.get("method") != "OPTIONS":
        raise SignInFirst


def to_sign_in(request: AppRequest, _: SignInFirst) -> Redirect:
    """Off to sign in: 303 whatever the method (see the other page, with GET), as the
    console's guard does."""
    return Redirect(url(request, "sign-in"), status_code=303)


async def request_context(request: AppRequest) -> Context:
    """The `ctx` of every page behind a sign-in guard: the signed-in person's context."""
    return await Context.load(current_actor(request))


def signed_in_pages(*handlers: ControllerRouterHandler) -> Router:
    """Pages for signed-in people only, behind one guard: someone signed out is sent to
    sign in (whatever they asked for, a page or a file), and each handler may take the
    signed-in person's `ctx: Context`."""
    return Router(
        path="/",
        route_handlers=list(handlers),
        guards=[signed_in_page],
        exception_handlers={SignInFirst: to_sign_in},
        dependencies={"ctx": Provide(request_context)},
        include_in_schema=False,
    )


async def form_post(
    ctx: Context,
    data: Mapping[str, object],
    names: tuple[str, ...],
    save: Callable[[Context, dict[str, object]], Awaitable[object]],
    template: str,
    context: Callable[[Context], Awaitable[Mapping[str, object]]],
    done: str,
) -> Template | Redirect:
    """A signed-in page's form sent: saved, or shown again with errors."""
    sent = fields(data, names)
    return await save_or_show_again(
        lambda: save(ctx, sent), template, await context(ctx), sent, done
    )


def long_date(value: object) -> str:
    """A date as people write it, "30 November 2026" (pages only: CSV and JSON keep ISO).
    Takes a date, a datetime or ISO text; anything else is shown as it is."""
    if isinstance(value, str):
        try:
            return f"{date.fromisoformat(value[:10]):%-d %B %Y}"
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return f"{value:%-d %B %Y}"
    return "" if value is None else str(value)


def time_spent(value: object) -> str:
    """Minutes in words: "1 hour 30 minutes", "45 minutes" (never decimal hours)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return describe_minutes(value)
    return "" if value is None else str(value)


def date_boxes(value: object) -> DateParts:
    """What a date input's three boxes show: as typed after a mistake, or the date kept."""
    if isinstance(value, DateParts):
        return value
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return DateParts("", "", "", PARTS)
    if isinstance(value, date):
        return DateParts(str(value.day), str(value.month), str(value.year))
    return DateParts("", "", "")


def time_boxes(value: object) -> TimeParts:
    """What the hours and minutes boxes show: as typed, or the minutes kept split up."""
    if isinstance(value, TimeParts):
        return value
    try:
        total = int(str(value))
    except ValueError:
        return TimeParts("", "")
    hours, minutes = divmod(total, 60)
    return TimeParts(str(hours) if hours else "", str(minutes) if minutes or not hours else "")


def page_count(total: int, per_page: int) -> int:
    """How many pages a list of `total` takes (at least one), for the pagination macro."""
    return max(1, -(-total // per_page)) if per_page else 1


def register(engine: JinjaTemplateEngine) -> None:
    """The templates' filters for dates and time spent, and page_count for pagination."""
    engine.engine.filters.update(
        long_date=long_date, time_spent=time_spent, date_boxes=date_boxes, time_boxes=time_boxes
    )
    engine.engine.globals["page_count"] = page_count
