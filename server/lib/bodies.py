"""The API reads JSON only: a write that sends anything else is told so (415)."""

from __future__ import annotations

import json
from typing import NoReturn

from server.lib.auth import AppRequest
from server.lib.rows import JSON

WRITES = frozenset({"POST", "PUT", "PATCH"})


class NotJson(Exception):
    """A write to the API whose body is not JSON (HTTP 415)."""


def is_json(media_type: str) -> bool:
    """application/json, or a JSON type such as application/merge-patch+json."""
    media_type = media_type.strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def has_body(request: AppRequest) -> bool:
    """Whether the request says it carries a body (a length above 0, or sent in chunks)."""
    length = request.headers.get("content-length", "").strip()
    return "transfer-encoding" in request.headers or (length not in ("", "0"))


async def json_bodies_only(request: AppRequest) -> None:
    """A before_request hook for the whole app: a write under /api/ with a body that is
    not JSON is refused before the body is read. Without it a text/plain body that
    happens to hold JSON was taken, and a form's body got a confusing JSON error.
    A write with no body and no type goes on (the route says what it needs). Pages' form
    posts are not under /api/ and are left alone."""
    if request.method not in WRITES or not request.scope["path"].startswith("/api/"):
        return
    media_type = request.headers.get("content-type")
    if media_type is None and not has_body(request):
        return
    if media_type is None or not is_json(media_type.split(";", 1)[0]):
        raise NotJson()


class _NotANumber(ValueError):
    """NaN or Infinity, which JSON does not allow."""


def _no_constants(word: str) -> NoReturn:
    raise _NotANumber(word)


def _whole(text: str) -> int | float:
    """A whole number; one too long for any field is infinity (found as too big below),
    and Python's own limit on digits (4,300) is never reached."""
    return int(text) if len(text) <= 25 else float("inf")


def _where(path: list[str | int]) -> str:
    """A place in the body in a client's words: `name`, `activities[2].people_reached`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out[:120]


def _odd_value(value: JSON, path: list[str | int]) -> tuple[str, str] | None:
    """The first text with a lone surrogate or number too big for a double, with its place."""
    if isinstance(value, str):
        if any("\ud800" <= c <= "\udfff" for c in value):
            return _where(path), (
                "This text holds a character that does not exist (a lone \\ud800 to \\udfff "
                "escape): send the text as it was typed, in UTF-8."
            )
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        return _where(path), "This number is too big: send a number with fewer digits."
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return _where(path), "This number is too big: send a number with fewer digits."
    elif isinstance(value, dict):
        for key, item in value.items():
            if any("\ud800" <= c <= "\udfff" for c in key):
                return _where(path), "A field's name holds a character that does not exist."
            found = _odd_value(item, [*path, key])
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _odd_value(item, [*path, index])
            if found:
                return found
    return None


def explain_body(body: bytes) -> dict[str, str]:
    """Why a JSON body could not be read, in plain words, by field where there is one.
    The parser's own words ("Input data was truncated", "Number out of range - at `$[...]`")
    mean nothing to a volunteer's script, so the body is read again, slowly, to say what
    to fix. Only called after the fast parser refused the body."""
    if not body.strip():
        return {"": "Send a JSON object with the record's fields."}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {"": f"The body is not UTF-8 text (byte {exc.start + 1}): send it as UTF-8."}
    try:
        value: JSON = json.loads(text, parse_constant=_no_constants, parse_int=_whole)
    except _NotANumber as exc:
        return {"": f"{exc} is not a number JSON allows: send a number."}
    except RecursionError:
        return {"": "The body is nested too deeply: send a flat JSON object."}
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            return {"": "The body stops before its end: send the whole JSON object."}
        return {
            "": f"The body is not valid JSON near character {exc.pos + 1}: check the "
            "quotes, commas and brackets there."
        }
    found = _odd_value(value, [])
    if found:
        return {found[0]: found[1]}
    return {"": "The body could not be read as JSON: check it is one JSON object."}
