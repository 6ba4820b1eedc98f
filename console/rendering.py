"""Server-rendered HTML (Jinja2, autoescaped), the security headers every answer carries, and errors as
readable 4xx/5xx pages: never a traceback, never a stack frame in the browser."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from aiohttp import web

from bot.dates import format_date, format_day
from bot.errors import StoreError, StoreUnavailable
from console.settings import STORE, TEMPLATES

log = logging.getLogger("console")

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
T = TypeVar("T")

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
])

NAV = (
    ("/patients", "Patients"),
    ("/import", "Import a plan"),
    ("/followups", "Follow-ups"),
    ("/audit", "Audit"),
    ("/try", "Try the bot"),
    ("/flows", "Flows"),
)


def _when(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return f"{format_date(value.date())} {value:%H:%M} UTC"
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["day"] = lambda d: format_day(d) if d else "–"
    env.globals["nav"] = NAV
    return env


def page_context(request: web.Request) -> dict[str, Any]:
    """What every page's layout needs: the signed-in user, the CSRF token, the flashes, the current section."""
    session = request.get("session")
    flashes = session.pop_flashes() if session is not None else []
    path = request.path
    section = next((href for href, _ in NAV if path == href or path.startswith(href + "/")), None)
    return {
        "user": session.username if session else None,
        "csrf_token": session.csrf if session else request.get("login_csrf", ""),
        "flashes": flashes,
        "section": section,
    }


def render(request: web.Request, template: str, /, status: int = 200, **context: Any) -> web.Response:
    env: jinja2.Environment = request.app[TEMPLATES]
    html = env.get_template(template).render(**page_context(request), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: after a POST, the browser asks for `location` with GET."""
    return web.Response(status=303, headers={"Location": location})


_ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest, 403: web.HTTPForbidden, 404: web.HTTPNotFound, 409: web.HTTPConflict,
    422: web.HTTPUnprocessableEntity, 429: web.HTTPTooManyRequests, 502: web.HTTPBadGateway,
    503: web.HTTPServiceUnavailable,
}


def fail(status: int, message: str) -> web.HTTPException:
    """A 4xx/5xx the error middleware renders as a page with `message` (raise it)."""
    return _ERRORS[status](text=message)


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Store and Rasa calls are blocking; they run in the default thread pool."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def store_of(request: web.Request) -> Any:
    return request.app[STORE]


def _headers(response: web.StreamResponse, request: web.Request) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # pages hold patient data: never kept in a cache


_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 409: "Conflict",
           413: "Too large", 422: "Cannot use this", 429: "Too many attempts", 502: "The bot did not answer",
           503: "Not available right now"}


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    try:
        response = render(request, "error.html", status=status, title=_TITLES.get(status, "Error"),
                          message=message, status_code=status)
    except Exception:  # the error page itself must not fail
        log.exception("could not render the error page")
        response = web.Response(text=message, status=status, content_type="text/plain")
    return response


@web.middleware
async def errors_and_headers(request: web.Request, handler):
    """Security headers on every answer; 4xx as a page with the message; a store failure as 503 saying what
    is wrong; anything else as 500 with no detail (the traceback goes to the log)."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status < 400:  # a redirect aiohttp itself raised
            _headers(error, request)
            raise
        else:
            text = error.text or error.reason
            if text.startswith(f"{error.status}:"):
                text = error.reason
            response = error_page(request, error.status, text)
            for key in ("Retry-After", "Allow"):
                if key in error.headers:
                    response.headers[key] = error.headers[key]
    except StoreUnavailable as error:
        log.warning("store unavailable: %s", error)
        response = error_page(request, 503, f"The database cannot be used right now: {error}")
    except StoreError as error:
        response = error_page(request, 409, str(error))
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("error in %s %s", request.method, request.path)
        response = error_page(request, 500, "Something went wrong on the server; the error was logged.")
    _headers(response, request)
    return response
