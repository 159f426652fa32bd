"""Importing the lists the council keeps, over HTTP as a coordinator: signposting
services, the postcode-to-LSOA lookup and the LSOA-to-IMD-decile lookup. Upload, columns,
preview (what is added, changed, removed, left) and run, with made-up files
(tests/imports/files/), bad rows with plain messages, and who may do it."""

from __future__ import annotations

import pytest

from schema import tables as t
from server.imports import files
from server.imports.limits import Unreadable
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.imports import FILES, areas, finished, signed_in, token
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


async def upload(client, kind: str, name: str, content: bytes | None = None):
    body = (FILES / name).read_bytes() if content is None else content
    return await client.post(
        "/console/import",
        data={**token(client), "kind": kind},
        files={"file": (name, body)},
        headers=HTML,
    )


async def to_preview(client, kind: str, name: str, mode: str | None = None) -> tuple[int, Page]:
    """Upload, keep the guessed columns (and choose the mode), and open the preview."""
    sent = await upload(client, kind, name)
    assert sent.status_code == 303, Page(sent.text).errors
    columns_url = sent.headers["location"]
    job_id = int(columns_url.split("/")[3])
    page = Page((await client.get(columns_url, headers=HTML)).text)
    chosen = {k: v for k, v in page.chosen.items() if k.startswith("column-")}
    if mode:
        chosen["mode"] = mode
    previewed = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert previewed.status_code == 303, Page(previewed.text).errors
    return job_id, Page((await client.get(previewed.headers["location"], headers=HTML)).text)


async def run(client, job_id: int) -> Page:
    started = await client.post(f"/console/import/{job_id}/run", data=token(client), headers=HTML)
    assert started.status_code == 303
    assert (await finished(job_id))["status"] == "done"
    return Page((await client.get(f"/console/import/{job_id}", headers=HTML)).text)


async def test_services_are_added_and_a_service_of_the_same_name_is_updated(client):
    await areas()
    await t.Service.insert(t.Service(name="Stop Smoking Service", kind="Smoking"))
    await signed_in(client)
    sent = await upload(client, "services", "services.csv")
    page = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert page.chosen == {"column-0": "name", "column-1": "kind", "column-2": "footprint"}
    assert page.selects["column-0"] == ["", "name", "kind", "footprint"]  # only services' fields

    job_id, preview = await to_preview(client, "services", "services.csv")
    text = preview.text
    assert "2 new services to add" in text and "1 service to change" in text
    assert (
        "Row 5: the area 'Nowhere Town' cannot be used. Use one of: Wigan Central, Wigan North."
        in text
    )
    assert "Row 6: the service's name is missing." in text
    assert "Row 7: the same service as row 4, so it is left out." in text
    assert "Import 4 rows" in text
    assert await t.Service.count() == 1  # nothing saved yet

    done = await run(client, job_id)
    assert (
        "2 services added, 1 changed; 0 already there. 2 rows with problems skipped." in done.text
    )
    assert "The list now holds 3 services." in done.text
    ids = {r["code"]: r["id"] for r in await t.Footprint.select(t.Footprint.code, t.Footprint.id)}
    wc, wn = ids["WC"], ids["WN"]
    rows = await t.Service.select(t.Service.name, t.Service.kind, t.Service.footprint).order_by(
        t.Service.name
    )
    assert rows == [
        {"name": "Debt Advice Line", "kind": "Money advice", "footprint": None},
        {"name": "Healthy Routes Walking Group", "kind": "Physical activity", "footprint": wn},
        {"name": "Stop Smoking Service", "kind": "Stop smoking", "footprint": wc},
    ]
    events = (
        await t.AuditEvent.select(t.AuditEvent.action, t.AuditEvent.changes)
        .where(t.AuditEvent.record_type == "service")
        .output(load_json=True)
    )
    assert sorted(e["action"] for e in events) == ["create", "create", "update"]
    update = next(e for e in events if e["action"] == "update")
    assert update["changes"] == {"kind": ["Smoking", "Stop smoking"], "footprint": [None, wc]}

    again_id, again = await to_preview(client, "services", "services.csv")  # the same file
    assert "0 new services to add" in again.text and "0 services to change" in again.text
    assert "Rows already there 3" in again.text


async def test_the_postcode_lookup_is_replaced_whole_by_default(client):
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01000009"),
        t.PostcodeArea(postcode="WN22BB", lsoa="E01000002"),
        t.PostcodeArea(postcode="WN99ZZ", lsoa="E01000099"),
    )
    await t.AreaDeprivation.insert(t.AreaDeprivation(lsoa="E01000001", imd_decile=2))
    await signed_in(client)
    sent = await upload(client, "postcodes", "postcodes.csv")
    columns = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert columns.chosen == {"column-0": "postcode", "column-1": "lsoa", "column-2": ""}
    assert columns.inputs["mode"] == "replace"  # the default, explained beside it
    assert "anything not in the file is removed" in columns.text

    job_id, preview = await to_preview(client, "postcodes", "postcodes.csv")
    text = preview.text
    assert "3 new postcodes to add" in text and "1 postcode to change" in text
    assert "1 postcode not in the file to remove" in text
    assert (
        "Replaces the whole lookup: postcodes held now that are not in the file are removed" in text
    )
    assert "Postcodes held now 3 postcodes" in text
    assert "Postcodes held after the import 5 postcodes" in text
    assert (
        "Row 7: the postcode 'NOT A POSTCODE' is not a UK postcode: write it like WN1 1AA." in text
    )
    assert (
        "Row 8: the LSOA code 'E0100004' is not an LSOA code: it is E01 (W01 in Wales) and 6 "
        "digits, like E01006215."
    ) in text
    assert "Row 9: the same postcode as row 3, so it is left out." in text

    done = await run(client, job_id)
    assert (
        "3 postcodes added, 1 changed, 1 removed; 1 already there. 2 rows with problems skipped."
        in done.text
    )
    assert "5 postcodes, each with its LSOA" in done.text
    assert "1 LSOA, each with its deprivation decile" in done.text
    assert "2 of the postcodes can be placed in a deprivation quintile" in done.text
    rows = await t.PostcodeArea.select(t.PostcodeArea.postcode, t.PostcodeArea.lsoa).order_by(
        t.PostcodeArea.postcode
    )
    assert [(r["postcode"], r["lsoa"]) for r in rows] == [
        ("CF101AA", "W01000004"),
        ("WN11AA", "E01000001"),
        ("WN11AB", "E01000001"),
        ("WN22BB", "E01000002"),
        ("WN33CC", "E01000003"),
    ]
    event = (
        await t.AuditEvent.select(t.AuditEvent.changes)
        .where(t.AuditEvent.record_type == "import_job")
        .output(load_json=True)
        .first()
    )
    assert event["changes"] == {
        "lookup": "postcodes", "mode": "replace", "import": job_id,
        "added": 3, "changed": 1, "removed": 1,
    }  # fmt: skip


async def test_the_deciles_can_be_added_and_updated_only(client):
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01000001"),
        t.PostcodeArea(postcode="WN55EE", lsoa="E01000077"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01000001", imd_decile=2),
        t.AreaDeprivation(lsoa="E01000099", imd_decile=7),
    )
    await signed_in(client)
    sent = await upload(client, "deprivation", "deprivation.csv")
    columns = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert columns.chosen == {
        "column-0": "lsoa", "column-1": "", "column-2": "", "column-3": "decile"
    }  # fmt: skip
    job_id, preview = await to_preview(client, "deprivation", "deprivation.csv", mode="update")
    text = preview.text
    assert "3 new LSOAs to add" in text and "1 LSOA to change" in text
    assert "to remove" not in text
    assert "Adds and updates only: LSOAs held now that are not in the file are kept" in text
    assert "Row 6: the decile '11' must be a whole number from 1 to 10." in text
    assert "Row 7: the decile 'two' must be a whole number from 1 to 10." in text

    done = await run(client, job_id)
    assert "2 postcodes, each with its LSOA" in done.text
    assert "5 LSOAs, each with its deprivation decile" in done.text
    assert "1 of the postcodes can be placed in a deprivation quintile" in done.text
    rows = await t.AreaDeprivation.select(
        t.AreaDeprivation.lsoa, t.AreaDeprivation.imd_decile
    ).order_by(t.AreaDeprivation.lsoa)
    assert [(r["lsoa"], r["imd_decile"]) for r in rows] == [
        ("E01000001", 1), ("E01000002", 3), ("E01000003", 10), ("E01000099", 7),
        ("W01000004", 5),
    ]  # fmt: skip


async def test_a_lookup_needs_both_its_columns_and_a_known_choice(client):
    await signed_in(client)
    sent = await upload(client, "postcodes", "postcodes.csv")
    columns_url = sent.headers["location"]
    chosen = {"column-0": "postcode", "column-1": "", "column-2": "", "mode": "replace"}
    answer = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert answer.status_code == 400
    assert Page(answer.text).errors == ["Choose the column with the LSOA code."]
    chosen = {"column-0": "postcode", "column-1": "lsoa", "mode": "everything"}
    answer = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Choose whether to replace the whole lookup or only add and update."
    ]
    chosen = {"column-0": "postcode", "column-1": "name"}  # a people field, not a lookup's
    answer = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert Page(answer.text).errors == ["Choose a field from the list, or Ignore this column."]


async def test_an_unknown_kind_is_refused_with_a_message(client):
    await signed_in(client)
    answer = await upload(client, "everything", "postcodes.csv")
    assert answer.status_code == 400
    assert Page(answer.text).errors[0] == "Choose what the file holds."
    assert await t.ImportJob.count() == 0


def test_the_national_postcode_file_is_refused_with_what_to_upload_instead():
    lines = ["pcds,lsoa21cd"] + [f"WN{i % 9 + 1} {i % 10}AA,E01{i:06d}" for i in range(50_021)]
    with pytest.raises(Unreadable) as refused:
        files.read_sheet("\n".join(lines).encode(), "postcodes")
    assert str(refused.value) == (
        "The file has more than 50,000 rows. A postcode lookup here needs only your "
        "borough's postcodes (about 10,000 rows), not the national file of 2.6 million: "
        "filter it to your borough's postcodes and upload that."
    )


async def test_a_postcode_file_over_the_size_limit_says_to_upload_the_borough_only(client):
    await signed_in(client)
    content = b"pcds,lsoa21cd\n" + b"WN1 1AA,E01000001\n" * 600_000  # 10.8 MB
    answer = await client.post(
        "/console/import",
        data={**token(client), "kind": "postcodes"},
        files={"file": ("national.csv", content[: 10 * 1024 * 1024 + 10])},
        headers=HTML,
    )
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "The file is bigger than 10 MB. A postcode lookup here needs only your borough's "
        "postcodes (about 10,000 rows), not the national file of 2.6 million: filter it to "
        "your borough's postcodes and upload that."
    ]


async def test_a_champion_cannot_import_a_lookup(client):
    champion = await f.user("champion")
    await sign_in(client, champion.email)
    page = await client.get("/console/import", headers=HTML)
    assert page.status_code == 403
    answer = await client.post(
        "/console/import",
        data={"_csrf_token": client.cookies.get("movement_csrf") or "", "kind": "postcodes"},
        files={"file": ("postcodes.csv", (FILES / "postcodes.csv").read_bytes())},
        headers=HTML,
    )
    assert answer.status_code == 403
    assert await t.ImportJob.count() == 0 and await t.PostcodeArea.count() == 0


async def test_activities_are_placed_by_the_new_lookup_once_it_is_imported(client):
    """The breakdowns read rollups that hold each activity's place by quintile: an import
    of the lookups works them out again, so an activity logged before the lookup counts
    in its quintile straight after."""
    from datetime import date

    from server.impact import figures
    from server.impact.figures import NOT_KNOWN, Reach
    from server.totals.services import Filters

    await t.AreaDeprivation.insert(t.AreaDeprivation(lsoa="E01000001", imd_decile=2))
    await f.activities(
        {"programme": await f.programme_id("health-champions"), "kind": "event",
         "occurred_on": date(2026, 10, 1), "postcode": "WN1 1AB", "people_reached": 9},
        counted=True,
    )
    assert await figures.activities_by_quintile(Filters()) == {NOT_KNOWN: Reach(1, 9, 0)}
    await signed_in(client)
    job_id, _ = await to_preview(client, "postcodes", "postcodes.csv")
    await run(client, job_id)
    # postcodes.csv places WN1 1AB in E01000001, decile 2: quintile 1
    assert await figures.activities_by_quintile(Filters()) == {1: Reach(1, 9, 0)}
