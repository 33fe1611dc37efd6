"""Attributions the page's layout marks rather than a reporting verb.

- **A speaker label** opens a line of a transcript or an interview: ``PENCE: Well, look, ...``,
  ``"WALLACE: If I may, sir, ...``, ``Q: Did the Immigration service take care of you?``,
  ``Chris Matthews: Seriously, ...``. The label is the source, its colon the cue and the rest of
  the line the content. A line opening with a capitalised word and a colon is not always a turn
  ("Update: ...", "Iowa: Trump 30, Cruz 25"), so a label counts when it names a person (the
  entity tagger read it as one, or it is the surname of a person the article names) or, where
  the article has two labelled lines or more (a transcript has turns), when it is written in
  capitals or is an interview's "Q" or "A" (``names_a_speaker``); words that label a part of a
  page ("Note", "Related", "Watch") and labels holding a function word ("CNN President On
  Trump:") never count.
- **A signed quotation**: a quotation and, after a dash, who said it, on the same line
  (``“... He represents our greatest shame.” ― Sonya Herridge``) or on the next one
  (``"... going to the top 1 percent."`` then ``- Bernie Sanders.``), as fact-checks and reader
  round-ups print them. The name is the source, the dash the cue and the quotation the content.
  A social media embed's signature ("— Paul Ryan (@SpeakerRyan) July 5, 2016") is a post's
  (claims.extract.posts), not this.

``find_layout_attributions`` finds both from the text alone; ``add_layout_attributions`` turns
each into an attribution, in place of whatever the taggers made of the same label or signature;
``name_labels`` (before the article's speakers are resolved) and ``name_interview_turns`` (after)
say who a label names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claims.extract.coref import narrator
from claims.extract.rules import Found, overlaps
from claims.names import known_channel
from claims.types import DIRECT, PERSON, UNKNOWN, Attribution, Entity, Span, Word

if TYPE_CHECKING:
    from claims.extract.tree import Tree
    from claims.extract.view import ArticleView

# What a word of a person's name is never tagged as ("Continued", "On", "The").
NOT_IN_NAMES = frozenset({"VERB", "AUX", "ADP", "CCONJ", "SCONJ", "PRON", "DET", "PART", "NUM"})

OPENING_MARKS = "\"“”'‘"
CLOSING_MARKS = "\"”'’"
DASHES = "―—–-"

# One word of a label or a signature name: "PENCE", "Matthews", "Seitz-Wald", "P.", "O’Rourke", "McDonald".
NAME_WORD = r"[A-Z][\w’'.-]*"
LABEL_LINE = re.compile(
    rf"[^\S\n]*[{OPENING_MARKS}]?(?P<label>{NAME_WORD}(?: {NAME_WORD}){{0,3}})(?P<colon>:)[^\S\n]+(?P<rest>\S[^\n]*)")
# After a quotation's closing mark: a dash and a name, then perhaps ", who she is" and a full stop.
SIGNATURE = re.compile(
    rf"[.,]?[^\S\n]*(?P<dash>--|[{DASHES}])[^\S\n]*(?P<name>{NAME_WORD}(?:[^\S\n]{NAME_WORD}){{0,4}})"
    r"(?P<tail>,[^\n]{0,120}?)?[ \t.]*$", re.MULTILINE)

CLOSE_THEN_DASH = re.compile(rf"[{CLOSING_MARKS}][.,]?[^\S\n]*(?:--|[{DASHES}])")

# Labels that name a part of the page, not a speaker.
NOT_SPEAKERS = frozenset({
    "abstract", "analysis", "breaking", "caption", "clarification", "correction", "credit", "disclaimer",
    "editor's note", "editor’s note", "editors' note", "exclusive", "full transcript", "note", "opinion",
    "photo", "photos", "read more", "related", "see also", "source", "sources", "transcript", "update",
    "updated", "video", "watch", "warning", "when", "where", "what", "why", "how", "who", "tags", "topics",
    "filed under", "share", "listen", "subscribe", "follow", "contact", "email", "phone", "address",
    "click here", "bottom line", "the bottom line", "the verdict", "verdict", "the facts", "the claim",
    "claim", "the ruling", "ruling", "our ruling", "rating", "the pinocchio test", "background",
})
INTERVIEW_LABELS = frozenset({"q", "a"})
# Words no speaker label holds ("CNN President On Trump: ...", a headline in title case).
FUNCTION_WORDS = frozenset("on of in for about to at with and or the by from after over vs says".split())
# The cue lemmas of what this module finds (never a verb's lemma: "labeled" is "label").
LABEL_CUE = "speaker label"
SIGNATURE_CUE = "signature"
MIN_CONTENT_WORDS = 2
WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class LayoutAttribution:
    """A speaker named by the page's layout: label or signature (source), colon or dash (cue), words (content)."""

    source: Span
    cue: Span
    content: Span
    kind: str  # "label" or "signature"


def find_layout_attributions(text: str, entities: list[Entity], body_start: int = 0,
                             body_end: int | None = None) -> list[LayoutAttribution]:
    """Every labelled line and signed quotation in text[body_start:body_end], in reading order."""
    end = len(text) if body_end is None else body_end
    found = labelled_lines(text, entities, body_start, end) + signed_quotations(text, body_start, end)
    return sorted(found, key=lambda item: item.cue.start)


def lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:end], line breaks left out."""
    out, position = [], start
    while position < end:
        stop = text.find("\n", position, end)
        stop = end if stop < 0 else stop
        out.append((position, stop))
        position = stop + 1
    return out


def trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def labelled_lines(text: str, entities: list[Entity], start: int, end: int) -> list[LayoutAttribution]:
    candidates = []
    for line_start, line_end in lines(text, start, end):
        match = LABEL_LINE.match(text, line_start, line_end)
        if match is None:
            continue
        label = match.group("label").rstrip(".")
        if label.casefold() in NOT_SPEAKERS or label.casefold().split()[0] in NOT_SPEAKERS or any(
                word in FUNCTION_WORDS for word in label.casefold().split()):
            continue
        content = trimmed(text, match.start("rest"), line_end)
        if content is None or len(WORDS.findall(text[content.start : content.end])) < MIN_CONTENT_WORDS:
            continue
        candidates.append(LayoutAttribution(Span(match.start("label"), match.start("label") + len(label)),
                                            Span(match.start("colon"), match.end("colon")), content, "label"))
    surnames = {surname_key(e.text) for e in entities if e.type == "PER" and e.text.split()}
    turns = len(candidates) >= 2
    return [c for c in candidates if names_a_speaker(text[c.source.start : c.source.end], c.source, entities,
                                                       surnames, turns)]


def names_a_speaker(label: str, span: Span, entities: list[Entity], surnames: set[str], turns: bool) -> bool:
    """A label names a speaker when the entity tagger read it as a person, when its last word is the
    surname of a person the article names ("WALLACE" and Chris Wallace), or, in an article with
    several labelled lines, when it is written in capitals ("JAKE TAPPER") or is an interview's
    "Q" or "A". "Iowa: Trump 30, Cruz 25" is no turn."""
    if any(e.type == "PER" and e.start <= span.start and span.end <= e.end for e in entities):
        return True
    if surname_key(label) in surnames:
        return True
    return turns and (label.isupper() or label.casefold() in INTERVIEW_LABELS)


def signed_quotations(text: str, start: int, end: int) -> list[LayoutAttribution]:
    out = []
    previous: tuple[int, int] | None = None  # the last line with words on it
    for line_start, line_end in lines(text, start, end):
        line = trimmed(text, line_start, line_end)
        if line is None:
            continue
        signature = SIGNATURE.match(text, line.start, line.end)
        if signature is not None and previous is not None:
            # "- Bernie Sanders." on a line of its own: the quotation is the line above.
            quotation = quotation_span(text, *previous)
            if quotation is not None:
                out.append(signed(signature, quotation))
        else:
            # "“...” ― Sonya Herridge": the quotation and its signature on one line.
            closing = last_closing_mark(text, line.start, line.end)
            if closing is not None:
                signature = SIGNATURE.match(text, closing + 1, line.end)
                quotation = quotation_span(text, line.start, closing + 1)
                if signature is not None and quotation is not None:
                    out.append(signed(signature, quotation))
        previous = (line.start, line.end)
    return out


def last_closing_mark(text: str, start: int, end: int) -> int | None:
    """Where the line's last closing quote mark that a dash follows stands."""
    matches = list(CLOSE_THEN_DASH.finditer(text, start, end))
    return matches[-1].start() if matches else None


def quotation_span(text: str, start: int, end: int) -> Span | None:
    """text[start:end] when it is one whole quotation: an opening mark first, a closing mark last
    (punctuation after it allowed), and words between."""
    span = trimmed(text, start, end)
    if span is None:
        return None
    close = span.end
    while close > span.start and text[close - 1] in ".,;":
        close -= 1
    if text[span.start] not in OPENING_MARKS or close - span.start < 3 or text[close - 1] not in CLOSING_MARKS:
        return None
    if len(WORDS.findall(text[span.start : close])) < MIN_CONTENT_WORDS:
        return None
    return Span(span.start, close)


def signed(signature: re.Match[str], quotation: Span) -> LayoutAttribution:
    name_end = signature.end("name")
    while signature.string[name_end - 1] == ".":  # "- Sanders." ends a sentence; "Jr." keeps its stop below
        name_end -= 1
    if signature.string[signature.start("name") : name_end + 1].endswith(("Jr.", "Sr.")):
        name_end += 1
    return LayoutAttribution(Span(signature.start("name"), name_end),
                             Span(signature.start("dash"), signature.end("dash")), quotation, "signature")


def interviewee(text: str, entities: list[Entity], before: int) -> str | None:
    """Who answers an interview's "A:" lines: the person the text above its first labelled line
    names most often (the headline and introduction: "Laura Bush sees hope ... Former first lady
    Laura Bush spoke with USA TODAY"), counted by surname, the one named first on a tie, the
    fullest form of the name returned; None when it names no one."""
    counts: dict[str, int] = {}  # in the order first named
    fullest: dict[str, str] = {}
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.type != "PER" or entity.start >= before or not entity.text.split():
            continue
        key = surname_key(entity.text)
        counts[key] = counts.get(key, 0) + 1
        if len(entity.text.split()) > len(fullest.get(key, "").split()):
            fullest[key] = entity.text
    return fullest[max(counts, key=counts.__getitem__)] if counts else None


def surname_key(name: str) -> str:
    """A name's last word, case and possessive aside: "Wallace" of "Chris Wallace's", "WALLACE"."""
    return name.split()[-1].casefold().rstrip(".").removesuffix("’s").removesuffix("'s")


LaidOut = tuple[LayoutAttribution, Found]


def add_layout_attributions(pairs: list[tuple[Found, Tree | None]], view: ArticleView, entities: list[Entity]
                            ) -> tuple[list[tuple[Found, Tree | None]], list[LaidOut]]:
    """The taggers' (and rules') attributions with what they made of labels and signatures
    dropped and one attribution for each label and signature added; and those added, each with
    what it was found from."""
    article = view.article
    layout = find_layout_attributions(article.text, entities, article.body_start, article.body_end)
    if not layout:
        return pairs, []
    kept = [pair for pair in pairs if not from_layout(pair[0].attribution, layout)]
    laid_out: list[LaidOut] = []
    for item in layout:
        pair = layout_found(item, view)
        if pair is not None:
            kept.append(pair)
            laid_out.append((item, pair[0]))
    return kept, laid_out


def name_labels(laid_out: list[LaidOut], text: str) -> None:
    """Before the article's speakers are resolved: a label in capitals is a name ("WALLACE", "JAKE
    TAPPER"), resolved with the article's people like any surname; an acronym ("UN: PEACEKEEPERS
    ...") is left to what the parse makes of it."""
    for item, found in laid_out:
        label = text[item.source.start : item.source.end]
        keep_description_to_name(found.attribution, label, text[item.content.start : item.content.end])
        if item.kind == "label" and label.isupper() and len(label) > 3 and known_channel(label) is None:
            found.attribution.speaker, found.attribution.speaker_type = label.title(), PERSON


def name_interview_turns(laid_out: list[LaidOut], text: str, entities: list[Entity], author: str | None) -> None:
    """After the article's speakers are resolved: who an interview's "Q" and "A" are
    (``name_interview_speaker``), and no description read from the words a label introduces."""
    layout = [item for item, _ in laid_out]
    for item, found in laid_out:
        label = text[item.source.start : item.source.end]
        if item.kind == "label" and label in ("Q", "A"):
            name_interview_speaker(found.attribution, label, layout, text, entities, author)
        keep_description_to_name(found.attribution, label, text[item.content.start : item.content.end])


def holders(laid_out: list[LaidOut]) -> list[tuple[Span, Attribution]]:
    """Each labelled turn's or signed quotation's words with its attribution, for an "I" inside
    them (claims.extract.posts ``give_first_person_to``)."""
    return [(item.content, found.attribution) for item, found in laid_out]


def from_layout(attribution: Attribution, layout: list[LayoutAttribution]) -> bool:
    """The taggers' reading of a label or signature: its cue or source lies in one (the label
    "PENCE" and its colon, the "― Beck Pimentel" below a quotation)."""
    marks = [Span(item.source.start, item.cue.end) if item.kind == "label" else Span(item.cue.start, item.source.end)
             for item in layout]
    return any(overlaps(span, marks) for span in attribution.cue + attribution.source)


def keep_description_to_name(attribution: Attribution, name: str, words: str) -> None:
    """A label or signature is a name: a role or affiliation read from the words it introduces
    ("A: Believe me, a wall ..." gave the role "Believe me, ...") or that is the label itself
    ("PENCE") is dropped; one the article gives the person elsewhere stays ("CLINTON": candidate).
    Words spoken on the page have no place, time or channel of their own."""
    if attribution.role and (attribution.role.casefold() == name.casefold() or attribution.role in words):
        attribution.role = None
    if attribution.affiliation and (attribution.affiliation.casefold() == name.casefold()
                                    or attribution.affiliation in words):
        attribution.affiliation = None
    attribution.location = attribution.time = None
    attribution.channel = attribution.channel_kind = None


def name_interview_speaker(attribution: Attribution, label: str, layout: list[LayoutAttribution], text: str,
                           entities: list[Entity], author: str | None) -> None:
    """Who an interview's "Q" and "A" are. The questions are the interviewer's, the article's own
    voice (its byline's author, else the publication); the answers are the person the article
    introduces (claims.extract.layout ``interviewee``), else no one named."""
    if label == "Q":
        narrator(attribution, author)
        return
    first_label = min(other.source.start for other in layout if other.kind == "label")
    person = interviewee(text, entities, first_label)
    attribution.speaker, attribution.speaker_type = person, PERSON if person else UNKNOWN
    attribution.speaker_local = False


def layout_found(item: LayoutAttribution, view: ArticleView) -> tuple[Found, Tree | None] | None:
    """A label or signature as a Found: the colon or dash its cue word, the label's last word the
    source's head; None when no parse word covers them (text the parser was not given)."""
    cue = word_covering(view, item.cue)
    source = word_covering(view, Span(item.source.end - 1, item.source.end))
    if cue is None or source is None:
        return None
    label = view.article.text[item.source.start : item.source.end]
    if item.kind == "label" and not label.isupper() and any(
            word.upos in NOT_IN_NAMES for word in words_in(view, item.source)):
        return None  # "Continued Stone: ..." is no speaker's name
    attribution = Attribution(sentence_index=cue[0], cue=[item.cue], content=[item.content], source=[item.source],
                              claim_type=DIRECT, cue_class="assert",
                              cue_lemma=LABEL_CUE if item.kind == "label" else SIGNATURE_CUE,
                              confidence=0.9 if item.kind == "signature" else 0.85)
    source_tree = view.trees[source[0]] if source[0] != cue[0] else None
    return Found(attribution, cue[1], source[1]), source_tree


def words_in(view: ArticleView, span: Span) -> list[Word]:
    """The parse words inside span."""
    return [word for sentence in view.parsed.sentences if sentence.start < span.end and span.start < sentence.end
            for word in sentence.words if span.start <= word.start and word.end <= span.end]


def word_covering(view: ArticleView, span: Span) -> tuple[int, Word] | None:
    """(sentence index, word) of the parse word that overlaps span first."""
    for sentence in view.parsed.sentences:
        if sentence.end <= span.start:
            continue
        if sentence.start >= span.end:
            return None
        for word in sentence.words:
            if word.start < span.end and span.start < word.end:
                return sentence.index, word
    return None
