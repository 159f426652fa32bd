"""Console: the lists the council keeps for activities' details (issue 16), for
coordinators and admins: topics (add, rename, retire, bring back) and the services
champions signpost people to (name, kind, area; add, change, retire, bring back).

Saved through their RecordTypes (server/activities/lists.py), so the checks and the audit
log are the API's. One in use cannot be deleted (its foreign key says so): the page says
to retire it instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from server.activities.lists import SERVICES, TOPICS
from server.console.exports import download, wanted_format
from server.console.record_forms import RecordForm, form_handlers
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, url
from server.lib.records import (
    Context,
    RecordType,
    delete_record,
    get_record,
    list_records,
    update_record,
)
from server.lib.reference import Reference
from server.lib.validation import Conflict, Invalid

PER_PAGE = 50


@dataclass(frozen=True)
class Field:
    """One field of a list's form (console/admin/_macros.html `field` draws it)."""

    name: str
    label: str
    kind: str = "text"
    hint: str = ""
    choices: str = ""


@dataclass(frozen=True)
class ListKind:
    """One of the lists: its address under /console, its names and its fields."""

    path: str
    rt: RecordType[Any, Any]  # TOPICS or SERVICES: each has its own row and answer
    title: str
    one: str
    intro: str
    fields: tuple[Field, ...]
    columns: tuple[tuple[str, str], ...]  # (key, heading): the list and its downloads


KINDS = (
    ListKind(
        path="topics",
        rt=TOPICS,
        title="Topics",
        one="topic",
        intro="What activities can be about. Champions choose them under “More details” "
        "when they log an activity. Renaming a topic renames it on old activities too.",
        fields=(Field("name", "Name", hint="Short and plain, like Smoking or Dementia."),),
        columns=(("name", "Name"), ("status", "Status"), ("slug", "Short name")),
    ),
    ListKind(
        path="services",
        rt=SERVICES,
        title="Services",
        one="service",
        intro="Where champions signpost people to. Champions choose one when they log "
        "signposting, and later say whether the person went.",
        fields=(
            Field("name", "Name", hint="As people know it, like Stop Smoking Wigan."),
            Field("kind", "Kind of service (optional)", hint="For example Stop smoking."),
            Field(
                "footprint",
                "Area (optional)",
                "select",
                "Leave blank for the whole borough.",
                "footprints",
            ),
        ),  # fmt: skip
        columns=(("name", "Name"), ("kind", "Kind"), ("area", "Area"), ("status", "Status")),
    ),
)
SAVED = {
    "added": "added",
    "changed": "saved",
    "deleted": "deleted",
    "retired": "retired: it is no longer offered",
    "restored": "brought back: it is offered again",
}


def _choices(ref: Reference) -> dict[str, list[tuple[str, str]]]:
    return {"footprints": [(f["code"], f["name"]) for f in ref.footprints.values()]}


def _shown(item: msgspec.Struct, ref: Reference) -> dict[str, object]:
    """A record as the list and the downloads show it."""
    out = msgspec.structs.asdict(item)
    area = ref.footprint_by_code.get(str(out.get("footprint") or ""))
    out["area"] = area["name"] if area else ("Whole borough" if "footprint" in out else "")
    out["status"] = "Offered" if out["active"] else "Retired"
    return out


def _form_values(item: Mapping[str, object]) -> dict[str, str]:
    return {
        k: "" if v is None else v.isoformat() if isinstance(v, date) else str(v)
        for k, v in item.items()
    }


def _page(template: str, status: int = 200, /, **context: object) -> Template:
    return Template(
        f"console/lists/{template}", status_code=status, context={"section": "lists", **context}
    )


def list_handlers(kind: ListKind) -> list[HTTPRouteHandler]:
    """The list, its add and change forms, retiring and bringing back, and deleting."""
    base, tag = f"/{kind.path}", f"console-{kind.path}"

    async def form_context(
        ctx: Context, record_id: int | None, sent: Mapping[str, object] | None
    ) -> dict[str, object]:
        values: dict[str, str] = {}
        if record_id is not None and sent is None:
            values = _form_values(msgspec.structs.asdict(await get_record(kind.rt, ctx, record_id)))
        elif record_id is not None:
            await get_record(kind.rt, ctx, record_id)  # NotFound: a 404 page
        return {
            "section": "lists",
            "listed": kind,
            "values": values,
            "errors": {},
            "choices": _choices(ctx.ref),
            "record_id": record_id,
        }

    forms = form_handlers(
        RecordForm(
            rt=kind.rt,
            template="console/lists/form.html",
            names=tuple(f.name for f in kind.fields),
            context=form_context,
            list_name=tag,
            done_key="saved",
            new_path=f"{base}/new",
            add_path=base,
            edit_path=f"{base}/{{record_id:int}}",
            name=tag,
        )
    )

    @get(base, name=tag)
    async def listing(request: AppRequest, ctx: PageContext) -> Template | Response[bytes] | Stream:
        params = dict(request.query_params)
        fmt = params.pop("format", None)
        context: dict[str, object] = {"listed": kind, "errors": {}}
        context["saved"] = SAVED.get(params.get("saved", ""), "")
        try:
            if fmt is not None:
                every = await list_records(kind.rt, ctx, {"per_page": "500"})
                rows = [_shown(i, ctx.ref) for i in every.items]
                return download(kind.path, kind.columns, rows, wanted_format(fmt))
            found = await list_records(
                kind.rt, ctx, {"page": params.get("page", "1"), "per_page": str(PER_PAGE)}
            )
        except Invalid as exc:
            empty = {"items": [], "total": 0, "page": 1, "per_page": PER_PAGE}
            return _page("list.html", 400, **{**context, **empty, "errors": exc.errors})
        return _page(
            "list.html",
            **context,
            items=[_shown(i, ctx.ref) for i in found.items],
            page=found.page,
            per_page=found.per_page,
            total=found.total,
        )

    @post(f"{base}/{{record_id:int}}/retire", name=f"{tag}-retire", status_code=303)
    async def retire(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Redirect:
        await update_active(kind, ctx, record_id, False)
        return Redirect(url(request, tag, {"saved": "retired"}), status_code=303)

    @post(f"{base}/{{record_id:int}}/restore", name=f"{tag}-restore", status_code=303)
    async def restore(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Redirect:
        await update_active(kind, ctx, record_id, True)
        return Redirect(url(request, tag, {"saved": "restored"}), status_code=303)

    @get(f"{base}/{{record_id:int}}/delete", name=f"{tag}-confirm")
    async def confirm(ctx: PageContext, record_id: FromPath[int]) -> Template:
        item = await get_record(kind.rt, ctx, record_id)
        return _page("delete.html", listed=kind, item=item, errors={})

    @post(f"{base}/{{record_id:int}}/delete", name=f"{tag}-delete", status_code=303)
    async def remove(
        request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        item = await get_record(kind.rt, ctx, record_id)
        if data.get("confirm") != "yes":
            errors = {"confirm": f"Confirm that you want to delete this {kind.one}."}
            return _page("delete.html", 400, listed=kind, item=item, errors=errors)
        try:
            await delete_record(kind.rt, ctx, record_id)
        except Conflict as exc:
            return _page("delete.html", 409, listed=kind, item=item, in_use=exc.errors.get(""))
        return Redirect(url(request, tag, {"saved": "deleted"}), status_code=303)

    return [listing, *forms, retire, restore, confirm, remove]


async def update_active(kind: ListKind, ctx: Context, record_id: int, on: bool) -> None:
    """Offer a topic or service again (on), or retire it."""
    await update_record(kind.rt, ctx, record_id, {"active": "yes" if on else "no"})


HANDLERS: list[HTTPRouteHandler] = [h for kind in KINDS for h in list_handlers(kind)]
