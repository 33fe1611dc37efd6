"""Attribution rules over the dependency parse: find cues, then their content and source spans.

Each rule says what construction it reads; a rule that fires gives an Attribution with spans and
a confidence. Speakers are typed and resolved later (claims.extract.speakers, claims.extract.coref).

Constructions:
- verb cue with a clausal complement: "X said (that) ...", "X vowed to ...", "reports indicate that ..."
- verb cue next to a quotation: "“...,” X said.", "X declared, “...”", "X continued: “...”"
- passive cue with an agent: "This was confirmed by X" (content: what "This" stands for)
- participial cue sharing its subject: "..., pledging to supply ..."
- urge-type cue with an object: "calling for the establishment of ..."
- "according to X": the rest of the clause is the content
- hedging adverbs: "are reportedly on the outskirts of Hama"
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.extract.lexicon import (
    CUE_VERBS,
    HEARSAY_ADVERBS,
    OBJECT_CONTENT_VERBS,
    PREPOSITION_CUES,
    WEAK_CUE_VERBS,
    verb_cue_lemma,
)
from claims.extract.quotes import Quote
from claims.extract.tree import Tree, contiguous, span_of
from claims.types import DIRECT, INDIRECT, MIXED, Attribution, ParsedSentence, Span, Word


@dataclass
class Found:
    """An attribution as a rule found it, with the parse words the later stages need."""

    attribution: Attribution
    cue_word: Word
    source_head: Word | None = None  # head of the source phrase (or of the inherited subject)
    inherited: bool = False  # the source is the subject of a governing verb ("..., pledging ...")
    anaphoric: bool = False  # the content is a pronoun or "this statement": points back
    appositives: list[Word] = field(default_factory=list)  # "X, a spokeswoman for Y," parsed as a 2nd subject

# Relations that do not belong to a source phrase ("X, who visited Syria, ...": the relative clause).
SOURCE_EXCLUDE = {"acl", "acl:relcl", "punct", "parataxis", "advcl", "dep"}
CLAUSE_DEPRELS = ("ccomp", "xcomp", "csubj")
# Assert-class cues whose infinitive complement is the content ("told supporters to vote").
XCOMP_CONTENT_VERBS = {"say", "tell", "ask", "warn", "advise", "invite", "remind"}
DEMONSTRATIVES = {"this", "that", "these", "those", "it"}


def find_attributions(sentence: ParsedSentence, text: str, quotes: list[Quote]) -> list[Found]:
    """All attributions whose cue lies in this sentence."""
    tree = Tree(sentence)
    found: list[Found] = []
    used_cues: set[int] = set()
    for word in sentence.words:
        attribution = None
        if word.index in used_cues:
            continue
        if word.upos in ("VERB", "AUX") and verb_cue_lemma(word.lemma, word.text) is not None:
            attribution = verb_cue(tree, word, text, quotes)
        elif word.lemma.lower() == "accord" and next_word_is(tree, word, "to"):
            attribution = according_to(tree, word, text)
        elif word.lemma.lower() in HEARSAY_ADVERBS and word.upos == "ADV":
            attribution = hedge(tree, word, text)
        if attribution is not None:
            used_cues.add(word.index)
            found.append(attribution)
    return found


def next_word_is(tree: Tree, word: Word, form: str) -> bool:
    following = tree.by_index.get(word.index + 1)
    return following is not None and following.text.lower() == form


def cue_span(tree: Tree, cue: Word, text: str) -> list[Span]:
    """The cue as PolNeAR marks it: the verb, with its particle or a 'for'/'on' it governs ('calling for')."""
    words = [cue] + [c for c in tree.kids(cue, "compound:prt")]
    for obl in tree.kids(cue, "obl", "obj"):
        for case in tree.kids(obl, "case"):
            preposition = case.text.lower()
            if case.index == cue.index + 1 and (
                preposition in PREPOSITION_CUES or preposition in ("for", "on") and cue.lemma.lower() == "call"
            ):
                words.append(case)
    words.sort(key=lambda w: w.index)
    spans = merge_spans([Span(w.start, w.end) for w in contiguous(words, cue)])
    if text[spans[-1].end : spans[-1].end + 1] == ":":  # "Caddell continued:" marks the colon too
        spans[-1] = Span(spans[-1].start, spans[-1].end + 1)
    return spans


def merge_spans(spans: list[Span]) -> list[Span]:
    spans = sorted(spans, key=lambda s: s.start)
    merged: list[Span] = []
    for span in spans:
        if merged and span.start <= merged[-1].end + 1:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(Span(span.start, span.end))
    return merged


def source_words(tree: Tree, head: Word, cue: Word | None = None) -> list[Word]:
    """The source phrase: the subject with its modifiers and appositive.

    A relative clause belongs to it when it stands between the source and the cue ("Stuart
    Stevens, who was Romney's adviser, said"), not when it follows the cue ("was echoed by X, who
    visited Syria").
    """
    excluded = SOURCE_EXCLUDE - {"acl", "acl:relcl"}
    keep_relative = cue is not None and head.index < cue.index
    skip = {child.index for child in tree.kids(head, "acl")
            if not (keep_relative and child.deprel == "acl:relcl" and child.index < cue.index)}
    words = tree.subtree(head, exclude=excluded, skip=skip)
    return contiguous(words, head)


def subject_of(tree: Tree, verb: Word) -> tuple[Word | None, bool]:
    """(subject, inherited): the verb's own subject, or the one of the verb it hangs from."""
    for child in tree.kids(verb, "nsubj", "csubj"):
        if not child.deprel.endswith(":pass"):
            return child, False
    current = verb
    for _ in range(3):
        if current.deprel.split(":")[0] not in ("advcl", "xcomp", "conj", "acl"):
            break
        parent = tree.head_of(current)
        if parent is None:
            break
        if current.deprel.startswith("acl") and parent.upos in ("NOUN", "PROPN", "PRON"):
            return parent, True  # "X, speaking to Reuters, ..." hangs from the noun
        for child in tree.kids(parent, "nsubj"):
            if not child.deprel.endswith(":pass"):
                return child, True
        current = parent
    return None, False


def passive_agent(tree: Tree, verb: Word) -> Word | None:
    for child in tree.kids(verb, "obl"):
        if child.deprel == "obl:agent" or any(c.text.lower() == "by" for c in tree.kids(child, "case")):
            return child
    return None


def is_passive(tree: Tree, verb: Word) -> bool:
    """Passive by label, or by shape: a form of 'be' plus a 'by' agent ("was confirmed by X")."""
    if tree.kids(verb, "aux:pass") or [c for c in tree.kids(verb, "nsubj") if c.deprel == "nsubj:pass"]:
        return True
    has_be = any(c.lemma.lower() == "be" for c in tree.kids(verb, "aux"))
    return has_be and passive_agent(tree, verb) is not None and verb.text.lower().endswith(("ed", "en", "n", "t"))


def that_clause_after(tree: Tree, cue: Word, text: str) -> Span | None:
    """Surface fallback for "X noted that ...": from 'that' to the end of the sentence."""
    following = tree.by_index.get(cue.index + 1)
    if following is None or following.text.lower() != "that":
        return None
    last = tree.words[-1]
    words = [w for w in tree.words if w.index >= following.index]
    return span_of(words, text) if last.index > following.index + 2 else None


def quote_near(cue: Word, quotes: list[Quote], text: str, sentence: ParsedSentence) -> Quote | None:
    """A quotation that the cue introduces or closes, with nothing but a source and punctuation between."""
    # Cue after the quote: “...,” X said. / “...,” said X.
    before = [q for q in quotes if q.end <= cue.start and q.end >= sentence.start - 1 or
              (q.end <= cue.start and q.start < sentence.start <= q.end + 2)]
    if before:
        quote = max(before, key=lambda q: q.end)
        gap = text[quote.end : cue.start]
        if len(gap) <= 60 and "\n" not in gap and not any(c in gap for c in ".!?“\""):
            return quote
    # Cue before the quote: X said: “...” / X declared, “...”
    after = [q for q in quotes if q.start >= cue.end]
    if after:
        quote = min(after, key=lambda q: q.start)
        gap = text[cue.end : quote.start]
        if len(gap) <= 40 and gap.strip() in ("", ",", ":", ",:", "—", "-", "–") or (
            len(gap) <= 40 and gap.rstrip().endswith((",", ":")) and "\n" not in gap and not any(c in gap for c in ".!?")
        ):
            return quote
    return None


def continued_quote(quote: Quote, cue: Word, sentence: ParsedSentence, quotes: list[Quote], text: str) -> Quote | None:
    """'“A,” Graham said. “B.”': the quote that resumes right after the cue's sentence is the same claim."""
    if quote.end > cue.start:
        return None
    inside = next((q for q in quotes if cue.end <= q.start < sentence.end), None)
    if inside is not None:  # '“My hope,” he said, “is that ...”'
        gap = text[cue.end : inside.start]
        return inside if len(gap) <= 40 and gap.rstrip().endswith((",", ":")) and "." not in gap else None
    following = next((q for q in quotes if q.start >= sentence.end), None)
    if following is None:
        return None
    gap = text[sentence.end : following.start]
    return following if len(gap) <= 2 and "\n" not in gap else None


def content_from_clause(tree: Tree, clause: Word, text: str) -> list[Span]:
    words = tree.subtree(clause)
    span = span_of(words, text)
    return [span] if span else []


def claim_type_for(content: list[Span], quotes: list[Quote]) -> str:
    covered = 0
    total = sum(s.end - s.start for s in content) or 1
    for span in content:
        for quote in quotes:
            overlap = min(span.end, quote.end) - max(span.start, quote.start)
            if overlap > 0:
                covered += overlap
    if covered >= 0.8 * total:
        return DIRECT
    if covered > 0:
        return MIXED
    return INDIRECT


def verb_cue(tree: Tree, cue: Word, text: str, quotes: list[Quote]) -> Found | None:
    lemma = verb_cue_lemma(cue.lemma, cue.text) or cue.lemma.lower()
    cue_class = CUE_VERBS[lemma]
    sentence = tree.sentence
    content: list[Span] = []
    confidence = 0.0
    passive = is_passive(tree, cue)
    anaphoric = False

    quote = quote_near(cue, quotes, text, sentence)
    clause = next(iter(tree.kids(cue, *CLAUSE_DEPRELS)), None)
    if clause is not None and clause.deprel.startswith("csubj") and not passive:
        clause = None
    if lemma == "call" and not called_for(tree, cue):
        named = called_something(tree, cue, text)  # "called climate change a hoax"
        if named is None:
            return None  # "X is called Y" names
        clause = None
    if lemma == "call" and not called_for(tree, cue):
        content, confidence = [named], 0.6
    elif quote is not None and (clause is None or clause.start >= quote.start and clause.end <= quote.end):
        content = [Span(quote.start, quote.end)]
        confidence = 0.85
        continuation = continued_quote(quote, cue, sentence, quotes, text)
        if continuation is not None:
            content.append(Span(continuation.start, continuation.end))
    elif clause is not None and not (clause.deprel.startswith("xcomp") and cue_class == "assert"
                                     and lemma not in XCOMP_CONTENT_VERBS):
        content = content_from_clause(tree, clause, text)
        confidence = 0.8 if clause.deprel.startswith("ccomp") else 0.65
    elif lemma in OBJECT_CONTENT_VERBS and tree.kids(cue, "obj") and not passive:
        target = tree.kids(cue, "obj")[0]
        span = span_of(tree.subtree(target, exclude={"acl:relcl"}), text)
        content = [span] if span else []
        confidence = 0.55
    elif prepositional_object(tree, cue) is not None:
        target, preposition = prepositional_object(tree, cue)
        span = span_of([w for w in tree.subtree(target, exclude={"acl:relcl"}) if w is not preposition], text)
        content = [span] if span else []
        confidence = 0.5
    elif cue_class == "urge":
        target = next(iter(tree.kids(cue, "obj")), None) or next(
            (o for o in tree.kids(cue, "obl") if any(c.text.lower() == "for" for c in tree.kids(o, "case"))), None)
        if target is not None:
            words = [w for w in tree.subtree(target) if w.deprel != "case" or w.head != target.index]
            span = span_of(words, text)
            content = [span] if span else []
            confidence = 0.6
    if not content and not passive:
        fallback = that_clause_after(tree, cue, text)
        if fallback is not None:
            content = [fallback]
            confidence = 0.6
    if passive:
        subject = next(iter(c for c in tree.kids(cue, "nsubj")), None)
        if (not content and subject is not None and passive_agent(tree, cue) is not None
                and subject.lemma.lower() in DEMONSTRATIVES | {"statement", "pledge", "claim", "report"}):
            anaphoric = True  # "This was confirmed by X": the content is what "This" stands for
            subject_span = span_of(tree.subtree(subject, exclude={"acl:relcl"}), text)
            content = [subject_span] if subject_span else []
            confidence = 0.6
    if not content:
        return None  # a cue with nothing reported ("declined to comment", "said nothing")
    if lemma in WEAK_CUE_VERBS and confidence < 0.65 and quote is None:
        return None

    source: list[Span] = []
    source_head: Word | None = None
    inherited = False
    if passive:
        source_head = passive_agent(tree, cue)
    else:
        source_head, inherited = subject_of(tree, cue)
    appositives: list[Word] = []
    if source_head is not None and not inherited and not passive:
        appositives = [c for c in tree.kids(cue, "nsubj") if c is not source_head
                       and source_head.index < c.index < cue.index and c.upos in ("NOUN", "PROPN")]
    if source_head is not None and not inherited:
        words = [w for w in source_words(tree, source_head, cue)
                 if not (w.head == source_head.index and w.deprel == "case")]
        for appositive in appositives:
            words += tree.subtree(appositive, exclude={"acl:relcl"})
        words = contiguous(sorted(words, key=lambda w: w.index), source_head) if appositives else words
        span = span_of(words, text)
        if span and not overlaps(span, content):
            source = [span]
    cue_spans = cue_span(tree, cue, text)
    if passive and source_head is not None:
        by_word = next((c for c in tree.kids(source_head, "case") if c.text.lower() == "by"), None)
        aux = [c for c in tree.kids(cue, "aux:pass", "aux")]
        words = sorted([cue, *aux] + ([by_word] if by_word else []), key=lambda w: w.index)
        cue_spans = merge_spans([Span(w.start, w.end) for w in contiguous(words, cue)])
    attribution = Attribution(
        sentence_index=sentence.index,
        cue=cue_spans,
        content=content,
        source=source,
        claim_type=claim_type_for(content, quotes),
        cue_class=cue_class,
        cue_lemma=lemma,
        confidence=confidence,
    )
    return Found(attribution, cue, source_head, inherited, anaphoric, appositives)


def prepositional_object(tree: Tree, cue: Word) -> tuple[Word, Word] | None:
    """("complained about X"): the object X and its preposition, when the preposition follows the cue."""
    for child in tree.kids(cue, "obl"):
        for case in tree.kids(child, "case"):
            if case.text.lower() in PREPOSITION_CUES and case.index <= cue.index + 2:
                return child, case
    return None


def called_something(tree: Tree, cue: Word, text: str) -> Span | None:
    """'called climate change a hoax': the object and what it is called, as one span."""
    objects, predicates = tree.kids(cue, "obj"), tree.kids(cue, "xcomp")
    if not objects or not predicates or is_passive(tree, cue):
        return None
    return span_of(tree.subtree(objects[0]) + tree.subtree(predicates[0]), text)


def called_for(tree: Tree, cue: Word) -> bool:
    for child in tree.kids(cue, "obl", "obj", "ccomp", "xcomp"):
        if child.deprel.startswith("ccomp"):
            return True
        if any(c.text.lower() in ("for", "on") for c in tree.kids(child, "case", "mark")):
            return True
    return any(c.text.lower() in ("for", "on") for c in tree.kids(cue, "compound:prt"))


def overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span.start < s.end and s.start < span.end for s in spans)


def according_to(tree: Tree, according: Word, text: str) -> Found | None:
    """'according to X': X is the source; the clause it modifies, minus the phrase, is the content."""
    source_head = tree.head_of(according)
    if source_head is None:
        return None
    to_word = tree.by_index.get(according.index + 1)
    phrase = tree.subtree(source_head)
    clause_head = tree.head_of(source_head) or source_head
    skip = {w.index for w in phrase}
    clause = [w for w in tree.subtree(clause_head, skip=skip) if w.index not in skip]
    if clause_head.index in skip:
        clause = [w for w in tree.words if w.index not in skip]
    content_span = span_of(clause, text)
    source_span = span_of([w for w in phrase if w.index not in (according.index, to_word.index if to_word else -1)], text)
    if content_span is None or source_span is None:
        return None
    # The content may run around the phrase: keep only the larger side when they interleave.
    content = [content_span]
    if content_span.start < source_span.start < content_span.end:
        left = Span(content_span.start, according.start)
        right = Span(source_span.end, content_span.end)
        content = [s for s in (trim(left, text), trim(right, text)) if s is not None]
    cue_end = to_word.end if to_word else according.end
    attribution = Attribution(
        sentence_index=tree.sentence.index,
        cue=[Span(according.start, cue_end)],
        content=content,
        source=[source_span],
        claim_type=INDIRECT,
        cue_class="assert",
        cue_lemma="according to",
        confidence=0.75,
    )
    return Found(attribution, according, source_head)


def trim(span: Span, text: str) -> Span | None:
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return Span(start, end) if end > start else None


def hedge(tree: Tree, adverb: Word, text: str) -> Found | None:
    """'reportedly' / 'allegedly': the clause it modifies is a claim from unnamed reports."""
    head = tree.head_of(adverb)
    if head is None:
        return None
    words = tree.subtree(head, exclude={"nsubj", "nsubj:pass", "cc", "conj", "punct", "mark", "advcl", "parataxis"})
    words = contiguous(words, head) if head in words else words
    span = span_of(words, text)
    if span is None:
        return None
    attribution = Attribution(
        sentence_index=tree.sentence.index,
        cue=[Span(adverb.start, adverb.end)],
        content=[span],
        source=[],
        claim_type=INDIRECT,
        cue_class="hedge",
        cue_lemma=adverb.lemma.lower(),
        hedged=True,
        confidence=0.55,
    )
    return Found(attribution, adverb)
