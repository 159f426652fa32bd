"""Cache-Control on every answer that does not set its own: `no-store`.

Signed-in pages and API answers carry personal data, and a phone may be shared: no cache may
keep them, the browser's, a proxy's or the service worker's (which honours the header; see
web/static/sw.js). Answers meant to be kept say so themselves: the public addresses
(`public, max-age`, through server.lib.public), the app's shell (`no-cache`, server.pwa) and
the static files (left alone: kept by their ETag and date).

When a session ends, by signing out or because the cookie is dead (signed out everywhere,
expired, account closed), the answer also carries `Clear-Site-Data: "cache"`, so the browser
drops what its HTTP cache holds for the site, and a dead cookie is removed. Only "cache":
"storage" would also empty the phone's queue of activities, which may hold another
account's (the pages clear the worker's Cache Storage themselves: web/static/js/queue.js)."""

from __future__ import annotations

from collections.abc import Iterable

from litestar.types import Message, Scope

from server.lib.auth import SESSION_COOKIE
from server.settings import get_settings

NO_STORE = (b"cache-control", b"no-store")
CLEAR_CACHE = (b"clear-site-data", b'"cache"')
_COOKIE = SESSION_COOKIE.encode()


async def cache_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: `no-store` unless the answer says otherwise, and a clean slate
    when the session is over (see cache_control)."""
    if message["type"] != "http.response.start" or scope.get("path", "").startswith("/static/"):
        return
    message["headers"] = cache_control(message.get("headers") or [], scope)


def cache_control(
    headers: Iterable[tuple[bytes, bytes]], scope: Scope
) -> list[tuple[bytes, bytes]]:
    """What cache_headers does to an answer's headers, for the answers sent without the
    framework too (server.lib.public.public_first)."""
    out = list(headers)
    control = next((v for name, v in out if name.lower() == b"cache-control"), None)
    if control is None:
        out.append(NO_STORE)
    # A public answer is the same bytes for everyone, which a shared cache may keep: no
    # cookie on it, and nothing about anyone's session.
    if control is None or not control.startswith(b"public"):
        out.extend(_session_over(scope, out))
    return out


def _session_over(scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    if _dead_cookie(scope):
        return [(b"set-cookie", _expired_cookie()), CLEAR_CACHE]
    if any(_ends_session(name, value) for name, value in headers):
        return [CLEAR_CACHE]
    return []


def _dead_cookie(scope: Scope) -> bool:
    """The request sent a session cookie that signed nobody in. The authentication
    middleware sets "user" on every request it looks at (not on the static files)."""
    if "user" not in scope or scope.get("auth") is not None:
        return False
    for name, value in scope.get("headers", []):
        if name == b"cookie" and any(
            part.strip().startswith(_COOKIE + b"=") and part.strip() != _COOKIE + b"="
            for part in value.split(b";")
        ):
            return True
    return False


def _ends_session(name: bytes, value: bytes) -> bool:
    return (
        name.lower() == b"set-cookie"
        and value.startswith(_COOKIE + b"=")
        and (b"max-age=0" in value.lower())
    )


def _expired_cookie() -> bytes:
    secure = "; Secure" if get_settings().base_url.startswith("https://") else ""
    return f"{SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax{secure}".encode()
