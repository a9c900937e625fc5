"""The reviewers' workspace over HTTP: the paged queue, claims, versioned actions, second
review, asking for information, attachments, the dashboard and the JSON API."""

from __future__ import annotations

import statistics
import threading
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from consultant.cases import states
from consultant.db import transaction
from consultant.mailin.store import store_inbound
from consultant.models import AuditEvent, Case, Draft, InboundMail, Outbound, Reviewer, utcnow
from consultant.review.api import issue_token
from consultant.review.evidence import read_evidence
from consultant.review.thread import safe_html
from consultant.review.web import create_app
from tests import workspace_data as data
from tests.conftest import use_settings
from tests.mail import question
from tests.sink import Sink
from tests.workspace import login as sign_in
from tests.workspace import session_csrf


def login(email: str) -> tuple[TestClient, str]:
    client = TestClient(create_app())
    assert sign_in(client, email, data.PASSWORD) == 303
    return client, session_csrf(client)


def act(client: TestClient, csrf: str, case_id: int, action: str, **fields: Any) -> Any:
    return client.post(
        f"/cases/{case_id}/{action}",
        data={"csrf": csrf, **{k: str(v) for k, v in fields.items()}},
        follow_redirects=False,
    )


def test_queue_pages_through_every_case_overdue_first(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    data.many_cases(session, 130)
    rush = data.subscriber(session, "@rush.example", sla_hours=4)
    old = utcnow() - timedelta(hours=10)
    overdue = [
        data.one_case(session, f"Rush {i}", "Urgent 96521?", created=old, sub=rush)
        for i in range(3)
    ]
    session.commit()
    client, _ = login("a@desk.example")
    first = client.get("/")
    assert "awaiting review: <span" in first.text and ">133<" in first.text
    assert "3 overdue" in first.text
    seen: list[int] = []
    page = first.text
    for _ in range(10):
        seen += [int(x) for x in _case_ids(page)]
        if 'id="next-page"' not in page:
            break
        href = page.split('id="next-page" href="')[1].split('"')[0].replace("&amp;", "&")
        page = client.get(href).text
    all_ids = set(session.scalars(select(Case.id)).all())
    assert len(seen) == len(set(seen)) == len(all_ids) == 133
    assert set(seen) == all_ids
    # Most urgent first: the overdue cases lead, highlighted.
    assert seen[:3] == [c.id for c in overdue]
    assert first.text.count('class="overdue"') == 3


def _case_ids(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('<tr data-case="')[1:]]


def test_filters_and_search(session: Session) -> None:
    a = data.reviewer(session, "a@desk.example")
    sub = data.subscriber(session, "@ortho.example", sla_hours=48, name="Ortho group")
    pump = data.one_case(session, "Pump refill", "Refill of a pump", kind="units", confidence=0.3)
    visit = data.one_case(
        session,
        "Visit and injection",
        "Visit",
        sub=sub,
        needs_expert=True,
        body="Report 20610 with 99213.\n",
    )
    session.commit()
    client, csrf = login("a@desk.example")

    def ids(**params: str) -> set[int]:
        return {int(x) for x in _case_ids(client.get("/", params=params).text)}

    assert ids() == {pump.id, visit.id}
    assert ids(kind="units") == {pump.id}
    assert ids(confidence="low") == {pump.id}
    assert ids(confidence="high") == {visit.id}
    assert ids(expert="1") == {visit.id}
    assert ids(subscriber=str(sub.id)) == {visit.id}
    assert ids(q="refill") == {pump.id}  # the subject
    assert ids(q="PUMP REFILL") == {pump.id}  # whatever the case
    assert ids(q="20610") == {visit.id}  # a code in the draft
    assert ids(q="nothing like it") == set()
    assert act(client, csrf, pump.id, "claim", version=1).status_code == 303
    assert ids(assignee="me") == {pump.id}
    assert ids(assignee="none") == {visit.id}
    assert ids(assignee=str(a.id)) == {pump.id}
    # The polled fragment carries the same rows and the counts, without the filter form.
    fragment = client.get("/queue/rows", params={"kind": "units"}).text
    assert _case_ids(fragment) == [str(pump.id)] and "<form" not in fragment


def test_one_claim_at_a_time_and_the_other_reviewer_sees_it(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    session.commit()
    a, a_csrf = login("a@desk.example")
    b, b_csrf = login("b@desk.example")
    results: list[int] = []
    start = threading.Barrier(2)

    def claim(client: TestClient, csrf: str) -> None:
        start.wait()
        results.append(act(client, csrf, case.id, "claim", version=1).status_code)

    threads = [threading.Thread(target=claim, args=pair) for pair in ((a, a_csrf), (b, b_csrf))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [303, 422]
    session.expire_all()
    holder = session.get(Reviewer, session.get(Case, case.id).claimed_by_id)  # type: ignore[union-attr]
    assert holder is not None
    loser = b if holder.email == "a@desk.example" else a
    loser_csrf = b_csrf if loser is b else a_csrf
    page = loser.get(f"/cases/{case.id}").text
    assert f"claimed by <strong>{holder.email}</strong>" in page
    refused = act(
        loser, loser_csrf, case.id, "approve", subject="Re: x", body="y", version=1, confirmed="yes"
    )
    assert refused.status_code == 422 and "is working on this case" in refused.text
    claims = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.to_status == states.IN_REVIEW)
    )
    assert claims == 1


def test_a_stale_claim_can_be_taken_over(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    session.commit()
    a, a_csrf = login("a@desk.example")
    assert act(a, a_csrf, case.id, "claim", version=1).status_code == 303
    with transaction() as s:
        row = s.get(Case, case.id)
        assert row is not None
        row.claimed_at = utcnow() - timedelta(minutes=31)
    b, b_csrf = login("b@desk.example")
    assert "a@desk.example (lapsed)" in b.get("/").text
    assert act(b, b_csrf, case.id, "claim", version=1).status_code == 303
    assert "claimed by <strong>you</strong>" in b.get(f"/cases/{case.id}").text
    assert "b@desk.example</td>" in a.get("/").text


def test_a_stale_approve_is_refused_with_the_newer_version_shown(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    session.commit()
    b, b_csrf = login("b@desk.example")
    b.get(f"/cases/{case.id}")  # B reads v1
    a, a_csrf = login("a@desk.example")
    saved = act(
        a,
        a_csrf,
        case.id,
        "save",
        subject="Re: Pump refill",
        body="A's careful rewrite.",
        version=1,
    )
    assert saved.status_code == 303
    assert act(a, a_csrf, case.id, "release", version=2).status_code == 303
    stale = act(
        b,
        b_csrf,
        case.id,
        "approve",
        subject="Re: Pump refill",
        body="B's old text.",
        version=1,
        confirmed="yes",
    )
    assert stale.status_code == 409
    assert "Draft v2 by a@desk.example is newer" in stale.text
    assert "A&#39;s careful rewrite." in stale.text and "B&#39;s old text." in stale.text
    session.expire_all()
    assert session.scalars(select(Outbound)).first() is None
    assert session.get(Case, case.id).status == states.AWAITING_REVIEW  # type: ignore[union-attr]


def test_approve_needs_the_confirmation(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    session.commit()
    a, csrf = login("a@desk.example")
    page = a.get(f"/cases/{case.id}").text
    # Enter in a field presses the form's first submit button: it must save, not send.
    form = page.split('id="reply-form"')[1].split("</form>")[0]
    first_submit = form.split('type="submit"')[1][:200]
    assert 'id="save"' in first_submit
    refused = act(a, csrf, case.id, "approve", subject="Re: Pump refill", body="Text.", version=1)
    assert refused.status_code == 422 and "confirm" in refused.text
    session.expire_all()
    assert session.scalars(select(Outbound)).first() is None


def test_second_review_for_low_confidence(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_settings(monkeypatch, second_review_below=0.5)
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    case = data.one_case(session, "Odd question", "Something rare", confidence=0.3)
    sure = data.one_case(session, "Plain question", "96521?", confidence=0.9)
    session.commit()
    a, a_csrf = login("a@desk.example")
    form = {"subject": "Re: Odd question", "body": "Careful answer.", "confirmed": "yes"}
    assert act(a, a_csrf, case.id, "approve", version=1, **form).status_code == 303
    session.expire_all()
    row = session.get(Case, case.id)
    assert (
        row is not None and row.status == states.AWAITING_REVIEW and row.first_approved_version == 2
    )
    assert session.scalars(select(Outbound)).first() is None
    assert "a second reviewer must approve" in a.get(f"/cases/{case.id}").text
    again = act(a, a_csrf, case.id, "approve", version=2, **form)
    assert again.status_code == 422 and "someone else must approve" in again.text
    b, b_csrf = login("b@desk.example")
    assert act(b, b_csrf, case.id, "approve", version=2, **form).status_code == 303
    # A confident draft needs one approval.
    assert (
        act(
            b,
            b_csrf,
            sure.id,
            "approve",
            version=1,
            subject="Re: Plain question",
            body="Yes.",
            confirmed="yes",
        ).status_code
        == 303
    )
    session.expire_all()
    assert {o.case_id for o in session.scalars(select(Outbound))} == {case.id, sure.id}


@pytest.mark.usefixtures("eager_tasks")
def test_edited_reply_keeps_text_and_html_and_nothing_for_reviewers(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consultant.codes.knowledge import load_bundled_knowledge

    load_bundled_knowledge(session)
    data.reviewer(session, "a@desk.example")
    session.commit()
    with Sink() as sink:
        use_settings(monkeypatch, smtp_port=sink.port)
        with transaction() as s:
            store_inbound(
                s,
                question(
                    "Can we bill 96521 with 99213 the same day?",
                    message_id="<ask-7@clinic.example>",
                ),
                "smtp",
            )
        case = session.scalars(select(Case)).one()
        draft = session.scalars(select(Draft).where(Draft.case_id == case.id)).one()
        assert "Confidence" not in draft.body_text and "Confidence" not in draft.body_html
        a, csrf = login("a@desk.example")
        preview = a.post(
            "/preview", data={"csrf": csrf, "body": "- bill **96521**\n- <script>x</script>"}
        )
        assert (
            preview.json()["html"]
            == "<ul><li>bill <strong>96521</strong></li><li>&lt;script&gt;x&lt;/script&gt;</li></ul>"
        )
        assert act(a, csrf, case.id, "note", note="INTERNAL-ONLY remark").status_code == 303
        edited = "Reviewed answer.\n\n- Bill **96521**\n- Add 99213 with modifier 25"
        sent = act(
            a,
            csrf,
            case.id,
            "approve",
            subject=draft.subject,
            body=edited,
            version=1,
            confirmed="yes",
        )
        assert sent.status_code == 303
        [reply] = sink.handler.wait_for(1)
    assert isinstance(reply, EmailMessage)
    text = reply.get_body(("plain",))
    html = reply.get_body(("html",))
    assert text is not None and html is not None
    assert "Reviewed answer." in text.get_content()
    assert "<strong>96521</strong>" in html.get_content() and "<li>" in html.get_content()
    for part in (text.get_content(), html.get_content()):
        assert "INTERNAL-ONLY" not in part and "Confidence" not in part


@pytest.mark.usefixtures("eager_tasks")
def test_ask_for_information_waits_and_the_answer_reopens(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.reviewer(session, "a@desk.example")
    session.commit()
    with Sink() as sink:
        use_settings(monkeypatch, smtp_port=sink.port)
        with transaction() as s:
            store_inbound(
                s, question("Which code for the pump?", message_id="<ask-9@clinic.example>"), "smtp"
            )
        case = session.scalars(select(Case)).one()
        a, csrf = login("a@desk.example")
        page = a.get(f"/cases/{case.id}").text
        assert "To answer your question precisely" in page  # the template
        asked = act(
            a, csrf, case.id, "ask", question="Is the pump implanted or portable?", version=1
        )
        assert asked.status_code == 303
        session.expire_all()
        assert session.get(Case, case.id).status == states.WAITING  # type: ignore[union-attr]
        assert 'id="resume"' in a.get(f"/cases/{case.id}").text
        [ask] = sink.handler.wait_for(1)
        assert "implanted or portable" in ask.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert f"[Case #{case.id}/" in ask["Subject"]
        with transaction() as s:
            store_inbound(
                s,
                question(
                    "It is a portable pump.",
                    subject=f"Re: {ask['Subject']}",
                    in_reply_to=ask["Message-ID"],
                    references=f"<ask-9@clinic.example> {ask['Message-ID']}",
                ),
                "smtp",
            )
    session.expire_all()
    reopened = session.get(Case, case.id)
    assert reopened is not None and reopened.status == states.AWAITING_REVIEW
    assert len(reopened.drafts) == 2 and session.scalar(select(func.count()).select_from(Case)) == 1


def _mail_with_attachments() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pat Coder <coder@clinic.example>"
    msg["To"] = "consult@localhost"
    msg["Subject"] = "Op note attached"
    msg["Message-ID"] = "<att-1@clinic.example>"
    msg.set_content("See the op note: can we bill 20610?")
    msg.add_alternative(
        '<p>See the op note <img src="https://tracker.example/p.gif"> <script>alert(1)</script></p>',
        subtype="html",
    )
    msg.add_attachment(
        b"%PDF-1.4 op note", maintype="application", subtype="pdf", filename="op note.pdf"
    )
    msg.add_attachment(
        b"<script>alert(2)</script>", maintype="text", subtype="html", filename="page.html"
    )
    return bytes(msg)


def test_attachments_listed_and_downloaded_safely(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    session.commit()
    with transaction() as s:
        store_inbound(s, _mail_with_attachments(), "smtp")
    from consultant.config import get_settings
    from consultant.mailin.process import process_inbound

    with transaction() as s:
        process_inbound(s, s.scalars(select(InboundMail)).one().id, get_settings())
    case = session.scalars(select(Case)).one()
    a, _ = login("a@desk.example")
    page = a.get(f"/cases/{case.id}").text
    assert "op note.pdf" in page and "application/pdf" in page and "16 bytes" in page
    message_id = case.messages[0].id
    pdf = a.get(f"/cases/{case.id}/messages/{message_id}/attachments/0")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 op note"
    assert pdf.headers["content-disposition"] == "attachment; filename*=UTF-8''op%20note.pdf"
    assert pdf.headers["x-content-type-options"] == "nosniff"
    html = a.get(f"/cases/{case.id}/messages/{message_id}/attachments/1")
    assert html.headers["content-type"] == "application/octet-stream"
    assert a.get(f"/cases/{case.id}/messages/{message_id}/attachments/5").status_code == 404
    assert a.get(f"/cases/{case.id + 1}/messages/{message_id}/attachments/0").status_code == 404
    # The sender's HTML is shown only in the audited original view, sanitized.
    original = a.get(f"/cases/{case.id}?original=1").text
    assert (
        "See the op note" in original
        and "tracker.example" not in original
        and "alert(1)" not in original
    )


def test_sender_html_cannot_run_or_fetch() -> None:
    cleaned = safe_html(
        '<p>Hi</p><img src="http://x.example/a.png" alt="a"><a href="javascript:x()">l</a>'
        "<script>y()</script><details open><summary>s</summary>d</details>"
    )
    assert "x.example" not in cleaned and "<img" not in cleaned and "<details" not in cleaned
    assert "javascript" not in cleaned and "<script" not in cleaned and "<p>Hi</p>" in cleaned


def test_evidence_tolerates_any_shape(session: Session) -> None:
    odd = {
        "codes": [
            {"code": "96521", "why": ["named by the asker", "pump"], "score": "n/a"},
            "99213",
            None,
            {"no": "code"},
        ],
        "edits": [1, None, {"column1": "99213"}],
        "mue": "none",
        "rvus": [{"code": "96521", "work_rvu": 0.21, "nf_payment": 120.5}],
        "warnings": None,
        "advice": ["Report 96521 once per encounter."],
        "corrections": "not a list",
        "future_fact": {"nested": [1, 2]},
    }
    found = read_evidence(odd)
    assert [c["code"] for c in found.codes] == ["96521", "99213"]
    assert found.codes[0]["why"] == "named by the asker; pump" and found.codes[0]["score"] is None
    assert found.edits[0]["column1"] == "99213" and found.mues == [] and found.warnings == []
    assert found.rvus[0]["work"] == "0.21" and found.other == [
        ("future_fact", '{"nested": [1, 2]}')
    ]
    assert found.advice == ["Report 96521 once per encounter."] and found.corrections == []
    assert read_evidence(None).codes == [] and read_evidence([1, 2]).codes == []
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Odd", "Odd facts")
    case.drafts[0].analysis = odd
    session.commit()
    a, _ = login("a@desk.example")
    page = a.get(f"/cases/{case.id}")
    assert (
        page.status_code == 200
        and "named by the asker; pump" in page.text
        and "future_fact" in page.text
    )


@pytest.mark.usefixtures("eager_tasks")
def test_dashboard_figures_match_the_database(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    tight = data.subscriber(session, "@tight.example", sla_hours=1)
    cases = [
        data.one_case(
            session,
            "Unchanged",
            "q1",
            created=utcnow() - timedelta(hours=3),
            body="Report 96521 once.\n",
        ),
        data.one_case(
            session,
            "Edited",
            "q2",
            created=utcnow() - timedelta(hours=5),
            sub=tight,
            body="Report 96521 once per day.\n",
        ),
        data.one_case(
            session,
            "Rewritten",
            "q3",
            created=utcnow() - timedelta(hours=30),
            body="Report 96521.\n",
        ),
        data.one_case(session, "Open", "q4"),
    ]
    session.commit()
    texts = [
        "Report 96521 once.",
        "Report 96521 once per day, with 25.",
        "A completely different answer about modifiers.",
    ]
    with Sink() as sink:
        use_settings(monkeypatch, smtp_port=sink.port)
        for i, (case, text) in enumerate(zip(cases, texts, strict=False)):
            client, csrf = login("a@desk.example" if i < 2 else "b@desk.example")
            assert (
                act(
                    client,
                    csrf,
                    case.id,
                    "approve",
                    subject="Re: x",
                    body=text,
                    version=1,
                    confirmed="yes",
                ).status_code
                == 303
            )
        sink.handler.wait_for(3)
    a, _ = login("a@desk.example")
    page = a.get("/dashboard").text
    # Expected figures straight from the rows.
    session.expire_all()
    waits = []
    met = 0
    for out in session.scalars(select(Outbound).where(Outbound.kind == "reply")):
        case = session.get(Case, out.case_id)
        assert case is not None and out.sent_at is not None
        sent, created, due = (
            x.replace(tzinfo=None) for x in (out.sent_at, case.created_at, case.due_at)
        )  # type: ignore[union-attr]
        waits.append((sent - created).total_seconds() / 3600)
        met += sent <= due
    assert len(waits) == 3 and met == 1  # the 1-hour SLA and the 30-hour wait were missed
    assert f'data-figure="questions">{len(cases)}<' in page
    assert 'data-figure="answered">3<' in page
    shown = float(page.split('data-figure="median" data-hours="')[1].split('"')[0])
    assert shown == pytest.approx(statistics.median(waits), abs=0.01)
    assert f'data-met="{met}" data-total="3"' in page
    assert (
        'data-figure="unchanged">1<' in page
        and 'data-figure="edited">1<' in page
        and 'data-figure="rewritten">1<' in page
    )
    reviewer_table = page.split('id="per-reviewer"')[1].split("</table>")[0]
    assert (
        '<tr data-name="a@desk.example"><td>a@desk.example</td><td class="num" data-field="answered">2<'
        in reviewer_table
    )
    assert "<svg" in page and "cdn" not in page.lower()


def test_api_with_token(session: Session) -> None:
    a = data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    token = issue_token(session, a, "integration")
    session.commit()
    client = TestClient(create_app())
    assert client.get("/api/cases").status_code == 401
    assert client.get("/api/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/cases", headers=auth).json()
    assert [c["id"] for c in listed["cases"]] == [case.id] and listed["counts"] == {
        "awaiting_review": 1
    }
    shown = client.get(f"/api/cases/{case.id}", headers=auth).json()
    assert shown["draft"]["version"] == 1 and shown["draft"]["facts"]["codes"][0]["code"] == "96521"
    body = {"subject": "Re: Pump refill", "body": "API answer.", "confirmed": True}
    assert (
        client.post(
            f"/api/cases/{case.id}/save", json=body | {"version": 1}, headers=auth
        ).status_code
        == 200
    )
    stale = client.post(f"/api/cases/{case.id}/approve", json=body | {"version": 1}, headers=auth)
    assert stale.status_code == 409 and stale.json()["newer"]["version"] == 2
    unconfirmed = client.post(
        f"/api/cases/{case.id}/approve",
        json=body | {"version": 2, "confirmed": False},
        headers=auth,
    )
    assert unconfirmed.status_code == 422
    done = client.post(f"/api/cases/{case.id}/approve", json=body | {"version": 2}, headers=auth)
    assert done.status_code == 200 and done.json()["status"] == states.APPROVED
    assert client.get("/api/openapi.json").status_code == 401
    schema = client.get("/api/openapi.json", headers=auth).json()
    assert schema["openapi"].startswith("3.") and "/api/cases/{case_id}/{action}" in schema["paths"]


def test_quarantine_view_and_dismiss(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    row = InboundMail(
        message_id="<held@x.example>",
        source="smtp",
        raw=question(
            "Held question <b>x</b>",
            subject="Held",
            html='<p>Hi <img src="https://t.example/x.gif"></p>',
        ),
        size=100,
        status="quarantined",
        reason="sender is not a subscriber",
        subject="Held",
    )
    session.add(row)
    session.commit()
    a, csrf = login("a@desk.example")
    page = a.get(f"/quarantine/{row.id}").text
    assert "Held question &lt;b&gt;x&lt;/b&gt;" in page and "t.example" not in page
    assert "sender is not a subscriber" in page
    done = a.post(f"/quarantine/{row.id}/dismiss", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get(InboundMail, row.id).status == "dismissed"  # type: ignore[union-attr]
    assert "Nothing in quarantine" in a.get("/quarantine").text
    assert a.post(f"/quarantine/{row.id}/dismiss", data={"csrf": csrf}).status_code == 409


def test_api_token_from_the_command_line(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    from consultant.cli import main as cli

    data.reviewer(session, "a@desk.example")
    session.commit()
    assert cli(["reviewers", "token", "nobody@desk.example"]) == 1
    assert cli(["reviewers", "token", "a@desk.example", "--name", "billing system"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    client = TestClient(create_app())
    listed = client.get("/api/cases", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.json()["cases"] == []


def test_stop_waiting(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    case.status = states.WAITING
    session.commit()
    a, csrf = login("a@desk.example")
    assert act(a, csrf, case.id, "resume").status_code == 303
    session.expire_all()
    assert session.get(Case, case.id).status == states.AWAITING_REVIEW  # type: ignore[union-attr]
    assert act(a, csrf, case.id, "resume").status_code == 422


def test_admin_sets_the_greeting_and_closing_of_replies(session: Session) -> None:
    data.reviewer(session, "admin@desk.example", admin=True)
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    case.requester_name = "Pat Coder"
    session.commit()
    a, a_csrf = login("a@desk.example")
    assert a.get("/settings/reply").status_code == 403
    refused = a.post("/settings/reply", data={"csrf": a_csrf, "greeting": "Hi", "closing": "Bye"})
    assert refused.status_code == 403
    admin, csrf = login("admin@desk.example")
    saved = admin.post(
        "/settings/reply",
        data={
            "csrf": csrf,
            "greeting": "Hello {name},",
            "closing": "Kind regards,\nThe coding desk",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    assert "Greeting added when sent: Hello Pat Coder," in a.get(f"/cases/{case.id}").text
    form = {"subject": "Re: Pump refill", "body": "Report **96521** once.", "confirmed": "yes"}
    assert act(a, a_csrf, case.id, "approve", version=1, **form).status_code == 303
    session.expire_all()
    out = session.scalars(select(Outbound)).one()
    assert (
        out.body_text
        == "Hello Pat Coder,\n\nReport **96521** once.\n\nKind regards,\nThe coding desk\n"
    )
    assert out.body_html.startswith("<p>Hello Pat Coder,</p>")
    assert "<strong>96521</strong>" in out.body_html and out.body_html.endswith(
        "The coding desk</p>"
    )
    # The draft keeps the reviewer's text alone: the dashboard compares it with the drafter's.
    assert (
        session.scalars(select(Draft).order_by(Draft.version.desc()))
        .first()
        .body_text.startswith("Report")
    )  # type: ignore[union-attr]


@pytest.mark.parametrize("status", ["failed", "uncertain"])
def test_a_refused_reply_can_be_sent_again_from_the_case_page(
    session: Session, status: str
) -> None:
    """A 5xx fails the reply at once (or leaves it uncertain, when an earlier attempt may
    have been accepted) and the case comes back to review; the reviewer's button sends the
    same message (same Message-ID) again."""
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    failed = Outbound(
        case_id=case.id,
        kind="reply",
        message_id="<reply.1@consult.example>",
        to_address="coder@clinic.example",
        subject="Re: Pump refill",
        body_text="Text.",
        status=status,
        last_error="550 5.1.1 no such user",
        deliver_until=utcnow(),
    )
    session.add(failed)
    session.commit()
    a, csrf = login("a@desk.example")
    page = a.get(f"/cases/{case.id}").text
    assert 'id="retry-delivery"' in page and "550 5.1.1" in page
    assert act(a, csrf, case.id, "retry").status_code == 303
    session.expire_all()
    again = session.get(Outbound, failed.id)
    assert again is not None and again.status == "queued"
    assert again.message_id == "<reply.1@consult.example>"
    assert session.get(Case, case.id).status == states.APPROVED  # type: ignore[union-attr]
