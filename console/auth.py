"""Sign-in, sessions and CSRF for the staff console.

- Sessions live on the server (in this process's memory): the cookie holds only a random id (32 bytes,
  `secrets`), HttpOnly, SameSite=Strict, Path=/, with a Max-Age of the absolute lifetime (Secure and the
  `__Host-` prefix when `secure_cookies` is set, i.e. behind HTTPS). A session ends after `idle_timeout`
  without a request (30 min) or `absolute_timeout` after sign-in (8 h), at sign-out, when the account is
  disabled, and when the server restarts. Signing in always starts a new session id (no fixation).
- CSRF: each session has its own random token; every request that is not GET/HEAD must carry it (form field
  `csrf_token` or header `X-CSRF-Token`), compared in constant time, and must not come from another origin.
  The sign-in form, before there is a session, carries an HMAC of a random pre-login cookie instead.
- Lockout (services/staff.py, recorded in the store): 5 wrong passwords in a row lock the account for
  15 minutes. On top, one address gets at most 30 failed sign-ins per 15 minutes (429), so guessing many
  usernames from one place is slowed too. The answer never says which part was wrong.
- Everything but `/login` and `/static/` needs a session: anything else, any method, any path (unknown ones
  too), redirects an anonymous request to `/login` before a handler or the store is reached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from aiohttp import web

from console.rendering import fail, in_thread, redirect, render, store_of
from console.settings import SESSIONS, SETTINGS, Settings
from services import staff as staff_service

COOKIE = "b12_console_session"
SECURE_COOKIE = "__Host-b12_console_session"
LOGIN_COOKIE = "b12_console_login"
LOGIN_COOKIE_AGE = 60 * 60
ADDRESS_FAILURES = 30
ADDRESS_WINDOW = 15 * 60
MAX_SESSIONS = 5000
MAX_SESSIONS_PER_USER = 10
SIGN_IN_FAILED = ("Sign-in failed: the username or password is wrong, or the account is locked for "
                  f"{int(staff_service.LOCKOUT.total_seconds() // 60)} minutes after "
                  f"{staff_service.MAX_FAILURES} failed attempts.")
CSRF_FAILED = ("This form has expired or did not come from this console (security check). "
               "Go back, reload the page and try again.")


@dataclass
class Session:
    id: str
    username: str
    csrf: str
    created: float
    last_seen: float
    flashes: list[tuple[str, str]] = field(default_factory=list)

    def flash(self, text: str, kind: str = "info") -> None:
        self.flashes.append((kind, text))
        del self.flashes[:-5]

    def pop_flashes(self) -> list[tuple[str, str]]:
        flashes, self.flashes = self.flashes, []
        return flashes


class Sessions:
    """The server-side sessions of one console process. Only touched from the event loop (no lock)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.secret = secrets.token_bytes(32)  # signs the pre-login form tokens of this process
        self._sessions: dict[str, Session] = {}
        self._address_failures: dict[str, deque[float]] = {}

    def _expired(self, session: Session, now: float) -> bool:
        return (now - session.last_seen > self.settings.idle_timeout
                or now - session.created > self.settings.absolute_timeout)

    def _prune(self, now: float) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[sid]

    def create(self, username: str) -> Session:
        now = self.settings.clock()
        self._prune(now)
        mine = sorted((s for s in self._sessions.values() if s.username == username), key=lambda s: s.created)
        for old in mine[: max(0, len(mine) - MAX_SESSIONS_PER_USER + 1)]:
            del self._sessions[old.id]
        if len(self._sessions) >= MAX_SESSIONS:
            oldest = min(self._sessions.values(), key=lambda s: s.last_seen)
            del self._sessions[oldest.id]
        session = Session(secrets.token_urlsafe(32), username, secrets.token_urlsafe(32), now, now)
        self._sessions[session.id] = session
        return session

    def get(self, sid: str | None) -> Session | None:
        """The live session with this id (its idle clock restarted), else None."""
        if not sid:
            return None
        session = self._sessions.get(sid)
        if session is None:
            return None
        now = self.settings.clock()
        if self._expired(session, now):
            del self._sessions[sid]
            return None
        session.last_seen = now
        return session

    def end(self, sid: str) -> None:
        self._sessions.pop(sid, None)

    def end_user(self, username: str) -> None:
        for sid in [sid for sid, s in self._sessions.items() if s.username == username]:
            del self._sessions[sid]

    def max_age(self) -> int:
        return int(self.settings.absolute_timeout)

    # pre-login CSRF ------------------------------------------------------------------------------

    def login_token(self, nonce: str) -> str:
        return hmac.new(self.secret, f"login|{nonce}".encode(), hashlib.sha256).hexdigest()

    # failed sign-ins per address -----------------------------------------------------------------

    def address_blocked(self, address: str) -> bool:
        now = self.settings.clock()
        failures = self._address_failures.get(address)
        while failures and now - failures[0] > ADDRESS_WINDOW:
            failures.popleft()
        return bool(failures) and len(failures) >= ADDRESS_FAILURES

    def address_failed(self, address: str) -> None:
        if len(self._address_failures) > 10_000:
            self._address_failures.clear()
        self._address_failures.setdefault(address, deque(maxlen=ADDRESS_FAILURES)).append(self.settings.clock())


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE if settings.secure_cookies else COOKIE


def current_session(request: web.Request) -> Session | None:
    settings = request.app[SETTINGS]
    return request.app[SESSIONS].get(request.cookies.get(cookie_name(settings)))


def _safe_next(target: str | None) -> str:
    """Only a path on this console (never `//host`, a scheme, or the login page itself)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/patients"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return "/patients"
    return target


def _to_login(request: web.Request) -> web.Response:
    target = request.path_qs if request.method == "GET" and request.path not in ("/", "/login") else ""
    return redirect("/login" + (f"?next={quote(target, safe='/')}" if target else ""))


def same_origin(request: web.Request) -> bool:
    """Where a POST comes from, as the browser says it: Sec-Fetch-Site when sent (every current browser),
    else the Origin header. With `Referrer-Policy: no-referrer` browsers send `Origin: null` even on this
    console's own forms, so "null" (and no header at all, from scripts) leaves the decision to the token."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    parts = urlsplit(origin)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


async def _check_csrf(request: web.Request, expected: str) -> None:
    if not same_origin(request):
        raise fail(403, CSRF_FAILED)
    token = request.headers.get("X-CSRF-Token")
    if token is None:
        form = await request.post()
        value = form.get("csrf_token")
        token = value if isinstance(value, str) else None
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise fail(403, CSRF_FAILED)


PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIXES = ("/static/",)


@web.middleware
async def require_session(request: web.Request, handler):
    """Every route but /login and /static/ needs a live session of an active account; non-GET requests
    also need the session's CSRF token."""
    if request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    session = current_session(request)
    if session is None:
        return _to_login(request)
    if not await in_thread(staff_service.is_active, store_of(request), session.username):
        request.app[SESSIONS].end_user(session.username)
        return _to_login(request)
    if request.method not in ("GET", "HEAD"):
        await _check_csrf(request, session.csrf)
    request["session"] = session
    return await handler(request)


# --- handlers -----------------------------------------------------------------------------------------


def _login_page(request: web.Request, nonce: str, status: int = 200, error: str | None = None,
                username: str = "", new_cookie: bool = False) -> web.Response:
    sessions: Sessions = request.app[SESSIONS]
    request["login_csrf"] = sessions.login_token(nonce)
    response = render(request, "login.html", status=status, error=error, username=username,
                      next=_safe_next(request.query.get("next")))
    if new_cookie:
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_COOKIE_AGE, path="/login", httponly=True,
                            samesite="Strict", secure=request.app[SETTINGS].secure_cookies or None)
    return response


async def login_form(request: web.Request) -> web.Response:
    if current_session(request) is not None:
        return redirect(_safe_next(request.query.get("next")))
    nonce = request.cookies.get(LOGIN_COOKIE)
    fresh = not nonce or len(nonce) > 100
    return _login_page(request, secrets.token_urlsafe(24) if fresh else nonce, new_cookie=fresh)


async def login_submit(request: web.Request) -> web.Response:
    settings: Settings = request.app[SETTINGS]
    sessions: Sessions = request.app[SESSIONS]
    address = request.remote or "unknown"
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    form = await request.post()
    token = form.get("csrf_token")
    if (not same_origin(request) or not nonce or not isinstance(token, str)
            or not hmac.compare_digest(token.encode(), sessions.login_token(nonce).encode())):
        fresh = secrets.token_urlsafe(24)
        return _login_page(request, fresh, status=400, new_cookie=True,
                           error="The sign-in form had expired. Please sign in again.")
    username = form.get("username")
    password = form.get("password")
    username = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    if sessions.address_blocked(address):
        response = _login_page(request, nonce, status=429, username=username,
                               error="Too many failed sign-ins from this computer. Wait 15 minutes and try again.")
        response.headers["Retry-After"] = str(ADDRESS_WINDOW)
        return response
    result = await in_thread(staff_service.sign_in, store_of(request), username, password, now=settings.now())
    if not result.ok:
        sessions.address_failed(address)
        return _login_page(request, nonce, status=401, error=SIGN_IN_FAILED, username=username[:64])
    session = sessions.create(result.username)
    response = redirect(_safe_next(form.get("next") if isinstance(form.get("next"), str) else None))
    response.set_cookie(cookie_name(settings), session.id, max_age=sessions.max_age(), path="/", httponly=True,
                        samesite="Strict", secure=settings.secure_cookies or None)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: web.Request) -> web.Response:
    settings: Settings = request.app[SETTINGS]
    session: Session = request["session"]
    request.app[SESSIONS].end(session.id)
    await in_thread(store_of(request).add_audit, "staff_logout", "staff_account", actor=session.username)
    response = redirect("/login")
    response.del_cookie(cookie_name(settings), path="/")
    return response


def session_of(request: web.Request) -> Session:
    """The session the middleware attached (every handler but the login ones runs with one)."""
    return request["session"]


def actor(request: web.Request) -> str:
    return session_of(request).username
