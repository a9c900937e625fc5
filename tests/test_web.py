"""The workspace over HTTP: login, CSRF, errors shown back on the form, audited views."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from consultant.cases import states
from consultant.models import AuditEvent, Case, Draft, Message, Outbound, Reviewer
from consultant.review.passwords import hash_password
from consultant.review.web import create_app
from tests.workspace import login, login_csrf, session_csrf


def _setup(session: Session) -> Case:
    case = Case(
        subject="Pump refill", requester="coder@clinic.example", status=states.AWAITING_REVIEW
    )
    session.add(case)
    session.flush()
    session.add(
        Message(
            case_id=case.id,
            direction="in",
            message_id="<q@clinic.example>",
            body_text="Patient John Smith DOB 01/02/1950 needs 96521",
            clean_text="Patient [NAME] DOB [DOB] needs 96521",
        )
    )
    session.add(
        Draft(
            case_id=case.id,
            version=1,
            author="drafter",
            subject="Re: Pump refill",
            body_text="Report 96521.",
            analysis={},
        )
    )
    session.add(Reviewer(email="r@clinic.example", password_hash=hash_password("right-password")))
    session.commit()
    return case


def _login(client: TestClient) -> str:
    assert login(client, "r@clinic.example", "right-password") == 303
    return session_csrf(client, "/cases/1")


def test_login_required_and_wrong_password(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    assert client.get("/", follow_redirects=False).status_code == 303
    bad = client.post(
        "/login",
        data={
            "email": "r@clinic.example",
            "password": "nope",
            "next": "/",
            "csrf": login_csrf(client),
        },
    )
    assert bad.status_code == 401 and "Wrong email, password" in bad.text


def test_redacted_by_default_and_original_view_audited(session: Session) -> None:
    case = _setup(session)
    client = TestClient(create_app())
    _login(client)
    page = client.get(f"/cases/{case.id}").text
    assert "[NAME]" in page and "John Smith" not in page
    assert "John Smith" in client.get(f"/cases/{case.id}?original=1").text
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert "viewed_original" in actions


def test_post_without_csrf_is_refused(session: Session) -> None:
    case = _setup(session)
    client = TestClient(create_app())
    _login(client)
    response = client.post(f"/cases/{case.id}/approve", data={"subject": "x", "body": "y"})
    assert response.status_code == 403


def test_bad_field_is_shown_back_with_the_text_kept(session: Session) -> None:
    case = _setup(session)
    client = TestClient(create_app())
    csrf = _login(client)
    response = client.post(
        f"/cases/{case.id}/approve",
        data={
            "csrf": csrf,
            "subject": "",
            "body": "My careful edit",
            "version": "1",
            "confirmed": "yes",
        },
    )
    assert response.status_code == 422
    assert "The subject cannot be empty" in response.text and "My careful edit" in response.text
    session.expire_all()
    assert session.get(Case, case.id).status == states.AWAITING_REVIEW  # type: ignore[union-attr]
    assert session.scalars(select(Outbound)).first() is None


def test_approve_queues_exactly_one_reply(session: Session) -> None:
    case = _setup(session)
    client = TestClient(create_app())
    csrf = _login(client)
    form = {"csrf": csrf, "subject": "Re: Pump refill", "body": "Edited.", "confirmed": "yes"}
    response = client.post(
        f"/cases/{case.id}/approve", data=form | {"version": "1"}, follow_redirects=False
    )
    assert response.status_code == 303
    again = client.post(f"/cases/{case.id}/approve", data=form | {"version": "2"})
    assert again.status_code == 422 and "only a case awaiting review" in again.text
    session.expire_all()
    [out] = session.scalars(select(Outbound)).all()
    # The reviewer's text inside the frame's default greeting and closing (templates/reply).
    assert out.body_text == "Hello,\n\nEdited.\n\nKind regards,\nConsultant coding desk\n"
    assert out.in_reply_to == "<q@clinic.example>"


def test_health_and_metrics(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/metrics", follow_redirects=False).status_code == 303
    _login(client)
    assert 'consultant_cases{status="awaiting_review"} 1' in client.get("/metrics").text


def test_code_page_and_search_in_the_workspace(session: Session) -> None:
    from consultant.codes.knowledge import load_bundled_knowledge

    _setup(session)
    load_bundled_knowledge(session)
    session.commit()
    client = TestClient(create_app())
    _login(client)
    page = client.get("/codes/96521")
    assert page.status_code == 200 and "portable" in page.text.lower() and "96522" in page.text
    found = client.get("/codes", params={"q": "port flush"})
    assert found.status_code == 200 and "96523" in found.text
    assert client.get("/codes/00000").status_code == 404
