"""/wellbeing: the champions' app asks the four ONS personal wellbeing questions when a
point is due (the home page's card links here). One question set, saved for every
programme due; "Skip these questions" records the choice, so the card goes away until the
next point. Works without JavaScript: radios, and two buttons."""

from __future__ import annotations

from litestar import get, post
from litestar.response import Redirect, Template

from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, fields, save_or_show_again, signed_in_pages, url
from server.lib.records import Context
from server.settings import get_settings
from server.wellbeing.figures import MEASURES, SCORES, point_name
from server.wellbeing.services import answer, due_points

# What the page says after a save or a skip (?done=...): its heading and a sentence.
DONE = {
    "saved": ("Thank you", "Your answers are saved."),
    "skipped": ("Questions skipped", "You skipped these questions. We will ask again next "
                "time."),
}  # fmt: skip


def listed(items: list[str]) -> str:
    """Words joined as people write them: "a", "a and b", "a, b and c"."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""


async def _context(ctx: Context) -> dict[str, object]:
    settings = get_settings()
    due = await due_points(ctx.actor.person_id if ctx.actor else None)
    return {
        "due": [{"name": p.name, "point": point_name(p.months), "closes_on": p.closes_on}
                for p in due],
        "for_whom": listed([f"{p.name} ({point_name(p.months).lower()})" for p in due]),
        "measures": MEASURES,
        "follow_ups": listed([str(m) for m in settings.wellbeing_follow_up_months]),
        "small_number": settings.small_number,
        "values": {},
        "errors": {},
    }  # fmt: skip


@get("/wellbeing", include_in_schema=False, name="wellbeing")
async def wellbeing_page(request: AppRequest, ctx: PageContext) -> Template:
    done = DONE.get(request.query_params.get("done", ""))
    return Template("wellbeing/questions.html", context={**await _context(ctx), "done": done})


@post("/wellbeing", include_in_schema=False, status_code=303)
async def send_answers(
    request: AppRequest, ctx: PageContext, data: FormData
) -> Template | Redirect:
    skip = data.get("action") == "skip"
    # Skipping keeps nothing that was ticked: the person chose not to answer this time.
    sent = {"skip": "yes"} if skip else {**fields(data, SCORES), "skip": ""}
    done = url(request, "wellbeing", {"done": "skipped" if skip else "saved"})
    return await save_or_show_again(
        lambda: answer(ctx, sent),
        "wellbeing/questions.html",
        {**await _context(ctx), "done": None},
        {k: v for k, v in sent.items() if k in SCORES},
        done,
    )


HANDLERS = [signed_in_pages(wellbeing_page, send_answers)]
