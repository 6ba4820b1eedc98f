"""`python -m bot staff add|list|disable|enable|password`: the staff console's accounts.

A thin adapter over services/staff.py. Passwords are read from standard input only (`--password-stdin`),
never from the command line, where they would end up in the shell history and the process list.
"""

from __future__ import annotations

import sys

import click

from adapters.sql.store import PlanStore
from services import staff as staff_service
from staff.cli.common import fmt, friendly_errors, table

ACTOR = "cli"


def _read_password(password_stdin: bool, confirm: bool = True) -> str:
    if password_stdin:
        lines = sys.stdin.read().splitlines()
        password = lines[0] if lines else ""
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    else:
        raise click.UsageError("give --password-stdin to read the password from standard input")
    if not password:
        raise click.ClickException("no password given")
    return password


@click.group("staff")
def staff_group() -> None:
    """Staff accounts for the console (argon2-hashed passwords, lockout after 5 failed sign-ins)."""


@staff_group.command("add", short_help="Create a staff account.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@friendly_errors
def staff_add(username: str, password_stdin: bool) -> None:
    """Create the account USERNAME (lower-case letters, digits, . _ -); the password needs at least
    12 characters. Example: `printf '%s\\n' "$PASSWORD" | python -m bot staff add alice --password-stdin`."""
    password = _read_password(password_stdin)
    user = staff_service.create_user(PlanStore.from_env(), username, password, actor=ACTOR)
    click.echo(f"Staff user {user.username} created.")


@staff_group.command("list", short_help="List the staff accounts.")
@friendly_errors
def staff_list() -> None:
    """Every account with its state and last sign-in (no hashes)."""
    users = staff_service.list_users(PlanStore.from_env())
    if not users:
        click.echo("No staff accounts (add one with `python -m bot staff add USERNAME --password-stdin`).")
        return
    rows = [["username", "state", "failed sign-ins", "last sign-in"]]
    for user in users:
        if user.disabled:
            state = "disabled"
        elif staff_service.is_locked(user):
            state = f"locked until {fmt(user.locked_until)}"
        else:
            state = "active"
        rows.append([user.username, state, str(user.failed_logins), fmt(user.last_login_at)])
    click.echo(table(rows))


def _switch(name: str, disabled: bool, short_help: str, doc: str) -> None:
    """`staff disable` and `staff enable`: one command each, the same but for the switch."""

    @staff_group.command(name, short_help=short_help, help=doc)
    @click.argument("username")
    @friendly_errors
    def switch(username: str) -> None:
        user = staff_service.set_disabled(PlanStore.from_env(), username, disabled, actor=ACTOR)
        click.echo(f"Staff user {user.username} {name}d.")


_switch("disable", True, "Disable a staff account.",
        "Disable USERNAME: it can no longer sign in, and its open console sessions end.")
_switch("enable", False, "Enable a disabled staff account again.", "Enable USERNAME again (and clear any lockout).")


@staff_group.command("password", short_help="Set a new password for a staff account.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@friendly_errors
def staff_password(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME; this also lifts a lockout."""
    password = _read_password(password_stdin)
    user = staff_service.set_password(PlanStore.from_env(), username, password, actor=ACTOR)
    click.echo(f"Password of {user.username} changed.")
