"""One evaluation question as the runner sees it, whichever set it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@dataclass
class EvalItem:
    ident: str
    area: str  # what the question exercises (dev: its kind of question)
    kind: str  # the question type a draft should recognise ("" when not judged)
    style: str  # the shape of the email
    raw: bytes
    tops: list[str]  # the first billed code must be one of these; [] = needs an expert
    also: list[str] = field(default_factory=list)
    also_billed: bool = True  # "also" codes must be billed (holdout), or only named (dev)
    icd10: list[str] = field(default_factory=list)
    not_codes: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    not_modifiers: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    edits: list[tuple[str, ...]] = field(default_factory=list)
    mue: dict[str, int] = field(default_factory=dict)
    must_say: list[list[str]] = field(default_factory=list)
    expert: bool = False
    phi: list[str] = field(default_factory=list)

    @property
    def question_text(self) -> str:
        """What the worker would analyse: the parsed, cleaned and redacted question."""
        from consultant.mailin.clean import question_of
        from consultant.mailin.parse import parse
        from consultant.mailin.phi import redact

        return redact(question_of(parse(self.raw)))
