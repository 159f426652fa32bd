"""Behind a reverse proxy: whose address counts (TRUSTED_PROXIES), and HSTS over https.

The address a request comes from is seen from outside in two places: the limit of 20
sign-in links an hour per address, and the address each request for a link is recorded with
(shown to the person in "My data")."""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest

from schema.tables import SignInLink
from server.settings import SettingsError, get_settings
from tests.helpers import factories as f
from tests.helpers.browser import ARTIFACTS, session_cookie_for, start_server
from tests.helpers.html import Page
from tests.helpers.settings import setting

PROXY = "127.0.0.1"  # the address httpx's ASGI transport gives the tests' requests


@pytest.fixture
async def peer(app):
    """A client whose requests come straight from another address (not a proxy)."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def ask(client, email: str, **headers: str) -> httpx.Response:
    form = Page((await client.get("/sign-in", headers={"accept": "text/html"})).text)
    return await client.post(
        "/sign-in",
        data={"email": email, "_csrf_token": form.inputs["_csrf_token"]},
        headers=headers,
    )


async def recorded_from(email: str) -> str:
    row = await SignInLink.select(SignInLink.requested_from).where(SignInLink.email == email)
    assert len(row) == 1, row
    return str(row[0]["requested_from"])


async def use_up_the_limit(client, who: str, **headers: str) -> None:
    """20 links asked for from one address; the 21st is refused."""
    for n in range(20):
        assert (await ask(client, f"{who}{n}@example.org", **headers)).status_code == 200
    assert (await ask(client, f"{who}-more@example.org", **headers)).status_code == 429


# Without TRUSTED_PROXIES nobody's headers are believed ----------------------------------


async def test_a_forged_forwarded_for_changes_neither_the_limit_nor_the_address(client):
    await use_up_the_limit(client, "a", **{"x-forwarded-for": "203.0.113.1"})
    other = await ask(client, "b@example.org", **{"x-forwarded-for": "203.0.113.2"})
    assert other.status_code == 429  # the same address, whatever the header says
    forwarded = await ask(client, "c@example.org", forwarded="for=203.0.113.3")
    assert forwarded.status_code == 429
    assert await recorded_from("a0@example.org") == PROXY


# With the proxy trusted, each client behind it has its own limit -------------------------


async def test_clients_behind_a_trusted_proxy_have_their_own_limits(client):
    with setting(TRUSTED_PROXIES=PROXY):
        await use_up_the_limit(client, "a", **{"x-forwarded-for": "203.0.113.1"})
        second = await ask(client, "b@example.org", **{"x-forwarded-for": "203.0.113.2"})
        assert second.status_code == 200
        # The first client cannot get round its limit by adding an address of its own on
        # the left: the proxy adds the real one on the right.
        again = await ask(client, "c@example.org", **{"x-forwarded-for": "9.9.9.9, 203.0.113.1"})
        assert again.status_code == 429


async def test_the_person_sees_the_forwarded_address_in_my_data(client):
    user = await f.user("champion", email="zoe@example.org")
    with setting(TRUSTED_PROXIES=f"{PROXY},10.0.0.0/8"):
        # Through two proxies: the council's (127.0.0.1) and a load balancer (10.1.2.3).
        headers = {"x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.1.2.3"}
        assert (await ask(client, user.email, **headers)).status_code == 200
    client.cookies.set("movement_session", await session_cookie_for(user.email))
    data = json.loads((await client.get("/my-data/download")).content)
    assert [link["requested_from"] for link in data["sign_in_links"]] == ["203.0.113.7"]


async def test_an_ipv6_network_shares_one_limit(client):
    """A home or phone line has a whole /64 of IPv6 addresses: a new one for each request
    must not get round the limit, and only the network is kept."""
    with setting(TRUSTED_PROXIES=PROXY):
        for n in range(20):
            sent = await ask(
                client, f"v{n}@example.org", **{"x-forwarded-for": f"2001:db8:1:2::{n + 1:x}"}
            )
            assert sent.status_code == 200
        again = await ask(
            client, "v-more@example.org", **{"x-forwarded-for": "2001:db8:1:2:ffff::1"}
        )
        assert again.status_code == 429
        elsewhere = await ask(client, "w@example.org", **{"x-forwarded-for": "2001:db8:1:3::1"})
        assert elsewhere.status_code == 200
    assert await recorded_from("v0@example.org") == "2001:db8:1:2::/64"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-forwarded-for": "203.0.113.7:4711"}, "203.0.113.7"),
        ({"x-forwarded-for": "[2001:db8::7]:4711"}, "2001:db8::/64"),
        ({"x-forwarded-for": "::ffff:203.0.113.7"}, "203.0.113.7"),
        ({"forwarded": "for=192.0.2.60;proto=https;by=127.0.0.1"}, "192.0.2.60"),
        ({"forwarded": 'For="[2001:db8:cafe::17]:4711"'}, "2001:db8:cafe::/64"),
        ({"forwarded": "for=6.6.6.6, for=192.0.2.60"}, "192.0.2.60"),
        # What the proxies wrote is not an address: the last one trusted is used.
        ({"x-forwarded-for": "unknown"}, PROXY),
        ({"x-forwarded-for": "203.0.113.7, not-an-address"}, PROXY),
        ({"x-forwarded-for": ""}, PROXY),
        ({"x-forwarded-for": "1" * 5000}, PROXY),
        ({"forwarded": "for=_hidden"}, PROXY),
        ({"forwarded": "proto=https"}, PROXY),
        ({"forwarded": 'for="'}, PROXY),
        ({"forwarded": ";;==,,"}, PROXY),
        ({"x-forwarded-for": ", ".join([PROXY] * 5000)}, PROXY),
    ],
)
async def test_odd_forwarded_headers_are_read_safely(client, headers, expected):
    with setting(TRUSTED_PROXIES=PROXY):
        assert (await ask(client, "odd@example.org", **headers)).status_code == 200
    assert await recorded_from("odd@example.org") == expected


async def test_headers_from_an_address_that_is_not_a_trusted_proxy_are_ignored(peer):
    with setting(TRUSTED_PROXIES=PROXY):
        assert (
            await ask(peer, "p@example.org", **{"x-forwarded-for": "203.0.113.7"})
        ).status_code == 200
    assert await recorded_from("p@example.org") == "198.51.100.20"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("proxy.example.org", "like 10.0.0.5 or 10.0.0.0/24, and 'proxy.example.org' is not"),
        ("10.0.0.5/24", "from its first address: 10.0.0.0/24"),
        ("*", "'*' is not one"),
    ],
)
def test_a_trusted_proxy_that_is_not_an_address_is_named(value, message):
    with setting(TRUSTED_PROXIES=value), pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        try:
            get_settings()
        except SettingsError as exc:
            assert message in str(exc)
            raise


def test_addresses_and_networks_are_read():
    with setting(TRUSTED_PROXIES=" 10.0.0.0/8, ,::1,192.0.2.10 "):
        assert [str(n) for n in get_settings().trusted_proxies] == [
            "10.0.0.0/8",
            "::1/128",
            "192.0.2.10/32",
        ]


# The server itself believes the same proxies, and no others --------------------------------
# Granian reads no forwarded header (server/lib/client.py alone decides); uvicorn is given
# TRUSTED_PROXIES as its forwarded_allow_ips.


def ask_live(base: str, email: str, local: str = "127.0.0.1", **headers: str) -> int:
    transport = httpx.HTTPTransport(local_address=local)
    with httpx.Client(transport=transport, base_url=base, timeout=10) as web:
        form = Page(web.get("/sign-in", headers={"accept": "text/html"}).text)
        answer = web.post(
            "/sign-in",
            data={"email": email, "_csrf_token": form.inputs["_csrf_token"]},
            headers=headers,
        )
        return answer.status_code


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "uvicorn"])
async def test_movement_serve_believes_only_the_trusted_proxies(database, server):
    forged = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}
    ARTIFACTS.mkdir(exist_ok=True)
    for trusted in ("", PROXY):
        process, base = start_server(
            1, log_name=f"proxy-{server}.log", SMTP_HOST="", TRUSTED_PROXIES=trusted, SERVER=server
        )
        try:
            who = f"{trusted}{server}@example.org"
            assert ask_live(base, f"direct{who}", **forged) == 200
            assert ask_live(base, f"other{who}", "127.0.0.2", **forged) == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
    # uvicorn alone would believe 127.0.0.1; without TRUSTED_PROXIES nobody is believed.
    assert await recorded_from(f"direct{server}@example.org") == PROXY
    assert await recorded_from(f"direct127.0.0.1{server}@example.org") == "203.0.113.7"
    assert await recorded_from(f"other{server}@example.org") == "127.0.0.2"
    assert await recorded_from(f"other127.0.0.1{server}@example.org") == "127.0.0.2"


# HSTS --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/sign-in", "/api/totals", "/no-such-page", "/sw.js"])
async def test_hsts_is_sent_when_the_app_is_served_over_https(client, path):
    with setting(BASE_URL="https://movement.example.org"):
        answer = await client.get(path)
    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    with setting(BASE_URL="http://127.0.0.1:8000"):
        answer = await client.get(path)
    assert "strict-transport-security" not in answer.headers


def test_a_bad_trusted_proxies_stops_the_command(tmp_path):
    from tests.helpers.cli import BIN

    env = {**os.environ, "DATA_DIR": str(tmp_path), "TRUSTED_PROXIES": "everyone"}
    result = subprocess.run(
        [str(BIN), "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "TRUSTED_PROXIES must be addresses or networks" in result.stderr
