"""claims: claim attribution and source tracking for fact-checkers.

Library use:
    from claims import ingest, extract, load
    ingest(["article.txt"], "claims.db")
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

__all__ = ["ingest", "extract", "load"]
try:  # pinned once, in pyproject.toml
    __version__ = metadata.version("claims")
except metadata.PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"


def ingest(paths: list[str], db_path: str, model: str | None = None, workers: int = 1,
           dask: str | None = None, *, publisher: str | None = None, date: str | None = None,
           title: str | None = None, url: str | None = None, author: str | None = None) -> Any:
    """Read articles into the database; returns an IngestSummary.

    ``workers``: annotate in this process (1) or in N worker processes (a script that asks for
    workers must start from ``if __name__ == "__main__":``, as multiprocessing requires);
    ``dask``: on the workers of the Dask scheduler at this address. ``publisher``, ``date``
    (``YYYY-MM-DD`` or ISO date and time), ``title``, ``url`` and ``author`` fill in what an
    article does not say itself; ``url`` only for one text or HTML file (ValueError otherwise).
    """
    from claims.pipeline import ingest as run

    return run(paths, db_path, model=model, workers=workers, dask=dask, publisher=publisher, date=date,
               title=title, url=url, author=author)


def extract(paths: list[str], model: str | None = None) -> list[dict[str, Any]]:
    """Claims of the given files as dicts, without a database."""
    from claims.extract import extract_claims
    from claims.extract.files import annotated, claim_record

    return [claim_record(article, claim) for article, parsed in annotated(paths, model)
            for claim in extract_claims(article, parsed)]


def load(db_path: str) -> dict[str, Any]:
    """pandas DataFrames: ``claims`` (claims_view: joined with speaker, channel, article, sentence),
    ``speakers``, ``channels`` and ``quote_clusters`` (cluster_appearances: every appearance of a
    quote seen in several articles, in order, with who cited whom)."""
    import sqlite3

    import pandas as pd

    with sqlite3.connect(db_path) as conn:
        return {
            "claims": pd.read_sql_query("select * from claims_view", conn),
            "speakers": pd.read_sql_query("select * from speakers", conn),
            "channels": pd.read_sql_query("select * from channels", conn),
            "quote_clusters": pd.read_sql_query("select * from cluster_appearances", conn),
        }
