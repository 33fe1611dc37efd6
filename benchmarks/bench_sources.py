"""Source tracking over a real corpus: ``python benchmarks/bench_sources.py``.

Ingests PolNeAR train + dev (924 articles, with publisher and date from metadata.tsv) into a new
database. PolNeAR is not part of the repository: it is read from ``--data DIR`` (a data folder
holding polnear/train, polnear/dev and polnear/metadata.tsv), else from the folder ``CLAIMS_DATA``
names, else from ``../shared/data`` beside the repository when it is there (the project's shared
data, as developers have it). Then: extraction and storage of every article, then the quote clusters. Stanza's parses come
from the cache ``python -m claims.training.corpus`` fills (build/polnear-parses; what is missing is
parsed first), so the figures time the claims side, not stanza (benchmarks/bench_ingest.py does).

Prints the timings, the 25 speakers with the most claims with their aliases (to check by eye
for duplicates and false merges; persons sharing a surname are flagged), and the number of quote
clusters with the largest three.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from report import ROOT, fmt, peak_rss_mb, polnear_sources_dir, table

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The project's shared data, where a development checkout has it; a clone has not (--data, CLAIMS_DATA).


def with_metadata(article, row: dict[str, str]):
    """The article with PolNeAR's publisher, date, author and title (as a news feed would give them)."""
    return dataclasses.replace(article, external_id=row["filename"], publisher=row["publisher"] or None,
                               published=row["publication_date"] or None, author=row["author"] or None,
                               title=row["title"] or None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="data folder holding polnear/ (default: $CLAIMS_DATA, else ../shared/data when it is there)")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "polnear-parses")
    parser.add_argument("--keep", type=Path, default=None, help="keep the database here (must not exist)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each split (a quick check)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    polnear = polnear_sources_dir(args.data)
    if polnear is None:
        return 2

    from claims.extract import EXTRACTOR_VERSION, extract_claims
    from claims.nlp import resolve_model
    from claims.store import open_db, store_article
    from claims.store.provenance import rebuild_clusters
    from claims.store.speakers import reconcile_speakers
    from claims.training.corpus import annotated_split

    with open(polnear / "metadata.tsv", encoding="utf-8") as f:
        metadata = {row["filename"]: row for row in csv.DictReader(f, delimiter="\t")}
    spec = resolve_model()
    rows = []
    for split in ("train", "dev"):
        rows += annotated_split(polnear / split, args.cache, spec, limit=args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep and args.keep.exists():
            print(f"error: --keep {args.keep} exists", file=sys.stderr)
            return 2
        db_path = args.keep or Path(tmp) / "sources.db"
        db = open_db(db_path)
        stored_claims = 0
        started = time.time()
        for doc, article, parsed in rows:
            # What claims ingest does per article once it has the parse: extract, then one transaction.
            article = with_metadata(article, metadata[doc.stem])
            result = store_article(db, article, parsed, extract_claims(article, parsed), EXTRACTOR_VERSION, spec.version)
            stored_claims += result.claims
        store_s = time.time() - started
        started = time.time()
        moved = reconcile_speakers(db)
        reconcile_s = time.time() - started
        clusters = rebuild_clusters(db)
        figures = {
            "articles": len(rows), "claims": stored_claims, "speakers": db["speakers"].count,
            "channels": db["channels"].count, "extract_and_store_s": round(store_s, 1),
            "articles_per_s": round(len(rows) / store_s, 2), "reconcile_s": round(reconcile_s, 1),
            "claims_moved_by_reconcile": moved, "clusters_s": clusters["seconds"],
            "quote_clusters": clusters["clusters"], "clustered_claims": clusters["clustered_claims"],
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        print(table(["figure", "value"], [[k, fmt(v)] for k, v in figures.items()]))
        top = list(db.query(
            """SELECT id, name, speaker_type, claim_count, aliases, surname,
                      (SELECT count(DISTINCT article_id) FROM claims WHERE speaker_id = speakers.id) AS articles
               FROM speakers WHERE speaker_type != 'publication' ORDER BY claim_count DESC, name LIMIT ?""",
            [args.top]))
        surnames: dict[str, list[str]] = {}
        for speaker in top:
            if speaker["surname"]:
                surnames.setdefault(speaker["surname"], []).append(speaker["name"])
        print(f"\nTop {len(top)} speakers by claims (aliases as the articles wrote them):")
        for rank, speaker in enumerate(top, 1):
            aliases = [a for a in json.loads(speaker["aliases"]) if a != speaker["name"]]
            shared = [n for n in surnames.get(speaker["surname"] or "", []) if n != speaker["name"]]
            flag = f"  [shares surname with {', '.join(shared)}]" if shared else ""
            print(f"{rank:2}. {speaker['name']} ({speaker['speaker_type']}): {speaker['claim_count']} claims in "
                  f"{speaker['articles']} articles; aliases: {'; '.join(aliases[:12]) or '-'}"
                  f"{' ...' if len(aliases) > 12 else ''}{flag}")
        largest = list(db.query(
            """SELECT qc.id, qc.article_count, qc.claim_count, qc.first_seen, qc.text, sp.name AS first_speaker,
                      a.publisher AS first_publisher
               FROM quote_clusters qc JOIN articles a ON a.id = qc.first_article_id
               LEFT JOIN speakers sp ON sp.id = qc.first_speaker_id
               ORDER BY qc.article_count DESC, qc.claim_count DESC, qc.id LIMIT 3"""))
        print(f"\n{clusters['clusters']} quote clusters; the largest three:")
        for cluster in largest:
            appearances = list(db.query(
                "SELECT position, published, publisher, speaker, cites_via FROM cluster_appearances "
                "WHERE cluster_id = ? ORDER BY position", [cluster["id"]]))
            trail = "; ".join(f"{a['published']} {a['publisher']} ({a['speaker']}, {a['cites_via'] or 'first'})"
                              for a in appearances[:6])
            print(f"- {cluster['article_count']} articles, first {cluster['first_seen']} in {cluster['first_publisher']}"
                  f" by {cluster['first_speaker']}: \"{cluster['text'][:160]}\"\n    trail: {trail}"
                  f"{' ...' if len(appearances) > 6 else ''}")
        db.close()
        if args.json:
            args.json.write_text(json.dumps({**figures, "top_speakers": top, "largest_clusters": largest},
                                            indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
