"""Annotate a PolNeAR split once with the bundled model and cache the parses (resumable).

Training reads parse features, so the cache must come from the model that ships: the cache file
records the model version and is rebuilt when it differs.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path

from claims.evaluate.gold import GoldDoc, load_polnear_gold
from claims.nlp import ModelSpec, annotate, resolve_model
from claims.readers import read_paths
from claims.types import Article, ParsedArticle

CHUNK = 40  # articles per saved chunk: a killed run loses at most one chunk


def annotated_split(split_dir: Path, cache_dir: Path, spec: ModelSpec | None = None,
                    limit: int | None = None) -> list[tuple[GoldDoc, Article, ParsedArticle]]:
    """(gold, article, parse) for every text of a PolNeAR split, annotating only what is not cached."""
    spec = spec or resolve_model()
    docs = list(load_polnear_gold(split_dir).values())[:limit]
    cache_dir = cache_dir / spec.version
    cache_dir.mkdir(parents=True, exist_ok=True)
    out: list[tuple[GoldDoc, Article, ParsedArticle]] = []
    started = time.time()
    for first in range(0, len(docs), CHUNK):
        chunk = docs[first : first + CHUNK]
        path = cache_dir / f"{split_dir.name}-{first:05d}-{len(chunk)}.pickle"
        if path.exists():
            parses = pickle.loads(path.read_bytes())
        else:
            parses = annotate(read_articles(split_dir, chunk), spec)
            partial = path.with_suffix(f".{os.getpid()}.tmp")  # two trainings at once each write their own
            partial.write_bytes(pickle.dumps(parses))
            partial.replace(path)
            print(f"annotated {first + len(chunk)}/{len(docs)} ({time.time() - started:.0f}s)", file=sys.stderr, flush=True)
        out.extend(zip(chunk, read_articles(split_dir, chunk), parses))
    return out


def read_articles(split_dir: Path, docs: list[GoldDoc]) -> list[Article]:
    """The articles as ``claims extract`` reads them (same reader, same offsets as the gold)."""
    articles = [a for a in read_paths([str(split_dir / "text" / f"{d.stem}.txt") for d in docs])]
    bad = [a for a in articles if not isinstance(a, Article)]
    if bad:
        raise ValueError(f"cannot read {bad[0].source}: {bad[0].message}")
    return articles


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Annotate a PolNeAR split and cache the parses.")
    parser.add_argument("split_dir", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("build/polnear-parses"))
    args = parser.parse_args()
    print(len(annotated_split(args.split_dir, args.cache)), "articles")
