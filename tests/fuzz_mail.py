"""Hypothesis strategies for hostile mail: header values with encoded words, CR/LF and
NUL, odd addresses, and MIME trees with wrong charsets, broken transfer encodings,
missing boundaries, nested messages and attachments with hostile names.

The bytes are assembled by hand, not by the email package, so malformed structure that
no library would write still comes out.
"""

from __future__ import annotations

import base64
import quopri
import uuid

from hypothesis import strategies as st

_PRINTABLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF), max_size=60
)
_NASTY_BITS = st.sampled_from(
    [
        "\x00",
        "\r\n",
        "\n",
        "\r",
        "\r\nBcc: victim@else.example",
        "=?utf-8?b?SGVsbG8=?=",
        "=?utf-8?q?caf=C3=A9?=",
        "=?bogus?x?zz?=",
        "=?utf-8?b?not base64?=",
        "<script>alert(1)</script>",
        "\u202e",
        "\ufeff",
        "é",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        ";",
        '"',
        "\\",
        "../../etc/passwd",
        "[Case #1/deadbeef]",
        "x" * 300,
    ]
)
header_value = st.lists(st.one_of(_PRINTABLE, _NASTY_BITS), max_size=5).map("".join)

address = st.one_of(
    st.sampled_from(
        [
            "coder@clinic.example",
            "Pat Coder <coder@clinic.example>",
            '"Coder, Pat" <coder@clinic.example>',
            "<>",
            "",
            "no-at-sign",
            "a@b@c",
            "=?utf-8?q?P=C3=A4t?= <pat@clinic.example>",
            "undisclosed-recipients:;",
            "mallory@evil.example (comment",
        ]
    ),
    header_value.map(lambda v: f"{v} <fuzz@clinic.example>"),
)
charset = st.sampled_from(["utf-8", "us-ascii", "windows-1252", "iso-8859-1", "bogus-charset", ""])
transfer_encoding = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-unknown", ""])
body_text = st.one_of(
    _PRINTABLE,
    st.sampled_from(
        [
            "What is 96523? Patient Ann Lee DOB 01/02/1950",
            "<p>Is <b>99213-25</b> ok?</p><img src=http://evil.example/x.png>",
            "> quoted\n> history\n\n-- \nsignature",
            "\x00\x01\x02",
            "",
        ]
    ),
)


def _encode(payload: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        return base64.encodebytes(payload)
    if encoding == "quoted-printable":
        return quopri.encodestring(payload)
    return payload


@st.composite
def leaf(draw: st.DrawFn) -> bytes:
    ctype = draw(
        st.sampled_from(
            ["text/plain", "text/html", "application/pdf", "application/octet-stream", "image/png"]
        )
    )
    cs = draw(charset)
    enc = draw(transfer_encoding)
    text = draw(body_text)
    try:
        payload = text.encode(cs or "utf-8", "replace")
    except LookupError:
        payload = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        payload = draw(st.binary(max_size=200))
    headers = [f"Content-Type: {ctype}" + (f'; charset="{cs}"' if cs else "")]
    if enc:
        headers.append(f"Content-Transfer-Encoding: {enc}")
    if draw(st.booleans()):
        name = draw(header_value)
        headers.append(
            f'Content-Disposition: {draw(st.sampled_from(["attachment", "inline", "bogus"]))}; filename="{name}"'
        )
    body = _encode(payload, enc) if draw(st.booleans()) else payload
    return "\r\n".join(headers).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body


def _multipart(children: list[bytes], subtype: str, boundary: str, close: bool) -> bytes:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()]
    for child in children:
        out.append(f"--{boundary}\r\n".encode() + child + b"\r\n")
    if close:
        out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


mime_part = st.recursive(
    leaf(),
    lambda inner: st.one_of(
        st.builds(
            _multipart,
            st.lists(inner, min_size=0, max_size=4),
            st.sampled_from(["mixed", "alternative", "related", "signed", "weird"]),
            st.sampled_from(["b1", "=_boundary", "", "x" * 80]),
            st.booleans(),
        ),
        inner.map(lambda part: b"Content-Type: message/rfc822\r\n\r\n" + part),
    ),
    max_leaves=6,
)


@st.composite
def message(draw: st.DrawFn) -> bytes:
    """A whole message: top headers (some hostile, some missing) and a MIME tree."""
    headers: list[str] = []
    if draw(st.integers(0, 9)):
        headers.append(f"From: {draw(address)}")
    headers.append("To: consult@localhost")
    if draw(st.booleans()):
        headers.append(f"Subject: {draw(header_value)}")
    headers.append(f"Message-ID: <fuzz.{uuid.uuid4().hex}@clinic.example>")
    if draw(st.booleans()):
        headers.append(
            f"In-Reply-To: {draw(st.sampled_from(['<first@clinic.example>', '', '<<>>', 'garbage']))}"
        )
    if draw(st.booleans()):
        headers.append(f"References: {draw(header_value)}")
    if draw(st.booleans()):
        headers.append(f"Auto-Submitted: {draw(st.sampled_from(['auto-replied', 'no', 'x']))}")
    headers.append("MIME-Version: 1.0")
    top = "\r\n".join(headers).encode("utf-8", "surrogateescape") + b"\r\n"
    return top + draw(mime_part)
