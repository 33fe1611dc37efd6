"""Browse claims databases in Datasette, with the packaged ``datasette-metadata.json``.

The metadata file describes one database named ``claims`` (the name Datasette gives
``claims.db``). Datasette names a database after its file, so :func:`metadata_for` gives that
block to the name of every file actually served: ``news.db`` gets the same titles, facets and
canned queries, and the dashboards' charts query it. Several files (one per source or month,
``claims-2024-01.db``, ``claims-2024-02.db``) are served together, each with the block under its
own name; the dashboards chart the first, and with ``--crossdb`` SQL on the ``_memory`` database
can read them all (Datasette attaches the first ten).

A database of more than :data:`LARGE_CLAIMS` claims is served without the default facets of the
tables and views with a row per claim (:data:`CLAIM_TABLES`), and every database with facet
suggestions off (:data:`DEFAULT_SETTINGS`): both cost seconds a page on a million claims.
"""

from __future__ import annotations

import copy
import json
import signal
import sqlite3
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claims.store import StoreError, open_db

if TYPE_CHECKING:
    from collections.abc import Iterable

    from datasette.app import Datasette

__all__ = [
    "ServeError",
    "database_name",
    "database_names",
    "make_datasette",
    "metadata_for",
    "metadata_path",
    "serve",
    "serve_command",
]

METADATA_DATABASE = "claims"  # the database name used inside datasette-metadata.json
# With several files, Datasette attaches each to its _memory database under the file's name
# (--crossdb): SQLite keeps "main" and "temp" for itself, and Datasette names its own databases
# "_memory" and "_internal" (a file of that name would be renamed "_memory_2").
RESERVED_NAMES = frozenset({"main", "temp", "_memory", "_internal"})
# Datasette settings for claims databases, which reach a million claims (issue 15, part 5): facet
# suggestions try a facet on every column of a page (33 for the claims table, each a GROUP BY over
# every claim: 4 s a page), and for a view re-run its count without the time limit's safety net,
# failing the page. The facets the metadata names are still computed, and any column can still be
# faceted from its menu. Settings the user gives (``--setting``, ``settings=``) win.
# And no cap on a CSV's size (Datasette's max_csv_mb, 100 MB by default, ends a "download all" of
# 200,000 claims part way): every "download all" link gives all rows.
DEFAULT_SETTINGS: dict[str, Any] = {"suggest_facets": False, "max_csv_mb": 0}
# Above this many claims the tables and views with a row per claim (or a group of claims) are served
# without their default facets: each is a GROUP BY over every claim (through the views' joins), a
# second or more on a million claims, which would time out on every page load. Any column can
# still be faceted from its menu, which is quick once the rows are filtered (a speaker, a channel).
LARGE_CLAIMS = 100_000
CLAIM_TABLES = ("claims", "claims_view", "claims_readable", "speaker_roles", "anonymous_sources")
# The canned queries that list claims show PAGE_SIZE rows a page, chosen by their page parameter:
# Datasette renders every row a canned query returns (up to max_returned_rows, 1,000), 0.2 s of a
# page for 1,000 rows of 11 columns. Most page through the claims' ids in their SQL, with this
# clause; a query marked "paged" in datasette-metadata.json gets it added to the end of its SQL
# (which ends in ORDER BY) when served (claims.datasette_plugin.paged_query), so the file's SQL
# stays runnable with the query's own parameters alone.
PAGE_SIZE = 100
PAGE_CLAUSE = f"limit {PAGE_SIZE} offset {PAGE_SIZE} * (max(coalesce(cast(nullif(:page, '') as integer), 1), 1) - 1)"


class ServeError(StoreError):
    """Files that cannot be served together in one Datasette; the message says why and what to do."""


def metadata_path() -> Path:
    """Path of the packaged ``datasette-metadata.json``."""
    return Path(str(resources.files("claims").joinpath("data/datasette-metadata.json")))


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def database_names(db_paths: Iterable[str | Path]) -> list[str]:
    """The names Datasette gives ``db_paths`` (their stems), in order.

    Raises :class:`ServeError` when two different files would get the same name (Datasette would
    serve the second as ``name_2``, without its metadata) or, for several files, when a name is
    one SQLite or Datasette keeps for itself. Names are compared without case, as SQLite compares
    the names of attached databases. The same file given twice counts once.
    """
    paths = _unique(db_paths)
    if not paths:
        raise ServeError("no database to serve: give at least one claims database file")
    names: dict[str, Path] = {}
    for path in paths:
        name = database_name(path)
        if name.lower() in names:
            raise ServeError(
                f"{names[name.lower()]} and {path} would both be served as the database {name!r}: "
                "Datasette names a database after its file, so rename one of them"
            )
        if len(paths) > 1 and name.lower() in RESERVED_NAMES:
            raise ServeError(f"{path} cannot be served beside other databases under the name {name!r}: rename it")
        names[name.lower()] = path
    return [database_name(path) for path in paths]


def metadata_for(*db_paths: str | Path) -> dict[str, Any]:
    """The packaged metadata with its database block given to every file of ``db_paths``.

    Each file gets its own copy of the block (titles, facets, search, canned queries) under its
    name, without the facets of :data:`CLAIM_TABLES` when it holds more than :data:`LARGE_CLAIMS`
    claims; the dashboards chart the first file. Raises :class:`ServeError` as
    :func:`database_names` does.
    """
    metadata: dict[str, Any] = json.loads(metadata_path().read_text(encoding="utf-8"))
    names = database_names(db_paths)
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases:
        block = databases.pop(METADATA_DATABASE)
        for name, path in zip(names, _unique(db_paths)):
            databases[name] = copy.deepcopy(block)
            if claim_count(path) > LARGE_CLAIMS:
                for table in CLAIM_TABLES:
                    databases[name].get("tables", {}).get(table, {}).pop("facets", None)
        first = names[0]
        busiest = busiest_names(_unique(db_paths)[0])
        for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
            for part in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
                if part.get("db") == METADATA_DATABASE:
                    part["db"] = first
            for key, name in busiest.items():
                if key in dashboard.get("filters", {}):
                    dashboard["filters"][key]["default"] = name  # the dashboard opens on it
    return metadata


def busiest_names(db_path: str | Path) -> dict[str, str]:
    """The names of the speaker and the channel with the most claims (publications aside: the
    narrator is every article's), as ``{"speaker": ..., "channel": ...}``; empty when unreadable.
    The dashboard's filters open on them; read when serving starts."""
    found = _read_only_rows(db_path, {
        "speaker": "SELECT name FROM speakers WHERE speaker_type != 'publication' "
                   "GROUP BY name ORDER BY sum(claim_count) DESC, name LIMIT 1",
        "channel": "SELECT name FROM channels WHERE kind != 'publication' "
                   "GROUP BY name ORDER BY sum(claim_count) DESC, name LIMIT 1",
    })
    return {key: row[0] for key, row in found.items() if row}


def _read_only_rows(db_path: str | Path, queries: dict[str, str]) -> dict[str, tuple | None]:
    """The first row of each query on the file opened read-only; {} when it cannot be read."""
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {key: conn.execute(sql).fetchone() for key, sql in queries.items()}
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def claim_count(db_path: str | Path) -> int:
    """About how many claims the database holds (the largest claim id: no scan), 0 when unreadable."""
    row = _read_only_rows(db_path, {"count": "SELECT coalesce(max(id), 0) FROM claims"}).get("count")
    return row[0] if row else 0


def _as_paths(db_paths: str | Path | Iterable[str | Path]) -> list[str | Path]:
    return [db_paths] if isinstance(db_paths, (str, Path)) else list(db_paths)


def _unique(db_paths: Iterable[str | Path]) -> list[Path]:
    """``db_paths`` as paths, a file given twice (under any spelling) kept once, at its first place."""
    unique: dict[Path, Path] = {}
    for db_path in db_paths:
        unique.setdefault(Path(db_path).resolve(), Path(db_path))
    return list(unique.values())


def _check_database(db_path: str | Path) -> Path:
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist; create it first with `claims ingest ... --db {path}`")
    if path.stat().st_size == 0:
        # open_db would write a new schema into it: serving must not change somebody's file
        raise StoreError(f"{path} is empty, not a claims database; fill it first with `claims ingest ... --db {path}`")
    open_db(path).close()  # refuses a file that is not a claims database of a known version
    return path


def _check_databases(db_paths: Iterable[str | Path]) -> list[Path]:
    """Every file checked as :func:`_check_database` does, then their names; a repeated file once."""
    paths = [_check_database(path) for path in _unique(db_paths)]
    database_names(paths)
    return paths


def make_datasette(*db_paths: str | Path, **kwargs: Any) -> Datasette:
    """A Datasette instance serving ``db_paths`` with the packaged metadata, for in-process use.

    Every database gets the metadata block under its own name (:func:`metadata_for`); with several,
    ``crossdb`` is on, so SQL on ``_memory`` reads them all. Extra keyword arguments go to
    ``Datasette()`` (``settings=``, ``immutables=``, ``crossdb=False``...). In tests:
    ``await ds.invoke_startup()`` then ``await ds.client.get("/claims/claims_view.json")``.
    """
    from datasette.app import Datasette  # imported here: only serving needs it, and it is slow

    paths = _check_databases(db_paths)
    if len(paths) > 1:
        kwargs.setdefault("crossdb", True)
    kwargs["settings"] = {**DEFAULT_SETTINGS, **(kwargs.get("settings") or {})}
    return Datasette([str(path) for path in paths], metadata=metadata_for(*paths), **kwargs)


def serve_command(
    db_paths: str | Path | Iterable[str | Path],
    host: str = "127.0.0.1",
    port: int = 8001,
    extra: list[str] | None = None,
    *,
    metadata: str | Path | None = None,
) -> list[str]:
    """The ``datasette serve`` command line for ``db_paths``, one file or several (run with this Python).

    With several files ``--crossdb`` is added, unless ``extra`` has it already; each of
    :data:`DEFAULT_SETTINGS` is added as ``--setting`` unless ``extra`` sets it. ``metadata``
    defaults to the packaged file, whose database block is named ``claims``: pass a file written
    from :func:`metadata_for` when a database has another name (:func:`serve` does).
    """
    paths = [str(path) for path in _as_paths(db_paths)]
    extra = list(extra or [])
    crossdb = ["--crossdb"] if len(paths) > 1 and "--crossdb" not in extra else []
    given = {extra[i + 1] for i, option in enumerate(extra[:-1]) if option in ("--setting", "-s")}
    given |= {option.split("=", 1)[1] for option in extra if option.startswith("--setting=")}
    settings = [
        part
        for name, value in DEFAULT_SETTINGS.items()
        if name not in given
        for part in ("--setting", name, _setting_text(value))
    ]
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        *paths,
        "--metadata",
        str(metadata or metadata_path()),
        *settings,
        "--host",
        host,
        "--port",
        str(port),
        *crossdb,
        *extra,
    ]


def _setting_text(value: Any) -> str:
    """A setting's value as ``datasette serve --setting`` takes it (booleans as on/off)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _files_among(options: list[str], datasette_serve: Any) -> list[str]:
    """The arguments of ``options`` that ``datasette serve`` would take as database files."""
    try:
        context = datasette_serve.make_context("serve", list(options), resilient_parsing=True)
    except Exception:  # datasette reports bad options itself when it runs
        return []
    return list(context.params.get("files") or [])


def serve(
    db_paths: str | Path | Iterable[str | Path],
    host: str = "127.0.0.1",
    port: int = 8001,
    extra: list[str] | None = None,
) -> int:
    """Run ``datasette serve`` on ``db_paths`` in this process until it stops; returns its exit status.

    ``db_paths`` is one file or several; ``extra`` are more ``datasette serve`` options. Datasette
    runs here rather than in a child process, so whatever stops this process (Ctrl-C, SIGTERM,
    SIGKILL, a closed terminal) stops the server and frees its port: nothing is left behind.
    Raises :class:`StoreError` for a file that is not a claims database, and :class:`ServeError`
    for files that cannot be served together or a database file among ``extra``, where it would be
    served unchecked and without the metadata.
    """
    from datasette.cli import cli as datasette_cli  # imported here: only serving needs it, and it is slow

    paths = _check_databases(_as_paths(db_paths))
    stray = _files_among(list(extra or []), datasette_cli.commands["serve"])
    if stray:
        raise ServeError(
            f"{', '.join(stray)}: give every database before the Datasette options, "
            "as in `claims serve A.db B.db --setting sql_time_limit_ms 5000`"
        )
    with tempfile.TemporaryDirectory(prefix="claims-serve-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(metadata_for(*paths), ensure_ascii=False), encoding="utf-8")
        arguments = serve_command(paths, host, port, extra, metadata=metadata)[3:]  # from "serve" on
        # uvicorn stops gracefully on SIGTERM and then raises it again; Python's default action would
        # end the process without removing the metadata file, so SIGTERM and SIGHUP become exits.
        previous = {}
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
                if hasattr(signal, name):
                    previous[getattr(signal, name)] = signal.signal(getattr(signal, name), _exit_on_signal)
        # `--reload` runs the server in a worker that calls datasette's `serve` command on
        # sys.argv[1:]: make that the files and options, without the word "serve".
        argv, sys.argv = sys.argv, ["datasette", *arguments[1:]]
        try:
            datasette_cli.main(args=arguments, prog_name="datasette")
        except SystemExit as stop:
            if stop.code is None or isinstance(stop.code, int):
                return stop.code or 0
            print(stop.code, file=sys.stderr)  # sys.exit("message"): say it, as Python would
            return 1
        finally:
            sys.argv = argv
            for number, handler in previous.items():
                signal.signal(number, handler)
    return 0


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)  # the status a shell reports for a process ended by that signal
