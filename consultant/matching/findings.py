"""The conditions a diagnosis question describes, one phrase each, with how certain the
provider was, the side and the encounter: the input of ICD-10-CM coding.

"Type 2 diabetes with CKD stage 3a, rule out pneumonia, cough and fever" is four findings:
diabetes and CKD (confirmed), pneumonia (uncertain), cough, fever."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from consultant.matching.context import TRIGGERS, scopes
from consultant.matching.senses import qualifies_only, without_other_senses
from consultant.rules.icd10_drug_effects import DRUG_NAMES, INDUCED, drug_effect

# Words that ask the question or carry no condition; removed before a phrase is matched.
_NOISE = re.compile(
    r"\b(?:what|which|whats|how|do|does|did|we|you|i|should|would|could|can|is|are|was|were|"
    r"the|a|an|this|that|these|for|to|of|in|on|at|by|be|use|used|code|codes|coded|coding|"
    r"icd-?10(?:-cm)?|icd|dx|dxs|diagnos[ie]s|diagnosis codes?|primary|secondary(?! malignant)|sequence|"
    r"patient|pt|pts|he|she|they|his|her|their|has|have|had|with|presents?|presented|came|"
    r"comes|seen|visit|today|doc|doctor|provider|wrote|documented|documents|note|notes|says|"
    r"said|assessment|plan|please|thanks|help|right|correct|also|got|gets|here|there|it|its|"
    r"in the|office|clinic|hi|hello|team|question|quick|codes?\?|other|others|"
    # The course of a condition, not a condition: "hypertension - stable", "A/P reads".
    r"stable|improving|unchanged|well[- ]controlled|reads|cont|continue|regimen|now|"
    r"(?:biopsy|path(?:ology)?)[- ]proven|proven)\b"
)
_SPLIT = re.compile(
    r"[;:?!\n()+]|\.(?!\d)|,|\band\b|\bplus\b|\balso\b|\bbut\b|(?<!acute )\bon\b(?! chronic)"
)
# A dash in a problem list that turns from the condition to the plan ("ADHD - start
# methylphenidate") or to a condition only being ruled out ("poor eye contact - r/o autism"):
# the words after it are a clause of their own.
_TURN = re.compile(
    r"\s[-\u2013\u2014]+\s+(?=(?:r/o|rule out|probable|possible|suspected|likely|questionable|"
    r"start(?:ed)?|cont(?:inue)?|rx|refer(?:red)?|order(?:ed)?|increase|decrease|stop|check|"
    r"plan)\b)"
)
# Clauses that only qualify the condition before them ("..., intractable", "..., stage 3").
_QUALIFIER = re.compile(
    r"^(?:(?:intractable|not intractable|with status migrainosus|displaced|nondisplaced|"
    r"non-displaced|open|acute|chronic|recurrent|in remission|uncomplicated|severe|moderate|"
    r"mild|intermittent|persistent|stage \w+|with exacerbation|with acute exacerbation|"
    r"combined type|predominantly (?:inattentive|hyperactive) type|"
    r"(?:upper|lower)[- ](?:inner|outer)[- ]quadrant|central portion|axillary tail|"
    r"limited to breakdown of skin|with fat layer exposed|with (?:necrosis of )?(?:muscle|bone)"
    r"(?: involvement)?(?: without evidence of necrosis)?|"
    r"(?:site|part|quadrant)(?: (?:within|of)(?: the)? \w+)? (?:not specified|unspecified|"
    r"not documented)|unspecified (?:site|part))\s*)+$"
)
# "Migraine with aura" is one title; "diabetes with CKD" is two conditions the guidelines
# link. A clause keeps its "with" and is also offered in parts (consultant.drafting.diagnoses
# takes the whole when a title carries it).
# Where a phrase splits into conditions coded apart when no title carries it whole ("UTI due
# to E. coli": the infection, then its organism).
_WITH = re.compile(r"\bw/|\bwith\b|\bdue to\b|\bsecondary to\b|\bcaused by\b")
# Codes the asker writes are proposals, not conditions; durations are not conditions.
_CODE_WORDS = re.compile(
    r"\b[a-tv-z]\d[0-9a](?:\.?[0-9a-z]{1,4})?\b|\b\d{4}[0-9a-z]\b|\b[a-z]\d{4}\b"
)
_DURATION = re.compile(
    r"\b(?:x|for|since|over)?\s*\d+\s*(?:\+\s*)?(?:days?|d|weeks?|wks?|months?|mos?|years?|yrs?|"
    r"hours?|hrs?)\b(?:\s+ago)?|\bx\s?\d+\b|\b\d+\s*ppd\b"
)
# The residual of an injury that has healed (a scar, a keloid, a contracture) is treated: the
# injury is coded with 7th character S, after the residual (I.C.19.a, I.B.10).
_RESIDUAL = r"(?:hypertrophic scar|scar(?:ring)?|keloid|contracture)"
_HEALED_INJURY = r"(?:burn|laceration|lac|cut|wound|injury|dog bite|bite|fracture|fx)"
_ENCOUNTER = [
    (
        "S",
        r"\bsequela|late effect|"
        rf"\b{_RESIDUAL}\b[^.?!]{{0,40}}\b(?:from|after|due to|following|secondary to)\b[^.?!]{{0,30}}"
        rf"\b{_HEALED_INJURY}\b|\b{_HEALED_INJURY}\b[^.?!]{{0,40}}\b(?:long |fully |well )?healed\b",
    ),
    # A fracture's subsequent care when it is not healing as expected (7th G, K, P).
    ("G", r"\bdelayed (?:union|healing)\b"),
    ("K", r"\bnon-?union\b"),
    ("P", r"\bmal-?union\b"),
    # Active treatment today, whatever follow-up is planned: the definitive cast placed by
    # the physician who now takes over (I.C.19.a: evaluation and continuing treatment by a
    # different physician are still active treatment).
    (
        "A",
        # Not at a cast change (routine healing: D), where a new cast is placed too.
        r"^(?![\s\S]*\b(?:cast (?:change|check|removal|removed)|recast\w*|"
        r"chang\w* (?:the |her |his )?cast)\b)[\s\S]*?"
        r"(?:\b(?:placed|applied|put (?:on|in))\s+(?:a |an |the )?(?:\w+\s+){0,3}cast\b|"
        r"\bcast (?:was )?(?:placed|applied)\b)",
    ),
    (
        "D",
        r"\bsubsequent|follow[- ]?up|\bf/u\b|routine healing|healing|recheck|cast (?:check|change|"
        r"removed|removal)",
    ),
    (
        "A",
        r"\binitial|active treatment|first visit|emergency|\b(?:ed|er)\b|fresh fracture|"
        r"urgent care|\buc (?:visit|clinic|center)\b|^\W*uc\s*[:\-]|"
        r"splint(?:ed)?\b|\breduc(?:ed|tion)\b|\borif\b",
    ),
]


def _encounter(lowered: str) -> str:
    """The encounter's seventh character the words describe. What the asker states of this
    visit decides before what they ask about others ("ED visit ... do the codes go on the
    follow-up visits too?" is the initial encounter)."""
    sentences = re.split(r"(?<=[.?!])\s+", lowered)
    stated = " ".join(s for s in sentences if not s.rstrip().endswith("?"))
    for words in (stated, lowered):
        found = next((e for e, p in _ENCOUNTER if re.search(p, words)), "")
        if found:
            return found
    return ""


def _lower_limb_ulcer(found: re.Match[str]) -> str:
    site = found.group(2) or found.group(1)
    return f" non-pressure chronic ulcer of {site} " if site else found.group(0)


# Phrases coders write for what the tabular list words otherwise: status and history.
# The words for a cancer, all "malignant neoplasm" in the tabular's words ("ca" after a site:
# "prostate ca").
CANCER_WORDS = ("adeno-?carcinoma", "carcinoma", "cancer", "ca", "malignancy")
REWRITES: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    # Which occasion this is ("2nd visit", "third dose") is no condition's word.
    (
        r"\b(?:\d(?:st|nd|rd|th)|first|second|third|fourth|fifth|another|next)\s+(?:visit|time|"
        r"dose|appointment|appt|encounter|opinion|round|cycle|f/u|follow[- ]?up)s?\b",
        " ",
    ),
    # The tabular list spells ordinals out: "fifth metatarsal", "second toe".
    (r"\b1st\b", "first"),
    (r"\bw/o\b", "without"),
    (r"\b2nd\b", "second"),
    (r"\b3rd\b", "third"),
    (r"\b4th\b", "fourth"),
    (r"\b5th\b", "fifth"),
    (r"\b(type [12]|t[12]) diabetic\b", r"\1 diabetes"),
    (
        r"\b(?:former|ex-?|previous|quit)\s*smok\w*|\bquit (?:smoking|tobacco)\b|"
        r"\b(?:hx|history) (?:of )?(?:tobacco|smoking|nicotine)(?: use| dependence)?",
        "personal history of nicotine dependence",
    ),
    (
        r"\b(?:current )?(?:cigarette )?smoker\b|\bsmokes(?: cigarettes)?\b|\bcigarette use\b",
        "nicotine dependence cigarettes",
    ),
    (
        r"\b(?:on |uses |using |takes |taking )?(?:insulin|lantus|levemir|tresiba|toujeo|basaglar|"
        r"semglee|humalog|novolog|admelog|apidra|fiasp|lyumjev|humulin|novolin)\b(?! resistance| pump)",
        "long term current use of insulin",
    ),
    (
        r"\b(?:on |takes |taking )?(?:metformin|glipizide|glyburide|glimepiride|pioglitazone|"
        r"sitagliptin|januvia|jardiance|empagliflozin|dapagliflozin|farxiga|oral hypoglycemics?|"
        r"oral (?:diabetes|antidiabetic) (?:meds|medications?|drugs?))\b",
        "long term current use of oral hypoglycemic drugs",
    ),
    (
        r"\b(?:on |takes |taking )?(?:semaglutide|ozempic|liraglutide|victoza|dulaglutide|"
        r"trulicity|tirzepatide|mounjaro)\b",
        "long term current use of injectable non-insulin antidiabetic drugs",
    ),
    # Chemotherapy finished, or only planned or discussed, is not this encounter's reason.
    (
        r"\b(?:finished|completed|complete|done with|s/p|status post|prior|previous|past|had|"
        r"plan(?:ning|s)?(?: to start| for)?|discuss(?:ed|ing)?|consider(?:ing)?|candidate for)"
        r"\s+(?:(?:adjuvant|neoadjuvant|maintenance|systemic|the|his|her|iv)\s+)*"
        r"chemo(?:therapy)?\b",
        " ",
    ),
    # An encounter for chemotherapy is its own reason, listed first (I.C.2.e.2).
    (
        r"\b(?:(?:cycle|round|c) ?\d+ (?:of )?)?(?:adjuvant |neoadjuvant |maintenance )?"
        r"(?:chemo(?:therapy)?|antineoplastic (?:chemotherapy|infusion))\b(?! pump| port)(?: for\b)?",
        "encounter for antineoplastic chemotherapy with",  # "with": its cancer coded apart
    ),
    # Metastases are the secondary neoplasm of the organ they are in (C77-C79), current
    # whatever became of the primary: "liver mets", "mets to bone", "metastatic to the liver".
    # "Metastatic breast cancer to bone": the primary, with the secondary where it spread.
    (
        rf"\bmetastatic ((?:[a-z]+ ){{1,2}})(?:{'|'.join(CANCER_WORDS)})\s+"
        r"(?:to|in)\s+(?:the\s+)?([a-z]+)\b",
        r" \1 malignant neoplasm with secondary malignant neoplasm of \2 ",
    ),
    (
        r"\b(?:mets|metastas[ie]s|metastatic(?: disease)?)\s+(?:to|in|of)\s+(?:the\s+)?([a-z]+)\b",
        r" secondary malignant neoplasm of \1 ",
    ),
    (
        r"\b([a-z]+)\s+(?:mets|metastas[ie]s|metastatic disease|metastatic lesions?)\b",
        r" secondary malignant neoplasm of \1 ",
    ),
    (r"\bfrom (?:a |the |an? )?(?:[a-z]+ )?primary\b", " "),  # where the metastases came from
    (
        rf"\b(?:{'|'.join(CANCER_WORDS)}|malignant tumou?r)\b",
        "malignant neoplasm",
    ),
    (r"\bmammo(?:gram|graphy)?s?\b", "mammogram"),
    # A "flare" of an airway disease is its (acute) exacerbation in the tabular's words (J44.1,
    # J45.901); the index has no "flare".
    (
        r"\b(copd|chronic obstructive pulmonary disease|asthma)\s+(?:flare(?:[- ]?up)?|exacerbation|"
        r"exac)\b|\b(?:flare(?:[- ]?up)?|exacerbation) of (?:his |her |the )?"
        r"(copd|chronic obstructive pulmonary disease|asthma)\b",
        lambda m: f" {m.group(1) or m.group(2)} with acute exacerbation ",
    ),
    # An ulcer of the lower limb not called a pressure ulcer is a non-pressure chronic ulcer
    # (Index: Ulcer, lower limb L97.-); the most specific site written names it.
    (
        r"(?<!pressure )(?<!decubitus )(?<!stasis )(?<!venous )\b(?:(foot|heel|toe|ankle|calf|"
        r"leg|thigh) )?ulcers?\b(?: (?:of|on) (?:the )?(?:(?:left|right|lt|rt|l|r) )?(heel|foot|"
        r"toe|great toe|ankle|calf|lower leg|leg|thigh|midfoot)\b)?",
        _lower_limb_ulcer,
    ),
    # The tabular list's name for the disease, whichever way the asker writes it.
    (r"\b(?:covid(?:[- ]?19)?|sars[- ]?cov[- ]?2(?: infection)?)\b", "covid-19"),
    # The index: Shock, septic (due to severe sepsis) R65.21; not postprocedural T81.12.
    (r"\bseptic shock\b", "severe sepsis with septic shock"),
    (
        r"\b(?:on |dependent on )?(?:hemo|peritoneal )?dialysis(?: dependent)?\b",
        "dependence on renal dialysis",
    ),
    (
        r"\bwell[- ](?:child|baby|infant)(?: check| visit| exam| care)?\b",
        "routine child health examination",
    ),
    (
        r"\b(?:annual|routine|adult) (?:physical|exam|wellness exam|check-?up)\b|\bannual wellness\b",
        "general adult medical examination",
    ),
    (r"\b(?<!family )(?<!personal )(?:hx|history|h/o)\b(?: of)?", "personal history of"),
]
# A cancer no longer under treatment is history (OCG I.C.2.d): excised or eradicated, no
# treatment directed to it, no evidence of it.
_CANCER_HISTORY = re.compile(
    r"\b(?:ago|resected|excised|removed|s/p|status post|completed|no (?:current|further) (?:tx|"
    r"treatment|therapy)|no (?:evidence of )?(?:disease|recurrence)|in remission|survivor|"
    r"undetectable|\w+ectomy (?:in |on )?(?:19|20)\d\d)\b"
)
# A cancer still under treatment is current, however long ago a dose was (I.C.2.d: history
# only once it is excised or eradicated and no treatment is directed at it).
_IN_TREATMENT = re.compile(
    r"\bcurrently (?:on|receiving|getting|undergoing|in)\b|\b(?:on|receiving|undergoing) (?:active )?"
    r"(?:chemo\w*|treatment|radiation|immunotherapy|ac-?t|folfox|r-?chop)\b|\bcycle \d|"
    r"\blast (?:chemo|cycle|infusion|dose)\b|\bmid[- ]treatment\b|\bactive (?:treatment|disease)\b"
)
# Conditions whose tabular title names the drug class that caused them (D64.81).
_DRUG_IN_TITLE = re.compile(r"\bdue to antineoplastic chemotherapy\b")
_FOLLOW_UP = re.compile(r"\bsurveillance|follow[- ]?up|\bf/u\b")


# A malignancy present now (metastases, or a cancer not called history): not a follow-up
# after completed treatment (Z08 is for an examination that finds none).
def _current_neoplasm(phrase: str) -> bool:
    return "malignant neoplasm" in phrase and "history" not in phrase


# Words of the encounter, not of a condition.
_NOT_CONDITION = re.compile(
    r"\b(?:sent|ordered|found|removed|resected|performed|done|splinted|fell|listed|pending|"
    r"treated|given|placed|started|scheduled|referred|avg|average|risk|normal|first|well|"
    r"admission|admitted|recovering|cardiology|retina clinic|flaring|flare-?ups?|flares?|"
    r"same|still|ago|closed|cast|exam|today|normally|tx|treatment|current|complications?|"
    r"documented|charted|noted|both|only|controlled|new|old|acute care|inpatient|outpatient|"
    r"facility|claim|denials?|denied|keep|getting|better|put|send|bill|billing|code it as|"
    r"it as|as well|well|one|more|culture|cxr|x-?ray|ct|mri|(?:venous |arterial |carotid )?duplex|ultrasound|labs?|"
    r"stress test|ekg|ecg|urine|blood work|surgery|\w+ectomy|\w+otomy|\w+oscopy(?= for)|"
    r"part|specified|negative|ed|ran out|out of|stop(?:ped)?|switch(?:ed)?|hold|held|d/c|discontinued?|problems?|issues?|complaints?|concerns?|positive|results?|picked|pick|quit|chose|chosen|selected|submit\w*|ok|okay|send|"
    r"(?:hot |cold )?snared?|forceps|ortho|orthopedics|reduced|casted|shows|showed|maintained|mostly|mainly|usually|since|"
    r"side(?! effects?)|after(?= (?:the )?(?:er|ed|surgery|reduction|cast))|er(?= reduced)|"
    r"(?:right|left)?[- ]?handed|ambidextrous|dominant|"
    r"provider|physician|np|pa|md|confirmed|pcr|rapid(?=\s+(?:antigen\s+)?tests?\b)|tests?(?=\s+(?:pending|ordered|sent|results?|came|was|is|"
    r"were)\b))\b"
)


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
    "af": "atrial fibrillation",
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
    "etoh": "alcohol",
    "fhx": "family history",
    "abd": "abdominal",
    "rlq": "right lower quadrant",
    "llq": "left lower quadrant",
    "ruq": "right upper quadrant",
    "luq": "left upper quadrant",
    "calf": "lower leg",
    "ha": "headache",
    "n/v": "nausea with vomiting",
    "cp": "chest pain",
    "uc": "ulcerative colitis",
    "ptsd": "post-traumatic stress disorder",
    "adhd": "attention-deficit hyperactivity disorder",
    "osa": "obstructive sleep apnea",
    "mdd": "major depressive disorder",
    "gad": "generalized anxiety disorder",
    "pvd": "peripheral vascular disease",
    "ibs": "irritable bowel syndrome",
    "aki": "acute kidney failure",
    "tia": "transient cerebral ischemic attack",
    "obese": "obesity",
    # Heart failure by ejection fraction: preserved is diastolic, reduced is systolic.
    "hfpef": "diastolic heart failure",
    "hfref": "systolic heart failure",
}
# Words that link a condition to another rather than name one ("diabetic CKD": the link to
# diabetes is presumed by the guidelines when diabetes is documented).
_LINK_WORDS = re.compile(
    r"\b(?:diabetic|hypertensive(?! (?:urgency|emergency|crisis|encephalopathy|retinopathy))|"
    r"due to|secondary to|associated)\b"
)


@dataclass(frozen=True)
class Condition:
    phrase: str  # the words to match in ICD-10-CM, question words removed
    certainty: str  # "confirmed", "uncertain" or "ruled out"
    side: str  # "right", "left", "bilateral" or ""
    encounter: str  # "A", "D", "S" or ""
    parts: tuple[str, ...] = ()  # the phrase split at "with", when no title carries it whole
    sex: str = ""  # "female" or "male" when the question says which (breast cancer: C50.91-)
    # Organs the question's procedures name ("colonoscopy": colon), which decide among
    # conditions of the same name at different sites ("polyp": of colon, not of uterus).
    sites: tuple[str, ...] = ()
    # The chapters only some patients' conditions come from: "O" pregnancy and the
    # puerperium, "P" the perinatal period, when the question describes such a patient.
    chapters: str = ""


# Organisms as coders write them, in the tabular list's words; before clauses are split, so
# that "E. coli" is not cut at its full stop.
ORGANISMS = [
    (r"\be\.?\s?coli\b", "escherichia coli"),
    (r"\bmrsa\b", "methicillin resistant staphylococcus aureus"),
    (r"\bmssa\b", "methicillin susceptible staphylococcus aureus"),
    (r"\bgbs\b|\bgroup b strep\b", "streptococcus group b"),
    (r"\bgroup a strep\b|\bstrep a\b", "streptococcus group a"),
    (r"\bh\.?\s?pylori\b", "helicobacter pylori"),
    (r"\bpseudomonas\b(?! aeruginosa)", "pseudomonas aeruginosa"),
]
# Clinicians' names the Index files under another word: an acute kidney injury is acute
# kidney failure (N17.-, "Injury, kidney, acute, nontraumatic"), not an injury of the kidney
# (S37.-).
INDEX_TERMS = [
    (r"\bacute kidney injury\b|\baki\b", "acute kidney failure"),
    (r"\ba[- .]?fib\b", "atrial fibrillation"),
    # An animal's or a person's bite is an open bite of the site (the Index: Bite, see
    # Wound, open, by site, bite), whatever punctures it made.
    (
        r"\b(?:dog|cat|animal|human|horse|raccoon|bat)\s+(?:bite|bit)\s+(?:(?:his|her|the|their|"
        r"pt'?s)\s+)?(?=(?:r|l|right|left|rt|lt)?\s*\w)",
        "open bite of ",
    ),
    (r"\ba[- .]?flutter\b", "atrial flutter"),
    # A behaviour observed, not an eye condition (H10.53- is contact blepharoconjunctivitis).
    (r"\b(?:poor|limited|decreased|reduced|fleeting|avoids|avoidant|no) eye contact\b", " "),
    # The scaphoid unqualified is the wrist's (the Index: Fracture, carpal, navicular
    # [scaphoid]); the foot's is the navicular of the foot, said so. Its waist is the middle
    # third, its poles the proximal third and the distal pole (S62.01-S62.03).
    (
        r"\bscaphoid (?:bone )?waist\b|\bwaist of (?:the )?scaphoid\b",
        "middle third of navicular bone of wrist",
    ),
    (
        r"\bproximal pole of (?:the )?scaphoid\b|\bscaphoid proximal pole\b",
        "proximal third of navicular bone of wrist",
    ),
    (
        r"\bdistal pole of (?:the )?scaphoid\b|\bscaphoid distal pole\b",
        "distal pole of navicular bone of wrist",
    ),
    (
        r"\bscaphoid\b(?! (?:bone )?of (?:the )?(?:right |left )?foot)(?![^.;,]{0,30}\b(?:foot|tarsal)\b)",
        "navicular bone of wrist",
    ),
    # A substance's abuse or dependence written as history is the condition in remission
    # (Index: Abuse, alcohol, in remission F10.11; Dependence, ..., in remission F1x.21): no Z
    # code names it, and "history of abuse" alone is a child's abuse (Z62.81-).
    (
        r"\b(?:hx|history|h/o|past history)(?: of)? (etoh|alcohol|opioids?|opiates?|cocaine|"
        r"cannabis|marijuana|stimulants?|methamphetamine|meth|benzodiazepines?|sedatives?|"
        r"tobacco|nicotine|drug|substance|polysubstance) (abuse|dependence|addiction|use "
        r"disorder)\b",
        r"\1 \2 in remission",
    ),
    # Withdrawal is the condition; the symptoms listed after it are part of it (I.B.5).
    (r"\bwithdrawal (?:sx|symptoms?|signs?|syndrome)\b", "withdrawal;"),
    # Gallstones are calculi of the gallbladder (Index: Cholelithiasis, see Calculus,
    # gallbladder; K80.2-), however many; a gallstone ileus or pancreatitis keeps its own
    # entry (K56.3, K85.1-). "Calculous cholecystitis" is the two together (K80.0-, K80.1-).
    (r"\bcalculous cholecystitis\b", "cholecystitis; calculus of gallbladder;"),
    (
        r"\b(?:(?:symptomatic|multiple|several|numerous|many|small|large|tiny|a few) )?(?:gall ?"
        r"stones?|cholelithiasis|gallbladder (?:stones?|calculi)|stones? in (?:the )?gallbladder)"
        r"\b(?! (?:ileus|pancreatitis))( with (?:biliary )?obstruction)?",
        r"; calculus of gallbladder\1;",
    ),
    # Myocardial infarction by type, as cardiology notes abbreviate it.
    (r"\bnstemi\b", "non-st elevation myocardial infarction"),
    (r"\bstemi\b", "st elevation myocardial infarction"),
    # A coronary stent in place (drug-eluting or bare-metal, placed at a PCI) is the presence
    # of a coronary angioplasty implant (Z95.5).
    (
        r"\b(?:s/p |status post |h/o |hx of )?(?:des|bms|drug[- ]eluting stent|coronary stent|"
        r"stents?) (?:to|in|x ?\d) (?:the )?(?:lad|rca|lcx|circ|cx|om\d?|diag\w*|left main)\b",
        "; presence of coronary angioplasty implant and graft;",
    ),
    # Diabetic eye disease as retina notes write it: the tabular words the retinopathy by
    # severity ("moderate nonproliferative diabetic retinopathy") and its macular edema.
    # Blood from below as notes write it is the rectal hemorrhage (K62.5); with ulcerative
    # colitis or Crohn's disease the combination code takes it (rules.icd10).
    (
        r"\b(?:rectal bleeding|bleeding per rectum|bloody stools?|blood in (?:the |her |his )?"
        r"stools?|hematochezia|brbpr|bright red blood per rectum)\b",
        "hemorrhage of anus and rectum",
    ),
    # DSM-5's "presentation" of ADHD is the tabular list's "type".
    (
        r"\b(combined|predominantly inattentive|predominantly hyperactive(?:[- ]impulsive)?) "
        r"presentation\b",
        r"\1 type",
    ),
    # Anemia the oncologist ties to the chemotherapy, not to the cancer (D64.81, not D63.0).
    (
        r"\banemia (?:is )?(?:secondary to|due to|from|caused by|d/t|2/2|related to) (?:the |her |his )?"
        r"(?:chemo(?:therapy)?|antineoplastic\w*)\b|\bchemo(?:therapy)?[- ]induced anemia\b",
        "anemia due to antineoplastic chemotherapy",
    ),
    # Breast quadrants and receptor status as oncology notes write them.
    (r"\b(upper|lower)[- ](inner|outer) (?:area|region|part|aspect)\b", r"\1-\2 quadrant"),
    (r"\buoq\b", "upper-outer quadrant"),
    (r"\buiq\b", "upper-inner quadrant"),
    (r"\bloq\b", "lower-outer quadrant"),
    (r"\bliq\b", "lower-inner quadrant"),
    (r"\ber\s?\+|\ber[- ]pos(?:itive)?\b", "; estrogen receptor positive status;"),
    (r"\bnpdr\b", "nonproliferative diabetic retinopathy"),
    (r"\bpdr\b", "proliferative diabetic retinopathy"),
    (
        r"\b(?:center[- ]involving |ci-?)?dme\b(?=[^.;\n]{0,20}\b(?:ou|od|os|eyes?|both)\b)"
        r"|\bdiabetic macular edema\b",
        "diabetic macular edema",
    ),
    # "Dysuria, frequency, urgency": urgency of urination (R39.15); a hypertensive urgency
    # says so.
    (r"(?<!hypertensive )\burgency\b(?! of)", "urgency of urination"),
]
ORGANISM_NAMES = re.compile(
    "|".join(re.escape(t) for _, t in ORGANISMS) + r"|\bstaphylococc\w*|\bstreptococc\w*|"
    r"\bklebsiella\b|\bproteus\b|\benterococc\w*|\bhelicobacter\b"
)


# What the record does not say about a link ("Doc didn't write that the CKD is due to the
# diabetes") repeats conditions already named; it neither negates them nor names new ones,
# and the guidelines presume the link unless the provider says they are unrelated (I.A.15).
_UNSTATED_LINK = re.compile(
    r"\b(?:did ?n[o']?t|does ?n[o']?t|do ?n[o']?t|never|not) (?:write|say|state|document|specify|"
    r"link|mention|indicate)\w*\b[^.;!?\n]*"
)


_POORLY_CONTROLLED = re.compile(
    r"\b(diabetes|diabetes mellitus|dm ?[12]?|t[12]dm|dm type [12]|type [12] (?:dm|diabetes))"
    r"\b['\"]?\s*(?:,|-|is|was)?\s*(?:poorly|inadequately|not well|sub-?optimally) controlled|"
    r"\b(?:poorly|inadequately) controlled (diabetes|dm ?[12]?|t[12]dm|type [12] (?:dm|diabetes))\b"
)


_KNEE = r"(?:tka|tkr|total knee (?:arthroplasty|replacement)|knee replacement)"
_HIP = r"(?:tha|thr|total hip (?:arthroplasty|replacement)|hip replacement)"
_JOINT_REPLACED = re.compile(rf"\b(?:{_KNEE}|{_HIP})\b")
_JOINT_DONE = re.compile(r"\b(?:s/p|status post|post[- ]?op\w*|ago|had)\b")
_JOINT_PLANNED = re.compile(
    rf"\b(?:scheduled|planned|upcoming|pre[- ]?op\w*|candidate|considering|will have)\b"
    rf"[^.;]{{0,30}}\b(?:{_KNEE}|{_HIP})\b"
)
_REPLACED_FOR = re.compile(
    rf"\b({_KNEE}|{_HIP})\b([^.;]{{0,30}}?)\s+for (?:primary |end[- ]stage |severe |bone[- ]on[- ]bone )?"
    r"(?:oa|osteoarthritis|djd|degenerative joint disease)\b"
)
_REHAB = re.compile(
    r"\bpost[- ]?op(?:erative)? (?:rehab\w*|therapy|pt|physical therapy)\b|\brehab(?:ilitation)? "
    r"(?:after|following|s/p)\b"
)
_ARTIFICIAL_JOINTS = (
    (rf"\b(r|l|rt|lt|right|left)?\s*{_KNEE}\b", r"; \1 presence of artificial knee joint;"),
    (rf"\b(r|l|rt|lt|right|left)?\s*{_HIP}\b", r"; \1 presence of artificial hip joint;"),
)
_SIDE_WORD = re.compile(r"\b(?:bilateral|bilat|b/l|left|right|lt|rt)\b")
_BOTH_NAMED = re.compile(
    r"\b(?:r|rt|right) (?:and|&) (?:l|lt|left)\b|\b(?:l|lt|left) (?:and|&) (?:r|rt|right)\b"
)
_DRUG_FOR = re.compile(r"\b[a-z]+ \d+(?:\.\d+)?\s*(?:mg|mcg|u|units?)?\s+(?:for|to treat)\b")


def _hyperglycemia(found: re.Match[str]) -> str:
    return f"{found.group(1) or found.group(2)} with hyperglycemia"


def conditions(text: str) -> tuple[Condition, ...]:
    """The conditions a diagnosis question describes, in the order written."""
    # The setting is read before abbreviations in another sense leave the text ("UC visit":
    # urgent care, an initial encounter, not ulcerative colitis).
    encounter = _encounter(text.lower())
    text = _UNSTATED_LINK.sub(" ", without_other_senses(text).lower())
    # The Index: diabetes "poorly controlled", "inadequately controlled" or "out of control"
    # is diabetes with hyperglycemia (E08-E13 .65).
    text = _POORLY_CONTROLLED.sub(_hyperglycemia, text)
    # "From R and L EAC": both sides, before "and" splits the clause into two sideless ones.
    text = _BOTH_NAMED.sub("bilateral", text)
    lowered = _CODE_WORDS.sub(" ", text)
    sex = _sex(lowered)
    sites = tuple(dict.fromkeys(site for p, site in _PROCEDURE_SITES if re.search(p, lowered)))
    if (
        _JOINT_REPLACED.search(lowered)
        and _JOINT_DONE.search(lowered)
        and not _JOINT_PLANNED.search(lowered)
    ):
        # Rehab after a joint replacement is aftercare (Z47.1) with the artificial joint
        # (Z96.6-); the arthritis the joint was replaced for is gone with it.
        lowered = _REPLACED_FOR.sub(r"\1", lowered)
        lowered = _REHAB.sub("; aftercare following joint replacement surgery;", lowered)
        for pattern, tabular in _ARTIFICIAL_JOINTS:
            lowered = re.sub(pattern, tabular, lowered)
    lowered = _index_terms(lowered)
    # "Atorva 80 for HLD": a drug and its dose given for a condition; the condition is what
    # follows.
    lowered = _DRUG_FOR.sub("; ", lowered)
    # The scopes in the index's words too, as the clauses are: "r/o NSTEMI" governs the
    # clause that now reads "non-st elevation myocardial infarction".
    uncertain = [_index_terms(s.phrase) for s in scopes(text) if s.category == "uncertain"]
    negated = [_index_terms(s.phrase) for s in scopes(text) if s.category == "negated"]
    history = bool(_CANCER_HISTORY.search(lowered)) and not _IN_TREATMENT.search(lowered)
    harmful = drug_effect(lowered) is not None
    out: list[Condition] = []
    for part in (p for clause in _SPLIT.split(lowered) for p in _TURN.split(clause)):
        if harmful and not _DRUG_IN_TITLE.search(part):
            # The drug that did harm is coded by its T code, not as a condition's words.
            part = DRUG_NAMES.sub(" ", INDUCED.sub(" drug-induced ", part))
        side = _side(part)
        certainty = "confirmed"
        treated = _TREATED_AS.search(part)
        if treated:
            # "Since he's treating it as GERD": what it is treated as, not yet established.
            part, certainty = part[treated.end() :], "uncertain"
        if _RULED_OUT_FIRST.match(part):
            certainty = "ruled out"  # "ruled out MI": the trigger before what it rules out
        words = re.findall(r"[a-z0-9]+(?:[/'-][a-z0-9]+)*", _NOISE.sub(" ", part))
        bare = " ".join(w for w in words if w not in _TRIGGER_WORDS)
        # The clause's condition is its first word: "no esophagitis" is negated, "GERD
        # without esophagitis" is not.
        head = bare.split()[0] if bare else ""
        if treated or (head and any(head in _scope_words(u) for u in uncertain)):
            certainty = "uncertain"
        elif head and any(head in _scope_words(n) for n in negated):
            certainty = "ruled out"
        rewritten = part
        for pattern, words_for in REWRITES:
            rewritten = re.sub(
                pattern, words_for if callable(words_for) else f" {words_for} ", rewritten
            )
        if (
            history
            and "malignant neoplasm" in rewritten
            and "history" not in rewritten
            and "secondary" not in rewritten  # metastases present now are current
        ):
            rewritten = rewritten.replace(
                "malignant neoplasm", "personal history of malignant neoplasm"
            )
        phrase = _phrase(rewritten)
        if len(phrase) < 3 and side and out and not out[-1].side and _SIDE_WORD.search(part):
            # "Impacted cerumen, bilateral": the side of the condition before it ("GAD, both
            # not well controlled" is both conditions, not both sides).
            out[-1] = replace(out[-1], side=side)
            continue
        if len(phrase) < 3 or phrase in _SEX_WORDS or qualifies_only(phrase):
            continue  # "(female)", "discharged": the patient or the encounter, not a condition
        if certainty == "ruled out" and phrase in _ANY_COMPLAINT:
            continue  # "no symptoms", "no complaints": nothing named, so nothing ruled out
        parts = tuple(p for p in (_phrase(p) for p in _WITH.split(rewritten)) if len(p) >= 3)
        if certainty == "uncertain" and len(parts) > 1 and _WITH_ONLY.search(rewritten):
            # "Probable COVID with pneumonia": the doubt is about the cause, not about what
            # was found with it; the pneumonia is coded, the uncertain cause is not (IV.H).
            out.append(Condition(parts[0], certainty, side, encounter, (), sex, sites))
            out += [Condition(p, "confirmed", side, encounter, (), sex, sites) for p in parts[1:]]
            continue
        # A reading beside the qualifier ("stage 3b - eGFR 38") is its value, not more words.
        qualifier = _QUALIFIER.match(
            " ".join(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", _READING.sub(" ", part)))
        )
        if qualifier and out and certainty == "confirmed":
            last = out[-1]  # "migraine without aura, intractable": one condition
            # A clause that qualifies a condition named with another ("diabetic ulcer of the
            # heel, limited to breakdown of skin") qualifies the last of its parts.
            parts = (*last.parts[:-1], f"{last.parts[-1]} {phrase}") if last.parts else ()
            out[-1] = replace(last, phrase=f"{last.phrase} {phrase}", parts=parts)
            continue
        if qualifier:
            continue  # "not intractable": the default the title already carries
        out.append(
            Condition(
                phrase, certainty, side, encounter, parts if len(parts) > 1 else (), sex, sites
            )
        )
    chapters = ("O" if _OBSTETRIC.search(lowered) else "") + (
        "P" if _NEWBORN.search(lowered) else ""
    )
    if chapters:
        out = [replace(c, chapters=chapters) for c in out]
    out = _withdrawal_of_its_substance(out)
    if (
        _FOLLOW_UP.search(lowered)
        and any("history" in c.phrase and "malignant neoplasm" in c.phrase for c in out)
        and not any(_current_neoplasm(c.phrase) for c in out if c.certainty == "confirmed")
    ):
        # Follow-up after completed cancer treatment: Z08 first, the Z85 history with it.
        out.insert(
            0,
            Condition(
                "follow-up examination after completed treatment malignant neoplasm",
                "confirmed",
                "",
                "",
            ),
        )
    return tuple(out)


_SUBSTANCE = re.compile(
    r"\b(?:alcohol|opioids?|cannabis|cocaine|sedatives?|hypnotics?|anxiolytics?|stimulants?|"
    r"amphetamines?|nicotine|benzodiazepines?)\b"
)
# What makes a withdrawal complicated (F1x.x31 delirium, .x32 perceptual disturbance).
_WITHDRAWAL_COMPLICATION = re.compile(r"\b(?:delirium|dts?|hallucinat\w*|perceptual)\b")


def _withdrawal_of_its_substance(found: list[Condition]) -> list[Condition]:
    """A withdrawal that names no substance is the withdrawal from the substance the note
    documents, of the kind documented ("alcohol dependence ... now in withdrawal": alcohol
    dependence with withdrawal, F10.23-), uncomplicated when the note rules out its delirium
    and perceptual disturbances and confirms neither."""
    current = [
        (m.group(0), c.phrase)
        for c in found
        if c.certainty == "confirmed"
        and "remission" not in c.phrase
        and (m := _SUBSTANCE.search(c.phrase))
    ]
    if not current:
        return found
    substance = current[0][0]
    said = " ".join(phrase for name, phrase in current if name == substance)
    kind = next((k for k in ("dependence", "abuse") if k in said), "use")
    complications = [c for c in found if _WITHDRAWAL_COMPLICATION.search(c.phrase)]
    plain = complications and all(c.certainty == "ruled out" for c in complications)
    phrase = f"{substance} {kind} withdrawal" + (" uncomplicated" if plain else "")
    return [
        replace(c, phrase=phrase) if c.phrase == "withdrawal" and c.certainty == "confirmed" else c
        for c in found
    ]


# A pregnant or postpartum patient, whose conditions may be obstetric (O00-O9A, I.C.15).
_OBSTETRIC = re.compile(
    r"\bpregnan\w*|\bprenatal|\bantepartum|\bantenatal|\bpostpartum|\bpost-partum|\bpuerper\w*|"
    r"\bgravida|\bg\d{1,2}\s?p\d|\bob\b|\bobstetric\w*|\bgestation\w*|\btrimester|\bdelivery|"
    r"\bdelivered|\blabor\b|\blabour\b|\bmiscarriage|\babortion|\bectopic|\biup\b|\bpreeclampsia|"
    r"\beclampsia|\b\d{1,2}\s?w\s?\d\s?d\b|\b\d{1,2}\s?(?:wks?|weeks?) (?:gestation|pregnant|ga)\b"
)
# A newborn patient, whose conditions may be perinatal (P00-P96, I.C.16).
_NEWBORN = re.compile(
    r"\bnew-?borns?\b|\bneonat\w*|\bnicu\b|\b\d+\s*(?:days?|d|hours?|hrs?|h)[- ]old\b|\bdol\s?\d|"
    r"\bday of life\b|\bperinatal\b|\bpreemie\b|\bpremature infant\b|\bbaby\b"
)
# "Screening mammogram, 2D with CAD": in mammography CAD is computer-aided detection.
_WITH_ONLY = re.compile(r"\bw/|\bwith\b")
# The organ a procedure looks at: where a finding of that procedure is ("polyp" at a
# colonoscopy is a polyp of the colon).
_PROCEDURE_SITES = [
    (r"\bcolonoscop\w*|\bsigmoidoscop\w*|\bcolon\b", "colon"),
    (
        r"\begd\b|\besophagogastroduodenoscop\w*|\bupper (?:gi )?endoscop\w*|\bgastroscop\w*",
        "stomach",
    ),
    (r"\bmammo\w*|\bbreast\b", "breast"),
    (r"\bcystoscop\w*", "bladder"),
    (r"\bhysteroscop\w*", "uterus"),
    (r"\bcolposcop\w*", "cervix"),
    (r"\blaryngoscop\w*", "larynx"),
    (r"\bbronchoscop\w*", "bronchus"),
    (r"\bnasal endoscop\w*|\bsinus endoscop\w*", "nasal"),
]
_FEMALE = re.compile(r"\b(?:female|woman|lady|girl|she|her|mrs)\b|\b\d+\s?(?:yo|y/o|yr|year)? ?f\b")
_MALE = re.compile(r"\b(?:male|man|gentleman|boy|he|his|him|mr)\b|\b\d+\s?(?:yo|y/o|yr|year)? ?m\b")
_SEX_WORDS = {"female", "male", "woman", "man", "women", "men", "girl", "boy", "lady"}
# Words that deny any complaint without naming one ("average risk, no symptoms").
_ANY_COMPLAINT = {
    "symptoms",
    "symptom",
    "complaints",
    "complaint",
    "concerns",
    "issues",
    "problems",
    "acute distress",
    "distress",
}


def _sex(lowered: str) -> str:
    """The patient's sex when the question says it one way only."""
    female, male = bool(_FEMALE.search(lowered)), bool(_MALE.search(lowered))
    return "female" if female and not male else "male" if male and not female else ""


# Negation and uncertainty words: not part of what they govern.
_TRIGGER_WORDS = {w for t, _, _ in TRIGGERS for w in t.split()}
_BEFORE_A_LETTER = {"vitamin", "hepatitis", "type", "group", "factor"}
_TREATED_AS = re.compile(r"\b(?:treating|treated|treat)(?: (?:it|him|her|this|them))? as\b")
_RULED_OUT_FIRST = re.compile(r"\s*(?:was |were |has been )?(?:ruled out|excluded)\b")
# An activity or place of an injury is not the injury ("sprained ankle playing soccer").
_ACTIVITY = re.compile(
    r"\b(?:while |when )?(?:playing|at|during) (?:soccer|football|basketball|"
    r"baseball|work|school|home|practice|the gym|gym|a game|sports?)\b"
)
# Words that name a condition: a question about "how to code" them is a diagnosis question.
_CONDITION_WORDS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k) for k in ABBREVIATIONS if len(k) > 2)
    + r"|diabet\w*|hypertension|fracture|cancer|carcinoma|neoplasm|disease|disorder|syndrome|"
    r"infection|pneumonia|asthma|pain|failure|injury|sprain|strain|arthritis|osteoarthritis|"
    r"migraine|headache|obesity|depression|anxiety|dementia|anemia|smoker|sepsis|ulcers?|"
    r"wounds?|burns?|stroke|infarction|embolism|thrombosis|hernia|cysts?|abscess|rash|cough|"
    r"fever|nausea|vomiting|dizziness|bleeding|hemorrhage|dislocation|contusion|concussion|"
    r"poisoning|overdose|withdrawal|dependence|glaucoma|cataract|\w+itis|\w+emia|\w+pathy)\b"
)


def _index_terms(lowered: str) -> str:
    """Organisms and abbreviations in the words of the ICD-10-CM index ("NSTEMI")."""
    for pattern, tabular in ORGANISMS + INDEX_TERMS:
        lowered = re.sub(pattern, tabular, lowered)
    return lowered


def _scope_words(scope: str) -> set[str]:
    return {w.strip("'") for w in scope.split()}


def names_condition(lowered: str) -> bool:
    """The text names a disease, injury or symptom."""
    return bool(_CONDITION_WORDS.search(without_other_senses(lowered)))


# A measurement is a finding's value, not a condition's words: "BP 190/110", "Na 127".
_READING = re.compile(
    r"\b(?:bp|hr|pulse|temp|spo2|o2 sat|sats?|rr|a1c|hba1c|na|sodium|k|potassium|inr|glucose|"
    r"bg|fsbs|cbg|egfr|gfr|creatinine|creat|cr|lactate|lactic acid|hgb|hb|wbc|plt|tsh|ldl|psa)\s*(?:of|was|is|=|:)?\s*"
    r"[<>]?\s*\d+(?:[./]\d+)?\s*%?|"
    # A blood pressure written bare beside its condition ("HTN - 138/84").
    r"(?<![\d/])\b\d{2,3}/\d{2,3}\b(?![\d/])|"
    # A temperature written bare beside its symptom ("fever 101.4").
    r"(?<!bmi )(?<!bmi of )\b\d{2,3}\.\d\b\s*(?:°\s*)?(?:f\b|c\b)?"
)


# Where care is given, named after what it treats ("wound clinic"): no condition of its own.
_CARE_PLACE = re.compile(
    r"\b(?:wound|burn|ostomy|diabetes|pain) (?:clinic|care|center|nurse|team)\b|"
    r"\b(?:peds |pediatric )?(?:behavioral|mental) health\b(?! (?:screen|exam|evaluation))"
)


# A drug's dose and route are the treatment, not the condition's words ("B12 1000 mcg IM
# (pernicious anemia)", "80 mg into the LEFT knee for primary OA"); "stage IV" stays.
_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|gm?|ml|cc|units?|iu|u)\b(?:\s*/\s*(?:kg|m2))?"
    r"(?:\s+(?:im|iv|sc|subq|sq|po|ivp|ivpb|iv push|intramuscular(?:ly)?|subcutaneous(?:ly)?|"
    r"intravenous(?:ly)?|orally|by mouth)\b)?"
)

_AGE = re.compile(r"\b\d{1,3}[\s-]*(?:yo|y/o|y\.o\.|yrs?[\s-]old|years?[\s-]old)\b")


def _phrase(part: str) -> str:
    """A clause's words with question words, qualifiers and encounter words removed."""
    part = _AGE.sub(" ", _DOSE.sub(" ", _CARE_PLACE.sub(" ", part)))
    phrase = _ACTIVITY.sub(" ", _DURATION.sub(" ", _READING.sub(" ", part)))
    phrase = _LINK_WORDS.sub(" ", phrase)
    phrase = _NOISE.sub(" ", phrase)
    phrase = re.sub(
        r"\b(?:left|right|bilateral|bilat|b/l|lt|rt|l|r|each|every|rule out|r/o|probable|possible|"
        r"suspected|likely|"
        r"ruled out|no|not|denies|initial|subsequent|encounter|sequela|routine healing|"
        r"healing|follow[- ]?up|f/u|recheck|visit|icd-10-cm|icd-10)\b",
        " ",
        phrase,
    )
    phrase = _NOT_CONDITION.sub(" ", phrase)
    phrase = _LINK_WORDS.sub(" ", phrase)
    phrase = re.sub(r"[^a-z0-9 ./-]", " ", phrase)
    phrase = " ".join(ABBREVIATIONS.get(w, w) for w in phrase.split())
    phrase = re.sub(r"(?<![a-z0-9])[./-]+|[./-]+(?![a-z0-9])", " ", phrase)
    # "Or each eye?": a conjunction opening the clause joins it to the last; it names nothing.
    phrase = re.sub(r"^\s*(?:or|and|but|then|also)\b", " ", phrase)
    # One letter is a word after "vitamin", "hepatitis" or "type" (vitamin D, hepatitis C).
    words = phrase.split()
    return " ".join(
        w
        for i, w in enumerate(words)
        if len(w) > 1 or w.isdigit() or (i and words[i - 1] in _BEFORE_A_LETTER)
    )


def _side(part: str) -> str:
    # The eyes as eye notes write them: OU both, OD right, OS left.
    if re.search(r"\bbilateral|\bbilat\b|\bb/l\b|\bboth\b|\bou\b", part):
        return "bilateral"
    if re.search(r"\bod\b", part) and not re.search(r"\bos\b", part):
        return "right"
    if re.search(r"\bos\b", part):
        return "left"
    # "Left open", "left in place": the verb, not the side.
    verb = r"(?! (?:open|alone|in place|unsutured|to heal|undone|as is|for|with|the)\b)"
    if re.search(rf"\b(?:left{verb}|lt)\b|\bl (?=[a-z]{{3,}}|[1-5](?:st|nd|rd|th)\b)", part):
        return "left"
    if re.search(
        r"\b(?:right|rt)\b|\br (?=[a-z]{3,}|[1-5](?:st|nd|rd|th)\b)", part
    ) and not re.search(r"\bright (?:code|dx|for)\b", part):
        return "right"
    return ""
