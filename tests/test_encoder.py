"""The context encoder the attribution taggers read: WordPiece over stanza's words, vectors per word."""

from __future__ import annotations

import pytest
import torch

from claims.encoder import MAX_PIECES, ContextEncoder, basic_split, piece_windows
from claims.extract.learned import ENCODER_FILE, bundled_model


@pytest.fixture(scope="module")
def encoder() -> ContextEncoder:
    if not ENCODER_FILE.exists():
        pytest.skip(f"{ENCODER_FILE} is not in this checkout")
    return ContextEncoder.load(ENCODER_FILE)


def pieces(encoder: ContextEncoder, word: str) -> list[str]:
    names = {i: p for p, i in encoder.pieces.vocab.items()}
    return [names[i] for i in encoder.pieces.word(word)]


def test_basic_split_lowercases_strips_accents_and_splits_punctuation():
    assert basic_split("Café") == ["cafe"]
    assert basic_split("Turkish-Syrian") == ["turkish", "-", "syrian"]
    assert basic_split("“Yes,”") == ["“", "yes", ",", "”"]
    assert basic_split("naïve\u200b") == ["naive"]


def test_word_pieces_are_the_longest_known_first(encoder: ContextEncoder):
    assert pieces(encoder, "said") == ["said"]
    assert pieces(encoder, "Koseoglu")[0] == "ko"
    assert all(p.startswith("##") for p in pieces(encoder, "Koseoglu")[1:])
    assert pieces(encoder, "x" * 150) == ["[UNK]"]
    assert pieces(encoder, "\u0378") == ["[UNK]"]  # an unassigned code point is unknown, not dropped


def test_every_word_gets_one_vector(encoder: ContextEncoder):
    sentences = [["Al", "Jazeera", "'s", "Sinem", "Koseoglu", "said", "."], [], ["Reuters", "reported", "it"]]
    vectors = encoder.encode(sentences)
    assert [tuple(v.shape) for v in vectors] == [(7, encoder.width), (0, encoder.width), (3, encoder.width)]
    assert all(torch.isfinite(v).all() for v in vectors)


def test_context_changes_a_words_vector(encoder: ContextEncoder):
    bank_river, bank_money = encoder.encode([["the", "river", "bank", "flooded"], ["the", "bank", "raised", "rates"]])
    assert not torch.allclose(bank_river[2], bank_money[1], atol=1e-3)


def test_a_sentence_longer_than_the_encoder_window_keeps_every_word(encoder: ContextEncoder):
    words = ["attribution"] * (MAX_PIECES * 2 + 7)
    (vectors,) = encoder.encode([words])
    assert vectors.shape[0] == len(words)
    assert torch.isfinite(vectors).all()


def test_piece_windows_respect_the_limit_and_keep_order():
    words = [[1, 2], [3], [4, 5, 6], [7], [8, 9, 10, 11, 12]]
    windows = piece_windows(words, 4)
    assert [w for window in windows for w in window] == [w[:4] for w in words]
    assert all(sum(len(w) for w in window) <= 4 for window in windows)


def test_the_bundled_taggers_read_the_bundled_encoder(encoder: ContextEncoder):
    model = bundled_model()
    assert model is not None
    if model.cue.context is None and model.role.context is None:
        pytest.skip("the bundled taggers were trained without the context encoder")
    assert model.encoder is not None and model.encoder.version == encoder.version
    for tagger in (model.cue, model.role):
        assert tagger.context is None or tagger.context.in_features == encoder.width


def test_a_sentences_vectors_do_not_depend_on_the_others_encoded_with_it(encoder: ContextEncoder):
    short = ["He", "said", "so", "."]
    long = ["The", "ministry", "said", "on", "Friday", "that", "talks", "would", "resume", "in", "Geneva", "."] * 4
    alone = encoder.encode([short])[0]
    together = encoder.encode([long, short, long[:7]])[1]
    assert torch.allclose(alone, together, atol=1e-5)  # padded batches: float rounding only
    again = encoder.encode([long, short, long[:7]])[1]
    assert torch.equal(together, again)  # the same sentences in the same order: the same vectors


def test_a_padded_batch_gives_each_sentence_the_vectors_it_gets_alone():
    """Fine-tuning (claims.training.finetune) encodes padded batches with a padding mask; each
    sentence must come out as when encoded alone, as at run time."""
    if not ENCODER_FILE.exists():
        pytest.skip(f"{ENCODER_FILE} is not in this checkout")
    from claims.encoder import Encoder, EncoderConfig, sentence_windows
    from claims.training.finetune import encode

    saved = torch.load(ENCODER_FILE, weights_only=False)
    model = Encoder(EncoderConfig(**saved["config"]))
    model.load_state_dict({k: v.float() for k, v in saved["state"].items()})
    model.eval()
    pieces = ContextEncoder.from_state(saved).pieces
    sentences = [["Reuters", "reported", "it", "."], ["Al", "Jazeera", "'s", "Sinem", "Koseoglu", "said", "the", "talks",
                                                          "had", "collapsed", "."]]
    bank = {(0, n): sentence_windows(pieces, words) for n, words in enumerate(sentences)}
    with torch.no_grad():
        together = encode(model, [(0, 0), (0, 1)], bank)
        alone = [encode(model, [(0, n)], bank)[(0, n)] for n in range(2)]
    for n, words in enumerate(sentences):
        assert together[(0, n)].shape == (len(words), saved["config"]["hidden"])
        assert torch.allclose(together[(0, n)], alone[n], atol=1e-4)
