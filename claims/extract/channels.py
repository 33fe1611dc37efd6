"""A channel is a medium or an outlet, not the phrase that names it.

The extractor finds a channel as a phrase ("in a Friday evening rally in Michigan", "in his
statements", "in a Bloomberg interview"); :func:`channel_medium` reads that phrase into the channel
and the event details it carries, by one rule:

1. An outlet named anywhere in the phrase is the channel, with the registry's name and kind
   (``claims/data/channels.json``): "a Bloomberg interview" and "an interview with The Huffington
   Post" are Bloomberg and HuffPost. A show named by its own proper name ("The Steve Harvey Morning
   Show") is an outlet too.
2. Otherwise the channel is the medium its head noun names, in a few words (``CHANNEL_MEDIA``):
   "his statements", "a statement Friday", "a White House statement" -> "a statement"; "a phone
   call with al-Assad" -> "a phone call"; "one tweet" -> Twitter; "a rally in Novi" -> "a rally".
3. The details leave the name: time words ("Friday evening", "earlier Wednesday", "on Thursday",
   "in July") become the time; a proper name after in/at ("in Fort Pierce, Florida") or a place
   the tagger found ("a Michigan rally") becomes the place; anything else ("with al-Assad",
   "announcing the pick", "to my colleague ...") is dropped.

The caller gives the place and time to the claim only when it has none of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from claims.extract.lexicon import (
    CHANNEL_DETERMINERS,
    CHANNEL_MEDIA,
    CHANNEL_NOUNS,
    CHANNEL_PREPOSITIONS,
    PLACE_PREPOSITIONS,
    TIME_WORDS,
    WEAK_TIME_WORDS,
)
from claims.names import known_channel


@dataclass(frozen=True)
class Medium:
    """What a channel phrase says: the channel's name and kind, and the place and time it names."""

    name: str
    kind: str | None
    place: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        """Lower case, without a possessive or the punctuation around it ("Friday's" -> "friday")."""
        word = self.text.lower().strip("\"“”‘()")
        word = re.sub(r"['’]s?$", "", word)
        return word if word.endswith(".") and len(word) <= 5 else word.rstrip(".,;:")


def _tokens(phrase: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"[^\s,]+|,", phrase)]


def _is_time(token: _Token) -> bool:
    word = token.bare
    return word in TIME_WORDS or bool(re.fullmatch(r"\d{1,4}(st|nd|rd|th)?", word))


def _noun_lemma(word: str) -> str | None:
    """The channel noun a word is, plural or not ("statements" -> "statement"), or None."""
    for candidate in (word, word[:-1] if word.endswith("s") else None, word[:-2] if word.endswith("es") else None):
        if candidate and candidate in CHANNEL_NOUNS:
            return candidate
    return None


def _capitalized(token: _Token) -> bool:
    return token.text.lstrip("\"“‘(")[:1].isupper()


def _outlet(tokens: list[_Token]):
    """The registry outlet a run of capitalized words names ("CNN's", "The Huffington Post"), longest first."""
    best = None
    for i in range(len(tokens)):
        if not _capitalized(tokens[i]):
            continue
        for j in range(i + 1, min(len(tokens), i + 6) + 1):
            if not _capitalized(tokens[j - 1]) and tokens[j - 1].bare not in ("of", "the"):
                break
            entry = known_channel(" ".join(t.text.strip("\"“”") for t in tokens[i:j]))
            if entry is not None and (best is None or j - i > best[0]):
                best = (j - i, entry)
    return best[1] if best else None


def _covered(token: _Token, phrase: str, names: Iterable[str]) -> bool:
    for name in names:
        for match in re.finditer(re.escape(name), phrase):
            if match.start() <= token.start and token.end <= match.end():
                return True
    return False


def _time_runs(tokens: list[_Token], is_time) -> list[list[_Token]]:
    """The runs of adjacent time words that name a time: "Friday evening", "earlier Wednesday"
    ("this" or "earlier" alone do not)."""
    runs: list[list[_Token]] = [[]]
    for token in tokens:
        if is_time(token):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if any(t.bare not in WEAK_TIME_WORDS for t in run)]


def channel_medium(phrase: str, kind: str | None = None, places: Iterable[str] = (),
                   dates: Iterable[str] = ()) -> Medium:
    """The channel a found phrase names, by the rule in the module docstring.

    kind: the kind the extractor gave the phrase (from its head noun); places and dates: texts of
    the tagger's place and date entities inside the phrase. A phrase naming no medium the lists
    know keeps its text as the name.
    """
    places, dates = tuple(places), tuple(dates)
    tokens = _tokens(phrase)
    if not tokens:
        return Medium(phrase, kind)

    def is_time(token: _Token) -> bool:
        return _is_time(token) or _covered(token, phrase, dates)

    # The words before the first preposition hold the medium; each preposition after them opens a detail.
    first = next((i for i, t in enumerate(tokens) if t.bare in CHANNEL_PREPOSITIONS and i > 0), len(tokens))
    head_part = tokens[:first]
    details: list[tuple[str, list[_Token]]] = []
    for token in tokens[first:]:
        if token.bare in CHANNEL_PREPOSITIONS and not (details and not details[-1][1]):
            details.append((token.bare, []))
        elif token.text != ",":
            details[-1][1].append(token)
    # The head: the last channel noun before the details, else the last word that is not a time.
    head_index = next((i for i in range(len(head_part) - 1, -1, -1) if _noun_lemma(head_part[i].bare)), None)
    if head_index is None:
        head_index = next((i for i in range(len(head_part) - 1, -1, -1) if not is_time(head_part[i])),
                          len(head_part) - 1)
    head = head_part[head_index]
    lemma = _noun_lemma(head.bare)
    named_show = lemma in ("show", "program") and _capitalized(head)
    modifiers = head_part[:head_index]
    times = _time_runs(head_part[head_index + 1 :], is_time)
    if not named_show:  # "a Friday evening rally", but not "The Steve Harvey Morning Show"
        times = _time_runs(modifiers, is_time) + times
    place_words = [t for t in modifiers if _covered(t, phrase, places) and not is_time(t)]
    for preposition, words in details:
        content = [t for t in words if t.bare not in CHANNEL_DETERMINERS - TIME_WORDS]
        if content and all(is_time(t) for t in content):
            times += _time_runs(content, is_time)  # "on Thursday", "in July"
        elif preposition in PLACE_PREPOSITIONS and content and _capitalized(content[0]) and not place_words:
            trailing: list[_Token] = []  # "in Fort Pierce, Florida Friday": the time goes to the time
            while content and is_time(content[-1]):
                trailing.insert(0, content.pop())
            times += _time_runs(trailing, is_time)
            place_words = content
    time = " ".join(phrase[run[0].start : run[-1].end] for run in times) or None
    place = phrase[place_words[0].start : place_words[-1].end].rstrip(" ,") if place_words else None
    # 1. An outlet named in the phrase; a show by its own name.
    entry = _outlet(tokens)
    if entry is not None:
        return Medium(entry.name, entry.kind, place, time)
    if named_show:
        start = next(i for i, t in enumerate(head_part) if _capitalized(t))
        return Medium(phrase[head_part[start].start : head.end], CHANNEL_NOUNS[lemma], place, time)
    # 2. The medium its head noun names.
    if lemma == "media" and not any(t.bare == "social" for t in modifiers):
        lemma = None
    if lemma is None:
        return Medium(phrase, kind, place, time)
    medium = CHANNEL_MEDIA.get(lemma, phrase)
    platform = known_channel(medium)
    if platform is not None:
        return Medium(platform.name, platform.kind, place, time)
    return Medium(medium, CHANNEL_NOUNS[lemma], place, time)
