"""Page times of ``claims serve`` on a large database built from real rows (issue 15, part 5).

Build: a real source database (``--source-db``, else the PolNeAR dev texts ingested once with
``claims.pipeline.ingest``: 84 articles, ~3,800 claims, ~1 min) is copied, then its articles,
sentences, claims, speakers, channels and quote clusters are replicated with new ids by
``INSERT ... SELECT`` inside SQLite until there are ``--claims`` claims (default 1,000,000). Each
copy gets its own article keys, one of 40 outlets and a date spread over 2016-2019; speakers are
replicated in 11 groups and channels in 9 (copy k uses group k % 11, k % 9), so the busiest speaker
has tens of thousands of claims (35,000 at a million) and facets have realistic spreads. The FTS and claim-count triggers
are dropped during the bulk copy, then the FTS index is rebuilt ('rebuild'), the counts recomputed,
the triggers made again from their own SQL, and both checked. The database is kept at ``--db``
(reused when it already has the claims asked for; ``--rebuild`` makes it again).

Serve: ``claims.publish.make_datasette`` in-process; every page is fetched ``--repeat`` times
through ``ds.client.get`` (the whole Datasette stack, time limits included), and a canned query
that takes a page also at page 20. Prints page, status, median and max ms, the facets that timed
out, and for CSV "download all" links (fetched ``--csv-repeat`` times) the rows returned against the
rows expected (counted in SQL). The summary tables' pages are timed, not the hidden live views they
keep (``--live-views`` times those too).

    PYTHONPATH=. nice -n 10 python benchmarks/bench_pages.py --claims 1000000 --db /tmp/pages-1m.db --live-views
    PYTHONPATH=. python benchmarks/bench_pages.py --claims 50000 --db /tmp/pages-50k.db --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import html
import io
import json
import math
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from report import polnear_dev_texts  # run with PYTHONPATH=. (or another checkout's claims)

SPEAKER_GROUPS = 11
CHANNEL_GROUPS = 9
OUTLETS = 40
TABLES = ("articles", "sentences", "speakers", "channels", "claims", "quote_clusters")


def make_source(work: Path, source_db: Path | None) -> Path:
    """A claims database of real rows, at the current schema version."""
    from claims.store import open_db

    target = work / "source.db"
    if source_db is not None:
        shutil.copyfile(source_db, target)
    else:
        from claims.pipeline import ingest

        texts = polnear_dev_texts()
        if texts is None:
            raise SystemExit("no source: pass --source-db DB, or set CLAIMS_DATA to a folder with polnear/dev/text")
        started = time.perf_counter()
        ingest([str(texts)], target)
        print(f"ingested {texts} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    open_db(target).close()  # upgrades an older schema version
    return target


def _drop_triggers(conn: sqlite3.Connection, names: list[str]) -> list[str]:
    sqls = [row[0] for row in conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({','.join('?' * len(names))})", names)]
    for name in names:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    return sqls


def build(db: Path, source: Path, claims_wanted: int) -> None:
    """Replicate ``source`` into ``db`` until it holds about ``claims_wanted`` claims."""
    if db.exists():
        db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    conn.execute("DELETE FROM annotations")  # cached NLP output: not served, and most of the bytes
    base = {t: conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {t}").fetchone() for t in TABLES}
    copies = max(1, math.ceil(claims_wanted / base["claims"][0]))
    # the source's own rows are copy 0: give them an outlet and a date too
    conn.execute(f"UPDATE articles SET publisher = 'Outlet ' || (id % {OUTLETS}), "
                 "published = date('2016-01-01', '+' || (id % 30) || ' days')")
    triggers = _drop_triggers(conn, ["claims_ai", "claims_count_ai", "speakers_ai"])
    started = time.perf_counter()
    for k in range(1, copies):
        off = {t: k * base[t][1] for t in TABLES}
        sg, cg = k % SPEAKER_GROUPS, k % CHANNEL_GROUPS
        sp_off, ch_off = sg * base["speakers"][1], cg * base["channels"][1]
        if sg and k < SPEAKER_GROUPS:  # first use of speaker group sg
            conn.execute(f"""INSERT INTO speakers (id, key, name, speaker_type, aliases, claim_count, surname, ambiguous)
                SELECT id + {sp_off}, key || '#{sg}', name || ' ({sg})', speaker_type, aliases, 0, surname, ambiguous
                FROM speakers WHERE id <= {base['speakers'][1]}""")
        if cg and k < CHANNEL_GROUPS:
            conn.execute(f"""INSERT INTO channels (id, key, name, kind, claim_count)
                SELECT id + {ch_off}, key || '#{cg}', name || ' ({cg})', kind, 0
                FROM channels WHERE id <= {base['channels'][1]}""")
        conn.execute(f"""INSERT INTO articles (id, key, source, format, external_id, title, url, published, publisher,
                author, site_name, tags, comment_count, text, body_start, body_end, content_hash, decoding,
                model_version, extractor_version, ingested_at, notes)
            SELECT id + {off['articles']}, key || '#{k}', source, format, external_id, title, url,
                date('2016-01-01', '+' || ({k} * 5 + id % 30) % 1400 || ' days'),
                'Outlet ' || ((id + {k}) % {OUTLETS}), author, site_name, tags, comment_count, text,
                body_start, body_end, content_hash, decoding, model_version, extractor_version, ingested_at, notes
            FROM articles WHERE id <= {base['articles'][1]}""")
        conn.execute(f"""INSERT INTO sentences (id, article_id, sentence_index, start, "end", text)
            SELECT id + {off['sentences']}, article_id + {off['articles']}, sentence_index, start, "end", text
            FROM sentences WHERE id <= {base['sentences'][1]}""")
        conn.execute(f"""INSERT INTO claims (id, article_id, sentence_id, sentence_index, attribution_index, claim_type,
                text, content_start, content_end, content_spans, cue, cue_start, cue_end, cue_spans, cue_class,
                cue_lemma, source_text, source_start, source_end, source_spans, speaker_id, speaker_type, role,
                affiliation, channel_id, channel_kind, location, time, hedged, confidence, extractor_version,
                model_version, speaker_name)
            SELECT c.id + {off['claims']}, c.article_id + {off['articles']}, c.sentence_id + {off['sentences']},
                c.sentence_index, c.attribution_index, c.claim_type, c.text, c.content_start, c.content_end,
                c.content_spans, c.cue, c.cue_start, c.cue_end, c.cue_spans, c.cue_class, c.cue_lemma, c.source_text,
                c.source_start, c.source_end, c.source_spans,
                c.speaker_id + {sp_off},
                c.speaker_type, c.role, c.affiliation,
                c.channel_id + {ch_off}, c.channel_kind, c.location, c.time, c.hedged, c.confidence,
                c.extractor_version, c.model_version, c.speaker_name
            FROM claims AS c WHERE c.id <= {base['claims'][1]}""")
        conn.execute(f"""INSERT INTO quote_clusters (id, text, first_claim_id, first_article_id, first_seen, last_seen,
                first_speaker_id, first_channel_id, claim_count, article_count)
            SELECT id + {off['quote_clusters']}, text, first_claim_id + {off['claims']},
                first_article_id + {off['articles']}, first_seen, last_seen, first_speaker_id, first_channel_id,
                claim_count, article_count
            FROM quote_clusters WHERE id <= {base['quote_clusters'][1]}""")
        conn.execute(f"""INSERT INTO cluster_claims (claim_id, cluster_id, position, similarity, cites_claim_id, cites_via)
            SELECT claim_id + {off['claims']}, cluster_id + {off['quote_clusters']}, position, similarity,
                cites_claim_id + {off['claims']}, cites_via
            FROM cluster_claims WHERE claim_id <= {base['claims'][1]}""")
        if k % 25 == 0:
            print(f"  copy {k}/{copies - 1}, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"  copied in {time.perf_counter() - started:.0f} s; rebuilding FTS and counts", file=sys.stderr)
    conn.execute("INSERT INTO claims_fts (claims_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO speakers_fts (speakers_fts) VALUES ('rebuild')")
    conn.execute("UPDATE speakers SET claim_count = (SELECT count(*) FROM claims WHERE speaker_id = speakers.id)")
    conn.execute("UPDATE channels SET claim_count = (SELECT count(*) FROM claims WHERE channel_id = channels.id)")
    for sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    check(conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def check(conn: sqlite3.Connection) -> None:
    """The counts the triggers keep, and the FTS index, agree with the rows."""
    bad = conn.execute("""SELECT count(*) FROM speakers
        WHERE claim_count != (SELECT count(*) FROM claims WHERE speaker_id = speakers.id)""").fetchone()[0]
    assert bad == 0, f"{bad} speakers with a wrong claim_count"
    total = conn.execute("SELECT (SELECT sum(claim_count) FROM channels), "
                         "(SELECT count(*) FROM claims WHERE channel_id IS NOT NULL)").fetchone()
    assert total[0] == total[1], f"channel counts {total}"
    conn.execute("INSERT INTO claims_fts (claims_fts, rank) VALUES ('integrity-check', 1)")
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"claims_ai", "claims_count_ai", "speakers_ai"} <= names, names


def prepare_after_build(db: Path) -> str:
    """What the project does at the end of an ingest that a bulk copy skipped (the summary tables and
    ANALYZE, when it has them)."""
    import claims.store as store

    optimize = getattr(store, "optimize_db", None)
    if optimize is None:
        return "nothing (claims.store has no optimize_db)"
    conn = sqlite3.connect(db)
    started = time.perf_counter()
    optimize(conn)
    conn.commit()  # optimize_db also fills the summary tables, in the caller's transaction
    conn.close()
    return f"claims.store.optimize_db in {time.perf_counter() - started:.1f} s"


# ---- serving ----------------------------------------------------------------------------------

def pages(conn: sqlite3.Connection, name: str, metadata: dict,
          live_views: bool = False) -> tuple[list[tuple[str, str]], dict]:
    """(label, url) of every page to time, and {csv url: expected rows}."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    busiest = one("SELECT id FROM speakers ORDER BY claim_count DESC LIMIT 1")
    busiest_name = one(f"SELECT name FROM speakers WHERE id = {busiest}")
    person = conn.execute("SELECT id, name FROM speakers WHERE speaker_type = 'person' "
                          "ORDER BY claim_count DESC LIMIT 1").fetchone()
    channel = conn.execute("SELECT id, name FROM channels ORDER BY claim_count DESC LIMIT 1").fetchone()
    article = one("SELECT article_id FROM claims GROUP BY article_id ORDER BY count(*) DESC LIMIT 1")
    claim = one("SELECT min(id) FROM claims")
    cluster = one("SELECT id FROM quote_clusters ORDER BY claim_count DESC LIMIT 1")
    surname = person[1].split()[-1].split("(")[0] or person[1]
    params = {
        "claims_by_speaker": {"speaker": surname},
        "claims_by_channel": {"channel": channel[1].split(" (")[0]},
        "article_claims": {"article_id": article},
        "search_claims": {"q": "president"},
        "speaker_history": {"speaker": surname},
        "speaker": {"speaker_id": busiest},
        "channel": {"channel_id": channel[0]},
        "quote_cluster": {"cluster_id": cluster},
    }
    db = f"/{name}"
    result = [
        ("/", "/"),
        ("/<db>", db),
        ("claims_readable", f"{db}/claims_readable"),
        ("claims_view", f"{db}/claims_view"),
        ("claims", f"{db}/claims"),
        ("claims_readable?speaker=", f"{db}/claims_readable?speaker={quote(busiest_name)}"),
        ("claims_view?speaker=", f"{db}/claims_view?speaker={quote(busiest_name)}"),
        ("claims?_search=the", f"{db}/claims?_search=the"),
        ("claims_readable?_search=", f"{db}/claims_readable?_search=president"),
        ("speakers", f"{db}/speakers"),
        ("channels", f"{db}/channels"),
        ("articles", f"{db}/articles"),
        ("quote_clusters", f"{db}/quote_clusters"),
        ("cluster_appearances", f"{db}/cluster_appearances"),
    ]
    tables = metadata["databases"][name].get("tables", {})
    for summary, view in (("anonymous_source_summary", "anonymous_sources"), ("speaker_role_summary", "speaker_roles")):
        # the summary tables kept by the ingest are the pages listed (schema v8); their live views are
        # hidden, for SQL: timed with --live-views
        result.append((summary, f"{db}/{summary}") if summary in tables else (view, f"{db}/{view}"))
        if live_views and summary in tables:
            result.append((f"{view} (hidden live view)", f"{db}/{view}"))
    for query in metadata["databases"][name].get("queries", {}):
        args = "&".join(f"{k}={quote(str(v))}" for k, v in params.get(query, {}).items())
        result.append((f"query {query}", f"{db}/{query}" + (f"?{args}" if args else "")))
        if ":page" in metadata["databases"][name]["queries"][query]["sql"]:  # a deep page too
            result.append((f"query {query} page 20", f"{db}/{query}?" + (f"{args}&" if args else "") + "page=20"))
    for page, row_id in (("speaker", busiest), ("speaker (person)", person[0]), ("claim", claim),
                         ("article", article), ("channel", channel[0]), ("cluster", cluster)):
        result.append((f"-/{page}", f"{db}/-/{page.split()[0]}/{row_id}"))
    expected = {
        ("csv", "speaker page"): (f"{db}/-/speaker/{busiest}.json", one(f"SELECT count(*) FROM claims WHERE speaker_id = {busiest}")),
        ("csv", "channel page"): (f"{db}/-/channel/{channel[0]}.json",
                                  one(f"SELECT count(*) FROM claims WHERE channel_id = {channel[0]}")),
        ("csv", "article page"): (f"{db}/-/article/{article}.json",
                                  one(f"SELECT count(*) FROM claims WHERE article_id = {article}")),
        ("csv", "cluster page"): (f"{db}/-/cluster/{cluster}.json",
                                  one(f"SELECT count(*) FROM cluster_claims WHERE cluster_id = {cluster}")),
        ("csv", "query speaker"): (f"{db}/speaker?speaker_id={busiest}",
                                   one(f"SELECT count(*) FROM claims WHERE speaker_id = {busiest}")),
        ("csv", "query channel"): (f"{db}/channel?channel_id={channel[0]}",
                                   one(f"SELECT count(*) FROM claims WHERE channel_id = {channel[0]}")),
        ("csv", "query claims_by_speaker"): (
            f"{db}/claims_by_speaker?speaker={quote(surname)}",
            one(f"""SELECT count(*) FROM claims WHERE speaker_id IN (SELECT rowid FROM speakers_fts
                    WHERE speakers_fts MATCH '"{surname}"*')""")),
        ("csv", "query claims_by_channel"): (
            f"{db}/claims_by_channel?channel={quote(channel[1].split(' (')[0])}",
            conn.execute("SELECT count(*) FROM claims WHERE channel_id IN (SELECT id FROM channels WHERE name LIKE ?)",
                         [f"%{channel[1].split(' (')[0]}%"]).fetchone()[0]),
        ("csv", "query anonymous_and_vague_sources"): (
            f"{db}/anonymous_and_vague_sources",
            one("SELECT count(*) FROM claims WHERE speaker_type IN ('anonymous_person', 'unnamed_reports', 'unknown')")),
        ("csv", "query search_claims"): (
            f"{db}/search_claims?q=president", one("""SELECT count(*) FROM claims_fts WHERE claims_fts MATCH '"president"'""")),
        ("csv", "claims_readable?speaker_id= stream"): (
            f"{db}/claims_readable.csv?speaker_id={busiest}&_stream=1&_size=max",
            one(f"SELECT count(*) FROM claims WHERE speaker_id = {busiest}")),
    }
    return result, expected


def facet_report(body: str) -> str:
    found = re.search(r'<p class="facets-timed-out">These facets timed out: ([^<]*)</p>', body)
    return found.group(1) if found else ""


async def fetch(ds, url: str):
    started = time.perf_counter()
    response = await ds.client.get(url)
    return response, (time.perf_counter() - started) * 1000


async def serve_and_time(db: Path, repeat: int, only: str | None, settings: dict | None,
                         live_views: bool = False, csv_repeat: int = 1) -> list[dict]:
    from claims.publish import database_name, make_datasette, metadata_for

    name = database_name(db)
    metadata = metadata_for(db)
    conn = sqlite3.connect(db)
    page_list, csvs = pages(conn, name, metadata, live_views)
    conn.close()
    kwargs = {"settings": settings} if settings else {}
    ds = make_datasette(db, **kwargs)
    await ds.invoke_startup()
    results = []
    for label, url in page_list:
        if only and not re.search(only, label):
            continue
        times, status, timed_out, error = [], None, "", ""
        for _ in range(repeat):
            response, ms = await fetch(ds, url)
            times.append(ms)
            status = response.status_code
            timed_out = facet_report(response.text) or timed_out
            if status >= 400:
                error = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[:80]
        results.append({"page": label, "url": url, "status": status, "median_ms": statistics.median(times),
                        "max_ms": max(times), "facets_timed_out": timed_out, "rows": "", "error": error})
        print(f"  {label}: {status} {statistics.median(times):.0f} ms", file=sys.stderr)
    for (_, label), (url, expected) in csvs.items():
        if only and not re.search(only, label):
            continue
        times, rows, status, csv_url = [], None, None, url
        for _ in range(csv_repeat):
            if url.endswith(".json"):  # a reading page: follow its CSV link
                page, _ = await fetch(ds, url)
                csv_url = page.json()["csv_url"]
            elif ".csv" not in url:  # a canned query's page: its download-all link, else its CSV link
                page, _ = await fetch(ds, url)
                link = re.search(r'class="claims-download-all">[^<]*<a href="([^"]+)"', page.text)
                path, _, query = url.partition("?")
                csv_url = html.unescape(link.group(1)) if link else f"{path}.csv?{query}"
            response, ms = await fetch(ds, csv_url)
            times.append(ms)
            status = response.status_code
            rows = len(list(csv.reader(io.StringIO(response.text)))) - 1 if status == 200 else None
        results.append({"page": f"CSV {label}", "url": csv_url, "status": status,
                        "median_ms": statistics.median(times), "max_ms": max(times), "facets_timed_out": "",
                        "rows": f"{rows}/{expected}", "error": ""})
        print(f"  CSV {label}: {status} rows {rows}/{expected}", file=sys.stderr)
    return results


def print_table(results: list[dict]) -> None:
    width = max(len(r["page"]) for r in results)
    print(f"| {'page':<{width}} | status | median ms | max ms | facets timed out | CSV rows |")
    print(f"|{'-' * (width + 2)}|--------|-----------|--------|------------------|----------|")
    for r in results:
        print(f"| {r['page']:<{width}} | {r['status']} | {r['median_ms']:9.0f} | {r['max_ms']:6.0f} | "
              f"{r['facets_timed_out'] or '-'} | {r['rows'] or '-'} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="claims to build (default 1,000,000)")
    parser.add_argument("--source-db", type=Path, help="a claims database of real rows to replicate "
                        "(default: ingest the PolNeAR dev texts of $CLAIMS_DATA)")
    parser.add_argument("--db", type=Path, help="where to keep the built database (default: a temporary folder)")
    parser.add_argument("--rebuild", action="store_true", help="build --db again even when it exists")
    parser.add_argument("--repeat", type=int, default=5, help="fetches per page (default 5)")
    parser.add_argument("--csv-repeat", type=int, default=1, help="fetches per CSV download (default 1)")
    parser.add_argument("--live-views", action="store_true",
                        help="also time the hidden live views that the summary tables keep (speaker_roles...)")
    parser.add_argument("--only", help="regular expression: time only the pages whose label matches")
    parser.add_argument("--setting", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                        help="a Datasette setting for this run (on top of make_datasette's)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        db = args.db or Path(tmp) / "claims.db"
        have = 0
        if db.exists() and not args.rebuild:
            with sqlite3.connect(db) as conn:
                have = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        if have < args.claims:
            source = make_source(Path(tmp), args.source_db)
            build(db, source, args.claims)
        print(f"prepared: {prepare_after_build(db)}", file=sys.stderr)
        with sqlite3.connect(db) as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        size = db.stat().st_size / 1e6
        print(f"database {db}: {counts}, {size:.0f} MB", file=sys.stderr)
        settings = {key: json.loads(value) if value.lstrip("-").isdigit() or value in ("true", "false") else value
                    for key, value in args.setting}
        results = asyncio.run(serve_and_time(db, args.repeat, args.only, settings or None, args.live_views,
                                             args.csv_repeat))
        print(f"\n{counts['claims']:,} claims, {counts['articles']:,} articles, {counts['speakers']:,} speakers, "
              f"{counts['channels']:,} channels, {size:.0f} MB; {args.repeat} fetches per page, "
              f"{args.csv_repeat} per CSV\n")
        print_table(results)
        if args.json:
            args.json.write_text(json.dumps({"counts": counts, "mb": size, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
