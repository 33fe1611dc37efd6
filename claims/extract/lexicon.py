"""Word lists the attribution rules use: reporting cues with their class, source nouns, hedges.

Kept as plain data so they can be read, reviewed and extended in one place.
"""

from __future__ import annotations

# Reporting verbs (lemmas) -> cue class.
CUE_VERBS: dict[str, str] = {}
for _cls, _lemmas in {
    "assert": """say state explain confirm note add declare tell claim argue insist maintain assert
        contend announce report write tweet post reply respond answer recall reveal disclose admit
        acknowledge concede deny dispute reject warn caution stress emphasize emphasise reiterate
        reaffirm repeat echo agree complain boast brag testify charge accuse allege counter
        observe remark comment describe characterize suggest predict estimate mention point
        signal tout praise criticize slam blast attack question wonder ask inform assure remind
        promise joke quip concur continue conclude lament acknowledge explain""",
    "evaluate": """support endorse back oppose defend denounce dismiss blame mock highlight favor
        challenge portray condemn decry slam compare embrace tout discuss talk speak complain
        rail quote reference express seek offer push imply deem""",
    "commit": "vow pledge promise swear commit guarantee threaten",
    "urge": "urge demand call appeal plead press implore advise recommend propose request encourage",
    "believe": "think believe fear expect hope want worry doubt feel suspect consider estimate guess know mean",
    "evidence": "indicate suggest show find reveal conclude demonstrate confirm appear seem",
}.items():
    for _lemma in _lemmas.split():
        CUE_VERBS.setdefault(_lemma, _cls)

def verb_cue_lemma(lemma: str, form: str) -> str | None:
    """The reporting verb a word is, by its lemma or, when the lemmatizer slipped ("echoed" ->
    "echooe"), by its inflected form with -ed / -ing / -s taken off; None when it is none."""
    lemma, form = lemma.lower(), form.lower()
    if lemma in CUE_VERBS:
        return lemma
    for suffix, replacement in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                                ("ing", "e"), ("es", ""), ("s", "")):
        if form.endswith(suffix):
            stem = form[: len(form) - len(suffix)] + replacement
            if stem in CUE_VERBS:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in CUE_VERBS:  # "committed"
                return stem[:-1]
    return None


# Verbs that are cues only with a clausal or quoted complement (too common otherwise).
WEAK_CUE_VERBS = {"add", "continue", "point", "call", "press", "show", "find", "feel", "consider",
                  "answer", "question", "attack", "describe", "want", "hope", "worry", "expect",
                  "mention", "commit", "charge", "post", "write", "conclude", "signal", "know", "mean",
                  "appear", "seem"}

# Cues whose direct object is the content ("reaffirmed his support", "emphasized the need").
OBJECT_CONTENT_VERBS = {
    "confirm", "reaffirm", "emphasize", "emphasise", "stress", "indicate", "deny", "announce",
    "reiterate", "echo", "express", "acknowledge", "admit", "predict", "promise", "pledge",
    "demand", "urge", "signal", "reject", "dispute", "claim", "report", "reveal", "propose",
    "recommend", "vow", "warn", "allege", "question", "praise", "criticize", "blame", "cite",
    "endorse", "support", "oppose", "defend", "dismiss", "describe", "tout", "back", "denounce",
    "mock", "highlight", "favor", "challenge", "portray", "condemn", "decry", "slam", "compare",
    "embrace", "discuss", "quote", "reference", "seek", "offer", "push", "imply",
    "encourage", "accuse",
}

# Cues whose content is a prepositional object: "complained about X", "spoke of X", "warned against X".
PREPOSITION_CUES = {"about", "of", "on", "against", "over"}

# Nouns that carry an attribution ("in a statement", "his claim that ...").
CUE_NOUNS: dict[str, str] = {
    "statement": "assert", "claim": "assert", "comment": "assert", "remark": "assert",
    "announcement": "assert", "assertion": "assert", "argument": "assert", "testimony": "assert",
    "interview": "assert", "tweet": "assert", "post": "assert", "speech": "assert",
    "promise": "commit", "pledge": "commit", "vow": "commit",
    "call": "urge", "demand": "urge", "appeal": "urge",
    "belief": "believe", "fear": "believe", "view": "believe",
    "report": "evidence", "reports": "evidence", "estimate": "evidence",
}

# Adverbs that pass a claim on from unnamed others: "He reportedly left" is what reports say.
HEARSAY_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly"}
# Adverbs of the writer's own inference: "He apparently left" is the article's own voice, hedged
# (PolNeAR train marks "apparently" a cue at 1 of its 35 uses, "seemingly" at 4 of 21).
INFERENCE_ADVERBS = {"apparently", "seemingly"}
# Every adverb that makes the claim it stands in hedged.
HEDGE_ADVERBS = HEARSAY_ADVERBS | INFERENCE_ADVERBS
# Cues that themselves distance the writer from the claim ("X claimed that ...").
HEDGE_CUES = {"claim", "allege", "purport", "rumor", "rumour"}

# Last words of proper names that name an organization, not a person.
ORGANIZATION_NAME_ENDINGS = {
    "forces", "force", "army", "party", "council", "ministry", "committee", "commission", "agency", "union",
    "organization", "organisation", "front", "movement", "association", "institute", "foundation", "department",
    "office", "court", "bank", "group", "coalition", "alliance", "federation", "administration", "government",
    "parliament", "senate", "congress", "campaign", "corporation", "company", "inc", "ltd", "university",
    "times", "post", "news", "network", "service", "brigade", "brigades", "guard", "police", "navy", "authority",
}

# Head nouns of anonymous sources ("a senior military source", "officials familiar with ...").
ANONYMOUS_NOUNS = {
    "source", "sources", "official", "officials", "aide", "aides", "insider",
    "insiders", "diplomat", "diplomats", "member", "members", "spokesman", "spokeswoman",
    "spokesperson", "adviser", "advisers", "advisor", "advisors", "staffer", "staffers", "officer", "officers",
    "lawmaker", "lawmakers", "employee", "employees", "investigator", "investigators",
}

# Head nouns of a group of ordinary people, or of people the article does not single out
# ("voters", "witnesses", "Clinton supporters", "analysts"): not anonymous sources (whose name is
# withheld), so not typed as one; a group is kept to its article.
GROUP_NOUNS = {
    "person", "people", "someone", "anyone", "one", "individual", "individuals", "witness", "witnesses",
    "resident", "residents", "voter", "voters", "supporter", "supporters", "critic", "critics", "activist",
    "activists", "observer", "observers", "analyst", "analysts", "expert", "experts", "researcher",
    "researchers", "citizen", "citizens", "protester", "protesters", "protestor", "protestors", "fan", "fans",
    "worker", "workers", "student", "students", "parent", "parents", "attendee", "attendees", "participant",
    "participants", "respondent", "respondents", "delegate", "delegates", "villager", "villagers", "survivor",
    "survivors", "victim", "victims", "friend", "friends", "neighbor", "neighbors", "neighbour", "neighbours",
    "relative", "relatives", "family", "families", "customer", "customers", "americans", "viewers", "readers",
    "onlooker", "onlookers", "bystander", "bystanders", "demonstrator", "demonstrators", "crowd",
}
# "people familiar with the matter", "a person close to the campaign": the insiders of anonymous
# sourcing, though the head noun alone names ordinary people.
INSIDER_WORDS = {"familiar", "close", "knowledge", "briefed", "involved", "aware", "knowledgeable", "informed"}

# Head nouns of vague sources ("reports indicate", "it is said").
VAGUE_NOUNS = {"report", "reports", "rumor", "rumors", "rumour", "rumours", "account",
               "accounts", "speculation", "media", "word"}

# Nouns that make a PP a channel ("in a statement", "in a phone call with", "on Twitter").
CHANNEL_NOUNS: dict[str, str] = {
    "statement": "statement", "release": "statement", "communique": "statement",
    "call": "call", "phone": "call", "telephone": "call",
    "interview": "interview", "conversation": "interview",
    "conference": "press_conference", "briefing": "press_conference",
    "tweet": "social_media", "post": "social_media", "twitter": "social_media",
    "facebook": "social_media", "x": "social_media", "instagram": "social_media",
    "letter": "statement", "email": "statement", "speech": "speech", "rally": "speech",
    "op-ed": "newspaper", "column": "newspaper", "show": "broadcaster", "program": "broadcaster",
    "media": "social_media",  # only as "social media" (claims.extract.channels)
}

# The medium a channel noun names, as the channel's name: "his statements", "a statement Friday"
# and "a White House statement" are all "a statement" (claims.extract.channels). Platforms the
# registry knows ("tweet" -> Twitter) are looked up there.
CHANNEL_MEDIA: dict[str, str] = {
    "statement": "a statement", "release": "a press release", "communique": "a statement",
    "call": "a phone call", "phone": "a phone call", "telephone": "a phone call",
    "interview": "an interview", "conversation": "a conversation",
    "conference": "a press conference", "briefing": "a briefing",
    "tweet": "Twitter", "post": "social media", "media": "social media", "twitter": "Twitter",
    "facebook": "Facebook", "x": "Twitter", "instagram": "Instagram",
    "letter": "a letter", "email": "an email", "speech": "a speech", "rally": "a rally",
    "op-ed": "an op-ed", "column": "a column", "show": "a show", "program": "a program",
}

# Words that open a channel phrase and say nothing of the medium ("his statements", "one tweet").
CHANNEL_DETERMINERS = {
    "a", "an", "the", "his", "her", "their", "its", "our", "my", "your", "one", "this", "that",
    "these", "those", "another", "several", "two", "three", "some", "same",
}

# Prepositions that start a detail after the medium ("in Michigan", "with al-Assad", "on Friday").
CHANNEL_PREPOSITIONS = {
    "in", "at", "with", "on", "to", "from", "during", "before", "after", "for", "by", "of", "about",
    "near", "outside", "inside", "via", "through", "aboard", "alongside", "ahead", "following",
}

# Prepositions whose object, when it is a proper name and not a time, is the claim's place.
PLACE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "aboard"}

# Words of a time ("Friday evening", "earlier Wednesday", "last week", "Sept. 12").
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.",
    "sep.", "sept.", "oct.", "nov.", "dec.",
    "morning", "afternoon", "evening", "night", "overnight", "today", "tonight", "yesterday",
    "tomorrow", "weekend", "week", "month", "year", "last", "next", "earlier", "later", "late",
    "early", "this", "same", "day",
}

# Time words that name no time alone ("this statement", "a statement earlier").
WEAK_TIME_WORDS = {"this", "same", "last", "next", "earlier", "later", "late", "early", "day"}

# Nationality adjectives -> country, for affiliations ("Iranian President" -> Iran).
NATIONALITIES = {
    "american": "United States", "iranian": "Iran", "syrian": "Syria", "russian": "Russia",
    "turkish": "Turkey", "iraqi": "Iraq", "israeli": "Israel", "palestinian": "Palestine",
    "british": "United Kingdom", "french": "France", "german": "Germany", "chinese": "China",
    "ukrainian": "Ukraine", "saudi": "Saudi Arabia", "egyptian": "Egypt", "lebanese": "Lebanon",
    "jordanian": "Jordan", "kurdish": "Kurds", "mexican": "Mexico", "canadian": "Canada",
    "indian": "India", "pakistani": "Pakistan", "afghan": "Afghanistan", "japanese": "Japan",
    "korean": "Korea", "italian": "Italy", "spanish": "Spain", "qatari": "Qatar", "emirati":
    "United Arab Emirates", "yemeni": "Yemen", "libyan": "Libya", "european": "European Union",
}
