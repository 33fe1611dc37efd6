"""Quotation spans from quote marks alone: multi-sentence, multi-paragraph, unbalanced, scare quotes."""

from claims.extract.quotes import find_quotes, is_scare_quote


def texts(text):
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_curly_and_straight_quotes():
    text = '“We are ready,” he said. She replied: "Not yet."'
    assert texts(text) == ["“We are ready,”", '"Not yet."']


def test_quote_over_two_sentences_is_one_span():
    text = "“The advance continues. It has slowed,” Koseoglu explained."
    assert texts(text) == ["“The advance continues. It has slowed,”"]


def test_quote_over_paragraphs_reopened_on_each():
    text = "He said: “First paragraph.\n\n“Second paragraph.”\n\nNarration."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "“First paragraph.\n\n“Second paragraph.”"
    assert quote.closed


def test_unclosed_quote_ends_at_its_paragraph():
    text = "He said: “This never closes.\n\nNext paragraph is narration."
    (quote,) = find_quotes(text)
    assert not quote.closed
    assert text[quote.start : quote.end] == "“This never closes."


def test_scare_quotes_are_recognised():
    text = "Critics called the plan “woke” and “a disaster for everyone involved.”"
    quotes = find_quotes(text)
    assert [is_scare_quote(text, q) for q in quotes] == [True, False]


def test_bounds_are_respected():
    text = "“a” body “quoted part here.” tail “x”"
    quotes = find_quotes(text, 4, 28)
    assert [text[q.start : q.end] for q in quotes] == ["“quoted part here.”"]


def test_two_apostrophes_are_a_double_quote_mark():
    # news archives and wire exports write '' for a double quote mark (PolNeAR's New York Times texts)
    text = "Mr. Holtz-Eakin said. ''They're more detailed. But I have serious concerns.'' He added, ''No.''"
    quotes = find_quotes(text)
    assert [text[q.inner[0] : q.inner[1]] for q in quotes] == [
        "They're more detailed. But I have serious concerns.", "No."]
    assert all(q.closed for q in quotes)


def test_an_apostrophe_alone_is_no_quote_mark():
    assert find_quotes("Trump's plan and the candidates' debate, rock 'n' roll.") == []


def test_a_quotation_in_two_apostrophes_is_a_direct_quotation_run_on(extract):
    text = ("Douglas Holtz-Eakin reviewed both tax plans this week.\n\n''They're more detailed than Trump's,'' "
            "Mr. Holtz-Eakin said. ''But I think the plan will fail, and I told the campaign that it would.''")
    _, attributions = extract(text)
    [said] = [a for a in attributions if a.cue_lemma == "say"]
    assert said.claim_type == "direct" and said.speaker == "Douglas Holtz-Eakin"
    # the quotation that opens right after the cue's sentence is the same speaker's (claims.extract.continuation)
    assert any(text[s.start : s.end].lstrip("'").startswith("But I think the plan will fail") for s in said.content)
