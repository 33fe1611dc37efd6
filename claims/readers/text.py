"""Plain-text reader, and the byte-level checks every reader shares.

Offsets downstream point into ``Article.text``, so the text is kept exactly as decoded: newlines
are not translated (``open(..., newline="")`` semantics) and only a leading byte-order mark is
dropped (and noted in ``Article.decoding``).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from typing import BinaryIO

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


_BINARY_CONTROLS = bytes(byte for byte in range(32) if byte not in _TEXT_CONTROLS) + b"\x7f"


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary, or None when it looks like text.

    A NUL in the first 8 KB, or a large share of control bytes in the first 8 KB or in the whole
    of ``data``: a text file with a binary tail is binary too. A few stray controls further in
    are not binary; ``clean_text`` replaces them after decoding.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text is full of NUL bytes but is still text
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "NUL bytes in the first 8 KB"
    for part, where in ((head, "in the first 8 KB"), (data, "in the file")):
        controls = len(part) - len(part.translate(None, _BINARY_CONTROLS))
        if part and controls / len(part) > _BINARY_CONTROL_SHARE:
            return f"{controls / len(part):.0%} control characters {where}"
    return None


# Characters that cannot be stored or shown as text: C0 controls other than tab, newlines and form
# feed (SQLite cuts a text value at NUL), DEL, and the lone surrogates a JSON "\ud800" escape makes
# (they cannot be encoded as UTF-8 at all).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_NAMES = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL"}


def clean_text(text: str) -> tuple[str, str | None]:
    """``text`` with unstorable characters replaced one for one, and a note saying so (or None).

    Each control becomes a space and each lone surrogate U+FFFD, so the text keeps its length and
    every offset computed on it (the page layout, the NLP) is the same as on the input.
    """
    found = _UNSTORABLE.findall(text)
    if not found:
        return text, None
    surrogates = sum(1 for char in found if "\ud800" <= char <= "\udfff")
    controls = len(found) - surrogates
    names = sorted({_CONTROL_NAMES.get(ord(char), f"U+{ord(char):04X}") for char in found if char < "\ud800"})
    parts = []
    if controls:
        parts.append(f"{controls:,} control character{'s' if controls != 1 else ''} ({', '.join(names)}) replaced by spaces")
    if surrogates:
        parts.append(f"{surrogates:,} lone surrogate escape{'s' if surrogates != 1 else ''} replaced by U+FFFD")
    first = _UNSTORABLE.search(text)
    assert first is not None
    cleaned = _UNSTORABLE.sub(lambda match: " " if match.group() < "\ud800" else "\ufffd", text)
    return cleaned, f"{' and '.join(parts)}, the first at character {first.start():,}"


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
        # rot13, base64 and the like are codecs too, but not text encodings: bytes.decode refuses them.
        if codec and codec != "utf-8" and getattr(codecs.lookup(codec), "_is_text_encoding", True):
            try:
                return data.decode(codec), f"{codec} (declared by the page; not valid UTF-8)"
            except (UnicodeDecodeError, LookupError):
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
        what = "no such file or folder; check the path and the folder you run the command from"
    elif isinstance(exc, IsADirectoryError):
        what = "is a folder, not a file; pass it to read_paths to read the files inside"
    elif isinstance(exc, PermissionError):
        what = "permission denied; check that you can read the file"
    else:
        what = f"could not be read ({exc.strerror or exc}); check the file and try again"
    return IngestError(source, f"{source}: {what}", kind="unreadable")


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def open_regular(path: str) -> BinaryIO | IngestError:
    """``path`` opened for reading bytes, or an IngestError when it is not a regular file.

    Opening a named pipe blocks until something writes to it, so the file is opened without
    blocking and checked before anything is read; pipe input in through stdin (``-``) instead.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return os_error(path, exc)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(path)
            return IngestError(
                path,
                f"{path}: is {what}, not a regular file, so it was not read; save the input to a file, "
                "or pipe it in with - as the path",
                kind="unreadable",
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except OSError as exc:
        os.close(fd)
        return os_error(path, exc)
    except BaseException:
        os.close(fd)
        raise
    return handle  # type: ignore[return-value]


def load_bytes(path: str, limit: int | None = None) -> bytes | IngestError:
    """All of a file's bytes, or an IngestError when it is missing, unreadable, not a regular
    file or over ``limit``."""
    limit = MAX_FILE_BYTES if limit is None else limit
    handle = open_regular(path)
    if isinstance(handle, IngestError):
        return handle
    try:
        with handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                return too_large_error(path, size, limit)
            data = handle.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        return os_error(path, exc)
    if len(data) > limit:
        return too_large_error(path, len(data), limit)
    return data


def reader_failed(source: str, exc: BaseException, line: int | None = None, rest: str = "the other files are read") -> IngestError:
    """An IngestError for an input the reader itself failed on: the input is skipped, not the run."""
    where = f"{source}:{line}" if line is not None else source
    detail = str(exc)[:200]
    return IngestError(
        source,
        f"{where}: could not be read ({type(exc).__name__}{': ' + detail if detail else ''}); it was skipped "
        f"and {rest}. Check that it is a valid text, HTML, JSONL or CSV file; if it is, please report this "
        "as a bug in claims",
        line=line,
        kind="reader_failed",
    )


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
    text, note = clean_text(text)
    notes = [note] if note else []
    if not text.strip():
        return empty_error(source, "holds only whitespace")
    page = detect_page(text)
    if page is None:
        return Article(text=text, source=source, format="txt", decoding=decoding, notes=notes)
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
        notes=notes,
    )


def read_text(path: str) -> Iterator[Article | IngestError]:
    """Read one plain-text file as one article; scraped-page layouts are recognised."""
    data = load_bytes(path)
    yield data if isinstance(data, IngestError) else text_from_bytes(data, path)
