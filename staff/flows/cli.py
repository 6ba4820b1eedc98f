"""`python -m bot flows run|check`: the staff command for dialog-flow tests (wired into bot/cli.py)."""

from __future__ import annotations

import secrets
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import click

from bot.paths import ROOT as REPO
from staff.flows import runner
from staff.flows.coverage import coverage_of, format_coverage
from staff.flows.model import FlowFileError, load_flows
from staff.flows.report import format_report, write_junit


def open_store(database_url: str | None) -> runner.FlowStore:
    """The plan store of the database the bot's action server reads (the bot's default when None)."""
    from adapters.sql.db import make_engine
    from adapters.sql.store import PlanStore

    return PlanStore(make_engine(database_url))


def _load(paths: tuple[Path, ...], today: date) -> list:
    try:
        return load_flows(paths, today)
    except FlowFileError as exc:
        click.echo(f"The flow files have {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


@click.group("flows")
def flows_group() -> None:
    """Dialog-flow tests: play conversations against the bot with imported plans and check the replies."""


@flows_group.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate flow files (and their plan fixtures) without running anything."""
    flows = _load(paths, date.today())
    files = {f.source for f in flows}
    click.echo(f"{len(flows)} flows in {len(files)} file(s): OK")


@flows_group.command("run")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--url", help="Rasa server of a running bot, e.g. http://localhost:5005. "
              "Without it, a throwaway bot is started on free ports with its own SQLite database.")
@click.option("--database-url", envvar="DATABASE_URL",
              help="With --url: the database the bot's action server uses [env DATABASE_URL; default: the "
              "bot's own default]. Test patients get references like FLOW-100138150927.")
@click.option("--auth-token", envvar="RASA_AUTH_TOKEN",
              help="Token of Rasa's HTTP API, needed to read the tracker [env RASA_AUTH_TOKEN].")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a JUnit XML report to this file.")
@click.option("--coverage/--no-coverage", "show_coverage", default=True, show_default=True,
              help="Print which intents, actions, responses and rules were exercised.")
@click.option("--domain", "domain_path", type=click.Path(path_type=Path), default=REPO / "domain.yml",
              show_default=True)
@click.option("--rules", "rules_path", type=click.Path(path_type=Path), default=REPO / "data" / "rules.yml",
              show_default=True)
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Flows played at the same time.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for one reply.")
@click.option("-v", "--verbose", is_flag=True, help="Show every difference, not only the first per flow.")
def run_command(
    paths: tuple[Path, ...],
    url: str | None,
    database_url: str | None,
    auth_token: str | None,
    junit_path: Path | None,
    show_coverage: bool,
    domain_path: Path,
    rules_path: Path,
    workers: int,
    timeout: float,
    verbose: bool,
) -> None:
    """Run the flows in PATHS (files or directories) and report; exit 1 if any flow fails."""
    today = date.today()
    flows = _load(paths, today)
    issue_token = runner.default_token_issuer
    with ExitStack() as stack:
        try:
            if url is None:
                auth_token = auth_token or secrets.token_urlsafe(24)
                click.echo("Starting a throwaway bot (Rasa server + action server) with its own database ...")
                local = stack.enter_context(runner.local_stack(auth_token))
                url, database_url, issue_token = local.rasa_url, local.database_url, local.issue_token
            elif not auth_token:  # the bot `make run` started keeps its token in var/
                from ops.stack import rasa_auth_token

                auth_token = rasa_auth_token()
            client = runner.RasaClient(url, auth_token=auth_token, timeout=timeout)
            client.wait_ready(timeout=10)
        except (runner.RasaError, RuntimeError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Running {len(flows)} flows against {url}")
        store = open_store(database_url)
        results = runner.run_flows(flows, client, store, today, issue_token=issue_token, workers=workers)
    click.echo(format_report(results, verbose=verbose))
    if junit_path:
        write_junit(results, junit_path)
        click.echo(f"JUnit report: {junit_path}")
    if show_coverage:
        click.echo("")
        click.echo(format_coverage(coverage_of([r.events for r in results], domain_path, rules_path)))
    if not all(r.passed for r in results):
        sys.exit(1)

