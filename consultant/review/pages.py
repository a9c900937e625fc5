"""Rendering workspace pages, and running blocking work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse

from consultant.templating import render

T = TypeVar("T")


def page(name: str, request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A workspace template with the reviewer's email and the form token filled in."""
    context.setdefault("reviewer_email", request.session.get("email"))
    context.setdefault("csrf", request.session.get("csrf", ""))
    return HTMLResponse(render(f"workspace/{name}", **context), status_code=status_code)


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Run database work (and anything else that blocks) in the thread pool, so that one
    slow query never stalls the other reviewers' requests."""
    return await run_in_threadpool(work, *args)
