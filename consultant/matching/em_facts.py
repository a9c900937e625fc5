"""What a question says about an E/M visit: its setting, the total time on the date, and the
elements of medical decision making, each read from phrases kept as data (the AMA 2021/2023
MDM table's own examples, in the words coders write)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from consultant.matching.counts import WORD_NUMBERS
from consultant.rules.em import data_level

# Setting words, most specific first.
_NURSING = r"(?:snf|nursing (?:home|facility)|skilled nursing)"
# A resident already there, and the annual assessment (99318's until 2023): subsequent care;
# initial nursing facility care is the first visit of an admission.
_LATER = (
    r"(?:follow[- ]?up|subsequent|rounds?|rounding|annual|yearly|monthly|residents?|"
    r"long[- ]term)"
)
SETTINGS: list[tuple[str, str]] = [
    # The office as a note's header says it: "Office (POS 11)", "POS: 11".
    (
        "office",
        r"\boffice (?:e/?m|visit|level|code)\b|\bin the office\b|\bclinic visit\b"
        r"|\bpos:?\s*(?:#\s*)?11\b",
    ),
    (
        "nursing_subsequent",
        rf"\b{_NURSING}\b.{{0,60}}\b{_LATER}\b|\b{_LATER}\b.{{0,60}}\b{_NURSING}\b",
    ),
    ("nursing_initial", rf"\b{_NURSING}\b"),
    # A visit in the patient's home (or assisted living), not a telehealth visit to it.
    (
        "home",
        r"\bhome (?:or residence )?visits?\b|\bhouse ?calls?\b|\bassisted living\b|\bdomiciliary\b"
        r"|\b(?:visit(?:ed)?|saw|seen)\b[^.?!]{0,25}\b(?:at|in) (?:the |his |her |their )?(?:patient'?s |pt'?s )?(?:home|house|residence)\b",
    ),
    (
        "hospital_subsequent",
        r"\b(?:subsequent (?:hospital|inpatient|day|visit|care)|hospital (?:day \d|follow[- ]?up)|rounding|daily (?:visit|rounds)|progress note)\b",
    ),
    (
        "hospital_initial",
        r"\b(?:admit(?:ted|ting)?|admission|h ?& ?p|initial (?:hospital|inpatient|observation)|observation (?:stay|care|status)|inpatient (?:consult|stay)"
        r"|placed (?:in|on|into) obs\w*|obs(?:ervation)? (?:admit|admission))\b",
    ),
    # "ED", not the "ed" of an abbreviation ("neuro re-ed", "pt ed").
    ("emergency", r"\b(?:emergency (?:department|room)|(?<![-/])\b(?:er|ed)\b)"),
    ("office", r"\b(?:office|clinic|outpatient|practice)\b"),
]
_EMERGENCY = dict(SETTINGS)["emergency"]
# The admitting practitioner's own work, not an ED disposition.
_ADMITTING_WORK = (
    r"\bh ?& ?p\b|\binitial (?:hospital|inpatient|observation)|\badmission (?:h&p|note|orders)|"
    r"\bobservation (?:stay|care|status)|\bhospitalist\b|\binpatient consult|"
    # Admitted from the ED: the ED is where the patient came from, the visit is the admission.
    r"\bfrom (?:the )?(?:ed|er|emergency (?:department|room))\b"
)
_MINUTES = [
    # The total written beside its number ("35 minutes total", "total time: 35 min") before
    # any looser reading ("total on the date: about 15 min with the patient" is a part).
    r"\b(\d{1,3})\s*(?:min|minutes|mins)\.?\s+(?:of\s+)?total\b|"
    r"\btotal(?: time)?\s*(?:of|was|is|=|:)?\s*(\d{1,3})\s*(?:min|minutes|mins)\b",
    r"(?:total(?: time)?|spent|spending|time (?:spent|was|of)|documented)\D{0,40}?(\d{1,3})\s*(?:min|minutes|mins)\b",
    r"(\d{1,3})\s*(?:min|minutes|mins)\b[^.?!]{0,30}?\b(?:total|face[- ]to[- ]face|counsel|with (?:the )?(?:patient|pt)|on the (?:date|day)|that day)",
    # "40 minutes spent on discharge day management".
    r"\b(\d{1,3})\s*(?:min|minutes|mins)\s+(?:were\s+|was\s+)?spent\b",
]
_OWN_TIMED_SERVICE = re.compile(
    r"[^.?!]{0,15}?\b(?:on|of|for|doing|in)\s+(?:\w+\s+)?(?:smoking|tobacco|cessation|advance care|"
    r"acp\b|alcohol|substance|sbirt|care management|ccm\b|psychotherapy|obesity counsel\w*|"
    r"interpret\w*|critical care|prolonged)"
)
# Level 1-4 of each MDM element, by phrase; the highest level found wins.
PROBLEMS: list[tuple[int, str]] = [
    (
        4,
        r"severe exacerbation|threat to (?:life|bodily function)|life[- ]threatening|"
        # The signs of a severe exacerbation as a note writes them: hypoxia, work of breathing.
        r"accessory muscles?|respiratory distress|"
        # Care that cannot wait: an emergent treatment, sepsis, a transfer to intensive care.
        r"\bemergent(?:ly)?\b|\bsepsis\b|\bseptic\b|\bto (?:the )?icu\b|"
        # A possible heart attack, stroke or clot: chest pain with a troponin that rose.
        r"\b(?:acs|acute coronary syndrome|n?stemi|stroke alert|code stroke)\b|"
        r"\btrop(?:onin)?s?\b[^.;]{0,15}\b(?:up|rising|rose|elevated|positive|bump\w*)\b|"
        r"\bpulmonary embol\w*|"
        r"\b(?:sats?|spo2|o2 sat\w*|saturation)\D{0,12}\b[5-8]\d ?%",
    ),
    (
        3,
        r"exacerbation|worsening|progress(?:ion|ing)|side effects? of treatment|uncontrolled|"
        r"(?:two|2|three|3|multiple) (?:or more )?(?:stable )?chronic|undiagnosed new problem|"
        r"uncertain prognosis|acute illness with systemic|acute complicated injury|poorly controlled|"
        # Acute illnesses that carry systemic symptoms by their nature.
        r"pneumonia|pyelonephritis|cellulitis with (?:fever|systemic)|diverticulitis|"
        r"pancreatitis|cholecystitis|appendicitis|colitis|"
        # A lump, mass or nodule not yet diagnosed: the MDM table's example of an undiagnosed
        # new problem with uncertain prognosis.
        r"\blumps?\b|(?<!body )(?<!muscle )\bmass\b|\bnodules?\b",
    ),
    (
        2,
        r"(?:one|1|a) stable chronic|stable chronic|chronic (?:illness|condition)[^.]{0,20}stable|"
        r"acute uncomplicated|acute,? uncomplicated|uncomplicated (?:illness|injury)|"
        r"(?:two|2) (?:or more )?self[- ]limited|stable (?:hypertension|diabetes|copd|asthma)",
    ),
    (
        1,
        r"self[- ]limited|minor problem|minor illness|"
        # A bite or sting with no sign of infection is a minor problem, not an acute illness.
        r"\b(?:insect|bug|spider|mosquito|flea|bee) (?:bites?|stings?)\b|"
        r"(?<!dog )(?<!cat )(?<!animal )(?<!human )\bbites? on (?:the |his |her |their |a )?\w+",
    ),
]
# Which kind of problem the words describe, in the MDM table's own terms, so the reply can
# say what the problems element rests on; the first that matches at the element's level.
PROBLEM_KINDS: list[tuple[int, str, str]] = [
    (
        3,
        "an undiagnosed new problem with uncertain prognosis",
        r"undiagnosed new problem|"
        r"uncertain prognosis|\blumps?\b|(?<!body )(?<!muscle )\bmass\b|\bnodules?\b",
    ),
    (
        3,
        "a chronic illness with exacerbation, progression or side effects of treatment",
        r"exacerbation|worsening|progress(?:ion|ing)|side effects? of treatment|uncontrolled|"
        r"poorly controlled",
    ),
    (
        3,
        "two or more stable chronic illnesses",
        r"(?:two|2|three|3|multiple) (?:or more )?"
        r"(?:stable )?chronic",
    ),
    (
        3,
        "an acute illness with systemic symptoms",
        r"acute illness with systemic|pneumonia|"
        r"pyelonephritis|cellulitis with (?:fever|systemic)|diverticulitis|pancreatitis|"
        r"cholecystitis|appendicitis|colitis",
    ),
]


def _problem_kind(lowered: str, level: int | None) -> str:
    return next(
        (
            kind
            for at, kind, pattern in PROBLEM_KINDS
            if at == level and re.search(pattern, lowered)
        ),
        "",
    )


# Words that name a prescription drug or a class of them (endings of common generic names).
_DRUGS = (
    r"meds|medications?|prescriptions?|rx|antibiotics?|insulin|diuretics?|steroids?|inhalers?|"
    r"lasix|coumadin|warfarin|eliquis|xarelto|synthroid|levothyroxine|albuterol|"
    r"\w+(?:pril|sartan|statin|olol|formin|cillin|mycin|floxacin|cycline|azole|prazole|dipine|"
    r"gliptin|glutide|gliflozin|oxetine|traline|azepam|olam|adone|isone|asone|olone|semide|"
    r"thiazide|izide|uride|oxicam)"
)
RISK: list[tuple[int, str]] = [
    (
        4,
        r"decision (?:regarding|for|about) (?:hospitali[sz]ation|admission)|decided to admit|"
        r"admit(?:ted)? (?:to|for)|emergency (?:major )?surgery|intensive monitoring for toxicity|"
        r"\bdnr\b|de-?escalat|"
        # Sending the patient on to be admitted is the decision regarding hospitalization.
        r"\bsent (?:\w+ )?(?:to (?:the )?(?:ed|er|emergency|hospital)|(?:in|over) for admission)|"
        r"\bfor (?:hospital )?admission\b|called the hospitalist|"
        r"\btransfer(?:red)? (?:\w+ )?to (?:the )?(?:icu|hospital)\b|"
        # Parenteral controlled substances (the AMA's example of high risk).
        r"\b(?:iv|im|intravenous|intramuscular) (?:morphine|dilaudid|hydromorphone|fentanyl|"
        r"ketamine|lorazepam|ativan|midazolam|versed|diazepam)\b",
    ),
    (
        3,
        r"prescription (?:drug )?management|rx management|prescribed|new prescription|"
        r"started (?:on|him on|her on)|\brx'?d\b|\be-?prescribed\b|adjusted (?:the )?(?:dose|medication|meds)|"
        r"decision (?:regarding|for) (?:elective )?(?:major|minor) surgery|social determinants|"
        # A prescription drug started, renewed, continued or its dose changed.
        rf"\b(?:start|add(?:ed|ing|s)?(?!\w)|increas|decreas|adjust|chang|titrat|reduc|doubl|lower|rais|renew|refill|continu|restart|stopp|discontinu)\w*\b[^.;?!]{{0,30}}\b(?:dose|dosage|{_DRUGS})\b|"
        rf"\b(?:iv|oral|po) (?:{_DRUGS})\b|\b(?:{_DRUGS}) (?:refill|renewal|adjustment|change)|"
        # "Cont metformin", "Refilled x90d": a prescription continued or renewed.
        rf"\bcont\.?\s+(?:{_DRUGS})\b|\brefill(?:ed|s)?\s+(?:x\s?\d+|for \d+|\d+\s?(?:d|days?|mo|months?)\b)|"
        # "Home w/ Zofran ODT rx", "plus rx for home": a prescription written.
        r"\b(?:w/|with|plus|and|gave|given|sent)\s+(?:an? )?(?:\w+ ){0,2}rx\b|"
        # Discharged home on a drug: one prescribed at the visit (not fluids, rest or OTC).
        r"\b(?:d/c'?d?|discharged?|sent|send|going) home (?:on|with|w/) (?!(?:fluids|rest|otc|"
        r"tylenol|ibuprofen|acetaminophen|advil|motrin|supportive|return|instructions|"
        r"precautions|family|spouse|wife|husband)\b)[a-z]",
    ),
    (
        2,
        r"over[- ]the[- ]counter|\botc\b|minor surgery without|supportive care|"
        r"symptomatic (?:care|treatment)|rest and fluids",
    ),
    (1, r"rest,? fluids|gargles|superficial dressings"),
]
_TESTS = (
    r"labs?|cbc|cmp|bmp|a1c|x-?rays?|ct|mri|ekg|ecg|ultrasound|us|results?|records?|notes?|tests?|"
    r"imaging|cultures?|urinalysis|ua|lipids?|panel|tsh|troponin|bnp|psa|inr|cxr|mammograms?|"
    r"antibod(?:y|ies)|echo(?:cardiogram)?|reports?|biopsy|pathology|spirometry"
)
# From a verb of reviewing or ordering to the end of its sentence: the things listed there.
_DATA_SPAN = re.compile(r"\b(?:review(?:ed|s)?|order(?:ed|s)?)\b([^.;?!]*)")
# The list written before its verb: "CBC, CMP, lipase, CT A/P w/ contrast ordered".
# Only ordered or reviewed: a test "drawn" or "done" today is a service billed, not data.
_DATA_BEFORE = re.compile(r"([^.;?!:]*)\b(?:ordered|reviewed)\b")
# Each listed thing ("a CMP, A1c and lipids", "a diagnostic mammogram + breast ultrasound")
# is one unique test or document, however many words it takes.
_LIST_SEPARATOR = re.compile(r"\s*(?:,|\+|&|\band\b|\bplus\b)\s*")
_TEST_WORD = re.compile(rf"\b(?:{_TESTS})\b")
# Where a listed thing's own words end ("mammogram report | from the imaging center").
_QUALIFIER = re.compile(r"\b(?:from|of|at|for|by|with|to|in|on|that|which|showing)\b")


def _data_items(lowered: str) -> tuple[int, frozenset[str]]:
    """How many unique tests and documents the question says were reviewed or ordered, and
    their words (what was reviewed or ordered is data for the level, not a service billed)."""
    items: set[str] = set()
    words: set[str] = set()
    spans = [m.group(1) for m in _DATA_SPAN.finditer(lowered)]
    spans += [m.group(1) for m in _DATA_BEFORE.finditer(lowered)]
    for span in spans:
        for piece in _LIST_SEPARATOR.split(span):
            found = _TEST_WORD.findall(piece)
            if found:
                items.add(" ".join(found))
                # The words that name it ("screening mammogram") are not a service either.
                own = _QUALIFIER.split(piece)[0]
                words.update(found, re.findall(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", own))
    return len(items), frozenset(words)


_ASKS_LEVEL = (
    r"\b(?:what|which|wich)\b[^.?!]{0,30}\b(?:level|e/?m|visit code)\b|\blevel\s*\?|\be/?m\s*\?"
    r"|\b(?:what|which|wich)\b[^.?!]{0,20}\b(?:hospital|inpatient|visit|office|ed|er|snf|nursing|home)"
    r"(?: \w+)? (?:code|level)s?\b"
    r"|\b(?:e/?m|visit) level\b|\blevel (?:of|for) (?:the |this )?(?:visit|e/?m)\b"
    # Two levels offered for one visit ("99214 or 99204?").
    r"|\b99[2-4]\d\d\s*(?:or|vs\.?|versus)\s*99[2-4]\d\d\b"
)


@dataclass(frozen=True)
class EmFacts:
    setting: str = ""  # office, hospital_initial, hospital_subsequent, emergency, nursing_*
    total_minutes: int | None = None
    problems: int | None = None  # 1-4
    data: int | None = None
    risk: int | None = None
    data_terms: frozenset[str] = frozenset()  # what was reviewed or ordered: not services
    asks_level: bool = False  # the question asks which visit level or E/M code
    days_after_discharge: int | None = None  # to the face-to-face visit (transitional care)
    problem_kind: str = ""  # the MDM table's name for the problems described, when told
    time_worked: tuple[str, ...] = ()  # how the total time was summed from its parts
    same_date_stay: bool = False  # admitted (or placed in observation) and discharged one date
    stay_hours: float | None = None  # how long that stay lasted, when the question says
    discharge_day: bool = False  # the service asked about is discharge day management
    nursing_discharge: bool = False  # ... from a nursing facility (99315/99316)
    days_since_surgery: int | None = None  # "3 weeks s/p lap chole": about 21
    global_days_said: int | None = None  # "(90 day global)": the asker's own global period

    @property
    def elements(self) -> int:
        return sum(x is not None for x in (self.problems, self.data, self.risk))


# Conditions by kind, as coders count them for the "problems" element (AMA 2021 MDM table):
# chronic illnesses, and acute uncomplicated illnesses or injuries.
CHRONIC = (
    r"hypertension|\bhtn\b|diabetes|\bdm2?\b|\bt2dm\b|copd|asthma|hyperlipidemia|\bhld\b|"
    r"high cholesterol|\bckd\b|chronic kidney|heart failure|\bchf\b|atrial fibrillation|"
    r"\bafib\b|hypothyroid|depression|anxiety|\bgerd\b|osteoarthritis|\boa\b|"
    r"rheumatoid|osteoporosis|\bcad\b|coronary|obesity|migraine|epilepsy|seizure disorder|"
    r"parkinson|dementia|gout|psoriasis|bph|glaucoma|chronic pain|\bmdd\b|major depressive|"
    r"\bgad\b|generalized anxiety|bipolar|schizophren\w*|\badhd\b|\bptsd\b"
)
ACUTE = (
    r"sore throat|pharyngitis|\buri\b|cold|cough|\buti\b|cystitis|rash|sprain|strain|"
    r"otitis|ear infection|sinusitis|bronchitis|conjunctivitis|pink eye|"
    # An injury described rather than named ("rolled her ankle").
    r"(?:rolled|twisted) (?:his |her |their |an? |the )?(?:\w+ )?(?:ankle|knee|wrist)|"
    r"minor (?:cut|burn)|allergic rhinitis|gastroenteritis|flu\b|influenza|"
    r"(?:since|after|from) a fall\b|\bfell\b"
)


# A chronic illness not at its treatment goal is not stable (AMA MDM definitions: "a patient
# who is not at their treatment goal is not stable, even if the condition has not changed"):
# said outright, a control measure up or high, a blood pressure reading in the hypertensive
# range, or the dose of a prescription drug for it raised.
_MEASURE = r"(?:a1c|hba1c|bp|blood pressure|pressures?|sugars?|glucose|ldl|cholesterol|tsh|inr)"
NOT_AT_GOAL = (
    r"\bnot (?:at|to|meeting) (?:\w+ )?goal\b|\babove (?:\w+ )?goal\b|\bnot at target\b|"
    r"\boff target\b|\bnot (?:well[- ])?controlled\b|\bsuboptimal(?:ly)? controlled\b|"
    rf"\b{_MEASURE} (?:(?:is|was|still|now|remains?) )?(?:up|high|elevated|rising|climbing|worse|higher)\b|"
    rf"\b(?:elevated|high|rising|uncontrolled) {_MEASURE}\b|"
    r"\b(?:bp|blood pressure)\D{0,12}\b(?:1[4-9]\d|2\d\d)/\d{2,3}\b|"
    rf"\b(?:increas|rais|doubl|up[- ]?titrat|titrat\w* up|bump)\w*\b[^.;?!]{{0,20}}\b(?:dose|dosage|{_DRUGS})\b"
)


_WORSE = (
    r"worsen|\bworse\b|exacerbat|\bflar(?:e|ed|ing)\b|uncontrolled|not controlled|"
    r"poorly controlled"
)


def _condition_kind(lowered: str, level: int | None) -> str:
    """The MDM table's name for moderate problems read from the conditions named."""
    if level != 3:
        return ""
    chronic = {m.group(0) for m in re.finditer(CHRONIC, lowered)}
    if chronic and re.search(_WORSE, lowered):
        return "a chronic illness with exacerbation or progression"
    if chronic and re.search(NOT_AT_GOAL, lowered):
        return "a chronic illness not at its treatment goal, so not stable (progression)"
    if len(chronic) >= 2:
        return "two or more chronic illnesses"
    return ""


def _problems_by_conditions(lowered: str) -> int | None:
    """The problems element from the conditions named: two or more chronic illnesses, or
    one with worsening or not at its treatment goal, are moderate; one stable chronic or an
    acute uncomplicated illness is low."""
    chronic = {m.group(0) for m in re.finditer(CHRONIC, lowered)}
    if chronic and re.search(_WORSE, lowered):
        return 3
    if chronic and re.search(NOT_AT_GOAL, lowered):
        return 3
    if len(chronic) >= 2:
        return 3
    if chronic or re.search(ACUTE, lowered):
        return 2
    return None


_PSYCHOTHERAPY_TIME = re.compile(
    r"\bpsychotherapy\b[^.\n]{0,80}?(?:\(|\b)(\d+)\s*(?:min|mins|minutes)\b"
    r"|\b(\d+)\s*(?:min|mins|minutes)\s+(?:of\s+)?(?:supportive\s+)?psychotherapy\b"
)
_THERAPY_APART = re.compile(
    r"\b(?:excluding|exclusive of|not including|separate from|apart from)\s+(?:the\s+)?"
    r"(?:psycho)?therapy\b"
)


def _psychotherapy_minutes(lowered: str) -> int | None:
    """Minutes of psychotherapy the note gives, when the visit's total includes them."""
    found = _PSYCHOTHERAPY_TIME.search(lowered)
    if found is None or _THERAPY_APART.search(lowered):
        return None
    return int(found.group(1) or found.group(2))


def em_facts(lowered: str) -> EmFacts:
    setting = next((name for name, pattern in SETTINGS if re.search(pattern, lowered)), "")
    if (
        setting == "hospital_initial"
        and re.search(_EMERGENCY, lowered)
        and not re.search(_ADMITTING_WORK, lowered)
    ):
        setting = "emergency"  # "admitted to tele" is where the ED visit sent the patient
    found = next((m for p in _MINUTES if (m := re.search(p, lowered))), None)
    # "Spent 15 minutes on smoking cessation counseling": the time of a service billed by its
    # own timed code (99406/99407, 99497, G0442...), which the visit's time must not count.
    minutes = (
        int(next(g for g in found.groups() if g))
        if found and not _OWN_TIMED_SERVICE.match(lowered[found.end() : found.end() + 60])
        else None
    )
    # What was reviewed or ordered, each test once ("ordered a CMP and A1c" is two).
    items, reviewed = _data_items(lowered)
    summed = _time_on_the_date(lowered)
    if summed is not None:
        minutes = summed[0]
    worked = summed[1] if summed is not None else ()
    therapy = _psychotherapy_minutes(lowered)
    if minutes is not None and therapy is not None and therapy < minutes:
        # CPT: with an E/M and the psychotherapy add-on (90833-90838), the time of the
        # psychotherapy does not count toward the E/M's time.
        worked = (
            *worked,
            f"{minutes} min in all less {therapy} min of psychotherapy (billed with its own "
            f"add-on, not counted toward the visit's time) = {minutes - therapy} min",
        )
        minutes -= therapy
    problems = _highest(PROBLEMS, lowered) or _problems_by_conditions(lowered)
    return EmFacts(
        problem_kind=_problem_kind(lowered, problems) or _condition_kind(lowered, problems),
        time_worked=worked,
        same_date_stay=_SAME_DATE_STAY.search(lowered) is not None,
        stay_hours=_stay_hours(lowered),
        discharge_day=_DISCHARGE_DAY.search(lowered) is not None,
        nursing_discharge=_NURSING_DISCHARGE.search(lowered) is not None,
        days_since_surgery=_days_since_surgery(lowered),
        global_days_said=int(g[1] or g[2]) if (g := _GLOBAL_SAID.search(lowered)) else None,
        asks_level=re.search(_ASKS_LEVEL, lowered) is not None,
        setting=setting,
        total_minutes=minutes,
        problems=problems,
        data=_data_level(lowered, items),
        risk=_highest(RISK, lowered),
        data_terms=reviewed,
        days_after_discharge=_days_after_discharge(lowered),
    )


_MINUTE_PART = re.compile(r"\b(\d{1,3})\s*(?:min|minutes|mins)\b")
_SENTENCE = re.compile(r"[^.;!?]+")
# Time on another date than the encounter's: the evening before, the day after, ...
_OTHER_DAY = re.compile(
    r"\b(?:the )?(?:evening|night|day|morning) (?:before|prior|after)\b|\b(?:previous|prior|next|"
    r"following) (?:day|evening|night|morning)\b|\byesterday\b|\btomorrow\b"
)
_DOS = re.compile(
    r"\b(?:dos|date of service|visit(?: on| date)?|seen on|encounter(?: on| date)?)\b\W{0,3}"
    r"(\d{1,2}/\d{1,2})|"
    # "New pt visit yesterday (4/8)": the visit's date a word or two after it.
    r"\b(?:visit|encounter|seen)\b(?: (?:was|on|yesterday|today|last \w+))*\W{1,3}(\d{1,2}/\d{1,2})"
)


def _elsewhere(clause: str, dos: str | None) -> bool:
    """Time said to be on another date than the encounter's: the day after, or a date that
    is not the date of service."""
    days = set(_DAY.findall(clause))
    return _OTHER_DAY.search(clause) is not None or (dos is not None and bool(days - {dos}))


_DAY = re.compile(r"\b(\d{1,2}/\d{1,2})(?:/\d{2,4})?\b")
_JOINED = re.compile(r"\s*(?:\+|\bplus\b|\band (?:another|an additional)\b)\s*")
_CLAIMED = re.compile(
    r"^\s*(?:total|in total|altogether)\b|\btotal(?: time)?(?: of| was| is| spent)?\s*:?\s*$"
)


def _time_on_the_date(lowered: str) -> tuple[int, tuple[str, ...]] | None:
    """Total time from its parts, when the question gives parts: only time on the date of the
    encounter counts (CPT 2021: total time on the date), so time on another date is left out,
    and parts joined ("24 min face to face + 13 min documenting") are added. A total the asker
    states that includes another date's time is not used. None when there are no parts."""
    dos = _DOS.search(lowered)
    day = (dos.group(1) or dos.group(2)) if dos else None
    counted: list[int] = []
    other: list[str] = []
    travel: list[str] = []
    joined = False
    last_end = 0
    dated_total: int | None = None
    for sentence in _SENTENCE.finditer(lowered):
        text = sentence.group(0)
        parts = list(_MINUTE_PART.finditer(text))
        for i, m in enumerate(parts):
            before, after = text[max(0, m.start() - 15) : m.start()], text[m.end() : m.end() + 12]
            if _CLAIMED.search(after) or _CLAIMED.search(before):
                if day is not None and day in _DAY.findall(before):
                    # "5/13: 25 min total": the note's total for the date of service.
                    dated_total = dated_total if dated_total is not None else int(m.group(1))
                continue  # the asker's own total: worked out again from the parts
            # A sentence of several parts says each part's date in its own clause ("10 min
            # documentation (completed 3/5)"); a sentence of one says it anywhere.
            # The first part's clause starts with the sentence ("This morning (4/9) she spent
            # another 20 min ...": the date before the minutes is theirs).
            start = 0 if i == 0 else m.start()
            own = text[start : parts[i + 1].start()] if i + 1 < len(parts) else text[start:]
            clause = own if len(parts) > 1 else text
            if _elsewhere(clause, day):
                other.append(f"{m.group(1)} min")
                continue
            if _TRAVEL.search(own if len(parts) > 1 else text[m.start() :]):
                travel.append(f"{m.group(1)} min")
                continue
            gap = text[last_end : m.start()] if counted else ""
            joined = joined or (len(gap) < 45 and _JOINED.search(gap) is not None)
            counted.append(int(m.group(1)))
            last_end = m.end()
        last_end = 0
    if dated_total is not None and other:
        counted = [dated_total]  # what else is said ("for the 40 min") is the asker's sum
    if not counted or not (other or travel or (joined and len(counted) > 1)):
        return None
    total = sum(counted)
    worked = f"{' + '.join(str(n) for n in counted)} = {total} min on the date of the encounter"
    if len(counted) == 1:
        worked = f"{total} min on the date of the encounter"
    if other:
        worked += (
            f"; {' and '.join(other)} on another date do{'es' if len(other) == 1 else ''} not "
            "count (only time on the date of the encounter does)"
        )
    if travel:
        worked += (
            f"; {' and '.join(travel)} of travel not counted (CPT: total time excludes travel)"
        )
    return total, (worked,)


# Travel to and from the patient, which the visit's total time never includes (CPT E/M
# guidelines: time does not include travel).
_TRAVEL = re.compile(r"^[^.;]{0,40}?\b(?:driv\w*|travel\w*|commut\w*|transit)\b")


_IN = r"(?:placed in obs\w*|admit(?:ted)?|obs admit|in obs(?:ervation)?|to obs(?:ervation)?)"
_OUT = r"(?:d/?c'?d|discharged?|sent home|went home)"
# A clock time: "10am", "4:30 pm", or on the 24-hour clock "07:30", "18:45", "1845h".
_CLOCK = r"(?:(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|\b([01]?\d|2[0-3]):?([0-5]\d)(?:\s*h(?:rs?)?)?\b)"
_SAME_DATE_STAY = re.compile(
    rf"\b{_IN}\b[^.?!]{{0,80}}?\b{_OUT}\b[^.?!]{{0,40}}?\bsame (?:calendar )?(?:day|date)\b"
    rf"|\b(?:admit(?:ted)?|admission) and (?:discharged?|d/c)\b[^.?!]{{0,20}}\bsame (?:day|date)\b"
    r"|\bsame[- ](?:day|date) (?:admit|admission|obs\w*)\b"
)
_STAY_CLOCKS = re.compile(
    rf"\b{_IN}\b[^.?!]{{0,20}}?\b{_CLOCK}[^.?!]{{0,60}}?\b{_OUT}\b[^.?!]{{0,20}}?\b{_CLOCK}"
)
_STAY_SAID = re.compile(
    r"\b(\d{1,2}(?:\.\d)?)[- ]?(?:hours?|hrs?)\b[^.?!]{0,20}\b(?:obs\w*|stay|in the hospital)\b"
    r"|\b(?:obs\w*|stay(?:ed)?)\b[^.?!]{0,20}?\b(\d{1,2}(?:\.\d)?)[- ]?(?:hours?|hrs?)\b"
)


# Discharge day management: the day's work named as such (not a discharge the question only
# dates, as a transitional care question does).
_DISCHARGE_DAY = re.compile(
    r"\b(?:on )?(?:the )?day of (?:the )?(?:discharge|d/c)\b|\bdischarge (?:day|date)\b"
    r"|\bdischarge (?:day )?management\b|\bdischarge (?:summary|paperwork|instructions|code)\b"
    r"|\bdischarg(?:e|ed|ing) (?:the )?(?:patient|pt|him|her)\b"
)
_NURSING_DISCHARGE = re.compile(
    rf"\bdischarg\w* (?:\w+ )?from (?:the |a )?{_NURSING}|\b{_NURSING} discharge\b"
)


# How long after an earlier surgery the visit is ("3 weeks s/p", "6 weeks ago", "10 days
# post-op"); a month counted as 30 days.
_SINCE = re.compile(
    r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight)\s*(days?|d|weeks?|wks?|months?|mos?)\b"
    r"\s*(?:s/p|post|after|ago|out from|since|status post)"
)
_GLOBAL_SAID = re.compile(
    r"\b(0|10|90)[- ]?days? global\b|\bglobal (?:period )?(?:of )?(0|10|90)\b"
)


# A surgery on one date and the visit on a later one: "had a knee scope (29881) on 5/6. On
# 5/29 he came back".
_SURGERY_ON = re.compile(
    r"\b(?:had|did|underwent|performed)\b[^.?!]{0,80}?\bon (\d{1,2})/(\d{1,2})\b"
    r"[^?!]{0,40}?\bon (\d{1,2})/(\d{1,2})\b[^.?!]{0,40}?\b(?:came back|returned|returns|seen|"
    r"presented|visit)"
)


def _days_since_surgery(lowered: str) -> int | None:
    dated = _SURGERY_ON.search(lowered)
    if dated is not None:
        try:
            m1, d1, m2, d2 = (int(g) for g in dated.groups())
            year = date.today().year
            days = (date(year, m2, d2) - date(year, m1, d1)).days
        except ValueError:
            days = -1
        if days > 0:
            return days
    said = _SINCE.search(lowered)
    if said is None:
        return None
    amount = WORD_NUMBERS.get(said[1]) or int(said[1])
    unit = said[2][0]
    return amount * (1 if unit == "d" else 7 if unit == "w" else 30)


def _minute_of_day(groups: tuple[str | None, ...]) -> int:
    """Minutes after midnight of a clock time matched by _CLOCK (12- or 24-hour)."""
    hour, minute, half, hour24, minute24 = groups
    if hour is not None:
        return int(hour) % 12 * 60 + int(minute or 0) + (720 if half == "pm" else 0)
    return int(hour24 or 0) * 60 + int(minute24 or 0)


def _stay_hours(lowered: str) -> float | None:
    """Hours from admission (or placement in observation) to discharge: from the two clock
    times ("placed in obs at 10am ... d/c'd 4:30pm") or as said ("a 6-hour obs stay")."""
    clocks = _STAY_CLOCKS.search(lowered)
    if clocks:
        g = clocks.groups()
        start, stop = _minute_of_day(g[:5]), _minute_of_day(g[5:])
        if stop > start:
            return round((stop - start) / 60, 1)
    said = _STAY_SAID.search(lowered)
    if said:
        return float(said.group(1) or said.group(2))
    return None


_DATE = r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b"
_DISCHARGED = re.compile(rf"\b(?:d/?c'?d|discharged)\b[^.?!]{{0,50}}?\b{_DATE}")
_SEEN_ON = re.compile(
    rf"\b(?:came in|seen|saw|visit(?:ed)?|f/u|face[- ]to[- ]face)\b[^.?!]{{0,25}}?\b{_DATE}"
    rf"|\b{_DATE} (?:for (?:a |the |her |his )?)?(?:f/u|follow[- ]?up|visit|office visit)\b"
)
_DAYS_AFTER = re.compile(r"\b(\d{1,2}) days? (?:after|post|from) (?:the )?(?:discharge|d/c)\b")


def _days_after_discharge(lowered: str) -> int | None:
    """Calendar days from the discharge to the face-to-face visit, from the two dates the
    question gives ("d/c'd 3/3/25 ... came in 3/13") or as it says them ("seen 9 days after
    discharge")."""
    said = _DAYS_AFTER.search(lowered)
    if said:
        return int(said.group(1))
    out = _DISCHARGED.search(lowered)
    seen = _SEEN_ON.search(lowered, out.end()) if out else None
    if out is None or seen is None:
        return None
    groups = seen.groups()
    month, day = (groups[0], groups[1]) if groups[0] else (groups[3], groups[4])
    year = int(out.group(3) or 1) % 100 + 2000
    try:
        left = date(year, int(out.group(1)), int(out.group(2)))
        visit = date(year, int(month), int(day))
    except (TypeError, ValueError):
        return None
    if visit < left:  # the visit falls in the next year
        visit = visit.replace(year=year + 1)
    return (visit - left).days


def _highest(table: list[tuple[int, str]], lowered: str) -> int | None:
    return next((level for level, pattern in table if re.search(pattern, lowered)), None)


def _data_level(lowered: str, items: int) -> int | None:
    """Counted the AMA way: ``items`` documents reviewed or tests ordered, an independent
    historian, an independent interpretation, a discussion with an external physician."""
    historian = (
        re.search(
            r"independent historian|(?:history|hx) (?:from|given by|obtained from|per) (?:the |his |her )?(?:mother|mom|father|dad|parents?|caregiver|guardian|spouse|wife|husband|daughter|son|grand\w+)",
            lowered,
        )
        is not None
    )
    interpretation = (
        re.search(
            r"independent(?:ly)? interpret|personally (?:reviewed|read|interpreted) (?:the )?"
            r"(?:\w+ )?(?:x-?rays?|films?|images|ekg|ecg|tracings?|ct|mri)|"
            # A read of a test billed by someone else ("documented his own read; cards
            # bills the 93010").
            r"\b(?:his|her|their|own) (?:own )?(?:read|reading|interpretation)\b",
            lowered,
        )
        is not None
    )
    discussion = (
        re.search(
            r"(?:discuss(?:ed|ion)|talked|spoke|conferred)[^.]{0,40}(?:with|w/) (?:the )?"
            r"(?:cardiologist|surgeon|specialist|external|consultant|radiologist|oncologist|"
            r"hospitalist|intensivist|dr\b)|"
            # "Called cardiology on the phone and discussed": the service by its name.
            r"\b(?:called|phoned|paged|curbsided|discussed (?:with|w/)) (?:the )?(?:on-?call )?"
            r"(?:cardiology|cards|surgery|general surgery|neurology|neurosurgery|gi|nephrology|"
            r"urology|ortho\w*|oncology|pulm\w*|icu|intensivist|hospitalist)\b",
            lowered,
        )
        is not None
    )
    if not (items or historian or interpretation or discussion):
        return None
    return int(
        data_level(
            test_results=items,
            independent_historian=historian,
            independent_interpretation=interpretation,
            external_discussion=discussion,
        )
    )
