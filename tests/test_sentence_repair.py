"""Sentence boundary repairs (claims.sentence_repair): each rule on token dicts shaped as stanza's
tokenizer leaves them, and the whole pipeline on a text the bundled tokenizer splits badly."""

from __future__ import annotations

import pytest

from claims.sentence_repair import renumber, repair_sentences


def split_as(text: str, sentences: list[list[str]]) -> list[list[dict]]:
    """Token dicts with offsets into ``text`` for sentences given as token strings, as stanza's
    tokenizer would give them (ids from 1 in each sentence)."""
    out, position = [], 0
    for sentence in sentences:
        dicts = []
        for n, token in enumerate(sentence, start=1):
            start = text.index(token, position)
            position = start + len(token)
            dicts.append({"id": n, "text": token, "start_char": start, "end_char": position})
        out.append(dicts)
    return out


def texts(text: str, sentences: list[list[dict]] | None) -> list[str]:
    assert sentences is not None, "expected a repair"
    return [text[s[0]["start_char"] : s[-1]["end_char"]] for s in sentences]


def test_a_lone_closing_quote_joins_the_sentence_it_closes():
    text = "Warren Hammers CEO: \u2018You Should Be Investigated.\u2019 Then he left."
    split = split_as(text, [["Warren", "Hammers", "CEO", ":", "\u2018", "You", "Should", "Be", "Investigated", "."],
                            ["\u2019"], ["Then", "he", "left", "."]])
    repaired = repair_sentences(split, text)
    assert texts(text, repaired) == ["Warren Hammers CEO: \u2018You Should Be Investigated.\u2019", "Then he left."]
    assert [d["id"] for d in renumber(repaired[0])] == list(range(1, 12))


def test_a_closing_quote_that_opens_the_next_sentence_moves_back():
    text = "He said the words \u201clump\u201d the good with the bad.\u201d \u2026 what I learned was good."
    split = split_as(text, [["He", "said", "the", "words", "\u201c", "lump", "\u201d", "the", "good", "with", "the", "bad", "."],
                            ["\u201d", "\u2026", "what", "I", "learned", "was", "good", "."]])
    repaired = repair_sentences(split, text)
    assert texts(text, repaired) == ["He said the words \u201clump\u201d the good with the bad.\u201d",
                                     "\u2026 what I learned was good."]


def test_a_curly_closing_quote_after_a_space_moves_back_only_when_a_quotation_is_open():
    text = "She said \u201cwe won. \u201d Then we left."
    split = split_as(text, [["She", "said", "\u201c", "we", "won", "."], ["\u201d", "Then", "we", "left", "."]])
    assert texts(text, repair_sentences(split, text)) == ["She said \u201cwe won. \u201d", "Then we left."]
    closed = "She said \u201cwe\u201d won. \u201d Then we left."
    split = split_as(closed, [["She", "said", "\u201c", "we", "\u201d", "won", "."], ["\u201d", "Then", "we", "left", "."]])
    assert repair_sentences(split, closed) is None


def test_a_straight_quote_after_a_space_may_open_a_quotation_and_stays():
    text = 'We won. " Then we left."'
    split = split_as(text, [["We", "won", "."], ['"', "Then", "we", "left", ".", '"']])
    assert repair_sentences(split, text) is None


def test_a_split_inside_a_word_with_no_space_is_undone():
    text = "The website savingforcollege.com is a resource. It is."
    split = split_as(text, [["The", "website", "savingforcollege", "."], ["com", "is", "a", "resource", "."],
                            ["It", "is", "."]])
    repaired = repair_sentences(split, text)
    assert texts(text, repaired) == ["The website savingforcollege.com is a resource.", "It is."]
    assert [d["id"] for d in renumber(repaired[0])] == list(range(1, 10))


def test_a_missing_space_before_a_capital_is_still_a_sentence_end():
    text = "He left.The next day he came back."
    split = split_as(text, [["He", "left", "."], ["The", "next", "day", "he", "came", "back", "."]])
    assert repair_sentences(split, text) is None


def test_a_quoted_question_and_its_lower_case_attribution_are_one_sentence():
    text = '"Are we ready?" he asked. "No!" Smith said.'
    split = split_as(text, [['"', "Are", "we", "ready", "?", '"'], ["he", "asked", "."], ['"', "No", "!", '"'],
                            ["Smith", "said", "."]])
    assert texts(text, repair_sentences(split, text)) == ['"Are we ready?" he asked.', '"No!"', "Smith said."]


def test_no_repair_crosses_a_paragraph():
    text = "The site savingforcollege.\n\ncom is a word.\n\u201d Then."
    split = split_as(text, [["The", "site", "savingforcollege", "."], ["com", "is", "a", "word", "."],
                            ["\u201d", "Then", "."]])
    assert repair_sentences(split, text) is None


def test_multi_word_tokens_keep_their_word_ranges_when_sentences_join():
    text = "Visit example.org isn't hard."
    split = [[{"id": 1, "text": "Visit", "start_char": 0, "end_char": 5},
              {"id": 2, "text": "example", "start_char": 6, "end_char": 13},
              {"id": 3, "text": ".", "start_char": 13, "end_char": 14}],
             [{"id": 1, "text": "org", "start_char": 14, "end_char": 17},
              {"id": (2, 3), "text": "isn't", "start_char": 18, "end_char": 23},
              {"id": 2, "text": "is", "start_char": 18, "end_char": 20},
              {"id": 3, "text": "n't", "start_char": 20, "end_char": 23},
              {"id": 4, "text": "hard", "start_char": 24, "end_char": 28},
              {"id": 5, "text": ".", "start_char": 28, "end_char": 29}]]
    repaired = repair_sentences(split, text)
    assert [d["id"] for d in renumber(repaired[0])] == [1, 2, 3, 4, (5, 6), 5, 6, 7, 8]


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_pipeline_parses_repaired_sentences_as_one_tree():
    from claims.nlp import annotate
    from claims.types import Article

    text = "The website savingforcollege.com is an excellent resource. It is free."
    article = Article(text=text, source="t", format="txt", body_start=0, body_end=len(text))
    parsed = annotate([article])[0]
    assert [text[s.start : s.end] for s in parsed.sentences] == [
        "The website savingforcollege.com is an excellent resource.", "It is free."]
    first = parsed.sentences[0]
    assert [w.index for w in first.words] == list(range(1, len(first.words) + 1))
    assert sum(w.head == 0 for w in first.words) == 1
    assert all(text[w.start : w.end] == w.text for s in parsed.sentences for w in s.words)


def test_a_split_after_a_title_abbreviation_before_its_name_is_undone():
    text = "Texas Sen. Ted Cruz says it fails. Rep. Gabby Giffords left."
    split = split_as(text, [["Texas", "Sen."], ["Ted", "Cruz", "says", "it", "fails", "."],
                            ["Rep."], ["Gabby", "Giffords", "left", "."]])
    repaired = repair_sentences(split, text)
    assert texts(text, repaired) == ["Texas Sen. Ted Cruz says it fails.", "Rep. Gabby Giffords left."]
    assert [d["id"] for d in renumber(repaired[0])] == list(range(1, 9))


def test_a_title_whose_period_was_cut_off_becomes_one_token_again():
    text = "It backs Sen. Ted Cruz now."
    split = split_as(text, [["It", "backs", "Sen", "."], ["Ted", "Cruz", "now", "."]])
    split[0][2]["misc"] = "SpaceAfter=No"
    (sentence,) = repair_sentences(split, text)
    assert [d["text"] for d in sentence] == ["It", "backs", "Sen.", "Ted", "Cruz", "now", "."]
    assert all(text[d["start_char"] : d["end_char"]] == d["text"] for d in sentence)
    assert "misc" not in sentence[2]  # a space follows "Sen." now


def test_a_month_abbreviation_joins_its_day():
    text = "The vote is on Jan. 1 in Iowa."
    split = split_as(text, [["The", "vote", "is", "on", "Jan."], ["1", "in", "Iowa", "."]])
    assert texts(text, repair_sentences(split, text)) == ["The vote is on Jan. 1 in Iowa."]


@pytest.mark.parametrize("first, second, joined", [
    (["It", "overturned", "Roe", "v."], ["Wade", "in", "2022", "."], "It overturned Roe v. Wade in 2022."),
    (["The", "Walmart", "Stores", "v."], ["Dukes", "ruling", "stands", "."], "The Walmart Stores v. Dukes ruling stands."),
    (["Lakers", "vs."], ["Celtics", "is", "sold", "out", "."], "Lakers vs. Celtics is sold out."),
])
def test_a_split_after_versus_between_two_names_is_undone(first, second, joined):
    text = " ".join(" ".join(sentence) for sentence in (first, second)).replace(" .", ".")
    assert texts(text, repair_sentences(split_as(text, [first, second]), text)) == [joined]


@pytest.mark.parametrize("first, second", [
    (["Who", "is", "it", "vs."], ["the", "rest", "?"]),  # no name after it
    (["He", "lives", "on", "Main", "St."], ["The", "house", "is", "old", "."]),  # a street ends sentences
    (["It", "came", "to", "the", "U.S."], ["Then", "it", "left", "."]),
    (["Ask", "the", "Rev."], ["and", "his", "wife", "."]),  # a title, but no name after it
    (["It", "ended", "in", "Jan."], ["Then", "it", "rained", "."]),  # a month with no day
    (["She", "said", "no", "."], ["Sen.", "Cruz", "agreed", "."]),
    (["She", "is", "a", "sales", "rep."], ["Her", "boss", "is", "not", "."]),  # lower case: not the title
])
def test_other_abbreviations_and_titles_without_a_name_keep_their_sentence_end(first, second):
    text = " ".join(" ".join(sentence) for sentence in (first, second)).replace(" .", ".")
    assert repair_sentences(split_as(text, [first, second]), text) is None


def test_a_title_at_a_paragraph_end_is_not_joined_to_the_next_paragraph():
    text = "A note to Sen.\n\nTed Cruz replied."
    split = split_as(text, [["A", "note", "to", "Sen."], ["Ted", "Cruz", "replied", "."]])
    assert repair_sentences(split, text) is None
