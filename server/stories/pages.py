"""/stories/new: share a story. /stories: my stories, each one's status, and taking back
the consent to publish it or deleting it (each after a page that asks to confirm, so that
it works without JavaScript)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, form_post, signed_in_pages, url
from server.lib.records import Context, create_record
from server.stories.services import (
    LONGEST,
    STORIES,
    delete_my_story,
    my_stories,
    my_story,
    set_my_consent,
)
from server.stories.shapes import Story

FIELDS = ("text", "programme", "consent_to_publish")
# What each action says on the list afterwards (?done=...).
DONE = {
    "withdrawn": "Your story is withdrawn. It is no longer published anywhere.",
    "deleted": "Your story is deleted.",
    "consent": "Thank you. A coordinator will read your story again before it is published.",
}


async def _context(ctx: Context, saved: bool = False) -> dict[str, object]:
    return {
        "stories": await my_stories(ctx),
        "values": {},
        "errors": {},
        "saved": saved,
        "longest": LONGEST,
    }


@get("/stories/new", include_in_schema=False, name="new-story")
async def new_story_page(request: AppRequest, ctx: PageContext) -> Template:
    saved = request.query_params.get("saved") == "1"
    return Template("stories/new.html", context=await _context(ctx, saved))


@post("/stories/new", include_in_schema=False, status_code=303)
async def share_story(request: AppRequest, ctx: PageContext, data: FormData) -> Template | Redirect:
    def save(ctx: Context, sent: dict[str, object]) -> Awaitable[Story]:
        consent = sent["consent_to_publish"] == "yes"  # a ticked box sends "yes"
        return create_record(STORIES, ctx, {**sent, "consent_to_publish": consent})

    return await form_post(
        ctx,
        data,
        FIELDS,
        save,
        "stories/new.html",
        _context,
        url(request, "new-story", {"saved": "1"}),
    )


@get("/stories", include_in_schema=False, name="my-stories")
async def my_stories_page(request: AppRequest, ctx: PageContext) -> Template:
    done = DONE.get(request.query_params.get("done", ""))
    return Template("stories/mine.html", context={"stories": await my_stories(ctx), "done": done})


async def _confirm(
    ctx: Context, record_id: int, action: str, heading: str, button: str
) -> Template:
    """The page that asks before withdrawing or deleting: the form posts to itself."""
    story = await my_story(ctx, record_id)  # NotFound (a 404 page): someone else's
    context = {"story": story, "action": action, "heading": heading, "button": button}
    return Template("stories/confirm.html", context=context)


@get("/stories/{record_id:int}/withdraw", name="story-withdraw", include_in_schema=False)
async def confirm_withdraw(ctx: PageContext, record_id: FromPath[int]) -> Template:
    return await _confirm(ctx, record_id, "withdraw", "Withdraw your story?", "Withdraw it")


@get("/stories/{record_id:int}/delete", name="story-delete", include_in_schema=False)
async def confirm_delete(ctx: PageContext, record_id: FromPath[int]) -> Template:
    return await _confirm(ctx, record_id, "delete", "Delete your story?", "Delete it")


async def _act(
    request: AppRequest,
    ctx: Context,
    done: str,
    act: Callable[[Context], Awaitable[object]],
) -> Redirect:
    """A confirmed action on one of my stories, then back to the list saying it is done."""
    await act(ctx)
    return Redirect(url(request, "my-stories", {"done": done}), status_code=303)


@post("/stories/{record_id:int}/withdraw", include_in_schema=False, status_code=303)
async def withdraw_story(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int]
) -> Redirect:
    return await _act(request, ctx, "withdrawn", lambda ctx: set_my_consent(ctx, record_id, False))


@post(
    "/stories/{record_id:int}/consent",
    name="story-consent",
    include_in_schema=False,
    status_code=303,
)
async def consent_again(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int]
) -> Redirect:
    return await _act(request, ctx, "consent", lambda ctx: set_my_consent(ctx, record_id, True))


@post("/stories/{record_id:int}/delete", include_in_schema=False, status_code=303)
async def delete_story(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Redirect:
    return await _act(request, ctx, "deleted", lambda ctx: delete_my_story(ctx, record_id))


HANDLERS = [
    signed_in_pages(
        new_story_page,
        share_story,
        my_stories_page,
        confirm_withdraw,
        confirm_delete,
        withdraw_story,
        consent_again,
        delete_story,
    )
]
