"""Training examples from PolNeAR gold (claims.training.examples): gold spans become cue and role tags."""

from __future__ import annotations

from data_paths import data_path, needs_data

from claims.evaluate.gold import GoldAttribution, GoldDoc
from claims.extract.features import Vocabularies
from claims.extract.tagger import load_pretrain, spans_from_tags
from claims.extract.view import ArticleView
from claims.training.examples import CUE_TAGS, ROLE_TAGS, gold_examples


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


@needs_data("polnear/train")
def test_training_with_the_context_encoder_writes_taggers_that_read_it(tmp_path):
    import shutil

    import torch

    from claims.extract.learned import ENCODER_FILE, AttributionModel
    from claims.training.train import main as train

    out = tmp_path / "attribution.pt"
    args = ["--train-dir", str(data_path("polnear/train")), "--cache", str(tmp_path / "cache"), "--limit", "3",
            "--epochs", "1", "--minutes", "5", "--threads", "1", "--out", str(out), "--encoder", str(ENCODER_FILE)]
    train(args)
    saved = torch.load(out, weights_only=False)
    encoder_version = torch.load(ENCODER_FILE, weights_only=False)["version"]
    assert saved["encoder"] == encoder_version
    cached = list((tmp_path / "cache" / "context").glob("*/*.pt"))
    assert len(cached) == 3  # one file of vectors per article, reused by the next run
    shutil.copy(ENCODER_FILE, tmp_path / "encoder.pt")
    model = AttributionModel.load(out)
    assert model.encoder is not None and model.cue.context is not None and model.role.context is not None


@needs_data("polnear/train")
def test_fine_tuning_writes_an_encoder_and_taggers_that_load_together(tmp_path):
    import torch

    from claims.extract.learned import AttributionModel
    from claims.training.finetune import main as finetune

    out = tmp_path / "finetuned"
    finetune(["--train-dir", str(data_path("polnear/train")), "--cache", str(tmp_path / "cache"), "--limit", "2",
              "--epochs", "1", "--threads", "1", "--out-dir", str(out)])
    encoder = torch.load(out / "encoder.pt", weights_only=False)
    taggers = torch.load(out / "attribution.pt", weights_only=False)
    assert taggers["encoder"] == encoder["version"] and "finetuned" in encoder["version"]
    assert (out / "checkpoint.pt").exists()  # --resume goes on from here
    model = AttributionModel.load(out / "attribution.pt")
    assert model.encoder is not None and model.encoder.version == encoder["version"]


@needs_data("polnear/train")
def test_an_average_of_taggers_distils_into_one_pair_that_loads(tmp_path):
    import shutil

    import torch

    from claims.extract.learned import ENCODER_FILE, MODEL_FILE, AttributionModel
    from claims.extract.tagger import Tagger, TaggerAverage
    from claims.training.average import main as average
    from claims.training.distil import main as distil

    shutil.copy(ENCODER_FILE, tmp_path / "encoder.pt")
    teacher = tmp_path / "average.pt"
    average([str(MODEL_FILE), str(MODEL_FILE), "--out", str(teacher)])
    averaged = AttributionModel.load(teacher)
    assert isinstance(averaged.cue, TaggerAverage) and len(averaged.role.members) == 2
    student = tmp_path / "attribution.pt"
    distil(["--train-dir", str(data_path("polnear/train")), "--cache", str(tmp_path / "cache"), "--limit", "3",
            "--epochs", "1", "--teacher", str(teacher), "--out", str(student)])
    saved = torch.load(student, weights_only=False)
    assert saved["training"]["distilled"]["role"]["epochs_run"] == 1
    model = AttributionModel.load(student)
    assert isinstance(model.cue, Tagger) and isinstance(model.role, Tagger)  # one pair: the cost of one


def test_models_with_different_vocabularies_are_not_averaged():
    import pytest

    from claims.training.average import average

    with pytest.raises(ValueError, match="lemma"):
        average([{"lemmas": {"say": 1}, "encoder": "e", "cue": {}, "role": {}},
                 {"lemmas": {"tell": 1}, "encoder": "e", "cue": {}, "role": {}}])
    with pytest.raises(ValueError, match="encoders"):
        average([{"lemmas": {}, "encoder": "e1", "cue": {}, "role": {}},
                 {"lemmas": {}, "encoder": "e2", "cue": {}, "role": {}}])
