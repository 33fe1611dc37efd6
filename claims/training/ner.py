"""NER data and scores for the recipe: the PolNeAR CoreNLP silver tags and GUM's named entities.

- ``convert_silver_ner``: the silver BIO tags -> stanza's NER json, for training (NER_LABELS);
- ``score_ner_silver``: entity-level P/R/F1 per label on the silver dev tags (tokens given);
- ``gum_named_entities`` / ``score_ner_gum``: PER/ORG/LOC on GUM test's gold named entities
  (GUM's words given).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# Silver CoreNLP classes -> the labels speaker and channel typing use.
NER_LABELS = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "LOCATION": "LOC",
    "MISC": "MISC",
    "DATE": "DATE",
    "TIME": "DATE",
}


def convert_silver_ner(polnear_dir: Path, out_dir: Path) -> dict[str, Path]:
    """PolNeAR CoreNLP BIO tags -> stanza's NER json, with the label set of NER_LABELS."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for split in ("train", "dev"):
        target = out_dir / f"polnear.{split}.json"
        paths[split] = target
        if target.exists():
            continue
        sentences = [[{"text": word, "ner": label} for (word, _), label in zip(sentence, silver_labels([t for _, t in sentence]))]
                     for sentence in read_bio(polnear_dir / "corenlp-ner" / f"{split}.bio")]
        target.write_text(json.dumps(sentences), encoding="utf-8")
    return paths


def silver_labels(tags: list[str]) -> list[str]:
    """One sentence's CoreNLP BIO tags with the labels of NER_LABELS (other classes become O); an I-
    that does not continue an entity of its label (e.g. after a dropped class) starts a new one."""
    labels: list[str] = []
    for tag in tags:
        prefix, _, kind = tag.partition("-")
        label = f"{prefix}-{NER_LABELS[kind]}" if kind in NER_LABELS else "O"
        if label.startswith("I-") and (not labels or labels[-1][2:] != label[2:]):
            label = "B-" + label[2:]
        labels.append(label)
    return labels


def read_bio(path: Path) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
        else:
            word, _, tag = line.partition("\t")
            current.append((word, tag))
    if current:
        sentences.append(current)
    return sentences


def bio_entities(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, label) spans from BIO or BIOES tags."""
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or kind != label):
            spans.add((start, i, label))
            start, label = None, None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, label = i, kind
        if prefix in ("E", "S") and start is not None:
            spans.add((start, i + 1, label))
            start, label = None, None
    return spans


def score_ner_silver(ner_pipeline: Any, bio_path: Path, labels: dict[str, str]) -> dict[str, Any]:
    """Entity-level P/R/F1 per label against silver BIO tags, on the given tokenization."""
    sentences = read_bio(bio_path)
    gold_tags = []
    for sentence in sentences:
        tags = []
        for _, tag in sentence:
            prefix, _, kind = tag.partition("-")
            tags.append(f"{prefix}-{labels[kind]}" if kind in labels else "O")
        gold_tags.append(tags)
    return score_ner_tags(ner_pipeline, [[word for word, _ in sentence] for sentence in sentences], gold_tags)


def score_ner_tags(ner_pipeline: Any, token_sentences: list[list[str]], gold_tags: list[list[str]],
                   only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Entity-level P/R/F1 per label of a pretokenized NER pipeline against gold BIO(ES) tags.

    Every label seen in gold or predictions is reported unless ``only`` names the labels to score
    (predicted entities of other labels are then ignored); "PER+ORG+LOC" micro-averages those three.
    """
    document = ner_pipeline(token_sentences)
    return score_entity_sets(
        [bio_entities(tags) for tags in gold_tags],
        [bio_entities([token.ner for token in sentence.tokens]) for sentence in document.sentences],
        only,
    )


def score_entity_sets(gold_sentences: list[set[tuple[int, int, str]]], pred_sentences: list[set[tuple[int, int, str]]],
                      only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Per-label and PER+ORG+LOC P/R/F1 from per-sentence (start, end, label) span sets."""
    counts: dict[str, list[int]] = {label: [0, 0, 0] for label in only or ()}
    for gold, pred in zip(gold_sentences, pred_sentences):
        for label in {span[2] for span in gold | pred}:
            if only is not None and label not in only:
                continue
            g = {s for s in gold if s[2] == label}
            p = {s for s in pred if s[2] == label}
            tp, fp, fn = counts.setdefault(label, [0, 0, 0])
            counts[label] = [tp + len(g & p), fp + len(p - g), fn + len(g - p)]
    scores: dict[str, Any] = {}
    total = [0, 0, 0]
    for label, (tp, fp, fn) in sorted(counts.items()):
        scores[label] = prf(tp, fp, fn)
        if label in ("PER", "ORG", "LOC"):
            total = [total[0] + tp, total[1] + fp, total[2] + fn]
    scores["PER+ORG+LOC"] = prf(*total)
    return scores


# GUM entity types -> our NER labels; every other type (abstract, event, object, time, ...) is dropped.
GUM_NER_LABELS = {"person": "PER", "organization": "ORG", "place": "LOC"}
# Words that may join two proper nouns inside one organization or place name ("Museum of Flight",
# "Bank of the West", "Aviation & Space Museum"); "and" does not ("Khartoum and Juba" are two places).
GUM_NAME_BRIDGES = {"of", "for", "the", "&", "de", "du", "la", "von", "van", "-", "\u2013"}
# ... and inside a person's name ("Al - Nasser", "Sir de Villiers Graaff"; not "Maud Gorham of Marion").
GUM_PERSON_NAME_BRIDGES = {"de", "du", "la", "von", "van", "der", "den", "da", "di", "bin", "-", "\u2013"}
# Dependents that are not part of the name they hang off: titles ("President" in "President Barack
# Obama" is nmod:desc in GUM) and appositions.
GUM_NOT_NAME_DEPRELS = {"nmod:desc", "appos"}
# A person's name is its head and what hangs off it by these ("Chris Gregoire", not "Washington" in
# "Governor of Washington Chris Gregoire", where GUM attaches Washington to Chris as nmod).
GUM_PERSON_NAME_DEPRELS = {"flat", "flat:name", "flat:foreign", "compound", "goeswith", "fixed", "punct"}
_ENTITY_BRACKET = re.compile(r"\(([^()]+)(\))?|([^()]+)\)")


def _gum_mentions(words: list[list[str]]) -> list[tuple[int, int, str]]:
    """(first, last, type) word indices (inclusive) of the mentions in one sentence's Entity= MISC.

    CorefUD bracket notation: ``(eid-etype-infstat-...`` opens a mention on its first word, ``eid)``
    closes it on its last, ``(eid-etype-...)`` is a one-word mention; brackets nest properly.
    """
    mentions, open_mentions = [], {}
    for index, columns in enumerate(words):
        entity = next((f[len("Entity="):] for f in columns[9].split("|") if f.startswith("Entity=")), "")
        for match in _ENTITY_BRACKET.finditer(entity):
            if match.group(1) is not None:
                eid, _, rest = match.group(1).partition("-")
                etype = rest.split("-", 1)[0]
                if match.group(2):
                    mentions.append((index, index, etype))
                else:
                    open_mentions.setdefault(eid, []).append((index, etype))
            elif open_mentions.get(match.group(3)):
                start, etype = open_mentions[match.group(3)].pop()
                mentions.append((start, index, etype))
    return mentions


def _is_name_word(columns: list[str]) -> bool:
    """A proper noun: UPOS PROPN, or PTB xpos NNP/NNPS (GUM tags "United" in "United Nations" VERB/NNP)."""
    return columns[3] == "PROPN" or columns[4] in ("NNP", "NNPS")


def _gum_name_span(words: list[list[str]], first: int, last: int, etype: str) -> tuple[int, int] | None:
    """The name (first, last word) inside a mention, or None when it is not named (see gum_named_entities)."""
    index_of = {words[i][0]: i for i in range(first, last + 1)}
    heads = [i for i in range(first, last + 1) if words[i][6] not in index_of]
    heads = [i for i in heads if words[i][3] != "PUNCT"] or heads
    if not heads or not _is_name_word(words[heads[0]]):
        return None
    head = heads[0]
    if etype == "person" and words[head][4] == "NNPS":  # "Texans": a group, not a person's name
        return None

    def outside_name(i: int) -> bool:  # in a title, an apposition, or (persons) any non-name dependent
        while i != head and i in range(first, last + 1):
            deprel = words[i][7]
            if deprel in GUM_NOT_NAME_DEPRELS or (etype == "person" and deprel not in GUM_PERSON_NAME_DEPRELS):
                return True
            i = index_of.get(words[i][6], -1)
        return False

    def is_name(i: int) -> bool:
        return first <= i <= last and _is_name_word(words[i]) and not outside_name(i)

    bridges = GUM_PERSON_NAME_BRIDGES if etype == "person" else GUM_NAME_BRIDGES

    def is_bridge(i: int) -> bool:
        return first <= i <= last and words[i][1].lower() in bridges and not outside_name(i)

    start = end = head
    for step in (-1, 1):
        edge = head
        while True:
            if is_name(edge + step):
                edge += step
            elif is_bridge(edge + step) and is_name(edge + 2 * step):
                edge += 2 * step
            elif is_bridge(edge + step) and is_bridge(edge + 2 * step) and is_name(edge + 3 * step):
                edge += 3 * step
            else:
                break
        start, end = (edge, end) if step < 0 else (start, edge)
    return start, end


def read_conllu_words(conllu_path: Path) -> list[list[list[str]]]:
    """Sentences of a CoNLL-U file as lists of the 10 columns of their syntactic words.

    Multi-word token ranges (``8-9``) and empty nodes (``8.1``) are left out.
    """
    sentences, current = [], []
    for line in Path(conllu_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        if line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) == 10 and columns[0].isdigit():
            current.append(columns)
    if current:
        sentences.append(current)
    return sentences


def gum_named_entities(conllu_path: Path | str) -> list[list[tuple[str, str]]]:
    """(word, BIO tag) per sentence of a GUM CoNLL-U file: its NAMED person/organization/place mentions.

    GUM annotates every mention, named or not ("the prevalence", "racial groups", "America"), in the
    ``Entity=`` MISC attribute. The rule that keeps the named ones and their names:
    - Named: the mention's syntactic head (its first non-punctuation word whose HEAD lies outside the
      mention) is a proper noun: UPOS PROPN or xpos NNP/NNPS. "the United States", "Edward Jones",
      "the Prague Conservatory" are named; "the Union forces", "racial groups", "Steven 's bed" are
      not. Person mentions headed by a plural proper noun (NNPS: "Texans", "Middle Easterners") are
      groups or nationalities, not persons' names, and are not named.
    - Span: the name, not the whole mention: the run of proper nouns around the head inside the
      mention. Organization and place names may be joined by one or two GUM_NAME_BRIDGES words
      ("Museum of Flight", "National Museum of the U.S. Air Force"), not by "and" or commas
      ("Marion , Ohio" keeps only the head's name). Titles (GUM's nmod:desc: "President" in
      "President Barack Obama") and appositions are left out; a person's name is only what hangs off
      its head by GUM_PERSON_NAME_DEPRELS ("Chris Gregoire" in "Governor of Washington Chris Gregoire").
      Determiners, possessive 's and modifiers outside the run ("the", "contemporary") never count.
    - Nesting: the outermost named mention wins. Named mentions are taken outside-in (earliest start,
      then longest) and one whose name overlaps a name already taken is dropped, whatever its type: so
      the place "America" inside the organization "Bank of America" is dropped, as is a place inside
      a named event ("Battle of Gettysburg"); a place inside a mention that is not named ("residents
      of Toronto") or outside the outer name ("the Museum of Flight in Seattle") is kept.
    - Labels: person -> PER, organization -> ORG, place -> LOC (GUM_NER_LABELS); names of the other
      types (abstract, event, object, time, ...) are then dropped, leaving O.
    Words are UD syntactic words (multi-word tokens split: "Sapir" "'s", as PTB tokenizes them);
    empty nodes are left out. On GUM test this gives 415 LOC, 281 PER and 192 ORG names.
    """
    result = []
    for words in read_conllu_words(Path(conllu_path)):
        tags = ["O"] * len(words)
        taken: list[tuple[int, int]] = []
        for first, last, etype in sorted(_gum_mentions(words), key=lambda m: (m[0], -m[1])):
            span = _gum_name_span(words, first, last, etype)
            if span is None:
                continue
            if any(span[0] <= end and start <= span[1] for start, end in taken):
                continue
            taken.append(span)
            label = GUM_NER_LABELS.get(etype)
            if label:
                tags[span[0]] = f"B-{label}"
                for i in range(span[0] + 1, span[1] + 1):
                    tags[i] = f"I-{label}"
        result.append([(columns[1], tag) for columns, tag in zip(words, tags)])
    return result


def score_ner_gum(ner_pipeline: Any, conllu_path: Path | str) -> dict[str, Any]:
    """Entity-level P/R/F1 (PER, ORG, LOC and micro PER+ORG+LOC) against GUM's named entities.

    The pretokenized pipeline tags GUM's words; predicted MISC, DATE, ... are ignored.
    """
    sentences = gum_named_entities(conllu_path)
    return score_ner_tags(ner_pipeline, [[word for word, _ in sentence] for sentence in sentences],
                          [[tag for _, tag in sentence] for sentence in sentences], only=("PER", "ORG", "LOC"))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f1": round(100 * f, 2), "support": tp + fn}
