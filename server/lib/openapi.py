"""What the OpenAPI document says of signing in: the bearer-token scheme, and which
operations need it. Handlers name the security of their operation with these."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    Components,
    Example,
    Link,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from server.lib.validation import EARLIEST, LATEST, MAX_ID, Form

BEARER = "bearer"
COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="An API token: `movement token EMAIL` makes one. It can do what its "
            "account can do, and no more.",
        )
    }
)
SIGNED_IN: list[SecurityRequirement] = [{BEARER: []}]
# Open to everyone; a token may still be sent (a coordinator's sees more).
ANYONE: list[SecurityRequirement] = [{}, {BEARER: []}]


class ErrorBody(msgspec.Struct):
    """What every error answer of the API says (server/lib/errors.py sends it)."""

    message: Annotated[str, msgspec.Meta(description="What went wrong, in plain words.")]
    errors: Annotated[
        dict[str, str],
        msgspec.Meta(
            description='Where fields are at fault: for each field ("" for the body as a '
            "whole), what to fix. Left out when no field is at fault."
        ),
    ] = msgspec.field(default_factory=dict)


# When each error status is answered: the same words for every operation.
WHEN = {
    400: "What was sent needs fixing: the message, and each field's error, say what to fix.",
    401: "No token, or a token that is not valid (or has been revoked).",
    403: "This account's role may not do this.",
    404: "There is no such record, or not one this account may see.",
    409: "It clashes with a record already there (the same email twice, a record still in "
    "use), or with a change made since.",
    413: "What was sent is too big: send less at once.",
    415: "The body is not JSON: send Content-Type: application/json.",
}
_EXAMPLE = Example(
    value={
        "message": "Some of what was sent needs fixing.",
        "errors": {"people_reached": "The number of people reached must be from 0 to 100,000."},
    }
)


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The error answers an operation can give, each with the error body."""
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=WHEN[status],
            examples=[_EXAMPLE] if status == 400 else None,
            generate_examples=False,
        )
        for status in statuses
    }


# The query parameters of a list, described from the one place they are read ----------

# Where the values of a choice come from, when they are records (the lists are the
# council's own, so the document names where to find them rather than copying them).
CHOICES_FROM = {
    "programme": "its slug, as GET /api/programmes lists them.",
    "footprint": "its code, as GET /api/footprints lists them.",
    "course": "its slug, as GET /api/courses lists them.",
}


class Described(Form):
    """A Form that reads nothing and notes each field it is asked to read, with its type
    and limits: a list's query parameters, and a record's body, are then described from
    the very code that reads them (a RecordType's filters and its `read`), and cannot
    drift from it."""

    def __init__(self) -> None:
        super().__init__({})
        self.fields: list[tuple[str, Schema, bool]] = []  # name, schema, required

    def _note(self, name: str, label: str, schema: Schema, required: bool = False) -> None:
        words = label[:1].upper() + label[1:]
        if schema.enum is None and name in CHOICES_FROM:
            words += ": " + CHOICES_FROM[name]
        words = words if words.endswith(".") else words + "."
        if schema.description:
            words += " " + schema.description
        schema.description = words
        if not required and isinstance(schema.type, OpenAPIType):
            schema.type = [schema.type, OpenAPIType.NULL]  # left out, empty or null: none
        self.fields.append((name, schema, required))

    @property
    def parameters(self) -> list[Parameter]:
        """The fields as query parameters."""
        return [
            Parameter(name=name, param_in="query", schema=schema, required=required,
                      description=schema.description)
            for name, schema, required in self.fields
        ]  # fmt: skip

    def body(self, partial: bool) -> RequestBody:
        """The fields as a JSON object's (partial: a change, where none is needed). Any
        other field is refused."""
        schema = Schema(
            type=OpenAPIType.OBJECT,
            properties={name: schema for name, schema, _ in self.fields},
            required=None if partial else [n for n, _, r in self.fields if r] or None,
            additional_properties=False,
        )
        return RequestBody(
            content={"application/json": OpenAPIMediaType(schema=schema)}, required=True
        )

    def text(self, name: str, label: str, *, max_length: int, required: bool = False,
             default: str | None = "", pattern: re.Pattern[str] | None = None,
             pattern_hint: str = "") -> None:  # fmt: skip
        schema = Schema(
            type=OpenAPIType.STRING,
            max_length=max_length,
            pattern=f"^(?:{pattern.pattern})$" if pattern else None,  # the whole value
        )
        self._note(name, label, schema, required)

    def name(self, name: str, label: str, *, max_length: int, required: bool = False) -> None:
        self.text(name, label, max_length=max_length, required=required)

    def integer(self, name: str, label: str, *, low: int, high: int, required: bool = False,
                default: int | None = None) -> None:  # fmt: skip
        schema = Schema(type=OpenAPIType.INTEGER, minimum=low, maximum=high, default=default)
        self._note(name, label, schema, required)

    def date(self, name: str, label: str, *, required: bool = False,
             default: date | None = None, allow_future: bool = False,
             earliest: date = EARLIEST) -> None:  # fmt: skip
        last = "today" if not allow_future else LATEST.isoformat()
        schema = Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.DATE,
            description=f"From {earliest.isoformat()} to {last}.",
        )
        self._note(name, label, schema, required)

    def choice(self, name: str, label: str, choices: Mapping[str, Any], *,
               required: bool = False, default: Any = None) -> None:  # fmt: skip
        enum = list(choices) or None
        self._note(name, label, Schema(type=OpenAPIType.STRING, enum=enum), required)

    def email(self, name: str, *, required: bool = False) -> None:
        schema = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.EMAIL, max_length=254)
        self._note(name, "an email address", schema, required)

    def duration(self, name: str, label: str, *, high: int, default: int = 0) -> None:
        schema = Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=high, default=default)
        self._note(name, f"{label} in minutes", schema)

    def boolean(self, name: str, label: str, *, default: bool = False) -> None:
        self._note(name, label, Schema(type=OpenAPIType.BOOLEAN, default=default))

    def uuid(self, name: str, label: str, *, required: bool = False) -> None:
        schema = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.UUID)
        self._note(name, label, schema, required)

    def reference(self, name: str, label: str, *, required: bool = False) -> None:
        self.integer(name, label, low=1, high=MAX_ID, required=required)


def described(read: Callable[[Form], Any]) -> Described:
    """The fields that `read` reads from a Form."""
    form = Described()
    read(form)
    return form


def operation(
    parameters: list[Parameter] | None = None,
    body: RequestBody | None = None,
    links: dict[str, Link] | None = None,
) -> type[Operation]:
    """An Operation (the handler's operation_class) that also lists these parameters, or
    has this body: for a handler that reads its query or body itself rather than through
    its signature. `links` go on its success answer: what a client can do next with what
    it was given (a new record's id). Its answers' headers say they are text (Litestar's
    documented headers have no schema, which OpenAPI asks of every header)."""

    @dataclass
    class Described(Operation):
        def __post_init__(self) -> None:
            self.parameters = [*(self.parameters or []), *(parameters or [])] or None
            self.request_body = body or self.request_body
            for status, answer in (self.responses or {}).items():
                if links and status.startswith("2") and isinstance(answer, OpenAPIResponse):
                    answer.links = {**(answer.links or {}), **links}
                headers: dict[str, Any] = getattr(answer, "headers", None) or {}
                for found in headers.values():
                    if isinstance(found, OpenAPIHeader) and found.schema is None:
                        found.schema = Schema(type=OpenAPIType.STRING)

    return Described
