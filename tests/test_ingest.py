"""Ingest: every format, the scraped-page layout, and a corpus of bad inputs."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

import claims.readers.text as text_module
from claims.readers import read_file, read_paths
from claims.readers.dates import parse_date
from claims.readers.page import detect_page, is_chrome
from claims.types import Article, IngestError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
INGEST = FIXTURES / "ingest"
BAD = FIXTURES / "bad"
SEED = FIXTURES / "seed" / "syria-russia-airstrikes.txt"
SEED_GOLD = FIXTURES / "seed" / "expected.json"  # the seed's gold, copied into the repository


def read_one(path: Path | str) -> Article | IngestError:
    items = list(read_file(str(path)))
    assert len(items) == 1, items
    return items[0]


def article(path: Path | str) -> Article:
    item = read_one(path)
    assert isinstance(item, Article), item
    return item


def error(path: Path | str) -> IngestError:
    item = read_one(path)
    assert isinstance(item, IngestError), item
    return item


def raw_text(path: Path) -> str:
    """The text that evaluation offsets point into."""
    return path.open(encoding="utf-8", newline="").read()


# --- plain text ------------------------------------------------------------------------------


def test_plain_text_is_stored_whole() -> None:
    path = INGEST / "plain" / "statement.txt"
    item = article(path)
    assert item.format == "txt"
    assert item.text == raw_text(path)
    assert item.source == str(path)
    assert (item.body_start, item.body_end) == (0, len(item.text))
    assert item.decoding == "utf-8"
    assert item.title is None and item.published is None


def test_crlf_newlines_are_not_translated(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"The minister said it would rain.\r\nNobody disagreed.\r\n")
    assert article(path).text == "The minister said it would rain.\r\nNobody disagreed.\r\n"


def test_utf8_bom_is_dropped_and_noted() -> None:
    item = article(INGEST / "bom.txt")
    assert item.text == "Officials said the café would reopen.\r\nNobody else commented.\r\n"
    assert item.decoding == "utf-8 (BOM removed)"


def test_utf16_with_bom_is_text(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("The mayor said “yes”.\n".encode("utf-16"))
    item = article(path)
    assert item.text == "The mayor said “yes”.\n"
    assert item.decoding == "utf-16 (BOM removed)"


def test_cp1252_falls_back_and_says_so() -> None:
    item = article(BAD / "cp1252.txt")
    assert "“We will not resign.”" in item.text and "‘bluff’ – again" in item.text
    assert item.decoding == "cp1252 (fallback: not valid UTF-8)"


def test_latin1_is_the_last_fallback(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Bytes cp1252 leaves undefined: \x81\x8d.\n")
    item = article(path)
    assert item.text == "Bytes cp1252 leaves undefined: \x81\x8d.\n"
    assert item.decoding.startswith("latin-1")


# --- scraped-page layout -----------------------------------------------------------------------


def test_seed_page_layout_matches_gold() -> None:
    item = article(SEED)
    assert item.format == "scraped_page"
    assert item.text == raw_text(SEED)  # stored whole and unchanged
    assert (item.body_start, item.body_end) == (102, 4466)
    assert item.published == "2025-07-01"
    assert item.title == "Syria and Russia Intensify Air Strikes to Halt Opposition Progress"
    assert item.tags == ["syria and russia"]
    assert item.comment_count == 0
    body = item.text[item.body_start : item.body_end]
    assert body.startswith("Syrian and Russian air forces")
    assert "About The Author" not in body and "Leave a Reply" not in body


def test_seed_page_layout_matches_its_expected_json() -> None:
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    item = article(SEED)
    assert [item.body_start, item.body_end] == gold["body_span"]
    meta = gold["metadata"]
    assert (item.published, item.title, item.tags, item.comment_count) == (
        meta["date"],
        meta["title"],
        meta["tags"],
        meta["comment_count"],
    )


def test_page_with_share_chrome_and_no_comment_count() -> None:
    path = INGEST / "pages" / "share-this.txt"
    item = article(path)
    assert item.format == "scraped_page"
    assert item.published == "2024-03-03"
    assert item.title == "Harbour Council Approves New Ferry Timetable"
    assert item.comment_count is None
    assert item.tags == ["transport", "local politics"]
    assert item.text[item.body_start :].startswith("The harbour council voted")
    assert item.text[item.body_end :].startswith("Share this:")
    assert item.text[item.body_start : item.body_end].rstrip().endswith("additional crew.")


def test_page_with_iso_date_comment_words_and_share_bar_above_body() -> None:
    item = article(INGEST / "pages" / "related-posts.txt")
    assert item.format == "scraped_page"
    assert item.published == "2024-11-03"
    assert item.title == "Will the Valley Dam Be Ready Before the Rains?"
    assert item.comment_count == 12
    assert item.author == "Ana Ruiz"
    assert item.tags == []
    assert item.text[item.body_start :].startswith("Engineers at the Valley dam")  # "Share on Facebook" skipped
    body = item.text[item.body_start : item.body_end]
    assert body.rstrip().endswith("one farmer told local radio.")
    assert "nobody has told us" not in body  # a reader's comment after the chrome


def test_page_offsets_hold_with_crlf(tmp_path: Path) -> None:
    lf = (INGEST / "pages" / "share-this.txt").read_bytes()
    path = tmp_path / "crlf-page.txt"
    path.write_bytes(lf.replace(b"\n", b"\r\n"))
    item = article(path)
    assert item.format == "scraped_page"
    assert "\r\n" in item.text
    assert item.text[item.body_start :].startswith("The harbour council voted")
    assert item.text[item.body_end :].startswith("Share this:")


@pytest.mark.parametrize("name", ["statement.txt", "dated-note.txt"])
def test_plain_text_is_not_mistaken_for_a_page(name: str) -> None:
    item = article(INGEST / "plain" / name)
    assert item.format == "txt"
    assert item.published is None and item.title is None


def test_a_body_line_starting_with_by_is_not_a_byline() -> None:
    text = "1 July 2025\n\nTalks Stall\n\nBy Tuesday, negotiators said, no deal was in sight.\n"
    page = detect_page(text)
    assert page is not None and page.author is None
    assert text[page.body_start :].startswith("By Tuesday")


def test_page_needs_a_body() -> None:
    assert detect_page("July 1, 2025\n\nA Headline\n\nLeave a Reply\n") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("July 1, 2025", "2025-07-01"),
        ("1 July 2025", "2025-07-01"),
        ("2025-07-01", "2025-07-01"),
        ("2025/7/1", "2025-07-01"),
        ("Tuesday, July 1st, 2025 at 3:45 pm", "2025-07-01"),
        ("Sept. 3, 2024", "2024-09-03"),
        ("2025-07-01T10:00:00Z", "2025-07-01"),
        ("0", None),
        ("today", None),
        ("May 2025", None),
        ("31 February 2024", None),
        ("The vote was on July 1, 2025", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "line", ["About The Author", "Leave a Reply", "Share this:", "Related Posts", "Like this:", "Comments",
             "Your email address will not be published. Required fields are marked *",
             "Click to share on X (Opens in new window)"],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


def test_body_sentences_are_not_chrome() -> None:
    assert not is_chrome("Comments from the minister were not available.")


# --- HTML --------------------------------------------------------------------------------------


def test_html_article_text_and_metadata() -> None:
    item = article(INGEST / "article.html")
    assert item.format == "html"
    assert item.title == "Minister Quits Over Budget"
    assert item.author == "Jane Doe"
    assert item.published == "2024-03-05"
    assert item.site_name == "The Daily Ledger"
    assert item.url == "https://ledger.example.com/news/minister-quits"
    assert item.tags == ["politics", "budget"]
    paragraphs = item.text.split("\n\n")
    assert paragraphs[1].startswith("The finance minister resigned")
    assert paragraphs[2].startswith("“I cannot support these cuts,”")
    assert "Home" not in item.text and "Copyright" not in item.text
    assert item.text[item.body_start :].startswith("The finance minister")  # repeated headline is not body


def test_html_with_no_main_text() -> None:
    item = error(BAD / "no-text.html")
    assert item.kind == "no_text"
    assert "no main text" in item.message


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    paragraph = "The spokesman said the “reforms” would be debated again next week in the assembly."
    html = f'<html><head><meta charset="windows-1252"><title>Reforms</title></head><body><article>' \
           f"<p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("cp1252"))
    item = article(path)
    assert "“reforms”" in item.text
    assert item.decoding.startswith("cp1252")


# --- records -----------------------------------------------------------------------------------


def test_jsonl_records() -> None:
    path = INGEST / "articles.jsonl"
    items = list(read_file(str(path)))
    assert all(isinstance(item, Article) for item in items)
    first, second, third = items
    assert first.source == f"{path}:1"
    assert (first.external_id, first.title, first.url, first.published, first.publisher, first.author) == (
        "a1",
        "Port strike ends",
        "https://example.org/port",
        "2024-06-02",
        "Coast Herald",
        "R. Lind",
    )
    assert first.format == "jsonl"
    assert second.external_id == "2" and second.published == "2024-06-03"
    assert second.text == "The bridge will stay closed until Friday, police said.\r\nDrivers should use the ring road."
    assert third.source == f"{path}:4"  # the blank line 3 is skipped, line numbers are physical
    assert third.published == "sometime in June"  # kept as given when it does not parse


def test_csv_records() -> None:
    path = INGEST / "articles.csv"
    items = list(read_file(str(path)))
    assert all(isinstance(item, Article) for item in items)
    assert [item.source for item in items] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    first, second, third = items
    assert first.format == "csv"
    assert (first.external_id, first.title, first.published, first.publisher) == (
        "c1",
        "School reopens",
        "2024-06-04",
        "Valley Times",
    )
    assert second.text == "Forecasters warned of gales along the coast.\nFerries may be cancelled, the operator said."
    assert second.publisher is None
    assert third.text == 'Short, quoted text with "inner quotes" and a comma.'
    assert third.title is None


def test_csv_semicolon_delimiter_and_big_field(tmp_path: Path) -> None:
    long_text = "The minister said so. " * 10_000  # over the csv module's default 128 KB field limit
    path = tmp_path / "semi.csv"
    path.write_text(f"id;text\nk1;{long_text}\n", encoding="utf-8")
    item = article(path)
    assert item.external_id == "k1" and item.text == long_text


# --- bad inputs --------------------------------------------------------------------------------


def test_empty_and_whitespace_files() -> None:
    assert error(BAD / "empty.txt").kind == "empty"
    assert error(BAD / "whitespace.txt").kind == "empty"


def test_binary_file_named_explicitly() -> None:
    path = BAD / "binary.bin"
    item = error(path)
    assert item.kind == "binary"
    assert item.source == str(path)
    assert item.message.startswith(f"{path}: looks like a binary file (NUL bytes in the first 8 KB)")
    assert "plain text, HTML, JSONL and CSV" in item.message


def test_mostly_control_characters_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 65]) * 100)
    assert error(path).kind == "binary"


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("The spokesman said it was big. " * 10, encoding="utf-8")
    item = error(path)
    assert item.kind == "too_large"
    assert "is 310 bytes, over the 100 bytes limit" in item.message
    record = tmp_path / "big.jsonl"
    record.write_text(json.dumps({"text": "x" * 101}) + "\n" + json.dumps({"text": "short"}) + "\n", encoding="utf-8")
    too_big, fine = read_file(str(record))
    assert isinstance(too_big, IngestError) and (too_big.kind, too_big.line) == ("too_large", 1)
    assert isinstance(fine, Article)  # the limit is per record, not per JSONL file


def test_malformed_jsonl_keeps_good_lines() -> None:
    path = BAD / "mixed.jsonl"
    items = list(read_file(str(path)))
    good = [item for item in items if isinstance(item, Article)]
    bad = [item for item in items if isinstance(item, IngestError)]
    assert [item.text for item in good] == [
        "The first good record.",
        "The second good record.",
        "The third good record.",
    ]
    assert [item.source for item in good] == [f"{path}:1", f"{path}:3", f"{path}:8"]
    assert [(item.line, item.kind) for item in bad] == [
        (2, "malformed_json"),
        (4, "malformed_json"),
        (6, "no_text"),
        (7, "no_text"),
    ]
    assert all(item.source == str(path) and item.message.startswith(f"{path}:{item.line}: ") for item in bad)
    assert [type(item).__name__ for item in items] == [
        "Article", "IngestError", "Article", "IngestError", "IngestError", "IngestError", "Article"
    ]  # in file order


def test_jsonl_without_text_field() -> None:
    items = list(read_file(str(BAD / "no-text-field.jsonl")))
    assert [(item.kind, item.line) for item in items] == [("no_text", 1), ("no_text", 2)]
    assert 'no "text" field (fields: body, headline, id)' in items[0].message


def test_broken_csv_keeps_good_rows() -> None:
    path = BAD / "broken.csv"
    items = list(read_file(str(path)))
    assert [(type(item).__name__, getattr(item, "line", None)) for item in items] == [
        ("Article", None),
        ("IngestError", 3),
        ("IngestError", 4),
        ("Article", None),
    ]
    assert items[0].text == "The first good row, quoted because of the comma."
    assert items[1].kind == "malformed_csv" and "has 4 fields but the header has 3" in items[1].message
    assert items[2].kind == "no_text"
    assert items[3].source == f"{path}:5"


def test_csv_without_text_column_is_one_error() -> None:
    (item,) = list(read_file(str(BAD / "no-text-column.csv")))
    assert isinstance(item, IngestError)
    assert (item.kind, item.line) == ("no_text", 1)
    assert "columns: id, headline, body" in item.message


def test_missing_file() -> None:
    item = error(FIXTURES / "does-not-exist.txt")
    assert item.kind == "unreadable"
    assert "no such file" in item.message


# --- paths, folders, stdin ---------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order() -> None:
    corpus = INGEST / "corpus"
    items = [item for item in read_paths([str(corpus)]) if isinstance(item, Article)]
    assert [item.source for item in items] == [
        os.path.join(str(corpus), "a-note.txt"),
        os.path.join(str(corpus), "sub", "b-records.ndjson") + ":1",
        os.path.join(str(corpus), "sub", "b-records.ndjson") + ":2",
        os.path.join(str(corpus), "sub", "deeper", "c-page.htm"),
        os.path.join(str(corpus), "z-last.text"),
    ]  # readme.md (reported) and .hidden.txt are skipped
    assert [item.format for item in items] == ["txt", "jsonl", "jsonl", "html", "txt"]


def test_explicit_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("The chair said the meeting was over.\n", encoding="utf-8")
    (item,) = list(read_paths([str(path)]))
    assert isinstance(item, Article) and item.format == "txt"


def test_paths_keep_input_order_and_errors_do_not_stop_the_run() -> None:
    paths = [str(BAD / "empty.txt"), str(INGEST / "plain" / "statement.txt"), str(BAD / "binary.bin"), str(SEED)]
    items = list(read_paths(paths))
    assert [type(item).__name__ for item in items] == ["IngestError", "Article", "IngestError", "Article"]
    assert [item.source for item in items] == paths


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / ".hidden.txt").write_text("Hidden files are skipped silently.\n", encoding="utf-8")
    (item,) = list(read_paths([str(tmp_path)]))
    assert isinstance(item, IngestError) and item.kind == "empty"
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    (item,) = list(read_paths([str(tmp_path)]))  # the skipped file is reported, not the folder
    assert isinstance(item, IngestError) and item.kind == "unsupported"


def test_file_deleted_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The first article said little.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The second article vanished.\n", encoding="utf-8")
    items = read_paths([str(tmp_path)])
    first = next(items)  # the folder has been listed by now
    assert isinstance(first, Article)
    (tmp_path / "b.txt").unlink()
    (gone,) = list(items)
    assert isinstance(gone, IngestError)
    assert gone.kind == "unreadable" and gone.source == str(tmp_path / "b.txt")


def stdin_with(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_text_keeps_raw_newlines(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, b"The minister said it would rain.\r\nNobody disagreed.\r\n")
    (item,) = list(read_paths(["-"]))
    assert isinstance(item, Article)
    assert item.source == "<stdin>"
    assert item.text == "The minister said it would rain.\r\nNobody disagreed.\r\n"


def test_stdin_scraped_page(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, SEED.read_bytes())
    (item,) = list(read_paths(["-"]))
    assert isinstance(item, Article)
    assert item.format == "scraped_page" and (item.body_start, item.body_end) == (102, 4466)


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, b'{"id": "s1", "text": "Police said so."}\nnot json\n')
    items = list(read_paths(["-"], stdin_format="jsonl"))
    assert isinstance(items[0], Article) and items[0].source == "<stdin>:1"
    assert isinstance(items[1], IngestError) and (items[1].line, items[1].kind) == (2, "malformed_json")


def test_unknown_stdin_format_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown stdin format 'pdf'"):
        read_paths(["-"], stdin_format="pdf")


# --- hostile input: issue 11 (findings 1, 8, 9, 11, 14) ------------------------------------------

GOOD_LINE = "The minister said the talks would go on next week in Geneva. "


def test_nul_after_the_first_8_kb_is_replaced_and_noted(tmp_path: Path) -> None:
    head = GOOD_LINE * 200  # 12 KB: past the binary check's sniff
    path = tmp_path / "late-nul.txt"
    path.write_bytes(head.encode() + b"Officials\x00 agreed.\x07\n")
    item = article(path)
    assert item.text == head + "Officials  agreed. \n"  # same length: offsets stay where they were
    assert "\x00" not in item.text
    assert any("2 control characters" in note and "NUL" in note for note in item.notes), item.notes


def test_many_nuls_after_the_first_8_kb_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "half-binary.txt"
    path.write_bytes((GOOD_LINE * 200).encode() + b"\x00\x01\x02" * 20_000)
    assert error(path).kind == "binary"


def test_control_characters_and_lone_surrogates_in_records_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "controls.jsonl"
    records = [{"text": "Police said\u0000 so \ud800 today.", "title": "A\u0000B"}, {"text": "Clean text, officials said."}]
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    first, second = read_file(str(path))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text == "Police said  so \ufffd today." and first.title == "A B"
    assert first.notes and not second.notes
    csv_path = tmp_path / "controls.csv"
    csv_path.write_bytes(b"id,text\nn1,Officials\x1b said it again.\n")  # a NUL this early is binary
    (row,) = read_file(str(csv_path))
    assert isinstance(row, Article) and row.text == "Officials  said it again." and row.notes


def test_html_with_a_nul_after_the_first_8_kb(tmp_path: Path) -> None:
    paragraph = f"<p>{GOOD_LINE * 3}</p>"
    path = tmp_path / "late-nul.html"
    path.write_bytes(f"<html><body><article>{paragraph * 60}".encode() + b"<p>A\x00B said so, officials told reporters on Monday in the capital.</p></article></body></html>")
    item = article(path)
    assert "\x00" not in item.text


def test_deeply_nested_json_line_is_that_line_s_error() -> None:
    # 1,000 levels (the case) is past the recursion limit of a bare interpreter but not of
    # one that has loaded the model (3,000); 100,000 is past both.
    for depth in (1000, 100_000):
        data = b'{"text": "The first good record."}\n' + b"[" * depth + b'\n{"text": "The second good record."}\n'
        items = list(read_paths_bytes(data, "jsonl"))
        assert [type(item).__name__ for item in items] == ["Article", "IngestError", "Article"]
        assert (items[1].line, items[1].kind) == (2, "malformed_json")
    assert "nested too deeply" in items[1].message


def read_paths_bytes(data: bytes, fmt: str, tmp: Path | None = None) -> list[Article | IngestError]:
    from claims.readers import csv_from_bytes, jsonl_from_bytes

    reader = {"jsonl": jsonl_from_bytes, "csv": csv_from_bytes}[fmt]
    return list(reader(data, f"input.{fmt}"))


def test_html_with_a_charset_that_is_not_a_text_encoding(tmp_path: Path) -> None:
    paragraph = "The spokesman said the “reforms” would be debated again next week in the assembly."
    html = f'<html><head><meta charset="rot13"><title>Reforms</title></head><body><article>' \
           f"<p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    path = tmp_path / "rot13.html"
    path.write_bytes(html.encode("cp1252"))
    item = article(path)
    assert "“reforms”" in item.text and item.decoding.startswith("cp1252")


def test_csv_header_with_a_bare_carriage_return() -> None:
    items = read_paths_bytes(b'id,te\rxt\nc1,"Officials said so."\n', "csv")
    assert [(type(item).__name__, getattr(item, "line", None), getattr(item, "kind", None)) for item in items] == [
        ("IngestError", 1, "malformed_csv")
    ]


def test_unexpected_failure_in_a_record_is_that_record_s_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import claims.readers.records as records_module

    real = records_module._record

    def flaky(fields, source, line, decoding, fmt):  # type: ignore[no-untyped-def]
        if fields.get("id") == "boom":
            raise RuntimeError("unexpected")
        return real(fields, source, line, decoding, fmt)

    monkeypatch.setattr(records_module, "_record", flaky)
    data = b'{"id": "boom", "text": "x"}\n{"id": "ok", "text": "Police said so."}\n'
    first, second = read_paths_bytes(data, "jsonl")
    assert isinstance(first, IngestError) and (first.line, first.kind) == (1, "reader_failed")
    assert "RuntimeError: unexpected" in first.message and first.message.startswith("input.jsonl:1: ")
    assert isinstance(second, Article) and second.external_id == "ok"


def test_unexpected_failure_in_a_file_is_that_file_s_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claims.readers.page as page_module

    def broken(text: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    (tmp_path / "a.txt").write_text("The first article said little.\n", encoding="utf-8")
    monkeypatch.setattr(text_module, "detect_page", broken)
    items = list(read_paths([str(tmp_path / "a.txt"), str(INGEST / "articles.jsonl")]))
    assert isinstance(items[0], IngestError) and items[0].kind == "reader_failed"
    assert items[0].source == str(tmp_path / "a.txt") and "RecursionError" in items[0].message
    assert [type(item).__name__ for item in items[1:]] == ["Article"] * 3
    del page_module


def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    import threading

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    results: list[list[Article | IngestError]] = []
    for name in ("pipe.txt", "pipe.jsonl"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        thread = threading.Thread(target=lambda fifo=fifo: results.append(list(read_paths([str(fifo)]))), daemon=True)
        thread.start()
        thread.join(5)
        if thread.is_alive():  # unblock the reader before failing, so the test run can end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            pytest.fail(f"reading the named pipe {name} blocked")
    for (item,) in results:
        assert isinstance(item, IngestError) and item.kind == "unreadable"
        assert "named pipe" in item.message and "regular file" in item.message


def test_missing_path_given_by_name_says_so_without_the_vanished_hint() -> None:
    path = FIXTURES / "does-not-exist.txt"
    (item,) = list(read_paths([str(path)]))
    assert isinstance(item, IngestError) and item.kind == "unreadable"
    assert item.message.startswith(f"{path}: no such file or folder")
    assert "moved or deleted" not in item.message


def test_vanished_file_gets_the_moved_or_deleted_hint(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The first article said little.\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "The second article vanished."}\n', encoding="utf-8")
    items = read_paths([str(tmp_path)])
    next(items)
    (tmp_path / "b.jsonl").unlink()
    (gone,) = list(items)
    assert isinstance(gone, IngestError) and gone.kind == "unreadable"
    assert "moved or deleted" in gone.message


def test_folder_reports_files_of_unknown_type() -> None:
    corpus = INGEST / "corpus"
    items = list(read_paths([str(corpus)]))
    skipped = [item for item in items if isinstance(item, IngestError)]
    assert [(item.source, item.kind) for item in skipped] == [(os.path.join(str(corpus), "readme.md"), "unsupported")]
    assert "extension" in skipped[0].message and "name it explicitly" in skipped[0].message
    assert not any(".hidden" in item.source for item in items)


def test_overlong_jsonl_line_is_that_line_s_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_FILE_BYTES", 100)
    data = b'{"text": "' + b"\\u0041" * 200 + b'"}\n{"text": "Police said so."}\n'
    first, second = read_paths_bytes(data, "jsonl")
    assert isinstance(first, IngestError) and (first.line, first.kind) == (1, "too_large")
    assert isinstance(second, Article) and second.source == "input.jsonl:2"


def test_overlong_csv_record_is_that_row_s_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_FILE_BYTES", 100)
    data = b"id,text\nr1," + b"x" * 300 + b"\nr2,\"" + b"y\n" * 150 + b"\"\nr3,Police said so.\n"
    items = read_paths_bytes(data, "csv")
    assert [(type(item).__name__, item.line if isinstance(item, IngestError) else item.source) for item in items] == [
        ("IngestError", 2),
        ("IngestError", 3),
        ("Article", "input.csv:154"),
    ]
    assert all(item.kind == "too_large" for item in items[:2])


def test_csv_quote_never_closed_is_reported() -> None:
    items = read_paths_bytes(b'id,text\nr1,"Police said so."\nr2,"Officials said, and then\nr3,more\n', "csv")
    assert [(type(item).__name__, getattr(item, "line", None)) for item in items] == [("Article", None), ("IngestError", 3)]
    assert items[1].kind == "malformed_csv" and "never closed" in items[1].message
    (fine,) = read_paths_bytes(b'id,text\nr1,"Police said ""so""."', "csv")  # no final newline: still fine
    assert isinstance(fine, Article) and fine.text == 'Police said "so".'


def test_html_with_too_many_elements_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claims.readers.html as html_module

    monkeypatch.setattr(html_module, "MAX_HTML_ELEMENTS", 1000)  # the real limit takes seconds to reach
    path = tmp_path / "many.html"
    path.write_bytes(b"<html><body>" + b"<p>x " * 2000 + b"</body></html>")
    item = error(path)
    assert item.kind == "too_large" and "2,002 HTML elements, over the 1,000 limit" in item.message


def test_folder_reports_named_pipes_without_reading_them(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    (tmp_path / "a.txt").write_text("The first article said little.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    first, second = read_paths([str(tmp_path)])
    assert isinstance(first, Article)
    assert isinstance(second, IngestError) and second.kind == "unsupported" and "not a regular file" in second.message
