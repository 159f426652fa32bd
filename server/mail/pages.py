"""/dev/outbox: the emails that were not sent (DEBUG only)."""

from __future__ import annotations

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from server.mail.services import outbox
from server.settings import get_settings


@get("/dev/outbox", include_in_schema=False)
async def dev_outbox() -> Template:
    if not get_settings().debug:
        raise NotFoundException()
    return Template("mail/outbox.html", context={"messages": await outbox()})


HANDLERS = [dev_outbox]
