"""/my-data: everything held about me, and deleting my account without dropping the totals."""

from __future__ import annotations

import json

import pytest

from schema.tables import Account, Activity, Membership, Person
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def champion(client):
    await f.footprint("WC")
    user = await f.user("champion", name="Priya Shah", phone="07700 900456")
    await f.join(user.person_id, "health-champions")
    other = await f.user("champion", name="Someone Else")
    await f.join(other.person_id, "health-champions")
    for who, reached in ((user, 11), (other, 5)):
        await client.post(
            "/api/activities",
            headers=who.headers,
            json={"programme": "health-champions", "kind": "event", "people_reached": reached},
        )
    await sign_in(client, user.email)
    return user


async def test_i_download_everything_about_me_and_nothing_else(client, champion):
    answer = await client.get("/my-data/download")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    data = json.loads(answer.content)
    assert data["person"]["name"] == "Priya Shah"
    assert data["person"]["phone"] == "07700 900456"
    assert [a["email"] for a in data["accounts"]] == [champion.email]
    assert [a["people_reached"] for a in data["activities"]] == [11]
    assert [m["programme"] for m in data["memberships"]] == ["Health Champions"]
    assert "Someone Else" not in answer.text


async def test_deleting_my_account_needs_a_tick(client, champion):
    form = Page((await client.get("/my-data", headers=HTML)).text)
    answer = await client.post("/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"]})
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Tick the box to say you understand, to delete your account."
    ]
    assert await Person.count().where(Person.id == champion.person_id) == 1


async def test_deleting_my_account_keeps_my_activities_anonymised(client, champion):
    reach_before = (await client.get("/api/totals")).json()["reach"]
    form = Page((await client.get("/my-data", headers=HTML)).text)
    answer = await client.post(
        "/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"], "confirm": "yes"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/my-data/deleted"
    assert (
        'movement_session=""' in answer.headers["set-cookie"]
        or "Max-Age=0" in (answer.headers["set-cookie"])
    )
    assert await Person.count().where(Person.id == champion.person_id) == 0
    assert await Membership.count().where(Membership.person == champion.person_id) == 0
    kept = await Activity.select(Activity.person, Activity.people_reached).where(
        Activity.people_reached == 11
    )
    assert kept == [{"person": None, "people_reached": 11}]
    assert await Account.count().where(Account.email == champion.email) == 0
    assert (await client.get("/api/totals")).json()["reach"] == reach_before
    assert (await client.get("/")).headers["location"] == "/sign-in"
