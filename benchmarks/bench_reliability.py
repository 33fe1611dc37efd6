"""Reliability of `claims ingest` under kills, concurrent writers and bad input; prints its figures.

Three parts, each on real processes of the real CLI (bundled model, real SQLite files):

1. kills: a clean run of a multi-article corpus is the reference. Then, trial after trial, the same
   ingest into a new database is SIGKILLed at a random moment (half of the trials at a random
   moment of the whole run, half inside the end-of-run stages, found by the progress line that
   announces them). After each kill: ``PRAGMA integrity_check``, ``foreign_key_check`` and the FTS5
   integrity checks; then a rerun to the end, compared table by table with the clean run: rows
   lost, duplicated or different (ids and timestamps aside).
2. pairs: two ingests at once into one database (half of the pairs on a new file, half on a file
   already holding part of the corpus), overlapping inputs: both must exit 0 with no traceback,
   and the database must hold what a single clean run holds.
3. bad inputs: ``bench_bad_inputs.run`` (generated hostile inputs through the readers and a
   sample through the CLI).

The corpus: the first ``--articles`` PolNeAR dev texts (``$CLAIMS_DATA/polnear/dev/text``, else
``../shared/data/polnear/dev/text`` beside the repository) plus a reprint of each of the first
three by another outlet (same text, its own id), so the corpus has quote clusters; without that
data, the repository's fixtures.

    python benchmarks/bench_reliability.py                   # all three parts, default sizes
    python benchmarks/bench_reliability.py --kills 30 --pairs 8 --skip-bad-inputs --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from report import ROOT

SHARED_DATA = ROOT.parent / "shared" / "data"
STAGE_LINE = "ingest: updating speakers"  # the progress line claims ingest prints as the stages start

# Each table as (identity, content) queries: identity says which row it is, content what it holds.
# Ids and timestamps differ between runs and are left out; rows are named by article key instead.
TABLES = {
    "articles": ("SELECT key FROM articles",
                 "SELECT key, source, format, title, url, published, publisher, text, body_start, body_end, "
                 "content_hash, decoding, notes, model_version, extractor_version FROM articles"),
    "sentences": ("SELECT a.key, s.sentence_index FROM sentences s JOIN articles a ON a.id = s.article_id",
                  "SELECT a.key, s.sentence_index, s.start, s.\"end\", s.text FROM sentences s "
                  "JOIN articles a ON a.id = s.article_id"),
    "claims": ("SELECT a.key, c.sentence_index, c.content_start, c.content_end, c.attribution_index "
               "FROM claims c JOIN articles a ON a.id = c.article_id",
               "SELECT a.key, c.sentence_index, c.content_start, c.content_end, c.attribution_index, c.text, "
               "c.claim_type, c.cue, c.source_text, c.content_spans, sp.key, ch.key, c.role, c.hedged, c.confidence "
               "FROM claims c JOIN articles a ON a.id = c.article_id JOIN speakers sp ON sp.id = c.speaker_id "
               "LEFT JOIN channels ch ON ch.id = c.channel_id"),
    "speakers": ("SELECT key FROM speakers",
                 "SELECT key, name, speaker_type, claim_count, surname, ambiguous FROM speakers"),
    "channels": ("SELECT key FROM channels", "SELECT key, name, kind, claim_count FROM channels"),
    "annotations": ("SELECT a.key FROM annotations n JOIN articles a ON a.id = n.article_id",
                    "SELECT a.key, n.model_version, n.data FROM annotations n JOIN articles a ON a.id = n.article_id"),
    "quote_clusters": ("SELECT group_concat(claim, '|') FROM (SELECT cc.cluster_id, a.key || ':' || c.content_start "
                       "AS claim FROM cluster_claims cc JOIN claims c ON c.id = cc.claim_id "
                       "JOIN articles a ON a.id = c.article_id ORDER BY cc.cluster_id, cc.position) "
                       "GROUP BY cluster_id",
                       "SELECT group_concat(claim, '|') FROM (SELECT cc.cluster_id, a.key || ':' || c.content_start "
                       "|| ':' || cc.position || ':' || coalesce(cc.cites_via, '') AS claim FROM cluster_claims cc "
                       "JOIN claims c ON c.id = cc.claim_id JOIN articles a ON a.id = c.article_id "
                       "ORDER BY cc.cluster_id, cc.position) GROUP BY cluster_id"),
}


def data_dir() -> Path | None:
    given = os.environ.get("CLAIMS_DATA")
    if given:
        return Path(given) if Path(given).is_dir() else None
    return SHARED_DATA if SHARED_DATA.is_dir() else None


def make_corpus(folder: Path, articles: int) -> tuple[list[str], str]:
    """Input paths for the runs, and a word on where they came from."""
    data = data_dir()
    texts = sorted((data / "polnear" / "dev" / "text").glob("*.txt"))[:articles] if data else []
    if not texts:
        paths = [str(ROOT / "fixtures" / "seed" / "syria-russia-airstrikes.txt"),
                 str(ROOT / "fixtures" / "ingest" / "articles.jsonl"), str(ROOT / "fixtures" / "ingest" / "plain")]
        return paths, "repository fixtures (no PolNeAR data: set CLAIMS_DATA)"
    reprints = folder / "reprints.jsonl"
    with reprints.open("w", encoding="utf-8") as out:
        for number, path in enumerate(texts[:3]):
            record = {"id": f"reprint-{number}", "publisher": "Reprint Wire", "published": "2016-12-31",
                      "text": path.read_text(encoding="utf-8")}
            out.write(json.dumps(record) + "\n")
    reprinted = min(3, len(texts))
    return [str(p) for p in texts] + [str(reprints)], f"{len(texts)} PolNeAR dev articles + {reprinted} reprints"


def ingest_command(paths: list[str], db: Path) -> list[str]:
    return [sys.executable, "-m", "claims", "ingest", *paths, "--db", str(db), "--batch-size", "2"]


def run_to_end(paths: list[str], db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(ingest_command(paths, db), capture_output=True, text=True, cwd=ROOT, timeout=3600)


def snapshot(db: Path) -> dict[str, tuple[Counter, dict]]:
    """Per table: identities counted, and each identity's content rows."""
    conn = sqlite3.connect(db)
    result = {}
    for table, (identity_sql, content_sql) in TABLES.items():
        identities = Counter(tuple(r) for r in conn.execute(identity_sql))
        contents: dict = {}
        width = len(next(iter(identities))) if identities else 1
        for row in conn.execute(content_sql):
            contents.setdefault(tuple(row[:width]), Counter())[tuple(row)] += 1
        result[table] = (identities, contents)
    conn.close()
    return result


def compare(reference: dict, candidate: dict) -> dict[str, int]:
    """Rows of the reference missing from the candidate, duplicated in it, or present but different."""
    lost = duplicated = different = 0
    for table, (identities, contents) in reference.items():
        got_identities, got_contents = candidate[table]
        for identity, count in identities.items():
            got = got_identities.get(identity, 0)
            lost += max(count - got, 0)
            if got and contents.get(identity) != got_contents.get(identity):
                different += 1
        for identity, count in got_identities.items():
            duplicated += max(count - identities.get(identity, 0), 0)
    return {"lost": lost, "duplicated": duplicated, "different": different}


def checks(db: Path) -> list[str]:
    """What is wrong with the file as a SQLite database and its full-text indexes (empty: nothing)."""
    if not db.exists():
        return []  # killed before the first article: no file is fine
    problems = []
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:3]}")
        keys = conn.execute("PRAGMA foreign_key_check").fetchall()
        if keys:
            problems.append(f"foreign_key_check: {len(keys)} rows")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for fts in ("claims_fts", "speakers_fts"):
            if fts in tables:
                try:
                    conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('integrity-check')")
                except sqlite3.DatabaseError as error:
                    problems.append(f"{fts}: {error}")
    except sqlite3.DatabaseError as error:
        problems.append(str(error))
    finally:
        conn.close()
    return problems


def stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def kill_at(paths: list[str], db: Path, delay: float | None, stage_delay: float | None) -> tuple[str, float]:
    """Start an ingest and SIGKILL it after ``delay`` s, or ``stage_delay`` s into the end-of-run stages.

    Returns where the kill landed ("run", "stages", or "finished" when the run ended first) and
    how long the process ran.
    """
    started = time.monotonic()
    process = subprocess.Popen(ingest_command(paths, db), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, cwd=ROOT)
    if delay is not None:
        try:
            process.wait(timeout=delay)
            return "finished", time.monotonic() - started
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return "run", time.monotonic() - started
    for line in process.stderr:  # wait for the stages to start
        if line.startswith(STAGE_LINE):
            break
    else:
        process.wait()
        return "finished", time.monotonic() - started
    try:
        process.wait(timeout=stage_delay)
        return "finished", time.monotonic() - started
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return "stages", time.monotonic() - started


def timed_reference(paths: list[str], db: Path) -> tuple[float, float]:
    """Run the clean reference; returns (seconds to the end, seconds the end-of-run stages took)."""
    started = time.monotonic()
    process = subprocess.Popen(ingest_command(paths, db), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, cwd=ROOT)
    stages_at = None
    output = []
    for line in process.stderr:
        output.append(line)
        if line.startswith(STAGE_LINE):
            stages_at = time.monotonic()
    process.wait()
    ended = time.monotonic()
    if process.returncode != 0 or stages_at is None:
        sys.exit(f"the clean reference run failed (exit {process.returncode}):\n{''.join(output)}")
    return ended - started, ended - stages_at


def kills(paths: list[str], work: Path, trials: int, rng: random.Random) -> dict:
    reference_db = work / "reference.db"
    total, stages = timed_reference(paths, reference_db)
    reference = snapshot(reference_db)
    landed: Counter = Counter()
    damaged, totals = [], Counter()
    stored_at_kill: list[int] = []  # articles the database held when the process died
    attempt = 0
    # Until ``trials`` kills have landed: a run that finished before its kill time is not a kill
    # (it is counted apart), and it shortens the estimate of a whole run for the next draws.
    while landed["run"] + landed["stages"] < trials and attempt < 3 * trials:
        db = work / f"kill-{attempt}.db"
        if attempt % 2 == 0:
            where, seconds = kill_at(paths, db, delay=rng.uniform(0.5, total), stage_delay=None)
        else:
            where, seconds = kill_at(paths, db, delay=None, stage_delay=rng.uniform(0.0, stages))
        if where == "finished" and attempt % 2 == 0:
            total = min(total, seconds)
        landed[where] += 1
        stored_at_kill.append(stored_articles(db))
        problems = checks(db)
        if problems:
            damaged.append((attempt, problems))
        rerun = run_to_end(paths, db)
        if rerun.returncode != 0:
            damaged.append((attempt, [f"rerun exit {rerun.returncode}: {rerun.stderr[-500:]}"]))
        else:
            totals.update(compare(reference, snapshot(db)))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        attempt += 1
    return {
        "trials": landed["run"] + landed["stages"], "run_seconds": round(total, 1), "stage_seconds": round(stages, 1),
        "killed_during_run": landed["run"], "killed_during_stages": landed["stages"],
        "articles_stored_at_kill": dict(sorted(Counter(stored_at_kill).items())),
        "finished_before_kill": landed["finished"], "damaged_after_kill": len(damaged),
        "damage": damaged[:5], "rows_lost": totals["lost"], "rows_duplicated": totals["duplicated"],
        "rows_different": totals["different"],
        "reference_rows": {t: sum(ids.values()) for t, (ids, _) in reference.items()},
    }


def pairs(paths: list[str], work: Path, count: int) -> dict:
    reference = snapshot(work / "reference.db")
    failed, traces, totals, problems = 0, 0, Counter(), []
    third = max(1, len(paths) // 3)
    for pair in range(count):
        db = work / f"pair-{pair}.db"
        existing = pair % 2 == 1
        if existing:  # the file already holds the first third of the corpus
            run_to_end(paths[:third], db)
            first, second = paths[third // 2:], paths[::-1]
        else:
            first, second = paths[: 2 * len(paths) // 3 + 1], paths[len(paths) // 3:]
        runs = [subprocess.Popen(ingest_command(half, db), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 text=True, cwd=ROOT) for half in (first, second)]
        for run in runs:
            _, stderr = run.communicate(timeout=3600)
            failed += run.returncode != 0
            traces += "Traceback" in stderr
            if run.returncode != 0:
                problems.append(stderr[-500:])
        problems.extend(checks(db))
        if not db.exists():
            failed += 1
            continue
        # Speaker rows can depend on the order articles arrive in (see claims.store.speakers); what must
        # hold is that nothing is lost or doubled.
        totals.update(compare(reference, snapshot(db)))
    return {"pairs": count, "new_database_pairs": (count + 1) // 2, "existing_database_pairs": count // 2,
            "processes_failed": failed, "tracebacks": traces, "problems": problems[:5],
            "rows_lost": totals["lost"], "rows_duplicated": totals["duplicated"],
            "rows_different": totals["different"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=6, help="PolNeAR dev articles in the corpus")
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--bad-inputs", type=int, default=2400)
    parser.add_argument("--cli-sample", type=int, default=120)
    parser.add_argument("--skip-bad-inputs", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    figures: dict = {}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        work = Path(tmp)
        paths, corpus = make_corpus(work, args.articles)
        figures["corpus"] = corpus
        print(f"corpus: {corpus}", flush=True)
        figures["kills"] = kills(paths, work, args.kills, rng)
        k = figures["kills"]
        print(f"kills: {k['trials']} SIGKILLs ({k['killed_during_run']} during the run, {k['killed_during_stages']} "
              f"during the end-of-run stages; {k['finished_before_kill']} more runs finished before their kill time); "
              f"articles stored when killed: {k['articles_stored_at_kill']}; clean run "
              f"{k['run_seconds']} s, stages {k['stage_seconds']} s", flush=True)
        print(f"  after the kill: {k['damaged_after_kill']} databases failing integrity/FK/FTS checks; after the "
              f"rerun vs the clean run: {k['rows_lost']} rows lost, {k['rows_duplicated']} duplicated, "
              f"{k['rows_different']} different (of {sum(k['reference_rows'].values()):,} rows: "
              f"{k['reference_rows']})", flush=True)
        figures["pairs"] = pairs(paths, work, args.pairs)
        p = figures["pairs"]
        print(f"pairs: {p['pairs']} pairs of concurrent ingests ({p['new_database_pairs']} on a new database, "
              f"{p['existing_database_pairs']} on an existing one): {p['processes_failed']} processes failed, "
              f"{p['tracebacks']} tracebacks, {p['rows_lost']} rows lost, {p['rows_duplicated']} duplicated, "
              f"{p['rows_different']} different from the clean run", flush=True)
    if not args.skip_bad_inputs:
        import bench_bad_inputs

        figures["bad_inputs"] = bench_bad_inputs.run(args.bad_inputs, args.cli_sample, args.seed)
        print(f"bad inputs: {json.dumps(figures['bad_inputs'])}", flush=True)
    figures["seconds"] = round(time.time() - started, 1)
    print(f"total {figures['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
