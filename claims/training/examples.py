"""Training examples from PolNeAR gold: gold character spans lined up with the parse's words.

A word takes a gold role when its characters overlap the gold fragment. Two kinds of example:

- cue examples: one per sentence, BIO tags of the cue words (``B-CUE``/``I-CUE``/``O``);
- role examples: one per gold attribution, the cue's sentence and its neighbours, with the cue
  marked in the input and BIO tags of its source (``SRC``) and content (``CNT``) words.

The inputs are the ones the extractor builds at run time (claims.extract.view).
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.evaluate.gold import GoldDoc
from claims.extract.features import Vocabularies
from claims.extract.view import ArticleView, cue_features, role_features
from claims.types import Word

CUE_TAGS = ["O", "B-CUE", "I-CUE"]
ROLE_TAGS = ["O", "B-SRC", "I-SRC", "B-CNT", "I-CNT"]


@dataclass
class Example:
    features: dict[str, list[int]]
    tags: list[int]  # empty when there is no gold (inference)
    sentences: tuple[int, ...] = ()  # the sentences its words come from, in order (fine-tuning encodes them)


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
        cue_examples.append(Example(cue_features(view, index, vocab), bio(roles, CUE_TAGS, starts), (index,)))
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
        role_examples.append(Example(features, bio(roles, ROLE_TAGS, [False] * len(roles)),
                                     tuple(s.index for s in window)))
    return cue_examples, role_examples
