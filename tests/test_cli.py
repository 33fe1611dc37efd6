"""The CLI commands, driven through click's test runner on the real model."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import REPO, SEED_GOLD, SEED_TEXT
from data_paths import POLNEAR_DEV, needs_data

from claims.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_ingest_then_export_csv_and_jsonl(tmp_path, model_spec):
    db = tmp_path / "c.db"
    result = invoke("ingest", SEED_TEXT, "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 article read (1 added" in result.output
    out = invoke("export", db, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert table and {"speaker", "claim_type", "claim", "content_start"} <= set(table[0])
    jsonl = invoke("export", db, "--format", "jsonl", "--query", "select id, speaker_type from claims")
    records = [json.loads(line) for line in jsonl.output.splitlines()]
    assert len(records) == len(table) and set(records[0]) == {"id", "speaker_type"}


def test_ingest_reports_bad_input_with_nonzero_exit(tmp_path, model_spec):
    db = tmp_path / "c.db"
    result = invoke("ingest", REPO / "fixtures" / "bad" / "empty.txt", "--db", db)
    assert result.exit_code == 1
    assert "empty" in result.output


def test_ingest_prints_notes_and_a_folder_of_other_files_does_not_fail_the_run(tmp_path, model_spec):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("Officials said the port\x07 was closed.\n", encoding="utf-8")
    (folder / "readme.md").write_text("# notes for the newsroom\n", encoding="utf-8")
    result = invoke("ingest", folder, "--db", tmp_path / "c.db")
    assert result.exit_code == 0, result.output  # readme.md is reported, not a failure
    assert "skipped (unsupported)" in result.output and "readme.md" in result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "story.txt" in notes[0]
    bad = invoke("ingest", folder, REPO / "fixtures" / "bad" / "empty.txt", "--db", tmp_path / "c.db")
    assert bad.exit_code == 1


def test_ingest_summary_counts_this_run_apart_from_the_database(tmp_path, model_spec):
    db = tmp_path / "c.db"
    invoke("ingest", SEED_TEXT, "--db", db)
    result = invoke("ingest", SEED_TEXT, REPO / "fixtures" / "bad" / "empty.txt", "--db", db)
    assert result.exit_code == 1
    summary = result.output.strip().splitlines()[-1]
    # this run stored nothing; the speakers and clusters are the database's, and say so
    assert summary.startswith("1 article read (0 added, 0 replaced, 1 unchanged), 0 sentences and 0 claims stored, "
                              "1 error, ")
    assert "; database now: 1 article, " in summary and " speakers, 0 quote clusters" in summary
    assert "1 errors" not in result.output


def test_ingest_progress_is_a_line_now_and_then_when_output_is_not_a_terminal(tmp_path, model_spec):
    from claims.cli import IngestProgress
    from claims.pipeline import IngestSummary

    stream = io.StringIO()  # not a terminal
    progress = IngestProgress(stream, every=0.0)
    progress.update(IngestSummary(articles=12, added=10, unchanged=2))
    progress.stage("updating speakers across articles and quote clusters")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("ingest: 12 articles read (10 added, 0 replaced, 2 unchanged), 0 skipped, ")
    assert lines[1] == "ingest: updating speakers across articles and quote clusters ..."
    quiet = IngestProgress(io.StringIO(), every=3600.0)
    quiet.update(IngestSummary(articles=1))
    assert quiet.stream.getvalue() == ""  # no more than one line per period


def test_export_bad_query_is_a_clear_error(tmp_path, model_spec):
    db = tmp_path / "c.db"
    invoke("ingest", SEED_TEXT, "--db", db)
    result = invoke("export", db, "--query", "select nope from nowhere")
    assert result.exit_code == 1 and "export failed" in result.output


def test_extract_jsonl_and_spans(tmp_path, model_spec):
    result = invoke("extract", SEED_TEXT)
    claims = [json.loads(line) for line in result.output.splitlines()]
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert claims and all(text[c["start"] : c["end"]] == c["text"] for c in claims)
    out = tmp_path / "spans"
    result = invoke("extract", "--format", "spans", "--out", out, SEED_TEXT)
    assert result.exit_code == 0
    attributions = json.loads((out / f"{SEED_TEXT.stem}.json").read_text(encoding="utf-8"))["attributions"]
    assert attributions and {"cue", "source", "content", "speaker", "speaker_type", "channel", "type"} <= set(attributions[0])


def test_eval_seed(model_spec):
    assert SEED_GOLD.parent == REPO / "fixtures" / "seed"  # in the repository: runs on a clone
    result = invoke("eval", SEED_GOLD, "--json")
    scores = json.loads(result.output)
    assert scores["n_gold"] == 17 and scores["found"] >= 1


def test_eval_help_points_inside_the_repository():
    result = invoke("eval", "--help")
    assert "claims eval fixtures/seed/expected.json" in result.output
    assert "../shared" not in result.output


@pytest.mark.parametrize("folder", ["fixtures", "empty", "texts-only"])
def test_eval_on_a_folder_that_is_not_gold_is_a_clean_error(tmp_path, folder):
    if folder == "fixtures":
        gold = REPO / "fixtures"
    else:
        gold = tmp_path / folder
        (gold / "text").mkdir(parents=True)
        if folder == "texts-only":
            (gold / "text" / "a.txt").write_text("He said so.", encoding="utf-8")
    result = invoke("eval", gold)  # catch_exceptions=False: a traceback fails the test
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "text/<stem>.txt and attributions/" in result.output


@pytest.mark.parametrize(
    "name, content",
    [("notes.txt", "not json"), ("meta.json", '{"title": "a Datasette metadata file"}'), ("list.json", "[1, 2]")],
)
def test_eval_on_a_file_that_is_not_seed_gold_is_a_clean_error(tmp_path, name, content):
    gold = tmp_path / name
    gold.write_text(content, encoding="utf-8")
    result = invoke("eval", gold)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and '{"file": ' in result.output


@needs_data("polnear/dev/text", "polnear/dev/attributions")
def test_eval_polnear_dev_with_given_predictions(tmp_path):
    """A PolNeAR folder is scored (no predictions: recall 0) and bad prediction files are a clean error."""
    pred = tmp_path / "pred"
    pred.mkdir()
    result = invoke("eval", POLNEAR_DEV, "--pred", pred, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["attribution"]["n_gold"] > 2000
    (pred / "broken.json").write_text('{"attributions": 3}', encoding="utf-8")
    result = invoke("eval", POLNEAR_DEV, "--pred", pred)
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "broken.json" in result.output


def test_model_build_without_data_says_what_to_pass(tmp_path, monkeypatch):
    """Training data is not in the repository: the recipe asks for it before doing any work."""
    monkeypatch.delenv("CLAIMS_DATA", raising=False)
    work = tmp_path / "work"
    result = invoke("model", "build", "--work", work)
    assert result.exit_code == 2 and "pass --data DIR or set CLAIMS_DATA" in result.output
    assert not work.exists()
    result = invoke("model", "build", "--data", tmp_path, "--work", work)
    assert result.exit_code == 2 and f"data folder {tmp_path}" in result.output and "has no ud/en_ewt" in result.output
    monkeypatch.setenv("CLAIMS_DATA", str(tmp_path / "nowhere"))
    result = invoke("model", "build", "--work", work)
    assert result.exit_code == 2 and "(from CLAIMS_DATA) does not exist" in result.output


@pytest.mark.parametrize("module", ["claims.training.train", "claims.training.heldout"])
def test_tagger_training_and_held_out_scoring_without_data_say_what_to_pass(module, monkeypatch, capsys):
    import importlib

    monkeypatch.delenv("CLAIMS_DATA", raising=False)
    with pytest.raises(SystemExit) as exited:
        importlib.import_module(module).main([])
    assert exited.value.code == 2 and "pass --data DIR or set CLAIMS_DATA" in capsys.readouterr().err


def test_the_package_and_the_docs_never_point_outside_the_repository():
    """A clone has no ../shared: the package reads data only from options, the docs name repository paths.

    The README may name `../shared/data` only as the place the tests and benchmarks fall back to.
    """
    texts = {path: path.read_text(encoding="utf-8") for path in (REPO / "claims").rglob("*.py")}
    texts[REPO / "fixtures" / "README.md"] = (REPO / "fixtures" / "README.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    texts[REPO / "README.md"] = readme.replace("else `../shared/data`", "")
    for path, text in texts.items():
        assert "../shared" not in text and '/ "shared"' not in text, f"{path} points at ../shared"
        assert "/work/" not in text, f"{path} names a path of the development machine"
    assert "claims ingest fixtures/seed/syria-russia-airstrikes.txt" in readme


def test_serve_passes_through_to_datasette(tmp_path, model_spec):
    db = tmp_path / "news.db"
    invoke("ingest", SEED_TEXT, "--db", db)
    result = invoke("serve", db, "--get", "/news/claims_view.json?_shape=array&_size=2")
    assert result.exit_code == 0, result.output


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = ["ingest", "extract", "serve", "export", "eval", "model info", "model build",
                "speakers merge", "speakers split"]
    for command in commands:
        assert f"claims {command}" in readme, f"README does not document `claims {command}`"
    for name, command in cli.commands.items():
        assert command.help and "Example" in command.help, f"{name} has no help example"


def test_speakers_merge_and_split_commands(tmp_path, model_spec):
    import sqlite3

    db = tmp_path / "c.db"
    text = tmp_path / "a.txt"
    text.write_text("The mayor said the bridge will reopen. The governor said taxes will fall.\n", encoding="utf-8")
    invoke("ingest", text, "--db", db)
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("select id from speakers where speaker_type != 'publication' order by id")]
    assert len(ids) >= 2
    result = invoke("speakers", "merge", db, ids[1], ids[0], "--note", "test")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from speaker_merges").fetchone()[0] == 1
    bad = invoke("speakers", "merge", db, ids[0], ids[0])
    assert bad.exit_code == 1 and "Error" in bad.output


def test_the_version_is_pinned_once_in_the_package_metadata():
    from importlib import metadata

    import claims

    assert claims.__version__ == metadata.version("claims")
    result = invoke("--version")
    assert result.exit_code == 0 and claims.__version__ in result.output
