"""Where the tests find their data: the one place that decides it.

In the repository, always: the seed article and its gold, ``fixtures/seed/`` (``SEED_TEXT``,
``SEED_GOLD``). Not in the repository (a clone has none of it): PolNeAR, the UD treebanks and the
reference scorers ``score_attr.py`` and ``score_seed.py``. They are looked for in this order:

1. ``CLAIMS_DATA``, when set: a data folder laid out as ``polnear/dev/text``,
   ``polnear/dev/attributions``, ``polnear/train``, ``polnear/corenlp-ner``, ``ud/en_ewt``,
   ``ud/en_gum``. When it is set but names no folder, there is no data at all: the tests do NOT
   fall back to ``../shared``. So ``CLAIMS_DATA=/nonexistent python -m pytest`` shows what a clone
   sees (every test that needs the data skips, saying why) even in a checkout that has ``../shared``.
2. Else ``../shared/data`` beside the repository, where developers and CI have the project's
   shared data (so CI runs the accuracy gate on PolNeAR dev).

The reference scorers: ``CLAIMS_TOOLS`` when set (same rule: set but missing means none), else the
``tools/`` folder beside the data folder (``../shared/tools``).

Tests that need what is absent skip with a reason that names what is missing and how to provide
it (``needs_data``, ``needs_tools``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "fixtures" / "seed" / "syria-russia-airstrikes.txt"
SEED_GOLD = REPO / "fixtures" / "seed" / "expected.json"

POLNEAR_SOURCE = "PolNeAR, https://github.com/networkdynamics/PolNeAR"


SHARED_DATA = REPO.parent / "shared" / "data"


def _folder(variable: str, default: Path | None) -> tuple[Path | None, str]:
    """(the folder or None, where it was looked for): the variable when set, else the default."""
    if os.environ.get(variable):
        folder = Path(os.environ[variable])
        return (folder if folder.is_dir() else None), f"looked in {variable}={folder}"
    if default is None:
        return None, f"{variable} not set, and no data folder to look beside"
    return (default if default.is_dir() else None), f"looked in {default}, {variable} not set"


DATA, DATA_LOOKED_IN = _folder("CLAIMS_DATA", SHARED_DATA)
# The scorers sit beside the data folder in the shared data; with CLAIMS_DATA set but missing
# there is no such folder, so nothing from ../shared leaks into a "no data" run.
TOOLS, TOOLS_LOOKED_IN = _folder("CLAIMS_TOOLS", DATA.parent / "tools" if DATA is not None else None)


def data_path(relative: str) -> Path | None:
    """``relative`` inside the data folder, or None when there is no data folder or no such path."""
    if DATA is None or not (DATA / relative).exists():
        return None
    return DATA / relative


def tool_path(name: str) -> Path | None:
    """A reference scorer, or None when it is not there."""
    if TOOLS is None or not (TOOLS / name).is_file():
        return None
    return TOOLS / name


POLNEAR_DEV = data_path("polnear/dev")
SCORE_ATTR = tool_path("score_attr.py")
SCORE_SEED = tool_path("score_seed.py")


def missing_data(*relatives: str) -> list[str]:
    return [relative for relative in relatives if data_path(relative) is None]


def needs_data(*relatives: str) -> pytest.MarkDecorator:
    """Skip unless every ``relative`` path is in the data folder; the reason says how to provide it."""
    missing = missing_data(*relatives)
    return pytest.mark.skipif(
        bool(missing),
        reason=f"needs {', '.join(missing)} of the data (not in the repository; {DATA_LOOKED_IN}): "
        f"set CLAIMS_DATA to a folder holding {', '.join(relatives)} ({POLNEAR_SOURCE}, laid out as text/ "
        "and attributions/ per split)",
    )


def needs_tools(*names: str) -> pytest.MarkDecorator:
    """Skip unless the reference scorers are there; the reason says how to provide them."""
    missing = [name for name in names if tool_path(name) is None]
    return pytest.mark.skipif(
        bool(missing),
        reason=f"needs the reference scorer(s) {', '.join(missing)} ({TOOLS_LOOKED_IN}): set "
        "CLAIMS_TOOLS to the folder holding them (the tools/ folder of the project's shared data)",
    )
