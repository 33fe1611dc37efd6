"""A quotation of several sentences is one content (claims.extract.continuation): the content the
taggers cut at a sentence end runs on to the quotation's end, and a quotation that continues
right after its cue ("A," he said. "B. C.") joins the content. Examples of the class, through
the real model; the rule itself on plain spans."""

from __future__ import annotations

from claims.extract.continuation import through_quotation
from claims.extract.quotes import find_quotes
from claims.types import Span


def content_text(article, attribution):
    return " | ".join(article.text[s.start : s.end] for s in attribution.content)


def with_cue(article, found, cue):
    hits = [a for a in found if " ".join(article.text[s.start : s.end] for s in a.cue) == cue]
    assert hits, f"no attribution with the cue {cue!r}: {[content_text(article, a) for a in found]}"
    return hits[0]


def test_a_block_quotation_after_a_statement_cue_is_one_content(extract):
    text = ("The former president released the following statement:\n\n"
            "\u201cWe offer our condolences to the family and friends of the governor. "
            "I remember working with him at the conference in 1983. "
            "He was a fighter until the end.\u201d\n\nThe funeral is on Monday.\n")
    article, found = extract(text)
    content = content_text(article, with_cue(article, found, "released the following statement:"))
    assert "We offer our condolences" in content
    assert content.endswith("He was a fighter until the end")


def test_a_quotation_that_goes_on_after_said_joins_the_content(extract):
    text = ("\u201cThe merger is not meant to help patients,\u201d Senator Maria Lopez said. "
            "\u201cIt is meant to cut their taxes. Nobody should be fooled by it.\u201d\n\n"
            "The company did not comment.\n")
    article, found = extract(text)
    content = content_text(article, with_cue(article, found, "said"))
    assert "The merger is not meant to help patients" in content.split(" | ")[0]
    assert content.split(" | ")[-1].lstrip("\u201c").startswith("It is meant to cut their taxes.")
    assert content.endswith("Nobody should be fooled by it")


def test_a_quotation_with_its_own_speaker_after_it_does_not_join(extract):
    text = ("\u201cThe merger is not meant to help patients,\u201d Senator Maria Lopez said. "
            "\u201cIt will lower prices,\u201d the company's chief executive, John Smith, replied.\n")
    article, found = extract(text)
    content = content_text(article, with_cue(article, found, "said"))
    assert "lower prices" not in content


def spans_in(text, *phrases):
    return [Span(text.index(p), text.index(p) + len(p)) for p in phrases]


def sentence_bounds(text, *sentences):
    return [(text.index(s), text.index(s) + len(s)) for s in sentences]


def test_the_rule_runs_on_only_from_a_sentence_end_inside_the_quotation():
    text = 'He said: "One thing is clear. Two things are not. Three."'
    bounds = sentence_bounds(text, 'He said: "One thing is clear.', "Two things are not.", 'Three."')
    quotes = find_quotes(text)
    cue = spans_in(text, "said")
    run_on = through_quotation(spans_in(text, "One thing is clear"), cue, quotes, text, bounds)
    assert [text[s.start : s.end] for s in run_on] == ["One thing is clear. Two things are not. Three"]
    mid_sentence = through_quotation(spans_in(text, "One thing"), cue, quotes, text, bounds)
    assert [text[s.start : s.end] for s in mid_sentence] == ["One thing"]


def test_a_cue_inside_the_quotation_stops_the_rule():
    text = '"He told me: we won. Then we left," she recalled.'
    bounds = sentence_bounds(text, '"He told me: we won.', 'Then we left," she recalled.')
    content = spans_in(text, "we won")
    assert through_quotation(content, spans_in(text, "told"), find_quotes(text), text, bounds) == content


def test_the_start_runs_back_to_the_quotation_start():
    text = '"Prices rose. Wages did not," the minister said.'
    bounds = sentence_bounds(text, '"Prices rose.', 'Wages did not," the minister said.')
    out = through_quotation(spans_in(text, "Wages did not"), spans_in(text, "said"), find_quotes(text), text, bounds)
    assert [text[s.start : s.end] for s in out] == ["Prices rose. Wages did not"]


def test_a_quotation_that_a_colon_introduces_joins_the_content():
    text = 'He recalled what his parents told him: "Work hard. Be kind." Then he left.'
    bounds = sentence_bounds(text, 'He recalled what his parents told him: "Work hard.', 'Be kind."', "Then he left.")
    quotes = find_quotes(text)
    for marked in ("what his parents told him", "what his parents told him:"):
        out = through_quotation(spans_in(text, marked), spans_in(text, "recalled"), quotes, text, bounds)
        assert [text[s.start : s.end] for s in out] == ['what his parents told him: "Work hard. Be kind']
    no_colon = 'He recalled what his parents told him. "Work hard."'
    out = through_quotation(spans_in(no_colon, "what his parents told him"), spans_in(no_colon, "recalled"),
                            find_quotes(no_colon), no_colon, sentence_bounds(no_colon, "He recalled what his parents told him.", '"Work hard."'))
    assert [no_colon[s.start : s.end] for s in out] == ["what his parents told him"]


def test_nothing_runs_into_a_sentence_that_holds_another_cue():
    text = ('He said: "Arabs are all Muslims to them. They think we ride camels. '
            'And we never did," he added with a grin.')
    bounds = sentence_bounds(text, 'He said: "Arabs are all Muslims to them.', "They think we ride camels.",
                             'And we never did," he added with a grin.')
    quotes = find_quotes(text)
    marked = spans_in(text, "Arabs are all Muslims to them")
    alone = through_quotation(marked, spans_in(text, "said"), quotes, text, bounds)
    assert [text[s.start : s.end] for s in alone] == [
        "Arabs are all Muslims to them. They think we ride camels. And we never did"]
    bounded = through_quotation(marked, spans_in(text, "said"), quotes, text, bounds, [text.index("added")])
    assert [text[s.start : s.end] for s in bounded] == ["Arabs are all Muslims to them. They think we ride camels"]
