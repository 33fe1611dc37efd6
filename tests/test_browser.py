"""A fact-checker's flow in a real browser: Debian's Chromium driven by Playwright against
``claims serve`` on 127.0.0.1 (Datasette with the packaged metadata and plugins).

search a quote -> open the speaker's page -> download that speaker's claims as CSV; and the
claims-over-time dashboard draws its charts. Then a database whose every article value is hostile
markup: on every page a user reaches, no script runs, no injected element exists, and the values
show as text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urljoin

import hostile
import pytest

from claims import publish

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(db_path: Path):
    """`claims serve DB` on a free local port, as a user runs it; yields its base URL."""
    port = free_port()
    # not a pipe: the request log would fill it and stall the server; closed in the finally below
    log = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "claims", "serve", str(db_path), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    process.kill()
                    log.seek(0)
                    raise RuntimeError(f"claims serve did not start: {log.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def server(populated_path: Path):
    with serving(populated_path) as base:
        yield base


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "Chromium is required in CI (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_search_a_quote_open_the_speaker_and_download_the_csv(server, page):
    # 1. Search the claims for a word of the quote with the table's search box.
    page.goto(f"{server}/claims/claims_view")
    page.fill("input[name=_search]", "slowed")
    page.press("input[name=_search]", "Enter")
    page.wait_for_load_state()
    assert "_search=slowed" in page.url
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 1
    # 2. The speaker's name links to the speaker page.
    link = rows.first.locator("td.col-speaker a")
    speaker = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert "/claims/speaker?speaker_id=" in page.url
    assert "Speaker page" in page.content()
    cells = page.locator("table.rows-and-columns tbody td.col-speaker")
    assert cells.count() >= 1 and {cells.nth(i).inner_text() for i in range(cells.count())} == {speaker}
    # 3. The page's CSV link gives that speaker's claims, and only theirs.
    href = page.locator("a[href*='.csv']").first.get_attribute("href")
    response = page.request.get(urljoin(page.url, href))
    assert response.ok and "speaker_id=" in href
    text = response.text()
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == cells.count()
    assert {r["speaker"] for r in records} == {speaker}
    assert all(r["claim"] for r in records)


def test_search_all_lists_matching_claims(server, page):
    page.goto(f"{server}/-/search?q=slowed")
    results = page.wait_for_selector("#search-all-results table", timeout=15000)
    assert "slowed" in results.inner_text()


def test_dashboard_draws_the_claims_over_time_charts(server, page):
    page.goto(f"{server}/-/dashboards/claims-over-time")  # opens on the busiest speaker and channel
    page.wait_for_selector("#card-speaker-claims svg, #card-speaker-claims canvas", timeout=20000)
    assert page.locator(".vega-embed").count() >= 2


# -- a database of hostile articles ---------------------------------------------------------------

METADATA = json.loads(publish.metadata_path().read_text(encoding="utf-8"))

# Elements or attributes that exist only if a hostile value was rendered as markup. (The hostile
# <b>Evil</b> is checked apart: a b element holding "Evil".)
INJECTED = "img[src='x'], svg[onload], [onerror], [onload], a[href^='javascript:' i], script:not([src])"

# Pages and the hostile values each must show as visible text.
SHOWN = {
    "/claims/articles": [hostile.PUBLISHER, hostile.URL, hostile.AUTHOR, hostile.TITLE],
    "/claims/claims_view": [hostile.SPEAKER, hostile.CHANNEL, hostile.ROLE, hostile.AFFILIATION],
    "/claims/claims_readable": [hostile.SPEAKER, hostile.CHANNEL, hostile.ROLE],
    "/claims/articles/1": [hostile.LEAD, hostile.URL],
    "/claims/ingest_errors": [hostile.ERROR_SOURCE],
    "/claims/search_claims?q=Evil": ["[Evil]"],
}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    with serving(hostile.build(tmp_path_factory.mktemp("hostile") / "claims.db")) as base:
        yield base


def first(base: str, sql: str):
    url = f"{base}/claims.json?_shape=array&sql={quote(sql)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return next(iter(json.load(response)[0].values()))


def injected(page) -> list[str]:
    """Elements on the page made from hostile markup, as HTML."""
    found = page.locator(INJECTED).evaluate_all(
        "els => els.filter(e => e.tagName !== 'SCRIPT' || /^\\s*alert\\(/.test(e.textContent))"
        ".map(e => e.outerHTML.slice(0, 200))")
    return found + page.locator("b", has_text="Evil").evaluate_all("els => els.map(e => e.outerHTML)")


def test_hostile_values_never_run_or_render_as_markup(hostile_server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    paths = hostile.pages(lambda sql: first(hostile_server, sql), METADATA)
    for path in paths:
        response = page.goto(hostile_server + path)
        assert response.ok, f"{path}: {response.status}"
        if path.startswith("/-/dashboards/"):
            # The charts fetch their data after the page loads: wait until each one is drawn.
            page.wait_for_function("[...document.querySelectorAll('.dashboard-card-chart, .chart-container')]"
                                   ".every(c => c.querySelector('svg, canvas'))", timeout=20000)
        if path.startswith("/-/search?"):  # the results too: wait until every table has answered
            page.wait_for_selector("#search-all-results table", timeout=15000)
            page.wait_for_function("[...document.querySelectorAll('li[data-searchable-url]')]"
                                   ".every(li => li.style.display === 'none')", timeout=15000)
        # Other pages are drawn by the server: an injected element would be in the DOM at load.
        assert not dialogs, f"{path}: a script from an article ran: {dialogs}"
        assert not injected(page), f"{path}: article markup became elements: {injected(page)}"
        text = page.inner_text("body")
        for value in SHOWN.get(path, []):
            assert value in text, f"{path} does not show {value!r} as text"
    assert len(paths) > 30


def test_dashboard_bars_name_hostile_speakers_as_text(hostile_server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_server}/-/dashboards/claims-over-time")
    bar = page.locator("#chart-top-speakers .mark-rect path").first
    bar.wait_for(timeout=20000)
    labels = page.locator("#chart-top-speakers svg.marks text").all_text_contents()
    assert any(label.startswith("<img src=x") for label in labels), f"no speaker name drawn as text: {labels}"
    bar.hover()  # vega's tooltip is HTML: its values must be escaped there too
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert hostile.SPEAKER in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    assert not dialogs and not injected(page)


def test_claims_view_links_to_the_speaker_reading_page(server, page, populated_path, tmp_path):
    import sqlite3

    with sqlite3.connect(populated_path) as conn:
        names = dict(conn.execute("SELECT id, name FROM speakers"))
    page.goto(f"{server}/claims/claims_view")
    link = page.locator("table.rows-and-columns tbody td.col-speaker_id a").first
    speaker_id = int(link.inner_text())
    link.click()
    page.wait_for_load_state()
    assert page.url == f"{server}/claims/-/speaker/{speaker_id}"
    assert page.locator("h1").inner_text() == names[speaker_id]
    shot = tmp_path / "speaker-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    # and on to one of the speaker's claims: its content is marked
    page.locator("a.claim").first.click()
    page.wait_for_load_state()
    assert "/claims/-/claim/" in page.url
    assert page.locator("blockquote.claim-sentence mark.claim-content").count() >= 1


# A claim as long as a news sentence often is (about 45 words).
LONG_CLAIM = ("the talks had slowed over the past week because neither delegation was willing to move first on "
              "the question of sanctions relief, and that officials on both sides expected another round in "
              "Geneva before the end of the month if the foreign ministers could agree on a date")


def test_the_readable_view_reads_at_a_laptop_width(server, page, populated_path, tmp_path):
    import sqlite3

    with sqlite3.connect(populated_path) as conn:
        first_id = conn.execute("SELECT claim_id FROM claims_readable LIMIT 1").fetchone()[0]
        conn.execute("UPDATE claims SET text = ? WHERE id = ?", [LONG_CLAIM, first_id])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/claims/claims_readable")
    assert page.locator("h1").inner_text() == "Claims (view)"
    headers = page.locator("table.rows-and-columns thead th").evaluate_all("els => els.map(e => e.className)")
    assert [h.removeprefix("col-").split()[0] for h in headers] == [
        "claim", "speaker", "speaker_type", "role", "channel", "cue", "type", "hedged", "date", "outlet",
        "claim_id", "speaker_id", "article_id"]
    claim = page.locator("table.rows-and-columns tbody tr").first.locator("td.col-claim")
    assert claim.inner_text() == LONG_CLAIM
    claim_box = claim.bounding_box()
    row_box = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
    search_box = page.locator("input[name=_search]").bounding_box()
    shot = tmp_path / "claims-readable.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    assert claim_box["width"] >= 300, f"claim column {claim_box['width']:.0f} px wide ({shot})"
    assert row_box["height"] < 150, f"first row {row_box['height']:.0f} px tall ({shot})"
    assert search_box["y"] < 600, f"search box {search_box['y']:.0f} px down the page ({shot})"
    # the speaker's name opens the speaker's reading page
    page.locator("table.rows-and-columns tbody td.col-speaker a").first.click()
    page.wait_for_load_state()
    assert "/claims/-/speaker/" in page.url


SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def test_reading_page_screenshots_of_the_seed_article(tmp_path, page):
    """The seed article ingested for real (bundled model), served, and its speaker (Sinem
    Koseoglu), a claim of hers and the article page photographed at 1280x900 into
    docs/screenshots/{speaker,claim,article}.png, the images README shows: rerunning this test
    keeps them true to the pages."""
    import sqlite3

    from data_paths import SEED_TEXT

    import claims

    db_path = tmp_path / "claims.db"
    claims.ingest([str(SEED_TEXT)], str(db_path))
    with sqlite3.connect(db_path) as conn:
        (speaker_id,) = conn.execute("SELECT id FROM speakers WHERE name = 'Sinem Koseoglu'").fetchone()
        claim_id, article_id = conn.execute(
            "SELECT id, article_id FROM claims WHERE speaker_id = ? AND cue IS NOT NULL ORDER BY id LIMIT 1",
            [speaker_id]).fetchone()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with serving(db_path) as base:
        for name, path, heading in (("speaker", f"/claims/-/speaker/{speaker_id}", "Sinem Koseoglu"),
                                    ("claim", f"/claims/-/claim/{claim_id}", None),
                                    ("article", f"/claims/-/article/{article_id}", None)):
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            if heading:
                assert page.locator("h1").inner_text() == heading
            assert page.locator("mark").count() > 0 or name == "speaker", path
            shot = SCREENSHOTS / f"{name}.png"
            page.screenshot(path=str(shot))  # the first screen a reader sees, 1280x900
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000, shot
