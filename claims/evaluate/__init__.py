r"""Evaluation against gold: PolNeAR attribution scores, the seed article, and the CI gate.

gold      the gold readers (PolNeAR folders, the seed expected.json) and GoldError
spans     span normalisation and word tokens as the PolNeAR scorer compares them
polnear   the PolNeAR scorer and report, and the prediction folder reader
seed      the seed scorer and report
gate      pinned minimums and gold hashes (tests/eval_gate.py runs it)

The PolNeAR scores agree exactly with the project's reference scorer ``score_attr.py`` and the
seed scores with ``score_seed.py`` (both kept with the project's shared data, beside the data folder
that ``CLAIMS_DATA`` names; ``tests/test_evaluate.py`` checks every number against both when they
are there). Standard library only, so evaluation runs without the NLP models.

Gold: a PolNeAR-format folder (``text/<stem>.txt`` and ``attributions/<stem>_<annotator>.ann``,
e.g. ``$CLAIMS_DATA/polnear/dev``) or a seed-style ``expected.json`` (e.g.
``fixtures/seed/expected.json``). Gold that is neither raises :class:`GoldError` saying what it
must hold.

Offsets are character offsets into a text read with ``open(p, encoding="utf-8", newline="")``:
no newline translation, exactly as the reference scorers read it.

Definitions (micro-averaged over the corpus; span types cue / source / content):

- exact: a predicted attribution's span set of a type matches a gold one's after normalisation
  (each fragment stripped of edge whitespace and Unicode punctuation, fragments separated only by
  non-word characters merged; sets compared). Source and content matches also need the predicted
  and gold cues to overlap, unless ``unanchored``. Counting follows Citron: a true positive per
  predicted attribution matched by any gold one, a false negative per gold attribution matched by
  no prediction. Attributions with no span of the type are left out of that type's counts.
- overlap: tokens are maximal ``\w+`` runs; P is the share of predicted tokens inside any gold
  span of the type, R the share of gold tokens covered by any predicted span of the type.
- attribution: one-to-one greedy matching, highest content token Dice first; a pair may match
  when Dice >= 0.5 and, when the gold has a source, the predicted source shares a token with it.
- speaker accuracy: over pairs matched on content alone whose gold has a source, the fraction
  whose predicted source shares a token with the gold source ("exact": equal normalised sources).
"""

from __future__ import annotations

from claims.evaluate.gate import (
                                  GATE_TOLERANCE,
                                  check_gate,
                                  gold_hash,
                                  polnear_gate_scores,
                                  seed_gate_scores,
                                  update_gate,
)
from claims.evaluate.gold import GoldAttribution, GoldDoc, GoldError, load_polnear_gold, load_seed_gold
from claims.evaluate.polnear import format_polnear_report, load_predictions, score_polnear
from claims.evaluate.seed import format_seed_report, score_seed
from claims.evaluate.spans import SPAN_TYPES

__all__ = [
    "GATE_TOLERANCE",
    "SPAN_TYPES",
    "GoldAttribution",
    "GoldDoc",
    "GoldError",
    "check_gate",
    "format_polnear_report",
    "format_seed_report",
    "gold_hash",
    "load_polnear_gold",
    "load_predictions",
    "load_seed_gold",
    "polnear_gate_scores",
    "score_polnear",
    "score_seed",
    "seed_gate_scores",
    "update_gate",
]
