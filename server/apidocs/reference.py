"""The API reference page's content, read from the OpenAPI document the app makes of itself.

The page at /schema is plain HTML under our own Content-Security-Policy, with no viewer
loaded from anywhere: each operation, grouped by its tag, with who may call it, its
parameters, the fields of its body and what it can answer. Everything here comes from the
document, so the page and /schema/openapi.json never disagree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


def sections(document: Mapping[str, Any]) -> list[Section]:
    """The operations of the document, grouped by their first tag, in the tags' order of
    first appearance (untagged ones last, under "Other")."""
    groups: dict[str, list[Operation]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["Other"])[0]
            groups.setdefault(tag, []).append(_operation(document, method, path, op))
    return [
        Section(name=tag[:1].upper() + tag[1:], anchor=_anchor(tag), operations=ops)
        for tag, ops in groups.items()
    ]


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _operation(
    document: Mapping[str, Any], method: str, path: str, op: Mapping[str, Any]
) -> Operation:
    operation_id = str(op.get("operationId") or f"{method}-{path}")
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=operation_id,
        anchor=_anchor(operation_id),
        summary=str(op.get("summary") or ""),
        description=str(op.get("description") or ""),
        who=_who(document, op),
        fields=_parameters(document, op) + _body_fields(document, op),
        answers=[
            Answer(str(status), str(answer.get("description") or ""), _body(document, answer))
            for status, answer in sorted(op.get("responses", {}).items())
        ],
    )


def _who(document: Mapping[str, Any], op: Mapping[str, Any]) -> str:
    """Who may call it: the roles the operation names, or what its security says; "" when
    the document says nothing of security (no scheme declared), rather than a guess."""
    roles = op.get("x-roles")
    if roles:
        return ", ".join(str(r) for r in roles)
    if not document.get("components", {}).get("securitySchemes"):
        return ""
    security = op.get("security", document.get("security"))
    if security is None or security == [] or {} in security:
        return "Anyone"
    return "Signed-in accounts"


def resolve(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """A schema with its $ref (to components) followed, however deep."""
    seen = 0
    while "$ref" in schema and seen < 20:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def type_of(document: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """A schema's type in a few words: "integer", "string (date)", "list of string",
    "Person" (a named object), "string or null"."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if len(schema.get("allOf", [])) == 1:  # a named body with words of its own beside it
        return type_of(document, schema["allOf"][0])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            ways = [s for s in schema[key] if not _empty_text(s)]  # "or empty": in rules
            return " or ".join(dict.fromkeys(type_of(document, s) for s in ways))
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(type_of(document, {**schema, "type": k}) for k in kind)
    if kind == "array":
        return "list of " + type_of(document, schema.get("items", {}))
    if kind is None:
        return "any"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _empty_text(schema: Mapping[str, Any]) -> bool:
    """The schema of an option left empty (the same as left out)."""
    return schema.get("type") == "string" and schema.get("maxLength") == 0


# The patterns the app writes for all text (no hidden control characters; something
# other than spaces when needed): said in words rather than shown.
TEXT_PATTERN = "^[^\\u0000"


def rules_of(schema: Mapping[str, Any]) -> str:
    """A schema's limits and choices in words."""
    ways = schema.get("anyOf", [])
    if ways:  # an option that may also be left empty
        first: Mapping[str, Any] = next((s for s in ways if not _empty_text(s)), {})
        rules = rules_of(first)
        return f"{rules}; or empty" if rules else "or empty"
    words = []
    if "enum" in schema:
        words.append(
            "one of "
            + ", ".join(v if isinstance(v, str) else json.dumps(v) for v in schema["enum"])
        )
    if "minimum" in schema and "maximum" in schema:
        words.append(f"from {schema['minimum']:,} to {schema['maximum']:,}")
    elif "minimum" in schema:
        words.append(f"at least {schema['minimum']:,}")
    elif "maximum" in schema:
        words.append(f"at most {schema['maximum']:,}")
    if "maxLength" in schema:
        words.append(f"up to {schema['maxLength']:,} characters")
    if "minLength" in schema and schema["minLength"] > 0:
        words.append(f"at least {schema['minLength']:,} characters")
    if "maxItems" in schema:
        words.append(f"up to {schema['maxItems']:,} items")
    pattern = str(schema.get("pattern", ""))
    if pattern.startswith(TEXT_PATTERN):
        words.append("no hidden control characters")
    elif pattern and schema.get("format") != "date":  # a date's range is in its words
        shape = pattern.rsplit("|", 1)[-1]  # not the spaces that may stand for none
        words.append(f"matching {shape}" + (", or only spaces" if shape != pattern else ""))
    if "default" in schema:
        words.append(f"{json.dumps(schema['default'])} when left out")
    return "; ".join(words)


def example_of(schema: Mapping[str, Any]) -> str:
    """The first example a schema gives, written as JSON; "" when it gives none."""
    examples = schema.get("examples")
    if not isinstance(examples, list) or not examples:
        return ""
    return json.dumps(examples[0], ensure_ascii=False)


def _parameters(document: Mapping[str, Any], op: Mapping[str, Any]) -> list[Field]:
    out = []
    for parameter in op.get("parameters", []):
        parameter = resolve(document, parameter)
        schema = resolve(document, parameter.get("schema", {}))
        out.append(
            Field(
                name=str(parameter.get("name", "")),
                where=str(parameter.get("in", "")),
                type=type_of(document, parameter.get("schema", {})),
                required=bool(parameter.get("required")),
                rules=rules_of(schema),
                description=str(parameter.get("description") or schema.get("description") or ""),
            )
        )
    return out


def _json_schema(document: Mapping[str, Any], holder: Mapping[str, Any]) -> Mapping[str, Any]:
    content = holder.get("content", {})
    media: Any = content.get("application/json") or next(iter(content.values()), {})
    return media.get("schema", {}) if isinstance(media, Mapping) else {}


def _fields(document: Mapping[str, Any], schema: Mapping[str, Any], where: str) -> list[Field]:
    """The properties of an object schema, each as a Field."""
    required = set(schema.get("required", []))
    return [
        Field(
            name=name,
            where=where,
            type=type_of(document, prop),
            required=name in required,
            rules=rules_of(resolve(document, prop)),
            # The field's own words; else, for a field that only names a body, the body's.
            description=str(
                prop.get("description") or resolve(document, prop).get("description") or ""
            ),
            example=example_of(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _body_fields(document: Mapping[str, Any], op: Mapping[str, Any]) -> list[Field]:
    body = resolve(document, op.get("requestBody", {}))
    return _fields(document, resolve(document, _json_schema(document, body)), "body")


def _body(document: Mapping[str, Any], answer: Mapping[str, Any]) -> str:
    schema = _json_schema(document, answer)
    return type_of(document, schema) if schema else ""


def shapes(document: Mapping[str, Any]) -> list[Shape]:
    """The document's named bodies, in name order, each with its fields."""
    named = document.get("components", {}).get("schemas", {})
    return [
        Shape(
            name=name,
            anchor=shape_anchor(name),
            description=str(named[name].get("description") or ""),
            fields=_fields(document, named[name], "answer"),
        )
        for name in sorted(named)
    ]


def shape_anchor(name: str) -> str:
    return "shape-" + _anchor(name)
