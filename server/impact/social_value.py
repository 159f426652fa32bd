"""The social value of volunteering time (issue 16): an estimate, never a fact.

Hours given to activities (as the totals count them) times a rate in pounds for each hour
that the council chooses, with the source it cites. Admins set both in the console
(/console/admin/social-value); they are kept as the council's site text (two SiteText
keys), and every change is in the audit log. With no rate set, the report says so and
gives no figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from server.db import write_transaction
from server.lib.audit import record
from server.lib.site_text import read_site_text, write_site_text
from server.lib.validation import Form, Invalid

RATE_KEY, SOURCE_KEY = "social_value_rate", "social_value_source"
KEYS = (RATE_KEY, SOURCE_KEY)
MAX_RATE = Decimal("100")  # pounds an hour: far above any pay rate a council would cite
SOURCE_LENGTH = 300
PENNY = Decimal("0.01")
# Pounds and pence, with or without a pound sign. No commas: no rate reaches a thousand,
# and "12,50" (a decimal comma) must not be read as £1,250 or £12.50 by guesswork.
AMOUNT = re.compile(r"£?\s*(-?\d*\.?\d*)")
AUDIT_TYPE = "social_value"


@dataclass(frozen=True)
class Rate:
    """The council's rate in pounds for each hour of volunteering, and where it comes from."""

    pounds: Decimal
    source: str


def pounds(amount: Decimal) -> str:
    """£1,234.50: to the penny, with a thousands separator."""
    return f"£{amount.quantize(PENNY, ROUND_HALF_UP):,.2f}"


def whole_pounds(amount: Decimal) -> str:
    """£1,235: to the nearest pound (a half rounds up), for a figure that is an estimate."""
    return f"£{amount.quantize(Decimal(1), ROUND_HALF_UP):,.0f}"


def estimate(hours: float, rate: Decimal) -> Decimal:
    """Hours (as counted: to one decimal place) times the rate, to the penny."""
    return (Decimal(str(hours)) * rate).quantize(PENNY, ROUND_HALF_UP)


async def load_rate() -> Rate | None:
    """The rate as saved, or None when none is set."""
    saved = await _saved()
    if not saved[RATE_KEY]:
        return None
    return Rate(Decimal(saved[RATE_KEY]), saved[SOURCE_KEY])


async def _saved() -> dict[str, str]:
    return await read_site_text(KEYS)


async def rate_values() -> dict[str, str]:
    """What the settings form shows: the rate (like 12.50) and its source as saved."""
    return await _saved()


def _read_amount(raw: object) -> tuple[Decimal | None, str]:
    """The rate typed (blank: None), or what is wrong with it."""
    text = str(raw or "").strip()
    if not text:
        return None, ""
    match = AMOUNT.fullmatch(text)
    number = match.group(1) if match else ""
    try:
        value = Decimal(number) if number not in ("", "-", ".", "-.") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        return None, "Enter the rate as an amount of money for each hour, like 12.50."
    if value <= 0:
        return None, "The rate must be more than £0."
    if value > MAX_RATE:
        return None, f"The rate must be {pounds(MAX_RATE)} an hour or less."
    if value != value.quantize(PENNY):
        return None, "Give the rate to the nearest penny, like 12.50."
    return value.quantize(PENNY), ""


def read_rate(data: Mapping[str, object]) -> dict[str, str]:
    """The form's rate and source, checked: both empty (no rate), or a rate with its
    source. Invalid says what to fix beside each field."""
    form = Form({"source": data.get("source", "")})
    form.text("source", "where the rate comes from", max_length=SOURCE_LENGTH)
    errors = dict(form.errors)
    rate, problem = _read_amount(data.get("rate"))
    source = str(form.clean.get("source") or "")
    if problem:
        errors["rate"] = problem
    elif rate is None and source:
        errors["rate"] = "Enter the rate, or empty the source as well to set no rate."
    if rate is not None and not source and "source" not in errors:
        errors["source"] = (
            "Enter where the rate comes from, so that readers of the report can check it."
        )
    if errors:
        raise Invalid(errors)
    return {RATE_KEY: "" if rate is None else str(rate), SOURCE_KEY: source}


async def save_rate(data: Mapping[str, object], by: int | None) -> None:
    """Save the rate and its source an admin typed (both empty: no rate), and audit the
    change with the old and new values (nothing in them is personal)."""
    new = read_rate(data)
    async with write_transaction():
        old = await _saved()
        what: dict[str, list[str]] = {}
        for key in KEYS:
            if old[key] == new[key]:
                continue
            what["rate" if key == RATE_KEY else "source"] = [old[key], new[key]]
            await write_site_text(key, new[key])
        if what:
            await record(by, "update", AUDIT_TYPE, 1, what)
