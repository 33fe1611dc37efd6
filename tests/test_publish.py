"""datasette-metadata.json checked against the real schema, served in-process; and exports."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import shutil
import sqlite3
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import Quote, store_quoted_article

from claims import export, publish, store, types

METADATA = json.loads(publish.metadata_path().read_text(encoding="utf-8"))
DATABASE = METADATA["databases"]["claims"]
TABLES = DATABASE["tables"]
QUERIES = DATABASE["queries"]

# Parameters for the canned queries that take them, chosen to match the populated database.
QUERY_PARAMS = {
    "claims_by_speaker": {"speaker": "Koseoglu"},
    "claims_by_channel": {"channel": "Jazeera"},
    "article_claims": {"article_id": "1"},
    "search_claims": {"q": "slowed"},
    "speaker_history": {"speaker": "Koseoglu"},
    "speaker": {"speaker_id": "1"},
    "channel": {"channel_id": "1"},
    "quote_cluster": {"cluster_id": "1"},
}


def get(ds, path: str, follow_redirects: bool = False):
    async def run():
        await ds.invoke_startup()
        return await ds.client.get(path, follow_redirects=follow_redirects)

    return asyncio.run(run())


@pytest.fixture
def ds(populated_path):
    return publish.make_datasette(populated_path)


def schema_objects() -> dict[str, list[str]]:
    """Tables and views of the real schema with their columns, FTS and its shadow tables left out."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(store.schema_sql())
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND sql NOT LIKE '%VIRTUAL TABLE%'"
        )
        if not row[0].startswith(("claims_fts", "speakers_fts"))
    ]
    return {name: [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")] for name in names}


# -- the metadata as data ---------------------------------------------------------------------------


def test_metadata_has_title_description_and_source():
    for key in ("title", "description", "source", "license"):
        assert METADATA.get(key), f"datasette-metadata.json needs a top-level {key}"
    assert "PolNeAR" in METADATA["license"] and "CC BY" in METADATA["license"]


def test_every_visible_table_and_column_is_described():
    objects = schema_objects()
    assert set(TABLES) - {"claims_fts", "speakers_fts"} == set(objects), "metadata and schema list other tables"
    for name, columns in objects.items():
        table = TABLES[name]
        if table.get("hidden"):
            continue
        assert table.get("description"), f"table {name} has no description"
        described = table.get("columns", {})
        missing = [c for c in columns if not described.get(c)]
        assert not missing, f"{name}: columns without a description: {missing}"
        assert not set(described) - set(columns), f"{name}: descriptions of columns that do not exist"


def test_descriptions_and_queries_use_the_types_of_claims_types():
    for table in ("claims", "claims_view", "speakers"):
        described = TABLES[table]["columns"]["speaker_type"]
        for speaker_type in store.SPEAKER_TYPES:
            assert speaker_type in described, f"{table}.speaker_type description lacks {speaker_type}"
    for table in ("claims", "claims_view"):
        for claim_type in store.CLAIM_TYPES:
            assert claim_type in TABLES[table]["columns"]["claim_type"]
    vague = QUERIES["anonymous_and_vague_sources"]["sql"]
    for speaker_type in (types.ANONYMOUS, types.UNNAMED_REPORTS, types.UNKNOWN):
        assert f"'{speaker_type}'" in vague
    assert f"'{types.PUBLICATION}'" in QUERIES["top_speakers"]["sql"]


def test_annotations_and_fts_tables_are_hidden():
    for name in ("annotations", "claims_fts", "speakers_fts"):
        assert TABLES[name]["hidden"] is True


def test_facets_sorts_labels_and_fts_name_real_columns():
    objects = schema_objects()
    for name, table in TABLES.items():
        columns = objects.get(name, [])
        for facet in table.get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns, f"{name}: facet on unknown column {column}"
        for column in table.get("sortable_columns", []) + [table.get("sort_desc")] * ("sort_desc" in table):
            assert column in columns, f"{name}: sort on unknown column {column}"
        if "label_column" in table:
            assert table["label_column"] in columns
        if "fts_table" in table:
            assert table["fts_table"] in ("claims_fts", "speakers_fts")
    facets = {f if isinstance(f, str) else json.dumps(f) for f in TABLES["claims_view"]["facets"]}
    assert {"speaker", "speaker_type", "channel", "claim_type", "publisher", '{"date": "published"}'} <= facets
    for name in ("speakers", "channels", "articles"):
        assert TABLES[name]["label_column"] in ("name", "title")


def test_every_canned_query_is_documented():
    assert set(QUERIES) == {
        "claims_by_speaker",
        "anonymous_and_vague_sources",
        "claims_by_channel",
        "article_claims",
        "search_claims",
        "top_speakers",
        "speaker_history",
        "speaker",
        "channel",
        "quote_cluster",
        "largest_quote_clusters",
    }
    for name, query in QUERIES.items():
        assert query.get("title") and query.get("description"), f"canned query {name} needs title and description"
        for parameter in QUERY_PARAMS.get(name, {}):
            assert f":{parameter}" in query["sql"]


# -- served in-process ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_runs(ds, name):
    params = "&".join(f"{k}={v}" for k, v in QUERY_PARAMS.get(name, {}).items())
    response = get(ds, f"/claims/{name}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text
    rows = response.json()
    assert rows, f"canned query {name} returned no rows"
    if name == "claims_by_speaker":
        assert {row["speaker"] for row in rows} == {"Sinem Koseoglu"}
    if name == "search_claims":
        assert all("[slowed]" in row["snippet"] for row in rows)
    if name == "anonymous_and_vague_sources":
        assert {row["speaker_type"] for row in rows} == {"unnamed_reports"}
    if name == "top_speakers":
        assert rows[0]["name"] == "Sinem Koseoglu" and rows[0]["claim_count"] == 4 and rows[0]["articles"] == 2


def test_search_query_accepts_punctuation(ds):
    response = get(ds, "/claims/search_claims.json?_shape=array&q=" + "U.S.%20%22slowed")
    assert response.status_code == 200, response.text


def test_table_facets_show_labels_and_search_works(ds):
    response = get(ds, "/claims/claims.json?_labels=on&_search=momentum")
    assert response.status_code == 200, response.text
    data = response.json()
    assert len(data["rows"]) == 2
    assert data["rows"][0]["speaker_id"]["label"] == "Reports"
    facets = data["facet_results"]
    assert {"speaker_id", "speaker_type", "channel_id", "claim_type"} <= set(facets)
    response = get(ds, "/claims/claims_view.json?_search=Koseoglu&_shape=array")
    assert response.status_code == 200, response.text
    assert len(response.json()) == 4
    speakers = get(ds, "/claims/speakers.json?_shape=array").json()
    assert speakers[0]["name"] == "Sinem Koseoglu"  # sorted by claim_count, descending


def test_pages_render(ds):
    visible = [name for name, table in TABLES.items() if not table.get("hidden")]
    for path in ["/", "/claims", "/claims/claims/1", "/claims/search_claims?q=slowed"] + [
        f"/claims/{name}" for name in visible
    ]:
        response = get(ds, path)
        assert response.status_code == 200, f"{path}: {response.status_code}"


def test_hidden_tables_are_not_listed(ds):
    tables = {t["name"]: t["hidden"] for t in get(ds, "/claims.json").json()["tables"]}
    assert tables["annotations"] is True and tables["claims_fts"] is True
    assert tables["claims"] is False


def test_csv_from_a_table_and_a_canned_query(ds):
    response = get(ds, "/claims/claims_view.csv?_size=max")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 8 and rows[0]["speaker"] == "Sinem Koseoglu"
    response = get(ds, "/claims/claims_by_channel.csv?channel=Jazeera")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4 and {r["channel"] for r in rows} == {"Al Jazeera"}


def test_metadata_follows_the_database_file_name(populated_path, tmp_path):
    other = tmp_path / "news.db"
    shutil.copy(populated_path, other)
    ds = publish.make_datasette(other)
    response = get(ds, "/news/top_speakers.json?_shape=array")
    assert response.status_code == 200, response.text
    assert publish.metadata_for(other)["databases"].keys() == {"news"}


def test_dashboard_charts_follow_the_database_file_name(populated_path, tmp_path):
    other = tmp_path / "news.db"
    shutil.copy(populated_path, other)
    dashboard = publish.metadata_for(other)["plugins"]["datasette-dashboards"]["claims-over-time"]
    assert {chart["db"] for chart in dashboard["charts"].values()} == {"news"}
    ds = publish.make_datasette(other)
    response = get(ds, "/-/dashboards/claims-over-time", follow_redirects=True)
    assert response.status_code == 200, response.text
    assert "Claims per month, one speaker" in response.text


def test_dashboard_chart_queries_run_for_the_busiest_speaker_and_channel(ds, populated_path):
    dashboard = publish.metadata_for(populated_path)["plugins"]["datasette-dashboards"]["claims-over-time"]
    speaker, channel = dashboard["filters"]["speaker"]["default"], dashboard["filters"]["channel"]["default"]
    for name, chart in dashboard["charts"].items():
        sql = chart["query"].replace("[[", "").replace("]]", "")
        response = get(ds, f"/claims.json?_shape=array&speaker={quote(speaker)}&channel={quote(channel)}&sql=" + quote(sql))
        assert response.status_code == 200, f"{name}: {response.text}"
        assert response.json(), f"chart {name} has no data on the populated database"


def test_the_dashboard_opens_on_the_busiest_speaker_and_channel_by_name(ds, populated_path):
    """The filters take names (their options are every speaker and channel, busiest first), and
    their defaults are the busiest of each that is not the publication itself."""
    dashboard = publish.metadata_for(populated_path)["plugins"]["datasette-dashboards"]["claims-over-time"]
    busiest = {key: get(ds, f"/claims.json?_shape=array&sql={quote(sql)}").json()[0]["name"] for key, sql in {
        "speaker": "select name, sum(claim_count) as n from speakers where speaker_type != 'publication' "
                   "group by name order by n desc, name limit 1",
        "channel": "select name, sum(claim_count) as n from channels where kind != 'publication' "
                   "group by name order by n desc, name limit 1"}.items()}
    assert {key: dashboard["filters"][key]["default"] for key in busiest} == busiest
    opened = get(ds, "/-/dashboards/claims-over-time")  # the plugin sends the defaults to the charts
    assert opened.status_code == 302
    assert parse_qs(urlsplit(opened.headers["location"]).query) == {key: [name] for key, name in busiest.items()}
    page = get(ds, "/-/dashboards/claims-over-time", follow_redirects=True).text
    for key, name in busiest.items():
        options = get(ds, "/claims.json?_shape=array&sql=" + quote(dashboard["filters"][key]["query"])).json()
        assert options[0]["name"] == name  # the busiest first
        assert f'<option value="{html.escape(name)}" selected>' in page or f'value="{html.escape(name)}"' in page


def test_speaker_and_channel_names_link_to_their_pages(ds):
    page = get(ds, "/claims/claims_view?_search=Koseoglu").text
    speaker_id = get(ds, "/claims/speakers.json?_shape=array&name=Sinem%20Koseoglu").json()[0]["id"]
    assert f'<a href="/claims/speaker?speaker_id={speaker_id}">Sinem Koseoglu</a>' in page
    assert '<a href="/claims/channel?channel_id=' in page
    rows = get(ds, f"/claims/speaker.json?_shape=array&speaker_id={speaker_id}").json()
    assert rows and {r["speaker"] for r in rows} == {"Sinem Koseoglu"}
    assert any(r["quote_cluster"] is not None for r in rows)  # both articles carry her claims


def test_anonymous_sources_page_counts_them_per_outlet(db_path):
    official = Quote("A senior official", None, speaker_type=types.ANONYMOUS)
    with store.open_db(db_path) as db:
        store_quoted_article(db, "a1", [official, Quote("Abbas Araghchi", "Abbas Araghchi")])
        store_quoted_article(db, "a2", [official], publisher="Other Daily")
    rows = get(publish.make_datasette(db_path), "/claims/anonymous_sources.json?_shape=array").json()
    assert [(r["publisher"], r["source_text"], r["claim_count"]) for r in rows] == [
        ("Example News", "A senior official", 1), ("Other Daily", "A senior official", 1)]


def test_make_datasette_refuses_a_missing_file(tmp_path):
    with pytest.raises(store.StoreError, match="does not exist"):
        publish.make_datasette(tmp_path / "none.db")


def test_serve_command(tmp_path):
    command = publish.serve_command(tmp_path / "claims.db", "0.0.0.0", 9000, ["--reload"])
    assert command[1:4] == ["-m", "datasette", "serve"]
    assert command[command.index("--metadata") + 1] == str(publish.metadata_path())
    assert command[-5:] == ["--host", "0.0.0.0", "--port", "9000", "--reload"]


def test_serve_runs_the_real_cli(populated_path, tmp_path, capfd):
    # One smoke test through `datasette serve --get`, on a file not named claims.db, so the
    # metadata block must follow the file name for the canned query to exist.
    other = tmp_path / "news.db"
    shutil.copy(populated_path, other)
    assert publish.serve(other, extra=["--get", "/news/top_speakers.json?_shape=array"]) == 0
    assert json.loads(capfd.readouterr().out)[0]["name"] == "Sinem Koseoglu"


# -- export -----------------------------------------------------------------------------------------


def test_export_columns_are_the_view_columns():
    assert list(export.COLUMNS) == schema_objects()["claims_view"]


def test_export_csv_and_jsonl_give_the_same_rows_in_order(populated_path, tmp_path):
    as_csv, as_jsonl = io.StringIO(), tmp_path / "claims.jsonl"
    assert export.export(populated_path, "csv", out=as_csv) == 8
    assert export.export(populated_path, "jsonl", out=as_jsonl) == 8
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.getvalue())))
    lines = as_jsonl.read_text(encoding="utf-8").splitlines()
    json_rows = [json.loads(line) for line in lines]
    assert list(csv_rows[0]) == list(export.COLUMNS) == list(json_rows[0])
    assert [(r["article_id"], r["sentence_index"]) for r in json_rows] == sorted(
        (r["article_id"], r["sentence_index"]) for r in json_rows
    )
    for from_csv, from_json in zip(csv_rows, json_rows, strict=True):
        assert from_csv == {k: "" if v is None else str(v) for k, v in from_json.items()}
    assert json_rows[0]["attribution_index"] == 0 and json_rows[3]["attribution_index"] is None
    assert "\u2019" in lines[0] and "https://www.example.org" in lines[0]  # not escaped


def test_export_a_query(populated_path):
    out = io.StringIO()
    count = export.export(
        populated_path,
        "jsonl",
        "SELECT name, claim_count FROM speakers WHERE speaker_type = :kind ORDER BY name",
        out,
        params={"kind": "person"},
    )
    assert count == 1
    assert json.loads(out.getvalue()) == {"name": "Sinem Koseoglu", "claim_count": 4}


def test_export_errors(populated_path, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export.export(populated_path, "xlsx")
    with pytest.raises(store.StoreError, match="does not exist"):
        export.export(tmp_path / "none.db")
    with pytest.raises(store.StoreError, match="readonly"):
        export.export(populated_path, query="DELETE FROM claims RETURNING id", out=io.StringIO())


def test_settings_for_large_databases_in_effect(populated_path):
    """Facet suggestions are off (on a million claims they cost seconds a page, and fail a view's
    page); a setting given to make_datasette wins."""
    settings = get(publish.make_datasette(populated_path), "/-/settings.json").json()
    assert settings["suggest_facets"] is False
    assert settings["facet_time_limit_ms"] == 200 and settings["max_returned_rows"] == 1000
    given = publish.make_datasette(populated_path, settings={"suggest_facets": True, "sql_time_limit_ms": 3000})
    settings = get(given, "/-/settings.json").json()
    assert settings["suggest_facets"] is True and settings["sql_time_limit_ms"] == 3000
    page = get(publish.make_datasette(populated_path), "/claims/claims.json").json()
    assert page["suggested_facets"] == []


def test_serve_command_turns_facet_suggestions_off_unless_told(tmp_path):
    command = publish.serve_command(tmp_path / "claims.db")
    at = command.index("suggest_facets")
    assert command[at - 1:at + 2] == ["--setting", "suggest_facets", "off"]
    for extra in (["--setting", "suggest_facets", "on"], ["--setting=suggest_facets", "on"]):
        command = publish.serve_command(tmp_path / "claims.db", extra=extra)
        assert command.count("suggest_facets") + command.count("--setting=suggest_facets") == 1
        assert command[-len(extra):] == extra


def test_large_databases_are_served_without_the_claim_tables_default_facets(populated_path, monkeypatch):
    small = publish.metadata_for(populated_path)["databases"]["claims"]["tables"]
    assert all(small[table].get("facets") for table in publish.CLAIM_TABLES)
    assert publish.claim_count(populated_path) > 0
    monkeypatch.setattr(publish, "LARGE_CLAIMS", publish.claim_count(populated_path) - 1)
    large = publish.metadata_for(populated_path)["databases"]["claims"]["tables"]
    assert not any(large[table].get("facets") for table in publish.CLAIM_TABLES)
    assert large["speakers"]["facets"] == small["speakers"]["facets"]  # small tables keep theirs
    assert large["claims_readable"]["fts_table"] == "claims_fts"
    page = get(publish.make_datasette(populated_path), "/claims/claims_readable.json?_facet=type").json()
    assert "type" in page["facet_results"]  # still one click away


@pytest.mark.parametrize("query, column", [("speaker", "speaker_id"), ("channel", "channel_id")])
def test_speaker_and_channel_queries_link_to_every_claim(populated_path, query, column):
    """A canned query's CSV stops at max_returned_rows; its page links to the streamed claims_view CSV."""
    import html
    import re

    ds = publish.make_datasette(populated_path, settings={"max_returned_rows": 1})
    page = get(ds, f"/claims/{query}?{column}=1")
    link = re.search(r'class="claims-download-all">[^<]*<a href="([^"]+)"', page.text)
    assert link, page.text
    url = html.unescape(link.group(1))
    assert url == f"/claims/claims_view.csv?{column}=1&_stream=1&_size=max"
    rows = list(csv.DictReader(io.StringIO(get(ds, url).text)))
    with sqlite3.connect(populated_path) as conn:
        expected = conn.execute(f"SELECT count(*) FROM claims WHERE {column} = 1").fetchone()[0]
    assert len(rows) == expected > 1 and {row[column] for row in rows} == {"1"}
    assert "claims-download-all" not in get(ds, f"/claims/{query}?{column}=x").text
    assert "claims-download-all" not in get(ds, "/claims/top_speakers").text


def test_unfiltered_claim_views_count_their_table(populated_path):
    """claims_view and claims_readable unfiltered show the claims table's count without counting the
    view (seconds on a million claims); filtered, JSON and CSV they are counted by Datasette."""
    import re

    ds = publish.make_datasette(populated_path)
    with sqlite3.connect(populated_path) as conn:
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        speaker_id, speaker_claims = conn.execute(
            "SELECT speaker_id, count(*) FROM claims GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    for view in ("claims_view", "claims_readable"):
        page = get(ds, f"/claims/{view}?_size=1")
        assert re.search(rf"<h3>{claims:,} rows", page.text), page.text
        assert "_nocount=1" in page.text  # the next page's link keeps it; that page is counted the same way
        page = get(ds, f"/claims/{view}?speaker_id={speaker_id}")
        assert re.search(rf"<h3>{speaker_claims:,} row", page.text)
        assert get(ds, f"/claims/{view}.json").json()["filtered_table_rows_count"] == claims
        assert get(ds, f"/claims/{view}?_search=slowed&_size=1").status_code == 200
    table = get(ds, "/claims/speakers")
    assert table.status_code == 200 and "_nocount" not in table.text
