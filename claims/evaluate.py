r"""Evaluation against gold: PolNeAR attribution scores, the seed article, and the CI gate.

The PolNeAR scores agree exactly with the project's reference scorer ``score_attr.py`` and the
seed scores with ``score_seed.py`` (both kept with the project's shared data, beside the data folder
that ``CLAIMS_DATA`` names; ``tests/test_evaluate.py`` checks every number against both when they
are there). Standard library only, so evaluation runs without the NLP models.

Gold: a PolNeAR-format folder (``text/<stem>.txt`` and ``attributions/<stem>_<annotator>.ann``,
e.g. ``$CLAIMS_DATA/polnear/dev``) or a seed-style ``expected.json`` (e.g.
``fixtures/seed/expected.json``). Gold that is neither raises :class:`GoldError` saying what it
must hold.

Offsets are character offsets into a text read with ``open(p, encoding="utf-8", newline="")``:
no newline translation, exactly as the reference scorers read it.

Definitions (micro-averaged over the corpus; span types cue / source / content):

- exact: a predicted attribution's span set of a type matches a gold one's after normalisation
  (each fragment stripped of edge whitespace and Unicode punctuation, fragments separated only by
  non-word characters merged; sets compared). Source and content matches also need the predicted
  and gold cues to overlap, unless ``unanchored``. Counting follows Citron: a true positive per
  predicted attribution matched by any gold one, a false negative per gold attribution matched by
  no prediction. Attributions with no span of the type are left out of that type's counts.
- overlap: tokens are maximal ``\w+`` runs; P is the share of predicted tokens inside any gold
  span of the type, R the share of gold tokens covered by any predicted span of the type.
- attribution: one-to-one greedy matching, highest content token Dice first; a pair may match
  when Dice >= 0.5 and, when the gold has a source, the predicted source shares a token with it.
- speaker accuracy: over pairs matched on content alone whose gold has a source, the fraction
  whose predicted source shares a token with the gold source ("exact": equal normalised sources).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "GATE_TOLERANCE",
    "SPAN_TYPES",
    "GoldAttribution",
    "GoldDoc",
    "GoldError",
    "check_gate",
    "format_polnear_report",
    "format_seed_report",
    "gold_hash",
    "load_polnear_gold",
    "load_predictions",
    "load_seed_gold",
    "polnear_gate_scores",
    "score_polnear",
    "score_seed",
    "seed_gate_scores",
    "update_gate",
]

SPAN_TYPES = ("cue", "source", "content")
GATE_TOLERANCE = 0.0005  # a score this far below its pinned minimum still passes the gate

Fragment = tuple[int, int]  # [start, end) character offsets

_WORD = re.compile(r"\w+")
_BRAT_ROLES = {"cue": "Cue", "source": "Source", "content": "Content"}


# ------------------------------------------------------------------------------------ loading

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


def _read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _visible_names(directory: str | os.PathLike[str], suffix: str) -> list[str]:
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
    stems = [name[: -len(".txt")] for name in _visible_names(text_dir, ".txt")]
    if not stems:
        raise GoldError(f"no texts in {text_dir}: {POLNEAR_GOLD_LAYOUT}")
    if not ann_dir.is_dir():
        # Texts alone are not gold: every score would be measured against nothing.
        raise GoldError(f"no folder {ann_dir}: {POLNEAR_GOLD_LAYOUT}")
    ann_names = _visible_names(ann_dir, ".ann")
    docs = {}
    for stem in stems:
        doc = GoldDoc(stem=stem, text=_read_text(text_dir / f"{stem}.txt"))
        ann_files = _annotation_files(ann_names, stem)
        if ann_files:
            doc.annotation_file = str(ann_dir / ann_files[0])
            doc.attributions, doc.n_events_skipped = _read_brat(doc.annotation_file)
            doc.n_annotation_files_ignored = len(ann_files) - 1
        docs[stem] = doc
    return docs


def load_predictions(pred_dir: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """Read ``<stem>.json`` files, ``{"attributions": [...]}``; a text with no file is absent."""
    if not os.path.isdir(pred_dir):
        raise FileNotFoundError(f"prediction folder {pred_dir} does not exist; write one <stem>.json per text there")
    out = {}
    for name in _visible_names(pred_dir, ".json"):
        path = Path(pred_dir, name)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        attributions = data.get("attributions", []) if isinstance(data, dict) else None
        if not isinstance(attributions, list) or not all(isinstance(a, dict) for a in attributions):
            raise ValueError(
                f'{path}: expected {{"attributions": [{{"cue": [[s, e]], ...}}, ...]}}; fix or remove the file'
            )
        out[name[: -len(".json")]] = attributions
    return out


# ------------------------------------------------------------------------------------ spans


def _prediction_fragments(
    attribution: Mapping[str, Any], kind: str, n_chars: int, where: str, warnings: list[str]
) -> list[Fragment]:
    """The valid, sorted fragments of one span type of a prediction; bad ones are reported."""
    raw = attribution.get(kind) or []
    if len(raw) == 2 and all(isinstance(x, int) for x in raw):
        raw = [raw]  # a bare [start, end]
    frags = []
    for fr in raw:
        start, end = int(fr[0]), int(fr[1])
        if not 0 <= start < end <= n_chars:
            warnings.append(f"{where}: {kind} span {fr!r} is empty or outside the text (0..{n_chars}); dropped")
            continue
        frags.append((start, end))
    return sorted(frags)


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def _normalise(text: str, frags: Iterable[Fragment]) -> frozenset[Fragment]:
    """The fragment set the exact metric compares: trimmed, with near-adjacent fragments merged."""
    trimmed = []
    for start, end in frags:
        a, b = start, end
        while a < b and _is_edge(text[a]):
            a += 1
        while b > a and _is_edge(text[b - 1]):
            b -= 1
        if a == b:  # punctuation only: keep it, stripped of whitespace
            a, b = start, end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a == b:
                continue
        trimmed.append((a, b))
    merged: list[Fragment] = []
    for start, end in sorted(trimmed):
        if merged and (start <= merged[-1][1] or not _WORD.search(text[merged[-1][1] : start])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return frozenset(merged)


class _Tokens:
    r"""The ``\w+`` tokens of a text, looked up by character span."""

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in self.spans]

    def overlapping(self, frags: Iterable[Fragment]) -> frozenset[int]:
        """Indices of the tokens that overlap any fragment."""
        out = set()
        for start, end in frags:
            i = bisect.bisect_right(self.starts, start) - 1
            if i < 0 or self.spans[i][1] <= start:
                i += 1
            while i < len(self.spans) and self.spans[i][0] < end:
                out.add(i)
                i += 1
        return frozenset(out)


def _chars_overlap(a: Iterable[Fragment], b: Sequence[Fragment]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _dice(f1: Sequence[Fragment], f2: Sequence[Fragment], t1: frozenset[int], t2: frozenset[int]) -> float:
    """Token Dice of two contents; characters stand in when neither has a word token."""
    if t1 and t2:
        return 2.0 * len(t1 & t2) / (len(t1) + len(t2))
    if not t1 and not t2 and f1 and f2:
        inter = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in f1 for s2, e2 in f2)
        return 2.0 * inter / (sum(e - s for s, e in f1) + sum(e - s for s, e in f2))
    return 0.0


def _shares(f1: Sequence[Fragment], f2: Sequence[Fragment], t1: frozenset[int], t2: frozenset[int]) -> bool:
    """Two sources share a word token (or, with no word tokens on either side, a character)."""
    if t1 and t2:
        return bool(t1 & t2)
    if not t1 and not t2:
        return _chars_overlap(f1, f2)
    return False


@dataclass
class _Side:
    """One attribution (gold or predicted) prepared for scoring."""

    frags: dict[str, list[Fragment]]
    norm: dict[str, frozenset[Fragment]]
    toks: dict[str, frozenset[int]]


def _prepare(text: str, tokens: _Tokens, frags: dict[str, list[Fragment]]) -> _Side:
    return _Side(
        frags=frags,
        norm={k: _normalise(text, frags[k]) for k in SPAN_TYPES},
        toks={k: tokens.overlapping(frags[k]) for k in SPAN_TYPES},
    )


# ------------------------------------------------------------------------------------ PolNeAR


def _greedy(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching, taking (pred, gold) pairs in the order given."""
    used_pred, used_gold, out = set(), set(), []
    for i, j in pairs:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
            out.append((i, j))
    return out


def _count_doc(gold: list[_Side], pred: list[_Side], anchored: bool) -> Counter[str]:
    """The raw counts of one document; they sum over the corpus (micro-averaging)."""
    c: Counter[str] = Counter()
    for kind in SPAN_TYPES:

        def match(p: _Side, g: _Side, kind: str = kind) -> bool:
            if p.norm[kind] != g.norm[kind]:
                return False
            if anchored and kind != "cue":
                return _chars_overlap(p.frags["cue"], g.frags["cue"])
            return True

        preds = [p for p in pred if p.norm[kind]]
        golds = [g for g in gold if g.norm[kind]]
        c[f"exact.{kind}.n_pred"] = len(preds)
        c[f"exact.{kind}.n_gold"] = len(golds)
        c[f"exact.{kind}.tp_pred"] = sum(any(match(p, g) for g in golds) for p in preds)
        c[f"exact.{kind}.tp_gold"] = sum(any(match(p, g) for p in preds) for g in golds)

        gold_toks = frozenset().union(*(g.toks[kind] for g in gold))
        pred_toks = frozenset().union(*(p.toks[kind] for p in pred))
        c[f"overlap.{kind}.tok_pred"] = sum(len(p.toks[kind]) for p in pred)
        c[f"overlap.{kind}.tok_pred_in_gold"] = sum(len(p.toks[kind] & gold_toks) for p in pred)
        c[f"overlap.{kind}.tok_gold"] = sum(len(g.toks[kind]) for g in gold)
        c[f"overlap.{kind}.tok_gold_covered"] = sum(len(g.toks[kind] & pred_toks) for g in gold)

    candidates = []  # (dice, source agrees, pred index, gold index)
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            d = _dice(p.frags["content"], g.frags["content"], p.toks["content"], g.toks["content"])
            if d >= 0.5:
                source_ok = not g.frags["source"] or _shares(
                    p.frags["source"], g.frags["source"], p.toks["source"], g.toks["source"]
                )
                candidates.append((d, source_ok, i, j))
    candidates.sort(key=lambda x: (-x[0], not x[1], x[2], x[3]))
    full = _greedy((i, j) for _, ok, i, j in candidates if ok)
    content_only = _greedy((i, j) for _, _, i, j in candidates)
    c["attribution.n_pred"] = len(pred)
    c["attribution.n_gold"] = len(gold)
    c["attribution.matched"] = len(full)
    c["content_only.matched"] = len(content_only)
    for i, j in content_only:
        g, p = gold[j], pred[i]
        if not g.frags["source"]:
            continue
        c["speaker.n"] += 1
        c["speaker.overlap"] += _shares(p.frags["source"], g.frags["source"], p.toks["source"], g.toks["source"])
        c["speaker.exact"] += bool(p.norm["source"]) and p.norm["source"] == g.norm["source"]
    return c


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _summarise(c: Counter[str]) -> dict[str, Any]:
    """P/R/F1 and accuracies from raw counts."""
    out: dict[str, Any] = {"exact": {}, "overlap": {}}
    for kind in SPAN_TYPES:
        tp_pred, n_pred = c[f"exact.{kind}.tp_pred"], c[f"exact.{kind}.n_pred"]
        tp_gold, n_gold = c[f"exact.{kind}.tp_gold"], c[f"exact.{kind}.n_gold"]
        p, r, f = _prf(tp_pred, n_pred, tp_gold, n_gold)
        out["exact"][kind] = {
            "p": p,
            "r": r,
            "f1": f,
            "tp": tp_pred,
            "fp": n_pred - tp_pred,
            "fn": n_gold - tp_gold,
            "tp_pred": tp_pred,
            "n_pred": n_pred,
            "tp_gold": tp_gold,
            "n_gold": n_gold,
        }
        ov = {k: c[f"overlap.{kind}.{k}"] for k in ("tok_pred_in_gold", "tok_pred", "tok_gold_covered", "tok_gold")}
        p, r, f = _prf(ov["tok_pred_in_gold"], ov["tok_pred"], ov["tok_gold_covered"], ov["tok_gold"])
        out["overlap"][kind] = {"p": p, "r": r, "f1": f, **ov}
    n_pred, n_gold = c["attribution.n_pred"], c["attribution.n_gold"]
    matches = (("attribution", c["attribution.matched"]), ("attribution_content_only", c["content_only.matched"]))
    for key, matched in matches:
        p, r, f = _prf(matched, n_pred, matched, n_gold)
        out[key] = {"p": p, "r": r, "f1": f, "matched": matched, "n_pred": n_pred, "n_gold": n_gold}
    n = c["speaker.n"]
    out["speaker_accuracy"] = {
        "overlap": c["speaker.overlap"] / n if n else 0.0,
        "exact": c["speaker.exact"] / n if n else 0.0,
        "n_pairs_with_gold_source": n,
        "n_overlap": c["speaker.overlap"],
        "n_exact": c["speaker.exact"],
    }
    return out


def score_polnear(
    gold: Mapping[str, GoldDoc],
    predictions: Mapping[str, Sequence[Mapping[str, Any]]],
    unanchored: bool = False,
) -> dict[str, Any]:
    """Score predictions against PolNeAR gold, micro-averaged over the gold's texts.

    Returns the reference scorer's ``--json`` keys (``exact``/``overlap`` per span type,
    ``attribution``, ``attribution_content_only``, ``speaker_accuracy``, the document and
    attribution counts, ``anchored_exact``), plus ``tp``/``fp``/``fn`` under each exact type,
    ``per_doc`` (every text, worst attribution F1 first) and ``warnings`` (dropped spans,
    prediction files with no gold text).
    """
    totals: Counter[str] = Counter()
    per_doc: list[dict[str, Any]] = []
    warnings: list[str] = []
    for stem in sorted(gold):
        doc = gold[stem]
        tokens = _Tokens(doc.text)
        gold_sides = [_prepare(doc.text, tokens, {k: a.spans(k) for k in SPAN_TYPES}) for a in doc.attributions]
        pred_sides = []
        for i, att in enumerate(predictions.get(stem, [])):
            where = f"{stem}.json: attribution {i}"
            frags = {k: _prediction_fragments(att, k, len(doc.text), where, warnings) for k in SPAN_TYPES}
            pred_sides.append(_prepare(doc.text, tokens, frags))
        counts = _count_doc(gold_sides, pred_sides, anchored=not unanchored)
        totals.update(counts)
        summary = _summarise(counts)
        per_doc.append(
            {
                "doc": stem,
                "n_gold": len(gold_sides),
                "n_pred": len(pred_sides),
                "matched": counts["attribution.matched"],
                "att_f1": summary["attribution"]["f1"],
                "content_overlap_f1": summary["overlap"]["content"]["f1"],
            }
        )
    extra = sorted(set(predictions) - set(gold))
    if extra:
        warnings.append(f"{len(extra)} prediction files have no gold text and were ignored (e.g. {extra[0]}.json)")
    per_doc.sort(key=lambda d: (d["att_f1"], -d["n_gold"], d["doc"]))
    result = _summarise(totals)
    result.update(
        n_docs=len(gold),
        n_docs_with_pred_file=sum(stem in predictions for stem in gold),
        n_docs_without_gold_file=sum(d.annotation_file is None for d in gold.values()),
        n_gold_events_skipped=sum(d.n_events_skipped for d in gold.values()),
        gold_files_used=sum(d.annotation_file is not None for d in gold.values()),
        gold_files_ignored=sum(d.n_annotation_files_ignored for d in gold.values()),
        n_gold_attributions=totals["attribution.n_gold"],
        n_pred_attributions=totals["attribution.n_pred"],
        anchored_exact=not unanchored,
        per_doc=per_doc,
        warnings=warnings,
    )
    return result


def format_polnear_report(scores: Mapping[str, Any], n_worst: int = 0) -> str:
    """A readable table of ``score_polnear`` results; ``n_worst`` lists the worst documents."""
    lines = [
        f"docs: {scores['n_docs']} (with prediction file: {scores['n_docs_with_pred_file']})   "
        f"gold attributions: {scores['n_gold_attributions']}   predicted: {scores['n_pred_attributions']}",
        "",
        f"{'metric':<8} {'span':<8} {'P':>7} {'R':>7} {'F1':>7}   counts",
    ]
    for kind in SPAN_TYPES:
        e = scores["exact"][kind]
        lines.append(
            f"{'exact':<8} {kind:<8} {e['p']:7.4f} {e['r']:7.4f} {e['f1']:7.4f}   "
            f"TP {e['tp']}, FP {e['fp']}, FN {e['fn']}"
        )
    for kind in SPAN_TYPES:
        o = scores["overlap"][kind]
        lines.append(
            f"{'overlap':<8} {kind:<8} {o['p']:7.4f} {o['r']:7.4f} {o['f1']:7.4f}   "
            f"tokens pred {o['tok_pred_in_gold']}/{o['tok_pred']}, gold {o['tok_gold_covered']}/{o['tok_gold']}"
        )
    a = scores["attribution"]
    lines.append(
        f"{'attribution':<17} {a['p']:7.4f} {a['r']:7.4f} {a['f1']:7.4f}   "
        f"matched {a['matched']}, pred {a['n_pred']}, gold {a['n_gold']}"
    )
    a = scores["attribution_content_only"]
    lines.append(f"{'  (content only)':<17} {a['p']:7.4f} {a['r']:7.4f} {a['f1']:7.4f}   matched {a['matched']}")
    s = scores["speaker_accuracy"]
    n = s["n_pairs_with_gold_source"]
    lines.append(
        f"speaker accuracy: overlap {s['overlap']:.4f} ({s['n_overlap']}/{n}), "
        f"exact {s['exact']:.4f} ({s['n_exact']}/{n}) over content-matched pairs with a gold source"
    )
    if not scores["anchored_exact"]:
        lines.append("(exact source/content NOT anchored on cue overlap)")
    if n_worst and scores.get("per_doc"):
        header = f"{'attF1':>6} {'gold':>5} {'pred':>5} {'match':>5} {'conOvF1':>8}  doc"
        lines += ["", "worst documents by attribution F1:", header]
        for d in scores["per_doc"][:n_worst]:
            lines.append(
                f"{d['att_f1']:6.3f} {d['n_gold']:5d} {d['n_pred']:5d} {d['matched']:5d} "
                f"{d['content_overlap_f1']:8.3f}  {d['doc']}"
            )
    for warning in scores.get("warnings", []):
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ seed


_VAGUE_SPEAKER_WORDS = ("anonym", "unnamed", "unknown", "report", "vague", "source")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _seed_tokens(text: str, spans: Iterable[Sequence[int]]) -> set[Fragment]:
    r"""The ``\w+`` tokens inside the spans, as character spans (the seed scorer's tokens)."""
    out = set()
    for s, e in spans:
        for m in _WORD.finditer(text[s:e]):
            out.add((s + m.start(), s + m.end()))
    return out


def _field_key(value: Any) -> str:
    """A field value for comparison: case-folded, whitespace collapsed, straight apostrophes."""
    if value is None:
        return ""
    return " ".join(str(value).translate(_APOSTROPHES).split()).casefold()


def _field_matches(gold: Any, pred: Any, contains: bool) -> bool:
    """Gold null matches a null/empty prediction; with ``contains``, one may contain the other."""
    g, p = _field_key(gold), _field_key(pred)
    if g == p:
        return True
    return contains and bool(g) and bool(p) and (g in p or p in g)


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


def score_seed(expected_json_path: str | os.PathLike[str], predictions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Score predicted attributions for the seed article against its hand-made gold.

    ``found``, ``speaker_right``, ``channel_right``/``channel_n`` and ``misses`` are
    ``score_seed.py``'s figures. Added: over found attributions, ``speaker_type_right``,
    ``role_right``, ``affiliation_right`` and their ``*_accuracy``; ``false_positives``
    (predictions matched to no gold attribution); ``pairs`` ([gold index, prediction index]).
    """
    expected, text_path = load_seed_gold(expected_json_path)
    text = _read_text(text_path)
    preds = list(predictions)
    golds = expected["attributions"]
    found = speaker_right = channel_right = channel_n = 0
    extra: Counter[str] = Counter()
    misses, pairs, used = [], [], set()
    for gi, g in enumerate(golds):
        gold_toks = _seed_tokens(text, [g["content"]["span"]])
        gold_cue = [g["cue"]["span"]] if g.get("cue") else []
        best, best_i = 0.0, None
        for i, p in enumerate(preds):
            if i in used:
                continue
            pred_toks = _seed_tokens(text, p.get("content") or [])
            inter = len(gold_toks & pred_toks)
            d = 2 * inter / (len(gold_toks) + len(pred_toks)) if gold_toks and pred_toks else 0.0
            # a one- or two-word content ("This") is found through its cue
            if len(gold_toks) <= 2 and _chars_overlap(gold_cue, p.get("cue") or []):
                d = max(d, 0.5)
            if d > best:
                best, best_i = d, i
        if best < 0.5 or best_i is None:
            misses.append(g["content"]["text"][:50])
            continue
        used.add(best_i)
        pairs.append([gi, best_i])
        found += 1
        p = preds[best_i]
        speaker = str(p.get("speaker") or "")
        named = speaker + " " + " ".join(text[s:e] for s, e in (p.get("source") or []))
        if g["speaker"]:
            speaker_right += g["speaker"].split()[-1].lower() in named.lower()
        else:
            vague = speaker.lower() + str(p.get("speaker_type") or "").lower()
            speaker_right += not speaker or any(w in vague for w in _VAGUE_SPEAKER_WORDS)
        if g["channel"]:
            channel_n += 1
            key = g["channel"].replace("his ", "").split(" with ")[0].lower()
            channel_right += key.rstrip("s") in str(p.get("channel") or "").lower()
        extra["speaker_type"] += _field_matches(g.get("speaker_type"), p.get("speaker_type"), contains=False)
        extra["role"] += _field_matches(g.get("role"), p.get("role"), contains=True)
        extra["affiliation"] += _field_matches(g.get("affiliation"), p.get("affiliation"), contains=True)
    n = len(golds)
    result: dict[str, Any] = {
        "n_gold": n,
        "n_pred": len(preds),
        "found": found,
        "speaker_right": speaker_right,
        "channel_right": channel_right,
        "channel_n": channel_n,
        "misses": misses,
        "false_positives": len(preds) - found,
        "recall": found / n if n else 0.0,
        "precision": found / len(preds) if preds else 0.0,
        "pairs": pairs,
    }
    for key in ("speaker_type", "role", "affiliation"):
        result[f"{key}_right"] = extra[key]
        result[f"{key}_accuracy"] = extra[key] / found if found else 0.0
    return result


def format_seed_report(scores: Mapping[str, Any]) -> str:
    """``score_seed.py``'s summary line and misses, then the added field accuracies."""
    s = scores
    lines = [
        f"seed: found {s['found']}/{s['n_gold']}, speaker right {s['speaker_right']}/{s['n_gold']}, "
        f"channel right {s['channel_right']}/{s['channel_n']}"
    ]
    if s["misses"]:
        lines.append("missed: " + "; ".join(s["misses"]))
    lines.append(
        f"over {s['found']} found: speaker type {s['speaker_type_right']}/{s['found']}, "
        f"role {s['role_right']}/{s['found']}, affiliation {s['affiliation_right']}/{s['found']}"
    )
    lines.append(f"false positives: {s['false_positives']} of {s['n_pred']} predicted")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ gate


def polnear_gate_scores(scores: Mapping[str, Any], name: str = "polnear_dev") -> dict[str, float]:
    """The headline ``score_polnear`` figures, flat, as the gate pins them (``name.metric``)."""
    out = {f"{name}.attribution_f1": scores["attribution"]["f1"]}
    for kind in SPAN_TYPES:
        out[f"{name}.exact_{kind}_f1"] = scores["exact"][kind]["f1"]
        out[f"{name}.overlap_{kind}_f1"] = scores["overlap"][kind]["f1"]
    out[f"{name}.speaker_accuracy"] = scores["speaker_accuracy"]["overlap"]
    return out


def seed_gate_scores(scores: Mapping[str, Any], name: str = "seed") -> dict[str, float]:
    """The headline ``score_seed`` figures, flat, as the gate pins them (``name.metric``)."""
    n, channel_n = scores["n_gold"], scores["channel_n"]
    return {
        f"{name}.found": scores["found"] / n if n else 0.0,
        f"{name}.speaker_right": scores["speaker_right"] / n if n else 0.0,
        f"{name}.channel_right": scores["channel_right"] / channel_n if channel_n else 0.0,
        f"{name}.speaker_type_accuracy": scores["speaker_type_accuracy"],
        f"{name}.role_accuracy": scores["role_accuracy"],
        f"{name}.affiliation_accuracy": scores["affiliation_accuracy"],
    }


def gold_hash(paths: Iterable[str | os.PathLike[str]]) -> str:
    """SHA-256 over the bytes of the gold files, in sorted path order (folders are walked).

    Hidden files (``.DS_Store``, editor swap files) are left out. Each file's length is hashed
    before its bytes, so moving bytes from one file to the next changes the hash.
    """
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                files += [os.path.join(root, n) for n in names if not n.startswith(".")]
        elif os.path.isfile(p):
            files.append(os.fspath(p))
        else:
            raise FileNotFoundError(f"gold file {p} does not exist; check the gold path")
    digest = hashlib.sha256()
    for path in sorted(files):
        data = Path(path).read_bytes()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _load_baseline(baseline_path: str | os.PathLike[str]) -> dict[str, Any]:
    with open(baseline_path, encoding="utf-8") as f:
        baseline = json.load(f)
    if not isinstance(baseline, dict) or not isinstance(baseline.get("minimums", {}), dict):
        raise ValueError(f'{baseline_path}: expected {{"gold_hash": {{...}}, "minimums": {{...}}}}')
    baseline.setdefault("gold_hash", {})
    baseline.setdefault("minimums", {})
    return baseline


def check_gate(
    scores: Mapping[str, float],
    baseline_path: str | os.PathLike[str],
    gold_hashes: Mapping[str, str] | None = None,
    golds: Iterable[str] | None = None,
) -> list[str]:
    """Failure messages: scores below their pinned minimum, and gold that changed; [] = pass.

    A score may be up to ``GATE_TOLERANCE`` below its minimum. ``gold_hashes`` (name -> hash
    from ``gold_hash``) are compared with the pinned ones; leave it out to skip that check.
    ``golds`` checks only the minimums of those golds (the part of a name before its first dot,
    e.g. ``seed``), for a run that has only some of the gold; None checks them all.
    """
    if not os.path.exists(baseline_path):
        return [f"no baseline at {baseline_path}: pin one with update_gate (the eval command's --update)"]
    baseline = _load_baseline(baseline_path)
    wanted = None if golds is None else set(golds)
    failures = []
    for name, minimum in sorted(baseline["minimums"].items()):
        if wanted is not None and name.split(".", 1)[0] not in wanted:
            continue
        if name not in scores:
            failures.append(f"{name}: pinned at {minimum:.4f} but not scored; score it or drop it from {baseline_path}")
        elif scores[name] < minimum - GATE_TOLERANCE:
            failures.append(
                f"{name}: {scores[name]:.4f} is below its pinned minimum {minimum:.4f} "
                f"(tolerance {GATE_TOLERANCE}); fix the regression, or re-pin with allow_lower if it is intended"
            )
    for name, current in sorted((gold_hashes or {}).items()):
        pinned = baseline["gold_hash"].get(name)
        if pinned is None:
            failures.append(f"gold {name!r} has no pinned hash in {baseline_path}; re-pin with update_gate")
        elif pinned != current:
            failures.append(
                f"gold {name!r} changed (hash {current[:12]}, pinned {pinned[:12]}): the minimums were measured "
                "on other data; review the change and re-pin with update_gate"
            )
    return failures


def update_gate(
    scores: Mapping[str, float],
    baseline_path: str | os.PathLike[str],
    gold_hash: Mapping[str, str],
    allow_lower: bool = False,
) -> dict[str, Any]:
    """Pin ``scores`` (rounded to 4 places) as the new minimums and ``gold_hash`` as the gold.

    Minimums not in ``scores`` are kept. Raises ValueError, writing nothing, when a minimum
    would go down and ``allow_lower`` is False. Returns the baseline as written.
    """
    exists = os.path.exists(baseline_path)
    baseline = _load_baseline(baseline_path) if exists else {"gold_hash": {}, "minimums": {}}
    minimums = dict(baseline["minimums"])
    new = {name: round(float(value), 4) for name, value in scores.items()}
    lowered = [
        f"{name} {minimums[name]:.4f} -> {value:.4f}"
        for name, value in sorted(new.items())
        if name in minimums and value < minimums[name]
    ]
    if lowered and not allow_lower:
        raise ValueError(
            f"refusing to lower {len(lowered)} pinned minimum(s) in {baseline_path}: "
            + ", ".join(lowered)
            + "; fix the regression, or pass allow_lower=True (--allow-lower) if the drop is intended"
        )
    minimums.update(new)
    written = {"gold_hash": {**baseline["gold_hash"], **gold_hash}, "minimums": dict(sorted(minimums.items()))}
    directory = os.path.dirname(os.path.abspath(baseline_path))
    # write then rename, so an interrupted update never leaves half a baseline
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".baseline-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(written, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, baseline_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return written
