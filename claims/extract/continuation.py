"""A quotation that runs over several sentences is one content.

The role tagger reads the cue's sentence and one on each side, and marks content sentence by
sentence; a quotation of several sentences (``He said: "S1. S2. S3."``, or one that runs over
paragraphs, each reopened with a mark) was cut at a sentence end, so a reader saw a third of
what was said. When the content the tagger marked lies inside a quotation, stops exactly at a
sentence end (or starts exactly at a sentence start) and the quotation goes on past it, the
content runs on to the quotation's end (or back to its start); so does content that opens before
a quotation and stops at a sentence end inside it (``told reporters that "A. B."``). Three more cases of the same kind:
a quotation that opens right after the cue's sentence continues the content (``"A," he said.
"B."``), and so does one that a colon right after the content introduces (``he recalled what
his parents told him: "..."``: PolNeAR's annotators took it in about three times in four).

Nothing runs past a sentence that holds another cue (``"B," he said with a grin.`` is that cue's
content), and the cue must be outside the quotation: a cue inside it is someone quoted within it.
"""

from __future__ import annotations

import bisect
import unicodedata

from claims.extract.quotes import Quote
from claims.types import Span


def through_quotation(content: list[Span], cue: list[Span], quotes: list[Quote], text: str,
                      sentence_bounds: list[tuple[int, int]], other_cues: list[int] = ()) -> list[Span]:
    """``content`` (merged, in order) run on through the quotations it stands in or that continue it.

    sentence_bounds: (start, end) of every sentence, in reading order; other_cues: where the
    article's other cues start (a sentence holding one is a bound).
    """
    if not content:
        return content
    starts = [start for start, _ in sentence_bounds]
    ends = [end for _, end in sentence_bounds]
    held = sorted({sentence_bounds[index] for index in (sentence_at(starts, ends, p) for p in other_cues)
                   if index is not None})
    content = list(content)
    last = content[-1]
    quote = enclosing_quote(quotes, last.start, last.end)
    if quote is not None and not inside(cue, quote):
        if cut_inside(quote, last, cue, text, ends):
            content[-1] = run_to_quote_end(last, quote, text, held)
        elif cue and quote.end <= cue[0].start:
            following = continuing_quote(quotes, text, cue[-1].end, ends)
            if following is not None and not any(following.start <= start < following.end for start, _ in held):
                start, end = inner_text_bounds(text, following)
                end = bound_before(text, held, start, end)
                if end > start:
                    content.append(Span(start, end))
    elif cut_inside(opened := quote_ending_in(quotes, last.start, last.end), last, cue, text, ends):
        # 'told reporters that "they hit Matt because he should have been much tougher. ... What
        # they are doing is gaming the system"': the content opens before the quotation and the
        # tagger cut it at a sentence end inside it
        content[-1] = run_to_quote_end(last, opened, text, held)
    else:
        introduced = quote_after_colon(quotes, text, last.end)
        if introduced is not None and not inside(cue, introduced):
            end = bound_before(text, held, last.end, inner_text_bounds(text, introduced)[1])
            content[-1] = Span(last.start, max(last.end, end))
    first = content[0]
    quote = enclosing_quote(quotes, first.start, first.end)
    if quote is not None and not inside(cue, quote):
        inner_start, _ = inner_text_bounds(text, quote)
        if inner_start < first.start and starts_sentence(text, first.start, starts) and \
                crosses_sentence(inner_start, first.start, ends):
            content[0] = Span(min(first.start, bound_after(text, held, inner_start, first.start)), first.end)
    return content


def sentence_at(starts: list[int], ends: list[int], position: int) -> int | None:
    """The index of the sentence that holds ``position``, or None."""
    index = bisect.bisect_right(starts, position) - 1
    return index if index >= 0 and position < ends[index] else None


def bound_before(text: str, held: list[tuple[int, int]], start: int, end: int) -> int:
    """``end``, or the end of the words before the first held sentence that starts within (start, end)."""
    for sentence_start, _ in held:
        if start < sentence_start < end:
            end = sentence_start
            while end > start and is_edge(text[end - 1]) and text[end - 1] not in "?!":
                end -= 1
            break
    return end


def bound_after(text: str, held: list[tuple[int, int]], start: int, end: int) -> int:
    """``start``, or the start of the words after the last held sentence that ends within (start, end)."""
    for _, sentence_end in reversed(held):
        if start < sentence_end < end:
            start = sentence_end
            while start < end and is_edge(text[start]):
                start += 1
            break
    return start


def quote_after_colon(quotes: list[Quote], text: str, end: int) -> Quote | None:
    """The quotation that a colon right after ``end`` introduces (``... what his parents told him:
    "In order to ..."``): PolNeAR's annotators took it into the content about three times in four."""
    position = end
    while position < len(text) and text[position] in " \t":
        position += 1
    if position < len(text) and text[position] == ":":
        position += 1
    elif not text[:end].rstrip().endswith(":"):
        return None
    opening = position
    while opening < len(text) and text[opening].isspace():
        opening += 1
    for quote in quotes:
        if quote.start == opening:
            return quote
    return None


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


def cut_inside(quote: Quote | None, last: Span, cue: list[Span], text: str, ends: list[int]) -> bool:
    """``last`` stops at a sentence end inside ``quote``, which goes on into another sentence, and
    the cue stands outside it."""
    if quote is None or inside(cue, quote):
        return False
    _, inner_end = inner_text_bounds(text, quote)
    return last.end < inner_end and ends_sentence(text, last.end, ends) and crosses_sentence(last.end, inner_end, ends)


def run_to_quote_end(last: Span, quote: Quote, text: str, held: list[tuple[int, int]]) -> Span:
    """``last`` run on to the end of the quotation's words, or to the sentence before a held one."""
    _, inner_end = inner_text_bounds(text, quote)
    return Span(last.start, max(last.end, bound_before(text, held, last.end, inner_end)))


def quote_ending_in(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quotation that opens inside (start, end) and goes on past ``end``."""
    for quote in quotes:
        if start < quote.start < end < quote.end:
            return quote
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
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and all(is_edge(char) for char in text[starts[index] : position])


def crosses_sentence(start: int, end: int, ends: list[int]) -> bool:
    """A sentence ends between ``start`` and ``end`` (the quotation goes on into another sentence)."""
    index = bisect.bisect_left(ends, start)
    return index < len(ends) and ends[index] < end
