"""The cookies a sign-in sets and a sign-out (or a deleted account) clears: used by the
sign-in pages and by any other feature's page that ends a session (not a page module, so
that no feature imports another's pages)."""

from __future__ import annotations

from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token

from server.lib.auth import CSRF_COOKIE, SESSION_COOKIE
from server.settings import get_settings


def session_cookie(value: str, max_age: int) -> Cookie:
    """The session cookie; `session_cookie("", 0)` clears it."""
    secure = get_settings().base_url.startswith("https://")
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def fresh_csrf_cookie() -> Cookie:
    """A new CSRF token, given at sign-in: a token that someone learned or planted before
    (on a shared computer, say) does not work for the signed-in session. Made and set as
    the CSRF middleware makes and sets its own (server/app.py's CSRFConfig)."""
    settings = get_settings()
    return Cookie(
        key=CSRF_COOKIE,
        value=generate_csrf_token(settings.secret_key),
        httponly=False,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )
