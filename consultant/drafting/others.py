"""Services another provider gave at the same encounter. The anesthesia for a procedure
(CPT 00100-01999) and the drugs the anesthesia provider gave (propofol for a cardioversion)
are on the anesthesia provider's claim; the physician who did the procedure reports the
procedure. A question from the anesthesia side keeps them."""

from __future__ import annotations

import re

from consultant.drafting.candidates import Selection, _is_drug
from consultant.matching.analyse import Analysis

# The words that give the anesthesia to another provider.
_BY_ANESTHESIA = re.compile(
    r"\banesthesia (?:did|gave|provided|administered|managed|handled|was (?:done|given) by)"
    r"|\b(?:by|from) (?:the )?(?:anesthesia|anesthesiologist|crna)\b"
    r"|\b(?:anesthesiologist|crna) (?:did|gave|provided|administered)"
)
# The words of a question asked by, or about the claim of, the anesthesia provider.
_ANESTHESIA_ASKS = re.compile(
    r"\banesthesia (?:code|codes|billing|time|units|modifier|claim)|\bwe are (?:the )?anesthesia"
    r"|\bcrna billing|\bfor (?:the )?(?:anesthesia|anesthesiologist|crna)\b|\bbase units\b"
)


def is_anesthesia(code: str) -> bool:
    return len(code) == 5 and code.isdigit() and 100 <= int(code) <= 1999


def anesthesia_elsewhere(analysis: Analysis, selection: Selection) -> None:
    """Take the anesthesia codes, and drugs the asker did not name, off a proceduralist's
    claim when the words give the anesthesia to another provider."""
    lowered = analysis.text.lower()
    if not _BY_ANESTHESIA.search(lowered) or _ANESTHESIA_ASKS.search(lowered):
        return
    codes = [c for c, _ in selection.services]
    gone = [c for c in codes if (is_anesthesia(c) or _is_drug(c)) and c not in analysis.codes]
    if not gone:
        return
    selection.demote(*gone)
    selection.advice.append(
        f"Not on this claim: {', '.join(gone)}. The anesthesia service and the drugs the "
        "anesthesia provider gave are that provider's own claim; the physician who did the "
        "procedure reports the procedure."
    )
