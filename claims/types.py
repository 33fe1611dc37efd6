"""The plain data every stage shares: ingest -> nlp -> extract -> resolve -> store.

Offsets are always character offsets into ``Article.text`` (the stored article text), half-open
``[start, end)``. Surface text is always taken from the article by offset, never from a model's
token text (stanza writes over-long tokens as ``<UNK>``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Claim types.
DIRECT = "direct"  # the content is a quotation
INDIRECT = "indirect"  # reported speech, no quotation marks
MIXED = "mixed"  # reported speech with a quoted fragment inside
NARRATOR = "narrator"  # no attribution: the article's own voice

# Speaker types.
PERSON = "person"
ORGANIZATION = "organization"
GOVERNMENT = "country"  # a country or its government
ANONYMOUS = "anonymous_person"
UNNAMED_REPORTS = "unnamed_reports"
PUBLICATION = "publication"  # the article's own voice
UNKNOWN = "unknown"


@dataclass
class Article:
    """One article as read from its source, before any NLP."""

    text: str  # exactly the text that every offset points into
    source: str  # where it came from: a path, "path:line" for records, "<stdin>"
    format: str  # txt, scraped_page, html, jsonl, csv
    external_id: str | None = None  # an id given by the input record
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    publisher: str | None = None
    author: str | None = None
    site_name: str | None = None
    tags: list[str] = field(default_factory=list)
    comment_count: int | None = None
    body_start: int = 0  # the body yields claims; page chrome outside it never does
    body_end: int | None = None
    decoding: str = "utf-8"  # the encoding used, with a note when a fallback was needed
    # What the reader had to do to the input that a user should know (stored in articles.notes).
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.body_end is None:
            self.body_end = len(self.text)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text and the metadata that change what is extracted."""
        digest = hashlib.sha256()
        for part in (self.text, self.title or "", self.publisher or "", self.author or "", self.published or ""):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    @property
    def key(self) -> str:
        """Identity of the article across re-ingests and inputs: the id the input gives, else its URL,
        else its text (``sha256:`` and 32 hex digits of the text's SHA-256).

        Never the local path it was read from: the same file read as ``../x/a.txt`` and
        ``/abs/x/a.txt``, or piped twice through stdin, is one article, and two different texts piped
        in are two. The path stays in ``source`` as provenance. Records of different files that give
        the same ``id`` are one article: the later one replaces the earlier.
        """
        return self.external_id or self.url or text_key(self.text)


def text_key(text: str) -> str:
    """The key of an article known only by its text (see :attr:`Article.key`)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class IngestError:
    """An input that could not be read as an article; recorded, reported, and skipped."""

    source: str  # path
    message: str  # what happened and what to do
    line: int | None = None  # record line (JSONL) or row (CSV), 1-based
    # empty, binary, decoding, malformed_json, malformed_csv, malformed_sidecar (a bad a.meta.json beside
    # a.txt: the article is skipped), no_text, unsupported (a folder's file of
    # another type), too_large, unreadable, reader_failed (a reader's own bug), processing (NLP or storage)
    kind: str = "unreadable"


@dataclass
class Word:
    """One syntactic word of a parsed sentence (a multi-word token's words share its offsets)."""

    index: int  # 1-based within the sentence, as in CoNLL-U
    text: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int  # 0 = root
    deprel: str
    start: int
    end: int
    ner: str = "O"  # BIOES tag of the token the word belongs to


@dataclass
class Entity:
    text: str
    type: str  # PER, ORG, LOC, MISC, DATE
    start: int
    end: int


@dataclass
class ParsedSentence:
    index: int  # 0-based within the article
    start: int
    end: int
    words: list[Word]


@dataclass
class ParsedArticle:
    """The NLP layer's output for one article, as plain data (cacheable, testable without stanza)."""

    sentences: list[ParsedSentence]
    entities: list[Entity]
    model_version: str
    # What the NLP layer had to do to the text that a user should know ("an overlong line was cut
    # into pieces before parsing"); stored in articles.notes with the reader's notes.
    notes: list[str] = field(default_factory=list)
    # sentence index -> its context-encoder vectors [words, width] when the syntax heads computed
    # them during annotation (claims.syntax), so the attribution taggers need not encode again;
    # never stored (claims.store.articles.save_annotations leaves it out)
    context: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Span:
    start: int
    end: int

    def text(self, article_text: str) -> str:
        return article_text[self.start : self.end]


@dataclass
class Attribution:
    """One attribution: who (source) said what (content), marked by which cue."""

    sentence_index: int  # sentence holding the cue
    cue: list[Span]
    content: list[Span]
    source: list[Span] = field(default_factory=list)
    claim_type: str = INDIRECT
    cue_class: str = "assert"  # assert, commit, urge, believe, evidence, evaluate, hedge
    cue_lemma: str | None = None
    speaker: str | None = None  # resolved name ("Sinem Koseoglu") or None for anonymous / vague
    speaker_type: str = UNKNOWN
    role: str | None = None
    affiliation: str | None = None
    channel: str | None = None
    channel_kind: str | None = None
    location: str | None = None
    time: str | None = None
    hedged: bool = False
    # The speaker is kept to this article, never joined to a speaker of another article: a group
    # named by a plural ("Republicans said"), or a surname the article leaves open between several
    # of the people it names.
    speaker_local: bool = False
    confidence: float = 0.5  # how sure the extractor is, 0..1, from the rule or model that fired


@dataclass
class Claim:
    """One row of the claims table: a sentence (or the part of it) and who it is attributed to.

    An attribution whose content runs over several sentences yields one claim per sentence, all
    sharing ``attribution_index``. A sentence with no attribution is one narrator claim.
    """

    sentence_index: int
    content_start: int
    content_end: int
    claim_type: str
    attribution_index: int | None = None  # groups the claims of one attribution within the article
    attribution: Attribution | None = None  # None for narrator claims
    # A narrator claim's sentence holds a hedging adverb ("He apparently left"); an attributed
    # claim's hedge is its attribution's.
    narrator_hedged: bool = False

    def content_spans(self) -> list[list[int]]:
        """[start, end] of each piece of the attribution's content inside this claim (content may
        come in pieces around its cue: "Obama's veto [is expected] to come"); the whole claim for a
        narrator claim."""
        whole = [[self.content_start, self.content_end]]
        if self.attribution is None:
            return whole
        pieces = [[max(s.start, self.content_start), min(s.end, self.content_end)]
                  for s in sorted(self.attribution.content, key=lambda s: s.start)
                  if s.start < self.content_end and s.end > self.content_start]
        return pieces or whole
