"""The `movement` command: migrate, serve, create-user, token, demo, rebuild-totals, backup,
restore."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from server.settings import SettingsError, get_settings


def _run(work: Callable[[], Awaitable[int]]) -> int:
    """Run one async command with the database started and stopped around it."""
    from server import db

    async def wrapped() -> int:
        await db.start()
        try:
            return await work()
        finally:
            await db.stop()

    return asyncio.run(wrapped())


def migrate(_: argparse.Namespace) -> int:
    """Bring the database up to date (safe to run again)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    settings = get_settings()
    where = "PostgreSQL" if settings.is_postgres else f"SQLite at {settings.sqlite_path}"
    print(f"Migrating {where} ...", flush=True)
    result = asyncio.run(run_forwards(app_name="all", migration_id="all", fake=False))
    if not result.success:
        print(f"Migration failed: {result.message}", file=sys.stderr)
        return 1
    print("The database is up to date.")
    return 0


def serve(_: argparse.Namespace) -> int:
    """Serve the app on HOST:PORT with WORKERS processes, under SERVER (granian or uvicorn)."""
    from server import serving

    settings = get_settings()
    print(
        f"Serving on http://{settings.host}:{settings.port} with {settings.workers} "
        f"worker(s) under {settings.server}",
        flush=True,
    )
    serving.serve(settings)
    return 0


def _account_command(call: Callable[[], Awaitable[str]]) -> int:
    """Run an account service; print what it says, or what is wrong with the input (exit 2)."""
    from server.lib.validation import Invalid

    async def work() -> int:
        try:
            print(await call())
        except Invalid as exc:
            for message in exc.errors.values():
                print(message, file=sys.stderr)
            return 2
        return 0

    return _run(work)


def create_user(args: argparse.Namespace) -> int:
    from server.accounts.services import create_account

    async def call() -> str:
        account = await create_account(args.email, args.role, name=args.name, person_id=args.person)
        return f"Made a {account['role']} account for {account['email']}."

    return _account_command(call)


def token(args: argparse.Namespace) -> int:
    from server.accounts.services import issue_token

    async def call() -> str:
        value = await issue_token(args.email, name=args.name)
        # Only the token goes to standard output, so that scripts can capture it.
        print("Here is the new API token. It is shown only this once:", file=sys.stderr)
        return value

    return _account_command(call)


def revoke_tokens(args: argparse.Namespace) -> int:
    from server.accounts import services

    async def call() -> str:
        count = await services.revoke_tokens(await services.account_id(args.email))
        return f"Revoked {count} token(s) of {args.email}."

    return _account_command(call)


def disable_user(args: argparse.Namespace) -> int:
    from server.accounts.services import disable_account

    async def call() -> str:
        count = await disable_account(args.email)
        return f"{args.email} can no longer sign in; {count} token(s) revoked."

    return _account_command(call)


def demo(args: argparse.Namespace) -> int:
    from server.demo import DemoRefused, load_demo
    from server.demo.data import MAX_SCALE
    from server.demo.progress import printer

    if not 0 < args.scale <= MAX_SCALE:
        print(
            f"--scale must be more than 0 and at most {MAX_SCALE:g}, like 1 or 20.", file=sys.stderr
        )
        return 2

    async def work() -> int:
        try:
            counts: dict[str, int] = await load_demo(scale=args.scale, progress=printer())
        except DemoRefused as exc:
            print(exc, file=sys.stderr)
            return 1
        print("Loaded the demo data:")
        for name, value in counts.items():
            print(f"  {name.replace('_', ' ')}: {value:,}")
        return 0

    return _run(work)


def rebuild_totals(_: argparse.Namespace) -> int:
    from server.db import write_transaction
    from server.totals import rollup

    async def work() -> int:
        async with write_transaction():
            await rollup.rebuild()  # the people rollups too
        print("The totals were worked out again from the activities, roles and people.")
        return 0

    return _run(work)


def cleanup(_: argparse.Namespace) -> int:
    """Apply the privacy retention rules now (the app also does it by itself, hourly)."""
    from server.privacy.retention import run_cleanup

    async def work() -> int:
        done = await run_cleanup()
        print("Deleted what is kept no longer than the retention rules allow:")
        for name, count in done.items():
            print(f"  {name}: {count:,}")
        return 0

    return _run(work)


def reminders(_: argparse.Namespace) -> int:
    """Email tomorrow's session reminders now (the app also does it by itself, daily)."""
    from server.events.reminders import send_reminders

    async def work() -> int:
        print(f"Reminders sent: {await send_reminders():,}")
        return 0

    return _run(work)


def backup(args: argparse.Namespace) -> int:
    """SQLite: a consistent copy, made while the app serves. PostgreSQL: the pg_dump command."""
    from server import backup as backups

    settings = get_settings()
    if settings.is_postgres:
        dump, restore = backups.postgres_commands(settings.database_url, args.path)
        print("Movement does not back up PostgreSQL itself, so no backup was made. Use pg_dump:")
        print(f"\n  {dump}\n")
        _password_note(settings.database_url)
        print(f"To restore it into a new, empty database:\n\n  {restore}")
        return 0

    def work() -> None:
        size = backups.backup_sqlite(settings.sqlite_path, args.path)
        print(f"Backed up {settings.sqlite_path} to {args.path} ({size:,} bytes).")

    return _sqlite_step(work)


def restore(args: argparse.Namespace) -> int:
    """SQLite: put a backup in place of the database. PostgreSQL: the pg_restore command."""
    from server import backup as backups

    settings = get_settings()
    if settings.is_postgres:
        _, command = backups.postgres_commands(settings.database_url, args.path)
        print(
            "Movement does not restore PostgreSQL itself, so nothing was changed. Make a new, "
            "empty database, point DATABASE_URL at it, and use pg_restore:"
        )
        print(f"\n  {command}\n")
        _password_note(settings.database_url)
        print(
            "If the database already has Movement's tables in it, pg_restore stops and "
            "changes nothing. Then run movement migrate, in case the backup is from an older "
            "version."
        )
        return 0

    def work() -> None:
        backups.restore_sqlite(args.path, settings.sqlite_path, args.force)
        print(
            f"Restored {args.path} into {settings.sqlite_path}. Run movement migrate, in case "
            "the backup is from an older version, and start the app again."
        )

    return _sqlite_step(work)


def _sqlite_step(work: Callable[[], None]) -> int:
    """Run a backup or restore step; a refusal or a SQLite error is said plainly (exit 1)."""
    from server.backup import Refused

    try:
        work()
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    except (sqlite3.Error, OSError) as exc:
        print(f"That did not work, and nothing was replaced: {exc}", file=sys.stderr)
        return 1
    return 0


def _password_note(database_url: str) -> None:
    from server.backup import has_password

    if has_password(database_url):
        print(
            "The password in DATABASE_URL is left out here: the command asks for it, or "
            "reads it from PGPASSWORD or ~/.pgpass.\n"
        )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="movement", description="The Health Movement tracker.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("migrate", help="bring the database up to date").set_defaults(func=migrate)
    sub.add_parser("serve", help="serve the app on HOST:PORT").set_defaults(func=serve)
    user = sub.add_parser("create-user", help="make an account (and its person)")
    user.add_argument("email")
    user.add_argument("--role", required=True, choices=["champion", "coordinator", "admin"])
    user.add_argument("--name", default=None, help="the person's name, if new")
    user.add_argument(
        "--person",
        type=int,
        default=None,
        help="the id of the person the account is for (to link a record whose email is not "
        "confirmed, once you have checked it is theirs)",
    )
    user.set_defaults(func=create_user)
    tok = sub.add_parser("token", help="print a new API token for an account")
    tok.add_argument("email")
    tok.add_argument("--name", default="command line", help="a label for the token")
    tok.set_defaults(func=token)
    rev = sub.add_parser("revoke-tokens", help="revoke every API token of an account")
    rev.add_argument("email")
    rev.set_defaults(func=revoke_tokens)
    dis = sub.add_parser("disable-user", help="stop an account signing in")
    dis.add_argument("email")
    dis.set_defaults(func=disable_user)
    dem = sub.add_parser("demo", help="load the demo data into an empty database")
    dem.add_argument("--scale", type=float, default=1.0, help="multiply the data (default 1)")
    dem.set_defaults(func=demo)
    sub.add_parser(
        "rebuild-totals", help="work the totals out again from the activities, roles and people"
    ).set_defaults(func=rebuild_totals)
    sub.add_parser(
        "cleanup", help="delete personal data kept longer than the retention rules allow"
    ).set_defaults(func=cleanup)
    sub.add_parser(
        "reminders", help="email tomorrow's session reminders now (the app does it daily)"
    ).set_defaults(func=reminders)
    back = sub.add_parser("backup", help="back the database up to a file (safe while serving)")
    back.add_argument("path", type=Path, help="the file to write, like movement-backup.sqlite")
    back.set_defaults(func=backup)
    res = sub.add_parser("restore", help="put a backup in place of the database")
    res.add_argument("path", type=Path, help="the backup file")
    res.add_argument(
        "--force", action="store_true", help="replace a database that already has data"
    )
    res.set_defaults(func=restore)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        get_settings()
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
