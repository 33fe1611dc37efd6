"""Ingest with worker processes and on a real Dask cluster stores what one process stores."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

import claims.pipeline as pipeline
from claims.pipeline import ingest
from claims.workers import DaskWorkers, EngineError, InProcess

ROOT = Path(__file__).resolve().parent.parent
# Articles of every format, and bad inputs, so errors and notes are compared too.
INPUTS = [str(ROOT / "fixtures" / name) for name in ("seed", "ingest", "bad")]
# Columns that hold when a row was written, which two runs cannot share.
CLOCK_COLUMNS = {"ingested_at", "saved_at", "decided_at", "at"}


def database_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the full-text index's shadow tables and the meta row of the file's birth."""
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%'")]
        rows = {}
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})") if row[1] not in CLOCK_COLUMNS]
            selected = ", ".join(f'"{column}"' for column in columns)
            found = connection.execute(f"SELECT {selected} FROM {table} ORDER BY rowid").fetchall()
            rows[table] = [row for row in found if not (table == "meta" and row[0] == "created_at")]
        rows["claims_fts"] = connection.execute("SELECT rowid, * FROM claims_fts ORDER BY rowid").fetchall()
    return rows


@pytest.fixture(scope="module")
def single_process_rows(tmp_path_factory, model_spec):
    db_path = tmp_path_factory.mktemp("single") / "claims.db"
    summary = ingest(INPUTS, db_path, model=model_spec, batch_size=2, workers=1)
    assert summary.added >= 5 and summary.claims > 20 and summary.errors  # a real mix, bad inputs included
    return database_rows(db_path), summary


def test_two_worker_processes_store_what_one_process_stores(tmp_path, model_spec, single_process_rows):
    expected, expected_summary = single_process_rows
    db_path = tmp_path / "claims.db"
    summary = ingest(INPUTS, db_path, model=model_spec, batch_size=2, workers=2)
    assert summary.engine.startswith("2 worker processes")
    assert database_rows(db_path) == expected
    assert [(e.source, e.kind, e.message) for e in summary.errors] == [
        (e.source, e.kind, e.message) for e in expected_summary.errors]
    assert summary.notes == expected_summary.notes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real scheduler and two worker processes on 127.0.0.1, stopped after the test."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if dask is None:
        pytest.skip("the dask command is not installed (pip install 'dask[distributed]')")
    address = f"tcp://127.0.0.1:{free_port()}"
    logs = (tmp_path / "dask.log").open("wb")
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                   "--no-dashboard"], stdout=logs, stderr=logs)]
    try:
        processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                        "--host", "127.0.0.1"], stdout=logs, stderr=logs) for _ in range(2)]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def test_a_dask_cluster_stores_what_one_process_stores(tmp_path, model_spec, single_process_rows, dask_cluster):
    expected, expected_summary = single_process_rows
    db_path = tmp_path / "claims.db"
    summary = ingest(INPUTS, db_path, model=model_spec, batch_size=2, dask=dask_cluster)
    assert summary.engine.startswith(f"Dask at {dask_cluster}: 2 workers")
    assert database_rows(db_path) == expected
    assert [(e.source, e.message) for e in summary.errors] == [(e.source, e.message) for e in expected_summary.errors]
    again = ingest(INPUTS, db_path, model=model_spec, batch_size=2, dask=dask_cluster)  # re-ingest: idempotent
    assert again.added == again.replaced == 0 and again.unchanged == expected_summary.added
    assert database_rows(db_path)["claims"] == expected["claims"]


def test_no_scheduler_at_the_address_is_a_clear_error(model_spec):
    with pytest.raises(EngineError, match="cannot reach a Dask scheduler"):
        DaskWorkers(model_spec, f"tcp://127.0.0.1:{free_port()}", connect_timeout=2)


class DyingWorkers(InProcess):
    """Workers whose process dies under a batch holding ``poison``, the first ``deaths`` times it is sent."""

    def __init__(self, spec, poison: str, deaths: int):
        super().__init__(spec)
        self.window = 2
        self.poison = poison
        self.deaths = deaths
        self.replaced = 0

    def submit(self, work, model_version, extractor_version) -> Future:
        if self.deaths and any(self.poison in article.text for article in work.articles):
            self.deaths -= 1
            future: Future = Future()
            future.set_exception(BrokenProcessPool("a worker was killed"))
            return future
        return super().submit(work, model_version, extractor_version)

    def replace_broken(self) -> bool:
        self.replaced += 1
        return True


def write_texts(folder: Path) -> None:
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.txt").write_text(f"Officials said {number} bridges were closed.\n", encoding="utf-8")


def test_a_batch_whose_worker_died_is_tried_again(tmp_path, model_spec, monkeypatch):
    engine = DyingWorkers(model_spec, poison="0 bridges", deaths=1)
    monkeypatch.setattr(pipeline, "open_engine", lambda *args: engine)
    write_texts(tmp_path / "texts")
    summary = ingest([str(tmp_path / "texts")], tmp_path / "claims.db", model=model_spec, batch_size=1, workers=2)
    assert engine.replaced == 1
    assert summary.added == 3 and not summary.errors


def test_a_batch_whose_worker_dies_twice_is_each_articles_error(tmp_path, model_spec, monkeypatch):
    engine = DyingWorkers(model_spec, poison="1 bridges", deaths=5)
    monkeypatch.setattr(pipeline, "open_engine", lambda *args: engine)
    write_texts(tmp_path / "texts")
    db_path = tmp_path / "claims.db"
    summary = ingest([str(tmp_path / "texts")], db_path, model=model_spec, batch_size=1, workers=2)
    assert summary.added == 2 and summary.failed
    (error,) = summary.errors
    assert error.source.endswith("1.txt") and "worker process running it died" in error.message
    assert "Ingest it again" in error.message
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM ingest_errors WHERE kind = 'processing'").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (2,)


def test_a_script_without_a_main_guard_gets_errors_that_say_so(tmp_path):
    """multiprocessing's spawn re-runs a script's top level in each worker: the run must end, each
    article an error naming the fix, and the worker's message (Python's) saying what to do."""
    write_texts(tmp_path / "texts")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import claims\n"
        f"summary = claims.ingest([{str(tmp_path / 'texts')!r}], {str(tmp_path / 'claims.db')!r}, workers=2)\n"
        "print('ERRORS', len(summary.errors), summary.errors[0].message if summary.errors else '')\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "ERRORS 3" in done.stdout
    assert 'if __name__ == \\"__main__\\"' in done.stdout or 'if __name__ == "__main__"' in done.stdout
    assert "Safe importing of main module" in done.stderr  # Python's own word, from the worker


def test_the_ingest_process_imports_no_torch_when_workers_annotate(tmp_path):
    # Reading, planning and storing need no torch; importing it would cost the ingest 1 s before
    # its workers could start.
    script = "import sys\nimport claims.cli, claims.pipeline, claims.workers\nprint('torch' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_released_workers_have_exited_when_the_engine_closes(model_spec):
    from claims.workers import LocalWorkers, Work

    engine = LocalWorkers(model_spec, 2)
    articles = [pipeline.Article(text="Nothing here was said by anyone.", source=f"a{n}", format="txt") for n in range(2)]
    outcomes = engine.submit(Work(articles[:1], [None]), model_spec.version, pipeline.EXTRACTOR_VERSION).result(timeout=300)
    assert outcomes[0].parsed is not None and outcomes[0].failed_stage is None
    processes = list(engine.pool._processes.values())
    assert processes
    engine.release()
    engine.close()
    assert all(process.exitcode == 0 for process in processes)  # left at once, and cleanly
