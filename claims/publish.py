"""Browse a claims database in Datasette, with the packaged ``datasette-metadata.json``.

The metadata file describes one database named ``claims`` (the name Datasette gives
``claims.db``). Datasette names a database after its file, so :func:`metadata_for` moves that
block to the name of the file actually served: ``news.db`` gets the same titles, facets and
canned queries, and the dashboards' charts query it.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claims.store import StoreError, open_db

if TYPE_CHECKING:
    from datasette.app import Datasette

__all__ = ["database_name", "make_datasette", "metadata_for", "metadata_path", "serve", "serve_command"]

METADATA_DATABASE = "claims"  # the database name used inside datasette-metadata.json


def metadata_path() -> Path:
    """Path of the packaged ``datasette-metadata.json``."""
    return Path(str(resources.files("claims").joinpath("data/datasette-metadata.json")))


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def metadata_for(db_path: str | Path) -> dict[str, Any]:
    """The packaged metadata with its database block named after ``db_path``."""
    metadata: dict[str, Any] = json.loads(metadata_path().read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    name = database_name(db_path)
    if name != METADATA_DATABASE and METADATA_DATABASE in databases:
        databases[name] = databases.pop(METADATA_DATABASE)
        for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
            for part in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
                if part.get("db") == METADATA_DATABASE:
                    part["db"] = name
    return metadata


def _check_database(db_path: str | Path) -> Path:
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist; create it first with `claims ingest ... --db {path}`")
    if path.stat().st_size == 0:
        # open_db would write a new schema into it: serving must not change somebody's file
        raise StoreError(f"{path} is empty, not a claims database; fill it first with `claims ingest ... --db {path}`")
    open_db(path).close()  # refuses a file that is not a claims database of a known version
    return path


def make_datasette(db_path: str | Path, **kwargs: Any) -> Datasette:
    """A Datasette instance serving ``db_path`` with the packaged metadata, for in-process use.

    Extra keyword arguments go to ``Datasette()`` (``settings=``, ``immutables=``...). In tests:
    ``await ds.invoke_startup()`` then ``await ds.client.get("/claims/claims_view.json")``.
    """
    from datasette.app import Datasette  # imported here: only serving needs it, and it is slow

    path = _check_database(db_path)
    return Datasette([str(path)], metadata=metadata_for(path), **kwargs)


def serve_command(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    extra: list[str] | None = None,
    *,
    metadata: str | Path | None = None,
) -> list[str]:
    """The ``datasette serve`` command line for ``db_path`` (run with this Python).

    ``metadata`` defaults to the packaged file, whose database block is named ``claims``: pass a
    file written from :func:`metadata_for` when the database has another name (:func:`serve` does).
    """
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(metadata or metadata_path()),
        "--host",
        host,
        "--port",
        str(port),
        *(extra or []),
    ]


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, extra: list[str] | None = None) -> int:
    """Run ``datasette serve`` on ``db_path`` in this process until it stops; returns its exit status.

    Datasette runs here rather than in a child process, so whatever stops this process (Ctrl-C,
    SIGTERM, SIGKILL, a closed terminal) stops the server and frees its port: nothing is left
    behind. Raises :class:`StoreError` for a file that is not a claims database.
    """
    from datasette.cli import cli as datasette_cli  # imported here: only serving needs it, and it is slow

    path = _check_database(db_path)
    with tempfile.TemporaryDirectory(prefix="claims-serve-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(metadata_for(path), ensure_ascii=False), encoding="utf-8")
        arguments = serve_command(path, host, port, extra, metadata=metadata)[3:]  # from "serve" on
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
