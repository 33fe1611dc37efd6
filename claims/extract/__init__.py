"""Annotated article -> claims: cues, content and source spans, speakers, then one claim per sentence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.extract.coref import keep_named_speakers, resolve_article
from claims.extract.layout import add_layout_attributions, holders, name_interview_turns, name_labels
from claims.extract.lexicon import HEDGE_ADVERBS, HEDGE_CUES
from claims.extract.nesting import give_relay_channels, inside, is_relay, relayed
from claims.extract.posts import attribute_posts, find_posts, give_first_person_to
from claims.extract.rules import Found, overlaps
from claims.extract.speakers import describe, describe_sourceless, join_hyphenated_names
from claims.extract.view import ArticleView
from claims.types import NARRATOR, Article, Attribution, Claim, ParsedArticle

if TYPE_CHECKING:
    from claims.extract.learned import AttributionModel
    from claims.extract.tree import Tree
    from claims.types import Word

# Bump when the rules or the bundled attribution model change: stored articles are re-extracted.
EXTRACTOR_VERSION = "learned-0.13"
METHODS = ("learned", "rules")

__all__ = ["EXTRACTOR_VERSION", "METHODS", "extract_attributions", "extract_claims"]


def extract_attributions(article: Article, parsed: ParsedArticle, method: str = "learned",
                         model: AttributionModel | None = None, relayed_inner: bool = False,
                         posts: bool = False) -> list[Attribution]:
    """Every attribution in the article body, in reading order, speakers resolved.

    ``learned``: the PolNeAR-trained taggers find cues, sources and content (claims.extract.learned),
    and the rules add the hedges ("reportedly") and anaphoric attributions ("This was confirmed by
    X") no learned cue covers. ``rules``: the hand-written rules alone (claims.extract.rules);
    also the fallback when the package lacks the model file.
    model: a learned model other than the bundled one (claims.extract.learned.AttributionModel.load).
    relayed_inner: add what a relay holds when the taggers marked only the relay (the rules'
    "Koseoglu said" in "…, Koseoglu said, according to Reuters"), so that its claim has the
    inner speaker; claims want it, the span output (PolNeAR's scorer) does not: PolNeAR's gold
    does not mark those inner attributions as the rules find them.
    posts: add the social media posts the article embeds, each its author's words
    (claims.extract.posts), and give an "I" inside one to its author; claims want them, the span
    output keeps to what PolNeAR annotates.
    """
    if method not in METHODS:
        raise ValueError(f"unknown extraction method {method!r}; choose from {', '.join(METHODS)}")
    # Imported here: the learned extractor loads torch, which only extraction needs.
    from claims.extract.learned import bundled_model, learned_attributions

    text = article.text
    view = ArticleView.build(article, parsed)
    entities = join_hyphenated_names(parsed.entities, text)
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
    # "That said, ..." opens a sentence in the writer's own voice: no one said anything.
    pairs = [pair for pair in pairs if not in_discourse_marker(pair[0].attribution, view)]
    # A transcript's speaker labels and signed quotations name their speakers by layout: each
    # is one attribution, in place of what the taggers made of the same label or signature.
    pairs, laid_out = add_layout_attributions(pairs, view, entities)
    for item, source_tree in pairs:
        describe(item, view.trees[item.attribution.sentence_index], text, entities, source_tree)
    name_labels(laid_out, text)
    found = [item for item, _ in pairs]
    if model is not None and relayed_inner:
        for item in relayed_rule_attributions(found, view):
            describe(item, view.trees[item.attribution.sentence_index], text, entities)
            found.append(item)
    found = drop_nested_duplicates(found)
    mark_hedged(found, parsed)
    resolve_article(found, entities, text, parsed.sentences, author=article.author, quotes=view.quotes)
    keep_named_speakers(found, entities, text)
    for item in found:
        describe_sourceless(item, view.trees[item.attribution.sentence_index])
    name_interview_turns(laid_out, text, entities, article.author)
    attributions = [f.attribution for f in found]
    # "A: Because they needed help, I think.": an "I" in a labelled turn or a signed quotation is its speaker's.
    give_first_person_to(attributions, holders(laid_out), text)
    embedded = find_posts(text, article.body_start, article.body_end) if posts else []
    if embedded:
        attributions += attribute_posts(attributions, embedded, text, [s.start for s in parsed.sentences],
                                        entities)
    attributions.sort(key=lambda a: (a.cue[0].start, a.content[0].start))
    give_relay_channels(attributions, text)
    return attributions


# Phrases with a speech verb that only link a sentence to the one before it.
DISCOURSE_MARKER = re.compile(r"[\W_]*(?:that said|that being said|having said that|needless to say|that is to say|"
                              r"suffice it to say)\s*,", re.IGNORECASE)


def in_discourse_marker(attribution: Attribution, view: ArticleView) -> bool:
    """The cue lies in a linking phrase that opens its sentence ("That said, Cruz cannot ...",
    "Needless to say, ..."): the taggers read "said" with the source "That"."""
    sentence = view.parsed.sentences[attribution.sentence_index]
    marker = DISCOURSE_MARKER.match(view.article.text, sentence.start, sentence.end)
    return marker is not None and any(sentence.start <= span.start < marker.end() for span in attribution.cue)


def relayed_rule_attributions(found: list[Found], view: ArticleView) -> list[Found]:
    """What a relay's content says someone said, when the taggers marked only the relay: in
    "“…,” Al Jazeera's Sinem Koseoglu said, according to Reuters" the rules' "said" (source
    Koseoglu), so that Koseoglu is the speaker and Reuters the channel (claims.extract.nesting)."""
    extra: list[Found] = []
    for outer in found:
        relay = outer.attribution
        if not is_relay(relay):
            continue
        for item in view.found[relay.sentence_index]:
            inner = item.attribution
            if inner.cue_class == "hedge" or inner.cue_lemma == "according to" or not inner.source:
                continue
            if not (inside(inner.cue, relay.content) and inside(inner.source, relay.content)):
                continue
            if any(overlaps(span, other.attribution.cue) for other in found + extra for span in inner.cue):
                continue
            extra.append(item)
    return extra


def inside_any(item: Found, others: list[Found]) -> bool:
    """item's cue word lies inside another attribution's cue or content."""
    word = item.cue_word
    return any(span.start <= word.start and word.end <= span.end
               for other in others for span in other.attribution.cue + other.attribution.content)


def is_hedging_adverb(word: Word) -> bool:
    """"reportedly", "apparently" and the like, as an adverb."""
    return word.lemma.lower() in HEDGE_ADVERBS and word.upos == "ADV"


def mark_hedged(found: list[Found], parsed: ParsedArticle) -> None:
    """hedged: the cue itself hedges ("claimed", "alleged") or a hedging adverb modifies the cue or
    stands in the content ("reportedly said", "... had allegedly fired")."""
    hedge_words = [(s.index, w) for s in parsed.sentences for w in s.words if is_hedging_adverb(w)]
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
    claims sharing ``attribution_index``. Within a sentence the content's pieces are one claim, from
    the first piece to the last: "Obama's veto [is expected] to come before Friday" is one claim,
    not "Obama's veto" and "to come before Friday"; the pieces themselves are its content spans
    (claims.store, ``claim_record``). A sentence no content touches is a narrator claim, hedged when a
    hedging adverb stands in it ("He apparently left": the writer's own inference).
    """
    attributions = extract_attributions(article, parsed, method, relayed_inner=True, posts=True)
    # A relay ("according to Reuters") is the channel of the attribution it holds, not a second
    # speaker of that content: it gives no claim (claims.extract.nesting).
    relays = set(relayed(attributions))
    claims: list[Claim] = []
    covered: set[int] = set()
    for attribution_index, attribution in enumerate(attributions):
        if attribution_index in relays:
            continue
        for sentence in parsed.sentences:
            pieces = [(start, end) for start, end in ((max(span.start, sentence.start), min(span.end, sentence.end))
                                                      for span in attribution.content)
                      if end > start and article.text[start:end].strip(" \t\n\r“”\"'‘’,.;:—-")]
            if not pieces:
                continue
            covered.add(sentence.index)
            claims.append(Claim(sentence.index, min(start for start, _ in pieces), max(end for _, end in pieces),
                                attribution.claim_type, attribution_index, attribution))
    for sentence in parsed.sentences:
        if sentence.index not in covered:
            hedged = any(is_hedging_adverb(w) for w in sentence.words)
            claims.append(Claim(sentence.index, sentence.start, sentence.end, NARRATOR, narrator_hedged=hedged))
    claims.sort(key=lambda c: (c.sentence_index, c.content_start))
    return claims
