"""The only module that runs stanza: loads a model once, annotates articles in batches.

Everything downstream works on the plain data of ``claims.types`` (ParsedArticle), so extraction
can be tested and re-run on cached annotations without loading a model.

Models:
- ``bundled`` (default): the compact English model trained by ``claims.recipe`` and shipped in
  ``claims/data/model``; loaded offline.
- ``official``: stanza's official English models, which must already be downloaded
  (``stanza.download("en")`` where the network allows).
- a path: any stanza model directory laid out like the bundled one (a ``manifest.json``) or like
  stanza's own resources folder.
The environment variable ``CLAIMS_MODEL`` sets the default.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from claims.types import Article, Entity, ParsedArticle, ParsedSentence, Word

PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
MODEL_ENV = "CLAIMS_MODEL"


class ModelError(RuntimeError):
    """The requested model cannot be loaded; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    name: str  # "bundled", "official" or a directory
    version: str  # stored with every claim
    pipeline_kwargs: tuple[tuple[str, Any], ...]  # keyword arguments for stanza.Pipeline

    def kwargs(self) -> dict[str, Any]:
        return dict(self.pipeline_kwargs)


def bundled_model_dir() -> Path:
    return Path(str(resources.files("claims") / "data" / "model"))


def read_manifest(model_dir: Path) -> dict[str, Any]:
    manifest = model_dir / "manifest.json"
    if not manifest.exists():
        raise ModelError(
            f"No model manifest at {manifest}. The bundled model is built by `python -m claims.recipe`; "
            "or choose another with --model official|PATH."
        )
    return json.loads(manifest.read_text(encoding="utf-8"))


# Words per dependency-parser batch. stanza's default (5000) made the parser's score tensors the
# largest allocation: annotating 24 PolNeAR dev articles peaked at 2,346 MB of RSS; with 1000 it
# peaks at 894 MB and runs no slower (benchmarks/bench_ingest.py has the whole-corpus figures).
DEPPARSE_BATCH_SIZE = 1000


def manifest_pipeline_kwargs(model_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments that load a manifest-described model with stanza.Pipeline."""
    kwargs: dict[str, Any] = {
        "lang": "en",
        "processors": manifest.get("processors", PROCESSORS),
        "dir": str(model_dir),
        "download_method": None,
        "allow_unknown_language": True,  # the bundle's resources.json is empty: nothing to look up
        "depparse_batch_size": DEPPARSE_BATCH_SIZE,
    }
    for processor, entry in manifest["files"].items():
        kwargs[f"{processor}_model_path"] = str(model_dir / entry["file"])
        if entry.get("pretrain"):
            kwargs[f"{processor}_pretrain_path"] = str(model_dir / entry["pretrain"])
    return kwargs


def resolve_model(name: str | None = None) -> ModelSpec:
    """Turn ``bundled`` / ``official`` / a path (default: $CLAIMS_MODEL or bundled) into a ModelSpec."""
    name = name or os.environ.get(MODEL_ENV) or "bundled"
    if name == "official":
        import stanza

        stanza_dir = Path(os.environ.get("STANZA_RESOURCES_DIR", Path.home() / "stanza_resources"))
        if not (stanza_dir / "en").is_dir():
            raise ModelError(
                f"stanza's official English models are not downloaded (looked in {stanza_dir}/en). "
                'Where the network allows, run: python -c "import stanza; stanza.download(\'en\')"; '
                "or use the bundled model (--model bundled)."
            )
        kwargs = {"lang": "en", "processors": PROCESSORS, "dir": str(stanza_dir), "download_method": None,
                  "depparse_batch_size": DEPPARSE_BATCH_SIZE}
        return ModelSpec("official", f"stanza-official-{stanza.__version__}", tuple(sorted(kwargs.items())))
    model_dir = bundled_model_dir() if name == "bundled" else Path(name)
    if name != "bundled" and not model_dir.is_dir():
        raise ModelError(f"--model {name}: no such model directory; use bundled, official or a directory.")
    if (model_dir / "manifest.json").exists() or name == "bundled":
        manifest = read_manifest(model_dir)
        kwargs = manifest_pipeline_kwargs(model_dir, manifest)
        version = manifest.get("version", "unknown")
        return ModelSpec(name, version, tuple(sorted(kwargs.items())))
    # A stanza resources folder (as stanza.download writes it).
    kwargs = {"lang": "en", "processors": PROCESSORS, "dir": str(model_dir), "download_method": None,
              "depparse_batch_size": DEPPARSE_BATCH_SIZE}
    return ModelSpec(str(model_dir), f"stanza-dir-{model_dir.name}", tuple(sorted(kwargs.items())))


@lru_cache(maxsize=2)
def load_pipeline(spec: ModelSpec) -> Any:
    """Load the stanza pipeline once per process and model."""
    import stanza

    logging.getLogger("stanza").setLevel(logging.WARNING)
    kwargs = spec.kwargs()
    resources_json = Path(kwargs["dir"]) / "resources.json"
    if not resources_json.exists():
        raise ModelError(f"{resources_json} is missing: stanza needs it to load offline (an empty {{}} will do).")
    try:
        return stanza.Pipeline(**kwargs, logging_level="WARN")
    except Exception as error:  # stanza raises many kinds; the user needs one message
        raise ModelError(f"Could not load the {spec.name} model: {error}") from error


def convert_document(document: Any, article_text: str, offset: int, model_version: str) -> ParsedArticle:
    """stanza Document (of text starting at ``offset`` in the article) -> ParsedArticle."""
    sentences = []
    for sentence_index, sentence in enumerate(document.sentences):
        words = []
        for token in sentence.tokens:
            start, end = token.start_char + offset, token.end_char + offset
            for word in token.words:
                words.append(
                    Word(
                        index=word.id,
                        text=article_text[start:end] if len(token.words) == 1 else word.text,
                        lemma=word.lemma or word.text,
                        upos=word.upos or "X",
                        xpos=word.xpos or "",
                        feats=word.feats or "",
                        head=word.head or 0,
                        deprel=word.deprel or "dep",
                        start=start,
                        end=end,
                        ner=token.ner or "O",
                    )
                )
        if words:
            sentences.append(ParsedSentence(sentence_index, words[0].start, words[-1].end, words))
    entities = [
        Entity(article_text[e.start_char + offset : e.end_char + offset], e.type, e.start_char + offset, e.end_char + offset)
        for e in document.ents
    ]
    return ParsedArticle(sentences=sentences, entities=entities, model_version=model_version)


def annotate(articles: Iterable[Article], spec: ModelSpec | None = None, batch_size: int = 16) -> list[ParsedArticle]:
    """Annotate the body of each article; offsets point into the whole article text."""
    import stanza

    spec = spec or resolve_model()
    pipeline = load_pipeline(spec)
    articles = list(articles)
    results: list[ParsedArticle] = []
    for first in range(0, len(articles), batch_size):
        batch = articles[first : first + batch_size]
        documents = [stanza.Document([], text=a.text[a.body_start : a.body_end]) for a in batch]
        documents = pipeline.bulk_process(documents)
        for article, document in zip(batch, documents):
            results.append(convert_document(document, article.text, article.body_start, spec.version))
    return results
