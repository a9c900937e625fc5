"""Workspace sign-in under attack: forged cookies, sessions that must end, brute force,
anonymous requests on every route, security headers on every response."""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import timedelta

import pytest
from itsdangerous import Signer, TimestampSigner
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from consultant.config import get_settings
from consultant.models import (
    AuditEvent,
    Case,
    LoginThrottle,
    Message,
    Reviewer,
    ReviewerSession,
    utcnow,
)
from consultant.review import accounts
from consultant.review.auth import SESSION_COOKIE
from consultant.review.passwords import hash_password
from consultant.review.security import HEADERS
from consultant.review.web import create_app
from tests.conftest import TEST_SECRET, use_settings
from tests.workspace import login, login_csrf, session_csrf

EMAIL, PASSWORD = "r@clinic.example", "a long and right password"
SECRET_PHI = "Patient Johanna Quist DOB 03/04/1951"

# Values that could be a default, an example or a leaked test key.
PLAUSIBLE_KEYS = [
    "change-me-embedded-only",
    "change-me",
    "changeme",
    "secret",
    "dev",
    "development",
    "test",
    "",
    TEST_SECRET,
]


def _setup(session: Session) -> Case:
    case = Case(subject="Pump refill", requester="coder@clinic.example", status="awaiting_review")
    session.add(case)
    session.flush()
    session.add(
        Message(
            case_id=case.id,
            direction="in",
            message_id="<q@clinic.example>",
            body_text=SECRET_PHI,
            clean_text="Patient [NAME] DOB [DOB]",
        )
    )
    session.add(Reviewer(email=EMAIL, password_hash=hash_password(PASSWORD)))
    session.commit()
    return case


def _signed_in(session: Session) -> tuple[TestClient, Case]:
    case = _setup(session)
    client = TestClient(create_app())
    assert login(client, EMAIL, PASSWORD) == 303
    return client, case


def _refused(response: object) -> bool:
    status = getattr(response, "status_code", 0)
    location = getattr(response, "headers", {}).get("location", "")
    return status in (401, 403) or (status == 303 and location.startswith("/login"))


def _starlette_cookie(payload: dict[str, object], key: str) -> str:
    """What Starlette's old SessionMiddleware accepted: base64 JSON, timestamp-signed."""
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


@pytest.mark.parametrize("key", PLAUSIBLE_KEYS)
def test_forged_cookie_is_refused(session: Session, key: str) -> None:
    case = _setup(session)
    for forged in (
        _starlette_cookie({"reviewer_id": 1, "email": "attacker@evil.example"}, key or "x"),
        Signer(key or "x", salt="session").sign(b"guessed-token").decode(),
        Signer(key or "x", salt="session").sign(b"1").decode(),
    ):
        client = TestClient(create_app(), cookies={SESSION_COOKIE: forged})
        response = client.get(f"/cases/{case.id}?original=1", follow_redirects=False)
        assert _refused(response), (key, forged)
        assert "Johanna" not in response.text
    session.expire_all()
    assert not session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()


def test_session_ends_on_logout_and_old_cookie_is_dead(session: Session) -> None:
    client, case = _signed_in(session)
    cookie = client.cookies[SESSION_COOKIE]
    assert client.get(f"/cases/{case.id}").status_code == 200
    response = client.post("/logout", data={"csrf": session_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    replay = TestClient(create_app(), cookies={SESSION_COOKIE: cookie})
    assert _refused(replay.get(f"/cases/{case.id}", follow_redirects=False))
    session.expire_all()
    assert session.scalars(select(ReviewerSession)).all() == []


def test_logout_needs_the_csrf_token(session: Session) -> None:
    client, case = _signed_in(session)
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 200


@pytest.mark.parametrize("how", ["deactivation", "password change", "new secret"])
def test_sessions_end(session: Session, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client, case = _signed_in(session)
    assert client.get(f"/cases/{case.id}").status_code == 200
    reviewer = session.scalar(select(Reviewer).where(Reviewer.email == EMAIL))
    assert reviewer is not None
    if how == "deactivation":
        accounts.set_active(session, reviewer, False, "admin@clinic.example")
        session.commit()
    elif how == "password change":
        accounts.set_password(session, reviewer, "another quite long passphrase", "admin")
        session.commit()
    else:  # a restart with a new secret key, the old one not kept for verification
        use_settings(monkeypatch, secret_key="a-completely-new-secret-key-of-length-40")
        client = TestClient(create_app(), cookies=dict(client.cookies))
    # GET as well as POST: reads are where PHI leaks.
    assert _refused(client.get(f"/cases/{case.id}?original=1", follow_redirects=False))
    assert _refused(client.get("/", follow_redirects=False))


def test_idle_and_absolute_timeouts(session: Session) -> None:
    client, case = _signed_in(session)
    session.execute(update(ReviewerSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    session.commit()
    assert _refused(client.get(f"/cases/{case.id}", follow_redirects=False))
    assert login(client, EMAIL, PASSWORD) == 303
    session.execute(
        update(ReviewerSession).values(
            created_at=utcnow() - timedelta(hours=13), last_seen_at=utcnow()
        )
    )
    session.commit()
    assert _refused(client.get(f"/cases/{case.id}", follow_redirects=False))


def test_old_secret_still_verifies_during_rotation(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, case = _signed_in(session)
    use_settings(
        monkeypatch,
        secret_key="the-next-secret-key-after-rotation-000000",
        secret_key_old=TEST_SECRET,
    )
    client = TestClient(create_app(), cookies=dict(client.cookies))
    assert client.get(f"/cases/{case.id}").status_code == 200


def _every_request(app: object) -> list[tuple[str, str]]:
    """(method, path) for every route of the app, with sample path parameters."""
    requests = []
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount) and route.path == "/static":
            continue  # public assets (scripts and styles the CSP allows), no case data
        assert isinstance(route, Route), f"unexpected route type {route!r}"
        path = re.sub(
            r"\{(\w+)(?::(\w+))?\}",
            lambda m: "1" if m.group(2) == "int" else "claim",
            route.path,
        )
        requests += [(m, path) for m in sorted(route.methods or {"GET"}) if m != "HEAD"]
    return requests


def test_every_route_but_login_and_health_refuses_anonymous(session: Session) -> None:
    case = _setup(session)
    app = create_app()
    client = TestClient(app)
    requests = _every_request(app)
    assert len(requests) >= 10
    for method, path in requests:
        response = client.request(method, path, follow_redirects=False)
        if path in ("/login", "/health"):
            assert response.status_code in (200, 403), (method, path)  # 403: login CSRF
            continue
        assert _refused(response), (method, path, response.status_code)
        assert "Johanna" not in response.text and case.subject not in response.text


def test_security_headers_on_every_route(session: Session) -> None:
    client, _ = _signed_in(session)
    anonymous = TestClient(create_app())
    for method, path in _every_request(client.app):
        for who in (client, anonymous):
            data = {"csrf": session_csrf(client)} if who is client and method == "POST" else {}
            response = who.request(method, path, data=data, follow_redirects=False)
            for name, value in HEADERS.items():
                assert response.headers.get(name) == value, (method, path, name)
            assert response.headers.get("cache-control") == "no-store", (method, path)
    csp = anonymous.get("/login").headers["content-security-policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )


def test_login_needs_its_csrf_token(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/"})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_cookies_are_httponly_lax_and_secure_behind_tls(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app(), base_url="https://workspace.example")
    data = {"email": EMAIL, "password": PASSWORD, "next": "/", "csrf": login_csrf(client)}
    response = client.post("/login", data=data, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    assert "max-age=31536000" in response.headers["strict-transport-security"]


def test_brute_force_is_throttled_then_locked(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    statuses = [login(client, EMAIL, f"wrong guess {i}") for i in range(12)]
    assert statuses[:5] == [401] * 5  # the free tries
    assert statuses.count(429) >= 6  # then the doubling delay refuses without checking
    # Even the right password is refused while blocked.
    assert login(client, EMAIL, PASSWORD) == 429
    # Past the lockout count the account stays locked though the delay has passed.
    session.execute(
        update(LoginThrottle).values(failures=get_settings().login_lockout_failures - 1)
    )
    session.execute(update(LoginThrottle).values(blocked_until=None))
    session.commit()
    assert login(client, EMAIL, "one more wrong") == 401
    session.execute(update(LoginThrottle).values(blocked_until=None))
    session.commit()
    assert login(client, EMAIL, PASSWORD) == 429
    reviewer = session.scalar(select(Reviewer).where(Reviewer.email == EMAIL))
    assert reviewer is not None
    accounts.unlock(session, reviewer, "admin")
    session.execute(update(LoginThrottle).values(blocked_until=None))  # the client key too
    session.commit()
    assert login(client, EMAIL, PASSWORD) == 303
    session.expire_all()
    audited = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == EMAIL)).all()
    assert audited.count("login_failed") >= 5 and "login" in audited
    assert "login_throttled" in audited


def test_throttling_per_client_address_across_accounts(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(session)
    use_settings(monkeypatch, login_ip_free_failures=3)
    client = TestClient(create_app())
    statuses = [login(client, f"user{i}@clinic.example", "whatever guess") for i in range(6)]
    assert statuses[:3] == [401] * 3 and 429 in statuses[3:]


def test_unknown_account_takes_as_long_as_a_real_one(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    login(client, "warm@clinic.example", "warm up the dummy hash")

    def timed(email: str) -> float:
        session.execute(update(LoginThrottle).values(failures=0, blocked_until=None))
        session.commit()
        start = time.perf_counter()
        assert login(client, email, "wrong password here") == 401
        return time.perf_counter() - start

    real = sorted(timed(EMAIL) for _ in range(3))[1]
    unknown = sorted(timed("nobody@clinic.example") for _ in range(3))[1]
    assert unknown > real * 0.5, (real, unknown)


def test_legacy_scrypt_hash_is_upgraded_on_login(session: Session) -> None:
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    legacy = "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()
    _setup(session)
    session.execute(update(Reviewer).values(password_hash=legacy))
    session.commit()
    client = TestClient(create_app())
    assert login(client, EMAIL, PASSWORD) == 303
    session.expire_all()
    stored = session.scalar(select(Reviewer.password_hash))
    assert stored is not None and stored.startswith("$argon2id$")


def test_second_factor(session: Session) -> None:
    import pyotp

    _setup(session)
    reviewer = session.scalar(select(Reviewer).where(Reviewer.email == EMAIL))
    assert reviewer is not None
    uri = accounts.enroll_totp(session, reviewer, "admin")
    session.commit()
    assert uri.startswith("otpauth://totp/")
    stored = str(session.execute(text("SELECT totp_secret FROM reviewers")).scalar())
    assert reviewer.totp_secret and reviewer.totp_secret not in stored
    client = TestClient(create_app())
    assert login(client, EMAIL, PASSWORD) == 401
    code = pyotp.TOTP(reviewer.totp_secret).now()
    assert login(client, EMAIL, PASSWORD, otp=code) == 303


def test_open_redirect_refused(session: Session) -> None:
    _setup(session)
    client = TestClient(create_app())
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        data = {"email": EMAIL, "password": PASSWORD, "next": target, "csrf": login_csrf(client)}
        response = client.post("/login", data=data, follow_redirects=False)
        assert response.headers["location"] == "/", target


def test_viewing_the_original_is_audited_with_the_signed_in_name(session: Session) -> None:
    client, case = _signed_in(session)
    assert "Johanna" in client.get(f"/cases/{case.id}?original=1").text
    session.expire_all()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "viewed_original"))
    assert event is not None and event.actor == EMAIL
