"""Speaker precision: ``python benchmarks/bench_speaker_precision.py`` (issue 14, part 5).

The share of claims whose source text neither names their speaker nor is a pronoun pointing at
it: "Politifact" or "Bernie Sanders and Republican nominee Donald Trump" filed under Donald Trump.
A source names the speaker when it shares a name word with the speaker's name or with a name the
extractor gave one of the speaker's claims (titles and small words aside: "Mr. Trump", "Trump's
campaign manager" name Donald Trump), spells its initials ("SDF"), or is an alias of the same
outlet in the channel registry ("AP"); a pronoun ("he", "who", "I") is taken as resolved to it.

Figures: over all claims with a source and a named speaker (persons, organizations, countries and
unknown speakers with a name), and over the claims of the ``--top`` speakers with the most claims,
each with its count and examples.

Input: PolNeAR train + dev ingested as ``benchmarks/bench_sources.py`` does (parses from the cache
``python -m claims.training.corpus`` fills; what is missing is parsed first; ``--limit N`` takes
the first N articles of each split), or an existing database with ``--db`` (one that
``bench_sources.py --keep`` built, say). ``--keep`` keeps the database built. With ``--eval-dev``,
also the PolNeAR dev scores per predicted speaker type, from the same cached parses.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from report import ROOT, polnear_sources_dir, table

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAMED_TYPES = ("person", "organization", "country", "unknown")
SMALL_WORDS = frozenset("the a an of and for in on at to de la le al el s".split())


def words(text: str) -> list[str]:
    """Lower-case words, possessives off ("Trump's" -> "trump")."""
    return [re.sub(r"['’]s?$", "", w) for w in re.findall(r"[\w'’.-]+", text.casefold())]


def name_words(name: str) -> set[str]:
    """Name words: small words off, and titles ("Mr." but not the "King" of "Mr. King",
    claims.names.is_title_at)."""
    from claims.names import is_title_at

    found = [w.strip(".") for w in words(name) if w.strip(".")]
    return {w for n, w in enumerate(found) if w not in SMALL_WORDS and not is_title_at(found, n)}


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Z][\w'’-]*", name))


def is_pronoun(source: str) -> bool:
    """A source of pointing words only ("he", "He he", "who", "I"), "the" and a role noun ("the
    senator", claims.extract.coref.role_description), a campaign pointed at ("his campaign", "the
    campaign": claims.extract.coref.POINTING_CAMPAIGN), or an interview's "Q" or "A" label
    (claims.extract.layout): each points at a speaker the article names elsewhere."""
    from claims.extract.antecedents import role_description
    from claims.extract.coref import POINTING_CAMPAIGN
    from claims.extract.layout import INTERVIEW_LABELS
    from claims.names import POINTING_WORDS
    from claims.types import Span

    if source.strip().casefold() in INTERVIEW_LABELS:
        return True
    found = words(source)
    if role_description(source, [Span(0, len(source))]) is not None or POINTING_CAMPAIGN.match(source.strip()):
        return True
    return bool(found) and all(w in POINTING_WORDS for w in found)


def pronoun_named_speakers(db) -> dict:
    """Speakers a reader sees called by no name: by a pronoun ("who", "they", "it") or by a role
    alone ("the senator"); the rows and their claims, each kind apart."""
    from claims.extract.antecedents import role_description
    from claims.types import Span

    rows = db.execute("SELECT name, claim_count FROM speakers WHERE speaker_type != 'publication'").fetchall()
    figures = {}
    for kind in ("pronoun", "role"):
        named = [(name, count) for name, count in rows if name and is_pronoun(name)
                 and (role_description(name, [Span(0, len(name))]) is not None) == (kind == "role")]
        counts = Counter()
        for name, count in named:
            counts[name.casefold()] += count
        figures[kind] = {"speakers": len(named), "claims": sum(c for _, c in named), "by_name": dict(counts.most_common(8))}
    return figures


def names_speaker(source: str, names: list[str]) -> bool:
    """Whether the source shares a name word with one of the names, spells one's initials, or is
    the registry's alias of the same outlet."""
    from claims.names import known_channel

    source_words = name_words(source)
    entry = known_channel(source)
    for name in names:
        if source_words & name_words(name):
            return True
        if any(len(w) >= 2 and w.isupper() and w == initials(name) for w in re.findall(r"\w+", source)):
            return True  # "The SDF": Syrian Democratic Forces
        if entry is not None and (entry.name == name or known_channel(name) == entry):
            return True
    return False


def speaker_precision(db, top: int = 25, examples: int = 3) -> dict:
    """The figures over a claims database (sqlite_utils.Database)."""
    rows = db.execute(
        f"""SELECT c.speaker_id, s.name, s.speaker_type, c.source_text, c.speaker_name
            FROM claims c JOIN speakers s ON s.id = c.speaker_id
            WHERE c.source_text IS NOT NULL AND trim(c.source_text) != ''
              AND s.speaker_type IN ({', '.join('?' * len(NAMED_TYPES))})""", NAMED_TYPES).fetchall()
    given: dict[int, set[str]] = {}
    for speaker_id, name, _, _, speaker_name in rows:
        given.setdefault(speaker_id, {name})
        if speaker_name:
            given[speaker_id].add(speaker_name)
    total, wrong = Counter(), Counter()
    wrong_sources: dict[int, Counter] = {}
    names, types = {}, {}
    for speaker_id, name, speaker_type, source, _ in rows:
        names[speaker_id], types[speaker_id] = name, speaker_type
        total[speaker_id] += 1
        if is_pronoun(source) or names_speaker(source, sorted(given[speaker_id])):
            continue
        wrong[speaker_id] += 1
        wrong_sources.setdefault(speaker_id, Counter())[source] += 1
    top_rows = db.execute(
        "SELECT id FROM speakers WHERE speaker_type != 'publication' ORDER BY claim_count DESC, name LIMIT ?",
        [top]).fetchall()
    top_ids = [r[0] for r in top_rows]
    per_speaker = [
        {"name": names.get(i, str(i)), "type": types.get(i), "claims_with_source": total[i], "misattributed": wrong[i],
         "examples": [s for s, _ in wrong_sources.get(i, Counter()).most_common(examples)]}
        for i in top_ids]
    all_wrong, all_total = sum(wrong.values()), sum(total.values())
    top_wrong, top_total = sum(wrong[i] for i in top_ids), sum(total[i] for i in top_ids)
    by_type = {t: {"claims_with_source": sum(n for i, n in total.items() if types[i] == t),
                   "misattributed": sum(n for i, n in wrong.items() if types[i] == t)} for t in NAMED_TYPES}
    return {
        "claims_with_source": all_total, "misattributed": all_wrong,
        "share": round(all_wrong / all_total, 4) if all_total else 0.0,
        "top": len(top_ids), "top_claims_with_source": top_total, "top_misattributed": top_wrong,
        "top_share": round(top_wrong / top_total, 4) if top_total else 0.0,
        "by_type": by_type, "top_speakers": per_speaker,
    }


def sourceless_cues(db) -> dict:
    """Claims with a cue but no source words, by who they were given to: the article's own voice
    ("seems"), unnamed reports ("is expected"), a speaker resolution found, or no one (an
    unidentified source: the cue's subject was missed)."""
    rows = db.execute("SELECT speaker_type, count(*) FROM claims WHERE cue IS NOT NULL AND source_text IS NULL "
                      "GROUP BY speaker_type ORDER BY count(*) DESC").fetchall()
    unidentified = db.execute("SELECT count(*) FROM claims c JOIN speakers s ON s.id = c.speaker_id "
                              "WHERE c.cue IS NOT NULL AND c.source_text IS NULL "
                              "AND s.name = 'unidentified source'").fetchone()[0]
    return {"claims": sum(n for _, n in rows), "by_type": dict(rows), "unidentified_source": unidentified}


def ingest(polnear: Path, cache: Path, db_path: Path, limit: int | None) -> tuple[int, list]:
    """PolNeAR train + dev into a new database, as bench_sources.py does; returns (articles, dev rows)."""
    from bench_sources import with_metadata

    from claims.extract import EXTRACTOR_VERSION, extract_claims
    from claims.nlp import resolve_model
    from claims.store import open_db, store_article
    from claims.store.speakers import reconcile_speakers
    from claims.training.corpus import annotated_split

    with open(polnear / "metadata.tsv", encoding="utf-8") as f:
        metadata = {row["filename"]: row for row in csv.DictReader(f, delimiter="\t")}
    spec = resolve_model()
    db = open_db(db_path)
    count, dev_rows = 0, []
    for split in ("train", "dev"):
        rows = annotated_split(polnear / split, cache, spec, limit=limit)
        if split == "dev":
            dev_rows = rows
        for doc, article, parsed in rows:
            article = with_metadata(article, metadata[doc.stem])
            store_article(db, article, parsed, extract_claims(article, parsed), EXTRACTOR_VERSION, spec.version)
            count += 1
    reconcile_speakers(db)
    db.close()
    return count, dev_rows


def dev_scores_by_type(rows) -> dict:
    """PolNeAR dev attribution scores per predicted speaker type (claims.evaluate), from cached parses."""
    from claims import evaluate as scoring
    from claims.extract import extract_attributions
    from claims.extract.files import attribution_record

    gold = {doc.stem: doc for doc, _, _ in rows}
    predictions = {doc.stem: [attribution_record(a) for a in extract_attributions(article, parsed)]
                   for doc, article, parsed in rows}
    scores = scoring.score_polnear(gold, predictions)
    return {"overall": {k: scores[k] for k in ("attribution",) if k in scores},
            "by_speaker_type": scores.get("by_speaker_type", {})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=None, help="measure this database instead of ingesting")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="data folder holding polnear/ (default: $CLAIMS_DATA, else ../shared/data)")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "polnear-parses")
    parser.add_argument("--keep", type=Path, default=None, help="keep the database built here (must not exist)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each split")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--eval-dev", action="store_true", help="also score PolNeAR dev per predicted speaker type")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    from claims.store import open_db

    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db
        dev_rows = []
        if db_path is None:
            polnear = polnear_sources_dir(args.data)
            if polnear is None:
                return 2
            if args.keep and args.keep.exists():
                print(f"error: --keep {args.keep} exists", file=sys.stderr)
                return 2
            db_path = args.keep or Path(tmp) / "precision.db"
            started = time.time()
            figures["articles"], dev_rows = ingest(polnear, args.cache, db_path, args.limit)
            figures["ingest_s"] = round(time.time() - started, 1)
        db = open_db(db_path)
        figures["extractor_version"] = db.execute("SELECT max(extractor_version) FROM claims").fetchone()[0]
        figures.update(speaker_precision(db, args.top))
        figures["pronoun_named"] = pronoun_named_speakers(db)
        figures["sourceless_cues"] = sourceless_cues(db)
        db.close()
        if args.eval_dev and dev_rows:
            figures["dev"] = dev_scores_by_type(dev_rows)
    print(f"extractor {figures['extractor_version']}"
          + (f", {figures['articles']} articles ingested in {figures['ingest_s']} s" if "articles" in figures else ""))
    print(f"misattributed (source neither names the speaker nor is a pronoun or 'the' + a role): {figures['misattributed']} of "
          f"{figures['claims_with_source']} claims with a source and a named speaker ({figures['share']:.2%})")
    print(f"top {figures['top']} speakers: {figures['top_misattributed']} of {figures['top_claims_with_source']} "
          f"({figures['top_share']:.2%})")
    for kind, called in figures["pronoun_named"].items():
        print(f"speakers called by a {kind} alone: {called['speakers']} rows, {called['claims']} claims "
              f"({', '.join(f'{k} {v}' for k, v in called['by_name'].items())})")
    sourceless = figures["sourceless_cues"]
    print(f"claims with a cue and no source words: {sourceless['claims']} "
          f"({', '.join(f'{k} {v}' for k, v in sourceless['by_type'].items())}); "
          f"an unidentified source: {sourceless['unidentified_source']}")
    print()
    print(table(["type", "claims with source", "misattributed"],
                [[t, str(v["claims_with_source"]), str(v["misattributed"])] for t, v in figures["by_type"].items()]))
    print()
    print(table(["speaker", "type", "claims with source", "misattributed", "examples"],
                [[s["name"], str(s["type"]), str(s["claims_with_source"]), str(s["misattributed"]), "; ".join(s["examples"])[:90]]
                 for s in figures["top_speakers"]]))
    if "dev" in figures:
        print("\nPolNeAR dev per predicted speaker type (attribution precision: matched / predicted):")
        by_type = figures["dev"]["by_speaker_type"]
        print(table(["speaker type", "predicted", "matched", "precision", "source exact"],
                    [[t, str(v["n_pred"]), str(v["matched"]), f"{v['precision']:.3f}", f"{v['source_exact']:.3f}"]
                     for t, v in sorted(by_type.items())]))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
