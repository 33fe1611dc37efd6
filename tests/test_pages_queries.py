"""The canned queries and pages made fast for a million claims (issue 15, part 5), checked on a small
real database (the seed article and the plain-text fixtures ingested by the bundled model) against
plain SQL that says what each should answer: the same claims, in the same order, with the same
names; every page of 100; every speaker, channel, article, claim and cluster linked to its reading
page; every "download all" CSV holding every row; the summary tables equal to their live views; the
search pages' counts equal to Datasette's own."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import sqlite3
from urllib.parse import quote

import pytest
from data_paths import REPO, SEED_TEXT

from claims import publish, store
from claims.datasette_plugin import fts_phrases, paged_query

QUERIES = json.loads(publish.metadata_path().read_text(encoding="utf-8"))["databases"]["claims"]["queries"]
READING = "article_id, sentence_index, content_start, id"
BY_DATE = "published IS NULL, published, article_id, sentence_index, content_start, id"
PAGED = ("claims_by_speaker", "claims_by_channel", "anonymous_and_vague_sources", "search_claims", "speaker", "channel")


@pytest.fixture(scope="module")
def real_db(tmp_path_factory, model_spec):
    from claims.pipeline import ingest

    folder = tmp_path_factory.mktemp("real")
    path = folder / "claims.db"
    ingest([str(SEED_TEXT)], path, model=model_spec, publisher="Seed News", date="2019-10-14")
    copy = folder / "seed-reprinted.txt"  # the same article reprinted later: its claims form quote clusters
    copy.write_text(SEED_TEXT.read_text(encoding="utf-8") + "\n\nReprinted with permission.\n", encoding="utf-8")
    ingest([str(copy)], path, model=model_spec, publisher="Copy Daily", date="2019-10-20")
    ingest([str(REPO / "fixtures" / "ingest" / "plain")], path, model=model_spec, publisher="Plain Post",
           date="2020-02-01")
    return path


@pytest.fixture(scope="module")
def conn(real_db):
    connection = sqlite3.connect(real_db)
    connection.row_factory = sqlite3.Row
    connection.create_function("fts_phrases", 1, fts_phrases, deterministic=True)
    SERVED.update({name: paged_query(query) for name, query in QUERIES.items()})
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def ds(real_db):
    return publish.make_datasette(real_db)


def get(ds, path: str):
    async def run():
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(run())


SERVED: dict[str, dict] = {}  # the canned queries as served, filled by the conn fixture


def served_sql(name: str) -> str:
    """The canned query's SQL as served (the plugin adds the page clause to a "paged" query)."""
    return SERVED[name]["sql"]


def run(conn, name: str, page_size: int | None = None, **params) -> list[sqlite3.Row]:
    """The canned query run on the database directly; with ``page_size``, pages of that many rows
    instead of 100 (the same SQL with its number changed), to page through a small database."""
    sql = served_sql(name)
    if page_size is not None:
        assert sql.count("limit 100 offset 100 *") == 1, name
        sql = sql.replace("limit 100 offset 100 *", f"limit {page_size} offset {page_size} *")
    names = set(re.findall(r":(\w+)", sql))
    return conn.execute(sql, {key: params.get(key, "") for key in names}).fetchall()


def all_pages(conn, name: str, **params) -> list[sqlite3.Row]:
    rows, page = [], 1
    while True:
        found = run(conn, name, page_size=3, page=str(page), **params)
        rows += found
        if len(found) < 3:
            return rows
        page += 1


def ids(rows, column: str = "claim_id") -> list[int]:
    return [row[column] for row in rows]


def plain(conn, where: str, params=(), order: str = READING) -> list[sqlite3.Row]:
    return conn.execute(f"SELECT * FROM claims_view WHERE {where} ORDER BY {order}", params).fetchall()


def speakers_matching(conn, text: str) -> set[int]:
    """Speakers whose name, or aliases, has the words of ``text`` one after the other, the last as
    the start of a word ("Kos", "Sinem Kos"), found in Python."""
    phrase = re.findall(r"\w+", text.lower())
    found = set()
    for row in conn.execute("SELECT id, name, aliases FROM speakers"):
        for column in (row["name"], row["aliases"] or ""):
            words = re.findall(r"\w+", column.lower())
            if any(words[i:i + len(phrase) - 1] == phrase[:-1] and words[i + len(phrase) - 1].startswith(phrase[-1])
                   for i in range(len(words) - len(phrase) + 1)):
                found.add(row["id"])
    return found


def a_word(conn) -> str:
    """A word of the longest claim, which the claims' search finds."""
    text = conn.execute("SELECT text FROM claims ORDER BY length(text) DESC, id LIMIT 1").fetchone()[0]
    return max(re.findall(r"[A-Za-z]+", text), key=len)


def test_the_database_is_real_and_big_enough(conn):
    assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] > 20
    assert conn.execute("SELECT count(DISTINCT article_id) FROM claims").fetchone()[0] >= 2
    assert conn.execute("SELECT count(*) FROM claims WHERE channel_id IS NOT NULL").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM quote_clusters").fetchone()[0] > 0


def test_claims_by_speaker_is_every_claim_of_the_speakers_a_word_starts_with(conn):
    names = [row[0] for row in conn.execute(
        "SELECT name FROM speakers WHERE speaker_type = 'person' ORDER BY claim_count DESC LIMIT 3")]
    assert names
    for name in names:
        for text in (name.split()[-1], name.split()[-1][:4], name, name[:-1]):
            expected = plain(conn, f"speaker_id IN ({','.join(map(str, speakers_matching(conn, text)))})")
            rows = all_pages(conn, "claims_by_speaker", speaker=text)
            assert ids(rows) == ids(expected, "id") and expected, text
            assert [(r["speaker"], r["channel"], r["published"], r["publisher"]) for r in rows] == [
                (r["speaker"], r["channel"], r["published"], r["publisher"]) for r in expected]
    assert run(conn, "claims_by_speaker", speaker="") == []
    assert run(conn, "claims_by_speaker", speaker='" OR x AND ( NEAR') == []  # FTS syntax is text


def test_claims_by_channel_anonymous_article_and_search_are_their_plain_sql(conn):
    channel = conn.execute("SELECT name FROM channels ORDER BY claim_count DESC LIMIT 1").fetchone()[0]
    for text in (channel, channel[1:4], ""):
        assert ids(all_pages(conn, "claims_by_channel", channel=text)) == ids(
            plain(conn, "channel LIKE '%' || ? || '%'", [text]), "id")
    vague = plain(conn, "speaker_type IN ('anonymous_person', 'unnamed_reports', 'unknown')")
    rows = all_pages(conn, "anonymous_and_vague_sources")
    assert ids(rows) == ids(vague, "id") and vague
    assert [r["source_text"] for r in rows] == [r["source_text"] for r in vague]
    for (article_id,) in conn.execute("SELECT DISTINCT article_id FROM claims"):
        assert ids(run(conn, "article_claims", article_id=str(article_id))) == ids(
            plain(conn, "article_id = ?", [article_id]), "id")
    word = a_word(conn)
    for text in (word, word[:-1], f'{word} "the"', "zzzz", "the"):
        expected = conn.execute("SELECT rowid FROM claims_fts WHERE claims_fts MATCH fts_phrases(?) ORDER BY rank, rowid",
                                [text]).fetchall()
        rows = all_pages(conn, "search_claims", q=text)
        assert ids(rows) == [row[0] for row in expected], text
        assert rows or text in ("zzzz", word[:-1])
        assert all("[" in row["snippet"] or "[" in (row["source_match"] or "") for row in rows)


def test_speaker_and_channel_pages_are_their_plain_sql(conn):
    for (speaker_id,) in conn.execute("SELECT id FROM speakers WHERE claim_count > 0"):
        rows = all_pages(conn, "speaker", speaker_id=str(speaker_id))
        assert ids(rows) == ids(plain(conn, "speaker_id = ?", [speaker_id], BY_DATE), "id")
        clusters = dict(conn.execute("SELECT claim_id, cluster_id FROM cluster_claims").fetchall())
        assert [row["quote_cluster"] for row in rows] == [clusters.get(row["claim_id"]) for row in rows]
    for (channel_id,) in conn.execute("SELECT id FROM channels WHERE claim_count > 0"):
        rows = all_pages(conn, "channel", channel_id=str(channel_id))
        assert ids(rows) == ids(plain(conn, "channel_id = ?", [channel_id], BY_DATE), "id")


OLD_SPEAKER_HISTORY = """
select sp.id as speaker_id, sp.name as speaker, a.published, c.role, c.affiliation, ch.name as channel, c.channel_kind,
  count(*) as claims, count(distinct c.article_id) as articles, group_concat(distinct a.publisher) as publishers
from claims c join speakers sp on sp.id = c.speaker_id join articles a on a.id = c.article_id
left join channels ch on ch.id = c.channel_id
where sp.speaker_type != 'publication' and sp.id in ({ids})
group by sp.id, a.published, c.role, c.affiliation, ch.name, c.channel_kind
order by sp.name, sp.id, a.published, c.role is null, c.role, c.affiliation, channel"""


def test_speaker_history_is_its_plain_sql(conn):
    key = lambda r: (r["speaker_id"], r["published"], r["role"], r["affiliation"], r["channel"],  # noqa: E731
                     r["channel_kind"], r["claims"], r["articles"], frozenset((r["publishers"] or "").split(",")))
    for (speaker_id, name) in conn.execute("SELECT id, name FROM speakers WHERE speaker_type = 'person'"):
        for text in (str(speaker_id), name.split()[-1]):
            matching = {speaker_id} if text.isdigit() else speakers_matching(conn, text)
            expected = conn.execute(OLD_SPEAKER_HISTORY.format(ids=",".join(map(str, matching)))).fetchall()
            assert [key(r) for r in all_pages(conn, "speaker_history", speaker=text)] == [key(r) for r in expected]
    # the file's SQL, without the page clause, still runs with the speaker alone (SQL users, tests)
    assert conn.execute(QUERIES["speaker_history"]["sql"], {"speaker": name}).fetchall()


def test_paged_queries_give_100_rows_a_page_and_link_the_next(ds, conn):
    assert publish.PAGE_CLAUSE in served_sql("speaker_history")
    for name in PAGED:
        assert publish.PAGE_CLAUSE in QUERIES[name]["sql"], name  # the same clause in the file
    bad_pages = [run(conn, "anonymous_and_vague_sources", page_size=3, page=p) for p in ("", "0", "-1", "x", "1")]
    assert all(ids(rows) == ids(bad_pages[-1]) for rows in bad_pages)
    page = get(ds, "/claims/anonymous_and_vague_sources")
    assert page.status_code == 200
    assert "claims-next-page" not in page.text  # fewer than 100 rows: no next page
    speaker = conn.execute("SELECT name FROM speakers WHERE speaker_type = 'person' ORDER BY claim_count DESC").fetchone()[0]
    served = get(ds, f"/claims/speaker_history.json?_shape=array&speaker={quote(speaker)}&page=1").json()
    assert served and get(ds, f"/claims/speaker_history.json?_shape=array&speaker={quote(speaker)}&page=2").json() == []
    assert publish.PAGE_CLAUSE in html.unescape(get(ds, f"/claims/speaker_history?speaker={quote(speaker)}").text)


def served_links(ds, path: str) -> set[str]:
    page = get(ds, path)
    assert page.status_code == 200, path
    return set(re.findall(r'href="([^"]+)"', page.text))


def test_every_id_in_the_canned_queries_links_to_its_reading_page(ds, conn):
    speaker = conn.execute("SELECT name FROM speakers WHERE speaker_type = 'person' ORDER BY claim_count DESC").fetchone()[0]
    channel = conn.execute("SELECT id, name FROM channels ORDER BY claim_count DESC").fetchone()
    cluster = conn.execute("SELECT min(id) FROM quote_clusters").fetchone()[0]
    params = {"claims_by_speaker": f"speaker={quote(speaker.split()[-1])}", "claims_by_channel": f"channel={quote(channel[1])}",
              "article_claims": "article_id=1", "search_claims": f"q={a_word(conn)}", "speaker_history": f"speaker={quote(speaker)}",
              "speaker": "speaker_id=" + str(conn.execute("SELECT id FROM speakers WHERE name = ?", [speaker]).fetchone()[0]),
              "channel": f"channel_id={channel[0]}", "quote_cluster": f"cluster_id={cluster}"}
    pages = {"claim_id": "claim", "cites_claim_id": "claim", "speaker_id": "speaker", "channel_id": "channel",
             "article_id": "article", "cluster_id": "cluster", "quote_cluster": "cluster",
             "first_speaker_id": "speaker", "first_channel_id": "channel", "first_article_id": "article"}
    for name in QUERIES:
        if name == "quote_cluster" and cluster is None:
            continue
        rows = get(ds, f"/claims/{name}.json?_shape=array&{params.get(name, '')}").json()
        assert rows, name
        links = served_links(ds, f"/claims/{name}?{params.get(name, '')}")
        checked = 0
        for row in rows:
            for column, page in pages.items():
                if isinstance(row.get(column), int):
                    assert f"/claims/-/{page}/{row[column]}" in links, (name, column)
                    checked += 1
        assert checked, f"{name}: no id to link"
        for path in {link for link in links if "/-/" in link and re.search(r"/\d+$", link)}:
            assert get(ds, path).status_code == 200, path


def test_the_summary_tables_views_and_the_queries_link_speakers_and_channels(ds, conn):
    for table in ("speaker_role_summary", "speaker_roles", "cluster_appearances"):
        rows = get(ds, f"/claims/{table}.json?_shape=array").json()
        links = served_links(ds, f"/claims/{table}")
        for row in rows:
            assert f"/claims/-/speaker/{row['speaker_id']}" in links, table
            if row.get("channel_id") is not None:
                assert f"/claims/-/channel/{row['channel_id']}" in links, table
    # SQL on the _memory database reads no claims database of its own: its ids link nowhere
    assert "/-/speaker/" not in get(ds, "/_memory?sql=select+1+as+speaker_id%2C+'x'+as+speaker").text


def download_rows(ds, path: str) -> list[dict]:
    page = get(ds, path)
    link = re.search(r'class="claims-download-all">[^<]*<a href="([^"]+)"', page.text)
    assert link, path
    response = get(ds, html.unescape(link.group(1)))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.text)))


def test_every_download_all_link_gives_every_row(ds, conn):
    speaker = conn.execute("SELECT name FROM speakers WHERE speaker_type = 'person' ORDER BY claim_count DESC").fetchone()[0]
    surname = speaker.split()[-1]
    channel = conn.execute("SELECT name FROM channels ORDER BY claim_count DESC").fetchone()[0]
    cases = {
        f"claims_by_speaker?speaker={quote(surname)}": plain(conn, f"speaker_id IN ({','.join(map(str, speakers_matching(conn, surname)))})"),
        f"claims_by_channel?channel={quote(channel[:3])}": plain(conn, "channel LIKE '%' || ? || '%'", [channel[:3]]),
        "anonymous_and_vague_sources": plain(conn, "speaker_type IN ('anonymous_person', 'unnamed_reports', 'unknown')"),
        f"search_claims?q={a_word(conn)}": plain(conn, f"id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH '{a_word(conn)}')"),
        "speaker?speaker_id=1": plain(conn, "speaker_id = 1"),
        "article_claims?article_id=1": plain(conn, "article_id = 1"),
    }
    for path, expected in cases.items():
        rows = download_rows(ds, f"/claims/{path}")
        assert expected and sorted(int(row["id"]) for row in rows) == sorted(ids(expected, "id")), path
        if "speaker_id_label" in rows[0]:  # the claims table, names beside the ids
            names = {row["id"]: row["speaker"] for row in expected}
            assert all(row["speaker_id_label"] == names[int(row["id"])] for row in rows)
    assert "claims-download-all" not in get(ds, "/claims/claims_by_channel?channel=no+such+channel").text


def test_the_filtered_claim_pages_count_on_the_claims_table_what_datasette_counts(ds, conn):
    """The HTML pages of the claim views filtered by exact values or searched are counted by the
    plugin on the claims table (claims.datasette_plugin.EXACT_FILTERS); JSON is counted by Datasette."""
    word = a_word(conn)
    speaker_id, speaker = conn.execute(
        "SELECT id, name FROM speakers WHERE claim_count > 0 ORDER BY claim_count DESC").fetchone()
    channel_id, channel = conn.execute("SELECT id, name FROM channels ORDER BY claim_count DESC").fetchone()
    filters = [f"_search={quote(word)}", f"_search={quote(word + ' the')}", f"_search={quote(chr(34) + word)}",
               "_search=the", f"_search={quote(word)}&_searchmode=raw", f"speaker={quote(speaker)}",
               f"speaker_id={speaker_id}", f"speaker={quote(speaker)}&_search=the", "article_id=1",
               f"channel={quote(channel)}", "speaker=nobody", "_search=the&speaker_type=person"]
    for table, more in (("claims", []), ("claims_readable", ["claim_id=3"]),
                        ("claims_view", [f"channel_id={channel_id}", "id=3", "claim_type=direct"])):
        for query in filters + more:
            if table == "claims" and not query.startswith("_search") or (
                    table == "claims_readable" and "speaker_type" in query):
                continue
            counted = get(ds, f"/claims/{table}.json?{query}").json()["filtered_table_rows_count"]
            page = get(ds, f"/claims/{table}?{query}").text
            assert re.search(rf"<h3>{counted:,} rows?", page), (table, query, counted)
            assert counted is not None and (counted > 0 or "nobody" in query), (table, query)


def test_summary_tables_are_their_views_after_every_run(real_db, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(real_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    conn = sqlite3.connect(copy)
    for table, view in store.db.SUMMARY_TABLES.items():
        assert conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == conn.execute(
            f"SELECT * FROM {view}").fetchall(), table
    assert conn.execute("SELECT count(*) FROM speaker_role_summary").fetchone()[0] > 0
    conn.execute("UPDATE claims SET role = 'changed role' WHERE id = (SELECT min(id) FROM claims)")
    assert conn.execute("SELECT count(*) FROM speaker_roles WHERE role = 'changed role'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM speaker_role_summary WHERE role = 'changed role'").fetchone()[0] == 0
    store.optimize_db(conn)  # the end of every ingest run
    conn.commit()
    assert conn.execute("SELECT * FROM speaker_role_summary ORDER BY rowid").fetchall() == conn.execute(
        "SELECT * FROM speaker_roles").fetchall()
    conn.close()
    database = store.open_db(copy)  # a manual merge or split refreshes them at once
    first, second = [row[0] for row in database.execute(
        "SELECT speaker_id FROM speaker_roles GROUP BY speaker_id ORDER BY speaker_id LIMIT 2").fetchall()]
    store.merge_speakers(database, first, second)
    assert database.execute("SELECT count(*) FROM speaker_role_summary WHERE speaker_id = ?", [first]).fetchone()[0] == 0
    for table, view in store.db.SUMMARY_TABLES.items():
        assert database.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == database.execute(
            f"SELECT * FROM {view}").fetchall(), table
    database.close()


def test_which_pages_the_plugin_counts():
    from claims.datasette_plugin import _count_plan

    def plan(path: str, query: str = ""):
        return _count_plan({"type": "http", "method": "GET", "path": path, "query_string": query.encode()})

    assert plan("/claims/claims_view") == ("table",)
    assert plan("/claims/claims_view", "speaker=A&_search=x")[1:] == (
        "SELECT count(*) FROM claims WHERE speaker_id IN (SELECT id FROM speakers WHERE name = ?) AND "
        "id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH escape_fts(?))", ["A", "x"])
    assert plan("/claims/claims", "_search=x&_searchmode=raw")[1:] == (
        "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH ?", ["x"])
    assert plan("/claims/claims_readable", "speaker_id=3&_sort=date")[1].endswith("speaker_id = ?")
    for path, query in (("/claims/claims", "speaker_id=3"), ("/claims/claims_view", "speaker__contains=A"),
                        ("/claims/claims_view", "speaker=A&speaker=B"), ("/claims/claims_view", "_where=1"),
                        ("/claims/claims_view", "_search="), ("/claims/claims_view.json", "speaker=A"),
                        ("/claims/claims_readable", "type=direct"), ("/claims/speakers", "_search=x"),
                        ("/claims/claims_view", "_search=x&_fts_table=speakers_fts")):
        assert plan(path, query) is None, (path, query)


def test_a_claim_views_search_page_lists_by_claim_id_unless_sorted(ds, conn):
    word = "the"
    expected = [row[0] for row in conn.execute(
        "SELECT rowid FROM claims_fts WHERE claims_fts MATCH '\"the\"' ORDER BY rowid LIMIT 100")]
    assert expected
    for view, column in (("claims_readable", "claim_id"), ("claims_view", "id")):
        page = get(ds, f"/claims/{view}?_search={word}").text
        shown = [int(n) for n in re.findall(rf'<td class="col-{column}[^"]*"><a href="/claims/-/claim/(\d+)"', page)]
        assert shown == expected, view
        assert f"sorted by {column}" in page
        page = get(ds, f"/claims/{view}?_search={word}&_sort_desc=speaker_id").text
        assert f"sorted by {column}" not in page and "sorted by speaker_id descending" in page
        # its JSON, and the unsearched page, keep the view's reading order
        assert "sort" not in (get(ds, f"/claims/{view}.json?_search={word}").json().get("sort") or "")
