"""claims.mst finds the tree stanza's own Chu-Liu-Edmonds decoding finds."""

from __future__ import annotations

import numpy as np
import pytest
from stanza.models.common.chuliu_edmonds import chuliu_edmonds_one_root

from claims.mst import find_cycle, one_root_tree


def log_softmax_scores(rng: np.random.Generator, size: int, sharpness: float = 1.0) -> np.ndarray:
    """Scores shaped like the parser's: log-probabilities of each head, per dependent."""
    raw = rng.normal(size=(size, size)) * sharpness
    return (raw - np.log(np.exp(raw).sum(axis=1, keepdims=True))).astype(np.float32)


def test_find_cycle():
    assert find_cycle([0, 0, 1, 2]) is None  # a chain to the root
    assert sorted(find_cycle([0, 2, 3, 1])) == [1, 2, 3]
    assert sorted(find_cycle([0, 0, 3, 2, 2])) == [2, 3]  # 4 leads into the cycle, is not in it
    assert find_cycle([0, 1]) == [1]  # a word heading itself


@pytest.mark.parametrize("sharpness", [1.0, 6.0])
def test_same_tree_as_stanza_on_random_scores(sharpness):
    # Flat scores (1.0) make greedy choices full of cycles and several roots, so the contraction
    # path runs; sharp ones (6.0) often give a greedy tree, so the shortcut runs too.
    rng = np.random.default_rng(7)
    shortcut_taken = 0
    for _ in range(400):
        scores = log_softmax_scores(rng, int(rng.integers(2, 50)), sharpness)
        expected = chuliu_edmonds_one_root(scores.copy())
        before = scores.copy()
        found = one_root_tree(scores)
        assert np.array_equal(found, expected)
        assert np.array_equal(scores, before)  # the caller's scores are left alone
        assert np.count_nonzero(found[1:] == 0) == 1
        greedy = scores.astype(np.float64)
        np.fill_diagonal(greedy, -np.inf)
        shortcut_taken += np.array_equal(np.argmax(greedy[1:], axis=1), found[1:])
    assert shortcut_taken < 400 if sharpness == 1.0 else shortcut_taken > 0


def test_parser_uses_it_and_parses_as_before(model_spec, monkeypatch):
    """stanza's parser (for models without syntax heads) decodes with claims.mst once a pipeline is
    loaded, and the syntax heads' trees equal those of stanza's own decoding."""
    import stanza.models.depparse.model as depparse_model

    import claims.syntax
    from claims.nlp import annotate, load_pipeline
    from claims.types import Article

    load_pipeline(model_spec)
    assert depparse_model.chuliu_edmonds_one_root is one_root_tree
    text = ("The minister, who spoke to reporters on Monday, said the talks had failed. "
            "\"We will not sign,\" she added, according to a statement seen by Reuters.")
    article = Article(text=text, source="test.txt", format="txt")
    ours = [(w.head, w.deprel) for s in annotate([article], model_spec)[0].sentences for w in s.words]
    monkeypatch.setattr(claims.syntax, "one_root_tree", chuliu_edmonds_one_root)
    theirs = [(w.head, w.deprel) for s in annotate([article], model_spec)[0].sentences for w in s.words]
    assert ours == theirs
    assert sum(deprel == "root" for _, deprel in ours) == 2
