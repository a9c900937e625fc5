"""Stage 1, candidates: the services to bill and the neighbours a reviewer may prefer.

From the codes the asker wrote and the services their words describe (ranked by
consultant.matching.services); each code once, in the order a coder would list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.search import tokens
from consultant.codes.sections import is_em
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate
from consultant.models import CodeNote
from consultant.rules.lab_panels import panels_in

ALTERNATIVES = 2

Scored = tuple[str, float]


@dataclass
class Selection:
    """What stage 1 chose; later stages move codes between its lists."""

    named: list[str]  # codes the asker wrote that exist in a loaded code set
    services: list[Scored]
    alternatives: list[Scored]
    system_of: dict[str, str]
    advice: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)  # units a rule computed per code
    by_rule: set[str] = field(default_factory=set)  # codes a payer rule put in (Medicare's)
    worked: dict[str, list[str]] = field(default_factory=dict)  # the arithmetic, per code
    titles: dict[str, str] = field(default_factory=dict)  # the found codes' titles

    def add_service(self, code: str, score: float, worked: list[str] | None = None) -> None:
        if code not in [c for c, _ in self.services]:
            self.services.append((code, score))
        if worked:
            self.worked.setdefault(code, []).extend(worked)

    def demote(self, *codes: str, score: float = 0.5) -> None:
        """``codes`` are no longer billed: they lead the alternatives, in their order, for the
        reviewer to see."""
        self.services = [(c, s) for c, s in self.services if c not in codes]
        self.alternatives[:0] = [(c, score) for c in codes]

    def replace_service(self, old: str, new: str, worked: list[str]) -> None:
        """``new`` takes ``old``'s place; ``old`` is kept as an alternative."""
        replaced = [(new if c == old else c, s) for c, s in self.services]
        self.services = list(dict(reversed(replaced)).items())[::-1]  # each code once, first place
        if old != new:
            self.alternatives.insert(0, (old, 0.5))
        self.worked.setdefault(new, []).extend(worked)


def select_codes(session: Session, analysis: Analysis, candidates: list[Candidate]) -> Selection:
    named = [c for c in analysis.codes if _known(session, c) or c in analysis.written_codes]
    named += [c for c in analysis.icd_codes if _known(session, c)]
    # Each code is described from its own system: what the asker wrote as a diagnosis, or
    # the system the candidate was found in.
    system_of = {c.code: c.system for c in candidates}
    system_of.update({c: "ICD-10-CM" for c in analysis.icd_codes})
    # Tests the visit reviewed or ordered are data for its MDM, and a surgery the patient is
    # recovering from is the global period's context: neither is a service to bill today.
    data_words = set(tokens(" ".join(analysis.em.data_terms)))
    earlier = set(tokens(" ".join(analysis.prior_procedures)))
    performed = [
        c
        for c in candidates
        if not (c.matched and (set(c.matched) <= data_words or set(c.matched) <= earlier))
    ]
    services, alternatives = _choose(named, _family_of(session, named), performed)
    selection = Selection(named, services, alternatives, system_of)
    selection.titles = {c.code: c.title for c in candidates}
    for code in named:
        note = lookup.note(session, code)
        if note is not None:
            selection.titles[code] = note.title
    if not named:
        # A specimen collected here is for tests done here, whatever the visit ordered.
        _tests_with_collection(selection, candidates, analysis)
    _more_extensive(session, selection, performed, analysis)
    _substitute(session, selection, analysis)
    _companions(session, selection, analysis)
    _dedupe(selection)
    _both_sides_once(session, selection, analysis)
    visit = _separate_visit(analysis, selection.services)
    if visit is not None:
        selection.services.append((visit, 0.8))
        if not analysis.level:
            selection.warnings.append(
                "The visit level is not in the question: choose it from the documented medical "
                f"decision making or total time; {visit} is shown so its edits can be checked."
            )
    return selection


def _both_sides_once(session: Session, selection: Selection, analysis: Analysis) -> None:
    """A service done on both sides whose code already covers one or both (the fee
    schedule's bilateral indicator 2: an OCT of both eyes) is one unit, without modifier 50."""
    if not analysis.bilateral:
        return
    for code, _ in selection.services:
        rvus = lookup.rvus(session, code, analysis.date_of_service)
        if rvus is not None and rvus.bilateral == "2" and code not in selection.units:
            selection.units[code] = 1
            selection.worked.setdefault(code, []).append(
                f"both sides: {code} is priced for one or both (bilateral indicator 2), so 1 "
                "unit, without modifier 50"
            )


def _dedupe(selection: Selection) -> None:
    """Each code once, first place kept; a service is never also an alternative."""
    selection.services = list(dict(reversed(selection.services)).items())[::-1]
    taken = {code for code, _ in selection.services}
    selection.alternatives = [
        (c, sc) for c, sc in dict(reversed(selection.alternatives)).items() if c not in taken
    ][::-1]


def _choose(
    named: list[str], named_families: dict[str, str], candidates: list[Candidate]
) -> tuple[list[Scored], list[Scored]]:
    """Services to bill (the asker's codes, then each service their words describe) and the
    neighbours worth ruling out."""
    services: list[Scored] = [(c, 1.0) for c in named]
    fresh = [c for c in candidates if c.code not in named]
    if not fresh:
        return services, []
    top = fresh[0].score or 1.0
    chosen: list[Candidate] = [] if named else [_first(fresh)]
    for cand in fresh:
        if cand in chosen or not cand.phrase or not cand.family:
            continue
        # Another service described in the same question: a family not yet covered, and
        # words of the question that the services chosen so far do not account for.
        # A drug and the procedure that gives it are two services even when our notes file
        # them in one family (triamcinolone beside the joint injection).
        covered = {(f, _is_drug(c)) for c, f in named_families.items()}
        covered |= {(c.family, _is_drug(c.code)) for c in chosen}
        fresh_family = (cand.family, _is_drug(cand.code)) not in covered
        distinct = not fresh_family and _distinct_service(cand, chosen)
        if cand.score < top * (DISTINCT_SHARE if distinct else 0.5):
            continue
        explained: set[str] = set()
        for done in chosen:
            explained |= set(tokens(done.title)) | done.matched
        if (fresh_family or distinct) and cand.matched - explained:
            chosen.append(cand)
    services += [(c.code, c.score / top) for c in chosen]
    taken = {code for code, _ in services}
    lead = {c.family for c in candidates if c.code in taken and c.family}
    lead |= set(named_families.values())
    # Neighbours worth ruling out: the same family as what we chose, and close in score.
    alternatives = [
        (c.code, c.score / top)
        for c in fresh
        if c.code not in taken
        and c.score >= top * 0.5
        and (c.family in lead if c.family else not lead)
    ]
    return services, alternatives[:ALTERNATIVES]


# How close a code named by a lay term must score to an unnamed leader to lead instead.
NEAR_TIE = 0.95


def _first(candidates: list[Candidate]) -> Candidate:
    """The service the words describe first. A visit matched only by the words of its level
    ("decision making moderate") is not it when a lay term close behind names another service
    that has levels of its own (a physical therapy evaluation of moderate complexity)."""
    # A drug is billed by its name: one whose words the question never says ("Privigen 30
    # grams IV" found acetaminophen IV by the route) is not the service described.
    unnamed_drug = lambda c: _is_drug(c.code) and not c.matched  # noqa: E731
    candidates = [c for c in candidates if not unnamed_drug(c)] or candidates
    best = candidates[0]
    if best.phrase:
        return best
    # A near tie goes to the code a lay term of the question names, in the same family (the
    # screening pelvic exam "pelvic and breast exam" over the Pap collection whose title
    # shares those words).
    named = next(
        (
            c
            for c in candidates
            if c.phrase and c.family == best.family and c.score >= best.score * NEAR_TIE
        ),
        None,
    )
    if named is not None:
        return named
    if not is_em(best.code):
        return best
    return next(
        (
            c
            for c in candidates
            if c.phrase
            and not is_em(c.code)
            and len(c.matched) >= 2
            and c.score >= best.score * 0.6
        ),
        best,
    )


# A second service of the family already chosen, named by its own lay term, may trail the
# first by more than a neighbour may (a bladder scan scores far above the cystoscopy beside it).
DISTINCT_SHARE = 0.35


def _distinct_service(cand: Candidate, chosen: list[Candidate]) -> bool:
    """``cand`` is a service of its own beside those chosen, even in their family: its lay
    term brings two words or one long word ("OCT macula", "cystourethroscopy", "collected a
    pap") that the chosen services' titles and lay terms do not account for, and more of
    them than it shares (OCT beside the eye exam, the Pap collection beside the screening
    pelvic exam). Visits are chosen by the visit stage."""
    if not chosen or is_em(cand.code):
        return False
    known: set[str] = set()
    for done in chosen:
        known |= done.matched | set(tokens(done.title))
    new = cand.matched - known
    if len(new) < 2 and not any(len(w) >= 8 for w in new):
        return False
    return len(new) > len(cand.matched & known) or cand.phrase


# Collecting the specimen (venipuncture, a draw from a port or catheter, a finger stick):
# billed beside the test it is for, which leads unless the asker named the collection.
SPECIMEN_COLLECTION = {"36415", "36416", "36591", "36592", "G0471"}


def collection_after_tests(selection: Selection) -> None:
    codes = [c for c, _ in selection.services]
    if not codes or codes[0] not in SPECIMEN_COLLECTION or codes[0] in selection.named:
        return
    if any(c.isdigit() and "80000" <= c <= "89398" for c in codes):
        selection.services.sort(key=lambda item: item[0] in SPECIMEN_COLLECTION)


def lab_panels(selection: Selection) -> list[str]:
    """Tests that make up a whole panel are billed as the panel (rules.lab_panels), in the
    first test's place; the sentence that says so for each."""
    said = []
    for panel in panels_in([c for c, _ in selection.services]):
        codes = [c for c, _ in selection.services]
        at = codes.index(panel.parts[0])
        selection.services = [(c, s) for c, s in selection.services if c not in panel.parts]
        selection.services.insert(at, (panel.code, 1.0))
        selection.alternatives = [(c, s) for c, s in selection.alternatives if c != panel.code]
        selection.named = [c for c in selection.named if c not in panel.parts]
        said.append(f"Report {panel.code}, not {', '.join(panel.parts)}: {panel.reason}.")
    return said


def procedure_first(selection: Selection, analysis: Analysis) -> None:
    """The procedure that gives a drug leads the drug it gives (a wrist injection with
    Kenalog: 20605, then J3301), however close the search scored them; a drug the asker
    named, or a question that asks for the drug's code or units, keeps the drug first.
    Run once the drug's administration or procedure is in place (drafting.drugs)."""
    from consultant.drafting.drugs import is_administration, procedure_leads  # drugs uses us

    services, named = selection.services, selection.named
    if not services or not _is_drug(services[0][0]) or services[0][0] in named:
        return
    procedures = [
        c for c, _ in services if c[:1].isdigit() and not is_administration(c) and not is_em(c)
    ]
    procedure_leads(selection, analysis, procedures)


# Collecting the specimen: a venipuncture, a capillary stick, a draw from a port or catheter.
COLLECTION = frozenset(["36415", "36416", "36591", "36592"])
# Words saying blood was collected for the tests ("drawn", "draw", "venipuncture").
_COLLECTED = ("draw", "venipuncture", "phlebotomy", "blood collect")
# The most lab tests one question is taken to describe as separate services.
_MOST_TESTS = 3


def _is_lab_test(cand: Candidate) -> bool:
    """A pathology and laboratory test (CPT 80047-89398) the words name by a lay term."""
    return cand.phrase and cand.code[:1] == "8" and cand.code.isdigit()


def _tests_with_collection(
    selection: Selection, candidates: list[Candidate], analysis: Analysis
) -> None:
    """Lab tests and the blood draw for them are companions, and the tests lead: the draw is
    billed beside them (36415 once per encounter), never in their place, however the search
    scored "same draw" against "CMP and BMP"."""
    chosen = [code for code, _ in selection.services]
    tests = [c for c in candidates if _is_lab_test(c)]
    if not tests:
        return
    best = max(c.score for c in tests)
    tests = [c for c in tests if c.score >= best * 0.5][:_MOST_TESTS]
    if chosen and chosen[0] in COLLECTION:
        lead = [(c.code, 1.0) for c in tests if c.code not in chosen]
        selection.services[:0] = lead
        taken = {code for code, _ in lead}
        selection.alternatives = [(c, s) for c, s in selection.alternatives if c not in taken]
    elif chosen and chosen[0] in {c.code for c in tests}:
        collected = any(analysis.mentions(w) for w in _COLLECTED)
        if collected and not COLLECTION & set(chosen):
            selection.add_service("36415", 0.6)


def _is_drug(code: str) -> bool:
    """A HCPCS drug code (J codes: drugs given other than by mouth)."""
    return code[:1] == "J"


_LEVEL_CODES = {
    "established": {
        "straightforward": "99212",
        "low": "99213",
        "moderate": "99214",
        "high": "99215",
    },
    "new": {"straightforward": "99202", "low": "99203", "moderate": "99204", "high": "99205"},
}


def _separate_visit(analysis: Analysis, services: list[Scored]) -> str | None:
    """An office E/M the question describes beside a procedure ("the doctor saw him for a
    new rash"), at the level it states, else the usual level as a stand-in. The patient is
    established unless the question says new: a new problem is not a new patient."""
    if not services or not analysis.separate_visit:
        return None
    if any(is_em(code) for code, _ in services):
        return None
    status = "new" if analysis.patient_status == "new" else "established"
    return _LEVEL_CODES[status].get(analysis.level or "low", _LEVEL_CODES[status]["low"])


def _family_of(session: Session, codes: list[str]) -> dict[str, str]:
    notes = {code: lookup.note(session, code) for code in codes}
    return {code: note.family for code, note in notes.items() if note is not None and note.family}


# PTP rationales under which column 1 is the wider service that includes column 2.
_WIDER = {
    "More extensive procedure",
    "CPT Separate procedure definition",
    "HCPCS/CPT procedure code definition",
}  # not "Mutually exclusive procedures": neither of those includes the other
# Under this rationale column 1 includes column 2 only when no modifier may separate them
# (a comprehensive panel and the basic panel within it: 80053 over 80048).
_INSTRUCTED = "CPT Manual or CMS manual coding instruction"


def _instructed(edit: lookup.Edit, chosen: set[str]) -> bool:
    """Both codes of an edit under a coding instruction are services the words describe,
    and no modifier lets them be paid together: column 1 holds column 2 (80053 over 80048).
    A code only found near the question (a PICC insertion beside a draw from the PICC) is not
    a service that takes another in."""
    return (
        edit.rationale == _INSTRUCTED
        and edit.modifier_indicator == "0"
        and {edit.column1, edit.column2} <= chosen
    )


def _more_extensive(
    session: Session, selection: Selection, candidates: list[Candidate], analysis: Analysis
) -> None:
    """When the words describe two services of one family and NCCI makes one the wider
    (a colonoscopy that became a polypectomy: 45385 over 45378), the wider
    one is the service, the narrower one an alternative; the asker's own codes stay."""
    described = {c.code: c for c in candidates if c.phrase}
    chosen = {code for code, _ in selection.services}
    for i, (code, score) in enumerate(selection.services):
        own = described.get(code)
        if own is None or code in selection.named:
            continue
        rivals = [c.code for c in described.values() if c.family == own.family and c.code != code]
        edits = lookup.active_edits_between(session, [code, *rivals], analysis.date_of_service)
        # The wider service must be carried by words the chosen one does not explain
        # ("polypectomy"), not only by the words they share (an EKG read is not an EKG).
        wider = next(
            (
                e.column1
                for e in edits
                if e.column2 == code
                and (e.rationale in _WIDER or _instructed(e, chosen))
                and described[e.column1].matched - own.matched
                # A wider service already billed takes the narrower in only where no
                # modifier may separate them (two polyps removed two ways stay two).
                and (e.column1 not in chosen or e.modifier_indicator == "0")
            ),
            None,
        )
        if wider is not None:
            selection.advice.append(
                f"{code} is included in {wider} (NCCI edit, column 1 {wider}): report {wider}, "
                f"not both."
            )
            selection.services[i] = (wider, score)
            selection.alternatives = [(c, s) for c, s in selection.alternatives if c != wider]
            selection.alternatives.insert(0, (code, score))
            chosen.add(wider)


def _substitute(session: Session, selection: Selection, analysis: Analysis) -> None:
    """Codes our notes say are replaced here, followed until none applies: by the words, for
    any payer (an IM injection code for a vaccine; the initial wellness visit for a patient
    who has had one), and Medicare's own codes where it wants them (G-codes, office visits
    for consults). A replaced code becomes an alternative, with the reason in the advice."""
    out: list[Scored] = []
    for code, score in selection.services:
        for _ in range(3):  # 96372 -> 90471 (a vaccine) -> G0008 (Medicare, influenza)
            note = lookup.note(session, code)
            medicare_note = ((note.extra or {}) if note else {}).get("medicare_note")
            if analysis.payer == "Medicare" and medicare_note:
                selection.advice.append(medicare_note)
            step = replacement_for(session, code, analysis)
            if step is None:
                break
            target, why = step
            selection.by_rule.add(target)
            selection.alternatives.insert(0, (code, score))
            selection.advice.append(why)
            code = target
        out.append((code, score))
    selection.services = out


def _companions(session: Session, selection: Selection, analysis: Analysis) -> None:
    """Codes our notes say go beside a service when the words name their part (Medicare's
    screening pelvic exam G0101 and, when a Pap smear was collected, Q0091): billed after it."""
    for code, score in list(selection.services):
        note = lookup.note(session, code)
        by_word = ((note.extra or {}) if note else {}).get("with_by_word", {})
        for word, companion in by_word.items():
            if _affirmed(analysis, word) and companion not in dict(selection.services):
                selection.add_service(companion, score)
                selection.alternatives = [
                    (c, s) for c, s in selection.alternatives if c != companion
                ]


def replacement_for(session: Session, code: str, analysis: Analysis) -> tuple[str, str] | None:
    """The code our notes put in place of ``code`` in this situation, and why, or None."""
    note = lookup.note(session, code)
    extra = (note.extra or {}) if note else {}
    by_word = extra.get("instead_by_word", {})
    word = next((w for w in by_word if _affirmed(analysis, w)), None)
    if word is not None:
        target = by_word[word]
        reason = _reason_about(note, target)
        return target, f"{code} is not the code for this ({word}): report {target}." + (
            f" {reason}" if reason else ""
        )
    if analysis.payer != "Medicare":
        return None
    medicare_words = extra.get("medicare_by_word", {})
    word = next((w for w in medicare_words if _affirmed(analysis, w)), None)
    target = medicare_words[word] if word is not None else extra.get("medicare")
    if not target:
        return None
    why = _reason_about(note, target)  # our note's reason, where it names the code
    step, reason = _medicare_step(code, target)
    return step, f"{reason} {why}" if why else reason


def _reason_about(note: CodeNote | None, target: str) -> str:
    """The distinction of our note that is about ``target``: of those naming it, the one
    naming it earliest; "" when none does."""
    about = [d for d in (note.distinctions if note else []) if target in d]
    return min(about, key=lambda d: d.index(target), default="")


def _affirmed(analysis: Analysis, phrase: str) -> bool:
    """The question uses the phrase, and not in a negated scope ("not the AWV")."""
    if phrase.split()[0] in ("never", "no", "not", "without"):
        return analysis.mentions(phrase)  # the phrase is itself the denial ("never had")
    negated = set(analysis.negated)
    return analysis.mentions(phrase) and not any(w in negated for w in phrase.split())


def _medicare_step(code: str, target: str) -> tuple[str, str]:
    return target, f"Medicare does not accept {code} here: report {target} instead."


def _known(session: Session, code: str) -> bool:
    return lookup.is_known(session, code)
