"""The reviewer workspace: queue, case page with the draft editor, approval.

Requests own their transactions. Sign-in, sessions and CSRF live in ``review.auth``;
security headers in ``review.security``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from consultant.cases import states
from consultant.codes.search import warm_index
from consultant.config import Settings, get_settings
from consultant.db import transaction
from consultant.drafting.service import latest_draft
from consultant.models import Case, InboundMail, Outbound, Reviewer
from consultant.review import actions
from consultant.review.auth import (
    ReviewerSessionMiddleware,
    login_form,
    login_or_token_required,
    login_required,
    login_submit,
    logout,
)
from consultant.review.security import SecurityHeadersMiddleware
from consultant.templating import render

Handler = Callable[[Request], Awaitable[Response]]


def page(name: str, request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("reviewer_email", request.session.get("email"))
    context.setdefault("csrf", request.session.get("csrf", ""))
    return HTMLResponse(render(f"workspace/{name}", **context), status_code=status_code)


def current_reviewer(session: Session, request: Request) -> Reviewer:
    reviewer = session.get(Reviewer, request.session["reviewer_id"])
    if reviewer is None or not reviewer.active:
        raise actions.ReviewError("Your reviewer account is not active.")
    return reviewer


@login_required
async def queue_page(request: Request) -> Response:
    with transaction() as session:
        cases = session.scalars(select(Case).order_by(Case.id.desc()).limit(500)).all()
        counts = dict(
            session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
        )
        quarantined = session.scalar(
            select(func.count()).select_from(InboundMail).where(InboundMail.status == "quarantined")
        )
    order = {
        s: i
        for i, s in enumerate(
            [
                states.AWAITING_REVIEW,
                states.IN_REVIEW,
                states.QUEUED,
                states.DRAFTING,
                states.APPROVED,
                states.ANSWERED,
                states.CLOSED,
            ]
        )
    }
    cases = sorted(cases, key=lambda c: (order.get(c.status, 9), -c.id))
    return page("queue.html", request, cases=cases, counts=counts, quarantined=quarantined)


@login_required
async def case_page(request: Request) -> Response:
    return _case_response(request, int(request.path_params["case_id"]))


def _case_response(
    request: Request,
    case_id: int,
    error: str = "",
    status_code: int = 200,
    subject: str | None = None,
    body: str | None = None,
) -> Response:
    with transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            return page("not_found.html", request, 404, what=f"Case #{case_id}")
        draft = latest_draft(session, case.id)
        show_original = request.query_params.get("original") == "1"
        if show_original:
            # Original text can carry PHI: the view itself is audited.
            states.audit(session, case.id, request.session.get("email", "?"), "viewed_original")
        outbound = session.scalars(select(Outbound).where(Outbound.case_id == case.id)).all()
        messages = list(case.messages)
        history = list(case.drafts)
        claimed_by = session.get(Reviewer, case.claimed_by_id) if case.claimed_by_id else None
        return page(
            "case.html",
            request,
            status_code,
            case=case,
            draft=draft,
            messages=messages,
            drafts=history,
            outbound=outbound,
            show_original=show_original,
            error=error,
            claimed_by=claimed_by,
            subject=subject if subject is not None else (draft.subject if draft else ""),
            body=body if body is not None else (draft.body_text if draft else ""),
            open_for_review=case.status in states.OPEN_FOR_REVIEW,
        )


@login_required
async def case_action(request: Request) -> Response:
    case_id = int(request.path_params["case_id"])
    action = request.path_params["action"]
    form = await request.form()
    subject = str(form.get("subject", ""))
    body = str(form.get("body", ""))
    settings = get_settings()
    try:
        with transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                return page("not_found.html", request, 404, what=f"Case #{case_id}")
            reviewer = current_reviewer(session, request)
            if action == "claim":
                actions.claim(session, case, reviewer)
            elif action == "release":
                actions.release(session, case, reviewer)
            elif action == "save":
                actions.save_edit(session, case, reviewer, subject, body)
            elif action == "approve":
                actions.approve(session, case, reviewer, subject, body, settings)
            elif action == "redraft":
                actions.redraft(session, case, reviewer)
            elif action == "reject":
                actions.reject(session, case, reviewer, str(form.get("reason", "")))
            else:
                return PlainTextResponse("Unknown action", 404)
    except (actions.ReviewError, states.TransitionError) as exc:
        keep = action in ("save", "approve")
        return _case_response(
            request, case_id, str(exc), 422, subject if keep else None, body if keep else None
        )
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@login_required
async def quarantine_page(request: Request) -> Response:
    with transaction() as session:
        rows = session.scalars(
            select(InboundMail)
            .where(InboundMail.status == "quarantined")
            .order_by(InboundMail.id.desc())
        ).all()
    return page("quarantine.html", request, rows=rows)


@login_required
async def quarantine_retry(request: Request) -> Response:
    from consultant.mailin.quarantine import retry

    with transaction() as session:
        retry(session, int(request.path_params["inbound_id"]), request.session.get("email", "?"))
    return RedirectResponse("/quarantine", status_code=303)


async def health(request: Request) -> Response:
    try:
        with transaction() as session:
            session.execute(select(1))
    except Exception as exc:  # report, do not raise: this is what monitors read
        return JSONResponse({"status": "error", "database": repr(exc)}, status_code=503)
    return JSONResponse({"status": "ok"})


@login_or_token_required
async def metrics(request: Request) -> Response:
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
        Route("/", queue_page),
        Route("/cases/{case_id:int}", case_page),
        Route("/cases/{case_id:int}/{action:str}", case_action, methods=["POST"]),
        Route("/quarantine", quarantine_page),
        Route("/quarantine/{inbound_id:int}/retry", quarantine_retry, methods=["POST"]),
        Route("/health", health),
        Route("/metrics", metrics),
    ]
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
    warm_index()
    yield
