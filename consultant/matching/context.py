"""Negation and uncertainty, ConText-style: trigger phrases as data, each with the direction
of its scope; a scope runs a few words and stops at punctuation or a terminating word.

"No IV push was given" negates "iv push"; "rule out pneumonia" makes pneumonia uncertain;
"denies chest pain but has a cough" stops the negation at "but". Outpatient coding treats an
uncertain condition as not established (ICD-10-CM Official Guidelines, section IV.H), so the
uncertain findings are kept apart from the affirmed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCOPE_WORDS = 6

# (trigger, category, direction): "forward" covers the words after the trigger, "backward"
# the words before it ("pneumonia was ruled out").
TRIGGERS: list[tuple[str, str, str]] = [
    ("no", "negated", "forward"),
    ("not", "negated", "forward"),
    ("without", "negated", "forward"),
    ("never", "negated", "forward"),
    ("denies", "negated", "forward"),
    ("denied", "negated", "forward"),
    ("negative for", "negated", "forward"),
    ("free of", "negated", "forward"),
    ("didn't", "negated", "forward"),
    ("don't", "negated", "forward"),
    ("do not", "negated", "forward"),
    ("doesn't", "negated", "forward"),
    ("does not", "negated", "forward"),
    ("did not", "negated", "forward"),
    ("wasn't", "negated", "forward"),
    ("was not", "negated", "forward"),
    ("weren't", "negated", "forward"),
    ("were not", "negated", "forward"),
    ("no longer", "negated", "forward"),
    # An uncertainty term denied is a negation: "no concern for abuse" rules abuse out.
    ("no concern for", "negated", "forward"),
    ("no suspicion of", "negated", "forward"),
    ("no suspicion for", "negated", "forward"),
    ("no evidence of", "negated", "forward"),
    ("no signs of", "negated", "forward"),
    ("no sign of", "negated", "forward"),
    ("ruled out", "negated", "backward"),
    ("was ruled out", "negated", "backward"),
    # "Social communication concerns": a worry named, not a diagnosis made.
    ("concerns", "uncertain", "backward"),
    ("rule out", "uncertain", "forward"),
    ("r/o", "uncertain", "forward"),
    ("probable", "uncertain", "forward"),
    ("probably", "uncertain", "forward"),
    ("possible", "uncertain", "forward"),
    ("possibly", "uncertain", "forward"),
    ("suspected", "uncertain", "forward"),
    ("suspect", "uncertain", "forward"),
    ("suspicion of", "uncertain", "forward"),
    ("likely", "uncertain", "forward"),
    ("questionable", "uncertain", "forward"),
    ("query", "uncertain", "forward"),
    ("consistent with", "uncertain", "forward"),
    ("compatible with", "uncertain", "forward"),
    ("concern for", "uncertain", "forward"),
    ("working diagnosis", "uncertain", "forward"),
    # Treated as a condition not established: a working diagnosis (IV.H in the outpatient
    # setting: the symptoms are coded).
    ("treating as", "uncertain", "forward"),
    ("treating it as", "uncertain", "forward"),
    ("treated as", "uncertain", "forward"),
    ("treat as", "uncertain", "forward"),
    ("versus", "uncertain", "forward"),
    ("vs", "uncertain", "forward"),
]
# Words that end a scope: a new clause starts.
TERMINATORS = {"but", "however", "although", "though", "yet", "except", "which", "so", "then"}
_CLAUSE_END = re.compile(r"[.;:?!\n(),]")
_TRIGGER_RE = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(t) for t, _, _ in sorted(TRIGGERS, key=lambda t: -len(t[0])))
    + r")(?![\w/])",
    re.I,
)
_BY_PHRASE = {t: (cat, direction) for t, cat, direction in TRIGGERS}
_WORD = re.compile(r"[a-z0-9][a-z0-9'/-]*")


@dataclass(frozen=True)
class Scoped:
    """The words a trigger governs, with its category ("negated" or "uncertain")."""

    category: str
    trigger: str
    words: tuple[str, ...]

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def scopes(text: str) -> list[Scoped]:
    """Every negated or uncertain scope in the text, in order."""
    out: list[Scoped] = []
    for clause in _CLAUSE_END.split(text):
        for match in _TRIGGER_RE.finditer(clause):
            trigger = match.group(1).lower()
            category, direction = _BY_PHRASE[trigger]
            if direction == "forward":
                words = _words(clause[match.end() :])
                words = _until_terminator(words)[:SCOPE_WORDS]
            else:
                words = _until_terminator(_words(clause[: match.start()])[::-1])[:SCOPE_WORDS][::-1]
            words = [w for w in words if not _BY_PHRASE.get(w)]
            if words:
                out.append(Scoped(category, trigger, tuple(words)))
    return out


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _until_terminator(words: list[str]) -> list[str]:
    for i, word in enumerate(words):
        if word in TERMINATORS:
            return words[:i]
    return words
