"""The seed scorer: predicted attributions for the seed article against its hand-made gold.

``found``, ``speaker_right``, ``channel_right`` and ``misses`` agree with the reference scorer
``score_seed.py``; speaker type, role and affiliation accuracies are added.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from claims.evaluate.gold import Fragment, load_seed_gold, read_text
from claims.evaluate.spans import WORD, chars_overlap

_VAGUE_SPEAKER_WORDS = ("anonym", "unnamed", "unknown", "report", "vague", "source")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _seed_tokens(text: str, spans: Iterable[Sequence[int]]) -> set[Fragment]:
    r"""The ``\w+`` tokens inside the spans, as character spans (the seed scorer's tokens)."""
    out = set()
    for s, e in spans:
        for m in WORD.finditer(text[s:e]):
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


def score_seed(expected_json_path: str | os.PathLike[str], predictions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Score predicted attributions for the seed article against its hand-made gold.

    ``found``, ``speaker_right``, ``channel_right``/``channel_n`` and ``misses`` are
    ``score_seed.py``'s figures. Added: over found attributions, ``speaker_type_right``,
    ``role_right``, ``affiliation_right`` and their ``*_accuracy``; ``false_positives``
    (predictions matched to no gold attribution); ``pairs`` ([gold index, prediction index]).
    """
    expected, text_path = load_seed_gold(expected_json_path)
    text = read_text(text_path)
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
            if len(gold_toks) <= 2 and chars_overlap(gold_cue, p.get("cue") or []):
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
