"""Several claims databases (one per source or month) served together in one Datasette.

Every database gets the packaged metadata block under its own name, the dashboards chart the
first, and with ``--crossdb`` (on whenever there are several) SQL on ``_memory`` reads them all.
Served in-process through Datasette's test client, and through ``claims serve ... --get``.
"""

from __future__ import annotations

import asyncio
import html
import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from conftest import Quote, store_quoted_article

from claims import publish, store
from claims.cli import cli, split_serve_arguments

METADATA = json.loads(publish.metadata_path().read_text(encoding="utf-8"))
BLOCK = METADATA["databases"]["claims"]
VIEW = BLOCK["tables"]["claims_view"]
JANUARY, FEBRUARY = "claims-2024-01", "claims-2024-02"
CROSS_COUNT = f"select count(*) as n from [{JANUARY}].claims union all select count(*) from [{FEBRUARY}].claims"


def get(ds, path: str, follow_redirects: bool = False):
    async def run():
        await ds.invoke_startup()
        return await ds.client.get(path, follow_redirects=follow_redirects)

    return asyncio.run(run())


def claim_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("select count(*) from claims").fetchone()[0]


def build_february(path: Path) -> Path:
    """A small claims database unlike the populated one: one article, two quoted speakers."""
    with store.open_db(path) as db:
        store_quoted_article(db, "feb-1", [Quote("Abbas Araghchi", "Abbas Araghchi"),
                                           Quote("A senior official", None, speaker_type="anonymous_person")],
                             published="2024-02-03", publisher="Other Daily")
    return path


@pytest.fixture
def months(populated_path, tmp_path) -> tuple[Path, Path]:
    january = tmp_path / f"{JANUARY}.db"
    shutil.copy(populated_path, january)
    february = build_february(tmp_path / f"{FEBRUARY}.db")
    assert claim_count(january) != claim_count(february)
    return january, february


@pytest.fixture
def ds(months):
    return publish.make_datasette(*months)


# -- in-process ------------------------------------------------------------------------------------


def test_both_databases_are_listed(ds):
    names = {database["name"] for database in get(ds, "/-/databases.json").json()}
    assert {JANUARY, FEBRUARY} <= names
    index = get(ds, "/").text
    assert f'href="/{JANUARY}"' in index and f'href="/{FEBRUARY}"' in index


def test_every_database_gets_the_packaged_metadata_block(months):
    metadata = publish.metadata_for(*months)
    assert metadata["databases"] == {JANUARY: BLOCK, FEBRUARY: BLOCK}
    assert metadata["databases"][JANUARY] is not metadata["databases"][FEBRUARY]  # copies, not one shared dict


@pytest.mark.parametrize("name", [JANUARY, FEBRUARY])
def test_each_claims_view_has_the_metadata_title_facets_and_search(ds, name):
    page = get(ds, f"/{name}/claims_view")
    assert page.status_code == 200, page.text
    assert html.escape(VIEW["title"], quote=False) in page.text
    assert html.escape(BLOCK["description"], quote=False) in get(ds, f"/{name}").text
    data = get(ds, f"/{name}/claims_view.json").json()
    facets = [facet if isinstance(facet, str) else next(iter(facet.values())) for facet in VIEW["facets"]]
    assert set(facets) <= set(data["facet_results"]), data["facet_results"].keys()
    # the view has no full-text index of its own: Datasette searches it only through the metadata's
    # fts_table, and without one ignores _search and lists every row
    every = get(ds, f"/{name}/claims_view.json?_shape=array&_size=max").json()
    word = "Koseoglu" if name == JANUARY else "Araghchi"
    found = get(ds, f"/{name}/claims_view.json?_shape=array&_size=max&_search={word}").json()
    assert 0 < len(found) < len(every)


def test_canned_queries_run_on_the_second_database(ds, months):
    for name in BLOCK["queries"]:
        response = get(ds, f"/{FEBRUARY}/{name}.json?_shape=array")
        assert response.status_code == 200, f"{name}: {response.text}"
    rows = get(ds, f"/{FEBRUARY}/claims_by_speaker.json?_shape=array&speaker=Araghchi").json()
    assert {row["speaker"] for row in rows} == {"Abbas Araghchi"}
    assert get(ds, f"/{JANUARY}/claims_by_speaker.json?_shape=array&speaker=Araghchi").json() == []


def test_sql_on_memory_reads_across_the_databases(ds, months):
    response = get(ds, "/_memory.json?_shape=array&sql=" + quote(CROSS_COUNT))
    assert response.status_code == 200, response.text
    assert [row["n"] for row in response.json()] == [claim_count(path) for path in months]


def test_dashboards_chart_the_first_database(ds, months):
    dashboard = publish.metadata_for(*months)["plugins"]["datasette-dashboards"]["claims-over-time"]
    assert {chart["db"] for chart in dashboard["charts"].values()} == {JANUARY}
    response = get(ds, "/-/dashboards/claims-over-time", follow_redirects=True)
    assert response.status_code == 200, response.text


def test_one_database_is_served_as_before(populated_path):
    ds = publish.make_datasette(populated_path)
    assert ds.crossdb is False and "_memory" not in ds.databases
    served = publish.metadata_for(populated_path)
    for dashboard in served["plugins"]["datasette-dashboards"].values():
        for dashboard_filter in dashboard["filters"].values():
            dashboard_filter.pop("default", None)  # the busiest speaker and channel, read from the file
    assert served == METADATA


def test_files_with_the_same_name_are_refused(populated_path, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    first, second = tmp_path / "a" / "news.db", tmp_path / "b" / "News.db"  # SQLite names ignore case
    shutil.copy(populated_path, first)
    shutil.copy(populated_path, second)
    with pytest.raises(publish.ServeError, match="rename one of them") as refused:
        publish.make_datasette(first, second)
    assert str(first) in str(refused.value) and str(second) in str(refused.value)
    with pytest.raises(publish.ServeError, match="rename one of them"):
        publish.metadata_for(first, second)


def test_the_same_file_twice_is_served_once(months):
    january, _ = months
    again = january.parent / "." / january.name
    ds = publish.make_datasette(january, again)
    assert [name for name in ds.databases if not name.startswith("_")] == [JANUARY]


def test_a_name_sqlite_keeps_is_refused_beside_others(months, tmp_path):
    main = tmp_path / "main.db"
    shutil.copy(months[0], main)
    with pytest.raises(publish.ServeError, match="rename it"):
        publish.make_datasette(months[1], main)


def test_a_missing_second_file_is_named(months, tmp_path):
    missing = tmp_path / "claims-2024-03.db"
    with pytest.raises(store.StoreError, match="does not exist") as refused:
        publish.make_datasette(months[0], missing)
    assert str(missing) in str(refused.value)


def test_serve_command_adds_crossdb_once(months):
    command = publish.serve_command(months, "127.0.0.1", 9000, ["--setting", "sql_time_limit_ms", "5000"])
    assert command[4:6] == [str(path) for path in months]
    assert command[-4:] == ["--crossdb", "--setting", "sql_time_limit_ms", "5000"]
    assert publish.serve_command(months, extra=["--crossdb"]).count("--crossdb") == 1
    assert "--crossdb" not in publish.serve_command(months[0])


# -- claims serve ----------------------------------------------------------------------------------


def serve(*args):
    # --get answers one request and returns: no server is left running
    return CliRunner().invoke(cli, ["serve", *map(str, args)])


def test_split_serve_arguments():
    assert split_serve_arguments(("a.db", "b.db", "--setting", "sql_time_limit_ms", "5000", "--crossdb")) == (
        ["a.db", "b.db"], ["--setting", "sql_time_limit_ms", "5000", "--crossdb"])
    assert split_serve_arguments(("a.db",)) == (["a.db"], [])
    assert split_serve_arguments(("--get", "/x")) == ([], ["--get", "/x"])


def test_claims_serve_several_databases_passes_the_options_through(months):
    result = serve(*months, "--port", "9000", "--setting", "sql_time_limit_ms", "5000", "--get", "/-/settings.json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sql_time_limit_ms"] == 5000
    result = serve(*months, "--setting", "sql_time_limit_ms", "5000",
                   "--get", "/_memory.json?_shape=array&sql=" + quote(CROSS_COUNT))
    assert result.exit_code == 0, result.output
    assert [row["n"] for row in json.loads(result.output)] == [claim_count(path) for path in months]
    result = serve(*months, "--get", f"/{FEBRUARY}/top_speakers.json?_shape=array")  # metadata under the 2nd name
    assert result.exit_code == 0, result.output
    assert {row["name"] for row in json.loads(result.output)} >= {"Abbas Araghchi"}


def test_claims_serve_names_a_missing_second_file(months, tmp_path):
    missing = tmp_path / "claims-2024-03.db"
    result = serve(months[0], missing, "--get", "/-/versions.json")
    assert result.exit_code == 2, result.output
    assert f"'{missing}' does not exist" in result.output


def test_claims_serve_refuses_files_with_the_same_name(populated_path, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(populated_path, other / populated_path.name)
    result = serve(populated_path, other / populated_path.name, "--get", "/-/versions.json")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and "would both be served as the database 'claims'" in result.output


def test_claims_serve_refuses_a_database_after_the_options(months):
    # datasette would serve it too, unchecked and without the metadata
    result = serve(months[0], "--setting", "sql_time_limit_ms", "5000", months[1], "--get", "/-/versions.json")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {months[1]}: give every database before the Datasette options")
