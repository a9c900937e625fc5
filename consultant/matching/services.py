"""The services a question describes in words, ranked; neighbours told apart by the cues a
coder uses (minutes, age, size, count, level of decision making, "additional", "only")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.search import Hit, search, tokens
from consultant.matching.analyse import Analysis
from consultant.matching.contrast import contrast_of
from consultant.matching.senses import without_other_senses

CANDIDATES = 12
# Searched before the cues reorder them: a family of ties (fourteen preventive visits with
# one lay term) must not lose the neighbour the cues would choose to the cut.
SEARCHED = 24
LEVEL_WORDS = ("straightforward", "low", "moderate", "high")


@dataclass
class Candidate:
    code: str
    system: str
    title: str
    score: float
    phrase: bool
    matched: frozenset[str] = frozenset()
    family: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    cued: bool = False  # a cue of the question (minutes, age, size, level...) fits it
    sites: frozenset[str] = frozenset()  # body sites its title and lay terms name


# Body sites, by the words that name them: a joint injection into the knee is not the code
# whose lay terms are the wrist's. Each site is a feature the question and a code share or not.
SITES: dict[str, str] = {
    "knee": "knee",
    "knees": "knee",
    "shoulder": "shoulder",
    "shoulders": "shoulder",
    "glenohumeral": "shoulder",
    "subacromial": "shoulder",
    "hip": "hip",
    "hips": "hip",
    "wrist": "wrist",
    "wrists": "wrist",
    "elbow": "elbow",
    "elbows": "elbow",
    "ankle": "ankle",
    "ankles": "ankle",
    "finger": "finger",
    "fingers": "finger",
    "knuckle": "finger",
    "pip": "finger",
    "dip": "finger",
    "thumb": "finger",
    "toe": "toe",
    "toes": "toe",
    "mtp": "toe",
    "spine": "spine",
    "lumbar": "spine",
    "cervical": "spine",
    "thoracic": "spine",
    "eye": "eye",
    "eyelid": "eye",
    "cornea": "eye",
    "corneal": "eye",
    "ear": "ear",
    "ears": "ear",
    # Imaging regions: a CT of the head is not the abdomen and pelvis code.
    "head": "head",
    "brain": "head",
    "abdomen": "abdomen",
    "abdominal": "abdomen",
    "pelvis": "pelvis",
    "pelvic": "pelvis",
}


def sites_of(text: str) -> frozenset[str]:
    """The body sites the words name."""
    return frozenset(SITES[w] for w in re.findall(r"[a-z]+", text.lower()) if w in SITES)


def described_candidates(
    session: Session, analysis: Analysis, systems: tuple[str, ...]
) -> list[Candidate]:
    """Candidates for what the question describes, best first, after the neighbour rules."""
    # An abbreviation read in another sense ("4 mg IVP" is the route) finds no service.
    text = without_other_senses(analysis.text, services=True)
    query = _expanded(_without_negated(_without_codes(text), analysis.negated))
    hits = search(session, query, limit=SEARCHED, systems=systems)
    if not hits:
        return []
    candidates = [_candidate(session, hit) for hit in hits]
    lead = leading_family(candidates)
    for cand in candidates:
        _adjust(cand, analysis, query.lower(), cand.family == lead)
    return sorted(candidates, key=lambda c: (-c.score, c.code))[:CANDIDATES]


def leading_family(candidates: list[Candidate]) -> str:
    """The family the question is about: the best match carried by a lay term, if it is
    close to the best overall; else the best overall."""
    top = max(c.score for c in candidates)
    phrased = [c for c in candidates if c.phrase and c.score >= top * 0.6]
    best = max(phrased or candidates, key=lambda c: c.score)
    return best.family


def coverage(candidate: Candidate, query: str) -> float:
    """How well the candidate's title and the question's words cover each other."""
    wanted, title = set(tokens(_without_codes(query))), set(tokens(candidate.title))
    if not wanted or not title:
        return 0.0
    shared = len(wanted & title)
    return max(shared / len(wanted), shared / len(title))


def _candidate(session: Session, hit: Hit) -> Candidate:
    note = lookup.note(session, hit.code)
    cand = Candidate(hit.code, hit.system, hit.title, hit.score, hit.phrase, hit.matched)
    if note is not None:
        cand.family, cand.extra = note.family, dict(note.extra or {})
        cand.sites = sites_of(" ".join([note.title, *note.synonyms]))
    else:
        cand.sites = sites_of(hit.title)
    if hit.system == "ICD-10-CM":
        status = lookup.record_status(session, "ICD-10-CM", hit.code)
        cand.extra["billable"] = status == "billable"
    return cand


# A shave said to be a biopsy: "shave bx", "shave (tangential) biopsy", "biopsy by shave".
_SHAVE_BIOPSY = re.compile(
    r"\bshav\w*\W+(?:\(?tangential\)?\W+)?(?:biops|bx\b)|\b(?:biops\w*|bx)\W+(?:by|via) shav"
)


def _adjust(cand: Candidate, analysis: Analysis, query: str, in_lead: bool) -> None:
    """Move a candidate up or down by the cues that separate it from its neighbours.

    Minutes, age, size, count and level choose within the family the question is about
    (sixty minutes of infusion must not promote a 60-minute office visit)."""
    # Relative to the candidate itself, so a cue reorders neighbours without lifting a
    # far-off code over the right family.
    step = cand.score * 0.35
    title = cand.title.lower()
    for cue, key, label in (
        (analysis.minutes, "minutes", "minutes"),
        (analysis.age, "ages", "age"),
        (analysis.size_cm, "cm", "size"),
        (analysis.count, "count", "count"),
    ):
        bounds = cand.extra.get(key)
        if cue is None or not bounds or not in_lead:
            continue
        inside = bounds[0] <= cue <= bounds[1]
        cand.score += step if inside else -step
        cand.cued = cand.cued or inside
        cand.reasons.append(
            f"{label} {cue} {'within' if inside else 'outside'} {bounds[0]}-{bounds[1]}"
        )
    if analysis.level and in_lead:
        levels = [w for w in LEVEL_WORDS if re.search(rf"\b{w}\b", title)]
        if levels:
            cand.score += step if analysis.level in levels else -step
            cand.cued = cand.cued or analysis.level in levels
    # New or established, where the code's title says which (preventive visits): a patient
    # is established unless the question says new, as for office visits.
    status = re.search(r"\b(new|established) patient\b", title)
    if status and in_lead:
        wanted = analysis.patient_status or "established"
        fits = status.group(1) == wanted
        # A tie-breaker among neighbours that only lowers the one that does not fit: the
        # visit's own level is chosen in drafting.visits, and the leader's score sets how far
        # another service described beside it may trail.
        if not fits:
            cand.score -= step * 0.3
        cand.cued = cand.cued or (fits and bool(analysis.patient_status))
    add_on = "each additional" in title or title.startswith("additional") or "(add-on)" in title
    if add_on and not analysis.additional:
        cand.score -= step * 0.5
    elif add_on and analysis.additional:
        cand.score += step * 0.5
        cand.cued = True
    if title.startswith("shaving") and _SHAVE_BIOPSY.search(query):
        # A shave done to get tissue for diagnosis is a tangential biopsy (11102, 11103),
        # not a shave removal (11300-11313), however many of its words the question shares.
        cand.score -= step * 2
    needs = cand.extra.get("needs_words")
    if needs and not any(re.search(rf"\b{re.escape(w)}", query) for w in needs):
        # A code for a way of delivering the service the question never names (a telemedicine
        # visit for "42 minutes with an established patient") falls behind the usual one.
        cand.score -= step * 1.5
    against = cand.extra.get("not_with_words")
    if against and any(re.search(rf"\b{re.escape(w)}", query) for w in against):
        # A home visit for a video visit "from home": the patient is at home, the doctor not;
        # an office visit for a physical therapist's evaluation. Out of the running.
        cand.score *= 0.1
    if re.search(r"\bonly\b", title) and " only" not in f" {query}":
        cand.score -= step * 0.5  # a component-only code needs the asker to say so
    # What the code excludes or includes, against what the asker says was or was not done.
    # A word the question says was both left out and done ("without contrast and then with
    # contrast") is neither: the contrast cue below chooses among those codes.
    done = {w[:5] for w in re.findall(r"\bwith\s+(\w+)", query)}
    left_out = {w[:5] for w in re.findall(_WITHOUT_WORD, query)} - done
    for negated in re.findall(_WITHOUT_WORD, title):
        if negated[:5] in left_out:
            cand.score += step * 0.5  # "without microscopy" asked and offered
            cand.cued = True
        elif re.search(rf"\b{re.escape(negated[:5])}", query):
            cand.score -= step  # the code excludes what the asker did ("... no refill")
    for included in re.findall(r"\bwith\s+(\w+)", title):
        if included[:5] in left_out:
            cand.score -= step  # the code includes what the asker says was not done
        elif (
            in_lead
            and len(included) >= 4
            and included not in _CHOSEN_ELSEWHERE
            and re.search(rf"\b{re.escape(included[:5])}", query)
        ):
            # The code includes what the asker says was done ("with ultrasound guidance",
            # "with spectral and color Doppler"): the qualifier that separates it from the
            # neighbour without it.
            cand.score += step * 0.5
            cand.cued = True
            cand.reasons.append(f"with {included}")
    # Read once by the analysis from the words as written (the query lost its negated
    # words: "no IV contrast" took every "contrast" with it).
    wanted_contrast = analysis.contrast
    if wanted_contrast and (offered := contrast_of(title)):
        cand.score += step if offered == wanted_contrast else -step
        cand.cued = cand.cued or offered == wanted_contrast
    if re.match(r"(ultrasound|fluoroscopic|ct|mr|imaging) guidance\b", title):
        cand.score -= step  # guidance supports a procedure; the procedure leads
    if re.search(r"\b(?:landmark|palpation)", query) and re.search(
        r"(?<!without )(?<!no )\b(?:ultrasound|fluorosc|imaging|image[- ]guid|ct)\b", title
    ):
        cand.score -= step  # found by landmarks: no imaging was used
    # The site the question names: a code for another site loses, the code for it gains.
    wanted_sites = sites_of(query)
    if wanted_sites and cand.sites:
        if wanted_sites & cand.sites:
            # Among neighbours only: the site does not make another family the subject.
            cand.score += step * 0.5 if in_lead else 0.0
            cand.cued = True
            cand.reasons.append(f"site {', '.join(sorted(wanted_sites & cand.sites))}")
        else:
            cand.score -= step
            cand.reasons.append(f"site {', '.join(sorted(cand.sites))}, not the question's")
    # Putting a device in, taking it out and using it are different services.
    removing = re.search(r"\bremov", query) is not None
    inserting = re.search(r"\b(insert|placement|placed|place|implant)", query) is not None
    title_inserts = re.search(r"\b(insertion|placement|placing|insert)", title) is not None
    title_removes = re.search(r"\bremov", title) is not None
    if removing != inserting:
        if title_inserts != title_removes and title_removes != removing:
            cand.score -= step
    elif not removing and _USING.search(query) and (title_inserts or title_removes):
        cand.score -= step  # the patient uses the device the question names; nobody placed it
    # The asker says which code set they want: "what J code", "which CPT".
    if re.search(r"\bj[\s-]?codes?\b|\bdrug codes?\b|\bhcpcs\b", query):
        cand.score += step * 1.5 if cand.code[:1] in "JQ" else 0.0
    elif re.search(r"\bcpt\b", query) and cand.system == "CPT":
        cand.score += step * 0.3
    if cand.extra.get("billable") is False:
        cand.score -= step  # an ICD-10-CM header is never reported


# Qualifiers another cue weighs (contrast) or that say nothing ("with or without").
_CHOSEN_ELSEWHERE = frozenset(["contrast", "without"])

_WITHOUT_WORD = r"\b(?:no|without|non|w/o)[\s-]+(\w+)"
_USING = re.compile(
    r"\b(?:uses?|using|how to use|use of|wears?|wearing|technique|taught|teach(?:ing)?)\b"
)

_SPINE = {"c": "cervical", "t": "thoracic", "l": "lumbar", "s": "sacral"}


# "US-guided", "US guidance": ultrasound, not the pronoun (a stop word).
_US_GUIDED = re.compile(r"\bUS(?=[\s-]*guid)", re.I)


def _expanded(text: str) -> str:
    """Spinal levels as words: "L4-5" is lumbar, "C5-6" cervical; "US-guided" is
    ultrasound-guided."""
    text = _US_GUIDED.sub("ultrasound", text)
    regions = {_SPINE[m.lower()] for m in re.findall(r"\b([CTLS])\d{1,2}\b", text)}
    return f"{text} {' '.join(sorted(regions))}" if regions else text


def _without_codes(text: str) -> str:
    # Codes are matched as codes; redaction labels ([NAME], [DOB]) are not words of the question.
    text = re.sub(r"\[[A-Z0-9 +]+\]", " ", text)
    return re.sub(r"\b(?:\d{4}[0-9FTU]|[A-Z]\d{4})\b", " ", text)


def _without_negated(text: str, negated: tuple[str, ...]) -> str:
    for word in negated:
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text, flags=re.I)
    return text
