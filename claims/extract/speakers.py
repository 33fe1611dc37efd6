"""Who a source is: speaker name and type, role, affiliation, channel, place and time.

Works on one found attribution and its sentence's parse. Pronouns and short names are left for
claims.extract.coref, which sees the whole article.
"""

from __future__ import annotations

import re

from claims.extract.channels import channel_medium
from claims.extract.lexicon import (
    ANONYMOUS_NOUNS,
    CHANNEL_NOUNS,
    GROUP_NOUNS,
    INSIDER_WORDS,
    NATIONALITIES,
    ORGANIZATION_NAME_ENDINGS,
    VAGUE_NOUNS,
)
from claims.extract.rules import Found
from claims.extract.tree import Tree, span_of
from claims.names import (
    DESCRIPTORS,
    HONORIFICS,
    PERSON_PRONOUNS,
    POSSESSIVE,
    TITLE_FORMS,
    TITLE_WORDS,
    is_title_at,
    known_channel,
)
from claims.types import (
    ANONYMOUS,
    GOVERNMENT,
    ORGANIZATION,
    PERSON,
    PUBLICATION,
    UNKNOWN,
    UNNAMED_REPORTS,
    Attribution,
    Entity,
    Span,
    Word,
)

SPEECH_VERBS = {"speak", "talk", "tell", "write", "report", "say", "comment", "testify", "appear"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# Pronouns a "who" can stand for that name no one: the clause after them says who is meant.
PEOPLE_PRONOUNS = {"those", "anyone", "anybody", "everyone", "everybody", "someone", "somebody", "others",
                   "many", "few", "some", "all", "most", "one"}
# Determiners of one unnamed member of a group ("a Democrat", "one Republican").
ONE_OF_A_GROUP = {"a", "an", "one", "another"}
ANAPHORIC_DETERMINERS = {"this", "that", "these", "those"}
# How far up a relative clause the antecedent is looked for ("Russia, which is expected to say").
_CLAUSE_LINKS = ("xcomp", "ccomp", "conj", "advcl")
# Cues that need no one to have said anything (describe_sourceless). "X seems / appears / looks /
# sounds ...": the writer's own judgement.
APPEARANCE_VERBS = {"seem", "appear", "look", "sound"}
# "X is expected / considered / seen as / believed ...", with no one by whom: what unnamed people
# expect or think, a vague source like "reports say".
GENERAL_PASSIVES = {"expect", "consider", "see", "view", "regard", "deem", "believe", "think", "know",
                    "say", "report", "rumor", "rumour", "project", "predict", "estimate", "describe",
                    "characterize", "label", "perceive", "understand", "assume", "suppose", "presume",
                    # judged or charged by unnamed others: "is accused of", "was billed as"
                    "accuse", "criticize", "criticise", "blame", "bill", "brand", "declare", "praise",
                    "hail", "credit", "suspect", "debate", "dispute", "question", "tout"}
# A cue noun with no one's name on it: "stoked speculation that ...", "rumors that ...".
GENERAL_NOUNS = {"speculation", "rumor", "rumour", "chatter", "buzz", "whisper"}
# "what is known as the Purcell doctrine", "a club dubbed ...": a naming, in the writer's voice.
NAMING_VERBS = {"dub", "nickname", "title"}


def within(word: Word, spans: list[Span]) -> bool:
    """The word lies inside one of the spans (the source words the tagger marked)."""
    return any(span.start <= word.start and word.end <= span.end for span in spans)


def names_a_business(tree: Tree, head: Word, phrase: list[Word]) -> bool:
    """"Moody's said", "Standard & Poor's said": a possessive that owns no noun, standing as the
    subject of a finite verb itself, is a business named after its founders; the "'s" is part of
    the name. Not "Friends of Mr. Clinton's" (the "'s" is another name's) nor "Trump's talking"
    (a gerund's subject)."""
    governor = tree.by_index.get(head.head)
    if not head.deprel.startswith("nsubj") or governor is None or governor.text.lower().endswith("ing"):
        return False
    last = max(phrase, key=lambda w: w.index)
    owner = tree.by_index.get(last.head)
    owner_is_head = owner is not None and (owner.index == head.index or (
        owner.head == head.index and owner.deprel in ("conj", "flat")))
    return last.text in ("'s", "’s") and last.deprel == "case" and owner_is_head


def strip_possessive(name: str) -> str:
    """'Trump's' -> 'Trump'; "Al Jazeera's Sinem Koseoglu" -> 'Sinem Koseoglu' (the owner is not the name)."""
    name = re.split(r"['’]s\s+", name.strip())[-1]
    return POSSESSIVE.sub("", name)


def join_hyphenated_names(entities: list[Entity], text: str) -> list[Entity]:
    """Person entities the tokenizer cut at a hyphen, one again: "Jennifer Shanklin" + "-" +
    "Hawkins" -> "Jennifer Shanklin-Hawkins", "Karl" + "Heinz Kamp" -> "Karl-Heinz Kamp" (else
    "she" after her finds "Hawkins", and the pronoun and surname rules see two people). Two single
    words are one name only when it is the surname of someone joined so ("Mark-Viverito" after
    "Melissa Mark-Viverito"); "the Obama-Clinton foreign policy" names two people."""
    ordered = sorted(entities, key=lambda e: e.start)

    def cut_at_hyphen(previous: Entity, entity: Entity) -> bool:
        return previous.type == entity.type == "PER" and text[previous.end : entity.start] in ("-", "‐", "‑")

    def full_name(previous: Entity, entity: Entity) -> bool:
        return cut_at_hyphen(previous, entity) and len(previous.text.split()) + len(entity.text.split()) > 2

    # the last word of each full name joined at a hyphen: "Mark-Viverito" of "Melissa Mark-Viverito"
    surnames = {text[a.start : b.end].split()[-1] for a, b in zip(ordered, ordered[1:]) if full_name(a, b)}
    joined: list[Entity] = []
    for entity in ordered:
        previous = joined[-1] if joined else None
        if previous is not None and (full_name(previous, entity)
                                     or cut_at_hyphen(previous, entity) and text[previous.start : entity.end] in surnames):
            joined[-1] = Entity(text[previous.start : entity.end], "PER", previous.start, entity.end)
        else:
            joined.append(entity)
    return joined


def last_name_run(entities: list[Entity], text: str) -> Entity:
    """The last person entity, joined with the ones right before it that the tagger split off
    ("Hadi" + "al-Bahri" -> "Hadi al-Bahri")."""
    ordered = sorted(entities, key=lambda e: e.start)
    start, end = ordered[-1].start, ordered[-1].end
    for previous in reversed(ordered[:-1]):
        if text[previous.end : start].strip(" -").casefold() not in ("", "al", "el"):
            break
        start = previous.start
    return Entity(text[start:end], "PER", start, end)


def without_titles(name: str, person: bool = True) -> str | None:
    """'Sen. Marco Rubio' -> 'Marco Rubio'; 'Mr.' alone -> None (a title is not a name). A
    person's name also loses descriptors and a label: 'Billionaire Donald Trump',
    'PolitiFact: Donald Trump' -> 'Donald Trump' (person False: a name of unknown type keeps them,
    as in 'Republican Jewish Coalition')."""
    if person:
        name = name.rsplit(": ", 1)[-1]
    words = name.split()
    while words and (is_title_at([w.casefold().rstrip(".") for w in words], 0)
                     or person and len(words) > 1 and words[0].casefold() in DESCRIPTORS and words[1][:1].isupper()):
        words = words[1:]
    return " ".join(words) or None


def entity_at(entities: list[Entity], start: int, end: int) -> Entity | None:
    """The entity overlapping [start, end), preferring the longest."""
    hits = [e for e in entities if e.start < end and start < e.end]
    return max(hits, key=lambda e: e.end - e.start) if hits else None


def leading_person_name(source: list[Span], entities: list[Entity], text: str) -> str | None:
    """The person a source opens with, title words aside, when the name stands alone or is set off
    by a comma or parenthesis ("Rep. Jim Jordan (R-Ohio), a member", "Hicks, a spokeswoman");
    not a name that modifies what follows ("Trump supporters", "Clinton's aides")."""
    if not source:
        return None
    first = min(source, key=lambda s: s.start)
    people = [e for e in entities if e.type == "PER" and first.start <= e.start and e.end <= first.end]
    if not people:
        return None
    person = min(people, key=lambda e: e.start)
    before = text[first.start : person.start].split()
    if any(word.casefold().rstrip(".") not in TITLE_FORMS for word in before):
        return None
    after = text[person.end : first.end].lstrip(" ")
    if after and after[0] not in ",(":
        return None
    return without_titles(person.text)


def phrase_text(words: list[Word], text: str) -> str | None:
    span = span_of(words, text)
    return text[span.start : span.end] if span else None


def describe(found: Found, tree: Tree, text: str, entities: list[Entity], source_tree: Tree | None = None) -> None:
    """Fill speaker, speaker_type, role, affiliation, channel, location and time of found.attribution.

    tree is the cue's sentence; source_tree the source's, when the source stands in another sentence.
    """
    attribution = found.attribution
    if attribution.cue_class == "hedge":
        attribution.speaker_type = UNNAMED_REPORTS
        return
    head = found.source_head
    if head is not None:
        describe_source(found, source_tree or tree, head, text, entities)
        if attribution.speaker is None and attribution.speaker_type in (ANONYMOUS, UNKNOWN, ORGANIZATION, GOVERNMENT,
                                                                          UNNAMED_REPORTS):
            # "governors who see him as ...": a relative pronoun no name stands for is called by
            # the phrase it stands for, kept to its article, not by the pronoun.
            attribution.speaker = antecedent_phrase(source_tree or tree, head, text)
            attribution.speaker_local = attribution.speaker is not None or attribution.speaker_local
    if attribution.speaker is None and attribution.speaker_type in (ANONYMOUS, UNKNOWN):
        # The parse missed the name the source opens with ("Rep. Jim Jordan (R-Ohio), an
        # oversight panel member"): a named person is never an anonymous source.
        name = leading_person_name(attribution.source, entities, text)
        if name is not None:
            attribution.speaker, attribution.speaker_type = name, PERSON
    find_channel_place_time(found, tree, text, entities)
    if attribution.cue_lemma == "according to" and attribution.channel is None:
        entry = known_channel(attribution.speaker or "")
        if entry is not None:
            attribution.channel, attribution.channel_kind = entry.name, entry.kind


def describe_sourceless(found: Found, tree: Tree) -> None:
    """Who stands behind a cue that has no source words and that resolution gave no speaker.

    "Trump's approach seems to be alienating voters" is the writer's own judgement: the article's
    own voice (its publication or author), the cue kept. "He is expected to win", "is considered a
    contender", "is accused of", with no one by whom, and "speculation that ..." are what unnamed
    people expect, think or say: unnamed reports, like "reports say". A naming ("known as HFCs",
    "dubbed ...") is the writer's. Anything else (a cue whose subject the tagger missed: "..., said
    on Tuesday") stays an unidentified source: no one is named where no one can be told.
    """
    attribution = found.attribution
    if attribution.source or attribution.speaker or attribution.speaker_type != UNKNOWN:
        return
    cue = found.cue_word
    lemma = cue.lemma.lower()
    following = tree.words[cue.index] if cue.index < len(tree.words) else None
    # "is expected", or a participle hung on a noun ("HFCs, known as ...": the model gives no XPOS)
    passive = bool(tree.kids(cue, "aux:pass")) or (cue.deprel == "acl" and cue.upos == "VERB"
                                                   and not cue.text.lower().endswith("ing"))
    has_agent = any(kid.deprel == "obl:agent" or (kid.deprel.startswith("obl") and any(
        case.text.lower() == "by" for case in tree.kids(kid, "case"))) for kid in tree.kids(cue))
    naming = lemma in NAMING_VERBS or (lemma == "know" and following is not None and following.text.lower() == "as")
    if (lemma in APPEARANCE_VERBS and not passive) or (passive and not has_agent and naming):
        attribution.speaker_type = PUBLICATION
    elif (passive and not has_agent and lemma in GENERAL_PASSIVES) or (cue.upos == "NOUN" and lemma in GENERAL_NOUNS
                                                                       and not tree.kids(cue, "nmod:poss")):
        attribution.speaker_type = UNNAMED_REPORTS


def describe_source(found: Found, tree: Tree, head: Word, text: str, entities: list[Entity]) -> None:
    attribution = found.attribution
    form = head.text.lower()
    relative = form in RELATIVE_PRONOUNS and head.upos in ("PRON", "DET") and (
        form != "that" or relative_antecedent(tree, head) is not None)
    pronoun = head
    if relative:
        # "Clinton, who said ...": the speaker is Clinton; "a poll, which found ...": the poll.
        antecedent = relative_antecedent(tree, head)
        if antecedent is not None and form in ("who", "whom") and antecedent.text.lower() in PEOPLE_PRONOUNS:
            describe_picked_out_group(attribution, tree, antecedent, text)
            return
        if antecedent is None or antecedent.upos not in ("PROPN", "NOUN"):
            # "..., which suggests that ...": the pronoun stands for a clause, which is no speaker.
            attribution.speaker, attribution.speaker_type = None, UNNAMED_REPORTS
            return
        head = antecedent
        form = head.text.lower()
    lemma = head.lemma.lower()
    if head.upos == "PRON" and form in PEOPLE_PRONOUNS and tree.kids(head, "acl"):
        describe_picked_out_group(attribution, tree, head, text)  # "those supporting deportation"
        return
    if anaphoric_phrase(tree, head):
        # "This statement shows ...", "These reports suggest ...": points back at something said; not a speaker.
        attribution.speaker, attribution.speaker_type = None, UNNAMED_REPORTS
        return
    if head.upos == "PRON" or form in PERSON_PRONOUNS:
        attribution.speaker = None
        attribution.speaker_type = PERSON if form in ("he", "she", "i", "him", "her") else UNKNOWN
        return
    # "Trump, who has called the pact "insanity," and Sanders": a "who" before the other names
    # stands for the first alone
    alone = relative and any(c.start > pronoun.start for c in tree.kids(head, "conj"))
    phrase = [w for w in tree.subtree(head, exclude={"acl", "acl:relcl", "punct", "parataxis", "advcl"})
              if not alone or w.deprel not in ("conj", "cc", "case") or w.head != head.index]
    if head.upos == "PROPN" and names_a_business(tree, head, phrase):
        attribution.speaker = phrase_text(phrase, text)
        attribution.speaker_type = ORGANIZATION
        return
    if coordinated(tree, head) and not alone:
        # "Donald Trump, Ben Carson and Carly Fiorina said": several speakers, none of them alone.
        attribution.speaker = phrase_text(phrase, text)
        attribution.speaker_type, attribution.speaker_local = UNKNOWN, True
        return
    entity = entity_at(entities, head.start, head.end)
    head_in_source = within(head, attribution.source)
    if entity is not None and head_in_source and (
            entity.start < min(s.start for s in attribution.source) or entity.end > max(s.end for s in attribution.source)):
        # A headline in title case reads as one long name ("Biden Aims Insult At Trump, Slams ...",
        # an ORG to the entity tagger): a name runs no further than the source words the tagger
        # marked, and is a person the article names elsewhere when one stands in them
        # ("Conservative Icon Morton Blackwell Endorses ..." is Morton Blackwell's).
        source_text = " ".join(text[span.start : span.end] for span in attribution.source)
        phrase = [w for w in phrase if within(w, attribution.source)]
        entity = max((e for e in entities if e.type == "PER" and head.text in e.text.split() and e.text in source_text),
                     key=lambda e: len(e.text), default=None)
    if lemma in VAGUE_NOUNS or form in VAGUE_NOUNS:
        attribution.speaker_type = UNNAMED_REPORTS
        return
    possessor = next(iter(tree.kids(head, "nmod:poss")), None)
    if possessor is not None and possessor.upos == "PROPN":
        owner = phrase_text(tree.subtree(possessor, exclude={"case"}), text)
        entry = known_channel(owner or "")
        if entry is not None:  # "Al Jazeera's Sinem Koseoglu": a reporter of that outlet
            attribution.channel, attribution.channel_kind = entry.name, entry.kind
            attribution.role = "reporter"
            attribution.affiliation = entry.name
        elif owner:
            attribution.affiliation = strip_possessive(owner)
    if entity is None or entity.type != "PER":
        # Names in the head's phrase, or in the source span the extractor gave when the parse
        # left part of it out ("Former Obama spokesman Robert Gibbs" with two subjects).
        bounds = [(w.start, w.end) for w in phrase] + [(span.start, span.end) for span in attribution.source]
        inner = [e for e in entities if e.type == "PER" and phrase and e.start >= min(b[0] for b in bounds)
                 and e.end <= max(b[1] for b in bounds)]
        titled_head = head.text.casefold().rstrip(".") in TITLE_FORMS
        # A possessor is not the speaker ("Donald Trump's campaign manager, Corey Lewandowski"),
        # nor a name before the head noun ("the Obama administration", "Sanders aides"), nor one
        # inside a prepositional phrase ("aides to Gov. Chris Christie"): the noun is.
        inner = [e for e in inner if not re.match(r"\s*['’]s?\b", text[e.end : e.end + 3])
                 and (head.upos != "NOUN" or e.start >= head.end) and names_the_head(tree, head, e)]
        if inner and (head.upos == "NOUN" or titled_head):  # "Senior researcher Mu Li", "Secretary ... Kerry"
            entity = last_name_run(inner, text)
    if entity is not None and entity.type == "PER":
        attribution.speaker_type = PERSON
        attribution.speaker = strip_possessive(entity.text)
    elif entity is not None and entity.type == "ORG":
        entry = known_channel(entity.text)
        attribution.speaker_type = ORGANIZATION
        attribution.speaker = strip_possessive(entity.text)
        if entry is not None:
            attribution.speaker = entry.name
            attribution.channel = attribution.channel or entry.name
            attribution.channel_kind = attribution.channel_kind or entry.kind
    elif entity is not None and entity.type == "LOC":
        attribution.speaker_type = GOVERNMENT
        attribution.speaker = strip_possessive(entity.text)
    elif head.upos == "PROPN":
        # The name is the head and the proper nouns hung on it as parts of a name, not a name
        # further down the phrase ("Republicans on Capitol Hill" is no "Republicans on Capitol").
        name_words = [w for w in name_parts(tree, head) if w.upos == "PROPN"]
        # Likewise a name the parse strings on past the source words.
        inside_source = [w for w in name_words if within(w, attribution.source)]
        if head_in_source and inside_source and len(inside_source) < len(name_words):
            name_words = inside_source
        name = phrase_text(name_words, text) or head.text
        if entity is not None and name_words and entity.start <= head.start and head.end <= entity.end:
            # the tagger's name takes in the words the parse read as modifiers ("Syrian Democratic Forces")
            name = text[min(entity.start, name_words[0].start) : max(entity.end, name_words[-1].end)]
        entry = known_channel(name)
        if entry is not None:
            attribution.speaker_type = ORGANIZATION
            attribution.speaker = entry.name
            attribution.channel, attribution.channel_kind = entry.name, entry.kind
        else:
            titled = any(w.text.lower() in TITLE_WORDS | HONORIFICS for w in phrase if w.index < head.index)
            if head.text.lower() in ORGANIZATION_NAME_ENDINGS:  # "Syrian Democratic Forces", "Labour Party"
                attribution.speaker_type = ORGANIZATION
            else:
                attribution.speaker_type = PERSON if len(name_words) >= 2 or titled else UNKNOWN
            attribution.speaker = strip_possessive(name)
            plural = head.xpos == "NNPS" or "Number=Plur" in head.feats or (
                entity is not None and entity.type == "MISC" and head.text.endswith("s"))  # the bundled model tags no number
            if plural and attribution.speaker_type != ORGANIZATION:
                # "Republicans", "House Republicans": some of a group, not one speaker across
                # articles, and no one a later "he" stands for.
                attribution.speaker_type, attribution.speaker_local = UNKNOWN, True
            elif entity is not None and entity.type == "MISC" and any(
                    d.text.lower() in ONE_OF_A_GROUP for d in tree.kids(head, "det", "nummod")):
                # "one well-connected Democrat familiar with the campaign": one unnamed member of a
                # group, an anonymous source when an insider.
                attribution.speaker_type = ANONYMOUS if has_insider_words(tree, head, attribution.source) else UNKNOWN
                attribution.speaker, attribution.speaker_local = phrase_text(phrase, text), True
    elif (name := appositive_name(tree, head, attribution.source, entities, text)) is not None:
        # "Hicks, a campaign spokeswoman": a name the tagger missed, in apposition to the noun.
        attribution.speaker, attribution.speaker_type = name, PERSON
        attribution.role = phrase_text([w for w in phrase if w.deprel != "det"], text)
        return
    elif lemma in ANONYMOUS_NOUNS | GROUP_NOUNS or form in ANONYMOUS_NOUNS | GROUP_NOUNS or head.upos == "NOUN":
        attribution.speaker_type = ANONYMOUS if is_anonymous(tree, head, attribution.source) else UNKNOWN
        if lemma in ("government", "ministry", "administration", "state", "country"):
            attribution.speaker_type = GOVERNMENT
        elif lemma in ("group", "party", "campaign", "committee", "company", "agency", "force", "organization",
                       "coalition", "council", "department", "office", "court", "union", "bank", "commission"):
            attribution.speaker_type = ORGANIZATION
        describe_anonymous(attribution, tree, head, phrase, text, entities)
        return
    describe_titles(attribution, tree, head, phrase, text, entity, found.appositives)
    if attribution.speaker and attribution.speaker_type in (PERSON, UNKNOWN):
        attribution.speaker = without_titles(attribution.speaker, attribution.speaker_type == PERSON)
    if attribution.role and attribution.speaker and attribution.role.casefold() == attribution.speaker.casefold():
        attribution.role = None  # the name read as an appositive is not a role


def name_parts(tree: Tree, head: Word) -> list[Word]:
    """The head and the words hung on it, or on one another, as parts of one name (flat, compound)."""
    parts, stack = [], [head]
    while stack:
        word = stack.pop()
        parts.append(word)
        stack.extend(tree.kids(word, "flat", "compound"))
    return sorted(parts, key=lambda w: w.index)


def describe_picked_out_group(attribution: Attribution, tree: Tree, pronoun: Word, text: str) -> None:
    """A group of people named by the clause that picks them out ("Those who said the economy was
    their top issue split ...", "those supporting deportation"): called by that phrase, its
    clause's own content left out, and kept to its article; not unnamed reports, not "who"."""
    group = tree.subtree(pronoun, exclude=NOT_IN_NOUN_PHRASE - {"acl"} | {"case", "cc", "conj"})
    # "those supporting Clinton, who are growing irritated": a clause set off by a comma aside
    cut = next((b for a, b in zip(group, group[1:]) if b.index > pronoun.index and "," in text[a.end : b.start]), None)
    if cut is not None:
        group = [w for w in group if w.index < cut.index]
    attribution.speaker = phrase_text(group, text)
    attribution.speaker_type, attribution.speaker_local = UNKNOWN, True


def relative_antecedent(tree: Tree, pronoun: Word) -> Word | None:
    """What a relative pronoun stands for: the noun its clause modifies ("Russia, which said" ->
    Russia), found up the clause (through "is expected to say"); None when the pronoun opens no
    relative clause ("..., which suggests that ..." after a whole clause)."""
    word = tree.head_of(pronoun)
    for _ in range(4):
        if word is None:
            break
        if word.deprel.startswith("acl"):
            return tree.head_of(word)
        if word.deprel.split(":")[0] not in _CLAUSE_LINKS:
            break
        word = tree.head_of(word)
    return name_before_comma(tree, pronoun)


def name_before_comma(tree: Tree, pronoun: Word) -> Word | None:
    """What a "who" right after a comma and a noun stands for when the parse hung its clause on
    the main verb rather than on the noun ("Zucker, who in the past has voiced the desire to run,
    said ..."): that noun, or the first word of the name it ends ("Bret Stephens, who ..." ->
    Bret). "who" stands for people only, so a clause is never its antecedent, as it can be for
    "which"."""
    if pronoun.text.lower() not in ("who", "whom"):
        return None
    comma, before = tree.by_index.get(pronoun.index - 1), tree.by_index.get(pronoun.index - 2)
    if comma is None or before is None or comma.text != "," or before.upos not in ("PROPN", "NOUN"):
        return None
    while before.deprel.startswith("flat") and (head := tree.head_of(before)) is not None:
        before = head
    if tree.kids(before, "case", "conj"):
        return None  # "Contrast that with Trump, who has called ..., and Sanders": not a phrase of its own
    return before


def antecedent_phrase(tree: Tree, pronoun: Word, text: str) -> str | None:
    """The words of the noun phrase a relative pronoun stands for, its relative clause left out
    ("members of Congress and governors" for the "who" of "... governors who see him", "the
    study" for "the study, which notes ..."); None when it stands for no noun. "which" and "that"
    never stand for a quantity: in "won by twenty points, which suggests ..." the parse hung on
    "points" what stands for the whole clause."""
    form = pronoun.text.lower()
    if form not in RELATIVE_PRONOUNS or pronoun.upos not in ("PRON", "DET"):
        return None
    antecedent = relative_antecedent(tree, pronoun)
    if antecedent is None or not may_stand_for_speaker(antecedent, tree):
        return None
    if form in ("which", "that") and (antecedent.upos == "NUM" or tree.kids(antecedent, "nummod")) and not (
            counted_speakers(antecedent)):
        return None  # "twenty points, which suggests"; not "two outside spending groups that have released"
    # its own preposition and conjunction: "support from [members ...]", "Trump and [activists who ...]"
    linking = {w.index for w in tree.kids(antecedent, "case", "cc")}
    return phrase_text(tree.subtree(antecedent, exclude=NOT_IN_NOUN_PHRASE, skip=linking), text)


# Relations that hang a clause's parts on a noun that heads a clause ("It's still a rare candidate
# who ...": "candidate" holds "It", "'s", "still"), and the relative clause itself.
NOT_IN_NOUN_PHRASE = {"acl", "punct", "parataxis", "advcl", "appos", "nsubj", "csubj", "cop", "aux", "mark",
                      "advmod", "expl", "discourse", "vocative", "obl", "ccomp", "xcomp", "dep"}


def counted_speakers(noun: Word) -> bool:
    """A counted noun that can speak: people or bodies ("two groups", "three senators"), not a
    quantity ("twenty points")."""
    from claims.extract.antecedents import PEOPLE_NOUNS, SPEAKING_BODIES  # antecedents imports this module

    lemma = noun.lemma.casefold()
    return noun.upos == "NOUN" and (lemma in PEOPLE_NOUNS or lemma in SPEAKING_BODIES)


def may_stand_for_speaker(noun: Word, tree: Tree) -> bool:
    """What a relative pronoun can stand for as a speaker: a noun, a name or a number ("64 percent
    who say", "the study, which notes"), not a pronoun ("those who said": "those" names no one); and
    not in a question, where
    the parse may read the question's "who" as a relative pronoun ("... close to 5 percent, who
    wouldn't like to see 3.8 percent?")."""
    if tree.words and tree.words[-1].text == "?":
        return False
    return noun.upos in ("NOUN", "PROPN", "NUM")


def anaphoric_phrase(tree: Tree, head: Word) -> bool:
    """A phrase that points back rather than names: "this statement", "these reports", "that"
    (a demonstrative, or a determiner this/that/these/those on a noun that is not a person's)."""
    if head.upos == "PRON" or head.upos == "DET":
        return head.text.lower() in ANAPHORIC_DETERMINERS
    if head.upos != "NOUN":
        return False
    lemma = head.lemma.lower()
    if lemma in ANONYMOUS_NOUNS or lemma in GROUP_NOUNS or lemma in TITLE_WORDS or head.text.lower() in ANONYMOUS_NOUNS:
        return False  # "this official", "that spokesman": a person the article mentioned
    return any(d.text.lower() in ANAPHORIC_DETERMINERS for d in tree.kids(head, "det"))


def is_anonymous(tree: Tree, head: Word, source: list[Span]) -> bool:
    """An anonymous source: someone whose name is withheld ("officials", "a senior military
    source", "people familiar with the matter"), not a group of ordinary people ("voters",
    "witnesses", "Clinton supporters"). The insider words are looked for below the head and in
    the marked source (a parse may hang "familiar" on the verb instead of "people")."""
    lemma, form = head.lemma.lower(), head.text.lower()
    if lemma in ANONYMOUS_NOUNS or form in ANONYMOUS_NOUNS:
        return True
    if lemma in GROUP_NOUNS or form in GROUP_NOUNS:
        return has_insider_words(tree, head, source)
    return False


def has_insider_words(tree: Tree, head: Word, source: list[Span]) -> bool:
    """Whether an insider's word ("familiar", "close", "briefed") stands below the head or in the
    marked source (a parse may hang "familiar" on the verb instead of "people")."""
    marked = [w for w in tree.words if within(w, source)]
    return any(w.lemma.lower() in INSIDER_WORDS for w in [*tree.subtree(head), *marked])


def appositive_name(tree: Tree, head: Word, source: list, entities: list[Entity], text: str) -> str | None:
    """A person's name written beside a common noun that the tagger did not mark ("Hicks, a
    campaign spokeswoman", "a campaign spokeswoman, Hope Hicks"): proper nouns of the source that
    are the noun's apposition, or that the noun is in apposition to; not a compound or a
    prepositional modifier ("Clinton supporters", "aides to Christie")."""
    if head.upos != "NOUN":
        return None
    in_source = [w for w in tree.words if within(w, source)]
    names = [w for w in in_source if w.upos == "PROPN"
             and (w.head == head.index and w.deprel == "appos" or head.head == w.index and head.deprel == "appos")]
    if not names:
        return None
    name_word = names[0]
    entity = entity_at(entities, name_word.start, name_word.end)
    if entity is not None and entity.type in ("ORG", "LOC", "GPE", "NORP"):
        return None
    run = [w for w in tree.subtree(name_word) if w.upos == "PROPN" and (w is name_word or w.deprel == "flat")]
    return strip_possessive(phrase_text(run, text) or name_word.text)


def coordinated(tree: Tree, head: Word) -> bool:
    """Whether the source names several speakers joined by "and"/"or" ("Bush and his rivals")."""
    # The conjuncts hang from the head, or from the name in apposition to it ("Democratic
    # candidates Hillary Clinton and Bernie Sanders").
    heads = [head, *(w for w in tree.kids(head, "appos", "flat") if w.upos == "PROPN")]
    conjuncts = [w for h in heads for w in tree.kids(h, "conj") if w.upos in ("PROPN", "NOUN", "PRON")]
    # A common noun joined after the name's appositive belongs to the appositive, however parsed:
    # "Myra Gutin, a historian and professor of communications" is one speaker.
    described = [w.index for w in tree.kids(head, "appos") if w.upos == "NOUN"]
    conjuncts = [w for w in conjuncts if not (w.upos == "NOUN" and described and min(described) < w.index)]
    # A conjunct with a copula is a predicate of the relative clause the parse left on the head:
    # "Morton Blackwell, the conservative icon who founded ... and is a longtime Republican
    # National Committeeman" is one speaker.
    conjuncts = [w for w in conjuncts if not tree.kids(w, "cop")]
    return any(tree.kids(w, "cc") for w in conjuncts)


def names_the_head(tree: Tree, head: Word, entity: Entity) -> bool:
    """Whether a name in the source is the head's own name (apposition, flat name, compound:
    "Senior researcher Mu Li") rather than a prepositional modifier of it ("aides to Gov. Chris
    Christie"). A name the parse hangs elsewhere but the source span holds counts as the head's,
    and so does a modifier with no preposition of its own: the parse of "Massachusetts Secretary
    of State William Galvin" hangs the name on "Secretary" as if it followed "of"."""
    word = next((w for w in tree.words if entity.start <= w.start < entity.end), None)
    inside = {w.index for w in tree.subtree(head)}
    while word is not None and word.index != head.index and word.index in inside:
        relation = word.deprel.split(":")[0]
        if relation in ("acl", "advcl", "conj", "parataxis") or relation in ("nmod", "obl") and tree.kids(word, "case"):
            return False
        word = tree.head_of(word)
    return True


def describe_titles(attribution, tree: Tree, head: Word, phrase: list[Word], text: str, entity: Entity | None,
                    appositives: list[Word] | None = None) -> None:
    """Role from titles before the name ("Iranian Foreign Minister"), or from an appositive."""
    name_start = entity.start if entity is not None else head.start
    before = [w for w in phrase if w.end <= name_start and w.deprel not in ("det", "punct", "case", "nmod:poss")
              and not any(w.start >= p.start and w.end <= p.end for p in possessive_spans(tree, head))]
    titles = []
    for word in before:
        lowered = word.text.lower()
        if lowered in NATIONALITIES:
            attribution.affiliation = attribution.affiliation or NATIONALITIES[lowered]
        elif lowered in HONORIFICS:
            continue
        elif word.upos in ("NOUN", "PROPN", "ADJ") and (lowered in TITLE_WORDS or word.upos == "NOUN"):
            titles.append(word)
        elif word.upos == "ADJ" and word.deprel == "amod" and any(
                w.index == word.head and w.upos == "NOUN" for w in before):
            titles.append(word)  # "Opposition leader", "senior adviser": the title noun's modifier
    if titles:
        attribution.role = attribution.role if attribution.role and not titles else phrase_text(titles, text)
    for nmod in tree.kids(head, "nmod"):
        if any(c.text.lower() in ("for", "of", "at", "from", "with") for c in tree.kids(nmod, "case")):
            words = [w for w in tree.subtree(nmod) if not (w.head == nmod.index and w.deprel == "case")]
            if attribution.role and text[nmod.start : nmod.end] in attribution.role.split():
                break  # "Secretary of State": the title's own words, not an affiliation
            attribution.affiliation = attribution.affiliation or phrase_text(words, text)
            break
    for appos in tree.kids(head, "appos") + list(appositives or []):
        if entity is not None and entity.start <= appos.start < entity.end:
            continue  # the name itself in apposition to its title ("Opposition leader Hadi al-Bahri")
        role_words = [w for w in tree.subtree(appos, exclude={"nmod", "acl", "acl:relcl", "punct"}) if w.deprel != "det"]
        role = phrase_text(role_words, text)
        if role:
            attribution.role = role
        for nmod in tree.kids(appos, "nmod"):
            # "an adviser to Bill Clinton, who has ...": the affiliation stops before the relative clause
            affiliation = phrase_text([w for w in tree.subtree(nmod, exclude={"acl", "punct", "parataxis"})
                                       if not (w.head == nmod.index and w.deprel == "case")], text)
            if affiliation:
                attribution.affiliation = affiliation
        break


def possessive_spans(tree: Tree, head: Word):
    spans = []
    for possessor in tree.kids(head, "nmod:poss"):
        words = tree.subtree(possessor)
        spans.append(Span(min(w.start for w in words), max(w.end for w in words)))
    return spans


def describe_anonymous(attribution, tree: Tree, head: Word, phrase: list[Word], text: str,
                       entities: list[Entity] | None = None) -> None:
    """'A senior Syrian military source' -> role 'senior military source', affiliation 'Syrian military'."""
    modifiers = [w for w in phrase if w.index < head.index and w.deprel in ("amod", "compound", "nmod:npmod")]
    nationality = next((w for w in modifiers if w.text.lower() in NATIONALITIES), None)
    role_words = [w for w in modifiers if w is not nationality] + [head]
    attribution.role = phrase_text(sorted(role_words, key=lambda w: w.index), text)
    if nationality is not None:
        between = [w for w in modifiers if nationality.index <= w.index < head.index and w.deprel != "amod" or w is nationality]
        attribution.affiliation = phrase_text(sorted(between, key=lambda w: w.index), text)
    elif attribution.affiliation is None:  # "Sanders aides", "the Clinton campaign"
        named = [x for w in modifiers if w.upos == "PROPN" and w.deprel == "compound" for x in tree.subtree(w)]
        if named:
            start, end = min(w.start for w in named), max(w.end for w in named)
            # The tagger's name may run further than the compound: "White House official" (White
            # is tagged ADJ), "New York primary voters".
            for entity in entities or []:
                if entity.start < end and start < entity.end:
                    start, end = min(start, entity.start), max(end, entity.end)
            attribution.affiliation = strip_possessive(text[start:end])
    for nmod in tree.kids(head, "nmod"):
        if any(c.text.lower() in ("of", "for", "at", "from", "in", "with", "to") for c in tree.kids(nmod, "case")):
            words = [w for w in tree.subtree(nmod) if not (w.head == nmod.index and w.deprel == "case")]
            attribution.affiliation = phrase_text(words, text)
            break


MEDIUM_CASES = {"in", "on", "during", "at", "via", "through"}


def hung_on_object(verb: Word, tree: Tree) -> list[Word]:
    """Medium phrases a parse attaches to the verb's object rather than to the verb ("reaffirmed his
    support for Syria in a phone call": the call is the reaffirming's medium either way)."""
    found = []
    for obj in tree.kids(verb, "obj"):
        for child in tree.kids(obj, "nmod"):
            cases = {c.text.lower() for c in tree.kids(child, "case")}
            if child.lemma.lower() in CHANNEL_NOUNS and child.lemma.lower() != "media" and cases & MEDIUM_CASES:
                found.append(child)
    return found


def find_channel_place_time(found: Found, tree: Tree, text: str, entities: list[Entity]) -> None:
    """Channel ('speaking to Reuters', 'told CNN', 'in a statement'), place ('from Istanbul'), time."""
    attribution = found.attribution
    cue = found.cue_word
    anchors = [cue]
    if found.source_head is not None and tree.by_index.get(found.source_head.index) is found.source_head:
        anchors.append(found.source_head)  # only when the source stands in the cue's sentence
    participles = []
    for anchor in anchors:
        for child in tree.kids(anchor, "advcl", "acl", "conj"):
            if child.lemma.lower() in SPEECH_VERBS and child.index != cue.index:
                participles.append(child)
    for verb in [cue, *participles]:
        for child in tree.kids(verb, "obl", "obj", "iobj", "nmod") + hung_on_object(verb, tree):
            cases = {c.text.lower() for c in tree.kids(child, "case")}
            words = [w for w in tree.subtree(child, exclude={"acl:relcl"}) if not (w.head == child.index and w.deprel == "case")]
            phrase = phrase_text(words, text) or child.text
            lemma = child.lemma.lower()
            entity = entity_at(entities, child.start, child.end)
            if entity is not None and entity.type == "DATE" or child.deprel == "obl:tmod":
                attribution.time = attribution.time or (entity.text if entity is not None else phrase)
                continue
            if "from" in cases and verb is not cue or ("from" in cases and verb.lemma.lower() in ("report", "speak")):
                attribution.location = attribution.location or phrase
                continue
            entry = known_channel(phrase) or (known_channel(entity.text) if entity is not None else None)
            if entry is not None and (cases & {"to", "with", "on"} or child.deprel in ("obj", "iobj")
                                      and verb.lemma.lower() == "tell"):
                attribution.channel, attribution.channel_kind = entry.name, entry.kind
                continue
            if lemma in CHANNEL_NOUNS and cases & MEDIUM_CASES and (
                    lemma != "media" or "social" in phrase.lower()):
                # The medium or outlet, not the phrase: its time and place go to the claim's.
                span = span_of(words, text)
                inside = [e for e in entities if span is not None and span.start <= e.start and e.end <= span.end]
                medium = channel_medium(phrase, CHANNEL_NOUNS[lemma],
                                        places=[e.text for e in inside if e.type == "LOC"],
                                        dates=[e.text for e in inside if e.type == "DATE"])
                if attribution.channel is None:
                    attribution.channel = medium.name
                    attribution.location = attribution.location or medium.place
                    attribution.time = attribution.time or medium.time
                attribution.channel_kind = attribution.channel_kind or medium.kind
            elif verb.lemma.lower() == "tell" and child.deprel in ("obj", "iobj") and lemma in ("reporter", "journalist"):
                attribution.channel = attribution.channel or "reporters"
                attribution.channel_kind = attribution.channel_kind or "press_conference"
