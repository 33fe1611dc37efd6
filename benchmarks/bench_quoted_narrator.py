"""Quoted words in the article's own voice: ``python benchmarks/bench_quoted_narrator.py`` (issue 14).

A sentence no attribution's content touches is a claim of the article's own voice (its publisher
or author). When that sentence stands inside quotation marks, the publisher is shown saying what
someone else said: a quotation of several sentences whose cue is in its first or last sentence
left the others to the narrator. This counts those claims: narrator claims whose words lie at
least half inside a quotation (scare quotes and titles aside, as the extractor sets them aside),
with examples, and the sentences and claims in all.

Input: PolNeAR dev (and train with ``--train``), from the parse cache that
``python -m claims.training.corpus`` fills (what is missing is parsed first); ``--data`` or
$CLAIMS_DATA names the data folder (else ../shared/data).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from report import ROOT, polnear_sources_dir

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def quoted_share(text: str, start: int, end: int, quotes: list) -> float:
    """The share of the word characters in text[start:end] that lie inside a quotation."""
    inside = total = 0
    for position in range(start, end):
        if not text[position].isalnum():
            continue
        total += 1
        inside += any(q.inner[0] <= position < q.inner[1] for q in quotes)
    return inside / total if total else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="the data folder (default: $CLAIMS_DATA, else ../shared/data)")
    parser.add_argument("--train", action="store_true", help="PolNeAR train as well as dev")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "polnear-parses")
    parser.add_argument("--examples", type=int, default=8)
    args = parser.parse_args(argv)
    polnear = polnear_sources_dir(args.data)
    if polnear is None:
        return 2
    import torch

    from claims.extract import extract_claims
    from claims.extract.quotes import find_quotes, is_scare_quote
    from claims.training.corpus import annotated_split
    from claims.types import NARRATOR

    torch.set_num_threads(1)
    splits = ["dev"] + (["train"] if args.train else [])
    started = time.time()
    sentences = claims_total = narrator = quoted = 0
    examples: list[str] = []
    for split in splits:
        for _, article, parsed in annotated_split(polnear / split, args.cache):
            text = article.text
            quotes = [q for q in find_quotes(text, article.body_start, article.body_end) if not is_scare_quote(text, q)]
            sentences += len(parsed.sentences)
            for claim in extract_claims(article, parsed):
                claims_total += 1
                if claim.claim_type != NARRATOR:
                    continue
                narrator += 1
                if quoted_share(text, claim.content_start, claim.content_end, quotes) >= 0.5:
                    quoted += 1
                    if len(examples) < args.examples:
                        examples.append(text[claim.content_start : claim.content_end][:120])
    print(f"PolNeAR {'+'.join(splits)}: {sentences:,} sentences, {claims_total:,} claims, {narrator:,} in the article's own voice "
          f"({time.time() - started:.0f} s)")
    print(f"own-voice claims at least half inside a quotation: {quoted:,} "
          f"({quoted / narrator:.1%} of own-voice claims, {quoted / claims_total:.2%} of all claims)")
    for example in examples:
        print(f"  e.g. {example!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
