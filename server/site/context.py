"""Who runs the service and where to get help, for every page (the footer) and email."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.plugins.jinja import JinjaTemplateEngine

from server.settings import get_settings


@dataclass(frozen=True)
class Service:
    owner: str  # SERVICE_OWNER
    help: str  # HELP_CONTACT: an email address, a phone number, or "" (ask a coordinator)

    @property
    def help_email(self) -> str | None:
        """The help contact when it is an email address (shown as a mailto: link)."""
        return self.help if "@" in self.help and " " not in self.help else None

    @property
    def help_text(self) -> str:
        """Where to get help, in a sentence's words (for emails)."""
        return f"contact {self.help}" if self.help else "ask your coordinator"


def service() -> Service:
    settings = get_settings()
    return Service(settings.service_owner, settings.help_contact)


def email_footer() -> str:
    """The last lines of every email: who sent it and where to get help."""
    about = service()
    return f"\n--\nThe Health Movement app is run by {about.owner}. For help, {about.help_text}.\n"


def greeting(name: str | None) -> str:
    """An email's first line: "Hello Asha," for an account with a name, else "Hello,"."""
    first = (name or "").split()
    return f"Hello {first[0]}," if first else "Hello,"


def register(engine: JinjaTemplateEngine) -> None:
    """`service()` in the templates (the footer, the sign-in page)."""
    engine.register_template_callable("service", lambda _context: service())
