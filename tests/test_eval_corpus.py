"""The evaluation emails on disk are the ones eval/dev/questions.py renders (golden files)."""

from __future__ import annotations

from eval.corpus import EMAILS, load_cases


def test_emails_match_the_questions() -> None:
    cases = load_cases()
    assert len(cases) >= 150
    on_disk = {p.name: p.read_bytes() for p in EMAILS.glob("*.eml")}
    rendered = {f"{c.number:03d}-{c.style}.eml": c.raw for c in cases}
    assert on_disk == rendered, (
        "run `python -m eval.corpus --write` after editing eval/dev/questions.py"
    )


def test_every_style_is_represented() -> None:
    styles = {c.style for c in load_cases()}
    assert styles == {
        "plain",
        "html",
        "quoted",
        "forward",
        "cp1252",
        "phi",
        "misspelled",
        "outlook",
    }
