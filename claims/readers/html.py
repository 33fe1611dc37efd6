"""HTML reader: trafilatura finds the main text and the metadata.

``Article.text`` is the extracted main text with paragraphs separated by blank lines; offsets
point into that text, not into the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claims.types import Article, IngestError

from .dates import parse_date
from .text import binary_error, binary_reason, clean_text, decode_or_error, empty_error, load_bytes

# On a page with no article trafilatura falls back to whatever text it finds (menus, a cookie
# banner); fewer words than this is not an article.
MIN_HTML_WORDS = 12

# trafilatura's time grows with the number of elements, about 0.1 ms each: 5 MB of "<p>x" took
# minutes. A news page has a few thousand elements; past this many the page is refused unparsed,
# which keeps any page under about 5 seconds.
MAX_HTML_ELEMENTS = 50_000
_ELEMENT = re.compile(r"<[A-Za-z]")

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _extract(html: str) -> dict[str, object] | None:
    import trafilatura  # imported here: a quarter of a second that text-only runs need not pay

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,  # readers' comments are not the article
        include_tables=False,  # table cells come out as run-together fragments, not sentences
    )
    if document is None:
        return None
    return document if isinstance(document, dict) else document.as_dict()


def _string(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_text(value)[0].strip() or None


def _iso_date(value: str | None) -> str | None:
    return (parse_date(value) or value) if value else None


def _string_list(value: object) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [clean_text(item)[0].strip() for item in value if isinstance(item, str) and item.strip()]


def html_from_bytes(data: bytes, source: str) -> Article | IngestError:
    """One article from the bytes of an HTML page."""
    if not data.strip():
        return empty_error(source)
    reason = binary_reason(data)
    if reason:
        return binary_error(source, reason)
    decoded = decode_or_error(data, source, declared=_declared_charset(data))
    if isinstance(decoded, IngestError):
        return decoded
    html, decoding = decoded
    # Controls are removed before lxml sees the page (it stops at a NUL); Article.text is the
    # extracted text, so its offsets do not depend on the HTML.
    html, note = clean_text(html)
    if not html.strip():
        return empty_error(source, "holds only whitespace")
    elements = sum(1 for _ in _ELEMENT.finditer(html))
    if elements > MAX_HTML_ELEMENTS:
        return IngestError(
            source,
            f"{source}: has {elements:,} HTML elements, over the {MAX_HTML_ELEMENTS:,} limit (an article page has a "
            "few thousand), so it was not parsed; save the article page itself, or paste its text into a .txt file",
            kind="too_large",
        )
    try:
        found = _extract(html)
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura raise many types on broken markup
        return IngestError(
            source,
            f"{source}: the HTML could not be parsed ({type(exc).__name__}: {exc}); check that it is a web page",
            kind="no_text",
        )
    paragraphs = [line.strip() for line in str((found or {}).get("text") or "").splitlines() if line.strip()]
    words = sum(len(paragraph.split()) for paragraph in paragraphs)
    if words < MIN_HTML_WORDS:
        return IngestError(
            source,
            f"{source}: no main text found in the HTML ({words} words outside menus and boilerplate); "
            "save the article page itself, or paste its text into a .txt file",
            kind="no_text",
        )
    assert found is not None
    text = clean_text("\n\n".join(paragraphs))[0]
    title = _string(found.get("title"))
    body_start = 0
    if title and len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
        body_start = len(paragraphs[0]) + 2  # the headline repeated as the first line is not body
    return Article(
        text=text,
        source=source,
        format="html",
        title=title,
        url=_string(found.get("url")),
        published=_iso_date(_string(found.get("date"))),
        author=_string(found.get("author")),
        site_name=_string(found.get("sitename")),
        tags=list(dict.fromkeys(_string_list(found.get("categories")) + _string_list(found.get("tags")))),
        body_start=body_start,
        decoding=decoding,
        notes=[note] if note else [],
    )


def read_html(path: str) -> Iterator[Article | IngestError]:
    """Read one HTML page as one article."""
    data = load_bytes(path)
    yield data if isinstance(data, IngestError) else html_from_bytes(data, path)
