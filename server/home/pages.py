"""/ : the champion's home page, and /more: the rest of the app, for the navigation's
"More" (only what this person may use)."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from server.activities.services import log_form_defaults
from server.home.services import my_name_and_programmes, my_numbers
from server.lib.pages import PageContext, signed_in_pages
from server.lib.records import Context
from server.public.answers import borough_now
from server.sessions.services import session_form_choices
from server.wellbeing.services import due_points


async def may_record_sessions(ctx: Context) -> bool:
    """Whether "Record a Friends session" is offered: only to someone it would let save
    one (server.sessions.services.may_run_sessions decides for champions)."""
    return bool(await session_form_choices(ctx))


@get("/", include_in_schema=False, name="home")
async def home(ctx: PageContext) -> Template:
    assert ctx.actor is not None  # the sign-in guard let them in
    person = ctx.actor.person_id
    name, programmes = await my_name_and_programmes(person)
    # The log form's programme and area, for the phone's copy of the form (used without
    # signal even before the log page was ever opened).
    defaults = await log_form_defaults(ctx)
    log_values = defaults["values"]
    return Template(
        "home/home.html",
        context={
            "name": name,
            "programmes": programmes,
            "mine": await my_numbers(person),
            # The movement's numbers as the public sees them: one place decides them.
            "totals": await borough_now(),
            "sessions": await may_record_sessions(ctx),
            # Wellbeing (issue 16): the card when a point's questions are open to answer.
            "wellbeing_due": bool(await due_points(person)),
            "log_choices": {
                **{k: log_values[k] for k in ("programme", "footprint")},
                # only these are offered on the phone's copy of the form
                "programmes": " ".join(p["slug"] for p in defaults["programmes"]),
            },
        },
    )


@get("/more", include_in_schema=False, name="more")
async def more_page(ctx: PageContext) -> Template:
    """The navigation's "More": stories, training, sessions (if allowed), my data, email,
    the console for staff, and signing out. A plain page, so it works without JavaScript."""
    assert ctx.actor is not None  # the sign-in guard let them in
    return Template(
        "home/more.html",
        context={"sessions": await may_record_sessions(ctx), "staff": ctx.actor.is_staff},
    )


HANDLERS = [signed_in_pages(home, more_page)]
