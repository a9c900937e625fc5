"""Reply text from answer facts, through the reply templates (subject, text, HTML)."""

from __future__ import annotations

from dataclasses import dataclass

from consultant.drafting.answer import Answer
from consultant.templating import render

QUESTION_LABELS = {
    "lookup": "Code lookup",
    "same_day_pair": "Codes reported together",
    "units": "Units and limits",
    "modifier": "Modifier question",
    "payment": "Payment and RVUs",
    "compare": "Comparing codes",
    "documentation": "Documentation",
    "diagnosis": "Diagnosis coding",
    "other": "Coding question",
}


@dataclass(frozen=True)
class RenderedReply:
    subject: str
    text: str
    html: str


def render_reply(answer: Answer, subject: str, case_ref: str) -> RenderedReply:
    context = {
        "a": answer,
        "kind": answer.analysis.question_type,
        "kind_label": QUESTION_LABELS.get(answer.analysis.question_type, "Coding question"),
        "case_ref": case_ref,
        "summary": summary_line(answer),
    }
    return RenderedReply(
        subject=subject,
        text=render("reply/body.txt.j2", **context),
        html=render("reply/body.html.j2", **context),
    )


def summary_line(answer: Answer) -> str:
    """The one-line answer that opens the reply."""
    if answer.needs_expert and not answer.codes:
        return (
            "We could not match this question to a code with confidence; a senior "
            "coder will review it before we answer."
        )
    procedures = [c for c in answer.codes if c.system in ("CPT", "HCPCS")]
    blocking = [e for e in answer.edits if e.modifier_indicator == "0"]
    bypassable = [e for e in answer.edits if e.modifier_indicator == "1"]
    if blocking:
        e = blocking[0]
        return (
            f"{e.column2} is bundled into {e.column1} and they are not paid together "
            "on the same day, with or without a modifier."
        )
    if bypassable:
        e = bypassable[0]
        mods = ", ".join(m.modifier for m in answer.modifiers) or "an NCCI-associated modifier"
        return (
            f"{e.column1} and {e.column2} can both be paid when the services are distinct "
            f"and documented as such, with {mods} on {e.column2}."
        )
    if len(procedures) >= 2 and answer.analysis.question_type == "same_day_pair":
        return (
            f"No active NCCI edit pairs {', '.join(c.code for c in procedures)}: "
            "they can be reported together when each is documented."
        )
    if answer.codes:
        first = answer.codes[0]
        label = first.description or first.plain or "see below"
        verb = "Report" if not first.named else "Code"
        return f"{verb} {first.code}: {label}."
    return "See the details below."
