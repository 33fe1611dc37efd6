"""claims.evaluate agrees with the reference scorers, and the gate holds.

Parity tests run the reference scorers (score_attr.py, score_seed.py) as subprocesses on the same
predictions and compare every number they report. Fast: PolNeAR dev scores in well under a second
per run. The scorers and PolNeAR dev are not in the repository (tests/data_paths.py says where they
are looked for); the tests that need them skip, saying how to provide them, when they are absent.
The seed gold is fixtures/seed/expected.json.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from data_paths import POLNEAR_DEV as DEV
from data_paths import SCORE_ATTR, SCORE_SEED, needs_data, needs_tools
from data_paths import SEED_GOLD as SEED_EXPECTED

from claims.evaluate import (
    GoldAttribution,
    GoldError,
    check_gate,
    format_polnear_report,
    format_seed_report,
    gold_hash,
    load_polnear_gold,
    load_predictions,
    load_seed_gold,
    polnear_gate_scores,
    score_polnear,
    score_seed,
    seed_gate_scores,
    update_gate,
)

needs_dev = needs_data("polnear/dev/text", "polnear/dev/attributions")
needs_score_attr = needs_tools("score_attr.py")
needs_score_seed = needs_tools("score_seed.py")


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def reference_attr(gold_dir: Path, pred_dir: Path, *flags: str) -> tuple[dict[str, Any], str]:
    proc = _run(SCORE_ATTR, gold_dir, pred_dir, "--json", "--per-doc", *flags)
    return json.loads(proc.stdout), proc.stderr


def assert_same(reference: Any, ours: Any, path: str = "") -> None:
    """Every value the reference reports is in ours and equal (numbers to 1e-9)."""
    if isinstance(reference, dict):
        assert isinstance(ours, dict), path
        for key, value in reference.items():
            if key in ("gold_dir", "pred_dir"):
                continue  # ours is scored from loaded data, not from folders
            assert key in ours, f"{path}.{key} missing"
            assert_same(value, ours[key], f"{path}.{key}")
    elif isinstance(reference, list):
        assert isinstance(ours, list) and len(ours) == len(reference), path
        for i, (r, o) in enumerate(zip(reference, ours, strict=True)):
            assert_same(r, o, f"{path}[{i}]")
    elif isinstance(reference, (bool, str)):
        assert ours == reference, path
    else:
        assert not isinstance(ours, bool) and abs(ours - reference) < 1e-9, f"{path}: {ours} != {reference}"


# ------------------------------------------------------------------------------------ PolNeAR


@pytest.fixture(scope="module")
def dev_gold() -> dict[str, Any]:
    return load_polnear_gold(DEV)


@pytest.fixture(scope="module")
def gold_pred_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gold_as_pred")
    _run(SCORE_ATTR, DEV, out, "--write-gold-as-pred", out)
    return out


def _shift(frags: list[list[int]], by: int, n_chars: int) -> list[list[int]]:
    return [[max(0, s + by), min(n_chars, e + by)] for s, e in frags]


@pytest.fixture(scope="module")
def perturbed_dir(gold_pred_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gold as predictions, damaged deterministically in every way a system gets things wrong."""
    out = tmp_path_factory.mktemp("perturbed")
    n = 0
    for d, path in enumerate(sorted(gold_pred_dir.glob("*.json"))):
        if d % 9 == 4:
            continue  # no prediction file for this text
        text = (DEV / "text" / f"{path.stem}.txt").read_text(encoding="utf-8")
        size = len(text)
        atts = []
        for att in json.loads(path.read_text(encoding="utf-8"))["attributions"]:
            n += 1
            if n % 3 == 2:
                continue  # dropped
            if n % 4 == 0:
                att["cue"] = _shift(att["cue"], 2, size)
            if n % 5 == 1 and att["content"]:
                att["content"] = _shift(att["content"], -3, size)
            if n % 6 == 1 and att["content"]:
                s, e = att["content"][-1]
                att["content"][-1] = [s, s + max(1, (e - s) // 2)]  # truncated
            if n % 7 == 3:
                att["source"] = None if n % 2 else []
            if n % 11 == 5 and att["source"]:
                att["source"] = _shift(att["source"], 1, size)
            if n % 13 == 0:
                att["speaker"] = "someone"  # extra keys are carried and ignored
            atts.append(att)
        if d % 2:
            atts.reverse()  # tie-breaking in the greedy matching follows prediction order
        start = (37 * d) % max(1, size - 400)
        spurious = {"cue": [[start, start + 5]], "content": [[start + 10, start + 200]], "source": [[start, start + 4]]}
        atts.append(spurious)
        if atts[0]["content"]:
            atts.append(json.loads(json.dumps(atts[0])))  # a duplicate: one of the two is a false positive
        if d % 10 == 3:
            atts.append({"cue": [start, start + 3], "content": [[size - 5, size + 10], [start, start]]})
        if d % 10 == 7:
            atts.append({"cue": [[start, start + 1]], "content": [[start + 1, start + 2]]})
        (out / path.name).write_text(json.dumps({"attributions": atts}), encoding="utf-8")
    (out / "no-such-text.json").write_text('{"attributions": []}', encoding="utf-8")
    return out


@needs_dev
@needs_score_attr
def test_gold_as_predictions_scores_perfectly_like_the_reference(dev_gold: dict[str, Any], gold_pred_dir: Path) -> None:
    reference, _ = reference_attr(DEV, gold_pred_dir)
    ours = score_polnear(dev_gold, load_predictions(gold_pred_dir))
    assert_same(reference, ours)
    assert ours["attribution"]["f1"] == 1.0 and ours["exact"]["content"]["fp"] == 0
    assert ours["gold_files_ignored"] == 10 and ours["n_gold_events_skipped"] == 1


@needs_dev
@needs_score_attr
@pytest.mark.parametrize("unanchored", [False, True])
def test_perturbed_predictions_match_the_reference(
    dev_gold: dict[str, Any], perturbed_dir: Path, unanchored: bool
) -> None:
    reference, stderr = reference_attr(DEV, perturbed_dir, *(["--unanchored"] if unanchored else []))
    ours = score_polnear(dev_gold, load_predictions(perturbed_dir), unanchored=unanchored)
    assert_same(reference, ours)
    # the damage is real, so the comparison covers non-trivial numbers
    assert 0.3 < ours["attribution"]["f1"] < 0.9
    assert ours["n_docs_with_pred_file"] < ours["n_docs"]
    for kind in ("cue", "source", "content"):
        e = ours["exact"][kind]
        assert e["fp"] == e["n_pred"] - e["tp_pred"] > 0 and e["fn"] == e["n_gold"] - e["tp_gold"] > 0
    dropped = [w for w in ours["warnings"] if "dropped" in w]
    assert len(dropped) == stderr.count("dropped") > 0
    assert any("no gold text" in w for w in ours["warnings"]) and "no gold text" in stderr


@needs_score_attr
def test_brat_events_as_the_reference_reads_them(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    (gold_dir / "text").mkdir(parents=True)
    (gold_dir / "attributions").mkdir()
    text = "Mr. Smith said\r\nthat taxes, he said, would rise. Critics doubt it.\r\n"
    (gold_dir / "text" / "doc.txt").write_bytes(text.encode("utf-8"))
    ann = (
        "T1\tSource 0 9\tMr. Smith\n"
        "T2\tCue 10 14\tsaid\n"
        "T3\tContent 16 27;37 48\tthat taxes, would rise.\n"
        "continuation of a multi-line span text\n"
        "T4\tContent 27 35\the said\n"
        "T5\tCue 49 56\tCritics\n"
        "T6\tDiscuss 57 62\tdoubt\n"
        "T7\tAttribution 10 14\tsaid\n"
        "E1\tAttribution:T7 Cue:T2 Source:T1 Content:T3 Content2:T4\n"
        "E2\tAttribution-no-source:T5 Cue:T5 Content:T6\n"
        "E3\tAttribution:T7 Source:T1\n"
    )
    (gold_dir / "attributions" / "doc_b.ann").write_text(ann, encoding="utf-8")
    (gold_dir / "attributions" / "doc_a.ann").write_text(ann, encoding="utf-8")
    (gold_dir / "attributions" / "doc_a_x.ann").write_text("garbage", encoding="utf-8")  # another text's file
    (gold_dir / "text" / "other.txt").write_text("No annotations.", encoding="utf-8")

    gold = load_polnear_gold(gold_dir)
    doc = gold["doc"]
    assert doc.text == text  # no newline translation
    assert doc.annotation_file is not None and doc.annotation_file.endswith("doc_a.ann")
    assert doc.n_annotation_files_ignored == 1 and doc.n_events_skipped == 1
    assert doc.attributions == [
        GoldAttribution(cue=[(10, 14)], source=[(0, 9)], content=[(16, 27), (27, 35), (37, 48)]),
        GoldAttribution(cue=[(49, 56)], source=[], content=[(57, 62)]),
    ]
    assert gold["other"].annotation_file is None and gold["other"].attributions == []

    pred_dir = tmp_path / "pred"
    _run(SCORE_ATTR, gold_dir, pred_dir, "--write-gold-as-pred", pred_dir)
    written = json.loads((pred_dir / "doc.json").read_text(encoding="utf-8"))["attributions"]
    kinds = ("cue", "source", "content")
    assert written == [{k: [list(f) for f in a.spans(k)] for k in kinds} for a in doc.attributions]
    reference, _ = reference_attr(gold_dir, pred_dir)
    assert_same(reference, score_polnear(gold, load_predictions(pred_dir)))


@needs_score_attr
def test_ties_prefer_the_pair_whose_source_agrees(tmp_path: Path) -> None:
    """Two gold attributions with one content: the content-only match takes the one whose source agrees."""
    gold_dir = tmp_path / "gold"
    (gold_dir / "text").mkdir(parents=True)
    (gold_dir / "attributions").mkdir()
    text = "Ann said and Bob said: taxes will rise."
    (gold_dir / "text" / "t.txt").write_text(text, encoding="utf-8")
    (gold_dir / "attributions" / "t_x.ann").write_text(
        "T1\tSource 0 3\tAnn\nT2\tCue 4 8\tsaid\nT3\tContent 23 39\ttaxes will rise.\n"
        "T4\tSource 13 16\tBob\nT5\tCue 17 21\tsaid\n"
        "E1\tAttribution:T2 Cue:T2 Source:T1 Content:T3\nE2\tAttribution:T5 Cue:T5 Source:T4 Content:T3\n",
        encoding="utf-8",
    )
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    pred = {"attributions": [{"cue": [[17, 21]], "source": [[13, 16]], "content": [[23, 38]]}]}
    (pred_dir / "t.json").write_text(json.dumps(pred), encoding="utf-8")
    reference, _ = reference_attr(gold_dir, pred_dir)
    ours = score_polnear(load_polnear_gold(gold_dir), load_predictions(pred_dir))
    assert_same(reference, ours)
    assert ours["speaker_accuracy"]["n_overlap"] == 1 and ours["attribution_content_only"]["matched"] == 1


def test_a_folder_that_is_not_polnear_gold_is_a_gold_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match=r"no texts in .*text/<stem>\.txt and attributions/"):
        load_polnear_gold(tmp_path)  # empty
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a.txt").write_text("He said so.", encoding="utf-8")
    with pytest.raises(GoldError, match=r"no folder .*attributions"):
        load_polnear_gold(tmp_path)  # texts alone are not gold


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not json at all", "is not JSON"),
        (b"\xff\xfe garbage", "is not JSON"),
        (b'["a", "list"]', 'no "file"'),
        (b'{"file": "nowhere.txt", "attributions": []}', "is not a file"),
        (b'{"file": "t.txt", "attributions": [{"content": "x"}]}', 'no list of "attributions"'),
        (b'{"file": "t.txt"}', 'no list of "attributions"'),
    ],
)
def test_a_file_that_is_not_seed_gold_is_a_gold_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "t.txt").write_text("He said so.", encoding="utf-8")
    gold = tmp_path / "gold.json"
    gold.write_bytes(content)
    with pytest.raises(GoldError, match=message) as raised:
        load_seed_gold(gold)
    assert "fixtures/seed/expected.json" in str(raised.value) or "next to the text" in str(raised.value)
    with pytest.raises(GoldError):
        score_seed(gold, [])


def test_the_seed_gold_in_fixtures_names_its_text() -> None:
    expected, text_path = load_seed_gold(SEED_EXPECTED)
    assert text_path == SEED_EXPECTED.parent / "syria-russia-airstrikes.txt" and text_path.is_file()
    assert len(expected["attributions"]) == 17


def test_missing_prediction_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_predictions(tmp_path / "nowhere")


@needs_dev
@needs_score_attr
def test_polnear_report_reads_as_a_table(dev_gold: dict[str, Any], perturbed_dir: Path) -> None:
    scores = score_polnear(dev_gold, load_predictions(perturbed_dir))
    report = format_polnear_report(scores, n_worst=3)
    assert "exact    content" in report and "overlap  source" in report
    assert f"matched {scores['attribution']['matched']}" in report
    assert "worst documents by attribution F1:" in report
    assert scores["per_doc"][0]["doc"] in report
    flat = polnear_gate_scores(scores)
    assert flat["polnear_dev.attribution_f1"] == scores["attribution"]["f1"]
    assert flat["polnear_dev.exact_cue_f1"] == scores["exact"]["cue"]["f1"]


# ------------------------------------------------------------------------------------ seed

SEED_LINE = re.compile(r"seed: found (\d+)/(\d+), speaker right (\d+)/(\d+), channel right (\d+)/(\d+)")
FIELDS = ("speaker", "speaker_type", "role", "affiliation", "channel")


def _seed_gold() -> list[dict[str, Any]]:
    attributions: list[dict[str, Any]] = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["attributions"]
    return attributions


def _seed_predictions_from_gold() -> list[dict[str, Any]]:
    return [
        {
            "cue": [g["cue"]["span"]],
            "source": [g["source"]["span"]] if g["source"] else [],
            "content": [g["content"]["span"]],
            **{k: g[k] for k in FIELDS},
        }
        for g in _seed_gold()
    ]


def reference_seed(preds: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    pred_path = tmp_path / "pred.json"
    pred_path.write_text(json.dumps({"attributions": preds}), encoding="utf-8")
    out = _run(SCORE_SEED, SEED_EXPECTED, pred_path).stdout
    m = SEED_LINE.search(out)
    assert m, out
    found, n, speaker, n2, channel, channel_n = map(int, m.groups())
    assert n == n2
    missed = re.search(r"^missed: (.*)$", out, re.M)
    return {
        "found": found,
        "n_gold": n,
        "speaker_right": speaker,
        "channel_right": channel,
        "channel_n": channel_n,
        "missed": missed.group(1) if missed else None,
    }


def assert_seed_same(reference: dict[str, Any], ours: dict[str, Any]) -> None:
    for key in ("found", "n_gold", "speaker_right", "channel_right", "channel_n"):
        assert ours[key] == reference[key], key
    assert ("; ".join(ours["misses"]) if ours["misses"] else None) == reference["missed"]


@needs_score_seed
def test_seed_gold_as_predictions(tmp_path: Path) -> None:
    preds = _seed_predictions_from_gold()
    ours = score_seed(SEED_EXPECTED, preds)
    assert_seed_same(reference_seed(preds, tmp_path), ours)
    assert ours["found"] == ours["n_gold"] == ours["speaker_right"] == 17
    assert ours["channel_right"] == ours["channel_n"] > 0
    assert ours["speaker_type_right"] == ours["role_right"] == ours["affiliation_right"] == 17
    assert ours["false_positives"] == 0 and ours["misses"] == []
    report = format_seed_report(ours)
    n_channels = ours["channel_n"]
    assert report.splitlines()[0] == f"seed: found 17/17, speaker right 17/17, channel right {n_channels}/{n_channels}"


@needs_score_seed
def test_seed_perturbed(tmp_path: Path) -> None:
    preds = _seed_predictions_from_gold()
    p = {i: preds[i] for i in range(len(preds))}
    p[0]["role"] = ""  # gold null: an empty prediction is right
    p[0]["affiliation"] = "Reuters"  # gold null: a value is wrong
    p[0].update(speaker="Ali Mahmoud", speaker_type="person")  # gold names nobody: wrong speaker and type
    p[3].update(speaker=None, speaker_type=None)  # gold names nobody: right speaker, wrong type
    p[9]["speaker"] = "Ali Mahmoud"  # right speaker: the type still says anonymous
    p[1].update(role="  REPORTER ", affiliation="Al  Jazeera", channel=None)
    p[6]["role"] = "Senior member of Syria's opposition"  # straight apostrophe, other case
    p[10]["speaker_type"] = "organization"  # wrong type
    p[11]["content"] = [[2821, 2900]]  # a one-word gold content found through its cue
    p[11]["affiliation"] = "Ministry of Foreign Affairs"  # contained in the gold's
    p[12]["role"] = None  # gold "President"
    p[13].update(speaker=None, source=[])  # gold names Pezeshkian
    p[16]["content"] = [[3565, 3600]]  # too short: missed
    spurious = [
        {"cue": [[3800, 3805]], "content": [[3810, 3900]], "source": []},
        dict(preds[3], speaker="Jane Doe"),  # a duplicate of a found attribution: the first one wins
    ]
    kept = [p[i] for i in range(len(preds)) if i not in (4, 8)] + spurious
    ours = score_seed(SEED_EXPECTED, kept)
    assert_seed_same(reference_seed(kept, tmp_path), ours)
    assert ours["found"] == 14 and len(ours["misses"]) == 3
    assert ours["speaker_right"] == 12 and ours["channel_right"] == ours["channel_n"] - 1
    assert ours["speaker_type_right"] == 11 and ours["speaker_type_accuracy"] == 11 / 14
    assert ours["role_right"] == 13 and ours["affiliation_right"] == 13
    assert ours["false_positives"] == len(kept) - 14 == 3
    report = format_seed_report(ours)
    assert "missed: " in report and "false positives: 3 of 17 predicted" in report
    assert seed_gate_scores(ours)["seed.found"] == 14 / 17


@needs_score_seed
def test_seed_two_word_content_is_found_through_its_cue(tmp_path: Path) -> None:
    """The cue rule covers gold contents of one or two words (checked on an edited copy of the gold)."""
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    text_name = expected["file"]
    shutil.copy(SEED_EXPECTED.parent / text_name, tmp_path / text_name)
    g = expected["attributions"][14]
    g["content"] = {"text": "This pledge", "span": [3226, 3237]}
    (tmp_path / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    preds = [{"cue": [g["cue"]["span"]], "content": [[3226, 3300]], "source": [], "speaker": g["speaker"]}]
    pred_path = tmp_path / "pred.json"
    pred_path.write_text(json.dumps({"attributions": preds}), encoding="utf-8")
    out = _run(SCORE_SEED, tmp_path / "expected.json", pred_path).stdout
    ours = score_seed(tmp_path / "expected.json", preds)
    assert ours["found"] == 1 and f"found {ours['found']}/17," in out


# ------------------------------------------------------------------------------------ gate


@pytest.fixture
def gold_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "goldset"
    folder.mkdir()
    files = [folder / "a.ann", folder / "b.txt"]
    files[0].write_text("T1\tCue 0 4\tsaid\n", encoding="utf-8")
    files[1].write_text("said it", encoding="utf-8")
    return files


def test_gold_hash(gold_files: list[Path]) -> None:
    h = gold_hash(gold_files)
    assert h == gold_hash(list(reversed(gold_files))) == gold_hash([gold_files[0].parent])
    (gold_files[0].parent / ".DS_Store").write_bytes(b"\x00")
    assert gold_hash([gold_files[0].parent]) == h  # hidden files are not gold
    gold_files[1].write_text("said it.", encoding="utf-8")
    assert gold_hash(gold_files) != h
    with pytest.raises(FileNotFoundError):
        gold_hash([gold_files[0].parent / "missing.ann"])


def test_gate_passes_then_fails_on_a_drop(tmp_path: Path) -> None:
    baseline = tmp_path / "eval_baseline.json"
    scores = {"polnear_dev.attribution_f1": 0.41237, "seed.found": 0.8}
    written = update_gate(scores, baseline, {"polnear_dev": "abc"}, allow_lower=False)
    on_disk = json.loads(baseline.read_text(encoding="utf-8"))
    assert (
        on_disk
        == written
        == {
            "gold_hash": {"polnear_dev": "abc"},
            "minimums": {"polnear_dev.attribution_f1": 0.4124, "seed.found": 0.8},
        }
    )
    assert check_gate(scores, baseline, {"polnear_dev": "abc"}) == []
    assert check_gate({**scores, "seed.found": 0.8 - 0.0004}, baseline) == []  # within tolerance
    failures = check_gate({**scores, "polnear_dev.attribution_f1": 0.40}, baseline)
    assert len(failures) == 1 and "polnear_dev.attribution_f1" in failures[0] and "0.4000" in failures[0]
    failures = check_gate({"seed.found": 0.9}, baseline)
    assert len(failures) == 1 and "not scored" in failures[0]
    assert "no baseline" in check_gate(scores, tmp_path / "missing.json")[0]


def test_gate_checks_only_the_golds_asked_for(tmp_path: Path) -> None:
    """A run without PolNeAR dev checks the seed part of the gate alone."""
    baseline = tmp_path / "eval_baseline.json"
    update_gate({"polnear_dev.attribution_f1": 0.7, "seed.found": 0.9}, baseline, {"polnear_dev": "a", "seed": "b"})
    assert check_gate({"seed.found": 0.95}, baseline, {"seed": "b"}, golds=["seed"]) == []
    failures = check_gate({"seed.found": 0.5}, baseline, {"seed": "b"}, golds=["seed"])
    assert len(failures) == 1 and "seed.found" in failures[0]
    assert "not scored" in check_gate({"seed.found": 0.95}, baseline, {"seed": "b"})[0]  # all golds by default


def test_gate_fails_when_the_gold_changed(tmp_path: Path, gold_files: list[Path]) -> None:
    baseline = tmp_path / "eval_baseline.json"
    scores = {"polnear_dev.attribution_f1": 0.5}
    update_gate(scores, baseline, {"polnear_dev": gold_hash(gold_files)})
    assert check_gate(scores, baseline, {"polnear_dev": gold_hash(gold_files)}) == []
    gold_files[0].write_text("T1\tCue 0 3\tsai\n", encoding="utf-8")
    failures = check_gate(scores, baseline, {"polnear_dev": gold_hash(gold_files)})
    assert len(failures) == 1 and "gold 'polnear_dev' changed" in failures[0]
    assert "no pinned hash" in check_gate(scores, baseline, {"seed": "x"})[0]


def test_gate_refuses_to_lower_a_minimum(tmp_path: Path) -> None:
    baseline = tmp_path / "eval_baseline.json"
    update_gate({"a.f1": 0.5, "b.f1": 0.7}, baseline, {"g": "1"})
    before = baseline.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"refusing to lower 1 pinned minimum.*a\.f1 0\.5000 -> 0\.4000.*allow_lower"):
        update_gate({"a.f1": 0.4, "b.f1": 0.8}, baseline, {"g": "2"}, allow_lower=False)
    assert baseline.read_text(encoding="utf-8") == before  # nothing written
    update_gate({"b.f1": 0.8}, baseline, {"g": "1"})  # raising is always allowed; others are kept
    assert json.loads(baseline.read_text(encoding="utf-8"))["minimums"] == {"a.f1": 0.5, "b.f1": 0.8}
    written = update_gate({"a.f1": 0.4}, baseline, {"g": "2"}, allow_lower=True)
    assert written["minimums"] == {"a.f1": 0.4, "b.f1": 0.8} and written["gold_hash"] == {"g": "2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval_baseline.json"]  # no temp files left
