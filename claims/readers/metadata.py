"""Metadata a plain-text (or HTML) article cannot carry itself: run-wide defaults and sidecars.

Two sources, for the fields ``publisher``, ``published``, ``title``, ``url``, ``author`` (and
``id`` for sidecars):

* :class:`ArticleDefaults`: given once for a run (``claims ingest --publisher ... --date ...``),
  filled into every article of the run that has no value of its own for that field;
* a **sidecar**: ``news/a.meta.json`` beside ``news/a.txt`` (or ``a.html``), a JSON object written
  for that one file.

Precedence, most specific first: the sidecar, then what the article itself carries (a JSONL/CSV
record's fields, an HTML page's metadata, a scraped page's date line and headline), then the run's
defaults. A run-wide value never overwrites what an article says of itself (an HTML page's site
name counts as its publisher); a sidecar, written by hand for one file, does (and a note says what
it replaced).

A sidecar that cannot be used (not JSON, not an object, an unknown key, a value of the wrong type,
a date that is not ISO) makes its article an ``IngestError`` of kind ``malformed_sidecar``: the
article is skipped, not stored without its metadata, so that fixing the sidecar and ingesting again
stores it once, under the right key (a sidecar's ``id`` or ``url`` is the article's key).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import re
from dataclasses import dataclass

from claims.types import Article, IngestError

from .text import clean_text, decode_or_error, load_bytes

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 64 * 1024
# Files a sidecar can describe: one article each (records carry their own fields).
SIDECAR_TARGETS = (".txt", ".text", ".html", ".htm")
# Sidecar key -> Article field. "date" and "published" are one field (--date; records say "published").
SIDECAR_KEYS = {
    "publisher": "publisher",
    "date": "published",
    "published": "published",
    "title": "title",
    "url": "url",
    "author": "author",
    "id": "external_id",
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
DATE_HINT = "use an ISO date like 2025-07-01, or an ISO date and time like 2025-07-01T09:30:00Z"


def iso_date(value: str) -> str:
    """``value`` (``YYYY-MM-DD`` or a full ISO date and time) as ``YYYY-MM-DD``; ValueError otherwise.

    Only the date is kept: ``articles.published`` is a day, as the other readers store it.
    """
    text = value.strip()
    try:
        if _ISO_DATE.fullmatch(text):
            return _dt.date.fromisoformat(text).isoformat()
        if _ISO_DATETIME.fullmatch(text):
            return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date ({DATE_HINT})") from None
    raise ValueError(f"{value!r} is not an ISO date ({DATE_HINT})")


@dataclass(frozen=True)
class ArticleDefaults:
    """Run-wide metadata for the articles that lack it (``claims ingest --publisher ...``).

    ``published`` is checked and kept as ``YYYY-MM-DD`` (ValueError for anything else). ``url``
    names one article: :func:`check_defaults` refuses it for a run that may read several.
    """

    publisher: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{item.name} must be a string, not {type(value).__name__}")
            if value is not None:
                value = clean_text(value)[0].strip() or None
                object.__setattr__(self, item.name, value)
        if self.published is not None:
            object.__setattr__(self, "published", iso_date(self.published))

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) is not None for item in dataclasses.fields(self))


_MANY_ARTICLE_EXTENSIONS = (".jsonl", ".ndjson", ".csv")


def check_defaults(paths: list[str], stdin_format: str, defaults: ArticleDefaults | None) -> None:
    """Raise ValueError when ``defaults`` cannot apply to this run: a URL for more than one article.

    The URL is an article's key (when it has no id), so one URL given to several articles would
    store them as one, each replacing the last. ``url`` is therefore refused unless the run reads
    exactly one file of one article (text or HTML, or ``-`` as txt or html).
    """
    if defaults is None or defaults.url is None:
        return
    advice = ("it names one article (the URL is an article's key, so articles given the same URL would be "
              "stored as one); ingest that article alone, or give each file its url in a sidecar "
              f"(a{SIDECAR_SUFFIX} beside a.txt) or each record its own url field")
    if len(paths) != 1:
        raise ValueError(f"--url needs exactly one input file, not {len(paths)}: {advice}")
    (path,) = paths
    if path == "-":
        if stdin_format.lower().lstrip(".") in ("jsonl", "ndjson", "csv"):
            raise ValueError(f"--url cannot be given to standard input read as {stdin_format}: {advice}")
        return
    if os.path.isdir(path):
        raise ValueError(f"--url cannot be given to a folder ({path}): {advice}")
    if os.path.splitext(path)[1].lower() in _MANY_ARTICLE_EXTENSIONS:
        raise ValueError(f"--url cannot be given to {path}, which holds one article per record: {advice}")


def is_sidecar(path: str) -> bool:
    return os.path.basename(path).lower().endswith(SIDECAR_SUFFIX)


def sidecar_path(path: str) -> str | None:
    """The sidecar of an article file (``a.txt`` -> ``a.meta.json``), or None for records and sidecars."""
    if is_sidecar(path):
        return None
    stem, extension = os.path.splitext(path)
    if extension.lower() in _MANY_ARTICLE_EXTENSIONS:
        return None
    return stem + SIDECAR_SUFFIX


def sidecar_partners(sidecar: str) -> list[str]:
    """The files beside ``sidecar`` that it describes (``a.meta.json`` -> ``a.txt``, ``a.html`` ...)."""
    stem = sidecar[: -len(SIDECAR_SUFFIX)]
    return [stem + extension for extension in SIDECAR_TARGETS if os.path.isfile(stem + extension)]


def orphan_sidecar_error(sidecar: str) -> IngestError:
    stem = os.path.basename(sidecar[: -len(SIDECAR_SUFFIX)])
    return IngestError(
        sidecar,
        f"{sidecar}: a metadata sidecar with no article beside it (looked for {stem}.txt, {stem}.html); "
        "name it after the .txt or .html file it describes, so a.meta.json describes a.txt. It was not read",
        kind="unsupported",
    )


def _malformed(sidecar: str, article: str, what: str) -> IngestError:
    return IngestError(
        article,
        f"{article}: its metadata sidecar {sidecar} {what}; the article was skipped so that it is not stored "
        "without its metadata. Fix the sidecar (or remove it) and ingest the article again",
        kind="malformed_sidecar",
    )


def read_sidecar(sidecar: str, article: str) -> dict[str, str] | IngestError:
    """The Article fields a sidecar gives (``{"published": "2025-07-01", ...}``), or its error."""
    data = load_bytes(sidecar, MAX_SIDECAR_BYTES)
    if isinstance(data, IngestError):
        return _malformed(sidecar, article, f"could not be read ({data.message.removeprefix(sidecar + ': ')})")
    decoded = decode_or_error(data, sidecar)
    if isinstance(decoded, IngestError):
        return _malformed(sidecar, article, "is not UTF-8 text")
    try:
        value = json.loads(decoded[0])
    except json.JSONDecodeError as exc:
        return _malformed(sidecar, article, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
    except (ValueError, RecursionError) as exc:
        return _malformed(sidecar, article, f"is not valid JSON ({type(exc).__name__})")
    if not isinstance(value, dict):
        return _malformed(sidecar, article, f'is a JSON {type(value).__name__}, not an object like {{"publisher": "..."}}')
    unknown = sorted(key for key in value if key not in SIDECAR_KEYS)
    if unknown:
        return _malformed(sidecar, article, f"has unknown key{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(map(repr, unknown))} (known: {', '.join(SIDECAR_KEYS)})")
    if "date" in value and "published" in value:
        return _malformed(sidecar, article, 'gives both "date" and "published"; keep one')
    fields: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue
        if key == "id" and isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            wanted = "a string or an integer" if key == "id" else "a string"
            return _malformed(sidecar, article, f'has "{key}" as a JSON {type(item).__name__}, not {wanted}')
        item = clean_text(item)[0].strip()
        if not item:
            return _malformed(sidecar, article, f'has "{key}" empty; fill it in or remove it')
        if SIDECAR_KEYS[key] == "published":
            try:
                item = iso_date(item)
            except ValueError as exc:
                return _malformed(sidecar, article, f'has "{key}" {exc}')
        fields[SIDECAR_KEYS[key]] = item
    return fields


def apply_metadata(article: Article, sidecar: dict[str, str] | None, defaults: ArticleDefaults | None) -> Article:
    """``article`` with the sidecar's fields over its own, and the defaults under both."""
    for name, value in (sidecar or {}).items():
        own = getattr(article, name)
        if own is not None and own != value:
            article.notes.append(f"{name} {own!r} replaced by {value!r} from the metadata sidecar")
        setattr(article, name, value)
    if defaults:
        for item in dataclasses.fields(defaults):
            value = getattr(defaults, item.name)
            own = getattr(article, item.name)
            if item.name == "publisher":
                own = own or article.site_name  # a page's site name is its own word on who publishes it
            if value is not None and own is None:
                setattr(article, item.name, value)
    return article
