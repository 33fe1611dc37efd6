"""Social media posts embedded in an article: their words are their author's, not the article's.

A page that embeds a tweet carries, once its text is extracted, the post's words and then its
signature: "While I respect the professionals at the FBI, this announcement defies explanation.
pic.twitter.com/Oq... — Paul Ryan (@SpeakerRyan) July 5, 2016". Read as the article's own voice,
Paul Ryan's words became the publication's and his "I" the article's author. Each post found here
becomes one attribution: the words before the signature are the content (a direct quotation),
the name in the signature the source, the handle the cue, and Twitter the channel; an "I" or
"we" inside the post is its author (``attribute_posts``).

The signature is the one embeds write: a dash, the author's name, the handle in brackets and the
date ("— Name (@handle) Month D, YYYY"). The post is what comes before it: the rest of its line
when the signature follows the words on one line, else the paragraph just above the signature.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from claims.names import given_name_gender, known_channel, person_name
from claims.types import DIRECT, ORGANIZATION, PERSON, PUBLICATION, UNKNOWN, Attribution, Entity, Span

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SIGNATURE = re.compile(
    r"[—–]\s*(?P<name>[^\s()—–<>][^\n()—–<>]{0,79}?)\s*\((?P<handle>@\w{1,30})\)\s*"
    rf"(?P<date>(?:{MONTHS}) \d{{1,2}}, \d{{4}})")
PLATFORM = "Twitter"


@dataclass(frozen=True)
class Post:
    body: Span  # the post's words
    name: Span  # the author's name in the signature
    handle: Span  # "@SpeakerRyan"
    signature: Span  # from the dash to the date


def find_posts(text: str, body_start: int = 0, body_end: int | None = None) -> list[Post]:
    """Every embedded post with a signature inside [body_start, body_end) of the article text."""
    end_of_body = len(text) if body_end is None else body_end
    posts = []
    for match in SIGNATURE.finditer(text, body_start, end_of_body):
        dash = match.start()
        line_start = text.rfind("\n", body_start, dash) + 1
        if text[line_start:dash].strip():
            # "words ... — Name (@handle) date" on one line; a tag the page left before the words
            # ('<tweet author="@SpeakerRyan">') is not the post's
            start = max(line_start, text.rfind(">", line_start, dash) + 1)
            end = dash
        else:  # the signature on a line of its own: the post is the paragraph above it
            end = line_start
            while end > body_start and text[end - 1].isspace():
                end -= 1
            start = max(text.rfind("\n", body_start, end) + 1, body_start)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        posts.append(Post(Span(start, end), Span(match.start("name"), match.end("name")),
                          Span(match.start("handle"), match.end("handle")), Span(dash, match.end())))
    return posts


def author_type(name: str, tagged_person: bool = False) -> str:
    """A post's author as a speaker type: an outlet or organization the registry knows, a person
    by a common given name ("Paul Ryan", "Donald J. Trump") or as the entity tagger read the name
    (tagged_person: "Sahil Kapur"), else unknown ("Twitchy Team")."""
    if known_channel(name) is not None:
        return ORGANIZATION
    if len(name.split()) >= 2 and (tagged_person or given_name_gender(person_name(name)) is not None):
        return PERSON
    return UNKNOWN


def post_attribution(post: Post, text: str, sentence_index: int, entities: list[Entity] | None = None) -> Attribution:
    """The post as an attribution: its author said its words, on Twitter (entities: the article's,
    to tell a person's name the given-name list does not know)."""
    name = text[post.name.start : post.name.end].strip()
    tagged_person = any(e.type == "PER" and e.start < post.name.end and post.name.start < e.end for e in entities or [])
    entry = known_channel(name)
    return Attribution(
        sentence_index=sentence_index,
        cue=[post.handle],
        content=[post.body],
        source=[post.name],
        claim_type=DIRECT,
        cue_class="assert",
        cue_lemma="post",
        speaker=entry.name if entry is not None else name,
        speaker_type=author_type(name, tagged_person),
        channel=PLATFORM,
        channel_kind="social_media",
        confidence=0.9,
    )


FIRST_PERSON_SOURCES = frozenset({"i", "me", "my", "we", "us", "our"})


def attribute_posts(attributions: list[Attribution], posts: list[Post], text: str, sentence_starts: list[int],
                    entities: list[Entity] | None = None) -> list[Attribution]:
    """One attribution per post, in the sentence that holds its signature's handle; and, in place,
    an attribution inside a post whose source is "I" or "we", or that was given to the article's
    own voice, becomes the post author's ("While I respect the professionals at the FBI" in Paul
    Ryan's tweet is Paul Ryan's, not the article author's)."""
    authored = [(post, post_attribution(post, text, max(bisect_right(sentence_starts, post.handle.start) - 1, 0),
                                        entities)) for post in posts]
    give_first_person_to(attributions, [(post.body, author) for post, author in authored], text)
    return [a for _, a in authored]


def give_first_person_to(attributions: list[Attribution], holders: list[tuple[Span, Attribution]], text: str) -> None:
    """In place: an attribution whose cue lies inside a holder's words (a post's body, a labelled
    turn of a transcript, a signed quotation) and whose source is "I" or "we", or that was given to
    the article's own voice, becomes the holder's speaker's."""
    for attribution in attributions:
        holder = next((h for words, h in holders if h is not attribution and attribution.cue
                       and words.start <= attribution.cue[0].start and attribution.cue[0].end <= words.end), None)
        if holder is None or holder.speaker is None:
            continue
        source = " ".join(text[s.start : s.end] for s in attribution.source).strip().lower()
        if source in FIRST_PERSON_SOURCES or (not source and attribution.speaker_type == PUBLICATION):
            attribution.speaker, attribution.speaker_type = holder.speaker, holder.speaker_type
            attribution.speaker_local = holder.speaker_local
            attribution.channel, attribution.channel_kind = holder.channel, holder.channel_kind
