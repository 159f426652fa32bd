"""Reading an uploaded file in a process of its own, so that no file can hold up the server.

A worker thread would keep the event loop free, but the reading would still share the
worker's one interpreter lock (every other request slowing down with it), could not be
stopped half-way through openpyxl opening a workbook, and would leave the memory it used to
the worker. A process is stopped outright at the time limit and gives back all its memory.
The processes are forked from a fork server that has already imported the reader, so each
costs milliseconds rather than the 0.2 s of starting Python and openpyxl.
"""

from __future__ import annotations

import json
import multiprocessing
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext

import anyio.to_thread

from server.imports.files import read_sheet
from server.imports.limits import READ_SECONDS, SPLIT, TOO_SLOW, Unreadable


def _context() -> ForkServerContext | SpawnContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload([__name__])
    return forkserver


_PROCESSES = _context()
STOPPED = f"Reading this file stopped part of the way through, and nothing was saved. {SPLIT}"


@dataclass(frozen=True)
class Upload:
    """What the import needs from a file that was read: its headings, how many rows of
    people it has, and the sheet as JSON (made in the reading process, not the server)."""

    headings: list[str]
    rows: int
    sheet_json: str


@dataclass(frozen=True)
class _Failed:
    """The reading process hit a bug: its traceback, for the server's log."""

    text: str


async def read_upload(content: bytes, kind: str = "people") -> Upload:
    """The file read in a process of its own, or Unreadable saying what is wrong with it;
    past READ_SECONDS the process is stopped and the file refused. `kind`: what the file
    holds (server/imports/kinds.py), whose headings are looked for."""
    return await anyio.to_thread.run_sync(_read_in_process, content, READ_SECONDS, kind)


def _read_in_process(content: bytes, seconds: float, kind: str = "people") -> Upload:
    """On a worker thread: start the process, wait for its answer, and end it."""
    receiver, sender = _PROCESSES.Pipe(duplex=False)
    process = _PROCESSES.Process(target=_read, args=(content, sender, kind), daemon=True)
    process.start()
    sender.close()  # the process has its own copy: this one would hide its end
    try:
        if not receiver.poll(seconds):
            raise Unreadable(TOO_SLOW)
        outcome = receiver.recv()
    except EOFError as exc:  # the process ended without an answer (killed, out of memory)
        raise Unreadable(STOPPED) from exc
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        process.close()
        receiver.close()
    if isinstance(outcome, _Failed):
        raise RuntimeError(f"Reading an upload failed:\n{outcome.text}")
    if isinstance(outcome, str):
        raise Unreadable(outcome)
    assert isinstance(outcome, Upload)
    return outcome


def _read(content: bytes, sender: Connection, kind: str = "people") -> None:
    """In the reading process: read the file and send back what was found, or why not."""
    outcome: Upload | str | _Failed
    try:
        sheet = read_sheet(content, kind)
        outcome = Upload(sheet.headings, len(sheet.rows), json.dumps(sheet.as_json()))
    except Unreadable as exc:
        outcome = str(exc)
    except Exception:  # a bug: the server logs it (a 500), as if read in the server
        outcome = _Failed(traceback.format_exc())
    sender.send(outcome)
    sender.close()
