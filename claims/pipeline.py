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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from claims.extract import EXTRACTOR_VERSION, extract_claims
from claims.ingest import batched, read_paths
from claims.nlp import ModelError, ModelSpec, annotate, resolve_model
from claims.store import (
    check_db_path,
    clear_end_of_run_owed,
    end_of_run_owed,
    has_annotations,
    load_annotations,
    open_db,
    record_error,
    store_article,
    stored_state,
    write_transaction,
)
from claims.store.provenance import rebuild_clusters
from claims.store.speakers import reconcile_speakers
from claims.types import Article, IngestError, ParsedArticle

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

    def failed(self, article: Article, stage: str, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.error(IngestError(
            article.source,
            f"{article.source}: {stage} failed ({reason[:500]}); the article was skipped and the run went on. "
            "This is a bug in claims: please report it with the input",
            kind="processing",
        ))

    def read(self, batch: list[Article | IngestError]) -> None:
        to_parse: list[Article] = []
        for item in batch:
            if isinstance(item, IngestError):
                self.error(item)
                continue
            self.summary.articles += 1
            db = self.database()
            state = stored_state(db, item.key)
            if state and state.content_hash == item.content_hash and state.model_version == self.spec.version:
                if state.extractor_version == EXTRACTOR_VERSION and has_annotations(db, state.id, self.spec.version):
                    self.summary.unchanged += 1
                    continue
                cached = load_annotations(db, state.id)  # only the extractor changed: replay the parse
                if cached is not None and cached.model_version == self.spec.version:
                    self.store(item, cached)
                    continue
            to_parse.append(item)
        for article, parsed in self.annotate(to_parse):
            self.store(article, parsed)
        if self.on_progress is not None:
            self.on_progress(self.summary)

    def annotate(self, articles: list[Article]) -> Iterator[tuple[Article, ParsedArticle]]:
        """Parse in one batch; when the batch fails, article by article, so only the culprit is lost."""
        if not articles:
            return
        try:
            parsed_all = annotate(articles, self.spec)
        except ModelError:
            raise  # no article can be parsed: the run stops with the model's message
        except Exception as exc:  # noqa: BLE001 - isolated below, article by article
            if len(articles) == 1:
                self.failed(articles[0], "annotation", exc)
                return
            parsed_all = None
        if parsed_all is not None:
            yield from zip(articles, parsed_all)
            return
        for article in articles:
            try:
                (parsed,) = annotate([article], self.spec)
            except ModelError:
                raise
            except Exception as exc:  # noqa: BLE001 - one article's failure is that article's error
                self.failed(article, "annotation", exc)
                continue
            yield article, parsed

    def store(self, article: Article, parsed: ParsedArticle) -> None:
        try:
            claims = extract_claims(article, parsed)
        except Exception as exc:  # noqa: BLE001
            self.failed(article, "extraction", exc)
            return
        for attempt in range(LOCKED_RETRIES + 1):
            try:
                result = store_article(self.database(), article, parsed, claims, EXTRACTOR_VERSION, self.spec.version)
                break
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and attempt < LOCKED_RETRIES:
                    continue
                self.failed(article, "storing", exc)
                return
            except Exception as exc:  # noqa: BLE001
                self.failed(article, "storing", exc)
                return
        if result.status == "unchanged":
            self.summary.unchanged += 1
            return
        self.summary.notes.extend((article.source, note) for note in [*article.notes, *parsed.notes])
        self.summary.added += result.status == "added"
        self.summary.replaced += result.status == "replaced"
        self.summary.sentences += result.sentences
        self.summary.claims += result.claims

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
    and a concurrent ingest waits rather than changing claims under it. Returns whether they ran.
    """
    with write_transaction(db):
        if not end_of_run_owed(db):  # another process ran them meanwhile
            return False
        reconcile_speakers(db)
        rebuild_clusters(db)
        clear_end_of_run_owed(db)
    return True


def ingest(
    paths: list[str],
    db_path: str | Path,
    model: str | ModelSpec | None = None,
    batch_size: int = 8,
    stdin_format: str = "txt",
    on_progress: Callable[[IngestSummary], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Ingest files, folders or '-' (stdin) into the database at db_path.

    A new database file is made only when there is an article to store. ``on_progress`` is called
    with the summary so far after each batch, ``on_stage`` with a description when the end-of-run
    stages start. Raises StoreError for a database that cannot be used and ModelError for a model
    that cannot be loaded, both before any article is read; never for bad input.
    """
    started = time.time()
    db_path = Path(db_path)
    check_db_path(db_path)
    spec = model if isinstance(model, ModelSpec) else resolve_model(model)
    run = _Run(db_path, spec, on_progress)
    try:
        for batch in batched(read_paths(paths, stdin_format=stdin_format), batch_size):
            run.read(batch)
        run.finish(on_stage)
    finally:
        if run.db is not None:
            run.db.close()
    run.summary.seconds = time.time() - started
    return run.summary
