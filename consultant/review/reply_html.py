"""The HTML part of an edited reply, generated from the reviewer's text and sanitized.

Reviewers write plain text with a little Markdown: blank lines between paragraphs, lines
starting with "- " or "* " for lists, "# " for a heading and **bold**. The same function
renders the live preview, so what the reviewer sees is what the subscriber receives.
"""

from __future__ import annotations

import html
import re

import nh3

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_URL = re.compile(r"(https?://[^\s<]+[^\s<.,;:!?)])")
_BULLET = re.compile(r"^\s*[-*] ")
_ALLOWED_TAGS = {"p", "br", "ul", "li", "strong", "h3", "a"}


def _inline(line: str) -> str:
    escaped = html.escape(line, quote=False)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _URL.sub(r'<a href="\1">\1</a>', escaped)


def text_to_html(text: str) -> str:
    """Sanitized HTML for ``text``: paragraphs, lists, headings, bold and links only."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.sub('', x))}</li>" for x in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and lines[0].startswith("# "):
            blocks.append(f"<h3>{_inline(lines[0][2:])}</h3>")
        else:
            blocks.append("<p>" + "<br>\n".join(_inline(x) for x in lines) + "</p>")
    return nh3.clean(
        "\n".join(blocks),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
    )
