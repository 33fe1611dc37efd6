"""Put several trained attribution models into one file whose taggers are averaged:
``python -m claims.training.average A.pt B.pt ... --out attribution.pt``.

Each model is a file claims.training.train (or claims.training.finetune) wrote. They must read the
same context encoder and share one lemma vocabulary (train the later ones with ``--lemmas-from``
the first); then their cue taggers are read as one and their role taggers as one
(claims.extract.tagger.TaggerAverage: the mean of their tag log-probabilities). Compare the result
with any single model on the held-out tenth (``python -m claims.training.heldout --model FILE``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import torch


def states(saved: dict[str, Any], stage: str) -> list[dict[str, Any]]:
    """A saved model's taggers for one stage (a list: a model may already be an average)."""
    value = saved[stage]
    return value if isinstance(value, list) else [value]


def average(models: list[dict[str, Any]]) -> dict[str, Any]:
    first = models[0]
    for saved in models[1:]:
        if saved.get("encoder") != first.get("encoder"):
            raise ValueError(f"models read different encoders: {first.get('encoder')!r} and {saved.get('encoder')!r}")
        if saved["lemmas"] != first["lemmas"]:
            raise ValueError("models have different lemma vocabularies (train with --lemmas-from the first model)")
    return {
        "version": f"attribution-{time.strftime('%Y%m%d')}-average-of-{len(models)}",
        "stanza_model": first.get("stanza_model"),
        "lemmas": first["lemmas"],
        "cue": [state for saved in models for state in states(saved, "cue")],
        "role": [state for saved in models for state in states(saved, "role")],
        "encoder": first.get("encoder"),
        "training": {"averaged": [saved.get("training") for saved in models],
                     "members": [saved.get("version") for saved in models]},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", type=Path, nargs="+", help="attribution model files")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    saved = average([torch.load(path, map_location="cpu", weights_only=False) for path in args.models])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(saved, args.out)
    print(f"wrote {args.out}: {len(saved['cue'])} cue and {len(saved['role'])} role taggers "
          f"({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
