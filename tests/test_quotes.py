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
