"""Repairs to stanza's sentence boundaries, made after tokenizing and before tagging and parsing.

Every sentence becomes a claim, so a wrong boundary is a wrong claim. The tokenizer's mistakes
that these rules undo are of three kinds, each seen in news text:

- a closing quotation mark (or bracket) cut off from the sentence it closes: ``... a 'Disgusting
  Fraud.'`` gave the sentence ``'`` (a claim of one character), and ``... the bad.” … what I
  learned`` started the next sentence with the closing mark;
- a split inside a run of characters with no space: ``savingforcollege.com`` became the sentences
  ``... savingforcollege.`` and ``com is an excellent resource ...``;
- a split after a quoted question or exclamation followed by its attribution in lower case:
  ``"Are we ready?" he asked.`` is one sentence;
- a split after a title's abbreviation, before the name it belongs to: ``Texas Sen. ▌ Ted Cruz
  says ...`` (about 1 sentence in 110 of PolNeAR train: Sen., Rep., Gov., Capt., Gen., Rev. ...),
  and after a month's abbreviation before its day (``on Jan. ▌ 1``). Where the tokenizer also cut
  the period off the abbreviation (``Sen`` ``.``), the two become one token again; likewise a split
  after "v." or "vs." between two names (``Roe v. ▌ Wade``).

The input and output are stanza Documents as the tokenize (and mwt) processors leave them; the
repaired document is rebuilt from its token dicts, so offsets into the text stay exact.
"""

from __future__ import annotations

from typing import Any

REPAIRS_VERSION = "sentences-3"  # bump when a rule changes: stored parses are made again

CLOSING_MARKS = {"\u201d", "\u2019", '"', "'", ")", "]", "\u00bb"}  # ” ’ " ' ) ] »
ALWAYS_CLOSING = {"\u201d", "\u2019", ")", "]"}  # marks that never open a quotation or bracket
SENTENCE_END_MARKS = {"?", "!"}
# Abbreviated titles that stand before a name and never end a sentence in news copy ("St." and
# "Jr." do: a street, a suffix). Matched with their period, in any case.
TITLE_ABBREVIATIONS = {"sen", "sens", "rep", "reps", "gov", "govs", "lt", "gen", "gens", "col", "maj", "capt",
                       "cmdr", "adm", "sgt", "cpl", "pvt", "rev", "msgr", "pres", "prof", "dr", "mr", "mrs", "ms",
                       "messrs", "atty", "supt", "amb"}
# "versus" between two parties' names: a court case ("Roe v. Wade") or a match ("Lakers vs. Celtics").
VERSUS_ABBREVIATIONS = {"v", "vs"}
MONTH_ABBREVIATIONS = {"jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec"}  # AP style's (before a day)


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
            if ends_with_abbreviation_of_what_follows(previous, sentence, text):
                glue_cut_period(previous, text)
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


def ends_with_abbreviation_of_what_follows(previous: list[dict[str, Any]], sentence: list[dict[str, Any]],
                                           text: str) -> bool:
    """``previous`` ends with a title's abbreviation (or "v.", "vs.") and ``sentence`` starts with a
    capital (the name), or it ends with a month's abbreviation and ``sentence`` starts with a digit
    (the day)."""
    last = tokens(previous)[-2:]
    words = [text[token["start_char"] : token["end_char"]] for _, token in last]
    if words and len(words[-1]) > 1 and words[-1].endswith("."):
        abbreviation = words[-1][:-1]  # "Sen."
    elif len(words) == 2 and words[-1] == "." and last[0][1]["end_char"] == last[1][1]["start_char"]:
        abbreviation = words[0]  # "Sen" "." (the period cut off)
    else:
        return False
    first = text[sentence_start(sentence)]
    if abbreviation.lower() in VERSUS_ABBREVIATIONS:
        return first.isupper()
    if not abbreviation[:1].isupper():  # "a sales rep." ends a sentence; the title is "Rep."
        return False
    if abbreviation.lower() in TITLE_ABBREVIATIONS:
        return first.isupper()
    return abbreviation.lower() in MONTH_ABBREVIATIONS and first.isdigit()


def glue_cut_period(sentence: list[dict[str, Any]], text: str) -> None:
    """Where the sentence ends with a word and its period as two plain tokens (``Sen`` ``.``), one token."""
    if len(sentence) < 2:
        return
    word, period = sentence[-2], sentence[-1]
    plain = [position for position, _ in tokens(sentence)[-2:]] == [len(sentence) - 2, len(sentence) - 1] \
        and not isinstance(word["id"], (tuple, list))  # two tokens, neither a multi-word token
    if plain and text[period["start_char"] : period["end_char"]] == "." and word["end_char"] == period["start_char"]:
        glued = {key: value for key, value in word.items() if key != "misc"}  # misc: SpaceAfter=No, now untrue
        glued.update(text=text[word["start_char"] : period["end_char"]], end_char=period["end_char"])
        if "misc" in period:
            glued["misc"] = period["misc"]
        sentence[-2:] = [glued]


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
