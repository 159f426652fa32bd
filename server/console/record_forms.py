"""The console's generic pages for one kind of record: the form to add one, the form to
change one, and deleting one, every save through its RecordType (the same rules and audit
as the API) and server.lib.pages.save_or_show_again.

The settings pages (admin.reference_handlers), Friends sessions and outside figures
(sessions.py) are all built from `form_handlers`; what differs is in `RecordForm`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from litestar import post
from litestar.handlers import HTTPRouteHandler, get
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import Guard

from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, fields, save_or_show_again, url
from server.lib.records import Context, RecordType, create_record, delete_record, update_record

# The form's context: for a new record (record_id None) or one record (NotFound: a 404
# page), with what was sent (None: nothing yet) as its values.
FormContext = Callable[
    [Context, int | None, Mapping[str, object] | None], Awaitable[dict[str, object]]
]
AnyRequest = AppRequest
# Saves what was sent (a new record when record_id is None); what it answers is only passed on.
Save = Callable[[Context, Mapping[str, object], int | None], Awaitable[object]]


@dataclass(frozen=True)
class RecordForm:
    """One kind of record's form pages in the console (paths are under /console)."""

    rt: RecordType[Any, Any]  # the record type of this form: each has its own row and answer
    template: str  # the form, for adding and changing
    names: tuple[str, ...]  # the fields read from the form
    context: FormContext
    # Once saved, back to the list (its route name) saying ?<done_key>=added, changed or
    # deleted.
    list_name: str
    done_key: str
    new_path: str  # GET: the empty form; POST to add_path adds
    add_path: str
    edit_path: str  # GET and POST, with {record_id:int}
    save: Save | None = None  # instead of create_record / update_record through rt
    find: bool = False  # the form has a Find button (a search without JavaScript)
    # A Conflict: a clash to show as a mistake ("show"), or a form sent twice ("done").
    on_conflict: Literal["done", "show"] = "show"
    guards: Sequence[Guard] = ()
    name: str | None = None  # route names: name-new, name-add, name-edit, name-change

    def done(self, request: AnyRequest, what: str) -> str:
        return url(request, self.list_name, {self.done_key: what})

    def route_name(self, suffix: str) -> str | None:
        return f"{self.name}-{suffix}" if self.name else None


def form_handlers(spec: RecordForm) -> list[HTTPRouteHandler]:
    """The form to add a record and the form to change one, each shown and sent."""
    guards = list(spec.guards)

    async def saving(ctx: Context, sent: Mapping[str, object], record_id: int | None) -> object:
        if spec.save is not None:
            return await spec.save(ctx, sent, record_id)
        if record_id is None:
            return await create_record(spec.rt, ctx, sent)
        return await update_record(spec.rt, ctx, record_id, sent)

    async def sent_form(
        request: AnyRequest, ctx: Context, data: FormData, record_id: int | None
    ) -> Template | Redirect:
        sent = fields(data, spec.names)
        context = await spec.context(ctx, record_id, sent)
        if spec.find and data.get("find"):  # Find pressed: the form again, nothing saved
            return Template(spec.template, context={**context, "found": True})
        return await save_or_show_again(
            lambda: saving(ctx, sent, record_id),
            spec.template,
            context,
            sent,
            spec.done(request, "added" if record_id is None else "changed"),
            on_conflict=spec.on_conflict,
        )

    @get(spec.new_path, name=spec.route_name("new"), guards=guards)
    async def new(ctx: PageContext) -> Template:
        return Template(spec.template, context=await spec.context(ctx, None, None))

    @post(spec.add_path, name=spec.route_name("add"), guards=guards, status_code=303)
    async def add(request: AnyRequest, ctx: PageContext, data: FormData) -> Template | Redirect:
        return await sent_form(request, ctx, data, None)

    @get(spec.edit_path, name=spec.route_name("edit"), guards=guards)
    async def edit(ctx: PageContext, record_id: FromPath[int]) -> Template:
        return Template(spec.template, context=await spec.context(ctx, record_id, None))

    @post(spec.edit_path, name=spec.route_name("change"), guards=guards, status_code=303)
    async def change(
        request: AnyRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        return await sent_form(request, ctx, data, record_id)

    return [new, add, edit, change]


def delete_handler(spec: RecordForm, path: str) -> HTTPRouteHandler:
    """Delete a record at once (the list's button), then back to the list."""

    @post(path, name=spec.route_name("delete"), guards=list(spec.guards), status_code=303)
    async def delete(request: AnyRequest, ctx: PageContext, record_id: FromPath[int]) -> Redirect:
        await delete_record(spec.rt, ctx, record_id)
        return Redirect(spec.done(request, "deleted"), status_code=303)

    return delete
