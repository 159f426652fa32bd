"""/my-data: download everything held about me, or delete my account."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from server.accounts.pages import session_cookie
from server.lib.auth import current_actor
from server.lib.records import Context
from server.mydata.services import erase_me, my_data

CONFIRM = "Tick the box to say you understand, to delete your account."
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/my-data", include_in_schema=False)
async def my_data_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    if current_actor(request) is None:
        return Redirect("/sign-in")
    return Template("mydata/my_data.html", context={"errors": {}})


@get("/my-data/download", include_in_schema=False)
async def download(request: Request[Any, Any, Any]) -> Response[bytes] | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in")
    data = await my_data(await Context.load(actor))
    body = json.dumps(data, indent=2, default=str, ensure_ascii=False).encode()
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-health-movement-data.json"',
            "Cache-Control": "no-store",
        },
    )


@post("/my-data/delete", include_in_schema=False, status_code=303)
async def delete_me(request: Request[Any, Any, Any], data: FormData) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in", status_code=303)
    if data.get("confirm") != "yes":
        return Template(
            "mydata/my_data.html",
            status_code=400,
            context={
                "errors": {"confirm": "Tick the box to say you understand, to delete your account."}
            },
        )
    await erase_me(await Context.load(actor))
    return Redirect("/my-data/deleted", status_code=303, cookies=[session_cookie("", 0)])


@get("/my-data/deleted", include_in_schema=False)
async def deleted() -> Template:
    return Template("mydata/deleted.html")
