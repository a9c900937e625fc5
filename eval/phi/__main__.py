"""``python -m eval.phi``: recall and precision of PHI redaction on eval/phi/snippets.jsonl.

Recall: of the identifiers labelled PHI, the share gone from the redacted text.
Precision: of the redactions made, the share that removed PHI; a redaction that ate a
coding fact labelled ``keep`` (a code, dose, date of service, NDC, RVU, modifier), or a
label beyond the number of identifiers in the snippet, counts against it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from consultant.mailin.phi import redact

SNIPPETS = Path(__file__).with_name("snippets.jsonl")
RECALL_FLOOR, PRECISION_FLOOR = 0.98, 0.90
_LABEL = re.compile(r"\[(?:NAME|DOB|ID|MBI|HICN|SSN|PHONE|FAX|EMAIL|ADDRESS|ZIP|AGE 90\+)\]")


@dataclass
class Score:
    snippets: int = 0
    phi: int = 0
    removed: int = 0
    false_positives: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    eaten: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.removed / self.phi if self.phi else 1.0

    @property
    def precision(self) -> float:
        made = self.removed + self.false_positives
        return self.removed / made if made else 1.0


def _present(item: str, text: str) -> bool:
    # Short items (an age, a record number) must not match inside a longer number.
    if len(item) < 6:
        return re.search(rf"(?<![\w]){re.escape(item)}(?![\w])", text) is not None
    return item in text


def score(path: Path = SNIPPETS) -> Score:
    """Redact every snippet and count what went and what should have stayed."""
    result = Score()
    for line in path.read_text().splitlines():
        row = json.loads(line)
        out = redact(row["text"])
        bare = _LABEL.sub(" ", out)  # "[AGE 90+]" must not count as the age it replaced
        result.snippets += 1
        for item in row["phi"]:
            result.phi += 1
            if _present(item, bare):
                result.misses.append((item, out))
            else:
                result.removed += 1
        eaten = [k for k in row["keep"] if not _present(k, out)]
        result.eaten += [(k, out) for k in eaten]
        extra = max(0, len(_LABEL.findall(out)) - len(row["phi"]))
        result.false_positives += len(eaten) + extra
    return result


def main() -> int:
    result = score()
    print(f"PHI redaction on {result.snippets} snippets ({result.phi} identifiers)")
    print(f"  recall    {result.recall:.1%}  (floor {RECALL_FLOOR:.0%})")
    print(f"  precision {result.precision:.1%}  (floor {PRECISION_FLOOR:.0%})")
    for item, out in result.misses:
        print(f"  missed {item!r}: {out}")
    for item, out in result.eaten:
        print(f"  ate {item!r}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
