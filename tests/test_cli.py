"""The CLI commands, driven through click's test runner on the real model."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from claims.cli import cli

from conftest import REPO, SEED_GOLD, SEED_TEXT


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_ingest_then_export_csv_and_jsonl(tmp_path, model_spec):
    db = tmp_path / "c.db"
    result = invoke("ingest", SEED_TEXT, "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 articles (1 added" in result.output
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
    result = invoke("eval", SEED_GOLD, "--json")
    scores = json.loads(result.output)
    assert scores["n_gold"] == 17 and scores["found"] >= 1


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
