r"""Character spans and word tokens as the PolNeAR scorer compares them (claims.evaluate.polnear).

A predicted span set is checked and sorted (``prediction_fragments``), normalised for the exact
metric (``normalise``: edge whitespace and punctuation stripped, near-adjacent fragments merged),
and looked up as ``\w+`` tokens (``Tokens``) for the overlap metric, content Dice and shared sources.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claims.evaluate.gold import Fragment

SPAN_TYPES = ("cue", "source", "content")

WORD = re.compile(r"\w+")


def prediction_fragments(
    attribution: Mapping[str, Any], kind: str, n_chars: int, where: str, warnings: list[str]
) -> list[Fragment]:
    """The valid, sorted fragments of one span type of a prediction; bad ones are reported."""
    raw = attribution.get(kind) or []
    if len(raw) == 2 and all(isinstance(x, int) for x in raw):
        raw = [raw]  # a bare [start, end]
    frags = []
    for fr in raw:
        start, end = int(fr[0]), int(fr[1])
        if not 0 <= start < end <= n_chars:
            warnings.append(f"{where}: {kind} span {fr!r} is empty or outside the text (0..{n_chars}); dropped")
            continue
        frags.append((start, end))
    return sorted(frags)


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def normalise(text: str, frags: Iterable[Fragment]) -> frozenset[Fragment]:
    """The fragment set the exact metric compares: trimmed, with near-adjacent fragments merged."""
    trimmed = []
    for start, end in frags:
        a, b = start, end
        while a < b and _is_edge(text[a]):
            a += 1
        while b > a and _is_edge(text[b - 1]):
            b -= 1
        if a == b:  # punctuation only: keep it, stripped of whitespace
            a, b = start, end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a == b:
                continue
        trimmed.append((a, b))
    merged: list[Fragment] = []
    for start, end in sorted(trimmed):
        if merged and (start <= merged[-1][1] or not WORD.search(text[merged[-1][1] : start])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return frozenset(merged)


class Tokens:
    r"""The ``\w+`` tokens of a text, looked up by character span."""

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
        self.starts = [s for s, _ in self.spans]

    def overlapping(self, frags: Iterable[Fragment]) -> frozenset[int]:
        """Indices of the tokens that overlap any fragment."""
        out = set()
        for start, end in frags:
            i = bisect.bisect_right(self.starts, start) - 1
            if i < 0 or self.spans[i][1] <= start:
                i += 1
            while i < len(self.spans) and self.spans[i][0] < end:
                out.add(i)
                i += 1
        return frozenset(out)


def chars_overlap(a: Iterable[Fragment], b: Sequence[Fragment]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def dice(f1: Sequence[Fragment], f2: Sequence[Fragment], t1: frozenset[int], t2: frozenset[int]) -> float:
    """Token Dice of two contents; characters stand in when neither has a word token."""
    if t1 and t2:
        return 2.0 * len(t1 & t2) / (len(t1) + len(t2))
    if not t1 and not t2 and f1 and f2:
        inter = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in f1 for s2, e2 in f2)
        return 2.0 * inter / (sum(e - s for s, e in f1) + sum(e - s for s, e in f2))
    return 0.0


def shares(f1: Sequence[Fragment], f2: Sequence[Fragment], t1: frozenset[int], t2: frozenset[int]) -> bool:
    """Two sources share a word token (or, with no word tokens on either side, a character)."""
    if t1 and t2:
        return bool(t1 & t2)
    if not t1 and not t2:
        return chars_overlap(f1, f2)
    return False


@dataclass
class Side:
    """One attribution (gold or predicted) prepared for scoring."""

    frags: dict[str, list[Fragment]]
    norm: dict[str, frozenset[Fragment]]
    toks: dict[str, frozenset[int]]


def prepare(text: str, tokens: Tokens, frags: dict[str, list[Fragment]]) -> Side:
    return Side(
        frags=frags,
        norm={k: normalise(text, frags[k]) for k in SPAN_TYPES},
        toks={k: tokens.overlapping(frags[k]) for k in SPAN_TYPES},
    )
