"""Which code a lower GI endoscopy is, by what was done through the scope.

Sources: CPT endoscopy guidelines (the diagnostic endoscopy is included in a surgical one of
the same family; each technique used on a separate lesion is its own code), and CMS MLN
"Medicare Preventive Services: colorectal cancer screening" (a screening colonoscopy or
sigmoidoscopy at which a lesion is biopsied or removed is reported with the therapeutic CPT
code and modifier PT; G0104, G0105 and G0121 are for screenings at which nothing was taken).
"""

from __future__ import annotations

# The exam whose scope it is, for each code of the screening or diagnostic exam alone.
EXAM_OF = {
    "G0121": "colonoscopy",  # screening, average risk (Medicare)
    "G0105": "colonoscopy",  # screening, high risk (Medicare)
    "45378": "colonoscopy",  # diagnostic
    "G0104": "sigmoidoscopy",  # screening (Medicare)
    "45330": "sigmoidoscopy",  # diagnostic
}
# The surgical code of each exam by technique ("removed" with no tool said is the snare's,
# the most common, and the reply says which tool would change it).
SURGICAL = {
    "colonoscopy": {
        "biopsy": "45380",
        "hot forceps": "45384",
        "snare": "45385",
        "ablation": "45388",
        "removed": "45385",
    },
    "sigmoidoscopy": {
        "biopsy": "45331",
        "hot forceps": "45333",
        "snare": "45338",
        "ablation": "45346",
        "removed": "45338",
    },
}
TOOL_UNSAID = "removed"


def surgical_codes(exam_code: str, techniques: tuple[str, ...]) -> list[str]:
    """The surgical codes for the techniques used, in order, each once; [] when nothing was
    taken through the scope or the code is no plain lower GI exam."""
    exam = EXAM_OF.get(exam_code)
    if exam is None:
        return []
    codes = [SURGICAL[exam][t] for t in techniques if t in SURGICAL[exam]]
    return list(dict.fromkeys(codes))


def tool_choice(exam_code: str) -> str:
    """What the reviewer should confirm when the note says a polyp was removed but not how."""
    table = SURGICAL[EXAM_OF[exam_code]]
    return (
        f"the removal's tool decides the code: snare {table['snare']}, cold forceps "
        f"{table['biopsy']}, hot biopsy forceps {table['hot forceps']}"
    )
