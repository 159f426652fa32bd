"""A Python client generated from the app's OpenAPI document with openapi-python-client,
as an outside developer would make one, and the checks that its answers are typed.

The generator runs in its own process, from the test's own virtual environment, on the
document written to a file: it needs no network. Its post-generation hooks (ruff) are
turned off: they only reformat the code, and cost time.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

PACKAGE = "movement_client"
# Unset hooks would run `ruff check --fix` and `ruff format` on the generated code.
CONFIG = {"post_hooks": [], "package_name_override": PACKAGE}


def generate(document: dict[str, Any], folder: Path) -> ModuleType:
    """Generates the client package from the document into the folder and imports it.
    The generator is told to fail on any warning (a part of the document it could not
    turn into code): the failure shows what it said."""
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.json").write_text(json.dumps(CONFIG))
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(folder / "openapi.json"),
        "--config", str(folder / "config.json"),
        "--output-path", str(folder / PACKAGE),
        "--meta", "none",
        "--fail-on-warning",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, (
        "openapi-python-client could not make a client from the document:\n"
        + done.stdout
        + done.stderr
    )
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def forget() -> None:
    """Unloads the generated package, so that another generation imports afresh."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def operation(package: ModuleType, operation_id: str) -> ModuleType:
    """The generated module of one operation, found by its operation id (the generator
    files it under its tag, `api/<tag>/<operation_id>.py`)."""
    api = importlib.import_module(f"{package.__name__}.api")
    for found in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        if found.name.rpartition(".")[2] == operation_id:
            return importlib.import_module(found.name)
    raise AssertionError(f"The generated client has no operation {operation_id!r}")


def fields(value: Any) -> set[str]:
    """The fields the generated model of a value declares: none for a value the document
    does not describe (None, a plain dict, or a model of an object with any properties)."""
    if not attrs.has(type(value)):
        return set()
    return {field.name for field in attrs.fields(type(value))} - {"additional_properties"}


def typed(value: Any, what: str) -> Any:
    """The value, if the document describes it so that the generated client gives a model
    with named fields; else the test fails and says which answer is not described."""
    shown = repr(value) if len(repr(value)) <= 100 else repr(value)[:100] + "..."
    assert fields(value), (
        f"The OpenAPI document does not describe {what}: the generated client gives "
        f"{shown} instead of a model with named fields"
    )
    return value


def answer(response: Any, operation_id: str, status: int) -> Any:
    """The parsed answer of a call made with the generated client (a `Response`), after
    checking its status and that it is a typed model."""
    assert response.status_code == status, (
        operation_id,
        response.status_code,
        response.content[:500],
    )
    return typed(response.parsed, f"the {status} answer of {operation_id}")


def body_model(module: ModuleType, operation_id: str) -> Any:
    """The generated model of an operation's request body, read from the generated
    function's signature (its name depends on the document: `<Operation>Body`, or the name
    of the schema it refers to). Fails if the document does not describe its fields."""
    hint = typing.get_type_hints(module._get_kwargs)["body"]
    models = [t for t in (typing.get_args(hint) or (hint,)) if attrs.has(t)]
    assert models, f"The generated {operation_id} takes no model as its body: {hint!r}"
    model = models[0]
    assert {f.name for f in attrs.fields(model)} - {"additional_properties"}, (
        f"The OpenAPI document does not describe the body of {operation_id}: the generated "
        f"{model.__name__} has no fields"
    )
    return model
