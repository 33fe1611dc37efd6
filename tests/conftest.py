"""Shared fixtures: real database files built from the packaged schema.sql, and synthetic articles.

Data (tests/data_paths.py decides it): the seed article and its gold are always in
fixtures/seed/. PolNeAR, the UD treebanks and the reference scorers are not in the repository:
they come from the folder CLAIMS_DATA names (laid out as polnear/dev/text, polnear/dev/attributions,
...), else from ../shared/data beside the checkout; tests that need them skip, saying so, when they
are absent. CLAIMS_DATA set to a folder that does not exist means "no data" with no fallback, so
``CLAIMS_DATA=/nonexistent python -m pytest`` runs the suite as a fresh clone sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from claims import store
from claims.store.provenance import rebuild_clusters
from claims.types import (
    DIRECT,
    INDIRECT,
    NARRATOR,
    PERSON,
    UNNAMED_REPORTS,
    Article,
    Attribution,
    Claim,
    Entity,
    ParsedArticle,
    ParsedSentence,
    Span,
    Word,
)

EXTRACTOR_VERSION = "test-extractor-1"
MODEL_VERSION = "test-model-1"

HEADLINE = "Syria and Russia Intensify Air Strikes"
SENTENCES = [
    "Al Jazeera\u2019s Sinem Koseoglu said the advance had slowed near Hama.",
    "\u201cThe acceleration has slowed,\u201d Koseoglu explained.",
    "Reports indicate that their momentum has slowed.",
    "Opposition forces took most of Tel Rifaat on Monday.",
]


def _span(text: str, part: str, start: int) -> Span:
    at = text.index(part, start)
    return Span(at, at + len(part))


def _words(text: str, sentence: ParsedSentence) -> list[Word]:
    words = []
    for number, match in enumerate(re.finditer(r"\w+|[^\w\s]", text[sentence.start : sentence.end]), 1):
        start, end = sentence.start + match.start(), sentence.start + match.end()
        words.append(
            Word(
                index=number,
                text=match.group(),
                lemma=match.group().lower(),
                upos="X",
                xpos="X",
                feats="_",
                head=0 if number == 1 else 1,
                deprel="root" if number == 1 else "dep",
                start=start,
                end=end,
            )
        )
    return words


def _layout(sentences: list[str]) -> tuple[str, list[ParsedSentence]]:
    """The headline, a blank line, then the sentences; each sentence parsed with correct offsets."""
    text = HEADLINE + "\n\n" + " ".join(sentences) + "\n"
    parsed_sentences = []
    position = len(HEADLINE) + 2
    for index, sentence in enumerate(sentences):
        start = text.index(sentence, position)
        parsed = ParsedSentence(index=index, start=start, end=start + len(sentence), words=[])
        parsed.words = _words(text, parsed)
        parsed_sentences.append(parsed)
        position = start + len(sentence)
    return text, parsed_sentences


def make_stored_article(
    key: str = "article-1",
    *,
    sentences: list[str] | None = None,
    publisher: str | None = "Example News",
    url: str | None = "https://www.example.com/news/1",
    published: str | None = "2025-07-01",
    title: str = HEADLINE,
    model_version: str = MODEL_VERSION,
) -> tuple[Article, ParsedArticle, list[Claim]]:
    """A synthetic article with correct offsets: an article, its parse and its claims.

    The text is a headline then the sentences; by default the four ``SENTENCES``, which yield a
    named speaker quoted twice under two surface forms (channel Al Jazeera), unnamed reports and
    one narrator claim. Pass ``sentences`` to change the text: attributions are made only for the
    default sentences that are present, every other sentence becomes a narrator claim.
    """
    sentences = list(SENTENCES if sentences is None else sentences)
    text, parsed_sentences = _layout(sentences)
    article = Article(
        text=text,
        source=f"fixtures/{key}.txt",
        format="txt",
        external_id=key,
        title=title,
        url=url,
        published=published,
        publisher=publisher,
        author="A. Writer",
        tags=["syria", "russia"],
        body_start=len(HEADLINE) + 2,
    )
    claims: list[Claim] = []
    attribution_index = 0
    for sentence in parsed_sentences:
        s = sentence.start
        said = text[sentence.start : sentence.end]
        attribution = None
        if said == SENTENCES[0]:
            attribution = Attribution(
                sentence_index=sentence.index,
                cue=[_span(text, "said", s)],
                source=[_span(text, "Al Jazeera\u2019s Sinem Koseoglu", s)],
                content=[_span(text, "the advance had slowed near Hama", s)],
                claim_type=INDIRECT,
                cue_lemma="say",
                speaker="Sinem Koseoglu",
                speaker_type=PERSON,
                role="reporter",
                affiliation="Al Jazeera",
                channel="Al Jazeera",
                channel_kind="broadcaster",
                location="the Turkish-Syrian border",
                confidence=0.9,
            )
        elif said == SENTENCES[1]:
            attribution = Attribution(
                sentence_index=sentence.index,
                cue=[_span(text, "explained", s)],
                source=[_span(text, "Koseoglu", s)],
                content=[_span(text, "\u201cThe acceleration has slowed,\u201d", s)],
                claim_type=DIRECT,
                cue_lemma="explain",
                speaker="Sinem  Koseoglu",  # a second spelling of the same name: extra space
                speaker_type=PERSON,
                channel="al jazeera",
                channel_kind="broadcaster",
                confidence=0.8,
            )
        elif said == SENTENCES[2]:
            attribution = Attribution(
                sentence_index=sentence.index,
                cue=[_span(text, "indicate", s)],
                source=[_span(text, "Reports", s)],
                content=[_span(text, "their momentum has slowed", s)],
                claim_type=INDIRECT,
                cue_class="evidence",
                speaker_type=UNNAMED_REPORTS,
                hedged=True,
                confidence=0.6,
            )
        if attribution is None:
            claims.append(Claim(sentence.index, sentence.start, sentence.end, NARRATOR))
        else:
            content = attribution.content[0]
            claims.append(
                Claim(
                    sentence.index,
                    content.start,
                    content.end,
                    attribution.claim_type,
                    attribution_index=attribution_index,
                    attribution=attribution,
                )
            )
            attribution_index += 1
    entities = []
    if "Sinem Koseoglu" in text:
        at = text.index("Sinem Koseoglu")
        entities.append(Entity("Sinem Koseoglu", "PER", at, at + len("Sinem Koseoglu")))
    parsed = ParsedArticle(sentences=parsed_sentences, entities=entities, model_version=model_version)
    return article, parsed, claims


@dataclass
class Quote:
    """One attributed sentence of :func:`make_quoted_article`: ``{source} said the talks ...``."""

    source: str  # the source as written in the sentence
    speaker: str | None  # the name the extractor gives; None for anonymous sources
    speaker_type: str = PERSON
    role: str | None = None
    affiliation: str | None = None
    channel: str | None = None
    channel_kind: str | None = None
    content: str | None = None  # what was said; default "the talks had reached stage <n>"
    local: bool = False  # kept to its article (Attribution.speaker_local)

    def said(self, number: int) -> str:
        return self.content or f"the talks had reached stage {number}"


def make_quoted_article(
    key: str,
    quotes: list[Quote],
    *,
    lead: str = "Talks resumed on Monday.",
    published: str | None = "2025-07-01",
    publisher: str | None = "Example News",
) -> tuple[Article, ParsedArticle, list[Claim]]:
    """A synthetic article of a narrator lead sentence and one attributed sentence per quote.

    Change ``lead`` to store the same article again with another text (it is then replaced).
    """
    sentences = [lead] + [f"{q.source} said {q.said(i + 1)}." for i, q in enumerate(quotes)]
    text, parsed_sentences = _layout(sentences)
    article = Article(
        text=text,
        source=f"fixtures/{key}.txt",
        format="txt",
        external_id=key,
        title=HEADLINE,
        url=f"https://www.example.com/{key}",
        published=published,
        publisher=publisher,
        body_start=len(HEADLINE) + 2,
    )
    lead_sentence = parsed_sentences[0]
    claims = [Claim(0, lead_sentence.start, lead_sentence.end, NARRATOR)]
    for number, (quote, sentence) in enumerate(zip(quotes, parsed_sentences[1:], strict=True)):
        s = sentence.start
        attribution = Attribution(
            sentence_index=sentence.index,
            cue=[_span(text, "said", s + len(quote.source))],
            source=[Span(s, s + len(quote.source))],
            content=[_span(text, quote.said(number + 1), s)],
            claim_type=INDIRECT,
            cue_lemma="say",
            speaker=quote.speaker,
            speaker_type=quote.speaker_type,
            role=quote.role,
            affiliation=quote.affiliation,
            channel=quote.channel,
            channel_kind=quote.channel_kind,
            speaker_local=quote.local,
            confidence=0.9,
        )
        content = attribution.content[0]
        claims.append(
            Claim(
                sentence.index, content.start, content.end, INDIRECT, attribution_index=number, attribution=attribution
            )
        )
    parsed = ParsedArticle(sentences=parsed_sentences, entities=[], model_version=MODEL_VERSION)
    return article, parsed, claims


def store_quoted_article(database, key: str, quotes: list[Quote], **kwargs):
    """Store :func:`make_quoted_article` with the test versions; returns the StoreResult."""
    article, parsed, claims = make_quoted_article(key, quotes, **kwargs)
    return store.store_article(database, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A new claims database file, created from the packaged schema.sql."""
    path = tmp_path / "claims.db"
    store.open_db(path).close()
    return path


@pytest.fixture
def db(db_path: Path):
    database = store.open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def populated_path(db_path: Path) -> Path:
    """A database holding two articles: the default one and one from another publisher (same text,
    so their attributed claims form quote clusters)."""
    with store.open_db(db_path) as database:
        for key, publisher in (("article-1", "Example News"), ("article-2", None)):
            article, parsed, claims = make_stored_article(
                key, publisher=publisher, url=f"https://www.example.org/{key}"
            )
            result = store.store_article(database, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
            store.save_annotations(database, result.article_id, parsed)
        rebuild_clusters(database)  # as claims.pipeline.ingest does after storing
    return db_path


# --- The real bundled model, loaded once per test session -------------------------------------

# Data paths live in tests/data_paths.py (the seed in fixtures/, PolNeAR through CLAIMS_DATA or
# ../shared/data; CLAIMS_DATA=/nonexistent shows what a clone sees): read its docstring.
from data_paths import POLNEAR_DEV, REPO, SEED_GOLD, SEED_TEXT  # noqa: E402,F401


@pytest.fixture(scope="session")
def model_spec():
    """The bundled stanza model (loaded offline, once)."""
    from claims.nlp import load_pipeline, resolve_model

    spec = resolve_model("bundled")
    load_pipeline(spec)
    return spec


@pytest.fixture(scope="session")
def annotate_text(model_spec):
    """Annotate a plain text with the real model: returns (Article, ParsedArticle)."""
    from claims.nlp import annotate

    def run(text: str, source: str = "test.txt") -> tuple[Article, ParsedArticle]:
        article = Article(text=text, source=source, format="txt")
        return article, annotate([article], model_spec)[0]

    return run


@pytest.fixture(scope="session")
def extract(annotate_text):
    """Extract attributions from a plain text with the real model: returns (Article, attributions)."""
    from claims.extract import extract_attributions

    def run(text: str) -> tuple[Article, list]:
        article, parsed = annotate_text(text)
        return article, extract_attributions(article, parsed)

    return run


@pytest.fixture(scope="session")
def seed_annotated(model_spec):
    """The seed article read by the real reader (scraped-page layout) and annotated."""
    from claims.nlp import annotate
    from claims.readers import read_file

    (article,) = list(read_file(str(SEED_TEXT)))
    return article, annotate([article], model_spec)[0]


def parsed_sentence(rows: list[tuple[str, str, int, str]]):
    """A hand-made parse: (text, lemma, head, relation) per word, words one space apart."""
    from claims.types import ParsedSentence, Word

    words, position = [], 0
    for index, (text, lemma, head, deprel) in enumerate(rows, start=1):
        words.append(Word(index=index, text=text, lemma=lemma, upos="X", xpos="", feats="", head=head,
                          deprel=deprel, start=position, end=position + len(text), ner="O"))
        position += len(text) + 1
    return ParsedSentence(0, 0, position - 1, words)

