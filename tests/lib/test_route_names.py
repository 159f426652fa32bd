"""Every route name the code links by is a real route, with the right path parameters.

Templates build addresses with `url_for('name', ...)` and server code with
`server.lib.pages.url(request, "name", ...)`; a name that is renamed or mistyped would only
fail when the page is drawn (a 500 for whoever clicks). So every such call in web/templates
and server/ is read here, without drawing a page, and reversed through the app's own routes
with a value of the declared type for each path parameter: a renamed route, a missing or
misnamed parameter fails this test instead of a page."""

from __future__ import annotations

import ast
import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from litestar.exceptions import NoRouteMatchFoundException
from litestar.types.internal_types import PathParameterDefinition

from tests.helpers.jinja import dotted

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates"
SERVER = ROOT / "server"
# A value of each type a path parameter may declare, to build an address with.
SAMPLES: dict[type, object] = {int: 7, str: "x" * 43, Path: "a/b.css", datetime.date: "2026-01-01"}
# Names made from a fixed prefix and a settings list's fixed path (kind.path), as in
# url_for('console-admin-' ~ kind.path ~ '-edit', ...): each kind's route is tried.
KIND_PATH = "kind.path"
# The same for the console's lists of topics and services (listed.path: console/lists.py).
LISTED_PATH = "listed.path"
# server/ calls whose route name is a variable, and where that variable comes from; the
# values each can take are reversed by the tests at the end of this file.
NAMED_BY_VALUE = {
    ("server/lib/pages.py", "name"): "url() itself",
    ("server/console/record_forms.py", "self.list_name"): "RecordForm.list_name",
    ("server/console/admin.py", "tag"): "console-admin-<kind.path>, a settings list",
    ("server/console/audit.py", "name"): "RECORD_PAGES",
    ("server/console/lists.py", "tag"): "console-<kind.path>, a console list",
}


def parameter_types(app, name: str) -> dict[str, type]:
    """The path parameters (and their types) of the route called `name`."""
    index = app.get_handler_index_by_name(name)
    if index is None:
        raise NoRouteMatchFoundException(f"no route is called {name!r}")
    routes = app.asgi_router.route_mapping[index["identifier"]]
    return {
        part.name: part.type
        for route in routes
        for part in route.path_components
        if isinstance(part, PathParameterDefinition)
    }


def reverse(app, name: str, parameters: list[str]) -> str:
    """The address of `name` with a sample value for each parameter given; a parameter the
    route does not take, or one it needs and is not given, fails."""
    types = parameter_types(app, name)
    unknown = set(parameters) - types.keys()
    if unknown:
        raise NoRouteMatchFoundException(f"{name!r} takes no parameter {sorted(unknown)}")
    return app.route_reverse(name, **{p: SAMPLES[types[p]] for p in parameters})


def _names(node: nodes.Node, kind_paths: list[str]) -> list[str] | None:
    """The route names a url_for's first argument can be (None: not readable here)."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.Concat):
        found = [""]
        for part in node.nodes:
            if dotted(part) == KIND_PATH:
                found = [f + path for f in found for path in kind_paths]
            elif dotted(part) == LISTED_PATH:
                found = [f + path for f in found for path in listed_paths()]
            elif (values := _names(part, kind_paths)) is not None:
                found = [f + v for f in found for v in values]
            else:
                return None
        return found
    return None


def listed_paths() -> list[str]:
    from server.console.lists import KINDS

    return [kind.path for kind in KINDS]


def template_calls(kind_paths: list[str]) -> Iterator[tuple[str, list[str] | None, list[str]]]:
    """(where, names or None, parameter names) of every url_for in every template."""
    env = Environment(autoescape=True)
    for path in sorted(TEMPLATES.rglob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "url_for":
                where = f"{path.relative_to(TEMPLATES)}:{call.lineno}"
                names = _names(call.args[0], kind_paths) if call.args else None
                yield where, names, [kw.key for kw in call.kwargs]


def server_calls() -> Iterator[tuple[str, str, str | None, list[str]]]:
    """(file, line, name or None, parameter names) of every url(request, name, ...) and
    route_reverse(name, ...) in server/; name is None where it is not a literal (then the
    variable's text is given instead, in place of the line)."""
    for path in sorted(SERVER.rglob("*.py")):
        file = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            position = {"url": 1, "route_reverse": 0, "url_for": 0}.get(called)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            parameters = [kw.arg for kw in node.keywords if kw.arg not in (None, "query")]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield file, str(node.lineno), argument.value, parameters
            else:
                yield file, ast.unparse(argument), None, parameters


@pytest.fixture(scope="module")
def kind_paths() -> list[str]:
    from server.reference.services import ADMIN_KINDS

    return [kind.path for kind in ADMIN_KINDS]


def test_every_route_name_in_the_templates_is_a_route(app, kind_paths):
    calls = list(template_calls(kind_paths))
    assert len(calls) > 150, "the templates' url_for calls were not found"
    problems = []
    for where, names, parameters in calls:
        if names is None:
            problems.append(f"{where}: url_for's name is not a literal (or '...' ~ kind.path)")
            continue
        for name in names:
            try:
                reverse(app, name, parameters)
            except NoRouteMatchFoundException as exc:
                problems.append(f"{where}: {exc}")
    assert not problems, "\n".join(problems)


def test_every_route_name_in_the_server_code_is_a_route(app):
    calls = list(server_calls())
    assert len([c for c in calls if c[2] is not None]) > 30, "the url() calls were not found"
    problems = []
    for file, line, name, parameters in calls:
        if name is None:
            if (file, line) not in NAMED_BY_VALUE:
                problems.append(f"{file}: url() named by {line}, which this test cannot read")
            continue
        try:
            reverse(app, name, parameters)
        except NoRouteMatchFoundException as exc:
            problems.append(f"{file}:{line}: {exc}")
    assert not problems, "\n".join(problems)


def test_the_names_given_as_values_are_routes(app, kind_paths):
    """The route names that server code keeps in values (NAMED_BY_VALUE)."""
    from server.console.audit import RECORD_PAGES
    from server.console.sessions import EXTERNAL_FORM, SESSION_FORM

    for name, parameter in RECORD_PAGES.values():
        assert reverse(app, name, [parameter]).endswith("/7")
    for form in (SESSION_FORM, EXTERNAL_FORM):
        reverse(app, form.list_name, [])
        for suffix, parameters in (("new", []), ("add", []), ("edit", ["record_id"])):
            reverse(app, f"{form.name}-{suffix}", parameters)
    for path in kind_paths:
        assert reverse(app, f"console-admin-{path}", []) == f"/console/admin/{path}"
    for path in listed_paths():
        assert reverse(app, f"console-{path}", []) == f"/console/{path}"


@pytest.mark.parametrize(
    ("name", "parameters"),
    [("no-such-page", []), ("console-person", []), ("console-person", ["record_id"])],
)
def test_a_wrong_name_or_parameter_fails(app, name, parameters):
    with pytest.raises(NoRouteMatchFoundException):
        reverse(app, name, parameters)


def test_the_walks_find_the_calls_that_take_values(kind_paths):
    """The readers see the calls they should: parameters, concatenated names, and url()
    with a query and path parameters."""
    calls = {where: (names, parameters) for where, names, parameters in template_calls(kind_paths)}
    assert (["console-person"], ["person_id"]) in calls.values()
    admin = [n for n, _ in calls.values() if n and "console-admin-courses-edit" in n]
    assert admin and len(admin[0]) == len(kind_paths)
    found = {(file, name, tuple(p)) for file, _, name, p in server_calls()}
    assert ("server/console/imports.py", "console-import-job", ("job_id",)) in found
    assert ("server/console/common.py", "console-person", ("person_id",)) in found
