"""claims.nlp: the bundled stanza model (shipped as package data, loaded offline, described by `claims model info`)
and annotation in pieces."""

from __future__ import annotations

import json
import subprocess
import sys

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
    assert set(manifest["files"]) == {"tokenize", "mwt", "lemma", "syntax"}
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


# --- bounded NLP input (issue 11, finding 10) and stanza's warning (finding 14) ------------------


def test_split_pieces_keeps_short_text_whole():
    from claims.nlp import split_pieces

    assert split_pieces("Short text.\n\nTwo paragraphs.", limit=100) == ([(0, 28)], [])


def test_split_pieces_cuts_at_paragraphs_then_sentences_then_spaces_then_hard():
    from claims.nlp import split_pieces

    paragraph = "One sentence here. Another one there.\n\n"  # 39 characters
    text = paragraph * 3
    pieces, cuts = split_pieces(text, limit=80)
    assert pieces == [(0, 78), (78, 117)] and cuts == []  # two paragraphs fit, the third goes alone
    pieces, cuts = split_pieces("A long sentence. " * 10, limit=40)  # one paragraph of 170
    assert all(end - start <= 40 for start, end in pieces)
    assert pieces[0] == (0, 34) and cuts[0] == "sentence"  # after "sentence. A long sentence. "
    pieces, cuts = split_pieces("word " * 30, limit=42)
    assert pieces[0] == (0, 40) and set(cuts) == {"space"}
    pieces, cuts = split_pieces("x" * 100, limit=42)
    assert pieces == [(0, 42), (42, 84), (84, 100)] and cuts == ["hard", "hard"]
    for text, limit in ((paragraph * 3, 80), ("word " * 30, 42), ("x" * 100, 42)):
        pieces, _ = split_pieces(text, limit=limit)
        assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))  # contiguous: no character lost


def test_split_pieces_bounds_runs_of_words_without_a_sentence_end():
    from claims.nlp import split_pieces

    pieces, cuts = split_pieces("a " * 100, limit=1000, max_words=30)
    assert len(pieces) == 4 and all(len(("a " * 100)[s:e].split()) <= 30 for s, e in pieces)
    assert cuts == ["space"] * 3
    prose = "Short words here. " * 20  # 60 words, but never more than 3 without a sentence end
    assert split_pieces(prose, limit=1000, max_words=30) == ([(0, len(prose))], [])
    mixed = "Short words here. " * 3 + "b " * 40 + "End."
    pieces, cuts = split_pieces(mixed, limit=1000, max_words=30)
    assert cuts[0] == "sentence" and all(len(mixed[s:e].split()) <= 30 for s, e in pieces)


def test_overlong_line_is_parsed_in_pieces_and_noted(annotate_text, monkeypatch):
    import claims.nlp as nlp

    monkeypatch.setattr(nlp, "MAX_PIECE_CHARS", 300)
    text = "Title line\n\n" + "the minister and the mayor spoke at length about roads " * 30 + "\n"
    article, parsed = annotate_text(text)
    assert [s.index for s in parsed.sentences] == list(range(len(parsed.sentences)))
    assert all(s.end - s.start <= 300 for s in parsed.sentences)
    for sentence in parsed.sentences:
        for word in sentence.words:
            assert text[word.start : word.end] == word.text
    covered = "".join(text[w.start : w.end] for s in parsed.sentences for w in s.words)
    assert covered == "".join(text.split())  # every word of the text parsed once
    assert len(parsed.notes) == 1 and "cut into" in parsed.notes[0] and "1,650 characters" in parsed.notes[0]


def test_a_body_past_the_parse_limit_is_parsed_up_to_it_and_noted(annotate_text, monkeypatch):
    import claims.nlp as nlp

    monkeypatch.setattr(nlp, "MAX_PIECE_CHARS", 200)
    monkeypatch.setattr(nlp, "MAX_PARSED_CHARS", 600)
    paragraph = "The mayor said the bridge would reopen in May. Officials disagreed about the date.\n\n"
    text = "Title line\n\n" + paragraph * 20
    article, parsed = annotate_text(text)
    last_end = max(s.end for s in parsed.sentences)
    assert 400 < last_end - article.body_start <= 600  # whole pieces, up to the limit
    (note,) = parsed.notes
    assert f"of the {len(text) - article.body_start:,}-character body were parsed" in note
    assert "hold no claims" in note


def test_long_article_split_at_paragraphs_is_annotated_as_a_whole(annotate_text, monkeypatch):
    import claims.nlp as nlp

    text = "\n\n".join(
        f"Paragraph {n}: the spokesman said on Monday that talks in Geneva would go on. Critics disagreed." for n in range(6)
    )
    _, whole = annotate_text(text)
    monkeypatch.setattr(nlp, "MAX_PIECE_CHARS", 250)
    _, pieces = annotate_text(text)
    assert pieces.sentences == whole.sentences and pieces.entities == whole.entities
    assert pieces.notes == []  # cutting between paragraphs changes nothing a user should know


def test_stanza_unsupported_language_warning_is_silenced(model_spec):
    import logging

    logger = logging.getLogger("stanza")

    def record(message, *args):
        return logger.makeRecord("stanza", logging.WARNING, __file__, 1, message, args, None)

    assert not logger.filter(record("Trying to create pipeline for unsupported language: %s", "en"))
    assert logger.filter(record("Some other warning: %s", "x"))


def test_remembered_lemmas_are_stanzas_own(model_spec):
    """claims.nlp.lemmatize lemmatizes each (word, UPOS) once per process; the lemmas equal those of
    stanza's lemmatizer run over the documents, also when the memory fills up and starts again."""
    import stanza

    import claims.nlp as nlp

    pipeline, syntax = nlp.load_pipeline(model_spec), nlp.load_syntax(model_spec)
    texts = ["The geese were seen flying over Koseoglu's house; officials said they had been counted.",
             "She says the counts differ. \"We don't know,\" the mayors told reporters, who were writing."]

    def annotated():
        documents = pipeline.bulk_process([stanza.Document([], text=text) for text in texts], processors="tokenize")
        syntax.annotate(documents)
        return documents

    theirs = pipeline.bulk_process(annotated(), processors=["lemma"])
    expected = [w.lemma for d in theirs for s in d.sentences for w in s.words]
    for limit in (nlp.MAX_REMEMBERED_LEMMAS, 5):
        nlp._remembered_lemmas.clear()
        old_limit, nlp.MAX_REMEMBERED_LEMMAS = nlp.MAX_REMEMBERED_LEMMAS, limit
        try:
            for _ in range(2):  # the second time from memory
                ours = annotated()
                nlp.lemmatize(pipeline, ours)
                assert [w.lemma for d in ours for s in d.sentences for w in s.words] == expected
        finally:
            nlp.MAX_REMEMBERED_LEMMAS = old_limit
    assert {"say", "official", "count", "mayor"} <= set(expected)


def test_a_loaded_pipeline_builds_no_optimizer_and_leaves_torch_dynamo_unloaded(tmp_path):
    # A torch optimizer imports torch._dynamo, 1.4 s of every process start; nothing at run time trains.
    script = (
        "import sys\n"
        "from claims.nlp import annotate, load_pipeline, resolve_model\n"
        "from claims.types import Article\n"
        "spec = resolve_model()\n"
        "pipeline = load_pipeline(spec)\n"
        "(parsed,) = annotate([Article(text='The minister said on Monday that taxes would rise.', source='a', format='txt')], spec)\n"
        "assert parsed.sentences and parsed.sentences[0].words\n"
        "print(pipeline.processors['tokenize'].trainer.optimizer, 'torch._dynamo' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "False"]


def test_stanzas_optimizer_builder_is_back_after_loading(model_spec):
    from stanza.models.common import utils

    from claims.nlp import load_pipeline, no_optimizers

    before = utils.get_optimizer
    with no_optimizers():
        assert utils.get_optimizer is not before
    assert utils.get_optimizer is before
    load_pipeline(model_spec)
    assert utils.get_optimizer is before
