"""The queue page and the fragment its script polls for live updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consultant.cases import states
from consultant.config import get_settings
from consultant.db import transaction
from consultant.models import InboundMail
from consultant.review.pages import off_loop, page
from consultant.review.worklist import CONFIDENCE_BANDS, QueueFilters, filter_choices, queue_page

# The header's counts by status may be this old: every view and every poll of every
# reviewer would otherwise count all the cases again.
COUNTS_SECONDS = 2.0


def _queue(request: Request, fragment: bool) -> Response:
    filters = QueueFilters.from_params(request.query_params)
    with transaction() as session:
        result = queue_page(
            session,
            filters,
            int(request.session["reviewer_id"]),
            claim_minutes=get_settings().claim_minutes,
            counts_seconds=COUNTS_SECONDS,
        )
        if not fragment:
            filter_choices(session, result)
        quarantined = session.scalar(
            select(func.count()).select_from(InboundMail).where(InboundMail.status == "quarantined")
        )
    return page(
        "queue_rows.html" if fragment else "queue.html",
        request,
        fragment=fragment,
        result=result,
        filters=filters,
        statuses=states.STATUSES,
        bands=list(CONFIDENCE_BANDS),
        quarantined=quarantined,
    )


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The queue routes, each behind ``login_required``."""

    @login_required
    async def full(request: Request) -> Response:
        return await off_loop(_queue, request, False)

    @login_required
    async def rows(request: Request) -> Response:
        return await off_loop(_queue, request, True)

    return [Route("/", full), Route("/queue/rows", rows)]
