"""The JSON contracts other tools read: cases list, quarantine list, draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from consultant.cli import main as cli
from consultant.config import get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from tests.mail import question


def _ingest(session: Session, raw: bytes) -> None:
    stored = store_inbound(session, raw, "test")
    session.commit()
    process_inbound(session, stored.inbound_id, get_settings())
    session.commit()


def test_cases_list_json(session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    _ingest(session, question("What is 96523?", subject="Port flush"))
    _ingest(session, b"Subject: broken\r\n\r\nno sender\r\n")
    capsys.readouterr()
    assert cli(["cases", "list", "--json"]) == 0
    [case] = json.loads(capsys.readouterr().out)
    assert {k: case[k] for k in ("id", "status", "subject", "from", "messages")} == {
        "id": 1,
        "status": "awaiting_review",  # a new question is drafted where its case opens
        "subject": "Port flush",
        "from": "coder@clinic.example",
        "messages": 1,
    }
    assert cli(["quarantine", "list", "--json"]) == 0
    [held] = json.loads(capsys.readouterr().out)
    assert (
        held["subject"] == "broken" and "sender" in held["reason"] and {"id", "from"} <= set(held)
    )


def test_draft_json(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eml = tmp_path / "q.eml"
    eml.write_bytes(
        question(
            "Our nurse refilled a portable chemo pump. Can we bill 99211 with 96521? "
            "Patient Jane Doe, DOB 03/04/1961.",
            subject="Pump",
        )
    )
    capsys.readouterr()
    assert cli(["draft", "--json", str(eml)]) == 0
    [line] = capsys.readouterr().out.splitlines()
    out = json.loads(line)
    for key in (
        "file",
        "question_type",
        "codes",
        "edits",
        "mue",
        "modifiers",
        "confidence",
        "needs_expert",
        "subject",
        "body_text",
        "body_html",
    ):
        assert key in out
    assert out["codes"][0]["code"] in ("99211", "96521") and out["codes"][0]["system"] == "CPT"
    assert "Jane Doe" not in out["body_text"] and "03/04/1961" not in out["body_text"]
