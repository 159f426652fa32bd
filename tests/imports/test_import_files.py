"""Importing spreadsheets, below the pages: reading messy files, dates, guessing columns,
every problem by row, matching people, idempotent re-imports, the audit log, 10,000 rows."""
# ruff: noqa: E501 - rows of spreadsheets and whole messages read better on one line each

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from schema import tables as t
from server.imports import jobs
from server.imports.dates import NotADate, parse_date
from server.imports.fields import guess_mapping
from server.imports.files import Unreadable, read_sheet
from server.lib.auth import Actor
from server.lib.records import Context
from tests.helpers import factories as f
from tests.helpers.imports import FILES, HEADINGS, areas, big_csv, xlsx_bytes


async def coordinator() -> Context:
    user = await f.user("coordinator")
    account = await t.Account.select(t.Account.id).where(t.Account.email == user.email).first()
    return await Context.load(Actor(account["id"], "coordinator", user.person_id))


def as_form(mapping: dict[str, str]) -> dict[str, str]:
    return {f"column-{i}": key for i, key in mapping.items()}


async def imported(ctx: Context, content: bytes, name: str = "people.csv"):
    """Upload, take the guessed columns, preview and import (in this task); the job."""
    job_id = await jobs.create_job(ctx, name, content)
    job = await jobs.get_job(job_id)
    await jobs.preview(job_id, ctx, as_form(job["mapping"]))
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    return await jobs.get_job(job_id)


async def previewed(ctx: Context, content: bytes):
    job_id = await jobs.create_job(ctx, "people.csv", content)
    await jobs.preview(job_id, ctx, as_form((await jobs.get_job(job_id))["mapping"]))
    return (await jobs.get_job(job_id))["preview"]


def csv_bytes(*rows: str, heading: str = HEADINGS) -> bytes:
    return ("\n".join([heading, *rows]) + "\n").encode()


async def counts() -> tuple[int, ...]:
    return (
        await t.Person.count(),
        await t.Membership.count(),
        await t.TrainingRecord.count(),
        await t.AuditEvent.count(),
    )


# Reading files ---------------------------------------------------------------------------


def test_a_messy_csv_is_read_with_the_spreadsheets_own_row_numbers():
    sheet = read_sheet((FILES / "champions-register.csv").read_bytes())
    assert sheet.heading_row == 3  # a title and a blank row above the headings
    assert sheet.headings[:3] == ["Full name", "E-mail", "DOB"]
    assert sheet.headings[-1] == "Notes"  # trailing space gone
    numbers = [n for n, _ in sheet.rows]
    assert numbers == [4, 5, 7, 8, 9]  # the blank row 6 is left out, the numbers kept
    assert sheet.rows[0][1][0] == "Asha Patel"
    assert sheet.rows[-1][1][0] == "Zoë Brontë"  # UTF-8 with a byte order mark


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_windows_and_latin_1_text_keeps_its_accents(encoding):
    text = (
        "Name\tEmail\tPostcode\r\nZoë Brontë\tzoe@example.org\tWN1 1AA\r\nRenée Ó Sé\t\tWN2 2BB\r\n"
    )
    sheet = read_sheet(text.encode(encoding))
    assert [c[0] for _, c in sheet.rows] == ["Zoë Brontë", "Renée Ó Sé"]
    assert sheet.headings == ["Name", "Email", "Postcode"]


def test_commas_inside_quotes_and_extra_columns():
    content = b'Name,Email,Shoe size,,\n"Smith, Jo",jo@example.org,7,,\n'
    sheet = read_sheet(content)
    assert sheet.headings == ["Name", "Email", "Shoe size"]  # empty columns at the end go
    assert sheet.rows == [(2, ["Smith, Jo", "jo@example.org", "7"])]


def test_an_xlsx_with_real_date_cells_and_the_headings_further_down():
    sheet = read_sheet(xlsx_bytes())
    assert sheet.heading_row == 3
    assert [n for n, _ in sheet.rows] == [4, 6]
    assert sheet.rows[0][1][2] == "1979-06-01"
    assert parse_date(sheet.rows[1][1][5]) == date(2024, 3, 31)  # serial number 45382


@pytest.mark.parametrize(
    "text",
    ["31/03/2024", "31-03-2024", "31.03.2024", "2024-03-31", "31 March 2024", "31 Mar 24",
     "31st March 2024", "31-Mar-2024", "March 31, 2024", "31/3/24", "45382",
     "2024-03-31 00:00:00", 45382],
)  # fmt: skip
def test_dates_in_the_ways_people_write_them_day_first(text):
    assert parse_date(text) == date(2024, 3, 31)


def test_dates_that_are_not_dates():
    with pytest.raises(NotADate) as not_real:
        parse_date("31/02/1990")
    assert not_real.value.readable
    for text in ("next week", "13/13/2020", "2024", "31 Smarch 2024", "1/2/345"):
        with pytest.raises(NotADate):
            parse_date(text)
    assert parse_date("03/02/2024") == date(2024, 2, 3)  # day first: 3 February


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n ,,, \r\n", "empty"),
        (bytes(range(256)) * 40, "not a spreadsheet"),
        (b"%PDF-1.7\n\x00\x01\x02 binary stream", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 this is no workbook", "not an Excel workbook"),
        (b"Jane Smith,jane@example.org,01/02/1990\nTom Bell,tom@example.org,1/1/1980\n",
         "column headings"),
        (("," .join(f"Heading {i}" for i in range(300)) + "\nx\n").encode(), "more than 100"),
        (b"Name,Notes\nJo," + b'"' + b"x" * 200_000 + b'"\n', "cannot be read"),
        (b"Name,Email\n", "no rows"),
    ],
)  # fmt: skip
def test_odd_files_get_a_clear_message(content, words):
    with pytest.raises(Unreadable) as problem:
        read_sheet(content)
    assert words in str(problem.value)


def test_a_huge_heading_is_cut_short():
    sheet = read_sheet(b"Name," + b"E" * 5000 + b"\nJo,x\n")
    assert len(sheet.headings[1]) == 100


def test_columns_are_guessed_from_their_headings():
    headings = ["Full name", "E-mail", "DOB", "Ward/Area", "Date trained", "Tel No.",
                "Surname", "Cert no", "Happy to be contacted?", "Favourite colour", "Email"]  # fmt: skip
    assert guess_mapping(headings) == {
        "0": "name", "1": "email", "2": "date_of_birth", "3": "footprint", "4": "completed_on",
        "5": "phone", "6": "last_name", "7": "certificate_number", "8": "consent",
    }  # fmt: skip


# Problems, by row ---------------------------------------------------------------------------


async def test_every_kind_of_problem_is_reported_with_its_row():
    await areas()
    await t.Organisation.insert(
        t.Organisation(name="Wigan Youth Zone", kind="group", sector="voluntary")
    )
    ctx = await coordinator()
    heading = HEADINGS + ",Organisation,Consent,Status,Certificate"
    rows = [
        "Ann Ok,ann@example.org,01/01/1980,WC,WN1 1AA,Health Champions,01/02/2024,,,Wigan Youth Zone,yes,active,",  # 2: fine
        "Bob Date,bob@example.org,31/02/1990,WC,,,,,,,,,",  # 3
        "Cat Words,cat@example.org,next week,WC,,,,,,,,,",  # 4
        "Dan Mail,dan@example,1980,WC,,,,,,,,,",  # 5
        "Eve Code,eve@example.org,1980,WC,XYZ,,,,,,,,",  # 6
        "Fay Area,fay@example.org,1980,Atlantis,,,,,,,,,",  # 7
        "Gus Prog,gus@example.org,1980,WC,,Tiddlywinks,,,,,,,",  # 8
        "Hal Course,hal@example.org,1980,WC,,,,Juggling,01/01/2024,,,,",  # 9
        "Ida Org,ida@example.org,1980,WC,,,,,,Nobody Ltd,,,",  # 10
        "Jo Consent,jo@example.org,1980,WC,,,,,,,perhaps,,",  # 11
        "Kim Status,kim@example.org,1980,WC,,Health Champions,,,,,,sleeping,",  # 12
        "Lee Future,lee@example.org,1980,WC,,Health Champions,01/01/2099,,,,,,",  # 13
        "Max Young,max@example.org,1970,WC,,Young Health Champions,01/01/2024,,,,,,",  # 14
        ",nobody@example.org,1980,WC,,,,,,,,,",  # 15
        "Ned Unknown,,,WC,,,,,,,,,",  # 16
        "Olu Dates,olu@example.org,1980,WC,,,01/01/2024,,,,,,",  # 17
        "Pat Train,pat@example.org,1980,WC,,,,,12/12/2023,,,,",  # 18
        "Quin Old,quin@example.org,1880,WC,,,,,,,,,",  # 19
        "Ray Early,ray@example.org,1980,WC,,Health Champions,01/01/2001,,,,,,",  # 20
        "Sam Cert,sam@example.org,1980,WC,,,,heart-champions-training,01/01/2024,,,," + "C" * 61,  # 21
        "Tia Born,tia@example.org,01/01/2090,WC,,,,,,,,,",  # 22
    ]  # fmt: skip
    preview = await previewed(ctx, csv_bytes(*rows, heading=heading))
    messages = {p["row"]: p["message"] for p in preview["problems"]}
    expected = {
        3: "Row 3: the date of birth '31/02/1990' is not a real date.",
        4: "Row 4: the date of birth 'next week' is not a date we can read",
        5: "Row 5: the email address 'dan@example' cannot be used. Enter an email address",
        6: "Row 6: the postcode 'XYZ' cannot be used. Enter a UK postcode like WN1 1AA.",
        7: "Row 7: the area 'Atlantis' cannot be used. Use one of: Wigan Central, Wigan North.",
        8: "Row 8: the programme 'Tiddlywinks' cannot be used. Use one of: Health Champions",
        9: "Row 9: the course 'Juggling' cannot be used.",
        10: "Row 10: the organisation 'Nobody Ltd' cannot be used. It is not one we know",
        11: "Row 11: consent to contact 'perhaps' cannot be used. Write yes or no.",
        12: "Row 12: the membership status 'sleeping' cannot be used. Write active, paused or left.",
        13: "Row 13: the date they joined '01/01/2099' cannot be used. The date they joined cannot be in the future.",
        14: "Row 14: Young Health Champions are 14 to 24: this person would be about 54.",
        15: "Row 15: the name is missing. Enter the person's name.",
        16: "Row 16: add an email address, a date of birth or a postcode",
        17: "Row 17: there is a date joined or a status, but no programme.",
        18: "Row 18: there is a training date or certificate, but no course.",
        19: "Row 19: the date of birth '1880' cannot be used. The year of birth must be from 1,900",
        20: "Row 20: the date they joined '01/01/2001' cannot be used. The date they joined must be on or after 1 January 2010.",
        21: "Row 21: the certificate number 'CCCC",
        22: "Row 22: the date of birth '01/01/2090' cannot be used. A date of birth cannot be in the future.",
    }  # fmt: skip
    for row, start in expected.items():
        assert messages.get(row, "").startswith(start), (row, messages.get(row))
    assert set(messages) == set(expected)  # row 2 is fine
    assert preview["counts"]["problem_rows"] == len(expected)
    assert preview["counts"]["new_people"] == 1
    assert await t.Person.count() == 1  # only the coordinator: a preview saves nothing


# Importing ---------------------------------------------------------------------------------


async def test_the_sample_file_imports_its_good_rows_and_again_changes_nothing():
    await areas()
    ctx = await coordinator()
    content = (FILES / "champions-register.csv").read_bytes()
    before = await counts()
    job = await imported(ctx, content)
    assert job["status"] == "done"
    c = job["summary"]["counts"]
    assert (c["new_people"], c["memberships"], c["trainings"], c["problem_rows"]) == (3, 3, 3, 2)
    asha = await t.Person.select().where(t.Person.email == "asha.patel@example.org").first()
    assert asha["name"] == "Asha Patel" and asha["postcode"] == "WN1 1AA"
    assert asha["year_of_birth"] == 1986
    trained = await t.TrainingRecord.select().where(t.TrainingRecord.person == asha["id"]).first()
    assert trained["completed_on"] == date(2024, 3, 31)
    after = await counts()
    assert after[:3] == (before[0] + 3, before[1] + 3, before[2] + 3)

    again = await imported(ctx, content)
    assert await counts() == after  # people, memberships, trainings and audit events
    assert again["summary"]["message"].startswith("Nothing changed: all 3 rows were already there.")
    assert again["summary"]["counts"]["unchanged_rows"] == 3
    xlsx = await imported(ctx, xlsx_bytes(), "heart.xlsx")
    assert xlsx["summary"]["counts"]["new_people"] == 2
    assert (await imported(ctx, xlsx_bytes(), "heart.xlsx"))["summary"]["counts"][
        "unchanged_rows"
    ] == 2


async def test_people_are_matched_by_email_by_name_and_year_and_by_name_and_postcode():
    await areas()
    ctx = await coordinator()
    # A confirmed address matches whatever the name (unconfirmed ones: test_email_confirmation)
    by_email = await f.person("Asha Patel", email="asha@example.org", email_confirmed=True)
    by_year = await f.person("Tom  Hughes", year_of_birth=1990, phone="01942 111111")
    by_postcode = await f.person("Zoe Bell", postcode="WN5 9ZZ")
    no_email = await f.person("Ruth Ng", year_of_birth=1970)
    heading = "Name,Email,Year of birth,Postcode,Phone,Programme"
    content = csv_bytes(
        "Asha P.,ASHA@Example.org,,,,health-champions",  # email, any case; name differs
        "tom hughes,,1990,WN6 7PQ,07700 900123,health-champions",  # name and year
        "ZOE BELL,,,wn59zz,,health-champions",  # name and postcode, spaces and case
        "Ruth Ng,ruth@example.org,1970,,,health-champions",  # new email: recorded without one
        "Tom Hughes,,1991,,,health-champions",  # another year: another person
        heading=heading,
    )
    preview = await previewed(ctx, content)
    c = preview["counts"]
    assert (c["matched_by_email"], c["matched_by_name_and_year"]) == (1, 2)
    assert (c["matched_by_name_and_postcode"], c["new_people"]) == (1, 1)
    notes = [n["message"] for n in preview["notes"]]
    assert notes == ["Row 3: Tom  Hughes is already recorded with a different phone number. "
                     "The one recorded is kept."]  # fmt: skip
    await imported(ctx, content)
    tom = await t.Person.select().where(t.Person.id == by_year).first()
    assert tom["phone"] == "01942 111111"  # not overwritten
    assert tom["postcode"] == "WN6 7PQ"  # empty: filled in
    ruth = await t.Person.select().where(t.Person.id == no_email).first()
    assert ruth["email"] == "ruth@example.org"
    for person in (by_email, by_year, by_postcode, no_email):
        assert await t.Membership.count().where(t.Membership.person == person) == 1
    assert await t.Person.count() == 6  # four, the coordinator and the second Tom


async def test_rows_about_one_person_make_one_person_with_each_training_once():
    await areas()
    ctx = await coordinator()
    content = csv_bytes(
        "Kay Lin,kay@example.org,01/01/1980,WC,,Health Champions,01/02/2024,rsph-l2-understanding-health-improvement,01/03/2024",
        "Kay Lin,KAY@example.org,,,,Health Champions,,heart-champions-training,02/03/2024",
        "Kay Lin,kay@example.org,,,,,,heart-champions-training,02/03/2024",
    )  # fmt: skip
    job = await imported(ctx, content)
    c = job["summary"]["counts"]
    assert (c["new_people"], c["memberships"], c["trainings"], c["unchanged_rows"]) == (1, 1, 2, 1)


async def test_the_audit_log_names_fields_but_never_copies_personal_values():
    await areas()
    ctx = await coordinator()
    await f.person("Tom Hughes", year_of_birth=1990)
    content = (FILES / "champions-register.csv").read_bytes()
    before = max([e["id"] for e in await t.AuditEvent.select(t.AuditEvent.id)], default=0)
    await imported(ctx, content)
    events = await t.AuditEvent.select().where(t.AuditEvent.id > before).output(load_json=True)
    assert {e["record_type"] for e in events} >= {"person", "membership", "training"}
    logged = json.dumps([e["changes"] for e in events]).lower()
    for value in ("asha", "patel", "example.org", "wn1 1aa", "1986", "wn6 7pq", "zoë", "brontë"):
        assert value not in logged, value
    assert {e["account"] for e in events} == {ctx.actor.account_id}
    tom = [e for e in events if e["record_type"] == "person" and e["action"] == "update"]
    assert tom[0]["changes"]["postcode"] == "changed"  # filled in: named, not copied


async def test_a_failed_import_says_so_and_can_be_started_again(monkeypatch):
    await areas()
    ctx = await coordinator()
    job_id = await jobs.create_job(
        ctx, "people.csv", (FILES / "champions-register.csv").read_bytes()
    )
    await jobs.preview(job_id, ctx, as_form((await jobs.get_job(job_id))["mapping"]))

    async def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(jobs, "write_plan", broken)
    assert await jobs.claim(job_id)
    assert not await jobs.claim(job_id)  # pressed twice: started once
    await jobs.run_job(job_id, ctx)
    job = await jobs.get_job(job_id)
    assert job["shown_status"] == "failed"
    assert "stopped because of a problem on our side" in job["error"]
    assert "disk" not in job["error"]
    monkeypatch.undo()
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    assert (await jobs.get_job(job_id))["shown_status"] == "done"


async def test_a_job_left_running_by_a_worker_that_stopped_shows_as_stopped():
    ctx = await coordinator()
    job_id = await jobs.create_job(ctx, "people.csv", csv_bytes("Al,al@example.org,,,,,,,"))
    await jobs.preview(job_id, ctx, {"column-0": "name", "column-1": "email"})
    assert await jobs.claim(job_id)
    assert (await jobs.get_job(job_id))["shown_status"] == "running"
    long_ago = datetime.now().astimezone() - jobs.STALE_AFTER * 2
    await t.ImportJob.update({t.ImportJob.updated_at: long_ago}).where(t.ImportJob.id == job_id)
    assert (await jobs.get_job(job_id))["shown_status"] == "stopped"
    assert await jobs.claim(job_id)  # and it can be started again


# Size --------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_ten_thousand_rows_import_correctly():
    await areas()
    ctx = await coordinator()
    job = await imported(ctx, big_csv(10_000))
    c = job["summary"]["counts"]
    assert (c["rows"], c["problem_rows"], c["new_people"]) == (10_000, 0, 10_000)
    assert (c["memberships"], c["trainings"]) == (10_000, 10_000)
    assert job["rows_done"] == 10_000
    assert await t.Person.count() == 10_001
    assert await t.TrainingRecord.count().where(t.TrainingRecord.certificate_number == "C9999") == 1
    account = t.AuditEvent.account == job["account"]
    assert await t.AuditEvent.count().where(account) == 30_000
    assert (await jobs.get_job(job["id"], with_sheet=True))["sheet"] == {}  # rows not kept
