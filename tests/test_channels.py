"""Channels as media (claims.extract.channels): the phrase a claim came through is read into the
outlet or medium, with the event's place and time taken out of the name."""

from __future__ import annotations

import pytest
from conftest import parsed_sentence

from claims.extract import extract_attributions
from claims.extract.channels import Medium, channel_medium

# (phrase, kind the extractor gave, expected Medium): one row per class of phrase.
CASES = [
    # determiners and possessives say nothing of the medium
    ("his statements", "statement", Medium("a statement", "statement")),
    ("the letter", "statement", Medium("a letter", "statement")),
    ("this statement", "statement", Medium("a statement", "statement")),
    ("interviews", "interview", Medium("an interview", "interview")),
    # a tweet is Twitter (the registry's platform)
    ("one tweet", "social_media", Medium("Twitter", "social_media")),
    ("social media", "social_media", Medium("social media", "social_media")),
    # trailing and leading time words go to the time
    ("a statement Friday", "statement", Medium("a statement", "statement", time="Friday")),
    ("one tweet Friday", "social_media", Medium("Twitter", "social_media", time="Friday")),
    ("his speech earlier Wednesday", "speech", Medium("a speech", "speech", time="earlier Wednesday")),
    ("a statement on Thursday", "statement", Medium("a statement", "statement", time="Thursday")),
    ("a Friday evening rally", "speech", Medium("a rally", "speech", time="Friday evening")),
    # trailing place PPs go to the place, a time after the place to the time
    ("a rally in Kenansville, N.C.", "speech", Medium("a rally", "speech", place="Kenansville, N.C.")),
    ("a Friday evening rally in Michigan", "speech",
     Medium("a rally", "speech", place="Michigan", time="Friday evening")),
    ("a speech in Fort Pierce, Florida Friday", "speech",
     Medium("a speech", "speech", place="Fort Pierce, Florida", time="Friday")),
    # "with X" and other complements are dropped
    ("a phone call with al-Assad", "call", Medium("a phone call", "call")),
    ("a statement to my colleague Michael M. Grynbaum in July", "statement",
     Medium("a statement", "statement", time="July")),
    ("a statement announcing the pick", "statement", Medium("a statement", "statement")),
    # modifiers that are not outlets are dropped
    ("a White House statement", "statement", Medium("a statement", "statement")),
    ("a national security speech", "speech", Medium("a speech", "speech")),
    # an outlet named inside a medium phrase wins, with its registry name and kind
    ("a Bloomberg interview", "interview", Medium("Bloomberg", "news_agency")),
    ("an interview with The Huffington Post", "interview", Medium("HuffPost", "newspaper")),
    ("a May interview on CNBC's Squawk Box", "interview", Medium("CNBC", "broadcaster", time="May")),
    ("an interview with CNN’s Wolf Blitzer", "interview", Medium("CNN", "broadcaster")),
    # a show by its own name is an outlet
    ("The Steve Harvey Morning Show on Tuesday", "broadcaster",
     Medium("The Steve Harvey Morning Show", "broadcaster", time="Tuesday")),
]


@pytest.mark.parametrize(("phrase", "kind", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_channel_phrase_reads_as_its_medium_or_outlet(phrase, kind, expected):
    assert channel_medium(phrase, kind) == expected


def test_a_place_the_tagger_found_before_the_medium_is_the_place():
    assert channel_medium("a Michigan rally", "speech", places=["Michigan"]) == Medium("a rally", "speech", "Michigan")
    assert channel_medium("a Michigan rally", "speech") == Medium("a rally", "speech")


def test_a_phrase_naming_no_known_medium_keeps_its_text():
    assert channel_medium("the hearing", "speech") == Medium("the hearing", "speech")


def test_the_parse_of_a_rally_gives_medium_place_and_time(annotate_text):
    article, parsed = annotate_text(
        "Trump said at a Friday evening rally in Michigan that the wall would be built.")
    (said,) = [a for a in extract_attributions(article, parsed)
               if article.text[a.cue[0].start : a.cue[0].end] == "said"]
    assert said.channel == "a rally" and said.channel_kind == "speech"
    assert "Michigan" in (said.location or "")
    assert "Friday" in (said.time or "")


def test_a_medium_phrase_hung_on_the_object_is_still_the_cues():
    """Parsers attach "in a phone call" to the verb or to its object; either way it is the medium."""
    from claims.extract.speakers import hung_on_object
    from claims.extract.tree import Tree

    sentence = parsed_sentence([("Pezeshkian", "Pezeshkian", 2, "nsubj"), ("reaffirmed", "reaffirm", 0, "root"),
                                ("support", "support", 2, "obj"), ("for", "for", 5, "case"),
                                ("Syria", "Syria", 3, "nmod"), ("in", "in", 9, "case"), ("a", "a", 9, "det"),
                                ("phone", "phone", 9, "compound"), ("call", "call", 3, "nmod")])
    tree = Tree(sentence)
    verb = sentence.words[1]
    assert [w.text for w in hung_on_object(verb, tree)] == ["call"]
    syria_only = parsed_sentence([("Pezeshkian", "Pezeshkian", 2, "nsubj"), ("reaffirmed", "reaffirm", 0, "root"),
                                  ("support", "support", 2, "obj"), ("for", "for", 5, "case"),
                                  ("Syria", "Syria", 3, "nmod")])
    assert hung_on_object(syria_only.words[1], Tree(syria_only)) == []
