"""The reviewer workspace assembled: the pages (queue, case, quarantine, dashboard,
reply frame, codes), the JSON API and the static files.

Requests own their transactions. Sign-in, sessions and CSRF live in ``review.auth``;
security headers in ``review.security``. Page handlers run their database work in the
thread pool (``pages.off_loop``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from consultant.codes.search import warm_index
from consultant.config import Settings, get_settings
from consultant.db import transaction
from consultant.models import Case, InboundMail, Outbound
from consultant.review import (
    api,
    case_page,
    case_state,
    dashboard,
    password_page,
    quarantine_page,
    queue_page,
    reply_frame,
)
from consultant.review.auth import (
    ReviewerSessionMiddleware,
    login_form,
    login_or_token_required,
    login_required,
    login_submit,
    logout,
)
from consultant.review.pages import off_loop
from consultant.review.pages import page as page  # other page modules import it from here
from consultant.review.security import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"

Handler = Callable[[Request], Awaitable[Response]]


def health(request: Request) -> Response:
    """Plain ``def``: Starlette runs it in the thread pool, off the event loop."""
    try:
        with transaction() as session:
            session.execute(select(1))
    except Exception as exc:  # report, do not raise: this is what monitors read
        return JSONResponse({"status": "error", "database": repr(exc)}, status_code=503)
    return JSONResponse({"status": "ok"})


@login_or_token_required
async def metrics(request: Request) -> Response:
    return await off_loop(_metrics)


def _metrics() -> Response:
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
    routes += case_state.routes(login_required)
    routes += case_page.routes(login_required)
    routes += quarantine_page.routes(login_required)
    routes += dashboard.routes(login_required)
    routes += reply_frame.routes(login_required)
    routes += password_page.routes(login_required)
    routes += api.routes()
    from consultant.review.code_pages import routes as code_routes

    routes += code_routes(login_required)
    from consultant.review.data_pages import routes as data_routes

    routes += data_routes(login_required)
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(ReviewerSessionMiddleware, settings=settings),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=_lifespan)


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    from consultant.review.worklist import refresh_statistics

    warm_index()
    with transaction() as session:
        refresh_statistics(session)
    yield
