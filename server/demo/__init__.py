"""Demo data: a made-up movement the size of Wigan's, for trying the app and for benchmarks.

Everything comes from one seeded random generator, so a given scale on a given day always
gives the same records. The dates are relative to today (three years up to today), so the
demo always looks current. Names, emails (example.org only), phones (Ofcom's drama range)
and organisations are invented.

The data goes only into a database with no people in it, so it can never mix with real
records; a second run refuses instead of doubling anything.
"""

from server.demo.plan import DemoRefused
from server.demo.write import load_demo

__all__ = ["DemoRefused", "load_demo"]
