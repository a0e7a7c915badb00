"""Word lists behind the cue extractors. Plain data: edit here, not in the regexes.

Every list is literal phrases (matched case-insensitively on word boundaries unless noted);
``extract`` compiles each list once into a first-letter trie regex, so adding words costs
nothing at scan time.
"""

from __future__ import annotations

from pathlib import Path

# -- anonymous sourcing ----------------------------------------------------------------------
# Nouns for unnamed people a claim can rest on ("a source", "an insider", "a family friend").
ANON_NOUNS = (
    "source", "sources", "insider", "insiders", "pal", "pals", "friend", "friends",
    "confidant", "confidante", "confidants", "onlooker", "onlookers", "eyewitness",
    "eyewitnesses", "witness", "witnesses", "spy", "spies", "tipster", "tipsters",
    "observer", "observers", "acquaintance", "acquaintances", "relative", "relatives",
    "family member", "family members", "associate", "associates", "mole", "bystander",
    "bystanders", "aide", "aides", "staffer", "staffers", "crew member", "crew members",
    "person close", "someone close", "people close", "snitch", "informant", "operative",
)
# Plain words for people that are an unnamed source only with a qualifier that says so: "a
# person familiar with the matter", "people close to the couple", "someone who knows her",
# "those in her inner circle", the news register a sober rewrite of a tabloid story uses.
GENERIC_PEOPLE = (
    "person", "persons", "people", "individual", "individuals", "someone", "somebody", "those",
    "member", "members",
)
# Verbs of saying/telling an anonymous source (or a named speaker) is the subject of.
SAY_VERBS = (
    "told", "tells", "tell", "telling", "said", "says", "say", "saying", "claimed", "claims",
    "claim", "claiming", "revealed", "reveals", "reveal", "revealing", "explained", "explains",
    "explain", "added", "adds", "add", "dished", "dishes", "dish", "spilled", "spills",
    "confided", "confides", "confirmed", "confirms", "confirm", "insisted", "insists",
    "insist", "shared", "shares", "disclosed", "discloses", "alleged", "alleges", "allege",
    "noted", "notes", "continued", "continues", "gushed", "gushes", "divulged", "divulges",
    "whispered", "admitted", "admits", "informed", "informs", "recalled", "recalls",
    "stated", "states", "suggested", "suggests", "maintained", "maintains", "warned",
    "warns", "believes", "believe", "thinks", "think", "reported", "reports", "report",
    "explained to", "leaked", "leaks", "spilt",
)
# Verbs that take the outlet/person told as a direct object ("told Heat", "tells us").
TELL_VERBS = ("told", "tells", "tell", "telling", "informed", "informs")
# Verbs for a named speaker in ``"...," NAME <verb>`` attributions.
QUOTE_VERBS = (
    "said", "says", "told", "tells", "explained", "explains", "added", "adds", "wrote",
    "writes", "continued", "continues", "revealed", "reveals", "shared", "shares",
    "admitted", "admits", "insisted", "insists", "noted", "notes", "confirmed", "confirms",
    "gushed", "gushes", "joked", "jokes", "recalled", "recalls", "stated", "states",
    "tweeted", "tweets", "posted", "captioned", "responded", "replied", "told reporters",
    "explained to", "confessed", "confesses", "declared", "announced", "remarked", "quipped",
    "dished", "said in a statement", "told us", "teased", "opened up", "shared with",
)
# Spokespeople: on the record, but not the star.
REP_NOUNS = (
    "rep", "reps", "representative", "representatives", "spokesperson", "spokesman",
    "spokeswoman", "publicist", "lawyer", "attorney", "manager", "agent", "spokespeople",
)
# Determiners that make a noun phrase unnamed ("a source", "the insider", "one pal").
ANON_DETERMINERS = (
    "a", "an", "the", "one", "another", "two", "three", "four", "several", "multiple",
    "many", "some", "other", "numerous", "various",
)
# Outlets reporting what they "learned" from unnamed people ("RadarOnline.com has learned", "we
# have been told"): the verb, found after "has"/"have" and who has.
LEARNED_VERBS = ("learned", "learnt", "been told")
# The outlet itself cites unnamed people, with no noun for them: "We're told the pair split",
# "We hear that she is furious" (only with "that": "we hear the crowd" is just hearing). Outlet +
# "hears" ("Page Six hears") is found beside the outlet.
TOLD_US_PHRASES = ("we're told", "we are told", "we hear that", "we've heard that", "we have heard that")

# -- denials -----------------------------------------------------------------------------------
# Literal phrases that report a denial or a debunk.
DENIAL_PHRASES = (
    "denied", "denies", "denying", "issued a denial", "flatly denied", "debunked", "debunk",
    "debunks", "debunking", "not an ounce of truth", "not a shred of truth",
    "not a grain of truth", "no truth to", "no truth whatsoever", "zero truth",
    "no basis in truth", "isn't true", "is not true", "was not true", "aren't true",
    "are not true", "not true at all", "completely untrue", "totally untrue", "entirely untrue",
    "absolutely untrue", "untrue", "completely false", "totally false", "entirely false",
    "100 percent false", "completely fabricated", "totally fabricated", "fabricated",
    "made-up story", "completely made up", "totally made up", "fake news",
    "set the record straight", "setting the record straight", "sets the record straight",
    "shut down rumors", "shut down rumours", "shuts down rumors", "shuts down rumours",
    "shut down the rumors", "shut down the rumours", "shot down rumors", "shot down the rumors",
    "shoots down rumors", "shot down reports", "slammed the rumors", "slammed the rumours",
    "slams rumors", "slams rumours", "slammed rumors", "slammed the reports", "slammed the story",
    "dismissed the rumors", "dismissed the rumours", "dismissed the reports", "dismissed rumors",
    "laughed off", "laughs off", "baseless", "false report", "false reports", "false story",
    "false rumors", "false rumours", "nonsense", "not accurate", "inaccurate", "no validity",
    "there is nothing to", "nothing to it", "is false", "are false", "was false", "were false",
    "is fake", "are fake", "not pregnant", "not dating", "not engaged", "not splitting",
    "never happened", "refuted", "refutes", "there's no truth", "there is no truth",
)
# Gossip Cop verdict verbs ("Gossip Cop contested the claim", "Gossip Cop has confirmed").
GOSSIP_COP_VERBS = (
    "contested", "debunked", "busted", "corrected", "exposed", "checked", "confirmed",
    "learned", "can exclusively", "can confirm", "has confirmed", "has learned", "was told",
    "is told", "has been assured", "was assured", "looked into", "investigated", "refuted",
    "reached out", "spoke", "found", "determined", "denied",
)

# -- hedges ------------------------------------------------------------------------------------
HEDGE_PHRASES = (
    "reportedly", "allegedly", "alleged", "is said to", "are said to", "was said to",
    "were said to", "is rumored", "is rumoured", "rumored", "rumoured", "rumor has it",
    "rumour has it", "apparently", "supposedly", "purportedly", "could be", "may have",
    "might have", "may be", "might be", "it seems", "seemingly", "speculation", "speculated",
    "is believed to", "are believed to", "is thought to", "are thought to", "word is", "whispers",
    "it is understood", "it's understood", "claims that", "unconfirmed", "could have", "would appear", "appears to", "seems to",
)

# -- sensational framing ----------------------------------------------------------------------
# Loaded, emotional vocabulary. Matched case-insensitively as whole words.
SENSATIONAL_WORDS = (
    "shocking", "shock", "shocked", "shocker", "stunning", "stunned", "trap", "trapped",
    "melted", "melts", "bombshell", "devastated", "devastating", "heartbroken",
    "heartbreaking", "heartbreak", "furious", "fury", "livid", "enraged", "meltdown",
    "feud", "feuding", "war", "wars", "secret", "secrets", "secretly", "slams", "slammed",
    "blasts", "blasted", "rages", "raging", "rage", "explosive", "scandal", "scandalous",
    "betrayal", "betrayed", "humiliated", "humiliating", "horrifying", "horror", "nightmare",
    "crisis", "disaster", "desperate", "desperately", "torture", "tortured", "crumbling",
    "collapse", "collapsing", "hysterically", "hysterical", "sobbing", "tears", "tearful",
    "jealous", "jealousy", "revenge", "catfight", "showdown", "ultimatum", "sneaky",
    "outrageous", "outraged", "insane", "crazy", "obsessed", "obsession", "drama",
    "explodes", "exploded", "erupts", "erupted", "banished", "dumped", "dumps", "cheating",
    "cheat", "cheated", "mistress", "mistresses", "fling", "love child", "baby bump",
    "bump", "stuns", "slap", "exclusive", "exposed", "exposes", "tell-all", "confession",
    "unbelievable", "jaw-dropping", "brutal", "cruel", "vicious", "nasty", "spiraling",
    "spiralling", "breakdown", "rocked", "reeling", "agony", "panic", "panicked",
    "terrified", "frantic", "fuming", "seething", "ruined", "destroyed", "sinister",
    "krisis", "torn apart", "falling apart", "fall apart", "on the rocks", "caught",
)
# ALL-CAPS tokens of 4+ letters that are acronyms or page furniture, not shouting.
CAPS_STOPLIST = frozenset(
    """NASA NCAA NBCU ESPN UCLA NYPD LAPD AIDS LGBT LGBTQ GLAAD NAACP MSNBC NYFW SXSW
    IMDB YOLO UNICEF NATO FIFA UEFA NASCAR WNBA ASPCA PETA OPEC NOAA USDA HIPAA
    PHOTO PHOTOS VIDEO VIDEOS WATCH READ MORE CLICK HERE SHARE UPDATE UPDATED SOURCE
    GETTY IMAGES INSTAGRAM TWITTER FACEBOOK YOUTUBE TIKTOK HTTP HTTPS HTML JPEG
    EXCLUSIVE RELATED ADVERTISEMENT SPONSORED SUBSCRIBE NEWSLETTER GALLERY SLIDESHOW
    KUWTK RHOA RHOBH RHONY RHOC VMAS VMA BAFTA BAFTAS SAG OSCARS EMMYS GRAMMYS AMAS
    BBMAS CMAS ACMS MTV CNN ABC NBC CBS HBO FOX BBC ITV UPI AFP REUTERS
    USA NYC III VIII XIII DJ MC""".split()
)

# -- claim type: private matters vs publicly checkable events ---------------------------------
PRIVATE_WORDS = (
    "pregnant", "pregnancy", "baby bump", "expecting a baby", "split", "splits", "splitting",
    "split up", "breakup", "break-up", "broke up", "breaking up", "divorce", "divorced",
    "divorcing", "divorces", "feud", "feuding", "cheating", "cheated", "cheats", "affair",
    "secret wedding", "secretly married", "secretly engaged", "engaged", "engagement",
    "dating", "romance", "rehab", "reconcile", "reconciled", "reconciliation", "rekindle",
    "rekindled", "rekindling", "fling", "hooked up", "hooking up", "love triangle",
    "on the rocks", "marriage woes", "marriage trouble", "marriage troubles", "custody",
    "jealous", "hookup", "getting back together", "back together", "relationship", "boyfriend",
    "girlfriend", "kissed", "kissing", "wedding", "honeymoon", "therapy", "counseling",
    "counselling", "miscarriage", "ivf", "surrogate", "adoption", "adopt",
)
PUBLIC_WORDS = (
    "premiere", "premieres", "premiered", "award", "awards", "nominated", "nomination",
    "nominations", "album", "albums", "tour", "touring", "box office", "filed", "court",
    "lawsuit", "sued", "judge", "announced", "announcement", "statement", "interview",
    "episode", "episodes", "season", "trailer", "red carpet", "concert", "film", "movie",
    "series", "released", "release", "debut", "debuted", "grammy", "grammys", "oscar",
    "oscars", "emmy", "emmys", "golden globe", "golden globes", "festival", "performance",
    "performed", "charity", "campaign", "cast", "casting", "director", "directed", "sequel",
    "netflix", "hbo", "studio", "record label", "billboard", "chart", "ratings", "posted",
    "instagram", "twitter", "tweeted", "press conference", "court documents", "documents",
    "according to court", "petition", "ceremony", "hosted", "host", "book", "memoir",
)

# -- outlets -----------------------------------------------------------------------------------
# Canonical outlet -> surface forms that name it unambiguously (matched case-sensitively).
OUTLETS_STRONG: dict[str, tuple[str, ...]] = {
    "In Touch Weekly": ("In Touch Weekly", "InTouch Weekly", "In Touch", "InTouchWeekly.com", "InTouch"),
    "Star": ("Star magazine", "Star Magazine", "Star mag"),
    "Heat": ("Heat magazine", "Heat Magazine", "heatworld"),
    "People": ("People magazine", "People Magazine", "People.com", "PEOPLE.com"),
    "Daily Mail": ("Daily Mail", "DailyMail.com", "Dailymail.com", "MailOnline", "Mail Online", "the Mail on Sunday", "Mail on Sunday"),
    "Us Weekly": ("Us Weekly", "US Weekly", "UsWeekly", "Us magazine", "Us Magazine"),
    "OK!": ("OK! magazine", "OK! Magazine", "OK! Weekly", "OK!Magazine"),
    "Life & Style": ("Life & Style", "Life and Style", "Life & Style Weekly", "LifeandStyle"),
    "National Enquirer": ("National Enquirer", "the Enquirer", "The Enquirer"),
    "RadarOnline": ("RadarOnline.com", "RadarOnline", "Radar Online", "Radaronline.com"),
    "TMZ": ("TMZ", "TMZ.com"),
    "E! News": ("E! News", "E! Online", "E!News", "E! Entertainment"),
    "Page Six": ("Page Six", "PageSix", "PageSix.com"),
    "Entertainment Tonight": ("Entertainment Tonight", "ETOnline", "ET Online"),
    "New Idea": ("New Idea",),
    "Woman's Day": ("Woman's Day", "Woman’s Day", "Womans Day"),
    "HollywoodLife": ("HollywoodLife.com", "HollywoodLife", "Hollywoodlife", "Hollywood Life"),
    "Gossip Cop": ("Gossip Cop", "GossipCop"),
    "Closer": ("Closer magazine", "Closer Magazine", "Closer Weekly"),
    "Now": ("Now magazine", "Now Magazine"),
    "Hello!": ("Hello! magazine", "Hello! Magazine", "HELLO! magazine", "HELLO!"),
    "Globe": ("Globe magazine", "the Globe tabloid"),
    "The Sun": ("The Sun", "the Sun newspaper", "The Sun newspaper"),
    "Daily Mirror": ("Daily Mirror", "the Mirror"),
    "Daily Star": ("Daily Star",),
    "New York Post": ("New York Post", "NY Post"),
    "The Hollywood Reporter": ("The Hollywood Reporter", "Hollywood Reporter"),
    "Access Hollywood": ("Access Hollywood",),
    "Vanity Fair": ("Vanity Fair",),
    "Variety": ("Variety magazine",),
    "Perez Hilton": ("PerezHilton.com",),
    "Grazia": ("Grazia",),
    "Who": ("Who magazine", "WHO magazine"),
    "Celebuzz": ("Celebuzz",),
    "Just Jared": ("Just Jared", "JustJared"),
    "The Blast": ("The Blast",),
    "Extra": ("Extra TV",),
}
# Outlet names that are also ordinary words; they count only in a citing context
# ("told People", "according to Star", "Star reports", "People's sources").
OUTLETS_CONTEXT: dict[str, str] = {
    "People": "People",
    "PEOPLE": "People",
    "Star": "Star",
    "Heat": "Heat",
    "OK!": "OK!",
    "Radar": "RadarOnline",
    "Us": "Us Weekly",
    "Closer": "Closer",
    "Hello!": "Hello!",
    "Globe": "Globe",
    "Enquirer": "National Enquirer",
    "Mirror": "Daily Mirror",
    "Variety": "Variety",
    "Deadline": "Deadline",
    "ET": "Entertainment Tonight",
    "Extra": "Extra",
    "Life & Style": "Life & Style",
}
# Supermarket tabloids and their sites: citing them is a weak fake cue; the rest lean real.
TABLOID_OUTLETS = frozenset(
    {
        "In Touch Weekly", "Star", "Heat", "OK!", "Life & Style", "National Enquirer",
        "RadarOnline", "New Idea", "Woman's Day", "HollywoodLife", "Closer", "Now", "Globe",
        "The Sun", "Daily Mirror", "Daily Star", "Who", "Hello!",
    }
)


# -- people's names ----------------------------------------------------------------------------
def _learnt_not_names() -> frozenset[str]:
    """Words learnt from a real NER model to be (almost) never part of a person's name in
    celebrity news ("palace", "lies", "subscribe"): bench/people.py writes the file."""
    lines = Path(__file__).with_name("not_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Lower case. The quote finder's speaker guesses and the corpus's people pairs both use it.
LEARNT_NOT_NAMES = _learnt_not_names()


def _name_pronouns() -> dict[str, str]:
    """Full and first names -> "he" or "she", learnt from the training stories
    (bench/pronouns.py writes the file). A name not in it fits either pronoun."""
    path = Path(__file__).with_name("name_pronouns.txt")
    pairs = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    return {name: pronoun for name, pronoun in pairs}


# The quote finder credits '"…," she said' to the last name before it that can be a "she".
NAME_PRONOUNS = _name_pronouns()
