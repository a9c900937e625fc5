"""The reference data page: /admin/data, what ``consultant data status`` prints. Read-only
and free of PHI, so every reviewer may see which releases the answers come from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consultant.codes.releases import data_gaps, gaps_sentence
from consultant.codes.update.catalogue import CatalogueError, load_catalogue
from consultant.codes.update.status import data_status
from consultant.config import get_settings
from consultant.db import transaction


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    from consultant.review.web import page

    @login_required
    async def show(request: Request) -> Response:
        today = date.today()
        with transaction() as session:
            try:
                catalogue, problem = load_catalogue(get_settings()), ""
            except CatalogueError as exc:  # still show what is loaded
                catalogue, problem = {}, str(exc)
            rows = data_status(session, catalogue, today)
            gaps = gaps_sentence(data_gaps(session))
        return page("data.html", request, rows=rows, gaps=gaps, problem=problem, today=today)

    return [Route("/admin/data", show)]
