"""/accessibility, /robots.txt and /favicon.ico: about the service, for everyone."""

from __future__ import annotations

from litestar import get
from litestar.response import Redirect, Response, Template

from server.site.context import service

# Public pages may be indexed; the app's own pages, the console, the API and anything
# with a link in it (sign-in and confirmation links) may not.
PRIVATE_PATHS = (
    "/console",
    "/log",
    "/activities",
    "/more",
    "/my-data",
    "/my-email",
    "/stories",
    "/training",
    "/sessions",
    "/upcoming",  # Upcoming sessions (issue 15): a champion's own
    "/wellbeing",  # Wellbeing (issue 16): a champion's own questions
    "/bookings/",  # a booking's cancel link
    "/api/",
    "/schema",
    "/sign-in/",
    "/email/",
    "/dev/",
    "/offline",
    "/admin",
)


def robots_text() -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), "Allow: /"]
    return "\n".join(lines) + "\n"


@get("/robots.txt", include_in_schema=False, cache=3600)
async def robots() -> Response[str]:
    return Response(robots_text(), media_type="text/plain")


@get("/favicon.ico", include_in_schema=False)
async def favicon() -> Redirect:
    """Browsers ask for it by themselves (the widget's page names no icon): no 404."""
    return Redirect("/static/icons/icon-192.png", status_code=301)


@get("/accessibility", include_in_schema=False, name="accessibility")
async def accessibility() -> Template:
    context: dict[str, object] = {"about": service()}
    return Template("site/accessibility.html", context=context)


HANDLERS = [robots, favicon, accessibility]
