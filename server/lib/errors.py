"""Every error the API sends is JSON: {"message": "...", "errors": {"field": "what to fix"}}."""

from __future__ import annotations

import logging
from typing import NotRequired, TypedDict

from litestar import MediaType, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    SerializationException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap
from litestar.utils.scope.state import ScopeState

from server.lib.auth import AppRequest
from server.lib.bodies import NotJson, explain_body
from server.lib.pages import url
from server.lib.records import Forbidden, NotFound, SignInNeeded
from server.lib.validation import Clash, Conflict, Invalid, Limited, Unprocessable

log = logging.getLogger("movement")


class ErrorBody(TypedDict):
    """What the API sends with an error: a message, and what to fix by field when known."""

    message: str
    errors: NotRequired[dict[str, str]]


def _json(status: int, message: str, errors: dict[str, str] | None = None) -> Response[ErrorBody]:
    body: ErrorBody = {"message": message}
    if errors is not None:
        body["errors"] = errors
    return Response(content=body, status_code=status, media_type=MediaType.JSON)


def invalid(_: AppRequest, exc: Invalid) -> Response[ErrorBody]:
    return _json(HTTP_400_BAD_REQUEST, "Some of what was sent needs fixing.", exc.errors)


def unprocessable(_: AppRequest, exc: Unprocessable) -> Response[ErrorBody]:
    return _json(
        HTTP_422_UNPROCESSABLE_ENTITY,
        "Some of what was sent does not fit with the rest, or with the records there.",
        exc.errors,
    )


def clash(_: AppRequest, exc: Clash) -> Response[ErrorBody]:
    return _json(
        HTTP_409_CONFLICT, "This would leave the records in a state not allowed.", exc.errors
    )


def limited(_: AppRequest, exc: Limited) -> Response[ErrorBody]:
    response = _json(
        HTTP_429_TOO_MANY_REQUESTS, "Asked too often: wait, then try again.", exc.errors
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def conflict(_: AppRequest, exc: Conflict) -> Response[ErrorBody]:
    return _json(HTTP_409_CONFLICT, "This clashes with a record already there.", exc.errors)


def not_found(request: AppRequest, exc: NotFound) -> Response[ErrorBody] | Template:
    if wants_page(request):
        return page(HTTP_404_NOT_FOUND)
    return _json(HTTP_404_NOT_FOUND, str(exc) or "Not found.")


def forbidden(request: AppRequest, exc: Forbidden) -> Response[ErrorBody] | Template:
    if wants_page(request):
        return page(HTTP_403_FORBIDDEN)
    return _json(HTTP_403_FORBIDDEN, str(exc) or "You cannot do this.")


def sign_in(_: AppRequest, exc: SignInNeeded) -> Response[ErrorBody]:
    response = _json(
        HTTP_401_UNAUTHORIZED, "Sign in first: send Authorization: Bearer <your token>."
    )
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


_PLAIN = {
    "Expected `int`": "Enter a whole number.",
    "Expected `object`": "Send a JSON object.",
    "Expected `array`": "Send a JSON list.",
    "Expected `str`": "Send text.",
}


def validation(_: AppRequest, exc: ValidationException) -> Response[ErrorBody]:
    """Litestar's own checks (a body that is not JSON, a path id that is not a number)."""
    errors: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key, message = str(item.get("key") or ""), str(item.get("message", ""))
            if key == "data":  # no body at all
                key, message = "", "Send a JSON object with the record's fields."
            plain = next((v for k, v in _PLAIN.items() if message.startswith(k)), message)
            errors[key] = plain
    detail = str(exc.detail)
    if "JSON" in detail or "decode" in detail.lower():
        return _json(HTTP_400_BAD_REQUEST, "The body is not valid JSON.", errors or None)
    return _json(HTTP_400_BAD_REQUEST, "Some of what was sent needs fixing.", errors or None)


def not_json(_: AppRequest, exc: NotJson) -> Response[ErrorBody]:
    return _json(
        HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        "Send the body as JSON.",
        {"content-type": "Set the Content-Type header to application/json and send a JSON object."},
    )


def too_deep(_: AppRequest, exc: RecursionError) -> Response[ErrorBody]:
    return _json(
        HTTP_400_BAD_REQUEST,
        "The body is not valid JSON.",
        {"": "The body is nested too deeply: send a flat JSON object."},
    )


PAGE_ERRORS = {
    400: ("Something is wrong with that request", "Go back and try again."),
    401: ("Please sign in", "Sign in to see this page."),
    403: ("You cannot see this page", "Your account does not have access to it."),
    404: ("Page not found", "If you typed the address, check it is right."),
    405: ("Page not found", "If you typed the address, check it is right."),
    413: ("That is too big to send", "Send less at once, or split a file into smaller ones."),
    429: ("Please wait", "You have tried this several times in a short time. Wait a few minutes."),
    500: ("Sorry, something went wrong", "Nothing was changed. Please try again in a moment."),
}


def wants_page(request: AppRequest) -> bool:
    """A browser asking for a page gets an HTML error page; the API and scripts get JSON."""
    path = request.scope.get("path", "")
    if path.startswith(("/api/", "/schema", "/healthz", "/readyz")):
        return False
    return "text/html" in request.headers.get("accept", "")


def page(status: int) -> Template:
    heading, message = PAGE_ERRORS.get(status, PAGE_ERRORS[500 if status >= 500 else 400])
    return Template(
        "error.html", status_code=status, context={"heading": heading, "message": message}
    )


def unreadable(request: AppRequest) -> Response[ErrorBody]:
    """A body the JSON parser refused: the app's own 400, saying what to fix."""
    body = ScopeState.from_scope(request.scope).body
    sent = body if isinstance(body, bytes) else b""
    return _json(HTTP_400_BAD_REQUEST, "The body is not valid JSON.", explain_body(sent))


def http(request: AppRequest, exc: HTTPException) -> Response[ErrorBody] | Template | Redirect:
    if isinstance(exc, ClientException) and isinstance(exc.__cause__, SerializationException):
        if not wants_page(request):
            return unreadable(request)
    if wants_page(request):
        if exc.status_code == HTTP_401_UNAUTHORIZED:
            # a page that needs a signed-in person
            return Redirect(url(request, "sign-in"), status_code=303)
        return page(exc.status_code)
    message = exc.detail if exc.status_code < 500 else "Something went wrong on our side."
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        message = "What was sent is too big. Send less at once."
    headers = dict(exc.headers or {})
    if exc.status_code == HTTP_401_UNAUTHORIZED:
        headers.setdefault("WWW-Authenticate", "Bearer")
    body: ErrorBody = {"message": message}
    return Response(
        content=body,
        status_code=exc.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def unexpected(request: AppRequest, exc: Exception) -> Response[ErrorBody] | Template:
    log.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_page(request):
        return page(HTTP_500_INTERNAL_SERVER_ERROR)
    return _json(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong on our side, so nothing was changed. Please try again.",
    )


HANDLERS: ExceptionHandlersMap = {
    Invalid: invalid,
    Unprocessable: unprocessable,
    Limited: limited,
    Clash: clash,
    Conflict: conflict,
    NotFound: not_found,
    Forbidden: forbidden,
    SignInNeeded: sign_in,
    ValidationException: validation,
    NotJson: not_json,
    HTTPException: http,
    RecursionError: too_deep,
    Exception: unexpected,
}
