"""`python -m bot …`: the staff command line. A thin adapter; every command lives with its module.

Sub-commands are imported lazily, so `--help` is quick and one command's heavy imports
(Rasa, TensorFlow) never slow down another.
"""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "db": ("staff.cli.plans", "db_group", "Database schema (migrations)."),
    "plans": ("staff.cli.plans", "plans_group", "Import, show and export patients' documented plans."),
    "followups": ("staff.cli.plans", "followups_group", "Questions passed to the care team."),
    "demo": ("staff.cli.plans", "demo_group", "Demo patients for the local demo."),
    "facts": ("staff.cli.facts", "facts_command", "List the regimen facts and their sources."),
    "token": ("staff.cli.main", "token_command", "Print a signed patient token (for testing the widget/REST)."),
    "train": ("staff.cli.main", "train_command", "Train the Rasa model if its inputs changed."),
    "serve": ("ops.stack", "serve_command", "Start the action server, Rasa server and demo page."),
    "flows": ("staff.flows.cli", "flows_group", "Run staff dialog-flow tests against the bot."),
    "staff": ("staff.cli.staff", "staff_group", "Staff accounts for the console."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command = getattr(importlib.import_module(module), attr)
        command.name = name
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
def cli() -> None:
    """B12 Guide staff tools: plans, tokens, facts, conversation tests."""


@click.command("token")
@click.argument("reference")
@click.option("--minutes", default=60, show_default=True, help="How long the token is valid.")
def token_command(reference: str, minutes: int) -> None:
    """Print a signed token for patient REFERENCE (send it as metadata.patient_token)."""
    from adapters.sql.store import PlanStore
    from bot.identity import issue_token

    if PlanStore.from_env().patient(reference) is None:
        raise click.ClickException(f"no patient with reference {reference!r} (import a plan first)")
    click.echo(issue_token(reference, minutes=minutes))


@click.command("train")
@click.option("--force", is_flag=True, help="Train even if the inputs are unchanged.")
def train_command(force: bool) -> None:
    """Train the Rasa model when config, domain, data or the spaCy pipeline changed."""
    from ops.training import train

    train(force=force)


def main() -> None:
    cli(prog_name="python -m bot")
