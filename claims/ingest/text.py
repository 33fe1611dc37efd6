"""Plain-text reader, and the byte-level checks every reader shares.

Offsets downstream point into ``Article.text``, so the text is kept exactly as decoded: newlines
are not translated (``open(..., newline="")`` semantics) and only a leading byte-order mark is
dropped (and noted in ``Article.decoding``).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator

from claims.types import Article, IngestError

from .page import detect_page

MAX_FILE_BYTES = 5 * 1024 * 1024  # one article; bigger text or HTML files are almost never one article
SNIFF_BYTES = 8192  # how much of a file the binary check looks at
FORMATS_HINT = "claims reads plain text, HTML, JSONL and CSV"

_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_BINARY_CONTROL_SHARE = 0.3  # real text, even with stray escape codes, is nowhere near this


def describe_size(size: int) -> str:
    """Human-readable byte count, e.g. "6.2 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of a file look binary, or None when they look like text."""
    head = head[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text is full of NUL bytes but is still text
    if b"\x00" in head:
        return "NUL bytes in the first 8 KB"
    controls = sum(1 for byte in head if (byte < 32 and byte not in _TEXT_CONTROLS) or byte == 127)
    if head and controls / len(head) > _BINARY_CONTROL_SHARE:
        return f"{controls / len(head):.0%} control characters in the first 8 KB"
    return None


def binary_error(source: str, reason: str) -> IngestError:
    return IngestError(source, f"{source}: looks like a binary file ({reason}); {FORMATS_HINT}", kind="binary")


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and say how: ``(text, decoding)``.

    UTF-8 first (a leading BOM is dropped), then ``declared`` (an HTML charset) when given, then
    cp1252, then latin-1, which cannot fail. Raises UnicodeDecodeError only for a UTF-16 file
    whose BOM promises more than its bytes hold.
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8 (BOM removed)"
        except UnicodeDecodeError:
            data = body  # a BOM but not UTF-8 after all: fall back on what follows it
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16 (BOM removed)"  # the utf-16 codec consumes the BOM
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = None
        if codec and codec != "utf-8":
            try:
                return data.decode(codec), f"{codec} (declared by the page; not valid UTF-8)"
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("cp1252"), "cp1252 (fallback: not valid UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1 (fallback: not valid UTF-8 or cp1252)"


def decode_or_error(data: bytes, source: str, declared: str | None = None) -> tuple[str, str] | IngestError:
    """``decode_bytes`` with the failure turned into an IngestError."""
    try:
        return decode_bytes(data, declared)
    except UnicodeDecodeError as exc:
        return IngestError(
            source,
            f"{source}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason} at byte "
            f"{exc.start}); re-save it as UTF-8",
            kind="decoding",
        )


def os_error(source: str, exc: OSError) -> IngestError:
    """An IngestError for a file that could not be opened or read."""
    if isinstance(exc, FileNotFoundError):
        what = "no such file or folder; check the path (a file listed a moment ago was moved or deleted since)"
    elif isinstance(exc, IsADirectoryError):
        what = "is a folder, not a file; pass it to read_paths to read the files inside"
    elif isinstance(exc, PermissionError):
        what = "permission denied; check that you can read the file"
    else:
        what = f"could not be read ({exc.strerror or exc}); check the file and try again"
    return IngestError(source, f"{source}: {what}", kind="unreadable")


def load_bytes(path: str, limit: int | None = None) -> bytes | IngestError:
    """All of a file's bytes, or an IngestError when it is missing, unreadable or over ``limit``."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = os.stat(path).st_size
        if size > limit:
            return too_large_error(path, size, limit)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        return os_error(path, exc)
    if len(data) > limit:
        return too_large_error(path, len(data), limit)
    return data


def too_large_error(source: str, size: int, limit: int) -> IngestError:
    return IngestError(
        source,
        f"{source}: is {describe_size(size)}, over the {describe_size(limit)} limit for one article; "
        "split it into one file per article, or put many articles in a JSONL or CSV file",
        kind="too_large",
    )


def empty_error(source: str, what: str = "is empty") -> IngestError:
    return IngestError(source, f"{source}: {what}; there is no text to read, so it was skipped", kind="empty")


def text_from_bytes(data: bytes, source: str) -> Article | IngestError:
    """One plain-text article (or scraped page) from a file's bytes."""
    if not data:
        return empty_error(source)
    reason = binary_reason(data)
    if reason:
        return binary_error(source, reason)
    decoded = decode_or_error(data, source)
    if isinstance(decoded, IngestError):
        return decoded
    text, decoding = decoded
    if not text.strip():
        return empty_error(source, "holds only whitespace")
    page = detect_page(text)
    if page is None:
        return Article(text=text, source=source, format="txt", decoding=decoding)
    return Article(
        text=text,
        source=source,
        format="scraped_page",
        title=page.title,
        author=page.author,
        published=page.published,
        tags=page.tags,
        comment_count=page.comment_count,
        body_start=page.body_start,
        body_end=page.body_end,
        decoding=decoding,
    )


def read_text(path: str) -> Iterator[Article | IngestError]:
    """Read one plain-text file as one article; scraped-page layouts are recognised."""
    data = load_bytes(path)
    yield data if isinstance(data, IngestError) else text_from_bytes(data, path)
