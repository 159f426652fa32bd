"""Friends sessions and outside figures as the console's forms send them."""

from __future__ import annotations

from tests.helpers.html import HTML


def csrf(client) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("movement_csrf")}


def session(**more) -> dict[str, str]:
    return {
        "programme": "dementia-friends",
        "held_on": "2025-05-01",
        "footprint": "WC",
        "venue": "Whelley Library",
        "attendees": "25",
        "run_by": "",
        "note": "",
        **more,
    }


async def add(client, **more):
    return await client.post(
        "/console/sessions/new", data={**csrf(client), **session(**more)}, headers=HTML
    )


def figure(**more) -> dict[str, str]:
    return {
        "programme": "dementia-friends",
        "footprint": "",
        "friends": "1,800",
        "as_of": "2025-03-31",
        "source": "Dementia Friends (national programme)",
        "note": "",
        **more,
    }


async def add_figure(client, **more):
    return await client.post(
        "/console/sessions/external/new", data={**csrf(client), **figure(**more)}, headers=HTML
    )
