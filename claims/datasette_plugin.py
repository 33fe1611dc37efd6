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

In the canned queries' results (and SQL on a claims database) the columns named in
:data:`QUERY_COLUMNS` link the same way: claim, speaker, channel, article and cluster ids and names.

A small stylesheet (:data:`CSS`, served at ``/-/claims.css`` and added to every page) keeps a claim
column wide enough to read and the column descriptions above a table short.

Fast on a million claims (issue 15, part 5): the claim views' pages, unfiltered, filtered by exact
values or searched, are counted on the claims table or in claims_fts (:func:`_count_plan`), and a
view's searched page lists by claim id unless sorted (:data:`SEARCH_SORT`); the canned queries that
list claims show 100 a page with a link to the next (:data:`PAGED_QUERIES`, :func:`paged_query`)
and a link to a streamed CSV of every row (:func:`download_all_args`).

Every name shown comes from an article, so it is escaped; a link is built only from a whole-number
id and the database's encoded path, never from article text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import datasette as datasette_package
from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from claims import publish, reading

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
                            "cluster_id": ("cluster_id", "cluster"), "channel": ("channel_id", "channel"),
                            "channel_id": ("channel_id", "channel"), "article_title": ("article_id", "article")},
    "quote_clusters": {"text": ("id", "cluster")},  # (the id column is Datasette's own row link)
    "channels": {"name": ("id", "channel")},
    "claims_readable": {"speaker": ("speaker_id", "speaker"), "claim_id": ("claim_id", "claim"),
                        "speaker_id": ("speaker_id", "speaker"), "article_id": ("article_id", "article")},
    "speakers": {"name": ("id", "speaker")},
    "speaker_roles": {"speaker": ("speaker_id", "speaker"), "speaker_id": ("speaker_id", "speaker")},
    "speaker_role_summary": {"speaker": ("speaker_id", "speaker"), "speaker_id": ("speaker_id", "speaker")},
}

# The rows of a canned query or of SQL (Datasette gives render_cell no table, nor the query's name):
# a column of these names links to the reading page of the id in the row's column named beside it,
# when the row has that column and it holds a whole number. The canned queries of
# datasette-metadata.json name their columns so (a test checks that each id column links).
QUERY_COLUMNS = {
    "claim_id": ("claim_id", "claim"), "cites_claim_id": ("cites_claim_id", "claim"),
    "speaker": ("speaker_id", "speaker"), "speaker_id": ("speaker_id", "speaker"), "name": ("speaker_id", "speaker"),
    "channel": ("channel_id", "channel"), "channel_id": ("channel_id", "channel"),
    "article_id": ("article_id", "article"), "article_title": ("article_id", "article"),
    "cluster_id": ("cluster_id", "cluster"), "quote_cluster": ("quote_cluster", "cluster"), "text": ("cluster_id", "cluster"),
    "first_speaker": ("first_speaker_id", "speaker"), "first_speaker_id": ("first_speaker_id", "speaker"),
    "first_channel": ("first_channel_id", "channel"), "first_channel_id": ("first_channel_id", "channel"),
    "first_article": ("first_article_id", "article"), "first_article_id": ("first_article_id", "article"),
}
_NOT_CLAIMS_DATABASES = frozenset({"_memory", "_internal"})  # SQL there may read other files: ids are not theirs

CSS_PATH = "/-/claims.css"

# Views with exactly one row per claim (their joins follow NOT NULL foreign keys): unfiltered, their
# count is the claims table's. Datasette counts a view by running it (four joins per claim: 0.6-1.1 s
# on a million claims, most of the page's time), so their unfiltered HTML pages skip that count
# (_nocount=1, added by asgi_wrapper) and show the claims table's count instead (extra_template_vars).
COUNTED_VIEWS = frozenset({"claims_view", "claims_readable"})
# Their filtered pages (and the claims table's searched page) are counted on the claims table
# (EXACT_FILTERS): ?_search=president 4 ms for 38,776 claims on a million, where Datasette counts
# the view's four joins for each (0.6-1.3 s); ?speaker=<the busiest> from the index alone.
# The canned queries that show claims.publish.PAGE_SIZE rows a page, chosen by their page parameter
# (their SQL pages through the claims' ids before joining, or claims.publish adds the page clause).
PAGED_QUERIES = frozenset({"claims_by_speaker", "claims_by_channel", "anonymous_and_vague_sources", "search_claims",
                           "speaker_history", "speaker", "channel"})
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


# A filter of one of the claim views (?column=value, exact) as a condition on the claims table, which
# selects the same claims (each view has one row per claim: its joins follow NOT NULL foreign keys).
EXACT_FILTERS = {
    "claims_view": {"speaker": "speaker_id IN (SELECT id FROM speakers WHERE name = ?)", "speaker_id": "speaker_id = ?",
                    "channel": "channel_id IN (SELECT id FROM channels WHERE name = ?)", "channel_id": "channel_id = ?",
                    "article_id": "article_id = ?", "id": "id = ?", "speaker_type": "speaker_type = ?",
                    "claim_type": "claim_type = ?"},
    "claims_readable": {"speaker": "speaker_id IN (SELECT id FROM speakers WHERE name = ?)",
                        "speaker_id": "speaker_id = ?", "article_id": "article_id = ?", "claim_id": "id = ?",
                        "channel": "channel_id IN (SELECT id FROM channels WHERE name = ?)"},
    "claims": {},  # Datasette counts the table's own filters quickly; only its search is counted here
}


def _count_plan(scope: dict) -> tuple | None:
    """How the HTML page an ASGI request asks for is counted faster than Datasette would, if it is:
    ``("table",)`` for one of :data:`COUNTED_VIEWS` with no filter; ``("claims", sql, params)`` for
    one of :data:`EXACT_FILTERS` whose filters are all its exact filters, once each, and
    ``_search`` (with ``_searchmode``), counted on the claims table and in claims_fts; else None."""
    if scope.get("type") != "http" or scope.get("method", "GET") not in ("GET", "HEAD"):
        return None
    parts = scope.get("path", "").rstrip("/").split("/")
    if len(parts) < 3:  # /<db>/<table>, no .json or .csv
        return None
    name = unquote(parts[-1])
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    filters = [(key, value) for key, value in args
               if (not key.startswith("_") or key.startswith(_FILTER_ARGS)) and key != "_searchmode"]
    if not filters:
        return ("table",) if name in COUNTED_VIEWS else None
    exact = EXACT_FILTERS.get(name)
    keys = [key for key, _ in filters]
    if exact is None or len(set(keys)) != len(keys) or any(key in ("_fts_table", "_fts_pk") for key, _ in args):
        return None
    conditions, params = [], []
    for key, value in filters:
        if key == "_search":
            if not value.strip():
                return None
            raw = dict(args).get("_searchmode") == "raw"
            conditions.append(f"id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH {'?' if raw else 'escape_fts(?)'})")
        elif key in exact:
            conditions.append(exact[key])
        else:
            return None
        params.append(value)
    if keys == ["_search"]:  # counted in the FTS index alone: 15 ms for "the" (552,034 claims), 0.25 s on claims
        return ("claims", f"SELECT count(*) FROM claims_fts WHERE {conditions[0].split(' WHERE ', 1)[1][:-1]}", params)
    return ("claims", f"SELECT count(*) FROM claims WHERE {' AND '.join(conditions)}", params)


# A claim view's searched page lists its matches by claim id (the order stored: article by article,
# each in reading order) unless the user sorts it: in the view's own order SQLite sorts every match
# first, 0.6 s for "the" (552,034 claims of a million) and 0.19 s for "president" (38,776), where by
# id it reads the first page of matches and stops (57 and 5 ms).
SEARCH_SORT = {"claims_view": "id", "claims_readable": "claim_id"}


def _search_sort(scope: dict) -> str | None:
    """The column to sort a claim view's searched HTML page by, when the user chose no order."""
    if scope.get("method", "GET") not in ("GET", "HEAD"):
        return None
    name = unquote(scope.get("path", "").rstrip("/").split("/")[-1])  # /<db>/<view>: the HTML page only
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if name not in SEARCH_SORT or not any(key == "_search" and value.strip() for key, value in args):
        return None
    if any(key in ("_sort", "_sort_desc") for key, _ in args):
        return None
    return SEARCH_SORT[name]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def count_claims_faster(scope: dict, receive: Any, send: Any) -> None:
            plan = _count_plan(scope)
            sort = _search_sort(scope) if scope.get("type") == "http" else None
            query = scope.get("query_string", b"")
            if plan is not None and b"_nocount=" not in query:
                query = query + b"&_nocount=1" if query else b"_nocount=1"
                scope = {**scope, "query_string": query, "claims_count": plan}
            if sort:
                scope = {**scope, "query_string": scope.get("query_string", b"") + b"&_sort=" + sort.encode()}
            await app(scope, receive, send)

        return count_claims_faster

    return wrap


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, request: Any,
                        datasette: Any) -> Any:
    if request is None or database is None:
        return {}
    if template == "query.html":
        return _query_page_vars(request, database, datasette)
    plan = request.scope.get("claims_count")
    if template != "table.html" or plan is None:
        return {}

    async def count() -> dict[str, Any]:
        db = datasette.get_database(database)
        try:
            if plan[0] == "table":
                result = await db.execute("SELECT count(*) FROM claims")
            else:  # the claims the filters select: each is one row of the claims table and of its views
                result = await db.execute(plan[1], plan[2])
        except Exception:  # a search the FTS rejects, or one that ran out of time: the page says so itself
            return {}
        return {"filtered_table_rows_count": result.first()[0]}

    return count


def speaker_words(text: str) -> str:
    """The FTS query of the claims_by_speaker and speaker_history canned queries for ``text``: one
    phrase whose last word may be the start of a word (``"Sinem Kos"*``); the queries build it in SQL."""
    return '"' + text.replace('"', '""') + '"*'


def download_all_args(query: str, values: dict[str, str],
                      channel_ids: list[int] | None = None) -> tuple[str, list[tuple[str, str]]] | None:
    """The table and arguments of the streamed CSV that holds every row of canned query ``query``
    (whose pages show 100) for its parameters ``values``, or None when it has none.

    One speaker's, channel's or article's claims stream from ``claims_view`` (every column, in
    reading order). The queries over many claims stream from the ``claims`` table with ``_labels=on``
    (names beside the ids), which Datasette pages through by id: a view is paged by OFFSET, each
    page re-running the query, which on a million claims takes minutes for 100,000 claims and runs
    out of time per page. Each selects the same claims as the query's SQL: by id; by the speakers_fts
    phrase the query builds (``_search`` on ``speakers_fts`` by ``speaker_id``, raw); by the ids of
    the channels whose name contains the text (``channel_ids``, looked up as the query does); by
    speaker type; or by the claims' own search (``fts_phrases``, raw). A test checks each against
    its query on a real database.
    """
    value = {name: values.get(name) or "" for name in ("speaker_id", "channel_id", "article_id", "speaker",
                                                        "channel", "q")}
    if query in ("speaker", "channel", "article_claims"):
        column = "article_id" if query == "article_claims" else f"{query}_id"
        return ("claims_view", [(column, value[column])]) if value[column].isdigit() else None
    labels = [("_labels", "on")]
    if query == "claims_by_speaker":
        return ("claims", [("_search", speaker_words(value["speaker"])), ("_searchmode", "raw"),
                           ("_fts_table", "speakers_fts"), ("_fts_pk", "speaker_id"), *labels])
    if query == "claims_by_channel":
        if not channel_ids:
            return None
        return ("claims", [("channel_id__in", ",".join(str(i) for i in channel_ids)), *labels])
    if query == "anonymous_and_vague_sources":
        return ("claims", [("speaker_type__in", "anonymous_person,unnamed_reports,unknown"), *labels])
    if query == "search_claims":
        if not value["q"].strip():
            return None
        return ("claims", [("_search", fts_phrases(value["q"])), ("_searchmode", "raw"), *labels])
    return None


def _query_page_vars(request: Any, database: str, datasette: Any) -> Any:
    """The canned query page's links: every row as CSV (:func:`download_all_args`), and the next page."""
    query = unquote(request.url_vars.get("table") or "")
    if not query:
        return {}
    values = {key: request.args.get(key) for key in request.args}

    async def links() -> dict[str, Any]:
        found: dict[str, Any] = {}
        channel_ids = None
        if query == "claims_by_channel":
            rows = await datasette.get_database(database).execute(
                "SELECT id FROM channels WHERE name LIKE '%' || ? || '%' ORDER BY id", [values.get("channel") or ""])
            channel_ids = [row[0] for row in rows]
        download = download_all_args(query, values, channel_ids)
        if download is not None:
            table, args = download
            url = datasette.urls.table(database, table, format="csv")
            found["claims_download_all"] = f"{url}?{urlencode([*args, ('_stream', '1'), ('_size', 'max')])}"
        if query in PAGED_QUERIES:
            page = values.get("page") or "1"
            page = int(page) if page.isdigit() and int(page) > 0 else 1
            found["claims_next_page"] = (page + 1, f"{request.path}?{urlencode({**values, 'page': str(page + 1)})}")
            found["claims_page_size"] = publish.PAGE_SIZE
        return found

    return links


def paged_query(query: Any) -> Any:
    """A canned query marked ``"paged"`` as served: :data:`claims.publish.PAGE_CLAUSE` added to the
    end of its SQL and ``page`` to its parameters (the file keeps the SQL that runs with the query's
    own parameters alone). Any other query as it is."""
    if not isinstance(query, dict) or not query.get("paged") or ":page" in query.get("sql", ""):
        return query
    return {**query, "sql": f"{query['sql'].rstrip()}\n{publish.PAGE_CLAUSE}",
            "params": [*query.get("params", []), "page"]}


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> dict[str, Any]:
    queries = datasette.metadata("queries", database=database, fallback=False) or {}
    return {name: paged_query(query) for name, query in queries.items() if paged_query(query) is not query}


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
    columns = PAGE_COLUMNS.get(table, {}) if table else ({} if database in _NOT_CLAIMS_DATABASES else QUERY_COLUMNS)
    if column not in columns or value is None:
        return None
    id_column, page = columns[column]
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
