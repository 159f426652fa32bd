"""The `movement` command, run as a person would run it, on its own SQLite file."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.helpers.cli import BIN


@pytest.fixture
def run(tmp_path):
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite",
    }

    def run(*args, **extra):
        return subprocess.run(
            [str(BIN), *args], env={**env, **extra}, capture_output=True, text=True, timeout=120
        )

    return run


@pytest.mark.slow
def test_migrate_create_user_and_token(run):
    assert run("migrate").returncode == 0
    assert run("migrate").returncode == 0  # safe to run again
    made = run("create-user", "Coord@Example.org", "--role", "coordinator", "--name", "Cora")
    assert made.returncode == 0, made.stderr
    assert "coordinator account for coord@example.org" in made.stdout
    again = run("create-user", "coord@example.org", "--role", "admin")
    assert again.returncode == 2
    assert "already an account" in again.stderr
    token = run("token", "coord@example.org")
    assert token.returncode == 0
    assert token.stdout.strip().startswith("mvt_") and len(token.stdout.strip()) > 40
    assert run("token", "nobody@example.org").returncode == 2


def test_bad_settings_are_named(run):
    result = run("migrate", PORT="eighty")
    assert result.returncode == 2
    assert "PORT must be a whole number" in result.stderr


@pytest.mark.slow
def test_bad_emails_and_roles_are_refused(run):
    assert run("migrate").returncode == 0
    bad = run("create-user", "not-an-email", "--role", "champion")
    assert bad.returncode == 2 and "email address" in bad.stderr
    role = run("create-user", "a@example.org", "--role", "king")
    assert role.returncode == 2 and "invalid choice" in role.stderr
    # The name is checked as it is everywhere else: no hidden direction marks.
    name = run("create-user", "b@example.org", "--role", "champion", "--name", "Ann\u202eeeL")
    assert name.returncode == 2 and "change the direction of the text" in name.stderr


@pytest.mark.slow
def test_demo_scale_is_checked_and_a_second_load_refused(run):
    assert run("migrate").returncode == 0
    for scale in ("0", "-1", "500"):
        result = run("demo", "--scale", scale)
        assert result.returncode == 2 and "--scale must be" in result.stderr
    first = run("demo", "--scale", "0.01")
    assert first.returncode == 0, first.stderr
    assert "Loaded the demo data" in first.stdout and "activities" in first.stdout
    second = run("demo", "--scale", "0.01")
    assert second.returncode == 1
    assert "already has" in second.stderr and "people in it" in second.stderr


@pytest.mark.slow
def test_tokens_are_revoked_and_accounts_disabled(run, tmp_path):
    assert run("migrate").returncode == 0
    assert run("create-user", "cham@example.org", "--role", "champion").returncode == 0
    run("token", "cham@example.org")
    run("token", "cham@example.org")
    revoked = run("revoke-tokens", "cham@example.org")
    assert revoked.returncode == 0 and "Revoked 2 token(s)" in revoked.stdout
    assert "Revoked 0 token(s)" in run("revoke-tokens", "cham@example.org").stdout
    run("token", "cham@example.org")
    disabled = run("disable-user", "cham@example.org")
    assert disabled.returncode == 0 and "1 token(s) revoked" in disabled.stdout
    refused = run("token", "cham@example.org")
    assert refused.returncode == 2 and "no active account" in refused.stderr
    assert run("disable-user", "nobody@example.org").returncode == 2
