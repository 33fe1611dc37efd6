"""Accuracy gate: the extractor on PolNeAR dev and the seed gold must not drop below the pinned minimums.

The seed gold is in fixtures/, so its gate runs everywhere; PolNeAR dev's runs wherever the data is
(CI has it; tests/data_paths.py says how to provide it) and skips, saying how, elsewhere.
"""

from __future__ import annotations

from data_paths import needs_data
from eval_gate import BASELINE, gold_hashes, polnear_scores, seed_scores

from claims import evaluate


def test_seed_scores_do_not_drop_below_pinned_minimums(model_spec):
    flat, seed = seed_scores(model_spec)
    failures = evaluate.check_gate(flat, BASELINE, gold_hashes(("seed",)), golds=["seed"])
    assert not failures, "\n".join(failures) + "\n\n" + evaluate.format_seed_report(seed)
    assert seed["n_gold"] == 17


@needs_data("polnear/dev/text", "polnear/dev/attributions")
def test_polnear_dev_scores_do_not_drop_below_pinned_minimums(model_spec):
    flat, polnear = polnear_scores(model_spec)
    failures = evaluate.check_gate(flat, BASELINE, gold_hashes(("polnear_dev",)), golds=["polnear_dev"])
    assert not failures, "\n".join(failures) + "\n\n" + evaluate.format_polnear_report(polnear)
