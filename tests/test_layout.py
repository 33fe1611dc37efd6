"""Speakers the page's layout names: transcript labels and signed quotations (claims.extract.layout)."""

from __future__ import annotations

import dataclasses

import pytest

from claims.extract import extract_claims
from claims.extract.layout import LABEL_CUE, SIGNATURE_CUE, find_layout_attributions, interviewee
from claims.types import DIRECT, PERSON, PUBLICATION, Entity


def spans(text, found):
    return [(item.kind, text[item.source.start : item.source.end], text[item.cue.start : item.cue.end],
             text[item.content.start : item.content.end]) for item in found]


def test_transcript_turns_are_their_labels_words():
    text = ('Pence spoke with Fox News on Sunday.\n\n"WALLACE: Will Gennifer Flowers be there tomorrow night?\n\n'
            '"PENCE: Gennifer Flowers will not be attending the debate. Donald Trump was mocking an effort.\n\n'
            '"(CROSSTALK.)\n')
    assert spans(text, find_layout_attributions(text, [])) == [
        ("label", "WALLACE", ":", "Will Gennifer Flowers be there tomorrow night?"),
        ("label", "PENCE", ":", "Gennifer Flowers will not be attending the debate. Donald Trump was mocking an effort."),
    ]


def test_a_lone_label_counts_only_when_it_names_a_person():
    text = "The firm's pollster answered.\n\nCarl Bialik: The biggest lesson was a simple one.\n"
    assert find_layout_attributions(text, []) == []
    person = Entity("Carl Bialik", "PER", text.index("Carl"), text.index("Carl") + len("Carl Bialik"))
    assert spans(text, find_layout_attributions(text, [person])) == [
        ("label", "Carl Bialik", ":", "The biggest lesson was a simple one.")]


@pytest.mark.parametrize("text", [
    "Update: The story was changed.\n\nNote: Times are Eastern.\n",  # parts of a page, not speakers
    "Iowa: Trump 30, Cruz 25.\n\nNew Hampshire: Trump 31, Kasich 17.\n",  # places in title case
    "Two questions: Why would Trump do that? And will she be there?\n",  # a colon inside a sentence
    "Q: Is this all?\n",  # one line: no interview
    "CNN President On Trump: We do not pay candidates.\n\nTrump On CNN: They are unfair to me.\n",  # headlines
])
def test_lines_that_are_not_turns(text):
    assert find_layout_attributions(text, []) == []


def test_a_quotation_signed_on_its_own_line_and_on_the_same_line():
    text = ('In the debate, the candidates traded claims.\n\n"Almost all new income is going to the top 1 percent."\n\n'
            "- Bernie Sanders.\n\n"
            "\u201cWe can build a wall around Donald Trump.\u201d\u00a0\u2015\u00a0Steve Quinlan.\n"
            "\u201cHe is ignorant of our culture.\u201d\u2015 Pamela Padilla, Texas\n")
    assert spans(text, find_layout_attributions(text, [])) == [
        ("signature", "Bernie Sanders", "-", '"Almost all new income is going to the top 1 percent."'),
        ("signature", "Steve Quinlan", "\u2015", "\u201cWe can build a wall around Donald Trump.\u201d"),
        ("signature", "Pamela Padilla", "\u2015", "\u201cHe is ignorant of our culture.\u201d"),
    ]


@pytest.mark.parametrize("text", [
    "The vote was close - Republicans won.\n",  # a dash in a sentence
    "He said it was over.\n\n- Bernie Sanders.\n",  # the line above is no quotation
    "\u201cWhile I respect the FBI, this defies explanation.\u201d \u2014 Paul Ryan (@SpeakerRyan) July 5, 2016\n",
])
def test_no_signed_quotation(text):
    assert find_layout_attributions(text, []) == []


def test_the_interviewee_is_the_person_the_introduction_names_most():
    text = "Laura Bush sees hope. By Susan Page. Former first lady Laura Bush spoke to us.\n\nQ: Why?\n"
    entities = [Entity(name, "PER", m, m + len(name)) for name in ("Laura Bush", "Susan Page")
                for m in [i for i in range(len(text)) if text.startswith(name, i)]]
    assert interviewee(text, entities, text.index("Q:")) == "Laura Bush"
    assert interviewee(text, [], text.index("Q:")) is None


INTERVIEW = ("Laura Bush sees hope for Afghan women.\n\nFormer first lady Laura Bush spoke with USA TODAY about "
             "Afghanistan.\n\nQ: Why did American women care so much about Afghan women?\n\n"
             "A: Because they needed help, I think. American women were shocked by what they saw.\n\n"
             "Q: Should the United States stay engaged there?\n\nA: Yes, absolutely.\n")


def test_an_interview_answer_is_the_interviewees_and_its_i_too(annotate_text):
    article, parsed = annotate_text(INTERVIEW)
    article = dataclasses.replace(article, author="Susan Page, USA TODAY")
    claims = extract_claims(article, parsed)
    answers = [c for c in claims if c.content_start > INTERVIEW.index("A: Because")
               and c.content_end <= INTERVIEW.index("\n\nQ: Should")]
    turn = [c for c in answers if c.attribution is not None and c.attribution.cue_lemma == LABEL_CUE]
    first_person = [c for c in answers if c.attribution is not None and c.attribution.cue_lemma != LABEL_CUE
                    and [INTERVIEW[s.start : s.end] for s in c.attribution.source] == ["I"]]
    assert turn and first_person  # "A: Because they needed help, I think."
    assert all(c.attribution.speaker == "Laura Bush" for c in turn + first_person)
    questions = [c for c in claims if c.attribution is not None and c.attribution.cue_lemma == LABEL_CUE
                 and INTERVIEW[c.content_start : c.content_end].endswith("?")]
    assert len(questions) == 2
    assert all(c.attribution.speaker == "Susan Page" and c.claim_type == DIRECT for c in questions)


def test_transcript_labels_join_the_people_the_article_names(extract):
    text = ("Fox News host Chris Wallace pressed Gov. Mike Pence on Sunday.\n\n"
            '"WALLACE: Will Gennifer Flowers be there tomorrow night?\n\n'
            '"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.\n')
    _, attributions = extract(text)
    turns = by_label(text, attributions)
    assert turns["WALLACE"].speaker == "Chris Wallace" and turns["PENCE"].speaker == "Mike Pence"
    assert all(a.speaker_type == PERSON and a.claim_type == DIRECT for a in turns.values())
    # the taggers' own reading of a label is not a second attribution
    assert sum(1 for a in attributions if overlapping(a, text.index("PENCE"))) == 1


def by_label(text, attributions):
    return {text[a.source[0].start : a.source[0].end]: a for a in attributions if a.cue_lemma == LABEL_CUE}


def overlapping(attribution, at):
    return any(s.start <= at < s.end for s in attribution.cue + attribution.source)


def test_signed_quotations_are_their_signers(extract):
    text = ("31 Latinos share their thoughts on Donald Trump.\n\n"
            "\u201cMr. Trump embodies the legacy of racism. He represents our greatest shame.\u201d \u2015 Sonya Herridge\n"
            "\u201cI am truly afraid that Donald Trump will win.\u201d\u2015 Edwin G. Monroy\n")
    _, attributions = extract(text)
    signed = [a for a in attributions if a.cue_lemma == SIGNATURE_CUE]
    assert [a.speaker for a in signed] == ["Sonya Herridge", "Edwin G. Monroy"]
    assert all(a.speaker_type != PUBLICATION and a.claim_type == DIRECT for a in signed)
    # nothing the taggers made of a signature's words survives
    assert not any(a.cue_lemma != SIGNATURE_CUE and overlapping(a, text.index("Herridge")) for a in attributions)


def test_a_label_that_is_no_name_is_no_speaker(extract):
    text = ("Roger Stone spoke to Breitbart News on Friday.\n\n"
            "Continued Stone: So I think it is a very real problem in this election.\n\n"
            "STONE: And the single best thing is to register a million new voters.\n\n"
            "UN: PEACEKEEPERS PAID FOR SEX, REPORT SAYS\n")
    _, attributions = extract(text)
    labelled = by_label(text, attributions)
    assert "Continued Stone" not in labelled  # the parse reads "Continued" as a verb
    assert labelled["STONE"].speaker == "Roger Stone"
    # an acronym in capitals is not title-cased into a person called "Un"
    assert not any(a.speaker == "Un" for a in attributions)


def test_a_label_gives_no_role_from_the_words_it_introduces(extract):
    text = ("Laura Bush spoke with USA TODAY.\n\nQ: Is the wall a good idea?\n\n"
            "A: Believe me, a wall is not going to keep people away from their families.\n\n"
            "Q: Will you campaign?\n\nA: No, I will not.\n")
    _, attributions = extract(text)
    turns = [a for a in attributions if a.cue_lemma == LABEL_CUE]
    assert len(turns) == 4
    assert all(a.role is None and a.affiliation is None and a.location is None for a in turns)
