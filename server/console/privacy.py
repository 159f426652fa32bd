"""Console settings (admins only): the privacy notice at /privacy, the council's name and
its contact details, written by the council; every change is in the audit log."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template

from server.lib.auth import AppRequest, admin, current_actor
from server.lib.pages import FormData, url
from server.lib.validation import Invalid
from server.privacy.notice import DEFAULT_NOTICE, KEYS, load_texts, render, save_texts


def _page(
    values: Mapping[str, object], errors: dict[str, str], status: int = 200, **more: object
) -> Template:
    texts = {k: str(values.get(k) or "") for k in KEYS}
    return Template(
        "console/admin/privacy.html",
        status_code=status,
        context={
            "section": "admin",
            "values": texts,
            "errors": errors,
            "preview": render(texts["notice"] or DEFAULT_NOTICE, texts),
            **more,
        },
    )


@get("/admin/privacy", name="console-admin-privacy", guards=[admin])
async def privacy_settings(request: AppRequest) -> Template:
    saved = request.query_params.get("saved") == "1"
    return _page(await load_texts(), {}, saved=saved)


@post("/admin/privacy", name="console-admin-privacy-save", guards=[admin])
async def save_privacy(request: AppRequest, data: FormData) -> Template | Redirect:
    actor = current_actor(request)
    try:
        await save_texts(data, actor.account_id if actor else None)
    except Invalid as exc:
        return _page(dict(data), exc.errors, 400)
    return Redirect(url(request, "console-admin-privacy", {"saved": "1"}), status_code=303)


HANDLERS: list[HTTPRouteHandler] = [privacy_settings, save_privacy]
