"""The whole path in-process (tasks run eagerly): question -> draft -> approve -> reply."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.db import transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case, Outbound, Reviewer
from consultant.review import actions
from consultant.review.passwords import hash_password
from tests.conftest import use_settings
from tests.mail import question
from tests.sink import Sink


@pytest.mark.usefixtures("eager_tasks")
def test_question_to_reply(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sink() as sink:
        settings = use_settings(monkeypatch, smtp_port=sink.port)
        with transaction() as s:
            store_inbound(
                s,
                question(
                    "Can we bill 96521 and 99211 the same day?", message_id="<ask-1@clinic.example>"
                ),
                "smtp",
            )
        case = session.scalars(select(Case)).one()
        assert case.status == states.AWAITING_REVIEW
        draft = case.drafts[-1]
        assert "96521" in draft.body_text and "[Case #" in draft.subject

        with transaction() as s:
            reviewer = Reviewer(email="r@example.org", password_hash=hash_password("pw"))
            s.add(reviewer)
            s.flush()
            live = s.get(Case, case.id)
            assert live is not None
            actions.claim(s, live, reviewer, settings)
            actions.approve(
                s,
                live,
                reviewer,
                draft.subject,
                "Edited answer: not with 99211.",
                draft.version,
                settings,
                confirmed=True,
            )
        [reply] = sink.handler.wait_for(1)
    assert isinstance(reply, EmailMessage)
    assert reply["In-Reply-To"] == "<ask-1@clinic.example>"
    assert "<ask-1@clinic.example>" in reply["References"]
    assert reply["Subject"].startswith("Re: ") and f"[Case #{case.id}/" in reply["Subject"]
    body = reply.get_body(("plain",))
    assert body is not None and "Edited answer" in body.get_content()
    session.expire_all()
    assert session.get(Case, case.id).status == states.ANSWERED  # type: ignore[union-attr]
    assert session.scalars(select(Outbound)).one().status == "sent"


def test_approve_refuses_empty_text(session: Session) -> None:
    case = Case(subject="q", requester="a@b.example", status=states.AWAITING_REVIEW)
    reviewer = Reviewer(email="r@example.org", password_hash="x")
    session.add_all([case, reviewer])
    session.flush()
    from consultant.config import get_settings

    with pytest.raises(actions.ReviewError, match="cannot be empty"):
        actions.approve(session, case, reviewer, "Re: q", "   ", 1, get_settings(), True)
