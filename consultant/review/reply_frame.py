"""The greeting and closing an admin sets around every approved reply, and their page.

The reviewer edits the answer; the frame is added when the reply is queued, to the text
and (sanitized, through the same Markdown-ish rules) to the HTML part.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.db import transaction
from consultant.models import ReplyFrame, Reviewer, utcnow
from consultant.review.pages import off_loop, page
from consultant.review.reply_html import text_to_html
from consultant.templating import TEMPLATES_DIR

# The frame until an admin edits it: the reply templates' greeting and closing live here,
# and only here, so that a reply never carries two of either.
DEFAULT_GREETING = (TEMPLATES_DIR / "reply" / "frame_greeting.txt").read_text().strip()
DEFAULT_CLOSING = (TEMPLATES_DIR / "reply" / "frame_closing.txt").read_text().strip()
# A salutation line already at the top of a body (drafts written before the frame owned
# the greeting, or a reviewer's own "Hi Pat,"): the frame's greeting replaces it.
_OPENING = re.compile(
    r"\A\s*(?:hello|hi|dear|good (?:morning|afternoon))\b[^\n]{0,80},[ \t]*\n", re.I
)
_OPENING_HTML = re.compile(
    r"(\A\s*(?:<div[^>]*>\s*)?)<p>(?:hello|hi|dear|good (?:morning|afternoon))\b[^<]{0,80},</p>\s*",
    re.I,
)

_CLOSING_HTML = re.compile(
    r"<p>" + r"<br>\s*".join(re.escape(line) for line in DEFAULT_CLOSING.splitlines()) + r"</p>\s*"
)


def current_frame(session: Session) -> ReplyFrame:
    """The frame in force: the admin's, else the defaults from ``templates/reply``."""
    return session.scalar(select(ReplyFrame).order_by(ReplyFrame.id).limit(1)) or ReplyFrame(
        greeting=DEFAULT_GREETING, closing=DEFAULT_CLOSING
    )


def greeting_for(frame: ReplyFrame, name: str) -> str:
    """The frame's greeting for this asker ("Hello Pat,"; "Hello," without a name)."""
    return frame.greeting.replace("{name}", name.strip()).replace(" ,", ",").strip()


def framed(frame: ReplyFrame, name: str, text: str, html: str) -> tuple[str, str]:
    """``text`` and ``html`` with the greeting before and the closing after; a greeting or
    the default closing the body already carries gives way to the frame's."""
    greeting = greeting_for(frame, name)
    closing = frame.closing.strip()
    if greeting:
        text = _OPENING.sub("", text, count=1)
        html = _OPENING_HTML.sub(r"\1", html, count=1)
    if closing:
        text = re.sub(r"\n{3,}", "\n\n", text.replace(DEFAULT_CLOSING, ""))
        html = _CLOSING_HTML.sub("", html)
    parts = [p for p in (greeting, text.strip(), closing) if p]
    html_parts = [
        h
        for h in (
            text_to_html(greeting) if greeting else "",
            html,
            text_to_html(closing) if closing else "",
        )
        if h
    ]
    return "\n\n".join(parts) + "\n", "\n".join(html_parts)


def _is_admin(session: Session, request: Request) -> Reviewer | None:
    reviewer = session.get(Reviewer, request.session.get("reviewer_id"))
    return reviewer if reviewer is not None and reviewer.active and reviewer.is_admin else None


def _show(request: Request, saved: bool = False) -> Response:
    with transaction() as session:
        if _is_admin(session, request) is None:
            return PlainTextResponse("Only an admin can change the reply frame.", 403)
        frame = current_frame(session)
        return page("reply_frame.html", request, frame=frame, saved=saved)


def _save(request: Request, form: Any) -> Response:
    with transaction() as session:
        admin = _is_admin(session, request)
        if admin is None:
            return PlainTextResponse("Only an admin can change the reply frame.", 403)
        frame = session.scalar(select(ReplyFrame).order_by(ReplyFrame.id).limit(1))
        if frame is None:
            frame = ReplyFrame()
            session.add(frame)
        frame.greeting = str(form.get("greeting", "")).strip()
        frame.closing = str(form.get("closing", "")).strip()
        frame.updated_by, frame.updated_at = admin.email, utcnow()
        states.audit(session, None, admin.email, "reply_frame_changed")
    return RedirectResponse("/settings/reply?saved=1", status_code=303)


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The admin's reply frame page, behind ``login_required``."""

    @login_required
    async def show(request: Request) -> Response:
        return await off_loop(_show, request, request.query_params.get("saved") == "1")

    @login_required
    async def save(request: Request) -> Response:
        form = await request.form()
        return await off_loop(_save, request, form)

    return [
        Route("/settings/reply", show),
        Route("/settings/reply", save, methods=["POST"]),
    ]
