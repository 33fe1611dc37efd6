"""A claims database whose every article-derived value is hostile HTML or a ``javascript:`` URL.

Used by the publishing tests (in-process and in a real browser): every value that came from an
article must show as text on every Datasette page, never run or render as markup.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import quote

from conftest import EXTRACTOR_VERSION, MODEL_VERSION, Quote, make_quoted_article

from claims import store
from claims.store.provenance import rebuild_clusters
from claims.types import IngestError

# Each payload calls alert() with its own label, so a dialog names the field that leaked.
PUBLISHER = "<img src=x onerror=alert('publisher')>"
TITLE = "<script>alert('title')</script> Headline"
AUTHOR = "\"><svg onload=alert('author')>"
URL = "javascript:alert('url')"
SPEAKER = "<img src=x onerror=alert('speaker')>"
CHANNEL = "an interview with <b>Evil</b>"
ROLE = "'><svg onload=alert('role')>"
AFFILIATION = "<a href=javascript:alert('affiliation')>Ministry</a>"
LEAD = "<script>alert('text')</script> Talks resumed with <b>Evil</b> on Monday."
CLAIM = "the <img src=x onerror=alert('claim')> plan had \"><svg onload=alert('quote')> failed"
ERROR_SOURCE = "<img src=x onerror=alert('error')>.txt"

# What a page showing these values must show as text (a search for it finds the hostile rows).
SEARCH_WORD = "Evil"


def build(path: Path) -> Path:
    """Write the hostile database at ``path``: two articles carrying the same hostile quotes (so
    they form a quote cluster), a second speaker for the anonymous-sources view and an error row."""
    quotes = [
        Quote(SPEAKER, SPEAKER, role=ROLE, affiliation=AFFILIATION, channel=CHANNEL, channel_kind="broadcaster",
              content=CLAIM),
        Quote("<b>Evil</b> officials", None, speaker_type="anonymous_person", affiliation=AFFILIATION,
              content="the <b>Evil</b> talks had stalled"),
    ]
    with store.open_db(path) as db:
        for key in (f"{URL}#1", f"{URL}#2"):
            article, parsed, claims = make_quoted_article(key, quotes, lead=LEAD, publisher=PUBLISHER)
            article = dataclasses.replace(article, external_id=key, url=URL, title=TITLE, author=AUTHOR,
                                          site_name=PUBLISHER, tags=[TITLE, PUBLISHER], source=ERROR_SOURCE)
            result = store.store_article(db, article, parsed, claims, EXTRACTOR_VERSION, MODEL_VERSION)
            store.save_annotations(db, result.article_id, parsed)
        rebuild_clusters(db)
        store.record_error(db, IngestError(ERROR_SOURCE, f"{ERROR_SOURCE}: {LEAD}", line=1, kind="malformed_json"))
    return path


def pages(first, metadata: dict) -> list[str]:
    """Every page a user reaches from the home page of the hostile database ``claims``: tables,
    views, rows, canned queries with parameters that select the hostile rows, search-all and
    dashboards. ``first(sql)`` gives the first value the served database returns for ``sql``."""
    database = metadata["databases"]["claims"]
    speaker = first("select min(id) from speakers where speaker_type = 'person'")
    channel = first("select min(id) from channels where name like '%Evil%'")
    cluster = first("select min(id) from quote_clusters")
    params = {
        "claims_by_speaker": "speaker=img", "claims_by_channel": "channel=Evil", "article_claims": "article_id=1",
        "search_claims": f"q={SEARCH_WORD}", "speaker_history": "speaker=img", "speaker": f"speaker_id={speaker}",
        "channel": f"channel_id={channel}", "quote_cluster": f"cluster_id={cluster}",
    }
    paths = ["/", "/claims", f"/-/search?q={SEARCH_WORD}", "/-/dashboards"]
    paths += [f"/claims/{name}" for name, table in database["tables"].items() if not table.get("hidden")]
    paths += [f"/claims/{name}?{params.get(name, '')}" for name in database["queries"]]
    paths += [f"/claims/{table}/1" for table in ("articles", "claims", "sentences", "quote_clusters", "ingest_errors")]
    paths += [f"/claims/speakers/{speaker}", f"/claims/channels/{channel}"]
    claim = first("select min(claim_id) from cluster_claims")
    paths += [f"/claims/-/speaker/{speaker}", f"/claims/-/claim/{claim}", "/claims/-/article/1"]  # reading pages
    for slug, dashboard in metadata["plugins"]["datasette-dashboards"].items():
        query = "speaker=" + quote(first(f"select name from speakers where id = {speaker}")) + "&channel=" + quote(
            first(f"select name from channels where id = {channel}"))
        paths += [f"/-/dashboards/{slug}?{query}"]
        paths += [f"/-/dashboards/{slug}/{chart}?{query}" for chart in dashboard["charts"]]
    return paths
