"""Quotation spans in article text, found from the quote marks alone.

Handles curly and straight double quotes, quotes that run over several sentences, and quotes
that run over paragraphs where each paragraph opens with a mark and only the last one closes.
Unbalanced marks never fail: an opening mark with no close ends at its paragraph's end.
Short quoted phrases without a verb-like length ("woke", scare quotes) are marked as such so
the rules can ignore them as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = {"“": "”", "«": "»", "„": "“"}
STRAIGHT = '"'
PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")
WORD = re.compile(r"\w+")


@dataclass
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or the end of the run when unclosed)
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end

    def words(self, text: str) -> int:
        s, e = self.inner
        return len(WORD.findall(text[s:e]))


# Two apostrophes standing for a double quote mark, as news archives and wire exports write them
# (''We will win,'' she said).
TWO_APOSTROPHES = re.compile(r"''")


def with_paired_apostrophes(text: str) -> str:
    """The text with each '' written as one straight quote mark beside a space, so that offsets
    stay the same and the mark stands next to the words it opens or closes: ''We -> ` "We`,
    win,'' -> `win," `."""
    def replace(match: re.Match[str]) -> str:
        following = text[match.end() : match.end() + 1]
        return ' "' if following and (following.isalnum() or following in "$[(…") else '" '

    return TWO_APOSTROPHES.sub(replace, text)


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[Quote]:
    """Double-quoted spans in text[start:end], in order, never nested. Two apostrophes count as a
    double quote mark (``with_paired_apostrophes``)."""
    end = len(text) if end is None else end
    text = with_paired_apostrophes(text)
    quotes: list[Quote] = []
    position = start
    while position < end:
        opening = _next_opening(text, position, end)
        if opening is None:
            break
        mark = text[opening]
        closing_mark = OPENING.get(mark, STRAIGHT)
        quote = _close(text, opening, closing_mark, end)
        quotes.append(quote)
        position = max(quote.end, opening + 1)
    return quotes


def _next_opening(text: str, position: int, end: int) -> int | None:
    for index in range(position, end):
        char = text[index]
        if char in OPENING:
            return index
        if char == STRAIGHT:
            return index
    return None


def _close(text: str, opening: int, closing_mark: str, end: int) -> Quote:
    """Find the closing mark; across a paragraph break only when the next paragraph reopens."""
    index = opening + 1
    while index < end:
        char = text[index]
        if char == closing_mark or (closing_mark == STRAIGHT and char == STRAIGHT):
            return Quote(opening, index + 1, True)
        if char == "\n":
            match = PARAGRAPH_BREAK.match(text, index)
            if match:
                following = match.end()
                if following < end and text[following] in set(OPENING) | {STRAIGHT}:
                    # A paragraph that opens with a quote mark continues the quote (newsroom convention).
                    index = following + 1
                    continue
                return Quote(opening, _trim_end(text, opening, index), False)
        index += 1
    return Quote(opening, _trim_end(text, opening, end), False)


def _trim_end(text: str, opening: int, index: int) -> int:
    while index > opening + 1 and text[index - 1].isspace():
        index -= 1
    return index


def is_scare_quote(text: str, quote: Quote) -> bool:
    """One to three words inside marks with no sentence punctuation: a scare quote or a title."""
    s, e = quote.inner
    inner = text[s:e].strip()
    return quote.words(text) <= 3 and not re.search(r"[.!?,;:]$", inner)
