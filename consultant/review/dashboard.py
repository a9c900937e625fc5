"""The dashboard: volume, time to answer, SLA, and how much reviewers change the drafts.

A draft approved unchanged is a direct measure of draft quality; the size of an edit is
one minus difflib's similarity between the drafter's text and the text that was sent.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consultant.db import transaction
from consultant.models import AuditEvent, Case, Draft, Outbound, Subscriber, utcnow
from consultant.review.actions import aware
from consultant.review.charts import bar_chart, stacked_bars
from consultant.review.pages import off_loop, page

EDITED_AT_LEAST = 0.5  # similarity below this counts as a rewrite
OUTCOMES = ("unchanged", "edited", "rewritten")


def outcome(drafted: str, sent: str) -> tuple[str, float]:
    """How the sent text relates to the drafter's: the outcome and the edit size (0..1)."""
    if drafted.strip() == sent.strip():
        return "unchanged", 0.0
    ratio = SequenceMatcher(None, drafted, sent, autojunk=False).ratio()
    return ("edited" if ratio >= EDITED_AT_LEAST else "rewritten"), 1.0 - ratio


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Group:
    name: str
    answered: int = 0
    hours: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    edit_sizes: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None

    @property
    def mean_edit(self) -> float | None:
        return statistics.fmean(self.edit_sizes) if self.edit_sizes else None


@dataclass
class Dashboard:
    days: int
    per_day: list[tuple[str, int]]
    questions: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    sla_met: int
    sla_total: int
    outcomes: Counter[str]
    per_reviewer: list[Group]
    per_kind: list[Group]
    per_subscriber: list[Group]

    @property
    def sla_share(self) -> float | None:
        return self.sla_met / self.sla_total if self.sla_total else None


def figures(session: Session, days: int = 30, now: datetime | None = None) -> Dashboard:
    """The dashboard's figures over the last ``days`` days (cases opened in the window)."""
    now = now or utcnow()
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.created_at >= start)).all()}
    per_day = Counter(aware(c.created_at).date().isoformat() for c in cases.values())  # type: ignore[union-attr]
    day_labels = [(start + timedelta(days=i)).date().isoformat() for i in range(days)]
    subscribers = dict(session.execute(select(Subscriber.id, Subscriber.address)).all())
    replies = session.scalars(
        select(Outbound)
        .where(
            Outbound.case_id.in_(list(cases)),
            Outbound.kind == "reply",
            Outbound.draft_id.is_not(None),
            Outbound.sent_at.is_not(None),
        )
        .order_by(Outbound.sent_at)
    ).all()
    first_reply: dict[int, Outbound] = {}
    for out in replies:
        first_reply.setdefault(out.case_id, out)  # type: ignore[arg-type]
    drafts = {
        d.id: d
        for d in session.scalars(select(Draft).where(Draft.case_id.in_(list(first_reply)))).all()
    }
    drafted: dict[int, list[Draft]] = defaultdict(list)
    for d in drafts.values():
        if d.author == "drafter":
            drafted[d.case_id].append(d)
    approvers = {
        (e.case_id, e.reason): e.actor
        for e in session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id.in_(list(first_reply)), AuditEvent.to_status == "approved"
            )
        )
    }
    groups: dict[str, dict[str, Group]] = {"reviewer": {}, "kind": {}, "subscriber": {}}
    hours: list[float] = []
    outcomes: Counter[str] = Counter()
    sla_met = 0
    for case_id, out in first_reply.items():
        case = cases[case_id]
        sent = aware(out.sent_at)
        created = aware(case.created_at)
        assert sent is not None and created is not None
        waited = (sent - created).total_seconds() / 3600
        hours.append(waited)
        due = aware(case.due_at)
        if due is not None and sent <= due:
            sla_met += 1
        approved = drafts.get(out.draft_id or 0)
        before = [d for d in drafted[case_id] if approved and d.version <= approved.version]
        result, size = (
            outcome(before[-1].body_text if before else "", approved.body_text)
            if approved and before
            else ("rewritten", 1.0)
        )
        outcomes[result] += 1
        reviewer = approvers.get((case_id, f"draft v{approved.version}" if approved else ""), "?")
        keys = {
            "reviewer": reviewer,
            "kind": case.kind or "unknown",
            "subscriber": subscribers.get(case.subscriber_id or 0, "no subscriber"),
        }
        for dimension, name in keys.items():
            group = groups[dimension].setdefault(name, Group(name))
            group.answered += 1
            group.hours.append(waited)
            group.outcomes[result] += 1
            group.edit_sizes.append(size)
    return Dashboard(
        days=days,
        per_day=[(label, per_day.get(label, 0)) for label in day_labels],
        questions=len(cases),
        answered=len(first_reply),
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=percentile(hours, 0.9),
        sla_met=sla_met,
        sla_total=len(first_reply),
        outcomes=outcomes,
        per_reviewer=sorted(groups["reviewer"].values(), key=lambda g: -g.answered),
        per_kind=sorted(groups["kind"].values(), key=lambda g: -g.answered),
        per_subscriber=sorted(groups["subscriber"].values(), key=lambda g: -g.answered),
    )


def _dashboard(request: Request) -> Response:
    try:
        days = min(365, max(1, int(request.query_params.get("days", "30"))))
    except ValueError:
        days = 30
    with transaction() as session:
        board = figures(session, days)
    return page(
        "dashboard.html",
        request,
        board=board,
        outcome_names=OUTCOMES,
        per_day_chart=bar_chart(board.per_day, "Questions per day"),
        reviewer_chart=stacked_bars(
            [(g.name, [g.outcomes[o] for o in OUTCOMES]) for g in board.per_reviewer],
            OUTCOMES,
            "Drafts approved unchanged, edited or rewritten, per reviewer",
        ),
    )


def routes(login_required: Callable[[Any], Any]) -> list[Route]:
    """The dashboard route, behind ``login_required``."""

    @login_required
    async def show(request: Request) -> Response:
        return await off_loop(_dashboard, request)

    return [Route("/dashboard", show)]
