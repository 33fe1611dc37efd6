"""Reading pages for fact-checkers, served by the Datasette plugin (``claims.datasette_plugin``).

Routes, under each served claims database (``<db>`` is the database's path in Datasette, e.g.
``/claims``), each also as ``.json`` with the same data:

* ``/<db>/-/speaker/<id>``: who the speaker is, roles, affiliations and channels seen, claims by
  month and the speaker's claims (the first :data:`LIST_LIMIT`; the CSV link gives them all);
* ``/<db>/-/claim/<id>``: the sentence and its paragraph with source, cue and content marked from
  the stored offsets, the attribution's fields and the claim's quote cluster;
* ``/<db>/-/article/<id>``: the stored article text in paragraphs, every attribution marked and
  linked to its claim page;
* ``/<db>/-/channel/<id>``: the channel's name and kind, how many claims by how many speakers in how
  many articles and when, the speakers who used it and its claims (capped; the CSV link gives all);
* ``/<db>/-/cluster/<id>``: a quote cluster's trail: the quote, then every appearance in order, the
  first first, with date, outlet, speaker, channel and the earlier appearance it cites.

Everything shown from an article goes through Jinja's autoescape as plain text: marked text is cut
into pieces here (:func:`pieces`), and the templates wrap each escaped piece in ``<mark>``. Links
are built from whole-number ids and the database's encoded path only. An id that is not a stored
row's number answers 404 "No such speaker/claim/article/channel/quote cluster".
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from datasette.utils import tilde_decode
from datasette.utils.asgi import Response

LIST_LIMIT = 100  # claims listed on a speaker page, appearances on a claim page
PAGES = ("speaker", "claim", "article", "channel", "cluster")
ROUTE = (r"^/(?P<database>[^/]+)/-/(?P<page>speaker|claim|article|channel|cluster)/(?P<id>[^/]*?)"
         r"(?:\.(?P<format>json))?$")
TEMPLATES = {"speaker": "claims_speaker.html", "claim": "claims_claim.html", "article": "claims_article.html",
             "channel": "claims_channel.html", "cluster": "claims_cluster.html"}
NOT_FOUND_WORDS = {"cluster": "quote cluster"}  # "No such quote cluster"; the other pages by their own name
NOT_FOUND_TEMPLATE = "claims_not_found.html"
REQUIRED_TABLES = {"articles", "sentences", "speakers", "claims", "channels"}

SPEAKER_TYPES = {
    "person": "person",
    "organization": "organization",
    "country": "country or government",
    "anonymous_person": "anonymous person",
    "unnamed_reports": "unnamed reports",
    "publication": "the publication itself",
    "unknown": "unknown",
}
CLAIM_TYPES = {
    "direct": "direct quotation",
    "indirect": "reported speech",
    "mixed": "reported speech with a quoted part",
    "narrator": "the article's own voice",
}
CHANNEL_KINDS = {
    "news_agency": "news agency",
    "broadcaster": "broadcaster",
    "newspaper": "newspaper",
    "publication": "publication",
    "statement": "statement",
    "call": "phone call",
    "interview": "interview",
    "press_conference": "press conference",
    "social_media": "social media",
    "speech": "speech",
}
CITES_VIA = {"channel": "it names that appearance's channel or publisher",
             "speaker": "the same speaker said it there",
             "first appearance": "the first appearance"}
ROLES = ("source", "cue", "content")  # the order a marked piece names its parts in


def templates_dir() -> str:
    """The folder of the packaged reading-page templates (``claims/templates``)."""
    return str(resources.files("claims").joinpath("templates"))


def in_words(value: str | None, words: dict[str, str]) -> str:
    if value is None:
        return "unknown"
    return words.get(value) or value.replace("_", " ")


def page_url(datasette: Any, database: str, page: str, row_id: int, format: str | None = None) -> str:
    """The path of a reading page; ``row_id`` must be a stored row's whole number."""
    return f"{datasette.urls.database(database)}/-/{page}/{int(row_id)}" + (f".{format}" if format else "")


def channel_url(datasette: Any, database: str, channel_id: Any) -> str | None:
    """The channel page of ``channel_id``, or None when the claim names no channel."""
    return page_url(datasette, database, "channel", channel_id) if type(channel_id) is int else None


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (safe to put in a link), else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# -- marking text by stored offsets -------------------------------------------------------------------


@dataclass
class Piece:
    """A run of article text and the parts of an attribution it belongs to (none: plain text)."""

    text: str
    roles: tuple[str, ...] = ()
    claim_id: int | None = None
    url: str | None = None  # the claim page the piece links to (article page)

    @property
    def classes(self) -> str:
        return " ".join(f"claim-{role}" for role in self.roles)


def spans(row: Any, role: str) -> list[tuple[int, int]]:
    """The stored ``[start, end)`` spans of ``role`` (source, cue or content) of a claims row:
    its ``<role>_spans`` JSON list, else its ``<role>_start`` and ``<role>_end``."""
    found = []
    try:
        listed = json.loads(row[f"{role}_spans"] or "[]")
    except (ValueError, TypeError):
        listed = []
    for span in listed if isinstance(listed, list) else []:
        if isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span) and span[0] < span[1]:
            found.append((span[0], span[1]))
    if not found:
        start, end = row[f"{role}_start"], row[f"{role}_end"]
        if type(start) is int and type(end) is int and start < end:
            found.append((start, end))
    return found


def marks_of(row: Any, claim_id: int | None = None) -> list[tuple[int, int, str, int | None]]:
    """Every stored span of a claims row as (start, end, role, claim_id)."""
    return [(start, end, role, claim_id) for role in ROLES for start, end in spans(row, role)]


def pieces(text: str, lo: int, hi: int, marks: list[tuple[int, int, str, int | None]]) -> list[Piece]:
    """``text[lo:hi]`` cut where a mark starts or ends; each piece names the roles covering it and
    the lowest claim id among the marks covering it (the claim its link goes to)."""
    lo, hi = max(0, lo), min(len(text), hi)
    inside = [m for m in marks if m[0] < hi and m[1] > lo]
    cuts = sorted({lo, hi} | {min(max(m[0], lo), hi) for m in inside} | {min(max(m[1], lo), hi) for m in inside})
    result: list[Piece] = []
    for start, end in zip(cuts, cuts[1:]):
        if start >= end:
            continue
        covering = [m for m in inside if m[0] <= start and m[1] >= end]
        roles = tuple(role for role in ROLES if any(m[2] == role for m in covering))
        ids = [m[3] for m in covering if m[3] is not None]
        claim_id = min(ids) if ids else None
        if result and result[-1].roles == roles and result[-1].claim_id == claim_id:
            result[-1].text += text[start:end]
        else:
            result.append(Piece(text[start:end], roles, claim_id))
    return result


def paragraph_bounds(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The paragraphs (runs of text between line breaks, blank ones left out) of ``text[lo:hi]``."""
    return [(lo + m.start(), lo + m.end()) for m in re.finditer(r"[^\n]+", text[lo:hi]) if m.group().strip()]


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line of ``text`` (from the line break before ``start`` to the one after ``end``)."""
    before = text.rfind("\n", 0, start) + 1
    after = text.find("\n", end)
    return before, len(text) if after < 0 else after


# -- the data of each page ---------------------------------------------------------------------------


async def rows(db: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def speaker_data(datasette: Any, db: Any, speaker_id: int) -> dict[str, Any] | None:
    found = await rows(db, "SELECT id, name, speaker_type, aliases, claim_count FROM speakers WHERE id = ?",
                       [speaker_id])
    if not found:
        return None
    speaker = found[0]
    try:
        aliases = [a for a in json.loads(speaker["aliases"] or "[]") if isinstance(a, str) and a != speaker["name"]]
    except (ValueError, TypeError):
        aliases = []
    (totals,) = await rows(db, """
        SELECT count(*) AS claims, count(DISTINCT c.article_id) AS articles,
               min(a.published) AS first_seen, max(a.published) AS last_seen
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id WHERE c.speaker_id = ?""", [speaker_id])
    roles = await rows(db, """
        SELECT role, affiliation, first_seen, last_seen, claim_count FROM speaker_roles WHERE speaker_id = ?""",
                       [speaker_id])
    channels = await rows(db, """
        SELECT ch.id, ch.name, ch.kind, count(*) AS claims FROM claims AS c JOIN channels AS ch ON ch.id = c.channel_id
        WHERE c.speaker_id = ? GROUP BY ch.id ORDER BY claims DESC, ch.name""", [speaker_id])
    months = await rows(db, """
        SELECT CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]*' THEN substr(a.published, 1, 7) END AS month,
               count(*) AS claims
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id WHERE c.speaker_id = ?
        GROUP BY 1 ORDER BY 1 IS NULL, 1""", [speaker_id])
    for channel in channels:
        channel["url"] = page_url(datasette, db.name, "channel", channel["id"])
    most = max((m["claims"] for m in months), default=0)
    for month in months:
        month["bar"] = round(200 * month["claims"] / most) if most else 0
    claims = await rows(db, """
        SELECT c.id, a.published, coalesce(a.publisher, a.site_name) AS outlet, c.cue, c.hedged, c.claim_type,
               c.text AS claim, c.article_id, a.title AS article_title
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id WHERE c.speaker_id = ?
        ORDER BY a.published IS NULL, a.published, c.article_id, c.sentence_index, c.content_start, c.id
        LIMIT ?""", [speaker_id, LIST_LIMIT])
    for claim in claims:
        claim["url"] = page_url(datasette, db.name, "claim", claim["id"])
        claim["article_url"] = page_url(datasette, db.name, "article", claim["article_id"])
    csv = f"{datasette.urls.table(db.name, 'claims_view', format='csv')}?speaker_id={speaker_id}&_stream=1&_size=max"
    return {
        "kind": "speaker",
        "id": speaker["id"],
        "name": speaker["name"],
        "speaker_type": speaker["speaker_type"],
        "speaker_type_words": in_words(speaker["speaker_type"], SPEAKER_TYPES),
        "aliases": aliases,
        "claim_count": totals["claims"],
        "article_count": totals["articles"],
        "first_seen": totals["first_seen"],
        "last_seen": totals["last_seen"],
        "roles": roles,
        "channels": channels,
        "months": months,
        "claims": claims,
        "shown": len(claims),
        "csv_url": csv,
        "json_url": page_url(datasette, db.name, "speaker", speaker_id, "json"),
        "table_url": f"{datasette.urls.table(db.name, 'claims_readable')}?speaker_id={speaker_id}",
    }


async def claim_data(datasette: Any, db: Any, claim_id: int) -> dict[str, Any] | None:
    found = await rows(db, """
        SELECT c.*, a.text AS article_text, a.title AS article_title, a.url AS article_url_raw,
               coalesce(a.publisher, a.site_name) AS outlet, a.published, s.start AS sentence_start,
               s."end" AS sentence_end, sp.name AS speaker, ch.name AS channel
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id JOIN sentences AS s ON s.id = c.sentence_id
        JOIN speakers AS sp ON sp.id = c.speaker_id LEFT JOIN channels AS ch ON ch.id = c.channel_id
        WHERE c.id = ?""", [claim_id])
    if not found:
        return None
    claim = found[0]
    text = claim.pop("article_text")
    marks = marks_of(claim)
    lo = min([claim["sentence_start"], *(m[0] for m in marks)])
    hi = max([claim["sentence_end"], *(m[1] for m in marks)])
    paragraph = paragraph_around(text, lo, hi)
    cluster = None
    membership = await rows(db, "SELECT cluster_id, position, similarity, cites_claim_id, cites_via "
                                "FROM cluster_claims WHERE claim_id = ?", [claim_id])
    if membership:
        member = membership[0]
        (info,) = await rows(db, "SELECT id, text, first_seen, last_seen, claim_count, article_count "
                                 "FROM quote_clusters WHERE id = ?", [member["cluster_id"]])
        appearances = await rows(db, """
            SELECT position, published, publisher, speaker, channel, claim, similarity, cites_claim_id, cites_via,
                   claim_id, article_id, speaker_id
            FROM cluster_appearances WHERE cluster_id = ? LIMIT ?""", [member["cluster_id"], LIST_LIMIT])
        for row in appearances:
            row["url"] = page_url(datasette, db.name, "claim", row["claim_id"])
            row["speaker_url"] = page_url(datasette, db.name, "speaker", row["speaker_id"])
            row["this"] = row["claim_id"] == claim_id
        cluster = {**info, **member, "appearances": appearances, "shown": len(appearances),
                   "url": page_url(datasette, db.name, "cluster", member["cluster_id"]),
                   "csv_url": f"{datasette.urls.table(db.name, 'cluster_appearances', format='csv')}"
                              f"?cluster_id={member['cluster_id']}&_stream=1&_size=max"}
    return {
        "kind": "claim",
        "id": claim["id"],
        "claim": claim["text"],
        "claim_type": claim["claim_type"],
        "claim_type_words": in_words(claim["claim_type"], CLAIM_TYPES),
        "cue": claim["cue"],
        "cue_class": claim["cue_class"],
        "source_text": claim["source_text"],
        "speaker": claim["speaker"],
        "speaker_id": claim["speaker_id"],
        "speaker_url": page_url(datasette, db.name, "speaker", claim["speaker_id"]),
        "speaker_type": claim["speaker_type"],
        "speaker_type_words": in_words(claim["speaker_type"], SPEAKER_TYPES),
        "role": claim["role"],
        "affiliation": claim["affiliation"],
        "channel": claim["channel"],
        "channel_kind": claim["channel_kind"],
        "channel_id": claim["channel_id"],
        "channel_url": channel_url(datasette, db.name, claim["channel_id"]),
        "location": claim["location"],
        "time": claim["time"],
        "hedged": bool(claim["hedged"]),
        "confidence": claim["confidence"],
        "extractor_version": claim["extractor_version"],
        "model_version": claim["model_version"],
        "content_start": claim["content_start"],
        "content_end": claim["content_end"],
        "cue_start": claim["cue_start"],
        "cue_end": claim["cue_end"],
        "source_start": claim["source_start"],
        "source_end": claim["source_end"],
        "content_spans": spans(claim, "content"),
        "cue_spans": spans(claim, "cue"),
        "source_spans": spans(claim, "source"),
        "sentence": text[lo:hi],
        "sentence_pieces": pieces(text, lo, hi, marks),
        "paragraph": text[paragraph[0]:paragraph[1]],
        "paragraph_pieces": pieces(text, *paragraph, marks) if paragraph != (lo, hi) else None,
        "article_id": claim["article_id"],
        "article_title": claim["article_title"],
        "article_page": page_url(datasette, db.name, "article", claim["article_id"]),
        "outlet": claim["outlet"],
        "published": claim["published"],
        "cluster": cluster,
        "csv_url": f"{datasette.urls.table(db.name, 'claims_view', format='csv')}?id={claim_id}&_stream=1",
        "json_url": page_url(datasette, db.name, "claim", claim_id, "json"),
    }


async def article_data(datasette: Any, db: Any, article_id: int) -> dict[str, Any] | None:
    found = await rows(db, """
        SELECT id, key, title, url, published, publisher, site_name, author, text, body_start, body_end
        FROM articles WHERE id = ?""", [article_id])
    if not found:
        return None
    article = found[0]
    text = article["text"]
    claims = await rows(db, """
        SELECT c.id, c.claim_type, c.text AS claim, c.cue, c.source_text, c.hedged, c.speaker_id, sp.name AS speaker,
               c.content_start, c.content_end, c.content_spans, c.cue_start, c.cue_end, c.cue_spans,
               c.source_start, c.source_end, c.source_spans
        FROM claims AS c JOIN speakers AS sp ON sp.id = c.speaker_id WHERE c.article_id = ?
        ORDER BY c.sentence_index, c.content_start, c.id""", [article_id])
    marks = []
    for claim in claims:
        claim["url"] = page_url(datasette, db.name, "claim", claim["id"])
        claim["speaker_url"] = page_url(datasette, db.name, "speaker", claim["speaker_id"])
        claim["attributed"] = bool(spans(claim, "cue") or spans(claim, "source"))
        if claim["attributed"]:  # a narrator claim has no attribution to mark
            marks += marks_of(claim, claim["id"])
    lo = min([article["body_start"], *(m[0] for m in marks)])
    hi = max([article["body_end"], *(m[1] for m in marks)])
    paragraphs = [pieces(text, start, end, marks) for start, end in paragraph_bounds(text, lo, hi)]
    claim_urls = {claim["id"]: claim["url"] for claim in claims}
    for paragraph in paragraphs:
        for piece in paragraph:
            piece.url = claim_urls.get(piece.claim_id)
    return {
        "kind": "article",
        "id": article["id"],
        "key": article["key"],
        "title": article["title"] or article["key"],
        "url": article["url"],
        "web_url": web_url(article["url"]),
        "published": article["published"],
        "publisher": article["publisher"] or article["site_name"],
        "author": article["author"],
        "text": text,
        "paragraphs": paragraphs,
        "claims": [{k: v for k, v in claim.items() if not k.endswith("_spans")} for claim in claims],
        "attributed_count": sum(claim["attributed"] for claim in claims),
        "speaker_count": len({claim["speaker_id"] for claim in claims if claim["attributed"]}),
        "csv_url": f"{datasette.urls.table(db.name, 'claims_view', format='csv')}?article_id={article_id}"
                   "&_stream=1&_size=max",
        "json_url": page_url(datasette, db.name, "article", article_id, "json"),
    }


async def channel_data(datasette: Any, db: Any, channel_id: int) -> dict[str, Any] | None:
    found = await rows(db, "SELECT id, name, kind FROM channels WHERE id = ?", [channel_id])
    if not found:
        return None
    channel = found[0]
    (totals,) = await rows(db, """
        SELECT count(*) AS claims, count(DISTINCT c.speaker_id) AS speakers, count(DISTINCT c.article_id) AS articles,
               min(a.published) AS first_seen, max(a.published) AS last_seen
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id WHERE c.channel_id = ?""", [channel_id])
    speakers = await rows(db, """
        SELECT sp.id, sp.name, sp.speaker_type, count(*) AS claims FROM claims AS c
        JOIN speakers AS sp ON sp.id = c.speaker_id WHERE c.channel_id = ?
        GROUP BY sp.id ORDER BY claims DESC, sp.name, sp.id""", [channel_id])
    for speaker in speakers:
        speaker["url"] = page_url(datasette, db.name, "speaker", speaker["id"])
        speaker["speaker_type_words"] = in_words(speaker["speaker_type"], SPEAKER_TYPES)
    claims = await rows(db, """
        SELECT c.id, a.published, coalesce(a.publisher, a.site_name) AS outlet, sp.name AS speaker, c.speaker_id,
               c.cue, c.hedged, c.claim_type, c.text AS claim, c.article_id, a.title AS article_title
        FROM claims AS c JOIN articles AS a ON a.id = c.article_id JOIN speakers AS sp ON sp.id = c.speaker_id
        WHERE c.channel_id = ?
        ORDER BY a.published IS NULL, a.published, c.article_id, c.sentence_index, c.content_start, c.id
        LIMIT ?""", [channel_id, LIST_LIMIT])
    for claim in claims:
        claim["url"] = page_url(datasette, db.name, "claim", claim["id"])
        claim["article_url"] = page_url(datasette, db.name, "article", claim["article_id"])
        claim["speaker_url"] = page_url(datasette, db.name, "speaker", claim["speaker_id"])
    csv = f"{datasette.urls.table(db.name, 'claims_view', format='csv')}?channel_id={channel_id}&_stream=1&_size=max"
    return {
        "kind": "channel",
        "id": channel["id"],
        "name": channel["name"],
        "channel_kind": channel["kind"],
        "channel_kind_words": in_words(channel["kind"], CHANNEL_KINDS) if channel["kind"] else None,
        "claim_count": totals["claims"],
        "speaker_count": totals["speakers"],
        "article_count": totals["articles"],
        "first_seen": totals["first_seen"],
        "last_seen": totals["last_seen"],
        "speakers": speakers,
        "claims": claims,
        "shown": len(claims),
        "csv_url": csv,
        "json_url": page_url(datasette, db.name, "channel", channel_id, "json"),
        "table_url": f"{datasette.urls.table(db.name, 'claims_view')}?channel_id={channel_id}",
    }


async def cluster_data(datasette: Any, db: Any, cluster_id: int) -> dict[str, Any] | None:
    found = await rows(db, """
        SELECT id, text, first_claim_id, first_article_id, first_seen, last_seen, claim_count, article_count
        FROM quote_clusters WHERE id = ?""", [cluster_id])
    if not found:
        return None
    cluster = found[0]
    appearances = await rows(db, """
        SELECT ca.position, ca.published, ca.publisher, ca.article_title, ca.speaker, ca.channel, ca.claim,
               ca.similarity, ca.cites_claim_id, ca.cites_via, ca.claim_id, ca.article_id, ca.speaker_id, c.channel_id
        FROM cluster_appearances AS ca JOIN claims AS c ON c.id = ca.claim_id
        WHERE ca.cluster_id = ? ORDER BY ca.position, ca.claim_id LIMIT ?""", [cluster_id, LIST_LIMIT])
    positions = {row["claim_id"]: row["position"] for row in appearances}
    for row in appearances:
        row["url"] = page_url(datasette, db.name, "claim", row["claim_id"])
        row["article_url"] = page_url(datasette, db.name, "article", row["article_id"])
        row["speaker_url"] = page_url(datasette, db.name, "speaker", row["speaker_id"])
        row["channel_url"] = channel_url(datasette, db.name, row["channel_id"])
        cited = row["cites_claim_id"]
        row["cites_url"] = page_url(datasette, db.name, "claim", cited) if type(cited) is int else None
        row["cites_position"] = positions.get(cited)
        row["cites_via_words"] = CITES_VIA.get(row["cites_via"], row["cites_via"]) if row["cites_via"] else None
    csv = (f"{datasette.urls.table(db.name, 'cluster_appearances', format='csv')}?cluster_id={cluster_id}"
           "&_stream=1&_size=max")
    return {
        "kind": "cluster",
        "id": cluster["id"],
        "text": cluster["text"],
        "first_claim_id": cluster["first_claim_id"],
        "first_article_id": cluster["first_article_id"],
        "first_seen": cluster["first_seen"],
        "last_seen": cluster["last_seen"],
        "claim_count": cluster["claim_count"],
        "article_count": cluster["article_count"],
        "appearances": appearances,
        "shown": len(appearances),
        "csv_url": csv,
        "json_url": page_url(datasette, db.name, "cluster", cluster_id, "json"),
    }


LOADERS = {"speaker": speaker_data, "claim": claim_data, "article": article_data, "channel": channel_data,
           "cluster": cluster_data}


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The page's data for ``.json``: pieces of marked text left out (the offsets say the same)."""
    out = {k: v for k, v in data.items() if not k.endswith("pieces") and k != "paragraphs"}
    return json.loads(json.dumps(out, default=lambda o: asdict(o) if isinstance(o, Piece) else str(o)))


# -- the view -----------------------------------------------------------------------------------------


async def not_found(datasette: Any, request: Any, page: str, database: str | None, fmt: str | None) -> Response:
    words = NOT_FOUND_WORDS.get(page, page)
    message = f"No such {words}"
    if fmt == "json":
        return Response.json({"ok": False, "error": message, "status": 404}, status=404)
    html = await datasette.render_template(NOT_FOUND_TEMPLATE, {"message": message, "page": words,
                                                                "database": database}, request=request)
    return Response.html(html, status=404)


async def reading_page(datasette: Any, request: Any) -> Response:
    page, raw_id, fmt = request.url_vars["page"], request.url_vars["id"], request.url_vars.get("format")
    try:
        db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))
    except KeyError:
        return await not_found(datasette, request, page, None, fmt)
    await datasette.ensure_permissions(request.actor, [("view-table", (db.name, "claims")),
                                                       ("view-database", db.name), "view-instance"])
    if not re.fullmatch(r"[0-9]{1,18}", raw_id) or not REQUIRED_TABLES <= set(await db.table_names()) | set(
            await db.view_names()):
        return await not_found(datasette, request, page, db.name, fmt)
    data = await LOADERS[page](datasette, db, int(raw_id))
    if data is None:
        return await not_found(datasette, request, page, db.name, fmt)
    if fmt == "json":
        return Response.json(as_json(data))
    context = {**data, "database": db.name, "list_limit": LIST_LIMIT}
    return Response.html(await datasette.render_template(TEMPLATES[page], context, request=request))
