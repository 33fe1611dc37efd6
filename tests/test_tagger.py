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


def small_tagger(pretrain: torch.Tensor, seed: int) -> Tagger:
    torch.manual_seed(seed)
    return Tagger(["O", "B-CUE", "I-CUE"], n_lemmas=10, pretrain=pretrain, with_roles=False).eval()


def test_an_average_of_taggers_is_their_mean_log_probability_and_decodes_like_one():
    from claims.extract.tagger import TaggerAverage, decode, load_tagger

    pretrain = torch.randn(50, 8)
    first, second = small_tagger(pretrain, 1), small_tagger(pretrain, 2)
    names = ["word", *first.feature_names]
    examples = [{name: [1, 2, 1, 2] for name in names}, {name: [2, 2] for name in names}]
    batch, lengths = pad(examples, names)
    averaged = TaggerAverage([first, second]).eval()
    expected = (torch.log_softmax(first(batch, lengths), -1) + torch.log_softmax(second(batch, lengths), -1)) / 2
    assert torch.allclose(averaged(batch, lengths), expected)
    # saved as a list of states, loaded back as the average; one state stays one tagger
    loaded = load_tagger([first.save_state(), second.save_state()], pretrain)
    assert isinstance(loaded, TaggerAverage)
    assert isinstance(load_tagger([first.save_state()], pretrain), Tagger)
    paths = decode(loaded, examples)
    assert [len(path) for path, _ in paths] == [4, 2]
    assert all(0.0 < p <= 1.0 for _, probs in paths for p in probs)
    # the average of a tagger with itself decodes exactly as the tagger
    same = decode(TaggerAverage([first, first]).eval(), examples)
    alone = decode(first, examples)
    assert [path for path, _ in same] == [path for path, _ in alone]
    assert all(abs(a - b) < 1e-5 for (_, pa), (_, pb) in zip(same, alone) for a, b in zip(pa, pb))


def test_taggers_with_different_tags_are_not_averaged():
    import pytest

    from claims.extract.tagger import TaggerAverage

    pretrain = torch.randn(50, 8)
    cue = small_tagger(pretrain, 1)
    role = Tagger(["O", "B-SRC", "I-SRC"], n_lemmas=10, pretrain=pretrain, with_roles=False).eval()
    with pytest.raises(ValueError, match="same tags"):
        TaggerAverage([cue, role])
