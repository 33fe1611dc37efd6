"""What a description or a plural pronoun points back to, within one article.

- "the senator", "The Florida senator", "the former president": one of the last people named whose
  name the article wrote with that role (role_description, person_with_role);
- "they": the group of people that is a subject just before it (plural_subject_before).

claims.extract.coref calls these while it resolves an article's speakers in reading order; each
gives no answer rather than a guess when the text does not decide.
"""

from __future__ import annotations

import re

from claims.extract.lexicon import ANONYMOUS_NOUNS, GROUP_NOUNS
from claims.extract.speakers import NOT_IN_NOUN_PHRASE, phrase_text, strip_possessive
from claims.extract.tree import Tree
from claims.names import TITLE_MODIFIERS, TITLE_TABLE, PersonName, person_name
from claims.types import Attribution, Entity, ParsedSentence, Span, Word

# Nouns that, after "the", point back at a person the article named with that role or title.
ROLE_NOUNS = frozenset(word for word, flags in TITLE_TABLE.items()
                       if flags & {"title", "role", "descriptor"} and not flags & {"abbr", "honorific", "modifier"}
                       and word.isalpha()) - {
    # not a person ("the campaign"), mostly an adjective ("the first"), or a word for an anonymous
    # source that points back at no named person ("the official")
    "campaign", "first", "presidential", "presumptive", "democratic", "gop", "independent", "liberal",
    "conservative", "progressive", "official", "head", "chief", "major", "father", "lady"}
# The abbreviations a title is written with before a name ("Sen. Bernie Sanders" is the senator).
ROLE_ABBREVIATIONS = {"senator": ("sen.",), "representative": ("rep.",), "congressman": ("rep.",),
                      "congresswoman": ("rep.",), "governor": ("gov.",), "general": ("gen.",),
                      "professor": ("prof.",), "president": ("pres.",)}


def role_description(text: str, source: list[Span]) -> list[str] | None:
    """The words after "the" of a source that is only "the", at most two modifiers and a role noun,
    and perhaps "of" and one or two words ("the senator", "the former governor", "The Florida
    senator", "the White House spokesman", "the former secretary of state"); None for anything else
    (a name, a possessive, a plural, a phrase that goes on)."""
    words = " ".join(text[s.start : s.end] for s in source).split()
    if not words or words[0].casefold() != "the":
        return None
    role, tail = split_of_tail(words[1:])
    if not 1 <= len(role) <= 3 or len(tail) > 2:
        return None
    if any(not re.fullmatch(r"[\w.-]+", w) for w in words[1:]):
        return None  # "the senator's aide", "the senator, who": not the bare role
    return words[1:] if role[-1] in ROLE_NOUNS else None


def split_of_tail(description: list[str]) -> tuple[list[str], list[str]]:
    """(the role words, the words after "of"): "former secretary of state" -> (["former",
    "secretary"], ["state"]); no "of": (description, [])."""
    lowered = [w.casefold() for w in description]
    if "of" not in lowered[1:]:
        return description, []
    at = lowered.index("of", 1)
    return description[:at], description[at + 1 :]


# Nouns for people that "they" may stand for: the anonymous sources' and ordinary groups' nouns and
# the roles ("prosecutors", "senators").
# More nouns that name people by what they do or hold to (singular; "they" is read from the plural).
MORE_PEOPLE_NOUNS = frozenset("""
    executive soldier ally millennial contractor teacher borrower advocate donor operative immigrant
    investor economist scientist doctor nurse farmer veteran organizer volunteer consumer patient
    insider lawyer prosecutor candidate conservative liberal progressive moderate evangelical democrat
    republican independent pollster author writer editor journalist blogger commentator pundit historian
    scholar academic manager owner founder partner colleague rival opponent backer loyalist follower
    employee agent officer trooper firefighter responder guard legislator regulator negotiator diplomat
    minister mayor chairman leader member official adviser advisor aide staffer investigator
    inspector auditor plaintiff defendant juror employer landlord tenant taxpayer homeowner migrant
    refugee settler militant fighter rebel gunman attacker suspect detainee prisoner inmate
    physician surgeon dentist psychiatrist psychologist therapist pharmacist priest pastor coach
    physicist biologist chemist engineer architect accountant banker broker entrepreneur driver pilot
    detective sheriff lobbyist consultant intern mother father son daughter wife husband brother sister
    proponent defender skeptic sceptic sponsor petitioner challenger signatory dissenter strategist
    retiree pensioner graduate professor administrator trustee director caller listener shopper buyer
""".split())
# Plural forms that do not end in -s: "the police said ... they".
IRREGULAR_PLURALS = frozenset({"people", "men", "women", "children", "police"})
PEOPLE_NOUNS = frozenset(ANONYMOUS_NOUNS | GROUP_NOUNS | ROLE_NOUNS | MORE_PEOPLE_NOUNS | IRREGULAR_PLURALS
                         | {w + "s" for w in ROLE_NOUNS}) - {"one", "crowd"}
# Bodies that speak as one, in the plural: "Twenty-seven states ... are challenging the rules. They
# argue ...", "Several newspapers ... They said". (Not "polls" or "measures": nothing that says.)
# Not "countries" or "campaigns": "Unless countries develop more ambitious plans, they say" is the
# experts', "the kind of campaigns they plan to run" the candidates'.
SPEAKING_BODIES = {"state", "government", "agency", "organization", "group", "company", "firm", "bank", "union",
                   "network", "newspaper", "outlet", "party", "committee", "city", "county", "university",
                   "college", "insurer", "lender", "automaker", "airline"}
_RECENT_PEOPLE = 3  # how many of the people named last a role description may point back to
_TITLE_RUN_WORD = re.compile(r"[A-Z][\w’'-]*|(?:[A-Za-z]\.)+|[A-Z]?[a-z]+\.|former|then|vice|deputy|acting|state|presidential|of|-")
_APPOSITIVE = re.compile(r"\s*,\s*(?:a|an|the)\s+([^,.;:()\"“”]{1,80})")
_OF_PLACE = re.compile(r"\s+of\s+([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)")  # "Sen. Marco Rubio of Florida"


def role_evidence(text: str, entity: Entity, limit: int) -> str:
    """The words a name is written with: itself, the run of capitalised and title words right before it
    ("Vermont Sen. Bernie Sanders", "Republican presidential candidate Donald Trump") and its
    appositive or place right after it ("Shen Dingli, a columnist for the Global Times", "Marco
    Rubio of Florida") when that ends before ``limit``; lower case."""
    before = text[max(entity.start - 80, 0) : entity.start].split()
    run = []
    for word in reversed(before):
        if not _TITLE_RUN_WORD.fullmatch(word) and word.casefold() not in ROLE_NOUNS:
            break
        if word.endswith(".") and not _is_abbreviation(word):
            break  # the end of the sentence before ("... primaries. Former Bill Clinton pollster")
        run.append(word)
    while run and run[-1] == "of":  # "of" only inside a title ("Secretary of State")
        run.pop()
    after = _APPOSITIVE.match(text, entity.end) or _OF_PLACE.match(text, entity.end)
    if after is not None and after.end() > limit:
        after = None  # the description itself ("... and Mika Brzezinski, the Democratic candidate said")
    return " ".join([*reversed(run), entity.text, after.group(1) if after else ""]).casefold()


def _is_abbreviation(word: str) -> bool:
    """"Sen.", "Gov.", "U.S.", "J.": a period that ends no sentence."""
    bare = word.casefold().rstrip(".")
    return bare in TITLE_TABLE or "." in bare or len(bare) == 1


def person_with_role(description: list[str], people: list[Attribution], entities: list[Entity], text: str,
                     before: int) -> Attribution | Entity | None:
    """The person "the <description>" points back to: one of the last people named before
    ``before`` whose name the article wrote with that role ("Sen. Bernie Sanders" for "the
    senator", "Shen Dingli, a columnist" for "the columnist") and with every capitalised word of
    the description and of its title modifiers ("Vermont" of "the Vermont senator", "former" of
    "the former president"), by the name written with the role ("Bill Clinton"; a bare surname,
    "President Obama", stays a surname). None when none of them fits, or more than one does: an
    unnamed role stays unnamed rather than going to the wrong person."""
    role, of_what = split_of_tail(description)
    noun = role[-1]
    forms = (noun, *ROLE_ABBREVIATIONS.get(noun, ()))
    # words that tell which one: a place or party ("Vermont", "Republican"), a title's own
    # modifiers ("former", "vice"): "the former president" is not President Obama; and what the
    # role is of ("state" of "the secretary of state" is not a Secretary of Labor)
    modifiers = [w.casefold() for w in role[:-1] if w[:1].isupper() or w.casefold() in TITLE_MODIFIERS]
    modifiers += [w.casefold() for w in of_what]
    named = [(e, person_name(strip_possessive(e.text))) for e in entities if e.type == "PER" and e.end <= before
             and not any(w.casefold() in ROLE_NOUNS for w in e.text.split())]  # not "Clinton Pollster Says"
    seen: list[str] = []
    matches: list[tuple[Entity, PersonName]] = []  # per recent person that fits: the fullest name
    for _, parsed in reversed(named):
        identity = parsed.key if parsed.is_full else parsed.surname_key
        if identity in seen:
            continue
        seen.append(identity)
        if len(seen) > _RECENT_PEOPLE:
            break
        same = [(e, p) for e, p in named if p.surname_key == parsed.surname_key and (
            not parsed.is_full or not p.is_full or p.key == parsed.key)]
        for mention, mention_name in same:
            evidence = role_evidence(text, mention, before)
            if not any(re.search(r"(?<![\w.])" + re.escape(form) + r"(?!\w)", evidence) for form in forms):
                continue
            if not all(re.search(r"\b" + re.escape(m) + r"\b", evidence) for m in modifiers):
                continue
            # the person's fullest name: the mention's own when full; a surname with a title ("President
            # Obama") stays as written: the article's one full name of that surname may be another
            # person's (Michelle Obama), and the store joins a bare surname to its full name
            own = [e for e, p in same if p.is_full and p.key == mention_name.key]
            fullest = max(own, key=lambda e: len(e.text)) if mention_name.is_full else mention
            matches.append((fullest, person_name(strip_possessive(fullest.text))))
            break
    if not matches:
        return None
    chosen, chosen_name = matches[0]
    for _, other in matches[1:]:
        if other.surname_key != chosen_name.surname_key or other.is_full and chosen_name.is_full and other.key != chosen_name.key:
            return None  # two of them fit ("the senator" after Sen. Sanders and Sen. Warren): no guess
    quoted = [p for p in people if p.speaker and person_name(p.speaker).key == chosen_name.key]
    return quoted[-1] if quoted else chosen


def plural_subject_before(sentences: list[ParsedSentence], pronoun: Word, text: str,
                          entities: list[Entity]) -> str | None:
    """The words of the nearest group of people that is a subject before a "they" in its sentence
    or the one before ("As Republicans scrambled ..., they proposed", "Prosecutors said ... They
    cited", "Hillary Clinton and Elizabeth Warren held ... as they sought"); None when there is
    none. A group of people: a plural noun for people ("officials", "voters", "prosecutors"), a
    plural name the tagger read as a group ("Republicans"), or named people joined by "and". Other
    plural subjects ("polls", "measures", "the United States") are no speaker "they" stands for.
    A body that speaks as one ("states", "newspapers", "unions") is taken only as the nearest plural
    subject: "While these contributions complicate ..., they don't" is not the groups named before."""
    at = next((i for i, s in enumerate(sentences) if s.start <= pronoun.start < s.end), None)
    if at is None:
        return None
    nearer_plural = False
    for sentence in (sentences[at], *sentences[max(at - 1, 0) : at][::-1]):
        tree = Tree(sentence)
        subjects = sorted((w for w in sentence.words if w.deprel in ("nsubj", "nsubj:pass") and w.start < pronoun.start),
                          key=lambda w: -w.start)
        for subject in subjects:
            if is_group_of_people(tree, subject, entities) or (not nearer_plural and is_speaking_body(subject)):
                return phrase_text(tree.subtree(subject, exclude=NOT_IN_NOUN_PHRASE), text)
            nearer_plural = nearer_plural or (subject.upos == "NOUN" and is_plural(subject))
    return None


def is_speaking_body(word: Word) -> bool:
    """A plural noun for bodies that speak as one: "states", "newspapers", "unions"."""
    return word.upos == "NOUN" and is_plural(word) and word.lemma.casefold() in SPEAKING_BODIES


# Words for a share of a group: "a majority of voters", "most of the delegates", "half of them".
SHARE_WORDS = {"majority", "minority", "plurality", "most", "many", "some", "half", "third", "quarter", "percent",
               "share", "number", "lot", "all", "few", "dozens", "hundreds", "thousands", "millions"}


def is_group_of_people(tree: Tree, word: Word, entities: list[Entity]) -> bool:
    """A subject "they" may stand for: a plural noun for people, a plural name tagged as a group, or
    named people joined by "and"."""
    def entity_type(w: Word) -> str | None:
        return next((e.type for e in entities if e.start <= w.start and w.end <= e.end), None)

    if word.lemma.casefold() in SHARE_WORDS:
        # "a large majority of voters", "half of Republicans", "60 percent of Americans"
        return any(is_group_of_people(tree, kid, entities) for kid in tree.kids(word, "nmod")
                   if any(case.text.lower() == "of" for case in tree.kids(kid, "case")))
    if word.upos == "NOUN":
        return is_plural(word) and (word.lemma.casefold() in PEOPLE_NOUNS or word.text.casefold() in PEOPLE_NOUNS)
    if word.upos == "PRON" and word.text.casefold() in ("he", "she"):
        # "She and her defenders argue ... They note": a person and others joined by "and"
        conjuncts = tree.kids(word, "conj")
        return bool(conjuncts) and all(
            cc.text.lower() in ("and", "&") for c in conjuncts for cc in tree.kids(c, "cc")) and all(
            entity_type(c) == "PER" or is_group_of_people(tree, c, entities) for c in conjuncts)
    if word.upos == "PROPN":
        conjuncts = tree.kids(word, "conj")
        if conjuncts:  # "Mr. Rubio and Mr. Cruz"; not "whether Mr. Bush or Mrs. Clinton"
            joined_by_and = all(cc.text.lower() in ("and", "&") for c in conjuncts for cc in tree.kids(c, "cc"))
            return joined_by_and and entity_type(word) == "PER" and all(entity_type(c) == "PER" for c in conjuncts)
        return is_plural(word) and entity_type(word) == "MISC"  # "Republicans", "Democrats"
    return False


def is_plural(word: Word) -> bool:
    """A plural noun by its form (the bundled model tags no number): "voters", "Millennials"."""
    form, lemma = word.text.casefold(), word.lemma.casefold()
    if form in IRREGULAR_PLURALS:
        return True
    return form != lemma and form.endswith("s") and not form.endswith(("'s", "’s"))
