"""Code pages in the workspace: /codes/CODE and the search box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consultant.codes.page import code_page
from consultant.codes.search import search
from consultant.db import transaction
from consultant.review.pages import off_loop, page


def routes(login_required: Callable[[Any], Any]) -> list[Route]:

    def _show(request: Request) -> Response:
        code = request.path_params["code"].upper()
        locality = request.query_params.get("locality", "")
        with transaction() as session:
            info = code_page(session, code, locality=locality or None)
        if info is None:
            return page("not_found.html", request, 404, what=f"Code {code}")
        return page("code.html", request, info=info)

    def _find(request: Request) -> Response:
        query = request.query_params.get("q", "")
        with transaction() as session:
            hits = search(session, query, limit=25) if query else []
        return page("search.html", request, q=query, hits=hits)

    @login_required
    async def show(request: Request) -> Response:
        return await off_loop(_show, request)

    @login_required
    async def find(request: Request) -> Response:
        return await off_loop(_find, request)

    return [Route("/codes/{code:str}", show), Route("/codes", find)]
