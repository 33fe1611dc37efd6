"""claims_readable, the claims a fact-checker reads (issue 15): few columns in reading order,
codes in words, yes/no for hedged; served by Datasette with its title, facets, search, links and
stylesheet; claims_view keeps every column; a version-5 database gains the view when opened."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import EXTRACTOR_VERSION, MODEL_VERSION, make_stored_article

from claims import datasette_plugin, export, publish, reading, store

COLUMNS = ["claim", "speaker", "speaker_type", "role", "channel", "cue", "type", "hedged", "date", "outlet",
           "claim_id", "speaker_id", "article_id"]
METADATA = json.loads(Path(publish.__file__).with_name("data").joinpath("datasette-metadata.json").read_text())
TABLE = METADATA["databases"]["claims"]["tables"]["claims_readable"]


def serve(path: Path):
    ds = publish.make_datasette(path)
    asyncio.run(ds.invoke_startup())
    return ds


def get(ds, url: str):
    response = asyncio.run(ds.client.get(url))
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response


@pytest.fixture
def varied_path(populated_path: Path) -> Path:
    """The populated database with every claim type, speaker type and hedged value present (the
    extractor's codes written straight in, as every stored claim could have them)."""
    codes = [("direct", "person", 0), ("indirect", "anonymous_person", 1), ("mixed", "unnamed_reports", 0),
             ("narrator", "publication", 0), ("indirect", "country", 1), ("direct", "organization", 0),
             ("indirect", "unknown", 0)]
    with sqlite3.connect(populated_path) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM claims ORDER BY id")]
        assert len(ids) >= len(codes)
        for claim_id, (claim_type, speaker_type, hedged) in zip(ids, codes):
            conn.execute("UPDATE claims SET claim_type = ?, speaker_type = ?, hedged = ? WHERE id = ?",
                         [claim_type, speaker_type, hedged, claim_id])
    return populated_path


def test_the_view_has_the_chosen_columns_in_reading_order(db):
    assert [c.name for c in db["claims_readable"].columns] == COLUMNS
    # claims_view keeps every column, offsets and ids included: export, claims.load() and SQL rely on it
    full = [c.name for c in db["claims_view"].columns]
    assert full == list(export.COLUMNS)
    assert {"content_start", "content_end", "sentence_index", "article_key", "speaker_type", "claim_type"} <= set(full)


def test_codes_are_words_the_same_as_the_reading_pages(varied_path):
    with sqlite3.connect(varied_path) as conn:
        rows = conn.execute("SELECT v.speaker_type, v.type, v.hedged, c.speaker_type, c.claim_type, c.hedged "
                            "FROM claims_readable v JOIN claims c ON c.id = v.claim_id").fetchall()
    assert rows
    for speaker_words, type_words, hedged, speaker_code, type_code, hedged_code in rows:
        assert speaker_words == reading.SPEAKER_TYPES[speaker_code]
        assert type_words == reading.CLAIM_TYPES[type_code]
        assert hedged == ("yes" if hedged_code else "no")
    assert {r[0] for r in rows} == set(reading.SPEAKER_TYPES.values())  # every speaker type was worded
    assert {r[1] for r in rows} == set(reading.CLAIM_TYPES.values())
    assert {r[2] for r in rows} == {"yes", "no"}
    assert set(reading.SPEAKER_TYPES) == set(store.SPEAKER_TYPES)  # no code without its words
    assert set(reading.CLAIM_TYPES) == set(store.CLAIM_TYPES)


def test_a_code_without_words_loses_its_underscores(populated_path):
    with sqlite3.connect(populated_path) as conn:
        conn.execute("UPDATE claims SET speaker_type = 'some_new_kind' WHERE id = 1")
        assert conn.execute("SELECT speaker_type FROM claims_readable WHERE claim_id = 1").fetchone() == (
            "some new kind",)


def test_datasette_serves_the_view_in_words_with_facets_search_and_links(varied_path):
    ds = serve(varied_path)
    data = get(ds, "/claims/claims_readable.json?_size=max").json()
    assert data["columns"] == COLUMNS
    rows = [dict(zip(data["columns"], row)) for row in data["rows"]]
    assert len(rows) == sqlite3.connect(varied_path).execute("SELECT count(*) FROM claims").fetchone()[0]
    for row in rows:
        assert row["speaker_type"] in reading.SPEAKER_TYPES.values()
        assert row["type"] in reading.CLAIM_TYPES.values()
        assert row["hedged"] in ("yes", "no")
        for column in ("speaker_type", "type", "hedged", "role", "channel", "outlet"):
            assert "_" not in (row[column] or ""), f"{column}: {row[column]!r}"
    # facets count the words
    faceted = get(ds, "/claims/claims_readable.json?_facet=type&_facet=speaker_type&_facet=hedged").json()
    values = {name: {item["value"] for item in facet["results"]} for name, facet in faceted["facet_results"].items()}
    assert values["hedged"] == {"yes", "no"}
    assert values["type"] <= set(reading.CLAIM_TYPES.values())
    assert "anonymous person" in values["speaker_type"]
    anonymous = get(ds, "/claims/claims_readable.json?speaker_type=anonymous+person&_shape=array").json()
    assert anonymous and {r["speaker_type"] for r in anonymous} == {"anonymous person"}
    # search the claim text through claims_fts
    found = get(ds, "/claims/claims_readable.json?_search=slowed&_shape=array").json()
    assert found and all("slowed" in r["claim"] for r in found)
    # the page: the metadata's title, short descriptions, the stylesheet, links to the reading pages
    page = get(ds, "/claims/claims_readable").text
    assert re.search(r"<h1>Claims \(view\)</h1>", page)
    assert all(len(text) <= 90 for text in TABLE["columns"].values())  # one line each
    assert '<link rel="stylesheet" href="/-/claims.css">' in page
    first = rows[0]
    for column, kind, target in (("claim_id", "claim", first["claim_id"]), ("speaker_id", "speaker", first["speaker_id"]),
                                 ("speaker", "speaker", first["speaker_id"]), ("article_id", "article", first["article_id"])):
        assert f'href="/claims/-/{kind}/{target}"' in page, column
    css = asyncio.run(ds.client.get("/-/claims.css"))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "td.col-claim" in css.text and "min-width" in css.text


def test_the_speaker_page_lists_its_claims_in_the_readable_view(populated_path):
    ds = serve(populated_path)
    speaker = get(ds, "/claims/-/speaker/2.json").json()
    assert "/claims/claims_readable?speaker_id=2" in speaker["table_url"]
    listed = get(ds, speaker["table_url"].replace("claims_readable?", "claims_readable.json?_shape=array&")).json()
    assert listed and {r["speaker_id"] for r in listed} == {2}


def test_render_cell_links_only_whole_number_ids():
    cell = datasette_plugin.render_cell(row={"speaker_id": 3}, value="Ann <b>", column="speaker",
                                        table="claims_readable", database="claims", datasette=_FakeDatasette())
    assert cell == '<a href="/claims/-/speaker/3">Ann &lt;b&gt;</a>'
    assert datasette_plugin.render_cell(row={"speaker_id": "3"}, value="Ann", column="speaker",
                                        table="claims_readable", database="claims", datasette=_FakeDatasette()) is None


class _FakeDatasette:
    class urls:  # noqa: N801 - stands in for datasette.urls
        @staticmethod
        def database(name: str) -> str:
            return f"/{name}"


def test_a_version_5_database_gains_the_view(db_path):
    with store.open_db(db_path) as db:
        article, parsed, claims = make_stored_article("a1")
        store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    with sqlite3.connect(db_path) as conn:  # what version 5 wrote: no claims_readable
        conn.execute("DROP VIEW claims_readable")
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        conn.execute("PRAGMA user_version = 5")
    with store.open_db(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,)
        assert db["meta"].get("schema_version")["value"] == str(store.SCHEMA_VERSION)
        assert [c.name for c in db["claims_readable"].columns] == COLUMNS
        assert db.execute("SELECT count(*) FROM claims_readable").fetchone() == \
            db.execute("SELECT count(*) FROM claims").fetchone()
        fresh = sqlite3.connect(":memory:")
        fresh.executescript(store.schema_sql())
        wanted = fresh.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        have = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        assert have == wanted
