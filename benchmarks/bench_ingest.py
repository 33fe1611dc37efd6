"""End-to-end cost of ``claims.pipeline.ingest``: read, annotate (stanza), extract, store (SQLite).

Two runs, each into a fresh database in a temporary folder:
  (a) seed     the seed article (fixtures/seed/syria-russia-airstrikes.txt);
  (b) polnear  the 84 PolNeAR dev articles: ``--polnear DIR``, else polnear/dev/text of the data
               folder ``CLAIMS_DATA`` names, else of ``../shared/data`` beside the repository
               when it is there (the project's shared data, as developers have it). PolNeAR is
               not part of the repository; without it, run ``--only seed``.
For each: seconds, articles/s, sentences/s, claims, speakers, database size (MB: the SQLite file
plus its WAL, after a checkpoint) and the process's peak RSS so far (resource.getrusage; it only
grows, so run ``--only polnear`` for that run's own peak). The model is loaded once, before and
outside both runs (its load time is printed apart). Torch runs on the CPU with ``--threads``
threads (default 2).

Run from the repository root, once the bundled model exists (``python -m claims.training.recipe``)::

    python benchmarks/bench_ingest.py
    python benchmarks/bench_ingest.py --keep /tmp/polnear-dev.db --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from report import ROOT, fmt, peak_rss_mb, per_second, resolve_input, table

DEFAULT_SEED = Path("fixtures/seed/syria-russia-airstrikes.txt")
# The project's shared data, where a development checkout has it; a clone has not (CLAIMS_DATA).
SHARED_DATA = ROOT.parent / "shared" / "data"
CASES = ("seed", "polnear")


def database_mb(path: Path) -> float:
    """Size of a SQLite database after checkpointing its WAL (file + what is left of -wal)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    return size / (1024 * 1024)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Prints a table; --json prints the same figures as JSON instead.",
    )
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED,
                        help=f"the seed article (default: {DEFAULT_SEED})")
    parser.add_argument("--polnear", type=Path, default=None,
                        help="folder of PolNeAR dev texts (default: polnear/dev/text of $CLAIMS_DATA, else of "
                             "../shared/data beside the repository when it is there)")
    parser.add_argument("--only", choices=CASES, help="run one case only")
    parser.add_argument("--model", default=None,
                        help="bundled | official | a model directory (default: $CLAIMS_MODEL or bundled)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default: 2)")
    parser.add_argument("--batch-size", type=int, default=8, help="articles per batch (default: 8, as claims ingest)")
    parser.add_argument("--keep", type=Path, metavar="DB",
                        help="keep the database instead of deleting it: the polnear run's at DB, the seed "
                             "run's at DB with .seed before its suffix (with --only, that run's at DB); "
                             "DB must not exist")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.batch_size < 1:
        parser.error("--threads and --batch-size must be at least 1")
    return args


def kept_paths(keep: Path, cases: list[str]) -> dict[str, Path]:
    if len(cases) == 1:
        return {cases[0]: keep}
    return {"polnear": keep, "seed": keep.with_name(f"{keep.stem}.seed{keep.suffix or '.db'}")}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["CUDA_VISIBLE_DEVICES"] = ""  # CPU only, before torch is imported
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    cases = [args.only] if args.only else list(CASES)
    inputs = {"seed": resolve_input(args.seed)}
    if "polnear" in cases:
        if args.polnear is not None:
            inputs["polnear"] = resolve_input(args.polnear)
        else:
            from claims.training.data import DataDirError, data_dir

            try:
                inputs["polnear"] = data_dir(None, ("polnear/dev/text",), fallback=SHARED_DATA, option=None) / "polnear/dev/text"
            except DataDirError as error:
                print(f"error: no PolNeAR dev texts: pass --polnear DIR, set CLAIMS_DATA, or run --only seed "
                      f"({error})", file=sys.stderr)
                return 2
    for case in cases:
        if not inputs[case].exists():
            print(f"error: {case} input {inputs[case]} does not exist", file=sys.stderr)
            return 2
    keep = kept_paths(args.keep, cases) if args.keep else {}
    for path in keep.values():
        if path.exists():
            print(f"error: --keep {path} exists; the benchmark needs a fresh database", file=sys.stderr)
            return 2
        if not path.parent.is_dir():
            print(f"error: --keep {path}: folder {path.parent} does not exist", file=sys.stderr)
            return 2

    import stanza
    import torch

    from claims.nlp import ModelError, load_pipeline, resolve_model
    from claims.pipeline import ingest

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(args.threads)
    except RuntimeError:  # only settable before any parallel work
        pass

    started = time.perf_counter()
    try:
        spec = resolve_model(args.model)
        load_pipeline(spec)  # cached: ingest reuses it
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    load_s = time.perf_counter() - started

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        for case in cases:
            db_path = keep.get(case) or Path(scratch) / f"{case}.db"
            started = time.perf_counter()
            summary = ingest([str(inputs[case])], db_path, model=spec, batch_size=args.batch_size)
            seconds = time.perf_counter() - started
            results.append({
                "case": case,
                "input": str(inputs[case]),
                "seconds": round(seconds, 3),
                "articles": summary.articles,
                "added": summary.added,
                "errors": len(summary.errors),
                "sentences": summary.sentences,
                "claims": summary.claims,
                "speakers": summary.database_speakers,  # a fresh database: all of them are this run's
                "articles_per_s": per_second(summary.articles, seconds),
                "sentences_per_s": per_second(summary.sentences, seconds),
                "db_mb": round(database_mb(db_path), 3),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "database": str(db_path) if case in keep else None,
            })
            for error in summary.errors:
                print(f"warning: {case}: {error.message}", file=sys.stderr)

    figures = {
        "model": spec.name,
        "model_version": spec.version,
        "device": "cpu",
        "torch_threads": torch.get_num_threads(),
        "batch_size": args.batch_size,
        "model_load_s": round(load_s, 3),
        "runs": results,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "stanza": stanza.__version__,
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0

    print(f"Ingest benchmark: model {spec.name} ({spec.version}), CPU, torch threads {figures['torch_threads']}, "
          f"batch {args.batch_size}; torch {torch.__version__}, stanza {stanza.__version__}")
    print(f"model load (outside the runs): {load_s:.2f} s")
    print()
    rows = [[r["case"], fmt(r["seconds"], 2), fmt(r["articles"]), fmt(r["articles_per_s"], 2),
             fmt(r["sentences"]), fmt(r["sentences_per_s"]), fmt(r["claims"]), fmt(r["speakers"]),
             fmt(r["db_mb"], 2), fmt(r["peak_rss_mb"], 0)] for r in results]
    print(table(["run", "seconds", "articles", "articles/s", "sentences", "sentences/s", "claims", "speakers",
                 "DB MB", "peak RSS MB"], rows))
    for r in results:
        if r["errors"]:
            print(f"{r['case']}: {r['errors']} unreadable inputs (see warnings above)")
        if r["database"]:
            print(f"{r['case']}: database kept at {r['database']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
