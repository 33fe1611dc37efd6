"""A fact-checker's flow in a real browser: Debian's Chromium driven by Playwright against
``datasette serve`` on 127.0.0.1 with the packaged metadata and plugins.

search a quote -> open the speaker's page -> download that speaker's claims as CSV; and the
claims-over-time dashboard draws its charts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from urllib.parse import urljoin
from pathlib import Path

import pytest

from claims import publish

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(populated_path: Path, tmp_path: Path):
    """datasette serve on a free local port; yields its base URL."""
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps(publish.metadata_for(populated_path)), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(publish.serve_command(populated_path, "127.0.0.1", port, metadata=metadata),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                raise RuntimeError(f"datasette did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=10)


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
    page.goto(f"{server}/-/dashboards/claims-over-time?speaker_id=1&channel_id=1")
    page.wait_for_selector("#card-speaker-claims svg, #card-speaker-claims canvas", timeout=20000)
    assert page.locator(".vega-embed").count() >= 2
