"""Record readers: many articles in one file, as JSON Lines (``.jsonl``, ``.ndjson``) or CSV.

Each record needs ``text``; ``id``, ``title``, ``url``, ``published``, ``publisher`` and
``author`` are optional, other fields are ignored. A bad record becomes an IngestError with its
line number and the records around it are still read. Files are streamed line by line, so the
size limit applies to each record's text rather than to the file.
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
from .text import SNIFF_BYTES, binary_error, binary_reason, describe_size, empty_error, os_error

FIELDS = ("text", "id", "title", "url", "published", "publisher", "author")
CSV_DELIMITERS = (",", ";", "\t", "|")  # tried on the header row; the one that finds "text" wins

_Lines = Iterator[tuple[str, str]]  # (physical line with its newline, how it was decoded)
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


def _lines(handle: BinaryIO, head: bytes) -> _Lines:
    """Decoded physical lines, newlines kept as they are.

    Decoding is per line so a file can be streamed; a UTF-8 character never spans a newline.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        whole = handle.read().decode("utf-16")  # UTF-16 cannot be split on b"\n"
        for match in re.finditer(r"[^\n]*\n|[^\n]+\Z", whole):
            yield match.group(), "utf-16 (BOM removed)"
        return
    for number, raw in enumerate(handle):
        yield _decode_line(raw, number == 0)


def _value(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
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
    )


def _parse_jsonl(lines: _Lines, source: str) -> Iterator[Article | IngestError]:
    seen = False
    for number, (line, decoding) in enumerate(lines, start=1):
        if not line.strip():
            continue
        seen = True
        try:
            value = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield IngestError(
                source,
                f"{source}:{number}: not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno}); fix or remove this "
                "line (the other lines are read)",
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
        yield _record(value, source, number, decoding, "jsonl")
    if not seen:
        yield empty_error(source, "has no records (only blank lines)")


def _pick_delimiter(header_line: str) -> str:
    for delimiter in CSV_DELIMITERS:
        row = next(csv.reader([header_line], delimiter=delimiter), [])
        if "text" in (cell.strip().lower() for cell in row):
            return delimiter
    return ","


def _parse_csv(lines: _Lines, source: str) -> Iterator[Article | IngestError]:
    # Articles are long; the csv module's default 128 KB field limit is not.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    skipped = 0
    first: tuple[str, str] | None = None
    for first in lines:  # leading blank lines are not the header
        if first[0].strip():
            break
        skipped += 1
    if first is None or not first[0].strip():
        yield empty_error(source, "has no header row and no records")
        return
    fallbacks: dict[int, str] = {}  # physical line -> decoding, for lines that were not UTF-8

    def feed() -> Iterator[str]:
        for number, (line, decoding) in enumerate(_chain(first, lines), start=skipped + 1):
            if not decoding.startswith("utf-8"):
                fallbacks[number] = decoding
            yield line

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
            yield IngestError(
                source,
                f"{source}:{start}: the CSV could not be parsed here ({exc}); fix the row (the other rows are read)",
                line=start,
                kind="malformed_csv",
            )
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
        yield _record(dict(zip(header, row)), source, start, decoding, "csv")
    if not seen:
        yield empty_error(source, "has a header row but no records")


def _chain(first: tuple[str, str], rest: Iterable[tuple[str, str]]) -> _Lines:
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


def _read_path(path: str, parse: _Parser) -> Iterator[Article | IngestError]:
    try:
        with open(path, "rb") as handle:
            yield from _read(handle, path, parse)
    except OSError as exc:
        yield os_error(path, exc)


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
