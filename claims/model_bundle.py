"""Score the trained models end to end and copy them into the package as the bundled model.

Part of the recipe (``python -m claims.recipe``); not used at run time. Scores:
- UD: the whole pipeline from raw EWT test (and dev) text, scored with stanza's wrapper of the
  CoNLL 2018 scorer (``stanza.models.common.utils.ud_scores``);
- NER: entity-level P/R/F1 per label on the PolNeAR silver dev tags (tokens given).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from claims.recipe import SHARED, log

# processor -> (model file in the work dir, whether it needs the pretrain)
PROCESSOR_FILES = {
    "tokenize": ("tokenizer", False),
    "mwt": ("mwt", False),
    "pos": ("tagger", True),
    "lemma": ("lemmatizer", False),
    "depparse": ("parser", True),
    "ner": ("nertagger", True),
}
PRETRAIN_NAME = "en_claims_pretrain.pt"


def to_half(obj: Any) -> Any:
    """fp32 tensors -> fp16 (the models are loaded back into fp32 parameters)."""
    import torch

    if isinstance(obj, torch.Tensor):
        return obj.half() if obj.dtype == torch.float32 else obj
    if isinstance(obj, dict):
        return {key: to_half(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [to_half(value) for value in obj]
    return obj


def copy_models(work: Path, bundle_dir: Path, short: str) -> dict[str, dict[str, Any]]:
    import torch

    bundle_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    shutil.copy(work / "pretrain" / "en_claims.pt", bundle_dir / PRETRAIN_NAME)  # stays fp32
    for processor, (kind, needs_pretrain) in PROCESSOR_FILES.items():
        source = work / "models" / kind / f"{short}_{kind}.pt"
        target = bundle_dir / f"en_claims_{kind}.pt"
        state = torch.load(source, map_location="cpu", weights_only=False)
        torch.save(to_half(state), target)
        files[processor] = {"file": target.name}
        if needs_pretrain:
            files[processor]["pretrain"] = PRETRAIN_NAME
    (bundle_dir / "resources.json").write_text("{}\n", encoding="utf-8")
    return files


def raw_text_of(conllu_path: Path) -> str:
    """The raw text of a UD file: '# text' lines, paragraphs and documents separated by blank lines."""
    paragraphs: list[list[str]] = []
    for line in conllu_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc") or line.startswith("# newpar") or not paragraphs:
            if not paragraphs or paragraphs[-1]:
                paragraphs.append([])
        if line.startswith("# text = "):
            paragraphs[-1].append(line[len("# text = ") :])
    return "\n\n".join(" ".join(p) for p in paragraphs if p) + "\n"


def score_ud(pipeline: Any, conllu_path: Path) -> dict[str, float]:
    import io

    from stanza.models.common.utils import ud_scores
    from stanza.utils.conll import CoNLL

    document = pipeline(raw_text_of(conllu_path))
    predicted = io.StringIO()
    CoNLL.write_doc2conll(document, predicted)
    predicted.seek(0)
    with open(conllu_path, encoding="utf-8") as gold:
        evaluation = ud_scores(gold, predicted)
    wanted = {"Tokens": "tokens", "Sentences": "sentences", "Words": "words", "UPOS": "upos",
              "XPOS": "xpos", "UFeats": "ufeats", "Lemmas": "lemmas", "UAS": "uas", "LAS": "las"}
    return {name: round(100 * evaluation[key].f1, 2) for key, name in wanted.items()}


def read_bio(path: Path) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
        else:
            word, _, tag = line.partition("\t")
            current.append((word, tag))
    if current:
        sentences.append(current)
    return sentences


def bio_entities(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, label) spans from BIO or BIOES tags."""
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or kind != label):
            spans.add((start, i, label))
            start, label = None, None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, label = i, kind
        if prefix in ("E", "S") and start is not None:
            spans.add((start, i + 1, label))
            start, label = None, None
    return spans


def score_ner_silver(ner_pipeline: Any, bio_path: Path, labels: dict[str, str]) -> dict[str, Any]:
    """Entity-level P/R/F1 per label against silver BIO tags, on the given tokenization."""
    sentences = read_bio(bio_path)
    document = ner_pipeline([[word for word, _ in sentence] for sentence in sentences])
    counts: dict[str, list[int]] = {}
    for sentence, predicted in zip(sentences, document.sentences):
        gold_tags = []
        for _, tag in sentence:
            prefix, _, kind = tag.partition("-")
            gold_tags.append(f"{prefix}-{labels[kind]}" if kind in labels else "O")
        gold = bio_entities(gold_tags)
        pred = bio_entities([token.ner for token in predicted.tokens])
        for label in {span[2] for span in gold | pred}:
            g = {s for s in gold if s[2] == label}
            p = {s for s in pred if s[2] == label}
            tp, fp, fn = counts.setdefault(label, [0, 0, 0])
            counts[label] = [tp + len(g & p), fp + len(p - g), fn + len(g - p)]
    scores: dict[str, Any] = {}
    total = [0, 0, 0]
    for label, (tp, fp, fn) in sorted(counts.items()):
        scores[label] = prf(tp, fp, fn)
        if label in ("PER", "ORG", "LOC"):
            total = [total[0] + tp, total[1] + fp, total[2] + fn]
    scores["PER+ORG+LOC"] = prf(*total)
    return scores


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f1": round(100 * f, 2), "support": tp + fn}


def bundle(work: Path, bundle_dir: Path, short: str, steps: dict[str, int]) -> dict[str, Any]:
    """Copy the models into the package, score the bundled copy, write manifest.json."""
    import stanza

    from claims.nlp import manifest_pipeline_kwargs
    from claims.recipe import NER_LABELS

    files = copy_models(work, bundle_dir, short)
    manifest: dict[str, Any] = {
        "version": f"claims-en-{time.strftime('%Y%m%d')}",
        "processors": ",".join(PROCESSOR_FILES),
        "files": files,
        "trained_with": {"stanza": stanza.__version__, "steps": steps,
                         "data": "UD English EWT + GUM train; PolNeAR CoreNLP silver NER train"},
    }
    kwargs = manifest_pipeline_kwargs(bundle_dir, manifest)
    pipeline = stanza.Pipeline(**kwargs, logging_level="WARN")
    ud_dir = SHARED / "data" / "ud" / "en_ewt"
    scores: dict[str, Any] = {}
    for split in ("dev", "test"):
        started = time.time()
        scores[f"ewt_{split}_raw_text"] = score_ud(pipeline, ud_dir / f"en_ewt-ud-{split}.conllu")
        log(f"EWT {split} from raw text: {scores[f'ewt_{split}_raw_text']} ({time.time() - started:.0f}s)")
    ner_kwargs = {k: v for k, v in kwargs.items() if not k.startswith(("mwt", "pos", "lemma", "depparse"))}
    ner_kwargs.update(processors="tokenize,ner", tokenize_pretokenized=True)
    ner_pipeline = stanza.Pipeline(**ner_kwargs, logging_level="WARN")
    scores["ner_polnear_silver_dev"] = score_ner_silver(
        ner_pipeline, SHARED / "data" / "polnear" / "corenlp-ner" / "dev.bio",
        {kind: label for kind, label in NER_LABELS.items()})
    log(f"NER PolNeAR silver dev: {scores['ner_polnear_silver_dev']}")
    manifest["scores"] = scores
    for entry in files.values():
        entry["bytes"] = (bundle_dir / entry["file"]).stat().st_size
    manifest["pretrain_bytes"] = (bundle_dir / PRETRAIN_NAME).stat().st_size
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"bundled model written to {bundle_dir}")
    return manifest
