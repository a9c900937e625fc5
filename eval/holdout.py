"""The holdout set: questions written before the work they judge, never tuned on.

eval/holdout/questions.json holds them (the fields are described in eval/README.md);
a question shaped as a whole email has its message in eval/holdout/emails/. Each becomes an
``EvalItem`` the runner scores the same way as the dev set's.
"""

from __future__ import annotations

import hashlib
import json
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from eval.items import WHEN, EvalItem

HOLDOUT = Path(__file__).resolve().parent / "holdout"
QUESTIONS = HOLDOUT / "questions.json"


def checksum() -> str:
    """sha256 over the holdout's files, in name order: the README records it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in HOLDOUT.rglob("*") if p.is_file()):
        digest.update(path.relative_to(HOLDOUT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_items(questions: Path = QUESTIONS, emails: Path = HOLDOUT / "emails") -> list[EvalItem]:
    """The questions of a set in the holdout's format (the dev set's checks.json too)."""
    if not questions.exists():
        return []
    specs = json.loads(questions.read_text())
    return [_item(n, spec, emails) for n, spec in enumerate(specs, 1)]


def _item(number: int, spec: dict, emails: Path) -> EvalItem:
    if spec.get("email"):
        raw = (emails / spec["email"]).read_bytes()
        style = "email"
    else:
        msg = EmailMessage()
        msg["From"] = f"Holdout asker <asker{number}@clinic.example>"
        msg["To"] = "consult@localhost"
        msg["Date"] = format_datetime(WHEN)
        msg["Message-ID"] = f"<holdout-{spec['id']}@clinic.example>"
        msg["Subject"] = spec.get("subject", "")
        msg.set_content(spec["text"])
        raw = bytes(msg)
        style = "plain"
    return EvalItem(
        ident=spec["id"],
        area=spec.get("area", ""),
        kind="",
        style=style,
        raw=raw,
        tops=list(spec.get("top", [])),
        also=list(spec.get("also", [])),
        icd10=list(spec.get("icd10", [])),
        not_codes=list(spec.get("not_codes", [])),
        modifiers=list(spec.get("modifiers", [])),
        not_modifiers=list(spec.get("not_modifiers", [])),
        units={k: int(v) for k, v in spec.get("units", {}).items()},
        edits=[tuple(str(x) for x in e) for e in spec.get("edits", [])],  # "1" or 1
        mue={k: int(v) for k, v in spec.get("mue", {}).items()},
        must_say=[list(alts) for alts in spec.get("must_say", [])],
        expert=bool(spec.get("expert", False)),
        phi=list(spec.get("phi", [])),
    )
