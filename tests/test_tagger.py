"""The attribution tagger (claims.extract.tagger): BIO decoding, save/load."""

from __future__ import annotations

import torch

from claims.extract.tagger import Tagger, pad, spans_from_tags, transition_mask, viterbi


def test_viterbi_never_opens_a_span_with_an_inside_tag():
    tags = ["O", "B-SRC", "I-SRC", "B-CNT", "I-CNT"]
    allowed = transition_mask(tags)
    # the scores alone prefer O, I-CNT, I-CNT: not a valid BIO sequence
    scores = torch.log_softmax(torch.tensor([[3.0, 0, 0, 0, 0], [0, 0, 0, 2.0, 2.5], [0, 0, 0, 0, 3.0]]), dim=-1)
    path = [tags[i] for i in viterbi(scores, allowed)]
    assert path == ["O", "B-CNT", "I-CNT"]
    assert spans_from_tags(path) == [("CNT", 1, 3)]


def test_saved_tagger_gives_the_same_scores_after_loading():
    pretrain = torch.randn(50, 8)
    model = Tagger(["O", "B-CUE", "I-CUE"], n_lemmas=10, pretrain=pretrain, with_roles=False).eval()
    names = ["word", *model.feature_names]
    example = {name: [1, 2, 1] for name in names}
    batch, lengths = pad([example], names)
    before = model(batch, lengths)
    loaded = Tagger.from_state(model.save_state(), pretrain)
    after = loaded(batch, lengths)
    assert "word.weight" not in model.save_state()["state"]  # the word vectors ship once, with stanza's
    assert torch.allclose(before, after, atol=1e-2)


def test_viterbi_finds_the_best_allowed_sequence_by_brute_force():
    """Including when each word's best tag already makes an allowed sequence (the shortcut)."""
    import itertools
    import random

    tags = ["O", "B-SRC", "I-SRC", "B-CNT", "I-CNT"]
    allowed = transition_mask(tags)
    rng = random.Random(3)
    shortcut = 0
    for _ in range(300):
        length = rng.randint(1, 5)
        generator = torch.Generator().manual_seed(rng.randint(0, 10**6))
        log_probs = torch.log_softmax(torch.randn(length, len(tags), generator=generator) * rng.choice([0.5, 3.0]), dim=-1)
        best, best_score = None, float("-inf")
        for path in itertools.product(range(len(tags)), repeat=length):
            if not allowed[len(tags), path[0]] or not all(allowed[a, b] for a, b in zip(path, path[1:])):
                continue
            score = sum(float(log_probs[t, tag]) for t, tag in enumerate(path))
            if score > best_score:
                best, best_score = list(path), score
        assert viterbi(log_probs, allowed) == best
        shortcut += best == log_probs.argmax(dim=1).tolist()
    assert 0 < shortcut < 300
