"""The parts that make the app installable and work without signal: the manifest, the
service worker at the root (so that it controls every page), and the offline page."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from litestar import Response, get
from litestar.response import Template

from server.settings import PROJECT_ROOT

STATIC = PROJECT_ROOT / "web" / "static"
VERSION = "0.1.0"


@lru_cache(maxsize=1)
def release() -> str:
    """The version and a digest of every static file: any change makes a new cache name."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{VERSION}-{digest.hexdigest()[:12]}"


@get("/sw.js", include_in_schema=False)
async def service_worker() -> Response[str]:
    body = (STATIC / "sw.js").read_text().replace("__RELEASE__", release())
    return Response(
        body,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get("/manifest.webmanifest", include_in_schema=False)
async def manifest() -> Response[dict[str, Any]]:
    icons = [
        {
            "src": f"/static/icons/icon-{size}{suffix}.png",
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for size in (192, 512)
        for suffix, purpose in (("", "any"), ("-maskable", "maskable"))
    ]
    return Response(
        {
            "name": "Health Movement",
            "short_name": "Movement",
            "description": "Log what you did for your community's health, in under a minute.",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#005a30",
            "icons": icons,
        },
        media_type="application/manifest+json",
    )


@get("/offline", include_in_schema=False)
async def offline() -> Template:
    return Template("offline.html")
