"""Accuracy gate: the extractor on PolNeAR dev and the seed gold must not drop below the pinned minimums."""

from __future__ import annotations

from claims import evaluate

from eval_gate import BASELINE, current_scores, gold_hashes


def test_scores_do_not_drop_below_pinned_minimums(model_spec):
    flat, polnear, seed = current_scores(model_spec)
    failures = evaluate.check_gate(flat, BASELINE, gold_hashes())
    assert not failures, "\n".join(failures) + "\n\n" + evaluate.format_polnear_report(polnear)
    assert seed["n_gold"] == 17
