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

from server.lib.reference import Reference
from server.lib.validation import EARLIEST, JSON, LATEST, MAX_ID, Form, Listed
from server.settings import today

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

    message: Annotated[
        str,
        msgspec.Meta(
            description="What went wrong, in plain words.",
            examples=["Some of what was sent needs fixing."],
        ),
    ]
    errors: Annotated[
        dict[str, str],
        msgspec.Meta(
            description='Where fields are at fault: for each field ("" for the body as a '
            "whole), what to fix. Left out when no field is at fault.",
            examples=[
                {"people_reached": "The number of people reached must be from 0 to 100,000."}
            ],
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
    429: "Asked too often: Retry-After says in how many seconds to try again.",
    422: "Each field fits this document, but together, or with the records there, they "
    "break a rule: a record named is not there, a date is before another, a champion "
    "names a programme they are not in. Each field's error says what to fix.",
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


def answer(shape: type, description: str) -> ResponseSpec:
    """An answer whose body is this Struct, for an operation that sends ready-made bytes
    or a dict the document could not otherwise describe."""
    return ResponseSpec(data_container=shape, description=description, generate_examples=False)


# The query parameters of a list, described from the one place they are read ----------

# Where the values of a choice come from, when they are records: the document served
# lists the values as they are when it is asked for (server/apidocs/document.py).
CHOICES_FROM = {
    "programme": "its slug, as GET /api/programmes lists them",
    "footprint": "its code, as GET /api/footprints lists them",
    "course": "its slug, as GET /api/courses lists them",
    "topics": "their slugs, as GET /api/topics lists them (only active ones may be added)",
    "service": "its id, as GET /api/services lists them (only active ones may be chosen)",
}

# Characters the readers refuse (server/lib/validation.py), as regular-expression classes
# that both JSON Schema (ECMA-262) and Python read alike.
_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_NAME_ONLY = (
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # marks that turn the text around
    r"\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2028\u2029\u2060-\u2064\u3164\uffa0\ufeff"
)
# What Python's str.strip() takes away: the characters str.isspace() is true of.
_SPACE = (
    r"\u0009-\u000d\u001c-\u001f\u0020\u0085\u00a0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000"
)
# Those of them that are not control characters (a control is refused even among spaces).
_PLAIN_SPACE = r"\u0009\u000a\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def text_pattern(
    *, required: bool, name: bool = False, shape: re.Pattern[str] | None = None
) -> str:
    """Text the readers take: none of the control characters (nor, in a name, the marks
    that turn text around or show as nothing) and, when it is required, something other
    than spaces; or, with a shape (a phone number), that shape, or only spaces when it is
    not required."""
    if shape is not None:
        whole = f"^(?:{shape.pattern})$"
        return whole if required else f"^[{_PLAIN_SPACE}]*$|{whole}"
    refused = _CONTROL + (_NAME_ONLY if name else "")
    if not required:
        return f"^[^{refused}]*$"
    return f"^[^{refused}]*[^{refused}{_SPACE}][^{refused}]*$"


def _digits_between(low: str, high: str, at: int) -> str:
    """A regular expression for the digit strings from low to high (the same length),
    with a hyphen before the digits at places 4 and 6 (YYYY-MM-DD written as YYYYMMDD)."""
    if not low:
        return ""
    dash = "-" if at in (4, 6) else ""
    if low[0] == high[0]:
        return dash + low[0] + _digits_between(low[1:], high[1:], at + 1)
    rest = len(low) - 1
    ways = [
        dash + low[0] + _digits_between(low[1:], "9" * rest, at + 1),
        dash + high[0] + _digits_between("0" * rest, high[1:], at + 1),
    ]
    first, last = int(low[0]) + 1, int(high[0]) - 1
    if first <= last:
        middle = f"[{first}-{last}]" if first < last else str(first)
        ways.insert(1, dash + middle + _any_digits(at + 1, rest))
    return "(?:" + "|".join(ways) + ")"


def _any_digits(at: int, count: int) -> str:
    return "".join(("-" if i in (4, 6) else "") + "[0-9]" for i in range(at, at + count))


def date_pattern(first: date, last: date) -> str:
    """The dates from first to last, both included, as a regular expression of their
    YYYY-MM-DD text (the format, date, rules out the days that do not exist)."""
    low, high = first.strftime("%Y%m%d"), last.strftime("%Y%m%d")
    return f"^{_digits_between(low, high, 0)}$"


class Described(Form):
    """A Form that reads nothing and notes each field it is asked to read, with its type
    and limits: a list's query parameters, and a record's body, are then described from
    the very code that reads them (a RecordType's filters and its `read`), and cannot
    drift from it. In a query (sent_as QUERY) an option left empty is the same as one
    left out; in a JSON body an optional field may be null."""

    def __init__(self, sent_as: str = JSON) -> None:
        super().__init__({}, sent_as=sent_as)
        self.fields: list[tuple[str, Schema, bool]] = []  # name, schema, required

    def _note(self, name: str, label: str, schema: Schema, required: bool = False) -> None:
        words = label[:1].upper() + label[1:]
        if name in CHOICES_FROM:
            words += ": " + CHOICES_FROM[name]
        words = words if words.endswith(".") else words + "."
        if schema.description:
            words += " " + schema.description
        schema.description = words
        if not required and self.query:  # left empty: the same as left out
            schema = Schema(any_of=[schema, Schema(type=OpenAPIType.STRING, max_length=0)],
                            description=words)  # fmt: skip
        elif not required and isinstance(schema.type, OpenAPIType):
            schema.type = [schema.type, OpenAPIType.NULL]  # left out or null: none
            if schema.enum is not None:
                schema.enum = [*schema.enum, None]
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
        self._text(name, label, max_length, required, pattern)

    def _text(
        self,
        name: str,
        label: str,
        max_length: int,
        required: bool,
        pattern: re.Pattern[str] | None = None,
        is_name: bool = False,
    ) -> None:
        schema = Schema(
            type=OpenAPIType.STRING,
            max_length=max_length,
            min_length=1 if required else None,
            pattern=text_pattern(required=required, name=is_name, shape=pattern),
        )
        self._note(name, label, schema, required)

    def name(self, name: str, label: str, *, max_length: int, required: bool = False) -> None:
        self._text(name, label, max_length, required, is_name=True)

    def integer(self, name: str, label: str, *, low: int, high: int, required: bool = False,
                default: int | None = None) -> None:  # fmt: skip
        schema = Schema(type=OpenAPIType.INTEGER, minimum=low, maximum=high, default=default)
        self._note(name, label, schema, required)

    def date(self, name: str, label: str, *, required: bool = False,
             default: date | None = None, allow_future: bool = False,
             earliest: date = EARLIEST) -> None:  # fmt: skip
        last = LATEST if allow_future else today()
        words = "today" if not allow_future else LATEST.isoformat()
        schema = Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.DATE,
            pattern=date_pattern(earliest, last),
            description=f"From {earliest.isoformat()} to {words}.",
        )
        self._note(name, label, schema, required)

    def choice(self, name: str, label: str, choices: Mapping[str, Any], *,
               required: bool = False, default: Any = None) -> None:  # fmt: skip
        if not isinstance(choices, Listed):
            enum = list(choices) or None
            self._note(name, label, Schema(type=OpenAPIType.STRING, enum=enum), required)
            return
        # One of the council's lists, which coordinators add to: the shape is the rule
        # (one of that shape that is not in the list answers 422), the values now are
        # given as examples.
        now = list(choices)
        schema = Schema(
            type=OpenAPIType.STRING,
            pattern=f"^(?:{choices.shape.pattern})$",
            max_length=choices.max_length,
            examples=now[:20] or None,
            description=f"Now: {', '.join(now)}." if now else None,
        )
        self._note(name, label, schema, required)

    def slugs(self, name: str, label: str, *, shape: re.Pattern[str], max_length: int,
              most: int) -> None:  # fmt: skip
        item = Schema(
            type=OpenAPIType.STRING, pattern=f"^(?:{shape.pattern})$", max_length=max_length
        )
        schema = Schema(
            type=OpenAPIType.ARRAY,
            items=item,
            max_items=most,
            description="Null or an empty list: none. A name given twice counts once.",
        )
        self._note(name, label, schema)

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


def described(read: Callable[[Form], object], sent_as: str = JSON) -> Described:
    """The fields that `read` reads from a Form."""
    form = Described(sent_as)
    read(form)
    return form


# The operations whose options or body name the council's own lists, or today's date:
# the document served describes them again for each request, from the lists as they are
# (server/apidocs/document.py). Each gives its query parameters, or its body, as JSON.
Live = Callable[[Reference], dict[str, object]]
LIVE: dict[str, Live] = {}


def operation(
    parameters: list[Parameter] | None = None,
    body: RequestBody | None = None,
    links: dict[str, Link] | None = None,
    live: Live | None = None,
) -> type[Operation]:
    """An Operation (the handler's operation_class) that also lists these parameters, or
    has this body: for a handler that reads its query or body itself rather than through
    its signature. `links` go on its success answer: what a client can do next with what
    it was given (a new record's id). Its answers' headers say they are text (Litestar's
    documented headers have no schema, which OpenAPI asks of every header). `live` makes
    its parameters or body again from the lists as they are, each time the document is
    served."""

    @dataclass
    class Described(Operation):
        def __post_init__(self) -> None:
            if live is not None and self.operation_id:
                LIVE[self.operation_id] = live
            self.parameters = [*(self.parameters or []), *(parameters or [])] or None
            for found in self.parameters or []:
                if isinstance(found, Parameter) and found.name == "record_id":
                    found.description = "The record's id, as its list and its creation gave it."
                    found.schema = Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=MAX_ID)
            self.request_body = body or self.request_body
            for status, answer in (self.responses or {}).items():
                if links and status.startswith("2") and isinstance(answer, OpenAPIResponse):
                    answer.links = {**(answer.links or {}), **links}
                headers: dict[str, object] = getattr(answer, "headers", None) or {}
                for header in headers.values():
                    if isinstance(header, OpenAPIHeader) and header.schema is None:
                        header.schema = Schema(type=OpenAPIType.STRING)

    return Described
