"""429 answers say honestly when to try again (Retry-After), from the limit's own rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schema.tables import Account, SignInLink
from server.accounts.sign_in import PER_ADDRESS, TooManyRequests, request_link, wait_for
from tests.helpers import factories as f
from tests.helpers.console import post, signed_in
from tests.helpers.signin import smtp_server, smtp_set_up


async def age_links(field, value, minutes: list[int]) -> None:
    """Make the links matching field == value as old as given (oldest first)."""
    rows = await SignInLink.select(SignInLink.id).where(field == value).order_by(SignInLink.id)
    now = datetime.now(UTC)
    for row, age in zip(rows, minutes, strict=True):
        await SignInLink.update(
            {SignInLink.created_at: now - timedelta(minutes=age)}, force=True
        ).where(SignInLink.id == row["id"])


async def test_the_console_says_when_a_link_can_be_sent_again(client):
    await signed_in(client)
    kim = await f.user("champion", email="kim@example.org")
    target = (await Account.select(Account.id).where(Account.email == kim.email).first())["id"]
    inbox, port = smtp_server()
    with smtp_set_up(port):
        for _ in range(3):
            sent = await post(client, f"/console/admin/users/{target}/sign-in-link")
            assert sent.status_code == 303
        # the oldest of the three leaves the 15 minutes' window 5 minutes from now
        await age_links(SignInLink.email, kim.email, [10, 4, 1])
        refused = await post(client, f"/console/admin/users/{target}/sign-in-link")
        assert refused.status_code == 429
        assert 290 <= int(refused.headers["retry-after"]) <= 300
        # when that much time has passed, the next link goes
        await age_links(SignInLink.email, kim.email, [15, 9, 6])
        assert (
            await post(client, f"/console/admin/users/{target}/sign-in-link")
        ).status_code == 303


async def test_the_wait_on_the_per_address_limit_is_from_its_own_rows():
    now = datetime.now(UTC)
    for n in range(PER_ADDRESS):
        await SignInLink.insert(
            SignInLink(
                email=f"p{n}@example.org",
                token_hash=f"hash-{n}",
                requested_from="192.0.2.7",
                expires_at=now,
                created_at=now - timedelta(minutes=50 - n),
            )
        )
    with pytest.raises(TooManyRequests) as refused:
        await request_link("someone.new@example.org", "192.0.2.7")
    # the oldest was 50 minutes ago: the hour's window lets the next one in 10 minutes
    assert 590 <= refused.value.retry_after <= 600


def test_the_wait_is_until_enough_requests_leave_the_window():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    window = timedelta(minutes=15)
    times = [now - timedelta(minutes=m) for m in (14, 10, 2)]
    assert wait_for(times, 3, window, now) == 60  # the 14-minute one leaves first
    assert wait_for(times, 2, window, now) == 300  # two must leave: the 10-minute one too
    assert wait_for(times, 4, window, now) == 0  # not over the limit


async def test_the_sign_in_page_says_when_to_try_again(client):
    from tests.helpers.signin import ask_for_link

    await f.user("champion", email="busy@example.org")
    for _ in range(3):
        assert (await ask_for_link(client, "busy@example.org")).status_code == 200
    await age_links(SignInLink.email, "busy@example.org", [12, 2, 1])
    refused = await ask_for_link(client, "busy@example.org")
    assert refused.status_code == 429
    assert 170 <= int(refused.headers["retry-after"]) <= 180  # the oldest leaves in 3 minutes
    assert "Please wait" in refused.text
