"""The case page and what a reviewer does from it: claim, edit with preview, approve,
ask for information, reassign, close, notes, attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.config import get_settings
from consultant.db import transaction
from consultant.drafting.service import latest_draft
from consultant.mailout.states import UNDELIVERED
from consultant.models import AuditEvent, Case, CaseNote, InboundMail, Message, Outbound, Reviewer
from consultant.review import actions
from consultant.review.case_state import POLL_MS, stamp_of
from consultant.review.evidence import read_evidence
from consultant.review.pages import off_loop, page
from consultant.review.reply_frame import current_frame, greeting_for
from consultant.review.reply_html import text_to_html
from consultant.review.thread import attachment_bytes, diff_lines, download_type, history, thread
from consultant.review.worklist import forget_counts

ASK_TEMPLATE = (
    "Hello,\n\nTo answer your question precisely we need a little more information:\n\n"
    "- \n\nPlease reply to this message; your answer comes straight back to us.\n\nThank you."
)


def current_reviewer(session: Session, request: Request) -> Reviewer:
    """The logged-in reviewer, if still active."""
    reviewer = session.get(Reviewer, request.session["reviewer_id"])
    if reviewer is None or not reviewer.active:
        raise actions.ReviewError("Your reviewer account is not active.")
    return reviewer


def _version(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def render_case(
    request: Request,
    case_id: int,
    error: str = "",
    status_code: int = 200,
    subject: str | None = None,
    body: str | None = None,
    stale: actions.StaleDraft | None = None,
) -> Response:
    """The case page, optionally with an error and the reviewer's unsent text kept."""
    settings = get_settings()
    with transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            return page("not_found.html", request, 404, what=f"Case #{case_id}")
        drafts = list(case.drafts)  # by version: the history below reads them all anyway
        draft = drafts[-1] if drafts else None
        show_original = request.query_params.get("original") == "1"
        if show_original:
            # Original text can carry PHI: the view itself is audited.
            states.audit(session, case.id, request.session.get("email", "?"), "viewed_original")
        claimed_by = session.get(Reviewer, case.claimed_by_id) if case.claimed_by_id else None
        first = (
            session.get(Reviewer, case.first_approved_by_id) if case.first_approved_by_id else None
        )
        claim_fresh = actions.claim_is_fresh(case, settings)
        me = request.session.get("reviewer_id")
        text = body if body is not None else (draft.body_text if draft else "")
        stale_diff = diff_lines(text, stale.newer.body_text) if stale else []
        outbound = session.scalars(
            select(Outbound).where(Outbound.case_id == case.id).order_by(Outbound.id)
        ).all()
        notes = session.scalars(
            select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)
        ).all()
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        ).all()
        return page(
            "case.html",
            request,
            status_code,
            case=case,
            draft=draft,
            version=draft.version if draft else "",
            thread=thread(list(case.messages), show_original, settings.consult_address),
            history=history(drafts),
            evidence=read_evidence(draft.analysis if draft else {}),
            outbound=outbound,
            notes=notes,
            audit=audit,
            # Columns, not rows: a reviewer row carries an encrypted secret to decrypt.
            reviewers=session.execute(
                select(Reviewer.email).where(Reviewer.active).order_by(Reviewer.email)
            ).all(),
            show_original=show_original,
            error=error,
            stale=stale,
            stale_diff=stale_diff,
            claimed_by=claimed_by,
            claim_fresh=claim_fresh,
            held_by_other=claim_fresh and case.claimed_by_id != me,
            mine=claim_fresh and case.claimed_by_id == me,
            first_approver=first,
            second_review=bool(draft and actions.needs_second_review(case, draft, settings)),
            subject=subject if subject is not None else (draft.subject if draft else ""),
            body=text,
            preview=text_to_html(text) if text else "",
            frame=current_frame(session),
            greeting=greeting_for(current_frame(session), case.requester_name or ""),
            ask_template=ASK_TEMPLATE,
            open_for_review=case.status in states.OPEN_FOR_REVIEW,
            failed_reply=next(
                (o for o in reversed(outbound) if o.kind == "reply" and o.status in UNDELIVERED),
                None,
            ),
            stamp=stamp_of(
                (
                    case.status,
                    case.claimed_by_id,
                    case.claimed_at,
                    case.first_approved_by_id,
                    draft.version if draft else None,
                    max((m.id for m in case.messages), default=None),
                    notes[-1].id if notes else None,
                    audit[-1].id if audit else None,
                )
            ),
            poll_ms=POLL_MS,
        )


def perform(session: Session, case: Case, reviewer: Reviewer, action: str, form: Any) -> str:
    """Carry out one reviewer action; returns a short note for the page, or raises."""
    settings = get_settings()
    seen = _version(form.get("version", ""))
    subject, body = str(form.get("subject", "")), str(form.get("body", ""))
    if form.get("as_is") == "1":
        # Approving from the queue: the draft as it stands (the version check still holds).
        draft = latest_draft(session, case.id)
        subject, body = (draft.subject, draft.body_text) if draft else ("", "")
    if action == "claim":
        actions.claim(session, case, reviewer, settings)
    elif action == "release":
        actions.release(session, case, reviewer, settings)
    elif action == "save":
        actions.save_edit(session, case, reviewer, subject, body, seen, settings)
    elif action == "approve":
        out = actions.approve(
            session, case, reviewer, subject, body, seen, settings, form.get("confirmed") == "yes"
        )
        return "sent" if out else "first_approval"
    elif action == "redraft":
        actions.redraft(session, case, reviewer, settings)
    elif action in ("reject", "close"):
        reason = str(form.get("reason", "")).strip() or ("closed" if action == "close" else "")
        actions.reject(session, case, reviewer, reason, settings)
    elif action == "ask":
        actions.ask_for_information(
            session, case, reviewer, str(form.get("question", "")), seen, settings
        )
    elif action == "resume":
        actions.stop_waiting(session, case, reviewer)
    elif action == "reassign":
        actions.reassign(session, case, reviewer, str(form.get("assignee", "")), settings)
    elif action == "note":
        actions.add_note(session, case, reviewer, str(form.get("note", "")))
    elif action == "retry":
        actions.retry_delivery(session, case, reviewer, settings)
    else:
        raise LookupError(action)
    return action


def _act(request: Request, case_id: int, action: str, form: Any) -> Response:
    try:
        with transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                return page("not_found.html", request, 404, what=f"Case #{case_id}")
            perform(session, case, current_reviewer(session, request), action, form)
        forget_counts()
    except LookupError:
        return PlainTextResponse("Unknown action", 404)
    except actions.StaleDraft as exc:
        return render_case(
            request,
            case_id,
            str(exc),
            409,
            str(form.get("subject", "")),
            str(form.get("body", "")),
            exc,
        )
    except (actions.ReviewError, states.TransitionError) as exc:
        keep = action in ("save", "approve")
        message = str(exc)
        if isinstance(exc, states.TransitionError):
            message = "Someone else changed this case a moment ago; here it is as it is now."
        return render_case(
            request,
            case_id,
            message,
            409 if isinstance(exc, states.TransitionError) else 422,
            str(form.get("subject", "")) if keep else None,
            str(form.get("body", "")) if keep else None,
        )
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _attachment(request: Request, case_id: int, message_id: int, index: int) -> Response:
    with transaction() as session:
        message = session.get(Message, message_id)
        if message is None or message.case_id != case_id or message.inbound_mail_id is None:
            return PlainTextResponse("Not found", 404)
        row = session.get(InboundMail, message.inbound_mail_id)
        found = attachment_bytes(row, message, index) if row else None
        if found is None:
            return PlainTextResponse("Not found", 404)
        item, payload = found
        states.audit(
            session, case_id, request.session.get("email", "?"), "downloaded", item.name[:200]
        )
    return Response(
        payload,
        media_type=download_type(item.type),
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(item.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The case routes, each behind ``login_required``."""

    @login_required
    async def show(request: Request) -> Response:
        return await off_loop(render_case, request, int(request.path_params["case_id"]))

    @login_required
    async def act(request: Request) -> Response:
        form = await request.form()
        return await off_loop(
            _act, request, int(request.path_params["case_id"]), request.path_params["action"], form
        )

    @login_required
    async def attachment(request: Request) -> Response:
        p = request.path_params
        return await off_loop(
            _attachment, request, int(p["case_id"]), int(p["message_id"]), int(p["index"])
        )

    @login_required
    async def preview(request: Request) -> Response:
        form = await request.form()
        return JSONResponse({"html": text_to_html(str(form.get("body", "")))})

    return [
        Route("/cases/{case_id:int}", show),
        Route("/cases/{case_id:int}/messages/{message_id:int}/attachments/{index:int}", attachment),
        Route("/cases/{case_id:int}/{action:str}", act, methods=["POST"]),
        Route("/preview", preview, methods=["POST"]),
    ]
