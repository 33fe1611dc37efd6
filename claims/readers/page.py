"""Recognise a scraped news page saved as text, from the shape of its lines.

The shape (blank lines between lines are ignored)::

    July 1, 2025                      a short line that is only a date
    Syria and Russia Intensify ...    a short headline (not a sentence ending in ".")
    0                                 optional: a comment count
    syria and russia                  optional: a short lowercase tag line
    By Jane Doe                       optional: a byline
    Syrian and Russian air forces ... the body
    ...
    About The Author                  page chrome from the first chrome line to the end
    Leave a Reply

The text itself is never changed; only ``body_start`` / ``body_end`` mark the part that yields
claims. ``body_start`` is the first character of the body; ``body_end`` is where the chrome's
first line begins (so the blank lines between body and chrome belong to the body, as in the
seed's gold ``body_span``), or the end of the text when there is no chrome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import parse_date

MAX_DATE_LINE_CHARS = 60
MAX_HEADLINE_CHARS = 200
MAX_TAG_LINE_CHARS = 100
MAX_BYLINE_CHARS = 80

_COMMENT_COUNT = re.compile(r"(?:(?P<count>\d{1,6})(?:\s+comments?)?|no\s+comments?)", re.IGNORECASE)
_TAG_SEPARATORS = re.compile(r"\s*[,|;•·]\s*")
_BYLINE = re.compile(r"by\s+(?P<author>\S+(?:\s+\S+){0,5})", re.IGNORECASE)  # "By Jane Doe", a few words

# Whole lines (compared casefolded, trailing ":" / "*" / space ignored) that start page chrome.
_CHROME_LINES = re.compile(
    r"about the author|leave a (?:reply|comment)|share(?: this(?: (?:post|article|story))?)?"
    r"|related(?: posts| articles| stories| news)|like this|like loading\.*|loading\.*"
    r"|comments?|\d+ comments?|no comments|you (?:may|might) also like|post navigation"
    r"|(?:previous|next) (?:post|article|story)|cancel reply|post comment"
    r"|(?:share|follow us) on .{1,30}"
)
# Chrome lines known by how they begin (their ends vary by site).
_CHROME_PREFIXES = (
    "your email address will not be published",
    "required fields are marked",
    "click to share",
    "click to print",
    "click to email",
    "save my name, email",
)


@dataclass
class PageLayout:
    """What the layout told us; offsets are into the unchanged text."""

    published: str
    title: str
    body_start: int
    body_end: int
    comment_count: int | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None


@dataclass
class _Line:
    line_start: int  # offset where the line begins, leading spaces included
    start: int  # offset of the first non-space character
    text: str  # stripped


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text`` with their offsets (any newline convention)."""
    lines = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        stripped = content.strip()
        if stripped:
            lead = len(content) - len(content.lstrip())
            lines.append(_Line(offset, offset + lead, stripped))
        offset += len(raw)
    return lines


def is_chrome(line: str) -> bool:
    """True for a line that is page furniture rather than article text ("Leave a Reply")."""
    key = line.casefold().rstrip(" :*")
    return bool(_CHROME_LINES.fullmatch(key)) or key.startswith(_CHROME_PREFIXES)


def _is_headline(line: str) -> bool:
    return (
        len(line) <= MAX_HEADLINE_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith((".", ",", ";", ":"))  # a sentence, not a headline
        and parse_date(line) is None
        and not is_chrome(line)
    )


def _comment_count(line: str) -> int | None:
    match = _COMMENT_COUNT.fullmatch(line)
    if not match:
        return None
    return int(match["count"]) if match["count"] else 0


def _byline(line: str) -> str | None:
    if len(line) > MAX_BYLINE_CHARS or line.endswith((".", "!", "?", ",", ";", ":")):  # "By noon, ..."
        return None
    match = _BYLINE.fullmatch(line)
    return match["author"] if match else None


def _tags(line: str) -> list[str] | None:
    if (
        len(line) > MAX_TAG_LINE_CHARS
        or line != line.lower()
        or not any(ch.isalpha() for ch in line)
        or line.endswith((".", "!", "?"))
        or is_chrome(line)
    ):
        return None
    tags = [tag for tag in _TAG_SEPARATORS.split(line) if tag]
    return tags or None


def detect_page(text: str) -> PageLayout | None:
    """The scraped-page layout of ``text``, or None when it does not have that shape."""
    lines = _lines(text)
    if len(lines) < 3 or len(lines[0].text) > MAX_DATE_LINE_CHARS:
        return None
    published = parse_date(lines[0].text)
    if published is None or not _is_headline(lines[1].text):
        return None
    title = lines[1].text
    index = 2
    comment_count: int | None = None
    tags: list[str] = []
    author: str | None = None
    # Up to three short metadata lines, a comment count, a byline and a tag line, in any order.
    for _ in range(3):
        if index >= len(lines) - 1:  # keep at least one line for the body
            break
        line = lines[index].text
        if comment_count is None and (count := _comment_count(line)) is not None:
            comment_count = count
        elif author is None and (byline := _byline(line)):
            author = byline
        elif not tags and (found := _tags(line)):
            tags = found
        else:
            break
        index += 1
    while index < len(lines) and is_chrome(lines[index].text):  # share buttons above the body
        index += 1
    if index >= len(lines):
        return None
    # The body runs up to the line where the chrome begins (the blank lines before it included),
    # or to the end of the text when there is no chrome.
    body_end = len(text)
    for line in lines[index + 1 :]:
        if is_chrome(line.text):
            body_end = line.line_start
            break
    return PageLayout(
        published=published,
        title=title,
        body_start=lines[index].start,
        body_end=body_end,
        comment_count=comment_count,
        tags=tags,
        author=author,
    )
