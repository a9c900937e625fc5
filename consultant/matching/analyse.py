"""What a question asks: the codes, modifiers, units, doses, date of service, payer, place
of service, and the cues that choose among neighbouring codes (minutes, age, size, count,
level of decision making, "additional"). Runs on redacted text only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Any

from consultant.matching import context, cues
from consultant.matching.administration import Sequence, sequence
from consultant.matching.contrast import contrast_of
from consultant.matching.counts import counted
from consultant.matching.em_facts import EmFacts, em_facts
from consultant.matching.findings import Condition, conditions, names_condition
from consultant.matching.guidance import question_guidance
from consultant.matching.procedure_facts import ProcedureFacts, procedure_facts
from consultant.rules import components
from consultant.rules.icd10_codes import is_code, with_dot
from consultant.rules.icd10_drug_effects import DrugEffect, drug_effect
from consultant.rules.icd10_external_causes import ExternalCause, external_cause
from consultant.rules.icd10_pregnancy import Pregnancy, pregnancy

# Five digits (CPT), four digits + F/T/U (Category II/III, PLA), a letter + four digits
# (HCPCS Level II). A sentence-ending period may follow a code; a decimal may not.
# ASCII boundaries: "96521の請求" is a code followed by Japanese, and \w would say otherwise.
_END = r"(?![A-Za-z0-9_%/]|\.\d)"
_CPT = re.compile(rf"(?<![A-Za-z0-9_.$/-])(\d{{4}}[0-9FTU]){_END}")
_HCPCS = re.compile(rf"(?<![A-Za-z0-9_.-])([A-V]\d{{4}}){_END}", re.I)
# ICD-10-CM: letter, digit, alphanumeric, then an optional dot and up to four more.
_ICD = re.compile(
    r"(?<![\w.-])([A-TV-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?)(?![\w-]|\.\w)", re.I
)
_MODIFIER_PATTERNS = [
    re.compile(
        r"\bmod(?:ifi?er)?s?\.?\s*[-#:]?\s*((?:[0-9A-Z]{2})(?:\s*(?:,|/|and|&|or)\s*[0-9A-Z]{2})*)\b",
        re.I,
    ),
    re.compile(r"\b([0-9]{2}|X[ESPU]|[A-Z][A-Z0-9])\s*[-]?\s*modifi?ers?\b"),
    re.compile(r"(?<=\d{4}[0-9A-Z])-([0-9A-Z]{2})\b", re.I),
    re.compile(r"(?<![\w/-])-([0-9][0-9]|X[ESPU]|[A-Z][A-Z0-9])\b"),
    # "Does it still need a 59?", "add the XS": a modifier by its number alone, after a verb
    # that appends one, not a count ("need a 25 minute visit").
    re.compile(
        r"\b(?:need|needs|use|add|append|appended|take|takes|put|bill(?:ed)? with|without)\s+"
        r"(?:a|an|the)\s+(59|X[ESPU]|2[45]|5[078]|7[6-9]|91)\b"
        r"(?!\s*(?:-|min|mins|minutes?|mg|mcg|ml|units?|%|y/?o|years?|hours?|hrs?|days?)\b)",
        re.I,
    ),
    # Two modifiers weighed against each other ("do we use 59 or 76 on the second?").
    re.compile(
        r"(?<![\d.$])\b((?:59|X[ESPU]|2[45]|5[0-9]|7[6-9]|91)\s+or\s+(?:59|X[ESPU]|2[45]|5[0-9]|"
        r"7[6-9]|91))\b(?!\s*(?:-|min|mins|minutes?|mg|mcg|ml|units?|%|y/?o|years?|hours?|hrs?|"
        r"days?|cm|mm)\b)"
    ),
]
_UNITS = [
    re.compile(r"\b(\d{1,4})\s*units?\b", re.I),
    re.compile(r"\b(?:x|units?\s*(?:of|:)?|qty|quantity)\s*(\d{1,4})\b", re.I),
    re.compile(r"\b(\d{1,4})\s*x\b", re.I),
]
_DOSE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(mg|mcg|micrograms?|g|grams?|ml|cc|units?|iu|meq)\b", re.I)
_DOS = re.compile(
    r"\b(?:DOS|date of service|service date|on)\s*[:\-]?\s*(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.I,
)
_POS = re.compile(r"\b(?:POS|place of service)\s*(?:code\s*)?[:#]?\s*(\d{1,2})\b", re.I)
_MINUTES = re.compile(r"\b(\d{1,3})\s*(?:minutes?|mins?)\b", re.I)
_HOURS = re.compile(r"\b(\d{1,2})\s*(?:hours?|hrs?)\b", re.I)
_AGE = re.compile(
    r"\b(\d{1,3})[\s-]*(?:years?|yrs?|y/?o)[\s-]*old\b|\bage[d]?\s*(\d{1,3})\b|\b(\d{1,3})\s*y/?o\b",
    re.I,
)
_CM = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:cm|centimeters?)\b(?!\s*(?:sq|squared|2))", re.I)
_LEVELS = {
    "straightforward": "straightforward",
    "low": "low",
    "moderate": "moderate",
    "high": "high",
}
PAYERS = {
    "medicare advantage": "Medicare Advantage",
    "medicare": "Medicare",
    "medicaid": "Medicaid",
    "medi-cal": "Medicaid",
    "tricare": "TRICARE",
    "aetna": "Aetna",
    "cigna": "Cigna",
    "humana": "Humana",
    "unitedhealthcare": "UnitedHealthcare",
    "uhc": "UnitedHealthcare",
    "bcbs": "Blue Cross Blue Shield",
    "blue cross": "Blue Cross Blue Shield",
    "anthem": "Anthem",
    "commercial": "commercial",
}

_STOP_MODIFIERS = {
    "IS",
    "IN",
    "ON",
    "OR",
    "TO",
    "OF",
    "AN",
    "AS",
    "AT",
    "BE",
    "BY",
    "DO",
    "GO",
    "IF",
    "IT",
    "ME",
    "MY",
    "NO",
    "SO",
    "UP",
    "US",
    "WE",
    "HE",
    "OK",
    "PM",
    "AM",
    "PT",
    "DR",
    "ER",
    "ED",
    "IV",
    "IM",
    "CT",
    "MR",
    "RN",
    "MD",
    "PA",
    "NP",
    "UA",
}
# Modifiers that are also common words or abbreviations count only when named as modifiers.
_AMBIGUOUS_MODIFIERS = {"PT", "AS", "GO", "GA"}
# Of those, the English words and the patient: a modifier only when written in capitals.
_WORDS_TOO = {"PT", "AS", "GO"}


# Both of a paired part: "bilateral", "both sides", "both knees", "both eyes", OU (oculus
# uterque, both eyes).
_PAIRED = r"(?:sides|knees|eyes|ears|hips|shoulders|wrists|elbows|ankles|feet|hands)"
_BOTH_SIDES = re.compile(
    rf"\bbilateral|\bbilat\b|\bb/l\b|\bboth (?:the |of (?:her|his|the) )?{_PAIRED}\b|\bou\b"
    # "40 mg into each knee": one per side.
    rf"|\b(?:each|either) (?:side|{cues.PAIRED_PARTS})\b"
)


@dataclass(frozen=True)
class SubQuestion:
    text: str
    kind: str


@dataclass(frozen=True)
class Analysis:
    """Everything later stages know of a question: typed facts, read once from the text."""

    codes: tuple[str, ...] = ()
    icd_codes: tuple[str, ...] = ()
    written_codes: tuple[str, ...] = ()  # numbers the asker calls codes ("CPT 12345")
    modifiers: tuple[str, ...] = ()
    named_modifiers: tuple[str, ...] = ()  # bare modifiers a modifier question names
    units: dict[str, int] = field(default_factory=dict)
    doses: tuple[tuple[float, str], ...] = ()
    date_of_service: date | None = None
    payer: str = ""
    record_not_final: bool = False  # the operative note is unsigned or missing
    contrast: str = ""  # "with", "without" or "both", as the words say an imaging study
    place_of_service: str = ""
    asks_place_of_service: bool = False
    setting_place: str = ""  # the POS code the setting words name
    number_as_modifier: str = ""  # a two-digit number put where a modifier goes
    question_type: str = "other"
    sub_questions: tuple[SubQuestion, ...] = ()
    minutes: int | None = None
    age: int | None = None
    size_cm: float | None = None
    count: int | None = None
    counted: str = ""  # what ``count`` counts, plural ("views"), when the question says
    level: str = ""
    additional: bool = False
    # What the asking sentences name: the codes in them, and whether they ask about the
    # additional time or units ("how do we bill the additional hours?").
    asked_codes: tuple[str, ...] = ()
    asks_additional: bool = False
    patient_status: str = ""  # "new", "established" or unknown
    other_specialty: bool = False  # seen before only by a physician of another specialty
    separate_visit: bool = False  # a visit beside a procedure ("the doctor also saw him")
    em_named: bool = False  # an E/M named in words ("med management", "moderate MDM")
    staff_only: bool = False  # clinical staff alone saw the patient, no practitioner
    distinct: str = ""  # XS, XE or XP when the words say why two services are distinct
    same_site: bool = False  # the words say two services share a site, lesion or sample
    bilateral: bool = False
    side: str = ""  # RT or LT when one side of a paired body part is named
    digits: tuple[str, ...] = ()  # F*, T*, E* modifiers for a named finger, toe or eyelid
    procedure_only: bool = False  # the visit was for the procedure alone
    repeated: bool = False  # the same service again that day
    global_period: str = ""  # in another service's global: unrelated, staged or complication
    routine_postop: bool = False  # the visit is the surgery's usual aftercare (sutures out)
    prior_procedures: tuple[str, ...] = ()  # surgery done before today ("post lap chole")
    route: str = ""  # push, infusion, injection (IM/SC), chemo ..., as said
    joint: str = ""  # the size of a joint injected: major, intermediate or small
    ultrasound: str = ""  # "yes" or "no" when the question says whether it guided the needle
    guidance: str = ""  # "with" or "without" when it says whether any imaging guided it
    # Critical care minutes said, and those of separately billed procedures within them.
    critical_care: tuple[int, int] | None = None
    part_done: str = ""  # "technical" or "professional" when the practice did only that part
    chemo: bool = False
    pregnancy: Pregnancy | None = None  # a pregnant patient: weeks, incidental or not
    drug_effect: DrugEffect | None = None  # a drug's harm: adverse effect, poisoning ...
    external_cause: ExternalCause | None = None  # how, where and doing what an injury happened
    administrations: Sequence = field(default_factory=Sequence)  # drugs given, in order
    em: EmFacts = field(default_factory=EmFacts)
    procedures: ProcedureFacts = field(default_factory=ProcedureFacts)
    modifier_cues: tuple[str, ...] = ()  # modifiers whose situation the question describes
    negated: tuple[str, ...] = ()  # words under a negation ("no IV push")
    uncertain: tuple[str, ...] = ()  # phrases under uncertainty ("rule out pneumonia")
    conditions: tuple[Condition, ...] = ()  # what a diagnosis question describes
    # A question about a service that asks for its diagnosis too ("cpt + dx pls").
    asks_diagnosis_too: bool = False
    words: tuple[str, ...] = ()  # the question's words, lower case, in order
    text: str = ""  # the redacted question, for search and the reviewer; rules use the facts

    def mentions(self, phrase: str) -> bool:
        """The question has these words in a row, the last one perhaps longer ("pneumo" ->
        pneumococcal, "hep b" -> "hep b vaccine")."""
        wanted = phrase.lower().split()
        n = len(wanted)
        return any(
            list(self.words[i : i + n - 1]) == wanted[:-1]
            and self.words[i + n - 1].startswith(wanted[-1])
            for i in range(len(self.words) - n + 1)
        )

    def as_json(self) -> dict[str, Any]:
        data = {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}
        data["date_of_service"] = self.date_of_service.isoformat() if self.date_of_service else None
        data.pop("words")
        data.pop("text")
        return data


def _json_safe(value: Any) -> Any:
    """Dataclasses become dicts and sets (frozen facts use them) sorted lists: drafts store
    this as JSON. Read field by field, not with ``dataclasses.asdict``, whose deep copy of
    every value was a twentieth of a worker's CPU per question."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_safe(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_json_safe(v) for v in value)
    return value


# Two codes joined by a slash ("90471/90472") are two codes; a slash beside shorter numbers
# is a date or a fraction and stays one.
_CODE_PAIR_SLASH = re.compile(r"(?<=\b[0-9A-V]\d{3}[0-9FTU])/(?=[0-9A-V]\d{3}[0-9FTU]\b)", re.I)


def analyse(text: str) -> Analysis:
    """Read a redacted question into facts."""
    paired = _CODE_PAIR_SLASH.sub(" ", text)  # same length: positions stay the text's
    spans = [
        (m.start(), m.group(1).upper()) for m in [*_CPT.finditer(paired), *_HCPCS.finditer(paired)]
    ]
    codes = _unique([code for _, code in sorted(spans)])
    codes = _icd_shaped_as_hcpcs(text, codes)
    icd_codes = _unique(
        [
            m.upper().replace(".", "")
            for m in _ICD.findall(text)
            if _plausible_icd(m) and m.upper().replace(".", "") not in codes
        ]
    )
    lowered = f" {text.lower()} "
    size = _CM.search(text)
    count, counted_noun = counted(text)
    age = _AGE.search(text)
    pos = _POS.search(text)
    found_scopes = context.scopes(text)
    # "We don't bill 93010 (cards reads them)": a code the practice says it does not bill is
    # no proposal of theirs.
    unbilled = {
        w.upper()
        for s in found_scopes
        if s.category == "negated" and s.words[:1] in (("bill",), ("billed",), ("charge",))
        for w in s.words[1:3]
    }
    codes = [c for c in codes if c not in unbilled]
    facts = Analysis(
        codes=tuple(codes),
        icd_codes=tuple(icd_codes),
        written_codes=tuple(c for c in codes if _written_as_code(text, c)),
        modifiers=tuple(_modifiers(text)),
        units=_units(text, codes),
        doses=_doses(text),
        date_of_service=_date_of_service(text),
        payer=_payer(lowered, found_scopes),
        place_of_service=pos.group(1).zfill(2) if pos else "",
        asks_place_of_service=bool(pos) or bool(re.search(r"\bpos\b|place of service", lowered)),
        setting_place=cues.place_of_service(lowered),
        number_as_modifier=cues.number_as_modifier(lowered),
        minutes=_minutes(text),
        age=int(next(g for g in age.groups() if g)) if age else None,
        size_cm=float(size.group(1)) if size else None,
        count=count,
        counted=counted_noun,
        level=_level(lowered),
        additional=bool(
            re.search(
                r"\b(additional|extra|each additional|beyond|more than|over the first)\b", lowered
            )
        ),
        patient_status=cues.patient_status(lowered, _date_of_service(text)),
        other_specialty=cues.other_specialty(lowered),
        separate_visit=cues.separate_visit(text),
        em_named=cues.em_named(lowered),
        staff_only=cues.staff_only(lowered),
        distinct=cues.distinct_modifier(lowered),
        same_site=cues.same_site(lowered),
        bilateral=_BOTH_SIDES.search(lowered) is not None,
        side=cues.side(lowered),
        digits=tuple(cues.digit_modifiers(lowered)),
        procedure_only=cues.procedure_only(lowered),
        record_not_final=cues.record_not_final(lowered),
        contrast=contrast_of(lowered),
        repeated=cues.repeated(lowered),
        global_period=cues.global_period(lowered),
        routine_postop=cues.routine_postop(lowered),
        prior_procedures=cues.prior_procedures(lowered),
        route=cues.route(lowered),
        joint=cues.joint_size(lowered),
        ultrasound=cues.ultrasound(lowered),
        guidance=question_guidance(lowered),
        critical_care=cues.critical_care_time(lowered),
        part_done=components.part_done(lowered),
        chemo=cues.chemo(lowered),
        pregnancy=pregnancy(lowered),
        drug_effect=drug_effect(lowered),
        external_cause=external_cause(lowered),
        administrations=(given := sequence(lowered)),
        em=em_facts(lowered),
        procedures=procedure_facts(lowered),
        modifier_cues=_waste_modifiers(cues.modifier_situations(lowered), given),
        negated=tuple(
            w
            for s in found_scopes
            if s.category == "negated" and s.trigger != "without"
            for w in s.words
        ),
        uncertain=tuple(s.phrase for s in found_scopes if s.category == "uncertain"),
        words=tuple(re.findall(r"[a-z0-9][a-z0-9'/-]*", lowered)),
        text=text,
    )
    kind = question_type(lowered, facts)
    asking = _asking_sentences(text)
    named = tuple(_named_modifier_tokens(text)) if kind in NAMING_KINDS else ()
    subs = tuple(
        SubQuestion(part.strip(), question_type(f" {part.lower()} ", facts))
        for part in _SUB_QUESTION.findall(text)
    )
    service_asked = [
        q.kind
        for q in subs
        if q.kind != "diagnosis" and (codes or _SERVICE_WORDS.search(q.text.lower()))
    ]
    if kind == "diagnosis" and service_asked:
        # "What codes/units for this?" over a note that states its diagnosis, or "is 99211
        # with 96372 ok? ... what dx?": a service is asked about, and it leads; the
        # diagnosis is given beside it.
        kind = service_asked[0]
    too = kind != "diagnosis" and _asks_diagnosis(lowered, facts)
    found = conditions(text) if kind == "diagnosis" or too else ()
    return replace(
        facts,
        question_type=kind,
        named_modifiers=named,
        sub_questions=subs,
        asked_codes=tuple(c for c in codes if any(c in a.upper() for a in asking)),
        asks_additional=any(
            _ASKS_ADDITIONAL.search(a.lower()) and not _ASKS_WHOLE.search(a.lower()) for a in asking
        ),
        conditions=found,
        asks_diagnosis_too=too,
    )


# Kinds of question in which bare two-letter modifiers ("GA or GZ?") are read as modifiers.
NAMING_KINDS = ("modifier", "documentation", "same_day_pair")
_SUB_QUESTION = re.compile(r"[^.?!\n]*\?")
_SENTENCE = re.compile(r"[^.?!\n]*[.?!\n]?")
# A question of a few words refers back to the sentence before it ("... G2211 can't go
# with a 25 modifier. Still true?").
_BACK_REFERENCE = 4
_ASKS_ADDITIONAL = re.compile(
    r"\b(?:additional|extra|each further|add-on)\s+(?:\w+\s+)?(?:hours?|time|minutes?|units?|"
    r"drugs?|codes?)\b"
)


# The asking sentence wants the encounter's codes too ("what do I bill for the admin and how
# many add-on units?"): the answer is the claim, primary first.
_ASKS_WHOLE = re.compile(
    r"\b(?:(?:what|which)\s+(?:do|should|would|can|to)\s+(?:i|we|you)?\s*(?:bill|code|charge|"
    r"report)|(?:what|which)\s+(?:\w+\s+)?codes)\b"
    # ... unless what it bills is the extra time itself ("what do we bill for the extra time").
    r"(?!(?:(?!\band\b)[^.?!,])*\b(?:additional|extra|add-on|each further)\b)"
)


def _asking_sentences(text: str) -> list[str]:
    """The sentences that ask (end in a question mark), each with the sentence it refers
    back to when it is only a few words and names no code ("Still true?")."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    out: list[str] = []
    for i, sentence in enumerate(sentences):
        if not sentence.rstrip().endswith("?"):
            continue
        short = len(sentence.split()) <= _BACK_REFERENCE
        if short and i > 0 and not (_CPT.search(sentence) or _HCPCS.search(sentence)):
            out.append(sentences[i - 1])
        out.append(sentence)
    return out


_WHAT_IF = re.compile(
    r"\b(?:if (?:this|it|the pt|the patient|he|she|they) (?:were|was|had been)|what if)"
    r"[\w\s]*$"
)


def _payer(lowered: str, found: list[context.Scoped]) -> str:
    """The payer named, not one the question rules out ("commercial, not Medicare")."""
    denied = {w for s in found if s.category == "negated" for w in s.words}
    # In the table's order (Medicare's rules first when two patients' payers are named); one
    # named in a what-if ("if this were a Medicare pt") is not this patient's.
    return next(
        (
            name
            for cue, name in PAYERS.items()
            for m in re.finditer(rf"\b{re.escape(cue)}\b", lowered)
            if cue.split()[0] not in denied and not _WHAT_IF.search(lowered[: m.start()][-30:])
        ),
        "",
    )


def _level(lowered: str) -> str:
    return next(
        (
            lvl
            for word, lvl in _LEVELS.items()
            if re.search(
                rf"\b{word}\b(?:\s+\w+)?\s+(?:mdm|complexity|medical decision|decision)", lowered
            )
            or re.search(rf"\b(?:mdm|complexity)\s*(?:is|was|:)?\s*{word}\b", lowered)
        ),
        "",
    )


def _written_as_code(text: str, code: str) -> bool:
    """An unknown number counts as a code only when the asker calls it one (not a zip code)."""
    return bool(
        re.search(rf"(?:cpt|hcpcs|code|billed|bill)\W{{1,12}}{re.escape(code)}", text, re.I)
    )


def _waste_modifiers(found: list[str], drugs: Sequence) -> tuple[str, ...]:
    """The waste words decide between JW and JZ: "nothing wasted" names waste and denies it,
    so it is JZ (CMS: no amount discarded), never JW; a multi-dose container takes neither;
    without a drug given or named, "the full dose" says nothing of waste."""
    containers = drugs.containers
    if not containers.none_discarded or containers.discarded is not None:
        return tuple(found)
    kept = tuple(m for m in found if m not in ("JW", "JZ"))
    if not (drugs.given or drugs.named or containers.single_dose):
        return kept
    return (*kept, "JZ") if containers.single_dose is not False else kept


def _named_modifier_tokens(text: str) -> list[str]:
    """Two-character modifiers written bare ("GA or GZ?", "XS or 59"): not a time ("8 AM"),
    nor a state before a ZIP code ("Atlanta, GA 30301"), nor a common abbreviation."""
    found = [
        m.group(1)
        for m in re.finditer(r"\b([A-Z][A-Z0-9])\b", text)
        if not re.match(r"\s*\d{5}\b", text[m.end() :])
        and not re.search(r"\d\s*$", text[: m.start()])
        and not _PATIENTS_OWN.search(text[: m.start()])
        and not _READING.match(text[m.end() :])
    ]
    found += re.findall(r"\b(\d{2})\s+(?:or|vs\.?|and)\s+(?:X[ESPU]|[A-Z]{2}|\d{2})\b", text)
    found += re.findall(r"\b(?:X[ESPU]|[A-Z]{2}|\d{2})\s+(?:or|vs\.?|and)\s+(\d{2})\b", text)
    return [m for m in dict.fromkeys(found) if m not in _NOT_MODIFIERS]


# "checked his BP", "the pt's HR": a patient's own measurement or finding, not a modifier
# (a modifier is the claim's, never the patient's); "BP 150/90", "BP was high": a reading.
_PATIENTS_OWN = re.compile(r"\b(?:his|her|their|pt'?s|patient'?s)\s+$", re.I)
_READING = re.compile(
    r"\s*(?::\s*)?(?:\d{2,3}\s*/\s*\d{2,3}|(?:was|is)\s+(?:high|low|elevated|up|down|normal|ok)\b|check)",
    re.I,
)

# Capitalised words and abbreviations that are not modifiers when written bare.
# "MA" bare is the medical assistant or Medicare Advantage ("MA put in a 99213").
_NOT_MODIFIERS = _STOP_MODIFIERS | {"DX", "HX", "RX", "SX", "TX", "OP", "PO", "SC", "MA"}


# A diagnosis the question states ("dx acute cystitis", "diagnosis: otitis media") is context
# for the service asked about, not a request for a diagnosis code.
_STATED_DIAGNOSIS = re.compile(
    r"\b(?:dx|diagnosis|diagnosed with)(?:'d)?:?\s+(?:of\s+|was\s+|is\s+|w/\s+|with\s+)?"
    r"(?!(?:pls|please|codes?|too|also|for|and|or|as|needed|only)\b)[a-z]{3,}"
)
# The question asks for the service's code as well ("cpt + dx", "procedure code and icd").
_ASKS_SERVICE = re.compile(
    r"\bcpts?\b|\bhcpcs\b|\bprocedure codes?\b|"
    # A service's codes listed beside the diagnosis in one request ("vaccine, admin and dx").
    r"\b(?:admin\w*|vaccine|drug|j[- ]?codes?|procedure|visit|e/?m)s?,? (?:codes?,? )?"
    r"(?:(?:and|&|\+) )?(?:the )?(?:dx|icd|diagnos\w*)\b"
)


def _asks_diagnosis(lowered: str, found: Analysis) -> bool:
    """The question asks for a diagnosis code; with a service code of its own named, a
    diagnosis it only states does not count."""
    if found.codes or _ASKS_BILLING.search(lowered):
        # "Doc examined, dx impingement ... can we bill anything?": the diagnosis is the
        # record's, the question is what to bill.
        lowered = _STATED_DIAGNOSIS.sub(" ", lowered)
    has = lambda *cues: any(c in lowered for c in cues)  # noqa: E731
    return bool(
        has("icd", "diagnosis", "diagnoses", "dx code", "dx for")
        or re.search(r"\bdxs?\b", lowered)
        or (found.icd_codes and not found.codes)
        or re.search(r"\b(?:7th|seventh) character|\b[a-tv-z]\d\d codes?\b|\bcode it as\b", lowered)
        or (
            not found.codes
            and re.search(r"\bhow (?:do i |do we |to |should (?:i|we) |would you )?code\b", lowered)
            and names_condition(lowered)
        )
        or (
            not found.codes
            and _ICD_CUES.search(lowered)
            and (names_condition(lowered) or "encounter for" in lowered)
        )
        or (
            not found.codes
            and names_condition(lowered)
            and _ASKS_CODE.search(lowered)
            and not _SERVICE_WORDS.search(_VISIT_AS_TIME.sub(" ", lowered))
        )
    )


# "The RN's note for the same visit": when, not a visit asked about.
_VISIT_AS_TIME = re.compile(
    r"\b(?:for|at|on|during|from) (?:the |that |this )?(?:same|that|this) (?:visit|encounter|dos|day)\b"
)


# A question about what can be billed, not about the diagnosis code.
_ASKS_BILLING = re.compile(
    r"\b(?:can|could|should|do) (?:we|i|they|he|she) (?:still )?bill\b|\bbill anything\b|"
    r"\bwhat (?:can|should|do) (?:we|i) bill\b|\bbillable\b"
)
# Words only a diagnosis question uses ("sequencing", "combination code", "encounter for").
_ICD_CUES = re.compile(
    r"\bsequenc\w*|\bcombination codes?\b|\bfirst[- ]listed\b|\bprincipal\b|"
    r"\bprimary (?:dx|diagnosis)\b|\bencounter for\b|\bexcludes ?[12]\b|\bcode first\b|"
    r"\buse additional\b"
)
# A request for codes, with no service named: a condition described is then what is coded.
_ASKS_CODE = re.compile(
    r"\b(?:what|which) (?:\w+ ){0,2}codes?\b|\bwhat do (?:i|we) code\b|\bcodes? for\b|"
    r"\bhow (?:do|should) (?:i|we) code\b|\bcode (?:it|this|that)\b|\bwhat codes?\?"
)
_SERVICE_WORDS = re.compile(
    r"\b(?:visit|e/?m|level|procedure|surgery|eval\w*|exam\w*|consult\w*|assessment|ther ex|"
    r"treatment|session|mdm|established|new patient|office|admi(?:t|ssion)\w*|observation|"
    r"telehealth|injection|infusion|push|biopsy|excision|removal|"
    r"removed|repair|x-?ray|mri|ct|ultrasound|echo|scan|scope|\w+(?:ectomy|otomy|ostomy|plasty|"
    r"scopy|centesis)|test|panel|lab|vaccine|shot|therapy|admin\w*|drug|supply|pump|catheter|"
    r"drain\w*|sutur\w*|laceration repair|units?|modifier|cpt|hcpcs|rvus?|payment|lanc\w*|"
    r"incis\w*|i ?& ?d|debrid\w*|inject\w*|aspirat\w*|excis\w*|biops\w*|"
    r"subsequent|discharge|critical care|rounding|(?:hospital|er|ed|nursing) (?:code|visit|level))\b"
)


# Two codes offered as a choice ("96521 or 96522", "I63.9 vs Z86.73").
_CODE_CHOICE = re.compile(
    r"\b[0-9a-z]\d{2}\.?[0-9a-z]{1,4}\b,? (?:or|vs\.?|versus) [0-9a-z]\d{2}\.?[0-9a-z]{1,4}\b"
)


def question_type(lowered: str, found: Analysis) -> str:
    """The kind of question, from its cues; the first matching kind wins."""
    has = lambda *cues: any(c in lowered for c in cues)  # noqa: E731
    pair_cue = has(
        "same day",
        "same-day",
        "together",
        "bundle",
        "ncci",
        "ptp",
        "both payable",
        "both be",
        " with ",
        " and ",
    )
    if _asks_diagnosis(lowered, found) and not _ASKS_SERVICE.search(lowered):
        return "diagnosis"
    asks_code_too = re.search(
        r"\bcpt\b|\be/?m\b|\blevel\b|\bcode and\b|\band (?:the )?codes?\b|\b(?:which|what) codes?\b",
        lowered,
    )
    if (has(" pos ", "pos?", "place of service") or found.number_as_modifier) and not (
        found.codes or asks_code_too
    ):
        return "place_of_service"
    if has(
        "document",
        "the note show",
        "note should",
        "auditor",
        "chart should",
        "what should the note",
    ):
        return "documentation"
    if has(
        "rvu",
        "pay ",
        "paid",
        "reimburs",
        "payment",
        "allowable",
        "fee schedule",
        "how much",
        "conversion factor",
    ):
        return "payment"
    if has("how many units", "units of", "mue", "how many", "units can", "per day", "units?"):
        return "units"
    if re.search(r"\bmodifi?er| mod ", lowered) or (
        found.modifiers and not has("can we bill", "billed together")
    ):
        return "modifier"
    if len(found.codes) == 2 and _CODE_CHOICE.search(lowered):
        return "compare"  # "96521 or 96522, which?": one of two, not the two together
    if len(found.codes) >= 2 and pair_cue:
        return "same_day_pair"
    if has(
        "difference between",
        " vs ",
        " vs.",
        "versus",
        "or should",
        " right for",
        "better code",
        "instead of",
    ):
        return "compare"
    # Anything else that names or describes a service is a lookup; the drafter turns it
    # into "other" when nothing in the data matches it well.
    return "lookup"


def _icd_shaped_as_hcpcs(text: str, codes: list[str]) -> list[str]:
    """ "E1122" is HCPCS-shaped, but beside a code only ICD-10-CM can be ("E119", "I10") and
    valid in ICD-10-CM, it is the diagnosis written without its dot."""
    diagnosis_only = [
        m
        for m in _ICD.findall(text)
        if _plausible_icd(m) and not _HCPCS.fullmatch(m) and is_code(with_dot(m))
    ]
    if not diagnosis_only:
        return codes
    return [c for c in codes if not (_HCPCS.fullmatch(c) and is_code(with_dot(c)))]


def _plausible_icd(raw: str) -> bool:
    # "B12" (the vitamin) looks like a category; without a dot, demand four or more characters.
    # "Which Z79s?" is the plural of a category, not a code.
    plural = len(raw) == 4 and raw[-1] == "s"
    return ("." in raw or len(raw) >= 4) and not plural


def _modifiers(text: str) -> list[str]:
    out: list[str] = []
    for index, pattern in enumerate(_MODIFIER_PATTERNS):
        for match in pattern.finditer(text):
            for written in re.split(r"\s*(?:,|/|and|&|or)\s*", match.group(1)):
                mod = written.strip().upper()
                if len(mod) != 2 or (index > 1 and mod in _AMBIGUOUS_MODIFIERS):
                    continue
                if mod in _WORDS_TOO and not written.strip().isupper():
                    continue  # "what modifiers go on the claim": the verb, not GO
                if mod in _STOP_MODIFIERS and mod not in _AMBIGUOUS_MODIFIERS:
                    continue
                out.append(mod)
    return _unique(out)


def _units(text: str, codes: list[str]) -> dict[str, int]:
    """Units written next to a code, on its side of any neighbouring code."""
    units: dict[str, int] = {}
    other_code = re.compile(r"\b(?:\d{4}[0-9FTU]|[A-V]\d{4})\b", re.I)
    for code in codes:
        at = text.upper().find(code)
        if at < 0:
            continue
        after = other_code.split(text[at + len(code) : at + len(code) + 25])[0]
        before = other_code.split(text[max(0, at - 20) : at])[-1]
        hit = next((m for p in _UNITS if (m := p.search(after))), None)
        # Before the code, only units that lead straight into it ("2 units of 96372"): an
        # "x 6" further back is another code's or a sum's ("J1950 x 6 (3.75 x 6) and 96372").
        hit = hit or _UNITS_BEFORE.search(before)
        if hit:
            units[code] = int(hit.group(1))
    return units


_UNITS_BEFORE = re.compile(r"\b(\d{1,4})\s*(?:units?|x)\s*(?:of\s*)?$", re.I)


_HOURS_AND_MINUTES = re.compile(
    r"\b(\d{1,2})\s*(?:hours?|hrs?|h)\s*(?:and\s*)?(\d{1,2})\s*(?:minutes?|mins?|m)\b", re.I
)
_CLOCK = re.compile(
    r"\b(\d{1,2}):(\d{2})\s*(am|pm)?\s*(?:to|-|–|until|till|through)\s*(\d{1,2}):(\d{2})\s*(am|pm)?",
    re.I,
)

_START_STOP = re.compile(
    r"\b(?:start(?:ed)?|began|begin|hung|on)\s*(?:at\s*)?(\d{1,2}):(\d{2})\s*(am|pm)?"
    r"[^.?!]{0,40}?\b(?:stop(?:ped)?|end(?:ed)?|finish(?:ed)?|off|d/?c'?d)\s*(?:at\s*)?(\d{1,2}):(\d{2})\s*(am|pm)?",
    re.I,
)


def _minutes(text: str) -> int | None:
    """Minutes of the service: "1 hr 45 min", a start and stop time ("10:05 to 11:50"),
    minutes, or hours."""
    both = _HOURS_AND_MINUTES.search(text)
    if both:
        return int(both.group(1)) * 60 + int(both.group(2))
    clock = _CLOCK.search(text) or _START_STOP.search(text)
    if clock:
        start = _clock_minutes(clock.group(1), clock.group(2), clock.group(3))
        stop = _clock_minutes(clock.group(4), clock.group(5), clock.group(6) or clock.group(3))
        if stop < start:
            stop += 12 * 60  # "11:30 to 1:15" crosses noon
        return stop - start
    minutes = _MINUTES.search(text)
    if minutes:
        return int(minutes.group(1))
    hours = _HOURS.search(text)
    return int(hours.group(1)) * 60 if hours else None


def _clock_minutes(hour: str, minute: str, half: str | None) -> int:
    h = int(hour) % 12 + (12 if (half or "").lower() == "pm" else 0)
    return h * 60 + int(minute)


# "20 mL of 2,000 mcg/mL": the dose is the volume times the concentration.
_VOLUME_OF_CONCENTRATION = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(?:ml|cc)\s*(?:of|@|at|x)?\s*(?:a\s*)?(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg)\s*/\s*(?:ml|cc)\b",
    re.I,
)


def _doses(text: str) -> tuple[tuple[float, str], ...]:
    volume = _VOLUME_OF_CONCENTRATION.search(text)
    if volume:
        amount = float(volume.group(1)) * float(volume.group(2).replace(",", ""))
        return ((amount, _unit_name(volume.group(3))),)
    # Litres of a fluid ("NS 2 liters", "1 L bolus") in millilitres, as the fluids' HCPCS
    # codes count them (J7030 per 1000 cc), before the amounts written in millilitres.
    litres = [(float(v) * 1000, "ml") for v in _LITRES.findall(text)]
    doses = [
        (float(m.group(1)) * (2 if _EACH_SIDE.match(text, m.end()) else 1), _unit_name(m.group(2)))
        for m in _DOSE.finditer(text)
    ]
    return tuple(litres) + tuple(doses)


# A dose given to each of a pair ("40 mg into each knee"): twice the dose.
_EACH_SIDE = re.compile(
    r"\s*(?:of \w+\s+)?(?:\w+\s+)?(?:into|in|to)\s+(?:each|both)\s+"
    rf"(?:{cues.PAIRED_PARTS}|side)s?\b",
    re.I,
)


_LITRES = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(?:l|liters?|litres?)\b(?!\s*(?:/|nc\b|nasal|o2|oxygen|per min))", re.I
)


def _unit_name(unit: str) -> str:
    unit = unit.lower()
    return {
        "gram": "g",
        "grams": "g",
        "microgram": "mcg",
        "micrograms": "mcg",
        "cc": "ml",
        "unit": "units",
        "iu": "units",
    }.get(unit, unit)


def _date_of_service(text: str) -> date | None:
    for match in _DOS.finditer(text):
        try:
            if match.group(4):
                return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
            month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            return date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            continue
    return None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
