"""Gold readers: a PolNeAR-format folder and the seed article's ``expected.json``.

Gold that is neither raises :class:`GoldError` saying what it must hold. Texts are read with
``open(p, encoding="utf-8", newline="")`` (no newline translation), exactly as the reference
scorers read them, so offsets agree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Fragment = tuple[int, int]  # [start, end) character offsets

_BRAT_ROLES = {"cue": "Cue", "source": "Source", "content": "Content"}

POLNEAR_GOLD_LAYOUT = (
    "a PolNeAR gold folder holds text/<stem>.txt and attributions/<stem>_<annotator>.ann "
    "(e.g. $CLAIMS_DATA/polnear/dev)"
)

SEED_GOLD_LAYOUT = (
    'a seed gold file is JSON {"file": "<text file next to it>", "attributions": [{"content": '
    '{"text": ..., "span": [start, end]}, "cue": {...} or null, "speaker": ..., "channel": ...}, ...]} '
    "(e.g. fixtures/seed/expected.json)"
)


class GoldError(ValueError):
    """Gold that is not in a format the scorers read; the message says what it must hold."""


@dataclass
class GoldAttribution:
    """One gold attribution: sorted fragment lists per span type (source may be empty)."""

    cue: list[Fragment]
    source: list[Fragment]
    content: list[Fragment]

    def spans(self, kind: str) -> list[Fragment]:
        """The fragments of one span type: "cue", "source" or "content"."""
        return list(getattr(self, kind))


@dataclass
class GoldDoc:
    """One PolNeAR text and the attributions of its first annotator file."""

    stem: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)
    annotation_file: str | None = None  # None: the text has no annotation file
    n_events_skipped: int = 0  # events with neither cue nor content
    n_annotation_files_ignored: int = 0  # other annotators' files for the same text


def read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def visible_names(directory: str | os.PathLike[str], suffix: str) -> list[str]:
    """Names in ``directory`` ending in ``suffix``, hidden ones left out (as ``glob`` does)."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.endswith(suffix) and not n.startswith("."))


def _annotation_files(ann_names: Sequence[str], stem: str) -> list[str]:
    """``<stem>_<annotator>.ann`` names for one text, sorted (the first is the one used)."""
    prefix = stem + "_"
    out = []
    for name in ann_names:
        if not name.startswith(prefix) or len(name) < len(prefix) + len(".ann"):
            continue
        annotator = name[len(prefix) : -len(".ann")]
        # an underscore would make it another text's file: "<stem>_<other>_<annotator>.ann"
        if annotator and "_" not in annotator:
            out.append(name)
    return sorted(out)


def _read_brat(path: str | os.PathLike[str]) -> tuple[list[GoldAttribution], int]:
    """Attributions from one BRAT ``.ann`` file, and how many events were skipped."""
    spans: dict[str, list[Fragment]] = {}
    events: list[dict[str, list[str]]] = []
    with open(path, encoding="utf-8", newline="") as f:
        for line_no, line in enumerate(f, 1):
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 2 or not parts[0]:
                continue  # continuation line of a span text that runs over several lines
            if parts[0][0] == "T":
                _, _, offsets = parts[1].partition(" ")
                try:
                    spans[parts[0]] = [(int(a), int(b)) for a, b in (fr.split() for fr in offsets.split(";"))]
                except ValueError:
                    raise ValueError(
                        f"{path}:{line_no}: cannot read the offsets {offsets!r}; "
                        "expected 'Type start end' or 'Type s1 e1;s2 e2'"
                    ) from None
            elif parts[0][0] == "E":
                roles: dict[str, list[str]] = {}
                # the first item is the trigger (Attribution or Attribution-no-source)
                for item in parts[1].split()[1:]:
                    role, _, ref = item.partition(":")
                    # Content2 (a second content span) counts as Content
                    roles.setdefault(role.rstrip("0123456789"), []).append(ref)
                events.append(roles)
    attributions, skipped = [], 0
    for roles in events:
        by_kind = {
            kind: sorted(fr for ref in roles.get(role, []) if ref in spans for fr in spans[ref])
            for kind, role in _BRAT_ROLES.items()
        }
        if not by_kind["cue"] and not by_kind["content"]:
            skipped += 1
            continue
        attributions.append(GoldAttribution(**by_kind))
    return attributions, skipped


def load_polnear_gold(gold_dir: str | os.PathLike[str]) -> dict[str, GoldDoc]:
    """Read ``text/<stem>.txt`` and the first ``attributions/<stem>_<annotator>.ann`` per text."""
    text_dir = Path(gold_dir, "text")
    ann_dir = Path(gold_dir, "attributions")
    stems = [name[: -len(".txt")] for name in visible_names(text_dir, ".txt")]
    if not stems:
        raise GoldError(f"no texts in {text_dir}: {POLNEAR_GOLD_LAYOUT}")
    if not ann_dir.is_dir():
        # Texts alone are not gold: every score would be measured against nothing.
        raise GoldError(f"no folder {ann_dir}: {POLNEAR_GOLD_LAYOUT}")
    ann_names = visible_names(ann_dir, ".ann")
    docs = {}
    for stem in stems:
        doc = GoldDoc(stem=stem, text=read_text(text_dir / f"{stem}.txt"))
        ann_files = _annotation_files(ann_names, stem)
        if ann_files:
            doc.annotation_file = str(ann_dir / ann_files[0])
            doc.attributions, doc.n_events_skipped = _read_brat(doc.annotation_file)
            doc.n_annotation_files_ignored = len(ann_files) - 1
        docs[stem] = doc
    return docs


def load_seed_gold(expected_json_path: str | os.PathLike[str]) -> tuple[dict[str, Any], Path]:
    """The seed gold and the path of the text it annotates (``file``, relative to the gold).

    Raises GoldError, naming what is wrong and what a seed gold file holds, for anything else:
    a file that is not UTF-8 JSON, JSON of another shape, or a ``file`` that is not there.
    """
    path = Path(expected_json_path)
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{path} is not JSON ({error}): {SEED_GOLD_LAYOUT}") from None
    if not isinstance(expected, dict) or not isinstance(expected.get("file"), str):
        raise GoldError(f'{path} has no "file" naming the annotated text: {SEED_GOLD_LAYOUT}')
    attributions = expected.get("attributions")
    if not isinstance(attributions, list) or not all(
        isinstance(a, dict)
        and isinstance(a.get("content"), dict)
        and isinstance(a["content"].get("span"), list)
        and len(a["content"]["span"]) == 2
        and "speaker" in a
        and "channel" in a
        and (a.get("cue") is None or isinstance(a["cue"], dict) and isinstance(a["cue"].get("span"), list))
        for a in attributions
    ):
        raise GoldError(f'{path} has no list of "attributions" in the seed format: {SEED_GOLD_LAYOUT}')
    text_path = path.parent / expected["file"]
    if not text_path.is_file():
        raise GoldError(f'{path} names the text "{expected["file"]}", but {text_path} is not a file; '
                        "keep the gold next to the text it annotates")
    return expected, text_path
