"""A drug's harm, coded by what happened (ICD-10-CM Official Guidelines I.C.19.e).

- Adverse effect (I.C.19.e.5.a): the right drug, correctly prescribed and properly taken. The
  nature of the effect (hyponatremia, rash, bleeding) is coded first, then the T36-T50 code
  with 5 in the sixth place.
- Poisoning (I.C.19.e.5.b): the wrong drug, the wrong dose, taken by the wrong person, an
  overdose, or a drug mixed with alcohol. The T code comes first (accidental 1, intentional
  self-harm 2, assault 3, undetermined 4), its manifestations after it; with no intent
  documented a poisoning is accidental.
- Underdosing (I.C.19.e.5.c): less of a drug than prescribed. The condition it left
  untreated or worse is coded first, then the T code with 6.

The drug's class is the Table of Drugs' row for it; the table below holds the drugs coders
ask about most, by the words they write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The Table of Drugs' codes as far as the fifth character (X placeholders included).
DRUG_CLASSES: tuple[tuple[str, str], ...] = (
    (r"hctz|hydrochlorothiazide|chlorthalidone|thiazide(?: diuretics?)?", "T50.2X"),
    (r"furosemide|lasix|bumetanide|torsemide|loop diuretics?", "T50.1X"),
    (r"lisinopril|enalapril|ramipril|benazepril|quinapril|ace inhibitors?", "T46.4X"),
    (r"losartan|valsartan|irbesartan|olmesartan|arbs?", "T46.5X"),
    (r"metoprolol|atenolol|carvedilol|propranolol|beta[- ]blockers?", "T44.7X"),
    (r"amlodipine|diltiazem|nifedipine|verapamil|calcium[- ]channel blockers?", "T46.1X"),
    (r"atorvastatin|simvastatin|rosuvastatin|pravastatin|lipitor|crestor|statins?", "T46.6X"),
    (r"warfarin|coumadin|heparin|enoxaparin|lovenox|anticoagulants?", "T45.51"),
    (r"apixaban|eliquis|rivaroxaban|xarelto|dabigatran|pradaxa|clopidogrel|plavix", "T45.52"),
    (r"aspirin|asa", "T39.01"),
    (r"ibuprofen|naproxen|motrin|advil|aleve", "T39.31"),
    (r"meloxicam|diclofenac|ketorolac|toradol|celecoxib|celebrex|nsaids?", "T39.39"),
    (r"acetaminophen|tylenol|paracetamol", "T39.1X"),
    (r"oxycodone|hydrocodone|morphine|percocet|norco|vicodin|codeine|opioids?", "T40.2X"),
    (r"fentanyl", "T40.41"),
    (r"tramadol", "T40.42"),
    (r"methadone", "T40.3X"),
    (r"penicillin|amoxicillin|augmentin|ampicillin", "T36.0X"),
    (r"cephalexin|keflex|ceftriaxone|rocephin|cefdinir|cephalosporins?", "T36.1X"),
    (r"azithromycin|zithromax|z-pack|zpack|erythromycin|clarithromycin", "T36.3X"),
    (r"doxycycline|minocycline|tetracycline", "T36.4X"),
    (r"bactrim|sulfamethoxazole|smx-tmp|tmp-smx|sulfonamides?", "T37.0X"),
    (r"vancomycin|clindamycin", "T36.8X"),
    (
        r"prednisone|prednisolone|methylprednisolone|medrol|dexamethasone|"
        r"(?:oral |systemic )?(?:cortico)?steroids?",
        "T38.0X",
    ),
    (r"insulin|metformin|glipizide|glyburide|glimepiride|oral hypoglycemics?", "T38.3X"),
    (r"levothyroxine|synthroid", "T38.1X"),
    (r"digoxin", "T46.0X"),
    (r"amiodarone", "T46.2X"),
    (r"chemo(?:therapy)?|antineoplastics?|methotrexate", "T45.1X"),
    (r"pembrolizumab|keytruda|nivolumab|opdivo|ipilimumab|checkpoint inhibitors?", "T45.AX"),
    (r"lorazepam|ativan|alprazolam|xanax|diazepam|valium|clonazepam|benzodiazepines?", "T42.4X"),
    (r"sertraline|zoloft|fluoxetine|prozac|citalopram|escitalopram|lexapro|ssris?", "T43.22"),
    (r"(?:iv |iodinated )?contrast(?: dye| media| agent)?", "T50.8X"),
)
_DRUG = re.compile(
    "|".join(rf"(?P<c{i}>\b(?:{words})\b)" for i, (words, _) in enumerate(DRUG_CLASSES))
)

# Any drug of the table, with the words that tie an effect to it ("rash from amoxicillin").
DRUG_NAMES = re.compile(
    r"(?:\b(?:secondary to|due to|caused by|from|reaction to|side[- ]effects? of|of|on|"
    r"taking|took|ingested)\s+(?:(?:the|his|her|a|an|new|iv|oral|po)\s+)*)?"
    r"\b(?:" + "|".join(words for words, _ in DRUG_CLASSES) + r")\b"
)
# "Statin-induced myopathy" is, in the tabular's words, a drug-induced myopathy (G72.0).
INDUCED = re.compile(r"\b(?:" + "|".join(words for words, _ in DRUG_CLASSES) + r")[- ]induced\b")
ADVERSE, POISONING, UNDERDOSING = "adverse effect", "poisoning", "underdosing"
_SIXTH = {
    (POISONING, "accidental"): "1",
    (POISONING, "intentional self-harm"): "2",
    (POISONING, "assault"): "3",
    (POISONING, "undetermined"): "4",
    (ADVERSE, ""): "5",
    (UNDERDOSING, ""): "6",
}
# What makes it a poisoning, an underdosing, or an adverse effect of a drug properly taken.
_POISONING = re.compile(
    r"\boverdos\w*|\b(?:od|o\.d\.)\b|\btook (?:too many|extra|double|his \w+'s|her \w+'s|"
    r"someone else's|the wrong)|\bwrong (?:medication|med|drug|pill|dose|patient)\b|"
    r"\bdouble (?:dose|dosed)\b|\bby mistake\b|\bmistakenly\b|\baccidental(?:ly)? (?:took|ingest\w*|"
    r"swallow\w*)|\bingest(?:ed|ion)\b|\bsuicid\w*|\bself[- ]harm\b|\bintentional(?:ly)?\b|"
    r"\bwith alcohol\b|\bmixed \w+ with\b|"
    # A child who got into the pills: the drug taken by the wrong person.
    r"\bgot into\b|\bswallowed\b|\b(?:ate|chewed)\b[^.;]{0,40}\b(?:pills?|tabs?|tablets?|"
    r"capsules?|gumm(?:y|ies))\b|\bunknown (?:#|number|amount|quantity) of\b"
)
_SELF_HARM = re.compile(
    r"\bsuicid\w*|\bself[- ]harm\b|\bintentional(?:ly)? (?:overdos|took|ingest)"
)
_ASSAULT = re.compile(r"\bassault\w*|\bgiven (?:to (?:him|her) )?by (?:someone|another) to harm\b")
_UNDETERMINED = re.compile(r"\bundetermined\b|\bunknown intent\b|\bintent (?:unknown|unclear)\b")
_UNDERDOSING = re.compile(
    r"\bunderdos\w*|\btook (?:less|half|only)\b|\b(?:stopped|quit) taking\b|\bran out of\b|"
    r"\b(?:skipp\w*|miss\w*) (?:\w+ )?(?:doses?|pills?|meds?|medications?)\b|"
    r"\bnot taking (?:his|her|the)\b|\bforg[eo]t(?:ten)? to take\b|"
    r"\bforg[eo]t(?:ten)? (?:his|her|the) (?:meds?|medications?|pills?|doses?)\b|\bcould ?n[o']?t afford\b|\bca(?:n'?t|nnot|n not) afford\b|"
    r"\b(?:stretch|ration)\w* (?:out )?(?:his |her |the )?(?:meds?|pills?|medications?|insulin)\b|"
    r"\bevery other day\b[^.;]{0,60}\b(?:afford|cost|instead|rather than|supposed)\b|"
    r"\b(?:qod|every other day)\b[^.;]{0,20}\b(?:d/t|due to|because of) (?:the )?cost\b"
)
# Why the patient took less (I.C.19.e.5.c: the noncompliance code says the intent, if known).
_FINANCIAL = re.compile(
    r"\bafford\w*|\bcost\b|\bexpensive\b|\binsurance (?:lapse|denied)\b|\bfinancial\w*"
)
_ON_PURPOSE = re.compile(
    r"\bon purpose\b|\bintentional\w*|\b(?:chose|decided|refus\w*|didn'?t want|did not want)\b|"
    r"\bto (?:avoid|make (?:it|them) last)\b"
)
_UNINTENTIONAL = re.compile(
    r"\bforg[eo]t\w*|\bconfus\w*|\bmisunderst\w*|\bmisread\b|\bby mistake\b"
)
_AGE_DEBILITY = re.compile(
    r"\bdementia\b|\bmemory (?:loss|problems?|impairment)\b|\bage[- ]related\b|\bfrail\w*"
)
# An effect tied to the drug in the words: "secondary to thiazide", "rash from amoxicillin",
# "statin-induced myopathy", "amiodarone toxicity", "side effect of lisinopril".
_CAUSE_BEFORE = r"(?:secondary to|due to|caused by|from|reaction to|side[- ]effects? of|adverse (?:effect|reaction)s? (?:of|to)|allergic to)\s+(?:(?:the|his|her|a|an|new|iv|oral|po|\w+ mg)\s+)*"
_EFFECT_AFTER = r"\s*(?:-|\s)(?:induced|related|associated|toxicity|side[- ]effects?|reaction|allergy|intolerance)\b"


# OD is the right eye in an eye note (OD, OS, OU), not an overdose.
_EYE_NOTE = re.compile(
    r"\b(?:os|ou)\b|\beyes?\b|\bretin\w*|\bophthalm\w*|\bintravitreal\b|\bvitre\w*|\bmacul\w*|"
    r"\bcataract\b|\bglaucoma\b|\bnpdr\b|\bpdr\b|\beylea\b|\blucentis\b|\bavastin\b|\biop\b"
)


def _poisoning(lowered: str) -> bool:
    if re.search(r"\bnot (?:an? )?overdose\b", lowered):
        return False
    found = [m.group(0) for m in _POISONING.finditer(lowered)]
    if _EYE_NOTE.search(lowered):
        found = [f for f in found if f not in ("od", "o.d.")]
    return bool(found)


@dataclass(frozen=True)
class DrugEffect:
    """A drug's harm the question describes: the drug as written, what happened, the intent
    of a poisoning."""

    drug: str
    stem: str  # the Table of Drugs' code to the fifth character
    kind: str  # adverse effect, poisoning, underdosing
    intent: str = ""  # of a poisoning
    noncompliance: str = ""  # of an underdosing: the Z91.12-/Z91.13- code, when said why

    def code(self, encounter: str = "A") -> str:
        return f"{self.stem}{_SIXTH[(self.kind, self.intent)]}{encounter}"


def drug_effect(lowered: str) -> DrugEffect | None:
    """The drug effect the question describes: a drug of the table named with words of a
    poisoning, an underdosing, or an effect of the drug; None otherwise."""
    found = _DRUG.search(lowered)
    if found is None or found.lastgroup is None:
        return None
    stem = DRUG_CLASSES[int(found.lastgroup[1:])][1]
    drug = found.group(0)
    if _UNDERDOSING.search(lowered):
        return DrugEffect(drug, stem, UNDERDOSING, noncompliance=_noncompliance(lowered))
    if _poisoning(lowered):
        intent = (
            "intentional self-harm"
            if _SELF_HARM.search(lowered)
            else "assault"
            if _ASSAULT.search(lowered)
            else "undetermined"
            if _UNDETERMINED.search(lowered)
            else "accidental"  # I.C.19.e.5.b: no intent documented
        )
        return DrugEffect(drug, stem, POISONING, intent)
    for found in _DRUG.finditer(lowered):
        before = lowered[: found.start()]
        if re.search(_CAUSE_BEFORE + r"$", before) or re.match(
            _EFFECT_AFTER, lowered[found.end() :]
        ):
            number = int((found.lastgroup or "c0")[1:])
            return DrugEffect(found.group(0), DRUG_CLASSES[number][1], ADVERSE)
    return None


def _noncompliance(lowered: str) -> str:
    """The Z91.12-/Z91.13- code for why the patient took less: intentionally for the cost
    (Z91.120) or another reason (Z91.128), unintentionally from age-related debility (Z91.130)
    or another reason (Z91.138); "" when the record does not say."""
    if _UNINTENTIONAL.search(lowered):
        return "Z91.130" if _AGE_DEBILITY.search(lowered) else "Z91.138"
    if _FINANCIAL.search(lowered):
        return "Z91.120"
    if _ON_PURPOSE.search(lowered):
        return "Z91.128"
    return ""
