"""Attribution extraction on the real bundled model: the constructions a newsroom writes."""

from __future__ import annotations

import pytest

from claims.extract import extract_attributions, extract_claims
from claims.types import ANONYMOUS, DIRECT, NARRATOR, UNNAMED_REPORTS


def spans(article, attribution, kind):
    return " ".join(article.text[s.start : s.end] for s in getattr(attribution, kind))


def with_cue(article, found, cue):
    """The attribution whose cue reads ``cue``."""
    return next(a for a in found if spans(article, a, "cue") == cue)


def test_reported_speech_with_that_clause(extract):
    article, (a,) = extract("Officials said that the port was closed on Tuesday.")
    assert spans(article, a, "cue") == "said"
    assert spans(article, a, "source") == "Officials"
    assert spans(article, a, "content") == "that the port was closed on Tuesday"
    assert a.speaker_type == ANONYMOUS


def test_quote_before_the_cue_is_direct(extract):
    article, found = extract("“We are ready to negotiate,” the minister said.")
    (a,) = found
    assert a.claim_type == DIRECT
    assert spans(article, a, "content") == "“We are ready to negotiate,”"
    assert spans(article, a, "source") == "the minister"


def test_according_to_a_news_agency(extract):
    article, (a,) = extract("According to Reuters, the talks collapsed after midnight.")
    assert spans(article, a, "cue") == "According to"
    assert spans(article, a, "source") == "Reuters"
    assert a.channel == "Reuters"
    assert "the talks collapsed" in spans(article, a, "content")


def test_vague_reports_and_hedges(extract):
    article, found = extract("Reports indicate that the rebels crossed the river. The rebels were reportedly near the city.")
    kinds = {spans(article, a, "cue"): a for a in found}
    assert kinds["indicate"].speaker_type == UNNAMED_REPORTS
    assert kinds["reportedly"].speaker_type == UNNAMED_REPORTS and kinds["reportedly"].hedged


def test_channel_from_participle(extract):
    text = "A senior military source, speaking to Reuters, confirmed that reinforcements were sent."
    article, (a,) = extract(text)
    assert a.channel == "Reuters" and a.speaker_type == ANONYMOUS
    assert spans(article, a, "source") == "A senior military source"


def test_scare_quotes_are_not_direct_claims(extract):
    article, found = extract("Critics called the new policy “woke” on Monday.")
    assert all(a.claim_type != DIRECT for a in found)


def test_every_sentence_yields_a_claim(annotate_text):
    text = "The river rose overnight. Officials said the bridge was closed. “It is unsafe,” the mayor said."
    article, parsed = annotate_text(text)
    claims = extract_claims(article, parsed)
    assert {c.sentence_index for c in claims} == {s.index for s in parsed.sentences}
    assert claims[0].claim_type == NARRATOR
    for claim in claims:
        assert 0 <= claim.content_start < claim.content_end <= len(text)


@pytest.mark.parametrize("text", [
    "The measure is expected to pass the House next week.",
    "\u201cWe need jobs,\u201d the senator said, \u201cand we need them now.\u201d",
])
def test_content_in_pieces_around_its_cue_is_one_claim(annotate_text, text):
    # Not "The measure" and "to pass the House next week" as two claims: one claim from the first
    # piece to the last, the pieces its content spans.
    from claims.extract.files import claim_record

    article, parsed = annotate_text(text)
    claims = [c for c in extract_claims(article, parsed) if c.attribution is not None]
    attributions = {c.attribution_index for c in claims}
    assert claims and len(claims) == len(attributions)  # one claim per attribution in one sentence
    claim = next(c for c in claims if len(c.attribution.content) > 1)
    record = claim_record(article, claim)
    assert len(record["content_spans"]) == 2
    assert record["text"] == text[record["content_spans"][0][0] : record["content_spans"][-1][1]]
    cue = claim.attribution.cue[0]
    assert not any(start <= cue.start < end for start, end in record["content_spans"])


def test_seed_article_attributions(seed_annotated):
    """The seed page: chrome excluded, the reporter named, the pronoun resolved."""
    article, parsed = seed_annotated
    found = extract_attributions(article, parsed)
    assert all(article.body_start <= a.cue[0].start < article.body_end for a in found)
    speakers = {a.speaker for a in found if a.speaker}
    assert "Sinem Koseoglu" in speakers
    explained = next(a for a in found if spans(article, a, "cue") == "explained")
    assert explained.claim_type == DIRECT and explained.speaker == "Sinem Koseoglu"


# -- the learned extractor and its fallbacks ---------------------------------------------------------


def test_the_bundled_attribution_model_loads():
    from claims.extract.learned import bundled_model

    model = bundled_model()
    assert model is not None and model.version.startswith("attribution-")
    assert model.cue.tag_names == ["O", "B-CUE", "I-CUE"]
    assert model.role.tag_names == ["O", "B-SRC", "I-SRC", "B-CNT", "I-CNT"]


def test_a_quote_over_two_sentences_is_one_attribution(extract):
    article, found = extract("“We will not retreat. We will hold every street of this city,” the general said on Monday.")
    (a,) = found
    content = spans(article, a, "content")
    assert "We will not retreat" in content and "hold every street" in content
    assert spans(article, a, "source") == "the general"
    assert a.claim_type == DIRECT and 0 < a.confidence <= 1


def test_rules_method_and_unknown_method(annotate_text):
    article, parsed = annotate_text("Officials said that the port was closed on Tuesday.")
    (a,) = extract_attributions(article, parsed, method="rules")
    assert spans(article, a, "cue") == "said"
    with pytest.raises(ValueError, match="unknown extraction method"):
        extract_attributions(article, parsed, method="magic")


def test_without_the_model_file_the_rules_take_over(annotate_text, monkeypatch, tmp_path):
    from claims.extract import learned

    learned.bundled_model.cache_clear()
    monkeypatch.setattr(learned, "MODEL_FILE", tmp_path / "missing.pt")
    try:
        article, parsed = annotate_text("Officials said that the port was closed on Tuesday.")
        assert learned.bundled_model() is None
        (a,) = extract_attributions(article, parsed)
        assert spans(article, a, "content") == "that the port was closed on Tuesday"
    finally:
        learned.bundled_model.cache_clear()


def test_a_misread_lemma_still_finds_the_reporting_verb():
    from claims.extract.lexicon import verb_cue_lemma

    assert verb_cue_lemma("echooe", "echoed") == "echo"
    assert verb_cue_lemma("committ", "committed") == "commit"
    assert verb_cue_lemma("say", "said") == "say"
    assert verb_cue_lemma("walk", "walked") is None


def test_titles_are_not_names_and_a_possessor_is_not_the_speaker(extract):
    article, found = extract("Donald Trump’s campaign manager, Corey Lewandowski, said the rally would go ahead. "
                             "Sen. Marco Rubio said he would win Florida.")
    by_cue = {a.speaker: a for a in found}
    assert "Corey Lewandowski" in by_cue and "Donald Trump" not in by_cue
    assert by_cue["Corey Lewandowski"].role != "Corey Lewandowski"
    assert "Marco Rubio" in by_cue


def test_a_name_the_tagger_split_is_joined_again():
    from claims.extract.speakers import last_name_run
    from claims.types import Entity

    text = "Opposition leader Hadi al-Bahri declared"
    parts = [Entity("Hadi", "PER", 18, 22), Entity("Bahri", "PER", 26, 31)]
    assert last_name_run(parts, text).text == "Hadi al-Bahri"
    apart = "Trump and Carly Fiorina said"
    assert last_name_run([Entity("Trump", "PER", 0, 5), Entity("Carly Fiorina", "PER", 10, 23)], apart).text == "Carly Fiorina"


def test_a_group_named_by_a_plural_stays_in_its_article(extract):
    article, found = extract("Republicans said that the bill was dead. Billionaire Donald Trump said that he would win.")
    group, person = sorted(found, key=lambda a: a.cue[0].start)
    assert group.speaker == "Republicans" and group.speaker_local
    assert person.speaker == "Donald Trump" and not person.speaker_local  # a descriptor is not part of the name


def test_coordinated_sources_and_modifier_names_are_not_one_speaker(extract):
    article, found = extract("Donald Trump, Ben Carson, and Carly Fiorina said that the debate was unfair. "
                             "Aides to Gov. Chris Christie said that he would not run.")
    several, aides = sorted(found, key=lambda a: a.cue[0].start)
    assert several.speaker == "Donald Trump, Ben Carson, and Carly Fiorina" and several.speaker_local
    assert aides.speaker is None and aides.speaker_type == ANONYMOUS and aides.affiliation == "Gov. Chris Christie"


def test_names_coordinated_under_a_title_are_several_speakers(extract):
    article, (a,) = extract("Democratic presidential candidates Hillary Clinton and Bernie Sanders said that the debate was fair.")
    assert a.speaker_local and a.speaker.endswith("Hillary Clinton and Bernie Sanders")


def test_an_anonymous_source_is_affiliated_with_the_name_that_modifies_it(extract):
    article, found = extract("A White House official said that the talks had stalled. "
                             "New York primary voters, who said that the race was close, lined up early.")
    official, voters = sorted(found, key=lambda a: a.cue[0].start)
    assert official.speaker_type == ANONYMOUS and official.affiliation == "White House"
    assert voters.speaker_type == ANONYMOUS and voters.affiliation == "New York"
    assert spans(article, voters, "source") == "who" and voters.role == "New York primary voters"


def test_a_source_does_not_cross_a_line(extract):
    """The role tagger reads the sentences around a cue, and a run of source tags could go on from a
    headline line into the cue's sentence; a source is a phrase, and a phrase does not cross a line."""
    text = ("Senate votes on the bill\n\nThe senator released the following statement:\n\n"
            "\"We will not accept this bill. It is a disgrace.\"")
    article, attributions = extract(text)
    sources = [article.text[s.start : s.end] for a in attributions for s in a.source]
    assert sources
    assert all("\n" not in source and "Senate votes" not in source for source in sources)


def test_a_name_in_apposition_to_its_title_is_not_the_role():
    """"Opposition leader Hadi al-Bahri" parsed with the title as head and the name as its
    apposition: the role is the title with its modifier, the name stays the speaker's."""
    from conftest import parsed_sentence

    from claims.extract.speakers import describe_titles
    from claims.extract.tree import Tree
    from claims.types import Attribution, Entity, Span

    sentence = parsed_sentence([("Opposition", "opposition", 2, "amod"), ("leader", "leader", 6, "nsubj"),
                                ("Hadi", "Hadi", 2, "appos"), ("al-Bahri", "al-Bahri", 3, "flat"),
                                ("today", "today", 6, "obl:tmod"), ("declared", "declare", 0, "root")])
    for word, upos in zip(sentence.words, ["ADJ", "NOUN", "PROPN", "PROPN", "NOUN", "VERB"]):
        word.upos = upos
    text = "Opposition leader Hadi al-Bahri today declared"
    name = Entity("Hadi al-Bahri", "PER", text.index("Hadi"), text.index(" today"))
    attribution = Attribution(sentence_index=0, cue=[Span(38, 46)], content=[], source=[Span(0, 31)],
                              claim_type="direct")
    describe_titles(attribution, Tree(sentence), sentence.words[1], sentence.words[:4], text, name)
    assert attribution.role == "Opposition leader"


def test_of_two_subjects_in_one_source_the_last_is_its_head():
    """A parse may make both words of "Clinton supporters" the cue's subject; the phrase's head is
    its last noun, so the speaker is the supporters, not Clinton."""
    from conftest import parsed_sentence

    from claims.extract.learned import phrase_head
    from claims.extract.tree import Tree

    sentence = parsed_sentence([("Clinton", "Clinton", 3, "nsubj"), ("supporters", "supporter", 3, "nsubj"),
                                ("said", "say", 0, "root"), ("it", "it", 5, "nsubj"), ("went", "go", 3, "ccomp")])
    words = sentence.words
    assert phrase_head(Tree(sentence), words[:2], words[2]).text == "supporters"
    assert phrase_head(Tree(sentence), words[:1], words[2]).text == "Clinton"


def test_a_source_of_articles_and_prepositions_alone_names_no_one():
    """The tagger sometimes marks only "the" of "the Vermont senator" (or "After"): such a run is no
    source, so no speaker called "the" reaches the speakers page; "Some" (a DET in UD) still is one."""
    from claims.extract.learned import names_someone
    from claims.types import Word

    def words(*pairs, first=1):
        return [Word(n, text, text.lower(), upos, "_", "_", 0, "dep", 0, 0)
                for n, (text, upos) in enumerate(pairs, first)]

    assert not names_someone(words(("the", "DET")))
    assert not names_someone(words(("After", "ADP"), (",", "PUNCT")))
    assert not names_someone(words(("A", "DET")))
    assert names_someone(words(("Some", "DET")))
    assert names_someone(words(("the", "DET"), ("senator", "NOUN")))
    assert names_someone(words(("he", "PRON")))
    assert names_someone(words(("From", "ADP"), first=9))  # '"...," From said': Al From


def test_the_speaker_of_a_reporting_infinitive_marked_as_content_is_its_source():
    # The tagger, reading "Mr. Trump was prompted to say, ..." among its neighbours, marked "Mr. Trump"
    # as a piece of content, as annotators mark the subject of "is expected to win".
    from claims.extract.learned import subject_of_speech_infinitive
    from claims.extract.tree import Tree
    from claims.types import ParsedSentence, Span, Word

    text = "Mr. Trump was prompted to say, ''So far, so good.''"
    parse = [("Mr.", "Mr.", "PROPN", 2, "nmod:desc"), ("Trump", "Trump", "PROPN", 4, "nsubj:pass"),
             ("was", "be", "AUX", 4, "aux:pass"), ("prompted", "prompt", "VERB", 0, "root"),
             ("to", "to", "PART", 6, "mark"), ("say", "say", "VERB", 4, "xcomp")]
    words, at = [], 0
    for index, (form, lemma, upos, head, deprel) in enumerate(parse, start=1):
        start = text.index(form, at)
        words.append(Word(index, form, lemma, upos, "", "", head, deprel, start, start + len(form)))
        at = start + len(form)
    tree = Tree(ParsedSentence(0, 0, len(text), words))
    quotation = Span(text.index("So far"), text.index("good") + 4)
    subject_piece = Span(0, text.index(" was"))
    head, source, content = subject_of_speech_infinitive(tree, words[2:], [subject_piece, quotation], text)
    assert head.text == "Trump" and [text[s.start : s.end] for s in source] == ["Mr. Trump"]
    assert content == [quotation]
    # "is expected to win" has no reporting infinitive: its subject stays content
    assert subject_of_speech_infinitive(tree, words[2:4], [subject_piece, quotation], text)[0] is None
