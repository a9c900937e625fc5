"""The conditions a diagnosis question describes, one phrase each, with how certain the
provider was, the side and the encounter: the input of ICD-10-CM coding.

"Type 2 diabetes with CKD stage 3a, rule out pneumonia, cough and fever" is four findings:
diabetes and CKD (confirmed), pneumonia (uncertain), cough, fever."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.matching.context import scopes

# Words that ask the question or carry no condition; removed before a phrase is matched.
_NOISE = re.compile(
    r"\b(?:what|which|whats|how|do|does|did|we|you|i|should|would|could|can|is|are|was|were|"
    r"the|a|an|this|that|these|for|to|of|in|on|at|by|be|use|used|code|codes|coded|coding|"
    r"icd-?10(?:-cm)?|icd|dx|dxs|diagnos[ie]s|diagnosis codes?|primary|secondary|sequence|"
    r"patient|pt|pts|he|she|they|his|her|their|has|have|had|with|presents?|presented|came|"
    r"comes|seen|visit|today|doc|doctor|provider|wrote|documented|documents|note|notes|says|"
    r"said|assessment|plan|please|thanks|help|right|correct|also|got|gets|here|there|it|its|"
    r"in the|office|clinic|hi|hello|team|question|quick|codes?\?)\b"
)
_SPLIT = re.compile(r"[.;:?!\n]|,|\band\b|\bplus\b|\balso\b|\bw/|\bwith\b|\bbut\b")
_ENCOUNTER = [
    ("S", r"\bsequela|late effect"),
    ("D", r"\bsubsequent|follow[- ]?up|routine healing|healing|recheck|cast check"),
    ("A", r"\binitial|active treatment|first visit|emergency|er visit|fresh fracture"),
]


# Clinicians' abbreviations, spelled out as the tabular list words them.
ABBREVIATIONS = {
    "ckd": "chronic kidney disease",
    "esrd": "end stage renal disease",
    "htn": "hypertension",
    "dm": "diabetes",
    "dm2": "type 2 diabetes",
    "t2dm": "type 2 diabetes",
    "dm1": "type 1 diabetes",
    "t1dm": "type 1 diabetes",
    "chf": "heart failure",
    "hf": "heart failure",
    "copd": "chronic obstructive pulmonary disease",
    "uti": "urinary tract infection",
    "afib": "atrial fibrillation",
    "a-fib": "atrial fibrillation",
    "cad": "atherosclerotic heart disease",
    "gerd": "gastro-esophageal reflux disease",
    "uri": "upper respiratory infection",
    "mi": "myocardial infarction",
    "ami": "acute myocardial infarction",
    "dvt": "deep vein thrombosis",
    "pe": "pulmonary embolism",
    "oa": "osteoarthritis",
    "ra": "rheumatoid arthritis",
    "bph": "benign prostatic hyperplasia",
    "hld": "hyperlipidemia",
    "sob": "shortness of breath",
    "lbp": "low back pain",
    "fx": "fracture",
    "abd": "abdominal",
}
# Words that link a condition to another rather than name one ("diabetic CKD": the link to
# diabetes is presumed by the guidelines when diabetes is documented).
_LINK_WORDS = re.compile(r"\b(?:diabetic|hypertensive|due to|secondary to|associated)\b")


@dataclass(frozen=True)
class Condition:
    phrase: str  # the words to match in ICD-10-CM, question words removed
    certainty: str  # "confirmed", "uncertain" or "ruled out"
    side: str  # "right", "left", "bilateral" or ""
    encounter: str  # "A", "D", "S" or ""


def conditions(text: str) -> tuple[Condition, ...]:
    lowered = text.lower()
    uncertain = [s.phrase for s in scopes(text) if s.category == "uncertain"]
    negated = [s.phrase for s in scopes(text) if s.category == "negated"]
    encounter = next((e for e, p in _ENCOUNTER if re.search(p, lowered)), "")
    out: list[Condition] = []
    for part in _SPLIT.split(lowered):
        side = _side(part)
        phrase = _NOISE.sub(" ", part)
        phrase = re.sub(
            r"\b(?:left|right|bilateral|lt|rt|rule out|r/o|probable|possible|suspected|likely|"
            r"ruled out|no|not|without|denies|initial|subsequent|encounter|sequela|routine healing|"
            r"healing|follow[- ]?up|recheck|visit|stage(?= \d)(?!)|icd-10-cm|icd-10)\b",
            " ",
            phrase,
        )
        phrase = _LINK_WORDS.sub(" ", phrase)
        phrase = " ".join(ABBREVIATIONS.get(w, w) for w in phrase.split())
        phrase = re.sub(r"[^a-z0-9 ./-]", " ", phrase)
        phrase = " ".join(w for w in phrase.split() if len(w) > 1 or w.isdigit())
        if len(phrase) < 3:
            continue
        certainty = "confirmed"
        if any(phrase in u or _overlap(phrase, u) for u in uncertain):
            certainty = "uncertain"
        elif any(phrase in n or _overlap(phrase, n) for n in negated):
            certainty = "ruled out"
        out.append(Condition(phrase, certainty, side, encounter))
    return tuple(out)


def _side(part: str) -> str:
    if re.search(r"\bbilateral|both\b", part):
        return "bilateral"
    if re.search(r"\b(?:left|lt)\b", part):
        return "left"
    if re.search(r"\b(?:right|rt)\b", part) and not re.search(r"\bright (?:code|dx|for)\b", part):
        return "right"
    return ""


def _overlap(phrase: str, scope: str) -> bool:
    words = set(phrase.split())
    return bool(words) and len(words & set(scope.split())) / len(words) >= 0.5
