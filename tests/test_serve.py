"""`movement serve` under each server it can run (SERVER): it answers, and a SIGTERM or
SIGINT stops it cleanly, after each worker's on_shutdown hooks have run.

The sign that they ran: the app keeps SQLite connections open while it serves, so the
database's write-ahead log (the -wal file) is there; db.stop, the last on_shutdown hook,
closes them, and SQLite removes the log when its last connection closes. A process killed
without its hooks leaves the log behind.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess

import httpx
import pytest

from server.db import note_write
from tests.helpers.browser import free_port
from tests.helpers.cli import BIN

SERVERS = ["granian", "uvicorn"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A migrated SQLite database of the served processes' own (not the tests')."""
    folder = tmp_path_factory.mktemp("serve")
    done = subprocess.run(
        [str(BIN), "migrate"], env=_env(folder), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return folder


def _env(folder, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder}/serve.sqlite",
        "HOST": "127.0.0.1",
        "SMTP_HOST": "",
        **extra,
    }


def _start(folder, server: str, workers: int = 1) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve"],
        env=_env(folder, SERVER=server, PORT=str(port), WORKERS=str(workers)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        process_wait(process, 0.1)
    process.kill()
    output, _ = process.communicate(timeout=10)
    raise AssertionError(f"movement serve did not start:\n{output}")


def process_wait(process: subprocess.Popen[str], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> tuple[int, str]:
    process.send_signal(how)
    try:
        output, _ = process.communicate(timeout=25)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=10)
        raise AssertionError(f"movement serve did not stop on {how.name}:\n{output}") from None
    return process.returncode, output


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_each_server_serves_and_stops_cleanly(data_dir, server, how):
    process, base = _start(data_dir, server)
    wal = data_dir / "serve.sqlite-wal"
    try:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        totals = httpx.get(f"{base}/api/totals")  # reads the database
        assert totals.status_code == 200
        assert totals.headers["content-security-policy"].startswith("default-src 'self'")
        assert wal.exists()  # the connections the app keeps open
    finally:
        code, output = _stop(process, how)
    assert f"worker(s) under {server}" in output
    # uvicorn, once stopped, raises the signal again for whoever handled it before it (here
    # nobody, so the process ends by it); Granian returns.
    assert code in ((0, -how) if server == "uvicorn" else (0,)), output
    assert not wal.exists(), output  # on_shutdown ran: db.stop closed the connections
    assert "Traceback" not in output


@pytest.mark.slow
def test_granian_with_two_workers_stops_at_once_even_while_one_is_starting(data_dir):
    # The first worker to answer does not mean the second is ready: a SIGTERM may reach
    # it while it is still making the app (see serving.granian_worker_app).
    process, base = _start(data_dir, "granian", workers=2)
    code, output = _stop(process, signal.SIGTERM)
    assert "with 2 worker(s) under granian" in output
    assert "refused to gracefully stop" not in output
    assert code == 0, output


def test_an_unknown_server_is_refused_with_the_choices(tmp_path):
    done = subprocess.run(
        [str(BIN), "serve"],
        env=_env(tmp_path, SERVER="gunicorn"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SERVER must be granian or uvicorn, not 'gunicorn'" in done.stderr


async def test_a_served_worker_makes_the_public_numbers_before_its_first_request(
    database, caplog, monkeypatch
):
    from server import serving
    from server.app import create_app
    from server.public import release
    from tests.helpers import factories as f

    champion = await f.person(name="Nia First")
    await f.join(champion, "health-champions")
    note_write()
    assert release.serving() is None  # nothing made since that write
    app = serving.served_app()
    # Its startup is create_app()'s, then one step more, the last.
    assert app.on_startup[:-1] == create_app().on_startup
    assert app.on_startup[-1] is serving.make_public_numbers
    await app.on_startup[-1]()
    made = release.serving()
    assert made is not None, "made before anyone asked"
    assert made.borough["people"] == 1
    # A worker whose numbers cannot be made yet still starts, and says why in the log.
    note_write()

    async def broken() -> None:
        raise ConnectionError("the database is not there yet")

    monkeypatch.setattr(release, "public_numbers", broken)
    logger = logging.getLogger("server.serving")  # the app's logging does not propagate
    logger.addHandler(caplog.handler)
    try:
        await serving.make_public_numbers()
    finally:
        logger.removeHandler(caplog.handler)
    assert "The public numbers could not be made as the worker started" in caplog.text
    assert "the database is not there yet" in caplog.text
