"""Date strings as scraped pages and records write them -> ISO ``YYYY-MM-DD``.

A handful of explicit shapes rather than a fuzzy parser: page-layout detection asks "is this
whole line a date?", and a fuzzy parser says yes to words like "today" or "0".
"""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# "July 1, 2025 at 3:45 pm", "1 July 2025, 09:30 GMT": a trailing clock time is allowed and ignored.
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{2,5})?)?"

_MONTH_DAY_YEAR = re.compile(
    rf"{_WEEKDAY}(?P<month>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}}){_TIME}",
    re.IGNORECASE,
)
_DAY_MONTH_YEAR = re.compile(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{{4}}){_TIME}",
    re.IGNORECASE,
)
_YEAR_MONTH_DAY = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME, re.IGNORECASE)


def parse_date(value: str) -> str | None:
    """Return ``value`` as ``YYYY-MM-DD`` when the whole string is a date, else None.

    Accepts "July 1, 2025", "Tuesday, July 1st, 2025", "1 July 2025", "2025-07-01", "2025/07/01",
    ISO timestamps ("2025-07-01T10:00:00Z"), each optionally followed by a clock time.
    """
    value = value.strip()
    if not value or len(value) > 60:
        return None
    try:
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _YEAR_MONTH_DAY):
        match = pattern.fullmatch(value)
        if not match:
            continue
        month_text = match["month"].lower()
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
        if month is None:
            continue
        try:
            return _dt.date(int(match["year"]), month, int(match["day"])).isoformat()
        except ValueError:
            continue
    return None
