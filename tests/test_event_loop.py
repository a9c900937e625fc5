"""Sign-in's password hash (deliberately slow) runs in the thread pool: while reviewers sign
in, the others' pages keep being served."""

from __future__ import annotations

import threading
import time

import httpx
from sqlalchemy.orm import Session

from consultant.review.passwords import hash_password, verify_password
from tests import workspace_data as data
from tests.test_workspace_browser import WebApp


def test_sign_ins_do_not_stall_other_requests(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    session.commit()
    stored = hash_password("something-else-entirely")
    began = time.perf_counter()
    verify_password("wrong-password-x", stored)
    one_hash = time.perf_counter() - began
    with WebApp() as web:
        signers = [httpx.Client(base_url=web.url, timeout=60) for _ in range(3)]
        forms = []
        for client in signers:
            csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
            forms.append({"email": "a@desk.example", "password": "wrong-password-x", "csrf": csrf})

        statuses: list[int] = []

        def sign_in(client: httpx.Client, form: dict[str, str]) -> None:
            statuses.append(client.post("/login", data=form).status_code)

        threads = [
            threading.Thread(target=sign_in, args=pair) for pair in zip(signers, forms, strict=True)
        ]
        for t in threads:
            t.start()
        time.sleep(0.02)  # the hashes are under way
        with httpx.Client(base_url=web.url, timeout=60) as other:
            began = time.perf_counter()
            assert other.get("/login").status_code == 200
            waited = time.perf_counter() - began
        for t in threads:
            t.join()
        for client in signers:
            client.close()
    assert statuses == [401, 401, 401], statuses
    # On the event loop, the page would wait for the three hashes, one after another.
    assert waited < one_hash / 2, (waited, one_hash)
