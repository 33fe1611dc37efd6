"""The claims database: schema, versions, and transactional writes through sqlite-utils.

The schema lives in one file, ``claims/data/schema.sql`` (package data; ``schema.sql`` at the repo
root links to it). :func:`open_db` applies it to a new file, upgrades a file of the previous
version in place, and refuses files it does not know.
:func:`store_article` writes one article with its sentences and claims in a single transaction:
an unchanged article is skipped, a changed one is replaced, and a failure leaves the old rows as
they were. Which speaker row a claim goes to is :mod:`claims.speakers`' business.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from claims import speakers
from claims.speakers import Mention, normalize_name
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
    Attribution,
    Claim,
    Entity,
    IngestError,
    ParsedArticle,
    ParsedSentence,
    Span,
    Word,
    text_key,
)

__all__ = [
    "CLAIM_TYPES",
    "SCHEMA_VERSION",
    "SPEAKER_TYPES",
    "StoreError",
    "StoreResult",
    "channel_key",
    "check_db_path",
    "clear_end_of_run_owed",
    "end_of_run_owed",
    "find_article",
    "has_annotations",
    "load_annotations",
    "mark_end_of_run_owed",
    "mention",
    "normalize_name",
    "open_db",
    "record_error",
    "save_annotations",
    "schema_sql",
    "speaker_key",
    "store_article",
    "write_transaction",
]

SCHEMA_VERSION = 5  # must equal PRAGMA user_version in schema.sql (a test checks)

_UPGRADABLE = {1, 2, 3, 4, SCHEMA_VERSION}  # versions open_db() accepts; older ones are upgraded in place

# Columns each version added, in order, as they stand in schema.sql (a test checks that an upgraded
# database has the same schema as a new one). Tables, indexes and views come from schema.sql itself.
_ADDED_COLUMNS: dict[int, list[tuple[str, str]]] = {
    2: [
        ("speakers", "surname TEXT"),
        ("speakers", "ambiguous INTEGER NOT NULL DEFAULT 0 CHECK (ambiguous IN (0, 1))"),
        ("claims", "speaker_name TEXT"),
    ],
    5: [
        ("articles", "notes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notes))"),
    ],
}

# The meta row that says the end-of-run stages (speaker reconcile, quote clusters) must run again:
# set in the transaction of every article stored, cleared in the transaction that runs them, so a
# run killed before or during those stages leaves it set and the next ingest runs them.
END_OF_RUN_OWED = "end_of_run_owed"

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


def schema_sql() -> str:
    """The text of the packaged ``schema.sql``."""
    return resources.files("claims").joinpath("data/schema.sql").read_text(encoding="utf-8")


# How long a writer waits for another process's transaction before giving up. Articles commit in
# well under a second, but the end-of-run stages hold the write lock while they recompute speakers
# and quote clusters over the whole database (about 15 s for 924 articles), so the wait is long.
BUSY_TIMEOUT_SECONDS = 600


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating when new) a claims database with foreign keys on and WAL journaling.

    Several processes may open and write the same file at once: a new file's schema is created
    under SQLite's write lock (the second process finds it made), writers wait up to
    :data:`BUSY_TIMEOUT_SECONDS` for each other, and no file is ever deleted. A database of an
    older schema version is upgraded in place. Raises :class:`StoreError` for a file that is not
    SQLite, holds other tables, or was made with a schema version this code does not know.
    """
    path = check_db_path(path)
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS))
    try:
        db.execute("PRAGMA foreign_keys = ON")
        if not _is_current(*_schema_state(db)):  # new, older or foreign: one process at a time decides
            with write_transaction(db):
                version, names = _schema_state(db)  # again: another process may have been first
                if version == 0 and not names:
                    for statement in _schema_statements():
                        db.execute(statement)
                elif not _is_current(version, names):
                    _check_version(path, version, names)
                    _upgrade(db, version)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
    except sqlite3.DatabaseError as error:
        db.close()
        raise StoreError(
            f"{path} is not a usable SQLite database ({error}); "
            "pass the path of a claims database or of a new file"
        ) from error
    except BaseException:
        db.close()
        raise
    return db


def check_db_path(path: str | Path) -> Path:
    """Refuse at once a database path that cannot be a database file (a folder, a missing folder)."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a directory; pass a database file path such as {path / 'claims.db'}")
    if not path.parent.exists():
        raise StoreError(f"cannot create {path}: directory {path.parent} does not exist; create it first")
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a regular file; pass the path of a claims database or of a new file")
    return path


def _schema_state(db: sqlite_utils.Database) -> tuple[int, set[str]]:
    """``(user_version, names of tables and views)``; ``(0, set())`` for a new file."""
    return db.execute("PRAGMA user_version").fetchone()[0], set(db.table_names()) | set(db.view_names())


def _is_current(version: int, names: set[str]) -> bool:
    return version == SCHEMA_VERSION and {"meta", "articles", "claims"} <= names


def _schema_statements() -> list[str]:
    """The statements of schema.sql without its own BEGIN and COMMIT (the caller holds the transaction)."""
    statements, pending = [], ""
    for line in schema_sql().splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue  # comments between statements
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            pending = ""
            if statement.upper() not in ("BEGIN;", "COMMIT;"):
                statements.append(statement)
    if pending.strip():
        raise ValueError(f"schema.sql ends in an incomplete statement: {pending.strip()[:80]!r}")
    return statements


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes SQLite's write lock at once (``BEGIN IMMEDIATE``).

    A plain ``BEGIN`` reads first and asks for the write lock later, and in WAL mode a writer whose
    snapshot another process changed meanwhile fails at once with "database is locked", whatever
    the timeout. Taking the lock first makes concurrent writers wait their turn instead. Inside an
    open transaction this is a savepoint, as ``db.atomic()`` would make.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _check_version(path: Path, version: int, names: set[str]) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, newer than this claims ({SCHEMA_VERSION}); "
            "upgrade claims (pip install -U claims) or use another database file"
        )
    if version not in _UPGRADABLE or not {"meta", "articles", "claims"} <= names:
        raise StoreError(
            f"{path} is not a claims database (schema version {version}, tables: "
            f"{', '.join(sorted(names)) or 'none'}); pass a new file name or a database made by claims"
        )


def _upgrade(db: sqlite_utils.Database, version: int) -> None:
    """Bring a database of an older schema version to :data:`SCHEMA_VERSION`, in one transaction."""
    fresh = sqlite3.connect(":memory:")
    fresh.executescript(schema_sql())
    wanted = fresh.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid"
    ).fetchall()
    fresh.close()
    with db.atomic():
        for added in range(version + 1, SCHEMA_VERSION + 1):
            for table, column in _ADDED_COLUMNS.get(added, []):
                if column.split()[0] not in db.table(table).columns_dict:  # a hand-edited file may have it
                    db.execute(f"ALTER TABLE [{table}] ADD COLUMN {column}")
        # Views hold no data: all are made again, so a corrected view reaches old databases.
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            db.execute(f"DROP VIEW [{name}]")
        have = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        for _, name, sql in wanted:
            if name not in have:
                db.execute(sql)
        if version < 2:
            # Named speakers: the name each claim was given is the speaker's name (all v1 knew).
            db.execute(
                f"""
                UPDATE claims SET speaker_name = (SELECT name FROM speakers WHERE speakers.id = claims.speaker_id)
                WHERE speaker_type IN ({", ".join("?" * len(speakers.NAMED_TYPES))}) AND claim_type != ?
                """,
                [*sorted(speakers.NAMED_TYPES), NARRATOR],
            )
            speakers.rekey_speakers(db)
            speakers.reconcile_speakers(db)
        if version < 5:
            _rekey_articles_by_text(db)
            mark_end_of_run_owed(db)  # a version-4 run may have been killed in those stages
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _rekey_articles_by_text(db: sqlite_utils.Database) -> None:
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


def mark_end_of_run_owed(db: sqlite_utils.Database) -> None:
    """Record that the end-of-run stages must run (inside the caller's transaction)."""
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", [END_OF_RUN_OWED])


def end_of_run_owed(db: sqlite_utils.Database) -> bool:
    """Whether articles changed since the end-of-run stages last completed."""
    return db.execute("SELECT 1 FROM meta WHERE key = ?", [END_OF_RUN_OWED]).fetchone() is not None


def clear_end_of_run_owed(db: sqlite_utils.Database) -> None:
    """Record that the end-of-run stages are done (in the transaction that ran them)."""
    db.execute("DELETE FROM meta WHERE key = ?", [END_OF_RUN_OWED])


# -- names and keys -------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def publication_name(article: Article) -> str:
    """The name of an article's own voice: publisher, site name, URL host, or "unknown publication"."""
    for candidate in (article.publisher, article.site_name):
        if candidate and candidate.strip():
            return candidate.strip()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        host = host.removeprefix("www.")
        if host:
            return host
    return "unknown publication"


def speaker_key(article: Article, attribution: Attribution | None) -> tuple[str, str, str]:
    """``(key, name, speaker_type)`` of the speaker of a claim (``attribution`` None: narrator).

    Named speakers are shared across articles, keyed by :func:`claims.speakers.name_key`
    (``person:sinem koseoglu``; titles off for persons, registry names for outlets); anonymous and
    unnamed-report sources are one speaker per article and source text, and so are the speakers
    the extractor keeps to their article (``speaker_local``: "Republicans", a surname the article
    leaves open); the article's own voice
    is its publication. This is the natural key: :func:`claims.speakers.resolve_speakers` decides
    the row, which may have another key (a surname joins its full name, manual decisions).
    """
    if attribution is None or attribution.speaker_type == PUBLICATION:
        name = (attribution.speaker if attribution else None) or publication_name(article)
        return f"{PUBLICATION}:{normalize_name(name)}", name, PUBLICATION
    kind = attribution.speaker_type
    if attribution.speaker and attribution.speaker.strip() and kind not in (ANONYMOUS, UNNAMED_REPORTS):
        name = _SPACE.sub(" ", attribution.speaker).strip()
        if attribution.speaker_local:
            return f"{kind}:{article.key}:{speakers.name_key(kind, name)}", name, kind
        return f"{kind}:{speakers.name_key(kind, name)}", name, kind
    source = _joined(article.text, attribution.source)
    if source:
        return f"{kind}:{article.key}:{normalize_name(source)}", source, kind
    # No source words: a hedge ("reportedly"), or a parse that found no subject.
    name = {UNNAMED_REPORTS: "unnamed reports", ANONYMOUS: "anonymous source"}.get(kind, "unidentified source")
    return f"{kind}:{article.key}:reports", name, kind


def _speaker_name(attribution: Attribution | None) -> str | None:
    """The name the extractor gave, spaces collapsed; None for narrator claims and unnamed sources."""
    if attribution is None or not attribution.speaker or not attribution.speaker.strip():
        return None
    return _SPACE.sub(" ", attribution.speaker).strip()


def mention(article: Article, attribution: Attribution | None) -> Mention:
    """The :class:`claims.speakers.Mention` of a claim's speaker: natural key, name, type, surfaces."""
    key, name, speaker_type = speaker_key(article, attribution)
    surfaces = () if attribution is None else (_joined(article.text, attribution.source), _speaker_name(attribution))
    shared = attribution is None or not attribution.speaker_local
    return Mention(key, name, speaker_type, tuple(s for s in surfaces if s), shared=shared)


def channel_key(name: str) -> str:
    """The key of a channel: its normalized name."""
    return normalize_name(name)


# -- reading ----------------------------------------------------------------------------------------


def find_article(db: sqlite_utils.Database, key: str) -> tuple[int, str] | None:
    """``(id, content_hash)`` of the stored article with this key, or None."""
    row = db.execute("SELECT id, content_hash FROM articles WHERE key = ?", [key]).fetchone()
    return (row[0], row[1]) if row else None


# -- writing ----------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _joined(text: str, spans: list[Span]) -> str | None:
    """The text of possibly discontinuous spans, pieces joined by a space; None when no spans."""
    if not spans:
        return None
    return " ".join(text[s.start : s.end] for s in sorted(spans, key=lambda s: s.start))


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
        "ingested_at": _now(),
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
    Speakers are found or created by :func:`claims.speakers.resolve_speakers` (one row per speaker
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
        found = db.execute(
            "SELECT id, content_hash, extractor_version, model_version FROM articles WHERE key = ?",
            [article.key],
        ).fetchone()
        if found and tuple(found[1:]) == (article.content_hash, extractor_version, model_version):
            if not has_annotations(db, found[0], model_version):  # lost by a run killed before v5
                save_annotations(db, found[0], parsed)
            return _result(db, found[0], UNCHANGED)
        touched_speakers: set[int] = set()
        touched_channels: set[int] = set()
        if found:
            article_id = found[0]
            touched_speakers, touched_channels = _clear_article(
                db, article_id, text_changed=found[1] != article.content_hash, model_version=model_version
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
        "speaker_id": speaker_ids[speaker],
        "speaker_type": speaker_type,
        "speaker_name": _speaker_name(attribution),
    }
    if attribution is None:
        channel_name, channel_kind = name, PUBLICATION
        row["content_spans"] = json.dumps([[claim.content_start, claim.content_end]])
    else:
        channel_name, channel_kind = attribution.channel, attribution.channel_kind
        # The pieces of the attribution's content inside this claim (a quote may be split by its cue).
        pieces = [
            [max(s.start, claim.content_start), min(s.end, claim.content_end)]
            for s in sorted(attribution.content, key=lambda s: s.start)
            if s.start < claim.content_end and s.end > claim.content_start
        ]
        cue_start, cue_end = _bounds(attribution.cue)
        source_start, source_end = _bounds(attribution.source)
        row.update(
            content_spans=json.dumps(pieces or [[claim.content_start, claim.content_end]]),
            cue=_joined(text, attribution.cue),
            cue_start=cue_start,
            cue_end=cue_end,
            cue_spans=_span_list(attribution.cue),
            cue_class=attribution.cue_class,
            cue_lemma=attribution.cue_lemma,
            source_text=_joined(text, attribution.source),
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
        channel_name = _SPACE.sub(" ", channel_name).strip()
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
            [_storable(error.source), error.line, error.kind, _storable(error.message), _now()],
        )
    return int(cursor.lastrowid)


def _storable(text: str) -> str:
    """Text SQLite can hold: a lone surrogate (from a JSON escape or a file name) becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


# -- annotation cache -------------------------------------------------------------------------------


def save_annotations(db: sqlite_utils.Database, article_id: int, parsed: ParsedArticle) -> None:
    """Cache an article's NLP output as JSON, replacing any earlier cache."""
    data = json.dumps(asdict(parsed), ensure_ascii=False, separators=(",", ":"))
    db.table("annotations").insert(
        {"article_id": article_id, "model_version": parsed.model_version, "data": data, "saved_at": _now()},
        replace=True,
    )


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

