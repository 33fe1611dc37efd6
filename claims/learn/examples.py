"""Training examples from PolNeAR gold: gold character spans lined up with the parse's words.

A word takes a gold role when its characters overlap the gold fragment. Two kinds of example:

- cue examples: one per sentence, BIO tags of the cue words (``B-CUE``/``I-CUE``/``O``);
- role examples: one per gold attribution, the cue's sentence and its neighbours, with the cue
  marked in the input and BIO tags of its source (``SRC``) and content (``CNT``) words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.evaluate import GoldDoc
from claims.extract.quotes import Quote, find_quotes, is_scare_quote
from claims.extract.rules import Found, find_attributions
from claims.extract.tree import Tree
from claims.learn.features import (SENTENCE_OFFSETS, Vocabularies, category_id, relations_to_cue, rule_roles,
                                   token_features)
from claims.types import Article, ParsedArticle, ParsedSentence, Word

CUE_TAGS = ["O", "B-CUE", "I-CUE"]
ROLE_TAGS = ["O", "B-SRC", "I-SRC", "B-CNT", "I-CNT"]


@dataclass
class Example:
    features: dict[str, list[int]]
    tags: list[int]  # empty when there is no gold (inference)


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
        return cls(article, parsed, quotes, found, [Tree(s) for s in parsed.sentences])


def bio(roles: list[str | None], tag_names: list[str], starts: list[bool]) -> list[int]:
    """Role per word (None = outside) -> BIO tag ids; a new B where starts says a new span begins."""
    tags = []
    for i, role in enumerate(roles):
        if role is None:
            tags.append(tag_names.index("O"))
        elif i == 0 or roles[i - 1] != role or starts[i]:
            tags.append(tag_names.index(f"B-{role}"))
        else:
            tags.append(tag_names.index(f"I-{role}"))
    return tags


def cue_features(view: ArticleView, index: int, vocab: Vocabularies) -> dict[str, list[int]]:
    sentence = view.parsed.sentences[index]
    return view.sentence_features(index, vocab, rule_roles(sentence, view.found[index]))


def role_features(view: ArticleView, index: int, cue_words: list[Word], vocab: Vocabularies
                  ) -> tuple[dict[str, list[int]], list[ParsedSentence]]:
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
    return merged, [s for _, s in window]


def overlaps(word: Word, fragments: list[tuple[int, int]]) -> int | None:
    """Index of the first fragment the word overlaps, or None."""
    for i, (start, end) in enumerate(fragments):
        if word.start < end and start < word.end:
            return i
    return None


def gold_examples(doc: GoldDoc, view: ArticleView, vocab: Vocabularies) -> tuple[list[Example], list[Example]]:
    """Cue examples (every sentence) and role examples (every gold attribution with a cue)."""
    sentences = view.parsed.sentences
    cue_examples = []
    for index, sentence in enumerate(sentences):
        owner: list[int | None] = [None] * len(sentence.words)  # which attribution's cue each word is
        for n, gold in enumerate(doc.attributions):
            for i, word in enumerate(sentence.words):
                if owner[i] is None and overlaps(word, gold.cue) is not None:
                    owner[i] = n
        roles = ["CUE" if o is not None else None for o in owner]
        starts = [i > 0 and owner[i] is not None and owner[i - 1] != owner[i] for i in range(len(owner))]
        cue_examples.append(Example(cue_features(view, index, vocab), bio(roles, CUE_TAGS, starts)))
    role_examples = []
    for gold in doc.attributions:
        located = [(k, [w for w in s.words if overlaps(w, gold.cue) is not None]) for k, s in enumerate(sentences)]
        located = [(k, words) for k, words in located if words]
        if not located:
            continue
        index, cue_words = located[0]
        features, window = role_features(view, index, cue_words, vocab)
        roles: list[str | None] = []
        for sentence in window:
            for word in sentence.words:
                role = ("CNT" if overlaps(word, gold.content) is not None
                        else "SRC" if overlaps(word, gold.source) is not None else None)
                roles.append(role)
        role_examples.append(Example(features, bio(roles, ROLE_TAGS, [False] * len(roles))))
    return cue_examples, role_examples
