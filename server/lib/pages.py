"""What the HTML pages share: reading a form, and showing it again with its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

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
