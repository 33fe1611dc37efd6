"""Metadata for plain text: claims ingest --publisher/--date/--title/--url/--author and a.meta.json sidecars.

Precedence: a sidecar, then what the article says itself (record fields, page metadata), then the
run's options. A bad sidecar skips its article (kind malformed_sidecar); --url is refused unless
the run reads one text or HTML file, since the URL is an article's key.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import REPO, SEED_TEXT

from claims.cli import cli
from claims.pipeline import ingest as pipeline_ingest
from claims.readers import ArticleDefaults, read_file, read_paths
from claims.readers.metadata import iso_date
from claims.types import Article, IngestError

STORY_A = "Officials said the port was closed. The storm reached the coast on Monday.\n"
STORY_B = "The mayor said taxes would rise. The council meets again in August.\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params)]


def narrator_speakers(db, source_end):
    return {
        row["speaker"]
        for row in rows(db, "SELECT speaker FROM claims_view v JOIN articles a ON a.key = v.article_key "
                            "WHERE v.claim_type = 'narrator' AND a.source LIKE ?", ["%" + source_end])
    }


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_options_reach_the_articles_table_and_the_publisher_is_the_narrator(tmp_path, model_spec):
    a, b = write(tmp_path / "a.txt", STORY_A), write(tmp_path / "b.txt", STORY_B)
    db = tmp_path / "c.db"
    result = invoke("ingest", a, b, "--db", db, "--publisher", "The Herald", "--date", "2025-07-01T09:30:00Z",
                    "--title", "Morning briefing", "--author", "R. Lind", "--quiet")
    assert result.exit_code == 0, result.output
    stored = rows(db, "SELECT source, publisher, published, title, author, url FROM articles ORDER BY source")
    assert [row["source"] for row in stored] == [str(a), str(b)]
    for row in stored:
        assert (row["publisher"], row["published"], row["title"], row["author"], row["url"]) == (
            "The Herald", "2025-07-01", "Morning briefing", "R. Lind", None)
    for name in ("a.txt", "b.txt"):
        assert narrator_speakers(db, name) == {"The Herald"}
    # Without --publisher the same text's narrator is the unknown publication.
    plain = tmp_path / "plain.db"
    assert invoke("ingest", a, "--db", plain, "--quiet").exit_code == 0
    assert narrator_speakers(plain, "a.txt") == {"unknown publication"}


def test_a_record_keeps_its_own_values_and_takes_the_run_defaults_for_the_rest(tmp_path, model_spec):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "own", "publisher": "Coast Herald", "published": "2024-06-02", "text": STORY_A}) + "\n"
        + json.dumps({"id": "bare", "text": STORY_B}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    summary = pipeline_ingest([str(feed)], db, model=model_spec, publisher="The Herald", date="2025-07-01",
                              title="Feed")
    assert not summary.errors and summary.added == 2
    stored = {row["key"]: row for row in rows(db, "SELECT key, publisher, published, title FROM articles")}
    assert (stored["own"]["publisher"], stored["own"]["published"]) == ("Coast Herald", "2024-06-02")
    assert (stored["bare"]["publisher"], stored["bare"]["published"]) == ("The Herald", "2025-07-01")
    assert stored["own"]["title"] == stored["bare"]["title"] == "Feed"
    assert narrator_speakers(db, ":1") == {"Coast Herald"}
    assert narrator_speakers(db, ":2") == {"The Herald"}


def test_pages_keep_their_own_metadata_over_the_run_defaults():
    defaults = ArticleDefaults(publisher="P", published="2020-01-01", title="T", author="A")
    (seed,) = read_file(str(SEED_TEXT), defaults)  # a scraped page: date line and headline
    assert (seed.published, seed.title) == ("2025-07-01", "Syria and Russia Intensify Air Strikes to Halt Opposition Progress")
    assert seed.publisher == "P"
    (page,) = read_file(str(REPO / "fixtures" / "ingest" / "article.html"), defaults)
    assert (page.title, page.published, page.author) == ("Minister Quits Over Budget", "2024-03-05", "Jane Doe")
    assert page.site_name == "The Daily Ledger" and page.publisher is None  # the site name is its publisher


def test_a_sidecar_gives_its_file_metadata_and_is_not_read_as_an_article(tmp_path, model_spec):
    news = tmp_path / "news"
    news.mkdir()
    write(news / "a.txt", STORY_A)
    write(news / "b.txt", STORY_B)
    write(news / "a.meta.json", json.dumps({"publisher": "Side Post", "date": "2025-07-02", "title": "Port",
                                            "url": "https://side.example/port", "author": "K. Ode"}))
    db = tmp_path / "c.db"
    result = invoke("ingest", news, "--db", db, "--publisher", "The Herald", "--title", "Run title")
    assert result.exit_code == 0, result.output
    assert "meta.json" not in result.output and "unsupported" not in result.output
    stored = {row["source"]: row for row in rows(db, "SELECT * FROM articles")}
    assert set(stored) == {str(news / "a.txt"), str(news / "b.txt")}
    a, b = stored[str(news / "a.txt")], stored[str(news / "b.txt")]
    assert (a["publisher"], a["published"], a["title"], a["url"], a["author"], a["key"]) == (
        "Side Post", "2025-07-02", "Port", "https://side.example/port", "K. Ode", "https://side.example/port")
    assert (b["publisher"], b["title"], b["url"]) == ("The Herald", "Run title", None)
    assert narrator_speakers(db, "a.txt") == {"Side Post"}
    # A sidecar named among the files (a shell glob) is not an article either.
    again = invoke("ingest", news / "a.meta.json", news / "b.txt", "--db", tmp_path / "d.db")
    assert again.exit_code == 0, again.output
    assert [row["source"] for row in rows(tmp_path / "d.db", "SELECT source FROM articles")] == [str(news / "b.txt")]


def test_a_sidecar_over_a_page_value_is_noted(tmp_path):
    page = tmp_path / "seed.txt"
    page.write_bytes(SEED_TEXT.read_bytes())
    write(tmp_path / "seed.meta.json", json.dumps({"published": "2025-07-03"}))
    (article,) = read_file(str(page), ArticleDefaults(published="2020-01-01"))
    assert article.published == "2025-07-03"
    assert any("2025-07-01" in note and "sidecar" in note for note in article.notes)


def test_a_sidecar_without_its_article_is_reported(tmp_path):
    write(tmp_path / "a.txt", STORY_A)
    write(tmp_path / "lost.meta.json", "{}")
    items = list(read_paths([str(tmp_path)]))
    assert [type(item) for item in items] == [Article, IngestError]
    assert items[1].kind == "unsupported" and "lost.meta.json" in items[1].message and "no article" in items[1].message


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"publisher": "Herald",', "not valid JSON"),
        ('["Herald"]', "not an object"),
        ('{"publisher": 5}', '"publisher" as a JSON int'),
        ('{"publisher": "Herald", "source": "x"}', "unknown key 'source'"),
        ('{"date": "July 1, 2025"}', "not an ISO date"),
        ('{"date": "2025-02-30"}', "not a valid date"),
        ('{"date": "2025-07-01", "published": "2025-07-01"}', "both"),
        ('{"title": "  "}', "empty"),
    ],
)
def test_a_malformed_sidecar_skips_its_article_with_a_clear_error(tmp_path, content, said):
    article = write(tmp_path / "a.txt", STORY_A)
    write(tmp_path / "a.meta.json", content)
    (item,) = read_file(str(article))
    assert isinstance(item, IngestError) and item.kind == "malformed_sidecar"
    assert item.source == str(article) and said in item.message and "a.meta.json" in item.message


def test_a_malformed_sidecar_fails_the_run_and_the_other_articles_are_stored(tmp_path, model_spec):
    news = tmp_path / "news"
    news.mkdir()
    write(news / "a.txt", STORY_A)
    write(news / "a.meta.json", '{"publisher": "Herald", "date": "yesterday"}')
    write(news / "b.txt", STORY_B)
    db = tmp_path / "c.db"
    result = invoke("ingest", news, "--db", db, "--quiet")
    assert result.exit_code == 1
    assert "skipped (malformed_sidecar)" in result.output and "a.meta.json" in result.output
    assert [row["source"] for row in rows(db, "SELECT source FROM articles")] == [str(news / "b.txt")]
    assert [(row["source"], row["kind"]) for row in rows(db, "SELECT source, kind FROM ingest_errors")] == [
        (str(news / "a.txt"), "malformed_sidecar")]


@pytest.mark.parametrize("date", ["2025-13-01", "July 1, 2025", "yesterday", "2025-07-01T25:00", "20250701", ""])
def test_a_bad_date_is_a_usage_error_before_any_work(tmp_path, date):
    article = write(tmp_path / "a.txt", STORY_A)
    db = tmp_path / "c.db"
    result = invoke("ingest", article, "--db", db, "--date", date)
    assert result.exit_code == 2
    assert "--date" in result.output and "ISO date" in result.output
    assert not db.exists()


def test_iso_dates_and_datetimes_are_kept_as_the_day():
    assert iso_date("2025-07-01") == "2025-07-01"
    assert iso_date("2025-07-01T23:30:00+02:00") == "2025-07-01"
    assert iso_date("2025-07-01 09:30") == "2025-07-01"
    with pytest.raises(ValueError):
        ArticleDefaults(published="01/07/2025")


@pytest.mark.parametrize("inputs", [("a.txt", "b.txt"), ("news",), ("feed.jsonl",)])
def test_url_for_more_than_one_article_is_refused(tmp_path, inputs):
    write(tmp_path / "a.txt", STORY_A)
    write(tmp_path / "b.txt", STORY_B)
    (tmp_path / "news").mkdir()
    write(tmp_path / "news" / "c.txt", STORY_A)
    write(tmp_path / "feed.jsonl", json.dumps({"text": STORY_A}) + "\n" + json.dumps({"text": STORY_B}) + "\n")
    paths = [str(tmp_path / name) for name in inputs]
    db = tmp_path / "c.db"
    result = invoke("ingest", *paths, "--db", db, "--url", "https://example.org/x")
    assert result.exit_code == 2
    assert "--url" in result.output and "one article" in result.output
    assert not db.exists()
    with pytest.raises(ValueError, match="--url"):
        pipeline_ingest(paths, db, url="https://example.org/x")
    with pytest.raises(ValueError, match="--url"):
        read_paths(paths, defaults=ArticleDefaults(url="https://example.org/x"))
    assert not db.exists()


def test_url_for_one_file_is_its_key(tmp_path, model_spec):
    article = write(tmp_path / "a.txt", STORY_A)
    db = tmp_path / "c.db"
    result = invoke("ingest", article, "--db", db, "--url", "https://herald.example/port", "--quiet")
    assert result.exit_code == 0, result.output
    (row,) = rows(db, "SELECT key, url FROM articles")
    assert row == {"key": "https://herald.example/port", "url": "https://herald.example/port"}
    # No publisher given: the narrator is named after the URL's host, not "unknown publication".
    assert narrator_speakers(db, "a.txt") == {"herald.example"}


def test_the_library_call_takes_the_options_and_can_be_called_again(tmp_path, model_spec):
    """``claims.ingest(..., publisher=, date=)``, twice: the readers' package used to be
    ``claims.ingest`` too, and importing it replaced the function with the package, so a second
    call failed with "'module' object is not callable"."""
    import claims
    import claims.readers  # noqa: F401 - what the first call imports; the function must survive it

    article = write(tmp_path / "a.txt", STORY_A)
    db = tmp_path / "c.db"
    claims.ingest([str(article)], str(db), model=model_spec.name, publisher="The Herald", date="2025-07-01")
    again = claims.ingest([str(article)], str(db), model=model_spec.name, publisher="The Herald", date="2025-07-01")
    assert again.unchanged == 1
    assert rows(db, "SELECT publisher, published FROM articles") == [{"publisher": "The Herald", "published": "2025-07-01"}]
    assert narrator_speakers(db, "a.txt") == {"The Herald"}
