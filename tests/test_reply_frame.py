"""A reply carries one greeting and one closing: the admin-editable frame's, whose defaults
are the reply templates' files; the drafter's body carries neither."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.db import transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case, Draft, ReplyFrame
from consultant.review.reply_frame import DEFAULT_CLOSING, DEFAULT_GREETING, framed
from tests import workspace_data as data
from tests.conftest import use_settings
from tests.mail import question
from tests.sink import Sink
from tests.test_workspace import act, login

GREETING = re.compile(r"^\s*(?:<p>)?(?:hello|hi|dear)\b", re.I | re.M)


def _parts(reply: EmailMessage) -> tuple[str, str]:
    text, html = reply.get_body(("plain",)), reply.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _approve_drafted(session: Session, sink: Sink, message_id: str, count: int) -> EmailMessage:
    with transaction() as s:
        store_inbound(
            s,
            question("Can we bill 96521 with 99213 the same day?", message_id=message_id),
            "smtp",
        )
    session.expire_all()
    case = session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert case is not None
    draft = session.scalars(select(Draft).where(Draft.case_id == case.id)).one()
    # The reviewer edits the answer alone: the frame is added when the reply is queued.
    assert not GREETING.search(draft.body_text) and "Kind regards" not in draft.body_text
    assert not GREETING.search(draft.body_html) and "Kind regards" not in draft.body_html
    a, csrf = login("a@desk.example")
    fields = {"subject": draft.subject, "body": draft.body_text, "confirmed": "yes"}
    assert act(a, csrf, case.id, "approve", version=1, **fields).status_code == 303
    return sink.handler.wait_for(count)[-1]  # type: ignore[no-any-return]


@pytest.mark.usefixtures("eager_tasks")
def test_a_sent_reply_has_one_greeting_and_one_closing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consultant.codes.knowledge import load_bundled_knowledge

    load_bundled_knowledge(session)
    data.reviewer(session, "a@desk.example")
    session.commit()
    with Sink() as sink:
        use_settings(monkeypatch, smtp_port=sink.port)
        # No admin frame yet: the defaults from templates/reply.
        text, html = _parts(_approve_drafted(session, sink, "<frame-1@clinic.example>", 1))
        for part in (text, html):
            assert len(GREETING.findall(part)) == 1, part
            assert part.count("Kind regards") == 1, part
        assert text.startswith("Hello Pat Coder,") and "Hello Pat Coder," in html
        # The admin's words replace the defaults, and still only once each.
        with transaction() as s:
            s.add(ReplyFrame(greeting="Dear {name},", closing="Best wishes,\nThe coding desk"))
        text, html = _parts(_approve_drafted(session, sink, "<frame-2@clinic.example>", 2))
        for part in (text, html):
            assert len(GREETING.findall(part)) == 1, part
            assert "Dear Pat Coder," in part and part.count("Best wishes") == 1
            assert "Kind regards" not in part, part


def test_a_body_that_already_greets_gives_way_to_the_frame() -> None:
    """Drafts written before the frame owned the greeting carry their own."""
    frame = ReplyFrame(greeting=DEFAULT_GREETING, closing=DEFAULT_CLOSING)
    body = f"Hello,\n\nBill 96521 once.\n\n{DEFAULT_CLOSING}\n\nGuidance only.\n"
    html = (
        '<div style="x">\n<p>Hello,</p>\n<p><strong>Bill 96521 once.</strong></p>\n'
        "<p>Kind regards,<br>Consultant coding desk</p>\n<p>Guidance only.</p></div>"
    )
    text, html = framed(frame, "Pat", body, html)
    assert text == (
        "Hello Pat,\n\nBill 96521 once.\n\nGuidance only.\n\nKind regards,\nConsultant coding desk\n"
    )
    assert text.startswith("Hello Pat,") and text.count("Kind regards") == 1
    assert html.count("Hello") == 1 and html.count("Kind regards") == 1
    assert html.startswith("<p>Hello Pat,</p>")
