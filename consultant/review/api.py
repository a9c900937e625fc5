"""The JSON API: the queue and the reviewer actions for integrations, with token auth.

A token acts as the reviewer it was issued to; only its SHA-256 is stored. The API takes
no cookies, so it needs no CSRF token. Actions carry the draft version like the forms do,
and a stale one answers 409 with the newer draft.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.config import get_settings
from consultant.db import transaction
from consultant.drafting.service import latest_draft
from consultant.models import ApiToken, Case, Reviewer
from consultant.review import actions
from consultant.review.case_page import perform
from consultant.review.pages import off_loop
from consultant.review.worklist import QueueFilters, forget_counts, queue_page

ACTIONS = (
    "claim",
    "release",
    "save",
    "approve",
    "redraft",
    "reject",
    "close",
    "ask",
    "reassign",
    "note",
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, reviewer: Reviewer, name: str) -> str:
    """A new API token for ``reviewer``; the caller shows it once, it is not stored."""
    token = "cst_" + secrets.token_urlsafe(32)
    session.add(ApiToken(reviewer_id=reviewer.id, name=name, token_hash=_digest(token)))
    return token


def token_reviewer(session: Session, request: Request) -> Reviewer | None:
    """The active reviewer behind the request's bearer token, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(token.strip()), ApiToken.active)
    )
    reviewer = session.get(Reviewer, row.reviewer_id) if row else None
    return reviewer if reviewer is not None and reviewer.active else None


def _unauthorized() -> Response:
    return JSONResponse(
        {"error": "a valid API token is required"}, 401, headers={"WWW-Authenticate": "Bearer"}
    )


def _list(request: Request) -> Response:
    with transaction() as session:
        reviewer = token_reviewer(session, request)
        if reviewer is None:
            return _unauthorized()
        result = queue_page(
            session,
            QueueFilters.from_params(request.query_params),
            reviewer.id,
            claim_minutes=get_settings().claim_minutes,
        )
    rows = [asdict(r) | {"due_at": r.due_at.isoformat() if r.due_at else None} for r in result.rows]
    return JSONResponse(
        {"cases": rows, "next": result.next_cursor, "counts": result.counts, "total": result.total}
    )


def _draft_json(session: Session, case: Case) -> dict[str, Any] | None:
    draft = latest_draft(session, case.id)
    if draft is None:
        return None
    return {
        "version": draft.version,
        "author": draft.author,
        "subject": draft.subject,
        "text": draft.body_text,
        "html": draft.body_html,
        "confidence": draft.confidence,
        "facts": draft.analysis,
    }


def _case_json(session: Session, case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "subject": case.subject,
        "requester": case.requester,
        "status": case.status,
        "claimed_by": case.claimed_by_id,
        "needs_expert": case.needs_expert,
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "messages": [
            {
                "direction": m.direction,
                "from": m.from_address,
                "at": m.created_at.isoformat(),
                "text": m.clean_text if m.direction == "in" else m.body_text,
            }
            for m in case.messages
        ],
        "draft": _draft_json(session, case),
    }


def _show(request: Request, case_id: int) -> Response:
    with transaction() as session:
        if token_reviewer(session, request) is None:
            return _unauthorized()
        case = session.get(Case, case_id)
        if case is None:
            return JSONResponse({"error": "no such case"}, 404)
        return JSONResponse(_case_json(session, case))


def _act(request: Request, case_id: int, action: str, body: dict[str, Any]) -> Response:
    form = {k: ("" if v is None else str(v)) for k, v in body.items() if k != "confirmed"}
    form["confirmed"] = "yes" if body.get("confirmed") is True else ""
    try:
        with transaction() as session:
            reviewer = token_reviewer(session, request)
            if reviewer is None:
                return _unauthorized()
            case = session.get(Case, case_id)
            if case is None:
                return JSONResponse({"error": "no such case"}, 404)
            done = perform(session, case, reviewer, action, form)
            session.flush()
            result = _case_json(session, case) | {"done": done}
        forget_counts()
    except actions.StaleDraft as exc:
        newer = exc.newer
        return JSONResponse(
            {
                "error": str(exc),
                "newer": {
                    "version": newer.version,
                    "subject": newer.subject,
                    "text": newer.body_text,
                },
            },
            409,
        )
    except states.TransitionError as exc:
        return JSONResponse({"error": str(exc)}, 409)
    except actions.ReviewError as exc:
        return JSONResponse({"error": str(exc)}, 422)
    return JSONResponse(result)


def _schema() -> dict[str, Any]:
    case_ref = {"$ref": "#/components/schemas/Case"}
    error = {
        "description": "refused",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Consultant reviewer API", "version": "1"},
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "newer": {"type": "object"}},
                },
                "Case": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "subject": {"type": "string"},
                        "status": {"type": "string", "enum": list(states.STATUSES)},
                        "draft": {"type": ["object", "null"]},
                    },
                },
                "Action": {
                    "type": "object",
                    "properties": {
                        "version": {
                            "type": "integer",
                            "description": "the draft version the action was made on",
                        },
                        "subject": {"type": "string"},
                        "body": {"type": "string"},
                        "confirmed": {"type": "boolean", "description": "required true to approve"},
                        "reason": {"type": "string"},
                        "question": {"type": "string"},
                        "assignee": {"type": "string"},
                        "note": {"type": "string"},
                    },
                },
            },
        },
        "security": [{"token": []}],
        "paths": {
            "/api/cases": {
                "get": {
                    "summary": "The queue, most urgent first, keyset-paged with `after`",
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": "string"}}
                        for n in (
                            "status",
                            "assignee",
                            "kind",
                            "confidence",
                            "expert",
                            "subscriber",
                            "q",
                            "after",
                        )
                    ],
                    "responses": {"200": {"description": "a page of cases"}, "401": error},
                }
            },
            "/api/cases/{case_id}": {
                "get": {
                    "summary": "One case with its thread (redacted) and newest draft",
                    "parameters": [
                        {
                            "name": "case_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "the case",
                            "content": {"application/json": {"schema": case_ref}},
                        },
                        "404": error,
                    },
                }
            },
            "/api/cases/{case_id}/{action}": {
                "post": {
                    "summary": "A reviewer action",
                    "parameters": [
                        {
                            "name": "case_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {
                            "name": "action",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(ACTIONS)},
                        },
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Action"}}
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "done; the case as it is now",
                            "content": {"application/json": {"schema": case_ref}},
                        },
                        "401": error,
                        "409": error,
                        "422": error,
                    },
                }
            },
        },
    }


def routes() -> list[Route]:
    """The API routes; each authenticates its own bearer token."""

    def endpoint(work: Callable[..., Response]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            p = request.path_params
            if "action" in p:
                if p["action"] not in ACTIONS:
                    return JSONResponse({"error": "unknown action"}, 404)
                try:
                    body = await request.json()
                except ValueError:
                    body = {}
                return await off_loop(
                    work,
                    request,
                    int(p["case_id"]),
                    p["action"],
                    body if isinstance(body, dict) else {},
                )
            if "case_id" in p:
                return await off_loop(work, request, int(p["case_id"]))
            return await off_loop(work, request)

        return run

    def _schema_for(request: Request) -> Response:
        # Like every route but login and health: a signed-in reviewer or a token.
        if not request.session.get("reviewer_id"):
            with transaction() as session:
                if token_reviewer(session, request) is None:
                    return _unauthorized()
        return JSONResponse(_schema())

    async def schema(request: Request) -> Response:
        return await off_loop(_schema_for, request)

    return [
        Route("/api/openapi.json", schema),
        Route("/api/cases", endpoint(_list)),
        Route("/api/cases/{case_id:int}", endpoint(_show)),
        Route("/api/cases/{case_id:int}/{action:str}", endpoint(_act), methods=["POST"]),
    ]
