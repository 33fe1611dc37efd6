"""Names, titles, gender and channels: what the extractor and the store know about names, kept once.

Pure knowledge, no database and no parse: the word lists of titles, descriptors, honorifics and
pronouns; :func:`normalize_name` and :func:`person_name` (how a person's name is read for matching,
see ``docs/speakers.md``); the gender a given name (``claims/data/given_names.json``), a title or a
pronoun gives; and the channel registry (``claims/data/channels.json``).

Every title word is declared once, in one table (:data:`TITLE_TABLE`, ``flags: words`` lines),
and the table has two readings. The speaker key strips :data:`TITLES` (with
:data:`TITLE_MODIFIERS`, :data:`DESCRIPTORS`) from a person's name; the extractor reads
:data:`TITLE_WORDS` (with :data:`HONORIFICS`), as written, before a name as the speaker's role
("campaign manager", "reporter", "Sen."), and those hold nouns that are roles but not titles of a
name. The readings take different words (joining them would change which words leave a speaker's
name and which become a role), so each word's flags say which readings take it; the sets are
derived from the table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

# -- titles -----------------------------------------------------------------------------------------

# Every title word, once: ``flags: words``, the word lower case and without its period. The flags
# say which of the sets below hold the word:
#   title       opens a person's name and is stripped from it, when a word is left (TITLES)
#   name-like   a title that is also a given or middle name ("Mary King Smith", "Major Garrett"):
#               after free description it is stripped only when a full name follows
#               (NAME_LIKE_TITLES)
#   descriptor  a word news writers put before a name to say who the person is ("Republican
#               presidential candidate", "Billionaire"): stripped like a title (DESCRIPTORS)
#   modifier    may stand in a title run without being a title ("Secretary of State", "Deputy
#               Prime Minister", "U.S."): a run is stripped only when it holds a title
#               (TITLE_MODIFIERS)
#   role        before a name, the extractor takes it as the speaker's role (TITLE_WORDS)
#   honorific   a courtesy title: the extractor never takes it as a role (HONORIFICS)
#   male        tells that the person is a man; female: a woman (MALE_TITLES, FEMALE_TITLES)
#   abbr        an abbreviation written with a period ("Sen."): a role is held as written
#               ("sen."), an honorific with and without its period ("dr." and "dr")
TITLE_TABLE_TEXT = """
# honorifics and academic titles
title honorific role abbr male:     mr
title honorific role abbr female:   mrs ms
title honorific role abbr:          dr
title honorific male:               sir
title honorific female:             miss
title honorific name-like female:   dame
title name-like male:               lord
title name-like role female:        lady
title female:                       madam
title abbr:                         mx
title role abbr:                    prof
title role:                         professor
title:                              doctor
# government and politics
title role:                         president premier chancellor senator representative governor
title role:                         mayor secretary minister ambassador envoy
title role abbr:                    sen rep gov
title abbr:                         pres
title:                              vice-president secretary-general undersecretary consul
title:                              councillor councilor mp mep
title male:                         congressman assemblyman councilman
title female:                       congresswoman assemblywoman councilwoman
title role:                         speaker spokesperson adviser advisor leader chief
title role male:                    spokesman
title role female:                  spokeswoman
title:                              head
# military and the courts
title modifier role:                general
title role abbr:                    gen
title role:                         commander
title abbr:                         lt col maj capt cmdr adm sgt brig
title:                              lieutenant colonel captain admiral sergeant brigadier marshal
title name-like:                    major
title name-like role:               judge justice
# royalty and religion
title name-like role male:          king prince
title name-like role female:        queen
title name-like female:             princess
title:                              emir sheikh sultan cardinal archbishop imam rabbi ayatollah
title:                              patriarch reverend
title abbr:                         rev
title role:                         pope
title name-like:                    bishop pastor father
# business and the law
title role male:                    chairman
title role female:                  chairwoman
title role:                         chair ceo director commissioner attorney
title:                              cfo
# descriptors
descriptor role:                    candidate nominee
descriptor:                         democrat democratic republican gop independent libertarian
descriptor:                         conservative liberal progressive rival challenger incumbent
descriptor:                         frontrunner front-runner hopeful presumptive presidential
descriptor:                         billionaire businessman businesswoman mogul tycoon magnate
# modifiers
modifier role:                      vice deputy foreign prime senior former state defense
modifier:                           acting assistant associate top interim interior defence finance
modifier:                           economy health press crown grand supreme national security
modifier:                           house senate majority minority of the for and
modifier:                           us u.s uk u.k un u.n eu e.u
# roles that are not titles of a name: jobs and the words of a job's name
role:                               prosecutor official manager strategist pollster analyst
role:                               reporter correspondent editor journalist anchor host
role:                               columnist founder first campaign
"""
TITLE_FLAGS = frozenset(
    "title name-like descriptor modifier role honorific male female abbr".split())


def read_title_table(text: str) -> dict[str, frozenset[str]]:
    """Each word of a title table (``flags: words`` lines, ``#`` comments) -> its flags; a word
    written twice, an unknown flag or a line with no words is an error."""
    table: dict[str, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        flags_text, colon, words = line.partition(":")
        flags = frozenset(flags_text.split())
        if not colon or not flags or not words.split() or not flags <= TITLE_FLAGS:
            raise ValueError(f"title table line {number}: {line!r}")
        for word in words.split():
            if word in table:
                raise ValueError(f"title table line {number}: {word!r} is already on an earlier line")
            table[word] = flags
    return table


TITLE_TABLE = MappingProxyType(read_title_table(TITLE_TABLE_TEXT))


def _flagged(flag: str) -> frozenset[str]:
    return frozenset(word for word, flags in TITLE_TABLE.items() if flag in flags)


def _written(words: Iterable[str]) -> frozenset[str]:
    """Words as the extractor sees them written: an abbreviation with its period ("sen.")."""
    return frozenset(word + "." if "abbr" in TITLE_TABLE[word] else word for word in words)


# The speaker key's reading: stripped from a person's name (see _strip_title).
TITLES = _flagged("title")
DESCRIPTORS = _flagged("descriptor")
TITLE_MODIFIERS = _flagged("modifier")
NAME_LIKE_TITLES = _flagged("name-like")
# The extractor's reading, as written ("Sen." with its period): the words before a name taken as
# the speaker's role, and the honorifics, with and without the period, that never are.
TITLE_WORDS = _written(_flagged("role"))
HONORIFICS = _flagged("honorific") | _written(_flagged("honorific"))
# Titles and honorifics as compared with a word: lower case, no final period ("Sen." -> "sen").
TITLE_FORMS = _flagged("role") | _flagged("honorific")
# Titles that tell a person's gender ("Mr. Clinton" is not Hillary Clinton).
MALE_TITLES = _flagged("male")
FEMALE_TITLES = _flagged("female")


def is_title_at(lowered: list[str], position: int) -> bool:
    """Whether the word at ``position`` of a name (lower case, no final period) is a title there:
    any title form, except a name-like one that ends the name. "Mr. King", "Charlie King" and a
    bare "King" are a surname; "King Abdullah" and "Judge Merrick Garland" open with a title."""
    word = lowered[position]
    if word not in TITLE_FORMS:
        return False
    return not (word in NAME_LIKE_TITLES and position == len(lowered) - 1)


SUFFIXES = {"jr": "jr", "jnr": "jr", "sr": "sr", "snr": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
PARTICLES = frozenset("al el bin ibn da das de del della der di do dos du la le van von ter ten".split())

# -- pronouns ---------------------------------------------------------------------------------------

MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
REFLEXIVE = {"male": "himself", "female": "herself"}
# Pronouns that stand for a person as a source ("he said", "they told"): never a name.
PERSON_PRONOUNS = (MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | {"i", "we", "you"}) - {"hers", "their"}
# Words that point at someone rather than name them: never an alias of a speaker.
POINTING_WORDS = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | frozenset(
    "it we i you us me my its our who whom which that this these those".split()
    + ["he's", "she's", "they're", "we're", "i'm"])
# The first word of a source that gives its gender: a pronoun or a title ("he", "Mr. Obama").
MALE_POINTERS = MALE_PRONOUNS | {"he's", REFLEXIVE["male"], "mr"}
FEMALE_POINTERS = FEMALE_PRONOUNS | {"she's", REFLEXIVE["female"], "mrs", "ms", "miss"}

# -- person names -----------------------------------------------------------------------------------

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201b": "'", "`": "'"})
_SPACE = re.compile(r"\s+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EDGE_PUNCTUATION = "\"\u201c\u201d\u00ab\u00bb()[]{},;:!?."
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|as|ash|ad|ar|az)-")
# How many words of free description may come before a title ("Iranian Foreign Minister").
_MAX_DESCRIPTION = 3


def single_spaces(text: str) -> str:
    """Runs of white space as one space, none at the ends: a name as written, tidied."""
    return _SPACE.sub(" ", text).strip()


def normalize_name(name: str) -> str:
    """Normalize a name for keys: NFKC, straight apostrophes, casefold, single spaces."""
    return single_spaces(unicodedata.normalize("NFKC", name).translate(APOSTROPHES).casefold())


def fold_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class PersonName:
    """A person's name read for matching: normalized words, the surname and a suffix."""

    given: tuple[str, ...]  # words before the surname (empty: a surname-only name)
    surname: tuple[str, ...]  # the last word with the particles before it
    suffix: str | None = None  # jr, sr, ii, iii, iv

    @property
    def key(self) -> str:
        """The normalized full name: ``donald trump jr``."""
        return " ".join(self.given + self.surname + ((self.suffix,) if self.suffix else ()))

    @property
    def surname_key(self) -> str:
        """The surname compared across names: particles and an ``al-`` prefix dropped."""
        words = [_ARTICLE_PREFIX.sub("", w) for w in self.surname if w not in PARTICLES]
        return " ".join(w for w in words if w) or " ".join(self.surname)

    @property
    def is_full(self) -> bool:
        return bool(self.given)


def _strip_title(words: list[str], lowered: list[str]) -> int:
    """How many leading words are a title run ("Former President", "Iranian Foreign Minister")."""

    def run(start: int) -> tuple[int, bool]:
        end, has_title = start, False
        while end < len(lowered) and (lowered[end] in TITLES or lowered[end] in TITLE_MODIFIERS
                                      or lowered[end] in DESCRIPTORS):
            has_title = has_title or lowered[end] in TITLES or lowered[end] in DESCRIPTORS
            end += 1
        return end, has_title

    end, has_title = run(0)
    if has_title and end < len(words):
        return end
    # Free description before a title ("Iranian", "White House press"); a title that is also a
    # name ("Mary King Smith") must have a full name after it.
    for start in range(1, min(_MAX_DESCRIPTION, len(words) - 1) + 1):
        end, has_title = run(start)
        if not has_title:
            continue
        titles = {w for w in lowered[start:end] if w in TITLES}
        needed = 2 if titles <= NAME_LIKE_TITLES else 1
        if len(words) - end >= needed:
            return end
    return 0


def person_name(name: str) -> PersonName:
    """Read a person's name: titles, possessives and role tails off, suffix and surname apart.

    ``"Iranian Foreign Minister Abbas Araghchi"`` -> given ``("abbas",)``, surname
    ``("araghchi",)``; ``"Donald Trump, Jr."`` -> suffix ``"jr"``.
    """
    text = unicodedata.normalize("NFKC", name).translate(APOSTROPHES)
    text = _PARENS.sub(" ", text).rsplit(": ", 1)[-1]  # "PolitiFact: Donald Trump"
    head, *tails = text.split(",")
    suffix = None
    for tail in tails:  # ", Jr." is part of the name; ", Iran's foreign minister" is not
        word = tail.strip().strip(_EDGE_PUNCTUATION).casefold()
        if word in SUFFIXES:
            suffix = SUFFIXES[word]
    words = [w.strip(_EDGE_PUNCTUATION) for w in head.split()]
    words = [w for w in words if w and w != "'"]
    # A leading possessive is an affiliation ("Al Jazeera's Sinem Koseoglu").
    owners = [i for i, w in enumerate(words[:-1]) if w.casefold().endswith("'s")]
    if owners:
        words = words[owners[-1] + 1 :]
    if words:
        last = words[-1]
        if last.casefold().endswith("'s") and len(last) > 2:
            words[-1] = last[:-2]
        elif last.endswith("'") and len(last) > 1:
            words[-1] = last[:-1]
    if len(words) > 1 and words[-1].casefold().rstrip(".") in SUFFIXES:
        suffix = SUFFIXES[words.pop().casefold().rstrip(".")]
    lowered = [w.casefold().rstrip(".") for w in words]
    cut = _strip_title(words, lowered)
    words = words[cut:]
    folded = [fold_accents(w.casefold()) for w in words]
    if not folded:
        fallback = fold_accents(normalize_name(name))
        return PersonName((), tuple(fallback.split()) or ("",), None)
    start = len(folded) - 1
    while start > 0 and folded[start - 1] in PARTICLES and (start - 1 > 0 or words[0][:1].islower()):
        start -= 1
    return PersonName(tuple(folded[:start]), tuple(folded[start:]), suffix)


# -- gender ----------------------------------------------------------------------------------------


def title_gender(name: str) -> str | None:
    """"male" for "Mr. Trump", "female" for "Mrs. Clinton", None when the name opens with no gendered title."""
    words = name.split()
    first = words[0].casefold().rstrip(".") if len(words) > 1 else ""
    return "male" if first in MALE_TITLES else "female" if first in FEMALE_TITLES else None


@lru_cache(maxsize=1)
def _given_names() -> dict[str, str]:
    data = json.loads(resources.files("claims").joinpath("data/given_names.json").read_text(encoding="utf-8"))
    return {name: gender for gender in ("female", "male") for name in data[gender]}


def first_name_gender(word: str) -> str | None:
    """"male"/"female" for a word that is a common given name of that gender ("Melanie", "Joe")."""
    return _given_names().get(word.strip().lower())


def given_name_gender(name: PersonName) -> str | None:
    """"male"/"female" for a full name whose first given name is a common one of that gender
    (``claims/data/given_names.json``); None for other names and names both genders use."""
    return _given_names().get(name.given[0]) if name.given else None


def source_gender(source_text: str) -> str | None:
    """The gender a source text's first word gives: "he", "Mr. Obama" -> male; "she", "Mrs. Clinton" -> female."""
    words = normalize_name(source_text).split()
    first = words[0].rstrip(".") if words else ""
    return "male" if first in MALE_POINTERS else "female" if first in FEMALE_POINTERS else None


def mention_gender(name: str, surfaces: Iterable[str | None]) -> str | None:
    """The gender a mention's title gives ("Mrs. Clinton", "Mr. Trump's campaign"): on its name, or
    written right before the name's last word in the source; or the pronoun that is the whole
    source ("he said", resolved to "Clinton"); None when none tells or they disagree."""
    words = name.split()
    found = {title_gender(name)}
    before_name = re.compile(r"(\w+)\.?\s+" + re.escape(words[-1])) if words else None
    for surface in surfaces:
        match = before_name.search(surface or "") if before_name else None
        if match:
            found.add(title_gender(f"{match.group(1)} {words[-1]}"))
        pronoun = (surface or "").strip().casefold()
        found.add("male" if pronoun in MALE_PRONOUNS else "female" if pronoun in FEMALE_PRONOUNS else None)
    found.discard(None)
    return found.pop() if len(found) == 1 else None


# -- channels ---------------------------------------------------------------------------------------

POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@dataclass(frozen=True)
class ChannelEntry:
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def channels() -> tuple[ChannelEntry, ...]:
    """The known outlets and platforms (``claims/data/channels.json``), in the registry's order."""
    raw = json.loads((resources.files("claims") / "data" / "channels.json").read_text(encoding="utf-8"))
    return tuple(ChannelEntry(item["name"], item["kind"], item.get("country"), tuple(item.get("aliases", [])))
                 for item in raw["channels"])


def channel_lookup_key(name: str) -> str:
    """A name as the registry looks it up: :func:`normalize_name` with a leading "the" dropped."""
    return normalize_name(name).removeprefix("the ")


@lru_cache(maxsize=1)
def channel_registry() -> dict[str, ChannelEntry]:
    """Known outlets by looked-up name and alias (:func:`channel_lookup_key`)."""
    registry: dict[str, ChannelEntry] = {}
    for entry in channels():
        for alias in (entry.name, *entry.aliases):
            registry[channel_lookup_key(alias)] = entry
    return registry


def known_channel(name: str) -> ChannelEntry | None:
    """The registry's entry for a name ("Reuters", "the AP", "CNN's"), or None."""
    return channel_registry().get(channel_lookup_key(POSSESSIVE.sub("", name)))


@lru_cache(maxsize=1)
def _registry_aliases() -> dict[str, str]:
    """Organization name of each alias -> that of the registry name.

    Aliases written with a lower-case "the" ("the Times", "the Post") name different outlets in
    different places and are left out.
    """
    aliases: dict[str, str] = {}
    for entry in channels():
        canonical = organization_name(entry.name, registry=False)
        for alias in entry.aliases:
            if alias.startswith("the ") or len(alias.strip()) < 2:
                continue
            aliases.setdefault(organization_name(alias, registry=False), canonical)
    return aliases


def organization_name(name: str, *, registry: bool = True) -> str:
    """An organization's or country's name for keys: :func:`normalize_name`, a leading "the" and a
    trailing "'s" off; with ``registry``, an alias in the channel registry gives the registry name
    ("AP" -> "associated press")."""
    key = normalize_name(name)
    key = key.removeprefix("the ")
    if key.endswith("'s"):
        key = key[:-2]
    key = key.rstrip("'").strip()
    if registry:
        key = _registry_aliases().get(key, key)
    return key
