"""Speakers within an article: short names and pronouns resolved to the named speaker.

- "Koseoglu", "Mr. Trump", "President Obama" -> the person the article names in full with that
  surname (:func:`resolve_surname`): the only one, else the one quoted or named most recently
  before; a gendered title ("Mrs. Clinton") chooses by gender. A surname the article leaves open
  between several of its people is kept to the article (``Attribution.speaker_local``).
- "He", "she" -> the most recent person the article quoted (or named, failing that) whose given
  name does not say otherwise ("she" is not James Comey).
- A participle's implied subject ("..., pledging to ...") -> the speaker of the verb it hangs from.
- An acronym the article defines ("Syrian Democratic Forces (SDF)") -> the name it stands for.
- "I" in the article's own voice (outside quotation marks) -> its author, as the byline names
  them, else the publication: in a column, "I know your tax returns are being audited" is the
  columnist's, not the last person named. "I" inside a quotation is the quoted speaker's: the
  speaker of the attribution whose content holds it, else the latest person quoted.

A resolved speaker takes over the role, affiliation and channel known for that person when the
mention itself gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.extract.antecedents import PEOPLE_NOUNS, person_with_role, plural_subject_before, role_description
from claims.extract.lexicon import ORGANIZATION_NAME_ENDINGS
from claims.extract.quotes import Quote
from claims.extract.rules import Found, overlaps
from claims.extract.speakers import strip_possessive
from claims.names import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    PLURAL_PRONOUNS,
    REFLEXIVE,
    TITLE_WORDS,
    PersonName,
    first_name_gender,
    given_name_gender,
    known_channel,
    mention_gender,
    person_name,
    title_gender,
)
from claims.types import (
    ANONYMOUS,
    GOVERNMENT,
    ORGANIZATION,
    PERSON,
    PUBLICATION,
    UNKNOWN,
    Attribution,
    Entity,
    ParsedSentence,
    Span,
    Word,
)

CARRIED_FIELDS = ("role", "affiliation", "channel", "channel_kind")


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


FIRST_PERSON = frozenset({"i", "me"})
# Outside quotation marks these are the article's own voice: "we" its writers, "you" the reader
# addressed ("you can see why ...", "depending on which poll you believe").
ARTICLE_VOICE_PRONOUNS = frozenset({"we", "us", "you"})
# Words of a byline that name a desk or an outlet, not a person ("Breitbart News", "AP staff").
BYLINE_NOT_PERSON = frozenset({"staff", "press", "editors", "editorial", "board", "wire", "wires", "desk",
                               "team", "reports", "reporters", "correspondent", "none"}) | ORGANIZATION_NAME_ENDINGS


def byline_person(author: str | None) -> str | None:
    """The one person a byline names ("Heidi M. Przybyla, USA TODAY" -> "Heidi M. Przybyla"), or
    None for an outlet, a desk or several authors ("AP", "Breitbart News", "A and B")."""
    if not author:
        return None
    name = re.sub(r"^\s*by\s+", "", author.split(",")[0], flags=re.IGNORECASE).strip()
    words = name.split()
    if not 2 <= len(words) <= 5 or re.search(r"\s(and|&)\s", name) or known_channel(name) is not None:
        return None
    if any(w.casefold().strip(".") in BYLINE_NOT_PERSON for w in words) or not all(w[:1].isupper() for w in words):
        return None
    return name if person_name(name).is_full else None


def in_quotation(spans: list[Span], quotes: list[Quote], text: str = "") -> bool:
    """Whether the spans start inside quotation marks: double ones (claims.extract.quotes), or a
    single one opened on the same line and not closed before ("Cruz: ... ‘I Fear The Same ...’")."""
    if not spans:
        return False
    at = spans[0].start
    if any(q.start < at < q.end for q in quotes):
        return True
    line = text[text.rfind("\n", 0, at) + 1 : at]
    opened = line.rfind("‘")
    # A closing mark is one not between letters (not the apostrophe of "I’ll").
    return opened >= 0 and not re.search(r"’(?![A-Za-z])", line[opened + 1 :])


# A transcript's speaker label at the start of a line: "FALLIN: I think ...", "SEN. TED CRUZ: ...".
TRANSCRIPT_LABEL = re.compile(r"\s*([A-Z][A-Z.’'-]*(?: [A-Z][A-Z.’'-]*){0,3}):\s")
NOT_SPEAKER_LABELS = frozenset({"UPDATE", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE", "WATCH", "CORRECTION", "PHOTOS",
                                "VIDEO", "READ MORE", "RELATED", "BREAKING", "Q", "A"})


def _speaker_label(text: str, at: int) -> re.Match[str] | None:
    """The speaker label that opens the line holding ``at``, if the line has one."""
    match = TRANSCRIPT_LABEL.match(text, text.rfind("\n", 0, at) + 1)
    if match is None or match.group(1) in NOT_SPEAKER_LABELS or len(match.group(1)) < 2:
        return None
    return match


def transcript_label(text: str, at: int) -> str | None:
    """The speaker a transcript line is labelled with ("FALLIN: I think" -> "Fallin"), or None."""
    match = _speaker_label(text, at)
    return match.group(1).title() if match is not None and match.end() <= at else None


def label_as_source(text: str, source: list[Span]) -> str | None:
    """The label itself when a source is a transcript line's speaker label ("FALLIN" of "FALLIN: I
    think ...", whatever tag the parse gave the capitals), else None."""
    match = _speaker_label(text, source[0].start) if source else None
    if match is None or source[0].start < match.start(1) or source[-1].end > match.end(1):
        return None
    return match.group(1).title()


def narrator(attribution: Attribution, author: str | None) -> None:
    """The article's own voice: its author as the byline names them, else the publication."""
    person = byline_person(author)
    if person is not None:
        attribution.speaker, attribution.speaker_type = person, PERSON
        attribution.role = attribution.role or "author"
    else:
        attribution.speaker, attribution.speaker_type = None, PUBLICATION
    attribution.speaker_local = False


def quoting_attribution(attribution: Attribution, found: list[Found]) -> Attribution | None:
    """The attribution whose content holds this one's source ("“I think ...,” Trump said")."""
    holders = [f.attribution for f in found if f.attribution is not attribution and f.attribution.speaker
               and all(any(c.start <= s.start and s.end <= c.end for c in f.attribution.content)
                       for s in attribution.source)]
    # The innermost: the shortest content.
    return min(holders, key=lambda a: sum(s.end - s.start for s in a.content), default=None)


def resolve_article(found: list[Found], entities: list[Entity], text: str,
                    sentences: list[ParsedSentence] | None = None, author: str | None = None,
                    quotes: list[Quote] | None = None) -> None:
    """Resolve speakers in reading order, in place (sentences: the parse, to read subjects;
    author: the byline, for "I" in the article's own voice; quotes: the quotations, to tell it)."""
    defined = acronyms(text)
    for item in found:
        speaker = item.attribution.speaker
        if speaker in defined:
            item.attribution.speaker = defined[speaker]
            if item.attribution.speaker_type == UNKNOWN:
                item.attribution.speaker_type = ORGANIZATION
    people: list[Attribution] = []  # named persons quoted so far, latest last
    groups: list[Attribution] = []
    things: list[tuple[Attribution, Word | None]] = []  # every other speaker so far, with its source's head
    subjects = None if sentences is None else {
        w.start for sentence in sentences for w in sentence.words if w.deprel in ("nsubj", "nsubj:pass")}
    genders = pronoun_genders(entities, text, subjects)  # a full name's key -> "male"/"female"
    told_genders: dict[str, str] = {}  # a name's key -> the gender of a pronoun resolved to it
    found = sorted(found, key=lambda f: f.attribution.cue[0].start)
    by_cue_word: dict[tuple[int, int], Found] = {(f.attribution.sentence_index, f.cue_word.index): f for f in found}
    main_subjects = clause_subjects(sentences or [], set(by_cue_word))
    quoted_first_person: list[Attribution] = []
    for item in found:
        attribution = item.attribution
        head = item.source_head
        governing = speaking_governor(item, by_cue_word)
        first_person = (head is not None and head.text.lower() in FIRST_PERSON and attribution.speaker is None
                        and bool(attribution.source))
        if (head is not None and head.text.lower() in ARTICLE_VOICE_PRONOUNS and attribution.speaker is None
                and attribution.source and not in_quotation(attribution.source, quotes or [], text)
                and transcript_label(text, attribution.source[0].start) is None):
            # "Each week, we ask 30 political insiders ...", "you can see why ...": the outlet's own voice.
            attribution.speaker, attribution.speaker_type, attribution.speaker_local = None, PUBLICATION, False
            continue
        if first_person and not in_quotation(attribution.source, quotes or [], text):
            label = transcript_label(text, attribution.source[0].start)
            if label is None:
                narrator(attribution, author)  # "I" in the article's own voice
                continue
            # "FALLIN: I think ...": the labelled speaker, resolved as a surname below.
            attribution.speaker, attribution.speaker_type = label, PERSON
            first_person = False
        if attribution.speaker is None and (label := label_as_source(text, attribution.source)) is not None:
            attribution.speaker, attribution.speaker_type = label, PERSON  # resolved as a surname below
        if attribution.speaker is None and (word := lone_surname(text, attribution.source, people, entities)):
            # "From said" after "Al From": a surname the parse read as another word ("From", "Will")
            attribution.speaker, attribution.speaker_type = word, PERSON  # resolved as a surname below
        if first_person:
            quoted_first_person.append(attribution)
        owner = campaign_owner_pronoun(head, sentences[attribution.sentence_index]) if (
            sentences and head is not None and attribution.speaker is None) else None
        if governing is not None:
            copy_speaker(governing, attribution)
        elif head is not None and attribution.speaker is None and head.lemma.lower() == "campaign" and owner is None and (
                (earlier := campaign_named_before(things, attribution, text)) is not None):
            # "The Sanders campaign said ... The campaign added": the campaign named last, called by
            # its phrase ("The ad said. It added" likewise), both kept to the article
            called_by_its_phrase(earlier, text)
            copy_speaker(earlier, attribution)
            attribution.confidence = min(attribution.confidence, 0.7)
        elif owner is not None or (
                head is not None and head.text.lower() in MALE_PRONOUNS | FEMALE_PRONOUNS | {"i"} and attribution.speaker is None):
            pronoun = (owner or head).text.lower()
            gender = "male" if pronoun in MALE_PRONOUNS else "female" if pronoun in FEMALE_PRONOUNS else None
            at = min(span.start for span in attribution.source or attribution.cue)
            known_genders = told_genders | genders
            sentence = sentences[attribution.sentence_index] if sentences else None
            latest = latest_of_gender(people, gender, entities, known_genders)
            antecedent = ((governing_subject(item, sentence, entities, gender, known_genders) if sentence else None)
                          or (subject_named_since(sentences, attribution.sentence_index, at, latest, people, entities,
                                                  gender, known_genders, quotes or [], text) if sentences else None)
                          or latest
                          # a name before the pronoun itself: "He dismissed ... Trump ... while saying"
                          # is not Trump
                          or named_person_before(entities, at, gender, known_genders))
            if owner is not None:
                # "His campaign said": the campaign of the person "his" stands for, kept to the article
                person = (antecedent.speaker if isinstance(antecedent, Attribution) and antecedent.speaker_type == PERSON
                          else strip_possessive(antecedent.text) if isinstance(antecedent, Entity) else None)
                if person and campaign_owner(person) in campaign_owners(text):
                    attribution.speaker, attribution.speaker_local = f"{person}'s campaign", True
                    attribution.confidence = min(attribution.confidence, 0.6)
            elif isinstance(antecedent, Attribution):
                copy_speaker(antecedent, attribution)
                attribution.confidence = min(attribution.confidence, 0.7)
            elif isinstance(antecedent, Entity):
                attribution.speaker, attribution.speaker_type = strip_possessive(antecedent.text), PERSON
                attribution.confidence = min(attribution.confidence, 0.6)
            if isinstance(antecedent, Entity) and gender is not None and attribution.speaker:
                # once "she" is taken to be a name of unknown gender written before, a later "he"
                # is not that name (a quoted person's name stays open: the quotes are the evidence)
                told_genders.setdefault(person_name(attribution.speaker).key, gender)
        elif (head is not None and head.text.lower() == "it" and attribution.speaker is None
              and (spoken := it_antecedent(things, attribution, head, main_subjects, text)) is not None):
            # "The company wrote in its statement. It added ...": the thing that spoke just before
            called_by_its_phrase(spoken, text)  # "The ad": both kept to the article
            copy_speaker(spoken, attribution)
            attribution.confidence = min(attribution.confidence, 0.6)
        elif attribution.speaker is None and (role := role_description(text, attribution.source)) is not None:
            # "the senator said", "the columnist suggested": the person the article gave that role.
            described = person_with_role(role, people, entities, text, attribution.source[0].start)
            if isinstance(described, Attribution):
                copy_speaker(described, attribution)
            elif isinstance(described, Entity):
                attribution.speaker, attribution.speaker_type = strip_possessive(described.text), PERSON
            if described is not None:
                attribution.confidence = min(attribution.confidence, 0.7)
        elif head is not None and head.text.lower() in PLURAL_PRONOUNS and attribution.speaker is None and (
                (subject := plural_subject_before(sentences or [], head, text, entities)) is not None
                or (group := recent_group(groups, attribution)) is not None):
            if subject is not None:
                # "Prosecutors said ... They cited": the group of people just before, kept to the article
                attribution.speaker, attribution.speaker_type, attribution.speaker_local = subject, UNKNOWN, True
            else:
                copy_speaker(group, attribution)
            attribution.confidence = min(attribution.confidence, 0.6)
        elif (attribution.speaker and attribution.speaker_type in (PERSON, UNKNOWN) and is_surname_only(attribution.speaker)
              or surname_read_as_place(attribution, people, entities)):
            if attribution.speaker_type in (GOVERNMENT, ORGANIZATION):
                attribution.speaker_type = PERSON  # "Dayton says" after Gov. Mark Dayton: read as the city
            resolve_surname(attribution, people, entities, genders, source_text(attribution, text))
        if attribution.speaker and attribution.speaker_type == PERSON:
            people.append(attribution)
        elif attribution.speaker and attribution.speaker_type in (ORGANIZATION, GOVERNMENT, ANONYMOUS):
            groups.append(attribution)
        if attribution.source and attribution.speaker_type != PERSON:
            things.append((attribution, head))
    for item in found:  # "Citing ..., Will urged": the governing verb's speaker as resolved above
        governing = speaking_governor(item, by_cue_word)
        if governing is not None and governing.speaker_type == PERSON:
            copy_speaker(governing, item.attribution)
    for attribution in quoted_first_person:  # "“I think ...,” Trump said": the quoted speaker's "I"
        holder = quoting_attribution(attribution, found)
        if holder is not None:
            copy_speaker(holder, attribution)
            attribution.confidence = min(attribution.confidence, 0.7)


# A personal pronoun of either gender (only whole words match, so the order does not matter).
PRONOUN = re.compile(r"\b(" + "|".join(sorted(MALE_PRONOUNS | FEMALE_PRONOUNS | set(REFLEXIVE.values()))) + r")\b", re.IGNORECASE)
QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')
_PRONOUN_REACH = 200  # characters after a name in which the next pronoun is taken to point at it


def pronoun_genders(entities: list[Entity], text: str, subjects: set[int] | None = None) -> dict[str, str]:
    """The gender the article's pronouns give each name (full or surname-only, by its key): the
    first personal pronoun after the name as a subject, before the next person is named ("Bill
    Clinton said his wife ...", "Clinton is criticised for her ..."), voted over all the name's
    mentions; a name whose votes split about evenly gets none.

    subjects: the start offsets of the words that are a clause's subject (all names count when None).
    """
    people = sorted((e for e in entities if e.type == "PER"), key=lambda e: e.start)
    votes: dict[str, list[int]] = {}
    for entity, following in zip(people, people[1:] + [None]):
        parsed = person_name(strip_possessive(entity.text))
        if subjects is not None and not any(entity.start <= at < entity.end for at in subjects):
            continue
        limit = min(entity.end + _PRONOUN_REACH, following.start if following else len(text))
        match = PRONOUN.search(text, entity.end, max(limit, entity.end))
        if match and not QUOTE_MARKS.intersection(text[entity.end : match.start()]):  # a quote's "he" is someone else
            male = match.group(1).lower() in MALE_PRONOUNS | {REFLEXIVE["male"]}
            votes.setdefault(parsed.key, [0, 0])[0 if male else 1] += 1
    return {key: "male" if m >= 2 * f else "female" for key, (m, f) in votes.items() if m >= 2 * f or f >= 2 * m}


def is_surname_only(name: str) -> bool:
    """A person named by the surname alone, titles aside: "Trump", "Mr. Trump", "President Obama"."""
    words = name.split()
    return bool(words) and words[-1][:1].isupper() and not person_name(name).is_full


@dataclass
class Namesake:
    """One person the article names in full who shares a surname with a short mention."""

    parsed: PersonName
    names: list[tuple[int, str]] = field(default_factory=list)  # (offset, the name as written)
    quoted: Attribution | None = None  # the latest attribution to this person before the mention
    quoted_at: int = -1

    def gender(self, genders: dict[str, str]) -> str | None:
        """The person's gender from the given name (:func:`claims.names.given_name_gender`), else
        from the article's pronouns under any of the ways it writes the name."""
        known = given_name_gender(self.parsed)
        if known:
            return known
        found = {genders.get(person_name(name).key) for _, name in self.names} - {None}
        return found.pop() if len(found) == 1 else None

    def last_named_before(self, offset: int) -> int:
        return max((at for at, _ in self.names if at < offset), default=-1)


def namesakes(mention: PersonName, people: list[Attribution], entities: list[Entity], before: int) -> list[Namesake]:
    """The different people the article names in full with the mention's surname and suffix.

    Full names that differ only by middle names are one person ("Donald J. Trump", "Donald
    Trump") unless two different middle names are written ("George H. W. Bush", "George W. Bush").
    """
    written: list[tuple[int, str, Attribution | None]] = [
        (e.start, strip_possessive(e.text), None) for e in entities if e.type == "PER"]
    written += [(p.cue[0].start, p.speaker, p) for p in people if p.speaker]
    by_first: dict[str, dict[tuple[str, ...], Namesake]] = {}
    for at, name, attribution in written:
        parsed = person_name(name)
        if not parsed.is_full or parsed.surname_key != mention.surname_key or parsed.suffix != mention.suffix:
            continue
        person = by_first.setdefault(parsed.given[0], {}).setdefault(parsed.given[1:], Namesake(parsed))
        person.names.append((at, name))
        if attribution is not None and person.quoted_at < at < before:
            person.quoted, person.quoted_at = attribution, at
    found: list[Namesake] = []
    for variants in by_first.values():
        middles = [m for m in variants if m]
        if len(middles) > 1:  # two different middle names: two people
            found += variants.values()
            continue
        merged = Namesake(variants[middles[0]].parsed if middles else next(iter(variants.values())).parsed)
        for person in variants.values():  # one person, written with and without the middle names
            merged.names += person.names
            if person.quoted_at > merged.quoted_at:
                merged.quoted, merged.quoted_at = person.quoted, person.quoted_at
        found.append(merged)
    return found


def resolve_surname(attribution: Attribution, people: list[Attribution], entities: list[Entity],
                    genders: dict[str, str], source_text: str = "") -> None:
    """"Koseoglu", "Mr. Trump" -> the person the article names in full with that surname.

    One such person: that one, even when named only later. Several: the one quoted most recently,
    else the one named most recently before the mention. Among several, a gendered title ("Mrs.
    Clinton") keeps only those of that gender (given name, else the article's pronouns:
    :func:`pronoun_genders`); without a title, the pronouns the article uses after the bare
    surname ("Clinton is criticised for her ...") do the same when they agree with one of them.
    When the article names several and none can be chosen, the speaker is marked
    ``speaker_local`` (kept to its article).
    """
    at = attribution.cue[0].start
    wanted = mention_gender(attribution.speaker or "", [source_text])
    candidates = namesakes(person_name(attribution.speaker or ""), people, entities, at)
    if wanted:  # "Mrs. Clinton" in an article naming Bill and Hillary Clinton
        possible = [p for p in candidates if p.gender(genders) in (wanted, None)]
        known = [p for p in possible if p.gender(genders) == wanted]
        if len(possible) > 1 and not known:
            attribution.speaker_type, attribution.speaker_local = PERSON, True
            return
        candidates = possible if len(possible) <= 1 else known
    elif len(candidates) > 1:  # no title: the pronouns after the bare surname may tell ("Clinton ... her")
        hinted = genders.get(person_name(attribution.speaker or "").key)
        candidates = [p for p in candidates if hinted and p.gender(genders) == hinted] or candidates
    if not candidates:  # no one, or only people of the other gender ("Mrs. Clinton" with Bill Clinton)
        if attribution.speaker_type == UNKNOWN and wanted:
            attribution.speaker_type = PERSON  # "Mr. Obama" in an article that never gives his first name
        if (full := person_by_given_name(attribution.speaker or "", entities)) is not None:
            attribution.speaker, attribution.speaker_type = full, PERSON
        return
    chosen = candidates[0]
    if len(candidates) > 1:
        chosen = max(candidates, key=lambda p: p.quoted_at)
        if chosen.quoted is None:
            chosen = max(candidates, key=lambda p: p.last_named_before(at))
            if chosen.last_named_before(at) < 0:
                attribution.speaker_type = PERSON
                attribution.speaker_local = True
                return
    if chosen.quoted is not None:
        copy_speaker(chosen.quoted, attribution)
    else:
        before = [(offset, name) for offset, name in chosen.names if offset < at]
        attribution.speaker = max(before)[1] if before else min(chosen.names)[1]
        attribution.speaker_type = PERSON


def clause_subjects(sentences: list[ParsedSentence], cue_words: set[tuple[int, int]]) -> list[tuple[int, Word]]:
    """(sentence index, word) of every subject of a sentence's main verb or of a cue, in reading
    order: who or what a sentence is about, which is what a following "it" points back at."""
    out = []
    for sentence in sentences:
        roots = {w.index for w in sentence.words if w.head == 0}
        for word in sentence.words:
            if word.deprel in ("nsubj", "nsubj:pass") and (
                    word.head in roots or (sentence.index, word.head) in cue_words):
                out.append((sentence.index, word))
    return out


def it_antecedent(things: list[tuple[Attribution, Word | None]], attribution: Attribution, pronoun: Word,
                  main_subjects: list[tuple[int, Word]], text: str) -> Attribution | None:
    """What "it" stands for as a speaker: the last speaker that is not a person, when it spoke in
    this sentence or the one before, is an organization, a government or one thing called by a
    singular noun that is not a person's ("The ad says ... It makes no mention of", "the Times
    wrote ... it further wrote"), and is the subject written last before "it" (of a sentence's
    main verb or of a cue; or an "it" already resolved to it). "It" is as often an object or a
    thing that said nothing: "the State Department gave a response ... when it told" is not the
    "FOIA reply" quoted before, and "the white paper is detailed. It lays out" is not "a
    government". A speaker just before that has no name of its own ("the report": unnamed
    reports), or a group, leaves "it" unresolved."""
    if not things:
        return None
    spoken, head = things[-1]
    if head is None or attribution.sentence_index - spoken.sentence_index > 1:
        return None
    person_noun = head.lemma.lower() in PEOPLE_NOUNS or head.lemma.lower() in TITLE_WORDS
    singular_noun = head.upos == "NOUN" and head.lemma.lower() == head.text.lower() and not person_noun
    if not (spoken.speaker_type in (ORGANIZATION, GOVERNMENT)
            or (spoken.speaker_type == UNKNOWN and singular_noun)):
        return None
    if COORDINATORS.search(source_text(spoken, text)):
        return None  # "The company and its co-founder agreed ... It did not admit": not both
    before = [word for index, word in main_subjects
              if attribution.sentence_index - 1 <= index <= attribution.sentence_index and word.start < pronoun.start]
    if not before:
        return None
    latest = before[-1]
    same = {h.start for a, h in things if h is not None and spoken.speaker and a.speaker == spoken.speaker}
    return spoken if latest.start in same | {head.start} else None


def recent_group(groups: list[Attribution], attribution: Attribution) -> Attribution | None:
    """The organization or group quoted last, when that was in this sentence or the one before
    ("The union said ... They added"); further back, "they" is more often someone else."""
    if groups and attribution.sentence_index - groups[-1].sentence_index <= 1:
        return groups[-1]
    return None


def lone_surname(text: str, source: list[Span], people: list[Attribution], entities: list[Entity]) -> str | None:
    """A source of one capitalised word that is the surname of a person the article names in full,
    whatever the parse made of the word ("From" of Al From, "Will" of George Will)."""
    words = " ".join(text[s.start : s.end] for s in source).split()
    if len(words) != 1 or not re.fullmatch(r"[A-Z][\w’'-]+", words[0]) or pointing_only(words[0]):
        return None
    if words[0].casefold() in FIRST_PERSON | ARTICLE_VOICE_PRONOUNS:
        return None
    return words[0] if namesakes(person_name(words[0]), people, entities, source[0].start) else None


def surname_read_as_place(attribution: Attribution, people: list[Attribution], entities: list[Entity]) -> bool:
    """A one-word place or body ("Dayton", "Jackson") that is the surname of a person the article
    names in full; never an outlet of the registry ("Reuters")."""
    name = (attribution.speaker or "").strip()
    if attribution.speaker_type not in (GOVERNMENT, ORGANIZATION) or not name or " " in name or known_channel(name):
        return False
    return bool(namesakes(person_name(name), people, entities, attribution.cue[0].start))


def governing_attribution(item: Found, by_cue_word: dict[tuple[int, int], Found]) -> Attribution | None:
    head_index = item.cue_word.head
    governing = by_cue_word.get((item.attribution.sentence_index, head_index))
    return governing.attribution if governing is not None else None


def speaking_governor(item: Found, by_cue_word: dict[tuple[int, int], Found]) -> Attribution | None:
    """The attribution whose speaker a dependent cue takes ("..., pledging ..."): its governing
    verb's, when that has a speaker and the dependent cue has no source of its own beside it."""
    governing = governing_attribution(item, by_cue_word) if item.inherited else None
    if governing is None or not governing.speaker:
        return None
    source = item.attribution.source
    return governing if not source or any(overlaps(span, governing.source) for span in source) else None


def governing_subject(item: Found, sentence: ParsedSentence, entities: list[Entity], gender: str | None,
                      genders: dict[str, str]) -> Entity | None:
    """"Gary Hart undermined his bid when he flip-flopped": a "he" or "she" that is the subject of
    an adverbial clause is the subject of the verb the clause hangs from, when that is a person
    named before the pronoun in the same sentence whose gender the article gives and agrees."""
    pronoun, cue = item.source_head, item.cue_word
    if (gender is None or pronoun is None or pronoun.head != cue.index
            or not sentence.start <= pronoun.start < sentence.end or cue.deprel.split(":")[0] != "advcl"):
        return None
    for subject in sentence.words:
        if subject.head != cue.head or subject.deprel not in ("nsubj", "nsubj:pass") or subject.end > pronoun.start:
            continue
        named = person_named_at(entities, subject)
        if named is not None and person_gender(strip_possessive(named.text), entities, genders) == gender:
            return named
    return None


def person_named_at(entities: list[Entity], word: Word) -> Entity | None:
    """The person entity a word is part of ("Trump" of "Donald Trump"), or None."""
    return next((e for e in entities if e.type == "PER" and e.start <= word.start < e.end), None)


def person_gender(name: str, entities: list[Entity], genders: dict[str, str]) -> str | None:
    """The gender of the person a name stands for, where the article tells: a title ("Mr. Trump"),
    the given name ("Hillary Clinton"), for a surname alone the one gender of everyone the article
    names in full with that surname ("Obama" after "Barack Obama"; none when it also names
    Michelle Obama), else the article's pronouns for the name (genders: :func:`pronoun_genders`,
    and the pronouns already resolved to it)."""
    parsed = person_name(name)
    known = title_gender(name) or given_name_gender(parsed)
    if known:
        return known
    if is_surname_only(name):
        people = namesakes(parsed, [], entities, 0)  # (no attributions given: where they were quoted is not asked)
        found = {person.gender(genders) for person in people}
        if len(found) == 1 and None not in found:
            return found.pop()
        if not people and len(name.split()) == 1 and (first := first_name_gender(name)):
            return first  # a given name alone, and no one in the article has it as a surname: "Melanie"
    return genders.get(parsed.key)


def agrees(name: str, gender: str | None, entities: list[Entity], genders: dict[str, str]) -> bool:
    """Whether a pronoun of this gender can point at the named person ("she" is not James Comey,
    nor "Mr. Trump", nor "Trump" in an article that names Donald J. Trump)."""
    return gender is None or person_gender(name, entities, genders) in (gender, None)


def latest_of_gender(people: list[Attribution], gender: str | None, entities: list[Entity],
                     genders: dict[str, str]) -> Attribution | None:
    return next((p for p in reversed(people) if agrees(p.speaker or "", gender, entities, genders)), None)


def subject_named_since(sentences: list[ParsedSentence], index: int, offset: int, latest: Attribution | None,
                        people: list[Attribution], entities: list[Entity], gender: str | None,
                        genders: dict[str, str], quotes: list[Quote], text: str) -> Attribution | Entity | None:
    """"Gene Sperling ... hired Ms. Brainard under Bill Clinton. He said": the person named as the
    subject of the main clause of the pronoun's sentence (before it) or of the sentence before, when
    named after the last speaker of that gender spoke, outside quotation marks, and known to be of
    the pronoun's gender (a "Clinton" the article leaves open is not taken); None otherwise. The last
    speaker is the usual antecedent of "he said"; a person the text has since made its subject is
    the nearer one. A bare surname that someone quoted before bears, of that gender, is that
    speaker ("Murphy" after Chris Murphy spoke), so the full name is kept."""
    if gender is None:
        return None
    spoke_at = min((span.start for span in latest.source or latest.cue), default=-1) if latest else -1
    for sentence in (sentences[index], *sentences[max(index - 1, 0) : index]):
        by_index = {w.index: w for w in sentence.words}
        for word in sentence.words:
            main = by_index.get(word.head)
            if word.deprel != "nsubj" or main is None or main.deprel != "root" or word.end > offset:
                continue
            named = person_named_at(entities, word)
            if (named is None or named.start <= spoke_at or in_quotation([Span(named.start, named.end)], quotes, text)
                    or person_gender(strip_possessive(named.text), entities, genders) != gender):
                continue
            name = person_name(strip_possessive(named.text))
            quoted = [p for p in people if p.speaker and (
                person_name(p.speaker).key == name.key if name.is_full
                else person_name(p.speaker).surname_key == name.surname_key
                and person_gender(p.speaker, entities, genders) in (gender, None))]
            return quoted[-1] if quoted else named
    return None


def person_by_given_name(name: str, entities: list[Entity]) -> str | None:
    """"Donald told his roommate", "Jane said" in an article that names Donald J. Trump and Jane
    Sanders: a one-word name that is a common given name, and no one's surname in the article, is
    the one person the article names in full with that given name (None when it names none, or
    two: "Hillary" beside Hillary Clinton and Hillary Camp)."""
    words = name.split()
    if len(words) != 1 or not first_name_gender(words[0]):
        return None
    given = words[0].casefold()
    full: dict[str, str] = {}
    for entity in entities:
        if entity.type != "PER":
            continue
        parsed = person_name(strip_possessive(entity.text))
        if parsed.is_full and parsed.given[:1] == (given,):  # "Donald Trump" and "Donald J. Trump" are one
            full.setdefault(parsed.surname_key, strip_possessive(entity.text))
    return next(iter(full.values())) if len(full) == 1 else None


def named_person_before(entities: list[Entity], offset: int, gender: str | None,
                        genders: dict[str, str]) -> Entity | None:
    before = [e for e in entities
              if e.type == "PER" and e.end <= offset and agrees(strip_possessive(e.text), gender, entities, genders)]
    return before[-1] if before else None


def campaign_owner_pronoun(head: Word, sentence: ParsedSentence) -> Word | None:
    """The "his" or "her" of a source "his campaign", "her campaign"; None for any other source."""
    if head.lemma.lower() != "campaign":
        return None
    return next((w for w in sentence.words if w.head == head.index and w.deprel == "nmod:poss"
                 and w.text.lower() in ("his", "her")), None)


# A campaign that points back: "his campaign", "the campaign's".
POINTING_CAMPAIGN = re.compile(r"(?i)(?:his|her|the)\s+campaign(?:['’]s?)?$")
# A campaign named by its candidate: "the Sanders campaign", "Donald Trump's campaign".
# At most four words of name: an unbounded run made matching quadratic in a run of capitals
# (a 20,000-word article in capitals took a minute).
NAMED_CAMPAIGN = re.compile(r"\b(?!(?:The|His|Her|Its|Their|This|That|A|An)\b)[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}"
                            r"(?:['’]s)?\s+(?:presidential\s+)?campaign\b")


def campaign_named_before(things: list[tuple[Attribution, Word | None]], attribution: Attribution,
                          text: str) -> Attribution | None:
    """The campaign that spoke last before "the campaign", when it is named by its candidate ("the
    Sanders campaign") and no other candidate's campaign is written between them; None otherwise."""
    at = min(span.start for span in attribution.source)

    def name(other: Attribution) -> str:
        return other.speaker or source_text(other, text)

    earlier = [other for other, _ in things if other.speaker_type == ORGANIZATION and other.source[0].start < at
               and NAMED_CAMPAIGN.fullmatch(re.sub(r"(?i)^the\s+", "", name(other)))]
    if not earlier:
        return None
    last = earlier[-1]
    own = NAMED_CAMPAIGN.search(source_text(attribution, text))
    if own is not None and campaign_owner(own.group(0)) != campaign_owner(name(last)):
        return None  # "the Clinton campaign" after "the Sanders campaign": another campaign
    between = text[last.source[-1].end : at]
    if any(campaign_owner(m.group(0)) != campaign_owner(name(last)) for m in NAMED_CAMPAIGN.finditer(between)):
        return None  # another candidate's campaign came in between: no guess
    return last


def campaign_owner(campaign: str) -> str:
    """The candidate's last name, lower case: "sanders" for "the Bernie Sanders campaign", "Mr.
    Sanders's campaign" and "Bernie Sanders"."""
    words = strip_possessive(re.sub(r"(?i)^the\s+|\s+(?:presidential\s+)?campaign$", "", campaign)).split()
    return words[-1].lower() if words else ""


def campaign_owners(text: str) -> set[str]:
    """The candidates whose campaigns the article names ("the Sanders campaign", "Trump's campaign")."""
    return {campaign_owner(m.group(0)) for m in NAMED_CAMPAIGN.finditer(text)}


def source_text(attribution: Attribution, text: str) -> str:
    """The words of an attribution's source, its pieces joined by a space."""
    return " ".join(text[span.start : span.end] for span in attribution.source)


def called_by_its_phrase(attribution: Attribution, text: str) -> None:
    """A speaker with no name of its own ("The ad", "The Sanders campaign") that a later pronoun or
    "the campaign" points back to: called by its source words and kept to the article."""
    if attribution.speaker is None:
        attribution.speaker, attribution.speaker_local = source_text(attribution, text), True


def copy_speaker(source: Attribution, target: Attribution) -> None:
    target.speaker = source.speaker
    target.speaker_type = source.speaker_type
    target.speaker_local = source.speaker_local  # the same speaker, kept to the article as it is
    for carried in CARRIED_FIELDS:
        if getattr(target, carried) is None:
            setattr(target, carried, getattr(source, carried))


# -- a source must name its speaker -----------------------------------------------------------------

_SMALL_WORDS = frozenset("the a an of and or for in on at to de la le al el".split())
COORDINATORS = re.compile(r"(?:^|\s|,)(?:and|or|&)\s", re.IGNORECASE)
# A gap with one of these holds an affiliation, not a second speaker ("a spokesman for X and Y").
_AFFILIATION_WORDS = re.compile(r"\b(?:of|for|at|with|to|from|in)\b", re.IGNORECASE)


def _name_words(name: str) -> set[str]:
    """Lower-case words of a name, titles, possessives and small words off."""
    from claims.names import is_title_at

    lowered = [re.sub(r"['’]s?$", "", word).strip(".") for word in re.findall(r"[\w'’.-]+", name.casefold())]
    lowered = [word for word in lowered if word]
    return {word for n, word in enumerate(lowered) if word not in _SMALL_WORDS and not is_title_at(lowered, n)}


def pointing_only(source: str) -> bool:
    """A source of pointing words only: "he", "He ... he", "who", "I"."""
    from claims.names import POINTING_WORDS

    found = [re.sub(r"['’]s$", "", w) for w in re.findall(r"[\w'’]+", source.casefold())]
    return bool(found) and all(w in POINTING_WORDS for w in found)


def names_speaker(source: str, speaker: str) -> bool:
    """Whether the source text names the speaker: a name word in common ("Mr. Trump" for Donald
    Trump), the initials ("SDF"), or the registry's alias of the same outlet ("AP")."""
    if _name_words(source) & _name_words(speaker):
        return True
    spelled = "".join(w[0] for w in re.findall(r"[A-Z][\w'’-]*", speaker))
    if any(len(w) >= 2 and w.isupper() and w == spelled for w in re.findall(r"[\w]+", source)):
        return True  # "The SDF": Syrian Democratic Forces
    entry = known_channel(source)
    return entry is not None and known_channel(speaker) == entry


_DESCRIPTION_OPENS = re.compile(r",\s+(?:a|an|the)\s", re.IGNORECASE)


def inside_description(gap: str) -> bool:
    """The coordinator between two names stands inside what the source says of the first one, a
    description opened after a comma and not closed before it: in "Sen. Lindsey O. Graham (R-S.C.),
    a former presidential candidate and a Cruz supporter" Cruz is no second speaker; in "Hillary
    Clinton, the Democratic nominee, and Donald Trump" the comma closes it and two people speak."""
    opened = _DESCRIPTION_OPENS.search(gap)
    if opened is None:
        return False
    rest = gap[opened.end() :]
    coordinator = COORDINATORS.search(rest)
    return coordinator is not None and not rest[: coordinator.start() + 1].rstrip().endswith(",")


def coordinated_names(spans: list[Span], entities: list[Entity], text: str, speaker: str) -> bool:
    """Whether the source names the speaker beside another person or body, joined by "and"/"or"
    ("Bernie Sanders and Republican nominee Donald Trump"). Names joined further on, in what the
    source says of the speaker ("Gene B. Sperling, an adviser to Bill Clinton and Barack Obama"),
    leave the speaker alone."""
    inside = sorted((e for e in entities if e.type in ("PER", "ORG", "LOC")
                     and any(s.start <= e.start and e.end <= s.end for s in spans)), key=lambda e: e.start)
    joined = [(a, b) for a, b in zip(inside, inside[1:])
              if COORDINATORS.search(gap := text[a.end : b.start]) and not _AFFILIATION_WORDS.search(gap) and len(gap) < 60
              and not inside_description(gap)]
    if not joined:
        return False
    if not any(names_speaker(e.text, speaker) for e in inside):
        return True  # the names joined are all there is; none of them alone is the speaker
    return any(names_speaker(a.text, speaker) or names_speaker(b.text, speaker) for a, b in joined)


def keep_named_speakers(found: list[Found], entities: list[Entity], text: str) -> None:
    """A speaker stays joined to a claim only when its source names that speaker or is a pronoun
    (or "the senator") resolved to it. Coordinated sources ("A and B said") are several speakers: kept to the article
    under the phrase, never one of them; a source that names someone else is kept to the article
    under its own words."""
    for item in found:
        attribution = item.attribution
        if not attribution.speaker or not attribution.source or attribution.speaker_type == PUBLICATION:
            continue
        source = source_text(attribution, text)
        if pointing_only(source) or role_description(text, attribution.source) is not None or POINTING_CAMPAIGN.match(source):
            continue  # "he", "the senator", "his campaign": resolved to the speaker in resolve_article
        if coordinated_names(attribution.source, entities, text, attribution.speaker):
            if attribution.speaker_local and attribution.speaker == source:
                continue
            attribution.speaker, attribution.speaker_type, attribution.speaker_local = source, UNKNOWN, True
            attribution.role = None
            continue
        if names_speaker(source, attribution.speaker):
            continue
        # The source is not a pronoun and names someone else (or no one): not this speaker.
        attribution.speaker = None
        if attribution.speaker_type == PERSON:
            attribution.speaker_type = UNKNOWN
