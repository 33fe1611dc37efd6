"""The main job end to end on the real model and a real SQLite file: ingest, re-ingest, bad input."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from conftest import REPO, SEED_TEXT

from claims.pipeline import ingest

FIXTURES = REPO / "fixtures"


def rows(db_path, sql, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory, model_spec):
    db_path = tmp_path_factory.mktemp("seed") / "claims.db"
    summary = ingest([str(SEED_TEXT)], db_path, model=model_spec)
    return db_path, summary


def test_seed_ingest_stores_every_body_sentence_as_claims(seed_db):
    db_path, summary = seed_db
    assert summary.added == 1 and not summary.errors
    ((article_id, text, body_start, body_end, title, published),) = rows(
        db_path, "select id, text, body_start, body_end, title, published from articles")
    assert title.startswith("Syria and Russia") and published == "2025-07-01"
    sentences = rows(db_path, "select sentence_index, start, end, text from sentences order by sentence_index")
    assert sentences, "no sentences stored"
    for _, start, end, sentence_text in sentences:
        assert body_start <= start < end <= body_end  # page chrome never becomes a sentence
        assert text[start:end] == sentence_text
    uncovered = rows(db_path, "select sentence_index from sentences s where not exists "
                              "(select 1 from claims c where c.sentence_id = s.id)")
    assert uncovered == []
    for claim_text, start, end in rows(db_path, "select text, content_start, content_end from claims"):
        assert text[start:end] == claim_text
    assert "About The Author" not in " ".join(r[0] for r in rows(db_path, "select text from claims"))


def test_seed_claims_have_speakers_channels_and_versions(seed_db):
    db_path, _ = seed_db
    types = {r[0] for r in rows(db_path, "select claim_type from claims")}
    assert "narrator" in types and types & {"direct", "indirect", "mixed"}
    narrator_speakers = rows(db_path, "select distinct s.speaker_type from claims c join speakers s "
                                      "on s.id = c.speaker_id where c.claim_type = 'narrator'")
    assert narrator_speakers == [("publication",)]
    versions = rows(db_path, "select distinct extractor_version, model_version from claims")
    assert len(versions) == 1 and all(versions[0])
    assert rows(db_path, "select count(*) from claims where claim_type != 'narrator' and speaker_id is null") == [(0,)]


def test_reingest_unchanged_adds_nothing(seed_db, model_spec):
    db_path, _ = seed_db
    before = rows(db_path, "select count(*), max(id) from claims")
    summary = ingest([str(SEED_TEXT)], db_path, model=model_spec)
    assert summary.unchanged == 1 and summary.added == 0 and summary.claims == 0
    assert rows(db_path, "select count(*), max(id) from claims") == before


def test_changed_article_is_replaced(tmp_path, model_spec):
    # An article that names itself (an id or a URL) is replaced when its text changes.
    path = tmp_path / "story.jsonl"
    record = {"id": "story-1", "text": "The mayor said the bridge will reopen in May. Traffic was light."}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db_path = tmp_path / "c.db"
    ingest([str(path)], db_path, model=model_spec)
    record["text"] = "The mayor said the bridge will stay closed until June."
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    summary = ingest([str(path)], db_path, model=model_spec)
    assert summary.replaced == 1
    assert rows(db_path, "select count(*) from articles") == [(1,)]
    texts = " ".join(r[0] for r in rows(db_path, "select text from claims"))
    assert "June" in texts and "May" not in texts


def test_an_article_is_its_text_not_the_path_it_was_read_from(tmp_path, model_spec, monkeypatch):
    folder = tmp_path / "x"
    folder.mkdir()
    path = folder / "a.txt"
    path.write_text("The mayor said the bridge will reopen in May.\n", encoding="utf-8")
    db_path = tmp_path / "c.db"
    monkeypatch.chdir(folder)
    first = ingest(["a.txt", str(path), "../x/a.txt"], db_path, model=model_spec)
    assert (first.added, first.unchanged) == (1, 2)
    assert rows(db_path, "select count(*), count(distinct text) from articles") == [(1, 1)]
    assert rows(db_path, "select count(*) from quote_clusters") == [(0,)]  # no article quoting itself
    # Two different texts piped in are two articles; the same text piped again is the first.
    for text in ("Officials said the port was closed.\n", "Police said the road was open.\n",
                 "Officials said the port was closed.\n"):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
        ingest(["-"], db_path, model=model_spec)
    assert rows(db_path, "select source, count(*) from articles where source = '<stdin>' group by 1") == [
        ("<stdin>", 2)]
    # An edited file without an id is another text, so another article; the first is kept.
    path.write_text("The mayor said the bridge will stay closed until June.\n", encoding="utf-8")
    edited = ingest([str(path)], db_path, model=model_spec)
    assert edited.added == 1 and rows(db_path, "select count(*) from articles") == [(4,)]


def test_bad_inputs_are_recorded_and_good_ones_kept(tmp_path, model_spec):
    db_path = tmp_path / "c.db"
    good = tmp_path / "good.txt"
    good.write_text("Officials said the port was closed.\n", encoding="utf-8")
    # A folder skips unknown extensions; a file named explicitly is always tried.
    inputs = [str(good), str(FIXTURES / "bad"), str(FIXTURES / "bad" / "binary.bin")]
    summary = ingest(inputs, db_path, model=model_spec)
    assert summary.added >= 2  # good.txt plus the readable records inside the bad corpus
    kinds = {r[0] for r in rows(db_path, "select kind from ingest_errors")}
    assert {"empty", "binary"} <= kinds
    assert len(summary.errors) == rows(db_path, "select count(*) from ingest_errors")[0][0]
    assert rows(db_path, "select count(*) from articles where source = ?", [str(good)]) == [(1,)]


def test_failure_mid_run_keeps_what_was_stored(tmp_path, model_spec, monkeypatch):
    """A crash on the second article leaves the first stored and the database consistent."""
    import claims.pipeline as pipeline

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("The governor said taxes will fall.\n", encoding="utf-8")
    second.write_text("The senator said taxes will rise.\n", encoding="utf-8")
    db_path = tmp_path / "c.db"
    real_store = pipeline.store_article
    calls = []

    def failing_store(db, article, *args, **kwargs):
        calls.append(article.source)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real_store(db, article, *args, **kwargs)

    monkeypatch.setattr(pipeline, "store_article", failing_store)
    with pytest.raises(KeyboardInterrupt):
        ingest([str(first), str(second)], db_path, model=model_spec, batch_size=1)
    monkeypatch.setattr(pipeline, "store_article", real_store)
    assert rows(db_path, "select source from articles") == [(str(first),)]
    assert rows(db_path, "pragma integrity_check") == [("ok",)]
    summary = ingest([str(first), str(second)], db_path, model=model_spec)  # rerun resumes
    assert summary.unchanged == 1 and summary.added == 1


def test_extractor_change_replays_cached_annotations(tmp_path, model_spec, monkeypatch):
    import claims.pipeline as pipeline
    import claims.workers as workers

    path = tmp_path / "s.txt"
    path.write_text("Reports indicate that the talks have stalled.\n", encoding="utf-8")
    db_path = tmp_path / "c.db"
    ingest([str(path)], db_path, model=model_spec)
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "rules-test-next")  # as if a newer claims were installed
    monkeypatch.setattr(workers, "EXTRACTOR_VERSION", "rules-test-next")
    monkeypatch.setattr(workers, "annotate", lambda *a, **k: pytest.fail("re-parsed instead of using the cache"))
    summary = ingest([str(path)], db_path, model=model_spec)
    assert summary.replaced == 1
    assert rows(db_path, "select distinct extractor_version from claims") == [("rules-test-next",)]


def test_every_format_ingests(tmp_path, model_spec):
    db_path = tmp_path / "c.db"
    inputs = [FIXTURES / "ingest" / name for name in ("article.html", "articles.jsonl", "articles.csv")]
    summary = ingest([str(p) for p in inputs], db_path, model=model_spec)
    assert not summary.errors
    formats = {r[0] for r in rows(db_path, "select format from articles")}
    assert formats == {"html", "jsonl", "csv"}
    assert rows(db_path, "select count(*) from claims")[0][0] >= summary.sentences


# -- nothing lost (issue 11) ------------------------------------------------------------------------

QUOTE = '"The talks will resume in Geneva next week, and both sides have agreed to a ceasefire," the minister said.'


def write_quoting_articles(folder, count: int = 2) -> list[str]:
    """Articles by different outlets that carry the same quote, so the quote clusters are not empty."""
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"story{number}.jsonl"
        record = {"id": f"story-{number}", "publisher": f"Outlet {number}", "published": f"2025-07-0{number + 1}",
                  "text": f"Report number {number} from the capital. {QUOTE} Officials said little else."}
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_end_of_run_stages_cut_short_run_at_the_next_ingest(tmp_path, model_spec, monkeypatch):
    paths = write_quoting_articles(tmp_path / "in")
    db_path = tmp_path / "c.db"

    def killed(db):
        raise KeyboardInterrupt  # what a kill during clustering leaves: the stages' transaction undone

    monkeypatch.setattr("claims.pipeline.rebuild_clusters", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest(paths, db_path, model=model_spec)
    assert rows(db_path, "select count(*) from articles") == [(2,)]
    assert rows(db_path, "select value from meta where key = 'end_of_run_owed'") == [("1",)]
    monkeypatch.undo()
    summary = ingest(paths, db_path, model=model_spec)  # every article unchanged: the stages still run
    assert summary.unchanged == 2 and summary.end_of_run_stages
    assert rows(db_path, "select count(*) from quote_clusters") == [(1,)]
    assert rows(db_path, "select count(*) from meta where key = 'end_of_run_owed'") == [(0,)]
    again = ingest(paths, db_path, model=model_spec)  # nothing owed now: nothing runs
    assert not again.end_of_run_stages


def test_a_lost_annotation_cache_comes_back_on_the_rerun(tmp_path, model_spec):
    paths = write_quoting_articles(tmp_path / "in")
    db_path = tmp_path / "c.db"
    ingest(paths, db_path, model=model_spec)
    claims_before = rows(db_path, "select * from claims order by id")
    with sqlite3.connect(db_path) as conn:
        conn.execute("delete from annotations where article_id = 1")
    summary = ingest(paths, db_path, model=model_spec)
    assert summary.unchanged == 2 and summary.added == summary.replaced == 0
    assert rows(db_path, "select article_id from annotations order by 1") == [(1,), (2,)]
    assert rows(db_path, "select * from claims order by id") == claims_before


def test_a_second_process_making_the_same_new_database_waits_and_deletes_nothing(tmp_path):
    import threading

    from claims import store

    path = tmp_path / "new.db"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")  # another process is making the schema right now
    for statement in store.schema._schema_statements():
        first.execute(statement)
    commit = threading.Timer(1.0, lambda: first.execute("COMMIT"))
    commit.start()
    db = store.open_db(path)  # waits for the lock, then finds the schema made, and makes nothing twice
    commit.join()
    first.close()
    assert path.exists() and db["meta"].get("schema_version")["value"] == str(store.SCHEMA_VERSION)
    assert db["meta"].count == 2
    db.close()


def test_concurrent_ingests_into_one_database_both_complete(tmp_path):
    import subprocess
    import sys

    inputs = tmp_path / "in"
    inputs.mkdir()
    db_path = tmp_path / "c.db"
    # Two real processes at once, on a new database, then on the existing one with new texts. Each
    # stores article by article (batch size 1), so their transactions interleave.
    for round_, words in enumerate(["Officials in town {} said the bridge would reopen in May.",
                                    "Police in town {} said the road was closed."]):
        for number in range(6):
            (inputs / f"a{number}.txt").write_text(words.format(number) + "\n", encoding="utf-8")
        halves = [[str(inputs / f"a{n}.txt") for n in range(0, 3)], [str(inputs / f"a{n}.txt") for n in range(2, 6)]]
        runs = [subprocess.Popen([sys.executable, "-m", "claims", "ingest", *half, "--db", str(db_path), "--quiet",
                                  "--batch-size", "1"], stderr=subprocess.PIPE, text=True, cwd=REPO)
                for half in halves]
        for run in runs:
            _, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, stderr
            assert "Traceback" not in stderr
        assert rows(db_path, "select count(*), count(distinct text) from articles") == [(6 * (round_ + 1),) * 2]
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
            conn.execute("INSERT INTO claims_fts (claims_fts) VALUES ('integrity-check')")
        assert rows(db_path, "select count(*) from meta where key = 'end_of_run_owed'") == [(0,)]


def test_a_failed_first_ingest_leaves_no_database_file(tmp_path, model_spec):
    db_path = tmp_path / "new.db"
    summary = ingest([str(tmp_path / "missing.txt")], db_path, model=model_spec)
    assert len(summary.errors) == 1 and not summary.database_written
    assert not db_path.exists()
    assert "no database written" in summary.line() and "1 error," in summary.line()


def test_one_article_failing_in_any_stage_is_its_error_row_and_the_run_goes_on(tmp_path, model_spec, monkeypatch):
    import claims.workers as workers

    folder = tmp_path / "in"
    folder.mkdir()
    texts = {"a.txt": "Officials said the port was closed.\n", "b.txt": "BOOM-EXTRACT said the bridge fell.\n",
             "c.txt": "BOOM-PARSE said the road was open.\n", "d.txt": "Police said the market reopened.\n"}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    real_annotate, real_extract = workers.annotate, workers.extract_claims

    def annotate(articles, spec):
        if any("BOOM-PARSE" in a.text for a in articles):
            raise RuntimeError("the parser fell over")
        return real_annotate(articles, spec)

    def extract(article, parsed):
        if "BOOM-EXTRACT" in article.text:
            raise IndexError("list index out of range")
        return real_extract(article, parsed)

    monkeypatch.setattr(workers, "annotate", annotate)
    monkeypatch.setattr(workers, "extract_claims", extract)
    db_path = tmp_path / "c.db"
    summary = ingest([str(folder)], db_path, model=model_spec, batch_size=4)
    assert summary.added == 2
    errors = rows(db_path, "select source, kind, message from ingest_errors order by source")
    assert [(source.rsplit("/", 1)[1], kind) for source, kind, _ in errors] == [
        ("b.txt", "processing"), ("c.txt", "processing")]
    assert "extraction failed (IndexError: list index out of range)" in errors[0][2]
    assert "annotation failed (RuntimeError: the parser fell over)" in errors[1][2]
    assert sorted(r[0] for r in rows(db_path, "select text from articles")) == [texts["a.txt"], texts["d.txt"]]


def test_end_of_run_stages_and_another_process_storing_take_turns(db_path):
    """The stages read the whole database, then write: another process committing an article in
    between made their write fail at once with "database is locked" (a stale WAL snapshot)."""
    import threading

    from conftest import Quote, store_quoted_article

    import claims.pipeline as pipeline
    from claims import store

    ours = store.open_db(db_path)
    store_quoted_article(ours, "a1", [Quote("Abbas Araghchi", "Abbas Araghchi")])
    real_reconcile = pipeline.reconcile_speakers
    stored = threading.Event()

    def reconcile_while_another_process_stores(db):
        db.execute("SELECT count(*) FROM claims").fetchone()  # the stages have read ...
        def store_from_another_connection():
            theirs = store.open_db(db_path)
            store_quoted_article(theirs, "a2", [Quote("Araghchi", "Araghchi")])
            theirs.close()
            stored.set()

        other = threading.Thread(target=store_from_another_connection)
        other.start()
        other.join(timeout=1.5)  # ... while the other process tries to store an article
        assert not stored.is_set(), "another writer got in while the stages held the database"
        moved = real_reconcile(db)  # ... and now write
        return moved

    pipeline.reconcile_speakers = reconcile_while_another_process_stores
    try:
        assert pipeline.run_end_of_run_stages(ours)
    finally:
        pipeline.reconcile_speakers = real_reconcile
    assert stored.wait(timeout=30), "the other process's article was never stored"
    assert ours.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    assert store.end_of_run_owed(ours)  # the article stored after the stages leaves them owed again


def test_end_of_run_stages_analyze_the_database(db_path):
    """After the stages SQLite has statistics (sqlite_stat1) for the claims' indexes, so the published
    pages' queries are planned for the data (issue 15, part 5: a million claims)."""
    from conftest import Quote, store_quoted_article

    import claims.pipeline as pipeline
    from claims import store

    db = store.open_db(db_path)
    store_quoted_article(db, "a1", [Quote("Abbas Araghchi", "Abbas Araghchi")])
    assert not db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
    assert pipeline.run_end_of_run_stages(db)
    indexes = {row[0] for row in db.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'claims'")}
    assert {"idx_claims_speaker_id", "idx_claims_reading_order"} <= indexes
    assert store.open_db(db_path).execute("SELECT count(*) FROM claims").fetchone()[0] > 0  # still opens
    db.close()
