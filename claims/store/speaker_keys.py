"""A claim's speaker before it has a row: the natural key, the name and the :class:`Mention`.

Pure, no database: :func:`speaker_key` reads a claim's attribution (or the article's own voice) as
``person:abbas araghchi``, ``organization:reuters``, ``anonymous_person:<article>:a senior
official``; :func:`mention` wraps it with the name and the surfaces the rules and the manual
decisions read. Which row a mention goes to is :mod:`claims.store.speakers`' business; how names
are read is :mod:`claims.names` (see ``docs/speakers.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from claims.names import normalize_name, organization_name, person_name, single_spaces
from claims.types import (
    ANONYMOUS,
    GOVERNMENT,
    ORGANIZATION,
    PERSON,
    PUBLICATION,
    UNKNOWN,
    UNNAMED_REPORTS,
    Article,
    Attribution,
    Span,
)

__all__ = [
    "NAMED_TYPES",
    "Mention",
    "joined_text",
    "mention",
    "name_key",
    "publication_name",
    "speaker_key",
    "speaker_name",
]

# Types whose key is the type and the normalized name (shared across articles).
NAMED_TYPES = frozenset({PERSON, ORGANIZATION, GOVERNMENT, UNKNOWN, PUBLICATION})


def name_key(speaker_type: str, name: str) -> str:
    """The normalized name in a named speaker's key (the key is ``f"{speaker_type}:{name_key}"``)."""
    if speaker_type == PERSON:
        return person_name(name).key
    if speaker_type in (ORGANIZATION, GOVERNMENT):
        return organization_name(name, registry=speaker_type == ORGANIZATION)
    return normalize_name(name)


def publication_name(article: Article) -> str:
    """The name of an article's own voice: publisher, site name, URL host, or "unknown publication"."""
    for candidate in (article.publisher, article.site_name):
        if candidate and candidate.strip():
            return candidate.strip()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        host = host.removeprefix("www.")
        if host:
            return host
    return "unknown publication"


def speaker_key(article: Article, attribution: Attribution | None) -> tuple[str, str, str]:
    """``(key, name, speaker_type)`` of the speaker of a claim (``attribution`` None: narrator).

    Named speakers are shared across articles, keyed by :func:`name_key`
    (``person:sinem koseoglu``; titles off for persons, registry names for outlets); anonymous and
    unnamed-report sources are one speaker per article and source text, and so are the speakers
    the extractor keeps to their article (``speaker_local``: "Republicans", a surname the article
    leaves open); the article's own voice
    is its publication. This is the natural key: :func:`resolve_speakers` decides
    the row, which may have another key (a surname joins its full name, manual decisions).
    """
    if attribution is None or attribution.speaker_type == PUBLICATION:
        name = (attribution.speaker if attribution else None) or publication_name(article)
        return f"{PUBLICATION}:{normalize_name(name)}", name, PUBLICATION
    kind = attribution.speaker_type
    if attribution.speaker and attribution.speaker.strip() and kind not in (ANONYMOUS, UNNAMED_REPORTS):
        name = single_spaces(attribution.speaker)
        if attribution.speaker_local:
            return f"{kind}:{article.key}:{name_key(kind, name)}", name, kind
        return f"{kind}:{name_key(kind, name)}", name, kind
    source = joined_text(article.text, attribution.source)
    if attribution.speaker_local and attribution.speaker and attribution.speaker.strip():
        # An anonymous or unknown speaker the extractor named by the phrase a pronoun stands for.
        source = single_spaces(attribution.speaker)
    if source:
        return f"{kind}:{article.key}:{normalize_name(source)}", source, kind
    # No source words: a hedge ("reportedly"), or a parse that found no subject.
    name = {UNNAMED_REPORTS: "unnamed reports", ANONYMOUS: "anonymous source"}.get(kind, "unidentified source")
    return f"{kind}:{article.key}:reports", name, kind


def speaker_name(attribution: Attribution | None) -> str | None:
    """The name the extractor gave, spaces collapsed; None for narrator claims and unnamed sources."""
    if attribution is None or not attribution.speaker or not attribution.speaker.strip():
        return None
    return single_spaces(attribution.speaker)


def mention(article: Article, attribution: Attribution | None) -> Mention:
    """The :class:`Mention` of a claim's speaker: natural key, name, type, surfaces."""
    key, name, speaker_type = speaker_key(article, attribution)
    surfaces = () if attribution is None else (joined_text(article.text, attribution.source), speaker_name(attribution))
    shared = attribution is None or not attribution.speaker_local
    return Mention(key, name, speaker_type, tuple(s for s in surfaces if s), shared=shared)


def joined_text(text: str, spans: list[Span]) -> str | None:
    """The text of possibly discontinuous spans, pieces joined by a space; None when no spans."""
    if not spans:
        return None
    return " ".join(text[s.start : s.end] for s in sorted(spans, key=lambda s: s.start))


@dataclass(frozen=True)
class Mention:
    """A claim's speaker as the store sees it, before it has a row."""

    key: str  # the natural key (speaker_key)
    name: str  # the name a new row takes
    speaker_type: str
    surfaces: tuple[str, ...] = ()  # the source text and the name as written, for split decisions
    shared: bool = True  # False: the key holds the article (Attribution.speaker_local)

    @property
    def is_surname_only(self) -> bool:
        return self.speaker_type == PERSON and not person_name(self.name).is_full
