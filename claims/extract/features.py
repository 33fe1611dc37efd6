"""Model inputs: a parsed sentence (and, for the role tagger, one cue in it) -> integer feature ids.

Both taggers read the same token features: the pretrained word vector, a learned lemma
embedding, UPOS, dependency relation, word shape, whether the token is inside quotation marks,
whether its lemma is a known reporting cue, and what the rule extractor said about it. The role
tagger adds where each token sits relative to the cue: in it, below it in the tree (and through
which relation), above it, elsewhere in its sentence, or in a neighbouring sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.extract.lexicon import CUE_VERBS
from claims.extract.quotes import Quote
from claims.extract.rules import Found
from claims.extract.tree import Tree
from claims.types import ParsedSentence, Word
from claims.word_shapes import SHAPES, shape_id

UPOS = "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
DEPRELS = ("acl advcl advmod amod appos aux case cc ccomp clf compound conj cop csubj dep det discourse "
           "dislocated expl fixed flat goeswith iobj list mark nmod nsubj nummod obj obl orphan parataxis "
           "punct reparandum root vocative xcomp").split()
RULE_ROLES = ["none", "cue", "source", "content"]
RELATIONS = (["cue", "above", "outside-before", "outside-after"] + [f"below:{d}" for d in DEPRELS]
             + [f"side:{d}" for d in DEPRELS])
SENTENCE_OFFSETS = [-1, 0, 1]  # the role tagger reads the cue's sentence and one on each side
NO_ID = 0  # padding / unknown for every categorical feature
CATEGORIES = {"upos": UPOS, "deprel": DEPRELS, "shape": SHAPES, "rule": RULE_ROLES, "relation": RELATIONS}


def category_id(kind: str, value: str) -> int:
    values = CATEGORIES[kind]
    return values.index(value) + 1 if value in values else NO_ID


def base_deprel(word: Word) -> str:
    return word.deprel.split(":")[0]


@dataclass
class Vocabularies:
    """Word -> row of the pretrained vectors; lemma -> learned embedding row (frequent lemmas only)."""

    pretrain: dict[str, int]
    lemmas: dict[str, int] = field(default_factory=dict)

    def word_id(self, form: str) -> int:
        return self.pretrain.get(form) or self.pretrain.get(form.lower()) or 1  # 1 = stanza's <UNK>

    def lemma_id(self, lemma: str) -> int:
        return self.lemmas.get(lemma.lower(), NO_ID)


def in_quote_flags(sentence: ParsedSentence, quotes: list[Quote]) -> list[int]:
    return [int(any(q.start <= w.start and w.end <= q.end for q in quotes)) for w in sentence.words]


def rule_roles(sentence: ParsedSentence, found: list[Found], cue_word: Word | None = None) -> list[str]:
    """What the rules marked on each word: for one cue (role tagger) or any cue (cue tagger)."""
    roles = ["none"] * len(sentence.words)
    for item in found:
        if cue_word is not None and item.cue_word.index != cue_word.index:
            continue
        a = item.attribution
        for i, word in enumerate(sentence.words):
            for role, spans in (("content", a.content), ("source", a.source), ("cue", a.cue)):
                if any(s.start < word.end and word.start < s.end for s in spans):
                    roles[i] = role
    return roles


def token_features(sentence: ParsedSentence, text: str, vocab: Vocabularies, quotes: list[Quote],
                   rules: list[str]) -> dict[str, list[int]]:
    """The features both taggers share, one list per feature, one entry per word."""
    words = sentence.words
    forms = [text[w.start : w.end] for w in words]
    return {
        "word": [vocab.word_id(f) for f in forms],
        "lemma": [vocab.lemma_id(w.lemma) for w in words],
        "upos": [category_id("upos", w.upos) for w in words],
        "deprel": [category_id("deprel", base_deprel(w)) for w in words],
        "shape": [shape_id(f) for f in forms],
        "quoted": [1 + q for q in in_quote_flags(sentence, quotes)],
        "lexicon": [1 + int(w.lemma.lower() in CUE_VERBS or w.lemma.lower() == "accord") for w in words],
        "rule": [category_id("rule", r) for r in rules],
    }


def cue_head(tree: Tree, cue_words: list[Word]) -> Word:
    """The cue word highest in the tree (its head lies outside the cue)."""
    indexes = {w.index for w in cue_words}
    for word in cue_words:
        if word.head not in indexes:
            return word
    return cue_words[0]


def relations_to_cue(tree: Tree, cue_words: list[Word]) -> list[str]:
    """Each word's place relative to the cue: in it, below it (through which relation), above it,
    or beside it (through which relation it hangs from the lowest common ancestor)."""
    head = cue_head(tree, cue_words)
    cue_indexes = {w.index for w in cue_words}
    above = {w.index for w in tree.ancestors(head)}
    path_up = [head.index, *[w.index for w in tree.ancestors(head)]]
    out = []
    for word in tree.words:
        if word.index in cue_indexes:
            out.append("cue")
        elif word.index in above:
            out.append("above")
        else:
            chain = [word]  # word, its head, ... up to the first node on the cue's path to the root
            while chain[-1].index not in path_up and chain[-1].head in tree.by_index:
                chain.append(tree.by_index[chain[-1].head])
            meeting = chain[-1].index
            branch = chain[-2] if len(chain) >= 2 else word
            kind = "below" if meeting == head.index else "side"
            out.append(f"{kind}:{base_deprel(branch)}")
    return out
