"""The new text of an HTML reply: the quoted history removed by the markup mail clients give it.

Clients that send HTML only mark the history structurally rather than with ">" lines, so it is
found before the markup is flattened to text. Two kinds of marking, kept as data:

- a quote container (Gmail's div.gmail_quote, Apple Mail's and Thunderbird's
  blockquote type=cite, Yahoo's div.yahoo_quoted...): removed, and text after it is kept,
  since an asker may write below the quote;
- a history start (Outlook's divRplyFwdMsg or its border-top "From:" block, Hotmail's and
  Zimbra's rules): the history runs to the end, so the text is cut there.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from consultant.mailin.parse import soup_to_text

# Where a removed quote stood; clean.py drops its attribution line ("... wrote:") with it.
QUOTE_MARK = "\ue001"
_CUT_MARK = "\ue002"

_QUOTE_CONTAINERS = [
    "div.gmail_quote",  # Gmail: attribution (div.gmail_attr) and blockquote together
    "div.gmail_quote_container",
    "div.yahoo_quoted",  # Yahoo Mail
    "div.moz-cite-prefix",  # Thunderbird's attribution line
    "div.moz-forward-container",
    "div.protonmail_quote",  # Proton Mail
    "blockquote",  # Apple Mail and Thunderbird (type=cite), Yandex, Mail.ru, mutt-like HTML
]
_HISTORY_STARTS = [
    "#divRplyFwdMsg",  # Outlook on the web and Outlook 365
    "#x_divRplyFwdMsg",
    "#appendonsend",  # new Outlook: an empty marker right before the history
    "#mail-editor-reference-message-container",
    "div.OutlookMessageHeader",
    "hr#stopSpelling",  # Hotmail / Outlook.com
    "hr#zwchr",  # Zimbra
]
# Outlook desktop (2007 onwards) and Windows Mail put the quoted header block in a box with a
# top border: "From:" / "Von:" / "De :" / "От:" then the sender.
_BORDER_TOP = re.compile(r"border-top(-style)?\s*:\s*solid", re.I)
_HEADER_WORD = re.compile(r"^\W{0,3}[^\W\d_][^\s:]{0,15}(?: [^\W\d_]+)?\s?:")
# Gmail's "indent" button also makes a blockquote, with no border: that is the asker's text.
_INDENT_ONLY = re.compile(r"border\s*:\s*none", re.I)


def new_text_of_html(html: str) -> str:
    """The text of an HTML reply with its quoted history removed (QUOTE_MARK lines where a
    quote stood, so that a line introducing it can be dropped too)."""
    soup = BeautifulSoup(html, "html.parser")
    for start in _history_starts(soup):
        if start.parent is not None:  # not inside a part already cut
            start.insert_before(_CUT_MARK)
            break
    for selector in _QUOTE_CONTAINERS:
        for quote in soup.select(selector):
            if quote.name == "blockquote" and _INDENT_ONLY.search(str(quote.get("style", ""))):
                continue
            if quote.parent is not None:
                mark = soup.new_tag("div")  # a block, so the mark stands on its own line
                mark.string = QUOTE_MARK
                quote.replace_with(mark)
    text = soup_to_text(soup)
    return text.split(_CUT_MARK, 1)[0]


def _history_starts(soup: BeautifulSoup) -> list[Tag]:
    """Elements that start an unquoted history, in document order."""
    found = {id(tag): tag for selector in _HISTORY_STARTS for tag in soup.select(selector)}
    for box in soup.find_all(["div", "p"], style=_BORDER_TOP):
        if _HEADER_WORD.match(box.get_text(" ", strip=True)):
            found[id(box)] = box
    order = {id(tag): i for i, tag in enumerate(soup.find_all(True))}
    return sorted(found.values(), key=lambda tag: order[id(tag)])
