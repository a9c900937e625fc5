"""Stored XSS: vectors from public cheat sheets (OWASP's filter-evasion list, PortSwigger's)
in subjects, display names, text and HTML bodies, attachment names, drafts and quarantine
reasons, rendered in headless Chromium: no dialog, no request off the host, no element or
handler the page did not put there itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, Route, sync_playwright
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from consultant.config import get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from consultant.models import Case, Draft, InboundMail, Reviewer
from consultant.review.passwords import hash_password
from consultant.review.web import create_app
from tests.servers import free_port, wait_port
from tests.test_end_to_end import CHROMIUM_ARGS

pytestmark = pytest.mark.integration

VECTORS = [
    line
    for line in (Path(__file__).parent / "data" / "xss_vectors.txt").read_text().splitlines()
    if line.strip()
]
PASSWORD = "a long and right password"

# Elements and attributes the workspace never writes itself: finding one means markup
# from the mail got through.
_INJECTED = """() => {
  const banned = new Set(['script','iframe','frame','frameset','object','embed','base','svg',
    'math','img','video','audio','source','marquee','details','isindex','keygen','bgsound',
    'xss','x','applet','link','meta','style','noscript','template']);
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const inHead = el.closest('head') !== null;
    // The workspace's own: its stylesheet and script from /static/, and the disclosure
    // widgets it marks data-workspace (the sanitizer removes every data- attribute).
    const ownFile = (attr) => (el.getAttribute(attr) || '').startsWith('/static/');
    const ours = (inHead && ((tag === 'style' && !el.attributes.length) ||
      (tag === 'meta' && !el.hasAttribute('http-equiv')) ||
      (tag === 'script' && ownFile('src') && !el.textContent.trim()) ||
      (tag === 'link' && el.getAttribute('rel') === 'stylesheet' && ownFile('href')))) ||
      (tag === 'details' && el.hasAttribute('data-workspace'));
    if (banned.has(tag) && !ours) found.push('<' + tag + '>');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(tag + '@' + name);
      if (['href','src','action','formaction','data','background','dynsrc','lowsrc'].includes(name)
          && /^\\s*(javascript|vbscript|data):/i.test(attr.value)) found.push(tag + '@' + name);
    }
  }
  return found;
}"""


def _mail(index: int, vector: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = Address(display_name=vector[:200], addr_spec=f"coder{index}@clinic.example")
    msg["To"] = "consult@localhost"
    msg["Subject"] = vector.replace("\t", " ")
    msg["Message-ID"] = f"<xss.{index}@clinic.example>"
    msg.set_content(f"Question about 96523.\n{vector}\n")
    msg.add_alternative(f"<p>Question about 96523.</p>{vector}", subtype="html")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=f"{vector}.pdf")
    return bytes(msg)


def _load(session: Session) -> list[int]:
    settings = get_settings()
    cases = []
    for index, vector in enumerate(VECTORS):
        stored = store_inbound(session, _mail(index, vector), "smtp")
        session.flush()
        outcome = process_inbound(session, stored.inbound_id, settings)
        if outcome.case_id is None:  # a display name that breaks From: quarantined, shown there
            assert outcome.status == "quarantined", outcome
            continue
        cases.append(outcome.case_id)
        session.add(
            Draft(  # after the drafter's own (version 1): the newest, the one shown
                case_id=outcome.case_id,
                version=2,
                author="drafter",
                subject=f"Re: {vector}",
                body_text=vector,
                analysis={
                    "codes": [{"code": vector[:20], "system": vector, "description": vector}]
                },
            )
        )
    session.execute(update(Case).values(status="awaiting_review", requester_name=VECTORS[0]))
    for row in session.scalars(select(InboundMail).where(InboundMail.id % 10 == 0)):
        row.status, row.reason = "quarantined", VECTORS[row.id % len(VECTORS)]
    session.add(Reviewer(email="r@clinic.example", password_hash=hash_password(PASSWORD)))
    session.commit()
    assert len(cases) >= 100
    return cases


@pytest.fixture
def workspace(session: Session) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_port(port)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_xss_vectors_never_run(session: Session, workspace: str) -> None:
    assert len(VECTORS) >= 100
    case_ids = _load(session)
    host = urlsplit(workspace).netloc
    dialogs: list[str] = []
    off_host: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc != host:
            off_host.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page: Page = browser.new_page()
        page.route("**/*", guard)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{workspace}/login")
        page.fill("#email", "r@clinic.example")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{workspace}/")
        paths = ["/", "/quarantine"]
        paths += [f"/cases/{cid}" for cid in case_ids]
        paths += [f"/cases/{cid}?original=1" for cid in case_ids[::3]]
        injected: dict[str, list[str]] = {}
        for path in paths:
            page.goto(f"{workspace}{path}")
            page.wait_for_load_state("load")
            found = page.evaluate(_INJECTED)
            if found:
                injected[path] = found
        time.sleep(0.5)  # a late timer or lazy load would show up here
        # The detectors themselves work: the same vectors unescaped are caught.
        probe = browser.new_page()
        probe.set_content("<main>" + "".join(VECTORS[:10]) + "</main>")
        caught = probe.evaluate(_INJECTED)
        browser.close()
    assert "<script>" in caught and any(c.startswith("img@on") for c in caught)
    assert dialogs == []
    assert off_host == []
    assert injected == {}
