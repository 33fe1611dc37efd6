"""Whole-process ``claims ingest`` throughput, side by side: an earlier checkout, one process, N local
workers, and a local Dask cluster; the same articles into a new database each time.

Each setting runs ``claims ingest DIR --db NEW --quiet`` as its own process (model loading and the
end-of-run stages included), the settings taking turns ``--repeats`` times so that a noisy
machine slows them alike; the median is reported. Per setting: seconds, sentences/s, articles/s,
the peak RSS of the ingest process and of its biggest worker (sampled from /proc every 0.2 s:
VmHWM), and whether the database holds exactly what the single-process run's holds (every row of
every table but write times).

Settings (``--settings``, comma-separated):
- ``baseline``: ``--baseline DIR``, a checkout of an earlier commit (``git worktree add DIR COMMIT``),
  run with its own code (PYTHONPATH=DIR), its default options;
- ``workers=N``: this checkout with ``--workers N`` (1: annotate in the ingest process);
- ``dask=N``: a scheduler and N ``dask worker`` processes (one thread each) started on 127.0.0.1
  before the timed runs (not timed; each worker loads the model at its first batch, which is
  timed), and ``--dask ADDRESS``.

Run from the repository root::

    python benchmarks/bench_throughput.py --baseline /tmp/base --settings baseline,workers=1,workers=2
    python benchmarks/bench_throughput.py DIR --settings workers=1,dask=4,dask=8,dask=16 --repeats 1 --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from report import ROOT, fmt, per_second, polnear_dev_texts, resolve_input, table

CLOCK_COLUMNS = {"ingested_at", "saved_at", "decided_at", "at"}



def database_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (write times and the file's birth left out), for comparing runs."""
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%'")]
        rows = {}
        for name in tables:
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({name})") if r[1] not in CLOCK_COLUMNS]
            selected = ", ".join(f'"{column}"' for column in columns)
            found = connection.execute(f"SELECT {selected} FROM {name} ORDER BY rowid").fetchall()
            rows[name] = [row for row in found if not (name == "meta" and row[0] == "created_at")]
    return rows


def counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        sentences = connection.execute("SELECT count(*) FROM sentences").fetchone()[0]
    return articles, sentences


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, queue = [], [root]
    while queue:
        pid = queue.pop()
        tree.append(pid)
        queue.extend(children.get(pid, []))
    return tree


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler:
    """Peak RSS of a process and (separately) of its biggest descendant, sampled while it runs."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid = pid
        self.every = every
        self.peaks: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.done.is_set():
            for pid in process_tree(self.pid):
                peak = peak_rss_mb(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))
            self.done.wait(self.every)

    def stop(self) -> tuple[float | None, float | None]:
        self.done.set()
        self.thread.join()
        own = self.peaks.get(self.pid)
        others = [peak for pid, peak in self.peaks.items() if pid != self.pid]
        return own, max(others, default=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(workers: int, log: Path):
    """A scheduler and ``workers`` one-thread worker processes on 127.0.0.1."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if dask is None:
        raise SystemExit("the dask command is not installed: pip install 'dask[distributed]'")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with log.open("ab") as out:
        processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                      stdout=out, stderr=out)]
        try:
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--memory-limit", "0"], stdout=out, stderr=out))
            from distributed import Client

            with Client(address, timeout=60) as client:
                client.wait_for_workers(workers, timeout=300)
            yield address
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()


def ingest_command(setting: str, texts: Path, db: Path, baseline: Path | None, address: str | None):
    code = "import sys; from claims.cli import main; sys.argv[0] = 'claims'; main()"
    command = [sys.executable, "-c", code, "ingest", str(texts.resolve()), "--db", str(db.resolve()), "--quiet"]
    env = dict(os.environ)
    # `python -c` puts the working folder first on sys.path: run each checkout from its own root.
    if setting == "baseline":
        env["PYTHONPATH"] = str(baseline)
        return command, env, baseline
    env["PYTHONPATH"] = str(ROOT)
    kind, _, number = setting.partition("=")
    return command + (["--workers", number] if kind == "workers" else ["--dask", address]), env, ROOT


def timed_run(setting: str, texts: Path, db: Path, baseline: Path | None, address: str | None, log: Path) -> dict:
    command, env, folder = ingest_command(setting, texts, db, baseline, address)
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=out, stderr=out)
        sampler = RssSampler(process.pid)
        code = process.wait()
        seconds = time.perf_counter() - started
    own, worker = sampler.stop()
    if code != 0:
        raise SystemExit(f"{setting}: claims ingest exited with {code}; see {log}")
    articles, sentences = counts(db)
    return {"seconds": seconds, "articles": articles, "sentences": sentences, "rss_mb": own, "worker_rss_mb": worker}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Prints a table; --json prints the same figures as JSON instead.")
    parser.add_argument("texts", nargs="?", type=Path, default=None,
                        help="folder of articles (default: polnear/dev/text of $CLAIMS_DATA, else of ../shared/data)")
    parser.add_argument("--settings", default="workers=1,workers=2",
                        help="comma-separated: baseline, workers=N, dask=N (default: workers=1,workers=2)")
    parser.add_argument("--baseline", type=Path, default=None, help="checkout of an earlier commit, for `baseline`")
    parser.add_argument("--repeats", type=int, default=3, help="runs per setting, taking turns (default: 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    args.settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    for setting in args.settings:
        kind, _, number = setting.partition("=")
        if setting != "baseline" and not (kind in ("workers", "dask") and number.isdigit() and int(number) >= 1):
            parser.error(f"unknown setting {setting!r}")
    if "baseline" in args.settings and not (args.baseline and (args.baseline / "claims").is_dir()):
        parser.error("baseline needs --baseline DIR, a checkout with a claims/ package")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    texts = resolve_input(args.texts) if args.texts else polnear_dev_texts()
    if texts is None or not texts.is_dir():
        print("No articles: pass a folder, or set CLAIMS_DATA to a folder with polnear/dev/text.", file=sys.stderr)
        return 2
    runs: dict[str, list[dict]] = {setting: [] for setting in args.settings}
    same: dict[str, bool | None] = {}
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        log = scratch / "runs.log"
        reference = None
        with contextlib.ExitStack() as clusters:
            addresses = {s: clusters.enter_context(dask_cluster(int(s.split("=")[1]), log))
                         for s in args.settings if s.startswith("dask=")}
            for repeat in range(args.repeats):
                for setting in args.settings:
                    db = scratch / f"{setting.replace('=', '')}-{repeat}.db"
                    runs[setting].append(timed_run(setting, texts, db, args.baseline, addresses.get(setting), log))
                    if repeat == 0:
                        rows = database_rows(db)
                        if setting == "workers=1":
                            reference = rows
                        same[setting] = rows
                    db.unlink()
                    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
                        extra.unlink(missing_ok=True)
        for setting, rows in same.items():
            same[setting] = None if reference is None else rows == reference
    figures = {"texts": str(texts), "cores": os.cpu_count(), "repeats": args.repeats, "settings": {}}
    for setting, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        first = results[0]
        figures["settings"][setting] = {
            "seconds": round(seconds, 2), "all_seconds": [round(r["seconds"], 2) for r in results],
            "articles": first["articles"], "sentences": first["sentences"],
            "sentences_per_second": per_second(first["sentences"], seconds),
            "articles_per_second": per_second(first["articles"], seconds),
            "ingest_rss_mb": round(max(r["rss_mb"] or 0 for r in results), 1),
            "worker_rss_mb": round(max(r["worker_rss_mb"] or 0 for r in results), 1) or None,
            "same_database_as_workers_1": same.get(setting),
        }
    base = figures["settings"].get("baseline")
    for values in figures["settings"].values():
        values["speedup_vs_baseline"] = round(base["seconds"] / values["seconds"], 2) if base else None
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    header = ["setting", "seconds (median)", "sentences/s", "articles/s", "x baseline", "ingest RSS MB",
              "worker RSS MB", "same DB as workers=1"]
    rows = [[setting, fmt(v["seconds"], 2), fmt(v["sentences_per_second"]), fmt(v["articles_per_second"], 2),
             fmt(v["speedup_vs_baseline"], 2), fmt(v["ingest_rss_mb"], 0), fmt(v["worker_rss_mb"], 0),
             {True: "yes", False: "NO", None: "-"}[v["same_database_as_workers_1"]]]
            for setting, v in figures["settings"].items()]
    any_run = next(iter(figures["settings"].values()))
    print(f"{texts}: {any_run['articles']} articles, {any_run['sentences']:,} sentences; {os.cpu_count()} cores; "
          f"median of {args.repeats}")
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
