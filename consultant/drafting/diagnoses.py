"""Stage 3d, diagnoses: each condition the question describes is matched in ICD-10-CM, then
coded by the Official Guidelines through consultant.rules.icd10 (uncertain diagnoses not
coded in the outpatient setting, combination codes and their presumed links, laterality,
seventh characters, Excludes1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol

from sqlalchemy.orm import Session

from consultant.codes.search import tokens
from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.matching.findings import (
    ABBREVIATIONS,
    CANCER_WORDS,
    ORGANISM_NAMES,
    Condition,
    conditions,
    names_condition,
)
from consultant.rules import icd10_table as icd
from consultant.rules.diabetic_eye import diabetic_retinopathy
from consultant.rules.glaucoma import glaucoma
from consultant.rules.icd10 import CareSetting, Certainty, Finding, bmi_code, code_findings
from consultant.rules.icd10_codes import (
    Encounter,
    Side,
    complete,
    description,
    excludes1_conflict,
    history_of_neoplasm,
    is_billable,
    with_dot,
)
from consultant.rules.icd10_encounters import (
    drug_monitoring_reason,
    encounter_reasons,
    preoperative_reason,
)
from consultant.rules.icd10_terms import FREE, denied_words, term_index
from consultant.rules.infarction import by_age, infarction_age_days
from consultant.rules.pressure_ulcer import (
    UlcerCoding,
    pressure_ulcers,
    stage_from_other_clinicians,
)
from consultant.rules.skin_cancer import skin_cancers
from consultant.rules.stroke import past_stroke

MIN_COVERAGE = 0.6  # share of a phrase's words the ICD-10-CM title must carry
_CERTAINTY = {
    "confirmed": Certainty.CONFIRMED,
    "uncertain": Certainty.UNCERTAIN,
    "ruled out": Certainty.RULED_OUT,
}
_SIDE = {"right": Side.RIGHT, "left": Side.LEFT, "bilateral": Side.BILATERAL}
_ENCOUNTER = {e.value: e for e in Encounter}
A = Encounter.INITIAL  # any encounter: whether a seventh character can complete a code


@dataclass
class Diagnoses:
    codes: list[str] = field(default_factory=list)  # with the dot, in reporting order
    worked: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    not_coded: list[str] = field(default_factory=list)  # conditions left uncoded, and why
    # How closely the weakest condition's code carries its words: 1.0 when a title says
    # exactly what was written, less for each word the title adds or the phrase keeps.
    fit: float = 1.0


def code_diagnoses(session: Session, analysis: Analysis) -> Diagnoses:
    """The ICD-10-CM codes for the conditions the question describes (or, describing none,
    for the codes it proposes), by the Official Guidelines, with the reasoning."""
    return _coded_diagnoses(analysis)


def _coded(analysis: Analysis) -> list[str]:
    return _coded_diagnoses(analysis).codes


class _WholeNoteCoding(Protocol):
    @property
    def codes(self) -> tuple[str, ...]: ...

    @property
    def worked(self) -> tuple[str, ...]: ...

    def covers(self, phrase: str) -> bool: ...


# Conditions a rule reads from the whole note, not phrase by phrase: a stroke in the past
# (its deficits are sequelae), diabetic retinopathy and glaucoma by eye and stage, pressure
# ulcers by site and stage, skin carcinomas by type and site. Each coding says which
# condition phrases it holds, so that the term index does not code them again.
_WHOLE_NOTE_RULES: tuple[Callable[[str], _WholeNoteCoding | None], ...] = (
    past_stroke,
    diabetic_retinopathy,
    glaucoma,
    pressure_ulcers,
    skin_cancers,
)


def _coded_diagnoses(analysis: Analysis) -> Diagnoses:
    findings: list[Finding] = []
    result = Diagnoses()
    # The asker's own codes are what they propose; the conditions they describe decide, and
    # only a question that describes none is coded from its codes.
    if not analysis.conditions:
        findings += [Finding(code) for code in analysis.icd_codes]
    lowered = analysis.text.lower()
    whole = [found for read in _WHOLE_NOTE_RULES if (found := read(lowered)) is not None]
    for found in whole:
        findings += [Finding(code) for code in found.codes]
    ulcers = any(isinstance(found, UlcerCoding) for found in whole)
    if ulcers and (other_notes := stage_from_other_clinicians(lowered)):
        result.advice.append(other_notes)
    preoperative = preoperative_reason(lowered)
    if preoperative is not None:
        findings.append(Finding(preoperative))  # listed first by the encounter-reason rule
    findings += [Finding(code) for code in drug_monitoring_reason(lowered)]
    previous: tuple[str, str, int] | None = None  # phrase, certainty, findings before it
    coded_words: list[set[str]] = []  # the words of each confirmed condition coded so far
    for condition in analysis.conditions:
        if any(found.covers(condition.phrase) for found in whole):
            continue  # a whole-note rule coded it
        if re.search(r"\burosepsis\b", condition.phrase):
            # I.C.1.d.1.a.ii: no default code; the provider says sepsis or a UTI.
            why = (
                "Urosepsis is not coded: the term has no default code in ICD-10-CM; the "
                "provider must say whether it is sepsis or a urinary tract infection "
                "(query if the record does not) (ICD-10-CM Official Guidelines I.C.1.d.1.a.ii)."
            )
            if why not in result.not_coded:
                result.not_coded.append(why)
            continue
        words = set(condition.phrase.split()) - _ORDINALS
        if condition.certainty == "confirmed" and any(words <= said for said in coded_words):
            # "Do we code Z12.31 first and the lump second?": the lump already coded, again.
            continue
        joined = _joined(previous, condition)
        if previous is not None and joined is not None:
            # "Acute sinusitis, maxillary": the clause only specifies the one before it.
            del findings[previous[2] :]
            matched = [joined[1]]
            condition = replace(condition, phrase=f"{previous[0]} {condition.phrase}")
            phrase = condition.phrase
        else:
            phrase = _OCCASION.sub(" ", condition.phrase).strip()
            # A body part alone ("landed on his R foot") is where, not what: no condition
            # (the term index would find "foot" in Madura foot, a mycetoma).
            if (
                _organism_only(phrase)
                and _CULTURED.search(condition.phrase)
                and _INFECTION.search(lowered)
            ):
                # The organism a culture grew, beside the infection it causes: the B95-B97
                # code that names it (the tabular's "use additional code to identify the
                # infectious agent").
                phrase = f"{ORGANISM_NAMES.search(phrase).group(0)} {_AS_CAUSE}"  # type: ignore[union-attr]
            matched = (
                _matches(phrase, condition)
                if phrase and not _SITE_ONLY.fullmatch(phrase) and not _organism_only(phrase)
                else []
            )
            if len(phrase.split()) == 1:
                # An external cause needs its mechanism said ("fell on ice"): one word ("ice")
                # is not one (X37.2 is exposure to a blizzard).
                matched = [c for c in matched if c[:1] not in "VWXY"]
            # An injury's code names its site: a phrase that names none ("puncture w/o FB",
            # the asker's gloss on a code) is no injury of the scalp.
            matched = [c for c in matched if not _site_unsaid(c, phrase)]
            if not _INJURY_WORDS.search(lowered):
                # A site named with nothing that hurt it ("a polyp in the transverse colon")
                # is no injury of that site (S36.501).
                matched = [c for c in matched if not c.startswith("S")]
            if not _COMPLICATION.search(phrase):
                # A device named ("discussed a bone stimulator") is no complication of it.
                matched = [c for c in matched if not _DEVICE_COMPLICATION.match(c)]
            if set(tokens(phrase)) <= _CARE_ONLY:
                matched = [c for c in matched if not c.startswith("T8")]
        if not matched:
            continue
        result.fit = min(result.fit, _fit(phrase, condition))
        previous = (condition.phrase, condition.certainty, len(findings))
        if condition.certainty == "confirmed":
            coded_words.append(set(condition.phrase.split()))
        findings += [
            Finding(
                code,
                _CERTAINTY[condition.certainty],
                _SIDE.get(condition.side),
                _ENCOUNTER.get(condition.encounter),
                sex=condition.sex,
            )
            for code in matched
        ]
        if condition.certainty != "confirmed":
            result.not_coded.append(
                f"{condition.phrase} is documented as {condition.certainty}: in the outpatient "
                "setting it is not coded; code the signs and symptoms instead (ICD-10-CM "
                "Official Guidelines IV.H)."
            )
    findings = _bilateral_first(findings, result)
    proposed = [with_dot(c) for c in analysis.icd_codes]
    result.advice += [
        f"You propose {a} with {b}: {note} (I.A.12.a: an Excludes1 note means the two are "
        "not reported together)."
        for i, a in enumerate(proposed)
        for b in proposed[i + 1 :]
        if (note := excludes1_conflict(a, b))
    ]
    routine = analysis.pregnancy is not None and analysis.pregnancy.routine
    if not findings and not routine:
        return result
    inpatient = analysis.em.setting in ("hospital_initial", "hospital_subsequent")
    coding = code_findings(
        findings,
        CareSetting.INPATIENT if inpatient else CareSetting.OUTPATIENT,
        analysis.pregnancy,
        analysis.drug_effect,
        next((c.encounter for c in analysis.conditions if c.encounter), "A"),
        analysis.external_cause,
    )
    result.codes, aged = by_age([c.code for c in coding.codes], infarction_age_days(lowered))
    result.worked = [w for found in whole for w in found.worked] + list(coding.worked) + aged
    history = [c for c in result.codes if c.startswith("Z85")]
    if history and not re.search(r"\b(?:history|hx|h/o)\b", lowered):
        result.worked.append(
            f"{history[0]}: the cancer was excised or its treatment finished, with no "
            "evidence of it now: it is personal history, not a current C code (I.C.2.d)"
        )
    found_codes = [c for c in result.codes if not c.startswith("Z")]
    screened = [c for c in result.codes if c.startswith(("Z12", "Z13"))]
    if screened and found_codes and _MADE_DIAGNOSTIC.search(lowered):
        # The exam ordered as a screening was done as a diagnostic one, for a sign the
        # patient came with: the sign is the reason, no screening code (I.C.21.c.5).
        result.codes = [c for c in result.codes if c not in screened]
        result.worked.insert(
            0,
            f"{', '.join(screened)} not coded: the exam was done as a diagnostic one for "
            f"{found_codes[0]}, the sign the patient presented with; a screening code is for a "
            "patient with no sign or symptom (ICD-10-CM Official Guidelines I.C.21.c.5)",
        )
    screening = [c for c in proposed if c.startswith(("Z12", "Z13")) and c not in screened]
    if screening and found_codes:
        # I.C.21.c.5: screening is testing a patient with no sign or symptom; one the record
        # documents makes the exam diagnostic, coded by the sign (the order's word aside).
        result.worked.insert(
            0,
            f"{screening[0]} is for a screening, a test of a patient with no sign or symptom; "
            f"with {found_codes[0]} documented the exam is diagnostic, coded by what was found "
            "or felt (ICD-10-CM Official Guidelines I.C.21.c.5)",
        )
    result.advice += list(coding.conflicts) + [
        f"{code} needs more detail from the record (stage, site or type) before it can be coded."
        for code in coding.incomplete
    ]
    return result


# A condition named again in the question ("the lump second") is the one already coded.
_ORDINALS = frozenset({"first", "second", "third", "last", "primary", "secondary", "again"})
# An exam ordered as a screening and done as a diagnostic one.
_MADE_DIAGNOSTIC = re.compile(
    r"\b(?:converted|changed|switched|upgraded|turned)(?: it)? (?:in)?to (?:a )?diagnostic\b|"
    r"\b(?:did|done|performed|read|billed)(?: it)? as (?:a )?diagnostic\b"
)


def _bilateral_first(findings: list[Finding], result: Diagnoses) -> list[Finding]:
    """A condition documented on both sides is coded bilateral even when one side is treated
    today (I.B.13): a one-sided mention of it later ("only the L knee injected") is not a
    second condition."""
    both = {f.code[:3] for f in findings if f.side is Side.BILATERAL}
    kept = [f for f in findings if f.side in (None, Side.BILATERAL) or f.code[:3] not in both]
    if len(kept) < len(findings):
        result.not_coded.append(
            "The condition is documented as bilateral: the bilateral code is reported even "
            "when only one side is treated at this encounter (ICD-10-CM Official Guidelines "
            "I.B.13)."
        )
    return kept


_AS_CAUSE = "as the cause of diseases classified elsewhere"


def _site_unsaid(code: str, phrase: str) -> bool:
    """An injury code (S00-S99) for a phrase that says only what kind of injury, no part of
    the body at all: every injury code names a site the phrase does not."""
    if not code.startswith("S"):
        return False
    return not [t for t in tokens(phrase) if t not in _INJURY_KIND and not t.isdigit()]


# Words that say something hurt the body: without one anywhere in the question, no injury
# code (S00-S99) is matched from a site's name.
_INJURY_WORDS = re.compile(
    r"\b(?:injur\w*|trauma\w*|fell|falls?|falling|fractur\w*|fx|sprain\w*|strain\w*|"
    r"lacerat\w*|lacs?|cuts?|contusion\w*|bruis\w*|abrasion\w*|burn\w*|bit(?:e|es|ten)|"
    r"stings?|stung|crush\w*|dislocat\w*|subluxat\w*|tears?|torn|ruptur\w*|wounds?|hit|"
    r"struck|accident\w*|mva|mvc|collision|concussion|whiplash|broke|broken|twist\w*|"
    r"rolled|puncture\w*|stab\w*|gsw|gunshot|foreign body|fb|assault\w*|tripped|slipped|"
    r"jammed|avulsion|amputat\w*|kicked|punched|splinter|blunt|penetrating|hematoma|"
    r"whacked|caught|landed|hurt|impact\w*|sport\w*|ski\w*|bike|bicycle|trip)\b"
)


# Words of an injury's kind, not of its site.
_INJURY_KIND = frozenset(
    tokens(
        "puncture punctures wound wounds laceration lac cut open bite without with foreign body "
        "fb abrasion contusion bruise fracture fx sprain strain multiple superficial deep "
        "small large simple complex displaced nondisplaced closed"
    )
)
_CULTURED = re.compile(r"\b(?:cx|cultures?|grew|growing|isolated)\b")
_INFECTION = re.compile(
    r"\b(?:\w+itis|uti|infection|pneumonia|cellulitis|abscess|pyelo\w*|bacteremia|wound)\b"
)


def _organism_only(phrase: str) -> bool:
    """An organism named with no condition ("urine cx prelim E. coli"): it is coded with the
    infection it causes, never on its own as an intestinal infection (A04.4)."""
    found = ORGANISM_NAMES.search(phrase)
    if found is None:
        return False
    rest = (phrase[: found.start()] + " " + phrase[found.end() :]).strip()
    return _AS_CAUSE not in rest and not names_condition(rest)


_SITE_ONLY = re.compile(
    r"(?:(?:left|right|both|bilateral|upper|lower|inner|outer|front|back of|his|her|the)\s+)*"
    r"(?:head|scalp|face|forehead|cheek|nose|chin|neck|chest|abdomen|back|flank|arm|forearm|"
    r"elbow|wrist|hand|palm|finger|thumb|leg|thigh|calf|shin|knee|ankle|foot|feet|heel|toe|"
    r"hip|shoulder|eye|retina|cornea|ear|mouth|throat|lung|heart|liver|kidney|bladder|skin|"
    r"colon|stomach|breast|spine|prostate|uterus|ovary|ovaries|cervix|thyroid|pancreas|"
    r"rectum|anus|esophagus|bone|brain|jaw|groin|buttock|pelvis)s?"
)
# "Repeat shot", "first injection": which occasion of a service this is, never a condition
# ("repeat" alone would find Repeated falls).
_OCCASION = re.compile(
    r"\b(?:repeat(?:ed)?|first|initial|next|follow-up|another|second|third)\s+"
    r"(?:shot|injection|dose|visit|one|time|infusion|vaccine|appointment)s?\b(?:\s+vs\b)?"
)
# Words that say a contraceptive injection is a repeat one, and that it is the first.
_REPEAT = ("repeat", "returns", "return", "every", "again", "next", "due", "q3", "q12")
_FIRST = ("first", "initial", "new start", "starting", "starts")


def add_encounter_reasons(analysis: Analysis, selection: Selection) -> None:
    """The reason-for-encounter code a preventive service carries (Z23 with a vaccine, Z12.11
    with a screening colonoscopy, Z30.42 with a repeat contraceptive injection), after the
    services, unless a diagnosis already coded is that code."""
    services = [code for code, _ in selection.services]
    screening = analysis.mentions("screening") and "screening" not in analysis.negated
    first = any(analysis.mentions(w) for w in _FIRST) and not any(
        analysis.mentions(w) for w in _REPEAT
    )
    reasons = encounter_reasons(services, screening=screening, first_injection=first)
    if reasons:
        # A diagnosis the search matched on a word ("repeat" shot: Repeated falls) yields to
        # the reason the guidelines give; one coded from a described condition stays.
        described = (
            set(_coded(analysis))
            if analysis.question_type == "diagnosis" or analysis.asks_diagnosis_too
            else set()
        )
        matched = {
            c
            for c in services
            if selection.system_of.get(c) == "ICD-10-CM"
            and not selection.worked.get(c)
            and c not in described  # "polyp found in sigmoid": K63.5 follows Z12.11
        }
        selection.services = [(c, s) for c, s in selection.services if c not in matched]
        services = [code for code, _ in selection.services]
    for reason in reasons:
        if reason.code in services:
            # Coded from the conditions described: the guideline that puts it first is said.
            selection.worked[reason.code] = selection.worked.get(reason.code) or [reason.why]
            continue
        selection.services.append((reason.code, 1.0))
        selection.system_of[reason.code] = "ICD-10-CM"
        selection.worked[reason.code] = [reason.why]
        selection.alternatives = [
            (c, s)
            for c, s in selection.alternatives
            if c.replace(".", "") != reason.code.replace(".", "")
        ]


# Words that introduce what a drug was given for ("for hypogonadism", "pt has iron def
# anemia", "dx B12 deficiency"), and words that never begin a condition.
_INDICATION_CUES = {"for", "has", "dx", "diagnosis", "diagnosed", "indication"}
# Words a condition never starts with; "ca" first is calcium ("for Ca supplementation"), a
# cancer being named by its site first ("prostate ca").
_NOT_A_CONDITION = {
    "a", "an", "the", "her", "his", "their", "our", "this", "that", "of", "with", "ca",
}  # fmt: skip
_SPELLED_OUT = {
    **ABBREVIATIONS,
    "def": "deficiency",
    "defic": "deficiency",
    # After a site: "prostate ca", "prostate cancer".
    **{w: "malignant neoplasm" for w in CANCER_WORDS if w.isalpha()},
}
_LONGEST_INDICATION = 4  # words
# Words that say how a condition runs or where, never what it is.
_COURSE_ONLY = frozenset(
    [
        "acute",
        "chronic",
        "subacute",
        "severe",
        "mild",
        "moderate",
        "recurrent",
        "intermittent",
        "persistent",
        "new",
        "low",
        "lower",
        "upper",
        "early",
        "late",
        "primary",
    ]
)


def add_indications(analysis: Analysis, selection: Selection) -> None:
    """The condition a drug or a procedure was given for, when the question states it
    ("testosterone cypionate 200 mg IM for hypogonadism": E29.1; "came in for warts",
    cryotherapy of "6 common warts": B07.8), after the services: a service is paid for a
    covered indication, so its diagnosis belongs beside it. Only a condition a title carries
    whole is coded (never an encounter Z code, an injury or an external cause), and only
    beside a drug or a surgical procedure."""
    services = [code for code, _ in selection.services]
    if analysis.question_type == "diagnosis" or analysis.asks_diagnosis_too:
        return  # the conditions described are coded as the question asks
    treated = [c for c in services if _treats(c, selection.system_of.get(c))]
    if not treated:
        return
    what = "drug" if treated[0][:1] == "J" else "procedure"
    words = analysis.words
    for i, word in enumerate(words):
        if word not in _INDICATION_CUES:
            continue
        found = _indication(words[i + 1 : i + 1 + _LONGEST_INDICATION])
        if found is None:
            continue
        code, extra = _more_specific(found, words)
        if code in services or (what == "procedure" and extra):
            # Beside a procedure, only a title that says exactly the condition: "skin tags"
            # is not "Skin tags of anus" (K64.4), whose site the question never gave.
            continue
        selection.services.append((code, 1.0))
        selection.system_of[code] = "ICD-10-CM"
        selection.worked[code] = [
            f"{code}: the condition the {what} was given for, as the question states it"
        ]
        services.append(code)


def add_stated_diagnoses(analysis: Analysis, selection: Selection) -> None:
    """The diagnosis a service question states ("Dx acute cystitis", "Impression: ..."),
    coded after the services when no indication was: the claim needs it
    beside the service. Only when every condition it names is coded by a title that says
    exactly what was written (the fit), and at most three: a guess is worse than none."""
    if analysis.question_type == "diagnosis" or analysis.asks_diagnosis_too:
        return
    services = [c for c, _ in selection.services]
    if not services or any(selection.system_of.get(c) == "ICD-10-CM" for c in services):
        return
    stated = ". ".join(m.group(1) for m in _STATED_DX.finditer(analysis.text))
    if stated:
        codes = _exactly_coded(analysis, stated, "VWXY")
        why = "the diagnosis the question states, for the claim"
    else:
        # No diagnosis line: a condition a sentence names outright ("pt w/ prostate ca on
        # ADT gets Lupron"), sentence by sentence, each coded exactly or not at all. Signs,
        # encounters, injuries and codes without a site are the record's to decide.
        codes = []
        for sentence in _SENTENCE.split(analysis.text):
            named = conditions(sentence)
            found = _exactly_coded(analysis, sentence, "RSTVWXYZ", named)
            confirmed = [c for c in named if c.certainty == "confirmed"]
            if not found and len(confirmed) > 1:
                # A sentence that also names what no title says exactly ("ketorolac for
                # acute low back pain" beside "pernicious anemia"): each condition alone.
                for one in confirmed:
                    found += _exactly_coded(analysis, sentence, "RSTVWXYZ", (one,))
            codes += [c for c in found if c not in codes and not _unspecified_site(c)]
        why = "the condition the question names, for the claim: confirm it in the record"
    if not codes or len(codes) > 3:
        return
    for code in codes:
        selection.services.append((code, 1.0))
        selection.system_of[code] = "ICD-10-CM"
        selection.worked[code] = [f"{code}: {why}"]


_SENTENCE = re.compile(r"(?<=[.?!;\n])\s+")


def _exactly_coded(
    analysis: Analysis, text: str, left_out: str, found: tuple[Condition, ...] | None = None
) -> list[str]:
    """The codes of the confirmed conditions ``text`` names (or of ``found``, read from it),
    when each is coded by a title that says exactly what was written (the fit) and there are
    at most three; else none."""
    found = conditions(text) if found is None else found
    if not any(c.certainty == "confirmed" for c in found):
        return []
    coded = _coded_diagnoses(replace(analysis, conditions=found, text=text))
    codes = [c for c in coded.codes if c[:1] not in left_out]
    if len(codes) > 3 or coded.fit < _EXACT:
        return []
    return codes


def _unspecified_site(code: str) -> bool:
    """A code whose title leaves the site or side open ("osteoarthritis, unspecified site",
    "pain in unspecified knee"): the question named one, or the record must."""
    return _OPEN_SITE.search(description(code).lower()) is not None


_OPEN_SITE = re.compile(
    r"\bunspecified (?:site|side|sites|upper|lower|[a-z]+ (?:arm|leg|limb|extremity)|"
    r"knee|hip|shoulder|elbow|wrist|hand|ankle|foot|eye|ear|kidney|lung|breast|finger|toe)"
)


_EXACT = 0.93  # a title that carries every word, adding at most one
# The diagnosis as the record states it: "Dx acute cystitis", "Diagnosis: ...", "diagnosed
# with ...", "Impression: ...", to the end of its sentence.
_STATED_DX = re.compile(
    r"\b(?:dx|diagnosis|diagnosed with|impression|final diagnosis)\b\s*(?:is|was|of|:|-)?\s*"
    r"([^.;?!\n]{3,80})",
    re.I,
)


# Surgery (CPT 10021-69990): a procedure done to treat or diagnose a condition.
_SURGERY = range(10021, 69991)


def _treats(code: str, system: str | None) -> bool:
    """A drug (J code) or a surgical procedure: the services a stated indication goes with."""
    if system == "HCPCS":
        return code[:1] == "J"
    return system == "CPT" and code.isdigit() and int(code) in _SURGERY


def _more_specific(found: tuple[str, str, int], words: tuple[str, ...]) -> tuple[str, int]:
    """The code for the same condition said more precisely elsewhere in the question: "warts"
    (B07.9) are "common warts" further on (B07.8), a title carried exactly, in the same
    category. Returns the code and the words its title adds."""
    code, head, extra = found
    for j, word in enumerate(words[1:], start=1):
        if word != head or words[j - 1] in _NOT_A_CONDITION or words[j - 1].isdigit():
            continue
        there = _match(f"{_SPELLED_OUT.get(words[j - 1], words[j - 1])} {head}", "")
        if (
            there is not None
            and there[0] == 1.0
            and there[2] == 0
            and there[1][:3] == code[:3]
            and is_billable(there[1])
        ):
            return there[1], 0
    return code, extra


def _indication(words: tuple[str, ...]) -> tuple[str, str, int] | None:
    """The code for the longest run of the words, from the first, that names a condition,
    the run's last word (what the condition is: "warts") and the words its title adds."""
    if not words or words[0] in _NOT_A_CONDITION:
        return None
    for n in range(len(words), 0, -1):
        run = words[:n]
        if any(w.isdigit() for w in run):
            continue
        phrase = " ".join(_SPELLED_OUT.get(w, w) for w in run)
        if _SITE_ONLY.fullmatch(phrase):
            continue  # "for prostate ca": the organ alone is no condition (N40.0)
        if set(run) <= _COURSE_ONLY:
            continue  # "for acute low back pain" cut to "acute": no condition (R52)
        found = _match(phrase, "")
        if found is None or found[0] < 1.0 or found[2] > 1:
            continue
        if found[1][:1] in "STVWXYZ":
            return None  # an encounter, injury or external cause is not an indication
        # A category the words cannot complete ("knee pain": M25.56 wants a side) is left to
        # the reviewer rather than reported incomplete.
        head = next((w for w in reversed(run) if tokens(w)), run[-1])  # not "on", "of"
        return (found[1], head, found[2]) if is_billable(found[1]) else None
    return None


# Coders say "distal radius"; the tabular list says "lower end of radius".
_UNSPECIFIED = re.compile(
    r", unspecified\b|without complications|unspecified organism|\bunspecified$|\bwithout\b|\bNOS$|"
    r"\bunspecified part\b",
    re.I,
)
_BONE_ENDS = re.compile(r"\b(distal|proximal)\s+(radius|ulna|humerus|femur|tibia|fibula)\b")


def _joined(
    previous: tuple[str, str, int] | None, condition: Condition
) -> tuple[float, str, int] | None:
    """The code one title gives the clause and the one before it together, when it carries
    every word of both, with fewer other words than the clause's own code."""
    if previous is None or previous[1] != condition.certainty:
        return None
    both = _match(
        f"{previous[0]} {condition.phrase}", condition.side, condition.sex, condition.chapters
    )
    if both is None or both[0] < 1.0:
        return None
    own = _match(condition.phrase, condition.side, condition.sex, condition.chapters)
    # "maxillary" alone is "Chronic maxillary sinusitis": a title adding words it never said.
    if own is not None and own[0] == 1.0 and own[2] <= both[2]:
        return None
    return both


def _matches(phrase: str, condition: Condition) -> list[str]:
    """The code for the whole phrase when a title carries all of it ("migraine with aura"),
    otherwise one for each part ("type 2 diabetes" and "chronic kidney disease stage 3a",
    which the guidelines then combine)."""
    return [code for _, code, _ in _sited(phrase, condition)]


def _fit(phrase: str, condition: Condition) -> float:
    """How closely the codes for a phrase carry its words: the weakest of its matches. A
    site read from the procedure, not from the phrase, counts as a word the title adds."""
    found = _matched(phrase, condition.parts, condition.side, condition.sex, condition.chapters)
    return min((_fit_of(m) for m in found), default=0.6)


Match = tuple[float, str, int]  # words carried, code, extra words


def _sited(phrase: str, condition: Condition) -> list[Match]:
    """The matches for a phrase; where the title found adds words (a site the phrase does
    not name: "polyp" is "Polyp of endometrium" as much as "Polyp of colon"), the organ the
    question's procedure looks at decides, when a title carries the phrase with it."""
    found = _matched(phrase, condition.parts, condition.side, condition.sex, condition.chapters)
    if not condition.sites or len(found) > 1:
        return found
    said = set(tokens(phrase))
    if not found or found[0][0] < 1.0:
        # "Polyp found in sigmoid" at a colonoscopy: no title says the part, the organ's
        # does ("Polyp of colon"); only a title carrying every word of it exactly.
        words = phrase.split()
        for site in condition.sites:
            for i in range(len(words) if len(words) > 1 else 0):
                rest = " ".join(words[:i] + words[i + 1 :])
                there = _match(f"{rest} {site}", condition.side, condition.sex, condition.chapters)
                if there is not None and there[0] == 1.0 and there[2] == 0:
                    return [(0.8, there[1], 1)]  # a word of the phrase set aside: not exact
        return found
    if not found[0][2]:
        return found
    for site in condition.sites:
        if set(tokens(site)) <= said:
            return found  # the phrase names its site: the title that carries it stands
        there = _match(f"{phrase} {site}", condition.side, condition.sex, condition.chapters)
        if there is not None and there[0] == 1.0 and there[2] < found[0][2]:
            return [there]
    return found


def _matched(
    phrase: str, parts: tuple[str, ...], side: str, sex: str = "", chapters: str = ""
) -> list[Match]:
    """The matches ``_matches`` codes from, each with how much of its words it carries."""
    bmi = _BMI.search(phrase)
    if bmi:
        # A BMI value is coded by the Z68 range that holds it, beside the weight diagnosis.
        code = bmi_code(float(bmi.group(1)))
        rest = re.sub(r"\badults?\b", " ", _BMI.sub(" ", phrase)).strip()
        others = [p for p in parts if not _BMI.search(p)]
        more = (
            _matched(rest, tuple(others) if len(others) > 1 else (), side, sex, chapters)
            if rest
            else []
        )
        return more + ([(1.0, code, 0)] if code else [])  # a value read against the ranges
    whole = _match(phrase, side, sex, chapters)
    if "history" in phrase and "malignant neoplasm" in phrase and (not whole or whole[0] < 1):
        # Z85 titles name few sites; the neoplasm's own code finds its history code.
        site = _match(re.sub(r"\bpersonal history( of)?\b", " ", phrase), side, sex, chapters)
        history = history_of_neoplasm(site[1]) if site else None
        if site and history:
            return [(site[0], history, site[2])]
    if whole is None and not parts:
        whole = _head_match(phrase, side, sex, chapters)
    if whole is not None and (whole[0] == 1.0 or not parts):
        return [whole]
    found: list[Match] = []
    i = 0
    while i < len(parts):
        # Two parts one title carries whole ("sepsis" due to "MRSA": A41.02) are one code.
        pair = (
            _match(f"{parts[i]} {parts[i + 1]}", side, sex, chapters)
            if i + 1 < len(parts)
            else None
        )
        if pair is not None and pair[0] == 1.0:
            found.append(pair)
            i += 2
            continue
        organism = (
            ORGANISM_NAMES.match(parts[i + 1])
            if i + 1 < len(parts) and "sepsis" in parts[i]
            else None
        )
        if organism is not None:
            # "Sepsis due to E. coli UTI": the organism is the sepsis's as well as the
            # local infection's (A41.51, then N39.0).
            # "Severe" is R65.2-'s, which the sepsis rule adds after the systemic infection.
            septic = _match(f"sepsis {organism.group(0)}", side, sex, chapters)
            rest = parts[i + 1][organism.end() :].strip()
            local = _match(rest, side, sex, chapters) if rest else None
            severe = _match(parts[i], side, sex, chapters) if "severe" in parts[i] else None
            if septic is not None and septic[0] == 1.0:
                found += [septic] + ([severe] if severe and severe[1].startswith("R65") else [])
                found += [local] if local else []
                i += 2
                continue
        if (m := _match(_as_cause(parts[i]), side, sex, chapters)) is not None:
            found.append(m)
        i += 1
    return found or ([whole] if whole else [])


def _head_match(phrase: str, side: str, sex: str, chapters: str) -> Match | None:
    """A phrase no title carries, coded by its head: the words it ends with that a title
    carries whole ("plastics consult, thick raised hypertrophic scar" is a hypertrophic
    scar). English names the condition last; the words before it describe or surround it.
    Marked inexact (words set aside), so that confidence says so. Never an external cause,
    which has its own reading (consultant.rules.icd10_external_causes)."""
    words = phrase.split()
    for i in range(1, len(words) - 1):
        rest = " ".join(words[i:])
        if len(set(tokens(rest)) - FREE) < 2:
            break  # one word is no condition's name out of context ("treating as pneumonia")
        # The side completes the code as for a whole phrase ("lump ... L breast, upper inner
        # quadrant": the left breast's code, not the first title found).
        found = _match(rest, side, sex, chapters)
        if found is None or found[0] < 1.0 or found[2] > 1 or found[1][:1] in "VWXY":
            continue
        return (0.8, found[1], found[2] + 1)
    return None


_BMI = re.compile(r"\b(?:bmi|body mass index)\s+(?:of\s+|is\s+)?(\d{2}(?:\.\d)?)\b")


# Complications of devices, implants and grafts (T82-T85) and of transplanted organs and
# tissue (T86: a bone graft planned is no complication of one) need a complication said.
_DEVICE_COMPLICATION = re.compile(r"^T8[2-6]")
# Complications of care (T80-T88) need the phrase to name more than the care itself: the
# heading "Procedure:" is no complication of a procedure (T81.9).
_CARE_ONLY = frozenset(
    tokens("procedure procedures surgery surgical operation post postop op procedural care")
)
_COMPLICATION = re.compile(
    r"\b(?:complicat\w*|breakdown|broken|malfunction\w*|fail\w*|displac\w*|dislodg\w*|"
    r"leak\w*|infect\w*|erosion|perforat\w*|obstruct\w*|migrat\w*|loosen\w*|fractur\w*|"
    r"stenosis|thrombos\w*|rejection|pain|hemorrhage|mechanical|occlu\w*|clot\w*|extru\w*|"
    r"protru\w*|malposit\w*|embol\w*|expos\w*|blocked|torn|tear)\b"
)


def _fit_of(match: Match) -> float:
    carried, _, extra = match
    if carried < 1.0:
        return 0.7 if carried >= 0.8 else 0.6
    return max(0.8, 1.0 - 0.07 * extra)


def _as_cause(part: str) -> str:
    """An organism named beside a condition is its cause: coded from B95-B97 ("as the cause
    of diseases classified elsewhere"), not as an infection of its own (A04.4, A49.02)."""
    if ORGANISM_NAMES.fullmatch(part.strip()) or (
        ORGANISM_NAMES.search(part) and len(ORGANISM_NAMES.sub(" ", part).split()) <= 1
    ):
        return f"{part} cause diseases classified elsewhere"
    return part


@lru_cache(maxsize=4096)
def _match(
    phrase: str, side: str, sex: str = "", chapters: str = ""
) -> tuple[float, str, int] | None:
    """The ICD-10-CM code whose title or inclusion term carries the phrase's words with the
    fewest others; a code the side, sex and encounter can complete before one they cannot."""
    phrase = _BONE_ENDS.sub(
        lambda m: f"{'lower' if m.group(1) == 'distal' else 'upper'} end {m.group(2)}", phrase
    )
    sided = _search(phrase, f"{phrase} {side}".strip(), side, sex, chapters)
    if side not in ("left", "right"):
        return sided
    # The side completes the code the condition's words find (I.B.13); a title found for
    # its side word must not win over one for the condition ("breast cancer, left" is
    # C50.912, not C50.A2, an inflammatory carcinoma of the left breast).
    plain = _search(phrase, phrase, side, sex, chapters)
    found = sided
    if plain and (not sided or (plain[0] >= sided[0] and plain[2] < sided[2])):
        found = plain
    if found is None:
        return None
    return (found[0], _side_named(found[1], side), found[2])


def side_corrections(analysis: Analysis, selection: Selection) -> list[str]:
    """The asker's diagnosis code whose side contradicts the side the words give (M67.431,
    right wrist, for a cyst of the LEFT wrist billed with LT): its sibling for that side, in
    its place (I.B.13; payers deny a side that differs from the procedure's modifier)."""
    side = {"LT": "left", "RT": "right"}.get(analysis.side, "")
    if not side:
        return []
    other = "right" if side == "left" else "left"
    out = []
    for asked in analysis.icd_codes:
        code = with_dot(asked)
        title = description(code).lower()
        if not re.search(rf"\b{other}\b", title):
            continue
        right = _sibling_titled(code, re.sub(rf"\b{other}\b", side, title, count=1))
        if right is None and len(code.replace(".", "")) == 7:
            # A seventh character's code: its side is the six-character code's.
            base = with_dot(code.replace(".", "")[:6].rstrip("X"))
            base_title = description(base).lower()
            sibling = _sibling_titled(base, re.sub(rf"\b{other}\b", side, base_title, count=1))
            if sibling is not None:
                seventh = with_dot(sibling.replace(".", "").ljust(6, "X") + code[-1])
                right = seventh if is_billable(seventh) else None
        if right is None:
            continue
        # In the asker's code's place; listed last when nothing had billed it.
        services = [c for c, _ in selection.services]
        at = next((i for i, c in enumerate(services) if c in (asked, code)), len(services))
        selection.services = [(c, sc) for c, sc in selection.services if c not in (asked, code)]
        selection.services.insert(at, (right, 1.0))
        selection.system_of[right] = "ICD-10-CM"
        selection.alternatives.insert(0, (code, 0.5))
        selection.named = [c for c in selection.named if c not in (asked, code)]
        out.append(
            f"Report {right}, not {code}: {code} is the {other} side, and the record says "
            f"{side} ({description(right)}); the diagnosis's side must match the procedure's."
        )
    return out


def _side_named(code: str, side: str) -> str:
    """The sibling of an unspecified-side code that names the side the record gives
    (C34.10 "upper lobe, unspecified bronchus or lung", right: C34.11); the code itself when
    its title leaves no side unspecified or no sibling names it (I.B.13)."""
    title = description(code)
    if "unspecified" not in title.lower():
        return code
    wanted = re.sub(r"\bunspecified\b", side, title.lower(), count=1)
    return _sibling_titled(code, wanted) or code


def _sibling_titled(code: str, title: str) -> str | None:
    """The code beside ``code`` (same parent) whose title, lower-cased, is ``title``: the
    same condition with another side named."""
    parent = icd.get_parent(code)
    siblings = icd.get_children(parent) if parent else []
    return next((c for c in siblings if description(c).lower() == title), None)


def _search(
    phrase: str, wanted: str, side: str, sex: str, chapters: str = ""
) -> tuple[float, str, int] | None:
    """The best title for ``wanted`` (the phrase, with its side or not) that the side and
    sex can complete: words carried, code, extra words."""
    best: tuple[float, float, int, int, int, int, int, int, str] | None = None
    said = set(tokens(phrase))
    for hit in term_index().match(wanted, limit=40):
        if hit.carried < MIN_COVERAGE:
            break  # ranked by words carried: the rest carry fewer
        if best is not None and hit.carried < best[0]:
            break  # ranked by words carried: none of the rest can win
        if hit.text.lower().startswith("family history") and not said & {"family", "fhx", "fh"}:
            continue  # the patient's own history is no family history (Z80-Z84)
        if hit.code[:1] in "OP" and hit.code[:1] not in chapters:
            # Pregnancy codes are the pregnant patient's (I.C.15.a), perinatal ones the
            # infant's (I.C.16.a): "venous" is not a puerperal complication.
            continue
        cause = _DUE_TO.search(hit.text) or _PURPOSE.search(hit.text)
        beyond = hit.extra - (len(set(tokens(cause.group(1))) - said) if cause else 0)
        if beyond > len(said) and not _one_conjunct(hit.text, said):
            # A title mostly about something else ("venous" is not a puerperal code). An
            # encounter's title adds what it is for ("screening mammogram for malignant
            # neoplasm of breast"), a condition's its cause ("due to excess calories"):
            # neither changes what the title is about.
            continue
        code = hit.code
        completable = is_billable(code) or bool(complete(code, _SIDE.get(side), A, sex=sex).codes)
        if not completable and not hit.extra:
            # A category named plainly ("Heart failure") is its unspecified code (I50.9).
            code = _unspecified_child(code) or code
            completable = is_billable(code)
        # By convention .9 is the unspecified code and .8 "other": a plain phrase is the former.
        plain = int(bool(_UNSPECIFIED.search(hit.text))) - int(" other " in f" {hit.text.lower()} ")
        # A title that adds a condition "with" it ("Morbid obesity with alveolar
        # hypoventilation") codes a complication the record never named: the plain
        # condition's title comes first, whatever its own added words (the Index default).
        added = _WITH_CLAUSE.search(hit.text)
        asserts = int(bool(added and set(tokens(added.group(1))) - said - FREE))
        key = (
            hit.carried,
            round(hit.rarity, 6) if hit.carried < 1.0 else 0.0,
            -asserts,
            -hit.extra,
            int(completable),
            -hit.denials,
            plain,
            -len(code),
            code,
        )
        if best is None or key[:8] > best[:8]:
            best = key
    return (best[0], best[8], -best[3]) if best else None  # words carried, code, extra


def _one_conjunct(title: str, said: set[str]) -> bool:
    """A title naming two conditions ("Hypo-osmolality and hyponatremia") one of which is
    exactly what was said: the title is about it, however many words the other adds."""
    halves = title.split(" and ")
    return (
        len(halves) == 2
        and "," not in title
        # Two conditions, not one whose object is a pair ("Allergy status to serum and vaccine").
        and not _LINKED.search(title)
        and any(set(tokens(h)) == said for h in halves)
    )


_LINKED = re.compile(r"\b(?:to|of|with|in|for|due|by|from|on|at)\b", re.I)


_WITH_CLAUSE = re.compile(r"\bwith\b(.*)", re.I)
_DUE_TO = re.compile(r"\bdue to\b(.*)", re.I)
_PURPOSE = re.compile(r"^Encounter for .+? for (.*)")


@lru_cache(maxsize=4096)
def _unspecified_child(category: str) -> str | None:
    """The unspecified (or uncomplicated) complete code under a category: the one that adds
    the fewest words to the category's own title (I50 -> I50.9, not I50.1)."""
    own = set(tokens(description(category)))
    found: list[tuple[int, int, str]] = []
    queue = list(icd.get_children(category))
    while queue:
        child = queue.pop(0)
        if not is_billable(child):
            queue += icd.get_children(child)
        elif _UNSPECIFIED.search(description(child)):
            title = description(child)
            extra = len(set(tokens(title)) - own - FREE - denied_words(title))
            found.append((extra, len(child), child))  # then the least specific
    return min(found)[2] if found else None
