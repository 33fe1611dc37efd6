"""The claims database's schema and its versions.

The schema lives in one file, ``claims/data/schema.sql`` (package data; ``schema.sql`` at the repo
root links to it). :func:`open_db` applies it to a new file, upgrades a file of an older version
in place, and refuses files it does not know.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import sqlite_utils

from claims.store import articles, speaker_keys, speakers
from claims.store.db import (
    BUSY_TIMEOUT_SECONDS,
    StoreError,
    check_db_path,
    mark_end_of_run_owed,
    refresh_summaries,
    write_transaction,
)
from claims.types import NARRATOR

SCHEMA_VERSION = 8  # must equal PRAGMA user_version in schema.sql (a test checks)

_UPGRADABLE = {1, 2, 3, 4, 5, 6, 7, SCHEMA_VERSION}  # versions open_db() accepts; older ones are upgraded in place

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


def schema_sql() -> str:
    """The text of the packaged ``schema.sql``."""
    return resources.files("claims").joinpath("data/schema.sql").read_text(encoding="utf-8")


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
        have = {row[0]: row[1] for row in db.execute("SELECT name, sql FROM sqlite_master")}
        for kind, name, sql in wanted:
            if kind == "index" and name in have and have[name] != sql:
                db.execute(f"DROP INDEX [{name}]")  # its definition changed: made again below
            elif name in have:
                continue
            db.execute(sql)
        if version < 2:
            # Named speakers: the name each claim was given is the speaker's name (all v1 knew).
            db.execute(
                f"""
                UPDATE claims SET speaker_name = (SELECT name FROM speakers WHERE speakers.id = claims.speaker_id)
                WHERE speaker_type IN ({", ".join("?" * len(speaker_keys.NAMED_TYPES))}) AND claim_type != ?
                """,
                [*sorted(speaker_keys.NAMED_TYPES), NARRATOR],
            )
            speakers.rekey_speakers(db)
            speakers.reconcile_speakers(db)
        if version < 5:
            articles.rekey_articles_by_text(db)
            mark_end_of_run_owed(db)  # a version-4 run may have been killed in those stages
        if version < 8:
            refresh_summaries(db)  # the summary tables start with what the views hold now
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

