"""The drugs a question says were given at one encounter, read as a sequence: each drug
with its route, its minutes or clock times, its place in the order, whether it ran at the
same time as the one before, and its dose; with the setting (facility or professional
claim) and what the question says of the containers opened (single-dose vials, the amount
discarded).

The administration rules (consultant.rules.drugs) need exactly this: which drug came
first matters less than its rank in the hierarchy, but "the same drug again 45 minutes
later", "at the same time through the same line" and "ran 2 hours" decide the add-on codes.
Runs on redacted text only; drug names come from the bundled notes' synonyms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from consultant.codes.knowledge import KNOWLEDGE_DIR
from consultant.matching.cues import MEDICATION_VISIT
from consultant.matching.findings import CANCER_WORDS

# Purposes, in the words of the hierarchy (CPT 96360-96549).
CHEMOTHERAPY = "chemotherapy"
HORMONAL = "hormonal"  # hormonal anti-neoplastic (96402 when given IM or SC)
THERAPEUTIC = "therapeutic"
HYDRATION = "hydration"

# Hormonal anti-neoplastics among the drug codes (leuprolide, goserelin, fulvestrant,
# degarelix, triptorelin, histrelin).
HORMONAL_CODES = {"J1950", "J9202", "J9217", "J9218", "J9219", "J9395", "J9155", "J3315", "J9226"}
# Biosimilars of anti-neoplastic monoclonal antibodies (bevacizumab, trastuzumab, rituximab).
ANTINEOPLASTIC_Q = {"Q5107", "Q5118", "Q5112", "Q5113", "Q5114", "Q5116", "Q5117", "Q5115"}
ANTINEOPLASTIC_Q |= {"Q5119", "Q5123"}
# Complex biologics given by IV infusion (monoclonal antibodies and other biologic response
# modifiers for Crohn's, RA, MS ...): CPT and CMS report them with the chemotherapy and
# complex drug administration codes (96401-96549), not the therapeutic ones: infliximab and
# its biosimilars, ocrelizumab, natalizumab, tocilizumab, vedolizumab, IV ustekinumab,
# belimumab, abatacept, IV golimumab, ravulizumab.
COMPLEX_BIOLOGICS = {"J1745", "Q5103", "Q5104", "Q5121", "J2350", "J2323", "J3262", "J3380"}
COMPLEX_BIOLOGICS |= {"J3358", "J0490", "J0129", "J1602", "J1303"}
# Normal saline, dextrose and lactated Ringer's: fluids alone make an infusion hydration.
FLUID_CODES = {"J7030", "J7040", "J7042", "J7050", "J7060", "J7070", "J7120", "J7131"}

_FLUID_WORDS = re.compile(
    r"\b(?:hydration|ivf|iv fluids?|fluids?|normal saline|saline|ns|lr|lactated ringer'?s?|"
    r"d5w|d5ns|d5 ?1/2 ?ns|bolus)\b"
)
# The fluid's HCPCS code by its name and bag (J7030 normal saline 1000 cc, J7040 500 ml,
# J7050 250 cc, J7120 Ringer's lactate up to 1000 cc).
_SALINE = r"\b(?:ns|normal saline|saline)\b"
_FLUIDS_BY_NAME = (
    (r"\b(?:lr|lactated ringer'?s?|ringer'?s lactate)\b", "J7120"),
    (_SALINE + r"[^.;]{0,20}\b250 ?(?:ml|cc)\b", "J7050"),
    (_SALINE + r"[^.;]{0,20}\b500 ?(?:ml|cc)\b", "J7040"),
    (_SALINE, "J7030"),
)
# Words for a drug the question does not name ("an antibiotic", "a med").
_GENERIC = re.compile(
    r"\b(?:antibiotics?|abx|vanco(?:mycin)?|magnesium|potassium|iron|steroid|antiemetic|"
    r"premeds?|med(?:ication)?s?|drugs?|chemo(?:therapy)?|biologic)\b"
)
_CHEMO_WORDS = re.compile(r"\bchemo|\bantineoplastic|\banti-neoplastic|\bmonoclonal")
_NOT_CHEMO = re.compile(r"\b(?:not|non|no)[\s-]*(?:a\s+)?chemo\w*")
# Hormonal anti-neoplastics by brand or generic name (their codes differ by strength).
_HORMONAL_WORDS = re.compile(
    r"\b(?:lupron|leuprolide|eligard|zoladex|goserelin|faslodex|fulvestrant|firmagon|degarelix|"
    r"trelstar|triptorelin|camcevi)\b"
)
# What a GnRH drug is given for other than a cancer.
_NOT_FOR_CANCER = re.compile(
    r"\b(?:endometriosis|fibroids?|leiomyomas?|(?:central )?precocious puberty|cpp|infertility|"
    r"ivf|gender[- ]affirming|puberty (?:blocker|suppression))\b"
)
# The findings' words for a cancer, with "ca" not a CA-125 and the oncology words.
_CANCER = re.compile(
    rf"\b(?:{'|'.join(w for w in CANCER_WORDS if w != 'ca')}|ca(?![- ]?125)|malignan\w*|"
    r"metasta\w*|oncolog\w*|onc)\b"
)
_PUSH = re.compile(r"\biv ?p\b|\bivp\b|\bpush(?:ed)?\b|\bslow push\b|\bbolus(?:ed)? iv\b")
# "Ran" with an object is a test run ("ran a BMP", "ran labs"), not a drug running in.
# A lab that "ran" is testing whatever follows ("in-house lab ran total cholesterol").
_RAN = (
    r"(?<!lab )(?<!labs )(?<!analyzer )\b(?:ran|running)\b(?!\s+(?:a|an|the|some|labs?|tests?|"
    r"panels?|cultures?|specimens?|total|cholesterol|lipids?|hdl|ldl|triglycerides?|cbc|cmp|bmp|"
    r"a1c|ua|urinalysis|inr|tsh|psa|it|them|both|each)\b)"
)
_INFUSION = re.compile(
    rf"\binfus|\bdrip\b|\bivpb\b|\bpiggyback\b|{_RAN}|\bover \d+(?:\.\d+)?\s*(?:-\s*\d+\s*)?(?:min|mins|minutes|m\b|hours?|hrs?|h\b)"
)
# An infusion said in words, not only read from "over 20 min" beside a drug.
_INFUSION_WORD = re.compile(rf"\binfus|\bdrip\b|\bivpb\b|\bpiggyback\b|{_RAN}|\biv\b")
_INJECTION = re.compile(
    r"\b(?:im|sc|sq|subq|sub-q|subcut|subcutaneous(?:ly)?|intramuscular(?:ly)?|shot)\b"
)
_SUBCUTANEOUS = re.compile(r"\b(?:sc|sq|subq|sub-q|subcut|subcutaneous(?:ly)?)\b")
# What counts as naming an administration in a piece of a sentence ("ran" alone does not).
_NAMES_ROUTE = re.compile(r"\biv ?p\b|\bivp\b|\bpush(?:ed)?\b|\binfus|\bdrip\b")
_IV = re.compile(r"\biv\b|\bintravenous(?:ly)?\b|\bthrough the (?:same )?(?:iv|line|port)\b")
_CONCURRENT = re.compile(
    r"\bat the same time\b|\bsame time\b|\bconcurrent(?:ly)?\b|\bsimultaneous(?:ly)?\b|"
    r"\bthe whole time\b|\bpiggybacked\b|\bwhile\b|\bduring\b"
)
_PUMP = re.compile(r"\b(?:portable|ambulatory|home|elastomeric|cadd)\b[^.;]{0,20}\bpump\b")
# "Same drug as always" says what is usual, not that it was given twice.
_AGAIN = re.compile(
    r"\bagain\b|\brepeat(?:ed)?\b|\bsame drug\b(?! as (?:always|usual|before|last))|"
    r"\banother dose\b|\bsecond dose\b|"
    r"\banother\s+(?:\d[\d.]*\s*(?:mg|mcg|ml|units?)\s+)?(?:iv\s*)?(?:push|ivp|dose|injection)\b"
)
# A drug given ahead of chemotherapy at the same encounter (an antiemetic premedication):
# the chemotherapy is the initial service, whatever the question asks to code.
_BEFORE_CHEMO = re.compile(
    r"\b(?:before|prior to|ahead of)\s+(?:the\s+|her\s+|his\s+|their\s+)?chemo|\bpre-?chemo\b|"
    r"\bpre-?med(?:ication)?s?\b[^.?!]{0,30}\bchemo"
)
# Where one administration ends and the next begins: sentences and "then" for certain;
# commas, "and" and "with" only when both sides name a drug or a route.
_STRONG = re.compile(
    r"(?<=[.;!])\s+|(?<=\?)|\n+|,?\s+then\b|,?\s+followed by\b|\s+plus\b|\s+after that\b"
)
_WEAK = re.compile(r",\s+|\s+and\s+|\s+with\s+")
_DURATION = re.compile(
    r"\b(\d{1,2})\s*(?:hours?|hrs?|h)\s*(?:and\s*)?(\d{1,2})\s*(?:minutes?|mins?|m)\b"
    r"|\b(\d{1,2}(?:\.\d+)?)\s*(?:hours?|hrs?)\b"
    r"|\b(\d{1,3})\s*(?:minutes?|mins?)\b"
)
_LATER = re.compile(r"\b(\d{1,3})\s*(minutes?|mins?|hours?|hrs?)\s+(?:later|after)\b")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\s*(am|pm)?")
_RANGE = re.compile(
    r"\b(\d{1,2}):(\d{2})\s*(am|pm)?\s*(?:to|-|–|until|till|through)\s*(\d{1,2}):(\d{2})\s*(am|pm)?"
    r"|\b(?:start(?:ed)?|began|hung)\s*(?:at\s*)?(\d{1,2}):(\d{2})\s*(am|pm)?[^.?!]{0,30}?"
    r"\b(?:stop(?:ped)?|end(?:ed)?|finish(?:ed)?|complete[d]?|done|off)\s*(?:at\s*)?(\d{1,2}):(\d{2})"
    r"\s*(am|pm)?"
)
# Times on a 24-hour clock without a colon, only as a span ("from 0900 to 1100").
_MILITARY = re.compile(
    r"\b(?:from\s+)?([01]\d|2[0-3])([0-5]\d)\s*(?:to|-|–|until|till|through)\s*"
    r"([01]\d|2[0-3])([0-5]\d)\b"
)
# The same as a start and a stop ("start 0920 stop 1200").
_MILITARY_WORDS = re.compile(
    r"\b(?:start(?:ed)?|began|hung)\s*(?:at\s*)?([01]\d|2[0-3])([0-5]\d)\b[^.?!]{0,30}?"
    r"\b(?:stop(?:ped)?|end(?:ed)?|finish(?:ed)?|off|done)\s*(?:at\s*)?([01]\d|2[0-3])([0-5]\d)\b"
)
_DOSE = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|micrograms?|g|gm|grams?|units?|iu|ml|cc|meq)\b(?!\s*/)"
)
_PER_KG = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(mg|mcg|units?)\s*/\s*kg\b.*?\b(\d+(?:\.\d+)?)\s*kg\b", re.S
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_SEVERAL = re.compile(
    r"\b(two|three|four|[234])\s+(?:different\s+)?(?:\w+\s+)?(antibiotics|drugs|meds|medications)\b"
)
_FACILITY = re.compile(
    r"\bfacility\b|\bhopd\b|\bhospital outpatient\b|\boutpatient department\b|\bub-?04\b|"
    r"\bhospital outpt\b|\binfusion center\b(?=.*\bfacility)|\bed facility\b|\bopps\b"
)
_PROFESSIONAL = re.compile(
    r"\bprofessional\b|\bphysician(?:'s)? (?:office|claim|billing)\b|\b(?:in the |our |the )?"
    r"office\b|\bclinic\b|\bpro fee\b|\bcms-?1500\b"
)


@dataclass(frozen=True)
class Given:
    """One drug given once, as the question tells it."""

    drug: str  # the name as written, lower case ("" when the text names none)
    code: str  # the HCPCS code our notes give that name ("" when none)
    route: str  # "push", "infusion", "iv" (method decided by minutes), "im" or "sc"
    purpose: str  # CHEMOTHERAPY, HORMONAL, THERAPEUTIC or HYDRATION
    order: int  # place in the text, from 0
    minutes: int | None = None
    at: int | None = None  # clock minutes when it was started or pushed
    until: int | None = None  # clock minutes when it was stopped
    later: int | None = None  # minutes after the one before ("20 minutes later")
    concurrent: bool = False  # ran at the same time as the one before
    again: bool = False  # the same drug as an earlier one, given again
    dose: tuple[float, str] | None = None
    pump: bool = False  # started on a portable or ambulatory pump the patient goes home with

    @property
    def intravenous(self) -> bool:
        return self.route in ("push", "infusion", "iv")

    @property
    def injected(self) -> bool:
        return self.route in ("im", "sc")


@dataclass(frozen=True)
class Containers:
    """What the question says of the containers the drug came from."""

    amount: tuple[float, str] | None = None  # the total labelled amount opened
    single_dose: bool | None = None  # None when not said
    discarded: tuple[float, str] | None = None  # the amount said to be discarded
    none_discarded: bool = False  # "all given", "nothing left over"


@dataclass(frozen=True)
class Sequence:
    """The administrations of one encounter, in the order written."""

    given: tuple[Given, ...] = ()
    facility: bool | None = None  # True facility claim, False professional, None not said
    containers: Containers = Containers()
    named: tuple[str, ...] = ()  # HCPCS codes of the drugs named anywhere, route or not
    # A refill of an implanted pump for spinal (intrathecal, epidural) or brain delivery:
    # "spinal", or "spinal by a physician" when a physician's or QHP's skill was needed;
    # "systemic" for one delivering into a vein or an artery.
    pump_refill: str = ""
    # The initial service is one the question names but does not describe ("ondansetron
    # push before chemo"): the purpose that outranks every drug described.
    initial_elsewhere: str = ""
    # A hormone named for a condition other than cancer (leuprolide for endometriosis): not
    # an anti-neoplastic, so neither its chemotherapy drug code (J9xxx) nor 96401-96402.
    not_for_cancer: bool = False

    @property
    def intravenous(self) -> tuple[Given, ...]:
        return tuple(g for g in self.given if g.intravenous)


@lru_cache(maxsize=1)
def drug_names() -> dict[str, str]:
    """Lower-case drug name -> HCPCS code, from the bundled notes (drugs and fluids)."""
    names: dict[str, str] = {}
    for path in sorted(KNOWLEDGE_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("codes", []) if isinstance(data, dict) else data:
            if not _is_drug_note(item):
                continue
            for name in item.get("synonyms", []):
                # "morphine injection", "iv iron": the drug's own name is enough.
                name = re.sub(r"^iv |\s+(?:injection|iv|infusion|drip)$", "", name.lower().strip())
                # "Solu-Medrol 125", "Lupron Depot 3.75": a strength after the brand name (the
                # dose then chooses among the drug's strength codes).
                name = re.sub(r"(?<=[a-z])\s+\d+(?:\.\d+)?(?:\s*(?:mg|mcg|ml))?$", "", name)
                # "normal saline 1000" names a bag size: the fluid words find saline anyway.
                if len(name) >= 3 and not re.search(r"\d{3,}|\d\s*(?:mg|ml)\b", name):
                    names.setdefault(name, item["code"])
    return names


def _is_drug_note(item: dict[str, object]) -> bool:
    """A drug our notes name: filed under Drugs, or a J code filed under the specialty that
    gives it (Depo-Provera under women's health, testosterone under urology): J codes are
    the drugs given other than by mouth, whatever the family."""
    if item.get("system") not in ("HCPCS", None):
        return False
    return item.get("family") == "Drugs" or str(item.get("code", "")).startswith("J")


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern[str]:
    names = sorted(drug_names(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


# "Infusion suite", "infusion dept": where the patient was, not an infusion given.
_INFUSION_PLACE = re.compile(
    r"\binfusion (?:dept|department|suite|center|centre|clinic|room|unit|chair|area|bay|"
    r"nurse|nursing|service)s?\b|"
    # A heading that names the setting ("Office infusion: ..."), not an infusion of its own.
    r"^\s*(?:office|outpatient|hospital|hopd|home|clinic|facility) infusions?\s*[:.\-]"
)

# A practice's specialty ("family med office w/ IV") names no medication, and neither does a
# visit about medications ("med management", "medication review", "med check"): nothing given.
_SPECIALTY = re.compile(
    r"\b(?:family|internal|emergency|sports|integrative|urgent care|occupational) med(?:icine)?\b"
    rf"|{MEDICATION_VISIT}|\bmed(?:ication)?s?\s+(?:review|reconciliation|rec|refills?)\b"
)


def _unnamed(clause: str) -> bool:
    """No drug, fluid or dose of one: a bag's volume ("a 50 mL minibag") is no dose."""
    dose = _dose(clause)
    return not (
        _name_pattern().search(clause)
        or _HORMONAL_WORDS.search(clause)
        or _FLUID_WORDS.search(clause)
        or _GENERIC.search(clause)
        or (dose is not None and dose[1] != "ml")
    )


# A visit's time, not a drug's: "total time 55 min", "spent 40 minutes face to face".
_VISIT_TIME = re.compile(r"\btotal\b|\bspent\b|\bface[- ]to[- ]face\b|\bcritical care\b")


def _times_of_the_one_before(clause: str, before: list[Given]) -> Given | None:
    """A clause that names no drug but times one ("RN mixed it in a minibag, start 14:02
    stop 14:12"): the times of the drug before it, when that one has none of its own."""
    if not before or not _unnamed(clause) or _AGAIN.search(clause) or _VISIT_TIME.search(clause):
        return None
    at, until = _clock(clause)
    minutes = _duration(clause)
    if at is None and minutes is None:
        return None
    last = before[-1]
    if last.at is not None or last.minutes is not None:
        return None
    if at is not None and until is not None and minutes is None:
        minutes = until - at
    return replace(last, at=at, until=until, minutes=minutes)


def _mentions_route_only(clause: str) -> bool:
    """A route said of no drug, with no time and no dose ("charted as an infusion")."""
    return (
        _unnamed(clause)
        and not _AGAIN.search(clause)
        and _clock(clause)[0] is None
        and _duration(clause) is None
    )


_INFUSION_DEVICE = re.compile(r"\s*\binfusion\s+(?:\([^)]*\)\s+)?pumps?\b")


def sequence(lowered: str) -> Sequence:
    """The administrations the text describes, in order (empty when it describes none)."""
    given: list[Given] = []
    waiting = ""  # a drug named in a clause that gave no route or time, and its dose
    waiting_dose: tuple[float, str] | None = None
    refill = _pump_refill(lowered)
    text = _SPECIALTY.sub(" ", _INFUSION_PLACE.sub(" ", lowered))
    if refill:
        # A refilled pump's name ("hepatic arterial infusion pump") is no infusion given.
        text = _INFUSION_DEVICE.sub(" pump", text)
    for clause in _clauses(text):
        timed = _times_of_the_one_before(clause, given)
        if timed is not None:
            given[-1] = timed
            continue
        if given and _mentions_route_only(clause):
            continue  # "it was charted as an infusion": the drug before, not a new one
        read = _read_clause(clause, len(given), given)
        mentioned = _name_pattern().search(clause)
        if not read and mentioned:
            waiting, waiting_dose = (
                mentioned.group(1),
                _dose(clause),
            )  # "infliximab 5 mg/kg = 340 mg", given later
        elif read and waiting and read[0].drug.startswith("drug ") and not read[0].code:
            # "... Infusion 10:00 to 12:10": the drug named before, without its route.
            code = drug_names()[waiting]
            read[0] = replace(
                read[0],
                drug=waiting,
                code=code,
                purpose=_purpose(clause, code, [waiting], False),
                dose=read[0].dose or waiting_dose,
            )
            waiting = ""
        given += read
    given = _described(given)
    named = tuple(
        dict.fromkeys(drug_names()[m.group(1)] for m in _name_pattern().finditer(lowered))
    )
    if any(g.purpose == HYDRATION for g in given) and not set(named) & FLUID_CODES:
        # The hydration's fluid as notes abbreviate it ("IV NS 2 liters", "LR bolus").
        named += tuple(code for words, code in _FLUIDS_BY_NAME if re.search(words, lowered))[:1]
    if _ALL_CHEMO.search(lowered):
        # "Doxorubicin then vincristine, both chemo": a drug our notes do not name is
        # chemotherapy too.
        given = [g if g.purpose == HYDRATION else replace(g, purpose=CHEMOTHERAPY) for g in given]
    benign = bool(_NOT_FOR_CANCER.search(lowered)) and not _CANCER.search(lowered)
    if benign:
        # Leuprolide for endometriosis is given as a hormone, not an anti-neoplastic: the
        # therapeutic injection (96372), as 96401-96402 are for the drug treating a cancer.
        given = [replace(g, purpose=THERAPEUTIC) if g.purpose == HORMONAL else g for g in given]
    elsewhere = ""
    if _BEFORE_CHEMO.search(lowered) and not any(g.purpose == CHEMOTHERAPY for g in given):
        elsewhere = CHEMOTHERAPY
    return Sequence(
        tuple(given),
        _facility(lowered),
        _containers(lowered),
        named,
        refill,
        elsewhere if given else "",
        benign,
    )


def _described(given: list[Given]) -> list[Given]:
    """Beside administrations the question describes (a drug, a dose, a time), an infusion
    named by the word alone ("Office infusion question", "the infusion/drug lines") is the
    topic, not another drug; renumbered in the order written."""
    bare = [
        g
        for g in given
        if g.drug.startswith("drug")
        and g.route == "infusion"
        and not (g.code or g.dose or g.minutes or g.at is not None)
    ]
    if not bare or len(bare) == len(given):
        return given
    kept = [g for g in given if g not in bare]
    return [replace(g, order=i) for i, g in enumerate(kept)]


_REFILL = re.compile(r"\brefill(?:ed|ing|s)?\b")
_SPINAL_PUMP = re.compile(
    r"\b(?:intrathecal|epidural|spinal|synchromed|baclofen pump|brain|intraventricular)\b"
)
_WHO = r"(?:physician|doctor|dr|md|np|pa|qhp|provider)"
# The clinician did the refill ("the doctor refilled", "by the physician", "physician was
# involved"), not merely wrote the question ("the doctor's question").
_CLINICIAN = re.compile(
    rf"\b(?:by|with) (?:the |a |our )?{_WHO}\b|\b{_WHO}\s+(?:\w+\s+)?(?:refill|did|perform|"
    rf"was involved|involved|needed|required)|\b{_WHO}(?:'s)? skill"
)
# "physician wasn't involved", "no physician", "without the doctor", "not the MD".
_NO_CLINICIAN = re.compile(
    r"\b(?:no|not|without|never)\s+(?:the\s+|a\s+)?(?:physician|doctor|dr|md|np|pa|qhp|provider)\b"
    r"|\b(?:physician|doctor|dr|md|np|pa|qhp|provider)\s+(?:was\s*n[o']?t|wasnt|was not|did\s*n[o']?t|"
    r"didnt|did not|not)\b"
)


# An implanted pump for systemic delivery: into a vein or an artery (a hepatic arterial
# infusion pump), 96522; never assumed from "implanted" alone, which most often is spinal.
_SYSTEMIC_PUMP = re.compile(
    r"\b(?:intra-?arterial|hepatic arter\w*|hai|intravenous|systemic|venous)\b"
)
_IMPLANTED = re.compile(r"\b(?:implant\w*|subcutaneous pump|internal pump)\b")


def _pump_refill(lowered: str) -> str:
    if not (_REFILL.search(lowered) and "pump" in lowered):
        return ""
    if not _SPINAL_PUMP.search(lowered):
        implanted = _IMPLANTED.search(lowered) and _SYSTEMIC_PUMP.search(lowered)
        return "systemic" if implanted else ""
    by_clinician = _CLINICIAN.search(lowered) and not _NO_CLINICIAN.search(lowered)
    return "spinal by a physician" if by_clinician else "spinal"


def _clauses(lowered: str) -> list[str]:
    clauses: list[str] = []
    for part in _STRONG.split(lowered):
        if _asks_only(part):
            continue
        pieces: list[str] = []
        for piece in _WEAK.split(part):
            if pieces and not _has_content(piece):
                pieces[-1] += ", " + piece  # a detail of the one before ("stop 11:55")
            else:
                pieces.append(piece)
        clauses += [p.strip() for p in pieces if p.strip()]
    return clauses


_ASKS_FOR_CODE = re.compile(r"\b(?:the|which|what|a|its)\s+(?:\w+\s+){0,2}codes?\b")


def _asks_only(part: str) -> bool:
    """A question ("push or infusion code?") describes nothing given unless it names a drug
    or carries times or doses ("what do we code for an IV push of ondansetron?")."""
    # "And the push code": a request without its question mark asks as much.
    asks = part.strip().endswith("?") or _ASKS_FOR_CODE.search(part) is not None
    return asks and not (
        _DURATION.search(part)
        or _CLOCK.search(part)
        or _DOSE.search(part)
        or _name_pattern().search(part)
        or _HORMONAL_WORDS.search(part)
    )


def _has_content(piece: str) -> bool:
    return bool(
        _name_pattern().search(piece)
        or _FLUID_WORDS.search(piece)
        or _GENERIC.search(piece)
        or _HORMONAL_WORDS.search(piece)
        or _NAMES_ROUTE.search(piece)
        or _INJECTION.search(piece)
        or _AGAIN.search(piece)
    )


_ALL_CHEMO = re.compile(r"\b(?:both|all)\s+(?:\w+\s+)?(?:are\s+|were\s+)?chemo(?:therapy)?\b")
# "No infusions", "not pushed": a route the question says was not used.
_NO_ROUTE = re.compile(r"\b(?:no|not|without)\s+(?:\w+\s+)?(?:infus\w*|push\w*|injections?)\b")


# A drug put into the bladder (BCG, mitomycin): the instillation procedure (51720) gives
# it, not an injection or infusion code.
_INSTILLED = re.compile(r"\binstill\w*|\bintravesical\w*|\binto the bladder\b")


def _read_clause(clause: str, order: int, before: list[Given]) -> list[Given]:
    if _INSTILLED.search(clause):
        return []
    names = [m.group(1) for m in _name_pattern().finditer(clause)]
    if not names and _NO_ROUTE.search(clause):
        return []
    names += [m.group(0) for m in _HORMONAL_WORDS.finditer(clause)]
    fluid = _FLUID_WORDS.search(clause)
    generic = _GENERIC.search(clause)
    dose = _dose(clause)
    named = bool(names or fluid or generic)
    route = _route(clause)
    minutes = _duration(clause)
    again = bool(_AGAIN.search(clause)) and bool(before)
    if not route and again and not names:
        route = before[-1].route  # "and again at 14:20"
    if not route:
        timed = minutes is not None or _clock(clause)[1] is not None  # "13:30-13:50"
        if not named or (not timed and not _IV.search(clause)):
            return []
        route = "iv"
    elif not (named or dose) and route in ("im", "sc"):
        return []
    elif not (named or dose) and route == "infusion" and not _INFUSION_WORD.search(clause):
        return []  # "it went way over 30 min": a visit's time, nothing infused
    code = drug_names().get(names[0], "") if names else ""
    drug = names[0] if names else (generic.group(0) if generic else "")
    if again and not names:
        drug, code = before[-1].drug, before[-1].code
    elif names and any(g.drug == drug for g in before):
        again = True
    purpose = _purpose(clause, code, names, bool(fluid))
    if not drug:
        drug = HYDRATION if purpose == HYDRATION else f"drug {order + 1}"
    elif purpose == HYDRATION and not names:
        drug = HYDRATION
    at, until = _clock(clause)
    if at is not None and until is not None and minutes is None:
        minutes = until - at
    later = _later(clause)
    several = _SEVERAL.search(clause)
    count = _NUMBER_WORDS[several.group(1)] if several else 1
    concurrent = bool(_CONCURRENT.search(clause))
    return [
        Given(
            drug=drug if count == 1 else f"{drug} {n + 1}",
            code=code,
            route=route,
            purpose=purpose,
            order=order + n,
            minutes=minutes,
            at=at,
            until=until,
            later=later,
            concurrent=concurrent and (bool(before) or n > 0),
            again=again,
            dose=dose if count == 1 else None,
            pump=bool(_PUMP.search(clause)),
        )
        for n in range(count)
    ]


def _route(clause: str) -> str:
    hits = [
        (m.start(), name)
        for name, pattern in (("push", _PUSH), ("infusion", _INFUSION), ("injection", _INJECTION))
        if (m := pattern.search(clause))
    ]
    if not hits:
        return ""
    # "infused over 12 minutes" is an infusion the minutes make a push; "IV push" wins
    # over "IV" and any later "running".
    names = {name for _, name in hits}
    if "push" in names:
        return "push"
    if "infusion" in names:
        return "infusion"
    return "sc" if _SUBCUTANEOUS.search(clause) else "im"


def _purpose(clause: str, code: str, names: list[str], fluid: bool) -> str:
    named = bool(names)
    if code in HORMONAL_CODES or any(_HORMONAL_WORDS.fullmatch(n) for n in names):
        return HORMONAL
    if code.startswith("J9") or code in ANTINEOPLASTIC_Q or code in COMPLEX_BIOLOGICS:
        return CHEMOTHERAPY
    # "ondansetron before chemo": the word names another drug than the one the code names;
    # "antibiotic infusion (not chemo)" names none.
    if _CHEMO_WORDS.search(_NOT_CHEMO.sub(" ", clause)) and not code:
        return CHEMOTHERAPY
    if code in FLUID_CODES or (fluid and not named):
        return HYDRATION
    return THERAPEUTIC


def _duration(clause: str) -> int | None:
    for match in _DURATION.finditer(clause):
        tail = clause[match.end() : match.end() + 8]
        lead = clause[max(0, match.start() - 20) : match.start()]
        if re.match(r"\s+(?:later|after|before|ago)\b", tail) and not _LASTED.search(lead):
            continue  # "20 minutes later" is a gap, "over 90 minutes after it" how long
        if match.group(1):
            return int(match.group(1)) * 60 + int(match.group(2))
        if match.group(3):
            return round(float(match.group(3)) * 60)
        return int(match.group(4))
    return None


# Words before a number of minutes that make it how long something ran, even when "before"
# or "after" follows ("ran about 20 minutes before she left").
_LASTED = re.compile(
    r"\b(?:over|for|ran|run|running|lasted|infused|went)\s+(?:about\s+|approx\w*\s+|~\s*)?$"
)


def _later(clause: str) -> int | None:
    match = _LATER.search(clause)
    if match is None or re.search(r"\b(?:over|for)\s+$", clause[: match.start()]):
        return None
    n = int(match.group(1))
    return n * 60 if match.group(2).startswith("h") else n


def _clock(clause: str) -> tuple[int | None, int | None]:
    military = _MILITARY.search(clause) or _MILITARY_WORDS.search(clause)
    if military:
        hours = [int(g) for g in military.groups()]
        return hours[0] * 60 + hours[1], hours[2] * 60 + hours[3]
    span = _RANGE.search(clause)
    if span:
        g = span.groups()
        first = g[0:3] if g[0] else g[6:9]
        second = g[3:6] if g[0] else g[9:12]
        start = _clock_minutes(first[0], first[1], first[2])
        stop = _clock_minutes(second[0], second[1], second[2] or first[2])
        if stop < start:
            stop += 12 * 60  # "11:30 to 1:15" crosses noon
        return start, stop
    single = _CLOCK.search(clause)
    if single:
        return _clock_minutes(single.group(1), single.group(2), single.group(3)), None
    return None, None


def _clock_minutes(hour: str, minute: str, half: str | None) -> int:
    if not half:
        return int(hour) * 60 + int(minute)  # "13:00" on a 24-hour clock, "9:00" as written
    return int(hour) % 12 * 60 + (12 * 60 if half == "pm" else 0) + int(minute)


def _dose(clause: str) -> tuple[float, str] | None:
    for match in _DOSE.finditer(clause):
        tail = clause[match.end() : match.end() + 30]
        if re.match(r"[\s-]*(?:single|multi|vial|syringe|bag|container)", tail):
            continue  # the size of a container, not the dose
        return float(match.group(1).replace(",", "")), _unit(match.group(2))
    return None


def _unit(word: str) -> str:
    return {
        "micrograms": "mcg",
        "microgram": "mcg",
        "gm": "g",
        "gram": "g",
        "grams": "g",
        "unit": "units",
        "iu": "units",
        "cc": "ml",
    }.get(word, word)


def _facility(lowered: str) -> bool | None:
    if _FACILITY.search(lowered):
        return True
    if _PROFESSIONAL.search(lowered):
        return False
    return None


_CONTAINER = re.compile(
    r"\b(?:(a|an|one|two|three|four|five|six|\d{1,2})\s+)?(\d[\d,]*(?:\.\d+)?)[\s-]*"
    r"(mg|mcg|g|gm|grams?|units?|ml)[\s-]+(?:(?:single|multi|multiple)[\s-]*(?:dose|use)[\s-]+)?"
    r"(?:prefilled\s+)?(?:vials?|syringes?|containers?|pens?|bottles?|bags?)\b"
)
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_SINGLE_DOSE = re.compile(r"\bsingle[\s-]*(?:dose|use)\b|\bsdv\b")
_MULTI_DOSE = re.compile(r"\bmulti(?:ple)?[\s-]*dose\b|\bmdv\b")
# A single-dose container used up: nothing discarded ("the whole thing was used", "we give
# the labeled dose", a prefilled single-dose syringe, whose overfill is never waste, or a
# single-dose depot kit, made up and given whole).
_NONE_DISCARDED = re.compile(
    r"\bnothing (?:was )?(?:left over|leftover|wasted|discarded)\b|\ball (?:of it )?given\b|"
    r"\b(?:whole|entire|full) (?:vial|syringe|container|dose|thing|contents|amount)\b|"
    r"\bno (?:waste|wastage)\b|\bnone (?:was )?(?:wasted|discarded)\b|\bfully used\b|"
    r"\bnothing left\b|\blabel(?:l)?ed (?:dose|amount)\b|"
    r"\bprefilled (?:single[\s-]*(?:dose|use) )?(?:syringe|pen)\b|"
    r"\b(?:single[\s-]*(?:dose|use)|prefilled|depot) kit\b"
)
_DISCARDED = re.compile(
    r"\b(?:discard(?:ed)?|wasted?)\s+(?:the\s+)?(?:remaining\s+|rest\s+)?(\d[\d,]*(?:\.\d+)?)"
    r"\s*(mg|mcg|units?|ml)?"
    r"|\b(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|units?|ml)?\s+(?:was\s+|were\s+)?(?:discarded|wasted)\b"
)


def _containers(lowered: str) -> Containers:
    single = True if _SINGLE_DOSE.search(lowered) else None
    if _MULTI_DOSE.search(lowered):
        single = False
    amount = None
    found = list(_CONTAINER.finditer(lowered))
    if found:
        total = 0.0
        unit = _unit(found[0].group(3))
        for match in found:
            count = match.group(1) or "1"
            n = _COUNT_WORDS.get(count) or int(count)
            if _unit(match.group(3)) == unit:
                total += n * float(match.group(2).replace(",", ""))
        amount = (total, unit)
    discarded = None
    waste = _DISCARDED.search(lowered)
    if waste:
        value = waste.group(1) or waste.group(3)
        unit_word = waste.group(2) or waste.group(4) or (amount[1] if amount else "")
        discarded = (float(value.replace(",", "")), _unit(unit_word)) if unit_word else None
    return Containers(amount, single, discarded, bool(_NONE_DISCARDED.search(lowered)))


def per_kg_dose(lowered: str) -> tuple[float, str] | None:
    """A dose written per kilogram with the patient's weight: "5 mg/kg ... 70 kg" = 350 mg."""
    match = _PER_KG.search(lowered)
    if match is None:
        return None
    return float(match.group(1)) * float(match.group(3)), _unit(match.group(2))
