"""The README must name every setting, command, make target and programme."""

from __future__ import annotations

import re
from pathlib import Path

from server.cli import parser
from server.settings import env_names

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented():
    for name in env_names():
        assert f"`{name}`" in README.split("## Configuration")[1].split("## The `movement`")[0], (
            f"{name} is missing from the README's settings table"
        )


def test_every_command_is_documented():
    commands = parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"`movement {command}" in README, f"movement {command} is not in the README"


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text()
    targets = re.findall(r"^([a-z-]+):.*## ", makefile, re.MULTILINE)
    assert "run" in targets and "test" in targets
    for target in targets:
        if target not in {"help", "check", "postgres"}:
            assert f"make {target}" in README, f"make {target} is not in the README"


async def test_every_programme_slug_is_documented(client):
    programmes = (await client.get("/api/programmes")).json()["items"]
    for programme in programmes:
        assert f"`{programme['slug']}`" in README


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
