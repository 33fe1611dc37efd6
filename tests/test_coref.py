"""claims.extract.coref: speakers within one article (short names, pronouns, participles, acronyms)."""

from __future__ import annotations

from claims.extract.coref import acronyms, is_surname_only
from claims.types import PERSON


def spans(article, attribution, kind):
    return " ".join(article.text[s.start : s.end] for s in getattr(attribution, kind))


def with_cue(article, found, cue):
    """The attribution whose cue reads ``cue``."""
    return next(a for a in found if spans(article, a, "cue") == cue)


def test_acronyms_the_article_defines():
    assert acronyms("the Syrian Democratic Forces (SDF) hold the bridges") == {"SDF": "Syrian Democratic Forces"}
    assert acronyms("the World Health Organization (WHO) said") == {"WHO": "World Health Organization"}
    assert acronyms("a report (PDF) was published") == {}


def test_a_surname_alone_is_told_from_a_full_name():
    assert is_surname_only("Trump") and is_surname_only("Mr. Trump") and is_surname_only("President Obama")
    assert not is_surname_only("Donald Trump") and not is_surname_only("officials")


def test_speaker_resolved_across_sentences(extract):
    text = ("Maria Lopez, a spokeswoman for the city council, said the budget would pass. "
            "Lopez added that taxes would not rise. She also noted that the vote was close.")
    article, found = extract(text)
    assert len(found) == 3
    assert {a.speaker for a in found} == {"Maria Lopez"}
    assert all(a.speaker_type == PERSON for a in found)
    assert found[0].role == "spokeswoman" and found[0].affiliation == "the city council"


def test_an_acronym_the_article_defines_names_the_speaker(extract):
    text = ("Fighting spread to Manbij, where the Syrian Democratic Forces (SDF) hold the bridges. "
            "The SDF said that civilians were leaving the town.")
    article, found = extract(text)
    said = with_cue(article, found, "said")
    assert said.speaker == "Syrian Democratic Forces"


def test_a_participle_takes_its_verbs_speaker_and_channel(extract):
    text = ("Iranian President Masoud Pezeshkian reaffirmed his support for Syria in a phone call with al-Assad, "
            "pledging to supply all necessary resources.")
    article, found = extract(text)
    pledging = with_cue(article, found, "pledging")
    assert pledging.speaker == "Masoud Pezeshkian"
    assert pledging.channel and "phone call" in pledging.channel


def test_a_surname_takes_the_one_full_name_the_article_gives_even_later(extract):
    text = ("Trump said the wall would be built. The crowd cheered. "
            "Donald J. Trump is the Republican nominee, and Mike Pence is his running mate.")
    article, found = extract(text)
    said = with_cue(article, found, "said")
    assert said.speaker == "Donald J. Trump"


def test_a_titled_surname_takes_the_article_full_name_of_that_person(extract):
    # "Mr. Trump" is Donald J. Trump, not his daughter; the title does not hide the surname.
    article, found = extract("Donald J. Trump spoke in Iowa on Monday. His daughter Ivanka Trump joined him on stage. "
                             "Mr. Trump said that the wall would be built.")
    assert with_cue(article, found, "said").speaker == "Donald J. Trump"


def test_a_gendered_title_chooses_between_two_namesakes(extract):
    # Bill Clinton is named last, but "Mrs. Clinton" is Hillary Clinton.
    article, found = extract("Bill Clinton campaigned in Ohio on Monday. Hillary Clinton spoke in Iowa. Bill Clinton "
                             "later visited a factory. Mrs. Clinton said that the economy was improving.")
    assert with_cue(article, found, "said").speaker == "Hillary Clinton"


def test_a_surname_finds_a_full_name_written_as_a_possessor(extract):
    article, found = extract("Donald Trump's campaign manager resigned on Monday. Trump said that the campaign was strong.")
    assert with_cue(article, found, "said").speaker == "Donald Trump"


def test_a_surname_left_open_between_two_namesakes_stays_in_its_article(extract):
    article, found = extract("Clinton said that the plan would work. Bill Clinton and Hillary Clinton both attended the dinner.")
    claim = with_cue(article, found, "said")
    assert claim.speaker == "Clinton" and claim.speaker_type == PERSON and claim.speaker_local


def test_a_pronoun_skips_a_person_whose_given_name_says_otherwise(extract):
    article, found = extract("Hillary Clinton spoke in Iowa on Monday. James Comey testified on Tuesday. "
                             "She said that the emails were handled properly.")
    assert with_cue(article, found, "said").speaker == "Hillary Clinton"


def test_pronouns_after_a_bare_surname_choose_between_namesakes(extract):
    # Bill Clinton is named last; "Clinton ... her" says which Clinton the article means.
    article, found = extract("Hillary Clinton spoke in Iowa on Monday. Bill Clinton campaigned in Ohio. "
                             "Clinton is facing criticism for her comments. Clinton said that the plan would work.")
    assert with_cue(article, found, "said").speaker == "Hillary Clinton"
