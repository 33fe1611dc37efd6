"""Articles in the claims database: one article, its sentences and its claims, in one transaction.

:func:`store_article` writes one article with its sentences and claims in a single transaction:
an unchanged article is skipped, a changed one is replaced, and a failure leaves the old rows as
they were. Which speaker row a claim goes to is :mod:`claims.store.speakers`' business. Also here:
what is stored of an article (:func:`stored_state`), the parse cache (:func:`save_annotations`)
and the inputs that could not be read (:func:`record_error`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from claims.names import normalize_name, single_spaces
from claims.store import speakers
from claims.store.db import mark_end_of_run_owed, now, write_transaction
from claims.store.speaker_keys import Mention, joined_text, mention, speaker_name
from claims.types import (
    ANONYMOUS,
    DIRECT,
    GOVERNMENT,
    INDIRECT,
    MIXED,
    NARRATOR,
    ORGANIZATION,
    PERSON,
    PUBLICATION,
    UNKNOWN,
    UNNAMED_REPORTS,
    Article,
    Claim,
    Entity,
    IngestError,
    ParsedArticle,
    ParsedSentence,
    Span,
    Word,
    text_key,
)

# The values claims.types defines; the schema leaves them to this check so that they live in one place.
SPEAKER_TYPES = frozenset({PERSON, ORGANIZATION, GOVERNMENT, ANONYMOUS, UNNAMED_REPORTS, PUBLICATION, UNKNOWN})
CLAIM_TYPES = frozenset({DIRECT, INDIRECT, MIXED, NARRATOR})

ADDED = "added"
REPLACED = "replaced"
UNCHANGED = "unchanged"


class StoreError(Exception):
    """The database cannot be used as a claims database; the message says why and what to do."""


@dataclass
class StoreResult:
    """What :func:`store_article` did; ``sentences`` and ``claims`` count the article's stored rows."""

    article_id: int
    status: str  # "added", "replaced" or "unchanged"
    sentences: int
    claims: int


@dataclass(frozen=True)
class StoredState:
    """What is stored of an article: its row id, and the text and versions its claims came from."""

    id: int
    content_hash: str
    extractor_version: str
    model_version: str


def stored_state(db: sqlite_utils.Database, key: str) -> StoredState | None:
    """The stored article with this key (:attr:`claims.types.Article.key`), or None."""
    row = db.execute(
        "SELECT id, content_hash, extractor_version, model_version FROM articles WHERE key = ?", [key]
    ).fetchone()
    return StoredState(*row) if row else None


def channel_key(name: str) -> str:
    """The key of a channel: its normalized name."""
    return normalize_name(name)


def _bounds(spans: list[Span]) -> tuple[int | None, int | None]:
    if not spans:
        return None, None
    return min(s.start for s in spans), max(s.end for s in spans)


def _span_list(spans: list[Span]) -> str:
    return json.dumps([[s.start, s.end] for s in sorted(spans, key=lambda s: s.start)])


def _check_claims(article: Article, parsed: ParsedArticle, claims: list[Claim]) -> None:
    """Refuse offsets outside the article text and unknown types before anything is written."""
    size = len(article.text)
    where = f"article {article.key!r}"

    def check(start: int, end: int, what: str) -> None:
        if not (0 <= start <= end <= size):
            raise ValueError(
                f"{where}: {what} offsets [{start}, {end}) fall outside the text (length {size}); "
                "offsets must point into Article.text"
            )

    indexes = set()
    for sentence in parsed.sentences:
        check(sentence.start, sentence.end, f"sentence {sentence.index}")
        if sentence.index in indexes:
            raise ValueError(f"{where}: sentence index {sentence.index} appears twice")
        indexes.add(sentence.index)
    for number, claim in enumerate(claims):
        what = f"claim {number} (sentence {claim.sentence_index})"
        if claim.sentence_index not in indexes:
            raise ValueError(f"{where}: {what} refers to a sentence that the parse does not have")
        check(claim.content_start, claim.content_end, f"{what} content")
        if claim.claim_type not in CLAIM_TYPES:
            raise ValueError(f"{where}: {what} has claim type {claim.claim_type!r}; use one of {sorted(CLAIM_TYPES)}")
        if claim.attribution is not None:
            if claim.attribution.speaker_type not in SPEAKER_TYPES:
                raise ValueError(
                    f"{where}: {what} has speaker type {claim.attribution.speaker_type!r}; "
                    f"use one of {sorted(SPEAKER_TYPES)} (claims.types)"
                )
            for label, spans in (
                ("cue", claim.attribution.cue),
                ("source", claim.attribution.source),
                ("content", claim.attribution.content),
            ):
                for span in spans:
                    check(span.start, span.end, f"{what} {label}")


def _claim_order(claim: Claim) -> tuple[int, int, int]:
    return claim.sentence_index, claim.content_start, claim.content_end


def _article_row(
    article: Article, parsed: ParsedArticle, extractor_version: str, model_version: str
) -> dict[str, Any]:
    return {
        "key": article.key,
        "source": article.source,
        "format": article.format,
        "external_id": article.external_id,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "publisher": article.publisher,
        "author": article.author,
        "site_name": article.site_name,
        "tags": json.dumps(list(article.tags), ensure_ascii=False),
        "comment_count": article.comment_count,
        "text": article.text,
        "body_start": article.body_start,
        "body_end": article.body_end,
        "content_hash": article.content_hash,
        "decoding": article.decoding,
        "model_version": model_version,
        "extractor_version": extractor_version,
        "ingested_at": now(),
        "notes": json.dumps([*article.notes, *parsed.notes], ensure_ascii=False),
    }


def _clear_article(
    db: sqlite_utils.Database, article_id: int, *, text_changed: bool, model_version: str
) -> tuple[set[int], set[int]]:
    """Delete an article's sentences and claims (and stale annotations); returns the speaker and
    channel ids its claims used, whose aliases and existence must then be brought up to date."""
    speakers = {r[0] for r in db.execute("SELECT DISTINCT speaker_id FROM claims WHERE article_id = ?", [article_id])}
    channels = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT channel_id FROM claims WHERE article_id = ? AND channel_id IS NOT NULL", [article_id]
        )
    }
    db.execute("DELETE FROM claims WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM sentences WHERE article_id = ?", [article_id])
    if text_changed:
        db.execute("DELETE FROM annotations WHERE article_id = ?", [article_id])
    else:  # same text: the cached parse stays valid while the model is the same
        db.execute(
            "DELETE FROM annotations WHERE article_id = ? AND model_version != ?", [article_id, model_version]
        )
    return speakers, channels


def store_article(
    db: sqlite_utils.Database,
    article: Article,
    parsed: ParsedArticle,
    claims: list[Claim],
    extractor_version: str,
    model_version: str,
) -> StoreResult:
    """Write an article, its sentences and its claims in one transaction.

    Unchanged (same key, content hash and versions): nothing is written but a missing annotation
    cache. Changed: its sentences and claims are replaced. The parse is cached in the same
    transaction (:func:`load_annotations`), and the end-of-run stages are marked as owed.
    Speakers are found or created by :func:`claims.store.speakers.resolve_speakers` (one row per speaker
    across articles, manual merges and splits applied), channels by normalized name; speakers and
    channels left without claims by a replacement are removed. Raises ValueError on offsets outside
    the text or unknown types, before writing.
    """
    _check_claims(article, parsed, claims)
    row = _article_row(article, parsed, extractor_version, model_version)
    # BEGIN IMMEDIATE: the lookup and the writes see one state of the database even when another
    # process ingests into it; sqlite-utils' own writes inside become savepoints, and any failure
    # rolls back to the old rows.
    with write_transaction(db):
        found = stored_state(db, article.key)
        if found and (found.content_hash, found.extractor_version, found.model_version) == (
            article.content_hash, extractor_version, model_version
        ):
            if not has_annotations(db, found.id, model_version):  # lost by a run killed before v5
                save_annotations(db, found.id, parsed)
            return _result(db, found.id, UNCHANGED)
        touched_speakers: set[int] = set()
        touched_channels: set[int] = set()
        if found:
            article_id = found.id
            touched_speakers, touched_channels = _clear_article(
                db, article_id, text_changed=found.content_hash != article.content_hash, model_version=model_version
            )
            db.table("articles").update(article_id, row)
            status = REPLACED
        else:
            article_id = db.table("articles").insert(row).last_pk
            status = ADDED

        sentence_ids = _insert_sentences(db, article_id, article, parsed)
        ordered = sorted(claims, key=_claim_order)
        speaker_ids = speakers.resolve_speakers(db, (mention(article, c.attribution) for c in ordered))
        rows = []
        channels: dict[str, int] = {}
        for claim in ordered:
            claim_row = _claim_row(db, article, claim, speaker_ids, channels)
            claim_row.update(
                article_id=article_id,
                sentence_id=sentence_ids[claim.sentence_index],
                extractor_version=extractor_version,
                model_version=model_version,
            )
            rows.append(claim_row)
        db.table("claims").insert_all(rows)
        touched_speakers.update(speaker_ids.values())
        touched_channels.update(channels.values())
        _verify_offsets(db, article_id)
        speakers.refresh_speakers(db, touched_speakers)
        _drop_unused_channels(db, touched_channels)
        # In the article's own transaction: a killed run never leaves an article without its cache.
        save_annotations(db, article_id, parsed)
        mark_end_of_run_owed(db)
        return _result(db, article_id, status)


def _result(db: sqlite_utils.Database, article_id: int, status: str) -> StoreResult:
    sentences = db.execute("SELECT count(*) FROM sentences WHERE article_id = ?", [article_id]).fetchone()[0]
    claims = db.execute("SELECT count(*) FROM claims WHERE article_id = ?", [article_id]).fetchone()[0]
    return StoreResult(article_id=article_id, status=status, sentences=sentences, claims=claims)


def _insert_sentences(
    db: sqlite_utils.Database, article_id: int, article: Article, parsed: ParsedArticle
) -> dict[int, int]:
    db.table("sentences").insert_all(
        {
            "article_id": article_id,
            "sentence_index": s.index,
            "start": s.start,
            "end": s.end,
            "text": article.text[s.start : s.end],
        }
        for s in sorted(parsed.sentences, key=lambda s: s.index)
    )
    return {
        index: sentence_id
        for sentence_id, index in db.execute(
            "SELECT id, sentence_index FROM sentences WHERE article_id = ?", [article_id]
        )
    }


# Every claim row carries every column, so one insert_all() covers narrator and attributed rows.
_CLAIM_DEFAULTS: dict[str, Any] = {
    "cue": None,
    "cue_start": None,
    "cue_end": None,
    "cue_spans": "[]",
    "cue_class": None,
    "cue_lemma": None,
    "source_text": None,
    "source_start": None,
    "source_end": None,
    "source_spans": "[]",
    "role": None,
    "affiliation": None,
    "channel_id": None,
    "channel_kind": None,
    "location": None,
    "time": None,
    "hedged": 0,
    "confidence": None,
}


def _claim_row(
    db: sqlite_utils.Database,
    article: Article,
    claim: Claim,
    speaker_ids: dict[Mention, int],
    channels: dict[str, int],
) -> dict[str, Any]:
    text = article.text
    content = text[claim.content_start : claim.content_end]
    attribution = claim.attribution
    speaker = mention(article, attribution)
    name, speaker_type = speaker.name, speaker.speaker_type
    row: dict[str, Any] = {
        **_CLAIM_DEFAULTS,
        "sentence_index": claim.sentence_index,
        "attribution_index": claim.attribution_index,
        "claim_type": claim.claim_type,
        "text": content,
        "content_start": claim.content_start,
        "content_end": claim.content_end,
        "content_spans": json.dumps(claim.content_spans()),
        "speaker_id": speaker_ids[speaker],
        "speaker_type": speaker_type,
        "speaker_name": speaker_name(attribution),
    }
    if attribution is None:
        channel_name, channel_kind = name, PUBLICATION
        row["hedged"] = int(claim.narrator_hedged)
    else:
        channel_name, channel_kind = attribution.channel, attribution.channel_kind
        cue_start, cue_end = _bounds(attribution.cue)
        source_start, source_end = _bounds(attribution.source)
        row.update(
            cue=joined_text(text, attribution.cue),
            cue_start=cue_start,
            cue_end=cue_end,
            cue_spans=_span_list(attribution.cue),
            cue_class=attribution.cue_class,
            cue_lemma=attribution.cue_lemma,
            source_text=joined_text(text, attribution.source),
            source_start=source_start,
            source_end=source_end,
            source_spans=_span_list(attribution.source),
            role=attribution.role,
            affiliation=attribution.affiliation,
            location=attribution.location,
            time=attribution.time,
            hedged=int(attribution.hedged),
            confidence=attribution.confidence,
        )
    if channel_name and channel_name.strip():
        channel_name = single_spaces(channel_name)
        ckey = channel_key(channel_name)
        if ckey not in channels:
            channels[ckey] = db.table("channels").lookup({"key": ckey}, {"name": channel_name, "kind": channel_kind})
            if channel_kind:  # a channel first seen without a kind takes the first kind given
                db.execute(
                    "UPDATE channels SET kind = ? WHERE id = ? AND kind IS NULL", [channel_kind, channels[ckey]]
                )
        row["channel_id"] = channels[ckey]
        row["channel_kind"] = channel_kind
    assert row["text"] == text[row["content_start"] : row["content_end"]]
    return row


def _verify_offsets(db: sqlite_utils.Database, article_id: int) -> None:
    """Check in SQL that every stored sentence and claim is the slice of the stored text it names."""
    bad = db.execute(
        """
        SELECT 'claim ' || c.id FROM claims c JOIN articles a ON a.id = c.article_id
        WHERE c.article_id = :id
          AND c.text IS NOT substr(a.text, c.content_start + 1, c.content_end - c.content_start)
        UNION ALL
        SELECT 'sentence ' || s.sentence_index FROM sentences s JOIN articles a ON a.id = s.article_id
        WHERE s.article_id = :id AND s.text IS NOT substr(a.text, s.start + 1, s."end" - s.start)
        """,
        {"id": article_id},
    ).fetchall()
    if bad:
        raise AssertionError(
            f"article {article_id}: stored text does not match the article text at its offsets for "
            + ", ".join(r[0] for r in bad)
        )


def _drop_unused_channels(db: sqlite_utils.Database, channel_ids: set[int]) -> None:
    for channel_id in sorted(channel_ids):
        db.execute("DELETE FROM channels WHERE id = ? AND claim_count = 0", [channel_id])


def record_error(db: sqlite_utils.Database, error: IngestError) -> int:
    """Record an input that could not be read; returns the row id."""
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO ingest_errors (source, line, kind, message, at) VALUES (?, ?, ?, ?, ?)",
            [_storable(error.source), error.line, error.kind, _storable(error.message), now()],
        )
    return int(cursor.lastrowid)


def _storable(text: str) -> str:
    """Text SQLite can hold: a lone surrogate (from a JSON escape or a file name) becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


# -- annotation cache -------------------------------------------------------------------------------


def save_annotations(db: sqlite_utils.Database, article_id: int, parsed: ParsedArticle) -> None:
    """Cache an article's NLP output as JSON, replacing any earlier cache."""
    data = json.dumps(annotations_data(parsed), ensure_ascii=False, separators=(",", ":"))
    db.table("annotations").insert(
        {"article_id": article_id, "model_version": parsed.model_version, "data": data, "saved_at": now()},
        replace=True,
    )


def annotations_data(parsed: ParsedArticle) -> dict[str, Any]:
    """What the cache keeps of a parse: ``asdict`` without the encoder's vectors (``context``), built
    field by field (``asdict`` copies every value deeply, and was 1 % of an ingest's time)."""
    return {
        "sentences": [{"index": s.index, "start": s.start, "end": s.end, "words": [dict(vars(w)) for w in s.words]}
                      for s in parsed.sentences],
        "entities": [dict(vars(e)) for e in parsed.entities],
        "model_version": parsed.model_version,
        "notes": list(parsed.notes),
    }


def has_annotations(db: sqlite_utils.Database, article_id: int, model_version: str) -> bool:
    """Whether the article's parse is cached for this model."""
    return db.execute(
        "SELECT 1 FROM annotations WHERE article_id = ? AND model_version = ?", [article_id, model_version]
    ).fetchone() is not None


def load_annotations(db: sqlite_utils.Database, article_id: int) -> ParsedArticle | None:
    """The cached :class:`ParsedArticle` of an article, or None when none is cached."""
    row = db.execute("SELECT data FROM annotations WHERE article_id = ?", [article_id]).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return ParsedArticle(
        sentences=[
            ParsedSentence(
                index=s["index"], start=s["start"], end=s["end"], words=[Word(**w) for w in s["words"]]
            )
            for s in data["sentences"]
        ],
        entities=[Entity(**e) for e in data["entities"]],
        model_version=data["model_version"],
        notes=data.get("notes", []),
    )


# -- upgrades --------------------------------------------------------------------------------------


def rekey_articles_by_text(db: sqlite_utils.Database) -> None:
    """Version 5: articles without a given id or URL are keyed by their text, not by their path.

    The same text stored under several paths was several articles; the first stored stays and the
    others go with their claims (speakers and channels left without claims go too).
    """
    rows = db.execute(
        "SELECT id, key, text FROM articles WHERE external_id IS NULL AND url IS NULL ORDER BY id"
    ).fetchall()
    for article_id, key, text in rows:
        new_key = text_key(text)
        if new_key == key:
            continue
        if db.execute("SELECT 1 FROM articles WHERE key = ?", [new_key]).fetchone():
            touched_speakers, touched_channels = _clear_article(db, article_id, text_changed=True, model_version="")
            db.execute("DELETE FROM articles WHERE id = ?", [article_id])
            speakers.refresh_speakers(db, touched_speakers)
            _drop_unused_channels(db, touched_channels)
        else:
            db.execute("UPDATE articles SET key = ? WHERE id = ?", [new_key, article_id])

