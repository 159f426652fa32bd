"""What the HTML pages share: reading a form, and showing it again with its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template

from server.lib.auth import current_actor
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

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def fields(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Only the named fields of a form (not its CSRF token), blank when missing; a date's
    day, month and year boxes (and time's hours and minutes) read as one field."""
    return {name: form_value(data, name) for name in names}


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


def register(engine: JinjaTemplateEngine) -> None:
    """The templates' filters for dates and time spent."""
    engine.engine.filters.update(
        long_date=long_date, time_spent=time_spent, date_boxes=date_boxes, time_boxes=time_boxes
    )
