"""A screening or diagnostic lower GI endoscopy at which something was biopsied or removed
becomes the surgical code (rules.endoscopy); the screening intent then rides on a modifier
(PT or 33, drafting.modifiers) and on Z12.11 first (drafting.diagnoses)."""

from __future__ import annotations

from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.rules import endoscopy


def endoscopy_by_technique(analysis: Analysis, selection: Selection) -> str | None:
    """Replaces the exam code by the surgical code(s); returns the correction when the asker
    proposed the exam code."""
    techniques = analysis.procedures.endoscopic
    if not techniques:
        return None
    codes = [c for c, _ in selection.services]
    exam = next((c for c in codes if c in endoscopy.EXAM_OF), None)
    if exam is None:
        return None
    surgical = endoscopy.surgical_codes(exam, techniques)
    worked = [
        f"{exam} is the exam alone; with a lesion biopsied or removed the surgical code is "
        f"reported instead ({', '.join(surgical)})"
    ]
    if endoscopy.TOOL_UNSAID in techniques:
        worked.append(endoscopy.tool_choice(exam))
    selection.replace_service(exam, surgical[0], worked)
    for code in surgical[1:]:
        selection.add_service(code, selection.services[0][1])
    for code in surgical:
        selection.system_of[code] = "CPT"
    selection.alternatives = [(c, s) for c, s in selection.alternatives if c not in surgical]
    if exam not in analysis.codes:
        return None
    return (
        f"Report {', '.join(surgical)}, not {exam}: {exam} is for the exam at which nothing was "
        "biopsied or removed."
    )
