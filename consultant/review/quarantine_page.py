"""Quarantine in the workspace: the list, one message shown safely, retry and dismiss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.db import transaction
from consultant.mailin.parse import ParseError, parse
from consultant.models import InboundMail
from consultant.review.pages import off_loop, page
from consultant.review.thread import safe_html


def dismiss(session: Session, inbound_id: int, actor: str) -> bool:
    """Set a quarantined message aside for good (kept, never processed). False if it is
    not quarantined."""
    row = session.get(InboundMail, inbound_id)
    if row is None or row.status != "quarantined":
        return False
    states.audit(
        session, None, actor, "quarantine_dismiss", f"inbound {row.id}: {row.reason[:200]}"
    )
    row.status = "dismissed"
    return True


def _list(request: Request) -> Response:
    with transaction() as session:
        rows = session.scalars(
            select(InboundMail)
            .where(InboundMail.status == "quarantined")
            .order_by(InboundMail.id.desc())
        ).all()
    return page("quarantine.html", request, rows=rows)


def _show(request: Request, inbound_id: int) -> Response:
    with transaction() as session:
        row = session.get(InboundMail, inbound_id)
        if row is None:
            return page("not_found.html", request, 404, what=f"Message {inbound_id}")
        states.audit(
            session, None, request.session.get("email", "?"), "quarantine_view", f"inbound {row.id}"
        )
        try:
            mail = parse(row.raw, row.message_id)
            text, html, error = mail.text, safe_html(mail.html), ""
        except ParseError as exc:
            text, html, error = row.raw[:20000].decode("utf-8", "replace"), "", str(exc)
        return page(
            "quarantine_message.html", request, row=row, text=text, html=html, parse_error=error
        )


def _change(request: Request, inbound_id: int, what: str) -> Response:
    from consultant.mailin.quarantine import retry

    actor = request.session.get("email", "?")
    with transaction() as session:
        done = (retry if what == "retry" else dismiss)(session, inbound_id, actor)
    if not done:
        return PlainTextResponse("That message is no longer in quarantine.", 409)
    return RedirectResponse("/quarantine", status_code=303)


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The quarantine routes, each behind ``login_required``."""

    @login_required
    async def listing(request: Request) -> Response:
        return await off_loop(_list, request)

    @login_required
    async def show(request: Request) -> Response:
        return await off_loop(_show, request, int(request.path_params["inbound_id"]))

    @login_required
    async def change(request: Request) -> Response:
        p = request.path_params
        if p["what"] not in ("retry", "dismiss"):
            return PlainTextResponse("Unknown action", 404)
        return await off_loop(_change, request, int(p["inbound_id"]), p["what"])

    return [
        Route("/quarantine", listing),
        Route("/quarantine/{inbound_id:int}", show),
        Route("/quarantine/{inbound_id:int}/{what:str}", change, methods=["POST"]),
    ]
