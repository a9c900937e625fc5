"""Ranked code search over descriptors, our notes, synonyms and lay terms.

An in-memory inverted index, built once per process from the database and rebuilt when
the reference data changes, so a query takes milliseconds and ranks the same whatever
the database behind it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import re
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.models import CodeNote, CodeRecord

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "which",
        "with",
        "do",
        "does",
        "can",
        "should",
        "would",
        "could",
        "codes",
        "code",
        "cpt",
        "hcpcs",
        "bill",
        "billing",
        "billed",
        "use",
        "used",
        "using",
        "patient",
        "pt",
        "my",
        "you",
        "your",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "did",
        "get",
        "question",
        "help",
        "please",
        "thanks",
        "need",
        "right",
        "correct",
        "same",
        "day",
        "days",
        "today",
        "doctor",
        "done",
        "no",
        "not",
        "hello",
        "hi",
        "team",
        "quick",
        "one",
        "just",
        "also",
        "got",
        "gave",
        "given",
        "forwarding",
        "below",
        "us",
        "were",
    ]
)
# Per word of a lay term found whole in the question: the strongest single signal.
PHRASE_WEIGHT = 7.0
# A one-word lay term counts as a phrase when at most this many codes use the word.
RARE_WORD_DOCS = 4
# A query scores at most about this many documents (see CodeIndex.search).
CANDIDATE_LIMIT = 3000
# Field weights: our own titles and lay terms are written to be searched.
_W_TITLE, _W_SYNONYM, _W_PLAIN, _W_DESCRIPTOR = 3.0, 3.0, 1.2, 1.5


# Pure, and called for every word of every document when an index is built (1.5 million
# calls for the full data, a few tens of thousands of distinct words).
@lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    if token.endswith("oses") and len(token) > 6:
        token = token[:-4] + "osis"  # keratoses, stenoses: the medical plural
    # One stem for the forms coders write: remove, removal, removing, removed.
    for suffix, keep in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("al", ""),
        ("es", ""),
        ("s", ""),
        ("e", ""),
    ):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)] + keep
    return token


_NON = re.compile(r"\bnon[\s-]+(?=[a-z])")


# Abbreviations coders write, read as the words our notes and descriptors use.
_ABBREVIATIONS = {
    "admin": "administration",
    "inj": "injection",
    "eval": "evaluation",
    "evals": "evaluation",
    "reeval": "reevaluation",
    "vacc": "vaccine",
    "vax": "vaccine",
    "abx": "antibiotic",
    "dx": "diagnosis",
    "hx": "history",
    "fx": "fracture",
    "lac": "laceration",
    "bx": "biopsy",
    "tx": "treatment",
    "xr": "xray",
    "im": "intramuscular",
    "subq": "subcutaneous",
    "flu": "influenza",
}


# "PT" is the patient, except before the words of a therapy practice ("PT eval", "PT clinic").
_THERAPY = re.compile(
    r"\b(pt|ot)\b(?=[\s-]+(?:eval|evaluation|re-?eval|re-?evaluation|clinic|therapist|dept"
    r"|department|practice)s?\b)"
)
_THERAPY_WORDS = {"pt": "physical therapy", "ot": "occupational therapy"}


# A dose written without its space ("80mg", "4mg", "500ml") is a number and a unit, as
# "80 mg" is: glued, it was one word no drug's name or lay term carries.
_DOSE_GLUED = re.compile(r"\b(\d+(?:\.\d+)?)(mg|mcg|ml|cc|gm?|units?|iu|meq)\b")


# "f/u" is a follow-up, not "fu" (5-FU, fluorouracil) when its letters are joined.
_FOLLOW_UP = re.compile(r"\bf/u\b")
# "d/c" is a discharge (or a drug discontinued), never a D&C ("wrote the d/c summary").
_DISCHARGE = re.compile(r"\bd/c(?:'?d)?\b")
# "Well" the adverb ("tolerated well", "doing well") is no well visit's word.
_ADVERB_WELL = re.compile(
    r"\b(tolerated|tolerates|doing|did|does|went|going|healing|healed|heals|feels?|feeling|"
    r"controlled|managed|responded|responding|sleeping|eating|as) well\b"
)


def tokens(text: str) -> list[str]:
    # "non-emergency" is one idea, not a second way to say "emergency".
    text = _NON.sub("non", _FOLLOW_UP.sub(" followup ", text.lower()))
    if "d/c" in text:
        text = _DISCHARGE.sub(" discharge ", text)
    if "well" in text:
        text = _ADVERB_WELL.sub(r"\1", text)
    text = _DOSE_GLUED.sub(r"\1 \2", text)
    text = _THERAPY.sub(lambda m: _THERAPY_WORDS[m.group(1)], text)
    words = (_ABBREVIATIONS.get(t, t) for t in _TOKEN.findall(text))
    return [stem(t) for t in words if t not in _STOP]


def _pairs(text: str) -> list[str]:
    """Adjacent words written apart that may be one word elsewhere ("ear wax", "earwax")."""
    words = [w for w in _TOKEN.findall(_FOLLOW_UP.sub(" followup ", text.lower())) if w.isalpha()]
    return [stem(a + b) for a, b in itertools.pairwise(words) if a not in _STOP]


# Typos are corrected only in words the index does not know, and only this far: one edit
# (a transposition counts as one) up to seven letters, two beyond. Shorter words are left
# alone: "lasix" and "mohs" are too close to too many other words to guess.
TYPO_MIN_LENGTH = 5


@dataclass(frozen=True)
class Hit:
    code: str
    system: str
    title: str
    score: float
    phrase: bool = False  # one of the code's lay terms appears whole in the query
    matched: frozenset[str] = frozenset()  # the words of that lay term


@dataclass(slots=True)  # one per code, about 120,000 with the CMS data: no __dict__ each
class _Doc:
    code: str
    system: str
    title: str
    phrases: tuple[frozenset[str], ...]  # each lay term's stemmed words


class CodeIndex:
    """Inverted index: token -> {doc: weight}."""

    def __init__(self) -> None:
        self.docs: list[_Doc] = []
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.by_code: dict[str, int] = {}
        self.note_df: dict[str, int] = defaultdict(int)
        self.with_phrases: set[int] = set()
        self._by_length: dict[tuple[int, int, str], list[str]] | None = None
        self._corrected: dict[str, str | None] = {}

    def correct(self, token: str) -> str | None:
        """The indexed word a misspelled query word stands for, or None.

        A word the index knows is never changed; an unknown one becomes the closest indexed
        word within the edit budget, the commoner on a tie (the one more codes use)."""
        if token in self.postings:
            return token
        if len(token) < TYPO_MIN_LENGTH or not token.isalpha():
            return None
        if token in self._corrected:
            return self._corrected[token]
        if self._by_length is None:
            # Words by length and by their first or second letter: a typo keeps one of the
            # two, so a query word is compared with a few hundred words, not all of them.
            by_length: dict[tuple[int, int, str], list[str]] = defaultdict(list)
            for word in self.postings:
                if word.isalpha() and len(word) >= TYPO_MIN_LENGTH - 1:
                    by_length[(len(word), 0, word[0])].append(word)
                    by_length[(len(word), 1, word[1])].append(word)
            self._by_length = by_length
        budget = 1 if len(token) <= 7 else 2
        choices = list(
            {
                word
                for size in range(len(token) - budget, len(token) + budget + 1)
                for place in (0, 1)
                for word in self._by_length.get((size, place, token[place]), ())
            }
        )
        found = process.extract(
            token, choices, scorer=OSA.distance, score_cutoff=budget, limit=None
        )
        best = min(found, key=lambda f: (f[1], -len(self.postings[f[0]]), f[0]), default=None)
        self._corrected[token] = best[0] if best else None
        return self._corrected[token]

    def query_tokens(self, query: str) -> list[str]:
        """The query's words as the index knows them: typos corrected, words written apart
        joined where the index has them as one ("ear wax" -> earwax)."""
        out = [c for t in tokens(query) if (c := self.correct(t)) is not None]
        # Only into a word of our lay terms: the CMS abbreviations ("sqcm") are no evidence.
        out += [p for p in _pairs(query) if p in self.note_df and p in self.postings]
        return list(dict.fromkeys(out))

    def add(
        self,
        code: str,
        system: str,
        title: str,
        fields: list[tuple[str, float]],
        phrases: tuple[frozenset[str], ...] = (),
    ) -> None:
        # Interned: a system's name is one string for all its codes, and a code's string is
        # the one the reference snapshot holds (both are built before the worker forks).
        code, system = sys.intern(code), sys.intern(system)
        key = f"{system}:{code}"
        # New words change what a typo may be corrected to.
        self._by_length = None
        if self._corrected:
            self._corrected.clear()
        doc_id = self.by_code.get(key)
        if doc_id is None:
            doc_id = len(self.docs)
            self.by_code[key] = doc_id
            self.docs.append(_Doc(code, system, title, phrases))
        else:
            old = self.docs[doc_id]
            self.docs[doc_id] = _Doc(code, system, old.title or title, old.phrases + phrases)
        if phrases:
            self.with_phrases.add(doc_id)
        for text, weight in fields:
            for tok in set(tokens(text)):
                posting = self.postings[tok]
                posting[doc_id] = max(posting.get(doc_id, 0.0), weight)

    def _rare(self, phrase: frozenset[str]) -> bool:
        """A one-word lay term (a drug or brand name, an acronym) that few of our notes carry,
        counted over the notes so that imported descriptors do not change the answer."""
        (word,) = phrase
        return self.note_df.get(word, 0) <= RARE_WORD_DOCS

    def search(
        self, query: str, limit: int = 10, systems: tuple[str, ...] | None = None
    ) -> list[Hit]:
        known = sorted(self.query_tokens(query), key=lambda t: len(self.postings[t]))
        if not known:
            return []
        n = max(len(self.docs), 1)
        docs = self.docs
        # Candidates come from the rarest words; common words ("left", "injection") only
        # add to documents already found, so a query costs about its rarest postings.
        scores: dict[int, float] = {}
        used = 0
        for tok in known:
            posting = self.postings[tok]
            if used and len(scores) + len(posting) > CANDIDATE_LIMIT:
                break
            used += 1
            idf = math.log(1 + n / len(posting))
            for doc_id, weight in posting.items():
                if systems is None or docs[doc_id].system in systems:
                    scores[doc_id] = scores.get(doc_id, 0.0) + idf * weight
        for tok in known[used:]:
            posting = self.postings[tok]
            idf = math.log(1 + n / len(posting))
            for doc_id in scores:
                extra = posting.get(doc_id)
                if extra:
                    scores[doc_id] += idf * extra
        present = set(known)
        phrased: dict[int, frozenset[str]] = {}
        # Only our notes carry lay terms: check those of the scored documents that have any.
        for doc_id in scores.keys() & self.with_phrases:
            # Every word of a lay term found in the question is strong evidence: "refilled
            # the portable chemo pump" carries "chemo pump refill" and "portable pump".
            best = max(
                (
                    p
                    for p in docs[doc_id].phrases
                    if p <= present and (len(p) >= 2 or self._rare(p))
                ),
                key=len,
                default=frozenset(),
            )
            if best:
                scores[doc_id] += PHRASE_WEIGHT * max(len(best), 1.5)
                phrased[doc_id] = best
        best_first = heapq.nsmallest(
            limit, ((-score, docs[d].code, d) for d, score in scores.items())
        )
        return [
            Hit(
                docs[d].code,
                docs[d].system,
                docs[d].title,
                round(-neg, 3),
                d in phrased,
                phrased.get(d, frozenset()),
            )
            for neg, _, d in best_first
        ]


_lock = threading.Lock()
_cache: dict[tuple[object, ...], CodeIndex] = {}
# Indexes kept per process: a service has one; a test run opens hundreds of databases, and
# keeping an index for each grew the test process by gigabytes.
_KEEP = 2


def index_for(session: Session) -> CodeIndex:
    """The process's index for the reference data this database holds, rebuilt when the
    data changed (the check is the reference snapshot's: one query per session, shared).
    Keyed by what the data is (its releases' checksums), not by where: databases loaded
    from the same files share one index, which a test run builds once instead of for each
    of its databases."""
    from consultant.codes.snapshot import current

    content = current(session).content
    with _lock:
        cached = _cache.get(content)
        if cached is not None:
            return cached
        index = build_index(session)
        while len(_cache) >= _KEEP:
            _cache.pop(next(iter(_cache)))
        _cache[content] = index
        return index


def build_index(session: Session) -> CodeIndex:
    index = CodeIndex()
    for note in session.scalars(select(CodeNote)):
        phrases = tuple(p for p in (frozenset(tokens(s)) for s in note.synonyms) if p)
        for word in set().union(*phrases) if phrases else ():
            index.note_df[word] += 1
        index.add(
            note.code,
            note.system,
            note.title,
            [
                (note.title, _W_TITLE),
                (" ".join(note.synonyms), _W_SYNONYM),
                (note.plain, _W_PLAIN),
            ],
            phrases,
        )
    rows = session.execute(
        select(
            CodeRecord.code,
            CodeRecord.system,
            CodeRecord.short_description,
            CodeRecord.long_description,
        )
    )
    for code, system, short, long in rows:
        text = f"{short} {long}"
        # Long descriptors match more words by chance ("... chemotherapy, initial encounter"):
        # weigh them down gently, as BM25 does with document length.
        weight = _W_DESCRIPTOR / (0.75 + 0.25 * len(tokens(text)) / 8)
        index.add(code, system, short or long, [(text, weight)])
    return index


def search(
    session: Session, query: str, limit: int = 10, systems: tuple[str, ...] | None = None
) -> list[Hit]:
    """Ranked matches for free text."""
    return index_for(session).search(query, limit, systems)


def warm_index() -> None:
    """Build the index for the configured database before the first question needs it.
    A database not migrated yet must not stop the process: searching builds it later."""
    from consultant.db import transaction

    try:
        with transaction() as session:
            index_for(session)
    except Exception:
        logging.getLogger(__name__).exception("could not warm the search index")
