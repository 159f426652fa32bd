"""/api/applications: staff list, read and decide applications to join."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.tables import Account, Application, Membership
from tests.helpers import factories as f
from tests.helpers.join import send_application


async def test_staff_list_filter_and_read_applications(client):
    await f.footprint("WC", "Wigan Central")
    coordinator = await f.user("coordinator")
    await send_application(client, area="WC", programmes=["heart-champions"])
    await send_application(client, name="Lee Ward", email="lee@example.org")
    listed = await client.get("/api/applications", headers=coordinator.headers)
    assert listed.status_code == 200 and "link" in listed.headers
    body = listed.json()
    assert body["total"] == 2 and [a["name"] for a in body["items"]] == ["Sam Okafor", "Lee Ward"]
    heart = await client.get(
        "/api/applications?programme=heart-champions", headers=coordinator.headers
    )
    assert [a["name"] for a in heart.json()["items"]] == ["Sam Okafor"]
    wc = (await client.get("/api/applications?footprint=WC", headers=coordinator.headers)).json()
    assert [a["footprint"] for a in wc["items"]] == ["WC"]
    none = await client.get("/api/applications?footprint=none", headers=coordinator.headers)
    assert [a["name"] for a in none.json()["items"]] == ["Lee Ward"]
    paged = await client.get("/api/applications?per_page=1&page=2", headers=coordinator.headers)
    assert [a["name"] for a in paged.json()["items"]] == ["Lee Ward"]
    unknown = await client.get("/api/applications?programme=no-such", headers=coordinator.headers)
    assert unknown.status_code == 422
    one = body["items"][0]
    read = await client.get(f"/api/applications/{one['id']}", headers=coordinator.headers)
    assert read.json()["programmes"] == ["heart-champions"]
    assert (
        await client.get("/api/applications/999999", headers=coordinator.headers)
    ).status_code == 404


async def test_staff_approve_ask_and_decline_through_the_api(client):
    coordinator = await f.user("coordinator")
    await send_application(client)
    await send_application(client, name="Mo Reid", email="", phone="07700 900456")
    await send_application(client, name="Lee Ward", email="lee@example.org")
    sam, mo, lee = [
        r["id"] for r in await Application.select(Application.id).order_by(Application.id)
    ]
    approved = await client.post(
        f"/api/applications/{sam}/approve", json={}, headers=coordinator.headers
    )
    assert approved.status_code == 200, approved.text
    answer = approved.json()
    assert answer["account_made"] is True and answer["application"]["status"] == "approved"
    assert await Account.exists().where(Account.email == "sam@example.org")
    assert await Membership.count().where(Membership.person == answer["person"]) == 2
    again = await client.post(
        f"/api/applications/{sam}/approve", json={}, headers=coordinator.headers
    )
    assert again.status_code == 409
    phone = await client.post(
        f"/api/applications/{mo}/approve", json={}, headers=coordinator.headers
    )
    assert phone.json()["phone_them"] == "07700900456" and phone.json()["account_made"] is False
    asked = await client.post(
        f"/api/applications/{lee}/ask",
        json={"message": "Where do you work?"},
        headers=coordinator.headers,
    )
    assert asked.status_code == 200 and asked.json()["status"] == "more-asked"
    empty = await client.post(
        f"/api/applications/{lee}/decline", json={"reason": ""}, headers=coordinator.headers
    )
    assert empty.status_code == 400
    declined = await client.post(
        f"/api/applications/{lee}/decline",
        json={"reason": "Outside the borough."},
        headers=coordinator.headers,
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    extra = await client.post(
        f"/api/applications/{lee}/ask",
        json={"message": "x", "more": 1},
        headers=coordinator.headers,
    )
    assert extra.status_code == 409  # an unknown field is ignored; it was decided already


async def test_a_young_applicant_is_refused_until_the_parent_is_checked(client, settings):
    settings(PARENT_CONSENT_UNDER="16")
    coordinator = await f.user("coordinator")
    await send_application(
        client, year_of_birth=str(datetime.now(UTC).year - 15), parent_name="Grace Okafor",
        parent_email="grace@example.org", parent_consent="yes",
    )  # fmt: skip
    app_id = (await Application.select(Application.id).first())["id"]
    path = f"/api/applications/{app_id}/approve"
    refused = await client.post(path, json={}, headers=coordinator.headers)
    assert refused.status_code == 422 and "parent_checked" in refused.json()["errors"]
    done = await client.post(path, json={"parent_checked": True}, headers=coordinator.headers)
    assert done.status_code == 200
    assert done.json()["application"]["parent_checked_at"] is not None
