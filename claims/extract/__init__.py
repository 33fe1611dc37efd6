"""Annotated article -> claims: cues, content and source spans, speakers, then one claim per sentence."""

from __future__ import annotations

from claims.extract.quotes import find_quotes, is_scare_quote
from claims.extract.rules import Found, find_attributions
from claims.extract.speakers import describe
from claims.extract.tree import Tree
from claims.resolve import resolve_article
from claims.types import NARRATOR, Article, Attribution, Claim, ParsedArticle

EXTRACTOR_VERSION = "rules-0.1"

__all__ = ["EXTRACTOR_VERSION", "extract_attributions", "extract_claims"]


def extract_attributions(article: Article, parsed: ParsedArticle) -> list[Attribution]:
    """Every attribution in the article body, in reading order, speakers resolved."""
    text = article.text
    quotes = [q for q in find_quotes(text, article.body_start, article.body_end) if not is_scare_quote(text, q)]
    found: list[Found] = []
    for sentence in parsed.sentences:
        tree = Tree(sentence)
        for item in find_attributions(sentence, text, quotes):
            describe(item, tree, text, parsed.entities)
            found.append(item)
    found = drop_nested_duplicates(found)
    resolve_article(found, parsed.entities, text)
    attributions = [f.attribution for f in found]
    attributions.sort(key=lambda a: (a.cue[0].start, a.content[0].start))
    return attributions


def drop_nested_duplicates(found: list[Found]) -> list[Found]:
    """Two cues that claim the very same content: keep the more confident one."""
    kept: dict[tuple[int, int], Found] = {}
    for item in found:
        key = (item.attribution.content[0].start, item.attribution.content[-1].end)
        if key not in kept or item.attribution.confidence > kept[key].attribution.confidence:
            kept[key] = item
    return list(kept.values())


def extract_claims(article: Article, parsed: ParsedArticle) -> list[Claim]:
    """One claim per (sentence, attribution) the sentence's text belongs to; narrator claims elsewhere.

    An attribution's content is cut at sentence boundaries, so a quote over two sentences gives two
    claims sharing ``attribution_index``. A sentence no content touches is a narrator claim.
    """
    attributions = extract_attributions(article, parsed)
    claims: list[Claim] = []
    covered: set[int] = set()
    for attribution_index, attribution in enumerate(attributions):
        for sentence in parsed.sentences:
            for span in attribution.content:
                start, end = max(span.start, sentence.start), min(span.end, sentence.end)
                if end - start <= 0 or not article.text[start:end].strip(" \t\n\r“”\"'‘’,.;:—-"):
                    continue
                covered.add(sentence.index)
                claims.append(Claim(sentence.index, start, end, attribution.claim_type, attribution_index, attribution))
    for sentence in parsed.sentences:
        if sentence.index not in covered:
            claims.append(Claim(sentence.index, sentence.start, sentence.end, NARRATOR))
    claims.sort(key=lambda c: (c.sentence_index, c.content_start))
    return claims
