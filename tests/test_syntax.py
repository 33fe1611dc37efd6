"""claims.syntax: UPOS, dependency trees and entities from heads on the context encoder's vectors,
through the bundled model; the vectors they read are handed on to the attribution taggers and never stored."""

from __future__ import annotations

import json

import pytest
import torch
from data_paths import data_path, needs_data

from claims.extract import extract_attributions
from claims.nlp import bundled_model_dir, load_syntax, read_manifest
from claims.syntax import SYNTAX_FILE, SyntaxAnnotator, SyntaxModel, to_bioes


def test_bio_to_bioes_closes_every_entity():
    assert to_bioes(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-ORG", "I-ORG", "B-ORG"]) == [
        "B-PER", "E-PER", "O", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-ORG"]


def test_bundled_model_tags_and_parses_with_the_syntax_heads(model_spec):
    manifest = read_manifest(bundled_model_dir())
    assert {"pos", "depparse", "ner"}.isdisjoint(manifest["files"])
    assert manifest["files"]["syntax"]["file"] == SYNTAX_FILE
    syntax = load_syntax(model_spec)
    assert isinstance(syntax, SyntaxAnnotator)
    from claims.extract.learned import bundled_model

    assert syntax.encoder is bundled_model().encoder  # one encoder, loaded once, serves both


def words_of(parsed, sentence=0):
    return {w.text: w for w in parsed.sentences[sentence].words}


def test_every_sentence_is_one_tree(annotate_text):
    text = ("The senator, who spoke to reporters on Tuesday, said that taxes would rise next year. "
            "\"We cannot wait,\" she added.\n\nOfficials in Geneva declined to comment, and the talks resumed.")
    _, parsed = annotate_text(text)
    assert len(parsed.sentences) == 3
    for sentence in parsed.sentences:
        heads = {w.index: w.head for w in sentence.words}
        assert [w for w in sentence.words if w.head == 0] == [w for w in sentence.words if w.deprel == "root"]
        assert sum(h == 0 for h in heads.values()) == 1
        for word in sentence.words:
            node, steps = word.index, 0
            while node != 0:  # every word reaches the root: no cycles, no head outside the sentence
                node = heads[node]
                steps += 1
                assert steps <= len(heads)


def test_heads_read_the_sentence(annotate_text):
    _, parsed = annotate_text("The senator said on Tuesday that taxes would rise.")
    words = words_of(parsed)
    said = words["said"]
    assert (said.upos, said.deprel, said.lemma) == ("VERB", "root", "say")
    assert (words["senator"].head, words["senator"].deprel) == (said.index, "nsubj")
    assert (words["rise"].head, words["rise"].deprel) == (said.index, "ccomp")
    assert words["taxes"].upos == "NOUN" and words["Tuesday"].upos == "PROPN"


def test_entities_from_the_heads(annotate_text):
    article, parsed = annotate_text("Angela Merkel met officials of the United Nations in Berlin on Friday.")
    entities = {(e.text, e.type) for e in parsed.entities}
    assert ("Angela Merkel", "PER") in entities
    assert ("Berlin", "LOC") in entities
    assert any(kind == "ORG" and "United Nations" in text for text, kind in entities)
    for entity in parsed.entities:
        assert article.text[entity.start : entity.end] == entity.text
    merkel = words_of(parsed)["Merkel"]
    assert merkel.ner.endswith("-PER")


def test_vectors_are_handed_to_the_taggers_and_never_stored(annotate_text, tmp_path):
    import sqlite_utils

    from claims.extract.learned import bundled_model
    from claims.store.articles import load_annotations, save_annotations

    text = "\"It will pass,\" the senator said on Tuesday. Critics told Reuters that the bill was rushed."
    article, parsed = annotate_text(text)
    assert sorted(parsed.context) == [s.index for s in parsed.sentences]
    encoder = bundled_model().encoder
    for sentence in parsed.sentences:
        alone = encoder.encode([[w.text for w in sentence.words]])[0]
        assert parsed.context[sentence.index].shape == (len(sentence.words), encoder.width)
        assert torch.allclose(parsed.context[sentence.index], alone, atol=1e-4)
    with_vectors = extract_attributions(article, parsed)
    from dataclasses import asdict, replace

    from claims.store.articles import annotations_data

    everything_else = {k: v for k, v in asdict(replace(parsed, context={})).items() if k != "context"}
    assert annotations_data(parsed) == everything_else
    db = sqlite_utils.Database(tmp_path / "cache.db")
    save_annotations(db, 1, parsed)
    assert "context" not in json.loads(db.execute("SELECT data FROM annotations").fetchone()[0])
    reloaded = load_annotations(db, 1)
    assert reloaded.context == {} and reloaded.sentences == parsed.sentences
    encoded_again = extract_attributions(article, reloaded)  # the taggers encode what they are not given
    assert [(a.cue, a.source, a.content, a.speaker) for a in with_vectors] == [
        (a.cue, a.source, a.content, a.speaker) for a in encoded_again]
    assert len(with_vectors) == 2


@needs_data("ud/en_ewt", "ud/en_gum", "polnear/corenlp-ner")
def test_training_writes_heads_that_load_and_annotate(tmp_path):
    from claims.training.syntax import main as train_syntax

    out = tmp_path / SYNTAX_FILE
    train_syntax(["--data", str(data_path(".")), "--work", str(tmp_path / "work"), "--out", str(out),
                  "--epochs", "1", "--limit", "60", "--hidden", "32", "--layers", "1", "--threads", "1"])
    saved = torch.load(out, weights_only=False)
    assert {"upos", "uas", "las", "entity_f1"} <= set(saved["dev"])
    from claims.extract.tagger import load_pretrain

    _, pretrain = load_pretrain()
    model = SyntaxModel.from_state(saved, pretrain)
    assert "nsubj" in model.deprels and "B-PER" in model.ner_tags
    with pytest.raises(ValueError, match="trained on the vectors of the encoder"):
        torch.save({**saved, "encoder": "another-encoder"}, tmp_path / "other.pt")
        SyntaxAnnotator.load(tmp_path / "other.pt", bundled_model_dir() / "en_claims_pretrain.pt",
                             bundled_model_dir().parent / "attribution" / "encoder.pt")


def test_the_model_version_names_the_shipped_heads():
    """Parses are cached and stored by model version: heads retrained the same day get another one."""
    import hashlib

    manifest = read_manifest(bundled_model_dir())
    digest = hashlib.sha256((bundled_model_dir() / SYNTAX_FILE).read_bytes()).hexdigest()[:8]
    assert manifest["version"].endswith(f"-syntax-{digest}")
