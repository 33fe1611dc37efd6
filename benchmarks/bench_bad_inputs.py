"""Bad inputs: thousands of broken files and records through the readers, a sample through the CLI.

    python benchmarks/bench_bad_inputs.py                 # 2,400 inputs, 120 through the CLI
    python benchmarks/bench_bad_inputs.py --inputs 500 --cli-sample 0 --seed 7

Inputs are mutations of the good fixtures (fixtures/ingest, fixtures/bad): truncation, random
bytes, NULs, deep nesting, charsets that are not text encodings, bare CRs, overlong lines and
records, wrong extensions, empty files, invalid UTF-8 and UTF-16, unclosed quotes, named pipes.
Record files mix bad lines with good records, each good record carrying a unique marker.

Part 1 reads every input with ``claims.readers.read_paths`` in a worker process, one input at a
time with a timeout, and counts:
- escaped: an exception came out of the readers (or the worker died);
- hangs: an input took longer than the timeout;
- unreported: an input that is bad for certain produced no IngestError naming its file (and its
  line, for a bad record);
- good lost: a good record (or good file) that did not come out as an Article.
Part 2 ingests a sample with the real CLI (``python -m claims ingest FILES --db DB``, a few runs)
and checks the exit status, stderr (no traceback), an ingest_errors row (file, line) for every bad
input and an articles row for every good record.

``run(n_inputs, cli_sample, seed)`` returns the figures as a dict for a wider benchmark.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TIMEOUT_S = 20.0  # per input; the slowest real input (a 6 MB record) takes about a second
MARKER = re.compile(r"GOODREC\d+")
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class Case:
    path: str
    mutation: str
    bad: bool  # certainly bad: must produce an IngestError naming the file
    bad_lines: list[int] = field(default_factory=list)  # record lines that must have their own error
    good: list[str] = field(default_factory=list)  # markers of good records that must be Articles
    slow: bool = False  # too big to parse in the CLI sample
    fifo: bool = False


class Maker:
    """Writes seeded bad inputs into a folder."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.count = 0
        self.markers = 0
        self.fixtures = {
            path.name: path.read_bytes()
            for path in sorted(FIXTURES.glob("ingest/**/*")) + sorted(FIXTURES.glob("bad/*"))
            if path.is_file() and not path.name.startswith(".")
        }
        self.texts = [data for name, data in self.fixtures.items() if name.endswith((".txt", ".text")) and data.strip()]
        self.html = [data for name, data in self.fixtures.items() if name.endswith((".html", ".htm"))]

    # -- helpers -------------------------------------------------------------------------------

    def write(self, suffix: str, data: bytes) -> str:
        self.count += 1
        path = self.folder / f"in{self.count:05d}{suffix}"
        path.write_bytes(data)
        return str(path)

    def marker(self) -> str:
        self.markers += 1
        return f"GOODREC{self.markers}"

    def good_sentence(self, marker: str) -> str:
        subject = self.rng.choice(["The minister", "A spokesman", "The mayor", "Officials"])
        return f"{subject} said on Monday that the {marker} ferry would run on time."

    def random_bytes(self, size: int, text_safe: bool = False) -> bytes:
        data = bytes(self.rng.randrange(256) for _ in range(size))
        if text_safe:  # no newlines or controls: stays one bad line, never makes the file binary
            data = bytes(byte for byte in data if byte >= 32 and byte != 127)
        return data

    # -- record files --------------------------------------------------------------------------

    def bad_json_line(self) -> tuple[str, bytes, bool]:
        """(mutation, line without newline, bad for certain)."""
        rng = self.rng
        kind = rng.choice(
            ["nesting", "truncated", "random", "array", "number", "no_text", "text_not_string", "empty_text",
             "huge_int", "nesting_dict", "bare_cr", "unclosed_string"]
        )
        record = json.dumps({"id": f"x{rng.randrange(10**6)}", "text": "Police said the road was closed."})
        if kind == "nesting":
            depth = rng.choice([200, 1000, 5000, 50_000])
            return kind, b"[" * depth + b"]" * rng.choice([0, depth]), True
        if kind == "nesting_dict":
            depth = rng.choice([1000, 20_000])
            return kind, b'{"text": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}", True
        if kind == "truncated":
            return kind, record.encode()[: rng.randrange(1, len(record) - 1)], True
        if kind == "random":
            return kind, b"~" + self.random_bytes(rng.randrange(1, 300), text_safe=True), True  # "~": never JSON
        if kind == "array":
            return kind, b'[{"text": "Police said so."}]', True
        if kind == "number":
            return kind, str(rng.randrange(10**9)).encode(), True
        if kind == "no_text":
            return kind, b'{"body": "Police said so."}', True
        if kind == "text_not_string":
            return kind, rng.choice([b'{"text": 12}', b'{"text": null}', b'{"text": ["a"]}']), True
        if kind == "empty_text":
            return kind, b'{"text": "   "}', True
        if kind == "huge_int":
            return kind, b'{"id": ' + b"9" * 5000 + b', "text": "Police said so."}', True
        if kind == "bare_cr":
            return kind, b'{"text": "Police\rsaid so."', True  # unclosed object with a bare CR
        return kind, b'{"text": "Police said so.', True

    def jsonl_case(self) -> Case:
        rng = self.rng
        lines: list[bytes] = []
        good: list[str] = []
        bad_lines: list[int] = []
        mutations = []
        for _ in range(rng.randrange(1, 6)):
            if rng.random() < 0.5:
                marker = self.marker()
                record: dict[str, object] = {"text": self.good_sentence(marker)}
                if rng.random() < 0.2:  # valid but hostile: controls and lone surrogates in the text
                    record["text"] = str(record["text"]) + rng.choice(["\u0000", "\ud800", "\x07", "\x1b[31m"])
                lines.append(json.dumps(record).encode())
                good.append(marker)
            else:
                kind, line, certain = self.bad_json_line()
                mutations.append(kind)
                lines.append(line)
                if certain:
                    bad_lines.append(len(lines))
            if rng.random() < 0.1:
                lines.append(b"")  # blank lines are skipped but still counted
        newline = rng.choice([b"\n", b"\r\n"])
        data = newline.join(lines) + (newline if rng.random() < 0.8 else b"")
        suffix = rng.choice([".jsonl", ".jsonl", ".ndjson"])
        return Case(self.write(suffix, data), "jsonl:" + "+".join(mutations or ["good"]), bool(bad_lines),
                    bad_lines, good)

    def csv_case(self) -> Case:
        rng = self.rng
        delimiter = rng.choice([",", ";", "\t", "|"])
        header = delimiter.join(["id", "title", "text"])
        kind = rng.choice(["bare_cr_header", "bare_cr_row", "unclosed_quote", "field_count", "no_text_column",
                           "empty_text", "random_row", "good_only", "nul_late", "header_only"])
        rows: list[str] = []
        good: list[str] = []

        def good_row() -> None:
            marker = self.marker()
            rows.append(delimiter.join([f"k{marker}", "Title", f'"{self.good_sentence(marker)}"']))
            good.append(marker)

        for _ in range(rng.randrange(0, 3)):
            good_row()
        bad = True
        if kind == "bare_cr_header":
            header = header.replace("text", "te\rxt")
            good = []  # no header, no records
        elif kind == "bare_cr_row":
            rows.append(delimiter.join(["b1", "Ti\rtle", "Police said so."]))
        elif kind == "unclosed_quote":
            rows.append(delimiter.join(["b2", "T", '"Police said so, and then']))
        elif kind == "field_count":
            rows.append(delimiter.join(["b3", "T", "Police said so.", "extra", "more"]))
        elif kind == "no_text_column":
            header = header.replace("text", "body")
            good = []
        elif kind == "empty_text":
            rows.append(delimiter.join(["b4", "T", "  "]))
        elif kind == "random_row":
            # No quote marks: a stray one opens a quoted field that rightly swallows the good rows after it.
            rows.append(self.random_bytes(rng.randrange(1, 200), text_safe=True).decode("latin-1").replace('"', "'"))
            bad = False  # random text may well be a valid row
        elif kind == "nul_late":
            rows.append(delimiter.join(["pad", "T", '"' + "Police said so. " * 600 + '"']))  # past 8 KB
            marker = self.marker()
            rows.append(delimiter.join([f"k{marker}", "T", f'"{self.good_sentence(marker)}\x00"']))
            good.append(marker)
            bad = False
        elif kind == "header_only":
            rows = []
            good = []
        else:
            bad = False
        if kind not in ("unclosed_quote", "bare_cr_header", "no_text_column", "header_only"):
            for _ in range(rng.randrange(0, 3)):  # good rows after the bad one are read too
                good_row()
        newline = rng.choice(["\n", "\r\n"])
        data = (header + newline + newline.join(rows) + newline).encode("utf-8")
        return Case(self.write(".csv", data), f"csv:{kind}", bad, [], good)

    # -- whole files ---------------------------------------------------------------------------

    def file_case(self) -> Case:
        rng = self.rng
        kind = rng.choice(
            ["empty", "whitespace", "binary", "nul_late", "nul_late_many", "truncated_text", "random_text",
             "invalid_utf8", "bad_utf16", "html_rot13", "html_bogus_charset", "html_nesting", "html_random",
             "html_truncated", "html_no_text", "huge_file", "wrong_extension", "controls_late", "good_text",
             "missing", "fifo", "bom_only", "html_nul", "long_line_text", "html_many_elements", "byte_edits",
             "byte_edits"]
        )
        base = rng.choice(self.texts)
        if kind == "empty":
            return Case(self.write(rng.choice([".txt", ".html", ".jsonl", ".csv"]), b""), kind, True)
        if kind == "whitespace":
            return Case(self.write(rng.choice([".txt", ".html", ".jsonl", ".csv"]), b" \n\t\r\n" * rng.randrange(1, 50)),
                        kind, True)
        if kind == "bom_only":
            return Case(self.write(".txt", b"\xef\xbb\xbf\n"), kind, True)
        if kind == "binary":
            data = b"\x00" + self.random_bytes(rng.randrange(10, 20_000))
            return Case(self.write(rng.choice([".txt", ".html", ".jsonl", ".csv", ".bin"]), data), kind, True)
        if kind in ("nul_late", "controls_late"):
            marker = self.marker()
            control = b"\x00" if kind == "nul_late" else rng.choice([b"\x07", b"\x1b", b"\x0b", b"\x7f"])
            # Blank lines carry the control past the binary check's 8 KB and cost the parser nothing.
            data = (self.good_sentence(marker) + "\n" * 8200).encode() + control + b" More text.\n"
            return Case(self.write(".txt", data), kind, False, [], [marker])
        if kind == "nul_late_many":
            data = (self.good_sentence("x") + " ").encode() * 150 + b"\x00\x01\x02\x03" * 20_000
            return Case(self.write(".txt", data), kind, True)
        if kind == "truncated_text":
            return Case(self.write(".txt", base[: rng.randrange(0, len(base))]), kind, False)
        if kind == "random_text":
            return Case(self.write(".txt", self.random_bytes(rng.randrange(1, 4000))), kind, False)
        if kind == "invalid_utf8":
            data = bytearray(base)
            for _ in range(rng.randrange(1, 10)):
                data[rng.randrange(len(data))] = rng.choice([0x80, 0xC3, 0xFF, 0xE2])
            return Case(self.write(".txt", bytes(data)), kind, False)
        if kind == "bad_utf16":
            return Case(self.write(".txt", b"\xff\xfe" + "The mayor said".encode("utf-16-le") + b"\x00"), kind, False)
        if kind in ("html_rot13", "html_bogus_charset"):
            charset = "rot13" if kind == "html_rot13" else rng.choice(["base64", "hex", "zlib", "x-nothing", "utf-7", "bz2"])
            marker = self.marker()
            paragraph = f"{self.good_sentence(marker)} The “reforms” would be debated again next week in the assembly."
            html = (f'<html><head><meta charset="{charset}"><title>T</title></head><body><article>'
                    f"<p>{paragraph}</p><p>{paragraph}</p></article></body></html>")
            return Case(self.write(".html", html.encode("cp1252")), kind, False, [], [] if charset == "utf-7" else [marker])
        if kind == "html_nesting":
            depth = rng.choice([1000, 10_000, 100_000])
            tag = rng.choice(["div", "span", "b", "table", "p"])
            data = ("<html><body>" + f"<{tag}>" * depth + "The minister said so." + f"</{tag}>" * rng.choice([0, depth])).encode()
            return Case(self.write(".html", data), kind, True)
        if kind == "html_random":
            return Case(self.write(".html", b"<html>" + self.random_bytes(rng.randrange(1, 20_000))), kind, False)
        if kind == "html_truncated":
            html = rng.choice(self.html)
            return Case(self.write(".html", html[: rng.randrange(1, len(html))]), kind, False)
        if kind == "html_many_elements":  # took minutes in trafilatura before the element limit
            tag = rng.choice([b"p", b"li", b"a", b"td", b"br"])
            data = b"<html><body>" + (b"<" + tag + b">x ") * rng.choice([60_000, 300_000, 1_000_000])
            return Case(self.write(".html", data), kind, True)
        if kind == "html_no_text":
            return Case(self.write(".html", b"<html><body><nav>Home | About</nav></body></html>"), kind, True)
        if kind == "html_nul":
            html = rng.choice(self.html)
            cut = rng.randrange(len(html))
            return Case(self.write(".html", html[:cut] + b"\x00" + html[cut:]), kind, False)
        if kind == "huge_file":
            data = (b"The minister said so. " * 250_000)[: 5 * 1024 * 1024 + rng.randrange(1, 1000)]
            return Case(self.write(rng.choice([".txt", ".html"]), data), kind, True, slow=True)
        if kind == "long_line_text":
            marker = self.marker()
            data = (marker + " " + "word " * rng.randrange(20_000, 200_000)).encode()
            return Case(self.write(".txt", data), kind, False, [], [marker], slow=True)
        if kind == "byte_edits":  # any fixture, a few bytes flipped, inserted or deleted, same extension
            name, data = rng.choice(sorted(self.fixtures.items()))
            edited = bytearray(data)
            for _ in range(rng.randrange(1, 12)):
                at = rng.randrange(len(edited) + 1)
                byte = rng.choice([0, 10, 13, 34, 44, 91, 123, 60, 62, 92, 0xC3, 0xFF, rng.randrange(256)])
                edit = rng.choice(["flip", "insert", "delete"])
                if edit == "insert" or not edited:
                    edited[at:at] = bytes([byte])
                elif edit == "flip":
                    edited[min(at, len(edited) - 1)] = byte
                else:
                    del edited[min(at, len(edited) - 1)]
            return Case(self.write(os.path.splitext(name)[1] or ".txt", bytes(edited)), f"{kind}:{name}", False)
        if kind == "wrong_extension":
            name, data = rng.choice(sorted(self.fixtures.items()))
            suffix = rng.choice([".txt", ".html", ".jsonl", ".csv"])
            return Case(self.write(suffix, data), f"{kind}:{name}->{suffix}", False)
        if kind == "missing":
            self.count += 1
            return Case(str(self.folder / f"in{self.count:05d}-missing.txt"), kind, True)
        if kind == "fifo" and hasattr(os, "mkfifo"):
            self.count += 1
            path = self.folder / f"in{self.count:05d}-fifo.txt"
            os.mkfifo(path)
            return Case(str(path), kind, True, fifo=True)
        marker = self.marker()
        return Case(self.write(".txt", (self.good_sentence(marker) + "\n").encode()), "good_text", False, [], [marker])

    def huge_record_case(self) -> Case:
        """A JSONL record over the 5 MB limit (or a line over the 20 MB line bound) between good ones."""
        rng = self.rng
        before, after = self.marker(), self.marker()
        size = rng.choice([5 * 1024 * 1024 + 100, 21 * 1024 * 1024])
        lines = [json.dumps({"text": self.good_sentence(before)}).encode(),
                 b'{"text": "' + b"a" * size + b'"}',
                 json.dumps({"text": self.good_sentence(after)}).encode()]
        return Case(self.write(".jsonl", b"\n".join(lines) + b"\n"), f"huge_record:{size}", True, [2], [before, after],
                    slow=True)

    def make(self, n: int) -> list[Case]:
        cases = []
        for number in range(n):
            if number % 400 == 7:
                cases.append(self.huge_record_case())
                continue
            roll = self.rng.random()
            cases.append(self.jsonl_case() if roll < 0.35 else self.csv_case() if roll < 0.6 else self.file_case())
        return cases


# -- part 1: the readers, in a worker process with a timeout ---------------------------------------


def _worker(conn) -> None:  # type: ignore[no-untyped-def]
    from claims.readers import read_paths
    from claims.types import IngestError

    while True:
        path = conn.recv()
        if path is None:
            return
        try:
            result = []
            for item in read_paths([path]):
                if isinstance(item, IngestError):
                    result.append(("error", item.source, item.line, item.kind, item.message))
                else:
                    result.append(("article", item.source, None, None, MARKER.findall(item.text)))
            conn.send(("ok", result))
        except BaseException:  # noqa: BLE001 - this is what the benchmark counts
            conn.send(("escaped", traceback.format_exc()))


class Worker:
    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()

    def read(self, path: str, timeout: float) -> tuple[str, object]:
        self.conn.send(path)
        if not self.conn.poll(timeout):
            self.process.kill()
            self.process.join()
            self.start()
            return "hang", None
        try:
            return self.conn.recv()
        except EOFError:  # the worker died (a crash in C code, out of memory)
            self.process.join()
            self.start()
            return "escaped", f"worker died with exit code {self.process.exitcode}"

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(5)


def check_readers(cases: list[Case], timeout: float = TIMEOUT_S) -> dict[str, object]:
    worker = Worker()
    figures: dict[str, object] = {"inputs": len(cases), "escaped": 0, "hangs": 0, "unreported": 0, "good_lost": 0,
                                  "bad_inputs": sum(case.bad for case in cases),
                                  "good_records": sum(len(case.good) for case in cases), "examples": []}
    examples: list[str] = figures["examples"]  # type: ignore[assignment]
    started = time.perf_counter()
    slowest = (0.0, "")
    for case in cases:
        began = time.perf_counter()
        status, result = worker.read(case.path, timeout)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, case.mutation))
        if status == "hang":
            figures["hangs"] += 1  # type: ignore[operator]
            examples.append(f"hang: {case.mutation} {case.path}")
            continue
        if status == "escaped":
            figures["escaped"] += 1  # type: ignore[operator]
            examples.append(f"escaped: {case.mutation} {case.path}: {str(result).strip().splitlines()[-1]}")
            continue
        items = result  # type: ignore[assignment]
        errors = [item for item in items if item[0] == "error"]
        found = {marker for item in items if item[0] == "article" for marker in item[4]}
        problem = _unreported(case, errors)
        if problem:
            figures["unreported"] += 1  # type: ignore[operator]
            examples.append(f"unreported: {case.mutation} {case.path}: {problem}")
        lost = [marker for marker in case.good if marker not in found]
        if lost:
            figures["good_lost"] += len(lost)  # type: ignore[operator]
            examples.append(f"good lost: {case.mutation} {case.path}: {lost}")
    worker.close()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["slowest"] = f"{slowest[0]:.2f} s ({slowest[1]})"
    return figures


def _unreported(case: Case, errors: list[tuple]) -> str | None:
    """What is missing from the errors of a case, or None."""
    named = [error for error in errors if error[1] == case.path]
    if len(named) != len(errors):
        return f"an error names another source: {[error[1] for error in errors if error[1] != case.path]}"
    if case.bad and not named:
        return "no IngestError"
    lines = {error[2] for error in named}
    missing = [line for line in case.bad_lines if line not in lines]
    if missing:
        return f"no error for line(s) {missing}; errors at {sorted(line for line in lines if line)}"
    return None


# -- part 2: the real CLI --------------------------------------------------------------------------


def check_cli(cases: list[Case], runs: int, folder: Path) -> dict[str, object]:
    batches = [cases[number::runs] for number in range(runs)]
    figures: dict[str, object] = {"inputs": len(cases), "runs": 0, "bad_exit": 0, "tracebacks": 0,
                                  "bad_without_row": 0, "stanza_warnings": 0, "good_records": sum(len(case.good) for case in cases),
                                  "good_missing": 0, "examples": []}
    examples: list[str] = figures["examples"]  # type: ignore[assignment]
    started = time.perf_counter()
    for number, batch in enumerate(batches):
        if not batch:
            continue
        db = folder / f"cli{number}.db"
        command = [sys.executable, "-m", "claims", "ingest", *[case.path for case in batch], "--db", str(db), "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        figures["runs"] += 1  # type: ignore[operator]
        expected_exit = 1 if any(case.bad for case in batch) else None  # any failed input: exit 1
        if done.returncode not in (0, 1) or (expected_exit is not None and done.returncode != expected_exit):
            figures["bad_exit"] += 1  # type: ignore[operator]
            examples.append(f"run {number}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
        if TRACEBACK in done.stderr or TRACEBACK in done.stdout:
            figures["tracebacks"] += 1  # type: ignore[operator]
            examples.append(f"run {number}: traceback: {done.stderr.strip()[-800:]}")
        if "unsupported language" in done.stderr:
            figures["stanza_warnings"] += 1  # type: ignore[operator]
        if not db.exists():
            figures["bad_without_row"] += sum(case.bad for case in batch)  # type: ignore[operator]
            figures["good_missing"] += sum(len(case.good) for case in batch)  # type: ignore[operator]
            continue
        with sqlite3.connect(db) as connection:
            rows = connection.execute("SELECT source, line FROM ingest_errors").fetchall()
            texts = [text for (text,) in connection.execute("SELECT text FROM articles")]
        stored = {marker for text in texts for marker in MARKER.findall(text)}
        by_source: dict[str, set] = {}
        for source, line in rows:
            by_source.setdefault(source, set()).add(line)
        for case in batch:
            lines = by_source.get(case.path, set())
            if (case.bad and not lines) or any(line not in lines for line in case.bad_lines):
                figures["bad_without_row"] += 1  # type: ignore[operator]
                examples.append(f"cli run {number}: no ingest_errors row for {case.mutation} {case.path}")
            missing = [marker for marker in case.good if marker not in stored]
            if missing:
                figures["good_missing"] += len(missing)  # type: ignore[operator]
                examples.append(f"cli run {number}: good records not stored: {case.mutation} {case.path} {missing}")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def run(n_inputs: int = 2400, cli_sample: int = 120, seed: int = 11, cli_runs: int = 4) -> dict[str, object]:
    """Generate ``n_inputs`` bad inputs, read them all, ingest ``cli_sample`` of them with the CLI."""
    with tempfile.TemporaryDirectory(prefix="bench-bad-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        cases = Maker(folder / "in", seed).make(n_inputs)
        figures: dict[str, object] = {"seed": seed, "readers": check_readers(cases)}
        if cli_sample:
            rng = random.Random(seed + 1)
            eligible = [case for case in cases if not case.slow]
            sample = rng.sample(eligible, min(cli_sample, len(eligible)))
            figures["cli"] = check_cli(sample, cli_runs, folder)
        mutations: dict[str, int] = {}
        for case in cases:
            mutations[case.mutation.split(":")[0]] = mutations.get(case.mutation.split(":")[0], 0) + 1
        figures["kinds"] = mutations
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=2400)
    parser.add_argument("--cli-sample", type=int, default=120)
    parser.add_argument("--cli-runs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    figures = run(args.inputs, args.cli_sample, args.seed, args.cli_runs)
    readers = figures["readers"]
    print(f"readers: {readers['inputs']:,} inputs ({readers['bad_inputs']:,} bad for certain, "  # type: ignore[index]
          f"{readers['good_records']:,} good records), {readers['escaped']} escaped, {readers['hangs']} hangs, "  # type: ignore[index]
          f"{readers['unreported']} unreported, {readers['good_lost']} good lost; "  # type: ignore[index]
          f"{readers['seconds']} s, slowest input {readers['slowest']}")  # type: ignore[index]
    for line in readers["examples"][:15]:  # type: ignore[index]
        print("  " + line)
    if "cli" in figures:
        cli = figures["cli"]
        print(f"cli: {cli['inputs']} inputs in {cli['runs']} runs, {cli['bad_exit']} unexpected exit statuses, "  # type: ignore[index]
              f"{cli['tracebacks']} tracebacks, {cli['stanza_warnings']} stanza warnings, {cli['bad_without_row']} bad inputs without an ingest_errors row, "  # type: ignore[index]
              f"{cli['good_missing']} of {cli['good_records']} good records missing; {cli['seconds']} s")  # type: ignore[index]
        for line in cli["examples"][:15]:  # type: ignore[index]
            print("  " + line)
    print("kinds: " + ", ".join(f"{kind} {count}" for kind, count in sorted(figures["kinds"].items())))  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
