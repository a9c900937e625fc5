"""Situations a question describes in words, each read once into a fact for the rules:
new or established patient, a visit beside a procedure, why two services are distinct,
the route of a drug, and the situations the modifier guide lists."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from consultant.codes.knowledge import modifier_cues

_NEW = re.compile(
    r"\bnew (?:patient|pt)\b|\bnever (?:been )?seen (?:here|before|by (?:us|our))|\bfirst (?:visit|time) (?:with|to|at) (?:us|our|the practice)"
)
_ESTABLISHED = re.compile(
    r"\best(?:ablished|\.)?\s+(?:patient|pt)\b|\b(?:existing|returning|current) (?:patient|pt)\b"
    r"|\b(?:seen|saw (?:him|her|them|(?:the|this) (?:patient|pt)|pt)) (?:\w+ ){0,3}"
    r"(?:before|previously|last (?:year|month|week))"
    r"|\bfollow[- ]?up (?:visit|appointment)\b|\bf/u\b"
    r"|\b(?:y/?o|yo|years? old) est\b"
)
_LAST_SEEN = re.compile(
    r"\b(?:last (?:seen|visit(?:ed)?|saw)|(?:saw|seen|visited|treated)\b)(?:[^.?!]|\.(?= ?[a-z])){0,40}?"
    r"\b(\d+(?:\.\d+)?|one|two|three|four|five|six)\s*(?:\+\s*)?(years?|yrs?|months?)"
    r"(?: ago| back| prior)?\b"
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "last seen ... in Sept 2022": the month (if given) and year of the last visit.
_LAST_SEEN_ON = re.compile(
    r"\b(?:last (?:seen|visit(?:ed)?|saw|time)|(?:saw|seen (?:by|in|at)|visited)\b)"
    r"(?:[^.?!]|\.(?= ?[a-z(])){0,60}?(?:\b(?:in|on|was)\s+|:\s*|\s)"
    rf"(?:({'|'.join(_MONTHS)})[a-z]*\.?,?\s+|(\d{{1,2}})/(?:\d{{1,2}}/)?)?(20\d\d)\b"
)


# A physician named by specialty ("our cardiologist", "the endocrinologist").
_SPECIALIST = re.compile(
    r"\b(?:[a-z]+(?:ologist|iatrist|ician)|(?:[a-z]+ )?surgeon|internist|pcp)\b"
)
_FIRST_WITH = re.compile(
    r"\bfirst (?:time|visit|appointment)\b|\bnever (?:been )?seen (?:by )?(?:him|her|them|this|the)\b"
    r"|\bnew to (?:him|her|them|the|this|our)\b"
)
_OTHER_SPECIALTY = re.compile(
    r"\b(?:different|another|other|separate) (?:specialty|specialties|subspecialty)\b"
)
_SAME_SPECIALTY = re.compile(r"\bsame (?:specialty|subspecialty)\b")


def other_specialty(lowered: str) -> bool:
    """The only earlier services were by a physician of another specialty (in the same group):
    two specialists named and a first visit with one of them, or the words say so."""
    if _SAME_SPECIALTY.search(lowered):
        return False
    if _OTHER_SPECIALTY.search(lowered):
        return True
    named = {m.group(0) for m in _SPECIALIST.finditer(lowered)} - {"physician", "clinician"}
    return len(named) >= 2 and _FIRST_WITH.search(lowered) is not None


def patient_status(lowered: str, on: date | None = None) -> str:
    """ "new" or "established" by the three-year rule where the question says when the patient
    was last seen (how long ago, or the month and year with the date of service ``on``); else
    what it says outright. A new *problem* never makes a new patient; services by a physician
    of another specialty, even in the same group, do not make an established one."""
    if other_specialty(lowered):
        return "new"
    last = _LAST_SEEN.search(lowered)
    if last:
        amount = _NUMBER_WORDS.get(last.group(1)) or float(last.group(1))  # "2.5 years"
        years = amount if last.group(2).startswith("y") else amount / 12
        return "new" if years >= 3 else "established"
    seen_on = _LAST_SEEN_ON.search(lowered)
    if seen_on:
        # No date of service written: the question is about a visit now. Without the day, the
        # last day of the month (or year) named: the latest the earlier service can be.
        on = on or date.today()
        named, numbered, year = seen_on.groups()
        month = _MONTHS.index(named) + 1 if named else int(numbered) if numbered else 12
        months = (on.year - int(year)) * 12 + on.month - month
        return "new" if months > 36 or (months == 36 and on.day > 28) else "established"
    if _ESTABLISHED.search(lowered):
        return "established"
    if _NEW.search(lowered):
        return "new"
    return ""


_VISIT = re.compile(
    r"\b(?:doctor|physician|provider|np|pa|dr\.?|md|do)\s+(?:also\s+)?(?:saw|sees|seen|evaluated|examined|assessed)\b"
    r"|\b(?:saw|seen|evaluated|examined|assessed)\s+(?:him|her|them|the patient|the pt|pt)\s+for\b"
    r"|\bseparate (?:e/m|visit|problem)\b|\balso (?:addressed|treated|managed)\b",
    re.I,
)


# Clinical staff alone saw the patient ("the MA took a BP recheck, doc not involved").
_STAFF = r"(?:nurse|rn|lpn|ma|medical assistant|clinical staff|staff|tech|technician)"
_NO_PRACTITIONER = (
    r"(?:doc(?:tor)?|dr\.?|physician|provider|md|np|pa)\s+(?:was\s+)?"
    r"(?:not involved|not present|(?:did not|didn't|never) (?:see|saw|examine|come in)|not seen)"
    r"|without (?:the )?(?:doc(?:tor)?|physician|provider)\b"
    r"|(?:nurse|ma|staff)[- ]only\b|\bnurse visit\b"
)
_STAFF_ONLY = re.compile(rf"\b{_STAFF}\b.*?(?:{_NO_PRACTITIONER})|(?:{_NO_PRACTITIONER})")


def staff_only(lowered: str) -> bool:
    """The visit was clinical staff's alone, the physician not seeing the patient (99211)."""
    return _STAFF_ONLY.search(lowered) is not None


def separate_visit(text: str) -> bool:
    return _VISIT.search(text) is not None


# An E/M the words name beside another service: a psychiatrist's medication management, an
# "E/M", a level of decision making.
# A psychiatrist's or PCP's visit to manage the medications: an E/M, and no drug given
# (matching.administration).
MEDICATION_VISIT = r"\bmed(?:ication)?s?\s+(?:management|mgmt|check)\b"
_EM_NAMED = re.compile(
    rf"{MEDICATION_VISIT}|\be/?m\b|"
    r"\bevaluation and management\b|\bmdm\b|\bmedical decision making\b"
)


def em_named(lowered: str) -> bool:
    return _EM_NAMED.search(lowered) is not None


# Why two services are distinct, in the words coders use, by the X modifier that says it.
_DISTINCT = {
    "XS": (
        "other side",
        "opposite",
        "contralateral",
        "different anatomic",
    ),
    "XE": (
        "separate encounter",
        "different encounter",
        "later that day",
        "later the same day",
        "separate session",
        "different session",
        "came back",
        "returned later",
        "second visit",
    ),
    "XP": (
        "different practitioner",
        "another provider",
        "different provider",
        "different doctor",
        "another physician",
        "different physician",
        "another doctor",
    ),
}


def distinct_modifier(lowered: str) -> str:
    """The X{EPS} modifier the question's own words point to, or "" when they say nothing.
    Two body regions named for the services (a biopsy on the neck, a destruction on the hand)
    are a separate site too."""
    lowered = re.sub(r"\bsep[ae]rate\b", "separate", lowered)
    said = "XS" if _OTHER_SITE.search(lowered) else ""
    said = said or next(
        (mod for mod, words in _DISTINCT.items() if any(w in lowered for w in words)), ""
    )
    if said or same_site(lowered):
        return said
    return "XS" if len(body_regions(lowered)) >= 2 else ""


# "A different lesion", "separate polyps", "another finger": a separate site (XS).
_OTHER_SITE = re.compile(
    r"\b(?:different|separate|another|other|second|2nd|distinct)\s+(?:anatomic(?:al)?\s+)?"
    r"(?:site|lesion|polyp|area|structure|organ|incision|finger|toe|knee|wound|ulcer|joint|"
    r"level|region|body part|tumou?r|mass|spot|nail|eye|ear|limb|extremity)s?\b"
)

# "The same ulcer", "the same sample": the services overlap, whatever else the words say.
_SAME_SITE = re.compile(
    r"\bsame (?:site|area|spot|lesion|ulcer|wound|sample|specimen|incision|joint|level|"
    r"location|region|structure|body part|vessel|tooth|nail|defect|knee|shoulder|hip|"
    r"finger|toe|eye|ear|polyp|tumou?r|mass|fracture)\b"
)


def same_site(lowered: str) -> bool:
    """The question says the two services were done on the same site, lesion or sample."""
    return _SAME_SITE.search(lowered) is not None


# Body regions far enough apart that services on two of them are at separate sites (XS).
# Sides are not regions: the right and left knee are the side cue's business (RT/LT, 50).
_REGIONS = {
    "head": r"scalp|forehead|face|facial|cheek|nose|lip|chin|ear|eyelid",
    "neck": r"neck",
    # "Back" the body part ("upper back", "on her back", "back pain"), not the adverb ("so it
    # won't grow back", "pt back 1 wk after").
    "trunk": r"(?:upper|lower|mid|middle|low|the|his|her|their|on|of|r|l|right|left)\s+back|"
    r"back(?=\s+(?:pain|lesion|wound|skin|area|of))|chest|abdomen|abdominal|flank|trunk|"
    r"shoulder blade",
    "arm": r"arm|forearm|elbow|wrist|upper extremity",
    "hand": r"hand|palm|finger|thumb",
    "leg": r"leg|thigh|calf|shin|lower extremity",
    "foot": r"foot|feet|heel|toe|ankle|sole",
    "knee": r"knee",
    "shoulder": r"shoulder",
    "hip": r"hip",
}
_REGION_PATTERNS = {name: re.compile(rf"\b(?:{words})s?\b") for name, words in _REGIONS.items()}


_NOT_A_PLACE = re.compile(
    r"\b(?:came|come|comes|coming|went|go|goes|going|call|called|calls|get|got|be|bring|"
    r"brought|send|sent|pay|paid|write|wrote|looking|look|hold|held|step)\s+back\b"
    r"|\bback (?:to|in|then|and forth|up)\b|\bon the other hand\b|\bhands?[- ]on\b"
)


def body_regions(lowered: str) -> set[str]:
    """The body regions the question names (to tell services at separate sites)."""
    lowered = _NOT_A_PLACE.sub(" ", lowered)
    return {name for name, pattern in _REGION_PATTERNS.items() if pattern.search(lowered)}


_ROUTES = [
    ("push", r"\biv ?p\b|\bivp\b|\b(?:iv|intravenous) push\b|\bpushed\b|\bslow push\b|\bpush\b"),
    ("infusion", r"\binfus|\bdrip\b|\bivpb\b|\bpiggyback\b|\bover \d+ ?(?:min|hour|hr)"),
    (
        "injection",
        r"\b(?:im|sc|subq|sub-q|subcut|subcutaneous|intramuscular)\b|\bshot\b|\binjection\b|\binjected\b",
    ),
    ("inhalation", r"\bnebuli[sz]|\binhal"),
    ("oral", r"\boral(?:ly)?\b|\bby mouth\b|\bp\.?o\.?\b"),
]


def route(lowered: str) -> str:
    """How a drug was given, the first route the question names."""
    hits = [(m.start(), name) for name, pattern in _ROUTES if (m := re.search(pattern, lowered))]
    return min(hits)[1] if hits else ""


def chemo(lowered: str) -> bool:
    """The question is about chemotherapy (not "antibiotic infusion, not chemo")."""
    lowered = re.sub(r"\b(?:not|non|no)[\s-]*(?:a\s+)?chemo\w*", " ", lowered)
    return re.search(r"\bchemo|\bantineoplastic|\bmonoclonal|\bimmunotherap", lowered) is not None


@lru_cache(maxsize=1)
def _situations() -> dict[str, list[list[str]]]:
    return modifier_cues()


def modifier_situations(lowered: str) -> list[str]:
    """Modifiers whose situation (from the bundled guide's cues) the question describes."""
    return [
        modifier
        for modifier, cue_sets in _situations().items()
        if any(all(_starts_a_word(cue, lowered) for cue in cue_set) for cue_set in cue_sets)
    ]


def _starts_a_word(cue: str, lowered: str) -> bool:
    """The cue where a word starts ("pa " is not the end of "spa ", "assist" may end in
    "ant"): a cue is a word or the start of one."""
    return re.search(r"(?<![a-z0-9])" + re.escape(cue), lowered) is not None


_PAIRED = (
    r"knee|shoulder|hip|eye|ear|arm|leg|hand|foot|feet|wrist|ankle|elbow|breast|lung|kidney|"
    r"ovary|testis|side|thumb|finger|toe|heel|great toe|upper extremity|lower extremity|"
    r"forearm|thigh|calf|shin|eyelid|sacroiliac|si joint|carpal tunnel|trigger finger"
)
_SIDE = re.compile(
    rf"\b(left|right|lt|rt|l|r)\s+(?:\w+\s+)?(?:{_PAIRED})\b|\b(?:{_PAIRED})\s*(?:,\s*|\s+on the\s+|\s+)(left|right)\b"
)


def side(lowered: str) -> str:
    """RT or LT when the question names one side of a paired body part, "" for both or none.
    The side of an earlier surgery ("in the global for a R hip replacement") is not today's."""
    for m in _PRIOR.finditer(lowered):
        lowered = lowered.replace(m.group(1), " ")
    sides = {(m.group(1) or m.group(2))[0] for m in _SIDE.finditer(lowered)}  # "l" or "r"
    if len(sides) != 1:
        return ""
    return "LT" if sides == {"l"} else "RT"


# Fingers, toes and eyelids have their own modifiers (HCPCS Level II F*, T*, E*).
_DIGIT_NAMES = {
    "thumb": 0,
    "hallux": 0,  # the great toe
    "index": 1,
    "second": 1,
    "2nd": 1,
    "middle": 2,
    "third": 2,
    "3rd": 2,
    "ring": 3,
    "fourth": 3,
    "4th": 3,
    "little": 4,
    "pinky": 4,
    "small": 4,
    "fifth": 4,
    "5th": 4,
    "great": 0,
    "big": 0,
    "first": 0,
    "1st": 0,
}
_FINGERS = {"l": ["FA", "F1", "F2", "F3", "F4"], "r": ["F5", "F6", "F7", "F8", "F9"]}
_TOES = {"l": ["TA", "T1", "T2", "T3", "T4"], "r": ["T5", "T6", "T7", "T8", "T9"]}
_DIGIT = re.compile(
    r"\b(left|right|lt|rt|l|r)\s+(thumb|index|second|2nd|middle|third|3rd|ring|fourth|4th|little|"
    r"pinky|small|fifth|5th|great|big|first|1st|hallux)\s*(finger|toe)?\b"
)
_EYELID = re.compile(r"\b(left|right|lt|rt|l|r)\s+(upper|lower)\s+(?:eye)?lid\b")
_EYELIDS = {("l", "upper"): "E1", ("l", "lower"): "E2", ("r", "upper"): "E3", ("r", "lower"): "E4"}


def digit_modifiers(lowered: str) -> list[str]:
    """FA-F9 for a named finger, TA-T9 for a toe, E1-E4 for an eyelid."""
    out: list[str] = []
    for m in _DIGIT.finditer(lowered):
        side, name, kind = m.group(1)[0], m.group(2), m.group(3)
        toe = kind == "toe" or name in ("great", "big", "hallux")
        if kind is None and name not in ("thumb", "great", "big", "index", "pinky", "hallux"):
            continue  # "right second" alone names no digit
        out.append((_TOES if toe else _FINGERS)[side][_DIGIT_NAMES[name]])
    out += [_EYELIDS[(m.group(1)[0], m.group(2))] for m in _EYELID.finditer(lowered)]
    return list(dict.fromkeys(out))


_ONLY_PROCEDURE = re.compile(
    r"\b(?:came in|here|seen|visit(?:ed)?|scheduled|appointment)\s+(?:only|just|solely)\s+(?:for|to)\b"
    r"|\b(?:only|just) (?:came in|here) for\b|\bnothing else\b"
)
# "No other concerns": nothing beyond what the note names, which may itself be a problem
# managed at a visit ("f/u HTN, refilled lisinopril, no other concerns") and not the procedure.
_NOTHING_OTHER = re.compile(r"\bno other (?:complaints?|problems?|issues?|concerns?)\b")
_MANAGED = re.compile(
    r"\b(?:refill\w*|prescri\w*|increas\w*|decreas\w*|adjust\w*|start(?:ed)?|stopp?\w*|"
    r"switch\w*|titrat\w*|med(?:ication)?s? (?:management|mgmt|check)|"
    r"ordered|labs?|mdm)\b"
)


# The record a surgery is coded from is not there yet: an unsigned or missing operative
# note, only the surgeon's charge slip or superbill.
_RECORD_NOT_FINAL = re.compile(
    r"\b(?:op(?:erative)? (?:note|report)|dictation)\b[^.?!]{0,30}\b(?:is\s*n[o']?t|isnt|not|"
    r"hasn[o']?t been|has not been|not yet|still not|pending|unsigned|missing)\b[^.?!]{0,15}"
    r"\b(?:signed|done|dictated|available|in|back|ready|transcribed)?|"
    r"\b(?:unsigned|no|without (?:an?|the)) op(?:erative)? (?:note|report)\b|"
    r"\b(?:all|only thing) (?:i|we) have\b[^.?!]{0,40}\b(?:charge slip|superbill|charge ticket)\b|"
    r"\b(?:charge slip|superbill|charge ticket)\b[^.?!]{0,40}\b(?:all (?:i|we) have|only)\b"
)


def record_not_final(lowered: str) -> bool:
    """The question says the operative note is unsigned or missing, or that only a charge
    slip is at hand: surgery is coded from the signed operative report."""
    return _RECORD_NOT_FINAL.search(lowered) is not None


def procedure_only(lowered: str) -> bool:
    """The visit was for the procedure alone: no separately identifiable E/M."""
    if _ONLY_PROCEDURE.search(lowered):
        return True
    return bool(_NOTHING_OTHER.search(lowered)) and not _MANAGED.search(lowered)


_REPEAT = re.compile(
    r"\brepeat(?:ed)?\b|\bagain\b|\bsecond (?:one|time|test|draw|level|x-?ray|film)"
    # "Rechecked at 1pm", "redrawn", "2nd 84132 denied as a duplicate".
    r"|\bre-?checked\b|\bre-?drawn?\b|\b(?:2nd|second) \d{4}[0-9a-z]\b"
)


# "Again" on another day is a new date of service, not a repeat for 76/77/91.
_ANOTHER_DAY = re.compile(
    r"\b(?:last|next|previous|prior|following) (?:year|month|week|visit|time)\b|\byearly\b"
    r"|\bannual(?:ly)?\b|\bevery (?:year|month|week|\d+)|\bmonthly\b|\bweekly\b"
    r"|\bq ?\d+ ?(?:wk|week|mo|month|day|d)s?\b|\b(?:another|different|later|separate) (?:day|date)\b"
    r"|\bin \d+ (?:days|weeks|months)\b|\b\d+ (?:days|weeks|months|years) (?:later|ago)\b"
)


def repeated(lowered: str) -> bool:
    """The same service done again the same day (76/77 for procedures, 91 for lab tests)."""
    return _REPEAT.search(lowered) is not None and _ANOTHER_DAY.search(lowered) is None


_IN_GLOBAL = re.compile(
    r"\bglobal\b|\bpost-?op(?:erative)?\b"
    r"|\bafter (?:his|her|the|their)(?: \w+)? (?:surgery|operation|procedure)\b"
    r"|\b(?:return(?:ed|s)?|back|went back|go back) to (?:the )?(?:or|operating room)\b"
    # Days or weeks after a surgery ("3 weeks s/p lap chole") fall in its global period.
    r"|\b\d+\s*(?:days?|weeks?|wks?)\s*(?:s/p|status post|post)\b"
    r"|\b(?:done|performed|did|underwent)\b[^.?!]{0,60}?\b\d+\s*(?:days?|weeks?|wks?) ago\b"
)


# The body parts that come in pairs, one word each: where "each", "both", "the other" and
# a side said twice mean two sides.
PAIRED_PARTS = r"(?:knee|eye|ear|hip|shoulder|wrist|elbow|ankle|foot|hand|breast)"
# Both of a pair named, each on its own: "right eye cataract ... left eye ...".
_BOTH_SIDES = re.compile(
    rf"\b(?:right|rt|r)\s+({PAIRED_PARTS})\b.*\b(?:left|lt|l)\s+\1\b|"
    rf"\b(?:left|lt|l)\s+({PAIRED_PARTS})\b.*\b(?:right|rt|r)\s+\2\b",
    re.S,
)


def global_period(lowered: str) -> str:
    """Why a service falls in another's global period: "unrelated", "staged" or "complication"."""
    if not _IN_GLOBAL.search(lowered):
        return ""
    if re.search(
        r"\bunrelated\b|\bnot related\b|\bdifferent (?:problem|condition|issue)"
        # A new problem ("came back for new L shoulder pain after a fall") is not the surgery's.
        r"|\bnew (?:\w+ ){0,3}(?:pain|problem|complaint|injury|issue|rash|illness)\b"
        # The same operation on the other of a pair (the second eye's cataract inside the
        # first's global) is unrelated to the first: 79 (Claims Processing Manual 12, 40.2).
        rf"|\b(?:other|fellow|second|opposite|contralateral) (?:{PAIRED_PARTS}|side)\b",
        lowered,
    ) or _BOTH_SIDES.search(lowered):
        return "unrelated"
    if re.search(r"\bstaged\b|\bplanned\b|\bmore extensive\b|\btherapeutic\b", lowered):
        return "staged"
    if re.search(
        r"\bcomplication|\breturn(?:ed)? to the (?:or|operating room)|\bback to the (?:or|operating room)",
        lowered,
    ):
        return "complication"
    return ""


# The visit is the surgery's own follow-up: routine care the global package includes.
_ROUTINE_POSTOP = re.compile(
    r"\b(?:suture|stitch|staple)s?\s+(?:removal|removed|out)\b|\bremov\w* (?:the )?(?:sutures|"
    r"stitches|staples)\b|\bwound check\b|\bincision check\b|\bdressing change\b|"
    r"\broutine post-?op\w*\b|\bpost-?op (?:check|visit|follow-?up)\b"
)


def routine_postop(lowered: str) -> bool:
    """The visit is for the surgery's usual aftercare (sutures out, wound check): included in
    its global package unless a complication or an unrelated problem is described."""
    return _ROUTINE_POSTOP.search(lowered) is not None and global_period(lowered) not in (
        "unrelated",
        "complication",
    )


# An earlier surgery the question places the patient after ("3 weeks post lap chole", "in the
# 90-day global for a R hip replacement"): context for a modifier, not a service of today.
_PRIOR = re.compile(
    r"\b(?:post(?!-?op)|s/p|status post|global (?:period )?(?:for|of|from|after)|"
    r"(?:weeks?|days?|months?) (?:after|following)|recovering from|since (?:his|her|the))"
    r"\s+(?:an? |the |his |her |their )?([a-z0-9/'-]+(?: [a-z0-9/'-]+){0,3}?)"
    r"(?=\s*[,.;:()!?]|\s+(?:and|but|came|comes|is|was|now|today|presents|returns|returned|"
    r"with|by|the|same|who|\d+)\b|\s*$)"
)


# "did a total knee replacement 6 weeks ago", "had her hip replaced two months ago".
_PRIOR_AGO = re.compile(
    r"\b(?:did|done|performed|had|underwent)\s+(?:an? |the |his |her |their )?"
    r"([a-z0-9/'-]+(?: [a-z0-9/'-]+){0,4}?)\s+(?:\d+|one|two|three|four|five|six|a few|several)"
    r"\s+(?:weeks?|wks?|days?|months?|mos?) ago\b"
)


def prior_procedures(lowered: str) -> tuple[str, ...]:
    """The phrases naming a procedure done before this date of service."""
    found = [m.group(1).strip() for m in _PRIOR.finditer(lowered)]
    found += [m.group(1).strip() for m in _PRIOR_AGO.finditer(lowered)]
    return tuple(found)


# Where a service was given, in the words people use, by place-of-service code (CMS POS
# code set); the first that fits wins, so telehealth comes before home and office.
POS_WORDS: list[tuple[str, str]] = [
    (
        "10",
        r"(?:telehealth|telemedicine|video visit|virtual visit|audio[- ]video)[^.?!]{0,60}\b(?:home|house)\b"
        r"|\b(?:home|house)\b[^.?!]{0,60}(?:telehealth|telemedicine|video visit|virtual)",
    ),
    ("02", r"telehealth|telemedicine|video visit|virtual visit"),
    ("19", r"off[- ]campus"),
    ("22", r"on[- ]campus|outpatient hospital|hospital outpatient|\bhopd\b|provider[- ]based"),
    # "ED" alone, not the end of another word's abbreviation ("neuro re-ed" is re-education).
    ("23", r"emergency (?:room|department)|(?<!-)\ber\b|(?<!-)\bed\b"),
    ("21", r"\binpatient\b|admitted"),
    ("24", r"ambulatory surg|\basc\b|surgery center"),
    ("31", r"skilled nursing|\bsnf\b"),
    ("32", r"nursing (?:home|facility)"),
    ("13", r"assisted living"),
    # An urgent care run as a physician's office is that office (POS 11): POS 20 is a
    # location distinct from an office or a clinic.
    (
        "20",
        r"urgent care(?![^.?!]{0,40}\b(?:(?:physician|doctor|group|practice)'?s?'? office"
        r"|office[- ]based|in (?:our|the|a) office))",
    ),
    # A service given at home, not what the patient did there ("tried OTC drops at home").
    (
        "12",
        r"patient'?s home|home visits?|\b(?:seen|saw|sees?|seeing|visits?|visited|visiting|"
        r"evaluated|examined|treated|given|administered|done|performed|drawn|injected|infused|"
        r"rounds?|care)\b[^.?!]{0,30}\bat (?:the patient'?s |the pt'?s |their |his |her )?home\b",
    ),
    ("11", r"\boffice\b|\bclinic\b"),
]
_POS_IN_MODIFIER = re.compile(
    r"\b(\d{2})\b[^.?!]{0,30}\bmodifier|\bmodifier\b[^.?!]{0,20}?\b(\d{2})\b"
)


def place_of_service(lowered: str) -> str:
    """The POS code the setting words name, or ""."""
    return next((code for code, words in POS_WORDS if re.search(words, lowered)), "")


# The two-digit CPT modifiers; any other two-digit number in a modifier's place is not one.
NUMERIC_MODIFIERS = set(
    [
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "32",
        "33",
        "47",
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "59",
        "62",
        "63",
        "66",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "80",
        "81",
        "82",
        "90",
        "91",
        "92",
        "93",
        "95",
        "96",
        "97",
        "99",
    ]
)


def number_as_modifier(lowered: str) -> str:
    """A two-digit number that is no modifier, put where a modifier goes ("11 in the
    modifier field"): a place-of-service code, as a rule."""
    for m in _POS_IN_MODIFIER.finditer(lowered):
        number = m.group(1) or m.group(2)
        if number not in NUMERIC_MODIFIERS:
            return number
    return ""


# Joints by the size CPT groups them in for arthrocentesis and injection (20600-20611).
_JOINTS = [
    ("major", r"\bshoulders?\b|glenohumeral|subacromial|\bhips?\b|\bknees?\b|trochanteric bursa"),
    (
        "intermediate",
        r"\bwrists?\b|radiocarpal|\belbows?\b|\bankles?\b|olecranon|\btmj\b|"
        r"temporomandibular|acromioclavicular|\bac joint\b|pes anserine",
    ),
    ("small", r"finger joint|\bpip\b|\bdip\b|\bmcp\b|\bmtp\b|toe joint|interphalangeal"),
]


def joint_size(lowered: str) -> str:
    """ "major", "intermediate" or "small" when the question names a joint injected."""
    if not re.search(r"inject|aspirat|arthrocentesis|tap\b|kenalog|depo-?medrol|steroid", lowered):
        return ""
    hits = [(m.start(), size) for size, words in _JOINTS if (m := re.search(words, lowered))]
    return min(hits)[1] if hits else ""


_NO_ULTRASOUND = re.compile(
    r"\b(?:no|without|w/o|not under|landmark[- ]guided)\b[^.;]{0,15}?\b(?:ultrasound|us|u/s|imaging)\b"
    r"|\blandmark[- ]guided\b|\bpalpation\b"
)


def ultrasound(lowered: str) -> str:
    """ "yes" when ultrasound guidance is said, "no" when it is ruled out, else ""."""
    if _NO_ULTRASOUND.search(lowered):
        return "no"
    if _ULTRASOUND.search(lowered):
        return "yes"
    return ""


# Ultrasound said to guide the needle, however it is put: "US-guided", "under ultrasound",
# "using ultrasound to guide the needle", "guided by ultrasound", "sonographically guided".
_ULTRASOUND = re.compile(
    r"\bultrasound[- ]guid|\bus[- ]guid|\bu/s[- ]guid|\bunder (?:ultrasound|us|u/s)\b"
    r"|\bwith (?:ultrasound|us)\b|\b(?:using|used|via) (?:the )?(?:ultrasound|us|u/s)\b"
    r"|\bultrasound (?:to|for) guid|\bguided? (?:by|with|under) (?:ultrasound|us|u/s)\b"
    r"|\bsonographic(?:ally)?[- ]guid"
)


# Critical care time as an attestation gives it, and the minutes of a separately billed
# procedure it says it includes ("50 minutes, inclusive of intubation"): CPT counts only the
# time not spent on procedures reported on their own.
_CC_TIME = re.compile(
    r"\bcritical care(?: time)?(?: (?:of|was|is|total(?:ed)?|documented as|attested as))?\s*[:=]?\s*"
    r"~?(\d+)\s*(?:min|mins|minutes)\b|\b(\d+)\s*(?:min|mins|minutes)\s+(?:of\s+)?critical care\b"
    r"|\bcc time\s*[:=]?\s*(\d+)"
)
_CC_INCLUSIVE = re.compile(
    r"\b(?:inclusive of|including|includes|incl\.?)\b[^.;]{0,40}?\b(?:intubat\w*|procedures?|cpr|"
    r"lines?|chest tube|cardioversion|ett)\b"
)
_CC_EXCLUSIVE = re.compile(r"\b(?:exclusive of|excluding|excludes|not including|apart from)\b")
_PROCEDURE_MINUTES = re.compile(
    r"\b(?:intubat\w*|cpr|central line|chest tube|cardioversion|procedure note)\b[^.;]{0,40}?"
    r"~?\s*(\d+)\s*(?:min|mins|minutes)\b"
)


def critical_care_time(lowered: str) -> tuple[int, int] | None:
    """(minutes of critical care said, minutes of separately billed procedures the words say
    those minutes include), or None when no critical care time is given."""
    found = _CC_TIME.search(lowered)
    if found is None:
        return None
    total = int(next(g for g in found.groups() if g))
    inside = 0
    if _CC_INCLUSIVE.search(lowered) and not _CC_EXCLUSIVE.search(lowered):
        inside = sum(int(m) for m in _PROCEDURE_MINUTES.findall(lowered) if int(m) < total)
    return total, inside
