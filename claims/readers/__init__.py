"""Read articles from files, folders and stdin: plain text, scraped pages, HTML, JSONL and CSV.

Every reader yields ``Article`` or ``IngestError`` and never raises for bad input, so one broken
file or record is reported and skipped while the rest of a corpus is read::

    for item in read_paths(["corpus/", "extra.jsonl"]):
        if isinstance(item, IngestError):
            print(item.message)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator

from claims.types import Article, IngestError

from .html import html_from_bytes, read_html
from .metadata import (
    ArticleDefaults,
    apply_metadata,
    check_defaults,
    is_sidecar,
    orphan_sidecar_error,
    read_sidecar,
    sidecar_partners,
    sidecar_path,
)
from .records import csv_from_bytes, jsonl_from_bytes, read_csv, read_jsonl
from .text import os_error, read_text, reader_failed, text_from_bytes

__all__ = ["ArticleDefaults", "KNOWN_EXTENSIONS", "STDIN", "STDIN_FORMATS", "batched", "read_file", "read_paths", "read_stdin"]

STDIN = "-"
STDIN_SOURCE = "<stdin>"

# Extension -> reader. Folders are searched for these; a file named explicitly with any other
# extension is read as plain text.
_READERS: dict[str, Callable[[str], Iterator[Article | IngestError]]] = {
    ".txt": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
}
KNOWN_EXTENSIONS = tuple(_READERS)


def _one(reader: Callable[[bytes, str], Article | IngestError]) -> Callable[[bytes, str], Iterator[Article | IngestError]]:
    def read(data: bytes, source: str) -> Iterator[Article | IngestError]:
        yield reader(data, source)

    return read


_STDIN_READERS: dict[str, Callable[[bytes, str], Iterator[Article | IngestError]]] = {
    "txt": _one(text_from_bytes),
    "text": _one(text_from_bytes),
    "html": _one(html_from_bytes),
    "htm": _one(html_from_bytes),
    "jsonl": jsonl_from_bytes,
    "ndjson": jsonl_from_bytes,
    "csv": csv_from_bytes,
}
STDIN_FORMATS = tuple(_STDIN_READERS)


def read_file(path: str, defaults: ArticleDefaults | None = None) -> Iterator[Article | IngestError]:
    """Read one file, choosing the reader by extension (unknown extensions are read as text).

    A text or HTML file's sidecar (``a.meta.json`` beside ``a.txt``) gives its metadata, over what
    the file says of itself; ``defaults`` fill in what neither gives (``claims.readers.metadata``).
    A sidecar named as a file is not an article: it is read with the file it describes.

    Never raises for what is in the file: if a reader fails in a way nobody foresaw, the file
    becomes one IngestError (after any articles already read from it).
    """
    if is_sidecar(path) and os.path.isfile(path):
        return iter([] if sidecar_partners(path) else [orphan_sidecar_error(path)])
    reader = _READERS.get(os.path.splitext(path)[1].lower(), read_text)
    return _guarded(path, lambda: _with_metadata(path, reader, defaults))


def _with_metadata(
    path: str, reader: Callable[[str], Iterator[Article | IngestError]], defaults: ArticleDefaults | None
) -> Iterator[Article | IngestError]:
    sidecar = sidecar_path(path)
    fields = None
    if sidecar is not None and os.path.lexists(sidecar):
        fields = read_sidecar(sidecar, path)
        if isinstance(fields, IngestError):
            yield fields
            return
    if fields is None and not defaults:
        yield from reader(path)
        return
    for item in reader(path):
        yield item if isinstance(item, IngestError) else apply_metadata(item, fields, defaults)


def _guarded(source: str, read: Callable[[], Iterator[Article | IngestError]]) -> Iterator[Article | IngestError]:
    try:
        yield from read()
    except Exception as exc:  # noqa: BLE001 - one broken input must not stop the run
        yield reader_failed(source, exc)


def read_stdin(stdin_format: str = "txt", defaults: ArticleDefaults | None = None) -> Iterator[Article | IngestError]:
    """Read stdin as ``stdin_format`` (txt, html, jsonl or csv); the source is ``<stdin>``."""
    reader = _stdin_reader(stdin_format)
    return _read_stdin(reader, defaults)


def _read_stdin(
    reader: Callable[[bytes, str], Iterator[Article | IngestError]], defaults: ArticleDefaults | None = None
) -> Iterator[Article | IngestError]:
    for item in _read_stdin_plain(reader):
        yield item if isinstance(item, IngestError) or not defaults else apply_metadata(item, None, defaults)


def _read_stdin_plain(reader: Callable[[bytes, str], Iterator[Article | IngestError]]) -> Iterator[Article | IngestError]:
    # Bytes, not text: text mode would translate "\r\n" and the offsets would no longer match
    # the input.
    try:
        buffer = getattr(sys.stdin, "buffer", None)
        data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
    except (OSError, ValueError) as exc:  # ValueError: stdin already closed
        yield IngestError(STDIN_SOURCE, f"{STDIN_SOURCE}: could not be read ({exc}); pipe the input in again")
        return
    yield from _guarded(STDIN_SOURCE, lambda: reader(data, STDIN_SOURCE))


def _stdin_reader(stdin_format: str) -> Callable[[bytes, str], Iterator[Article | IngestError]]:
    reader = _STDIN_READERS.get(stdin_format.lower().lstrip("."))
    if reader is None:
        raise ValueError(f"unknown stdin format {stdin_format!r}; use one of: {', '.join(STDIN_FORMATS)}")
    return reader


def read_paths(
    paths: list[str], stdin_format: str = "txt", defaults: ArticleDefaults | None = None
) -> Iterator[Article | IngestError]:
    """Read files, folders (recursively, in sorted order) and ``-`` (stdin, as ``stdin_format``).

    Yields articles and errors in input order and never raises for bad input; an unknown
    ``stdin_format``, or ``defaults`` with a URL for a run that may read several articles
    (``check_defaults``), is a caller's mistake and raises ValueError at once. ``defaults`` fill in
    the metadata an article and its sidecar do not give.
    """
    reader = _stdin_reader(stdin_format)
    paths = list(paths)
    check_defaults(paths, stdin_format, defaults)
    return _read_paths(paths, reader, defaults)


def _read_paths(
    paths: list[str],
    stdin_reader: Callable[[bytes, str], Iterator[Article | IngestError]],
    defaults: ArticleDefaults | None = None,
) -> Iterator[Article | IngestError]:
    for path in paths:
        if path == STDIN:
            yield from _read_stdin(stdin_reader, defaults)
        elif os.path.isdir(path):
            yield from _read_folder(path, defaults)
        else:
            yield from read_file(path, defaults)


def _read_folder(folder: str, defaults: ArticleDefaults | None = None) -> Iterator[Article | IngestError]:
    found = False
    for item in _walk(folder):
        if isinstance(item, IngestError):
            found = found or item.kind == "unsupported"
            yield item
            continue
        found = True
        for read in read_file(item, defaults):
            if isinstance(read, IngestError) and read.kind == "unreadable" and not os.path.lexists(item):
                read = IngestError(
                    item,
                    f"{item}: was listed in {folder} but is gone now (moved or deleted while the folder was "
                    "read); read it again from where it is now",
                    kind="unreadable",
                )
            yield read
    if not found:
        yield IngestError(
            folder,
            f"{folder}: folder holds no {', '.join(KNOWN_EXTENSIONS)} files; name other files explicitly "
            "to read them as plain text",
            kind="empty",
        )


def _walk(folder: str) -> Iterator[str | IngestError]:
    """Files with a known extension under ``folder``, depth first, each folder's entries sorted.

    A file of another type is an IngestError of kind ``unsupported``, so nothing is skipped
    without a word; a metadata sidecar (``a.meta.json``) is read with the file it describes, and
    is ``unsupported`` only when there is none; hidden entries (".git", ".DS_Store") are skipped silently, and so are links to
    folders (they can loop).
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield os_error(folder, exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            is_folder = is_file = False
        try:
            is_link = entry.is_symlink()
        except OSError:
            is_link = False
        extension = os.path.splitext(entry.name)[1].lower()
        if is_folder:
            yield from _walk(path)
        elif is_file and extension in _READERS:
            yield path
        elif is_file and is_sidecar(path):
            if not sidecar_partners(path):
                yield orphan_sidecar_error(path)
        elif is_file:
            yield IngestError(
                path,
                f"{path}: skipped because {'its extension ' + repr(extension) if extension else 'it has no extension'} "
                f"is not one claims reads from a folder ({', '.join(KNOWN_EXTENSIONS)}); name it explicitly "
                "to read it as plain text",
                kind="unsupported",
            )
        elif not is_folder and not is_link:  # a named pipe, socket or device: reading could block
            yield IngestError(
                path,
                f"{path}: skipped because it is not a regular file (a named pipe, socket or device); save the "
                "input to a file, or pipe it in with - as the path",
                kind="unsupported",
            )


def batched(items: Iterable[Article | IngestError], size: int) -> Iterator[list[Article | IngestError]]:
    """What ``read_paths`` yields, in lists of ``size`` (the last may be shorter), for batched annotation."""
    batch: list[Article | IngestError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
