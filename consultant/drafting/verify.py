"""Stage 2, verify the asker's codes: a proposed code that does not fit what the question
describes is corrected, first, with the distinction that decides it.

A correction needs evidence from the question, never only a better search score:
- a practitioner's visit level for a visit with clinical staff alone (99211);
- new vs established patient (the three-year rule) against a visit code of the other kind;
- minutes, age, size or count outside the range that defines the proposed code;
- a code deleted before the date of service, with the replacement our notes name;
- the words match a neighbour in the same family through one of our lay terms (an
  intrathecal pump refill described, 96522 proposed) while nothing matches the asker's code;
- a stand-alone code whose add-on counterpart is the one billed beside an E/M of the same
  day (psychotherapy 90834 with a medication-management visit: 90836);
- the asker lists the parts of a service the words describe whole, and NCCI makes each part
  column 2 under the whole's code by its definition (93016 + 93017 + 93018 for a stress test
  the practice did in full: 93015).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.search import tokens
from consultant.codes.sections import is_em
from consultant.drafting.arithmetic import COUNTED, computed_here
from consultant.drafting.calibrate import same_stem
from consultant.drafting.candidates import Selection, _is_drug, replacement_for
from consultant.drafting.drugs import JOINT_CODES
from consultant.matching.analyse import Analysis
from consultant.matching.contrast import contrast_of
from consultant.matching.guidance import title_guidance, without_guidance
from consultant.matching.services import Candidate
from consultant.models import CodeNote
from consultant.rules import components
from consultant.rules.em import DELETED_2023, deleted_visit

NEW_TO_ESTABLISHED = {
    "99202": "99212",
    "99203": "99213",
    "99204": "99214",
    "99205": "99215",
    "99381": "99391",
    "99382": "99392",
    "99383": "99393",
    "99384": "99394",
    "99385": "99395",
    "99386": "99396",
    "99387": "99397",
    "99341": "99347",
    "99342": "99348",
    "99344": "99349",
    "99345": "99350",
}
ESTABLISHED_TO_NEW = {v: k for k, v in NEW_TO_ESTABLISHED.items()}
_BOUNDS = (
    ("minutes", "minutes", "minutes"),
    ("ages", "age", "years of age"),
    ("cm", "size_cm", "cm"),
    ("count", "count", ""),
)
# First codes whose add-on counts the lesions beyond them (drafting.arithmetic).
# Counselling codes in the E/M range with minute bands of their own (smoking cessation
# 99406/99407, alcohol and substance 99408/99409, risk reduction 99401-99404, 99411/99412).
_COUNSELLING = re.compile(r"^994(?:0[1-9]|1[12])$")
_COUNTED_ON = frozenset(first for first, addon, per, _ in COUNTED if addon and per)
_REPLACEMENT = re.compile(r"\breport ([A-Z]?\d{4}[0-9A-Z])\b")


@dataclass(frozen=True)
class Correction:
    code: str  # the asker's code
    replacement: str | None
    reason: str

    @property
    def sentence(self) -> str:
        if self.replacement:
            return f"Report {self.replacement}, not {self.code}: {self.reason}."
        return f"{self.code} does not fit what you describe: {self.reason}."


def verify_named(
    session: Session, analysis: Analysis, selection: Selection, candidates: list[Candidate]
) -> list[Correction]:
    """Corrections for the asker's CPT/HCPCS codes, applied to ``selection`` (the wrong code
    becomes an alternative, the replacement a service in its place)."""
    corrections: list[Correction] = []
    proposed = [c for c in selection.named if c in analysis.codes]
    guided = _joint_code_by_guidance(analysis, proposed)
    whole = _complete_service(
        analysis,
        proposed,
        candidates,
        lambda codes: lookup.active_edits_between(session, codes, analysis.date_of_service),
        (guided, lookup.describe(session, guided)[1]) if guided and len(proposed) > 1 else None,
    )
    if whole is not None:
        corrections.append(whole)
        _apply_whole(selection, whole)
    # A deleted visit code the asker only mentions ("we used 99220") is corrected too: it is
    # in no current code set, so the search never names it.
    mentioned = [c for c in analysis.codes if deleted_visit(c) and c not in selection.named]
    for code in [c for c in selection.named if c in analysis.codes] + mentioned:
        correction = (
            _staff_only(analysis, code)
            or _with_visit(analysis, code)
            or _part_done(analysis, code)
            or _joint_guidance(analysis, code)
            or _patient_status(analysis, code)
            or _out_of_bounds(session, analysis, code, candidates)
            or _deleted(session, analysis, code)
            or (
                None
                if computed_here(analysis, code)  # the numbers decide (drafting.arithmetic)
                else _neighbour(session, analysis, code, candidates)
            )
        )
        if correction is not None:
            correction = _followed(session, analysis, correction)
            corrections.append(correction)
            _apply(selection, correction)
    return corrections


def _followed(session: Session, analysis: Analysis, correction: Correction) -> Correction:
    """A replacement that our notes replace in turn here (G0438 for a patient who has had
    an AWV is G0439) is followed to its end, the reasons joined."""
    reasons = [correction.reason]
    target = correction.replacement
    for _ in range(3):
        step = replacement_for(session, target, analysis) if target else None
        if step is None or step[0] in (correction.code, target):
            break
        target, why = step
        reasons.append(why.rstrip("."))
    if target == correction.replacement:
        return correction  # nothing followed: a neighbour stays a neighbour (calibration)
    return Correction(correction.code, target, "; ".join(reasons))


def _apply(selection: Selection, correction: Correction) -> None:
    services = []
    if correction.replacement and correction.code not in dict(selection.services):
        # The asker's code is the question's subject even when nothing else matched it.
        services.append((correction.replacement, 1.0))
    for code, score in selection.services:
        if code == correction.code:
            if correction.replacement:
                services.append((correction.replacement, 1.0))
            selection.alternatives.insert(0, (code, score))
        else:
            services.append((code, score))
    # Each code once, where it first stands: the replacement takes the asker's code's place,
    # ahead of the same code found lower by the search (a drug beside it must not lead).
    first = {c: s for c, s in reversed(services)}  # each code's score where it first stands
    selection.services = [(c, first.pop(c)) for c, _ in services if c in first]
    # A replacement billed is no longer a neighbour to rule out.
    selection.alternatives = [
        (c, s) for c, s in selection.alternatives if c != correction.replacement
    ]
    selection.named = [c for c in selection.named if c != correction.code]
    if correction.replacement:
        selection.named.append(correction.replacement)


# PTP rationales under which column 1 contains column 2 (not "Mutually exclusive procedures":
# neither of those contains the other).
_CONTAINS = {
    "HCPCS/CPT procedure code definition",
    "CPT Manual or CMS manual coding instruction",
    "More extensive procedure",
    "CPT Separate procedure definition",
    # Column 2 is done as part of column 1 by standard practice (a nail avulsion within the
    # matrixectomy of the same nail); the words must still describe column 1 whole.
    "Standards of medical/surgical practice",
}


@dataclass(frozen=True)
class Whole(Correction):
    """The asker's codes are parts of one service: ``replacement`` stands for all of them."""

    parts: tuple[str, ...] = ()
    evidence: tuple[lookup.Edit, ...] = ()  # the edits that make each part a part of it

    @property
    def sentence(self) -> str:
        return f"Report {self.replacement}, not {' + '.join(self.parts)}: {self.reason}."


def _complete_service(
    analysis: Analysis,
    proposed: list[str],
    candidates: list[Candidate],
    edits_between: Callable[[list[str]], list[lookup.Edit]],
    ruled: tuple[str, str] | None = None,
) -> Whole | None:
    """The service the words describe whole, when every code the asker proposes is a part of
    it: column 2 of an NCCI edit under it whose rationale is that it contains the part. The
    whole is the best match of the words, or the code a rule read from them (``ruled``,
    code and title: a joint injection by size and ultrasound guidance)."""
    if not proposed or not (candidates or ruled):
        return None
    if any(is_em(code) for code in proposed):
        # A visit is no part of a procedure's code: the NCCI edits between them bundle only
        # the usual pre- and post-procedure work, and a significant, separately identifiable
        # visit is billed beside the procedure with modifier 25.
        return None
    # A drug the words name is no whole of procedures (a steroid beside the injection
    # that gives it): the whole is the best match of the proposed codes' kind.
    weak = False
    if ruled is not None:
        code, title = ruled
    else:
        best = next((c for c in candidates if _is_drug(c.code) == _is_drug(proposed[0])), None)
        # The words must name the whole, unless the asker's several codes are its parts and
        # an edit between them denies one (93350 + 93015 under 93351): the edits are the
        # evidence then.
        weak = best is not None and not (best.phrase or best.cued)
        # ... and then only within their family (an EGD is no whole of a thyroid FNA).
        families = {c.family for c in candidates if c.code in proposed and c.family}
        if best is None or (weak and (len(proposed) < 2 or best.family not in families)):
            return None
        own = {c.code: c.score for c in candidates}
        if any(own.get(p, 0.0) * 1.2 > best.score for p in proposed):
            return None  # the words fit a code the asker proposed about as well
        code, title = best.code, best.title
    if code in proposed:
        return None
    found = edits_between([code, *proposed])
    evidence = tuple(e for e in found if e.column1 == code and e.column2 in proposed)
    if not set(proposed) <= {e.column2 for e in evidence if e.rationale in _CONTAINS}:
        return None
    # The edit between the asker's own parts is evidence too: it is what denies the second.
    between = tuple(e for e in found if e.column1 in proposed and e.column2 in proposed)
    if ruled is None and weak and not between:
        return None
    evidence += between
    parts = tuple(proposed)
    return Whole(
        parts[0],
        code,
        f"what you describe is {title.rstrip('.')}, one code that includes "
        f"{'each of ' if len(parts) > 1 else ''}{' and '.join(parts)} (an NCCI edit pairs them: "
        f"{'they are' if len(parts) > 1 else 'it is'} not billable separately)",
        parts,
        evidence,
    )


def _part_done(analysis: Analysis, code: str) -> Correction | None:
    """The complete service (or the other part) proposed when the practice did one part of
    it and another party the other: the part's own code (93000 -> 93005 when an outside
    cardiologist reads the tracing)."""
    right = components.part_code(code, analysis.part_done)
    if right is None or right == code:
        return None
    ours, theirs = (
        ("the tracing (the technical part)", "the interpretation and report")
        if analysis.part_done == components.TECHNICAL
        else ("the interpretation and report", "the tracing (the technical part)")
    )
    return Correction(
        code,
        right,
        f"your practice did only {ours}; {theirs} is billed by whoever did it, and {code} "
        "would claim both",
    )


def _joint_code_by_guidance(analysis: Analysis, proposed: list[str]) -> str | None:
    """The joint aspiration or injection code of the proposed code's joint size (or the
    joint the words name) with or without ultrasound guidance, as the question says the
    needle was guided; None when it does not say, or no joint code is proposed."""
    if analysis.ultrasound not in ("yes", "no"):
        return None
    size = next(
        (s for s, pair in JOINT_CODES.items() for c in proposed if c in pair), analysis.joint
    )
    if not size or not any(c in pair for pair in JOINT_CODES.values() for c in proposed):
        return None
    without, guided = JOINT_CODES[size]
    return guided if analysis.ultrasound == "yes" else without


def _joint_guidance(analysis: Analysis, code: str) -> Correction | None:
    """A joint code that says the opposite of the question about ultrasound guidance
    (20610 for an ultrasound-guided knee injection: 20611)."""
    right = _joint_code_by_guidance(analysis, [code])
    if right is None or right == code:
        return None
    said = "was" if analysis.ultrasound == "yes" else "was not"
    return Correction(
        code,
        right,
        f"the needle {said} guided by ultrasound, and {right} is the code for this joint size "
        f"{'with' if analysis.ultrasound == 'yes' else 'without'} ultrasound guidance "
        "(a saved image and a report of the guidance go with it)",
    )


def _apply_whole(selection: Selection, whole: Whole) -> None:
    parts = set(whole.parts)
    # The whole leads, once: the search may have found it too.
    services = [(c, s) for c, s in selection.services if c not in parts | {whole.replacement}]
    selection.services = [(whole.replacement or "", 1.0), *services]
    # The whole is billed: it is no longer a neighbour to rule out.
    others = [(c, s) for c, s in selection.alternatives if c != whole.replacement]
    selection.alternatives = [(c, 0.5) for c in whole.parts] + others
    selection.named = [c for c in selection.named if c not in parts]
    selection.named.append(whole.replacement or "")


@dataclass(frozen=True)
class Neighbour(Correction):
    """The replacement is the neighbour the words match best: chosen by the search's ranking,
    so its siblings are weighed as for any match (drafting.calibrate)."""


def chosen_by_words(corrections: list[Correction]) -> set[str]:
    """The replacements the question's words chose by their ranking (a neighbour), not a
    rule reading a fact (status, minutes, a deleted code) nor NCCI edits that make the
    asker's codes parts of one whole."""
    return {c.replacement for c in corrections if isinstance(c, Neighbour) and c.replacement}


_PRACTITIONER_LEVELS = ("99212", "99213", "99214", "99215")


def _staff_only(analysis: Analysis, code: str) -> Correction | None:
    """99212-99215 need the physician or NPP to see the patient; a visit with clinical staff
    alone (under direct supervision, established patient) is 99211."""
    if not analysis.staff_only or code not in _PRACTITIONER_LEVELS:
        return None
    return Correction(
        code,
        "99211",
        "the patient was seen by clinical staff alone; 99212-99215 need the physician or "
        "another qualified practitioner to see the patient, and 99211 (established patient, "
        "the practitioner supervising in the office suite) is the staff visit",
    )


# Psychotherapy alone and its add-on with an E/M the same day, by the same time bands
# (16-37, 38-52, 53 or more minutes): CPT's psychotherapy guidelines; NCCI pairs the
# stand-alone codes with every E/M at modifier indicator 0.
PSYCHOTHERAPY_WITH_VISIT = {"90832": "90833", "90834": "90836", "90837": "90838"}


def _with_visit(analysis: Analysis, code: str) -> Correction | None:
    """The stand-alone psychotherapy code proposed beside an E/M of the same day: the add-on
    for the same minutes is billed with the visit, whose level stands on its own MDM."""
    addon = PSYCHOTHERAPY_WITH_VISIT.get(code)
    if addon is None:
        return None
    if not (analysis.em_named or any(is_em(c) for c in analysis.codes)):
        return None
    return Correction(
        code,
        addon,
        f"with an E/M the same day psychotherapy is the add-on {addon} (same minutes), "
        f"billed with the visit; {code} is for psychotherapy alone, and NCCI never pays it "
        "beside an E/M (modifier indicator 0). The psychotherapy minutes do not count toward "
        "the visit, whose level stands on its decision making",
    )


def _patient_status(analysis: Analysis, code: str) -> Correction | None:
    if analysis.patient_status == "established" and code in NEW_TO_ESTABLISHED:
        return Correction(
            code,
            NEW_TO_ESTABLISHED[code],
            "the patient is established (seen within the past three years by your physician or "
            "another of the exact same specialty in the same group), and a new problem does not "
            "make a new patient",
        )
    if analysis.patient_status == "new" and code in ESTABLISHED_TO_NEW and analysis.other_specialty:
        return Correction(
            code,
            ESTABLISHED_TO_NEW[code],
            "the patient is new to this physician: the earlier services were by a physician of "
            "a different specialty, and only the same physician or one of the exact same "
            "specialty and subspecialty in the same group within three years makes a patient "
            "established (a shared group NPI or tax ID does not)",
        )
    if analysis.patient_status == "new" and code in ESTABLISHED_TO_NEW:
        return Correction(
            code,
            ESTABLISHED_TO_NEW[code],
            "the patient is new (no professional service within the past three years from your "
            "physician or another of the exact same specialty in the same group)",
        )
    return None


def _out_of_bounds(
    session: Session, analysis: Analysis, code: str, candidates: list[Candidate]
) -> Correction | None:
    if is_em(code) and not _COUNSELLING.match(code):
        return None  # E/M time is chosen by the visit stage, with prolonged services past the top
    note = lookup.note(session, code)
    extra = (note.extra or {}) if note else {}
    for key, attribute, unit in _BOUNDS:
        if key == "cm" and (analysis.procedures.lesion or analysis.procedures.wounds):
            continue  # the excised diameter or summed length decides (drafting.arithmetic)
        if key == "count" and code in _COUNTED_ON:
            continue  # the first code of a count its add-on continues (23 skin tags: 11200 + 11201)
        bounds, value = extra.get(key), getattr(analysis, attribute)
        if not bounds or value is None or bounds[0] <= value <= bounds[1]:
            continue
        fitting = next(
            (
                c.code
                for c in candidates
                if note is not None
                and c.family == note.family
                and c.code != code
                and (b := c.extra.get(key))
                and b[0] <= value <= b[1]
            ),
            None,
        ) or _related_within(session, note, key, value)
        if key == "count" and analysis.counted:
            unit = analysis.counted
        said = f"{value:g} {unit}".strip()
        other = lookup.note(session, fitting) if fitting else None
        its = (other.extra or {}).get(key) if other is not None else None
        # The replacement's own range beside the asker's: the reader sees where the line is.
        theirs = f", {fitting} for {_range(its, unit)}" if its else ""
        return Correction(
            code,
            fitting,
            f"{code} is for {_range(bounds, unit)}{theirs}, and the question says {said}",
        )
    return None


def _range(bounds: list[float], unit: str) -> str:
    """ "1 view", "2 or more views", "3-4 regions": a code's range as a coder says it."""
    low, high = bounds
    if low == high == 1 and unit.endswith("s"):
        unit = re.sub(r"(?<=ss)es$|(?<=[^s])s$", "", re.sub(r"ies$", "y", unit))
    if low == high:
        return f"{low:g} {unit}".strip()
    said = f"{low:g} or more" if high >= 99 else f"{low:g}-{high:g}"
    return f"{said} {unit}".strip()


def _related_within(session: Session, note: CodeNote | None, key: str, value: float) -> str | None:
    """A code our notes relate to the asker's whose range holds the value (17111 for 20
    warts beside 17110), when the search did not bring it up."""
    for code in note.related if note is not None else []:
        other = lookup.note(session, code)
        bounds = (other.extra or {}).get(key) if other is not None else None
        if bounds and bounds[0] <= value <= bounds[1]:
            return code
    return None


def _deleted(session: Session, analysis: Analysis, code: str) -> Correction | None:
    visit = deleted_visit(code)
    if visit is not None and (analysis.date_of_service or date.today()) >= DELETED_2023:
        return Correction(code, visit[0], visit[1])
    ended = lookup.termination_date(session, code)
    if ended is None or ended >= (analysis.date_of_service or date.today()):
        return None
    note = lookup.note(session, code)
    replacement = next(
        (m.group(1) for d in (note.distinctions if note else []) if (m := _REPLACEMENT.search(d))),
        None,
    )
    reason = f"{code} was deleted effective {ended.isoformat()}"
    if replacement is None:
        # A drug's code deleted for a code of the same drug at another dose: the descriptors
        # say so, whatever our notes cover. Only one such code is a replacement; two (two
        # routes, two products) need the reader's choice.
        same = lookup.same_drug_in_force(session, code, analysis.date_of_service)
        if len(same) == 1:
            replacement = same[0]
            reason += (
                f"; the same drug is reported with {replacement} "
                f"({lookup.describe(session, replacement, 'HCPCS')[1]}), its units counted "
                "from the dose given"
            )
    return Correction(code, replacement, reason)


def _family(session: Session, code: str) -> str:
    note = lookup.note(session, code)
    return note.family if note is not None else ""


def _is_supply(code: str) -> bool:
    """A HCPCS supply: casting and splinting materials (Q4001-Q4051), medical and surgical
    supplies (A), durable medical equipment (E), orthotics and prosthetics (L), K codes."""
    return code[:1] in "AEKL" or code[:3] == "Q40"


# Words two sibling titles may differ by that say nothing of how the service was done.
_NOT_A_METHOD = frozenset(
    tokens(
        "unilateral bilateral each first additional single code less more than over under "
        "minutes hours views lesions centimeters square inches"
    )
)


def title_decides(own: str, other: str, words: tuple[str, ...]) -> bool:
    """Two titles of one service ("Removal of impacted cerumen ...") that differ by how it
    was done ("by irrigation or lavage" / "requiring instruments"): the question's words say
    the other's way and not the asker's code's."""
    if not same_stem(own, other) or _LEVELS.search(own):
        return False
    mine, theirs = _method_words(own), _method_words(other)
    said = set(tokens(" ".join(words)))
    return _says(theirs - mine, said) and not _says(mine - theirs, said)


def _fact_decides(own: str, other: str, wanted: str, said_by: Callable[[str], str]) -> bool:
    """Sibling titles that differ by a fact the analysis read ("with" / "without" contrast or
    imaging guidance, ``said_by`` reading it from a title), and the question says the other's
    (``wanted``: "oral contrast only, no IV contrast" is without)."""
    mine, theirs = said_by(own.lower()), said_by(other.lower())
    return bool(wanted) and theirs == wanted and mine not in ("", wanted)


def _contrast_decides(own: str, other: str, wanted: str) -> bool:
    """Imaging siblings of one stem that differ by contrast, the question saying the other's."""
    return _fact_decides(own, other, wanted, contrast_of) and same_stem(own, other)


def _guidance_decides(own: str, other: str, wanted: str) -> bool:
    """Siblings of one service that differ by imaging guidance, the question saying the
    other's (thoracentesis without it, with it)."""
    return _fact_decides(own, other, wanted, title_guidance) and _one_service(own, other)


def _one_service(own: str, other: str) -> bool:
    """Two titles of one service apart from their guidance: one title's other words are all
    in the other's ("Thoracentesis, needle or catheter" and "Thoracentesis"), which keeps a
    cervical epidural from standing in for a lumbar one."""
    a, b = (set(tokens(without_guidance(t))) for t in (own, other))
    return bool(a and b) and (a <= b or b <= a) and tokens(own)[0] == tokens(other)[0]


def _method_words(title: str) -> set[str]:
    """A title's words that can say how a service was done: not its sizes, counts and
    minutes, which the arithmetic and the bounds decide (drafting.arithmetic, _out_of_bounds)."""
    return {t for t in tokens(title) if t.isalpha() and len(t) >= 4 and t not in _NOT_A_METHOD}


def _says(title_words: set[str], said: set[str]) -> bool:
    """A word of the title is said, as written or in another form of it ("irrigated",
    "irrigation": one stem the stemmer leaves apart)."""
    return any(
        t == w or (min(len(t), len(w)) >= 7 and t[:7] == w[:7]) for t in title_words for w in said
    )


# Visit levels differ by their decision making or time, which the visit stage derives
# (drafting.visits): a word such as "moderate" in the question is not the level.
_LEVELS = re.compile(r"\bmedical decision making\b|\bminutes\b", re.I)


def _neighbour(
    session: Session, analysis: Analysis, code: str, candidates: list[Candidate]
) -> Correction | None:
    """The question's words name a neighbour of the asker's code through one of our lay terms,
    and nothing in them names the asker's code."""
    note = lookup.note(session, code)
    if note is None or not note.family or not candidates:
        return None
    # A drug never stands in for a procedure, nor a procedure for a drug: our notes file the
    # joint injection and the steroid injected in one family. Nor does a supply stand in for
    # the service it goes with (the cast's materials for the cast's application).
    best = next(
        (
            c
            for c in candidates
            if _is_drug(c.code) == _is_drug(code) and _is_supply(c.code) == _is_supply(code)
        ),
        None,
    )
    if best is None or best.code == code:
        return None
    # Contrast and guidance are facts the analysis read: the asker's code says the opposite.
    by_fact = _contrast_decides(note.title, best.title, analysis.contrast) or _guidance_decides(
        note.title, best.title, analysis.guidance
    )
    decided = by_fact or title_decides(note.title, best.title, analysis.words)
    if not best.phrase and not decided:
        return None
    own = next((c for c in candidates if c.code == code), None)
    # Offered a choice of two codes ("96521 or 96522?") that the words name neither of, a
    # service they name in full is the answer, whatever family our notes file it in.
    chosen_instead = (
        analysis.question_type == "compare"
        and not is_em(code)  # a visit's level is the visit stage's (drafting.visits)
        and len(best.matched) >= 2
        and (own is None or not own.phrase)
    )
    if best.family != note.family and not chosen_instead:
        return None
    described = analysis.em.elements >= 2 or analysis.em.total_minutes is not None
    if is_em(code) and is_em(best.code) and (described or analysis.level):
        return None  # the level is the visit stage's, from the MDM or time the question gives
    if best.code in analysis.codes:
        return None  # the asker names both: a question of billing them together
    primaries = lambda c: lookup.addon_primaries(session, c, analysis.date_of_service)  # noqa: E731
    if analysis.question_type != "compare" and any(
        c != code
        and _family(session, c) == note.family
        # A first code and its add-on ("17000 + 17003 x11") are one service, not a pair,
        # when the words describe neither of them but another service.
        and not (own is None and (code in primaries(c) or c in primaries(code)))
        for c in analysis.codes
    ):
        return None  # two of the asker's codes from one family: the question is the pair
    if own is not None and own.phrase and own.score >= best.score * 0.8 and not by_fact:
        return None
    # Outside a "which is right" question, only a distinction our notes draw between the two
    # codes (or a cue that fits the neighbour) is evidence enough to correct the asker.
    drawn = decided or any(best.code in d for d in note.distinctions)
    if analysis.question_type != "compare" and not best.cued and not drawn:
        return None
    return Neighbour(code, best.code, f"what you describe is {best.title.rstrip('.')}")
