"""The learned extractor: PolNeAR-trained taggers find cues, then each cue's source and content.

Two passes over an article (models in ``claims/data/attribution/attribution.pt``, trained by
``python -m claims.training.train``):

1. the cue tagger reads every sentence and marks cue words (``B-CUE``/``I-CUE``); each cue span is
   one attribution;
2. the role tagger reads the cue's sentence and its neighbours, with that cue marked, and marks
   the source (``SRC``) and content (``CNT``) words.

The spans become the same ``Found`` records the rules produce, so speakers, channels, places and
times are described and resolved by the same code (claims.extract.speakers, claims.extract.coref).
Confidence is the mean probability the taggers gave their own cue and content tags.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import torch

from claims.encoder import ContextEncoder, load_encoder
from claims.extract.antecedents import PEOPLE_NOUNS
from claims.extract.continuation import through_quotation
from claims.extract.features import SENTENCE_OFFSETS, Vocabularies, cue_head
from claims.extract.lexicon import CUE_NOUNS, CUE_VERBS, verb_cue_lemma
from claims.extract.rules import Found, claim_type_for, merge_spans, overlaps, source_words, subject_of
from claims.extract.tagger import Tagger, TaggerAverage, decode, load_pretrain, load_tagger, spans_from_tags
from claims.extract.tree import Tree, span_of
from claims.extract.view import ArticleView, cue_features, role_features
from claims.names import PERSON_PRONOUNS
from claims.types import Attribution, ParsedSentence, Span, Word

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "attribution" / "attribution.pt"
ENCODER_FILE = MODEL_FILE.with_name("encoder.pt")
# Cue heads whose clause hangs from another verb: with no source of its own the speaker is that verb's.
DEPENDENT_CUE_DEPRELS = {"advcl", "xcomp", "conj", "acl"}
# Words that name no one on their own: a source the tagger cut down to these ("the" of "the Vermont
# senator", "After" ...) is no source. "Some" and "both" (DET in UD) do name a vague group.
ARTICLES = {"a", "an", "the"}
NON_NAMING_UPOS = {"ADP", "AUX", "CCONJ", "SCONJ", "PART", "PUNCT", "SYM"}


@dataclass
class AttributionModel:
    version: str
    vocab: Vocabularies
    cue: Tagger | TaggerAverage
    role: Tagger | TaggerAverage
    encoder: ContextEncoder | None = None  # word vectors in context, when the taggers read them

    @classmethod
    def load(cls, path: Path = MODEL_FILE, model_dir: Path | None = None) -> AttributionModel:
        """The saved taggers, with word vectors from the stanza pretrain they were trained with and
        the context encoder (``encoder.pt`` beside them) when they read one."""
        saved = torch.load(path, map_location="cpu", weights_only=False)
        pretrain_vocab, pretrain = load_pretrain(model_dir)
        vocab = Vocabularies(pretrain_vocab, saved["lemmas"])
        cue, role = load_tagger(saved["cue"], pretrain), load_tagger(saved["role"], pretrain)
        encoder = None
        if cue.context is not None or role.context is not None:
            encoder = load_encoder(path.with_name(ENCODER_FILE.name))
            if encoder.version != saved.get("encoder"):
                raise ValueError(f"{path} was trained with the encoder {saved.get('encoder')!r}, "
                                 f"but {ENCODER_FILE.name} holds {encoder.version!r}")
        return cls(saved["version"], vocab, cue, role, encoder)

    def add_context(self, view: ArticleView, indexes: set[int]) -> None:
        """Give these sentences of the view their word vectors in context (each encoded once)."""
        missing = sorted(i for i in indexes if i not in view.context)
        if self.encoder is None or not missing:
            return
        sentences = view.parsed.sentences
        vectors = self.encoder.encode([[w.text for w in sentences[i].words] for i in missing])
        view.context.update(zip(missing, vectors))


@functools.lru_cache(maxsize=1)
def bundled_model() -> AttributionModel | None:
    """The shipped model, loaded once; None when the package was built without it."""
    return AttributionModel.load() if MODEL_FILE.exists() else None


@dataclass
class CueCandidate:
    sentence_index: int
    words: list[Word]
    probability: float


def find_cues(view: ArticleView, model: AttributionModel) -> list[CueCandidate]:
    sentences = view.parsed.sentences
    if model.cue.context is not None:
        model.add_context(view, set(range(len(sentences))))
    decoded = decode(model.cue, [cue_features(view, i, model.vocab) for i in range(len(sentences))])
    cues = []
    for sentence, (path, probs) in zip(sentences, decoded):
        for _, first, last in spans_from_tags([model.cue.tag_names[t] for t in path]):
            cues.append(CueCandidate(sentence.index, sentence.words[first:last], mean(probs[first:last])))
    return cues


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def learned_attributions(view: ArticleView, model: AttributionModel) -> list[tuple[Found, Tree]]:
    """Each attribution the taggers find, as a Found plus the tree its source stands in."""
    cues = find_cues(view, model)
    if model.role.context is not None:  # the role tagger reads each cue's sentence and its neighbours
        last = len(view.parsed.sentences) - 1
        model.add_context(view, {min(max(c.sentence_index + k, 0), last) for c in cues for k in SENTENCE_OFFSETS})
    inputs = [role_features(view, cue.sentence_index, cue.words, model.vocab) for cue in cues]
    decoded = decode(model.role, [features for features, _ in inputs])
    text = view.article.text
    bounds = [(s.start, s.end) for s in view.parsed.sentences]
    results = []
    for cue, (_, window), (path, probs) in zip(cues, inputs, decoded):
        placed = [(sentence, word) for sentence in window for word in sentence.words]
        content: list[Span] = []
        source_runs: list[list[tuple[ParsedSentence, Word]]] = []
        content_probs: list[float] = []
        for role, first, last in spans_from_tags([model.role.tag_names[t] for t in path]):
            span = span_of([word for _, word in placed[first:last]], text)
            if span is None:
                continue
            if role == "CNT":
                content.append(span)
                content_probs.extend(probs[first:last])
            elif names_someone([word for _, word in placed[first:last]]):
                source_runs.append(placed[first:last])
        if not content:
            continue  # a cue word with nothing reported
        source_words = one_paragraph([item for run in source_runs for item in run], text, cue.sentence_index)
        kept = {(s.index, w.index) for s, w in source_words}
        source = [span for span in (span_of([w for s, w in run if (s.index, w.index) in kept], text)
                                    for run in source_runs) if span is not None]
        other_cues = [other.words[0].start for other in cues if other is not cue]
        results.append(build_found(view, cue, content, source, source_words,
                                   min(cue.probability, mean(content_probs)), bounds, other_cues))
    return results


def names_someone(words: list[Word]) -> bool:
    """Whether a marked source run has a word that can name a speaker (not only "the", "of", ",").
    A capitalised word inside a sentence may be a name whatever its tag ("..., From said": Al From)."""
    return any(w.upos not in NON_NAMING_UPOS and not (w.upos == "DET" and w.text.lower() in ARTICLES)
               or w.index > 1 and w.text[:1].isupper() for w in words)


def one_paragraph(source_words: list[tuple[ParsedSentence, Word]], text: str,
                  cue_sentence: int) -> list[tuple[ParsedSentence, Word]]:
    """The marked source words of one paragraph: those around the cue's sentence when the tagger
    marked words there, else the first marked ones. The tagger reads the sentences around a cue,
    and a run it marks can go on across a line break (a headline line above "The senator released
    a statement:"); a source is a phrase, and a phrase does not cross a line. Within a paragraph a
    run may cross a sentence end, which is where the sentence splitter is wrong ("Sen." + "Ted
    Cruz"): keeping only one sentence there cost held-out source exact F1 0.004."""
    groups: list[list[tuple[ParsedSentence, Word]]] = []
    for item in source_words:
        if groups and "\n" not in text[groups[-1][-1][1].end : item[1].start]:
            groups[-1].append(item)
        else:
            groups.append([item])
    if not groups:
        return []
    return next((group for group in groups if any(s.index == cue_sentence for s, _ in group)), groups[0])


def build_found(view: ArticleView, cue: CueCandidate, content: list[Span], source: list[Span],
                source_words: list[tuple[ParsedSentence, Word]], confidence: float,
                bounds: list[tuple[int, int]], other_cues: list[int]) -> tuple[Found, Tree]:
    """bounds: every sentence's (start, end); other_cues: where the article's other cues start."""
    cue_tree = view.trees[cue.sentence_index]
    head = cue_head(cue_tree, cue.words)
    lemma = verb_cue_lemma(head.lemma, head.text) or head.lemma.lower()
    if lemma == "accord":
        lemma = "according to"
    source_head, source_tree = None, cue_tree
    if source_words:
        # The source phrase's head: in the cue's sentence when the tagger marked words there.
        own = [w for s, w in source_words if s.index == cue.sentence_index]
        sentence = view.parsed.sentences[cue.sentence_index] if own else source_words[0][0]
        words = own or [w for s, w in source_words if s.index == sentence.index]
        source_tree = view.trees[sentence.index]
        source_head = phrase_head(view.trees[sentence.index], words, head)
    # "Trump rallied in Iowa, attacking Clinton": the tagger marked no source for a cue that hangs
    # from another verb; that verb's subject is the source, as the annotators and the rules read it.
    inherited = head.deprel.split(":")[0] in DEPENDENT_CUE_DEPRELS
    if not source_words and inherited:
        source_head, source = governing_source(cue_tree, head, content, view.article.text)
    if not source_words and not source:
        source_head, source, content = subject_of_speech_infinitive(cue_tree, cue.words, content, view.article.text)
    content = merge_spans(sorted(content, key=lambda s: s.start))
    # A quotation of several sentences is one content (the tagger marks sentence by sentence).
    content = through_quotation(content, [Span(w.start, w.end) for w in cue.words], view.quotes, view.article.text,
                                bounds, other_cues)
    attribution = Attribution(
        sentence_index=cue.sentence_index,
        cue=merge_spans([Span(w.start, w.end) for w in cue.words]),
        content=content,
        source=merge_spans(source),
        claim_type=claim_type_for(content, view.quotes),
        cue_class=CUE_VERBS.get(lemma) or CUE_NOUNS.get(lemma, "assert"),
        cue_lemma=lemma,
        confidence=round(confidence, 3),
    )
    # "..., pledging to ...": the participle's speaker (and channel) are its governing verb's.
    return Found(attribution, head, source_head, inherited=inherited), source_tree


def governing_source(tree: Tree, cue: Word, content: list[Span], text: str) -> tuple[Word | None, list[Span]]:
    """(head, span) of the subject of the verb a reporting participle hangs from ("Trump rallied
    ..., attacking", claims.extract.rules subject_of) when that subject is a name, a personal
    pronoun or a noun for people; (None, []) otherwise, or when its phrase runs into the content."""
    if not cue.text.lower().endswith("ing") or tree.kids(cue, "aux:pass", "nsubj:pass"):
        return None, []  # a participle that reports ("..., saying"), not a passive ("is said to")
    subject, inherited = subject_of(tree, cue)
    if subject is None or not inherited or not (names_a_person(subject) or subject.upos == "NOUN"
                                                and subject.lemma.lower() in PEOPLE_NOUNS):
        return None, []  # a person or body speaks: not "The new strategy ..., emphasizing"
    span = subject_span(tree, subject, cue, text)
    if span is None or overlaps(span, content):
        return None, []
    return subject, [span]


def names_a_person(word: Word) -> bool:
    """A name or a personal pronoun ("Trump", "she", "we")."""
    return word.upos == "PROPN" or word.upos == "PRON" and word.text.lower() in PERSON_PRONOUNS


def subject_span(tree: Tree, subject: Word, verb: Word, text: str) -> Span | None:
    """The words of a verb's subject as a source, its own preposition left out."""
    words = [w for w in source_words(tree, subject, verb) if not (w.head == subject.index and w.deprel == "case")]
    return span_of(words, text)


def subject_of_speech_infinitive(tree: Tree, cue_words: list[Word], content: list[Span],
                                 text: str) -> tuple[Word | None, list[Span], list[Span]]:
    """(head, span, content) for a cue like "was prompted to say" or "went on to tell" when the
    tagger marked no source: the subject of the verb the cue's reporting infinitive hangs from is
    the source when it is a name or a personal pronoun. The tagger reads a sentence among its
    neighbours and now and then marks that subject as a piece of content, as the annotators mark
    the subject of "is expected to win" ("Mr. Trump was prompted to say, ''So far, ...''"): a
    content piece that is exactly the subject becomes the source. (None, [], content) otherwise."""
    indexes = {w.index for w in cue_words}
    for word in cue_words:
        if word.deprel != "xcomp" or word.head not in indexes or verb_cue_lemma(word.lemma, word.text) is None:
            continue
        governor = tree.by_index[word.head]
        subject = next(iter(tree.kids(governor, "nsubj", "nsubj:pass")), None)
        if subject is None or not names_a_person(subject):
            break
        span = subject_span(tree, subject, governor, text)
        if span is None:
            break
        rest = [piece for piece in content if piece != span]
        if not rest or overlaps(span, rest):
            break
        return subject, [span], rest
    return None, [], content


def phrase_head(tree: Tree, words: list[Word], cue: Word) -> Word:
    """The head of the marked source words: the cue's subject or agent among them when there is
    one, else the marked word highest in the tree (nearest the cue on a tie). When the parse makes
    several marked words the cue's subject ("Clinton supporters said" read as two subjects), the
    last is the head: an English noun phrase ends in its head noun. Punctuation the tagger took in
    with the phrase (the comma after "the other candidate, former Secretary of State Hillary
    Clinton,") is never its head."""
    words = [w for w in words if w.upos != "PUNCT"] or words
    indexes = {w.index for w in words}
    tops = [w for w in words if w.head not in indexes] or words
    subjects = [w for w in tops if w.head == cue.index and w.deprel.split(":")[0] in ("nsubj", "obl", "nmod")]
    if subjects:
        return max(subjects, key=lambda w: w.index)
    depth = {w.index: len(tree.ancestors(w)) for w in tops}
    return min(tops, key=lambda w: (depth[w.index], abs(w.index - cue.index)))
