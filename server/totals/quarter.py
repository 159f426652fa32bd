"""The quarterly report for the Health and Wellbeing Board: which quarter, its figures (the
dashboard's, for the quarter's dates and as at its last day), and the stories approved in
it that their authors agreed to publish."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from schema.tables import Story
from server.lib.rows import rows_as
from server.lib.validation import EARLIEST, Invalid
from server.settings import get_settings
from server.totals.dashboard import Dashboard, dashboard

QUARTER = re.compile(r"\s*(\d{4})\s*-?\s*[qQ]\s*([1-4])\s*")
STORIES_SHOWN = 12


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4: January to March is 1 (the calendar year, as "2026-Q3" says)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + self.number // 4, 3 * self.number % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def name(self) -> str:
        """'July to September 2026'."""
        return f"{self.start:%B} to {self.end:%B %Y}"

    def before(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_complete_quarter(today: date) -> Quarter:
    """The latest quarter that has ended: the report's default."""
    return quarter_of(today).before()


def quarter_choices(today: date, count: int = 12) -> list[Quarter]:
    """This quarter and the ones before it, newest first."""
    out = [quarter_of(today)]
    while len(out) < count:
        out.append(out[-1].before())
    return out


def parse_quarter(value: str | None, today: date) -> Quarter:
    """The quarter asked for, like 2026-Q3 (blank: the last complete quarter). Invalid
    says what to fix: it must be written so, and have started."""
    if value is None or not value.strip():
        return last_complete_quarter(today)
    match = QUARTER.fullmatch(value)
    if not match:
        raise Invalid({"quarter": "Enter a quarter like 2026-Q3 (July to September 2026)."})
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if quarter.end < EARLIEST:
        raise Invalid({"quarter": f"Choose a quarter from {EARLIEST.year} on."})
    if quarter.start > today:
        latest = quarter_of(today).code
        raise Invalid({"quarter": f"That quarter has not started yet: the latest is {latest}."})
    return quarter


def _utc(day: date) -> datetime:
    """Midnight at the start of that day where the council is, in UTC."""
    zone = ZoneInfo(get_settings().time_zone)
    return datetime.combine(day, time(), zone).astimezone(UTC)


class StoryShown(TypedDict):
    """A story's words and the name of its programme (None: no programme), nothing else."""

    text: str
    programme: str | None


async def approved_stories(quarter: Quarter) -> list[StoryShown]:
    """Stories approved in the quarter (or, approved with no date noted, shared in it) whose
    authors agreed to publish them: their words and programme only, never who wrote them."""
    low, high = _utc(quarter.start), _utc(quarter.end + timedelta(days=1))
    decided_in = (Story.reviewed_at >= low) & (Story.reviewed_at < high)
    shared_in = Story.reviewed_at.is_null() & (Story.created_at >= low) & (Story.created_at < high)
    rows = (
        await Story.select(Story.text, Story.programme.name.as_alias("programme"))
        .where(Story.status == "approved")
        .where(Story.consent_to_publish.eq(True))
        .where(decided_in | shared_in)
        .order_by(Story.created_at, ascending=False)
        .order_by(Story.id, ascending=False)
        .limit(STORIES_SHOWN)
    )
    return [
        {"text": row["text"], "programme": row["programme"]} for row in rows_as(StoryShown, rows)
    ]


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    during: Dashboard  # what happened in the quarter (what was added in it)
    at_end: Dashboard  # everything up to the quarter's last day
    stories: list[StoryShown]


async def quarterly_report(value: str | None, today: date) -> Report:
    """The report's figures for the quarter asked for; Invalid says what to fix."""
    quarter = parse_quarter(value, today)
    # All at once: on SQLite each query has a connection (and a thread) of its own.
    during, at_end, stories = await asyncio.gather(
        dashboard({"since": quarter.start.isoformat(), "until": quarter.end.isoformat()}, today),
        dashboard({"until": quarter.end.isoformat()}, today, with_impact=False),
        approved_stories(quarter),
    )
    return Report(quarter, during, at_end, stories)
