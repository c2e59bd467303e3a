# ruff: noqa: RUF001 -- the notes on the lists quote copy with its curly apostrophes
"""The word lists the importer's rules read copy with, written as running text like a glossary.

Attribution in news copy is recognised from the words around a name: speech verbs, titles, role
nouns, forms of address, the words that end a phrase. Writers must be able to check and extend
them without reading code, so each list is one constant here with a note on what it is for.
Nothing here is specific to one story: the lists hold general English, never names.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as running text, one space apart, so that it reads like a glossary."""
    return frozenset(text.split())


SPEECH_VERBS = words(
    """
    say says said saying tell tells told telling add adds added adding stated wrote writes
    writing asked asking replied replies explained explains explaining noted warn warns warned
    warning insist insists insisted insisting argue argues argued arguing claimed claiming declare
    declares declared announce announces announced admit admits admitted acknowledged conceded
    concedes continued recalled recalls remarked urge urges urged urging tweeted posted posting
    commented described describes describing called calling branded promised vowed vowing pledged
    responded suggested suggests stressed stresses emphasised emphasized shouted cried joked
    quipped predicted confirmed confirms complained recounted reiterated repeated boasted
    concluded accused accusing
    """
)
"""Verbs that introduce speech, lower case only (`States` in `United States` is no verb). Forms
that are more often nouns (`call`, `claims`, `post`) are left out; `agreed` is too, since what
people agree is rarely what they said."""

PRONOUNS = frozenset({"he", "she", "they"})
"""Subjects resolved to the last named speaker (see `Speaker.kind == "pronoun"`)."""

HONORIFICS = {
    "Mr": "m", "Mr.": "m", "Sir": "m", "Lord": "m",
    "Mrs": "f", "Mrs.": "f", "Ms": "f", "Ms.": "f", "Miss": "f", "Dame": "f", "Lady": "f",
    "Dr": "", "Dr.": "", "Prof": "", "Prof.": "",
}  # fmt: skip
"""Forms of address dropped from a name (`Mr McCully` is `Murray McCully`) with the gender they
imply, so that `she said` is not resolved to a `Mr`."""

TITLE_WORDS = words(
    """
    President Vice Prime Minister Secretary Chancellor Premier Senator Sen. Rep. Representative
    Governor Gov. Mayor Judge Justice Detective Det. Inspector Insp. Sergeant Sgt. Constable
    Superintendent Supt. Captain Capt. Colonel Col. Lieutenant Lt. General Gen. Major Admiral
    Commissioner Commander Chairman Chairwoman Chair Director Spokesman Spokeswoman Spokesperson
    Professor Ambassador King Queen Prince Princess Pope Bishop Archbishop Coach Chief Deputy
    Foreign Defence Defense Finance Health Interior Home Justice Trade Energy Education State
    Councillor Councilor Speaker Leader Sheriff Officer Reverend Rev. Cardinal Rabbi Imam
    Auditor Attorney Treasurer Emperor Sultan Sheikh Father
    """
)
"""Capitalised words that are part of a title written before a name: `Foreign Minister Andriy
Sybiga`, `US President Donald Trump`, `Det Sgt Jane Roe`. The name is what follows the last one."""

ROLE_HEADS = words(
    """
    spokesman spokeswoman spokesperson minister president secretary chief leader head director
    adviser advisor aide counterpart commander general officer official ambassador envoy chairman
    chairwoman chair chairperson manager coach captain mayor governor senator professor lecturer
    researcher economist analyst scientist doctor lawyer attorney prosecutor judge detective
    inspector sergeant constable superintendent commissioner founder owner councillor councilor
    mp candidate negotiator correspondent editor campaigner activist organiser organizer surgeon
    nurse expert chancellor premier king queen prince princess pope bishop archbishop ceo
    executive staff deputy representative historian teacher principal author member partner
    trustee speaker boss mother father wife husband daughter son sister brother widow
    chairman treasurer auditor pilot engineer curator skipper winemaker farmer resident
    paramedic firefighter director-general secretary-general medic veteran rival challenger
    opponent moderator alderman alderwoman substitute deckhand driver worker student presenter
    host volunteer coordinator superintendent receptionist supervisor passenger parent pupil
    customer shopper commuter voter patient neighbour neighbor local fan witness survivor victim
    tourist visitor sponsor
    """
)
"""Nouns that make a phrase a role: `Putin’s spokesman`, `the company’s chief executive`. A
phrase before or after a name is only taken as a role when it holds one of them."""

CAPITALISED_FUNCTION_WORDS = words(
    """
    The A An In On At By For From With Without After Before During Since Until When While As But
    And Or If Then Than This That These Those Its It His Her Their Our Speaking Asked Meanwhile
    However Later Earlier Yesterday Today Tonight Last Next Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday January February March April May June July August September October
    November December According Despite Although Under Over About Around Inside Outside Among
    Between Through Toward Towards Against Into There Here We I You They He She Some Many Most
    Both Each Every Other Another One Two Three Several Also Still Now Even Only Instead
    """
)
"""Capitalised words that start sentences or name dates, never part of a person's name."""

NAME_PARTICLES = frozenset({"de", "da", "van", "von", "der", "den", "bin", "al", "le", "la", "du"})

ORGANISATION_WORDS = words(
    """
    House Ministry Department Agency Council Party Bank Court Union Office Police Service News
    Press Post Times Herald Network Commission Committee Authority Board Government Kremlin
    Parliament Congress Senate Pentagon Company Corporation Corp Inc Ltd Group Association
    Institute University School Hospital Foundation Federation League Club Army Navy Force
    Organisation Organization Tribunal Assembly Cabinet Embassy Secretariat Fund Trust Chamber
    Commerce Securities Partners Holdings Air Airlines Airways Railways
    """
)
"""Words that make a capitalised name an organisation (`the White House`) rather than a person."""

ORGANISATION_NOUNS = words(
    """
    police ministry government company council court army military agency department spokesman
    spokeswoman spokesperson officials official statement prosecutors investigators organisers
    organizers authorities regulator union board committee commission airline bank firm carrier
    club charity party school university hospital trust group operator retailer insurer
    broadcaster network
    """
)
"""Lower-case subjects that can speak for an institution: `police said`, `the ministry said`.
With `the`, the organisation is the one last named (`Straits Air …; the airline said`)."""

AUXILIARIES = words(
    """
    has had have also later then previously earlier repeatedly reportedly once again simply
    further was is were are would will had has quickly never often
    """
)
"""Words that may stand between a speaker and the speech verb: `Scavino later said`. (After
`and`, the speaker is the sentence's subject: `The governor visited and said …`.)"""

CLAUSE_STOPS = words(
    """
    the a an his her their its with by and or but to in on at from as said that who which when
    while after before was is were are has had have be been it this of for during since into
    """
)
"""Words that end a role phrase when reading backwards from a name."""

FORWARD_STOPS = words(
    """
    on in at after before during when while as that to told adding but and who which last this
    yesterday today earlier later tonight since from with
    """
)
"""Words that end a speaker read forwards after `said`: `said Smith on Monday`."""

PREPOSITIONS = frozenset(
    {"in", "at", "on", "from", "after", "before", "during", "for", "to", "of", "by", "with"}
)
