"""The connection to a claims database: the error it raises, its write lock, the end-of-run flag.

Every module of :mod:`claims.store` writes through :func:`write_transaction`; :func:`open_db`
(:mod:`claims.store.schema`) opens the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

# The meta row that says the end-of-run stages (speaker reconcile, quote clusters) must run again:
# set in the transaction of every article stored, cleared in the transaction that runs them, so a
# run killed before or during those stages leaves it set and the next ingest runs them.
END_OF_RUN_OWED = "end_of_run_owed"


class StoreError(Exception):
    """The database cannot be used as a claims database; the message says why and what to do."""


# How long a writer waits for another process's transaction before giving up. Articles commit in
# well under a second, but the end-of-run stages hold the write lock while they recompute speakers
# and quote clusters over the whole database (about 15 s for 924 articles), so the wait is long.
BUSY_TIMEOUT_SECONDS = 600


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


def mark_end_of_run_owed(db: sqlite_utils.Database) -> None:
    """Record that the end-of-run stages must run (inside the caller's transaction)."""
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", [END_OF_RUN_OWED])


def end_of_run_owed(db: sqlite_utils.Database) -> bool:
    """Whether articles changed since the end-of-run stages last completed."""
    return db.execute("SELECT 1 FROM meta WHERE key = ?", [END_OF_RUN_OWED]).fetchone() is not None


def clear_end_of_run_owed(db: sqlite_utils.Database) -> None:
    """Record that the end-of-run stages are done (in the transaction that ran them)."""
    db.execute("DELETE FROM meta WHERE key = ?", [END_OF_RUN_OWED])


# summary table -> the view whose rows it keeps (schema.sql, version 8)
SUMMARY_TABLES = {"speaker_role_summary": "speaker_roles", "anonymous_source_summary": "anonymous_sources"}


def refresh_summaries(db: sqlite_utils.Database | Any) -> None:
    """Fill each of :data:`SUMMARY_TABLES` again with its view's rows, in the view's order.

    The views aggregate every claim (speaker_roles: 1.1 s on a million claims, too slow for a page);
    the tables hold their few thousand rows, which a page lists in milliseconds. Run in the caller's
    transaction; a database without the tables (an older schema) is left alone.
    """
    have = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()}
    for table, view in SUMMARY_TABLES.items():
        if table in have and view in have:
            db.execute(f"DELETE FROM [{table}]")
            db.execute(f"INSERT INTO [{table}] SELECT * FROM [{view}]")


def optimize_db(db: sqlite_utils.Database | Any) -> None:
    """Refresh what the published pages read: the summary tables (:func:`refresh_summaries`), then
    SQLite's statistics (``ANALYZE``, into ``sqlite_stat1``) for the query planner.

    Without the statistics SQLite guesses how selective each index is, and on a large database it
    guesses wrong for the published pages' joins and filters (a canned query scanning a million
    claims). Run at the end of an ingest run, in its transaction: about 2 s on a million claims
    (1.5 s of it the summaries). Not with ``analysis_limit``: sampling the first rows of an index
    says a claim type or speaker type matches a thousand claims where it matches a hundred
    thousand. ``db`` is a sqlite-utils Database or a sqlite3 Connection (commit it afterwards).
    """
    refresh_summaries(db)
    db.execute("ANALYZE")


def now() -> str:
    """The time a row is written: UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
