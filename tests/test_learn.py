"""The learned attribution tagger's parts: gold alignment, features, BIO decoding, save/load."""

from __future__ import annotations

import torch

from claims.evaluate import GoldAttribution, GoldDoc
from claims.learn.examples import CUE_TAGS, ROLE_TAGS, ArticleView, gold_examples
from claims.learn.features import Vocabularies
from claims.learn.model import Tagger, load_pretrain, pad, spans_from_tags, transition_mask, viterbi


def frag(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return (start, start + len(part))


def test_gold_spans_become_cue_and_role_tags(annotate_text):
    text = "The mayor spoke on Monday. Officials said the bridge would reopen in May. Traffic was light."
    article, parsed = annotate_text(text)
    gold = GoldAttribution(cue=[frag(text, "said")], source=[frag(text, "Officials")],
                           content=[frag(text, "the bridge would reopen in May")])
    doc = GoldDoc(stem="t", text=text, attributions=[gold])
    vocab_words, _ = load_pretrain()
    cue_examples, role_examples = gold_examples(doc, ArticleView.build(article, parsed), Vocabularies(vocab_words))
    assert len(cue_examples) == len(parsed.sentences) == 3
    second = parsed.sentences[1]
    cue_tags = [CUE_TAGS[t] for t in cue_examples[1].tags]
    assert [text[w.start:w.end] for w, t in zip(second.words, cue_tags) if t != "O"] == ["said"]
    assert all(t == 0 for t in cue_examples[0].tags + cue_examples[2].tags)

    (role,) = role_examples
    window = [w for s in parsed.sentences for w in s.words]  # all three sentences are the window
    assert len(role.tags) == len(window) == len(role.features["word"])
    tagged = {role_name: " ".join(text[window[i].start:window[i].end] for i in range(first, last))
              for role_name, first, last in spans_from_tags([ROLE_TAGS[t] for t in role.tags])}
    assert tagged == {"SRC": "Officials", "CNT": "the bridge would reopen in May"}
    marked = [text[w.start:w.end] for w, flag in zip(window, role.features["cue"]) if flag == 2]
    assert marked == ["said"]


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
    model = Tagger(CUE_TAGS, n_lemmas=10, pretrain=pretrain, with_roles=False).eval()
    names = ["word", *model.feature_names]
    example = {name: [1, 2, 1] for name in names}
    batch, lengths = pad([example], names)
    before = model(batch, lengths)
    loaded = Tagger.from_state(model.save_state(), pretrain)
    after = loaded(batch, lengths)
    assert "word.weight" not in model.save_state()["state"]  # the word vectors ship once, with stanza's
    assert torch.allclose(before, after, atol=1e-2)
