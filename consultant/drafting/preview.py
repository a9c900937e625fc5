"""``consultant draft --json``: the worker's analysis and drafting for .eml files, no case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consultant.cases.tags import reply_subject
from consultant.config import get_settings
from consultant.db import transaction
from consultant.drafting.answer import build_answer
from consultant.drafting.render import render_reply
from consultant.mailin.clean import question_of
from consultant.mailin.parse import ParseError, parse
from consultant.mailin.phi import redact


def preview_file(path: Path) -> dict[str, Any]:
    settings = get_settings()
    try:
        mail = parse(path.read_bytes())
    except (OSError, ParseError) as exc:
        return {"file": str(path), "error": str(exc)}
    with transaction() as session:
        question = redact(question_of(mail))
        answer = build_answer(session, question)
        reply = render_reply(
            answer,
            reply_subject(redact(mail.subject), 0, settings.secret_key),
            "Case reference: (preview, no case)",
        )
        result = {"file": str(path), "question": question, **answer.as_json()}
    result.update(subject=reply.subject, body_text=reply.text, body_html=reply.html)
    return result
