"""consultant reviewers add | list | disable | enable | reset | unlock | totp."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cli import main as cli
from consultant.models import LoginThrottle, Reviewer, ReviewerSession
from consultant.review.passwords import verify_password


def _listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert cli(["reviewers", "list", "--json"]) == 0
    return {row["email"]: row for row in json.loads(capsys.readouterr().out)}


def test_reviewer_lifecycle(session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["reviewers", "add", "r@clinic.example", "--password", "a"]) == 2
    assert "at least 12" in capsys.readouterr().err
    assert cli(["reviewers", "add", "r@clinic.example", "--password", "password1234"]) == 2
    assert (
        cli(["reviewers", "add", "r@clinic.example", "--password", "grey heron over the weir"]) == 0
    )
    reviewer = session.scalar(select(Reviewer))
    assert reviewer is not None and reviewer.password_hash.startswith("$argon2id$")
    session.add(ReviewerSession(token_hash="t" * 64, reviewer_id=reviewer.id, csrf="c"))
    session.add(LoginThrottle(key="account:r@clinic.example", failures=30, locked=True))
    session.commit()
    assert _listed(capsys)["r@clinic.example"] == {
        "email": "r@clinic.example",
        "name": "",
        "is_admin": False,
        "active": True,
        "locked": True,
        "sessions": 1,
        "totp": False,
    }
    assert cli(["reviewers", "disable", "r@clinic.example"]) == 0
    row = _listed(capsys)["r@clinic.example"]
    assert row["active"] is False and row["sessions"] == 0
    assert cli(["reviewers", "enable", "r@clinic.example"]) == 0
    assert cli(["reviewers", "unlock", "r@clinic.example"]) == 0
    assert _listed(capsys)["r@clinic.example"]["locked"] is False
    assert cli(["reviewers", "reset", "r@clinic.example"]) == 0
    new_password = capsys.readouterr().out.split("password: ")[1].split(";")[0]
    session.expire_all()
    assert verify_password(new_password, session.scalars(select(Reviewer.password_hash)).one())
    assert cli(["reviewers", "totp", "r@clinic.example"]) == 0
    assert capsys.readouterr().out.startswith("otpauth://totp/")
    assert cli(["reviewers", "disable", "nobody@clinic.example"]) == 2
