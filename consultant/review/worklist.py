"""The reviewers' queue: filters, search, due times and keyset pagination.

Cases are listed by due time, so the overdue ones come first, then by id. Paging is by
keyset (the last row's due time and id), so every case stays reachable however many
there are and a page costs the same at the end as at the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from time import monotonic
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlalchemy import Select, and_, case, func, select, text, tuple_, union
from sqlalchemy.orm import Session, aliased

from consultant.cases import states
from consultant.models import Case, Draft, Message, Reviewer, Subscriber, utcnow
from consultant.review.actions import aware

AnySelect = TypeVar("AnySelect", bound=Select)

PAGE_SIZE = 50
OPEN = (states.AWAITING_REVIEW, states.IN_REVIEW)
# Confidence bands the filter offers: (lowest included, highest excluded).
CONFIDENCE_BANDS = {"low": (0.0, 0.5), "medium": (0.5, 0.8), "high": (0.8, 1.01)}


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer asked the queue for; every field comes from the query string."""

    status: str = "open"  # open | all | one status
    assignee: str = ""  # "" any | me | none | a reviewer id
    kind: str = ""
    confidence: str = ""  # "" | low | medium | high
    expert: bool = False
    subscriber: str = ""  # a subscriber id
    q: str = ""
    after: str = ""  # keyset cursor: "<due time ISO>_<case id>"

    @classmethod
    def from_params(cls, params: Any) -> QueueFilters:
        """Read the filters from request query parameters, ignoring junk."""
        confidence = str(params.get("confidence", ""))
        return cls(
            status=str(params.get("status", "open")) or "open",
            assignee=str(params.get("assignee", "")),
            kind=str(params.get("kind", ""))[:30],
            confidence=confidence if confidence in CONFIDENCE_BANDS else "",
            expert=params.get("expert") in ("1", "on", "true"),
            subscriber=str(params.get("subscriber", "")),
            q=str(params.get("q", "")).strip()[:200],
            after=str(params.get("after", "")),
        )

    def query(self, **changes: Any) -> str:
        """This filter set as a query string, with ``changes`` applied."""
        values = replace(self, **changes)
        pairs = {
            "status": values.status,
            "assignee": values.assignee,
            "kind": values.kind,
            "confidence": values.confidence,
            "expert": "1" if values.expert else "",
            "subscriber": values.subscriber,
            "q": values.q,
            "after": values.after,
        }
        return urlencode(
            {k: v for k, v in pairs.items() if v and not (k == "status" and v == "open")}
        )


@dataclass
class QueueRow:
    id: int
    subject: str
    requester: str
    subscriber: str
    status: str
    assignee: str
    kind: str
    confidence: float | None
    needs_expert: bool
    due_at: datetime | None
    overdue: bool
    due_label: str
    age_label: str
    version: int | None
    second_review: bool


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str
    counts: dict[str, int]
    overdue: int
    total: int
    kinds: list[str] = field(default_factory=list)
    reviewers: list[tuple[int, str]] = field(default_factory=list)
    subscribers: list[tuple[int, str]] = field(default_factory=list)


def _filtered(
    query: AnySelect, filters: QueueFilters, reviewer_id: int, dialect: str = ""
) -> AnySelect:
    """``query`` narrowed to the cases ``filters`` asks for."""
    if filters.status == "open":
        query = query.where(Case.status.in_(OPEN))
    elif filters.status in states.STATUSES:
        query = query.where(Case.status == filters.status)
    if filters.assignee == "me":
        query = query.where(Case.claimed_by_id == reviewer_id)
    elif filters.assignee == "none":
        query = query.where(Case.claimed_by_id.is_(None))
    elif filters.assignee.isdigit():
        query = query.where(Case.claimed_by_id == int(filters.assignee))
    if filters.kind:
        query = query.where(Case.kind == filters.kind)
    if filters.confidence:
        low, high = CONFIDENCE_BANDS[filters.confidence]
        query = query.where(Case.confidence >= low, Case.confidence < high)
    if filters.expert:
        query = query.where(Case.needs_expert.is_(True))
    if filters.subscriber.isdigit():
        query = query.where(Case.subscriber_id == int(filters.subscriber))
    if filters.q:
        query = query.where(_search(filters.q, dialect))
    return query


def _search(text: str, dialect: str) -> Any:
    """Subject, the redacted question text, or the draft (which names the codes).

    Each table is searched once for the matching case ids, rather than probed per case.
    SQLite's LIKE already ignores case (for ASCII), at a fraction of lower()'s cost.
    """
    pattern = f"%{text}%"

    def matches(column: Any) -> Any:
        return column.like(pattern) if dialect == "sqlite" else column.ilike(pattern)

    # One set of ids from three lookups, each of which Postgres answers from its trigram
    # index (migration wt10_search_trigram); SQLite scans the three texts once each.
    return Case.id.in_(
        union(
            select(Case.id).where(matches(Case.subject)),
            select(Message.case_id).where(matches(Message.clean_text)),
            select(Draft.case_id).where(matches(Draft.body_text)),
        )
    )


def _cursor(due_at: datetime | None, case_id: int) -> str:
    due = aware(due_at) or datetime(1970, 1, 1, tzinfo=UTC)
    return f"{due.isoformat()}_{case_id}"


def _after(cursor: str) -> Any | None:
    due_text, _, id_text = cursor.rpartition("_")
    try:
        due = datetime.fromisoformat(due_text)
        case_id = int(id_text)
    except ValueError:
        return None
    due = aware(due) or due
    # A row-value comparison, not "due > x OR (due = x AND id > y)": both databases read
    # it as one range of the (due_at, id) index and start the page where the last ended.
    return tuple_(Case.due_at, Case.id) > tuple_(due, case_id)


def queue_page(
    session: Session,
    filters: QueueFilters,
    reviewer_id: int,
    page_size: int = PAGE_SIZE,
    claim_minutes: int = 30,
    counts_seconds: float = 0.0,
) -> QueuePage:
    """One page of the queue for ``filters``, with the counts the header shows.

    ``counts_seconds`` lets the counts by status and the number of matching cases be up
    to that old (per process): the figures that read every case, shown on every page view
    and every poll.
    """
    claimer = aliased(Reviewer)
    # Columns, not entities: a page is read-only and this is the busiest query there is.
    columns = (
        select(
            Case.id,
            Case.subject,
            Case.requester,
            Case.status,
            Case.kind,
            Case.confidence,
            Case.needs_expert,
            Case.due_at,
            Case.created_at,
            Case.first_approved_by_id,
            Case.claimed_at,
            claimer.email,
            func.coalesce(func.nullif(Subscriber.name, ""), Subscriber.address),
        )
        .outerjoin(claimer, claimer.id == Case.claimed_by_id)
        .outerjoin(Subscriber, Subscriber.id == Case.subscriber_id)
    )
    dialect = session.get_bind().dialect.name
    query = _filtered(columns, filters, reviewer_id, dialect)
    query = query.order_by(Case.due_at, Case.id).limit(page_size + 1)
    if filters.after and (after := _after(filters.after)) is not None:
        query = query.where(after)
    found = session.execute(query).all()
    more = len(found) > page_size
    found = found[:page_size]
    versions = dict(
        session.execute(
            select(Draft.case_id, func.max(Draft.version))
            .where(Draft.case_id.in_([r.id for r in found]))
            .group_by(Draft.case_id)
        ).all()
    )
    now = utcnow()
    lapse = now - timedelta(minutes=claim_minutes)
    rows = [_row(r, versions, now, lapse) for r in found]
    counts, overdue = _recent_counts(session, now, counts_seconds)
    if filters == QueueFilters(after=filters.after):  # the plain open queue
        total = sum(counts.get(s, 0) for s in OPEN)
    elif filters.q and not filters.after and not more:
        total = len(rows)  # a search is costly: count it again only when it has pages
    else:
        total = _recent_total(session, filters, reviewer_id, dialect, counts_seconds)
    return QueuePage(
        rows=rows,
        next_cursor=_cursor(found[-1].due_at, found[-1].id) if more and found else "",
        counts=counts,
        overdue=overdue,
        total=int(total),
    )


def status_counts(session: Session, now: datetime) -> tuple[dict[str, int], int]:
    """Cases per status and the open ones past their due time, in one pass over the
    (status, due_at) index rather than one count per figure."""
    late = func.sum(case((and_(Case.status.in_(OPEN), Case.due_at < now), 1), else_=0))
    rows = session.execute(select(Case.status, func.count(), late).group_by(Case.status)).all()
    return {s: int(n) for s, n, _ in rows}, sum(int(o or 0) for _, _, o in rows)


_counted: dict[str, tuple[float, dict[str, int], int]] = {}


def forget_counts() -> None:
    """Count afresh at the next view: after a reviewer's own action, so the queue they
    return to shows its effect (other processes' changes still show within the delay)."""
    _counted.clear()
    _totals.clear()


def _recent_counts(session: Session, now: datetime, seconds: float) -> tuple[dict[str, int], int]:
    key = str(session.get_bind().engine.url)
    at, counts, overdue = _counted.get(key, (0.0, {}, 0))
    if monotonic() - at >= seconds:
        counts, overdue = status_counts(session, now)
        _counted[key] = (monotonic(), counts, overdue)
    return counts, overdue


_totals: dict[tuple[str, QueueFilters, int], tuple[float, int]] = {}


def _recent_total(
    session: Session, filters: QueueFilters, reviewer_id: int, dialect: str, seconds: float
) -> int:
    """How many cases match ``filters`` (whatever the page), at most ``seconds`` old."""
    mine = reviewer_id if filters.assignee == "me" else 0
    key = (str(session.get_bind().engine.url), replace(filters, after=""), mine)
    at, total = _totals.get(key, (0.0, 0))
    if monotonic() - at >= seconds:
        counting = select(func.count()).select_from(Case)
        total = int(session.scalar(_filtered(counting, filters, reviewer_id, dialect)) or 0)
        if len(_totals) > 1000:  # filters come from query strings: keep the map bounded
            _totals.clear()
        _totals[key] = (monotonic(), total)
    return total


def refresh_statistics(session: Session) -> None:
    """Let SQLite's planner know the cases table (Postgres's autovacuum does this itself).

    Without statistics SQLite reads every open case through the status index and sorts
    them; with them it walks the (due_at, id) index and stops after one page.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE cases"))


def filter_choices(session: Session, page: QueuePage) -> None:
    """The values the filter menus offer: kinds seen, reviewers, subscribers."""
    page.kinds = _kinds(session)
    # Columns, not rows: a reviewer row carries an encrypted secret to decrypt.
    page.reviewers = [
        (r.id, r.email)
        for r in session.execute(
            select(Reviewer.id, Reviewer.email).where(Reviewer.active).order_by(Reviewer.email)
        )
    ]
    page.subscribers = [
        (s.id, s.name or s.address)
        for s in session.execute(
            select(Subscriber.id, Subscriber.name, Subscriber.address).order_by(Subscriber.address)
        )
    ]


# Kinds of question seen, per database: DISTINCT reads every case, and the menu gains a
# kind at most every few days, so a minute's delay in showing a new one costs nothing.
_KINDS_SECONDS = 60.0
_kinds_seen: dict[str, tuple[float, list[str]]] = {}


def _kinds(session: Session) -> list[str]:
    key = str(session.get_bind().engine.url)
    at, kinds = _kinds_seen.get(key, (0.0, []))
    if monotonic() - at > _KINDS_SECONDS or not kinds:
        kinds = sorted(k for k in session.scalars(select(Case.kind).distinct()).all() if k)
        _kinds_seen[key] = (monotonic(), kinds)
    return kinds


def _row(r: Any, versions: dict[int, int], now: datetime, lapse: datetime) -> QueueRow:
    due = aware(r.due_at)
    created = aware(r.created_at) or now
    overdue = bool(r.status in OPEN and due is not None and due < now)
    if due is None:
        due_label = ""
    elif overdue:
        due_label = f"overdue {span(now - due)}"
    else:
        due_label = f"in {span(due - now)}" if due > now else f"{span(now - due)} ago"
    return QueueRow(
        id=r.id,
        subject=r.subject,
        requester=r.requester,
        subscriber=r[12] or "",
        status=r.status,
        assignee=(r.email or "") if r.status != states.IN_REVIEW else _holder(r, lapse),
        kind=r.kind,
        confidence=r.confidence,
        needs_expert=r.needs_expert,
        due_at=due,
        overdue=overdue,
        due_label=due_label,
        age_label=span(now - created),
        version=versions.get(r.id),
        second_review=r.first_approved_by_id is not None,
    )


def _holder(r: Any, lapse: datetime) -> str:
    """Who holds an in-review case; a lapsed claim says so (anyone may take it over)."""
    claimed_at = aware(r.claimed_at)
    if not r.email:
        return ""
    return r.email if claimed_at is not None and claimed_at >= lapse else f"{r.email} (lapsed)"


def span(delta: Any) -> str:
    """A duration as a reviewer reads it: 5 min, 3 h, 2 d."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
