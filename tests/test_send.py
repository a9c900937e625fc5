"""Delivery of replies against a relay that fails the ways real relays do: a 5xx fails at
once and visibly, a 4xx or a broken connection backs off until the deadline, and a claim
is a lease that only a gone worker loses."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.config import Settings
from consultant.db import transaction
from consultant.mailout import send
from consultant.mailout import states as outbound_states
from consultant.models import AuditEvent, Case, Draft, Outbound, Reviewer, utcnow
from consultant.review import actions
from consultant.review.passwords import hash_password
from consultant.sweeper import sweep
from tests.conftest import use_settings
from tests.relay import FaultyRelay


def _approved_case(session: Session, settings: Settings) -> tuple[int, int]:
    """A case approved by a reviewer, with its reply queued; (case id, outbound id)."""
    reviewer = Reviewer(email="r@example.org", password_hash=hash_password("pw"))
    case = Case(subject="q", requester="coder@clinic.example", status=states.AWAITING_REVIEW)
    session.add_all([reviewer, case])
    session.flush()
    session.add(Draft(case_id=case.id, version=1, author="drafter", subject="Re: q", body_text="a"))
    session.flush()
    out = actions.approve(session, case, reviewer, "Re: q", "The answer.", 1, settings, True)
    session.commit()
    return case.id, out.id


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps no zone


def _attempt(out_id: int, settings: Settings) -> send.SendResult:
    """One attempt as the task makes it: claim, talk to the relay, record the outcome."""
    with transaction() as s:
        out = send.claim_outbound(s, out_id, settings)
    assert out is not None
    try:
        send.deliver(out, settings)
    except (send.TemporaryFailure, send.PermanentFailure) as exc:
        with transaction() as s:
            row = s.get(Outbound, out_id)
            assert row is not None
            return send.record_failure(s, row, exc, settings)
    with transaction() as s:
        row = s.get(Outbound, out_id)
        assert row is not None
        send.record_sent(s, row)
    return send.SendResult("sent")


def test_550_fails_at_once_and_returns_the_case_to_review(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyRelay(["550"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        case_id, out_id = _approved_case(session, settings)
        result = _attempt(out_id, settings)
    assert result.status == "failed" and "550 5.1.1" in result.error
    session.expire_all()
    out = session.get(Outbound, out_id)
    assert out is not None and out.status == outbound_states.FAILED and out.attempts == 1
    assert "550 5.1.1" in out.last_error
    case = session.get(Case, case_id)
    assert case is not None and case.status == states.AWAITING_REVIEW
    reasons = session.scalars(select(AuditEvent.reason).where(AuditEvent.case_id == case_id))
    assert any("550 5.1.1" in r for r in reasons), "the failure is on the case's record"


@pytest.mark.parametrize("fault", ["421", "451", "drop"])
def test_temporary_failures_back_off_then_deliver_once(
    session: Session, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    with FaultyRelay([fault, fault, "ok"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port, smtp_retry_first_seconds=7)
        _, out_id = _approved_case(session, settings)
        waits = []
        for _ in range(2):
            before = utcnow()
            result = _attempt(out_id, settings)
            assert result.status == "retry", result
            waits.append(result.retry_in)
            session.expire_all()
            out = session.get(Outbound, out_id)
            assert out is not None and out.status == outbound_states.QUEUED
            assert out.next_attempt_at is not None
            wait = _aware(out.next_attempt_at) - before
            assert result.retry_in - 1 < wait.total_seconds() <= result.retry_in + 1
        assert waits == [7.0, 14.0], "exponential backoff"
        assert _attempt(out_id, settings).status == "sent"
        out = session.get(Outbound, out_id, populate_existing=True)
        assert out is not None and out.status == outbound_states.SENT
        assert dict(relay.delivered) == {out.message_id: 1}


def test_an_accepted_message_is_sent_whatever_the_answer_to_quit(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyRelay(["badquit"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        _, out_id = _approved_case(session, settings)
        assert _attempt(out_id, settings).status == "sent"
        out = session.get(Outbound, out_id, populate_existing=True)
        assert out is not None and dict(relay.delivered) == {out.message_id: 1}


def test_a_temporary_failure_past_the_deadline_fails(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyRelay(["451"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        case_id, out_id = _approved_case(session, settings)
        session.get(Outbound, out_id).deliver_until = utcnow() + timedelta(seconds=2)  # type: ignore[union-attr]
        session.commit()
        result = _attempt(out_id, settings)
    assert result.status == "failed" and "deadline" in result.error
    assert session.get(Case, case_id, populate_existing=True).status == states.AWAITING_REVIEW  # type: ignore[union-attr]


def test_reviewer_retries_a_failed_reply_with_the_same_message_id(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyRelay(["550", "ok"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        case_id, out_id = _approved_case(session, settings)
        assert _attempt(out_id, settings).status == "failed"
        with transaction() as s:
            case = s.get(Case, case_id)
            reviewer = s.scalars(select(Reviewer)).one()
            assert case is not None
            out = actions.retry_delivery(s, case, reviewer, settings)
            assert out.id == out_id
        assert _attempt(out_id, settings).status == "sent"
        session.expire_all()
        out = session.get(Outbound, out_id)
        assert out is not None and dict(relay.delivered) == {out.message_id: 1}
        assert session.get(Case, case_id).status == states.ANSWERED  # type: ignore[union-attr]


def test_a_reply_whose_answer_was_lost_is_never_a_plain_failure(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relay kept the message but its 250 never came (RFC 1047): the reply is tried
    again, and when that attempt is refused the row is uncertain, not failed, since the
    asker may have the first copy; a reviewer's retry still works."""
    with FaultyRelay(["taken-drop", "550", "ok"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        case_id, out_id = _approved_case(session, settings)
        first = _attempt(out_id, settings)
        assert first.status == "retry" and "may have accepted" in first.error
        out = session.get(Outbound, out_id, populate_existing=True)
        assert out is not None and out.maybe_accepted_at is not None
        assert dict(relay.delivered) == {out.message_id: 1}
        second = _attempt(out_id, settings)
        assert second.status == outbound_states.UNCERTAIN, second
        out = session.get(Outbound, out_id, populate_existing=True)
        assert out is not None and out.status == outbound_states.UNCERTAIN
        assert "550 5.1.1" in out.last_error and "may already have" in out.last_error
        case = session.get(Case, case_id, populate_existing=True)
        assert case is not None and case.status == states.AWAITING_REVIEW, "it shows"
        reasons = session.scalars(select(AuditEvent.reason).where(AuditEvent.case_id == case_id))
        assert any(r.startswith("delivery uncertain") for r in reasons)
        with transaction() as s:
            case = s.get(Case, case_id)
            assert case is not None and actions.failed_reply(s, case) is not None
            actions.retry_delivery(s, case, s.scalars(select(Reviewer)).one(), settings)
        assert _attempt(out_id, settings).status == "sent"
        assert relay.delivered[out.message_id] == 2, "the same Message-ID, sent again"


def test_a_refusal_before_the_message_went_out_is_a_plain_failure(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 421 at the greeting leaves nothing with the relay and a 451 after the data is an
    answer: neither can have left a copy, so the 550 that follows fails the reply plainly.
    (A ``drop`` mid-DATA cannot be told from a lost answer by the sender, whose kernel has
    taken the whole message: it counts as one.)"""
    with FaultyRelay(["421", "451", "550"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        _, out_id = _approved_case(session, settings)
        outcomes = [_attempt(out_id, settings).status for _ in range(3)]
        assert outcomes == ["retry", "retry", "failed"]
        out = session.get(Outbound, out_id, populate_existing=True)
        assert out is not None and out.maybe_accepted_at is None and not relay.delivered


def test_a_claim_is_a_lease(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = use_settings(monkeypatch, smtp_timeout_seconds=2)
    _, out_id = _approved_case(session, settings)
    with transaction() as s:
        out = send.claim_outbound(s, out_id, settings)
        assert out is not None and out.claimed_by == send.worker_identity()
        assert out.lease_until is not None
        lease = (out.lease_until - utcnow()).total_seconds()
        assert send.LEASE_TIMEOUTS * 2 - 2 < lease <= send.LEASE_TIMEOUTS * 2
    with transaction() as s:
        assert send.claim_outbound(s, out_id, settings) is None, "claimed once only"
        assert sweep(s, 0).reclaimed == 0, "the lease has not passed"


def _expire_lease(out_id: int, claimed_by: str) -> None:
    with transaction() as s:
        out = s.get(Outbound, out_id)
        assert out is not None
        out.lease_until = utcnow() - timedelta(seconds=1)
        out.claimed_by = claimed_by


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_expired_lease_is_taken_back_only_from_a_gone_worker(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = use_settings(monkeypatch)
    _, out_id = _approved_case(session, settings)
    with transaction() as s:
        assert send.claim_outbound(s, out_id, settings) is not None
    # Expired, but the claimant (this very process) is alive: it may still be talking.
    _expire_lease(out_id, send.worker_identity())
    with transaction() as s:
        assert sweep(s, 0).reclaimed == 0
    host = send.worker_identity().rpartition(":")[0]
    _expire_lease(out_id, f"{host}:{_dead_pid()}")
    with transaction() as s:
        assert sweep(s, 0).reclaimed == 1
    out = session.get(Outbound, out_id, populate_existing=True)
    assert out is not None and out.status == outbound_states.QUEUED
    # The dead worker may have died after the relay's 250: a refusal now is uncertain.
    assert out.maybe_accepted_at is not None
    with FaultyRelay(["550"]) as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port)
        assert _attempt(out_id, settings).status == outbound_states.UNCERTAIN


def test_no_message_goes_out_when_the_lease_would_run_out(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyRelay() as relay:
        settings = use_settings(monkeypatch, smtp_port=relay.port, smtp_timeout_seconds=5)
        _, out_id = _approved_case(session, settings)
        with transaction() as s:
            out = send.claim_outbound(s, out_id, settings)
            assert out is not None
            out.lease_until = utcnow() + timedelta(seconds=send.DATA_TIMEOUTS * 5 - 1)
        with pytest.raises(send.TemporaryFailure, match="claim would run out"):
            send.deliver(out, settings)
    assert not relay.delivered
