"""`make run-scaled`: the scale-out set-up on one machine — 2 Rasa servers and 2 action servers on
PostgreSQL (plans + tracker store) and Redis (lock store), the HTTP API behind a token.

The same code as `make run`; only environment variables differ (see docs/deploy.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from ops.stack import (
    ROOT,
    VAR,
    Stack,
    action_server,
    action_server_secret,
    base_env,
    rasa_auth_token,
    rasa_server,
    stop_on_signals,
)

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin(server_url: str, statement: str, *params: str) -> tuple | None:
    """Run one statement on the server's `postgres` database in autocommit; the first row, if any."""
    import psycopg2

    url = make_url(server_url)
    connection = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username or "postgres",
                                  password=url.password, dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params or None)
            return cursor.fetchone() if cursor.description else None
    finally:
        connection.close()


def ensure_database(server_url: str, name: str) -> str:
    """Create database `name` on the PostgreSQL server if it does not exist; return its URL."""
    if _admin(server_url, "SELECT 1 FROM pg_database WHERE datname = %s", name) is None:
        _admin(server_url, f'CREATE DATABASE "{name}"')
    return str(make_url(server_url).set(database=name))


def drop_database(server_url: str, name: str) -> None:
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_scaled(
    plans_db: str = "b12",
    tracker_db: str = "b12_tracker",
    rasa_ports: tuple[int, ...] = (5005, 5006),
    action_ports: tuple[int, ...] = (5055, 5056),
    lock_store_url: str = "redis://127.0.0.1:6379/0",
    server_url: str = DEFAULT_SERVER,
    auth_token: str | None = None,
    extra_env: dict[str, str] | None = None,
    log_dir: Path | None = None,
) -> Stack:
    """Replica i of Rasa talks to action server i; all share PostgreSQL and the Redis lock store."""
    from ops.training import latest_model

    model = latest_model()
    if model is None:
        raise RuntimeError("no trained model in models/: run `python -m bot train`")
    plans_url = ensure_database(server_url, plans_db)
    tracker_url = ensure_database(server_url, tracker_db)
    auth_token = auth_token or rasa_auth_token()
    log_dir = log_dir or VAR / "logs" / "scaled"
    env = base_env(plans_url, {"TRACKER_STORE_URL": tracker_url, "LOCK_STORE_URL": lock_store_url,
                               "RASA_AUTH_TOKEN": auth_token,
                               "ACTION_SERVER_SECRET": action_server_secret(), **(extra_env or {})})
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    stack = Stack(rasa_url=f"http://127.0.0.1:{rasa_ports[0]}", actions_url=f"http://127.0.0.1:{action_ports[0]}",
                  web_url=None, database_url=plans_url, auth_token=auth_token, env=env,
                  rasa_urls=[f"http://127.0.0.1:{port}" for port in rasa_ports])
    for i, (rasa_port, action_port) in enumerate(zip(rasa_ports, action_ports, strict=True)):
        actions = action_server(action_port, log_dir, name=f"actions-{i}")
        rasa = rasa_server(rasa_port, model, log_dir, name=f"rasa-{i}")
        stack.envs[actions.name] = env
        stack.envs[rasa.name] = {**env, "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}
        stack.servers += [actions, rasa]
    try:
        for server in stack.servers:
            server.start(stack.envs[server.name])
        stack.wait_ready()
    except BaseException:
        stack.stop()
        raise
    return stack


@click.command()
def main() -> None:
    """Start 2 Rasa + 2 action servers on the local PostgreSQL and Redis; Ctrl-C stops them."""
    click.echo("Starting 2 action servers and 2 Rasa servers on PostgreSQL (b12, b12_tracker) and Redis ...")
    try:
        stack = start_scaled()
    except Exception as error:  # a clear one-liner, e.g. PostgreSQL not reachable
        raise click.ClickException(f"{type(error).__name__}: {error}") from None

    stop_on_signals(stack)
    click.echo(f"""
Ready.
  Rasa servers:    {', '.join(stack.rasa_urls)}   (HTTP API token: RASA_AUTH_TOKEN or var/rasa_auth_token)
  Action servers:  http://127.0.0.1:5055, http://127.0.0.1:5056
  Plans + tracker: PostgreSQL databases b12, b12_tracker   Lock store: redis://127.0.0.1:6379/0
  Logs:            var/logs/scaled/
Send a message to either replica, e.g.
  curl -s localhost:5006/webhooks/rest/webhook -d '{{"sender": "s1", "message": "can I switch to tablets?"}}'
Put any load balancer in front (sticky sessions for socket.io). Ctrl-C stops all four.""")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
