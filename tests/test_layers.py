"""The layers of server/ only point down, and nothing imports in a circle.

Every module under server/ is read with `ast` (not imported), and every import in it counts:
at the top, inside a function, under `if TYPE_CHECKING:`. An import hidden inside a function
still ties the two modules together; it only hides a cycle from Python, not from the reader.

The words used below:
- a *feature* is a package directly under server/ other than lib (accounts, activities,
  console, public, totals, widget, ...). Its name is the second part of a module's name:
  server.totals.api belongs to the feature "totals".
- the *base* is what any module may import: server.lib (shared helpers that know no
  feature), server.db and server.settings. The other modules directly under server/
  (app, cli, backup) belong to no feature.
- a *handler module* is one that defines route handlers (a function decorated with
  @get, @post, ...), or a feature's module named `api`, `pages` or `<something>_pages`:
  by the layout's convention, the JSON API and what a browser fetches.
- an *assembler* puts handlers together into the app: server.app and server.cli, and the
  console's router (server/console/__init__.py), which gathers the console's pages.

The rules:
(a) server.lib imports only server.lib, server.db and server.settings (and no feature);
(b) no import cycle, of any length, between modules of server/;
(c) a feature does not import another feature's handler modules (it goes through that
    feature's services, or through the base); nothing outside server.console imports
    server.console.*; and inside the console, whose modules are each a group of pages
    about one thing, one page module does not borrow from another (shared parts live in
    the console's helper modules, such as exports.py and charts.py). Assemblers may.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ("server.lib", "server.db", "server.settings")
ASSEMBLERS = frozenset({"server.app", "server.cli"})
# The features: the packages directly under server/, lib aside.
FEATURES = frozenset(path.parent.name for path in (ROOT / "server").glob("*/__init__.py")) - {"lib"}
Graph = Mapping[str, frozenset[str]]
ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "route", "websocket"}
)


def module_names(root: Path) -> dict[str, Path]:
    """Every module under root/server, by its dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((root / "server").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The longest known module that `name` is or lies in (server.x.thing -> server.x)."""
    modules = set(known)
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = importer if is_package else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(
    source: str, importer: str, known: Iterable[str], is_package: bool = False
) -> set[str]:
    """The modules of server/ that this source imports, anywhere in it."""
    known = set(known)
    wanted: set[str | None] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            wanted.update(_resolve(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer, is_package)
            for alias in node.names:
                # `from server.lib import auth` imports the module server.lib.auth;
                # `from server.lib.auth import Actor` imports server.lib.auth.
                wanted.add(_resolve(f"{base}.{alias.name}", known) or _resolve(base, known))
    wanted.discard(importer)  # `from server.console import people` inside server.console
    return {name for name in wanted if name is not None and name.startswith("server")}


def defines_handlers(source: str) -> bool:
    """Whether a function of the module itself is decorated as a route handler (@get(...),
    @post, ...). Handlers made inside a function are a factory's (console/record_forms.py,
    lib/crud_routes.py): a generic kit that pages use, as they use lib."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = getattr(called, "id", None) or getattr(called, "attr", None)
                if name in ROUTE_DECORATORS:
                    return True
    return False


def handler_modules(root: Path = ROOT) -> frozenset[str]:
    """The modules of server/ that define route handlers, or are named as handler modules."""
    return frozenset(
        name
        for name, path in module_names(root).items()
        if defines_handlers(path.read_text()) or _named_as_handlers(name)
    )


def import_graph(root: Path = ROOT) -> dict[str, frozenset[str]]:
    """Each module of server/ -> the modules of server/ it imports."""
    modules = module_names(root)
    return {
        name: frozenset(
            imports_of(path.read_text(), name, modules, is_package=path.name == "__init__.py")
        )
        for name, path in modules.items()
    }


def feature_of(module: str) -> str | None:
    """The feature a module belongs to: None for server.lib and for the modules directly
    under server/ (server.app, server.db, ...). A package's own name (server.console) is
    its __init__, which belongs to the feature."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "server" or parts[1] not in FEATURES:
        return None
    return parts[1]


def in_base(module: str) -> bool:
    return any(module == b or module.startswith(b + ".") for b in BASE)


def _named_as_handlers(module: str) -> bool:
    last = module.rpartition(".")[2]
    return feature_of(module) is not None and (last in ("api", "pages") or last.endswith("_pages"))


def _in_console(module: str) -> bool:
    return module == "server.console" or module.startswith("server.console.")


def _reaches_in(module: str, target: str, handlers: frozenset[str]) -> bool:
    """Whether `module` importing `target` breaks rule (c)."""
    handlers = handlers | {target} if _named_as_handlers(target) else handlers
    if module in ASSEMBLERS:
        return False
    if _in_console(target):
        if not _in_console(module):
            return True
        return target in handlers and module != "server.console"
    return target in handlers and feature_of(module) != feature_of(target)


def lib_violations(graph: Graph) -> list[tuple[str, str]]:
    """Rule (a): imports from server.lib of anything but the base."""
    return sorted(
        (module, target)
        for module, targets in graph.items()
        if module == "server.lib" or module.startswith("server.lib.")
        for target in targets
        if not in_base(target)
    )


def handler_violations(graph: Graph, handlers: frozenset[str]) -> list[tuple[str, str]]:
    """Rule (c): a feature reaching into another feature's api/pages, or into the console."""
    return sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if _reaches_in(module, target, handlers)
    )


def cycles(graph: Graph) -> list[list[str]]:
    """Rule (b): one cycle for each group of modules that import each other in a circle
    (Tarjan's strongly connected components), as a path a -> b -> ... -> a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a long chain of imports never meets Python's recursion limit.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.get(node, ()):
                    groups.append(group)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(_one_cycle(graph, group) for group in groups)


def _one_cycle(graph: Graph, group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    for node in queue:
        for child in sorted(graph.get(node, ())):
            if child == start:
                return [*paths[node], start]
            if child in group and child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def _listed(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"  {a} imports {b}" for a, b in pairs)


# The real code -------------------------------------------------------------------------


def _real_graph() -> dict[str, frozenset[str]]:
    return import_graph(ROOT)


def test_the_graph_reads_imports_everywhere_in_a_module() -> None:
    """The reading itself works on the real code: it sees imports at the top and inside
    functions (cli.py imports the accounts' services inside its commands)."""
    graph = _real_graph()
    assert "server.lib.auth" in graph["server.lib.pages"]
    assert "server.accounts.services" in graph["server.cli"]
    assert len(graph) > 100
    assert {"accounts", "console", "public", "totals", "widget"} <= FEATURES
    assert feature_of("server.console") == feature_of("server.console.people") == "console"
    assert feature_of("server.lib.auth") is None and feature_of("server.backup") is None


def test_lib_imports_no_feature() -> None:
    found = lib_violations(_real_graph())
    assert not found, (
        "server/lib/ must know no feature (only server.lib, server.db, server.settings):\n"
        + _listed(found)
        + "\nMove the code that needs the feature into the feature, or pass it in."
    )


def test_no_import_cycles() -> None:
    graph = _real_graph()
    # The known lib -> totals import is a layer break, but not in a cycle; nothing allowed.
    found = cycles(graph)
    assert not found, "Import cycles in server/ (each a -> b -> ... -> a):\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in found
    )


def test_features_do_not_import_each_others_handlers() -> None:
    found = handler_violations(_real_graph(), handler_modules(ROOT))
    assert not found, (
        "A feature imports another feature's api/pages (or a console page another's):\n"
        + _listed(found)
        + "\nShare it through the feature's services or server/lib instead."
    )


def test_totals_reach_the_widget_only_through_the_public_package() -> None:
    """The public view of the numbers is server.public: the totals and the widget both use
    it, and the totals never import the widget (which shows the totals)."""
    graph = _real_graph()
    wrong = sorted(
        (module, target)
        for module, targets in graph.items()
        if feature_of(module) == "totals"
        for target in targets
        if feature_of(target) == "widget"
    )
    assert not wrong, "Move what both need into server/public:\n" + _listed(wrong)
    assert "server.public.answers" in graph["server.totals.api"]


# The checker, on made-up graphs: it must fail when someone adds such an import -------------


def test_a_lib_module_importing_a_feature_is_found() -> None:
    graph = {
        "server.lib.auth": frozenset({"server.settings", "server.accounts.services"}),
        "server.lib.pages": frozenset({"server.lib.auth", "server.db"}),
        "server.accounts.services": frozenset({"server.lib.auth"}),
    }
    assert lib_violations(graph) == [("server.lib.auth", "server.accounts.services")]


def test_a_cycle_is_found_and_shown_as_a_path() -> None:
    graph = {
        "server.a.services": frozenset({"server.b.services"}),
        "server.b.services": frozenset({"server.c.services", "server.lib.x"}),
        "server.c.services": frozenset({"server.a.services"}),
        "server.lib.x": frozenset(),
        "server.d.pages": frozenset({"server.d.pages"}),
    }
    assert cycles(graph) == [
        ["server.a.services", "server.b.services", "server.c.services", "server.a.services"],
        ["server.d.pages", "server.d.pages"],
    ]
    assert cycles({"server.a": frozenset({"server.b"}), "server.b": frozenset()}) == []


def test_a_feature_importing_another_features_handlers_is_found() -> None:
    graph = {
        "server.mydata.pages": frozenset(
            {"server.accounts.pages", "server.accounts.services", "server.mydata.services"}
        ),
        "server.mydata.services": frozenset({"server.accounts.api"}),
        "server.accounts.email_pages": frozenset({"server.accounts.pages"}),
        "server.console.trainings": frozenset({"server.console.people", "server.console.exports"}),
        "server.console.people": frozenset({"server.console.exports", "server.people.console"}),
        "server.people.services": frozenset({"server.console.exports"}),
        "server.console": frozenset({"server.console.people", "server.console.trainings"}),
        "server.app": frozenset({"server.accounts.pages", "server.console"}),
        "server.cli": frozenset({"server.console.exports"}),
    }
    handlers = frozenset(
        {
            "server.mydata.pages",
            "server.accounts.pages",
            "server.accounts.email_pages",
            "server.console.trainings",
            "server.console.people",
        }
    )
    assert handler_violations(graph, handlers) == [
        ("server.console.trainings", "server.console.people"),
        ("server.mydata.pages", "server.accounts.pages"),
        ("server.mydata.services", "server.accounts.api"),
        ("server.people.services", "server.console.exports"),
    ]


def test_handler_modules_are_those_that_define_routes_or_are_named_so() -> None:
    assert defines_handlers("from litestar import get\n@get('/x')\nasync def x() -> None: ...")
    assert defines_handlers("import litestar\n@litestar.post('/x')\nasync def x() -> None: ...")
    assert not defines_handlers("import functools\n@functools.cache\ndef x() -> None: ...")
    found = handler_modules(ROOT)
    assert {"server.accounts.pages", "server.totals.api", "server.console.people"} <= found
    assert not {"server.console.exports", "server.accounts.services"} & found


def test_imports_are_read_inside_functions_and_type_checking_blocks() -> None:
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
import server.settings
from server import db
from server.lib import auth
from . import helpers
from .services import thing
if TYPE_CHECKING:
    from server.accounts.sign_in import Session
def later():
    from server.accounts.services import actor_for_token
    import os
"""
    known = {
        "server.settings",
        "server.db",
        "server.lib",
        "server.lib.auth",
        "server.lib.helpers",
        "server.lib.services",
        "server.accounts.sign_in",
        "server.accounts.services",
    }
    assert imports_of(source, "server.lib.pages", known) == {
        "server.settings",
        "server.db",
        "server.lib.auth",
        "server.lib.helpers",
        "server.lib.services",
        "server.accounts.sign_in",
        "server.accounts.services",
    }
