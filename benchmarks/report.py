"""Helpers the benchmark scripts share: the default articles, peak memory, rates, number formatting, a text table."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository root
# The project's shared data, where a development checkout has it; a clone has not (CLAIMS_DATA).
SHARED_DATA = ROOT.parent / "shared" / "data"


def polnear_dev_texts() -> Path | None:
    """The PolNeAR dev texts: polnear/dev/text of $CLAIMS_DATA, else of ../shared/data; None when neither has them."""
    from claims.training.data import DataDirError, data_dir

    try:
        return data_dir(None, ("polnear/dev/text",), fallback=SHARED_DATA, option=None) / "polnear" / "dev" / "text"
    except DataDirError:
        return None


def polnear_sources_dir(data: Path | None) -> Path | None:
    """The PolNeAR folder with train, dev and metadata.tsv (``--data``, $CLAIMS_DATA, else
    ../shared/data); None after printing why when there is none."""
    from claims.training.data import DataDirError, data_dir

    try:
        return data_dir(data, ("polnear/train", "polnear/dev", "polnear/metadata.tsv"), fallback=SHARED_DATA) / "polnear"
    except DataDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def resolve_input(path: Path) -> Path:
    if path.exists() or path.is_absolute():
        return path
    return ROOT / path  # the defaults are relative to the repository root


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (getrusage: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def per_second(count: float, seconds: float) -> float | None:
    return round(count / seconds, 2) if seconds > 0 else None


def fmt(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
