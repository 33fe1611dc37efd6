"""The PolNeAR scorer: predicted attributions (one ``<stem>.json`` per text) against PolNeAR gold.

The figures agree exactly with the reference scorer ``score_attr.py``; the metrics are defined in
claims.evaluate. ``score_polnear`` returns them, ``format_polnear_report`` prints them as a table.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from claims.evaluate.gold import GoldDoc, visible_names
from claims.evaluate.spans import SPAN_TYPES, Side, Tokens, chars_overlap, dice, prediction_fragments, prepare, shares


def load_predictions(pred_dir: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """Read ``<stem>.json`` files, ``{"attributions": [...]}``; a text with no file is absent."""
    if not os.path.isdir(pred_dir):
        raise FileNotFoundError(f"prediction folder {pred_dir} does not exist; write one <stem>.json per text there")
    out = {}
    for name in visible_names(pred_dir, ".json"):
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


def _greedy(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching, taking (pred, gold) pairs in the order given."""
    used_pred, used_gold, out = set(), set(), []
    for i, j in pairs:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
            out.append((i, j))
    return out


def _count_doc(gold: list[Side], pred: list[Side], anchored: bool,
               pred_types: Sequence[str | None] | None = None) -> Counter[str]:
    """The raw counts of one document; they sum over the corpus (micro-averaging).

    pred_types: each prediction's speaker type, to count matches per type too (``bytype.*``)."""
    c: Counter[str] = Counter()
    for kind in SPAN_TYPES:

        def match(p: Side, g: Side, kind: str = kind) -> bool:
            if p.norm[kind] != g.norm[kind]:
                return False
            if anchored and kind != "cue":
                return chars_overlap(p.frags["cue"], g.frags["cue"])
            return True

        preds = [p for p in pred if p.norm[kind]]
        golds = [g for g in gold if g.norm[kind]]
        c[f"exact.{kind}.n_pred"] = len(preds)
        c[f"exact.{kind}.n_gold"] = len(golds)
        c[f"exact.{kind}.tp_pred"] = sum(any(match(p, g) for g in golds) for p in preds)
        if kind == "source" and pred_types is not None:
            for p, t in zip(pred, pred_types):
                c[f"bytype.{t}.source_exact"] += bool(p.norm[kind]) and any(match(p, g) for g in golds)
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
            d = dice(p.frags["content"], g.frags["content"], p.toks["content"], g.toks["content"])
            if d >= 0.5:
                source_ok = not g.frags["source"] or shares(
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
    if pred_types is not None:
        matched = {i for i, _ in full}
        for i, t in enumerate(pred_types):
            c[f"bytype.{t}.n_pred"] += 1
            c[f"bytype.{t}.matched"] += i in matched
    for i, j in content_only:
        g, p = gold[j], pred[i]
        if not g.frags["source"]:
            continue
        c["speaker.n"] += 1
        c["speaker.overlap"] += shares(p.frags["source"], g.frags["source"], p.toks["source"], g.toks["source"])
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
    types = sorted({k.split(".")[1] for k in c if k.startswith("bytype.")})
    out["by_speaker_type"] = {
        t: {"n_pred": c[f"bytype.{t}.n_pred"], "matched": c[f"bytype.{t}.matched"],
            "precision": c[f"bytype.{t}.matched"] / c[f"bytype.{t}.n_pred"] if c[f"bytype.{t}.n_pred"] else 0.0,
            "source_exact": c[f"bytype.{t}.source_exact"] / c[f"bytype.{t}.n_pred"] if c[f"bytype.{t}.n_pred"] else 0.0}
        for t in types}
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
        tokens = Tokens(doc.text)
        gold_sides = [prepare(doc.text, tokens, {k: a.spans(k) for k in SPAN_TYPES}) for a in doc.attributions]
        pred_sides = []
        for i, att in enumerate(predictions.get(stem, [])):
            where = f"{stem}.json: attribution {i}"
            frags = {k: prediction_fragments(att, k, len(doc.text), where, warnings) for k in SPAN_TYPES}
            pred_sides.append(prepare(doc.text, tokens, frags))
        types = [str(att.get("speaker_type") or "none") for att in predictions.get(stem, [])]
        counts = _count_doc(gold_sides, pred_sides, anchored=not unanchored, pred_types=types)
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
    by_type = scores.get("by_speaker_type") or {}
    if by_type:
        lines += ["", "per predicted speaker type:  pred  matched  precision  source exact"]
        for speaker_type, t in sorted(by_type.items(), key=lambda item: -item[1]["n_pred"]):
            lines.append(f"  {speaker_type:<26} {t['n_pred']:5d} {t['matched']:8d} {t['precision']:10.4f} "
                         f"{t['source_exact']:13.4f}")
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
