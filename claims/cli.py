"""The `claims` command line: thin commands over the library."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import click

MODEL_HELP = "bundled (default), official (stanza's downloaded models) or a model directory; env CLAIMS_MODEL"


def model_option(function):
    return click.option("--model", "model", default=None, metavar="NAME|PATH", help=MODEL_HELP)(function)


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="claims")
def cli() -> None:
    """Claim attribution and source tracking for fact-checkers.

    \b
    Example:
        claims ingest article.txt --db claims.db
        claims serve claims.db
    """


def _iso_date_option(ctx, param, value):
    if value is None:
        return None
    from claims.readers.metadata import iso_date

    try:
        return iso_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="SQLite database to write")
@model_option
@click.option("--publisher", default=None, metavar="NAME",
              help="publisher of articles that do not name one (the narrator's name)")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD", callback=_iso_date_option,
              help="publication date of articles that have none: YYYY-MM-DD or an ISO date and time")
@click.option("--title", default=None, help="title of articles that have none")
@click.option("--url", default=None, help="URL of the article, when it has none; one text or HTML file only")
@click.option("--author", default=None, help="author of articles that do not name one")
@click.option("--stdin-format", default="txt", type=click.Choice(["txt", "html", "jsonl", "csv"]),
              help="format of '-' (standard input)")
@click.option("--batch-size", default=8, show_default=True, help="articles annotated together")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="processes that annotate and extract (1: this process)  [default: one per core, as memory allows]")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="annotate and extract on the workers of this Dask scheduler (e.g. tcp://10.0.0.5:8786)")
@click.option("--quiet", is_flag=True, help="no progress (errors and the summary are still printed)")
def ingest(paths, db_path, model, publisher, date, title, url, author, stdin_format, batch_size, workers,
           dask_address, quiet) -> None:
    """Read articles (files, folders, '-') and store their claims in DB.

    Formats: .txt (plain or scraped page), .html/.htm, .jsonl, .csv. Unchanged articles are
    skipped; changed ones are re-extracted. An input that cannot be read or processed is
    reported, recorded in the ingest_errors table and skipped; the run goes on. Progress shows
    as a bar on a terminal and as a line every 30 s otherwise. What had to be done to an input
    (characters replaced, an overlong text cut) is printed as a note. Exit status 1 when any input
    failed; a folder's files of other types are reported but do not fail the run.

    \b
    Annotation and extraction run in --workers processes (or on a Dask cluster with --dask);
    this process stores each article in its own transaction, in reading order, so the database
    is the same whichever runs them.

    \b
    Metadata for articles that do not carry it (plain text above all):
    --publisher, --date, --title, --author and --url fill in a field only
    where the article has no value of its own: a JSONL/CSV record's field,
    an HTML page's metadata or a scraped page's date line always wins over
    them. A sidecar beside a file, news/a.meta.json for news/a.txt or
    news/a.html (a JSON object with any of publisher, date, title, url,
    author, id), is that one file's metadata and wins over both; a bad
    sidecar skips its article with a malformed_sidecar error. --url names
    one article (a URL is an article's key), so it is refused unless the run
    reads one text or HTML file.

    \b
    Example:
        claims ingest news/ --db claims.db
        claims ingest a.txt b.txt --db claims.db --publisher "The Herald" --date 2025-07-01
        claims ingest archive/ --db claims.db --dask tcp://scheduler:8786
    """
    from claims.nlp import ModelError
    from claims.pipeline import ingest as run_ingest
    from claims.readers.metadata import ArticleDefaults, check_defaults
    from claims.store import StoreError
    from claims.workers import EngineError

    try:
        check_defaults(list(paths), stdin_format, ArticleDefaults(url=url))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    progress = None if quiet else IngestProgress(sys.stderr)
    try:
        summary = run_ingest(list(paths), db_path, model=model, batch_size=batch_size, stdin_format=stdin_format,
                             on_progress=progress and progress.update, on_stage=progress and progress.stage,
                             workers=workers, dask=dask_address, publisher=publisher, date=date, title=title,
                             url=url, author=author)
    except (ModelError, StoreError, EngineError) as error:
        fail(str(error))
    finally:
        if progress is not None:
            progress.close()
    for error in summary.errors:
        where = error.source + (f":{error.line}" if error.line and f":{error.line}" not in error.source else "")
        message = error.message if error.message.startswith(error.source) else f"{where}: {error.message}"
        click.echo(f"skipped ({error.kind}) {message}", err=True)
    for source, note in summary.notes:
        click.echo(f"note: {source}: {note}", err=True)
    click.echo(summary.line(), err=True)
    if summary.failed:
        sys.exit(1)


class IngestProgress:
    """Progress of a long ingest: a bar on a terminal, else a line every ``every`` seconds (logs, CI)."""

    def __init__(self, stream, every: float = 30.0):
        self.stream = stream
        self.every = every
        self.clock = time.monotonic
        self.started = self.last_line = self.clock()
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=" articles", file=stream, leave=False)

    def update(self, summary) -> None:
        if self.bar is not None:
            self.bar.update(summary.articles + len(summary.errors) - self.bar.n)
            return
        now = self.clock()
        if now - self.last_line >= self.every:
            self.last_line = now
            rate = summary.articles / max(now - self.started, 1e-9)
            click.echo(
                f"ingest: {summary.articles:,} articles read ({summary.added:,} added, {summary.replaced:,} replaced, "
                f"{summary.unchanged:,} unchanged), {len(summary.errors):,} skipped, {rate:.1f} articles/s, "
                f"{now - self.started:.0f} s",
                file=self.stream,
            )

    def stage(self, description: str) -> None:
        if self.bar is not None:
            self.bar.set_description(description)
        else:
            click.echo(f"ingest: {description} ...", file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@model_option
@click.option("--format", "fmt", default="jsonl", type=click.Choice(["jsonl", "spans"]),
              help="jsonl: claims on stdout; spans: one <stem>.json per input in --out (evaluation format)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="folder for --format spans")
def extract(paths, model, fmt, out_dir) -> None:
    """Extract claims without a database.

    \b
    Example:
        claims extract article.txt
        claims extract --format spans --out preds/ texts/*.txt
    """
    from claims.extract.files import extract_to_jsonl, extract_to_spans
    from claims.nlp import ModelError

    if fmt == "spans" and not out_dir:
        fail("--format spans needs --out DIR")
    try:
        if fmt == "spans":
            errors = extract_to_spans(list(paths), Path(out_dir), model)
        else:
            errors = extract_to_jsonl(list(paths), sys.stdout, model)
    except ModelError as error:
        fail(str(error))
    for error in errors:
        click.echo(f"skipped ({error.kind}) {error.message}", err=True)
    if errors:
        sys.exit(1)


def split_serve_arguments(arguments: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """`claims serve` arguments as (database files, Datasette options): the files are the
    arguments before the first one that starts with "-", everything from there on is passed on."""
    arguments = list(arguments)
    first_option = next((i for i, argument in enumerate(arguments) if argument.startswith("-")), len(arguments))
    return arguments[:first_option], arguments[first_option:]


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("arguments", nargs=-1, required=True, type=click.UNPROCESSED, metavar="DB... [DATASETTE OPTIONS]")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.pass_context
def serve(ctx, arguments, host, port) -> None:
    """Browse one or more DBs in Datasette with the claims metadata (facets, search, canned queries).

    Give the database files first, then any other `datasette serve` options. Every database gets
    the metadata under its own name (the file name without .db, so two files of one name are
    refused); the dashboards chart the first one. With several databases --crossdb is on: SQL on
    the _memory database can read all of them as [name].table (Datasette attaches the first 10).

    \b
    Example:
        claims serve claims.db --port 8001
        claims serve claims-2024-01.db claims-2024-02.db --setting sql_time_limit_ms 5000
    """
    from claims.publish import serve as run_serve
    from claims.store import StoreError

    db_paths, extra = split_serve_arguments(arguments)
    if not db_paths:
        raise click.BadParameter("give the database files before the Datasette options", ctx, param_hint="'DB'")
    file = click.Path(exists=True, dir_okay=False)
    for db_path in db_paths:  # the check and message click gave the one DB_PATH argument
        try:
            file.convert(db_path, None, ctx)
        except click.BadParameter as error:
            error.param_hint = "'DB'"
            raise
    try:
        status = run_serve(db_paths, host=host, port=port, extra=extra)
    except StoreError as error:  # not a claims database, or files that cannot be served together
        fail(str(error))
    sys.exit(status)


@cli.command()
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", default="csv", type=click.Choice(["csv", "jsonl", "jsonld"]), show_default=True,
              help="jsonld: schema.org Claim nodes for the claims the query selects by id")
@click.option("--query", default=None, help="SQL to export instead of all claims in reading order")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False), help="file (default: stdout)")
def export(db_path, fmt, query, out_path) -> None:
    """Export claims (or any query) as CSV, JSON lines, or schema.org Claim JSON-LD.

    \b
    Example:
        claims export claims.db --format csv > claims.csv
        claims export claims.db --query "select * from speakers"
        claims export claims.db --format jsonld --query "select id from claims where speaker_id = 3"
    """
    from claims.export import export as run_export

    try:
        run_export(db_path, fmt=fmt, query=query, out=out_path or sys.stdout)
    except Exception as error:  # a bad query: say so plainly
        fail(f"export failed: {error}")


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True))
@model_option
@click.option("--pred", "pred_dir", type=click.Path(file_okay=False), help="score these predictions instead of extracting")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="keep the predictions written here")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--per-doc", "per_doc", default=0, type=int, help="list the N worst documents")
def evaluate(gold, model, pred_dir, out_dir, as_json, per_doc) -> None:
    """Score extraction against gold: a PolNeAR-format folder (text/, attributions/) or the seed expected.json.

    PolNeAR is not part of the repository: point at your copy, e.g. the dev split of the data
    folder that CLAIMS_DATA names. The seed gold ships in fixtures/seed/.

    \b
    Example:
        claims eval fixtures/seed/expected.json
        claims eval $CLAIMS_DATA/polnear/dev --per-doc 5
    """
    from claims import evaluate as scoring
    from claims.extract.files import extract_to_spans

    gold_path = Path(gold)
    # Bad gold (or --pred files) ends in a plain message, not a traceback: the loaders say what
    # the gold must hold (GoldError is a ValueError) or which file is missing.
    try:
        if gold_path.is_file():
            _, text_path = scoring.load_seed_gold(gold_path)
        else:
            gold_docs = scoring.load_polnear_gold(gold_path)
    except (ValueError, OSError) as error:
        fail(str(error))
    if gold_path.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(out_dir or tmp)
            extract_to_spans([str(text_path)], target, model)
            predictions = json.loads((target / f"{text_path.stem}.json").read_text(encoding="utf-8"))["attributions"]
        scores = scoring.score_seed(str(gold_path), predictions)
        click.echo(json.dumps(scores, indent=2) if as_json else scoring.format_seed_report(scores))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if pred_dir is None:
            pred_dir = out_dir or tmp
            texts = [str(gold_path / "text" / f"{stem}.txt") for stem in sorted(gold_docs)]
            extract_to_spans(texts, Path(pred_dir), model)
        try:
            predictions = scoring.load_predictions(pred_dir)
        except (ValueError, OSError) as error:
            fail(str(error))
        scores = scoring.score_polnear(gold_docs, predictions)
    if as_json:
        click.echo(json.dumps(scores, indent=2))
    else:
        click.echo(scoring.format_polnear_report(scores, n_worst=per_doc))


@cli.group()
def speakers() -> None:
    """Merge or split speakers by hand; decisions survive re-ingest.

    \b
    Example:
        claims speakers merge claims.db 12 7 --note "same person"
    """


@speakers.command(name="merge")
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("from_id", type=int)
@click.argument("into_id", type=int)
@click.option("--note", default=None, help="why (kept with the decision)")
def speakers_merge(db_path, from_id, into_id, note) -> None:
    """Merge speaker FROM_ID into INTO_ID (ids from the speakers table).

    \b
    Example:
        claims speakers merge claims.db 12 7 --note "Araghchi is Abbas Araghchi"
    """
    from claims.store import merge_speakers, open_db

    try:
        decision = merge_speakers(open_db(db_path), from_id, into_id, note)
    except (ValueError, LookupError) as error:
        fail(str(error))
    click.echo(f"merged speaker {from_id} into {into_id} (decision {decision})")


@speakers.command(name="split")
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("speaker_id", type=int)
@click.argument("alias")
@click.option("--note", default=None, help="why (kept with the decision)")
def speakers_split(db_path, speaker_id, alias, note) -> None:
    """Move the claims made under ALIAS to a speaker of their own.

    \b
    Example:
        claims speakers split claims.db 7 "Clinton" --note "Bill, not Hillary"
    """
    from claims.store import open_db, split_alias

    try:
        new_id = split_alias(open_db(db_path), speaker_id, alias, note)
    except (ValueError, LookupError) as error:
        fail(str(error))
    click.echo(f"claims under {alias!r} moved to new speaker {new_id}")


@cli.group()
def model() -> None:
    """The stanza model claims runs on.

    \b
    Example:
        claims model info
    """


@model.command()
@model_option
@click.option("--json", "as_json", is_flag=True, help="print pipeline_kwargs for stanza.Pipeline(...) and the scores")
def info(model, as_json) -> None:
    """Show the loaded model: processors, files, sizes and the scores the recipe measured.

    \b
    Example:
        claims model info --json
    """
    from claims.nlp import ModelError, model_info

    try:
        details = model_info(model)
    except ModelError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(details, indent=2))
        return
    click.echo(f"model: {details['name']}  version: {details['version']}")
    for processor, entry in details.get("files", {}).items():
        click.echo(f"  {processor:9} {entry['file']}  {entry.get('bytes', 0) / 1e6:.1f} MB")
    for name, score in details.get("scores", {}).items():
        click.echo(f"  {name}: {json.dumps(score)}")


# The recipe's own options (--data, --work, ...) pass through to it untouched.
@model.command(context_settings={"ignore_unknown_options": True})
@click.argument("recipe_args", nargs=-1, type=click.UNPROCESSED)
def build(recipe_args) -> None:
    """Retrain the bundled model from the UD treebanks (see python -m claims.training.recipe --help).

    The treebanks and PolNeAR are not part of the repository: pass --data DIR (or set CLAIMS_DATA)
    to a folder holding ud/en_ewt, ud/en_gum and polnear/.

    \b
    Example:
        claims model build --data /path/to/data --work build/model-work
    """
    from claims.training.recipe import main

    main(list(recipe_args))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
