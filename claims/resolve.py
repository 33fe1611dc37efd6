"""Speakers within an article: short names and pronouns resolved to the named speaker.

"Koseoglu" -> "Sinem Koseoglu" when the article named her in full before; "He" -> the most recent
person the article quoted (or named, failing that); a participle's implied subject ("..., pledging
to ...") -> the speaker of the verb it hangs from. A resolved speaker takes over the role,
affiliation and channel known for that person when the mention itself gives none.
"""

from __future__ import annotations

from claims.extract.rules import Found
from claims.extract.speakers import strip_possessive
from claims.types import ANONYMOUS, GOVERNMENT, ORGANIZATION, PERSON, UNKNOWN, Attribution, Entity

MALE = {"he", "him", "his"}
FEMALE = {"she", "her", "hers"}
PLURAL = {"they", "them", "their"}
CARRIED_FIELDS = ("role", "affiliation", "channel", "channel_kind")


def surname(name: str) -> str:
    return name.split()[-1].casefold() if name.split() else ""


def resolve_article(found: list[Found], entities: list[Entity], text: str) -> None:
    """Resolve speakers in reading order, in place."""
    people: list[Attribution] = []  # named persons quoted so far, latest last
    groups: list[Attribution] = []
    found = sorted(found, key=lambda f: f.attribution.cue[0].start)
    by_cue_word: dict[tuple[int, int], Found] = {(f.attribution.sentence_index, f.cue_word.index): f for f in found}
    for item in found:
        attribution = item.attribution
        head = item.source_head
        if item.inherited and head is not None:
            governing = governing_attribution(item, by_cue_word)
            if governing is not None and governing.speaker:
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
                if entity is not None:
                    attribution.speaker, attribution.speaker_type = strip_possessive(entity.text), PERSON
            else:
                copy_speaker(full, attribution)
        if attribution.speaker and attribution.speaker_type == PERSON:
            people.append(attribution)
        elif attribution.speaker and attribution.speaker_type in (ORGANIZATION, GOVERNMENT, ANONYMOUS):
            groups.append(attribution)


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
