"""claims.store.schema: the packaged schema.sql, opening a database file, and upgrading old versions."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import EXTRACTOR_VERSION, MODEL_VERSION, make_stored_article

from claims import store

ROOT = Path(__file__).resolve().parent.parent
TABLES = {"meta", "articles", "sentences", "speakers", "channels", "claims", "ingest_errors", "annotations"}


def test_root_files_link_to_package_data():
    for name in ("schema.sql", "datasette-metadata.json"):
        link = ROOT / name
        assert link.is_symlink(), f"{name} at the repo root must be a symlink to claims/data/{name}"
        assert link.resolve() == (ROOT / "claims" / "data" / name).resolve()


def test_schema_version_constant_matches_schema_sql():
    sql = store.schema_sql()
    assert re.search(r"PRAGMA user_version = (\d+);", sql).group(1) == str(store.SCHEMA_VERSION)
    assert f"('schema_version', '{store.SCHEMA_VERSION}')" in sql


def test_open_db_creates_schema(db):
    assert TABLES <= set(db.table_names())
    assert {"claims_fts", "speakers_fts"} <= set(db.table_names())
    assert "claims_view" in db.view_names()
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.journal_mode == "wal"
    meta = {row["key"]: row["value"] for row in db["meta"].rows}
    assert meta["schema_version"] == str(store.SCHEMA_VERSION)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["created_at"])
    # sqlite-utils finds the FTS tables declared in schema.sql
    assert db["claims"].detect_fts() == "claims_fts"
    assert db["speakers"].detect_fts() == "speakers_fts"


def test_open_db_reopens_existing_file(db_path):
    first = store.open_db(db_path)
    article, parsed, claims = make_stored_article()
    store.store_article(first, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    first.close()
    again = store.open_db(db_path)
    assert again["articles"].count == 1
    again.close()


def test_open_db_refuses_newer_schema(db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(store.StoreError, match="newer than this claims"):
        store.open_db(db_path)


def test_open_db_refuses_other_databases(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    with pytest.raises(store.StoreError, match="not a claims database"):
        store.open_db(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(store.StoreError, match="not a usable SQLite database"):
        store.open_db(junk)
    assert junk.exists()  # an existing file is never removed
    with pytest.raises(store.StoreError, match="does not exist"):
        store.open_db(tmp_path / "missing" / "claims.db")


def test_every_foreign_key_and_facet_column_is_indexed(db):
    def leading_columns(table: str) -> set[str]:
        firsts = {index.columns[0] for index in db[table].indexes}
        return firsts | set(db[table].pks)

    for table in TABLES:
        for fk in db[table].foreign_keys:
            assert fk.column in leading_columns(table), f"{table}.{fk.column} has no index"
    for table, column in [
        ("claims", "speaker_type"),
        ("claims", "claim_type"),
        ("claims", "channel_id"),
        ("claims", "speaker_id"),
        ("articles", "publisher"),
        ("articles", "published"),
    ]:
        assert column in leading_columns(table), f"{table}.{column} is faceted on but not indexed"


def test_a_version_4_database_keys_articles_by_text_and_keeps_one_of_each(db_path):
    # Version 4 keyed an article without id or URL by the path it was read from: the same file read
    # by two paths was two articles. Opening it with version 5 keys them by text and keeps the first.
    with store.open_db(db_path) as db:
        for number, source in enumerate(["../x/a.txt", "/abs/x/a.txt", "other.txt"]):
            article, parsed, claims = make_stored_article(f"a{number}", url=None)
            article.external_id, article.source = source, source  # distinct keys, as version 4 gave
            if source == "other.txt":
                article.text = article.text.replace("Syria", "Syrie")
            store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    with sqlite3.connect(db_path) as conn:  # what version 4 wrote: the path as the key, no notes
        conn.execute("UPDATE articles SET key = source, external_id = NULL")
        conn.execute("DELETE FROM meta WHERE key = 'end_of_run_owed'")
        conn.execute("ALTER TABLE articles DROP COLUMN notes")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        conn.execute("PRAGMA user_version = 4")
    assert [r[0] for r in sqlite3.connect(db_path).execute("SELECT count(*) FROM articles")] == [3]
    with store.open_db(db_path) as db:
        rows = list(db.query("SELECT id, key, source, notes FROM articles ORDER BY id"))
        assert [r["source"] for r in rows] == ["../x/a.txt", "other.txt"]
        assert all(r["key"].startswith("sha256:") and r["notes"] == "[]" for r in rows)
        assert db.execute("SELECT count(DISTINCT article_id) FROM claims").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM annotations").fetchone() == (2,)
        assert store.end_of_run_owed(db)  # clusters of the dropped copy go at the next ingest
        for table in ("claims_fts", "speakers_fts"):  # FTS5 checks an external-content index against its table
            db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        named = db.execute("SELECT claim_count FROM speakers WHERE key = 'person:sinem koseoglu'").fetchone()
        assert named == (4,)  # two claims in each of the two articles left, none from the copy


def test_a_version_6_database_gains_the_name_indexes_and_pages_use_them(db_path):
    with store.open_db(db_path):
        pass
    with sqlite3.connect(db_path) as conn:  # what version 6 wrote: no indexes on names
        conn.execute("DROP INDEX idx_speakers_name")
        conn.execute("DROP INDEX idx_channels_name")
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
        conn.execute("PRAGMA user_version = 6")
    with store.open_db(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,)
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"idx_speakers_name", "idx_channels_name"} <= indexes
        plan = " ".join(str(row) for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM claims_readable WHERE speaker = 'Someone'"))
        assert "idx_speakers_name" in plan
