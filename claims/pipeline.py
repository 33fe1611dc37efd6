"""The main job: read articles, annotate them, extract claims, store them. One transaction per article.

Articles already stored with the same text and the same extractor and model versions are skipped
before any NLP; when only the extractor changed, the cached annotations are replayed instead of
re-parsing. Nothing stops a run but the caller: input that cannot be read, and an article that
fails anywhere in annotation, extraction or storage, becomes that input's ``ingest_errors`` row,
is reported, and the run goes on with the next one. Nothing already stored is touched by a failure.

Several processes may ingest into one database at once (each article waits for the write lock).
The end-of-run stages (speaker reconcile, quote clusters) run whenever the database says they are
owed, so a run killed before or during them is repaired by the next ingest.
"""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from claims.extract import EXTRACTOR_VERSION
from claims.nlp import ModelError, ModelSpec, resolve_model
from claims.readers import ArticleDefaults, batched, read_paths
from claims.readers.metadata import check_defaults
from claims.store import (
    check_db_path,
    clear_end_of_run_owed,
    end_of_run_owed,
    has_annotations,
    load_annotations,
    open_db,
    optimize_db,
    record_error,
    store_article,
    stored_state,
    write_transaction,
)
from claims.store.provenance import rebuild_clusters
from claims.store.speakers import reconcile_speakers
from claims.types import Article, Claim, IngestError, ParsedArticle
from claims.workers import EngineError, Outcome, Work, failure_reason, is_broken_worker, open_engine

# A store that still finds the database locked after open_db's busy timeout is tried this often.
LOCKED_RETRIES = 3


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``1 error``, ``2 errors``; thousands separated."""
    return f"{count:,} {noun if count == 1 else plural_noun or noun + 's'}"


@dataclass
class IngestSummary:
    """What one run did (``articles`` .. ``claims``), and the database's totals after it (``database_*``)."""

    articles: int = 0  # articles read by this run
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    sentences: int = 0  # sentences and claims this run stored
    claims: int = 0
    errors: list[IngestError] = field(default_factory=list)
    # (source, note) for each article stored with notes: what a reader or the parser did to it.
    notes: list[tuple[str, str]] = field(default_factory=list)
    end_of_run_stages: bool = False  # speaker reconcile and quote clusters ran (this run's or owed)
    database_written: bool = False  # False when a new database was not made (nothing to store)
    database_articles: int = 0
    database_speakers: int = 0
    database_clusters: int = 0
    seconds: float = 0.0
    engine: str = ""  # where annotation ran (claims.workers), e.g. "2 worker processes, 1 torch thread each"

    @property
    def failed(self) -> bool:
        """Whether any input failed; a folder's file of another type (``unsupported``) is only reported."""
        return any(error.kind != "unsupported" for error in self.errors)

    def line(self) -> str:
        """The run in one line, e.g. for the end of ``claims ingest``."""
        run = (
            f"{plural(self.articles, 'article')} read ({self.added:,} added, {self.replaced:,} replaced, "
            f"{self.unchanged:,} unchanged), {plural(self.sentences, 'sentence')} and "
            f"{plural(self.claims, 'claim')} stored, {plural(len(self.errors), 'error')}, {self.seconds:.1f} s"
        )
        if not self.database_written:
            return f"{run}; no database written (nothing to store)"
        return (
            f"{run}; database now: {plural(self.database_articles, 'article')}, "
            f"{plural(self.database_speakers, 'speaker')}, {plural(self.database_clusters, 'quote cluster')}"
        )


class _Run:
    """One ingest run's database, opened when it is first needed, and its summary."""

    def __init__(self, db_path: Path, spec: ModelSpec, on_progress: Callable[[IngestSummary], None] | None):
        self.db_path = db_path
        self.spec = spec
        self.on_progress = on_progress
        self.summary = IngestSummary()
        self.db: sqlite_utils.Database | None = None
        self.unrecorded: list[IngestError] = []  # errors seen before the database was opened
        if db_path.exists():  # an existing file is checked before any work; a new one waits for an article
            self.database()

    def database(self) -> sqlite_utils.Database:
        if self.db is None:
            self.db = open_db(self.db_path)
            for error in self.unrecorded:
                record_error(self.db, error)
            self.unrecorded.clear()
        return self.db

    def error(self, error: IngestError) -> None:
        self.summary.errors.append(error)
        if self.db is None:
            self.unrecorded.append(error)
        else:
            record_error(self.db, error)

    def failed(self, article: Article, stage: str, reason: str, bug: bool = True) -> None:
        advice = ("This is a bug in claims: please report it with the input" if bug
                  else "Ingest it again to retry")
        self.error(IngestError(
            article.source,
            f"{article.source}: {stage} failed ({reason[:500]}); the article was skipped and the run went on. {advice}",
            kind="processing",
        ))

    def plan(self, batch: list[Article | IngestError]) -> Work | None:
        """Record the batch's read errors and skip its unchanged articles; the rest is work, with
        the cached parse to replay where only the extractor changed."""
        work = Work([], [])
        for item in batch:
            if isinstance(item, IngestError):
                self.error(item)
                continue
            self.summary.articles += 1
            db = self.database()
            state = stored_state(db, item.key)
            cached = None
            if state and state.content_hash == item.content_hash and state.model_version == self.spec.version:
                if state.extractor_version == EXTRACTOR_VERSION and has_annotations(db, state.id, self.spec.version):
                    self.summary.unchanged += 1
                    continue
                cached = load_annotations(db, state.id)  # only the extractor changed: replay the parse
                if cached is not None and cached.model_version != self.spec.version:
                    cached = None
            work.articles.append(item)
            work.cached.append(cached)
        return work if work.articles else None

    def collect(self, outcomes: list[Outcome]) -> None:
        """Store what the workers made of one batch, article by article, in reading order."""
        for outcome in outcomes:
            if outcome.failed_stage is not None:
                self.failed(outcome.article, outcome.failed_stage, outcome.reason)
            elif outcome.claims is not None and outcome.parsed is not None:
                self.store(outcome.article, outcome.parsed, outcome.claims)

    def lost(self, work: Work, exc: BaseException) -> None:
        """A batch whose worker died twice, or that the cluster gave up on: each article is an error."""
        for article in work.articles:
            self.failed(article, "annotation", f"{failure_reason(exc)}: the worker process running it died (killed, out of "
                        "memory, or a script that starts workers outside `if __name__ == \"__main__\":`)", bug=False)

    def store(self, article: Article, parsed: ParsedArticle, claims: list[Claim]) -> None:
        for attempt in range(LOCKED_RETRIES + 1):
            try:
                result = store_article(self.database(), article, parsed, claims, EXTRACTOR_VERSION, self.spec.version)
                break
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and attempt < LOCKED_RETRIES:
                    continue
                self.failed(article, "storing", failure_reason(exc))
                return
            except Exception as exc:  # noqa: BLE001
                self.failed(article, "storing", failure_reason(exc))
                return
        if result.status == "unchanged":
            self.summary.unchanged += 1
            return
        self.summary.notes.extend((article.source, note) for note in [*article.notes, *parsed.notes])
        self.summary.added += result.status == "added"
        self.summary.replaced += result.status == "replaced"
        self.summary.sentences += result.sentences
        self.summary.claims += result.claims

    def progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.summary)

    def finish(self, on_stage: Callable[[str], None] | None) -> None:
        db = self.db
        if db is None:
            return
        if end_of_run_owed(db):
            if on_stage is not None:
                on_stage("updating speakers across articles and quote clusters")
            run_end_of_run_stages(db)
            self.summary.end_of_run_stages = True
        self.summary.database_written = True
        self.summary.database_articles = db["articles"].count
        self.summary.database_speakers = db["speakers"].count
        self.summary.database_clusters = db["quote_clusters"].count


def run_end_of_run_stages(db: sqlite_utils.Database) -> bool:
    """Reconcile speakers and rebuild quote clusters over the whole database when they are owed.

    Both span articles, so they run once per run, not per article: surname-only speakers against
    the claim counts of all that is stored (rule (f)), then the quote clusters. One transaction
    holding the write lock: a kill rolls it back and leaves the stages owed for the next ingest,
    and a concurrent ingest waits rather than changing claims under it. Then ANALYZE
    (:func:`claims.store.optimize_db`), so the published pages' queries get the right plans on a
    large database. Returns whether they ran.
    """
    with write_transaction(db):
        if not end_of_run_owed(db):  # another process ran them meanwhile
            return False
        reconcile_speakers(db)
        rebuild_clusters(db)
        clear_end_of_run_owed(db)
        optimize_db(db)
    return True


def ingest(
    paths: list[str],
    db_path: str | Path,
    model: str | ModelSpec | None = None,
    batch_size: int = 8,
    stdin_format: str = "txt",
    on_progress: Callable[[IngestSummary], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    workers: int | None = 1,
    dask: str | None = None,
    *,
    publisher: str | None = None,
    date: str | None = None,
    title: str | None = None,
    url: str | None = None,
    author: str | None = None,
) -> IngestSummary:
    """Ingest files, folders or '-' (stdin) into the database at db_path.

    A new database file is made only when there is an article to store. ``on_progress`` is called
    with the summary so far after each batch, ``on_stage`` with a description when the end-of-run
    stages start. ``workers``: annotate and extract in this process (1), in N worker processes,
    or (None) as many as the machine's cores and memory make worthwhile; ``dask``: on the workers
    of the Dask scheduler at this address instead (``claims.workers``). Results are stored here,
    in reading order, one transaction per article. Raises StoreError for a database that cannot be used and ModelError for a model
    that cannot be loaded, both before any article is read, EngineError when the workers cannot be used; never for bad input.

    ``publisher``, ``date`` (ISO ``YYYY-MM-DD`` or an ISO date and time; the day is stored),
    ``title``, ``url`` and ``author`` are given to every article that has no value of its own
    (from its record, its page or its ``.meta.json`` sidecar); ``url`` only to a run of one text or
    HTML file, since the URL is an article's key. ValueError, before anything else, for a bad date
    or such a ``url`` (``claims.readers.metadata``).
    """
    started = time.time()
    defaults = ArticleDefaults(publisher=publisher, published=date, title=title, url=url, author=author)
    check_defaults(list(paths), stdin_format, defaults)
    db_path = Path(db_path)
    check_db_path(db_path)
    spec = model if isinstance(model, ModelSpec) else resolve_model(model)
    run = _Run(db_path, spec, on_progress)
    engine = open_engine(spec, workers, dask)
    run.summary.engine = engine.description
    pending: deque[tuple[Work, Future, int]] = deque()  # (batch, its result, tries so far)
    try:
        for batch in batched(read_paths(paths, stdin_format=stdin_format, defaults=defaults), batch_size):
            work = run.plan(batch)
            if work is not None:
                pending.append((work, engine.submit(work, spec.version, EXTRACTOR_VERSION), 1))
            while pending and len(pending) > engine.window:
                _collect_first(run, engine, pending, spec)
            run.progress()
        while pending:
            _collect_first(run, engine, pending, spec)
            run.progress()
        engine.release()  # the workers are done: they exit while the end-of-run stages run
        run.finish(on_stage)
    finally:
        engine.close()
        if run.db is not None:
            run.db.close()
    run.summary.seconds = time.time() - started
    return run.summary


def _collect_first(run: _Run, engine, pending: deque, spec: ModelSpec) -> None:
    """Wait for the first batch in flight and store it. A batch whose worker died is tried once
    more on a fresh worker (the batches after it, broken with it, go again too)."""
    work, future, tries = pending.popleft()
    try:
        outcomes = future.result()
    except (ModelError, EngineError):
        raise  # no article can be processed: the run stops with the message
    except Exception as exc:  # noqa: BLE001 - a worker died, or the cluster lost the batch
        if not is_broken_worker(exc):
            raise
        if tries < 2 and engine.replace_broken():
            again = [(work, tries + 1), *((w, t) for w, _, t in pending)]
            pending.clear()
            pending.extend((w, engine.submit(w, spec.version, EXTRACTOR_VERSION), t) for w, t in again)
            return
        run.lost(work, exc)
        return
    run.collect(outcomes)

