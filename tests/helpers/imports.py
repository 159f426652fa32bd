"""Uploading registers to the console: files, workbooks, the job and its choices."""

from __future__ import annotations

import asyncio

# ruff: noqa: E501 - rows of spreadsheets and whole messages read better on one line each
import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from server.imports import jobs
from tests.helpers import factories as f
from tests.helpers.html import HTML
from tests.helpers.signin import sign_in


async def signed_in(client):
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    await client.get("/console/import", headers=HTML)
    return user


def token(client) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("movement_csrf")}


async def upload(client, content: bytes, name: str = "register.csv"):
    return await client.post(
        "/console/import", data=token(client), files={"file": (name, content)}, headers=HTML
    )


async def finished(job_id: int):
    """The job once its background task is done (it runs in this event loop)."""
    for _ in range(600):
        job = await jobs.get_job(job_id)
        if job["status"] not in ("running", "ready"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the import did not finish")


FILES = Path(__file__).parent.parent / "imports" / "files"


HEADINGS = "Full name,E-mail,DOB,Ward/Area,Postcode,Programme,Date joined,Course,Date trained"


async def areas() -> None:
    await f.footprint("WC", "Wigan Central")
    await f.footprint("WN", "Wigan North")


def xlsx_bytes() -> bytes:
    """A workbook as Excel makes it: a title, the headings on row 3, real date cells, a
    date as Excel's serial number, a number stored as a number, blank rows, extra columns."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Heart Champions trained in 2024"])
    sheet.append([])
    sheet.append(["Name", "Email address", "Date of birth", "Area", "Programme", "Date trained",
                  "Course", "Shoe size"])  # fmt: skip
    sheet.append(["Bea Lowe", "bea@example.org", datetime(1979, 6, 1), "WC", "heart-champions",
                  datetime(2024, 3, 31), "Heart Champions training", 6])  # fmt: skip
    sheet.append([])
    sheet.append(["Cal Moss", None, 29011, "Wigan North", "Heart Champions", 45382,
                  "heart-champions-training", None])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_csv(rows: int) -> bytes:
    lines = [HEADINGS + ",Certificate"]
    for i in range(rows):
        email = f"person{i}@example.org" if i % 4 else ""
        born = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 50}"
        lines.append(
            f"Person {i},{email},{born},{'WC' if i % 2 else 'Wigan North'},WN{1 + i % 8} {i % 10}AB,"
            f"Health Champions,{1 + i % 28}/01/2024,rsph-l2-understanding-health-improvement,"
            f"{1 + i % 28} Feb 2024,C{i}"
        )
    return ("\n".join(lines) + "\n").encode()
