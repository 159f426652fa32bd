"""/ : the champion's home page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Redirect, Template

from server.home.services import my_name_and_programmes, my_numbers
from server.lib.auth import current_actor
from server.public.answers import borough_now


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in")
    name, programmes = await my_name_and_programmes(actor.person_id)
    return Template(
        "home/home.html",
        context={
            "name": name,
            "programmes": programmes,
            "mine": await my_numbers(actor.person_id),
            # The movement's numbers as the public sees them: one place decides them.
            "totals": await borough_now(),
        },
    )
