"""Repairs to stanza's sentence boundaries, made after tokenizing and before tagging and parsing.

Every sentence becomes a claim, so a wrong boundary is a wrong claim. The tokenizer's mistakes
that these rules undo are of three kinds, each seen in news text:

- a closing quotation mark (or bracket) cut off from the sentence it closes: ``... a 'Disgusting
  Fraud.'`` gave the sentence ``'`` (a claim of one character), and ``... the bad.” … what I
  learned`` started the next sentence with the closing mark;
- a split inside a run of characters with no space: ``savingforcollege.com`` became the sentences
  ``... savingforcollege.`` and ``com is an excellent resource ...``;
- a split after a quoted question or exclamation followed by its attribution in lower case:
  ``"Are we ready?" he asked.`` is one sentence.

The input and output are stanza Documents as the tokenize (and mwt) processors leave them; the
repaired document is rebuilt from its token dicts, so offsets into the text stay exact.
"""

from __future__ import annotations

from typing import Any

REPAIRS_VERSION = "sentences-1"  # bump when a rule changes: stored parses are made again

CLOSING_MARKS = {"\u201d", "\u2019", '"', "'", ")", "]", "\u00bb"}  # ” ’ " ' ) ] »
ALWAYS_CLOSING = {"\u201d", "\u2019", ")", "]"}  # marks that never open a quotation or bracket
SENTENCE_END_MARKS = {"?", "!"}


def repair_document(document: Any) -> Any:
    """The document with its sentence boundaries repaired (the same object when nothing changes)."""
    from stanza.models.common.doc import Document

    sentences = document.to_dict()
    repaired = repair_sentences(sentences, document.text)
    if repaired is None:
        return document
    return Document([renumber(sentence) for sentence in repaired], text=document.text)


def repair_sentences(sentences: list[list[dict[str, Any]]], text: str) -> list[list[dict[str, Any]]] | None:
    """Repaired sentences (lists of stanza token and word dicts), or None when nothing is repaired."""
    out: list[list[dict[str, Any]]] = []
    changed = False
    for sentence in sentences:
        sentence = list(sentence)
        if out and same_paragraph(text, out[-1], sentence):
            previous = out[-1]
            if joined_without_space(previous, sentence) and starts_lowercase_or_digit(sentence, text):
                previous.extend(sentence)
                changed = True
                continue
            moved = leading_closing_marks(previous, sentence, text)
            if moved:
                previous.extend(sentence[:moved])
                sentence = sentence[moved:]
                changed = True
                if not sentence:
                    continue
            if ends_with_quoted_question(previous, text) and starts_lowercase_word(sentence, text):
                previous.extend(sentence)
                changed = True
                continue
        out.append(sentence)
    return out if changed else None


def tokens(sentence: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(index in the sentence's dict list, dict) of each token: a multi-word token's entry, or a
    word that is not part of one."""
    out, covered_until = [], 0
    for index, entry in enumerate(sentence):
        entry_id = entry["id"]
        if isinstance(entry_id, (tuple, list)):
            out.append((index, entry))
            covered_until = entry_id[-1]
        elif entry_id > covered_until:
            out.append((index, entry))
    return out


def token_span(sentence: list[dict[str, Any]], position: int) -> int:
    """How many dicts the token starting at dict ``position`` takes (a multi-word token: 1 + its words)."""
    entry_id = sentence[position]["id"]
    if isinstance(entry_id, (tuple, list)):
        return 1 + entry_id[-1] - entry_id[0] + 1
    return 1


def sentence_start(sentence: list[dict[str, Any]]) -> int:
    return sentence[0]["start_char"]


def sentence_end(sentence: list[dict[str, Any]]) -> int:
    return tokens(sentence)[-1][1]["end_char"]


def same_paragraph(text: str, previous: list[dict[str, Any]], sentence: list[dict[str, Any]]) -> bool:
    return "\n" not in text[sentence_end(previous) : sentence_start(sentence)]


def joined_without_space(previous: list[dict[str, Any]], sentence: list[dict[str, Any]]) -> bool:
    return sentence_end(previous) == sentence_start(sentence)


def starts_lowercase_or_digit(sentence: list[dict[str, Any]], text: str) -> bool:
    first = text[sentence_start(sentence)]
    return first.islower() or first.isdigit()


def starts_lowercase_word(sentence: list[dict[str, Any]], text: str) -> bool:
    word = tokens(sentence)[0][1]
    first = text[word["start_char"] : word["end_char"]]
    return first[:1].islower() and first.isalpha()


def leading_closing_marks(previous: list[dict[str, Any]], sentence: list[dict[str, Any]], text: str) -> int:
    """How many dicts at the start of ``sentence`` are closing marks that belong to ``previous``.

    A mark belongs to the sentence before it when it follows that sentence with no space, or when it
    can only close (’ ” ) ]) and the quotation it closes is open in the sentence before it. A
    straight quote after a space may open the next quotation, so it stays where it is.
    """
    moved, end = 0, sentence_end(previous)
    for position, token in tokens(sentence):
        if position != moved:
            break
        mark = text[token["start_char"] : token["end_char"]]
        if mark not in CLOSING_MARKS:
            break
        glued = token["start_char"] == end
        if not glued and not (mark in ALWAYS_CLOSING and quotation_open(previous, text, mark)):
            break
        moved += token_span(sentence, position)
        end = token["end_char"]
    return moved


OPENING_FOR = {"\u201d": "\u201c", "\u2019": "\u2018", ")": "(", "]": "["}


def quotation_open(sentence: list[dict[str, Any]], text: str, closing: str) -> bool:
    """Whether ``sentence`` opens more ``closing``'s opening marks than it closes."""
    opening = OPENING_FOR[closing]
    body = text[sentence_start(sentence) : sentence_end(sentence)]
    return body.count(opening) > body.count(closing)


def ends_with_quoted_question(sentence: list[dict[str, Any]], text: str) -> bool:
    """The sentence ends ``?"`` or ``!”`` (a quoted question or exclamation, then its closing mark)."""
    last_tokens = [text[t["start_char"] : t["end_char"]] for _, t in tokens(sentence)[-2:]]
    return (len(last_tokens) == 2 and last_tokens[0] in SENTENCE_END_MARKS
            and last_tokens[1] in CLOSING_MARKS - {")", "]"})


def renumber(sentence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Word ids 1..n again after sentences were joined (a multi-word token's range moves with its words)."""
    out, last = [], 0
    for entry in sentence:
        entry = dict(entry)
        entry_id = entry["id"]
        if isinstance(entry_id, (tuple, list)):
            width = entry_id[-1] - entry_id[0]
            entry["id"] = (last + 1, last + 1 + width)
        else:
            last += 1
            entry["id"] = last
        out.append(entry)
    return out
