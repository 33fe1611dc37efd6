"""Annotated article -> claims: cues, content and source spans, speakers, then one claim per sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.extract.coref import resolve_article
from claims.extract.lexicon import HEDGE_ADVERBS, HEDGE_CUES
from claims.extract.rules import Found
from claims.extract.speakers import describe
from claims.extract.view import ArticleView
from claims.types import NARRATOR, Article, Attribution, Claim, ParsedArticle

if TYPE_CHECKING:
    from claims.extract.learned import AttributionModel
    from claims.extract.tree import Tree

# Bump when the rules or the bundled attribution model change: stored articles are re-extracted.
EXTRACTOR_VERSION = "learned-0.3"
METHODS = ("learned", "rules")

__all__ = ["EXTRACTOR_VERSION", "METHODS", "extract_attributions", "extract_claims"]


def extract_attributions(article: Article, parsed: ParsedArticle, method: str = "learned",
                         model: AttributionModel | None = None) -> list[Attribution]:
    """Every attribution in the article body, in reading order, speakers resolved.

    ``learned``: the PolNeAR-trained taggers find cues, sources and content (claims.extract.learned),
    and the rules add the hedges ("reportedly") and anaphoric attributions ("This was confirmed by
    X") no learned cue covers. ``rules``: the hand-written rules alone (claims.extract.rules);
    also the fallback when the package lacks the model file.
    model: a learned model other than the bundled one (claims.extract.learned.AttributionModel.load).
    """
    if method not in METHODS:
        raise ValueError(f"unknown extraction method {method!r}; choose from {', '.join(METHODS)}")
    # Imported here: the learned extractor loads torch, which only extraction needs.
    from claims.extract.learned import bundled_model, learned_attributions

    text = article.text
    view = ArticleView.build(article, parsed)
    if method == "learned":
        model = model or bundled_model()
    else:
        model = None
    # (attribution, the tree its source stands in when that is not the cue's sentence)
    pairs: list[tuple[Found, Tree | None]]
    if model is not None:
        pairs = learned_attributions(view, model)
        learned = [item for item, _ in pairs]
        # The rules keep what the taggers were not trained to give: hedges ("reportedly") and
        # anaphoric content ("This pledge was echoed by X": the content is "This pledge").
        pairs += [(item, None) for sentence_found in view.found for item in sentence_found
                  if (item.attribution.cue_class == "hedge" or item.anaphoric) and not inside_any(item, learned)]
    else:
        pairs = [(item, None) for sentence_found in view.found for item in sentence_found]
    for item, source_tree in pairs:
        describe(item, view.trees[item.attribution.sentence_index], text, parsed.entities, source_tree)
    found = [item for item, _ in pairs]
    found = drop_nested_duplicates(found)
    mark_hedged(found, parsed)
    resolve_article(found, parsed.entities, text, parsed.sentences)
    attributions = [f.attribution for f in found]
    attributions.sort(key=lambda a: (a.cue[0].start, a.content[0].start))
    return attributions


def inside_any(item: Found, others: list[Found]) -> bool:
    """item's cue word lies inside another attribution's cue or content."""
    word = item.cue_word
    return any(span.start <= word.start and word.end <= span.end
               for other in others for span in other.attribution.cue + other.attribution.content)


def mark_hedged(found: list[Found], parsed: ParsedArticle) -> None:
    """hedged: the cue itself hedges ("claimed", "alleged") or a hedging adverb modifies the cue or
    stands in the content ("reportedly said", "... had allegedly fired")."""
    hedge_words = [(s.index, w) for s in parsed.sentences for w in s.words
                   if w.lemma.lower() in HEDGE_ADVERBS and w.upos == "ADV"]
    for item in found:
        attribution = item.attribution
        if attribution.cue_lemma in HEDGE_CUES:
            attribution.hedged = True
        spans = attribution.content + attribution.cue
        for sentence_index, word in hedge_words:
            modifies_cue = sentence_index == attribution.sentence_index and word.head == item.cue_word.index
            if modifies_cue or any(s.start <= word.start and word.end <= s.end for s in spans):
                attribution.hedged = True


def drop_nested_duplicates(found: list[Found]) -> list[Found]:
    """Two cues that claim the very same content: keep the more confident one."""
    kept: dict[tuple[int, int], Found] = {}
    for item in found:
        key = (item.attribution.content[0].start, item.attribution.content[-1].end)
        if key not in kept or item.attribution.confidence > kept[key].attribution.confidence:
            kept[key] = item
    return list(kept.values())


def extract_claims(article: Article, parsed: ParsedArticle, method: str = "learned") -> list[Claim]:
    """One claim per (sentence, attribution) the sentence's text belongs to; narrator claims elsewhere.

    An attribution's content is cut at sentence boundaries, so a quote over two sentences gives two
    claims sharing ``attribution_index``. A sentence no content touches is a narrator claim.
    """
    attributions = extract_attributions(article, parsed, method)
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
