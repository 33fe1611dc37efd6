"""Extraction from files, without a database: ``claims extract``, ``claims eval`` and ``claims.extract()``.

Files are read (claims.readers) and annotated (claims.nlp) in batches, and each article's
extraction is written as records:
- ``claim_record``: one claim as a flat JSON-ready dict (``claims extract``, JSON lines);
- ``attribution_record``: one attribution in the evaluation format (``claims extract --format
  spans``, one ``<stem>.json`` per article; what claims.evaluate reads).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from claims.extract import extract_attributions, extract_claims
from claims.nlp import ModelSpec, annotate, resolve_model
from claims.readers import batched, read_paths
from claims.types import Article, Attribution, Claim, IngestError, ParsedArticle, Span


def annotated(paths: list[str], model: str | ModelSpec | None, batch_size: int = 8,
              errors: list[IngestError] | None = None) -> Iterator[tuple[Article, ParsedArticle]]:
    """Articles read from paths with their annotations; unreadable inputs are appended to errors."""
    spec = model if isinstance(model, ModelSpec) else resolve_model(model)
    for batch in batched(read_paths(paths), batch_size):
        articles = []
        for item in batch:
            if isinstance(item, IngestError):
                if errors is not None:
                    errors.append(item)
            else:
                articles.append(item)
        if articles:
            yield from zip(articles, annotate(articles, spec))


def spans_json(spans: list[Span]) -> list[list[int]]:
    return [[s.start, s.end] for s in spans]


def claim_record(article: Article, claim: Claim) -> dict[str, Any]:
    """One claim as a flat JSON-ready dict (offsets into the article text)."""
    record: dict[str, Any] = {
        "article": article.key,
        "sentence_index": claim.sentence_index,
        "claim_type": claim.claim_type,
        "text": article.text[claim.content_start : claim.content_end],
        "start": claim.content_start,
        "end": claim.content_end,
        "content_spans": claim.content_spans(),  # what of start:end is content: the pieces around a cue
    }
    a = claim.attribution
    if a is None:
        record.update(speaker=article.publisher or article.site_name or article.author, speaker_type="publication")
        return record
    record.update(
        attribution_index=claim.attribution_index,
        cue=" ".join(s.text(article.text) for s in a.cue),
        source=" ".join(s.text(article.text) for s in a.source) or None,
        speaker=a.speaker, speaker_type=a.speaker_type, role=a.role, affiliation=a.affiliation,
        channel=a.channel, channel_kind=a.channel_kind, location=a.location, time=a.time,
        hedged=a.hedged, confidence=a.confidence,
    )
    return record


def attribution_record(attribution: Attribution) -> dict[str, Any]:
    """The evaluation format of one attribution (claims extract --format spans)."""
    return {
        "cue": spans_json(attribution.cue),
        "source": spans_json(attribution.source),
        "content": spans_json(attribution.content),
        "speaker": attribution.speaker,
        "speaker_type": attribution.speaker_type,
        "role": attribution.role,
        "affiliation": attribution.affiliation,
        "channel": attribution.channel,
        "type": attribution.claim_type,
        "location": attribution.location,
        "time": attribution.time,
        "hedged": attribution.hedged,
        "confidence": attribution.confidence,
    }


def extract_to_jsonl(paths: list[str], out: IO[str], model: str | ModelSpec | None = None) -> list[IngestError]:
    errors: list[IngestError] = []
    for article, parsed in annotated(paths, model, errors=errors):
        for claim in extract_claims(article, parsed):
            out.write(json.dumps(claim_record(article, claim), ensure_ascii=False) + "\n")
    return errors


def output_stem(article: Article) -> str:
    if article.external_id:
        return article.external_id.replace("/", "_")
    source = article.source
    if ":" in Path(source).name:  # a record: "file.jsonl:12"
        name, _, line = Path(source).name.rpartition(":")
        return f"{Path(name).stem}-{line}"
    return Path(source).stem


def extract_to_spans(paths: list[str], out_dir: Path, model: str | ModelSpec | None = None) -> list[IngestError]:
    """Write <stem>.json with {"attributions": [...]} per input article."""
    out_dir.mkdir(parents=True, exist_ok=True)
    errors: list[IngestError] = []
    for article, parsed in annotated(paths, model, errors=errors):
        records = [attribution_record(a) for a in extract_attributions(article, parsed)]
        target = out_dir / f"{output_stem(article)}.json"
        target.write_text(json.dumps({"attributions": records}, ensure_ascii=False, indent=1), encoding="utf-8")
    return errors
