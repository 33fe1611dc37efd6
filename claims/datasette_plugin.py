"""Datasette plugin (registered by the package's ``datasette`` entry point): links between pages.

Wherever a claims row shows a speaker or a channel by name next to its id (``claims_view``,
``cluster_appearances``), the name links to that speaker's or channel's page: the ``speaker`` and
``channel`` canned queries of datasette-metadata.json, which list every claim with its date,
role, channel and article, offer the CSV, and link on to the claims-over-time dashboard.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

# table or view -> {column showing a name: (column holding the id, canned query, its parameter)}
LINKED_COLUMNS = {
    "claims_view": {"speaker": ("speaker_id", "speaker", "speaker_id"),
                    "channel": ("channel_id", "channel", "channel_id")},
    "cluster_appearances": {"speaker": ("speaker_id", "speaker", "speaker_id")},
}


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    links = LINKED_COLUMNS.get(table or "", {})
    if column not in links or value is None:
        return None
    id_column, query, parameter = links[column]
    try:
        target_id = row[id_column]
    except (KeyError, IndexError):
        return None  # the id column was left out of this page (?_col=...)
    if target_id is None:
        return None
    href = datasette.urls.path(f"/{database}/{query}?{parameter}={int(target_id)}")
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
