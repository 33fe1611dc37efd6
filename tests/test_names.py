"""claims.names: how names are read, the title and pronoun lists, gender, the channel registry."""

from __future__ import annotations

import pytest

from claims import names
from claims.names import known_channel, mention_gender, person_name, source_gender, title_gender
from claims.store import speaker_keys
from claims.types import PERSON


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Abbas Araghchi", "abbas araghchi"),
        ("Iranian Foreign Minister Abbas Araghchi", "abbas araghchi"),
        ("Mr. Abbas  Araghchi", "abbas araghchi"),
        ("Dr. Anthony Fauci", "anthony fauci"),
        ("Former Secretary of State Hillary Clinton", "hillary clinton"),
        ("Sen. Bernie Sanders (I-Vt.)", "bernie sanders"),
        ("Rep. Nancy Pelosi", "nancy pelosi"),
        ("Gov. Gavin Newsom", "gavin newsom"),
        ("Russian President Putin", "putin"),
        ("Al Jazeera\u2019s Sinem Koseoglu", "sinem koseoglu"),
        ("Araghchi's", "araghchi"),
        ("Abbas Araghchi, Iran's foreign minister", "abbas araghchi"),
        ("O\u2019Brien Smith", "o'brien smith"),
        ("Recep Tayyip Erdo\u011fan", "recep tayyip erdogan"),
        ("Donald Trump Jr.", "donald trump jr"),
        ("Donald Trump, Jr.", "donald trump jr"),
        ("Martin Luther King III", "martin luther king iii"),
        ("Mary King Smith", "mary king smith"),  # a title word inside a name stays
    ],
)
def test_person_names_are_normalized(written, key):
    assert person_name(written).key == key
    assert speaker_keys.name_key(PERSON, written) == key


def test_person_name_parts():
    trump_jr = person_name("Donald Trump Jr.")
    assert (trump_jr.given, trump_jr.surname, trump_jr.suffix) == (("donald",), ("trump",), "jr")
    assert not person_name("Trump Jr.").is_full and person_name("Trump Jr.").suffix == "jr"
    assert person_name("Bashar al-Assad").surname_key == person_name("Assad").surname_key == "assad"
    assert person_name("Ursula von der Leyen").surname == ("von", "der", "leyen")
    assert not person_name("von der Leyen").is_full
    # a capitalized first word is a given name, not a particle: Al Gore is a full name
    assert person_name("Al Gore").is_full and person_name("Al Gore").surname_key == "gore"
    assert not person_name("President Trump").is_full


def test_gender_from_titles_sources_and_mentions():
    assert title_gender("Mr. Trump") == "male" and title_gender("Mrs. Clinton") == "female"
    assert title_gender("Trump") is None and title_gender("Mr.") is None
    assert source_gender("He") == "male" and source_gender("Mr. Obama") == "male"
    assert source_gender("she’s") == "female" and source_gender("Ms. Smith") == "female"
    assert source_gender("Officials") is None and source_gender("") is None
    assert mention_gender("Clinton", ["Mrs. Clinton"]) == "female"
    assert mention_gender("Mr. Clinton", ["Mrs. Clinton"]) is None  # they disagree
    assert mention_gender("Clinton", ["he", "Clinton"]) == "male"  # "he said", resolved to a bare surname
    assert mention_gender("Clinton", ["she", "Mr. Clinton"]) is None


def test_the_channel_registry_finds_names_and_aliases():
    assert known_channel("Reuters").name == "Reuters"
    assert known_channel("the Associated Press").name == known_channel("AP").name == "Associated Press"
    assert known_channel("Reuters’").name == "Reuters"
    assert known_channel("Example Gazette") is None


def test_the_word_lists_hold_what_their_readers_need():
    # the pronouns a source may be (he said, they told), and the words that are never an alias
    assert names.PERSON_PRONOUNS == {"he", "him", "his", "she", "her", "they", "them", "i", "we", "you"}
    assert {"hers", "their", "who", "it", "i'm"} <= names.POINTING_WORDS
    assert names.MALE_POINTERS == {"he", "him", "his", "he's", "himself", "mr"}
    assert names.FEMALE_POINTERS == {"she", "her", "hers", "she's", "herself", "mrs", "ms", "miss"}
    # honorifics are titles of a name too; the role words hold jobs that are not ("reporter")
    assert {h.rstrip(".") for h in names.HONORIFICS} <= names.TITLES
    assert "reporter" in names.TITLE_FORMS and "reporter" not in names.TITLES


def test_every_title_word_is_declared_once_in_the_table():
    written = [word for line in names.TITLE_TABLE_TEXT.splitlines()
               if line.split("#", 1)[0].strip() for word in line.split("#", 1)[0].partition(":")[2].split()]
    assert len(written) == len(set(written)) == len(names.TITLE_TABLE)
    for word, flags in names.TITLE_TABLE.items():
        assert word == word.casefold() and not word.endswith("."), word  # the period comes from "abbr"
        assert flags - {"abbr"}, word  # every word is in at least one set
    with pytest.raises(ValueError, match="already"):
        names.read_title_table("title: mr\nrole: mr")
    for bad in ("title mr", "titel: mr", "title:"):
        with pytest.raises(ValueError):
            names.read_title_table(bad)


def test_the_title_table_flags_hang_together():
    table = names.TITLE_TABLE
    for word, flags in table.items():
        if flags & {"honorific", "name-like", "male", "female"}:
            assert "title" in flags, word  # stripped from a name before it can say more
        assert not {"male", "female"} <= flags, word
        assert not {"title", "descriptor"} <= flags, word


def test_the_sets_are_the_tables_readings():
    table = names.TITLE_TABLE

    def flagged(flag):
        return {word for word, flags in table.items() if flag in flags}

    assert names.TITLES == flagged("title") and names.DESCRIPTORS == flagged("descriptor")
    assert names.TITLE_MODIFIERS == flagged("modifier") and names.NAME_LIKE_TITLES == flagged("name-like")
    assert names.MALE_TITLES == flagged("male") and names.FEMALE_TITLES == flagged("female")
    # the extractor's sets hold words as written: an abbreviation with its period, an honorific
    # with and without it; compared with a word, the period is off
    assert {w.rstrip(".") for w in names.TITLE_WORDS} == flagged("role")
    assert {w.rstrip(".") for w in names.HONORIFICS} == flagged("honorific")
    for written in names.TITLE_WORDS | names.HONORIFICS:
        assert written.endswith(".") <= ("abbr" in table[written.rstrip(".")]), written
    for word in flagged("role") & flagged("abbr"):
        assert word + "." in names.TITLE_WORDS and word not in names.TITLE_WORDS
    for word in flagged("honorific") & flagged("abbr"):
        assert {word, word + "."} <= names.HONORIFICS
    assert names.TITLE_FORMS == {w.rstrip(".") for w in names.TITLE_WORDS | names.HONORIFICS}
    assert "sen." in names.TITLE_WORDS and "sen" in names.TITLE_FORMS and "sen" in names.TITLES
