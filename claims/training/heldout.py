"""Score extraction on the held-out tenth of PolNeAR train: ``python -m claims.training.heldout --data DIR``.

DIR (or the environment variable ``CLAIMS_DATA``) is the data folder holding ``polnear/train``.

The trainer (claims.training.train) holds out every tenth train article (``is_held_out``); this
scores the whole extractor on exactly those, from the cached parses, so design choices are compared
without reading PolNeAR dev (which stays for ``claims eval``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from claims.evaluate.polnear import format_polnear_report, score_polnear
from claims.extract import METHODS, extract_attributions
from claims.extract.files import attribution_record
from claims.extract.learned import AttributionModel
from claims.training.corpus import annotated_split
from claims.training.data import add_train_split_options, train_split

HELD_OUT_EVERY = 10


def is_held_out(position: int) -> bool:
    """Whether the article at this position (sorted by name) of PolNeAR train is held out."""
    return position % HELD_OUT_EVERY == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_train_split_options(parser)
    parser.add_argument("--cache", type=Path, default=Path("build/polnear-parses"))
    parser.add_argument("--method", choices=METHODS, default="learned")
    parser.add_argument("--model", type=Path, default=None, help="an attribution model file (default: the bundled one)")
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst articles")
    parser.add_argument("--out", type=Path, default=None,
                        help="also write the predictions here, one <stem>.json per article (claims eval --pred reads them)")
    args = parser.parse_args(argv)
    args.train_dir = train_split(parser, args)
    rows = [row for i, row in enumerate(annotated_split(args.train_dir, args.cache)) if is_held_out(i)]
    model = AttributionModel.load(args.model) if args.model else None
    gold = {doc.stem: doc for doc, _, _ in rows}
    predictions = {doc.stem: [attribution_record(a) for a in extract_attributions(article, parsed, args.method, model)]
                   for doc, article, parsed in rows}
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for stem, records in predictions.items():
            (args.out / f"{stem}.json").write_text(json.dumps({"attributions": records}, ensure_ascii=False),
                                                   encoding="utf-8")
    print(f"{len(rows)} held-out PolNeAR train articles, method {args.method}")
    print(format_polnear_report(score_polnear(gold, predictions), args.worst))


if __name__ == "__main__":
    main()
