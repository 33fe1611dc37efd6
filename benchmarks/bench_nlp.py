"""Throughput of the NLP layer on the CPU: the full stanza pipeline, then the claim extractor.

Measures, on the PolNeAR dev texts (84 articles) by default (polnear/dev/text of the data folder
``CLAIMS_DATA`` names, else of ``../shared/data`` beside the repository when it is there: the
project's shared data, as developers have it; PolNeAR is not part of the repository, so on a
clone pass a folder of articles or set CLAIMS_DATA):
- model load: ``claims.nlp.resolve_model`` + ``load_pipeline`` (stanza loads every processor);
- stanza: ``claims.nlp.annotate`` (tokenize, mwt, pos, lemma, depparse, ner and the conversion to
  ParsedArticle) over all articles, in sentences/s, tokens/s and articles/s;
- extraction: ``claims.extract.extract_claims`` over the resulting ParsedArticles (no stanza), in
  seconds and as a percentage of the stanza seconds.
Articles are read with ``claims.readers.read_paths``, as ``claims ingest`` reads them, so only the
article bodies are annotated. Torch runs on the CPU with ``--threads`` threads (default 2). One
article is annotated first, untimed, so that lazy initialisation is not counted (``--no-warmup``).

Run from the repository root, once the bundled model exists (``python -m claims.training.recipe``)::

    python benchmarks/bench_nlp.py                       # PolNeAR dev, bundled model, 2 threads
    python benchmarks/bench_nlp.py fixtures/seed         # any folder or file of articles
    python benchmarks/bench_nlp.py DIR --model official --threads 1 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from report import ROOT, fmt, peak_rss_mb, per_second, resolve_input, table

# The project's shared data, where a development checkout has it; a clone has not (CLAIMS_DATA).
SHARED_DATA = ROOT.parent / "shared" / "data"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Prints a table; --json prints the same figures as JSON instead.",
    )
    parser.add_argument("texts", nargs="?", type=Path, default=None,
                        help="folder (or file) of articles to annotate, relative to the repository root when "
                             "it is not found here (default: polnear/dev/text of $CLAIMS_DATA, else of "
                             "../shared/data beside the repository when it is there)")
    parser.add_argument("--model", default=None,
                        help="bundled | official | a model directory (default: $CLAIMS_MODEL or bundled)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default: 2)")
    parser.add_argument("--batch-size", type=int, default=16, help="articles per stanza batch (default: 16, as annotate)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (a quick check)")
    parser.add_argument("--no-warmup", action="store_true", help="do not annotate one article untimed first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.batch_size < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--threads, --batch-size and --limit must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["CUDA_VISIBLE_DEVICES"] = ""  # CPU only, before torch is imported
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import stanza
    import torch

    from claims.extract import extract_claims
    from claims.nlp import ModelError, annotate, load_pipeline, resolve_model
    from claims.readers import read_paths
    from claims.types import IngestError

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(args.threads)
    except RuntimeError:  # only settable before any parallel work
        pass

    if args.texts is not None:
        texts = resolve_input(args.texts)
    else:
        from claims.training.data import DataDirError, data_dir

        try:
            texts = data_dir(None, ("polnear/dev/text",), fallback=SHARED_DATA, option=None) / "polnear" / "dev" / "text"
        except DataDirError as error:
            print(f"error: no articles to annotate: pass a folder or file of articles (e.g. fixtures/seed), or "
                  f"set CLAIMS_DATA for PolNeAR dev ({error})", file=sys.stderr)
            return 2
    if not texts.exists():
        print(f"error: {args.texts} does not exist (looked in {Path.cwd()} and {ROOT})", file=sys.stderr)
        return 2
    articles, errors = [], []
    for item in read_paths([str(texts)]):
        (errors if isinstance(item, IngestError) else articles).append(item)
    if args.limit:
        articles = articles[: args.limit]
    if not articles:
        print(f"error: no readable articles in {texts} ({len(errors)} errors)", file=sys.stderr)
        return 2

    started = time.perf_counter()
    try:
        spec = resolve_model(args.model)
        load_pipeline(spec)
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    load_s = time.perf_counter() - started

    warmup_s = 0.0
    if not args.no_warmup:
        started = time.perf_counter()
        annotate(articles[:1], spec, batch_size=1)
        warmup_s = time.perf_counter() - started

    started = time.perf_counter()
    parsed = annotate(articles, spec, batch_size=args.batch_size)
    stanza_s = time.perf_counter() - started

    started = time.perf_counter()
    claims = sum(len(extract_claims(article, result)) for article, result in zip(articles, parsed))
    extract_s = time.perf_counter() - started

    sentences = sum(len(p.sentences) for p in parsed)
    words = sum(len(s.words) for p in parsed for s in p.sentences)
    # A token is a span of text; the words of a multi-word token ("don't": do + n't) share its span.
    tokens = sum(len({(w.start, w.end) for w in s.words}) for p in parsed for s in p.sentences)
    characters = sum(a.body_end - a.body_start for a in articles)
    figures = {
        "input": str(texts),
        "model": spec.name,
        "model_version": spec.version,
        "device": "cpu",
        "torch_threads": torch.get_num_threads(),
        "batch_size": args.batch_size,
        "articles": len(articles),
        "unreadable": len(errors),
        "characters": characters,
        "sentences": sentences,
        "tokens": tokens,
        "words": words,
        "claims": claims,
        "model_load_s": round(load_s, 3),
        "warmup_s": round(warmup_s, 3),
        "stanza_s": round(stanza_s, 3),
        "stanza_sentences_per_s": per_second(sentences, stanza_s),
        "stanza_tokens_per_s": per_second(tokens, stanza_s),
        "stanza_articles_per_s": per_second(len(articles), stanza_s),
        "extract_s": round(extract_s, 3),
        "extract_sentences_per_s": per_second(sentences, extract_s),
        "extract_tokens_per_s": per_second(tokens, extract_s),
        "extract_articles_per_s": per_second(len(articles), extract_s),
        "extract_pct_of_stanza": round(100 * extract_s / stanza_s, 2) if stanza_s > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "stanza": stanza.__version__,
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0

    print(f"NLP benchmark: model {spec.name} ({spec.version}), CPU, torch threads {figures['torch_threads']}, "
          f"batch {args.batch_size}; torch {torch.__version__}, stanza {stanza.__version__}")
    print(f"input: {texts}: {len(articles)} articles ({len(errors)} unreadable), {characters:,} characters, "
          f"{sentences:,} sentences, {tokens:,} tokens ({words:,} words)")
    print()
    rows = [
        ["model load", fmt(load_s, 2), "-", "-", "-"],
        ["stanza annotate", fmt(stanza_s, 2), fmt(figures["stanza_sentences_per_s"]),
         fmt(figures["stanza_tokens_per_s"]), fmt(figures["stanza_articles_per_s"], 2)],
        ["extract_claims", fmt(extract_s, 2), fmt(figures["extract_sentences_per_s"]),
         fmt(figures["extract_tokens_per_s"]), fmt(figures["extract_articles_per_s"], 2)],
    ]
    print(table(["stage", "seconds", "sentences/s", "tokens/s", "articles/s"], rows))
    print()
    if not args.no_warmup:
        print(f"warm-up (1 article, untimed above): {warmup_s:.2f} s")
    print(f"extraction = {fmt(figures['extract_pct_of_stanza'], 2)} % of stanza time; {claims:,} claims; "
          f"peak RSS {figures['peak_rss_mb']:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
