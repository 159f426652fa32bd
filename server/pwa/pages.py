"""The parts that make the app installable and work without signal: the manifest, the
service worker at the root (so that it controls every page), and the app's shell: the
offline page, and stand-ins for home, the log form and my activities, the same for
everyone, the only pages the worker keeps. It keeps them when it installs, so a champion
can log without signal straight after signing in the first time.

The worker fetches the shell without cookies; only such an answer says `no-cache` (it may
be kept). Asked with a sign-in, the same address answers `no-store` like any signed-in page
(server.lib.caching), so no copy with someone's "Sign out" button or token is ever kept."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from litestar import Response, get
from litestar.response import Template

from server.activities.details import offered
from server.activities.services import KINDS
from server.lib.auth import AppRequest, current_actor
from server.lib.reference import load_reference
from server.settings import PROJECT_ROOT

STATIC = PROJECT_ROOT / "web" / "static"
VERSION = "0.1.0"


# What the shell the worker keeps is made from: the static files, and the templates and
# code that draw its pages (the offline log form lists the kinds from activities/services).
SHELL_SOURCES = (STATIC, PROJECT_ROOT / "web" / "templates", PROJECT_ROOT / "server")


@lru_cache(maxsize=1)
def release() -> str:
    """The version and a digest of everything the shell is made from: any change to a
    static file, a template or the code makes a new cache name, so phones fetch the shell
    again (a new kind of activity reaches the offline form without a version bump)."""
    digest = hashlib.sha256()
    for root in SHELL_SOURCES:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix != ".pyc":
                digest.update(f"{root.name}/{path.relative_to(root).as_posix()}".encode())
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


@get("/manifest.webmanifest", name="manifest", include_in_schema=False)
async def manifest() -> Response[dict[str, object]]:
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
        headers={"Cache-Control": "no-cache"},  # part of the shell
    )


def shell(request: AppRequest, template: str, context: dict[str, object]) -> Template:
    """A page of the shell: no account marked on it (see server.lib.owner), and kept by the
    worker only when nobody is signed in on the request."""
    anonymous = current_actor(request) is None
    headers = {"Cache-Control": "no-cache"} if anonymous else {}
    return Template(template, context={**context, "shell": True}, headers=headers)


@get("/offline", include_in_schema=False)
async def offline(request: AppRequest) -> Template:
    """What the worker shows for a page it cannot fetch: no signal, but logging works."""
    return shell(request, "offline.html", {"stands_for": "", "kinds": KINDS})


@get("/offline/home", include_in_schema=False)
async def offline_home(request: AppRequest) -> Template:
    """Home without signal: the way to log, and what waits on the phone (no numbers: they
    are personal, and never kept)."""
    return shell(request, "offline.html", {"stands_for": "home", "kinds": KINDS})


@get("/offline/activities", include_in_schema=False)
async def offline_activities(request: AppRequest) -> Template:
    """My activities without signal: only what waits on the phone, listed by the page's
    script from the queue for the account seen last."""
    return shell(request, "offline.html", {"stands_for": "activities", "kinds": KINDS})


@get("/offline/log", include_in_schema=False)
async def offline_log(request: AppRequest) -> Template:
    """The log form for when there is no signal: every programme and area (the public
    lists), nothing chosen. The phone fills in the date, and the programme and area the
    account used last; what is saved waits in the phone's queue (web/static/js/queue.js)."""
    ref = await load_reference()
    context: dict[str, object] = {
        "programmes": [{"slug": p["slug"], "name": p["name"]} for p in ref.programmes.values()],
        "kinds": KINDS,
        "footprints": [{"code": x["code"], "name": x["name"]} for x in ref.footprints.values()],
        "values": {},
        "errors": {},
        # More details: the kinds of place, and the topics and services offered now.
        "details": await offered(),
    }
    return shell(request, "activities/log.html", context)


HANDLERS = [service_worker, manifest, offline, offline_home, offline_activities, offline_log]
