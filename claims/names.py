"""Names, titles, gender and channels: what the extractor and the store know about names, kept once.

Pure knowledge, no database and no parse: the word lists of titles, descriptors, honorifics and
pronouns; :func:`normalize_name` and :func:`person_name` (how a person's name is read for matching,
see ``docs/speakers.md``); the gender a given name (``claims/data/given_names.json``), a title or a
pronoun gives; and the channel registry (``claims/data/channels.json``).

Two title lists serve two readers and are not one: :data:`TITLES` (with :data:`TITLE_MODIFIERS`,
:data:`DESCRIPTORS`) are stripped from a person's name to make the speaker key, while
:data:`TITLE_WORDS` (with :data:`HONORIFICS`) are the words before a name that the extractor reads
as the speaker's role ("campaign manager", "reporter", "Sen."), and holds nouns that are roles but
not titles of a name. Joining them would change which words leave a speaker's name and which become
a role, so each keeps its words; both live here, side by side.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# -- titles -----------------------------------------------------------------------------------------

# Words that open a name as a title; stripped only when at least one word is left.
TITLES = frozenset(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady madam
    president pres vice-president premier chancellor senator sen rep representative congressman
    congresswoman assemblyman assemblywoman councilman councilwoman councillor councilor
    gov governor mayor secretary secretary-general undersecretary minister ambassador envoy consul
    speaker spokesman spokeswoman spokesperson adviser advisor leader head chief
    general gen lt lieutenant col colonel maj major capt captain cmdr commander admiral adm
    sgt sergeant brig brigadier marshal judge justice
    king queen prince princess emir sheikh sultan pope cardinal archbishop bishop rev reverend
    father imam rabbi ayatollah patriarch pastor
    chairman chairwoman chair ceo cfo director commissioner attorney mp mep
    """.split()
)
# Words news writers put before a name to say who the person is ("Republican presidential
# candidate", "Billionaire", "Rival"); stripped like a title.
DESCRIPTORS = frozenset(
    """
    democrat democratic republican gop independent libertarian conservative liberal progressive
    candidate nominee rival challenger incumbent frontrunner front-runner hopeful presumptive
    presidential billionaire businessman businesswoman mogul tycoon magnate
    """.split()
)
# Words that may stand in a title run but are not titles themselves ("Secretary of State",
# "Deputy Prime Minister", "U.S."); a run is stripped only when it holds a title.
TITLE_MODIFIERS = frozenset(
    """
    former acting deputy vice assistant associate senior top interim foreign interior defence
    defense finance economy health prime state press crown grand supreme national security
    house senate majority minority general of the for and us u.s uk u.k un u.n eu e.u
    """.split()
)
# Titles that are also given or middle names ("Mary King Smith", "Major Garrett"): after free
# description they are stripped only when a full name follows.
NAME_LIKE_TITLES = frozenset(
    "king queen prince princess major judge justice bishop pastor father dame lord lady".split()
)
SUFFIXES = {"jr": "jr", "jnr": "jr", "sr": "sr", "snr": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
PARTICLES = frozenset("al el bin ibn da das de del della der di do dos du la le van von ter ten".split())

# Honorifics, as written (with and without the period): never a role.
HONORIFICS = frozenset({"mr.", "mrs.", "ms.", "mr", "mrs", "ms", "dr.", "dr", "sir", "dame", "miss"})

# Words before a name that the extractor takes as the speaker's role, as written ("Sen." with its
# period); a role may be a title of the name or a job ("campaign manager", "reporter").
TITLE_WORDS = frozenset({
    "president", "minister", "secretary", "senator", "sen.", "rep.", "representative",
    "governor", "gov.", "mayor", "leader", "chief", "spokesman", "spokeswoman", "spokesperson",
    "ambassador", "general", "gen.", "commander", "director", "chairman", "chairwoman", "chair",
    "ceo", "candidate", "nominee", "king", "queen", "prince", "pope", "judge", "justice",
    "attorney", "prosecutor", "professor", "prof.", "dr.", "mr.", "mrs.", "ms.", "speaker",
    "commissioner", "chancellor", "premier", "envoy", "official", "adviser", "advisor",
    "manager", "strategist", "pollster", "analyst", "reporter", "correspondent", "editor",
    "journalist", "anchor", "host", "columnist", "founder", "vice", "deputy", "foreign",
    "prime", "first", "lady", "senior", "former", "state", "defense", "campaign",
})

# Titles and honorifics as compared with a word: lower case, no final period ("Sen." -> "sen").
TITLE_FORMS = frozenset(t.rstrip(".") for t in TITLE_WORDS | HONORIFICS)

# Titles that tell a person's gender ("Mr. Clinton" is not Hillary Clinton).
MALE_TITLES = frozenset("mr sir lord king prince congressman chairman spokesman councilman assemblyman".split())
FEMALE_TITLES = frozenset(
    "mrs ms miss madam dame lady queen princess congresswoman chairwoman spokeswoman councilwoman assemblywoman".split())

# -- pronouns ---------------------------------------------------------------------------------------

MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
REFLEXIVE = {"male": "himself", "female": "herself"}
# Pronouns that stand for a person as a source ("he said", "they told"): never a name.
PERSON_PRONOUNS = (MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | {"i", "we", "you"}) - {"hers", "their"}
# Words that point at someone rather than name them: never an alias of a speaker.
POINTING_WORDS = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | frozenset(
    "it we i you us me its our who whom which that this these those".split()
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
    written right before the name's last word in the source; None when untitled or they disagree."""
    words = name.split()
    found = {title_gender(name)}
    if words:
        before_name = re.compile(r"(\w+)\.?\s+" + re.escape(words[-1]))
        for surface in surfaces:
            match = before_name.search(surface or "")
            if match:
                found.add(title_gender(f"{match.group(1)} {words[-1]}"))
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
