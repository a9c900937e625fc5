"""A reviewer changes their own password: the current one, the new one twice.

The current password is checked like a sign-in (argon2id, and the same per-account
throttle, so a session left open cannot be used to guess it); the new one must pass the
policy. Every other session of the reviewer ends; the one making the change stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from consultant.cases import states
from consultant.config import get_settings
from consultant.db import transaction
from consultant.models import Reviewer
from consultant.review.accounts import AccountError, account_key, change_own_password
from consultant.review.auth import record_failure, retry_after
from consultant.review.pages import off_loop, page
from consultant.review.passwords import MIN_LENGTH, WeakPassword, verify_password


def _show(request: Request, status: int = 200, error: str = "", ended: int = -1) -> Response:
    return page("password.html", request, status, error=error, ended=ended, min_length=MIN_LENGTH)


def _change(request: Request, form: Any) -> Response:
    settings = get_settings()
    current = str(form.get("current", ""))
    new, repeated = str(form.get("new", "")), str(form.get("repeat", ""))
    with transaction() as session:
        reviewer = session.get(Reviewer, request.session["reviewer_id"])
        if reviewer is None or not reviewer.active:
            return _show(request, 403, "Your reviewer account is not active.")
        key = account_key(reviewer.email)
        wait, locked = retry_after(session, [key])
        if locked or wait:
            return _show(request, 429, f"Too many wrong passwords; try again in {wait} seconds.")
        if not verify_password(current, reviewer.password_hash):
            record_failure(
                session, key, settings.login_free_failures, settings.login_lockout_failures
            )
            states.audit(session, None, reviewer.email, "password_change_refused", "wrong")
            return _show(request, 422, "The current password is wrong.")
        if new == current:
            return _show(request, 422, "The new password must differ from the current one.")
        try:
            ended = change_own_password(
                session, reviewer, new, repeated, str(request.session.get("token_hash", ""))
            )
        except (AccountError, WeakPassword) as exc:  # refused before anything was written
            return _show(request, 422, str(exc))
    return RedirectResponse(f"/account/password?ended={ended}", status_code=303)


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The password page, behind ``login_required`` (its form also needs CSRF)."""

    @login_required
    async def show(request: Request) -> Response:
        ended = request.query_params.get("ended", "")
        return await off_loop(_show, request, 200, "", int(ended) if ended.isdigit() else -1)

    @login_required
    async def change(request: Request) -> Response:
        form = await request.form()
        # The hash check is deliberately slow: in the thread pool, off the event loop.
        return await off_loop(_change, request, form)

    return [
        Route("/account/password", show),
        Route("/account/password", change, methods=["POST"]),
    ]
