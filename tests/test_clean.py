"""The question is what the asker wrote, whatever the mail client.

tests/fixtures/mail_clients holds replies and forwards laid out as each client sends them
(headers, MIME structure, quote markup, attribution lines), each with the question expected
from it in <name>.question.txt. A file's name starts with its client.
"""

from __future__ import annotations

import json
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from consultant.cli import main as cli
from consultant.mailin.clean import is_forward, new_text, question_of
from consultant.mailin.html_history import new_text_of_html
from consultant.mailin.parse import html_to_text, parse

FIXTURES = Path(__file__).parent / "fixtures" / "mail_clients"
MESSAGES = sorted(FIXTURES.glob("*.eml"))


def _lines(text: str) -> list[str]:
    """Non-blank lines: HTML paragraphs and plain-text blank lines say the same thing."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _expected(path: Path) -> list[str]:
    return _lines(path.with_suffix(".question.txt").read_text(encoding="utf-8"))


def test_fixtures_cover_the_clients_people_use() -> None:
    clients = {path.name.split("_")[0] for path in MESSAGES}
    assert len(MESSAGES) >= 25 and len(clients) >= 13, (len(MESSAGES), sorted(clients))
    assert all(path.with_suffix(".question.txt").exists() for path in MESSAGES)


@pytest.mark.parametrize("path", MESSAGES, ids=lambda path: path.stem)
def test_question_is_what_the_asker_wrote(path: Path) -> None:
    assert _lines(question_of(parse(path.read_bytes()))) == _expected(path)


# Replies that carry both parts: the HTML part alone must give the same question, as it does
# for the clients that send only HTML.
ALTERNATIVES = [
    path
    for path in MESSAGES
    if (mail := parse(path.read_bytes())).source_html
    and not mail.text_from_html
    and not is_forward(mail.subject, mail.text)
]


@pytest.mark.parametrize("path", ALTERNATIVES, ids=lambda path: path.stem)
def test_html_part_alone_gives_the_same_question(path: Path) -> None:
    mail = parse(path.read_bytes())
    html_only = replace(mail, text=html_to_text(mail.source_html), text_from_html=True)
    assert " ".join(_lines(question_of(html_only))) == " ".join(_expected(path))


def test_alternatives_cover_several_clients() -> None:
    assert len({path.name.split("_")[0] for path in ALTERNATIVES}) >= 5


def test_bottom_posted_reply_is_not_empty() -> None:
    text = "On 3/2/26 9:14 AM, Coding Desk wrote:\n> Which code?\n\n99213 or 99214?\n"
    assert new_text(text) == "99213 or 99214?"


def test_interleaved_answers_are_kept_in_order() -> None:
    text = (
        "On Mon, Mar 2, 2026 at 9:14 AM Desk <ask@consult.example> wrote:\n"
        "> Size?\n1.2 cm\n> Site?\nback\n"
    )
    assert _lines(new_text(text)) == ["1.2 cm", "back"]


def test_asker_line_ending_with_colon_before_a_quote_stays() -> None:
    text = "I disagree with this part:\n> 25 is not needed\nThe visit was separate.\n"
    assert _lines(new_text(text)) == ["I disagree with this part:", "The visit was separate."]


def test_sign_off_with_a_question_after_it_is_not_a_signature() -> None:
    text = "We billed 99214.\nThanks, but what about modifier 25 on the same day?\n"
    assert _lines(new_text(text)) == [
        "We billed 99214.",
        "Thanks, but what about modifier 25 on the same day?",
    ]


def test_sign_off_and_signature_are_removed() -> None:
    text = "Is 96372 billed per injection?\n\nThanks,\nJane Roe, CPC\nBilling Lead\n"
    assert new_text(text) == "Is 96372 billed per injection?"


def test_dashed_list_is_the_question_not_a_signature() -> None:
    text = "Which of these need a modifier?\n- 20610 right knee\n- 20610 left knee\n"
    assert _lines(new_text(text))[1:] == ["- 20610 right knee", "- 20610 left knee"]


def test_words_other_languages_use_for_sign_offs_or_headers_stay() -> None:
    # Danish "Tak" and Polish "Data:" would cut these lines if those languages were on.
    text = "Is 97110 timed?\nTake the 8-minute rule into account.\nData: 23 minutes total.\n"
    assert len(_lines(new_text(text))) == 3


def test_confidentiality_notice_is_removed() -> None:
    text = (
        "Is G0439 payable with 99213?\n\n"
        "CONFIDENTIALITY NOTICE: This message may contain protected health information.\n"
        "If you are not the intended recipient, delete it.\n"
    )
    assert new_text(text) == "Is G0439 payable with 99213?"


def test_mobile_footer_is_removed() -> None:
    assert new_text("Is 36415 billable?\n\nSent from my Galaxy\n") == "Is 36415 billable?"


@pytest.mark.parametrize(
    ("subject", "forward"),
    [("Fwd: x", True), ("FW: x", True), ("WG: x", True), ("TR: x", True), ("RE: FW: x", False)],
)
def test_forward_by_subject(subject: str, forward: bool) -> None:
    assert is_forward(subject, "body") is forward


def test_forward_by_its_marker_when_subject_says_nothing() -> None:
    text = "note\n---------- Forwarded message ---------\nFrom: a@b.example\nTo: c@d.example\n"
    assert is_forward("Question", text) and not is_forward("Re: Question", text)


def test_outlook_forward_keeps_the_forwarded_body() -> None:
    text = (
        "-----Original Message-----\nFrom: Front Desk [mailto:f@clinic.example]\n"
        "Sent: Monday, March 09, 2026 5:30 PM\nTo: Tom\nSubject: holter\n\n"
        "Which code for a 48-hour Holter, 93227 or 93224?\n"
    )
    assert new_text(text, forward=True) == "Which code for a 48-hour Holter, 93227 or 93224?"


def test_outlook_reply_keeps_only_the_text_above_the_block() -> None:
    text = (
        "93227.\n\n-----Original Message-----\nFrom: Front Desk [mailto:f@clinic.example]\n"
        "Sent: Monday, March 09, 2026 5:30 PM\nTo: Tom\nSubject: holter\n\n"
        "Which code for a 48-hour Holter, 93227 or 93224?\n"
    )
    assert new_text(text) == "93227."


def test_memo_headers_at_the_top_do_not_empty_the_question() -> None:
    text = "To: Coding Desk\nFrom: Billing Office\n\nIs 96372 billed per injection?\n"
    assert new_text(text) == "Is 96372 billed per injection?"


def test_attached_forwarded_message_is_part_of_the_question() -> None:
    inner = EmailMessage()
    inner["From"] = "Dr. Okafor <s.okafor@clinic.example>"
    inner["Subject"] = "Injection"
    inner.set_content("Is 20610 billed twice with RT and LT?\n")
    outer = EmailMessage()
    outer["From"] = "Lena <lena@clinic.example>"
    outer["To"] = "ask@consult.example"
    outer["Subject"] = "Fwd: Injection"
    outer.set_content("See the attached question.\n")
    outer.add_attachment(inner)
    assert _lines(question_of(parse(outer.as_bytes()))) == [
        "See the attached question.",
        "Is 20610 billed twice with RT and LT?",
    ]


def test_gmail_indent_is_the_askers_text() -> None:
    html = (
        "<div>Is this right?</div><blockquote style='margin:0 0 0 40px;border:none;"
        "padding:0px'>99213-25 and 20610</blockquote>"
    )
    assert _lines(new_text_of_html(html)) == ["Is this right?", "99213-25 and 20610"]


def test_html_text_keeps_inline_markup_on_its_line() -> None:
    html = "<p>On Mon, Bob &lt;<a href='mailto:b@x.example'>b@x.example</a>&gt; <b>wrote</b>:</p>"
    assert html_to_text(html) == "On Mon, Bob <b@x.example> wrote:"


def test_draft_json_shows_the_extracted_question(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    forward = FIXTURES / "outlook2003_original_message_forward.eml"
    capsys.readouterr()
    assert cli(["draft", "--json", str(forward)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert _lines(out["question"]) == _expected(forward)


def test_sent_from_in_a_sentence_stays() -> None:
    text = "Is 99213 right?\n\nSent from my desk, since the portal rejects 99213-25.\n"
    assert len(_lines(new_text(text))) == 2


def test_line_before_a_reply_header_is_not_taken_for_an_attribution() -> None:
    # Only the header mail-parser-reply found introduces the quote after it.
    text = (
        "We billed 99213 on 3/2:\n\n"
        "On Tue, Mar 3, 2026 at 9:00 AM Desk <a@b.example> wrote:\n> Which code?\n"
    )
    assert _lines(new_text(text)) == ["We billed 99213 on 3/2:"]


def test_stacked_divs_are_consecutive_lines() -> None:
    html = "<div>From: Dr. A</div><div>Sent: Monday</div><div><br></div><div>Question</div>"
    assert html_to_text(html) == "From: Dr. A\nSent: Monday\n\nQuestion"


def test_notice_above_the_text_takes_only_its_paragraph() -> None:
    text = (
        "CONFIDENTIALITY NOTICE: this message may contain protected health information.\n\n"
        "Is 99497 billable with an AWV?\n"
    )
    assert new_text(text) == "Is 99497 billable with an AWV?"


def test_external_sender_banner_is_removed() -> None:
    text = (
        "CAUTION: This email originated from outside of the organization. Do not click links.\n\n"
        "Is 99497 billable with an AWV?\n"
    )
    assert new_text(text) == "Is 99497 billable with an AWV?"
