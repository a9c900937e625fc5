"""The reviewer workspace assembled: login, the pages (queue, case, quarantine,
dashboard, codes), the JSON API and the static files.

Requests own their transactions. Forms carry a CSRF token tied to the login session.
Page handlers run their database work in the thread pool (``pages.off_loop``).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from consultant.codes.search import warm_index
from consultant.config import Settings, get_settings
from consultant.db import transaction
from consultant.models import Case, InboundMail, Outbound, Reviewer
from consultant.review import (
    api,
    case_page,
    dashboard,
    quarantine_page,
    queue_page,
    reply_frame,
)
from consultant.review.pages import page
from consultant.review.passwords import verify_password

STATIC_DIR = Path(__file__).resolve().parent / "static"

Handler = Callable[[Request], Awaitable[Response]]


def login_required(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        if not request.session.get("reviewer_id"):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if request.method == "POST":
            form = await request.form()
            if not secrets.compare_digest(
                str(form.get("csrf", "")), request.session.get("csrf", "")
            ):
                return PlainTextResponse("The form expired; reload the page and try again.", 403)
        return await handler(request)

    return wrapped


async def login_form(request: Request) -> Response:
    return page("login.html", request, next=request.query_params.get("next", "/"), error="")


async def login_submit(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", "")).strip().lower()
    password = str(form.get("password", ""))
    target = str(form.get("next", "/"))
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    with transaction() as session:
        reviewer = session.scalar(select(Reviewer).where(Reviewer.email == email))
        ok = (
            reviewer is not None
            and reviewer.active
            and verify_password(password, reviewer.password_hash)
        )
        reviewer_id = reviewer.id if ok and reviewer else None
    if reviewer_id is None:
        return page(
            "login.html", request, 401, next=target, error="Wrong email or password.", email=email
        )
    request.session.clear()
    request.session.update(
        {"reviewer_id": reviewer_id, "email": email, "csrf": secrets.token_urlsafe(24)}
    )
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def health(request: Request) -> Response:
    """Plain ``def``: Starlette runs it in the thread pool, off the event loop."""
    try:
        with transaction() as session:
            session.execute(select(1))
    except Exception as exc:  # report, do not raise: this is what monitors read
        return JSONResponse({"status": "error", "database": repr(exc)}, status_code=503)
    return JSONResponse({"status": "ok"})


def metrics(request: Request) -> Response:
    with transaction() as session:
        cases = session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
        inbound = session.execute(
            select(InboundMail.status, func.count()).group_by(InboundMail.status)
        ).all()
        outbound = session.execute(
            select(Outbound.status, func.count()).group_by(Outbound.status)
        ).all()
    lines = ["# TYPE consultant_cases gauge"]
    lines += [f'consultant_cases{{status="{s}"}} {n}' for s, n in cases]
    lines += ["# TYPE consultant_inbound gauge"]
    lines += [f'consultant_inbound{{status="{s}"}} {n}' for s, n in inbound]
    lines += ["# TYPE consultant_outbound gauge"]
    lines += [f'consultant_outbound{{status="{s}"}} {n}' for s, n in outbound]
    return PlainTextResponse("\n".join(lines) + "\n")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/health", health),
        Route("/metrics", metrics),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    routes += queue_page.routes(login_required)
    routes += case_page.routes(login_required)
    routes += quarantine_page.routes(login_required)
    routes += dashboard.routes(login_required)
    routes += reply_frame.routes(login_required)
    routes += api.routes()
    from consultant.review.code_pages import routes as code_routes

    routes += code_routes(login_required)
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="consultant_session",
            same_site="strict",
            https_only=settings.mode == "production",
            max_age=12 * 3600,
        ),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=_lifespan)


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    from consultant.review.worklist import refresh_statistics

    warm_index()
    with transaction() as session:
        refresh_statistics(session)
    yield
