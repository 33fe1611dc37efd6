"""Small helpers over a parsed sentence's dependency tree."""

from __future__ import annotations

from claims.types import ParsedSentence, Span, Word

PUNCT_EDGE = set(",;:—–-()[]")


class Tree:
    """Children lists and subtree spans for one sentence."""

    def __init__(self, sentence: ParsedSentence) -> None:
        self.sentence = sentence
        self.words = sentence.words
        self.by_index = {w.index: w for w in self.words}
        self.children: dict[int, list[Word]] = {w.index: [] for w in self.words}
        self.children[0] = []
        for word in self.words:
            self.children.setdefault(word.head, []).append(word)

    def head_of(self, word: Word) -> Word | None:
        return self.by_index.get(word.head)

    def kids(self, word: Word, *deprels: str) -> list[Word]:
        """Children of word whose relation is one of deprels (prefix match: 'obl' matches 'obl:tmod')."""
        found = self.children.get(word.index, [])
        if not deprels:
            return list(found)
        return [c for c in found if any(c.deprel == d or c.deprel.startswith(d + ":") for d in deprels)]

    def subtree(self, word: Word, exclude: set[str] | None = None, skip: set[int] | None = None) -> list[Word]:
        """word and its descendants, leaving out children with a relation in exclude (and their subtrees)."""
        exclude = exclude or set()
        skip = skip or set()
        out, stack = [], [word]
        while stack:
            current = stack.pop()
            if current.index in skip:
                continue
            out.append(current)
            for child in self.children.get(current.index, []):
                base = child.deprel.split(":")[0]
                if child.deprel in exclude or base in exclude:
                    continue
                stack.append(child)
        return sorted(out, key=lambda w: w.index)

    def ancestors(self, word: Word) -> list[Word]:
        out, current = [], word
        seen = set()
        while current.head and current.head not in seen:
            seen.add(current.head)
            current = self.by_index[current.head]
            out.append(current)
        return out


def span_of(words: list[Word], text: str, trim_punct: bool = True) -> Span | None:
    """The character span covering words, contiguous run around their extremes, edge punctuation trimmed."""
    if not words:
        return None
    words = sorted(words, key=lambda w: w.start)
    if trim_punct:
        while words and words[0].upos == "PUNCT" and text[words[0].start : words[0].end] in PUNCT_EDGE:
            words = words[1:]
        while words and words[-1].upos == "PUNCT" and text[words[-1].start : words[-1].end] in PUNCT_EDGE | {"."}:
            words = words[:-1]
    if not words:
        return None
    return Span(words[0].start, max(w.end for w in words))


def contiguous(words: list[Word], anchor: Word) -> list[Word]:
    """The run of words (by index) containing anchor with no gaps (drops detached pieces)."""
    indexes = {w.index for w in words}
    lo = hi = anchor.index
    while lo - 1 in indexes:
        lo -= 1
    while hi + 1 in indexes:
        hi += 1
    return [w for w in words if lo <= w.index <= hi]
