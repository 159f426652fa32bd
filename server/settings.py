"""One settings object, read from the environment once.

Every field is documented in README.md; tests/test_docs.py fails when one is missing there.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NoReturn, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """An environment variable has a value we cannot use."""


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _networks(name: str) -> tuple[Network, ...]:
    """Addresses and networks separated by commas (an address is a network of one)."""
    found = []
    for item in filter(None, (part.strip() for part in os.environ.get(name, "").split(","))):
        try:
            found.append(ipaddress.ip_network(item))
        except ValueError:
            _refuse_network(name, item)
    return tuple(found)


def _refuse_network(name: str, item: str) -> NoReturn:
    """Say what is wrong with an item of _networks that is not an address or a network."""
    try:
        meant = ipaddress.ip_network(item, strict=False)
    except ValueError:
        raise SettingsError(
            f"{name} must be addresses or networks separated by commas, like "
            f"10.0.0.5 or 10.0.0.0/24, and {item[:60]!r} is not one"
        ) from None
    raise SettingsError(f"{name}: a network is written from its first address: {meant}, not {item}")


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment; for a single machine, one kept in the data folder."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long")
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _time_zone() -> str:
    name = os.environ.get("TIME_ZONE", "").strip() or "Europe/London"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"TIME_ZONE must be a time zone like Europe/London, not {name!r}"
        ) from None
    return name


class _Smtp(TypedDict):
    """The Settings fields for sending email."""

    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_from: str
    smtp_tls: str


def _smtp() -> _Smtp:
    tls = os.environ.get("SMTP_TLS", "").strip().lower() or "starttls"
    if tls not in {"starttls", "ssl", "none"}:
        raise SettingsError(f"SMTP_TLS must be starttls, ssl or none, not {tls!r}")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[tls]
    return {
        "smtp_host": os.environ.get("SMTP_HOST", "").strip(),
        "smtp_port": _int("SMTP_PORT", default_port, 1, 65535),
        "smtp_user": os.environ.get("SMTP_USER", "").strip(),
        "smtp_password": os.environ.get("SMTP_PASSWORD", ""),
        "smtp_from": os.environ.get("SMTP_FROM", "").strip()
        or "Health Movement <no-reply@localhost>",
        "smtp_tls": tls,
    }


SERVERS = ("granian", "uvicorn")  # what `movement serve` can run; the first is the default


def _server() -> str:
    name = os.environ.get("SERVER", "").strip().lower() or SERVERS[0]
    if name not in SERVERS:
        raise SettingsError(f"SERVER must be granian or uvicorn, not {name[:40]!r}")
    return name


def _line(name: str, default: str) -> str:
    """Short text on one line (who runs the service, where to get help)."""
    value = " ".join(os.environ.get(name, "").split()) or default
    if len(value) > 200:
        raise SettingsError(f"{name} must be at most 200 characters long")
    return value


# Wellbeing (issue 16) -------------------------------------------------------------------
WELLBEING_MOST_POINTS = 6  # follow-ups at most: each is a question set on a phone
WELLBEING_LATEST = 120  # months after joining (ten years)


class _Wellbeing(TypedDict):
    """The Settings fields for when the wellbeing questions are asked."""

    wellbeing_follow_up_months: tuple[int, ...]
    wellbeing_open_weeks: int


def _follow_ups(name: str, default: str) -> tuple[int, ...]:
    """Whole numbers of months separated by commas, each later than the one before."""
    raw = os.environ.get(name, "").strip() or default
    example = f"like {default}"
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isdigit() for part in parts):
        raise SettingsError(
            f"{name} must be whole numbers of months separated by commas, {example}, "
            f"not {raw[:60]!r}"
        )
    months = tuple(int(part) for part in parts)
    if len(months) > WELLBEING_MOST_POINTS:
        raise SettingsError(f"{name} may list at most {WELLBEING_MOST_POINTS} follow-ups")
    if not all(1 <= m <= WELLBEING_LATEST for m in months):
        raise SettingsError(
            f"{name}: each follow-up must be from 1 to {WELLBEING_LATEST} months after "
            f"joining (0 is the question set on joining, always asked), not {raw[:60]!r}"
        )
    if list(months) != sorted(set(months)):
        raise SettingsError(
            f"{name} must list each follow-up once, the earliest first, {example}, not {raw[:60]!r}"
        )
    return months


def _wellbeing() -> _Wellbeing:
    months = _follow_ups("WELLBEING_FOLLOW_UP_MONTHS", "3,12")
    weeks = _int("WELLBEING_OPEN_WEEKS", 6, 1, 52)
    # Each point must close before the next opens: a month is at least 4 weeks.
    gap = min(b - a for a, b in zip((0, *months), months, strict=False))
    if weeks > 4 * gap:
        raise SettingsError(
            f"WELLBEING_OPEN_WEEKS must be at most {4 * gap} weeks, so that the questions "
            f"close before the next ones are due ({gap} months apart in "
            f"WELLBEING_FOLLOW_UP_MONTHS), not {weeks}"
        )
    return {"wellbeing_follow_up_months": months, "wellbeing_open_weeks": weeks}


@dataclass(frozen=True)
class Settings:
    database_url: str = field(metadata={"env": "DATABASE_URL"})
    """Where the data lives: sqlite:///path/to/file.sqlite or postgresql://user@host/db."""
    secret_key: str = field(repr=False, metadata={"env": "SECRET_KEY"})
    """Signs cookies. Set it on every worker and machine; at least 32 characters."""
    base_url: str = field(metadata={"env": "BASE_URL"})
    """The address people use to reach the app, used in links in emails (https: HSTS too)."""
    host: str = field(metadata={"env": "HOST"})
    """The address the server listens on."""
    port: int = field(metadata={"env": "PORT"})
    """The port the server listens on."""
    trusted_proxies: tuple[Network, ...] = field(metadata={"env": "TRUSTED_PROXIES"})
    """Reverse proxies whose X-Forwarded-For and Forwarded headers are believed (none)."""
    workers: int = field(metadata={"env": "WORKERS"})
    """How many server processes to run."""
    server: str = field(metadata={"env": "SERVER"})
    """The HTTP server `movement serve` runs: granian (the default) or uvicorn."""
    debug: bool = field(metadata={"env": "DEBUG"})
    """Development mode: detailed errors. Never turn it on in production."""
    totals_cache_seconds: int = field(metadata={"env": "TOTALS_CACHE_SECONDS"})
    """How long each worker reuses computed totals before working them out again (0: never)."""
    small_number: int = field(metadata={"env": "SMALL_NUMBER"})
    """Public breakdowns by area show counts below this as "fewer than" it (default 5)."""
    data_dir: Path = field(metadata={"env": "DATA_DIR"})
    """The folder for the SQLite file and the generated secret key."""
    time_zone: str = field(metadata={"env": "TIME_ZONE"})
    """The council's time zone: what "today" means when checking dates."""
    smtp_host: str = field(metadata={"env": "SMTP_HOST"})
    """The SMTP server for email; empty: emails go to the development outbox."""
    smtp_port: int = field(metadata={"env": "SMTP_PORT"})
    """The SMTP server's port."""
    smtp_user: str = field(metadata={"env": "SMTP_USER"})
    """The SMTP user name, if the server wants one."""
    smtp_password: str = field(repr=False, metadata={"env": "SMTP_PASSWORD"})
    """The SMTP password, if the server wants one."""
    smtp_from: str = field(metadata={"env": "SMTP_FROM"})
    """The address emails come from."""
    smtp_tls: str = field(metadata={"env": "SMTP_TLS"})
    """How to talk to the SMTP server: starttls, ssl or none."""
    service_owner: str = field(metadata={"env": "SERVICE_OWNER"})
    """Who runs the service, as every page's footer, the sign-in page and emails say it."""
    help_contact: str = field(metadata={"env": "HELP_CONTACT"})
    """Where people get help: an email address (shown as a link) or a phone number."""
    # Joining (issue 15)
    parent_consent_under: int = field(metadata={"env": "PARENT_CONSENT_UNDER"})
    """Someone joining who may be younger than this gives a parent's or carer's consent."""
    # Wellbeing (issue 16)
    wellbeing_follow_up_months: tuple[int, ...] = field(
        metadata={"env": "WELLBEING_FOLLOW_UP_MONTHS"}
    )
    """Months after joining a programme at which the wellbeing questions are asked again."""
    wellbeing_open_weeks: int = field(metadata={"env": "WELLBEING_OPEN_WEEKS"})
    """Weeks the wellbeing questions stay open to answer, from joining or a follow-up's date."""

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by DATABASE_URL (sqlite:///relative or sqlite:////absolute)."""
        return Path(self.database_url.removeprefix("sqlite:///"))


def today() -> date:
    """Today's date where the council is (the server may run on UTC)."""
    return datetime.now(ZoneInfo(get_settings().time_zone)).date()


def local_time(moment: datetime) -> datetime:
    """A moment as the council's clock shows it."""
    return moment.astimezone(ZoneInfo(get_settings().time_zone))


def env_names() -> list[str]:
    """Every environment variable the settings read, for the docs test."""
    return [f.metadata["env"] for f in fields(Settings)]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once; tests call get_settings.cache_clear() after changing it."""
    data_dir = Path(os.environ.get("DATA_DIR", "").strip() or PROJECT_ROOT / "data")
    database_url = os.environ.get("DATABASE_URL", "").strip() or (
        f"sqlite:///{data_dir / 'movement.sqlite'}"
    )
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgresql:// "
            f"(got {database_url.split(':', 1)[0]!r})"
        )
    port = _int("PORT", 8000, 1, 65535)
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(data_dir),
        base_url=os.environ.get("BASE_URL", "").strip().rstrip("/") or f"http://127.0.0.1:{port}",
        host=os.environ.get("HOST", "").strip() or "127.0.0.1",
        port=port,
        trusted_proxies=_networks("TRUSTED_PROXIES"),
        workers=_int("WORKERS", 1, 1, 64),
        server=_server(),
        debug=_bool("DEBUG", False),
        totals_cache_seconds=_int("TOTALS_CACHE_SECONDS", 10, 0, 3600),
        small_number=_int("SMALL_NUMBER", 5, 1, 1000),
        data_dir=data_dir,
        time_zone=_time_zone(),
        **_smtp(),
        service_owner=_line("SERVICE_OWNER", "your local council"),
        help_contact=_line("HELP_CONTACT", ""),
        # Joining (issue 15)
        parent_consent_under=_int("PARENT_CONSENT_UNDER", 16, 0, 25),
        # Wellbeing (issue 16)
        **_wellbeing(),
    )
