"""The main job: read articles, annotate them, extract claims, store them. One transaction per article.

Articles already stored with the same text and the same extractor and model versions are skipped
before any NLP; when only the extractor changed, the cached annotations are replayed instead of
re-parsing. Input that cannot be read is recorded in ``ingest_errors`` and reported; nothing
already stored is touched by a failure.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from claims.extract import EXTRACTOR_VERSION, extract_claims
from claims.ingest import read_paths
from claims.nlp import ModelSpec, annotate, resolve_model
from claims.provenance import rebuild_clusters
from claims.speakers import reconcile_speakers
from claims.store import load_annotations, open_db, record_error, save_annotations, store_article
from claims.types import Article, IngestError


@dataclass
class IngestSummary:
    articles: int = 0  # articles read
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    sentences: int = 0
    claims: int = 0
    speakers: int = 0  # speakers in the database after the run
    clusters: int = 0  # quote clusters in the database after the run (claims.provenance)
    errors: list[IngestError] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.articles} articles ({self.added} added, {self.replaced} replaced, {self.unchanged} unchanged), "
            f"{self.sentences} sentences, {self.claims} claims, {self.speakers} speakers, {self.clusters} quote clusters, "
            f"{len(self.errors)} errors, {self.seconds:.1f} s"
        )


def batched(items: Iterable[Article | IngestError], size: int) -> Iterator[list[Article | IngestError]]:
    batch: list[Article | IngestError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def stored_state(db, article: Article) -> dict | None:
    rows = list(db.query("select id, content_hash, extractor_version, model_version from articles where key = ?",
                         [article.key]))
    return rows[0] if rows else None


def ingest(
    paths: list[str],
    db_path: str | Path,
    model: str | ModelSpec | None = None,
    batch_size: int = 8,
    progress: bool = False,
    stdin_format: str = "txt",
) -> IngestSummary:
    """Ingest files, folders or '-' (stdin) into the database at db_path."""
    started = time.time()
    spec = model if isinstance(model, ModelSpec) else resolve_model(model)
    db = open_db(db_path)
    summary = IngestSummary()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" articles", file=sys.stderr, leave=False)
    for batch in batched(read_paths(paths, stdin_format=stdin_format), batch_size):
        to_parse: list[Article] = []
        for item in batch:
            if isinstance(item, IngestError):
                record_error(db, item)
                summary.errors.append(item)
                continue
            summary.articles += 1
            state = stored_state(db, item)
            if state and state["content_hash"] == item.content_hash and state["model_version"] == spec.version:
                if state["extractor_version"] == EXTRACTOR_VERSION:
                    summary.unchanged += 1
                    continue
                cached = load_annotations(db, state["id"])  # only the extractor changed: replay the parse
                if cached is not None and cached.model_version == spec.version:
                    store_one(db, item, cached, spec, summary)
                    continue
            to_parse.append(item)
        if to_parse:
            for article, parsed in zip(to_parse, annotate(to_parse, spec)):
                store_one(db, article, parsed, spec, summary)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        bar.close()
    if summary.added or summary.replaced:
        # Both span articles, so they run once per run, not per article: surname-only speakers
        # against the claim counts of all that is stored (rule (f)), then the quote clusters.
        reconcile_speakers(db)
        rebuild_clusters(db)
    summary.speakers = db["speakers"].count
    summary.clusters = db["quote_clusters"].count
    summary.seconds = time.time() - started
    return summary


def store_one(db, article: Article, parsed, spec: ModelSpec, summary: IngestSummary) -> None:
    claims = extract_claims(article, parsed)
    result = store_article(db, article, parsed, claims, EXTRACTOR_VERSION, spec.version)
    if result.status == "unchanged":
        summary.unchanged += 1
        return
    summary.added += result.status == "added"
    summary.replaced += result.status == "replaced"
    summary.sentences += result.sentences
    summary.claims += result.claims
    save_annotations(db, result.article_id, parsed)
