"""The demo clinic page: one accessible HTML page with the rasa-webchat widget, served without any CDN.

`python -m web.server --host 127.0.0.1 --port 8080 --rasa-url http://localhost:5005`

What it serves (all from this machine):
- `/` the page, `/static/*` its CSS and JS glue, `/config.json` where the widget finds the Rasa server.
- `/vendor/rasa-webchat.js` the widget bundle read once from `web/node_modules` (installed by
  `npm ci --prefix web`, nothing is built or copied). Its embedded CSS `@import`s a web font from a
  font CDN; that import is removed here, so the page never reaches outside the clinic's own servers.
- Demo mode (on unless `B12_DEMO=0`, and only while the page listens on loopback): `/demo/patients` and
  `/demo/token?ref=…` let a visitor act as one of the demo file's patients, never anyone else (every other
  reference gets the same 404, whether it exists or not). In production the clinic's portal issues the token
  instead (see docs/widget.md); with demo mode off both routes are 404.
- `/calendar/<link>.ics`: a patient's calendar subscription (services/calendar.py): 404 for anything but a
  live link, 429 when a link is fetched too often.
- `/health` -> "ok" (used by `ops.stack` to know the server is up).

The server is a thin adapter over bot.identity (tokens) and services (demo patients, the calendar feed).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.paths import DEMO_PLANS
from services import plans as plan_service

log = logging.getLogger("bot.web")

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
NODE_MODULES = WEB_DIR / "node_modules"
WEBCHAT_BUNDLE = NODE_MODULES / "rasa-webchat" / "lib" / "index.js"
DEMO_DIR = DEMO_PLANS
DEMO_TOKEN_MINUTES = 30
SOCKET_PATH = "/socket.io/"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

# An `@import url(...)` of anything not on this server: the widget's CSS pulls its font this way.
_REMOTE_IMPORT = re.compile(r"@import\s+url\(\s*['\"]?(?:https?:)?//[^)]*\)\s*;?")
# A clinic reference as the plan files use it (MRN-1042); anything else is rejected before any lookup.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class AssetError(RuntimeError):
    """The widget bundle is missing or could not be made safe to serve."""


def strip_remote_imports(source: str) -> tuple[str, int]:
    """`source` without CSS `@import`s of remote URLs, and how many were removed.

    The widget injects its stylesheets at run time from strings inside the JS bundle; removing the
    import there is what keeps the browser from ever asking a font CDN. The page's own CSS sets the
    widget's font to the system font instead.
    """
    return _REMOTE_IMPORT.subn("", source)


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def load_webchat_bundle(path: Path = WEBCHAT_BUNDLE) -> Asset:
    """The widget bundle ready to serve, or AssetError saying how to install it."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AssetError(f"{path} is missing: run `npm ci --prefix web`") from None
    cleaned, removed = strip_remote_imports(source)
    if "fonts.googleapis" in cleaned or "fonts.gstatic" in cleaned:
        raise AssetError(f"{path} still refers to a remote font after cleaning; check the pinned version")
    log.info("widget bundle %s: removed %d remote CSS import(s)", path, removed)
    body = cleaned.encode("utf-8")
    return Asset(body, "application/javascript", '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def websocket_origin(http_origin: str) -> str:
    """ws(s):// twin of an http(s) origin, for the page's Content-Security-Policy."""
    scheme, _, rest = http_origin.partition("://")
    return ("wss" if scheme == "https" else "ws") + "://" + rest


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the Rasa URL must be http(s)://host[:port], not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    """Only this server and the Rasa server: a remote font or script is blocked even if one slips in.

    Styles need 'unsafe-inline' because the widget injects <style> elements at run time, and fonts
    `data:` because its carousel stylesheet inlines an icon font.
    """
    rasa = origin_of(rasa_url)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {rasa} {websocket_origin(rasa)}",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _default_store():
    from adapters.sql.store import PlanStore

    return PlanStore.from_env()


def _default_patient_exists(reference: str) -> bool:
    return _default_store().patient(reference) is not None


def _default_issue_token(reference: str, minutes: int) -> str:
    from bot.identity import issue_token

    return issue_token(reference, minutes=minutes)


@dataclass
class Settings:
    rasa_url: str
    demo: bool = True
    demo_dir: Path = DEMO_DIR
    bundle_path: Path = WEBCHAT_BUNDLE
    # Seams for tests; the defaults call the real store and identity modules.
    patient_exists: Callable[[str], bool] = field(default=_default_patient_exists)
    issue_token: Callable[[str, int], str] = field(default=_default_issue_token)
    store: Callable[[], Any] = field(default=_default_store)


SETTINGS = web.AppKey("settings", Settings)
BUNDLE = web.AppKey("bundle", Asset)


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    settings = request.app[SETTINGS]
    response.headers.setdefault("Content-Security-Policy", content_security_policy(settings.rasa_url))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if isinstance(response, web.HTTPException) and response.status >= 400:
        raise response
    return response


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def config(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return web.json_response(
        {"socketUrl": settings.rasa_url, "socketPath": SOCKET_PATH, "demo": settings.demo},
        headers={"Cache-Control": "no-cache"},
    )


async def webchat_bundle(request: web.Request) -> web.Response:
    asset = request.app[BUNDLE]
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    response = web.Response(body=asset.body, content_type=asset.content_type, charset="utf-8",
                            headers=headers)
    response.enable_compression()
    return response


async def health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def _require_demo(request: web.Request) -> Settings:
    settings = request.app[SETTINGS]
    if not settings.demo:
        raise web.HTTPNotFound(text="demo mode is off")
    return settings


async def demo_patients(request: web.Request) -> web.Response:
    """Demo patients that exist in this server's database (the demo files minus any not seeded)."""
    settings = _require_demo(request)

    def listing() -> list[dict[str, str]]:
        patients = plan_service.demo_patients(settings.demo_dir)
        return [{"reference": ref, "name": name} for ref, name in patients.items() if settings.patient_exists(ref)]

    patients = await asyncio.to_thread(listing)
    return web.json_response({"patients": patients}, headers={"Cache-Control": "no-store"})


async def demo_token(request: web.Request) -> web.Response:
    """A short-lived signed token for one existing patient: what a clinic portal would hand the widget."""
    settings = _require_demo(request)
    reference = request.query.get("ref", "").strip().upper()
    # Only the demo file's patients, and the same answer for every other reference whether it exists or not,
    # so the endpoint can neither sign a token for a real patient nor tell which references exist.
    if (not _REFERENCE.match(reference) or reference not in plan_service.demo_patients(settings.demo_dir)
            or not await asyncio.to_thread(settings.patient_exists, reference)):
        raise web.HTTPNotFound(text="not a demo patient")
    token = await asyncio.to_thread(settings.issue_token, reference, DEMO_TOKEN_MINUTES)
    return web.json_response(
        {"reference": reference, "token": token, "expires_in_minutes": DEMO_TOKEN_MINUTES},
        headers={"Cache-Control": "no-store"},
    )


async def calendar_feed(request: web.Request) -> web.Response:
    """A patient's calendar subscription: the feed built now from the newest plan version."""
    from services.calendar import feed

    token = request.match_info.get("token", "")
    result = await asyncio.to_thread(lambda: feed(request.app[SETTINGS].store(), token))
    if result.status == 429:
        raise web.HTTPTooManyRequests(text="too many requests for this calendar link; try again later")
    if result.status != 200:
        raise web.HTTPNotFound(text="no such calendar")
    return web.Response(body=result.body, content_type="text/calendar", charset="utf-8",
                        headers={"Cache-Control": "private, max-age=300", "Content-Disposition":
                                 'inline; filename="b12-injections.ics"'})


def make_app(settings: Settings) -> web.Application:
    """The page server for `settings`; raises AssetError when the widget bundle is not installed."""
    origin_of(settings.rasa_url)  # fail at start-up, not in the browser
    app = web.Application(middlewares=[security_headers])
    app[SETTINGS] = settings
    app[BUNDLE] = load_webchat_bundle(settings.bundle_path)
    app.router.add_get("/", index)
    app.router.add_get("/config.json", config)
    app.router.add_get("/vendor/rasa-webchat.js", webchat_bundle)
    app.router.add_get("/health", health)
    app.router.add_get("/demo/patients", demo_patients)
    app.router.add_get("/demo/token", demo_token)
    app.router.add_get(r"/calendar/{token:[A-Za-z0-9_-]{20,200}}.ics", calendar_feed)
    app.router.add_static("/static/", STATIC_DIR, show_index=False, follow_symlinks=False)
    return app


def demo_enabled(value: str | None) -> bool:
    """Demo mode unless B12_DEMO is 0/false/no/off."""
    return (value or "1").strip().lower() not in ("0", "false", "no", "off")


def demo_allowed(host: str, value: str | None) -> bool:
    """Demo tokens only while the page listens on this machine alone: never when it faces a network."""
    return demo_enabled(value) and host in LOOPBACK


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m web.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("B12_WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("B12_WEB_PORT", "8080")))
    parser.add_argument("--rasa-url", default=os.environ.get("B12_RASA_URL", "http://localhost:5005"),
                        help="where the browser reaches the Rasa server (env B12_RASA_URL)")
    parser.add_argument("--demo-dir", type=Path, default=Path(os.environ.get("B12_DEMO_DIR", DEMO_DIR)),
                        help="demo plan files listed by /demo/patients (env B12_DEMO_DIR)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    demo = demo_allowed(args.host, os.environ.get("B12_DEMO"))
    if demo_enabled(os.environ.get("B12_DEMO")) and not demo:
        log.warning("demo mode is off: the page listens on %s, beyond this machine (demo tokens only on loopback)",
                    args.host)
    settings = Settings(rasa_url=args.rasa_url.rstrip("/"), demo=demo, demo_dir=args.demo_dir)
    try:
        app = make_app(settings)
    except (AssetError, ValueError) as error:
        raise SystemExit(f"web.server: {error}") from None
    log.info("demo clinic page on http://%s:%d/ (Rasa at %s, demo mode %s)", args.host, args.port,
             settings.rasa_url, "on" if settings.demo else "off")
    # the access log would keep every calendar link (each one opens a patient's schedule): log without paths
    web.run_app(app, host=args.host, port=args.port, print=None, shutdown_timeout=5,
                access_log_format="%a %t %s %b %Tf")


if __name__ == "__main__":
    main()
