"""/my-data: everything held about me (to read, or as CSV or JSON), or delete my account."""

from __future__ import annotations

import json
from typing import Annotated

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from server.accounts.cookies import session_cookie
from server.lib.auth import Actor, AppRequest, current_actor
from server.lib.pages import signed_in_pages, url
from server.lib.records import Forbidden
from server.lib.validation import Invalid
from server.mydata.services import erase_me, my_data
from server.privacy.download import as_csv, as_json, readable_rows

CONFIRM = "Tick the box to say you understand, to delete your account."
FormData = Annotated[dict[str, object], Body(media_type=RequestEncodingType.URL_ENCODED)]
PRIVATE = {"Cache-Control": "no-store"}  # nobody else's browser or proxy may keep it


def _actor(request: AppRequest) -> Actor:
    actor = current_actor(request)
    assert actor is not None  # the sign-in guard let them in
    return actor


@get("/my-data", include_in_schema=False, name="my-data")
async def my_data_page() -> Template:
    return Template("mydata/my_data.html", context={"errors": {}}, headers=PRIVATE)


@get("/my-data/all", name="my-data-all", include_in_schema=False)
async def everything_page(request: AppRequest) -> Template:
    sections = await my_data(_actor(request))
    shown = [(s, readable_rows(s)) for s in sections]
    return Template("mydata/everything.html", context={"sections": shown}, headers=PRIVATE)


def _file(body: bytes, media_type: str, extension: str) -> Response[bytes]:
    name = f"my-health-movement-data.{extension}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE},
    )


@get("/my-data/download", name="my-data-download", include_in_schema=False)
async def download(request: AppRequest) -> Response[bytes]:
    data = as_json(await my_data(_actor(request)))
    body = json.dumps(data, indent=2, default=str, ensure_ascii=False).encode()
    return _file(body, "application/json", "json")


@get("/my-data/download.csv", name="my-data-download-csv", include_in_schema=False)
async def download_csv(request: AppRequest) -> Response[bytes]:
    return _file(as_csv(await my_data(_actor(request))), "text/csv; charset=utf-8", "csv")


@post("/my-data/delete", name="my-data-delete", include_in_schema=False, status_code=303)
async def delete_me(request: AppRequest, data: FormData) -> Template | Redirect:
    actor = _actor(request)
    if data.get("confirm") != "yes":
        return Template(
            "mydata/my_data.html", status_code=400, context={"errors": {"confirm": CONFIRM}}
        )
    try:
        await erase_me(actor)
    except (Invalid, Forbidden) as exc:  # the last admin, or an admin's account by a non-admin
        message = exc.errors.get("", "") if isinstance(exc, Invalid) else str(exc)
        return Template(
            "mydata/my_data.html", status_code=409, context={"errors": {"confirm": message}}
        )
    return Redirect(
        url(request, "my-data-deleted"), status_code=303, cookies=[session_cookie("", 0)]
    )


@get("/my-data/deleted", include_in_schema=False, name="my-data-deleted")
async def deleted() -> Template:
    return Template("mydata/deleted.html")


HANDLERS = [
    deleted,  # after the account is gone: nobody is signed in
    signed_in_pages(my_data_page, everything_page, download, download_csv, delete_me),
]
