"""A quotation that runs over several sentences is one content.

The role tagger reads the cue's sentence and one on each side, and marks content sentence by
sentence; a quotation of several sentences (``He said: "S1. S2. S3."``, or one that runs over
paragraphs, each reopened with a mark) was cut at a sentence end, so a reader saw a third of
what was said. When the content the tagger marked lies inside a quotation, stops exactly at a
sentence end (or starts exactly at a sentence start) and the quotation goes on past it, the
content runs on to the quotation's end (or back to its start). The cue must be outside the
quotation: a cue inside it is someone quoted within the quote.
"""

from __future__ import annotations

import bisect
import unicodedata

from claims.extract.quotes import Quote
from claims.types import Span


def through_quotation(content: list[Span], cue: list[Span], quotes: list[Quote], text: str,
                      sentence_bounds: list[tuple[int, int]]) -> list[Span]:
    """``content`` (merged, in order) run on to the ends of the quotations it stands in, and on into
    the quotation that continues it after the cue (``"A," he said. "B. C."``: A, then B and C)."""
    if not content:
        return content
    starts = sorted(start for start, _ in sentence_bounds)
    ends = sorted(end for _, end in sentence_bounds)
    content = list(content)
    last = content[-1]
    quote = enclosing_quote(quotes, last.start, last.end)
    if quote is not None and not inside(cue, quote):
        inner_start, inner_end = inner_text_bounds(text, quote)
        if last.end < inner_end and ends_sentence(text, last.end, ends) and crosses_sentence(last.end, inner_end, ends):
            content[-1] = Span(last.start, inner_end)
        elif cue and quote.end <= cue[0].start:
            following = continuing_quote(quotes, text, cue[-1].end, ends)
            if following is not None:
                content.append(Span(*inner_text_bounds(text, following)))
    first = content[0]
    quote = enclosing_quote(quotes, first.start, first.end)
    if quote is not None and not inside(cue, quote):
        inner_start, _ = inner_text_bounds(text, quote)
        if inner_start < first.start and starts_sentence(text, first.start, starts) and \
                crosses_sentence(inner_start, first.start, ends):
            content[0] = Span(inner_start, first.end)
    return content


def inside(cue: list[Span], quote: Quote) -> bool:
    return any(quote.start <= span.start < quote.end for span in cue)


def continuing_quote(quotes: list[Quote], text: str, cue_end: int, ends: list[int]) -> Quote | None:
    """The quotation that opens right after the cue's sentence ends, in the same paragraph, and
    ends its own sentence (so no other speaker's cue follows it): ``"A," he said. "B."``."""
    index = bisect.bisect_left(ends, cue_end)
    if index >= len(ends):
        return None
    sentence_end = ends[index]
    for quote in quotes:
        if quote.start < sentence_end:
            continue
        between = text[sentence_end : quote.start]
        if between.strip() or "\n" in between:
            return None
        after = bisect.bisect_left(ends, quote.end)
        closing = text[quote.end : ends[after]] if after < len(ends) else ""
        return quote if all(is_edge(char) or char in "?!" for char in closing) else None
    return None


def enclosing_quote(quotes: list[Quote], start: int, end: int) -> Quote | None:
    for quote in quotes:  # the marks count as inside: the tagger often marks them with the words
        if quote.start <= start and end <= quote.end:
            return quote
    return None


def inner_text_bounds(text: str, quote: Quote) -> tuple[int, int]:
    """The quotation's words without the marks or the space and punctuation at its edges."""
    start, end = quote.inner
    while start < end and is_edge(text[start]):
        start += 1
    while end > start and is_edge(text[end - 1]):
        end -= 1
    return start, end


def is_edge(char: str) -> bool:
    return char.isspace() or (unicodedata.category(char).startswith("P") and char not in "?!")


def ends_sentence(text: str, position: int, ends: list[int]) -> bool:
    """Only punctuation and space lie between ``position`` and the end of its sentence."""
    index = bisect.bisect_left(ends, position)
    return index < len(ends) and all(is_edge(char) or char in "?!" for char in text[position : ends[index]])


def starts_sentence(text: str, position: int, starts: list[int]) -> bool:
    """Only punctuation and space lie between the start of ``position``'s sentence and it."""
    index = bisect.bisect_right(sorted(starts), position) - 1
    return index >= 0 and all(is_edge(char) for char in text[sorted(starts)[index] : position])


def crosses_sentence(start: int, end: int, ends: list[int]) -> bool:
    """A sentence ends between ``start`` and ``end`` (the quotation goes on into another sentence)."""
    index = bisect.bisect_left(ends, start)
    return index < len(ends) and ends[index] < end
