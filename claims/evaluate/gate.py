"""The accuracy gate: headline scores pinned as minimums, with a hash of the gold they were measured on.

``check_gate`` lists what fails (a score below its minimum, gold that changed); ``update_gate``
pins new minimums, refusing to lower one unless told. tests/eval_gate.py runs it on PolNeAR dev
and the seed gold.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claims.evaluate.spans import SPAN_TYPES

GATE_TOLERANCE = 0.0005  # a score this far below its pinned minimum still passes the gate


def polnear_gate_scores(scores: Mapping[str, Any], name: str = "polnear_dev") -> dict[str, float]:
    """The headline ``score_polnear`` figures, flat, as the gate pins them (``name.metric``)."""
    out = {f"{name}.attribution_f1": scores["attribution"]["f1"]}
    for kind in SPAN_TYPES:
        out[f"{name}.exact_{kind}_f1"] = scores["exact"][kind]["f1"]
        out[f"{name}.overlap_{kind}_f1"] = scores["overlap"][kind]["f1"]
    out[f"{name}.speaker_accuracy"] = scores["speaker_accuracy"]["overlap"]
    return out


def seed_gate_scores(scores: Mapping[str, Any], name: str = "seed") -> dict[str, float]:
    """The headline ``score_seed`` figures, flat, as the gate pins them (``name.metric``)."""
    n, channel_n = scores["n_gold"], scores["channel_n"]
    return {
        f"{name}.found": scores["found"] / n if n else 0.0,
        f"{name}.speaker_right": scores["speaker_right"] / n if n else 0.0,
        f"{name}.channel_right": scores["channel_right"] / channel_n if channel_n else 0.0,
        f"{name}.speaker_type_accuracy": scores["speaker_type_accuracy"],
        f"{name}.role_accuracy": scores["role_accuracy"],
        f"{name}.affiliation_accuracy": scores["affiliation_accuracy"],
    }


def gold_hash(paths: Iterable[str | os.PathLike[str]]) -> str:
    """SHA-256 over the bytes of the gold files, in sorted path order (folders are walked).

    Hidden files (``.DS_Store``, editor swap files) are left out. Each file's length is hashed
    before its bytes, so moving bytes from one file to the next changes the hash.
    """
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                files += [os.path.join(root, n) for n in names if not n.startswith(".")]
        elif os.path.isfile(p):
            files.append(os.fspath(p))
        else:
            raise FileNotFoundError(f"gold file {p} does not exist; check the gold path")
    digest = hashlib.sha256()
    for path in sorted(files):
        data = Path(path).read_bytes()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _load_baseline(baseline_path: str | os.PathLike[str]) -> dict[str, Any]:
    with open(baseline_path, encoding="utf-8") as f:
        baseline = json.load(f)
    if not isinstance(baseline, dict) or not isinstance(baseline.get("minimums", {}), dict):
        raise ValueError(f'{baseline_path}: expected {{"gold_hash": {{...}}, "minimums": {{...}}}}')
    baseline.setdefault("gold_hash", {})
    baseline.setdefault("minimums", {})
    return baseline


def check_gate(
    scores: Mapping[str, float],
    baseline_path: str | os.PathLike[str],
    gold_hashes: Mapping[str, str] | None = None,
    golds: Iterable[str] | None = None,
) -> list[str]:
    """Failure messages: scores below their pinned minimum, and gold that changed; [] = pass.

    A score may be up to ``GATE_TOLERANCE`` below its minimum. ``gold_hashes`` (name -> hash
    from ``gold_hash``) are compared with the pinned ones; leave it out to skip that check.
    ``golds`` checks only the minimums of those golds (the part of a name before its first dot,
    e.g. ``seed``), for a run that has only some of the gold; None checks them all.
    """
    if not os.path.exists(baseline_path):
        return [f"no baseline at {baseline_path}: pin one with update_gate (the eval command's --update)"]
    baseline = _load_baseline(baseline_path)
    wanted = None if golds is None else set(golds)
    failures = []
    for name, minimum in sorted(baseline["minimums"].items()):
        if wanted is not None and name.split(".", 1)[0] not in wanted:
            continue
        if name not in scores:
            failures.append(f"{name}: pinned at {minimum:.4f} but not scored; score it or drop it from {baseline_path}")
        elif scores[name] < minimum - GATE_TOLERANCE:
            failures.append(
                f"{name}: {scores[name]:.4f} is below its pinned minimum {minimum:.4f} "
                f"(tolerance {GATE_TOLERANCE}); fix the regression, or re-pin with allow_lower if it is intended"
            )
    for name, current in sorted((gold_hashes or {}).items()):
        pinned = baseline["gold_hash"].get(name)
        if pinned is None:
            failures.append(f"gold {name!r} has no pinned hash in {baseline_path}; re-pin with update_gate")
        elif pinned != current:
            failures.append(
                f"gold {name!r} changed (hash {current[:12]}, pinned {pinned[:12]}): the minimums were measured "
                "on other data; review the change and re-pin with update_gate"
            )
    return failures


def update_gate(
    scores: Mapping[str, float],
    baseline_path: str | os.PathLike[str],
    gold_hash: Mapping[str, str],
    allow_lower: bool = False,
) -> dict[str, Any]:
    """Pin ``scores`` (rounded to 4 places) as the new minimums and ``gold_hash`` as the gold.

    Minimums not in ``scores`` are kept. Raises ValueError, writing nothing, when a minimum
    would go down and ``allow_lower`` is False. Returns the baseline as written.
    """
    exists = os.path.exists(baseline_path)
    baseline = _load_baseline(baseline_path) if exists else {"gold_hash": {}, "minimums": {}}
    minimums = dict(baseline["minimums"])
    new = {name: round(float(value), 4) for name, value in scores.items()}
    lowered = [
        f"{name} {minimums[name]:.4f} -> {value:.4f}"
        for name, value in sorted(new.items())
        if name in minimums and value < minimums[name]
    ]
    if lowered and not allow_lower:
        raise ValueError(
            f"refusing to lower {len(lowered)} pinned minimum(s) in {baseline_path}: "
            + ", ".join(lowered)
            + "; fix the regression, or pass allow_lower=True (--allow-lower) if the drop is intended"
        )
    minimums.update(new)
    written = {"gold_hash": {**baseline["gold_hash"], **gold_hash}, "minimums": dict(sorted(minimums.items()))}
    directory = os.path.dirname(os.path.abspath(baseline_path))
    # write then rename, so an interrupted update never leaves half a baseline
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".baseline-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(written, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, baseline_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return written
