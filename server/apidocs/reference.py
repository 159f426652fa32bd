"""The API reference page's content, read from the OpenAPI document the app makes of itself.

The page at /schema is plain HTML under our own Content-Security-Policy, with no viewer
loaded from anywhere: each operation, grouped by its tag, with who may call it, its
parameters, the fields of its body and what it can answer. Everything here comes from the
document, so the page and /schema/openapi.json never disagree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from server.lib.rows import JSON

METHODS = ("get", "post", "put", "patch", "delete")  # in the order a reader expects them


@dataclass(frozen=True)
class Field:
    """A parameter or a body field: its name, where it goes, its type and its rules."""

    name: str
    where: str  # "path", "query", "header" or "body"
    type: str
    required: bool
    rules: str  # limits and choices, in words
    description: str
    example: str = ""  # the first of the schema's examples, as JSON ("" when none)


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    body: str  # the body's shape, in words ("" when none)


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str
    operation_id: str
    anchor: str  # the operation id made fit for links within the page
    summary: str
    description: str
    who: str  # who may call it, in words ("" when the document does not say)
    fields: list[Field] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """A named body (a component schema, such as Person): its fields, for the page's
    "What the answers hold"."""

    name: str
    anchor: str
    description: str
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    name: str
    anchor: str
    operations: list[Operation]


# The document is JSON, read part by part: each read says what it expects, and a part that
# is missing (or not what it should be) reads as empty, rather than failing the page.


def json_object(value: JSON) -> Mapping[str, JSON]:
    """An object of the document; {} when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


def json_list(value: JSON) -> list[JSON]:
    """A list of the document; [] when it is missing or not a list."""
    return value if isinstance(value, list) else []


def json_text(value: JSON) -> str:
    """A text of the document; "" when it is missing or not text."""
    return value if isinstance(value, str) else ""


def _number(value: JSON) -> int | float:
    """A number of the document (a limit); 0 when it is not a number."""
    return value if isinstance(value, int | float) else 0


def named_schemas(document: Mapping[str, JSON]) -> Mapping[str, JSON]:
    """The document's named bodies (its component schemas), by name."""
    return json_object(json_object(document.get("components")).get("schemas"))


def sections(document: Mapping[str, JSON]) -> list[Section]:
    """The operations of the document, grouped by their first tag, in the tags' order of
    first appearance (untagged ones last, under "Other")."""
    groups: dict[str, list[Operation]] = {}
    for path, item in json_object(document.get("paths")).items():
        for method in METHODS:
            found = json_object(item).get(method)
            if found is None:
                continue
            op = json_object(found)
            tags = json_list(op.get("tags"))
            tag = json_text(tags[0]) if tags else "Other"
            groups.setdefault(tag, []).append(_operation(document, method, path, op))
    return [
        Section(name=tag[:1].upper() + tag[1:], anchor=_anchor(tag), operations=ops)
        for tag, ops in groups.items()
    ]


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _operation(
    document: Mapping[str, JSON], method: str, path: str, op: Mapping[str, JSON]
) -> Operation:
    operation_id = json_text(op.get("operationId")) or f"{method}-{path}"
    responses = json_object(op.get("responses"))
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=operation_id,
        anchor=_anchor(operation_id),
        summary=json_text(op.get("summary")),
        description=json_text(op.get("description")),
        who=_who(document, op),
        fields=_parameters(document, op) + _body_fields(document, op),
        answers=[
            _answer(document, status, json_object(responses[status]))
            for status in sorted(responses)
        ],
    )


def _answer(document: Mapping[str, JSON], status: str, answer: Mapping[str, JSON]) -> Answer:
    return Answer(status, json_text(answer.get("description")), _body(document, answer))


def _who(document: Mapping[str, JSON], op: Mapping[str, JSON]) -> str:
    """Who may call it: the roles the operation names, or what its security says; "" when
    the document says nothing of security (no scheme declared), rather than a guess."""
    roles = json_list(op.get("x-roles"))
    if roles:
        return ", ".join(str(r) for r in roles)
    if not json_object(document.get("components")).get("securitySchemes"):
        return ""
    security = op.get("security", document.get("security"))
    if security is None or security == [] or {} in json_list(security):
        return "Anyone"
    return "Signed-in accounts"


def resolve(document: Mapping[str, JSON], schema: Mapping[str, JSON]) -> Mapping[str, JSON]:
    """A schema with its $ref (to components) followed, however deep."""
    seen = 0
    while "$ref" in schema and seen < 20:
        name = json_text(schema["$ref"]).rsplit("/", 1)[-1]
        schema = json_object(named_schemas(document).get(name))
        seen += 1
    return schema


def type_of(document: Mapping[str, JSON], schema: Mapping[str, JSON]) -> str:
    """A schema's type in a few words: "integer", "string (date)", "list of string",
    "Person" (a named object), "string or null"."""
    if "$ref" in schema:
        return json_text(schema["$ref"]).rsplit("/", 1)[-1]
    all_of = json_list(schema.get("allOf"))
    if len(all_of) == 1:  # a named body with words of its own beside it
        return type_of(document, json_object(all_of[0]))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            ways = [json_object(s) for s in json_list(schema[key])]
            ways = [s for s in ways if not _empty_text(s)]  # "or empty": in rules
            return " or ".join(dict.fromkeys(type_of(document, s) for s in ways))
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(type_of(document, {**schema, "type": k}) for k in kind)
    if kind == "array":
        return "list of " + type_of(document, json_object(schema.get("items")))
    if kind is None:
        return "any"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _empty_text(schema: Mapping[str, JSON]) -> bool:
    """The schema of an option left empty (the same as left out)."""
    return schema.get("type") == "string" and schema.get("maxLength") == 0


# The patterns the app writes for all text (no hidden control characters; something
# other than spaces when needed): said in words rather than shown.
TEXT_PATTERN = "^[^\\u0000"


def rules_of(schema: Mapping[str, JSON]) -> str:
    """A schema's limits and choices in words."""
    ways = [json_object(s) for s in json_list(schema.get("anyOf"))]
    if ways:  # an option that may also be left empty
        first = next((s for s in ways if not _empty_text(s)), {})
        rules = rules_of(first)
        return f"{rules}; or empty" if rules else "or empty"
    words = []
    if "enum" in schema:
        words.append(
            "one of "
            + ", ".join(
                v if isinstance(v, str) else json.dumps(v) for v in json_list(schema["enum"])
            )
        )
    if "minimum" in schema and "maximum" in schema:
        words.append(f"from {_number(schema['minimum']):,} to {_number(schema['maximum']):,}")
    elif "minimum" in schema:
        words.append(f"at least {_number(schema['minimum']):,}")
    elif "maximum" in schema:
        words.append(f"at most {_number(schema['maximum']):,}")
    if "maxLength" in schema:
        words.append(f"up to {_number(schema['maxLength']):,} characters")
    if "minLength" in schema and _number(schema["minLength"]) > 0:
        words.append(f"at least {_number(schema['minLength']):,} characters")
    if "maxItems" in schema:
        words.append(f"up to {_number(schema['maxItems']):,} items")
    pattern = json_text(schema.get("pattern"))
    if pattern.startswith(TEXT_PATTERN):
        words.append("no hidden control characters")
    elif pattern and schema.get("format") != "date":  # a date's range is in its words
        shape = pattern.rsplit("|", 1)[-1]  # not the spaces that may stand for none
        words.append(f"matching {shape}" + (", or only spaces" if shape != pattern else ""))
    if "default" in schema:
        words.append(f"{json.dumps(schema['default'])} when left out")
    return "; ".join(words)


def example_of(schema: Mapping[str, JSON]) -> str:
    """The first example a schema gives, written as JSON; "" when it gives none."""
    examples = schema.get("examples")
    if not isinstance(examples, list) or not examples:
        return ""
    return json.dumps(examples[0], ensure_ascii=False)


def _parameters(document: Mapping[str, JSON], op: Mapping[str, JSON]) -> list[Field]:
    out = []
    for found in json_list(op.get("parameters")):
        parameter = resolve(document, json_object(found))
        schema = resolve(document, json_object(parameter.get("schema")))
        out.append(
            Field(
                name=json_text(parameter.get("name")),
                where=json_text(parameter.get("in")),
                type=type_of(document, json_object(parameter.get("schema"))),
                required=bool(parameter.get("required")),
                rules=rules_of(schema),
                description=json_text(parameter.get("description"))
                or json_text(schema.get("description")),
            )
        )
    return out


def _json_schema(document: Mapping[str, JSON], holder: Mapping[str, JSON]) -> Mapping[str, JSON]:
    content = json_object(holder.get("content"))
    media = content.get("application/json") or next(iter(content.values()), None)
    return json_object(json_object(media).get("schema"))


def _fields(document: Mapping[str, JSON], schema: Mapping[str, JSON], where: str) -> list[Field]:
    """The properties of an object schema, each as a Field."""
    required = {json_text(name) for name in json_list(schema.get("required"))}
    return [
        _field(document, name, json_object(prop), where, name in required)
        for name, prop in json_object(schema.get("properties")).items()
    ]


def _field(
    document: Mapping[str, JSON], name: str, prop: Mapping[str, JSON], where: str, required: bool
) -> Field:
    return Field(
        name=name,
        where=where,
        type=type_of(document, prop),
        required=required,
        rules=rules_of(resolve(document, prop)),
        # The field's own words; else, for a field that only names a body, the body's.
        description=json_text(prop.get("description"))
        or json_text(resolve(document, prop).get("description")),
        example=example_of(prop),
    )


def _body_fields(document: Mapping[str, JSON], op: Mapping[str, JSON]) -> list[Field]:
    body = resolve(document, json_object(op.get("requestBody")))
    return _fields(document, resolve(document, _json_schema(document, body)), "body")


def _body(document: Mapping[str, JSON], answer: Mapping[str, JSON]) -> str:
    schema = _json_schema(document, answer)
    return type_of(document, schema) if schema else ""


def shapes(document: Mapping[str, JSON]) -> list[Shape]:
    """The document's named bodies, in name order, each with its fields."""
    named = {name: json_object(schema) for name, schema in named_schemas(document).items()}
    return [
        Shape(
            name=name,
            anchor=shape_anchor(name),
            description=json_text(named[name].get("description")),
            fields=_fields(document, named[name], "answer"),
        )
        for name in sorted(named)
    ]


def shape_anchor(name: str) -> str:
    return "shape-" + _anchor(name)
