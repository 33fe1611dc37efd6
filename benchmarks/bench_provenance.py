"""Quote provenance at scale: ``python benchmarks/bench_provenance.py [--claims 100000]``.

Builds a claims database of N attributed claims (10 per article) from real news sentences
(PolNeAR train and dev texts; past the ~30k distinct ones, the same sentences with every third
word replaced, so new claims share the vocabulary), plants near-duplicates (a claim repeated in a later article with
one or two words changed or dropped, as outlets do when they re-quote), and times
``claims.store.provenance.rebuild_clusters``. Prints the time, peak memory, and how many planted
repeats ended up in the same cluster as their original (recall) and how many clustered pairs
were never planted (spurious links between unrelated claims).

PolNeAR is not part of the repository: its texts are read from ``--data DIR`` (a data folder
holding polnear/train/text and polnear/dev/text), else from the folder ``CLAIMS_DATA`` names,
else from ``../shared/data`` beside the repository when it is there (the project's shared data,
as developers have it).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from report import ROOT, fmt, peak_rss_mb, table

from claims.store import open_db
from claims.store.provenance import rebuild_clusters

# The project's shared data, where a development checkout has it; a clone has not (--data, CLAIMS_DATA).
SHARED_DATA = ROOT.parent / "shared" / "data"
CLAIMS_PER_ARTICLE = 10


def news_sentences(polnear: Path) -> list[str]:
    """Distinct sentences of 8 to 60 words from the PolNeAR texts."""
    seen, out = set(), []
    for path in sorted(polnear.glob("*/text/*.txt")):
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
            sentence = " ".join(sentence.split())
            if 8 <= len(sentence.split()) <= 60 and sentence not in seen:
                seen.add(sentence)
                out.append(sentence)
    return out


def unique_texts(pool: list[str], count: int, rng: random.Random) -> list[str]:
    """count distinct texts: the pool's sentences, then pool sentences with every third word
    replaced by another word of the corpus (new claims in the same vocabulary)."""
    texts = list(pool)
    rng.shuffle(texts)
    vocabulary = sorted({w for sentence in pool[:5000] for w in sentence.split()})
    while len(texts) < count:
        words = rng.choice(pool).split()
        texts.append(" ".join(rng.choice(vocabulary) if i % 3 == 1 else w for i, w in enumerate(words)))
    return texts[:count]


def edited(text: str, rng: random.Random) -> str:
    """A re-quote: one or two words dropped or changed."""
    words = text.split()
    for _ in range(rng.choice((1, 2))):
        i = rng.randrange(len(words))
        if rng.random() < 0.5 and len(words) > 8:
            del words[i]
        else:
            words[i] = rng.choice(("reportedly", "also", "now", "still", "the"))
    return " ".join(words)


def build(db_path: Path, polnear: Path, n_claims: int, repeat_share: float, seed: int) -> list[tuple[int, int]]:
    """Fill the database; returns the planted (original claim id, repeat claim id) pairs."""
    rng = random.Random(seed)
    pool = news_sentences(polnear)
    texts = unique_texts(pool, n_claims, rng)
    db = open_db(db_path)
    db["speakers"].insert_all([{"id": i, "key": f"person:speaker {i}", "name": f"Speaker {i}",
                                "speaker_type": "person"} for i in range(1, 2001)])
    planted: list[tuple[int, int]] = []
    articles, sentences, claims = [], [], []
    claim_id = 0
    for article_id in range(1, n_claims // CLAIMS_PER_ARTICLE + 1):
        body = []
        for _ in range(CLAIMS_PER_ARTICLE):
            claim_id += 1
            if claim_id > 1000 and rng.random() < repeat_share:
                original = rng.randrange(1, claim_id - CLAIMS_PER_ARTICLE)
                text = edited(claims[original - 1]["text"], rng)
                planted.append((original, claim_id))
            else:
                text = texts[claim_id - 1]
            body.append(text)
        offset = 0
        for k, text in enumerate(body):
            sentence_id = (article_id - 1) * CLAIMS_PER_ARTICLE + k + 1
            sentences.append({"id": sentence_id, "article_id": article_id, "sentence_index": k,
                              "start": offset, "end": offset + len(text), "text": text})
            claims.append({"id": sentence_id, "article_id": article_id, "sentence_id": sentence_id,
                           "sentence_index": k, "attribution_index": k, "claim_type": "indirect", "text": text,
                           "content_start": offset, "content_end": offset + len(text),
                           "speaker_id": rng.randint(1, 2000), "speaker_type": "person"})
            offset += len(text) + 1
        articles.append({"id": article_id, "key": f"bench-{article_id}", "source": "bench", "format": "txt",
                         "published": f"2025-{1 + article_id % 12:02d}-{1 + article_id % 28:02d}",
                         "publisher": f"Outlet {article_id % 40}", "text": " ".join(body), "body_start": 0,
                         "body_end": offset, "content_hash": str(article_id), "decoding": "utf-8",
                         "ingested_at": "2026-11-27T00:00:00Z"})
    with db.conn:
        db["articles"].insert_all(articles, batch_size=2000)
        db["sentences"].insert_all(sentences, batch_size=5000)
        db["claims"].insert_all(claims, batch_size=5000)
    db.close()
    return planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="data folder holding polnear/ (default: $CLAIMS_DATA, else ../shared/data when it is there)")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat-share", type=float, default=0.05, help="share of claims that re-quote an earlier one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    from claims.training.data import DataDirError, data_dir

    try:
        polnear = data_dir(args.data, ("polnear/train/text", "polnear/dev/text"), fallback=SHARED_DATA) / "polnear"
    except DataDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        started = time.time()
        planted = build(db_path, polnear, args.claims, args.repeat_share, args.seed)
        build_s = time.time() - started
        db = open_db(db_path)
        stats = rebuild_clusters(db)
        cluster_of = dict(db.execute("SELECT claim_id, cluster_id FROM cluster_claims").fetchall())
        db.close()
    found = sum(1 for a, b in planted if a in cluster_of and cluster_of.get(a) == cluster_of.get(b))
    planted_ids = {i for pair in planted for i in pair}
    stray = sum(1 for claim in cluster_of if claim not in planted_ids)
    figures = {
        "claims": args.claims, "planted_repeats": len(planted), "build_s": round(build_s, 1),
        "rebuild_s": stats["seconds"], "claims_per_s": round(args.claims / stats["seconds"], 1),
        "compared_pairs": stats["compared"], "clusters": stats["clusters"],
        "clustered_claims": stats["clustered_claims"],
        "planted_recall": round(found / len(planted), 4) if planted else None,
        "clustered_claims_not_planted": stray, "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(table(["figure", "value"], [[k, fmt(v) if not isinstance(v, str) else v] for k, v in figures.items()]))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
