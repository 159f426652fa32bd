"""A client generated from the OpenAPI document (openapi-python-client) works: with it, a
coordinator logs a batch, reads the totals and pages through people, and each answer comes
back as the generated typed model. An answer the document does not describe fails, naming
the operation (tests/helpers/generated_client.py)."""

from __future__ import annotations

import math
from collections import Counter

import httpx
import pytest
import pytest_asyncio

from schema.tables import Activity
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.console import market_stall
from tests.helpers.generated_client import answer, body_model, forget, generate, operation, typed


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def document(app):
    """The OpenAPI document as the app serves it."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await c.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def generated(document, tmp_path_factory):
    """The client package, generated once for the module."""
    yield generate(document, tmp_path_factory.mktemp("generated-client"))
    forget()


@pytest_asyncio.fixture
async def api(generated, app, coordinator):
    """The generated client, signed in with the coordinator's API token, calling the app in
    this process (through httpx's ASGI transport: the generated code builds each request
    and reads each answer as it would over the network). A status the document does not
    list raises."""
    token = coordinator.headers["Authorization"].removeprefix("Bearer ")
    async with generated.AuthenticatedClient(
        base_url="http://test",
        token=token,
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.ASGITransport(app=app)},
    ) as signed_in:
        yield signed_in


# 120 minutes in all: the totals count hours to one decimal place.
BATCH = [(4, 30), (7, 45), (11, 45)]


async def log_batch(generated, api, batch):
    """Logs the activities with `log_activities`; the typed results."""
    log_activities = operation(generated, "log_activities")
    body = body_model(log_activities, "log_activities").from_dict({"activities": batch})
    response = await log_activities.asyncio_detailed(client=api, body=body)
    results = answer(response, "log_activities", 200).results
    return [typed(result, "each result in log_activities's answer") for result in results]


async def test_a_batch_logged_with_the_generated_client_is_saved(generated, api):
    await f.footprint("WC")
    batch = [market_stall(*numbers) for numbers in BATCH]
    results = await log_batch(generated, api, batch)
    assert [str(r.client_id) for r in results] == [a["client_id"] for a in batch]
    assert [r.status for r in results] == ["created"] * len(batch)
    saved = await Activity.select(Activity.client_id, Activity.people_reached)
    assert {(str(row["client_id"]), row["people_reached"]) for row in saved} == {
        (a["client_id"], a["people_reached"]) for a in batch
    }


async def test_the_totals_grow_by_exactly_what_the_generated_client_logs(
    generated, api, coordinator
):
    footprint = await f.footprint("WC")
    programme = await f.programme_id("health-champions")
    await f.activities(
        {
            "person": coordinator.person_id,
            "programme": programme,
            "kind": "conversation",
            "occurred_on": today(),
            "footprint": footprint,
            "people_reached": 5,
            "minutes": 60,
        },
        counted=True,
    )
    get_totals = operation(generated, "get_totals")

    async def totals():
        found = answer(await get_totals.asyncio_detailed(client=api), "get_totals", 200)
        ours = [typed(p, "each programme in get_totals's answer") for p in found.programmes]
        return found, next(p for p in ours if p.slug == "health-champions")

    before, before_ours = await totals()
    assert (before.activities, before.reach, before.hours) == (1, 5, 1.0)
    await log_batch(generated, api, [market_stall(*numbers) for numbers in BATCH])
    after, after_ours = await totals()

    reach = sum(people for people, _ in BATCH)
    for was, now in ((before, after), (before_ours, after_ours)):
        assert now.activities - was.activities == len(BATCH)
        assert now.reach - was.reach == reach
        assert now.hours - was.hours == pytest.approx(2.0)


async def test_paging_through_people_with_the_generated_client_sees_each_once(
    generated, api, coordinator
):
    made = [await f.person(f"Person {n}") for n in range(23)] + [coordinator.person_id]
    list_people = operation(generated, "list_people")
    per_page = 5
    seen: Counter[int] = Counter()
    pages = 0
    for page in range(1, 100):
        response = await list_people.asyncio_detailed(client=api, page=page, per_page=per_page)
        listing = answer(response, "list_people", 200)
        assert (listing.page, listing.per_page, listing.total) == (page, per_page, len(made))
        people = [typed(p, "each person in list_people's answer") for p in listing.items]
        assert len(people) == min(per_page, len(made) - (page - 1) * per_page)
        seen.update(person.id for person in people)
        pages = page
        if page * per_page >= listing.total:
            break
    assert pages == math.ceil(len(made) / per_page)
    assert seen == Counter(made)
