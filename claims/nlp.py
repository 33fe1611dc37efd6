"""The only module that runs stanza: loads a model once, annotates articles in batches, and says
what model is loaded (``model_info``, for ``claims model info``).

Everything downstream works on the plain data of ``claims.types`` (ParsedArticle), so extraction
can be tested and re-run on cached annotations without loading a model.

Models:
- ``bundled`` (default): the compact English model trained by ``claims.training.recipe`` and shipped in
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
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from claims.types import Article, Entity, ParsedArticle, ParsedSentence, Word

PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
# The bundled model's word vectors (stanza pretrain), which the attribution taggers read too.
PRETRAIN_NAME = "en_claims_pretrain.pt"
MODEL_ENV = "CLAIMS_MODEL"


class ModelError(RuntimeError):
    """The requested model cannot be loaded; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    name: str  # "bundled", "official" or a directory
    version: str  # stored with every claim
    pipeline_kwargs: tuple[tuple[str, Any], ...]  # keyword arguments for stanza.Pipeline
    # (heads, stanza pretrain, context encoder) files when tags, trees and entities come from the
    # syntax heads on the context encoder (claims.syntax) rather than stanza's own processors
    syntax_files: tuple[str, str, str] | None = None

    def kwargs(self) -> dict[str, Any]:
        return dict(self.pipeline_kwargs)


def bundled_model_dir() -> Path:
    return Path(str(resources.files("claims") / "data" / "model"))


def read_manifest(model_dir: Path) -> dict[str, Any]:
    manifest = model_dir / "manifest.json"
    if not manifest.exists():
        raise ModelError(
            f"No model manifest at {manifest}. The bundled model is built by `python -m claims.training.recipe`; "
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
        if processor == "syntax":
            continue  # not a stanza processor: see syntax_files
        kwargs[f"{processor}_model_path"] = str(model_dir / entry["file"])
        if entry.get("pretrain"):
            kwargs[f"{processor}_pretrain_path"] = str(model_dir / entry["pretrain"])
    if "syntax" in manifest["files"]:
        kwargs["lemma_pretagged"] = True  # the syntax heads give the lemmatizer its UPOS
    return kwargs


def manifest_syntax_files(model_dir: Path, manifest: dict[str, Any]) -> tuple[str, str, str] | None:
    """The syntax heads' files of a manifest-described model: heads, pretrain, encoder (or None)."""
    entry = manifest["files"].get("syntax")
    if entry is None:
        return None
    return (str(model_dir / entry["file"]), str(model_dir / entry["pretrain"]),
            str((model_dir / entry["encoder"]).resolve()))


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
        return ModelSpec("official", with_repairs(f"stanza-official-{stanza.__version__}"), tuple(sorted(kwargs.items())))
    model_dir = bundled_model_dir() if name == "bundled" else Path(name)
    if name != "bundled" and not model_dir.is_dir():
        raise ModelError(f"--model {name}: no such model directory; use bundled, official or a directory.")
    if (model_dir / "manifest.json").exists() or name == "bundled":
        manifest = read_manifest(model_dir)
        kwargs = manifest_pipeline_kwargs(model_dir, manifest)
        version = manifest.get("version", "unknown")
        return ModelSpec(name, with_repairs(version), tuple(sorted(kwargs.items())),
                         manifest_syntax_files(model_dir, manifest))
    # A stanza resources folder (as stanza.download writes it).
    kwargs = {"lang": "en", "processors": PROCESSORS, "dir": str(model_dir), "download_method": None,
              "depparse_batch_size": DEPPARSE_BATCH_SIZE}
    return ModelSpec(str(model_dir), with_repairs(f"stanza-dir-{model_dir.name}"), tuple(sorted(kwargs.items())))


def with_repairs(model_version: str) -> str:
    """The version stored with parses: the model's, plus the sentence repairs' (claims.sentence_repair),
    since both decide where sentences end; a change to either re-parses stored articles."""
    from claims.sentence_repair import REPAIRS_VERSION

    return f"{model_version}+{REPAIRS_VERSION}"


def model_info(name: str | None = None) -> dict[str, Any]:
    """What model ``name`` is (``claims model info``): files, sizes, scores, and the stanza.Pipeline
    arguments to load it."""
    spec = resolve_model(name)
    kwargs = spec.kwargs()
    details: dict[str, Any] = {"name": spec.name, "version": spec.version, "pipeline_kwargs": kwargs}
    model_dir = Path(kwargs["dir"])
    if (model_dir / "manifest.json").exists():
        manifest = read_manifest(model_dir)
        details["files"] = manifest["files"]
        details["scores"] = manifest.get("scores", {})
        details["trained_with"] = manifest.get("trained_with", {})
        details["total_bytes"] = sum(p.stat().st_size for p in model_dir.glob("*.pt"))
    return details


class _QuietUnsupportedLanguage(logging.Filter):
    """Drops stanza's "unsupported language: en" warning, and only that one.

    stanza warns because the bundled model's resources.json is empty on purpose (it loads
    offline and has nothing to look up); the warning says nothing a user can act on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Trying to create pipeline for unsupported language")


def _silence_unsupported_language_warning() -> None:
    logger = logging.getLogger("stanza")
    if not any(isinstance(existing, _QuietUnsupportedLanguage) for existing in logger.filters):
        logger.addFilter(_QuietUnsupportedLanguage())


_PATCHING_STANZA = threading.Lock()


@contextmanager
def no_optimizers() -> Iterator[None]:
    """While stanza loads a pipeline, its processors build no optimizer.

    stanza's tokenizer builds an Adam optimizer even when it only predicts, and the first torch
    optimizer a process builds imports ``torch._dynamo``: 1.4 s of a 2.7 s process start, paid
    by every ``claims`` command and every worker. Nothing here trains a loaded pipeline, so it
    has none (``trainer.optimizer`` is None); the training recipe runs stanza's own scripts.
    """
    from stanza.models.common import utils

    with _PATCHING_STANZA:  # two threads loading at once (a Dask worker) must not save each other's stand-in
        build_optimizer = utils.get_optimizer
        utils.get_optimizer = lambda *args, **kwargs: None
        try:
            yield
        finally:
            utils.get_optimizer = build_optimizer


@lru_cache(maxsize=2)
def load_pipeline(spec: ModelSpec) -> Any:
    """Load the stanza pipeline once per process and model."""
    import stanza

    from claims import mst

    logging.getLogger("stanza").setLevel(logging.WARNING)
    _silence_unsupported_language_warning()
    mst.install()  # the parser's trees, found faster (claims/mst.py)
    kwargs = spec.kwargs()
    resources_json = Path(kwargs["dir"]) / "resources.json"
    if not resources_json.exists():
        raise ModelError(f"{resources_json} is missing: stanza needs it to load offline (an empty {{}} will do).")
    try:
        with no_optimizers():
            return stanza.Pipeline(**kwargs, logging_level="WARN")
    except Exception as error:  # stanza raises many kinds; the user needs one message
        raise ModelError(f"Could not load the {spec.name} model: {error}") from error


@lru_cache(maxsize=2)
def load_syntax(spec: ModelSpec) -> Any:
    """The model's syntax heads (claims.syntax.SyntaxAnnotator), loaded once; None when stanza's
    own tagger, parser and NER tagger do that work."""
    if spec.syntax_files is None:
        return None
    from claims.syntax import SyntaxAnnotator

    try:
        return SyntaxAnnotator.load(*spec.syntax_files)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"Could not load the {spec.name} model's syntax heads: {error}") from error


def process_documents(pipeline: Any, documents: list[Any], syntax: Any = None) -> tuple[list[Any], list[list[Any]]]:
    """Run the stanza pipeline over documents, repairing sentence boundaries (claims.sentence_repair)
    between tokenizing and the processors that read whole sentences (tagger, parser, NER).

    With ``syntax`` (load_syntax), stanza tokenizes, splits words and lemmatizes, and the syntax
    heads give UPOS, trees and entities. Returns the documents and, per document, each sentence's
    context-encoder vectors (empty lists without syntax heads), which the attribution taggers reuse.
    """
    from claims.sentence_repair import repair_document

    tokenized = pipeline.bulk_process(documents, processors="tokenize")
    repaired = [repair_document(document) for document in tokenized]
    if syntax is None:
        rest = [name for name in pipeline.processors if name not in ("tokenize", "mwt")]
        return (pipeline.bulk_process(repaired, processors=rest) if rest else repaired), [[] for _ in repaired]
    vectors = syntax.annotate(repaired)  # words are already split: stanza's tokenize step runs mwt
    if "lemma" in pipeline.processors:
        lemmatize(pipeline, repaired)
    return repaired, vectors


# Lemmas a process remembers, by (word, UPOS), before it starts again from none.
MAX_REMEMBERED_LEMMAS = 200_000
_remembered_lemmas: dict[str, dict[tuple[str, str], str]] = {}  # lemmatizer model file -> its lemmas


def lemmatize(pipeline: Any, documents: list[Any]) -> None:
    """Set every word's lemma with the pipeline's lemmatizer, each (word, UPOS) pair lemmatized once
    per process.

    stanza's lemmatizer prepares every word of a document before it looks a word up (1.2 ms a
    sentence, a tenth of an ingest); most words of news recur. Without a contextual lemmatizer a
    lemma depends on the word and its UPOS alone, so the lemmas are the same as stanza's own run
    over the documents (tests/test_nlp.py checks it). A model with a contextual lemmatizer is run
    over the documents as they are.
    """
    import stanza

    processor = pipeline.processors["lemma"]
    if getattr(processor, "trainer", None) is None or processor.trainer.has_contextual_lemmatizers():
        pipeline.bulk_process(documents, processors=["lemma"])
        return
    remembered = _remembered_lemmas.setdefault(str(processor.config.get("model_path")), {})
    words = [word for document in documents for sentence in document.sentences for word in sentence.words]
    new = list(dict.fromkeys((word.text, word.upos) for word in words if (word.text, word.upos) not in remembered))
    if len(remembered) + len(new) > MAX_REMEMBERED_LEMMAS:
        remembered.clear()
        new = list(dict.fromkeys((word.text, word.upos) for word in words))
    if new:
        # The new pairs as runs of words (a lemma reads no context; runs save per-sentence work).
        runs = [new[first : first + 100] for first in range(0, len(new), 100)]
        listed = stanza.Document([[{"id": n + 1, "text": text, "upos": upos} for n, (text, upos) in enumerate(run)]
                                  for run in runs])
        processor.process(listed)
        remembered.update(zip(new, (word.lemma for sentence in listed.sentences for word in sentence.words)))
    for word in words:
        word.lemma = remembered[(word.text, word.upos)]


def convert_document(document: Any, article_text: str, offset: int, model_version: str,
                     vectors: list[Any] | None = None) -> ParsedArticle:
    """stanza Document (of text starting at ``offset`` in the article) -> ParsedArticle, with its
    sentences' context-encoder ``vectors`` when the syntax heads computed them."""
    sentences = []
    context = {}
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
            if vectors:
                context[sentence_index] = vectors[sentence_index]
    entities = [
        Entity(article_text[e.start_char + offset : e.end_char + offset], e.type, e.start_char + offset, e.end_char + offset)
        for e in document.ents
    ]
    return ParsedArticle(sentences=sentences, entities=entities, model_version=model_version, context=context)


# Bounds on what stanza is given at once. The parser's time and memory grow faster than the
# length of a sentence, and a text with no sentence end is one sentence: a 1 MB line had not been
# parsed after 150 s at 2.5 GB. Texts are parsed in pieces of at most MAX_PIECE_CHARS characters,
# cut between paragraphs (which stanza parses independently anyway, so normal articles come out
# exactly as when parsed whole). Only a paragraph over that size, or with a run of more than
# MAX_RUN_WORDS words and no sentence end (800 such words took 6 s and 2 GB to parse; 200 take
# half a second), is cut inside: at a sentence end where it can be, and the cut is noted.
MAX_PIECE_CHARS = 5000
MAX_RUN_WORDS = 200
# And on one article: a body past MAX_PARSED_CHARS is parsed up to there (whole pieces) and the rest
# holds no claims, which the article's notes say. 200,000 characters is nine times the longest
# PolNeAR article; parsing that much takes about a minute of ordinary prose on 2 cores, and about
# five of run-on text cut every 200 words (100 KB of it took 316 s on a busy 2-core machine).
MAX_PARSED_CHARS = 200_000

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # how stanza's tokenizer splits paragraphs
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of ``text``'s paragraphs, each with the blank lines after it; together they cover it."""
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _words_end(text: str, start: int, end: int, max_words: int) -> int:
    """``end``, or earlier: where the word after the first ``max_words`` of ``text[start:end]`` begins."""
    for count, match in enumerate(_WORD.finditer(text, start, end)):
        if count == max_words:
            return match.start()
    return end


def _overlong(text: str, start: int, end: int, limit: int, max_words: int) -> bool:
    """True when ``text[start:end]`` is over ``limit`` characters or has a run of more than
    ``max_words`` words with no sentence end."""
    if end - start > limit:
        return True
    run_start = start
    for match in [*_SENTENCE_END.finditer(text, start, end), None]:
        run_end = match.end() if match else end
        if _words_end(text, run_start, run_end, max_words) < run_end:
            return True
        run_start = run_end
    return False


def _cut_paragraph(text: str, start: int, end: int, limit: int, max_words: int) -> tuple[list[tuple[int, int]], list[str]]:
    """An overlong paragraph cut into pieces of at most ``limit`` characters: at the last
    sentence-like end that fits, else (or when the words since the last sentence end are more than
    ``max_words``) after whitespace, else hard at the limit. Also says how each cut was made."""
    pieces: list[tuple[int, int]] = []
    cuts: list[str] = []
    position = start
    # _overlong is only asked once the rest fits in a piece: asking it of the whole rest each time
    # would be quadratic in the paragraph's length.
    while end - position > limit or _overlong(text, position, end, limit, max_words):
        window = min(end, position + limit)
        cut, how = 0, "hard"
        for match in _SENTENCE_END.finditer(text, position, window):
            if _words_end(text, cut or position, match.end(), max_words) < match.end():
                break  # the run before this sentence end is too long: cut inside it
            cut, how = match.end(), "sentence"
        if not cut:
            run_end = _words_end(text, position, window, max_words)
            for match in _WHITESPACE.finditer(text, position, run_end):
                cut, how = match.end(), "space"
            if run_end < window and run_end > position:
                cut, how = run_end, "space"  # the word after the run's last allowed word
        if cut <= position:
            cut, how = window, "hard"
        pieces.append((position, cut))
        cuts.append(how)
        position = cut
    pieces.append((position, end))
    return pieces, cuts


def split_pieces(
    text: str, limit: int | None = None, max_words: int | None = None
) -> tuple[list[tuple[int, int]], list[str]]:
    """Cut ``text`` into contiguous spans of at most ``limit`` characters.

    Whole paragraphs are packed into each piece; a paragraph over ``limit`` characters or with a
    run of more than ``max_words`` words and no sentence end is cut inside (``_cut_paragraph``).
    Returns the spans and, for each cut made inside a paragraph, how it was made ("sentence",
    "space" or "hard"); no such cuts means the text was only cut between paragraphs, or not at all.
    """
    limit = MAX_PIECE_CHARS if limit is None else limit
    max_words = MAX_RUN_WORDS if max_words is None else max_words
    pieces: list[tuple[int, int]] = []
    cuts: list[str] = []
    piece_start = piece_end = 0
    for start, end in _paragraphs(text):
        if _overlong(text, start, end, limit, max_words):
            if piece_end > piece_start:
                pieces.append((piece_start, piece_end))
            inside, how = _cut_paragraph(text, start, end, limit, max_words)
            pieces.extend(inside)
            cuts.extend(how)
            piece_start = piece_end = end
        elif end - piece_start > limit:
            pieces.append((piece_start, piece_end))
            piece_start, piece_end = start, end
        else:
            piece_end = end
    if piece_end > piece_start or not pieces:
        pieces.append((piece_start, piece_end))
    return pieces, cuts


def _cut_note(text: str, cuts: list[str], limit: int, max_words: int) -> str | None:
    """What a user should know about the cuts made inside paragraphs, or None when there were none."""
    if not cuts:
        return None
    long = [(start, end) for start, end in _paragraphs(text) if _overlong(text, start, end, limit, max_words)]
    longest = max((len(text[start:end].rstrip("\r\n")) for start, end in long), default=0)
    what = (f"a paragraph of {longest:,} characters" if len(long) == 1
            else f"{len(long):,} paragraphs (the longest {longest:,} characters)")
    kinds = {"sentence": "at sentence ends", "space": "at spaces", "hard": "inside words"}
    how = ", ".join(f"{cuts.count(kind):,} {label}" for kind, label in kinds.items() if cuts.count(kind))
    no_end = "" if "sentence" in cuts else " with no sentence end"
    return (
        f"{what}{no_end} was cut into pieces of at most {limit:,} characters, and runs of at most {max_words:,} "
        f"words without a sentence end, before parsing ({len(cuts):,} cuts: {how}); a sentence may be split "
        "where it was cut"
    )


def annotate(articles: Iterable[Article], spec: ModelSpec | None = None, batch_size: int = 16) -> list[ParsedArticle]:
    """Annotate the body of each article; offsets point into the whole article text.

    Each body is parsed in pieces bounded by ``MAX_PIECE_CHARS`` and ``MAX_RUN_WORDS``
    (``split_pieces``), ``batch_size`` pieces at a time, so time and memory per article stay
    bounded; sentence indexes run 0..n-1 across the pieces.
    """
    import stanza

    spec = spec or resolve_model()
    pipeline = load_pipeline(spec)
    syntax = load_syntax(spec)
    articles = list(articles)
    results: list[ParsedArticle] = []
    for first in range(0, len(articles), batch_size):
        batch = articles[first : first + batch_size]
        # (article number in the batch, offset of the piece in the article text, piece text)
        pieces: list[tuple[int, int, str]] = []
        notes: list[list[str]] = []
        for number, article in enumerate(batch):
            body = article.text[article.body_start : article.body_end]
            spans, cuts = split_pieces(body)
            note = _cut_note(body, cuts, MAX_PIECE_CHARS, MAX_RUN_WORDS)
            notes.append([note] if note else [])
            spans, left_out = _within_parse_limit(spans)
            if left_out:
                notes[-1].append(
                    f"only the first {spans[-1][1]:,} characters of the {len(body):,}-character body were parsed "
                    f"(at most {MAX_PARSED_CHARS:,} are, to bound the time one article takes); the last "
                    f"{left_out:,} characters hold no claims"
                )
            pieces.extend((number, article.body_start + start, body[start:end]) for start, end in spans)
        parsed: list[list[ParsedArticle]] = [[] for _ in batch]
        for chunk in range(0, len(pieces), batch_size):
            group = pieces[chunk : chunk + batch_size]
            documents, vectors = process_documents(pipeline, [stanza.Document([], text=piece) for _, _, piece in group],
                                                   syntax)
            for (number, offset, _), document, document_vectors in zip(group, documents, vectors):
                parsed[number].append(convert_document(document, batch[number].text, offset, spec.version,
                                                       document_vectors))
        for number, parts in enumerate(parsed):
            results.append(_join(parts, notes[number], spec.version))
    return results


def _within_parse_limit(spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """The pieces that end within ``MAX_PARSED_CHARS`` (at least one), and how many characters are left out."""
    kept = [span for span in spans if span[1] <= MAX_PARSED_CHARS] or spans[:1]
    return kept, spans[-1][1] - kept[-1][1]


def _join(parts: list[ParsedArticle], notes: list[str], model_version: str) -> ParsedArticle:
    """One ParsedArticle from the parses of an article's pieces, sentence indexes running on."""
    if len(parts) == 1:
        parts[0].notes = notes
        return parts[0]
    sentences: list[ParsedSentence] = []
    entities: list[Entity] = []
    context = {}
    for part in parts:
        for sentence in part.sentences:
            if sentence.index in part.context:
                context[len(sentences)] = part.context[sentence.index]
            sentence.index = len(sentences)
            sentences.append(sentence)
        entities.extend(part.entities)
    return ParsedArticle(sentences=sentences, entities=entities, model_version=model_version, notes=notes,
                         context=context)
