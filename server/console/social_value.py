"""Console settings (admins only): the rate in pounds for each hour of volunteering that
the quarterly report's social value estimate uses, and its source (issue 16). Every
change is in the audit log."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template

from server.impact.social_value import MAX_RATE, pounds, rate_values, save_rate
from server.lib.auth import AppRequest, admin, current_actor
from server.lib.pages import FormData, url
from server.lib.validation import Invalid


def _page(
    values: Mapping[str, object], errors: dict[str, str], status: int = 200, **more: object
) -> Template:
    return Template(
        "console/admin/social_value.html",
        status_code=status,
        context={
            "section": "admin",
            "values": {k: str(values.get(k) or "") for k in ("rate", "source")},
            "errors": errors,
            "max_rate": pounds(MAX_RATE),
            **more,
        },
    )


@get("/admin/social-value", name="console-admin-social-value", guards=[admin])
async def social_value_settings(request: AppRequest) -> Template:
    saved = await rate_values()
    values = {"rate": saved["social_value_rate"], "source": saved["social_value_source"]}
    return _page(values, {}, saved=request.query_params.get("saved") == "1")


@post("/admin/social-value", name="console-admin-social-value-save", guards=[admin])
async def save_social_value(request: AppRequest, data: FormData) -> Template | Redirect:
    actor = current_actor(request)
    try:
        await save_rate(data, actor.account_id if actor else None)
    except Invalid as exc:
        return _page(dict(data), exc.errors, 400)
    return Redirect(url(request, "console-admin-social-value", {"saved": "1"}), status_code=303)


HANDLERS: list[HTTPRouteHandler] = [social_value_settings, save_social_value]
