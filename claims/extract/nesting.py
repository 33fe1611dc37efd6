"""A relayed attribution: "“…,” Al Jazeera's Sinem Koseoglu said, according to Reuters".

An outlet that relays what someone else said ("according to Reuters", "Reuters reported that X
said ...") is the channel of that inner attribution, not a second speaker of the same content. The
outer attribution stays among the attributions (PolNeAR marks it, and the scorer counts it), but it
gives no claim of its own: the inner attribution's claim carries the outlet as its channel.
"""

from __future__ import annotations

from claims.types import ORGANIZATION, Attribution, Span

# Channel kinds an outlet has in the registry (claims/data/channels.json): these name who relayed it.
OUTLET_KINDS = frozenset({"news_agency", "broadcaster", "newspaper", "magazine"})


def is_relay(attribution: Attribution) -> bool:
    """An attribution that relays: "according to X" where X is a channel of the registry
    ("according to Reuters", "according to Twitter"), or an outlet from the registry as the source
    ("Reuters reported that ..."), whose speaker is then its channel. "According to police" is no
    relay: the police are the speaker of what follows, not a medium."""
    if attribution.cue_lemma == "according to" and attribution.source and attribution.channel is not None:
        return True
    return (attribution.speaker_type == ORGANIZATION and attribution.channel is not None
            and attribution.speaker == attribution.channel and attribution.channel_kind in OUTLET_KINDS)


def inside(inner: list[Span], outer: list[Span]) -> bool:
    return bool(inner) and all(any(o.start <= s.start and s.end <= o.end for o in outer) for s in inner)


def relayed(attributions: list[Attribution]) -> dict[int, int]:
    """{outer index: inner index}: each relaying attribution whose content holds another
    attribution's cue and source (the inner one names its own speaker inside the relayed text)."""
    pairs: dict[int, int] = {}
    for i, outer in enumerate(attributions):
        if not is_relay(outer):
            continue
        for j, inner in enumerate(attributions):
            if j == i or j in pairs or is_relay(inner):
                continue
            if inside(inner.cue, outer.content) and inside(inner.source, outer.content):
                pairs[i] = j
                break
    return pairs


def relay_name(outer: Attribution, text: str) -> tuple[str | None, str | None]:
    """The channel an outer attribution gives: the registry outlet, else its speaker, else its source text."""
    if outer.channel:
        return outer.channel, outer.channel_kind
    if outer.speaker:
        return outer.speaker, outer.channel_kind
    words = " ".join(text[s.start : s.end] for s in outer.source).strip()
    return words or None, outer.channel_kind


def give_relay_channels(attributions: list[Attribution], text: str) -> set[int]:
    """Make each relaying outlet the channel of the attribution it relays (in place); returns the
    indexes of the relaying attributions, which give no claims of their own."""
    pairs = relayed(attributions)
    for i, j in pairs.items():
        inner = attributions[j]
        name, kind = relay_name(attributions[i], text)
        # The relay is the channel, unless the inner one names its own outlet ("told CNN"); the
        # outlet a reporter works for ("Al Jazeera's Sinem Koseoglu") is her affiliation, not how
        # the claim reached the article.
        if name and (inner.channel is None or inner.channel_kind not in OUTLET_KINDS
                     or inner.channel == inner.affiliation):
            inner.channel, inner.channel_kind = name, kind
    return set(pairs)
