"""Reading CMS download pages: the releases a product offers, newest last.

A page is read for its links only (``<a href>`` and the link text), so a redesign that
keeps the file names keeps working; one that renames them fails with a message that
names the page and the pattern."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from consultant.codes.importers.base import date_from_name
from consultant.codes.update.catalogue import CMS_ORIGIN, Product

USER_AGENT = "consultant-data-update/1 (+reference data loader)"
PAGE_TIMEOUT = 60.0


class UpdateError(Exception):
    """A network failure or a page that no longer looks as the catalogue expects."""


@dataclass(frozen=True)
class Offer:
    """One release of a product on the CMS pages: its archives (several for parts), or,
    until ``resolve`` reads it, the release's own page that links them."""

    product: str
    name: str
    effective: date | None
    urls: tuple[str, ...] = field(default=())
    page: str = ""


def fetch_page(url: str) -> str:
    """The text of a page, or UpdateError naming the URL and the reason."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=PAGE_TIMEOUT) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            return str(response.read().decode(charset, errors="replace"))
    except urllib.error.HTTPError as exc:
        raise UpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UpdateError(f"cannot reach {url}: {reason}") from exc


def links(html: str, page_url: str, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every link on a page to the site being read (CMS, or
    the mirror, where CMS links are moved): files are fetched from nowhere else."""
    soup = BeautifulSoup(html, "html.parser")
    site = urlsplit(base_url).netloc
    out = []
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if href.startswith("/") and not href.startswith("//"):
            # Relative to the site's root: the mirror's root may sit below a path.
            url = base_url.rstrip("/") + href
        else:
            url = on_mirror(urljoin(page_url, href), base_url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == site:
            out.append((url, " ".join(anchor.get_text(" ").split())))
    return out


def on_mirror(url: str, base_url: str) -> str:
    """A www.cms.gov URL rewritten to the mirror's origin when one is configured."""
    parts, cms, base = urlsplit(url), urlsplit(CMS_ORIGIN), urlsplit(base_url)
    if parts.netloc == cms.netloc and base.netloc != cms.netloc:
        path = base.path.rstrip("/") + parts.path
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
    return url


def discover(product: Product, base_url: str) -> list[Offer]:
    """Every release the product's page offers, oldest first. Raises UpdateError.

    Where each release has its own page (``follow``), that page is read only by
    ``resolve``, for the releases chosen: the PFS page lists fifteen years of them."""
    page_url = base_url.rstrip("/") + product.page
    found = links(fetch_page(page_url), page_url, base_url)
    pattern = product.follow or product.file
    hits = _matching(found, pattern)
    if not hits:
        raise UpdateError(
            f"{page_url}: no link matches {pattern.pattern!r}; the page layout may have "
            "changed (see CONSULTANT_DATA_CATALOGUE)"
        )
    if product.follow is None:
        return _offers(product, hits)
    offers: dict[date | None, Offer] = {}
    for url, groups in hits:
        when = _dated(product, groups, url)
        name = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
        # Two pages for one quarter (a corrected re-issue): the first listed is taken.
        offers.setdefault(when, Offer(product.name, name[:100], when, page=url))
    return sorted(offers.values(), key=lambda o: o.effective or date.min)


def resolve(product: Product, offer: Offer, base_url: str) -> Offer:
    """The offer with its archive URLs, reading the release's own page if it has one."""
    if not offer.page:
        return offer
    found = links(fetch_page(offer.page), offer.page, base_url)
    urls = tuple(sorted(url for url, _ in _matching(found, product.file)))
    if not urls:
        raise UpdateError(
            f"{offer.page}: no archive link matches {product.file.pattern!r}; "
            "the page layout may have changed (see CONSULTANT_DATA_CATALOGUE)"
        )
    return Offer(offer.product, offer.name, offer.effective, urls)


def _matching(
    found: list[tuple[str, str]], pattern: re.Pattern[str]
) -> list[tuple[str, dict[str, str]]]:
    """Links whose path (or, failing that, text) matches, with the pattern's named groups."""
    out: list[tuple[str, dict[str, str]]] = []
    seen = set()
    for url, text in found:
        path = unquote(urlsplit(url).path)
        hit = pattern.search(path) or pattern.search(text)
        if hit is None or url in seen:
            continue
        seen.add(url)
        groups = {k: v for k, v in hit.groupdict().items() if v}
        out.append((url, groups))
    return out


def _offers(product: Product, archives: list[tuple[str, dict[str, str]]]) -> list[Offer]:
    by_date: dict[date | None, list[str]] = defaultdict(list)
    for url, groups in archives:
        by_date[_dated(product, groups, url)].append(url)
    offers = [
        Offer(product.name, _release_name(product, when, urls), when, tuple(sorted(urls)))
        for when, urls in by_date.items()
    ]
    return sorted(offers, key=lambda o: o.effective or date.min)


def _dated(product: Product, groups: dict[str, str], url: str) -> date | None:
    if not product.dated:
        return None
    when = effective_date(groups, url)
    if when is None:
        raise UpdateError(f"{url}: no effective date in the link for {product.name}")
    return when


def _release_name(product: Product, when: date | None, urls: list[str]) -> str:
    first = unquote(urlsplit(sorted(urls)[0]).path).rsplit("/", 1)[-1]
    stem = first.rsplit(".", 1)[0]
    if len(urls) > 1:
        return f"{product.name} {when.isoformat() if when else ''} ({len(urls)} parts)".strip()
    return stem[:100]


_MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}


def effective_date(groups: dict[str, str], url: str = "") -> date | None:
    """The date named by a link's pattern groups (see catalogue.toml), else by its name."""
    if "date" in groups:
        value = groups["date"].lower()
        spelled = re.fullmatch(r"([a-z]+)-(\d{1,2})-(20\d\d)", value)
        if spelled and spelled.group(1) in _MONTHS:
            return date(int(spelled.group(3)), _MONTHS[spelled.group(1)], int(spelled.group(2)))
        return date_from_name(value)
    year = int(groups["year"]) if "year" in groups else None
    if year is None and "yy" in groups:
        year = 2000 + int(groups["yy"])
    if year is None:
        return date_from_name(unquote(urlsplit(url).path)) if url else None
    if "quarter" in groups or "q" in groups:
        quarter = (
            int(groups["quarter"])
            if "quarter" in groups
            else "abcd".index(groups["q"][0].lower()) + 1
        )
        return date(year, 3 * quarter - 2, 1)
    month = groups.get("month", "1").lower()
    number = (
        int(month) if month.isdigit() else _MONTHS.get(month) or _MONTHS_BY_ABBREVIATION[month[:3]]
    )
    return date(year, number, int(groups.get("day", "1")))


_MONTHS_BY_ABBREVIATION = {name[:3]: i for name, i in _MONTHS.items()}
