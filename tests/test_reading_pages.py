"""The reading pages (claims.reading, routed by the Datasette plugin): /<db>/-/speaker/<id>,
/<db>/-/claim/<id>, /<db>/-/article/<id>, /<db>/-/channel/<id> and /<db>/-/cluster/<id>, each also as .json, on real claims databases served
in-process by Datasette's test client."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
import sqlite3
from pathlib import Path

import hostile
import pytest
from conftest import Quote, store_quoted_article
from markupsafe import escape

from claims import datasette_plugin, publish, reading, store


def serve(path: Path):
    ds = publish.make_datasette(path)
    asyncio.run(ds.invoke_startup())
    return ds


def get(ds, url: str):
    return asyncio.run(ds.client.get(url))


def select(path: Path, sql: str, params=()) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def heading(page: str) -> str:
    (h1,) = re.findall(r"<h1>(.*?)</h1>", page, re.S)
    return html.unescape(h1)


def marked(page: str, role: str, block: str = "claim-sentence") -> list[str]:
    """The text of every <mark class="claim-<role>"> inside the block of class ``block``."""
    (inside,) = re.findall(rf'<[a-z]+ class="[^"]*\b{block}\b[^"]*">(.*?)</(?:blockquote|p|div)>', page, re.S)
    return [html.unescape(text) for text in re.findall(rf'<mark class="[^"]*\bclaim-{role}\b[^"]*">(.*?)</mark>',
                                                       inside, re.S)]


def links(page: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/claims/-/(?:speaker|claim|article|channel|cluster)/[0-9]+)"', page)))


@pytest.fixture
def ds(populated_path):
    return serve(populated_path)


# -- speaker page ------------------------------------------------------------------------------------


def test_speaker_page_shows_the_speaker_and_their_claims(ds, populated_path):
    speaker = select(populated_path, "SELECT * FROM speakers WHERE speaker_type = 'person' "
                                     "ORDER BY claim_count DESC LIMIT 1")[0]
    claims = select(populated_path, "SELECT id, text FROM claims WHERE speaker_id = ?", [speaker["id"]])
    response = get(ds, f"/claims/-/speaker/{speaker['id']}")
    assert response.status_code == 200
    page = response.text
    assert heading(page) == speaker["name"] == "Sinem Koseoglu"
    assert f"Sinem Koseoglu is a person, quoted in {len(claims)} claims in 2 articles" in page
    assert "reporter" in page and "Al Jazeera" in page  # role, affiliation, channel seen
    assert f"Showing {len(claims)} of {len(claims)} claims" in page
    assert 'claims-by-month"' in page and "2025-07" in page and "<svg" in page
    listed = re.findall(r'<a class="claim" href="/claims/-/claim/([0-9]+)">', page)
    assert sorted(map(int, listed)) == sorted(c["id"] for c in claims)
    for url in links(page):
        assert get(ds, url).status_code == 200, url
    data = get(ds, f"/claims/-/speaker/{speaker['id']}.json").json()
    assert data["name"] == speaker["name"] and data["claim_count"] == len(claims)
    assert [c["id"] for c in data["claims"]] == [int(i) for i in listed]


def test_speaker_type_is_in_words(db_path):
    with store.open_db(db_path) as database:
        store_quoted_article(database, "a", [Quote("Officials", None, speaker_type="anonymous_person")])
    ds = serve(db_path)
    (speaker,) = select(db_path, "SELECT id FROM speakers WHERE speaker_type = 'anonymous_person'")
    page = get(ds, f"/claims/-/speaker/{speaker['id']}").text
    assert "is an anonymous person, quoted in 1 claim in 1 article" in page
    assert "anonymous_person" not in page


def test_a_long_claim_list_is_capped_and_the_csv_has_every_claim(ds, populated_path, monkeypatch):
    monkeypatch.setattr(reading, "LIST_LIMIT", 3)
    page = get(ds, "/claims/-/speaker/1").text
    total = select(populated_path, "SELECT count(*) FROM claims WHERE speaker_id = 1")[0][0]
    assert total > 3
    assert f"Showing 3 of {total} claims" in page and "all of them as CSV" in page
    assert len(re.findall(r'<a class="claim" href=', page)) == 3
    (csv_url,) = set(re.findall(r'href="([^"]*claims_view\.csv[^"]*)"', page))
    response = get(ds, html.unescape(csv_url))
    assert response.status_code == 200
    records = list(csv.DictReader(io.StringIO(response.text)))
    assert len(records) == total and {r["speaker_id"] for r in records} == {"1"}


# -- claim page --------------------------------------------------------------------------------------


def test_claim_page_marks_exactly_the_stored_spans(ds, populated_path):
    rows = select(populated_path, """SELECT c.*, a.text AS article_text FROM claims AS c
                                     JOIN articles AS a ON a.id = c.article_id WHERE c.cue IS NOT NULL""")
    assert len(rows) == 6
    for row in rows:
        text = row["article_text"]
        response = get(ds, f"/claims/-/claim/{row['id']}")
        assert response.status_code == 200
        page = response.text
        assert marked(page, "content") == [text[row["content_start"]:row["content_end"]]] == [row["text"]]
        assert marked(page, "cue") == [text[row["cue_start"]:row["cue_end"]]]
        assert marked(page, "source") == [text[row["source_start"]:row["source_end"]]]
        assert heading(page) == row["text"]
        speaker = select(populated_path, "SELECT name FROM speakers WHERE id = ?", [row["speaker_id"]])[0][0]
        assert f'<a href="/claims/-/speaker/{row["speaker_id"]}">{escape(speaker)}</a>' in page
        assert "test-extractor-1" in page and "test-model-1" in page
        assert marked(page, "content", "claim-paragraph") == [row["text"]]  # and in its paragraph


def test_claim_page_lists_its_quote_cluster(ds, populated_path):
    (member,) = select(populated_path, "SELECT * FROM cluster_claims WHERE position = 1 LIMIT 1")
    others = select(populated_path, "SELECT claim_id FROM cluster_claims WHERE cluster_id = ? AND claim_id != ?",
                    [member["cluster_id"], member["claim_id"]])
    assert others
    page = get(ds, f"/claims/-/claim/{member['claim_id']}").text
    appearances = re.findall(r'<a class="appearance" href="(/claims/-/claim/[0-9]+)">', page)
    assert {f"/claims/-/claim/{o['claim_id']}" for o in others} <= set(appearances)
    for url in appearances:
        assert get(ds, url).status_code == 200
    narrator = select(populated_path, "SELECT id FROM claims WHERE claim_type = 'narrator' LIMIT 1")[0][0]
    assert "not part of a quote cluster" in get(ds, f"/claims/-/claim/{narrator}").text


# -- article page ------------------------------------------------------------------------------------


def test_article_page_marks_every_attribution_and_links_it(ds, populated_path):
    (article,) = select(populated_path, "SELECT * FROM articles WHERE id = 1")
    attributed = select(populated_path, "SELECT id, text FROM claims WHERE article_id = 1 AND cue IS NOT NULL")
    page = get(ds, "/claims/-/article/1").text
    assert heading(page) == article["title"]
    assert "Published by Example News on 2025-07-01, by A. Writer" in page
    assert f'<a href="{article["url"]}" rel="noopener noreferrer nofollow">' in page
    assert sorted(marked(page, "content", "article-text")) == sorted(c["text"] for c in attributed)
    linked = set(re.findall(r'<a class="claim-link" href="/claims/-/claim/([0-9]+)">', page))
    assert linked == {str(c["id"]) for c in attributed}
    for url in links(page):
        assert get(ds, url).status_code == 200, url
    data = get(ds, "/claims/-/article/1.json").json()
    assert data["text"] == article["text"] and len(data["claims"]) == 4


# -- channel page ------------------------------------------------------------------------------------


def test_channel_page_shows_the_channel_its_speakers_and_claims(ds, populated_path):
    (channel,) = select(populated_path, "SELECT * FROM channels WHERE name = 'Al Jazeera'")
    claims = select(populated_path, "SELECT id, speaker_id, article_id FROM claims WHERE channel_id = ?",
                    [channel["id"]])
    speakers = {c["speaker_id"] for c in claims}
    articles = {c["article_id"] for c in claims}
    response = get(ds, f"/claims/-/channel/{channel['id']}")
    assert response.status_code == 200
    page = response.text
    assert heading(page) == "Al Jazeera"
    assert (f"A channel of the kind broadcaster: {len(claims)} claims by {len(speakers)} speaker"
            f"{'' if len(speakers) == 1 else 's'} in {len(articles)} articles, from 2025-07-01 to 2025-07-01") in page
    for speaker_id in speakers:
        name = select(populated_path, "SELECT name FROM speakers WHERE id = ?", [speaker_id])[0][0]
        count = sum(c["speaker_id"] == speaker_id for c in claims)
        assert f'<a href="/claims/-/speaker/{speaker_id}">{escape(name)}</a> (person): {count} claims' in page
    assert f"Showing {len(claims)} of {len(claims)} claims" in page
    listed = re.findall(r'<a class="claim" href="/claims/-/claim/([0-9]+)">', page)
    assert sorted(map(int, listed)) == sorted(c["id"] for c in claims)
    for url in links(page):
        assert get(ds, url).status_code == 200, url
    data = get(ds, f"/claims/-/channel/{channel['id']}.json").json()
    assert data["name"] == "Al Jazeera" and data["claim_count"] == len(claims)
    assert data["speaker_count"] == len(speakers) and data["article_count"] == len(articles)
    assert [c["id"] for c in data["claims"]] == [int(i) for i in listed]


def test_channel_kind_is_in_words(db_path):
    with store.open_db(db_path) as database:
        store_quoted_article(database, "a", [Quote("Ann Lee", "Ann Lee", channel="a phone call", channel_kind="call")])
    ds = serve(db_path)
    (channel,) = select(db_path, "SELECT id FROM channels WHERE kind = 'call'")
    page = get(ds, f"/claims/-/channel/{channel['id']}").text
    assert "A channel of the kind phone call: 1 claim by 1 speaker in 1 article" in page


def test_a_long_channel_claim_list_is_capped_and_the_csv_has_every_claim(ds, populated_path, monkeypatch):
    monkeypatch.setattr(reading, "LIST_LIMIT", 3)
    (channel_id, total) = select(populated_path, "SELECT channel_id, count(*) FROM claims WHERE channel_id IS NOT NULL "
                                                 "GROUP BY channel_id ORDER BY 2 DESC LIMIT 1")[0]
    assert total > 3
    page = get(ds, f"/claims/-/channel/{channel_id}").text
    assert f"Showing 3 of {total} claims" in page and "all of them as CSV" in page
    assert len(re.findall(r'<a class="claim" href=', page)) == 3
    (csv_url,) = set(re.findall(r'href="([^"]*claims_view\.csv[^"]*)"', page))
    assert "channel_id=" in csv_url
    response = get(ds, html.unescape(csv_url))
    assert response.status_code == 200
    records = list(csv.DictReader(io.StringIO(response.text)))
    assert len(records) == total and {r["channel_id"] for r in records} == {str(channel_id)}


# -- quote-trail (cluster) page ----------------------------------------------------------------------


def test_cluster_page_shows_the_trail_first_appearance_first(ds, populated_path):
    (cluster,) = select(populated_path, "SELECT * FROM quote_clusters ORDER BY id LIMIT 1")
    members = select(populated_path, """SELECT cc.*, c.article_id, c.speaker_id FROM cluster_claims AS cc
                                        JOIN claims AS c ON c.id = cc.claim_id
                                        WHERE cluster_id = ? ORDER BY position""", [cluster["id"]])
    assert len(members) >= 2 and members[0]["claim_id"] == cluster["first_claim_id"]
    response = get(ds, f"/claims/-/cluster/{cluster['id']}")
    assert response.status_code == 200
    page = response.text
    assert heading(page) == cluster["text"]
    assert f"{cluster['claim_count']} times in {cluster['article_count']} articles, first seen" in page
    appearances = re.findall(r'<a class="appearance" href="/claims/-/claim/([0-9]+)">', page)
    assert [int(a) for a in appearances] == [m["claim_id"] for m in members]  # in order, the first first
    articles = re.findall(r'<a class="article" href="/claims/-/article/([0-9]+)">', page)
    assert [int(a) for a in articles] == [m["article_id"] for m in members]
    cites = re.findall(r'<a class="cites" href="/claims/-/claim/([0-9]+)">#([0-9]+)</a>', page)
    assert cites == [(str(m["cites_claim_id"]), "1") for m in members[1:]]  # each later one cites the first here
    assert "first appearance" in page
    for url in links(page):
        assert get(ds, url).status_code == 200, url
    data = get(ds, f"/claims/-/cluster/{cluster['id']}.json").json()
    assert data["text"] == cluster["text"] and [a["claim_id"] for a in data["appearances"]] == [
        m["claim_id"] for m in members]


def test_claim_page_links_its_cluster_trail_and_channel(ds, populated_path):
    (member,) = select(populated_path, """SELECT cc.*, c.channel_id FROM cluster_claims AS cc
                                          JOIN claims AS c ON c.id = cc.claim_id
                                          WHERE c.channel_id IS NOT NULL LIMIT 1""")
    page = get(ds, f"/claims/-/claim/{member['claim_id']}").text
    assert f'<a class="trail" href="/claims/-/cluster/{member["cluster_id"]}">' in page
    assert f'<a class="channel" href="/claims/-/channel/{member["channel_id"]}">' in page
    speaker = select(populated_path, "SELECT speaker_id FROM claims WHERE id = ?", [member["claim_id"]])[0][0]
    page = get(ds, f"/claims/-/speaker/{speaker}").text
    assert f'<a class="channel" href="/claims/-/channel/{member["channel_id"]}">' in page


def test_tables_link_channels_and_clusters_to_their_pages(ds, populated_path):
    channels = select(populated_path, "SELECT id, name FROM channels")
    page = get(ds, "/claims/claims_view?_size=max").text
    used = {r[0] for r in select(populated_path, "SELECT DISTINCT channel_id FROM claims WHERE channel_id IS NOT NULL")}
    assert {u for u in links(page) if "/channel/" in u} == {f"/claims/-/channel/{i}" for i in used}
    page = get(ds, "/claims/channels").text
    for channel in channels:
        assert f'<a href="/claims/-/channel/{channel["id"]}">{escape(channel["name"])}</a>' in page
    clusters = select(populated_path, "SELECT id FROM quote_clusters")
    expected = {f"/claims/-/cluster/{c['id']}" for c in clusters}
    for table in ("cluster_appearances", "quote_clusters"):
        page = get(ds, f"/claims/{table}").text
        assert {u for u in links(page) if "/cluster/" in u} == expected, table
    for url in expected | {f"/claims/-/channel/{c['id']}" for c in channels}:
        assert get(ds, url).status_code == 200, url


# -- escaping, 404s, links ---------------------------------------------------------------------------


def test_markup_in_article_text_shows_as_text(db_path):
    lead = "<script>alert('lead')</script> Talks <b>resumed</b> on Monday."
    said = "the <b>bold</b> plan <script>alert('claim')</script> failed"
    with store.open_db(db_path) as database:
        store_quoted_article(database, "a", [Quote("<b>Minister</b> Ann Lee", "<b>Ann</b> Lee", content=said)],
                             lead=lead, publisher="<b>Outlet</b>")
    ds = serve(db_path)
    (claim,) = select(db_path, "SELECT id, speaker_id FROM claims WHERE cue IS NOT NULL")
    for url in (f"/claims/-/speaker/{claim['speaker_id']}", f"/claims/-/claim/{claim['id']}", "/claims/-/article/1"):
        page = get(ds, url).text
        assert "<script>alert" not in page and "<b>" not in page, url
    page = get(ds, f"/claims/-/claim/{claim['id']}").text
    assert marked(page, "content") == [said]  # escaped in the page, the same text once unescaped
    assert "&lt;script&gt;alert(" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(" in get(ds, "/claims/-/article/1").text
    assert heading(get(ds, f"/claims/-/speaker/{claim['speaker_id']}").text) == "<b>Ann</b> Lee"


def test_hostile_database_pages_hold_no_markup(tmp_path):
    path = hostile.build(tmp_path / "claims.db")
    ds = serve(path)
    ids = [(page, row[0]) for page, table in (("speaker", "speakers"), ("claim", "claims"), ("article", "articles"),
                                              ("channel", "channels"), ("cluster", "quote_clusters"))
           for row in select(path, f"SELECT id FROM {table}")]
    assert {page for page, _ in ids} == set(reading.PAGES)
    for page, row_id in ids:
        response = get(ds, f"/claims/-/{page}/{row_id}")
        assert response.status_code == 200, (page, row_id)
        for payload in ("<img src=x", "<script>alert(", "<svg onload", "<b>Evil</b>", "<a href=javascript"):
            assert payload not in response.text, (page, row_id, payload)
        assert not re.search(r"""<a\s[^>]*href\s*=\s*["']?\s*javascript:""", response.text, re.I)
    # the javascript: URL of an article is shown as text, not as a link
    assert escape(hostile.URL) in get(ds, "/claims/-/article/1").text


@pytest.mark.parametrize("page", reading.PAGES)
@pytest.mark.parametrize("raw_id", ["abc", "999999", "-1", "1.5", "0x1", "1e3", "%20", "99999999999999999999999"])
def test_unknown_or_malformed_ids_are_404(ds, page, raw_id):
    response = get(ds, f"/claims/-/{page}/{raw_id}")
    assert response.status_code == 404, response.text[:300]
    words = reading.NOT_FOUND_WORDS.get(page, page)  # cluster: "No such quote cluster"
    assert heading(response.text) == f"No such {words}"
    response = get(ds, f"/claims/-/{page}/{raw_id}.json")
    assert response.status_code == 404 and response.json()["error"] == f"No such {words}"


def test_an_unknown_database_is_404(ds):
    assert get(ds, "/nosuch/-/speaker/1").status_code == 404


def test_pages_under_an_encoded_database_name(populated_path, tmp_path):
    odd = tmp_path / 'news "><b>x.db'
    odd.write_bytes(populated_path.read_bytes())
    ds = serve(odd)
    page = get(ds, "/news+~22~3E~3Cb~3Ex/-/speaker/1")
    assert page.status_code == 200 and heading(page.text) == "Sinem Koseoglu"
    assert 'href="/news+~22~3E~3Cb~3Ex/-/claim/1"' in page.text


def test_claims_view_and_speakers_link_to_the_pages(ds, populated_path):
    page = get(ds, "/claims/claims_view?_size=max").text
    found = links(page)
    claims = select(populated_path, "SELECT id, speaker_id, article_id, channel_id FROM claims")
    expected = ({f"/claims/-/claim/{c['id']}" for c in claims} | {f"/claims/-/speaker/{c['speaker_id']}" for c in claims}
                | {f"/claims/-/article/{c['article_id']}" for c in claims}
                | {f"/claims/-/channel/{c['channel_id']}" for c in claims if c["channel_id"] is not None})
    assert set(found) == expected
    assert '<a href="/claims/speaker?speaker_id=' in page  # the names still link to the canned query
    for url in found:
        response = get(ds, url)
        assert response.status_code == 200, url
    speakers = get(ds, "/claims/speakers").text
    for speaker in select(populated_path, "SELECT id, name FROM speakers"):
        assert f'<a href="/claims/-/speaker/{speaker["id"]}">{escape(speaker["name"])}</a>' in speakers
    cluster = get(ds, "/claims/cluster_appearances").text
    assert re.search(r'href="/claims/-/claim/[0-9]+"', cluster)


def test_render_cell_links_ids_only_for_whole_numbers(ds):
    cell = datasette_plugin.render_cell(row={"id": 3}, value=3, column="id", table="claims_view",
                                        database="claims", datasette=ds)
    assert cell == '<a href="/claims/-/claim/3">3</a>'
    assert datasette_plugin.render_cell(row={"id": "3"}, value="3", column="id", table="claims_view",
                                        database="claims", datasette=ds) is None
    cell = datasette_plugin.render_cell(row={"id": 4}, value=hostile.SPEAKER, column="name", table="speakers",
                                        database="claims", datasette=ds)
    assert cell == f'<a href="/claims/-/speaker/4">{escape(hostile.SPEAKER)}</a>'


def test_templates_ship_with_the_package():
    import tomllib

    folder = Path(reading.templates_dir())
    names = {p.name for p in folder.glob("*.html")}
    assert set(reading.TEMPLATES.values()) | {reading.NOT_FOUND_TEMPLATE} <= names
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "templates/*.html" in pyproject["tool"]["setuptools"]["package-data"]["claims"]
    for name in names:
        assert "|safe" not in (folder / name).read_text(encoding="utf-8").replace(" ", "")
