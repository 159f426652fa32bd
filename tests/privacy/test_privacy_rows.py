"""A person's rows in an uploaded spreadsheet are theirs however the sheet writes them:
separate surname and forename columns in either order, "Khan, Molly", a phone number with
+44 or 0044 (0), a postcode in lower case without its space, an email in capitals with
spaces. A coordinator uploads the sheet; the person's download lists their row and never a
namesake's; deleting the person takes their row out of the upload and leaves the others."""

from __future__ import annotations

import csv
import json

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.imports import signed_in, token, upload
from tests.helpers.privacy import phone as phone_of
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
EMAIL = "molly.khan.7@example.org"
MOLLY = {"name": "Molly Khan", "phone": "07700 900767", "postcode": "WN7 1WJ",
         "year_of_birth": 1961}  # fmt: skip
OTHER = "Bright,Omar,07700 900999,WN1 1AA,1980"  # someone else, in every sheet

# (heading row, Molly's row, a namesake's row or ""): Molly's row is row 2, the namesake's 3.
LAYOUTS = {
    "surname first, +44 phone": (
        "Surname,Forename,Phone,Postcode,Born",
        "Khan,Molly,+44 7700 900767,WN7 1WJ,1961",
        "Khan,Molly,07700 900111,WN1 1AA,1990",
    ),
    "forename first, 0044 (0) phone": (
        "Forename,Surname,Mobile,Postcode,Year of birth",
        "Molly,Khan,0044 (0)7700-900767,,",
        "Molly,Khan,,WN1 1AA,",
    ),
    '"Surname, Forename", lower-case postcode without its space': (
        "Name,Email,Postcode,Notes,Year",
        '"Khan, Molly",,wn71wj,,',
        '"Khan, Molly",,WN1 1AA,,',
    ),
    "an email in capitals with spaces": (
        "Name,Email,Town,Notes,Year",
        "M. Khan, MOLLY.KHAN.7@EXAMPLE.ORG ,Wigan,,",
        "Molly Khan,,Leigh,,",
    ),
    "a title, surname first in one cell": (
        "Full name,Postcode,Phone,Email,Year of birth",
        "Mrs Khan Molly,wn7 1wj,,,",
        "Molly Khan,WN2 2BB,,,1975",
    ),
    "name and date of birth only": (
        "Last name,First name,Date of birth,Phone,Postcode",
        "KHAN,molly,12/03/1961,,",
        "Khan,Molly,01/01/1990,,",
    ),
    "a phone that lost its 0 in a spreadsheet": (
        "Name,Phone,Postcode,Email,Year",
        "M Khan,7700900767,,,",
        "",
    ),
}


def sheet(*rows: str) -> bytes:
    return ("\n".join(r for r in rows if r) + "\n").encode()


async def rows_left(job_id: int) -> list[list[str]]:
    job = await t.ImportJob.select(t.ImportJob.sheet).where(t.ImportJob.id == job_id)
    data = job[0]["sheet"]
    data = json.loads(data) if isinstance(data, str) else data
    return [[str(c or "") for c in cells] for _, cells in data["rows"]]


async def molly_and_an_upload(client, content: bytes) -> tuple[f.User, int]:
    molly = await f.user("champion", email=EMAIL, **MOLLY)
    await signed_in(client)
    sent = await upload(client, content)
    assert sent.status_code == 303, sent.text
    return molly, int(sent.headers["location"].split("/")[3])


async def rows_in_download(app) -> list[int]:
    async with phone_of(app) as phone:
        await sign_in(phone, EMAIL)
        data = json.loads((await phone.get("/my-data/download")).content)
    return [r["row"] for r in data["import_rows"] if r["row"]]


@pytest.mark.parametrize("layout", list(LAYOUTS), ids=list(LAYOUTS))
async def test_a_persons_row_is_found_in_every_common_layout(client, app, layout):
    heading, hers, namesakes = LAYOUTS[layout]
    molly, job_id = await molly_and_an_upload(client, sheet(heading, hers, namesakes, OTHER))

    assert await rows_in_download(app) == [2]  # never the namesake's row 3

    coordinator = await f.user("coordinator")
    gone = await client.delete(f"/api/people/{molly.person_id}", headers=coordinator.headers)
    assert gone.status_code == 204
    left = await rows_left(job_id)
    assert ["Bright", "Omar", "07700 900999", "WN1 1AA", "1980"] in left
    her_cells = [c.strip() for c in next(csv.reader([hers]))]
    assert all([c.strip() for c in r] != her_cells for r in left)  # her own row went


async def test_the_columns_the_coordinator_chose_say_where_the_name_is(client, app):
    """Ann Smith's next of kin is Molly Khan and they live at the same postcode: once the
    columns are chosen (next of kin left out), Ann's row is neither in Molly's download nor
    taken out of the upload when Molly is erased."""
    content = sheet(
        "First name,Last name,Next of kin,Postcode",
        "Ann,Smith,Molly Khan,WN7 1WJ",
        "Molly,Khan,,WN7 1WJ",
    )
    molly, job_id = await molly_and_an_upload(client, content)
    columns_url = f"/console/import/{job_id}/columns"
    chosen = Page((await client.get(columns_url, headers=HTML)).text).chosen
    assert chosen["column-0"] == "first_name" and chosen["column-1"] == "last_name"
    assert chosen["column-2"] == ""  # next of kin: not imported
    preview = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert preview.status_code == 303

    assert await rows_in_download(app) == [3]

    coordinator = await f.user("coordinator")
    gone = await client.delete(f"/api/people/{molly.person_id}", headers=coordinator.headers)
    assert gone.status_code == 204
    assert await rows_left(job_id) == [["Ann", "Smith", "Molly Khan", "WN7 1WJ"]]
