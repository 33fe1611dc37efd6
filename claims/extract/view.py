"""One article as both taggers read it: its parse, quotes, rule attributions and trees, computed once,
and the tagger inputs built from them (claims.extract.features).

- cue tagger: one input per sentence (``cue_features``);
- role tagger: one input per cue, the cue's sentence and its neighbours with the cue marked
  (``role_features``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claims.extract.features import (
    SENTENCE_OFFSETS,
    Vocabularies,
    category_id,
    relations_to_cue,
    rule_roles,
    token_features,
)
from claims.extract.quotes import Quote, find_quotes, is_scare_quote
from claims.extract.rules import Found, find_attributions
from claims.extract.tree import Tree
from claims.types import Article, ParsedArticle, ParsedSentence, Word

if TYPE_CHECKING:  # torch is imported where vectors are joined: the ingest process that only stores needs none
    import torch


@dataclass
class ArticleView:
    """One article's parse with what both taggers need computed once."""

    article: Article
    parsed: ParsedArticle
    quotes: list[Quote]
    found: list[list[Found]]  # rule attributions per sentence
    trees: list[Tree]
    # token features per sentence with no rule column, computed once (the role tagger reads each
    # sentence in up to three windows)
    plain_features: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    # sentence index -> its word vectors in context [words, width] (claims.encoder), for
    # the sentences a tagger that reads them will see; filled by claims.extract.learned (or, in
    # training, from a cache)
    context: dict[int, torch.Tensor] = field(default_factory=dict)

    def sentence_features(self, index: int, vocab: Vocabularies, rules: list[str]) -> dict[str, list[int]]:
        if index not in self.plain_features:
            sentence = self.parsed.sentences[index]
            self.plain_features[index] = token_features(sentence, self.article.text, vocab, self.quotes,
                                                        ["none"] * len(sentence.words))
        features = dict(self.plain_features[index])
        features["rule"] = [category_id("rule", r) for r in rules]
        return features

    @classmethod
    def build(cls, article: Article, parsed: ParsedArticle) -> ArticleView:
        text = article.text
        quotes = [q for q in find_quotes(text, article.body_start, article.body_end) if not is_scare_quote(text, q)]
        found = [find_attributions(s, text, quotes) for s in parsed.sentences]
        # vectors the syntax heads computed while annotating (claims.syntax) are the encoder's own
        return cls(article, parsed, quotes, found, [Tree(s) for s in parsed.sentences], context=dict(parsed.context))


def cue_features(view: ArticleView, index: int, vocab: Vocabularies) -> dict[str, Any]:
    sentence = view.parsed.sentences[index]
    features: dict[str, Any] = view.sentence_features(index, vocab, rule_roles(sentence, view.found[index]))
    if index in view.context:
        features["context"] = view.context[index]
    return features


def role_features(view: ArticleView, index: int, cue_words: list[Word], vocab: Vocabularies
                  ) -> tuple[dict[str, Any], list[ParsedSentence]]:
    """Features over the window of sentences around the cue's sentence; also the window itself."""
    sentences = view.parsed.sentences
    tree = view.trees[index]
    cue_indexes = {w.index for w in cue_words}
    rule_cue = next((f.cue_word for f in view.found[index] if f.cue_word.index in cue_indexes), None)
    window = [(k, sentences[index + k]) for k in SENTENCE_OFFSETS if 0 <= index + k < len(sentences)]
    merged: dict[str, list[int]] = {}
    for offset, sentence in window:
        own = view.found[index + offset] if offset == 0 else []
        rules = rule_roles(sentence, own, rule_cue) if rule_cue is not None and offset == 0 else ["none"] * len(sentence.words)
        feats = view.sentence_features(index + offset, vocab, rules)
        if offset == 0:
            relations = relations_to_cue(tree, cue_words)
        else:
            relations = ["outside-before" if offset < 0 else "outside-after"] * len(sentence.words)
        feats["relation"] = [category_id("relation", r) for r in relations]
        feats["offset"] = [SENTENCE_OFFSETS.index(offset) + 1] * len(sentence.words)
        feats["cue"] = [1 + int(offset == 0 and w.index in cue_indexes) for w in sentence.words]
        for name, values in feats.items():
            merged.setdefault(name, []).extend(values)
    if all(index + offset in view.context for offset, _ in window):
        import torch

        merged["context"] = torch.cat([view.context[index + offset] for offset, _ in window])
    return merged, [s for _, s in window]
