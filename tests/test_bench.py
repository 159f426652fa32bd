"""The benchmark's own parts that can be checked without running it (make bench runs it)."""

from __future__ import annotations

import pytest

from bench.run import BenchFailed, batch_bodies, parse_wrk
from server.demo.data import AREAS

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/api/totals
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.10ms    7.12ms  96.20ms   90.11%
  Latency Distribution
     50%    7.08ms
     75%    9.50ms
     90%   13.10ms
     99%   56.30ms
  40123 requests in 10.01s, 95.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   4007.12
Transfer/sec:      9.51MB
"""


def test_wrk_output_is_read():
    result = parse_wrk("totals", WRK_OUTPUT)
    assert (result.requests_per_second, result.p50_ms, result.p99_ms) == (4007.12, 7.08, 56.3)
    assert (result.requests, result.errors) == (40123, 7)


def test_unreadable_wrk_output_fails_loudly():
    with pytest.raises(BenchFailed):
        parse_wrk("totals", "wrk: command not found")


def test_batches_are_valid_for_the_api():
    import random

    bodies = batch_bodies(AREAS[0].code, random.Random(1))
    assert len(bodies) == 20
    assert all(len(b["activities"]) == 500 for b in bodies)
    ids = {a["client_id"] for b in bodies for a in b["activities"]}
    assert len(ids) == 10_000


def test_the_dashboard_is_timed_with_filters_nothing_else_asked_for():
    from urllib.parse import parse_qsl, urlsplit

    from bench.run import UNCACHED, dashboard_paths

    paths = dashboard_paths()
    assert len(set(paths)) == len(paths) == UNCACHED  # each one worked out afresh
    for path in paths:
        parts = urlsplit(path)
        assert parts.path == "/console/"
        assert {k for k, _ in parse_qsl(parts.query)} <= {"since", "footprint", "programme"}


def result(label, rps, errors=0):
    from bench.run import WrkResult

    return WrkResult(label, rps, 2.0, 9.0, int(rps * 10), errors)


def test_public_answers_are_a_share_of_the_bare_app_with_the_goal():
    from bench.table import throughput_figures

    bare = result("GET /hello", 15_000)
    rows = throughput_figures(
        [
            result("GET /healthz", 11_000),
            result("GET /api/totals", 12_000),  # 0.80: just met
            result("GET /embed", 11_985),  # 0.799: missed
            result("GET /totals.svg", 14_000, errors=3),  # fast, but errors miss
        ],
        bare,
        with_goal=["GET /api/totals", "GET /embed", "GET /totals.svg"],
    )
    assert [r.name for r in rows] == [
        "`GET /hello` (bare Litestar app, the floor)",
        "`GET /healthz`",
        "`GET /api/totals`",
        "`GET /embed`",
        "`GET /totals.svg`",
    ]
    assert [r.met for r in rows] == [True, True, True, False, False]
    assert rows[2].measured == "12,000/s, **0.80×** (p50 2.0 ms, p99 9.0 ms)"
    assert rows[2].goal == "≥ 0.8× of bare, no errors"
    assert "**0.79×**" in rows[3].measured  # rounded down: a miss never reads 0.80
    assert rows[1].goal == "no errors"  # /healthz is shown, with no share to reach
    assert rows[4].measured == "14,000/s, **0.93×** (p50 2.0 ms, p99 9.0 ms, 3 errors)"


def test_the_table_marks_what_misses_and_only_that():
    from bench.table import (
        MISSED,
        markdown,
        missed,
        seconds_figure,
        timing_figure,
    )

    rows = [
        timing_figure("dashboard afresh", [90.0, 310.0, 120.0], 300),
        timing_figure("dashboard from the cache", [5.0, 4.0, 6.0], None),
        seconds_figure("batch", 0.82, 1.0),
        seconds_figure("raw insert", 0.23, None),
        timing_figure("never measured", [], 300),
    ]
    table = markdown(rows).splitlines()
    assert table[0] == "| figure | measured | goal | |"
    assert table[2] == (
        f"| dashboard afresh | p50 120.0 ms, slowest 310.0 ms | slowest < 300 ms | {MISSED} |"
    )
    assert table[3] == "| dashboard from the cache | p50 5.0 ms, slowest 6.0 ms | — |  |"
    assert table[4] == "| batch | 0.82 s | < 1 s |  |"
    assert table[5] == "| raw insert | 0.23 s | — |  |"
    assert table[6] == "| never measured | not measured | — |  |"
    assert missed(rows) == ["dashboard afresh"]


def test_the_server_comparison_shows_each_share_in_its_own_column():
    from bench.table import comparison

    cells = {
        ("uvicorn, 1 worker", "GET /hello"): result("GET /hello", 12_000),
        ("uvicorn, 1 worker", "GET /api/totals"): result("GET /api/totals", 7_800),
        ("granian, 1 worker", "GET /hello"): result("GET /hello", 18_000),
        ("granian, 1 worker", "GET /api/totals"): result("GET /api/totals", 16_200),
    }
    table = comparison(
        ["uvicorn, 1 worker", "granian, 1 worker"], ["GET /hello", "GET /api/totals"], cells
    )
    assert table.splitlines() == [
        "| address | uvicorn, 1 worker | granian, 1 worker |",
        "|---|---:|---:|",
        "| `GET /hello` | 12,000/s | 18,000/s |",
        "| `GET /api/totals` | 7,800/s (0.65×) | 16,200/s (0.90×) |",
    ]


def test_bench_servers_and_worker_counts_are_read(monkeypatch):
    from bench.run import BenchFailed, read_servers, read_worker_counts

    monkeypatch.setenv("BENCH_SERVERS", "uvicorn, Granian")
    monkeypatch.setenv("WORKERS", "1,2")
    assert read_servers() == ("uvicorn", "granian")
    assert read_worker_counts() == (1, 2)
    monkeypatch.delenv("BENCH_SERVERS")
    monkeypatch.delenv("SERVER", raising=False)
    assert read_servers() == ("granian",)
    monkeypatch.setenv("BENCH_SERVERS", "granian,hypercorn")
    with pytest.raises(BenchFailed, match="not hypercorn"):
        read_servers()
    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(BenchFailed, match="WORKERS must be whole numbers"):
        read_worker_counts()


def test_the_bare_app_answers_a_small_json():
    from litestar.testing import TestClient

    from bench.bare import create_app

    with TestClient(create_app()) as client:
        answer = client.get("/hello")
    assert answer.status_code == 200
    assert answer.json() == {"hello": "world"}


def test_memory_is_a_figure_with_its_goal():
    from bench.table import MISSED, markdown, megabytes_figure

    rows = [megabytes_figure("worker", 150.4, 200), megabytes_figure("big", 230.0, 200)]
    assert markdown(rows).splitlines()[2:] == [
        "| worker | 150 MB | < 200 MB |  |",
        f"| big | 230 MB | < 200 MB | {MISSED} |",
    ]


def test_the_largest_process_of_a_server_is_found_among_its_children():
    import subprocess
    import sys

    from bench.run import descendants, largest_resident_mb, resident_mb

    # A child that holds about 60 MB more than an idle Python does.
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; b = bytearray(60_000_000); b[::4096] = b'x' * "
            "len(b[::4096]); time.sleep(30)",
        ]  # fmt: skip
    )
    try:
        import os
        import time

        own = resident_mb(os.getpid())
        assert own is not None and own > 10
        deadline = time.monotonic() + 10
        while (resident_mb(child.pid) or 0) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.pid in descendants(os.getpid())
        assert largest_resident_mb(os.getpid()) >= max(own, resident_mb(child.pid) or 0) - 1
        assert (resident_mb(child.pid) or 0) > 60
    finally:
        child.kill()
        child.wait()
    assert resident_mb(child.pid) is None  # gone


def test_a_database_is_reused_only_when_named(monkeypatch):
    from bench.run import make_setup

    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_REUSE", "true")
    with pytest.raises(BenchFailed, match="name it in BENCH_DATABASE_URL"):
        make_setup()
    monkeypatch.setenv("BENCH_REUSE", "false")
    monkeypatch.setenv("BENCH_DATABASE_URL", "sqlite:////tmp/x.db")
    with pytest.raises(BenchFailed, match="only for BENCH_REUSE=true"):
        make_setup()
    monkeypatch.setenv("BENCH_REUSE", "yes")
    setup = make_setup()
    assert (setup.engine, setup.reuse, setup.env["DATABASE_URL"]) == (
        "SQLite", True, "sqlite:////tmp/x.db")  # fmt: skip
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/movement_s100")
    assert make_setup().engine == "PostgreSQL"


def test_the_console_is_timed_with_real_searches_and_quarters():
    from urllib.parse import parse_qs, urlsplit

    from bench.run import report_paths, search_paths

    searches = search_paths()
    assert len(searches) == len(set(searches)) >= 10
    terms = [parse_qs(urlsplit(p).query).get("q", [""])[0] for p in searches]
    assert "Nobody Atall" in terms and any(" " in t and t != "Nobody Atall" for t in terms)
    assert all(p.startswith("/console/people") for p in searches)
    quarters = [parse_qs(urlsplit(p).query)["quarter"][0] for p in report_paths()]
    assert len(quarters) == 5 and len(set(quarters)) == 5
    assert all(q[:4].isdigit() and q[4:6] == "-Q" for q in quarters)
