"""Record readers: many articles in one file, as JSON Lines (``.jsonl``, ``.ndjson``) or CSV.

Each record needs ``text``; ``id``, ``title``, ``url``, ``published``, ``publisher`` and
``author`` are optional, other fields are ignored. A bad record becomes an IngestError with its
line number and the records around it are still read. Files are streamed line by line, so the
size limit applies to each record's text rather than to the file; a physical line longer than
``RECORD_LINE_FACTOR`` times that limit is skipped unread (JSON escapes can make a record's line
longer than its text, hence the headroom).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from claims.types import Article, IngestError

from . import text as _text
from .dates import parse_date
from .text import (
    SNIFF_BYTES,
    binary_error,
    binary_reason,
    clean_text,
    describe_size,
    empty_error,
    open_regular,
    reader_failed,
)

RECORD_LINE_FACTOR = 4  # a line or CSV field may be this many times the per-article limit
CSV_DELIMITERS = (",", ";", "\t", "|")  # tried on the header row; the one that finds "text" wins

# (physical line with its newline, how it was decoded, size in bytes when the line was over the
# limit and dropped: its text is then a bare newline, so line numbers still count it)
_Lines = Iterator[tuple[str, str, int | None]]
_Parser = Callable[[_Lines, str], Iterator["Article | IngestError"]]


def _decode_line(raw: bytes, first: bool) -> tuple[str, str]:
    bom = first and raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), "utf-8 (BOM removed)" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252 (fallback: not valid UTF-8)"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1 (fallback: not valid UTF-8 or cp1252)"


def max_line_bytes() -> int:
    return RECORD_LINE_FACTOR * _text.MAX_FILE_BYTES


def _lines(handle: BinaryIO, head: bytes) -> _Lines:
    """Decoded physical lines, newlines kept as they are; overlong lines are dropped unread.

    Decoding is per line so a file can be streamed; a UTF-8 character never spans a newline.
    """
    limit = max_line_bytes()
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        whole = handle.read().decode("utf-16")  # UTF-16 cannot be split on b"\n"
        for match in re.finditer(r"[^\n]*\n|[^\n]+\Z", whole):
            line = match.group()
            size = 2 * len(line)
            yield (line, "utf-16 (BOM removed)", None) if size <= limit else ("\n", "utf-16 (BOM removed)", size)
        return
    first = True
    while raw := handle.readline(limit + 1):
        if len(raw) > limit and not raw.endswith(b"\n"):
            # Read on to the end of the line without keeping it: memory stays bounded.
            size = len(raw)
            while chunk := handle.readline(1024 * 1024):
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield "\n", "utf-8", size
        else:
            yield (*_decode_line(raw, first), None)
        first = False


def _line_too_large(source: str, line: int, size: int) -> IngestError:
    return IngestError(
        source,
        f"{source}:{line}: the line is {describe_size(size)}, over the {describe_size(max_line_bytes())} limit "
        f"for one record (articles up to {describe_size(_text.MAX_FILE_BYTES)}); it was skipped unread, "
        "split the article into several records (the other records are read)",
        line=line,
        kind="too_large",
    )


def _value(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return clean_text(value)[0].strip() or None
    return None


def _record(fields: dict[str, object], source: str, line: int, decoding: str, fmt: str) -> Article | IngestError:
    where = f"{source}:{line}"
    if "text" not in fields:
        present = ", ".join(sorted(fields)) or "none"
        return IngestError(
            source,
            f'{where}: has no "text" field (fields: {present}); put the article text in "text"',
            line=line,
            kind="no_text",
        )
    text = fields["text"]
    if not isinstance(text, str):
        return IngestError(
            source,
            f'{where}: "text" is {type(text).__name__}, not a string; put the article text in "text" as a string',
            line=line,
            kind="no_text",
        )
    if not text.strip():
        return IngestError(
            source,
            f'{where}: "text" is empty; fill it in or remove the record (the other records are read)',
            line=line,
            kind="no_text",
        )
    text, note = clean_text(text)  # before encoding: a lone surrogate cannot be encoded
    size = len(text.encode("utf-8"))
    if size > _text.MAX_FILE_BYTES:
        return IngestError(
            source,
            f"{where}: the text is {describe_size(size)}, over the {describe_size(_text.MAX_FILE_BYTES)} "
            "limit for one article; split it into several records",
            line=line,
            kind="too_large",
        )
    published = _value(fields.get("published"))
    return Article(
        text=text,
        source=where,
        format=fmt,
        external_id=_value(fields.get("id")),
        title=_value(fields.get("title")),
        url=_value(fields.get("url")),
        published=(parse_date(published) or published) if published else None,
        publisher=_value(fields.get("publisher")),
        author=_value(fields.get("author")),
        decoding=decoding,
        notes=[note] if note else [],
    )


def _guarded_record(fields: dict[str, object], source: str, line: int, decoding: str, fmt: str) -> Article | IngestError:
    """``_record``, with any failure turned into this record's error so the next record is read."""
    try:
        return _record(fields, source, line, decoding, fmt)
    except Exception as exc:  # noqa: BLE001 - one odd record must not end the file
        return reader_failed(source, exc, line, rest="the other records are read")


def _parse_jsonl(lines: _Lines, source: str) -> Iterator[Article | IngestError]:
    seen = False
    for number, (line, decoding, dropped) in enumerate(lines, start=1):
        if dropped is not None:
            seen = True
            yield _line_too_large(source, number, dropped)
            continue
        if not line.strip():
            continue
        seen = True
        try:
            value = json.loads(line.rstrip("\r\n"))
        except RecursionError:
            yield IngestError(
                source,
                f"{source}:{number}: not valid as a record: JSON nested too deeply to read; write each record as "
                'one flat object, like {"text": "..."} (the other lines are read)',
                line=number,
                kind="malformed_json",
            )
            continue
        except json.JSONDecodeError as exc:
            yield IngestError(
                source,
                f"{source}:{number}: not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno}); fix or remove this "
                "line (the other lines are read)",
                line=number,
                kind="malformed_json",
            )
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            yield IngestError(
                source,
                f"{source}:{number}: not valid JSON ({exc}); fix or remove this line (the other lines are read)",
                line=number,
                kind="malformed_json",
            )
            continue
        if not isinstance(value, dict):
            yield IngestError(
                source,
                f'{source}:{number}: is a JSON {type(value).__name__}, not an object; write each record as '
                'one object per line, like {"text": "..."}',
                line=number,
                kind="malformed_json",
            )
            continue
        yield _guarded_record(value, source, number, decoding, "jsonl")
    if not seen:
        yield empty_error(source, "has no records (only blank lines)")


def _pick_delimiter(header_line: str) -> str:
    for delimiter in CSV_DELIMITERS:
        try:
            row = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:  # a header the csv module cannot read; the real parse reports it
            continue
        if "text" in (cell.strip().lower() for cell in row):
            return delimiter
    return ","


def _parse_csv(lines: _Lines, source: str) -> Iterator[Article | IngestError]:
    # Articles are long, over the csv module's default 128 KB field limit; the limit still bounds
    # the memory a field with an unclosed quote can take.
    csv.field_size_limit(min(sys.maxsize, max_line_bytes()))
    skipped = 0
    first: tuple[str, str, int | None] | None = None
    for first in lines:  # leading blank lines are not the header
        if first[0].strip() or first[2] is not None:
            break
        skipped += 1
    if first is None or first[2] is not None:
        yield empty_error(source, "has no header row and no records") if first is None else _line_too_large(
            source, skipped + 1, first[2] or 0
        )
        return
    if not first[0].strip():
        yield empty_error(source, "has no header row and no records")
        return
    fallbacks: dict[int, str] = {}  # physical line -> decoding, for lines that were not UTF-8
    dropped: dict[int, int] = {}  # physical line -> size, for lines over the limit
    quotes: dict[int, int] = {}  # physical line -> quote characters on it, for the current row
    at_end: list[bool] = []  # set once the csv module has asked past the last line

    def feed() -> Iterator[str]:
        for number, (line, decoding, size) in enumerate(_chain(first, lines), start=skipped + 1):
            if not decoding.startswith("utf-8"):
                fallbacks[number] = decoding
            if size is not None:
                dropped[number] = size
            quotes[number] = line.count('"')
            yield line
        at_end.append(True)

    def unclosed_quote(start: int) -> IngestError | None:
        # The csv module ends a quoted field that is never closed at the end of the file, silently
        # taking every line after the opening quote as its text. A row that only ended because the
        # file did, with an odd number of quote characters, is such a row.
        end = skipped + reader.line_num
        if not at_end or sum(quotes.get(n, 0) for n in range(start, end + 1)) % 2 == 0:
            return None
        return IngestError(
            source,
            f"{source}:{start}: a quote opened in this row is never closed, so lines {start}-{end} were read as "
            "one field; close the quote (the rows before were read)",
            line=start,
            kind="malformed_csv",
        )

    def overlong(start: int) -> IngestError | None:
        end = skipped + reader.line_num
        size = next((dropped[n] for n in range(start, end + 1) if n in dropped), None)
        return None if size is None else _line_too_large(source, start, size)

    reader = csv.reader(feed(), delimiter=_pick_delimiter(first[0]))
    header_line = skipped + 1
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except csv.Error as exc:
        yield IngestError(
            source,
            f"{source}:{header_line}: the header row could not be parsed ({exc}); fix it and read the file again",
            line=header_line,
            kind="malformed_csv",
        )
        return
    if "text" not in header:
        found = ", ".join(cell for cell in header if cell) or "none"
        yield IngestError(
            source,
            f'{source}:{header_line}: the header has no "text" column (columns: {found}); name the column '
            'holding the article text "text"',
            line=header_line,
            kind="no_text",
        )
        return
    seen = False
    utf8 = "utf-8 (BOM removed)" if first[1] == "utf-8 (BOM removed)" else "utf-8"
    while True:
        start = skipped + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            seen = True
            if "field larger than field limit" in str(exc):
                # The csv module drops the rest of the line and would read the rest of the field
                # as rows of its own: stop here rather than report garbage.
                yield IngestError(
                    source,
                    f"{source}:{start}: a field is over the {describe_size(max_line_bytes())} limit (often a quote "
                    "that is never closed); the rest of the file was not read. Close the quote or split the "
                    "record, and read the file again",
                    line=start,
                    kind="too_large",
                )
                return
            yield overlong(start) or IngestError(
                source,
                f"{source}:{start}: the CSV could not be parsed here ({exc}); fix the row (the other rows are read)",
                line=start,
                kind="malformed_csv",
            )
            continue
        for number in [n for n in quotes if n < start]:
            del quotes[number]
        if (too_large := overlong(start) or unclosed_quote(start)) is not None:
            seen = True
            yield too_large
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        seen = True
        if len(row) != len(header):
            yield IngestError(
                source,
                f"{source}:{start}: has {len(row)} fields but the header has {len(header)}; quote fields that "
                "contain the delimiter, quotes or line breaks (the other rows are read)",
                line=start,
                kind="malformed_csv",
            )
            continue
        end = skipped + reader.line_num
        decoding = next((fallbacks[n] for n in range(start, end + 1) if n in fallbacks), utf8)
        yield _guarded_record(dict(zip(header, row)), source, start, decoding, "csv")
    if not seen:
        yield empty_error(source, "has a header row but no records")


def _chain(first: tuple[str, str, int | None], rest: Iterable[tuple[str, str, int | None]]) -> _Lines:
    yield first
    yield from rest


def _read(handle: BinaryIO, source: str, parse: _Parser) -> Iterator[Article | IngestError]:
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if not head:
        yield empty_error(source)
        return
    reason = binary_reason(head)
    if reason:
        yield binary_error(source, reason)
        return
    try:
        yield from parse(_lines(handle, head), source)
    except UnicodeDecodeError as exc:
        yield IngestError(
            source,
            f"{source}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason}); "
            "re-save it as UTF-8",
            kind="decoding",
        )
    except OSError as exc:
        yield _text.os_error(source, exc)
    except Exception as exc:  # noqa: BLE001 - whatever a broken file does, the next file is read
        yield reader_failed(source, exc, rest="the rest of this file was not read; the other files are read")


def _read_path(path: str, parse: _Parser) -> Iterator[Article | IngestError]:
    handle = open_regular(path)
    if isinstance(handle, IngestError):
        yield handle
        return
    with handle:
        yield from _read(handle, path, parse)


def read_jsonl(path: str) -> Iterator[Article | IngestError]:
    """Read a JSON Lines file: one article per line."""
    return _read_path(path, _parse_jsonl)


def read_csv(path: str) -> Iterator[Article | IngestError]:
    """Read a CSV file with a header row: one article per row."""
    return _read_path(path, _parse_csv)


def jsonl_from_bytes(data: bytes, source: str) -> Iterator[Article | IngestError]:
    """Read JSON Lines held in memory (stdin)."""
    return _read(io.BytesIO(data), source, _parse_jsonl)


def csv_from_bytes(data: bytes, source: str) -> Iterator[Article | IngestError]:
    """Read CSV held in memory (stdin)."""
    return _read(io.BytesIO(data), source, _parse_csv)
