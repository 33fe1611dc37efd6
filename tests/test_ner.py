"""The recipe's NER scorers (claims.training.ner): GUM named entities to BIO, BIO/BIOES spans, P/R/F1.

No trained model and no stanza pipeline: a stand-in pipeline returns fixed NER tags.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from claims.training.ner import bio_entities, gum_named_entities, score_ner_gum, score_ner_silver

COLUMNS = "ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC".split()


def conllu(*sentences: str) -> str:
    """CoNLL-U from rows written with runs of spaces between the 10 columns (readable inline)."""
    blocks = []
    for sentence in sentences:
        lines = []
        for row in sentence.strip().splitlines():
            row = row.strip()
            if row.startswith("#"):
                lines.append(row)
                continue
            columns = row.split()
            assert len(columns) == len(COLUMNS), row
            lines.append("\t".join(columns))
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + "\n"


# Nested: a non-named place ("office") holds an organization that holds a place, and another place.
BANK = """
# text = The Bank of America office in Toronto hired Edward Jones.
1  The      the      DET    DT   _  5  det       _  Entity=(1-place-new-nnnnn-cf1-5-sgl
2  Bank     Bank     PROPN  NNP  _  5  compound  _  Entity=(2-organization-new-sssss-cf2-1,3-coref-Bank_of_America
3  of       of       ADP    IN   _  4  case      _  _
4  America  America  PROPN  NNP  _  2  nmod      _  Entity=(3-place-new-nnnnn-cf3-1-sgl-United_States)2)
5  office   office   NOUN   NN   _  8  nsubj     _  _
6  in       in       ADP    IN   _  7  case      _  _
7  Toronto  Toronto  PROPN  NNP  _  5  nmod      _  Entity=(4-place-new-sssss-cf4-1-sgl-Toronto)1)
8  hired    hire     VERB   VBD  _  0  root      _  _
9  Edward   Edward   PROPN  NNP  _  8  obj       _  Entity=(5-person-new-sssss-cf5-1,2-sgl-Edward_Jones
10 Jones    Jones    PROPN  NNP  _  9  flat      _  Entity=5)|SpaceAfter=No
11 .        .        PUNCT  .    _  8  punct     _  _
"""
# A group of people (NNPS), a title (nmod:desc), a named event that hides the place inside it.
BATTLE = """
# text = Texans met President Joe Biden at the Battle of Gettysburg.
1  Texans      Texan       PROPN  NNPS  _  2  nsubj      _  Entity=(6-person-new-nnnnn-cf1-1-sgl)
2  met         meet        VERB   VBD   _  0  root       _  _
3  President   President   PROPN  NNP   _  4  nmod:desc  _  Entity=(7-person-new-sssss-cf2-1,2,3-sgl-Joe_Biden
4  Joe         Joe         PROPN  NNP   _  2  obj        _  _
5  Biden       Biden       PROPN  NNP   _  4  flat       _  Entity=7)
6  at          at          ADP    IN    _  8  case       _  _
7  the         the         DET    DT    _  8  det        _  Entity=(8-event-new-nnnnn-cf3-2-sgl-Battle_of_Gettysburg
8  Battle      Battle      PROPN  NNP   _  2  obl        _  _
9  of          of          ADP    IN    _  10 case       _  _
10 Gettysburg  Gettysburg  PROPN  NNP   _  8  nmod       _  Entity=(9-place-new-nnnnn-cf4-1-sgl-Gettysburg)8)|SpaceAfter=No
11 .           .           PUNCT  .     _  2  punct      _  _
"""
# A multi-word token and an empty node; two mentions open on one word; a person that is not named.
SMETANA = """
# text = Smetana's music pleased the audience.
1-2  Smetana's  _         _      _    _  _  _          _       _
1    Smetana    Smetana   PROPN  NNP  _  3  nmod:poss  _       Entity=(10-abstract-new-nnnnn-cf1-3-sgl(11-person-new-sssss-cf2-1-coref-Smetana
2    's         's        PART   POS  _  1  case       _       Entity=11)
3    music      music     NOUN   NN   _  4  nsubj      _       Entity=10)
4    pleased    please    VERB   VBD  _  0  root       _       _
4.1  pleased    please    VERB   VBD  _  _  _          0:root  CopyOf=4
5    the        the       DET    DT   _  6  det        _       Entity=(12-person-new-nnnnn-cf3-2-sgl
6    audience   audience  NOUN   NN   _  4  obj        _       Entity=12)|SpaceAfter=No
7    .          .         PUNCT  .    _  4  punct      _       _
"""
# A name word GUM tags VERB (xpos NNP).
UNITED = """
# text = The United Nations met.
1  The      the     DET    DT    _  3  det    _  Entity=(13-organization-new-sssss-cf1-2,3-coref-United_Nations
2  United   Unite   VERB   NNP   _  3  amod   _  _
3  Nations  Nation  PROPN  NNPS  _  4  nsubj  _  Entity=13)
4  met      meet    VERB   VBD   _  0  root   _  SpaceAfter=No
5  .        .       PUNCT  .     _  4  punct  _  _
"""


@pytest.fixture
def gum_file(tmp_path: Path) -> Path:
    path = tmp_path / "gum.conllu"
    path.write_text("# newdoc id = test\n" + conllu(BANK, BATTLE, SMETANA, UNITED), encoding="utf-8")
    return path


def test_gum_named_entities(gum_file: Path) -> None:
    bank, battle, smetana, united = gum_named_entities(gum_file)
    # The outer mention (head "office") is not named; the organization wins over the place in it.
    assert bank == [("The", "O"), ("Bank", "B-ORG"), ("of", "I-ORG"), ("America", "I-ORG"), ("office", "O"),
                    ("in", "O"), ("Toronto", "B-LOC"), ("hired", "O"), ("Edward", "B-PER"), ("Jones", "I-PER"),
                    (".", "O")]
    # "Texans" is a group; the title is left out; the named event is dropped and hides Gettysburg.
    assert [tag for _, tag in battle] == ["O", "O", "O", "B-PER", "I-PER", "O", "O", "O", "O", "O", "O"]
    # Syntactic words, not the multi-word token; no empty node; possessive 's outside the name.
    assert smetana == [("Smetana", "B-PER"), ("'s", "O"), ("music", "O"), ("pleased", "O"), ("the", "O"),
                       ("audience", "O"), (".", "O")]
    assert [tag for _, tag in united] == ["O", "B-ORG", "I-ORG", "O", "O"]


def test_gum_named_entities_without_entities(tmp_path: Path) -> None:
    path = tmp_path / "plain.conllu"
    path.write_text(conllu("""
        1  Hello  hello  INTJ   UH  _  0  root   _  SpaceAfter=No
        2  .      .      PUNCT  .   _  1  punct  _  _
    """), encoding="utf-8")
    assert gum_named_entities(path) == [[("Hello", "O"), (".", "O")]]


def test_bio_entities_bio() -> None:
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG", "O", "I-PER"]
    assert bio_entities(tags) == {(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG"), (7, 8, "PER")}


def test_bio_entities_bioes() -> None:
    tags = ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O", "S-LOC", "B-MISC", "E-MISC"]
    assert bio_entities(tags) == {(0, 1, "PER"), (1, 4, "ORG"), (5, 6, "LOC"), (6, 8, "MISC")}
    assert bio_entities([]) == set()
    assert bio_entities(["O", "O"]) == set()


def fake_pipeline(tags: list[list[str]]):
    """Stands in for a pretokenized stanza NER pipeline: returns these tags for the sentences given."""

    def run(sentences: list[list[str]]) -> SimpleNamespace:
        assert [len(s) for s in sentences] == [len(t) for t in tags]
        return SimpleNamespace(sentences=[
            SimpleNamespace(tokens=[SimpleNamespace(ner=tag) for tag in sentence]) for sentence in tags])

    return run


def test_score_ner_gum(gum_file: Path) -> None:
    predicted = [
        ["O", "B-ORG", "I-ORG", "E-ORG", "O", "O", "S-LOC", "O", "S-PER", "O", "O"],  # Edward alone: wrong span
        ["S-MISC", "O", "O", "B-PER", "E-PER", "O", "O", "O", "O", "S-LOC", "O"],  # MISC ignored; LOC false positive
        ["S-PER", "O", "O", "O", "O", "O", "O"],
        ["O", "B-ORG", "E-ORG", "O", "O"],
    ]
    scores = score_ner_gum(fake_pipeline(predicted), gum_file)
    assert set(scores) == {"PER", "ORG", "LOC", "PER+ORG+LOC"}
    assert scores["ORG"] == {"p": 100.0, "r": 100.0, "f1": 100.0, "support": 2}
    assert scores["LOC"] == {"p": 50.0, "r": 100.0, "f1": 66.67, "support": 1}
    assert scores["PER"] == {"p": 66.67, "r": 66.67, "f1": 66.67, "support": 3}
    assert scores["PER+ORG+LOC"] == {"p": 71.43, "r": 83.33, "f1": 76.92, "support": 6}


def test_score_ner_silver_maps_labels(tmp_path: Path) -> None:
    bio = tmp_path / "dev.bio"
    bio.write_text("Pat\tB-PERSON\nCaddell\tI-PERSON\nsaid\tO\nMonday\tB-DATE\n\nIn\tO\nOhio\tB-LOCATION\n",
                   encoding="utf-8")
    predicted = [["B-PER", "E-PER", "O", "O"], ["O", "S-ORG"]]
    scores = score_ner_silver(fake_pipeline(predicted), bio, {"PERSON": "PER", "LOCATION": "LOC", "DATE": "DATE"})
    assert scores["PER"]["f1"] == 100.0
    assert scores["DATE"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "support": 1}  # every label seen is reported
    assert scores["LOC"]["r"] == 0.0 and scores["ORG"]["p"] == 0.0
    assert scores["PER+ORG+LOC"] == {"p": 50.0, "r": 50.0, "f1": 50.0, "support": 2}
