"""claims.store.articles against real database files: storing, replacing, speakers and channels, errors, the parse cache."""

from __future__ import annotations

import json

import pytest
from conftest import EXTRACTOR_VERSION, MODEL_VERSION, SENTENCES, make_stored_article

from claims import store
from claims.names import normalize_name
from claims.types import (
    ANONYMOUS,
    MIXED,
    PERSON,
    UNNAMED_REPORTS,
    Article,
    Attribution,
    Claim,
    IngestError,
    ParsedArticle,
    ParsedSentence,
    Span,
)


def store_default(db, key="article-1", **kwargs):
    article, parsed, claims = make_stored_article(key, **kwargs)
    return store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)


def result_start(db, result) -> int:
    return db.execute(
        "SELECT start FROM sentences WHERE article_id = ? AND sentence_index = 0", [result.article_id]
    ).fetchone()[0]


def fts_ids(db, table: str, query: str) -> set[int]:
    return {row[0] for row in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [query])}


def assert_fts_consistent(db) -> None:
    # FTS5's integrity-check compares an external-content index with its content table.
    for table in ("claims_fts", "speakers_fts"):
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


# -- storing ----------------------------------------------------------------------------------------


def test_store_article_writes_sentences_and_claims_at_their_offsets(db):
    article, parsed, claims = make_stored_article()
    result = store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    assert result == store.StoreResult(article_id=result.article_id, status="added", sentences=4, claims=4)
    row = db["articles"].get(result.article_id)
    assert row["text"] == article.text and row["key"] == "article-1"
    assert row["content_hash"] == article.content_hash
    assert json.loads(row["tags"]) == ["syria", "russia"]
    assert store.stored_state(db, "article-1") == store.StoredState(
        result.article_id, article.content_hash, EXTRACTOR_VERSION, MODEL_VERSION
    )
    assert store.stored_state(db, "nope") is None
    for sentence in db["sentences"].rows:
        assert sentence["text"] == article.text[sentence["start"] : sentence["end"]]
    stored = list(db.query("SELECT * FROM claims ORDER BY id"))
    assert [c["text"] for c in stored] == [article.text[c.content_start : c.content_end] for c in claims]
    for claim in stored:
        assert claim["text"] == article.text[claim["content_start"] : claim["content_end"]]
        for start, end in json.loads(claim["content_spans"]):
            assert claim["content_start"] <= start <= end <= claim["content_end"]
        if claim["cue"]:
            assert claim["cue"] == article.text[claim["cue_start"] : claim["cue_end"]]
            assert claim["source_text"] == article.text[claim["source_start"] : claim["source_end"]]
        assert claim["extractor_version"] == EXTRACTOR_VERSION
        assert claim["model_version"] == MODEL_VERSION
    assert [c["claim_type"] for c in stored] == ["indirect", "direct", "indirect", "narrator"]
    assert stored[2]["hedged"] == 1 and stored[2]["confidence"] == 0.6
    view = list(db.query("SELECT speaker, channel, claim, sentence FROM claims_view"))
    assert view[0] == {
        "speaker": "Sinem Koseoglu",
        "channel": "Al Jazeera",
        "claim": "the advance had slowed near Hama",
        "sentence": SENTENCES[0],
    }


def test_offsets_outside_the_text_are_refused_before_writing(db):
    article, parsed, claims = make_stored_article()
    claims[0].content_end = len(article.text) + 5
    with pytest.raises(ValueError, match="fall outside the text"):
        store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    assert db["articles"].count == 0


def test_unknown_types_are_refused_before_writing(db):
    article, parsed, claims = make_stored_article()
    claims[0].attribution.speaker_type = "celebrity"
    with pytest.raises(ValueError, match="speaker type 'celebrity'"):
        store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    article, parsed, claims = make_stored_article()
    claims[3].claim_type = "rumour"
    with pytest.raises(ValueError, match="claim type 'rumour'"):
        store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    assert db["articles"].count == 0


def test_fts_follows_insert_update_and_delete(db):
    result = store_default(db)
    momentum = db.execute("SELECT id FROM claims WHERE text LIKE '%momentum%'").fetchone()[0]
    assert fts_ids(db, "claims_fts", "momentum") == {momentum}
    assert fts_ids(db, "claims_fts", "source_text:Koseoglu") == {1, 2}
    koseoglu = db.execute("SELECT id FROM speakers WHERE name = 'Sinem Koseoglu'").fetchone()[0]
    assert fts_ids(db, "speakers_fts", "Koseoglu") == {koseoglu}
    assert fts_ids(db, "speakers_fts", "Jazeera") == {koseoglu}  # through its aliases
    assert_fts_consistent(db)

    db.execute("UPDATE claims SET text = 'their impetus has slowed' WHERE id = ?", [momentum])
    assert fts_ids(db, "claims_fts", "momentum") == set()
    assert fts_ids(db, "claims_fts", "impetus") == {momentum}
    db.execute("UPDATE speakers SET aliases = '[\"S. Koseoglu\"]' WHERE id = ?", [koseoglu])
    assert fts_ids(db, "speakers_fts", "Jazeera") == set()
    assert_fts_consistent(db)

    db.execute("DELETE FROM articles WHERE id = ?", [result.article_id])  # cascades to claims
    assert db["claims"].count == 0
    assert fts_ids(db, "claims_fts", "impetus") == set()
    db.execute("DELETE FROM speakers WHERE claim_count = 0")
    assert fts_ids(db, "speakers_fts", "Koseoglu") == set()
    assert_fts_consistent(db)


def test_unchanged_article_is_not_rewritten(db):
    first = store_default(db)
    before = db.conn.total_changes
    ingested_at = db["articles"].get(first.article_id)["ingested_at"]
    again = store_default(db)
    assert again == store.StoreResult(first.article_id, "unchanged", 4, 4)
    assert db.conn.total_changes == before
    assert db["articles"].get(first.article_id)["ingested_at"] == ingested_at


def test_changed_article_replaces_its_sentences_and_claims(db):
    first = store_default(db)
    article, parsed, claims = make_stored_article()
    store.save_annotations(db, first.article_id, parsed)
    changed = ["A new opening sentence."] + SENTENCES[1:]
    result = store_default(db, sentences=changed)
    assert result.status == "replaced" and result.article_id == first.article_id
    assert (result.sentences, result.claims) == (4, 4)
    assert db["articles"].count == 1
    texts = [row["text"] for row in db.query("SELECT text FROM claims ORDER BY id")]
    assert "the advance had slowed near Hama" not in texts
    assert texts[0] == "A new opening sentence."
    assert fts_ids(db, "claims_fts", "Hama") == set()
    # the text changed: the cache holds the new parse, saved in the same transaction
    cached = store.load_annotations(db, first.article_id)
    assert cached.sentences[0].words[0].text == "A" and cached.sentences[0].start == result_start(db, first)
    # the speaker lost the surface form only the old sentence used
    speaker = db.execute("SELECT aliases, claim_count FROM speakers WHERE key = 'person:sinem koseoglu'").fetchone()
    assert json.loads(speaker[0]) == ["Koseoglu"] and speaker[1] == 1
    assert_fts_consistent(db)


def test_new_extractor_version_reextracts_and_keeps_annotations(db):
    first = store_default(db)
    _, parsed, _ = make_stored_article()
    store.save_annotations(db, first.article_id, parsed)
    article, parsed, claims = make_stored_article()
    result = store.store_article(db, article, parsed, claims, "test-extractor-2", MODEL_VERSION)
    assert result.status == "replaced"
    assert {r[0] for r in db.execute("SELECT extractor_version FROM claims")} == {"test-extractor-2"}
    assert store.load_annotations(db, first.article_id) == parsed  # same text and model: still valid
    parsed.model_version = "test-model-2"
    store.store_article(db, article, parsed, claims, "test-extractor-2", "test-model-2")
    assert store.load_annotations(db, first.article_id).model_version == "test-model-2"  # the new parse
    assert db["annotations"].count == 1


def test_failed_replace_leaves_the_old_article_intact(db, monkeypatch):
    first = store_default(db)
    old_claims = list(db.query("SELECT * FROM claims ORDER BY id"))
    old_article = db["articles"].get(first.article_id)
    old_speakers = list(db.query("SELECT * FROM speakers ORDER BY id"))
    calls = []
    real_claim_row = store.articles._claim_row

    def failing_claim_row(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # after the old rows are deleted and some new ones are written
            raise RuntimeError("disk on fire")
        return real_claim_row(*args, **kwargs)

    monkeypatch.setattr(store.articles, "_claim_row", failing_claim_row)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store_default(db, sentences=["Something else entirely."] + SENTENCES[1:])
    assert calls == [1, 1]
    assert not db.conn.in_transaction
    assert list(db.query("SELECT * FROM claims ORDER BY id")) == old_claims
    assert db["articles"].get(first.article_id) == old_article
    assert list(db.query("SELECT * FROM speakers ORDER BY id")) == old_speakers
    assert db["sentences"].count == 4
    assert_fts_consistent(db)


# -- speakers and channels --------------------------------------------------------------------------


def test_named_speakers_are_shared_and_collect_aliases(db):
    store_default(db, "article-1")
    store_default(db, "article-2", publisher="Other Paper")
    speakers = {row["key"]: row for row in db["speakers"].rows}
    koseoglu = speakers["person:sinem koseoglu"]
    assert koseoglu["name"] == "Sinem Koseoglu"
    assert koseoglu["claim_count"] == 4
    assert json.loads(koseoglu["aliases"]) == ["Al Jazeera\u2019s Sinem Koseoglu", "Koseoglu"]
    # unnamed reports: one speaker per article and wording, named as written
    reports = [row for row in speakers.values() if row["speaker_type"] == UNNAMED_REPORTS]
    assert sorted(r["key"] for r in reports) == [
        "unnamed_reports:article-1:reports",
        "unnamed_reports:article-2:reports",
    ]
    assert {r["name"] for r in reports} == {"Reports"}
    channels = {row["key"]: row for row in db["channels"].rows}
    assert channels["al jazeera"]["name"] == "Al Jazeera"  # "al jazeera" in claim 2 is the same
    assert channels["al jazeera"]["kind"] == "broadcaster"
    assert channels["al jazeera"]["claim_count"] == 4
    assert sum(row["claim_count"] for row in speakers.values()) == db["claims"].count


def test_narrator_claims_are_attributed_to_the_publication(db):
    store_default(db, "a", publisher="Example News")
    store_default(db, "b", publisher=None, url="https://www.example.org/story")
    store_default(db, "c", publisher=None, url=None)
    rows = list(
        db.query(
            """SELECT c.speaker_type, s.name, s.key, ch.name AS channel, ch.kind, c.channel_kind
               FROM claims c JOIN speakers s ON s.id = c.speaker_id JOIN channels ch ON ch.id = c.channel_id
               WHERE c.claim_type = 'narrator' ORDER BY c.id"""
        )
    )
    assert [r["name"] for r in rows] == ["Example News", "example.org", "unknown publication"]
    assert rows[0]["key"] == "publication:example news"
    assert all(r["speaker_type"] == "publication" and r["kind"] == "publication" for r in rows)
    assert all(r["channel"] == r["name"] and r["channel_kind"] == "publication" for r in rows)


def test_speaker_keys():
    article, _, _ = make_stored_article("k1")
    text = article.text
    at = text.index("Reports")
    official = Attribution(0, [], [], source=[Span(at, at + 7)], speaker_type=ANONYMOUS)
    assert store.speaker_key(article, official) == ("anonymous_person:k1:reports", "Reports", ANONYMOUS)
    vague = Attribution(0, [], [], speaker_type=UNNAMED_REPORTS)
    assert store.speaker_key(article, vague) == ("unnamed_reports:k1:reports", "unnamed reports", UNNAMED_REPORTS)
    named = Attribution(0, [], [], speaker="  O\u2019Brien   Smith ", speaker_type=PERSON)
    assert store.speaker_key(article, named) == ("person:o'brien smith", "O\u2019Brien Smith", PERSON)
    assert store.speaker_key(article, None) == ("publication:example news", "Example News", "publication")
    assert normalize_name("  Al\u00a0Jazeera\u2019S ") == "al jazeera's"


def test_claim_counts_follow_cascading_deletes(db):
    result = store_default(db)
    db.execute("DELETE FROM articles WHERE id = ?", [result.article_id])
    assert {row["claim_count"] for row in db["speakers"].rows} == {0}
    assert {row["claim_count"] for row in db["channels"].rows} == {0}
    assert db["sentences"].count == 0


# -- errors and annotations -------------------------------------------------------------------------


def test_record_error(db):
    message = "line 3 is not JSON; fix or remove it"
    error = IngestError(source="in/feed.jsonl", message=message, line=3, kind="malformed_json")
    row_id = store.record_error(db, error)
    row = db["ingest_errors"].get(row_id)
    assert (row["source"], row["line"], row["kind"], row["message"]) == (
        "in/feed.jsonl",
        3,
        "malformed_json",
        "line 3 is not JSON; fix or remove it",
    )
    assert row["at"].endswith("+00:00")
    store.record_error(db, IngestError(source="x.bin", message="binary file"))
    assert db["ingest_errors"].count == 2


def test_annotations_round_trip(db):
    result = store_default(db)
    _, parsed, _ = make_stored_article()
    assert store.load_annotations(db, result.article_id) == parsed  # saved with the article
    store.save_annotations(db, result.article_id, parsed)
    loaded = store.load_annotations(db, result.article_id)
    assert loaded == parsed
    assert loaded.sentences[0].words[0].start == parsed.sentences[0].start
    parsed.model_version = "test-model-9"
    store.save_annotations(db, result.article_id, parsed)  # replaces the cache
    assert store.load_annotations(db, result.article_id).model_version == "test-model-9"
    assert db["annotations"].count == 1


def test_split_quote_over_two_sentences(db):
    # "We will win," she said, "and soon. Nobody doubts it." -> one attribution, two claims.
    text = "\u201cWe will win,\u201d she said, \u201cand soon. Nobody doubts it.\u201d"
    first_end = text.index("soon.") + len("soon.")
    second_start = text.index("Nobody")
    quote1 = Span(0, text.index(" she"))
    quote2 = Span(text.index("\u201cand"), len(text))
    attribution = Attribution(
        0,
        cue=[Span(text.index("said"), text.index("said") + 4)],
        content=[quote1, quote2],
        source=[Span(text.index("she"), text.index("she") + 3)],
        claim_type=MIXED,
        speaker_type=ANONYMOUS,
    )
    article = Article(text=text, source="split.txt", format="txt", publisher="Paper")
    parsed = ParsedArticle(
        [ParsedSentence(0, 0, first_end, []), ParsedSentence(1, second_start, len(text), [])], [], "m"
    )
    claims = [
        Claim(0, 0, first_end, MIXED, attribution_index=0, attribution=attribution),
        Claim(1, second_start, len(text), MIXED, attribution_index=0, attribution=attribution),
    ]
    store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
    rows = list(db.query("SELECT * FROM claims ORDER BY id"))
    assert [r["attribution_index"] for r in rows] == [0, 0]
    assert json.loads(rows[0]["content_spans"]) == [[quote1.start, quote1.end], [quote2.start, first_end]]
    assert json.loads(rows[1]["content_spans"]) == [[second_start, len(text)]]
    assert [r["text"] for r in rows] == [text[:first_end], text[second_start:]]
    speaker = db.execute("SELECT key, name, claim_count FROM speakers").fetchone()
    assert speaker == (f"anonymous_person:{article.key}:she", "she", 2)
