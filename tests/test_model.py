"""The bundled stanza model: shipped as package data, loaded offline, described by `claims model info`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claims.cli import cli
from claims.nlp import ModelError, bundled_model_dir, read_manifest, resolve_model

MAX_BUNDLE_BYTES = 60 * 1024 * 1024


def test_bundle_is_package_data_and_small():
    model_dir = bundled_model_dir()
    manifest = read_manifest(model_dir)
    total = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file())
    assert total <= MAX_BUNDLE_BYTES
    assert set(manifest["files"]) == {"tokenize", "mwt", "pos", "lemma", "depparse", "ner"}
    for entry in manifest["files"].values():
        assert (model_dir / entry["file"]).exists()
    assert (model_dir / "resources.json").exists()


def test_bundled_model_annotates_every_layer(annotate_text):
    article, parsed = annotate_text("The minister told Reuters on Monday that Iran's talks in Geneva will continue.")
    words = [w for s in parsed.sentences for w in s.words]
    assert [article.text[w.start : w.end] for w in words][:2] == ["The", "minister"]
    assert {w.upos for w in words} >= {"DET", "NOUN", "VERB", "PROPN"}
    assert any(w.lemma == "tell" for w in words)
    assert sum(w.deprel == "root" for w in words) == 1
    assert {e.type for e in parsed.entities} & {"ORG", "LOC", "PER", "DATE"}


def test_offsets_point_into_the_article_text(annotate_text):
    text = "  First line.\n\nSecond   paragraph, with spaces. See https://example.com/" + "a" * 300 + " now."
    article, parsed = annotate_text(text)
    for sentence in parsed.sentences:
        for word in sentence.words:
            assert 0 <= word.start < word.end <= len(text)
    long_token = next(w for s in parsed.sentences for w in s.words if w.end - w.start > 100)
    assert article.text[long_token.start : long_token.end].startswith("https://example.com/")


def test_model_info_json_loads_in_plain_stanza(model_spec):
    import stanza

    result = CliRunner().invoke(cli, ["model", "info", "--json"])
    assert result.exit_code == 0, result.output
    details = json.loads(result.output)
    kwargs = details["pipeline_kwargs"]
    assert kwargs["download_method"] is None
    assert details["scores"]["ewt_test_raw_text"]["las"] > 0
    pipeline = stanza.Pipeline(**kwargs)
    doc = pipeline("Officials said the vote was delayed.")
    assert doc.sentences[0].words[1].lemma == "say"


def test_official_model_missing_gives_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="not downloaded"):
        resolve_model("official")


def test_model_path_that_does_not_exist(tmp_path):
    with pytest.raises(ModelError, match="no such model directory"):
        resolve_model(str(tmp_path / "nowhere"))


def test_env_variable_selects_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(ModelError):
        resolve_model()
