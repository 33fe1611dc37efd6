"""Social media posts embedded in an article are their author's words (claims.extract.posts)."""

from __future__ import annotations

import dataclasses

import pytest

from claims.extract import extract_claims
from claims.extract.posts import author_type, find_posts
from claims.types import DIRECT, NARRATOR, ORGANIZATION, PERSON, UNKNOWN

RYAN = ("While I respect the professionals at the FBI, this announcement defies explanation. No one should be "
        "above the law. pic.twitter.com/OqctxglquI")
SIGNATURE = "\u2014 Paul Ryan (@SpeakerRyan) July 5, 2016"


def test_a_signature_on_its_own_line_closes_the_paragraph_above():
    text = f"Ryan criticized the FBI on Tuesday.\n\n{RYAN}\n\n{SIGNATURE}\n\nHearings follow."
    [post] = find_posts(text)
    assert text[post.body.start : post.body.end] == RYAN
    assert text[post.name.start : post.name.end] == "Paul Ryan"
    assert text[post.handle.start : post.handle.end] == "@SpeakerRyan"


def test_a_signature_after_the_words_on_one_line_closes_that_line():
    text = f'The speaker wrote on Twitter:\n\n<tweet author="@SpeakerRyan">{RYAN} {SIGNATURE}</tweet>\n'
    [post] = find_posts(text)
    assert text[post.body.start : post.body.end] == RYAN  # the tag the page left is not the post's


@pytest.mark.parametrize("text", [
    "Ryan (@SpeakerRyan) wrote that the decision defied explanation.",  # no dash, no date
    "\u2014 Paul Ryan (@SpeakerRyan)\n\nA day later he said more.",  # no date: not an embed's signature
    "\u2014 Paul Ryan (@SpeakerRyan) July 5, 2016",  # nothing before it
])
def test_no_post_without_an_embed_signature_and_words_before_it(text):
    assert find_posts(text) == []


@pytest.mark.parametrize("name, speaker_type", [
    ("Paul Ryan", PERSON), ("Donald J. Trump", PERSON), ("The Daily Beast", ORGANIZATION), ("Twitchy Team", UNKNOWN),
])
def test_the_author_type(name, speaker_type):
    assert author_type(name) == speaker_type


def test_a_name_the_entity_tagger_read_as_a_person_is_a_person():
    assert author_type("Sahil Kapur") == UNKNOWN  # not a given name the list knows
    assert author_type("Sahil Kapur", tagged_person=True) == PERSON
    assert author_type("The Daily Beast", tagged_person=True) == ORGANIZATION


def test_an_embedded_post_is_its_authors_claim_and_its_i_too(annotate_text):
    text = (f"House Speaker Paul Ryan criticized the FBI on Tuesday.\n\n{RYAN}\n\n{SIGNATURE}\n\n"
            "The committee will hold hearings later this month.")
    article, parsed = annotate_text(text)
    article = dataclasses.replace(article, author="Patrick Howley", publisher="Breitbart")
    claims = extract_claims(article, parsed)
    body_start, body_end = text.index(RYAN), text.index(RYAN) + len(RYAN)
    inside = [c for c in claims if body_start <= c.content_start and c.content_end <= body_end]
    assert inside and all(c.claim_type != NARRATOR for c in inside)
    assert all(c.attribution.speaker == "Paul Ryan" and c.attribution.channel == "Twitter" for c in inside)
    assert any(c.claim_type == DIRECT and c.attribution.cue_lemma == "post" for c in inside)
    outside = [c for c in claims if c.content_start >= text.index("The committee")]
    assert outside and all(c.attribution is None or c.attribution.speaker != "Paul Ryan" for c in outside)
    assert not any(c.attribution is not None and c.attribution.speaker == "Patrick Howley" for c in claims)


def test_an_embedded_post_in_an_html_page(tmp_path, model_spec):
    from claims.extract.files import annotated

    page = tmp_path / "tweet.html"
    page.write_text(
        "<html><head><title>Ryan blasts FBI</title></head><body><article><h1>Ryan blasts FBI decision</h1>"
        "<p>House Speaker Paul Ryan criticized the FBI on Tuesday for its decision not to recommend charges "
        "against Hillary Clinton, a decision he said needed more scrutiny from Congress and the public.</p>"
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">While I respect the professionals at the FBI, '
        'this announcement defies explanation. No one should be above the law. <a href="https://t.co/x">'
        "pic.twitter.com/OqctxglquI</a></p>&mdash; Paul Ryan (@SpeakerRyan) "
        '<a href="https://twitter.com/SpeakerRyan/status/1">July 5, 2016</a></blockquote>'
        "<p>Other Republicans joined in the criticism throughout the afternoon, and several of them asked for "
        "hearings before the committee as soon as possible.</p></article></body></html>", encoding="utf-8")
    [(article, parsed)] = list(annotated([str(page)], model_spec))
    claims = extract_claims(article, parsed)
    tweet = [c for c in claims if "above the law" in article.text[c.content_start : c.content_end]]
    assert tweet and all(c.attribution is not None and c.attribution.speaker == "Paul Ryan" for c in tweet)
