"""Whose a phone's queued activities are: an opaque tag per account (never the email).

Each page tells the phone who is signed in with it (`data-account` on <body>; empty when
nobody is), the phone marks what it queues with it, and the batch endpoint refuses items
marked with another account's tag. It is the same for every session of one account, so an
item queued before signing out is sent when that person signs in again."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from litestar.connection import ASGIConnection
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from server.lib.auth import current_actor
from server.settings import get_settings


def owner_tag(account_id: int) -> str:
    """The account's tag: a keyed hash of its id, so nobody can work out another's."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"phone-owner:{account_id}".encode(), hashlib.sha256).hexdigest()[:32]


def account_attribute(context: Mapping[str, object]) -> Markup:
    """For base.html's <body>: data-account="<tag>", or "" when nobody is signed in. The
    app's shell (a page the service worker keeps, the same for everyone) has none: the
    phone then goes on with the account it saw last."""
    request = context.get("request")  # the request the page is drawn for, if any
    if context.get("shell") or not isinstance(request, ASGIConnection):
        return Markup("")
    actor = current_actor(request)
    tag = owner_tag(actor.account_id) if actor is not None else ""
    return Markup(' data-account="{}"').format(tag)


def register(engine: JinjaTemplateEngine) -> None:
    """TemplateConfig's engine_callback: `account_attribute()` in the templates."""
    engine.register_template_callable("account_attribute", account_attribute)
