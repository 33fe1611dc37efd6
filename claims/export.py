"""Export claims to CSV or JSON Lines with pandas.

The default export is every claim from ``claims_view`` in reading order (article, sentence,
position in the sentence) with the columns of :data:`COLUMNS`, in that order: a stable layout that
spreadsheets and scripts can rely on. Any read-only SQL query can be exported instead.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import IO, Any

import pandas as pd

from claims.store import StoreError

__all__ = ["COLUMNS", "DEFAULT_QUERY", "FORMATS", "export"]

FORMATS = ("csv", "jsonl")

#: Column order of the default export (the columns of ``claims_view``, a test checks).
COLUMNS = (
    "id",  # claim id
    "speaker",
    "speaker_type",
    "claim_type",
    "claim",  # = article text [content_start:content_end]
    "cue",
    "channel",
    "role",
    "affiliation",
    "channel_kind",
    "source_text",
    "cue_class",
    "hedged",
    "confidence",
    "location",
    "time",
    "published",
    "publisher",
    "article_title",
    "url",
    "sentence",
    "sentence_index",
    "attribution_index",  # claims of one attribution share it
    "content_start",
    "content_end",
    "article_id",
    "speaker_id",
    "channel_id",
    "sentence_id",
    "article_key",
)

DEFAULT_QUERY = (
    f"SELECT {', '.join(COLUMNS)} FROM claims_view "
    "ORDER BY article_id, sentence_index, content_start, id"
)


def export(
    db_path: str | Path,
    fmt: str = "csv",
    query: str | None = None,
    out: str | Path | IO[str] | None = None,
    params: dict[str, Any] | None = None,
) -> int:
    """Write the result of ``query`` (default: all claims, :data:`COLUMNS`) to ``out``; returns rows.

    ``fmt`` is ``csv`` (header row, UTF-8) or ``jsonl`` (one JSON object per line, non-ASCII kept).
    ``out`` is a path, a text stream, or None for standard output. The database is opened
    read-only, so a query cannot change it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist; pass the database made by `claims ingest`")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # Nullable integer columns stay integers (3, not 3.0) with this backend.
        frame = pd.read_sql_query(query or DEFAULT_QUERY, conn, params=params, dtype_backend="numpy_nullable")
    except (sqlite3.Error, pd.errors.DatabaseError) as error:
        raise StoreError(f"cannot export from {path}: {error}") from error
    finally:
        conn.close()
    if fmt == "csv":
        text = frame.to_csv(index=False, lineterminator="\n")
    else:
        # json.dumps rather than DataFrame.to_json, which writes "https:\/\/..." for every URL.
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if out is None:
        sys.stdout.write(text)
    elif isinstance(out, (str, Path)):
        Path(out).write_text(text, encoding="utf-8", newline="")
    else:
        out.write(text)
    return len(frame)
