"""A word index of the ICD-10-CM tabular list (consultant.rules.icd10_table): each code's title and its
inclusion terms, so that a documented phrase finds the code whose wording carries it with the
fewest other words.

Inclusion terms are what make plain phrases land on the right code: "Sore throat (acute) NOS"
sits under J02.9, "Migraine with aura NOS" under G43.109, "Encounter for screening colonoscopy
NOS" under Z12.11. Words in parentheses are the tabular list's nonessential modifiers
(ICD-10-CM Official Guidelines I.A.7): they may be matched but are not missing when absent.
Codes formed by a seventh character are left out: the encounter completes them
(consultant.rules.icd10_codes.complete)."""

from __future__ import annotations

import heapq
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from consultant.codes.search import tokens
from consultant.rules import icd10_table as icd

# Words a title adds without changing what a plain phrase means ("Fever, unspecified",
# "Type 2 diabetes mellitus", "Migraine NOS", "Encounter for screening ...").
FREE = frozenset(
    tokens(
        "unspecified mellitus organism site nos without complications essential primary "
        "encounter unilateral uncomplicated current specified part"
    )
)
# Words so common in titles that they only rank documents found by rarer words.
_COMMON_DOCS = 4000
_PAREN = re.compile(r"\(([^()]*)\)")
# "without aura", "not intractable": words a title (or a phrase) denies.
_WITHOUT = re.compile(r"\b(?:without|not) (?:\(\w+\) )?(\w+)", re.I)
# Two words ("without status migrainosus"), but never into the next denial or "with":
# "without cholecystitis without obstruction" denies both.
_WITHOUT_IN_TITLE = re.compile(
    r"\b(?:without|not) (?:\(\w+\) )?(\w+(?: (?!(?:with|without|not)\b)\w+)?)", re.I
)


@dataclass(frozen=True, slots=True)
class Term:
    code: str  # with the dot
    text: str  # the title or inclusion term
    required: frozenset[str]  # stemmed words outside parentheses
    optional: frozenset[str]  # words in parentheses: nonessential
    inclusion: bool
    excluded: frozenset[str] = frozenset()  # words after "without": the term denies them
    words: frozenset[str] = frozenset()  # required and optional together


@dataclass(frozen=True)
class TermMatch:
    code: str
    text: str
    carried: float  # share of the phrase's words the term carries
    extra: int  # words the term adds that the phrase does not say
    denials: int  # what the term denies ("without aura"): a plainer term denies nothing
    # How rare the phrase's words it carries are: between terms that carry as many of them,
    # the one carrying "Colles" says more than the one carrying "wrist".
    rarity: float = 0.0


class TermIndex:
    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self.postings: dict[str, list[int]] = {}
        for i, term in enumerate(terms):
            for word in term.words:
                self.postings.setdefault(word, []).append(i)

    @lru_cache(maxsize=2048)  # noqa: B019 - one index per process, built once
    def match(self, phrase: str, limit: int = 10) -> tuple[TermMatch, ...]:
        """The terms that carry most of the phrase's words, then add the fewest others."""
        wanted = frozenset(tokens(phrase))
        denied = frozenset(tokens(" ".join(_WITHOUT.findall(phrase)))) - FREE
        known = sorted((w for w in wanted if w in self.postings), key=self._df)
        if not known:
            return ()
        rare = [w for w in known if self._df(w) <= _COMMON_DOCS] or known[:1]
        found: set[int] = set()
        for word in rare:
            found.update(self.postings[word])
        scored = []
        for i in found:
            term = self.terms[i]
            carried = len(wanted & term.words) / len(wanted)
            # What a title denies ("without status migrainosus") is the default, not extra.
            extra = len(term.required - wanted - FREE - term.excluded)
            if (wanted - denied) & term.excluded or denied & (term.required - term.excluded):
                continue  # "migraine with aura" is not "Migraine without aura", nor the reverse
            denials = len(term.excluded - wanted)
            rarity = sum(1 / self._df(w) for w in wanted & term.words)
            scored.append(
                (-carried, extra, denials, not term.inclusion, len(term.code), term.code, i, rarity)
            )
        return tuple(
            TermMatch(self.terms[i].code, self.terms[i].text, -c, e, d, r)
            for c, e, d, _, _, _, i, r in heapq.nsmallest(limit, scored)
        )

    def _df(self, word: str) -> int:
        return len(self.postings.get(word, ()))


# "Malignant neoplasm of liver, not specified as primary or secondary": the title leaves
# both open, so a phrase that says either one is not what it carries.
_NOT_SPECIFIED_AS = re.compile(r"\bnot specified as ((?:\w+ or )*\w+)", re.I)


def denied_words(text: str) -> frozenset[str]:
    """The words a title denies: "without status migrainosus", "not intractable", "not
    specified as primary or secondary"."""
    denied = _WITHOUT_IN_TITLE.findall(text) + _NOT_SPECIFIED_AS.findall(text)
    return frozenset(tokens(" ".join(denied))) - FREE


# The index holds about 90,000 terms, built before the worker's pool forks: their words are
# interned (one string per word, not one per term it occurs in) and their sets shared where
# equal (most terms have no optional or denied words).
_EMPTY: frozenset[str] = frozenset()


def _words(words: frozenset[str]) -> frozenset[str]:
    return frozenset(map(sys.intern, words)) if words else _EMPTY


# "Rash and other nonspecific skin eruption": what follows "and other" widens the code's
# scope; a phrase that says only the first condition is not missing those words.
_AND_OTHER = re.compile(r"\b(and other\b.*)$", re.I)


def _term(code: str, text: str, inclusion: bool) -> Term:
    widened = _AND_OTHER.search(text)
    optional_text = " ".join(_PAREN.findall(text)) + (f" {widened.group(1)}" if widened else "")
    optional = _words(frozenset(tokens(optional_text)))
    required = _words(frozenset(tokens(_PAREN.sub(" ", text))) - optional)
    excluded = _words(denied_words(text))
    words = required | optional if optional else required
    return Term(code, text, required, optional, inclusion, excluded, words)


@lru_cache(maxsize=1)
def term_index() -> TermIndex:
    """Built once per process (about a second) from the installed tabular list."""
    terms: list[Term] = []
    for code in icd.get_all_codes(with_dots=True):
        if icd.is_chapter_or_block(code) or icd.is_extended_subcategory(code):
            continue
        terms.append(_term(code, icd.get_description(code), False))
        terms += [_term(code, t, True) for t in icd.get_inclusion_term(code)]
    return TermIndex(terms)
