"""The staff console's web server.

`python -m console.server --host 127.0.0.1 --port 8081 --rasa-url http://127.0.0.1:5005`

Started by `make run` (ops/stack.py) next to the patient page, as its own server so a clinic can keep it
on the intranet (loopback by default; `--host` or B12_CONSOLE_HOST to listen elsewhere, and then behind
HTTPS with `--secure-cookies`). The plan database is DATABASE_URL, the same the action server uses; Rasa's
HTTP API token is RASA_AUTH_TOKEN (default: the one `make run` keeps in var/). See docs/console.md.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from console import auth, bot_session, flow_runs, pages, try_pages
from console.rendering import STATIC_DIR, errors_and_headers, templates
from console.settings import DEFAULT_FLOWS_DIR, RUNS, SESSIONS, SETTINGS, STORE, TEMPLATES, TRIES, Settings

log = logging.getLogger("console")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
REPORT_DECISIONS = "{decision:confirm|reject}"


def _check_rasa_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the Rasa URL must be http(s)://host[:port], not {url!r}")


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/login", auth.login_form)
    r.add_post("/login", auth.login_submit)
    r.add_post("/logout", auth.logout)
    r.add_get("/", pages.home)
    r.add_get("/patients", pages.patients)
    r.add_get("/patients/{reference}", pages.patient)
    r.add_post(f"/reports/{{report_id:\\d+}}/{REPORT_DECISIONS}", pages.decide_report)
    r.add_get("/import", pages.import_form)
    r.add_post("/import", pages.import_submit)
    r.add_get("/followups", pages.followups)
    r.add_post("/followups/{followup_id:\\d+}/close", pages.close_followup)
    r.add_get("/audit", pages.audit)
    r.add_get("/try", try_pages.try_start_form)
    r.add_post("/try", try_pages.try_start)
    r.add_get("/try/{try_id}", try_pages.try_view)
    r.add_post("/try/{try_id}/say", try_pages.try_say)
    r.add_post("/try/{try_id}/save", try_pages.try_save)
    r.add_get("/flows", try_pages.flows_view)
    r.add_post("/flows/run", try_pages.flows_run)
    r.add_get("/flows/runs/{run_id}", try_pages.flow_run_view)
    r.add_static("/static/", STATIC_DIR, show_index=False, follow_symlinks=False)


def make_app(settings: Settings) -> web.Application:
    """The console for `settings`. The store is opened once and shared (its engine pools connections)."""
    _check_rasa_url(settings.rasa_url)
    # the request body limit covers an uploaded plan file plus the form around it
    app = web.Application(middlewares=[errors_and_headers, auth.require_session],
                          client_max_size=settings.max_upload_bytes + 64 * 1024)
    app[SETTINGS] = settings
    app[STORE] = settings.store()
    app[SESSIONS] = auth.Sessions(settings)
    app[TRIES] = bot_session.Tries()
    app[RUNS] = flow_runs.FlowRuns(settings, app[STORE])
    app[TEMPLATES] = templates()

    async def stop_runs(app: web.Application) -> None:
        app[RUNS].close()

    app.on_cleanup.append(stop_runs)
    add_routes(app)
    return app


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m console.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("B12_CONSOLE_HOST", "127.0.0.1"),
                        help="interface to listen on (env B12_CONSOLE_HOST; default loopback only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("B12_CONSOLE_PORT", "8081")))
    parser.add_argument("--rasa-url", default=os.environ.get("B12_RASA_URL", "http://127.0.0.1:5005"),
                        help="the Rasa server the console talks to (env B12_RASA_URL)")
    parser.add_argument("--flows-dir", type=Path, default=Path(os.environ.get("B12_FLOWS_DIR", DEFAULT_FLOWS_DIR)),
                        help="flow files to run; saved flows go here, their plans in fixtures/ (env B12_FLOWS_DIR)")
    parser.add_argument("--secure-cookies", action="store_true", default=_flag(os.environ.get("B12_CONSOLE_SECURE")),
                        help="behind HTTPS: Secure, __Host- session cookie (env B12_CONSOLE_SECURE=1)")
    parser.add_argument("--idle-minutes", type=float, default=float(os.environ.get("B12_CONSOLE_IDLE_MINUTES", 30)))
    parser.add_argument("--session-hours", type=float, default=float(os.environ.get("B12_CONSOLE_SESSION_HOURS", 8)))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # aiohttp's access log would show query strings (patient searches): keep it to warnings
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    from ops.stack import rasa_auth_token

    settings = Settings(
        rasa_url=args.rasa_url.rstrip("/"), auth_token=rasa_auth_token(), flows_dir=args.flows_dir.resolve(),
        secure_cookies=args.secure_cookies, idle_timeout=args.idle_minutes * 60,
        absolute_timeout=args.session_hours * 3600,
    )
    if args.host not in LOOPBACK and not settings.secure_cookies:
        log.warning("the console listens on %s, beyond this machine: put it behind HTTPS and use --secure-cookies",
                    args.host)
    try:
        app = make_app(settings)
    except ValueError as error:
        raise SystemExit(f"console.server: {error}") from None
    log.info("staff console on http://%s:%d/ (Rasa at %s, flows in %s)", args.host, args.port, settings.rasa_url,
             settings.flows_dir)
    web.run_app(app, host=args.host, port=args.port, print=None, shutdown_timeout=5, access_log=None)


if __name__ == "__main__":
    main()
