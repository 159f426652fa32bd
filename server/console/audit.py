"""Console: the audit log (admins only). Every change, newest first: who, when (in the
council's time zone), what and what changed, filtered, a page at a time or downloaded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Stream, Template

from server.activities.details import SETTINGS, TAKE_UP_SHORT
from server.activities.services import KINDS
from server.console.common import REVIEW_WORDS, STATUS_NAMES
from server.console.exports import download, wanted_format
from server.lib.audit import filter_choices, search_events
from server.lib.audit_names import ACTION_WORDS, RECORD_WORDS, in_words
from server.lib.auth import AppRequest, admin
from server.lib.pages import url
from server.lib.validation import Invalid, read_date_filters
from server.settings import get_settings

# The console page of each kind of record, where there is one: its route's name and the
# name of the route's record number.
RECORD_PAGES = {
    "person": ("console-person", "person_id"),
    "account": ("console-admin-user", "account_id"),
    "programme": ("console-admin-programmes-edit", "record_id"),
    "footprint": ("console-admin-footprints-edit", "record_id"),
    "course": ("console-admin-courses-edit", "record_id"),
    "organisation": ("console-admin-organisations-edit", "record_id"),
    "application": ("console-applicant", "application_id"),  # Joining (issue 15)
    "activity": ("console-activity", "record_id"),  # Impact (issue 16)
    "topic": ("console-topics-edit", "record_id"),
    "service": ("console-services-edit", "record_id"),
}
# Coded values in what changed, in the words the console uses for them.
CODES = {
    "kind": KINDS,
    "review_status": {"not-needed": "no check needed", **REVIEW_WORDS},
    "status": STATUS_NAMES,
    "setting": SETTINGS,
    "take_up": TAKE_UP_SHORT,
}
FILTERS = ("record_type", "action", "account", "since", "until", "record_id")
COLUMNS = (
    ("when", "When"),
    ("who", "Who"),
    ("action", "Action"),
    ("record_type", "Record type"),
    ("record_id", "Record id"),
    ("what", "What changed"),
)


def _query(params: Mapping[str, object], **changes: object) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _with_links(
    request: AppRequest, items: Iterable[Mapping[str, object]]
) -> list[dict[str, object]]:
    """Each event with a link to its record (not for deletions: it is gone)."""
    out = []
    for item in items:
        record_type = item["record_type"]
        page = RECORD_PAGES.get(record_type) if isinstance(record_type, str) else None
        link = ""
        if page is not None and item["action"] != "delete":
            name, parameter = page  # the record's number goes in the path, with no query
            record_id = item["record_id"]
            assert isinstance(record_id, int)
            link = url(request, name, query=None, **{parameter: record_id})
        out.append({**item, "link": link})
    return out


def _what(changes: object) -> str:
    """What changed, on one line: the event's (field, words) pairs."""
    assert isinstance(changes, list)  # lib.audit.describe_changes
    return "; ".join(f"{k}: {v}" for k, v in changes)


def _for_file(items: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    return [{**item, "what": _what(item["changes"])} for item in items]


@get("/audit", name="console-audit", guards=[admin])
async def audit_log(request: AppRequest) -> Template | Response[bytes] | Stream:
    sent = read_date_filters(request.query_params)
    params = {k: v for k, v in sent.items() if k in (*FILTERS, "page", "per_page")}
    zone = get_settings().time_zone
    context: dict[str, object] = {
        "section": "audit",
        "values": params,
        "choices": await filter_choices(),
        "zone": zone,
        "errors": {},
        "record_words": RECORD_WORDS,
        "action_words": ACTION_WORDS,
    }
    fmt = request.query_params.get("format")
    try:
        if fmt is not None:
            fmt = wanted_format(fmt)
            found = await search_events(params, zone, everything=True)
            return download("audit-log", COLUMNS, _for_file(found["items"]), fmt)
        found = await search_events(params, zone)
    except Invalid as exc:
        empty = {"items": [], "total": 0, "page": 1, "per_page": 50}
        return Template(
            "console/audit/log.html",
            status_code=400,
            context={**context, **empty, "errors": exc.errors},
        )
    return Template(
        "console/audit/log.html",
        context={
            **context,
            **found,
            "items": _with_links(request, await in_words(found["items"], CODES)),
            "filters": _query({k: params.get(k) for k in FILTERS}),
            "paged": _query(params, page=None),  # page= is added by the pagination macro
        },
    )


HANDLERS: list[HTTPRouteHandler] = [audit_log]
