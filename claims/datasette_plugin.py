"""Datasette plugin (registered by the package's ``datasette`` entry point): links between pages,
and the search function of the "Search claims" canned query.

Wherever a claims row shows a speaker or a channel by name next to its id (``claims_view``,
``cluster_appearances``), the name links to that speaker's or channel's page: the ``speaker`` and
``channel`` canned queries of datasette-metadata.json, which list every claim with its date,
role, channel and article, offer the CSV, and link on to the claims-over-time dashboard.

The reading pages (``claims.reading``: ``/<db>/-/speaker/<id>``, ``/<db>/-/claim/<id>``,
``/<db>/-/article/<id>``, ``/<db>/-/channel/<id>``, ``/<db>/-/cluster/<id>``) are registered here,
with their templates (``claims/templates``); in ``claims_view`` and ``cluster_appearances`` the
claim, speaker, article, channel and cluster ids link to them, and so do a ``speakers`` or
``channels`` row's name and a ``quote_clusters`` row's text; in ``claims_readable`` (the claims as a
person reads them) the speaker's name and the claim, speaker and article ids do.

A small stylesheet (:data:`CSS`, served at ``/-/claims.css`` and added to every page) keeps a claim
column wide enough to read and the column descriptions above a table short.

Every name shown comes from an article, so it is escaped; a link is built only from a whole-number
id and the database's encoded path, never from article text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import datasette as datasette_package
from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from claims import reading

# table or view -> {column showing a name: (column holding the id, canned query, its parameter)}
LINKED_COLUMNS = {
    "claims_view": {"speaker": ("speaker_id", "speaker", "speaker_id"),
                    "channel": ("channel_id", "channel", "channel_id")},
    "cluster_appearances": {"speaker": ("speaker_id", "speaker", "speaker_id")},
}

# table or view -> {column: (column holding the id, reading page)}; the id column may be the cell's own
PAGE_COLUMNS = {
    "claims_view": {"id": ("id", "claim"), "speaker_id": ("speaker_id", "speaker"),
                    "article_id": ("article_id", "article"), "channel_id": ("channel_id", "channel")},
    "cluster_appearances": {"claim_id": ("claim_id", "claim"), "cites_claim_id": ("cites_claim_id", "claim"),
                            "speaker_id": ("speaker_id", "speaker"), "article_id": ("article_id", "article"),
                            "cluster_id": ("cluster_id", "cluster")},
    "quote_clusters": {"text": ("id", "cluster")},  # (the id column is Datasette's own row link)
    "channels": {"name": ("id", "channel")},
    "claims_readable": {"speaker": ("speaker_id", "speaker"), "claim_id": ("claim_id", "claim"),
                        "speaker_id": ("speaker_id", "speaker"), "article_id": ("article_id", "article")},
    "speakers": {"name": ("id", "speaker")},
}

CSS_PATH = "/-/claims.css"

# Views with exactly one row per claim (their joins follow NOT NULL foreign keys): unfiltered, their
# count is the claims table's. Datasette counts a view by running it (four joins per claim: 0.6-1.1 s
# on a million claims, most of the page's time), so their unfiltered HTML pages skip that count
# (_nocount=1, added by asgi_wrapper) and show the claims table's count instead (extra_template_vars).
COUNTED_VIEWS = frozenset({"claims_view", "claims_readable"})
_FILTER_ARGS = ("_search", "_where", "_filter")  # the underscore arguments that filter rows

# Datasette gives each cell of a table the class col-<column>.
CSS = """\
/* claims: a claim's text wide enough to read, on every page with a claim column */
.rows-and-columns td.col-claim, .rows-and-columns th.col-claim,
.rows-and-columns td.col-snippet, .rows-and-columns th.col-snippet { min-width: 26em; max-width: 40em; }
/* the column descriptions as a compact list, two to a line on a wide screen, not a page above the search box */
dl.column-descriptions { display: grid; grid-template-columns: max-content minmax(0, 1fr);
                         column-gap: 0.75em; row-gap: 0.15em; font-size: 0.85em; margin-bottom: 1em; }
@media (min-width: 60em) {
    dl.column-descriptions { grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr); }
}
dl.column-descriptions dd { padding-left: 0; margin: 0; white-space: normal; line-height: 1.3em; }
"""


def _unfiltered_view_page(scope: dict) -> bool:
    """Whether an ASGI request is the HTML page of one of :data:`COUNTED_VIEWS`, with no filter."""
    if scope.get("type") != "http" or scope.get("method", "GET") not in ("GET", "HEAD"):
        return False
    parts = scope.get("path", "").rstrip("/").split("/")
    if len(parts) < 3 or unquote(parts[-1]) not in COUNTED_VIEWS:  # /<db>/<view>, no .json or .csv
        return False
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return all(key.startswith("_") and not key.startswith(_FILTER_ARGS) for key, _ in args)


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def count_views_by_their_table(scope: dict, receive: Any, send: Any) -> None:
            if _unfiltered_view_page(scope):
                query = scope.get("query_string", b"")
                if b"_nocount=" not in query:
                    query = query + b"&_nocount=1" if query else b"_nocount=1"
                scope = {**scope, "query_string": query, "claims_count_from_table": True}
            await app(scope, receive, send)

        return count_views_by_their_table

    return wrap


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, request: Any,
                        datasette: Any) -> Any:
    if template != "table.html" or table not in COUNTED_VIEWS or request is None or database is None:
        return {}
    if not request.scope.get("claims_count_from_table"):
        return {}

    async def count() -> dict[str, Any]:
        result = await datasette.get_database(database).execute("SELECT count(*) FROM claims")
        return {"filtered_table_rows_count": result.first()[0]}

    return count


@hookimpl
def register_routes(datasette: Any) -> list:
    return [(reading.ROUTE, reading.reading_page), (f"^{re.escape(CSS_PATH)}$", stylesheet)]


async def stylesheet() -> Response:
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(CSS_PATH)]


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # The reading pages' templates, after the user's --template-dir and the plugins' (which may
    # override them by name) and before Datasette's own. Called on every startup: added once.
    # Datasette keeps all three in one FileSystemLoader, its own folder last: ours goes before it,
    # so that query.html (the canned queries' page, extending "default:query.html") is ours.
    loader = env.loader
    folder = reading.templates_dir()
    if isinstance(loader, ChoiceLoader):
        if any(isinstance(one, FileSystemLoader) and folder in one.searchpath for one in loader.loaders):
            return
        own = str(Path(datasette_package.__file__).parent / "templates")
        for one in loader.loaders:
            if isinstance(one, FileSystemLoader) and own in one.searchpath:
                one.searchpath.insert(one.searchpath.index(own), folder)
                return
        loader.loaders = [*loader.loaders, FileSystemLoader(folder)]
    else:
        env.loader = ChoiceLoader([loader, FileSystemLoader(folder)] if loader else [FileSystemLoader(folder)])


def _page_link(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    if column not in PAGE_COLUMNS.get(table or "", {}) or value is None:
        return None
    id_column, page = PAGE_COLUMNS[table or ""][column]
    try:
        target_id = row[id_column]
    except (KeyError, IndexError):
        return None
    if type(target_id) is not int:
        return None
    return Markup('<a href="{}">{}</a>').format(reading.page_url(datasette, database, page, target_id), value)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    links = LINKED_COLUMNS.get(table or "", {})
    if column not in links or value is None:
        return _page_link(row, value, column, table, database, datasette)
    id_column, query, parameter = links[column]
    try:
        target_id = row[id_column]
    except (KeyError, IndexError):
        return None  # the id column was left out of this page (?_col=...)
    # Only a stored row id makes a link; anything else (a custom query's text, a float) keeps
    # Datasette's own escaped rendering rather than failing the page.
    if type(target_id) is not int:
        return None
    href = f"{datasette.urls.query(database, query)}?{parameter}={target_id}"
    return Markup('<a href="{}">{}</a>').format(href, value)


# A double-quoted phrase, or a run of anything else up to the next space or quote.
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')


def fts_phrases(text: Any) -> str:
    """The user's search text as an SQLite FTS5 query that every row must match word by word.

    Each word, and each "double-quoted phrase", becomes one FTS phrase, so that the query
    language's operators and syntax (AND, OR, NOT, NEAR, *, ^, -, column:, parentheses, a stray
    quote) are searched for as plain words instead of failing the query. Empty text gives the
    empty phrase ``""``, which matches nothing (FTS5 rejects an empty query outright).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    phrases = []
    for match in _PHRASE_OR_WORD.finditer(text):
        words = match.group(1) if match.group(1) is not None else match.group(2)
        if words.strip():
            phrases.append('"' + words.replace('"', '""') + '"')
    return " ".join(phrases) or '""'


@hookimpl
def prepare_connection(conn: Any) -> None:
    # deterministic: the same text always gives the same query, so SQLite may reuse it in a plan
    conn.create_function("fts_phrases", 1, fts_phrases, deterministic=True)
