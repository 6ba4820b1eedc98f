"""Start and stop the three servers (actions, Rasa, demo page) as one unit.

Used by `make run` (`python -m bot serve`), the test fixtures, the flow runner and the benchmark,
so all of them run the bot exactly the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import click

from bot.paths import ROOT, VAR
from ops.secrets import local_secret, private_files

BIN = Path(sys.executable).parent


def rasa_auth_token() -> str:
    return os.environ.get("RASA_AUTH_TOKEN") or local_secret("rasa_auth_token")


def action_server_secret() -> str:
    return os.environ.get("ACTION_SERVER_SECRET") or local_secret("action_server_secret")


@dataclass
class Server:
    name: str
    cmd: list[str]
    ready_url: str
    log_path: Path
    process: subprocess.Popen | None = None
    cwd: Path = ROOT

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.log_path.chmod(0o600)
        # umask 077 for the child: the databases, logs and secrets it creates are readable by us only
        self.process = subprocess.Popen(
            self.cmd, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            umask=0o077,
        )

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self, timeout: float = 10) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Stack:
    rasa_url: str
    actions_url: str
    web_url: str | None
    database_url: str
    auth_token: str
    env: dict[str, str]
    servers: list[Server] = field(default_factory=list)
    envs: dict[str, dict[str, str]] = field(default_factory=dict)  # per-server environment, if not `env`
    rasa_urls: list[str] = field(default_factory=list)
    console_url: str | None = None

    def server(self, name: str) -> Server:
        return next(s for s in self.servers if s.name == name)

    def restart(self, name: str, env: dict[str, str] | None = None, timeout: float = 120) -> None:
        """Stop one server and start it again (optionally with another environment)."""
        server = self.server(name)
        server.stop()
        server.start(env or self.envs.get(name, self.env))
        deadline = time.monotonic() + timeout
        while not server.is_ready():
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not come back:\n{server.log_tail()}")
            time.sleep(0.3)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.servers)
        while pending:
            for server in list(pending):
                if server.process and server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
                if server.is_ready():
                    pending.remove(server)
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise RuntimeError(f"not ready after {timeout:.0f} s: {names}\n{pending[0].log_tail()}")
            if pending:
                time.sleep(0.5)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def store(self):
        from adapters.sql.db import make_engine
        from adapters.sql.store import PlanStore

        return PlanStore(make_engine(self.database_url))


def action_server(port: int, log_dir: Path, name: str = "actions") -> Server:
    return Server(
        name, [sys.executable, "-m", "actions.server", "--port", str(port)],
        f"http://127.0.0.1:{port}/health", log_dir / f"{name}.log",
    )


def rasa_server(port: int, model: Path, log_dir: Path, name: str = "rasa") -> Server:
    """The Rasa server; its HTTP API token comes from RASA_AUTH_TOKEN in its environment (rasa_ext/serve.py)."""
    return Server(
        name,
        [
            sys.executable, "-m", "rasa_ext.serve", "--model", str(model),
            "--cors", "*", "--port", str(port), "--interface", os.environ.get("B12_HOST", "127.0.0.1"),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        ],
        f"http://127.0.0.1:{port}/", log_dir / f"{name}.log",
    )


def web_server(port: int, rasa_url: str, log_dir: Path) -> Server:
    return Server(
        "web", [sys.executable, "-m", "web.server", "--port", str(port), "--rasa-url", rasa_url],
        f"http://127.0.0.1:{port}/health", log_dir / "web.log",
    )


def console_server(port: int, rasa_url: str, log_dir: Path) -> Server:
    """The staff console (console/server.py): loopback unless B12_CONSOLE_HOST says otherwise."""
    return Server(
        "console", [sys.executable, "-m", "console.server", "--host", os.environ.get("B12_CONSOLE_HOST", "127.0.0.1"),
                    "--port", str(port), "--rasa-url", rasa_url],
        f"http://127.0.0.1:{port}/login", log_dir / "console.log",
    )


def base_env(database_url: str | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    from adapters.sql.db import database_url as default_database_url

    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        DATABASE_URL=database_url or default_database_url(),
        TF_CPP_MIN_LOG_LEVEL="2",
        # one TensorFlow thread per process: the encoder is fastest so on 2 cores, and requests run in parallel
        TF_INTRA_OP_PARALLELISM_THREADS="1",
        TF_INTER_OP_PARALLELISM_THREADS="1",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra or {})
    return env


def start_stack(
    rasa_port: int = 5005,
    actions_port: int = 5055,
    web_port: int | None = 8080,
    database_url: str | None = None,
    env: dict[str, str] | None = None,
    auth_token: str | None = None,
    model: Path | None = None,
    log_dir: Path | None = None,
    wait: bool = True,
    console_port: int | None = None,
) -> Stack:
    from ops.training import latest_model

    model = model or latest_model()
    if model is None:
        raise RuntimeError("no trained model in models/: run `python -m bot train` (make run does it)")
    auth_token = auth_token or rasa_auth_token()
    log_dir = log_dir or VAR / "logs"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    full_env = base_env(database_url, {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
                                       "RASA_AUTH_TOKEN": auth_token,
                                       "ACTION_SERVER_SECRET": action_server_secret(), **(env or {})})
    stack = Stack(
        rasa_url=rasa_url,
        actions_url=f"http://127.0.0.1:{actions_port}",
        web_url=f"http://127.0.0.1:{web_port}" if web_port else None,
        database_url=full_env["DATABASE_URL"],
        auth_token=auth_token,
        env=full_env,
    )
    stack.servers.append(action_server(actions_port, log_dir))
    stack.servers.append(rasa_server(rasa_port, model, log_dir))
    if web_port:
        stack.servers.append(web_server(web_port, rasa_url, log_dir))
    if console_port:
        stack.servers.append(console_server(console_port, rasa_url, log_dir))
        stack.console_url = f"http://127.0.0.1:{console_port}"
    private_files()  # databases and secrets made before this change of policy, too
    try:
        for server in stack.servers:
            server.start(full_env)
        if wait:
            stack.wait_ready()
    except BaseException:
        stack.stop()
        raise
    return stack


def stop_on_signals(stack: Stack) -> None:
    """Ctrl-C or SIGTERM stops every server of `stack` (once), then exits."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if stopping:  # a second Ctrl-C while stopping must not cut the stop short and leave servers running
            return
        stopping = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        click.echo("\nStopping ...")
        stack.stop()
        click.echo("Stopped.")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


@click.command("serve")
@click.option("--rasa-port", default=5005, show_default=True)
@click.option("--actions-port", default=5055, show_default=True)
@click.option("--web-port", default=8080, show_default=True)
@click.option("--console-port", default=8081, show_default=True)
def serve_command(rasa_port: int, actions_port: int, web_port: int, console_port: int) -> None:
    """Start the action server, the Rasa server, the demo clinic page and the staff console; Ctrl-C stops all."""
    started = time.monotonic()
    click.echo("Starting the action server, the Rasa server (loading the model), the demo page and the console ...")
    try:
        stack = start_stack(rasa_port, actions_port, web_port, console_port=console_port)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    stop_on_signals(stack)
    staff_account = demo_staff_account()
    click.echo(f"""
B12 Guide is ready ({time.monotonic() - started:.0f} s).
  Demo clinic page:  {stack.web_url}/            <- open this in a browser
  Rasa server:       {stack.rasa_url}  (REST /webhooks/rest/webhook, socket.io, HTTP API with token in var/)
  Action server:     {stack.actions_url}/health
  Staff console:     {stack.console_url}/            (docs/console.md)
    {staff_account}
  Logs:              var/logs/
Try asking "how long am I on weekly shots?" as demo patient MRN-1001. Ctrl-C stops them all.""")
    while True:
        for server in stack.servers:
            if server.process and server.process.poll() is not None:
                click.echo(f"{server.name} stopped unexpectedly:\n{server.log_tail()}", err=True)
                stack.stop()
                sys.exit(1)
        time.sleep(1)


def demo_staff_account() -> str:
    """In demo mode, the console's `demo` account (made once, password in var/demo_staff_password) as text."""
    from web.server import demo_enabled

    if not demo_enabled(os.environ.get("B12_DEMO")):
        return "Staff console accounts: python -m bot staff add USERNAME --password-stdin"
    from adapters.sql.store import PlanStore
    from bot.errors import StoreError
    from services.staff import ensure_demo_account

    try:
        account = ensure_demo_account(PlanStore.from_env(), VAR / "demo_staff_password")
    except StoreError as error:
        return f"No demo staff account: {error}"
    if account.password is None:
        return f"Demo staff account {account.username!r}: {account.note}."
    return (f"Demo staff account for the console: username {account.username}, password {account.password}"
            " (kept in var/demo_staff_password)")
