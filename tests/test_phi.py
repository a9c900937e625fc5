"""PHI redaction: identifiers go, coding facts stay."""

from __future__ import annotations

import pytest

from consultant.mailin.phi import redact


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (
            "Patient Lucia Fernandez, DOB 07/29/1975, MRN 9042217.",
            ["Lucia", "Fernandez", "07/29/1975", "9042217"],
        ),
        ("Patient Ann B. Lee came in", ["Ann", "Lee"]),
        ("pt name: Dwayne Okafor", ["Dwayne", "Okafor"]),
        ("Mrs. Holloway was seen", ["Holloway"]),
        ("call (555) 201-3344 or 555-884-1209", ["201-3344", "884-1209"]),
        ("SSN 123-45-6789", ["123-45-6789"]),
        ("member id: XQ12345678", ["XQ12345678"]),
        ("email jane@example.org", ["jane@example.org"]),
        ("lives at 12 Maple Street", ["12 Maple Street"]),
    ],
)
def test_identifiers_are_removed(text: str, gone: list[str]) -> None:
    out = redact(text)
    for item in gone:
        assert item not in out, out


def test_coding_facts_survive() -> None:
    text = (
        "Patient came in on 03/02/2025 for 96521 and 99213-25, ondansetron 8 mg, J2405 x 8, E11.9."
    )
    out = redact(text)
    for keep in ("96521", "99213-25", "8 mg", "J2405", "E11.9", "03/02/2025", "Patient came in"):
        assert keep in out
