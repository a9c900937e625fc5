"""Workspace sign-in: server-side sessions, CSRF, login throttling and the login routes.

The cookie carries a random token signed with the secret key (old keys still verify during a
rotation); the session itself is a database row, so logout, a password change or a
deactivation ends it at once, and every request, GET included, re-reads the reviewer's
``active`` flag. ``request.session`` is filled read-only from that row (reviewer_id, email,
csrf), so pages read it as before; only this module creates or ends sessions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, Signer
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from consultant.cases import states
from consultant.config import Settings, get_settings
from consultant.db import transaction
from consultant.models import LoginThrottle, Reviewer, ReviewerSession, utcnow
from consultant.review.accounts import account_key
from consultant.review.passwords import burn_time, hash_password, needs_rehash, verify_password
from consultant.templating import render

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]

SESSION_COOKIE = "consultant_session"
LOGIN_CSRF_COOKIE = "consultant_login_csrf"
# Writing last_seen on every request would turn each page view into a write.
_TOUCH_EVERY = timedelta(seconds=60)
_MAX_DELAY_SECONDS = 15 * 60
_FAILED = "Wrong email, password or one-time code."


def _signer(settings: Settings, salt: str) -> Signer:
    # itsdangerous signs with the last key and accepts any of them.
    return Signer(list(reversed(settings.verification_keys)), salt=salt)


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Cookies get ``Secure`` behind TLS, and always in production."""
    return request.url.scheme == "https" or settings.mode == "production"


# --- sessions ---------------------------------------------------------------------------


def open_session(session: Session, reviewer: Reviewer, client: str) -> str:
    """Create a session row for ``reviewer``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        ReviewerSession(
            token_hash=_digest(token),
            reviewer_id=reviewer.id,
            csrf=secrets.token_urlsafe(24),
            client=client[:100],
        )
    )
    return token


def resolve_session(session: Session, cookie: str, settings: Settings) -> dict[str, Any]:
    """The request's session view for a cookie value, or {} when it is not a live session
    of an active reviewer. Expired sessions are deleted on the way."""
    if not cookie:
        return {}
    try:
        token = _signer(settings, "session").unsign(cookie).decode()
    except BadSignature:
        return {}
    # One statement for the session and its reviewer: this runs on every request.
    found = session.execute(
        select(ReviewerSession, Reviewer)
        .outerjoin(Reviewer, Reviewer.id == ReviewerSession.reviewer_id)
        .where(ReviewerSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return {}
    row, reviewer = found
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    lifetime = timedelta(hours=settings.session_max_hours)
    if (
        reviewer is None
        or not reviewer.active
        or now - _aware(row.last_seen_at) > idle
        or now - _aware(row.created_at) > lifetime
    ):
        # Statements, not ORM changes: the same session's requests run concurrently, and
        # the ORM would fail a request whose row another one deleted a moment before.
        session.execute(delete(ReviewerSession).where(ReviewerSession.token_hash == row.token_hash))
        return {}
    if now - _aware(row.last_seen_at) > _TOUCH_EVERY:
        session.execute(
            update(ReviewerSession)
            .where(ReviewerSession.token_hash == row.token_hash)
            .values(last_seen_at=now)
        )
    return {
        "reviewer_id": reviewer.id,
        "email": reviewer.email,
        "csrf": row.csrf,
        "is_admin": reviewer.is_admin,
        "token_hash": row.token_hash,
    }


class ReviewerSessionMiddleware:
    """Fills ``scope["session"]`` from the session row named by the cookie, on every request."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        settings = self.settings or get_settings()
        cookie = _cookie(scope, SESSION_COOKIE)
        view: dict[str, Any] = {}
        if cookie:
            # A database round trip: in the thread pool, so it never holds the event loop.
            view = await run_in_threadpool(_resolve, cookie, settings)
        scope["session"] = view
        await self.app(scope, receive, send)


def _resolve(cookie: str, settings: Settings) -> dict[str, Any]:
    with transaction() as session:
        return resolve_session(session, cookie, settings)


def _cookie(scope: Scope, name: str) -> str:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is an anonymous request
                return ""
            if name in jar:
                return jar[name].value
    return ""


# --- guards -----------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


async def csrf_ok(request: Request) -> bool:
    """True when the request carries the session's CSRF token (form field or header)."""
    expected = str(request.session.get("csrf", ""))
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = str((await request.form()).get("csrf", ""))
    return bool(expected) and secrets.compare_digest(sent, expected)


def login_required(handler: Handler) -> Handler:
    """Only a signed-in, active reviewer gets through; unsafe methods also need CSRF."""

    async def wrapped(request: Request) -> Response:
        if not request.session.get("reviewer_id"):
            if _wants_json(request):
                return JSONResponse({"error": "login required"}, status_code=401)
            if request.method in ("GET", "HEAD"):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return PlainTextResponse("Log in first.", status_code=401)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not await csrf_ok(request):
            return PlainTextResponse("The form expired; reload the page and try again.", 403)
        return await handler(request)

    wrapped.__name__ = getattr(handler, "__name__", "handler")
    wrapped.__doc__ = handler.__doc__
    return wrapped


def login_or_token_required(handler: Handler) -> Handler:
    """For monitoring endpoints: a signed-in reviewer, or ``Authorization: Bearer`` with
    CONSULTANT_METRICS_TOKEN when that is set."""
    guarded = login_required(handler)

    async def wrapped(request: Request) -> Response:
        token = get_settings().metrics_token
        sent = request.headers.get("authorization", "")
        if token and secrets.compare_digest(sent, f"Bearer {token}"):
            return await handler(request)
        return await guarded(request)

    wrapped.__name__ = getattr(handler, "__name__", "handler")
    return wrapped


# --- throttling -------------------------------------------------------------------------


def retry_after(session: Session, keys: list[str]) -> tuple[int, bool]:
    """Throttling shared by sign-in and the password change: (seconds to wait, locked) over ``keys``; (0, False) when a try is allowed now."""
    now = utcnow()
    wait, locked = 0, False
    for row in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        if row.locked:
            locked = True
        if row.blocked_until is not None and _aware(row.blocked_until) > now:
            wait = max(wait, int((_aware(row.blocked_until) - now).total_seconds()) + 1)
    return wait, locked


def record_failure(session: Session, key: str, free: int, lock_at: int) -> None:
    """Count a wrong password against ``key``: delays after ``free`` failures, a lockout
    at ``lock_at`` (0: never).

    Sign-ins run concurrently (in the thread pool), so the count is an atomic increment in
    the database, not a read-modify-write: two guesses at once count as two, and the first
    failure of a key cannot collide with another one's insert.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, locked=False)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    now = utcnow()
    failures = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures)
    ).scalar_one()
    changes: dict[str, Any] = {}
    if failures > free:
        # Doubling delays: 1 s, 2 s, 4 s ... up to 15 minutes between tries.
        delay = min(2 ** (failures - free - 1), _MAX_DELAY_SECONDS)
        changes["blocked_until"] = now + timedelta(seconds=delay)
    if lock_at and failures >= lock_at:
        changes["locked"] = True
    if changes:
        session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(**changes))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- routes -----------------------------------------------------------------------------


def _login_page(request: Request, status: int, token: str, **context: Any) -> Response:
    context.setdefault("email", "")
    context.setdefault("error", "")
    html = render(
        "workspace/login.html",
        reviewer_email=None,
        csrf=token,
        next=_safe_target(context.pop("next", "/")),
        **context,
    )
    response = Response(html, status_code=status, media_type="text/html")
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request, get_settings()),
        path="/login",
    )
    return response


def _safe_target(target: str) -> str:
    """Only a local path: no scheme, no host, no backslash tricks."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_form(request: Request) -> Response:
    """The login page; sets the pre-session CSRF cookie its form must echo."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    return _login_page(request, 200, token, next=request.query_params.get("next", "/"))


async def login_submit(request: Request) -> Response:
    """Check CSRF, throttling, the password (and TOTP when enrolled); open a session."""
    form = await request.form()
    email = str(form.get("email", "")).strip().lower()[:320]
    password = str(form.get("password", ""))
    target = _safe_target(str(form.get("next", "/")))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        return PlainTextResponse("The form expired; reload the page and try again.", 403)
    # The password hash is deliberately slow and the rest is database work: all of it in
    # the thread pool, so a burst of logins does not stall the other reviewers' pages.
    return await run_in_threadpool(_sign_in, request, form, email, password, target, expected)


def _sign_in(
    request: Request, form: Any, email: str, password: str, target: str, expected: str
) -> Response:
    settings = get_settings()
    client = _client(request)
    keys = [account_key(email), f"client:{client}"]
    with transaction() as session:
        wait, locked = retry_after(session, keys)
        if locked or wait:
            states.audit(session, None, email or "?", "login_throttled", f"client {client}")
    if locked:
        return _login_page(
            request,
            429,
            expected,
            next=target,
            email=email,
            error="This account is locked after too many failed attempts; an administrator can unlock it.",
        )
    if wait:
        return _login_page(
            request,
            429,
            expected,
            next=target,
            email=email,
            error=f"Too many failed attempts; try again in {wait} seconds.",
        )
    with transaction() as session:
        reviewer = session.scalar(select(Reviewer).where(Reviewer.email == email))
        if reviewer is None:
            burn_time(password)
            ok = False
        else:
            ok = verify_password(password, reviewer.password_hash) and reviewer.active
            ok = ok and _second_factor_ok(reviewer, str(form.get("otp", "")))
        if not ok:
            record_failure(
                session, keys[0], settings.login_free_failures, settings.login_lockout_failures
            )
            record_failure(session, keys[1], settings.login_ip_free_failures, 0)
            states.audit(session, None, email or "?", "login_failed", f"client {client}")
            log.warning("failed login for %r from %s", email, client)
            token = ""
        else:
            assert reviewer is not None
            if needs_rehash(reviewer.password_hash):
                reviewer.password_hash = hash_password(password)
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
            token = open_session(session, reviewer, client)
            states.audit(session, None, reviewer.email, "login", f"client {client}")
    if not token:
        return _login_page(request, 401, expected, next=target, email=email, error=_FAILED)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        _signer(settings, "session").sign(token).decode(),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, settings),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _second_factor_ok(reviewer: Reviewer, code: str) -> bool:
    if not reviewer.totp_secret:
        return True
    import pyotp

    return bool(code) and pyotp.TOTP(reviewer.totp_secret).verify(code.strip(), valid_window=1)


async def logout(request: Request) -> Response:
    """End this session (CSRF-checked) and drop the cookie."""
    if request.session.get("reviewer_id"):
        if not await csrf_ok(request):
            return PlainTextResponse("The form expired; reload the page and try again.", 403)
        await run_in_threadpool(
            _end_session,
            str(request.session.get("token_hash", "")),
            str(request.session.get("email", "?")),
        )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _end_session(token_hash: str, email: str) -> None:
    with transaction() as session:
        row = session.get(ReviewerSession, token_hash)
        if row is not None:
            session.delete(row)
        states.audit(session, None, email, "logout")
