"""Cases for workspace tests and the workspace bench: reviewers, subscribers, and cases
with a question and a drafted answer, created in bulk."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.models import Case, Draft, Message, Reviewer, Subscriber, utcnow
from consultant.review.passwords import hash_password

PASSWORD = "a-test-password-1"
KINDS = ("same_day_pair", "modifier", "units", "payment", "lookup")
ANALYSIS: dict[str, Any] = {
    "question_type": "same_day_pair",
    "codes": [
        {"code": "96521", "system": "CPT", "description": "pump refill", "score": 0.93},
        {"code": "99213", "system": "CPT", "description": "office visit", "score": 0.71},
    ],
    "edits": [
        {
            "column1": "99213",
            "column2": "96521",
            "modifier_indicator": "1",
            "rationale": "Misuse of column two code",
            "release": "NCCI PTP 2025Q1",
        }
    ],
    "mue": [{"code": "96521", "units": 1, "mai": 3}],
    "warnings": ["Modifier 25 needs a separately identifiable visit."],
    "confidence": 0.9,
    "needs_expert": False,
    "sources": ["CMS NCCI PTP edits 2025Q1"],
}


def reviewer(session: Session, email: str, admin: bool = False) -> Reviewer:
    """A reviewer who logs in with ``PASSWORD``."""
    row = Reviewer(email=email, password_hash=hash_password(PASSWORD), is_admin=admin)
    session.add(row)
    session.flush()
    return row


def subscriber(session: Session, address: str, sla_hours: int, name: str = "") -> Subscriber:
    row = Subscriber(address=address, name=name or address, sla_hours=sla_hours)
    session.add(row)
    session.flush()
    return row


def one_case(
    session: Session,
    subject: str,
    text: str,
    *,
    created: datetime | None = None,
    sub: Subscriber | None = None,
    confidence: float = 0.9,
    needs_expert: bool = False,
    kind: str = "same_day_pair",
    body: str | None = None,
) -> Case:
    """An awaiting-review case with one question and the drafter's v1."""
    created = created or utcnow()
    case = Case(
        subject=subject,
        requester="coder@clinic.example",
        subscriber_id=sub.id if sub else None,
        status=states.AWAITING_REVIEW,
        created_at=created,
        needs_expert=needs_expert,
    )
    session.add(case)
    session.flush()
    question = Message(
        case_id=case.id,
        direction="in",
        message_id=f"<q{case.id}@clinic.example>",
        from_address="coder@clinic.example",
        subject=subject,
        body_text=text,
        clean_text=text,
        created_at=created,
    )
    session.add(question)
    session.flush()
    session.add(
        Draft(
            case_id=case.id,
            version=1,
            author="drafter",
            subject=f"Re: {subject}",
            body_text=body or f"Answer to: {text}\n",
            body_html="<p>drafted</p>",
            analysis=ANALYSIS | {"question_type": kind, "confidence": confidence},
            confidence=confidence,
            based_on_message_id=question.id,
        )
    )
    session.flush()
    return case


def many_cases(session: Session, count: int, now: datetime | None = None) -> None:
    """``count`` awaiting cases, one created every 10 minutes back from ``now``, inserted in
    bulk (Core inserts: the due time is set here, as the model's insert hook would)."""
    now = now or utcnow()
    rows = []
    for i in range(count):
        created = now - timedelta(minutes=10 * (count - i))
        rows.append(
            {
                "subject": f"Bulk question {i:05d} about {96500 + i % 50}",
                "requester": f"coder{i % 40}@clinic.example",
                "status": states.AWAITING_REVIEW,
                "created_at": created,
                "updated_at": created,
                "status_changed_at": created,
                "due_at": created + timedelta(hours=24),
                "kind": KINDS[i % len(KINDS)],
                "confidence": (i % 10) / 10,
                "needs_expert": i % 17 == 0,
            }
        )
    session.execute(insert(Case), rows)
    session.flush()
    ids = [
        r[0]
        for r in session.execute(
            Case.__table__.select().with_only_columns(Case.__table__.c.id).order_by(Case.id)
        ).all()
    ][-count:]
    session.execute(
        insert(Message),
        [
            {
                "case_id": case_id,
                "direction": "in",
                "message_id": f"<bulk{case_id}@clinic.example>",
                "from_address": "coder@clinic.example",
                "subject": "q",
                "body_text": f"Can we bill {96500 + i % 50} with 99213?",
                "clean_text": f"Can we bill {96500 + i % 50} with 99213?",
                "attachments": [],
                "created_at": now,
            }
            for i, case_id in enumerate(ids)
        ],
    )
    session.execute(
        insert(Draft),
        [
            {
                "case_id": case_id,
                "version": 1,
                "author": "drafter",
                "subject": "Re: q",
                "body_text": f"Report {96500 + i % 50}.\n",
                "body_html": "",
                "analysis": ANALYSIS,
                "confidence": (i % 10) / 10,
                "created_at": now,
            }
            for i, case_id in enumerate(ids)
        ],
    )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)
