"""Publishing a database of untrusted articles: values stay text, every page answers, `claims serve`
fails cleanly and leaves nothing running when it is stopped.

The browser half (scripts that would run, elements that would render) is in test_browser.py; here
the served HTML is checked in-process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import hostile
import pytest
from click.testing import CliRunner
from markupsafe import Markup

from claims import datasette_plugin, publish
from claims.cli import cli

METADATA = json.loads(publish.metadata_path().read_text(encoding="utf-8"))
TABLES = METADATA["databases"]["claims"]["tables"]
QUERIES = METADATA["databases"]["claims"]["queries"]
DASHBOARDS = METADATA["plugins"]["datasette-dashboards"]

# The raw markup of every hostile value: none of it may reach a page unescaped.
PAYLOADS = [hostile.PUBLISHER, hostile.TITLE, hostile.AUTHOR, hostile.SPEAKER, hostile.CHANNEL, hostile.ROLE,
            hostile.AFFILIATION, hostile.LEAD, hostile.CLAIM, hostile.ERROR_SOURCE, "<b>Evil</b>",
            "<script>alert(", "<img src=x", "<svg onload"]


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory) -> Path:
    return hostile.build(tmp_path_factory.mktemp("hostile") / "claims.db")


@pytest.fixture(scope="module")
def ds(hostile_path):
    datasette = publish.make_datasette(hostile_path)
    asyncio.run(datasette.invoke_startup())
    return datasette


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def objects(path: Path) -> dict[str, list[str]]:
    """Every table and view Datasette serves (FTS shadow tables left out), with its columns."""
    with sqlite3.connect(path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
                 if not row[0].startswith(("claims_fts", "speakers_fts", "sqlite_"))]
        return {name: [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")] for name in names}


def first(ds, sql: str):
    """The first value of the first row ``sql`` gives on the served database."""
    return next(iter(get(ds, "/claims.json?_shape=array&sql=" + quote(sql)).json()[0].values()))


# -- values from articles are text -------------------------------------------------------------------


def test_every_page_shows_article_values_escaped(ds):
    for path in hostile.pages(lambda sql: first(ds, sql), METADATA):
        response = get(ds, path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        html = response.text
        for payload in PAYLOADS:
            assert payload not in html, f"{path} holds the raw markup {payload!r}"
        assert not re.search(r"""<a\s[^>]*href\s*=\s*["']?\s*javascript:""", html, re.I), f"{path} links to javascript:"


def test_hostile_values_are_shown_as_text(ds):
    html = get(ds, "/claims/articles").text
    assert str(Markup.escape(hostile.PUBLISHER)) in html and str(Markup.escape(hostile.URL)) in html
    html = get(ds, "/claims/claims_view").text
    assert str(Markup.escape(hostile.SPEAKER)) in html and str(Markup.escape(hostile.CHANNEL)) in html


def test_render_cell_escapes_the_name_and_links_by_number(ds, hostile_path, tmp_path):
    row = {"speaker_id": 7, "channel_id": 8}
    html = datasette_plugin.render_cell(row=row, value=hostile.SPEAKER, column="speaker", table="claims_view",
                                        database="claims", datasette=ds)
    assert html == Markup('<a href="/claims/speaker?speaker_id=7">{}</a>').format(hostile.SPEAKER)
    assert "<img" not in html
    # A database file name is no way in either: it is encoded into the link's path.
    odd = tmp_path / 'news "><b>x.db'
    odd.write_bytes(hostile_path.read_bytes())
    odd_ds = publish.make_datasette(odd)
    html = datasette_plugin.render_cell(row=row, value="Reuters", column="channel", table="claims_view",
                                        database=publish.database_name(odd), datasette=odd_ds)
    assert html.startswith('<a href="/news+~22~3E~3Cb~3Ex/channel?channel_id=8">') and html.endswith(">Reuters</a>")


@pytest.mark.parametrize("target_id", ["<img src=x onerror=alert(1)>", "7 or 1", 2.5, b"7", None])
def test_render_cell_gives_no_link_for_an_id_that_is_not_a_whole_number(ds, target_id):
    # A query or a plugin may put anything in speaker_id: that cell keeps Datasette's own escaped
    # rendering instead of failing the page or building a link from it.
    row = {"speaker_id": target_id}
    assert datasette_plugin.render_cell(row=row, value=hostile.SPEAKER, column="speaker", table="claims_view",
                                        database="claims", datasette=ds) is None
    response = get(ds, "/claims/speakers")  # and the pages still render
    assert response.status_code == 200


def test_dashboard_charts_draw_values_as_text():
    # datasette-dashboards' table, metric and map charts put each value into innerHTML, so a name
    # from an article would run as markup there; vega and vega-lite draw text with SVG text nodes
    # and escape their tooltips.
    for slug, dashboard in DASHBOARDS.items():
        for name, chart in dashboard["charts"].items():
            assert chart["library"] in ("vega", "vega-lite"), f"{slug}/{name} is a {chart['library']} chart"


# -- every page answers ------------------------------------------------------------------------------


def test_every_column_of_every_table_and_view_sorts(ds, hostile_path):
    for name, columns in objects(hostile_path).items():
        for column in columns:
            for sort in ("_sort", "_sort_desc"):
                response = get(ds, f"/claims/{name}.json?{sort}={quote(column)}&_size=2")
                assert response.status_code == 200, f"{name}?{sort}={column}: {response.text[:300]}"


def test_articles_sort_by_url_in_the_page(ds):
    assert get(ds, "/claims/articles?_sort=url").status_code == 200


def test_search_claims_opened_before_typing_shows_no_error(ds):
    for path in ("/claims/search_claims", "/claims/search_claims?q=", "/claims/search_claims?q=%20%20"):
        response = get(ds, path)
        assert response.status_code == 200, f"{path}: {response.text[:300]}"
    assert get(ds, "/claims/search_claims.json?_shape=array").json() == []


@pytest.mark.parametrize("words", ['"', '"""', '"has slowed', "AND", "a AND", "OR NOT", "NOT slowed", "*", "-", "+",
                                  "slowed*", "^slowed", "NEAR(a b)", "(", ")", "claim:x", "a-b", "'", ";", "\\"])
def test_search_claims_takes_any_text_as_words(ds, words):
    response = get(ds, "/claims/search_claims.json?_shape=array&q=" + quote(words))
    assert response.status_code == 200, f"{words!r}: {response.text[:300]}"


def test_search_claims_matches_words_and_phrases(populated_path):
    ds = publish.make_datasette(populated_path)

    def search(words: str) -> list:
        response = asyncio.run(ds.client.get("/claims/search_claims.json?_shape=array&q=" + quote(words)))
        assert response.status_code == 200, response.text
        return response.json()

    assert len(search("slowed")) == 6  # three claims in each of the two articles
    assert len(search("momentum slowed")) == 2  # every word must match
    assert len(search('"momentum has slowed"')) == 2  # a quoted phrase
    assert search('"slowed momentum"') == []  # ... in its order
    assert search("momentum OR acceleration") == []  # OR is a word to match here, not an operator
    assert all("[momentum]" in row["snippet"] for row in search("momentum"))


# -- claims serve -------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"just some notes\n", b"", "sqlite"])
def test_serve_refuses_a_file_that_is_not_a_claims_database(tmp_path, content):
    path = tmp_path / "notes.db"
    if content == "sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE sales (id INTEGER)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    # --get answers one request and returns: a server that wrongly starts does not hang the test
    result = CliRunner().invoke(cli, ["serve", str(path), "--get", "/-/versions.json"])
    assert isinstance(result.exception, SystemExit), f"{result.exception!r} escaped: {result.output}"
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and str(path) in result.output
    assert path.read_bytes() == before  # serving never writes a schema into somebody's file


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
        return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Processes started by ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_stopping_claims_serve_stops_the_server(hostile_path, stop, tmp_path):
    port = free_port()
    # TMPDIR: the metadata file a SIGKILL leaves behind stays in this test's folder
    process = subprocess.Popen([sys.executable, "-m", "claims", "serve", str(hostile_path), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                               env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        deadline = time.time() + 60
        while not answers(port):
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.time() < deadline, "claims serve did not answer within 60 s"
            time.sleep(0.2)
        left = children(process.pid)
        assert left == [], f"claims serve runs the server in child processes {left}: they outlive a kill"
        process.send_signal(stop)
        process.wait(timeout=10)
        deadline = time.time() + 5
        while answers(port) and time.time() < deadline:
            time.sleep(0.2)
        assert not answers(port), f"port {port} still answers after {stop.name}"
        if stop != signal.SIGKILL:  # a process stopped gracefully removes its temporary metadata
            assert not list(tmp_path.glob("claims-serve-*")), "claims serve left its metadata file behind"
    finally:
        # Whatever happened, nothing this test started stays behind: its whole session goes.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
