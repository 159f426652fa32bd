"""Reading templates' expressions with Jinja's own parser (the address tests)."""

from __future__ import annotations

from jinja2 import nodes


def dotted(node: nodes.Node) -> str:
    """A name or an attribute chain as written (`request.query_params`); "?" otherwise."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{dotted(node.node)}.{node.attr}"
    return "?"
