"""Where ``claims ingest`` spends its time: seconds per stage, per sentence, on a given set of articles.

One run of ``claims.pipeline.ingest`` into a new database in a temporary folder, in one process
(``--workers 1``: what each worker does, and the storing the ingest process does, in one place),
with a timer around each stage:
- read: the readers (``claims.readers.read_paths``);
- stanza, one row per processor the model runs (tokenize, mwt, lemma; and pos, depparse, ner for a
  model without syntax heads), and ``stanza other``: the rest of ``claims.nlp.annotate`` (cutting
  texts into pieces, converting stanza's documents);
- ``context encoder`` (word vectors in context, computed once, for the syntax heads and the
  attribution taggers) and ``syntax heads`` (UPOS, trees and entities from them, claims.syntax);
- extract: ``view`` (trees, rule matches), ``learned`` (the attribution taggers), ``describe``
  (speaker descriptions), ``coref`` (speakers across the article), ``extract other``;
- store, per step of ``claims.store.articles.store_article``: sentences, speakers (find or create),
  claim rows, offsets check, speaker refresh, channels, annotation cache, clearing a replaced
  article, and ``store other`` (the claims insert with its full-text index, the commit);
- end of run: speaker reconcile and quote clusters.
``load`` (the model, loaded before the run) is printed apart; ``total`` is the run's wall time.
The timers wrap module attributes in this process only; claims' code is not changed.

Run from the repository root::

    python benchmarks/bench_profile.py                     # PolNeAR dev texts ($CLAIMS_DATA)
    python benchmarks/bench_profile.py fixtures/seed --json
    python benchmarks/bench_profile.py DIR --limit 20 --threads 1
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from report import fmt, peak_rss_mb, per_second, polnear_dev_texts, resolve_input, table


class Timers:
    """Seconds per stage; a stage nested in another is taken out of the outer one's own time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []

    def wrap(self, owner: object, attribute: str, stage: str) -> None:
        function = getattr(owner, attribute)

        @functools.wraps(function)
        def timed(*args, **kwargs):
            return self.run(stage, function, *args, **kwargs)

        setattr(owner, attribute, timed)

    def wrap_generator(self, owner: object, attribute: str, stage: str) -> None:
        """For a function returning an iterator: the time to draw each item counts to ``stage``."""
        function = getattr(owner, attribute)

        @functools.wraps(function)
        def timed(*args, **kwargs):
            iterator = iter(self.run(stage, function, *args, **kwargs))
            while True:
                try:
                    item = self.run(stage, next, iterator)
                except StopIteration:
                    return
                yield item

        setattr(owner, attribute, timed)

    def run(self, stage, function, *args, **kwargs):
        started = time.perf_counter()
        self.stack.append(stage)
        try:
            return function(*args, **kwargs)
        finally:
            self.stack.pop()
            elapsed = time.perf_counter() - started
            self.seconds[stage] += elapsed
            if self.stack:  # the outer stage's own time leaves this out
                self.seconds[self.stack[-1]] -= elapsed


def install_timers(timers: Timers, pipeline) -> None:
    import claims.extract as extract
    import claims.extract.learned as learned
    import claims.nlp as nlp
    import claims.pipeline as ingest_pipeline
    import claims.store.articles as articles
    import claims.store.speakers as speakers
    import claims.workers as workers
    from claims.encoder import ContextEncoder
    from claims.extract.view import ArticleView
    from claims.syntax import SyntaxAnnotator

    for name, processor in pipeline.processors.items():
        timers.wrap(processor, "bulk_process", f"stanza {name}")
    timers.wrap_generator(ingest_pipeline, "read_paths", "read")
    timers.wrap(workers, "annotate", "stanza other")
    timers.wrap(workers, "extract_claims", "extract other")
    timers.wrap(ArticleView, "build", "extract view")
    timers.wrap(learned, "learned_attributions", "extract learned")
    timers.wrap(ContextEncoder, "encode", "context encoder")
    timers.wrap(SyntaxAnnotator, "annotate", "syntax heads")
    timers.wrap(nlp, "lemmatize", "stanza lemma")  # the remembered lemmas (claims.nlp.lemmatize)
    timers.wrap(extract, "describe", "extract describe")
    timers.wrap(extract, "resolve_article", "extract coref")
    timers.wrap(ingest_pipeline, "store_article", "store other")
    for attribute, stage in [("_insert_sentences", "sentences"), ("_claim_row", "claim rows"),
                             ("_verify_offsets", "offsets check"), ("_drop_unused_channels", "channels"),
                             ("save_annotations", "annotation cache"), ("_clear_article", "clear replaced")]:
        timers.wrap(articles, attribute, f"store {stage}")
    timers.wrap(speakers, "resolve_speakers", "store speakers")
    timers.wrap(speakers, "refresh_speakers", "store speaker refresh")
    timers.wrap(ingest_pipeline, "reconcile_speakers", "end: speaker reconcile")
    timers.wrap(ingest_pipeline, "rebuild_clusters", "end: quote clusters")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Prints a table; --json prints the same figures as JSON instead.")
    parser.add_argument("texts", nargs="?", type=Path, default=None,
                        help="folder (or file) of articles (default: polnear/dev/text of $CLAIMS_DATA, else of "
                             "../shared/data beside the repository)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files of a folder, by name")
    parser.add_argument("--model", default=None, help="bundled | official | a model directory")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default: 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    texts = resolve_input(args.texts) if args.texts else polnear_dev_texts()
    if texts is None or not texts.exists():
        print("No articles: pass a folder, or set CLAIMS_DATA to a folder with polnear/dev/text.", file=sys.stderr)
        return 2
    import torch

    from claims.nlp import load_pipeline, resolve_model
    from claims.pipeline import ingest

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        inputs = [str(texts)]
        if args.limit and texts.is_dir():
            chosen = Path(scratch) / "articles"
            chosen.mkdir()
            for path in sorted(p for p in texts.iterdir() if p.is_file())[: args.limit]:
                (chosen / path.name).symlink_to(path.resolve())
            inputs = [str(chosen)]
        started = time.perf_counter()
        spec = resolve_model(args.model)
        pipeline = load_pipeline(spec)
        load_seconds = time.perf_counter() - started
        timers = Timers()
        install_timers(timers, pipeline)
        started = time.perf_counter()
        summary = ingest(inputs, Path(scratch) / "profile.db", spec, workers=1)
        total = time.perf_counter() - started
    stages = dict(sorted(timers.seconds.items(), key=lambda item: item[0]))
    stages["unaccounted"] = total - sum(stages.values())
    sentences = summary.sentences
    figures = {
        "texts": str(texts), "articles": summary.articles, "sentences": sentences, "claims": summary.claims,
        "errors": len(summary.errors), "threads": args.threads, "model": spec.version,
        "load_seconds": round(load_seconds, 2), "total_seconds": round(total, 2),
        "sentences_per_second": per_second(sentences, total), "articles_per_second": per_second(summary.articles, total),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "stages": {stage: {"seconds": round(seconds, 3), "share": round(seconds / total, 4),
                           "ms_per_sentence": round(1000 * seconds / sentences, 3) if sentences else None}
                   for stage, seconds in stages.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    rows = [[stage, fmt(v["seconds"], 2), fmt(100 * v["share"]), fmt(v["ms_per_sentence"], 2)]
            for stage, v in figures["stages"].items()]
    rows.append(["total", fmt(total, 2), "100.0", fmt(1000 * total / sentences if sentences else None, 2)])
    print(f"{summary.articles} articles, {sentences:,} sentences, {summary.claims:,} claims, "
          f"{len(summary.errors)} errors; model {spec.version}, {args.threads} threads")
    print(f"model load {load_seconds:.2f} s (apart); {figures['sentences_per_second']} sentences/s, "
          f"{figures['articles_per_second']} articles/s, peak RSS {figures['peak_rss_mb']} MB")
    print(table(["stage", "seconds", "share %", "ms/sentence"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
