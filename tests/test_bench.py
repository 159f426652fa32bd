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


def test_the_dashboard_times_are_reported_against_the_goal():
    from bench.run import dashboard_lines

    lines = "\n".join(dashboard_lines([90.0, 120.0, 310.0], [4.0, 5.0, 6.0]))
    assert "| worked out afresh (3 filter sets) | 120.0 | 310.0 |" in lines
    assert "| from the cache (3 requests) | 5.0 | 6.0 |" in lines
    assert "NOT met" in lines
    assert "met." in "\n".join(dashboard_lines([100.0], [5.0]))
    assert dashboard_lines([], []) == []
