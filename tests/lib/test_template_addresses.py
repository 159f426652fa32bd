"""No template builds an address from request text.

Every `action`, `href`, `src`, `formaction` and htmx address in every template under
web/templates is read, and each `{{ ... }}` in it is parsed with Jinja's own parser. Where
it sits decides what may be there:
- in the path (before any `?` or `#`): literals, record numbers (`x.id`, page numbers and
  sums of them), `url_for('route-name', ...)` whose arguments are such values or a link
  token the route checked, and the few values a route makes from fixed paths (ADDRESSES);
- in a query string (after `?`): those, plus `urlencode` and the query strings the routes
  make with it (QUERIES): a value there cannot change which page the address goes to;
- in a fragment (after `#`): anything, as it never leaves the page (Jinja escapes quotes).
Anything else fails, so a new template writing `{{ request.query_params.next }}` or a
route's raw text into an address fails here until it is built from a route name or a checked
value. (Browsers read `\\` as `/`: `/sign-in/..\\console\\admin\\users\\14\\deactivate` in a
form's action once posted an admin's CSRF token to the deactivate page.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from tests.helpers.jinja import dotted

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
ADDRESS_ATTRIBUTES = (
    "action", "formaction", "href", "src",
    "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-push-url",
)  # fmt: skip
# Attributes of a row, or names, that hold whole numbers: record ids from the database or a
# route's {id:int}, and page numbers the route read as numbers.
NUMBERS = frozenset({"id", "person", "page", "record_id", "editing"})
# Values a route (or the template that calls a macro) makes from fixed paths and numbers.
ADDRESSES = {
    "base": "a route's address (url_for) given by the route or by the template calling the "
    "macro; the widget's is BASE_URL",
    "href": "console/base.html's menu: url_for of fixed route names",
    "links": "the dashboard's downloads: url() of a route name and a query made with urlencode",
    "codes.preview": "url() of /embed's name, with options checked against fixed lists "
    "(server/console/widget.py)",
    "codes.badge_preview": "the same for the badge (/totals.svg)",
    "licence_url": "a constant (server/public/release.py)",
    "ev.link": "the audit log's record pages: a fixed pattern and a record number",
    "about.help_email": "HELP_CONTACT, a setting from the environment, in a mailto: link",
    "document_url": "the OpenAPI document's address, reversed from Litestar's own route "
    "name for it (server/apidocs/plugin.py)",
}
# Query strings the routes make with urllib's urlencode (every '/', '\\', '?', '#' escaped).
QUERIES = {
    "query": "urlencode of the filters",
    "filters": "urlencode of the filters",
    "previous": "urlencode of the filters and a page number",
    "next": "urlencode of the filters and a page number",
}
# Checked link tokens (is_link_token, before the page is drawn), allowed only as an argument
# of url_for: the route's own pattern then decides the rest of the address.
TOKENS = frozenset({"token"})
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
SET = re.compile(r"\{%-?\s*set\s+(\w+)\s*=(.*?)-?%\}", re.S)
ENV = Environment(autoescape=True)


def _from_request(node: nodes.Node) -> bool:
    return dotted(node).split(".")[0] == "request"


def _number(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Const):
        return isinstance(node.value, int)
    if _from_request(node):
        return False  # request.path_params.id is whatever the address held
    if isinstance(node, nodes.Name | nodes.Getattr):
        name = node.name if isinstance(node, nodes.Name) else node.attr
        return name in NUMBERS
    if isinstance(node, nodes.Add | nodes.Sub):
        return _number(node.left) and _number(node.right)
    return False


# A settings list's path (kind.path: server/reference ADMIN_KINDS) and a console list's
# (listed.path: server/console/lists KINDS): fixed in the code, never from a request.
FIXED_PATHS = ("kind.path", "listed.path")


def _route_name(node: nodes.Node) -> bool:
    """A literal route name, or one made of literals and a settings list's fixed path
    ('console-admin-' ~ kind.path ~ '-edit'; server/console/admin.py names its routes so)."""
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str)
    if isinstance(node, nodes.Concat):
        return all(_route_name(part) or dotted(part) in FIXED_PATHS for part in node.nodes)
    return False


def _url_for(node: nodes.Call) -> bool:
    """url_for('a-route-name', name=value...), with numbers or checked tokens as values."""
    if not (isinstance(node.node, nodes.Name) and node.node.name == "url_for"):
        return False
    if not node.args or not _route_name(node.args[0]) or len(node.args) > 1:
        return False
    return (
        not node.dyn_args
        and not node.dyn_kwargs
        and all(
            _number(kw.value) or (isinstance(kw.value, nodes.Name) and kw.value.name in TOKENS)
            for kw in node.kwargs
        )
    )


def allowed(node: nodes.Node, where: str) -> bool:
    """Whether an expression may stand at this place in an address ("path", "query",
    "fragment")."""
    if where == "fragment":
        return True
    if isinstance(node, nodes.Const) or _number(node):
        return True
    if isinstance(node, nodes.Name | nodes.Getattr):
        written = dotted(node)
        known = ADDRESSES.keys() | (QUERIES.keys() if where == "query" else set())
        return written in known or written.split(".")[0] == "links" and "links" in known
    if isinstance(node, nodes.Call):
        return _url_for(node)
    if isinstance(node, nodes.CondExpr):
        return allowed(node.expr1, where) and (node.expr2 is None or allowed(node.expr2, where))
    if isinstance(node, nodes.Concat):  # "/console/admin/" ~ kind.path
        return all(allowed(part, where) for part in node.nodes)
    if isinstance(node, nodes.Or):
        return allowed(node.left, where) and allowed(node.right, where)
    if isinstance(node, nodes.Mod):  # '/x/%d/edit' % record_id
        return isinstance(node.left, nodes.Const) and _number(node.right)
    if isinstance(node, nodes.Filter):
        if node.name == "urlencode":
            return where == "query"
        if node.name == "replace":
            return (
                node.node is not None
                and allowed(node.node, where)
                and all(isinstance(a, nodes.Const) for a in node.args)
            )
    return False


def parse(expression: str) -> nodes.Node:
    body = ENV.parse("{{" + expression + "}}").body[0]
    assert isinstance(body, nodes.Output)
    return body.nodes[0]


def _attribute_values(source: str) -> list[tuple[str, str]]:
    """(attribute, value) of each address attribute, reading past quotes inside {{ }} and
    {% %} (a value such as "{{ url_for('x', id=1) }}" holds quotes of its own)."""
    out = []
    names = "|".join(re.escape(a) for a in ADDRESS_ATTRIBUTES)
    for match in re.finditer(rf"(?<![\w-])({names})\s*=\s*([\"'])", source):
        quote, i, value = match.group(2), match.end(), []
        while i < len(source) and source[i] != quote:
            for start, end in (("{{", "}}"), ("{%", "%}")):
                if source.startswith(start, i):
                    close = source.index(end, i) + len(end)
                    value.append(source[i:close])
                    i = close
                    break
            else:
                value.append(source[i])
                i += 1
        out.append((match.group(1), "".join(value)))
    return out


def problems_in(source: str) -> list[str]:
    """Each expression in an address that is not one of the allowed forms."""
    found = []
    for attribute, value in _attribute_values(source):
        for match in EXPRESSION.finditer(value):
            before = re.sub(r"\{[{%].*?[}%]\}", "", value[: match.start()], flags=re.S)
            where = "fragment" if "#" in before else "query" if "?" in before else "path"
            if not allowed(parse(match.group(1)), where):
                found.append(f'{attribute}="{value}": {{{{{match.group(1)}}}}} in the {where}')
    # A name the lists above trust must not be set from something else in a template.
    trusted = ADDRESSES.keys() | QUERIES.keys() | NUMBERS | TOKENS
    for name, expression in SET.findall(source):
        if name in trusted and not allowed(parse(expression), "path"):
            found.append(f"{{% set {name} = {expression.strip()} %}}: {name} is trusted above")
    return found


def templates() -> list[Path]:
    found = sorted(TEMPLATES.rglob("*.html"))
    assert len(found) > 50, "the templates were not found"
    return found


def test_every_address_in_every_template_is_built_from_safe_values():
    problems = []
    for path in templates():
        source = path.read_text(encoding="utf-8")
        problems += [f"{path.relative_to(TEMPLATES)}: {p}" for p in problems_in(source)]
    assert not problems, "\n".join(problems)


def test_the_walk_finds_the_addresses_that_take_values():
    """The test reads what it should: the confirm pages' forms, ids in links, query
    strings and values inside single-quoted and double-quoted attributes."""
    seen = {
        str(path.relative_to(TEMPLATES)): [v for _, v in _attribute_values(path.read_text())]
        for path in templates()
    }
    assert "{{ url_for('sign-in-use-link', token=token) }}" in seen["accounts/confirm.html"]
    assert "{{ url_for('story-delete', record_id=s.id) }}" in seen["stories/mine.html"]
    taking_values = sum("{{" in v for values in seen.values() for v in values)
    assert taking_values > 100


@pytest.mark.parametrize(
    "line",
    [
        # The confirm pages before they were fixed: the token as the request gave it.
        '<form method="post" action="/sign-in/{{ token }}">',
        '<form method="post" action="/email/confirm/{{ token }}">',
        # Request text, however it reaches the template.
        '<a href="{{ request.query_params.next }}">Go on</a>',
        '<a href="{{ request.url.path }}">Here</a>',
        "<form action='/stories/{{ request.path_params.id }}/delete'>",
        '<a href="/activities/{{ next_page }}">',
        "<form action=\"{{ url_for('x', token=request.query_params.t) }}\">",
        '<form action="{{ url_for(where) }}">',
        "<form action=\"{{ url_for('console-admin-' ~ request.query_params.kind) }}\">",
        '<a href="{{ query | urlencode }}">',  # urlencode keeps "/" in a path
        '<a href="/x?{{ request.query_params.q }}">',
        '<a hx-get="/console/import/{{ job.name }}">',
        '<form action="{{ action ~ extra }}">',
        '{% set base = request.query_params.back %}<a href="{{ base }}">',
    ],
)
def test_request_text_in_an_address_is_caught(line):
    assert problems_in(line)


@pytest.mark.parametrize(
    "line",
    [
        "<form action=\"{{ url_for('email-use-link', token=token) }}\">",
        '<a href="/console/people/{{ person.id }}/merge?other={{ p.id }}">',
        '<a href="{{ base }}?{{ dict(query, page=page + 1) | urlencode }}">',
        "<a href=\"#{{ field or 'main' }}\">",
        "<a href=\"{{ '/console/people/%d' % person.id if person else '/console/people' }}\">",
        "<a href=\"{{ url_for('console-admin-' ~ kind.path ~ '-edit', record_id=item.id) }}\">",
    ],
)
def test_safe_addresses_pass(line):
    assert problems_in(line) == []


# Internal paths ----------------------------------------------------------------------------
# Links, actions and redirects are built from route names (issue 13), so renaming a path is a
# change in one place and a mistyped name fails tests/lib/test_route_names.py. Only static
# files keep their paths written out.
STATIC = "/static/"
PATH_TEXT = re.compile(r"^/(?!/)")  # "/x" but not "//host" (written nowhere here anyway)


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _compared(tree: nodes.Template) -> set[int]:
    """Constants a template compares the current path with (the navigation's "you are
    here"): they read an address, they do not make one."""
    found: set[int] = set()
    for compare in tree.find_all(nodes.Compare):
        found |= {id(c) for c in compare.find_all(nodes.Const)}
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Getattr) and call.node.attr == "startswith":
            found |= {id(c) for c in call.find_all(nodes.Const)}
    return found


def written_paths(source: str) -> list[tuple[int, str]]:
    """(line, text) of each internal path written out in a template: an address attribute
    that begins with one, and a string in a {{ }} or {% %} expression that is one (a macro's
    base, a {% set %}, either branch of an if)."""
    found = []
    names = "|".join(re.escape(a) for a in ADDRESS_ATTRIBUTES)
    for match in re.finditer(rf"(?<![\w-])({names})\s*=\s*([\"'])(/[^\"']*)", source):
        value = match.group(3)
        if PATH_TEXT.match(value) and not value.startswith(STATIC):
            found.append((_line(source, match.start()), f'{match.group(1)}="{value}"'))
    tree = ENV.parse(source)
    compared = _compared(tree)
    for const in tree.find_all(nodes.Const):
        value = const.value
        if (
            isinstance(value, str)
            and PATH_TEXT.match(value)
            and not value.startswith(STATIC)
            and value != "/"  # the dashboard's slash after url_for('console-dashboard')
            and id(const) not in compared
        ):
            found.append((const.lineno, repr(value)))
    return found


def test_no_template_writes_an_internal_path():
    """Every link, form action and htmx address to a page is url_for('route-name', ...)."""
    problems = []
    for path in templates():
        for line, text in written_paths(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(TEMPLATES)}:{line}: {text}")
    assert not problems, "written out instead of url_for:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        '<a href="/console/people/{{ p.id }}">',
        "<form action='/my-email'>",
        '<div hx-get="/console/import/{{ job.id }}">',
        "<a href=\"{{ '/console/people/%d' % person.id if person else '/console/people' }}\">",
        '{% set base = "/console/audit" %}',
        '{{ pagination(page, pages, "/console/people", query) }}',
        "<img src=\"{{ codes.preview | replace('/embed', '/totals.svg', 1) }}\">",
    ],
)
def test_a_written_path_is_found(source):
    assert written_paths(source)


def test_a_written_path_is_found_on_its_line():
    assert written_paths('<p>\n\n<a href="/my-data">') == [(3, 'href="/my-data"')]
    assert written_paths('<p>\n{{ f("/x") }}') == [(2, "'/x'")]


@pytest.mark.parametrize(
    "source",
    [
        '<link rel="stylesheet" href="/static/css/app.css">',
        "<a href=\"{{ url_for('console-person', person_id=p.id) }}?saved=1#roles\">",
        "<a href=\"{{ url_for('console-dashboard') }}/\">",
        '<a href="#main">',
        '<a href="mailto:{{ about.help_email }}">',
        '{% set here = "log" if path in ("/log", "/offline/log") else "" %}',
        '{% if path.startswith("/stories") %}x{% endif %}',
    ],
)
def test_route_names_and_static_files_pass(source):
    assert written_paths(source) == []
