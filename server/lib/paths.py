"""Addresses with a control character in them (a NUL byte sent as %00, a tab, a line break)
are refused with a 400 before any handler sees them.

No address the app makes has one, and the rest of the stack does not expect them: a file
path with a NUL byte in it is an error in Python (ValueError, a 500 from the static files),
and PostgreSQL refuses NUL in text. One check here, for every route, instead of one in
every handler that takes part of its address.
"""

from __future__ import annotations

import re

from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_400_BAD_REQUEST
from litestar.types import ASGIApp, Receive, Scope, Send

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ODD_ADDRESS = (
    "The address has a character in it that web addresses cannot have (such as %00). "
    "Check the link and try again."
)


class RefuseOddPaths:
    """Middleware: a 400, in the app's usual page or JSON, for an address with a control
    character in it (after its %-escapes are decoded)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if CONTROL.search(scope.get("path", "")):
            raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=ODD_ADDRESS)
        await self.app(scope, receive, send)
