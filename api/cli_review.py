"""Review on the command line: `handoff users add|list|token|seed-demo` and `handoff export-corrections`.

The commands register on the `handoff` app of api/cli.py, which imports this module on its last line.
Passwords and tokens are printed once and stored only as hashes. The CLI acts as the operator of the
machine (audit actor "cli"); `seed-demo` is run by `make run` only.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from api.cli_common import err, fail, out, user_errors
from models.db import DatabaseSettings, make_engine, session_factory, upgrade_database
from models.orm import Role
from review.auth import create_token, list_tokens
from review.corrections import export_corrections
from review.users import create_user, list_users, seed_demo_users

app = typer.Typer()

CLI_ACTOR: Final = "cli"
users_app = typer.Typer(no_args_is_help=True, help="People who sign in, and their API tokens.")
app.add_typer(users_app, name="users")


@contextmanager
def database() -> Iterator[Session]:
    url = DatabaseSettings().database_url
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@users_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="lower-case letters, digits and ._-")],
    roles: Annotated[list[Role], typer.Option("--role", help="repeat for several roles")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from the first line of stdin")
    ] = False,
    display_name: Annotated[str | None, typer.Option("--name", help="display name")] = None,
) -> None:
    """Add a user. Without --password-stdin a strong password is generated and printed once."""
    password = _read_password() if password_stdin else None
    with user_errors(), database() as session:
        created = create_user(
            session,
            CLI_ACTOR,
            username,
            [r.value for r in roles],
            password=password,
            display_name=display_name,
        )
    out.print(f"added {created.user.username} ({', '.join(created.user.roles)})", highlight=False)
    if created.password:
        out.print(f"password (shown once): {created.password}", highlight=False, markup=False)


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise fail("no password on stdin")
    return line


@users_app.command("list")
def list_command() -> None:
    """Every user with their roles."""
    with user_errors(), database() as session:
        users = list_users(session)
    table = Table("username", "name", "roles", "active")
    for user in users:
        table.add_row(user.username, user.display_name, ", ".join(user.roles), "yes" if user.active else "no")
    out.print(table)


@users_app.command("token")
def token_command(
    username: Annotated[str, typer.Argument(help="whose token")],
    name: Annotated[str, typer.Option("--name", help="what the token is for, e.g. ci, laptop")],
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=3650, help="lifetime (default HANDOFF_TOKEN_DAYS, 90)")
    ] = None,
) -> None:
    """Create an API token for the user and print it once (send it as Authorization: Bearer …)."""
    with user_errors(), database() as session:
        made = create_token(session, CLI_ACTOR, username, name, days=days)
    print(made.token)
    err.print(f"expires {made.view.expires_at:%Y-%m-%d %H:%M} UTC", highlight=False)


@users_app.command("tokens")
def tokens_command(username: Annotated[str, typer.Argument(help="whose tokens")]) -> None:
    """List a user's API tokens: created, expires, last used, revoked (never the tokens themselves)."""
    with user_errors(), database() as session:
        views = list_tokens(session, username)
    table = Table(title=f"API tokens of {username}")
    for column in ("id", "name", "created", "expires", "last used", "revoked"):
        table.add_column(column)
    for view in views:
        table.add_row(
            view.id,
            view.name,
            f"{view.created_at:%Y-%m-%d}",
            f"{view.expires_at:%Y-%m-%d}",
            f"{view.last_used_at:%Y-%m-%d %H:%M}" if view.last_used_at else "never",
            f"{view.revoked_at:%Y-%m-%d}" if view.revoked_at else "",
        )
    out.print(table)


@users_app.command("seed-demo")
def seed_demo_command() -> None:
    """One demo user per role with random passwords printed once; existing users are left alone."""
    with user_errors(), database() as session:
        seeded = seed_demo_users(session, CLI_ACTOR)
    for created in seeded:
        role = ", ".join(created.user.roles)
        if created.password:
            out.print(f"{created.user.username:<18} {role:<10} password: {created.password}", markup=False)
        else:
            out.print(
                f"{created.user.username:<18} {role:<10} exists already (password unchanged)", markup=False
            )


@app.command("export-corrections")
def export_corrections_command(
    out_file: Annotated[Path, typer.Option("--out", help="JSON Lines file to write ('-' for stdout)")],
) -> None:
    """Write every reviewer correction as a labelled example (field, extracted, corrected, evidence…)."""
    with user_errors(), database() as session:
        if str(out_file) == "-":
            count = export_corrections(session, sys.stdout)
        else:
            with out_file.open("w", encoding="utf-8") as handle:
                count = export_corrections(session, handle)
    if str(out_file) != "-":
        out.print(f"{count} corrections written to {out_file}", highlight=False)
