"""create_app(): the Litestar application with its plugins, routes and database lifespan."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from server import db
from server.accounts import email_pages
from server.accounts import pages as sign_in_pages
from server.accounts.api import audit, me
from server.accounts.middleware import AuthMiddleware
from server.activities import pages as activities_pages
from server.activities.api import batch
from server.activities.lists import SERVICES, TOPICS
from server.activities.services import ACTIVITIES
from server.apidocs.document import LiveDocument, read_lists
from server.apidocs.plugin import ReferencePage
from server.console import console_router
from server.events import api as events_api  # Upcoming sessions (issue 15)
from server.events import pages as events_pages  # Upcoming sessions (issue 15)
from server.events import reminders  # Upcoming sessions (issue 15)
from server.events.services import UPCOMING  # Upcoming sessions (issue 15)
from server.home import pages as home_pages
from server.join import api as join_api  # Joining (issue 15)
from server.join import pages as join_pages  # Joining (issue 15)
from server.lib import owner, pages
from server.lib.auth import CSRF_COOKIE, CSRF_HEADER
from server.lib.bodies import json_bodies_only
from server.lib.caching import cache_headers
from server.lib.crud_routes import READ_ONLY_ACTIONS, crud_router
from server.lib.errors import HANDLERS
from server.lib.head import head_like_get
from server.lib.headers import allow_header, allowed_methods, security_headers
from server.lib.health import HEALTHZ, healthz, readyz
from server.lib.openapi import COMPONENTS
from server.lib.paths import RefuseOddPaths
from server.lib.public import (
    EVENT_FEEDS,
    PUBLIC_PATHS,
    SMALLEST_TO_COMPRESS,
    WIDGET_PATHS,
    Answer,
    Plain,
    public_first,
)
from server.mail import pages as mail_pages
from server.mydata import pages as mydata_pages
from server.opendata import pages as opendata_pages
from server.people.services import MEMBERSHIPS, PEOPLE
from server.privacy import pages as privacy_pages
from server.privacy import retention
from server.public.answers import AREA_SECONDS, area_json, borough_json
from server.public.query import Query, ReadyRoute
from server.pwa import pages as pwa_pages
from server.reference.services import COURSES, FOOTPRINTS, ORGANISATIONS, PROGRAMMES
from server.sessions import pages as sessions_pages
from server.sessions.services import EXTERNAL_COUNTS, FRIENDS_SESSIONS
from server.settings import PROJECT_ROOT, get_settings
from server.site import context as site_context
from server.site import pages as site_pages
from server.stories import pages as stories_pages
from server.stories.services import STORIES
from server.totals import api as totals_api
from server.totals.api import get_totals
from server.trainings import pages as trainings_pages
from server.trainings.services import TRAININGS
from server.wellbeing import api as wellbeing_api  # Wellbeing (issue 16)
from server.wellbeing import pages as wellbeing_pages  # Wellbeing (issue 16)
from server.widget import pages as widget_pages

WEB = PROJECT_ROOT / "web"
# Every feature's pages module exports its HANDLERS (its signed-in pages in a router
# behind the sign-in guard, server.lib.pages.signed_in_pages); the console is one router.
PAGE_MODULES = (
    home_pages,
    sign_in_pages,
    email_pages,
    mail_pages,
    activities_pages,
    mydata_pages,
    trainings_pages,
    sessions_pages,
    stories_pages,
    pwa_pages,
    privacy_pages,
    widget_pages,
    site_pages,
    opendata_pages,
    # Joining (issue 15)
    join_pages,
    events_pages,  # Upcoming sessions (issue 15)
    wellbeing_pages,  # Wellbeing (issue 16)
)
PAGES = [handler for module in PAGE_MODULES for handler in module.HANDLERS]


def api_routers() -> list[Router]:
    """One router per record type, under /api/."""
    return [
        crud_router(
            "/api/people",
            PEOPLE,
            plural="people",
            singular="person",
            description="Champions see only themselves.",
        ),
        crud_router(
            "/api/memberships",
            MEMBERSHIPS,
            plural="memberships",
            singular="membership",
            description="Champions see only their own.",
        ),
        crud_router(
            "/api/trainings",
            TRAININGS,
            plural="trainings",
            singular="training",
            description="Champions see and add only their own.",
        ),
        crud_router(
            "/api/activities",
            ACTIVITIES,
            plural="activities",
            singular="activity",
            description="Champions see and log only their own.",
        ),
        crud_router(
            "/api/friends-sessions",
            FRIENDS_SESSIONS,
            plural="friends sessions",
            singular="friends session",
            description="Champions see and add only the sessions they ran.",
        ),
        crud_router(
            "/api/external-counts",
            EXTERNAL_COUNTS,
            plural="external counts",
            singular="external count",
            description="",
        ),
        crud_router(
            "/api/programmes", PROGRAMMES, plural="programmes", singular="programme", description=""
        ),
        crud_router(
            "/api/footprints", FOOTPRINTS, plural="footprints", singular="footprint", description=""
        ),
        crud_router(
            "/api/organisations",
            ORGANISATIONS,
            plural="organisations",
            singular="organisation",
            description="",
        ),
        crud_router("/api/courses", COURSES, plural="courses", singular="course", description=""),
        # Impact (issue 16): the lists an activity's details name, kept in the console.
        crud_router(
            "/api/topics",
            TOPICS,
            plural="topics",
            singular="topic",
            description="The health topics an activity can be about, in the forms' order. "
            "Coordinators keep the list in the console.",
            actions=READ_ONLY_ACTIONS,
        ),
        crud_router(
            "/api/services",
            SERVICES,
            plural="services",
            singular="service",
            description="The services champions signpost people to, by name. Coordinators "
            "keep the list in the console.",
            actions=READ_ONLY_ACTIONS,
        ),
        crud_router(
            "/api/stories",
            STORIES,
            plural="stories",
            singular="story",
            description="Champions see, add, withdraw, delete only their own.",
        ),
        # Upcoming sessions (issue 15)
        crud_router(
            "/api/upcoming-sessions",
            UPCOMING,
            plural="upcoming sessions",
            singular="upcoming session",
            description="Friends sessions published before they happen. Champions trained to "
            "run sessions see, publish and change only those they organise. The date and "
            "start time are sent as starts_on (YYYY-MM-DD) and start_time (HH:MM) on the "
            "council's clock; the answer gives starts_at in UTC.",
        ),
    ]


async def public_totals(params: Query) -> Answer:
    """GET /api/totals for nobody signed in: get_totals' answer for the public (its route,
    server/totals/api.py, answers everyone else)."""
    if params.get("footprint"):
        return Answer(await area_json(params), "application/json", AREA_SECONDS)
    made = await borough_json(params)
    return Answer(made, "application/json", totals_api._max_age())  # the route's own rule


# The addresses answered without the framework (server.lib.public.public_first), each by
# the route's own function from its options, so the two cannot drift apart
# (tests/lib/test_public_first.py compares them byte for byte and header for header).
PLAIN_ROUTES: dict[str, Plain] = {
    "/api/totals": ReadyRoute(totals_api.OPTIONS, public_totals, others=False),
    "/embed": ReadyRoute(widget_pages.OPTIONS, widget_pages.embed_answer),
    "/totals.svg": ReadyRoute(widget_pages.OPTIONS, widget_pages.badge_answer),
    "/open-data/monthly.json": ReadyRoute((), opendata_pages.monthly_json_answer),
    "/open-data/monthly.csv": ReadyRoute((), opendata_pages.monthly_csv_answer),
    "/open-data/breakdowns.json": ReadyRoute((), opendata_pages.breakdowns_json_answer),
    "/open-data/breakdowns.csv": ReadyRoute((), opendata_pages.breakdowns_csv_answer),
    "/healthz": HEALTHZ,
}


def _templates(engine: JinjaTemplateEngine) -> None:
    """Everything the templates call: the phone's owner tag, the date and time filters, and
    who runs the service."""
    owner.register(engine)
    pages.register(engine)
    site_context.register(engine)


def create_app() -> Litestar:
    settings = get_settings()
    app = Litestar(
        # The batch route comes before the activities router so /batch is never an id.
        route_handlers=[
            healthz,
            readyz,
            get_totals,
            batch,
            me,
            audit,
            *api_routers(),
            *events_api.HANDLERS,  # Upcoming sessions (issue 15)
            *PAGES,
            console_router(),
            create_static_files_router(path="/static", directories=[WEB / "static"]),
            # Joining (issue 15)
            *join_api.HANDLERS,
            *wellbeing_api.HANDLERS,  # Wellbeing (issue 16)
        ],
        middleware=[
            RefuseOddPaths,  # first: before anything reads the address
            DefineMiddleware(
                AuthMiddleware, exclude=["^/static/", "^/healthz$", *WIDGET_PATHS, *EVENT_FEEDS]
            ),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            cookie_secure=settings.base_url.startswith("https://"),
            # The API checks its own: token clients need none, cookie clients send the header.
            exclude=[
                "^/api/",
                "^/healthz$",
                "^/readyz$",
                "^/static/",
                "^/schema",
                *WIDGET_PATHS,
                *EVENT_FEEDS,
            ],
        ),
        before_request=json_bodies_only,
        before_send=[security_headers, cache_headers, allow_header],
        exception_handlers=HANDLERS,
        on_startup=[db.start, retention.start_cleanup, reminders.start_reminders],
        on_shutdown=[retention.stop_cleanup, reminders.stop_reminders, db.stop],
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            directory=WEB / "templates", engine=JinjaTemplateEngine, engine_callback=_templates
        ),
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=SMALLEST_TO_COMPRESS,
            exclude=[*PUBLIC_PATHS, *EVENT_FEEDS],  # compressed once per answer, not per request
        ),
        openapi_config=OpenAPIConfig(
            title="Movement",
            version="0.1.0",
            description="The Health Movement for Change tracker's API.",
            path="/schema",
            components=[COMPONENTS],
            # The document for tools; /schema itself is our own reference page
            # (server/apidocs), with no viewer that loads scripts from a CDN.
            render_plugins=[ReferencePage(), LiveDocument(path=["/openapi.json"])],
            # The lists the document names, read before it is made (server/apidocs).
            openapi_router=Router(
                "/schema", route_handlers=[], include_in_schema=False, before_request=read_lists
            ),
        ),
        logging_config=LoggingConfig(
            # Not propagated: the root logger has the same handler, so each line came twice.
            loggers={
                "movement": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False}
            },
            log_exceptions="debug" if settings.debug else "never",
        ),
        debug=settings.debug,
    )
    app.state.allow = allowed_methods(app)
    # The ready-made public answers (and /healthz) are sent without the framework when
    # nothing about the request is unusual: see server.lib.public.public_first.
    app.asgi_handler = head_like_get(public_first(app.asgi_handler, PLAIN_ROUTES))
    return app


logging.getLogger("movement").setLevel(logging.INFO)
