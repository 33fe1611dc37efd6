"""Speakers within an article: short names and pronouns resolved to the named speaker.

"Koseoglu" -> "Sinem Koseoglu" when the article named her in full before (or, failing that, names
exactly one person of that surname anywhere); "He" -> the most recent
person the article quoted (or named, failing that); a participle's implied subject ("..., pledging
to ...") -> the speaker of the verb it hangs from. A resolved speaker takes over the role,
affiliation and channel known for that person when the mention itself gives none. An acronym
the article defines ("Syrian Democratic Forces (SDF)") is replaced by the name it stands for.
"""

from __future__ import annotations

import re

from claims.extract.rules import Found, overlaps
from claims.extract.speakers import strip_possessive
from claims.types import ANONYMOUS, GOVERNMENT, ORGANIZATION, PERSON, UNKNOWN, Attribution, Entity

MALE = {"he", "him", "his"}
FEMALE = {"she", "her", "hers"}
PLURAL = {"they", "them", "their"}
CARRIED_FIELDS = ("role", "affiliation", "channel", "channel_kind")


def surname(name: str) -> str:
    return name.split()[-1].casefold() if name.split() else ""


ACRONYM_DEFINITION = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:(?:of|for|and|the)\s+)?){2,8})\(([A-Z]{2,8})\)")


def acronyms(text: str) -> dict[str, str]:
    """Acronyms the article defines: "Syrian Democratic Forces (SDF)" -> {"SDF": "Syrian Democratic Forces"}."""
    found = {}
    for match in ACRONYM_DEFINITION.finditer(text):
        words = match.group(1).split()
        short = match.group(2)
        capitals = [w for w in words if w[:1].isupper()]
        # The name is the run of capitalised words whose initials spell the acronym, read from the right.
        for first in range(len(capitals)):
            if "".join(w[0] for w in capitals[first:]) == short:
                start = words.index(capitals[first], 0)
                found.setdefault(short, " ".join(words[start:]).strip())
                break
    return found


def resolve_article(found: list[Found], entities: list[Entity], text: str) -> None:
    """Resolve speakers in reading order, in place."""
    defined = acronyms(text)
    for item in found:
        speaker = item.attribution.speaker
        if speaker in defined:
            item.attribution.speaker = defined[speaker]
            if item.attribution.speaker_type == UNKNOWN:
                item.attribution.speaker_type = ORGANIZATION
    people: list[Attribution] = []  # named persons quoted so far, latest last
    groups: list[Attribution] = []
    found = sorted(found, key=lambda f: f.attribution.cue[0].start)
    by_cue_word: dict[tuple[int, int], Found] = {(f.attribution.sentence_index, f.cue_word.index): f for f in found}
    for item in found:
        attribution = item.attribution
        head = item.source_head
        governing = governing_attribution(item, by_cue_word) if item.inherited else None
        if governing is not None and governing.speaker and (not attribution.source
                                                             or any(overlaps(span, governing.source) for span in attribution.source)):
            copy_speaker(governing, attribution)
        elif head is not None and head.text.lower() in MALE | FEMALE | {"i"} and attribution.speaker is None:
            antecedent = people[-1] if people else named_person_before(entities, attribution.cue[0].start)
            if isinstance(antecedent, Attribution):
                copy_speaker(antecedent, attribution)
                attribution.confidence = min(attribution.confidence, 0.7)
            elif isinstance(antecedent, Entity):
                attribution.speaker, attribution.speaker_type = strip_possessive(antecedent.text), PERSON
                attribution.confidence = min(attribution.confidence, 0.6)
        elif head is not None and head.text.lower() in PLURAL and attribution.speaker is None and groups:
            copy_speaker(groups[-1], attribution)
            attribution.confidence = min(attribution.confidence, 0.6)
        elif attribution.speaker and attribution.speaker_type in (PERSON, UNKNOWN) and len(attribution.speaker.split()) == 1:
            full = next((p for p in reversed(people) if surname(p.speaker or "") == attribution.speaker.casefold()
                         and len((p.speaker or "").split()) > 1), None)
            if full is None:
                entity = next((e for e in reversed(entities) if e.type == "PER" and e.start < attribution.cue[0].start
                               and len(e.text.split()) > 1 and surname(e.text) == attribution.speaker.casefold()), None)
                if entity is None:
                    entity = only_full_name(entities, attribution.speaker)
                if entity is not None:
                    attribution.speaker, attribution.speaker_type = strip_possessive(entity.text), PERSON
            else:
                copy_speaker(full, attribution)
        if attribution.speaker and attribution.speaker_type == PERSON:
            people.append(attribution)
        elif attribution.speaker and attribution.speaker_type in (ORGANIZATION, GOVERNMENT, ANONYMOUS):
            groups.append(attribution)


def only_full_name(entities: list[Entity], name: str) -> Entity | None:
    """The article's one full name with this surname, anywhere in it ("Trump" in an article that
    names "Donald J. Trump" only later); None when it names none, or two different ones."""
    full = [e for e in entities if e.type == "PER" and len(e.text.split()) > 1 and surname(e.text) == name.casefold()]
    names = {strip_possessive(e.text).casefold() for e in full}
    return full[0] if len(names) == 1 else None


def governing_attribution(item: Found, by_cue_word: dict[tuple[int, int], Found]) -> Attribution | None:
    head_index = item.cue_word.head
    governing = by_cue_word.get((item.attribution.sentence_index, head_index))
    return governing.attribution if governing is not None else None


def named_person_before(entities: list[Entity], offset: int) -> Entity | None:
    before = [e for e in entities if e.type == "PER" and e.end <= offset]
    return before[-1] if before else None


def copy_speaker(source: Attribution, target: Attribution) -> None:
    target.speaker = source.speaker
    target.speaker_type = source.speaker_type
    for field in CARRIED_FIELDS:
        if getattr(target, field) is None:
            setattr(target, field, getattr(source, field))
