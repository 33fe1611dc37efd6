"""Export claims to CSV, JSON Lines or schema.org ``Claim`` JSON-LD with pandas.

The default export is every claim from ``claims_view`` in reading order (article, sentence,
position in the sentence) with the columns of :data:`COLUMNS`, in that order: a stable layout that
spreadsheets and scripts can rely on. Any read-only SQL query can be exported instead.

JSON-LD (``jsonld``) writes one schema.org ``Claim`` per claim the query selects (by its ``id``
column): the text, its author (Person or Organization, with jobTitle and affiliation), where it
appeared, and, for a quote seen in several articles (claims.store.provenance), where it first appeared.
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

FORMATS = ("csv", "jsonl", "jsonld")

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

    ``fmt`` is ``csv`` (header row, UTF-8), ``jsonl`` (one JSON object per line, non-ASCII kept)
    or ``jsonld`` (schema.org ``Claim`` nodes for the claims whose ids the query returns).
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
        document = claims_jsonld(conn, frame) if fmt == "jsonld" else None
    except (sqlite3.Error, pd.errors.DatabaseError) as error:
        raise StoreError(f"cannot export from {path}: {error}") from error
    finally:
        conn.close()
    if document is not None:
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
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


# speaker_type -> schema.org type of the claim's author
AUTHOR_TYPES = {"person": "Person", "organization": "Organization", "government": "GovernmentOrganization",
                "publication": "NewsMediaOrganization"}

JSONLD_QUERY = """
SELECT v.id, v.claim, v.speaker, v.speaker_type, v.role, v.affiliation, v.source_text, v.channel,
       v.published, v.publisher, v.article_title, v.url, v.article_key,
       first.url AS first_url, first.title AS first_title, first.published AS first_published,
       first.publisher AS first_publisher, first.key AS first_key
FROM claims_view AS v
LEFT JOIN cluster_claims AS cc ON cc.claim_id = v.id
LEFT JOIN quote_clusters AS qc ON qc.id = cc.cluster_id
LEFT JOIN articles AS first ON first.id = qc.first_article_id
WHERE v.id IN (SELECT value FROM json_each(?))
"""


def article_node(url: Any, title: Any, published: Any, publisher: Any, key: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "NewsArticle", "url": url or None, "headline": title or None,
                            "datePublished": published or None, "identifier": key}
    if publisher:
        node["publisher"] = {"@type": "NewsMediaOrganization", "name": publisher}
    return {k: v for k, v in node.items() if v is not None}


def author_node(row: dict[str, Any]) -> dict[str, Any]:
    kind = row["speaker_type"]
    node: dict[str, Any] = {"@type": AUTHOR_TYPES.get(kind, "Person" if kind == "anonymous" else "Thing"),
                            "name": row["speaker"]}
    if kind in ("anonymous", "unnamed_reports", "unknown"):
        node["description"] = f"{kind.replace('_', ' ')} source, as written: {row['source_text'] or row['speaker']}"
    if row["role"]:
        node["jobTitle"] = row["role"]
    if row["affiliation"]:
        node["affiliation"] = {"@type": "Organization", "name": row["affiliation"]}
    return node


def claims_jsonld(conn: sqlite3.Connection, frame: pd.DataFrame) -> dict[str, Any]:
    """The selected claims (frame's ``id`` column) as a schema.org JSON-LD graph of ``Claim`` nodes."""
    if "id" not in frame.columns:
        raise StoreError("a JSON-LD export needs a query with an id column (the claim ids to export)")
    ids = [int(i) for i in frame["id"].dropna()]
    cursor = conn.execute(JSONLD_QUERY, [json.dumps(ids)])
    names = [column[0] for column in cursor.description]
    rows = {row[0]: dict(zip(names, row)) for row in cursor}
    graph = []
    for claim_id in ids:
        row = rows.get(claim_id)
        if row is None:
            continue
        appearance = article_node(row["url"], row["article_title"], row["published"], row["publisher"], row["article_key"])
        first = (article_node(row["first_url"], row["first_title"], row["first_published"], row["first_publisher"],
                              row["first_key"]) if row["first_key"] else appearance)
        node = {
            "@type": "Claim",
            "@id": f"{row['url']}#claim-{claim_id}" if row["url"] else f"urn:claims:claim:{claim_id}",
            "text": row["claim"],
            "author": author_node(row),
            "appearance": appearance,
            "firstAppearance": first,
        }
        if row["published"]:
            node["datePublished"] = row["published"]
        graph.append(node)
    return {"@context": "https://schema.org", "@graph": graph}
