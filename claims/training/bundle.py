"""Score the trained models end to end and copy them into the package as the bundled model.

The recipe's last stage (``python -m claims.training.recipe``); not used at run time. Scores, from
the data folder the recipe is given (``--data DIR`` or ``CLAIMS_DATA``):
- UD: the whole pipeline from raw EWT test (and dev) text, scored with stanza's wrapper of the
  CoNLL 2018 scorer (``stanza.models.common.utils.ud_scores``);
- NER: entity-level P/R/F1 per label on the PolNeAR silver dev tags (tokens given), and PER/ORG/LOC
  on GUM test's gold named entities (claims.training.ner).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from claims.nlp import PRETRAIN_NAME, manifest_pipeline_kwargs
from claims.training.ner import NER_LABELS, score_ner_gum, score_ner_silver

# processor -> (model file in the work dir, whether it needs the pretrain)
PROCESSOR_FILES = {
    "tokenize": ("tokenizer", False),
    "mwt": ("mwt", False),
    "pos": ("tagger", True),
    "lemma": ("lemmatizer", False),
    "depparse": ("parser", True),
    "ner": ("nertagger", True),
}


def log(message: str) -> None:
    print(f"[recipe {time.strftime('%H:%M:%S')}] {message}", flush=True)


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
        starts_paragraph = line.startswith(("# newdoc", "# newpar")) or not paragraphs
        if starts_paragraph and (not paragraphs or paragraphs[-1]):
            paragraphs.append([])
        if line.startswith("# text = "):
            paragraphs[-1].append(line[len("# text = ") :])
    return "\n\n".join(" ".join(p) for p in paragraphs if p) + "\n"


def score_ud(pipeline: Any, conllu_path: Path, syntax: Any = None) -> dict[str, float]:
    """CoNLL 2018 scores of the whole pipeline (and syntax heads, if any) from the raw text of a UD file."""
    import io

    import stanza
    from stanza.models.common.utils import ud_scores
    from stanza.utils.conll import CoNLL

    from claims.nlp import process_documents

    raw_text = raw_text_of(conllu_path)
    documents, _ = process_documents(pipeline, [stanza.Document([], text=raw_text)], syntax)
    document = documents[0]
    restore_unknown_tokens(document, raw_text)
    predicted = io.StringIO()
    CoNLL.write_doc2conll(document, predicted)
    predicted.seek(0)
    with open(conllu_path, encoding="utf-8") as gold:
        evaluation = ud_scores(gold, predicted)
    wanted = {"Tokens": "tokens", "Sentences": "sentences", "Words": "words", "UPOS": "upos",
              "XPOS": "xpos", "UFeats": "ufeats", "Lemmas": "lemmas", "UAS": "uas", "LAS": "las"}
    return {name: round(100 * evaluation[key].f1, 2) for key, name in wanted.items()}


def restore_unknown_tokens(document: Any, raw_text: str) -> None:
    """stanza writes over-long tokens (long URLs) as '<UNK>'; put the characters back from the offsets,
    as claims itself does, so the scorer can align the text."""
    for sentence in document.sentences:
        for token in sentence.tokens:
            if token.text == "<UNK>" and token.start_char is not None:
                original = raw_text[token.start_char : token.end_char]
                token.text = original
                for word in token.words:
                    if word.text == "<UNK>":
                        word.text = original


def bundle(work: Path, bundle_dir: Path, short: str, steps: dict[str, int], data: Path,
           note: str = "") -> dict[str, Any]:
    """Copy the models into the package, score the bundled copy on ``data`` (ud/, polnear/), write manifest.json."""
    import stanza
    import torch

    torch.set_num_threads(2)
    files = copy_models(work, bundle_dir, short)
    manifest: dict[str, Any] = {
        "version": f"claims-en-{time.strftime('%Y%m%d')}",
        "processors": ",".join(PROCESSOR_FILES),
        "files": files,
        "trained_with": {"stanza": stanza.__version__, "steps": steps,
                         "data": "UD English EWT + GUM train; PolNeAR CoreNLP silver NER train",
                         "note": note},
    }
    kwargs = manifest_pipeline_kwargs(bundle_dir, manifest)
    pipeline = stanza.Pipeline(**kwargs, logging_level="WARN")
    ud_dir = data / "ud" / "en_ewt"
    scores: dict[str, Any] = {}
    for split in ("test",):  # dev chose the checkpoints; test is the reported figure
        started = time.time()
        scores[f"ewt_{split}_raw_text"] = score_ud(pipeline, ud_dir / f"en_ewt-ud-{split}.conllu")
        log(f"EWT {split} from raw text: {scores[f'ewt_{split}_raw_text']} ({time.time() - started:.0f}s)")
    ner_kwargs = {k: v for k, v in kwargs.items() if not k.startswith(("mwt", "pos", "lemma", "depparse"))}
    ner_kwargs.update(processors="tokenize,ner", tokenize_pretokenized=True)
    ner_pipeline = stanza.Pipeline(**ner_kwargs, logging_level="WARN")
    scores["ner_polnear_silver_dev"] = score_ner_silver(
        ner_pipeline, data / "polnear" / "corenlp-ner" / "dev.bio",
        {kind: label for kind, label in NER_LABELS.items()})
    log(f"NER PolNeAR silver dev: {scores['ner_polnear_silver_dev']}")
    scores["ner_gum_test_named"] = score_ner_gum(
        ner_pipeline, data / "ud" / "en_gum" / "en_gum-ud-test.conllu")
    log(f"NER GUM test, named entities: {scores['ner_gum_test_named']}")
    manifest["scores"] = scores
    for entry in files.values():
        entry["bytes"] = (bundle_dir / entry["file"]).stat().st_size
    manifest["pretrain_bytes"] = (bundle_dir / PRETRAIN_NAME).stat().st_size
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"bundled model written to {bundle_dir}")
    return manifest


# The stanza processors the syntax heads replace (claims.syntax).
REPLACED_BY_SYNTAX = ("pos", "depparse", "ner")


def bundle_syntax(bundle_dir: Path, data: Path, note: str = "") -> dict[str, Any]:
    """Put the syntax heads (``en_claims_syntax.pt``, already in ``bundle_dir``) in the bundle's
    manifest in place of stanza's tagger, parser and NER tagger, drop those files, and score the
    result as ``bundle`` does: EWT test from raw text, NER on the silver dev tags and on GUM test."""
    import stanza
    import torch

    from claims.nlp import ModelSpec, load_syntax, manifest_syntax_files
    from claims.syntax import SYNTAX_FILE

    torch.set_num_threads(2)
    manifest = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
    saved = torch.load(bundle_dir / SYNTAX_FILE, map_location="cpu", weights_only=False)
    replaced = [manifest["files"].pop(processor) for processor in REPLACED_BY_SYNTAX if processor in manifest["files"]]
    # The heads' own digest in the version: parses are cached (and stored with claims) by model
    # version, so heads retrained on the same day must not share one.
    digest = hashlib.sha256((bundle_dir / SYNTAX_FILE).read_bytes()).hexdigest()[:8]
    manifest["version"] = f"claims-en-{time.strftime('%Y%m%d')}-syntax-{digest}"
    manifest["processors"] = ",".join(p for p in manifest["processors"].split(",") if p not in REPLACED_BY_SYNTAX)
    manifest["files"]["syntax"] = {"file": SYNTAX_FILE, "pretrain": PRETRAIN_NAME,
                                   "encoder": "../attribution/encoder.pt", "encoder_version": saved["encoder"]}
    manifest["trained_with"]["syntax"] = {"data": "UD English EWT + GUM train (trees, UPOS); PolNeAR CoreNLP "
                                                  "silver NER train (entities)", "dev": saved["dev"], "note": note}
    kwargs = manifest_pipeline_kwargs(bundle_dir, manifest)
    spec = ModelSpec("bundled", manifest["version"], tuple(sorted(kwargs.items())),
                     manifest_syntax_files(bundle_dir, manifest))
    syntax = load_syntax(spec)
    pipeline = stanza.Pipeline(**kwargs, logging_level="WARN")
    scores: dict[str, Any] = {}
    started = time.time()
    scores["ewt_test_raw_text"] = score_ud(pipeline, data / "ud" / "en_ewt" / "en_ewt-ud-test.conllu", syntax)
    log(f"EWT test from raw text: {scores['ewt_test_raw_text']} ({time.time() - started:.0f}s)")
    given_tokens = stanza.Pipeline(lang="en", dir=kwargs["dir"], processors="tokenize", tokenize_pretokenized=True,
                                   download_method=None, allow_unknown_language=True, logging_level="WARN",
                                   tokenize_model_path=kwargs["tokenize_model_path"])

    def ner_pipeline(token_sentences: list[list[str]]) -> Any:
        document = given_tokens(token_sentences)
        syntax.annotate([document])
        return document

    scores["ner_polnear_silver_dev"] = score_ner_silver(
        ner_pipeline, data / "polnear" / "corenlp-ner" / "dev.bio", dict(NER_LABELS))
    log(f"NER PolNeAR silver dev: {scores['ner_polnear_silver_dev']}")
    scores["ner_gum_test_named"] = score_ner_gum(ner_pipeline, data / "ud" / "en_gum" / "en_gum-ud-test.conllu")
    log(f"NER GUM test, named entities: {scores['ner_gum_test_named']}")
    manifest["scores"] = scores
    for entry in manifest["files"].values():
        entry["bytes"] = (bundle_dir / entry["file"]).stat().st_size
    (bundle_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for entry in replaced:  # only once the new manifest is written: a failed run leaves a working bundle
        (bundle_dir / entry["file"]).unlink(missing_ok=True)
    log(f"manifest with the syntax heads written to {bundle_dir}")
    return manifest
