"""Crawl the served site the way a reader clicks through it: every page reached from ``/`` must
answer without a 4xx or 5xx, and no hostile value may appear as markup on any of them.

The database is real (``claims.store`` and the schema, through the fixtures of ``conftest``): the
hostile articles of ``tests/hostile.py`` (every article-derived value is HTML or a ``javascript:``
URL; two copies, so they form a quote cluster) and two ordinary articles that share a quote (a
second cluster, with a channel).

What the crawl follows and skips (to keep it bounded and about this site):

* it starts at ``/`` and follows every ``<a href>`` (parsed with :mod:`html.parser`) up to
  :data:`DEPTH` clicks deep, then the reading pages (``/<db>/-/speaker|claim|article|channel|
  cluster/<id>``) found on the pages fetched, one click further, because those pages are what the
  links added by the plugin lead to and they sit one click below the tables;
* it skips links off the site (another scheme or host), ``#fragment``-only links, and ``?_sort=``
  / ``?_sort_desc=`` variants of a table (the same rows in another order);
* it fetches at most :data:`MAX_PAGES` pages; the test fails if the cap is reached before the
  crawl is done, so that a growing site does not silently stop being crawled.

Every response must be below 400. Every HTML response must hold the hostile payloads only escaped:
none of them appears verbatim, and no ``<a href>`` points at ``javascript:``.
"""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import hostile
import pytest
from conftest import Quote, store_quoted_article

from claims import publish, store
from claims.store.provenance import rebuild_clusters

DEPTH = 2
MAX_PAGES = 400
READING_PAGE = re.compile(r"^/[^/]+/-/(?:speaker|claim|article|channel|cluster)/[0-9]+(?:\.json)?$")
SKIP_QUERY = re.compile(r"(?:^|&)_sort(?:_desc)?=")
PAYLOADS = ("<img src=x", "<script>alert(", "<svg onload", "<b>Evil</b>", "<a href=javascript")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def hrefs(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.hrefs


def same_site(base: str, href: str) -> str | None:
    """The site path (with query) ``href`` on page ``base`` leads to, or None when it is skipped."""
    url, _fragment = urldefrag(urljoin(f"http://localhost{base}", href.strip()))
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.netloc != "localhost" or not parts.path:
        return None
    if SKIP_QUERY.search(parts.query):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def crawl_path(tmp_path_factory) -> Path:
    path = hostile.build(tmp_path_factory.mktemp("crawl") / "claims.db")
    quote = Quote("Ann Lee", "Ann Lee", role="minister", channel="Reuters", channel_kind="news_agency",
                  content="the ceasefire would hold until Friday")
    with store.open_db(path) as database:
        store_quoted_article(database, "plain-1", [quote], published="2025-07-01", publisher="Example News")
        store_quoted_article(database, "plain-2", [quote], published="2025-07-03", publisher="Other Post")
        rebuild_clusters(database)
        assert database.execute("SELECT count(*) FROM quote_clusters").fetchone()[0] >= 2
    return path


async def crawl(ds) -> tuple[dict[str, int], dict[str, str]]:
    """Status of every page reached, and the text of every HTML page."""
    statuses: dict[str, int] = {}
    pages: dict[str, str] = {}
    frontier = ["/"]
    for depth in range(DEPTH + 2):  # DEPTH clicks from /, then one more to the reading pages only
        found: list[str] = []
        for path in frontier:
            if path in statuses:
                continue
            assert len(statuses) < MAX_PAGES, f"crawl cap of {MAX_PAGES} pages reached; raise it or skip more"
            response = await ds.client.get(path)
            statuses[path] = response.status_code
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            pages[path] = response.text
            for href in hrefs(response.text):
                target = same_site(path, href)
                if target and target not in statuses:
                    found.append(target)
        frontier = list(dict.fromkeys(found))
        if depth + 1 > DEPTH:  # the click past DEPTH: reading pages only
            frontier = [p for p in frontier if READING_PAGE.match(urlsplit(p).path)]
    return statuses, pages


def test_every_page_two_clicks_from_home_answers_and_shows_hostile_values_as_text(crawl_path):
    ds = publish.make_datasette(crawl_path)
    asyncio.run(ds.invoke_startup())
    statuses, pages = asyncio.run(crawl(ds))
    failed = {path: status for path, status in statuses.items() if status >= 400}
    assert not failed, failed
    reading = {path for path in statuses if READING_PAGE.match(urlsplit(path).path)}
    for kind in ("speaker", "claim", "article", "channel", "cluster"):  # the crawl reached every kind
        assert any(f"/-/{kind}/" in path for path in reading), kind
    for path, page in pages.items():
        for payload in PAYLOADS:
            assert payload not in page, (path, payload)
        assert not re.search(r"""<a\s[^>]*href\s*=\s*["']?\s*javascript:""", page, re.I), path
    # the hostile values were on the pages, as text
    assert any(hostile.SEARCH_WORD in page and "&lt;b&gt;Evil&lt;/b&gt;" in page for page in pages.values())
    print(f"crawled {len(statuses)} pages ({len(pages)} HTML, {len(reading)} reading pages)")


def test_links_off_the_site_and_sort_variants_are_skipped():
    assert same_site("/claims", "https://example.com/x") is None
    assert same_site("/claims", "javascript:alert(1)") is None
    assert same_site("/claims", "mailto:a@b.c") is None
    assert same_site("/claims/claims_view", "?_sort=speaker") is None
    assert same_site("/claims/claims_view", "?speaker_id=1&_sort_desc=id") is None
    assert same_site("/claims/claims_view", "/claims/-/claim/1#x") == "/claims/-/claim/1"
    assert same_site("/claims/claims_view", "?speaker_id=1") == "/claims/claims_view?speaker_id=1"
