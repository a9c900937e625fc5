"""What an open case page polls to learn that someone else changed the case.

A case's state is summed up in a short stamp: its status, its claim, its newest draft
version, message, note and audit event. The page is rendered with the stamp it shows and
polls ``/cases/{id}/state`` with ``If-None-Match``; while nothing changed, the answer is a
bodiless 304 after one indexed query. When something did, the answer says what and who,
and the page shows a notice (it never replaces what the reviewer is typing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.config import get_settings
from consultant.db import transaction
from consultant.models import AuditEvent, Case, CaseNote, Draft, Message, Reviewer
from consultant.review.actions import aware, claim_is_fresh
from consultant.review.pages import off_loop

# How often the page asks, in milliseconds (the template passes it to the script).
POLL_MS = 5000


def case_stamp(session: Session, case_id: int) -> str:
    """The stamp of the case as it is now ("" when there is no such case)."""

    def newest(column: Any, owner: Any) -> Any:
        return select(func.max(column)).where(owner == case_id).scalar_subquery()

    row = session.execute(
        select(
            Case.status,
            Case.claimed_by_id,
            Case.claimed_at,
            Case.first_approved_by_id,
            newest(Draft.version, Draft.case_id),
            newest(Message.id, Message.case_id),
            newest(CaseNote.id, CaseNote.case_id),
            newest(AuditEvent.id, AuditEvent.case_id),
        ).where(Case.id == case_id)
    ).first()
    return stamp_of(tuple(row)) if row is not None else ""


def stamp_of(values: tuple[Any, ...]) -> str:
    """The stamp of (status, claimed by, claimed at, first approver, newest draft version,
    message id, note id, audit event id), whether read by ``case_stamp`` or from the rows a
    page already loaded."""
    text = "|".join(_plain(value) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        # SQLite hands back naive UTC, Postgres aware: the stamp must not differ by driver.
        return str(aware(value).timestamp())  # type: ignore[union-attr]
    return "" if value is None else str(value)


def latest_change(session: Session, case: Case) -> tuple[str, str]:
    """(who, what) for the newest change on ``case``: a saved draft, a follow-up, a note
    or an audited action, whichever came last."""
    found: list[tuple[datetime, str, str]] = []
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    )
    if event is not None:
        what = event.action.replace("_", " ")
        if event.to_status:  # a transition says why in its reason ("claimed", "draft v2")
            what = f"{event.reason or what}: now {event.to_status.replace('_', ' ')}"
        found.append((event.created_at, event.actor, what))
    draft = session.scalar(
        select(Draft).where(Draft.case_id == case.id).order_by(Draft.version.desc())
    )
    if draft is not None:
        found.append((draft.created_at, draft.author, f"saved draft v{draft.version}"))
    message = session.scalar(
        select(Message)
        .where(Message.case_id == case.id, Message.direction == "in")
        .order_by(Message.id.desc())
    )
    if message is not None:
        found.append((message.created_at, message.from_address, "a message arrived"))
    note = session.scalar(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id.desc())
    )
    if note is not None:
        found.append((note.created_at, note.author, "added a note"))
    if not found:
        return "", ""
    # Ties (one transaction writes a draft and its audit event) go to the later entry.
    _, who, what = max(found, key=lambda item: aware(item[0]))  # type: ignore[arg-type,return-value]
    return who, what


def _state(request: Request, case_id: int) -> Response:
    sent = request.headers.get("if-none-match", "").strip('W/"')
    with transaction() as session:
        stamp = case_stamp(session, case_id)
        if not stamp:
            return JSONResponse({"error": "no such case"}, status_code=404)
        headers = {"ETag": f'"{stamp}"', "Cache-Control": "private, no-cache"}
        if sent == stamp:
            return Response(status_code=304, headers=headers)
        case = session.get(Case, case_id)
        assert case is not None
        who, what = latest_change(session, case)
        claimed_by = session.get(Reviewer, case.claimed_by_id) if case.claimed_by_id else None
        fresh = claim_is_fresh(case, get_settings())
        version = session.scalar(select(func.max(Draft.version)).where(Draft.case_id == case_id))
        body = {
            "stamp": stamp,
            "status": case.status,
            "status_label": case.status.replace("_", " "),
            "version": version,
            "claimed_by": claimed_by.email if claimed_by is not None and fresh else "",
            "open_for_review": case.status in states.OPEN_FOR_REVIEW,
            "changed_by": who,
            "change": what,
        }
    return JSONResponse(body, headers=headers)


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The polled state route, behind ``login_required``."""

    @login_required
    async def state(request: Request) -> Response:
        return await off_loop(_state, request, int(request.path_params["case_id"]))

    return [Route("/cases/{case_id:int}/state", state)]
