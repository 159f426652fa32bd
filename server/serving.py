"""`movement serve`: the app under Granian (the default) or uvicorn (SERVER=uvicorn).

Both listen on HOST:PORT with WORKERS processes, run the app's startup and shutdown hooks in
each worker, and stop gracefully on SIGTERM or SIGINT: the requests under way are answered,
then each worker's on_shutdown hooks run (the retention and reminder tasks stop, the
database closes).

Forwarded headers. uvicorn believes X-Forwarded-For and X-Forwarded-Proto from the proxies
in TRUSTED_PROXIES only (its forwarded_allow_ips, which would otherwise be 127.0.0.1).
Granian reads no forwarded header at all: the client address the app sees is the peer of
the connection, and server/lib/client.py alone decides what to believe, from the same list.
The app reads no URL scheme, so X-Forwarded-Proto changes nothing under either server.
"""

from __future__ import annotations

import importlib
import logging
import signal
from typing import TYPE_CHECKING

from server.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar

APP = "server.serving:served_app"
log = logging.getLogger(__name__)

# Granian's settings (README, "Speed"): the Python code runs on one thread per worker
# whatever the runtime threads, and on a 2-core machine a second Rust thread would compete
# with the other worker and the database; HTTP/1 only, as a reverse proxy speaks it.
GRANIAN_RUNTIME_THREADS = 1
# A worker that has not stopped this many seconds after SIGTERM is killed.
GRANIAN_KILL_SECONDS = 30


def serve(settings: Settings, target: str = APP) -> None:
    """Serve until told to stop, with the server SERVER names. The target is the factory
    of the app, as module:function (the benchmark serves its bare app with it too)."""
    if settings.server == "uvicorn":
        _uvicorn(settings, target)
    else:
        _granian(settings, target)


def _factory(target: str) -> Callable[[], Litestar]:
    module, _, name = target.partition(":")
    factory: Callable[[], Litestar] = getattr(importlib.import_module(module), name)
    return factory


def _granian(settings: Settings, target: str) -> None:
    from granian.constants import HTTPModes, Interfaces, Loops, RuntimeModes
    from granian.log import LogLevels
    from granian.server import Server

    _factory(target)  # imported once here, before the workers are forked, not in each
    Server(
        target,
        factory=True,
        address=settings.host,
        port=settings.port,
        # "asgi" runs the lifespan (the app's on_startup and on_shutdown); "asginl" would not.
        interface=Interfaces.ASGI,
        workers=settings.workers,
        runtime_threads=GRANIAN_RUNTIME_THREADS,
        runtime_mode=RuntimeModes.st,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,  # the app has none
        log_level=LogLevels.warning,
        workers_kill_timeout=GRANIAN_KILL_SECONDS,
    ).serve(target_loader=granian_worker_app)


def granian_worker_app(target: str) -> Litestar:
    """The app, made in each Granian worker when it starts.

    A forked worker inherits the main process's handler for SIGTERM and SIGINT, which only
    notes the signal, until the worker sets its own just before the app's startup hooks
    run: a stop sent while the app was being made was lost, and the worker served on until
    GRANIAN_KILL_SECONDS later. Until then, the signal now ends the worker at once (it has
    not started anything that needs stopping)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return _factory(target)()


def served_app() -> Litestar:
    """The app as `movement serve` runs it in each worker: create_app(), with one startup
    step more, the last: the public numbers are made, and what they hide decided, before
    the worker takes its first request. The first visitor after a start or a deploy then
    waits for none of that (about a third of a second at demo scale 100). The tests make
    the app with create_app() itself, so that each test does not pay for it."""
    from server.app import create_app

    app = create_app()
    app.on_startup.append(make_public_numbers)
    return app


async def make_public_numbers() -> None:
    """Make the public numbers now. A failure (the database not there yet) is logged, and
    the first request that needs them tries again, as it would have anyway."""
    from server.public.release import public_numbers

    try:
        await public_numbers()
    except Exception:
        log.warning("The public numbers could not be made as the worker started", exc_info=True)


def _uvicorn(settings: Settings, target: str) -> None:
    import uvicorn

    trusted = ",".join(str(network) for network in settings.trusted_proxies)
    uvicorn.run(
        target,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        # uvicorn alone would believe X-Forwarded-* from 127.0.0.1 (or FORWARDED_ALLOW_IPS):
        # only the proxies in TRUSTED_PROXIES are, as in server/lib/client.py.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )
