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
