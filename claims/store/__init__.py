"""The claims database, written through sqlite-utils: one module per part, lowest first.

- :mod:`~claims.store.db`: the connection's error, write lock and end-of-run flag;
- :mod:`~claims.store.speaker_keys`: a claim's speaker before it has a row (its natural key);
- :mod:`~claims.store.speakers`: one row per speaker across articles (rules in ``docs/speakers.md``);
- :mod:`~claims.store.articles`: an article, its sentences and claims, in one transaction;
- :mod:`~claims.store.schema`: ``claims/data/schema.sql``, its versions, :func:`open_db`;
- :mod:`~claims.store.provenance`: the same quote across articles (quote clusters).

The names below are what the rest of claims uses; :mod:`~claims.store.provenance` (rapidfuzz) loads
only when imported by name.
"""

from __future__ import annotations

from claims.store.articles import (
    CLAIM_TYPES,
    SPEAKER_TYPES,
    StoredState,
    StoreResult,
    channel_key,
    has_annotations,
    load_annotations,
    record_error,
    save_annotations,
    store_article,
    stored_state,
)
from claims.store.db import (
    StoreError,
    check_db_path,
    clear_end_of_run_owed,
    end_of_run_owed,
    mark_end_of_run_owed,
    optimize_db,
    refresh_summaries,
    write_transaction,
)
from claims.store.schema import SCHEMA_VERSION, open_db, schema_sql
from claims.store.speaker_keys import mention, speaker_key
from claims.store.speakers import merge_speakers, reconcile_speakers, split_alias

__all__ = [
    "CLAIM_TYPES",
    "SCHEMA_VERSION",
    "SPEAKER_TYPES",
    "StoreError",
    "StoreResult",
    "StoredState",
    "channel_key",
    "check_db_path",
    "clear_end_of_run_owed",
    "end_of_run_owed",
    "has_annotations",
    "load_annotations",
    "mark_end_of_run_owed",
    "optimize_db",
    "refresh_summaries",
    "mention",
    "merge_speakers",
    "open_db",
    "reconcile_speakers",
    "record_error",
    "save_annotations",
    "schema_sql",
    "speaker_key",
    "split_alias",
    "store_article",
    "stored_state",
    "write_transaction",
]
