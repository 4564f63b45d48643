"""Public functions of people named in news: what makes a news person a politically exposed person (PEP).

``find(excerpt, start, end)`` reads the sentence that names a person (the name at ``excerpt[start:end]``) and
returns the public function the sentence gives that person, if any, with its country: "China's Prime Minister Li
Keqiang" -> Prime Minister, cn; "German Chancellor Olaf Scholz" -> Chancellor, de; "Tony Banks, Labour MP for West
Ham" -> Labour MP; "Mark Thatcher, son of former Prime Minister Margaret Thatcher" -> a relative. The categories
follow FATF's description of PEPs (Recommendation 12 and its guidance): heads of state and of government,
ministers, members of parliament, senior judges, central bank boards, ambassadors, senior military officers,
executives of state-owned enterprises, senior party officials, senior officials of international organisations,
and their stated relatives and close associates.

Where the function is read, in this order (the first reading found wins):

1. a title right before the name, with what qualifies it: "US President Barack Obama", "Tory leader Michael
   Howard", "the then Home Secretary David Blunkett", "Federal Reserve chairman Alan Greenspan";
2. "replace Mr Blair as prime minister": the one replaced holds the title;
3. a stated relation to a PEP: "X, son of former Prime Minister Y", "President Y's brother X";
4. a title in apposition after the name: "Lord Woolf, the Lord Chief Justice", "Jacques Barrot, vice president of
   the European Commission", "Andrew Tyrie MP";
5. a predicate: "X was appointed ambassador to Y", "X, who is the Home Secretary";
6. "Mr Blair and other Cabinet ministers"; "John Major's government";
7. a peer's title ("Lord Goldsmith", "Baroness Morgan": a member of the House of Lords) or a royal one ("Prince
   Charles": a member of a royal family) when nothing more specific is said.

A generic title counts only with a qualifier that makes it public: "Toyota president" or "Police Federation
chairman" is no PEP, "World Bank president", "Bank of England governor" or "Lib Dem chairman" is. Local government
(mayors, councillors, state governors), civil servants, regulators, prosecutors, police officers, lower-court
judges and candidates are not PEPs here.

Pure functions over text: no spaCy, no storage.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from watchlists import places

HEAD_OF_STATE = "head_of_state"
HEAD_OF_GOVERNMENT = "head_of_government"
MINISTER = "minister"
PARLIAMENT = "parliament"
JUDGE = "judge"
CENTRAL_BANK = "central_bank"
AMBASSADOR = "ambassador"
MILITARY = "military"
STATE_ENTERPRISE = "state_enterprise"
PARTY = "party"
INTERNATIONAL = "international"
RELATIVE = "relative"

CATEGORIES: dict[str, str] = {
    HEAD_OF_STATE: "head of state",
    HEAD_OF_GOVERNMENT: "head of government",
    MINISTER: "minister",
    PARLIAMENT: "member of parliament",
    JUDGE: "senior judge",
    CENTRAL_BANK: "central bank board",
    AMBASSADOR: "ambassador",
    MILITARY: "senior military officer",
    STATE_ENTERPRISE: "executive of a state-owned enterprise",
    PARTY: "senior party official",
    INTERNATIONAL: "senior official of an international organisation",
    RELATIVE: "relative or close associate of a PEP",
}


@dataclass(frozen=True)
class Function:
    """A public function the text gives a person: the title as the text gives it (without its country), what kind
    of function it is (a key of ``CATEGORIES``), the country it is held in (ISO alpha-2, lower case) when the text
    says, and whether the text says it is a former one."""

    title: str
    category: str
    country: str | None = None
    former: bool = False

    @property
    def label(self) -> str:
        return CATEGORIES[self.category]


# --- the titles ----------------------------------------------------------------------------------------------------

_SECRETARY = "secretary"            # a minister with a department before it ("Home Secretary"), else nobody
_CHANCELLOR = "chancellor"          # Germany's and Austria's head of government, else the UK's finance minister
_GENERIC = "generic"                # public only with a qualifier that makes it so ("Bank of England governor")
_NONE = "none"                      # titles that contain a public title's word and are none: "Auditor General"
_COMMITTEE = "committee"            # a parliamentary (select) committee's chair: "Public accounts committee chairman"

_TITLES: dict[str, str] = {}
for _cat, _words in (
    (HEAD_OF_GOVERNMENT, "prime minister, premier, taoiseach, first minister, head of government, pm"),
    (HEAD_OF_STATE, "head of state, president-elect, king, queen, emperor, empress, emir, sultan, monarch, "
                    "grand duke, ruler, shah, supreme leader, pope"),
    (MINISTER, "deputy prime minister, deputy premier, vice premier, vice-premier, chancellor of the exchequer, "
               "chief secretary to the treasury, lord chancellor, attorney general, attorney-general, "
               "solicitor general, solicitor-general, lord advocate, commons leader, lords leader, "
               "leader of the house of commons, leader of the house of lords, leader of the house, "
               "leader of the commons, leader of the lords, secretary of state, secretary of defense, "
               "secretary of defence, secretary of the treasury, secretary of commerce, secretary of energy, "
               "secretary of the interior, secretary of agriculture, secretary of labor, secretary of health, "
               "secretary of education, secretary of transportation, secretary of homeland security, minister, "
               "ministers, cabinet minister, cabinet ministers, trade representative, chief whip, government whip, "
               "cabinet member, cabinet members, member of the cabinet, members of the cabinet"),
    (JUDGE, "lord chief justice, chief justice, lord justice, lord justices, mr justice, mrs justice, ms justice, "
            "law lord, law lords, master of the rolls, supreme court judge, supreme court justice, high court judge, "
            "appeal court judge, senior judge, constitutional court judge, justice, justices"),
    (PARLIAMENT, "member of parliament, members of parliament, member of the european parliament, "
                 "member of the scottish parliament, member of the welsh assembly, assembly member, "
                 "member of congress, congressman, congresswoman, congressmen, senator, senators, sen., rep., "
                 "representative, lawmaker, lawmakers, legislator, legislators, parliamentarian, parliamentarians, "
                 "backbencher, backbenchers, back-bencher, frontbencher, frontbenchers, front-bencher, peer, peers, "
                 "speaker, deputy speaker, mp, mps, mep, meps, msp, msps, td, duma deputy"),
    (AMBASSADOR, "ambassador, ambassadors, envoy, envoys, high commissioner, chargé d'affaires, charge d'affaires"),
    (MILITARY, "field marshal, air chief marshal, air vice-marshal, air vice marshal, air marshal, "
               "lieutenant general, lt gen, major general, maj gen, brigadier general, general, gen., admiral, "
               "vice admiral, rear admiral, commander-in-chief, chief of the defence staff, chief of defence staff, "
               "chief of the general staff, army chief, military chief"),
    (_NONE, "auditor general, auditor-general, inspector general, surgeon general, postmaster general, "
            "accountant general, comptroller general, registrar general, consul general, consul-general, "
            "procurator general, comptroller and auditor general, criminal justice, social justice, youth justice, "
            "civil justice, natural justice, rough justice, restorative justice, poetic justice"),
    (HEAD_OF_STATE, "governor general, governor-general"),
    (PARTY, "party leader, party chairman, opposition leader, shadow cabinet member, shadow cabinet members, "
            "member of the shadow cabinet, members of the shadow cabinet"),
    (_SECRETARY, "secretary, under secretary, under-secretary, undersecretary, parliamentary under-secretary, "
                 "parliamentary under secretary, deputy secretary, assistant secretary"),
    (_COMMITTEE, "committee chairman, committee chair, committee chairwoman, committee chairmen"),
    (_CHANCELLOR, "chancellor"),
    (_GENERIC, "president, vice president, vice-president, leader, deputy leader, chairman, chairmen, chairwoman, "
               "chairperson, chair, co-chairman, co-chair, chief executive, chief, head, boss, ceo, "
               "managing director, director general, director-general, secretary general, secretary-general, "
               "general secretary, governor, deputy governor, commissioner, spokesman, spokeswoman, spokesperson, "
               "treasurer, campaign coordinator, campaign co-ordinator, campaign chief, campaign director, "
               "campaign manager, election coordinator, election co-ordinator, election chief, elections chief, "
               "head of elections strategy, head of election strategy, head of campaigning, board member, member, "
               "commander, chief of staff"),
):
    for _w in _words.split(", "):
        _TITLES[_w] = _cat
_ALTERNATION = "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
# A title as a whole word (a dotted abbreviation ends in its dot).
# A title as a whole word, also after "ex-" ("ex-minister"); a dotted abbreviation ends in its dot.
_TITLE = re.compile(rf"(?:(?<![\w-])|(?<=\bex-))(?:{_ALTERNATION})(?![\w-])", re.IGNORECASE)
_TITLE_AT_END = re.compile(rf"(?:(?<![\w-])|(?<=\bex-))(?:{_ALTERNATION})(?![\w-])\s*,?\s*$", re.IGNORECASE)
# "spokesman on foreign affairs", "spokeswoman for health": a portfolio after a title.
_PORTFOLIO_AFTER = re.compile(r"\s+(?:on|for)\s+(?:[a-z]+(?:,|\s+and)?\s+){0,3}[a-z]+\s*,?\s*$")
# "the head of the Ukrainian state-owned Naftohaz company, Yury Boyko": a title with its "of ..." before the name.
_TITLE_OF_BEFORE = re.compile(rf"(?:(?<![\w-])|(?<=\bex-))({_ALTERNATION})\s+"
                              rf"((?:of|for|to)\s+[^,;:()\"“”]{{2,90}}?)\s*,\s*$", re.IGNORECASE)
# "Mr Howard ... tried to introduce them when he was Home Secretary".
_WHEN_HE_WAS = re.compile(r"\b(?:when|while|after|before|since|as|until)\s+(?:he|she)\s+(?:was|served as|became|"
                          r"had been|is)\s+(?:the\s+|a\s+|an\s+)?")
# Titles only as written: "MP" (not "mp"), "PM", "Speaker", "General", "Justice", "Rep.", "King".
_AS_WRITTEN = {"mp": "MP", "mps": "MPs", "mep": "MEP", "meps": "MEPs", "msp": "MSP", "msps": "MSPs", "pm": "PM",
               "td": "TD"}
_CAPITALISED = {"speaker", "deputy speaker", "rep.", "representative", "general", "gen.", "justice", "justices",
                "king", "queen", "sen.", "emperor", "pope"}

# Departments that make "X Secretary" a minister.
_DEPARTMENTS = re.compile(
    r"(?:^|\s)(?:home|foreign|defen[cs]e|health|education|education and skills|trade|trade and industry|transport|"
    r"culture|culture,? media and sport|environment|environment,? food and rural affairs|treasury|commerce|energy|"
    r"interior|agriculture|labou?r|justice|northern ireland|scotland|scottish|wales|welsh|work and pensions|"
    r"international development|constitutional affairs|homeland security|health and human services|housing|"
    r"local government|business|industry|employment|social security|chief|europe|finance|economy|economic|"
    r"transportation|state|veterans affairs|education and employment|cabinet office)$", re.IGNORECASE)

_PARTIES = re.compile(
    r"\b(?:tory|tories|conservatives?|labour|lib[- ]?dems?|liberal democrats?|liberal|snp|scottish national party|"
    r"plaid(?: cymru)?|ukip|bnp|green party|greens|sinn f[eé]in|dup|sdlp|ulster unionists?|uup|democrats?|"
    r"democratic|republicans?|gop|communist|socialists?|social democrats?|christian democrats?|cdu|csu|spd|fdp|"
    r"likud|fatah|anc|bjp|congress party|ump|psoe|pasok|party|opposition|respect|veritas)\b", re.IGNORECASE)
_UK = re.compile(r"\b(?:tory|tories|conservatives?|labour|lib[- ]?dems?|liberal democrats?|snp|plaid|ukip|bnp|"
                 r"sinn f[eé]in|dup|sdlp|ulster unionists?|uup|respect|veritas|commons|lords|westminster|"
                 r"home secretary|foreign secretary|chancellor of the exchequer|shadow|mr justice|mrs justice|"
                 r"lord justices?|lord chief justice|law lords?|backbench\w*|frontbench\w*|whitehall|"
                 r"home office|foreign office|downing street)\b", re.IGNORECASE)
_UK_OFFICES = re.compile(r"\b(?:home secretary|foreign secretary|chancellor of the exchequer|commons|lords|"
                         r"mr justice|mrs justice|lord justices?|lord chief justice|law lords?|backbench\w*|"
                         r"frontbench\w*|home office|foreign office|downing street|whitehall)\b", re.IGNORECASE)
_CENTRAL_BANKS = re.compile(
    r"\b(?:central bank|bank of england|federal reserve|european central bank|bank of japan|bundesbank|reserve bank|"
    r"people's bank of china|bank of canada|swiss national bank|riksbank|banque de france|bank of france|"
    r"bank of italy|banca d'italia|norges bank|monetary policy committee|bank of korea|bank of russia|"
    r"bank of israel|bank of spain|bank of greece|bank of mexico|banco central)\b|\b(?:Fed|ECB|BoJ|BOJ|MPC|SNB)\b",
    re.IGNORECASE)
_CENTRAL_BANKS_CASED = re.compile(r"\b(?:Fed|ECB|BoJ|BOJ|MPC|SNB)\b")
_INTERNATIONAL = re.compile(
    r"\b(?:united nations|international monetary fund|world bank|world trade organi[sz]ation|european commission|"
    r"european union|council of europe|african union|arab league|world health organi[sz]ation|"
    r"international atomic energy agency|european investment bank|security council|"
    r"european bank for reconstruction and development)\b", re.IGNORECASE)
_INTERNATIONAL_CASED = re.compile(r"\b(?:UN|U\.N\.|EU|IMF|WTO|Nato|NATO|Opec|OPEC|OECD|WHO|Unesco|UNESCO|Unicef|"
                                  r"UNICEF|IAEA|EBRD|OSCE|Interpol|ASEAN|Asean)\b")
_STATE_ENTERPRISES = re.compile(
    r"(?i:\b(?:state[- ]owned|state[- ]run|state[- ]controlled|government[- ]owned|publicly[- ]owned|nationali[sz]ed|"
    r"state (?:oil|gas|energy|power|electricity|rail|railway|airline|bank|firm|company|broadcaster|television|tv|"
    r"monopoly|utility|conglomerate|enterprise|corporation)s?|royal mail|gazprom|rosneft|transneft|pemex|aramco|"
    r"pdvsa|petrobras|sinopec|cnpc|cnooc|petrochina|statoil|sncf|deutsche bahn|japan post|air india|sonatrach|"
    r"nnpc|petronas|naftogaz|eskom|network rail)\b)|\b(?:BBC|EDF)\b")
_MILITARY_ORGS = re.compile(r"\b(?:army|navy|naval|air force|military|armed forces|defen[cs]e staff|marines)\b",
                            re.IGNORECASE)
# Qualifiers that make a title no public function: "goodwill ambassador", "union leader", "rebel leader".
_NOT_PUBLIC = re.compile(r"\b(?:goodwill|brand|club|team|union|unions|rebel|rebels|militia|student|students|mafia|"
                         r"gang|tribal|insurgent|band|church|charity|council|police|company|firm|school|university|"
                         r"college|campaign group|pressure group|lobby|business|employers|industry)\b",
                         re.IGNORECASE)
_FORMER = re.compile(r"(?:^|\s)(?:former|ex-?|then|one-time|onetime|erstwhile|outgoing|late|retired|sacked|ousted|"
                     r"deposed)(?=\s|$|-)", re.IGNORECASE)
# Lower-case words that may stand inside a title's qualifier ("Tory shadow education secretary", "the then Home
# Secretary", "Labour election campaign coordinator", "Lib Dem home affairs spokesman").
_QUALIFIER_WORDS = frozenset((
    "former ex ex- then acting interim deputy vice junior shadow outgoing incoming new senior assistant chief "
    "one-time sacked ousted late retired central bank state state-owned state-run government-owned party "
    "opposition election campaign affairs home foreign transport treasury economic economy environment defence "
    "defense trade industry culture justice work pensions international development constitutional local "
    "government rural agriculture science technology energy europe european finance business employment social "
    "security family children women housing immigration police policing legal communities sport media health "
    "education and of oil gas firm company power rail army military naval air force top leading prominent "
    "backbench frontbench veteran influential powerful long-serving de facto de-facto reformist hardline "
    "moderate embattled beleaguered disgraced popular federal national elected unelected presidential "
    "scottish welsh devolved regional fellow sports arts heritage tourism planning founding co-founding "
    "audit accounts public select standards privileges liaison intelligence parliamentary party's "
    "government's present current").split())
_HONORIFICS = re.compile(r"(?:(?<![\w-])(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lady|Rev|Reverend|Captain|Capt|"
                         r"Sheikh|Colonel|Col|Major|Lieutenant|Lt|Mister|Madame|Monsieur|Herr|Frau|Signor|Senor|"
                         r"Senora)\.?\s+)+$")
_PEER = re.compile(r"(?<![\w-])(?:Lord|Baroness|Baron|Viscount|Earl)\s+$")
_ROYAL = re.compile(r"(?<![\w-])(?:Crown Prince|Prince|Princess|Duke|Duchess)\s+$")
# "Saudi Arabian prince Al-Walid bin Talal": a royal of a country, written in lower case.
_ROYAL_LOWER = re.compile(r"(?<![\w-])(?:crown prince|prince|princess)\s+$")
_TOKEN = re.compile(r"\w[\w'’.&-]*|[,;:()\"“”]")
_END_OF_PHRASE = re.compile(r"\s*(?:[,;:()\[\]\"“”]|\.(?:\s|$)|\s[-–—]\s|\s(?:added|adds|explained|warned|"
                            r"argued|insisted|claimed|noted|stressed|admitted|and|but|who|whom|whose|which|that|"
                            r"said|says|told|has|had|have|is|was|were|will|would|could|should|can|may|might|in|on|"
                            r"at|with|"
                            r"from|after|before|since|when|while|during|over|under|about|against|between|than|as)"
                            r"\b)", re.IGNORECASE)
_TAIL = re.compile(r"^\s+(?:of|for|to)\s+(?:the\s+)?(?:[A-Z][\w'’.&-]*|[a-z]+(?=\s+[A-Z]))"
                   r"(?:\s+(?:[A-Z][\w'’.&-]*|of|and|for|the|on))*"
                   r"(?:\s+(?:central\s+bank|bank|committee|commission|party|parliament|assembly))?"
                   r"|^\s+for\s+(?:[a-z]+(?:,?\s+and\s+|,\s+|\s+)){0,3}(?:affairs|development|trade|industry|"
                   r"health|education|defen[cs]e|transport|energy|finance|justice|culture|environment|security|"
                   r"planning|employment|housing|agriculture|fisheries|tourism|europe|science|sport|media|"
                   r"pensions|women|children|communities|immigration)\b")
_OF_COUNTRY = re.compile(r"^\s+of\s+(?:the\s+)?([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})")
_REL = (r"(?:eldest |youngest |elder |younger |late |estranged |former |only |adopted )?"
        r"(?:son|sons|daughter|daughters|wife|husband|widow|widower|brother|brothers|sister|sisters|father|mother|"
        r"parents|nephew|niece|cousin|son-in-law|daughter-in-law|brother-in-law|sister-in-law|father-in-law|"
        r"mother-in-law|grandson|granddaughter|grandfather|grandmother|stepson|stepdaughter|stepfather|stepmother|"
        r"partner|fianc[eé]e?|girlfriend|boyfriend|mistress|close (?:friend|associate|aide|ally|confidant)|"
        r"business partner)")
_REL_AFTER = re.compile(rf"^\s*,?\s+(?:(?:the|a|an|his|her|their|one|who is the|who is a|is the|is a|was the)\s+)*"
                        rf"({_REL})\s+of\s+(.{{3,160}})$", re.IGNORECASE)
_REL_BEFORE = re.compile(rf"^(.{{3,160}}?)['’]s?\s+({_REL})\s*,?\s*$", re.IGNORECASE)
_SUCCEED = re.compile(r"\b(?:replace[sd]?|replacing|succeed(?:s|ed|ing)?|oust(?:s|ed|ing)?|unseat(?:s|ed|ing)?|"
                      r"topple[sd]?|toppling|depose[sd]?|deposing)\s*$", re.IGNORECASE)
_AS = re.compile(r"^\s+as\s+(.{3,100})$")
_PREDICATE = re.compile(r"^\s*,?\s+(?:who\s+)?(?:is|was|has been|had been|became|becomes|remains|remained|is now|"
                        r"was then|serves as|served as|was appointed(?: as)?|has been appointed(?: as)?|"
                        r"was named(?: as)?|has been named(?: as)?|was elected(?: as)?|was made|is to become|"
                        r"will become|takes over as|took over as|sits as)\s+(.{3,100})$", re.IGNORECASE)
# "David Blunkett - who has resigned as home secretary -": a function left, so a former one.
_LEFT_OFFICE = re.compile(r"^\s*(?:,|\s[-–—])?\s+(?:who\s+)?(?:has\s+|had\s+|have\s+)?(?:resigned|quit|"
                          r"stepped down|stood down|retired|was sacked|was ousted|was forced out)\s+as\s+(.{3,100})$",
                          re.IGNORECASE)
_OTHERS = re.compile(r"^\s+and\s+(?:other|fellow)\s+(?:senior\s+)?((?:cabinet |government |labour |tory |"
                     r"conservative )?(?:ministers|mps|senators|peers|cabinet colleagues))\b", re.IGNORECASE)
_GOVERNMENT = re.compile(r"^['’]s?\s+(?:own\s+|new\s+|former\s+|previous\s+|first\s+|second\s+)?"
                         r"(?:government|administration|cabinet)\b")
_SUFFIX = re.compile(r"^\s+(MP|MEP|MSP|TD)\b")
_TITLE_IN_NAME = re.compile(r"^((?:Crown\s+)?Prince|Princess|Lord\s+Justices?|Justices?|President|King|Queen|"
                            r"General|Senator|MP|MEP|MSP|Pope)\s+(?=[A-Z])")
# A name that is a title itself: "the Queen", "the Pope".
_NAME_IS_TITLE = re.compile(r"^(?:Queen|King|Pope|Emperor|Sultan|Emir)$")
# "Culture, Media and Sport Secretary": a department's name with a comma in it.
_COMMA_DEPARTMENT = re.compile(r"\b(Culture|Environment),\s+(Media|Food)\b", re.IGNORECASE)
# "members David Davis, Oliver Letwin and Tim Yeo": the names of a list before this one.
_NAMES_BEFORE = re.compile(r"(?:(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*\s*(?:,\s*|\s+and\s+|\s*&\s*))+$")
# "Harold Wilson's Labour Party": the party he leads.
_PARTY_OF = re.compile(r"^['’]s?\s+(?:own\s+)?((?:new\s+)?(?:Labour|Conservative|Tory|Liberal Democrat|Lib Dem|"
                       r"Democratic|Republican|Socialist|Communist|[A-Z][\w-]*)\s+[Pp]arty)\b(?!\s+(?:membership|"
                       r"card|colleagues?|members?|branch|association|office|constituency|activists?|donors?))")
# "has agreed to take the Bank of Israel job": an office by its post.
_TAKES_POST = re.compile(r"\b(?:take|takes|took|taking|offered|given|appointed to|named to|nominated for|"
                         r"nominated to|accepted|accept)\s+the\s+((?:[A-Z][\w'’.-]*\s+|of\s+|the\s+){1,6})"
                         r"(?:job|post|role|position)\b")
_COMMITTEE_OF = re.compile(r"^(?:the\s+)?chair(?:man|woman|person)?\s+of\s+the\s+([\w ,'’-]{3,60}?)\s+"
                           r"(?:select\s+)?committee\b", re.IGNORECASE)
_ARTICLES = re.compile(r"(?:^|\s)(?:the|a|an|his|her|its|their|country's|nation's|kingdom's|state's|party's|"
                       r"government's)(?=\s|$)", re.IGNORECASE)
_NOT_SHOWN = re.compile(r"(?:^|\s)(?:former|ex-?|then|one-time|onetime|erstwhile|outgoing|late|retired|sacked|"
                        r"ousted|deposed|new|incoming|top|leading|prominent|veteran|influential|powerful|"
                        r"long-serving|embattled|beleaguered|disgraced|popular|fellow)(?=\s|$|-)-?", re.IGNORECASE)


# --- reading a title and what qualifies it ---------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _country_words(text: str) -> tuple[str, str] | None:
    """The country a qualifier names (a country or demonym, also in two or three words: "North Korean", "Saudi
    Arabia's") as ``(code, words as written)``, or None."""
    words = re.findall(r"[A-Za-z][\w.'’-]*", text)
    for n in (3, 2, 1):
        for i in range(len(words) - n, -1, -1):
            chunk = " ".join(words[i:i + n])
            if not chunk[:1].isupper():
                continue
            bare = re.sub(r"['’]s?$", "", chunk)
            if bare.lower() in ("un", "who", "eu", "european", "fed", "federal", "state", "national", "union"):
                continue
            if places.is_territory(bare) and _names_country(bare):
                code = places.place_country(bare)
                if code and len(code) == 2 and code not in ("eu", "un"):
                    inside = i > 0 and words[i - 1].lower() in ("of", "for")      # "Bank of England"
                    return code, "" if inside and text.strip()[:1].isupper() else chunk
    return None


_COUNTRY_WORDS = frozenset(("us", "u.s.", "usa", "uk", "u.k.", "britain", "america", "american", "dutch", "swiss",
                            "greek", "welsh", "scottish", "english", "irish", "french", "british", "filipino", "thai",
                            "danish", "swedish", "finnish", "norwegian", "polish", "spanish", "portuguese", "emirati",
                            "icelandic", "cypriot", "maltese", "kuwaiti", "peruvian", "turkish", "turkmen", "serb",
                            "croat", "slovak", "czech", "uae", "dprk", "eu"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=4096)
def _names_country(word: str) -> bool:
    """Tell whether a word names a country or its people as written ("China", "Chinese", "North Korean", "US"), not
    a name the gazetteer only resolves loosely ("Marsh" is no Marshall Islands)."""
    low = _fold(word)
    if low in _COUNTRY_WORDS:
        return True
    # imported on first use, for start-up speed (as in watchlists.places)
    from rigour.territories import lookup_territory

    terr = lookup_territory(low)
    if terr is None:
        return False
    names = {_fold(terr.name), _fold(getattr(terr, "full_name", "") or "")}
    if low in names:
        return True
    demonym = re.search(r"(?:ese|ian|an|ish|i|ic|ch|ean|ine|er|ot|ite|ese)$", low) and len(low) >= 4
    return bool(demonym and any(n[:3] == low[:3] for n in names if n))


def _country(text: str) -> str | None:
    found = _country_words(text)
    return found[0] if found else None


def _as_written(title: str) -> bool:
    """Abbreviations and some words are titles only as written: "MP" and "Speaker" are, "mp" and "speaker" not."""
    low = " ".join(title.split()).lower()
    if low in _AS_WRITTEN:
        return title.strip() in (_AS_WRITTEN[low], _AS_WRITTEN[low].rstrip("s"))
    if low in _CAPITALISED:
        return title[:1].isupper()
    return True


def _category(title: str, qualifier: str, tail: str, country: str | None) -> str | None:
    """The category of ``title`` as qualified (the words before it, an "of ..." tail after), or None when that
    makes no public function."""
    low = " ".join(title.lower().split())
    kind = _TITLES.get(low)
    if kind is None or kind == _NONE or not _as_written(title):
        return None
    if low in ("justice", "justices") and qualifier.strip() and not re.search(
            r"(?:court|associate|chief|former|senior|appeal)$", qualifier.strip(), re.IGNORECASE):
        return None
    context = f"{qualifier} {tail}"
    shadow = re.search(r"\b(?:shadow|opposition)\b", qualifier, re.IGNORECASE)
    if _NOT_PUBLIC.search(qualifier) and kind in (_GENERIC, AMBASSADOR, PARLIAMENT, MINISTER, _SECRETARY):
        return None
    if kind == _SECRETARY:
        words = " ".join(w for w in qualifier.split() if not _FORMER.fullmatch(" " + w))
        if shadow and _DEPARTMENTS.search(words):
            return PARTY
        if re.match(r"\s+of\s+(?!state\b)", tail, re.IGNORECASE):
            return None                         # "Welsh secretary of the British Medical Association"
        return MINISTER if _DEPARTMENTS.search(words) or re.match(r"\s+of state\b", tail, re.IGNORECASE) else None
    if kind == _CHANCELLOR:
        if shadow:
            return PARTY
        if country in ("de", "at"):
            return HEAD_OF_GOVERNMENT
        if re.search(r"\b(?:university|college|school|duchy)\b", context, re.IGNORECASE):
            return None
        return MINISTER
    if kind == _COMMITTEE:
        # A select committee is named after a department, or is one of the Commons' own.
        subject = " ".join(w for w in qualifier.split() if not _PARTIES.fullmatch(w))
        return PARLIAMENT if (_DEPARTMENTS.search(subject) or re.search(
            r"\b(?:select|public accounts|environmental audit|liaison|intelligence and security|standards and "
            r"privileges|commons|lords|parliamentary|constitutional affairs|home affairs|foreign affairs|treasury)\b",
            subject, re.IGNORECASE)) else None
    if kind == _GENERIC:
        if _NOT_PUBLIC.search(tail) and not _STATE_ENTERPRISES.search(tail):
            return None
        return _generic(low, title, qualifier, tail, context, country)
    if kind == MINISTER and shadow:
        return PARTY
    if kind == PARLIAMENT and low in ("representative",) and not (country or _PARTIES.search(qualifier)):
        return None
    return kind


def _generic(low: str, title: str, qualifier: str, tail: str, context: str, country: str | None) -> str | None:
    if _CENTRAL_BANKS.search(context) and not _CENTRAL_BANKS_CASED.fullmatch(context.strip()) or \
            _CENTRAL_BANKS_CASED.search(context):
        return CENTRAL_BANK
    if _INTERNATIONAL.search(context) or _INTERNATIONAL_CASED.search(context):
        return INTERNATIONAL if low not in ("member", "board member", "spokesman", "spokeswoman", "spokesperson") \
            else None
    if _STATE_ENTERPRISES.search(context):
        return STATE_ENTERPRISE if low in ("chief executive", "chief", "head", "boss", "ceo", "managing director",
                                           "director general", "director-general", "chairman", "chairwoman",
                                           "chairperson", "chair", "president", "board member") else None
    if low in ("president", "vice president", "vice-president") and re.search(
            r"\b(?:democrat|democratic|republican|gop)\b", qualifier, re.IGNORECASE):
        return HEAD_OF_STATE if title[:1].isupper() else None     # "Republican President George Bush"
    if _PARTIES.search(qualifier) or re.search(r"\bparty\b", tail, re.IGNORECASE):
        return None if low in ("vice president", "vice-president", "governor", "deputy governor",
                               "member", "board member", "commander", "commissioner", "chief of staff", "head",
                               "boss") else PARTY
    if _MILITARY_ORGS.search(context) and low in ("chief", "head", "commander", "chief of staff"):
        return MILITARY
    if low in ("election coordinator", "election co-ordinator", "election chief", "elections chief") \
            and not re.search(r"[A-Z]", _ARTICLES.sub(" ", qualifier)):
        return PARTY                            # a campaign's election chief is a party's
    if low in ("president", "vice president", "vice-president", "leader"):
        # "US President", "Venezuelan president", "President" alone; not "Toyota president" nor "union leader".
        rest = qualifier
        found = _country_words(qualifier) or _country_words(tail)
        if found and not (places.is_country(re.sub(r"['’]s?$", "", found[1] or "")) or found[0] in ("ps", "tw")):
            return None                         # "leader of Essex County Council": a region is no state
        if found and found[1]:
            rest = rest.replace(found[1], " ")
        rest = _NOT_SHOWN.sub(" ", _ARTICLES.sub(" ", rest))
        tail_rest = tail.replace(found[1], " ") if found and found[1] else tail
        if re.search(r"[A-Z]", rest) or re.search(r"[A-Z]", re.sub(r"\b(?:of|the)\b", "", tail_rest)):
            return None
        if country:
            return HEAD_OF_STATE
        if low != "leader" and title[:1].isupper() and not qualifier.strip():
            return HEAD_OF_STATE
    return None


def _shown(qualifier: str, title: str, tail: str) -> tuple[str, bool]:
    """The function as shown: the title with the qualifier's words that are not its country, its article or a word
    such as "former", and an "of/for ..." tail that is not a country; and whether it is a former one."""
    former = bool(_FORMER.search(" " + qualifier))
    found = _country_words(qualifier)
    q = qualifier.replace(found[1], " ") if found and found[1] else qualifier
    q = " ".join(_NOT_SHOWN.sub(" ", _ARTICLES.sub(" ", q)).replace(",", " ").split())
    shown = " ".join(f"{q} {title}".split())
    tail = " ".join(tail.split())
    if tail and (not _country(tail) or re.match(r"to\b", tail)):
        shown = f"{shown} {tail}"
    shown = shown[:1].upper() + shown[1:]
    return (f"former {shown}" if former else shown), former


# Capitalised words that start a sentence or clause and never qualify a title.
_NOT_QUALIFIER = frozenset((
    "But And However Meanwhile Earlier Later Now When While Also In On At As For With After Before Last This That "
    "Yesterday Today Tonight If Although Though Since Under By From To Of Both Neither Even Only So Yet It He She "
    "They We I His Her Their Its Our According Asked Speaking Writing Instead Despite Following Among Including "
    "Unlike Like Where Why How What Who Which Whose There Here Next Then Once Mr Mrs Ms Dr Sir Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday January February March April June July August September October "
    "November December").split())
# Departments whose names hold "and": "Work and Pensions Secretary", "Trade and Industry Secretary".
_AND_DEPARTMENTS = ("work and pensions", "trade and industry", "education and skills", "health and human services",
                    "media and sport", "food and rural affairs", "education and employment",
                    "housing and urban development", "transport and local government", "culture and sport",
                    "science and technology")


def _qualifier(text: str) -> str:
    """The words right before a title that qualify it ("US", "China's", "Tory shadow", "the then")."""
    tokens = _TOKEN.findall(text)
    taken: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        low = tok.lower().replace("’", "'")
        if len(taken) >= 7 or low in ("the", "a", "an", "his", "her", "their", "its"):
            break
        if low == "and":
            pair = f"{tokens[i - 1] if i else ''} and {taken[-1] if taken else ''}".lower()
            if any(pair.endswith(d) or d.startswith(pair) or pair in d for d in _AND_DEPARTMENTS):
                taken.append(tok)
                continue
            break
        if tok in _NOT_QUALIFIER:
            break
        if tok[:1].isupper() or low in _QUALIFIER_WORDS or re.fullmatch(r"ex-\w+", low) or tok == "&":
            taken.append(tok)
            continue
        break
    while taken and taken[-1].lower() in ("and", "of", "&"):
        taken.pop()
    if taken and taken[0].lower() in ("of", "and", "&"):
        return ""                               # "the government of Chancellor X": no qualifier of the title
    return " ".join(reversed(taken))


def _read(title: str, qualifier: str, tail: str = "", country: str | None = None) -> Function | None:
    # An ambassador "to China" is the sending state's: the receiving state is not the function's country.
    to = re.match(r"\s+to\b", tail)
    country = _country(qualifier) or (None if to else _country(tail)) or country
    cat = _category(title, qualifier, tail, country)
    if cat is None:
        return None
    if country is None and (_UK_OFFICES.search(f"{qualifier} {title}")
                            or cat in (PARTY, PARLIAMENT) and _UK.search(qualifier)):
        country = "gb"
    shown, former = _shown(qualifier, title, tail)
    return Function(shown, cat, country, former)


def _phrase(phrase: str, country: str | None = None) -> Function | None:
    """A function from a phrase holding a title with its qualifier and an "of ..." tail: "the Prime Minister of
    China", "Labour MP for West Ham", "vice president of the European Commission"."""
    phrase = phrase.strip()
    committee = _COMMITTEE_OF.match(phrase)
    if committee:
        return _read("committee chairman", committee.group(1))
    for m in _TITLE.finditer(phrase):
        before = phrase[:m.start()].strip()
        bare = re.sub(r"^(?:the|a|an|his|her|its|their)(?:\s+|$)", "", before, flags=re.IGNORECASE)
        if bare and _qualifier(bare) != " ".join(_TOKEN.findall(bare)):
            continue                            # the title is not the head of the phrase ("a barrister")
        tail_m = _TAIL.match(phrase[m.end():])
        tail = tail_m.group(0) if tail_m else ""
        rest = phrase[m.end() + len(tail):].strip(" ,.")
        if rest and not re.match(r"^(?:and|also)\b", rest, re.IGNORECASE):
            continue                            # more words after the title: it is not what the phrase is
        found = _read(m.group(0), bare, tail, country)
        if found:
            return found
    return None


def _before(left: str) -> Function | None:
    """A title right before the name: "US President", "Tory leader", "Chancellor", "Argentine Economic Minister,";
    or before a list of names the name closes: "senior shadow cabinet members David Davis, Oliver Letwin and"."""
    left = _COMMA_DEPARTMENT.sub(r"\1 \2", left)
    m = _TITLE_AT_END.search(left)
    if not m:
        portfolio = _PORTFOLIO_AFTER.search(left)
        if portfolio and _TITLE_AT_END.search(left[:portfolio.start()]):
            m = _TITLE_AT_END.search(left[:portfolio.start()])
            found = _read(m.group(0).strip(" ,"), _qualifier(left[:m.start()]))
            if found:
                return Function(f"{found.title} {' '.join(portfolio.group(0).split()).rstrip(',')}", found.category,
                                found.country, found.former)
            return None
        of = _TITLE_OF_BEFORE.search(left)
        if of:
            return _read(of.group(1), _qualifier(left[:of.start()]), " " + of.group(2))
    if not m:
        head = left
        for _ in range(6):                      # strip the names before this one, nearest first
            sep = re.search(r"(?:,|\s+and|\s*&)\s*$", head)
            if not sep:
                return None
            words = head[:sep.start()].split(" ")
            for k in range(1, min(4, len(words)) + 1):
                if not all(w[:1].isupper() for w in words[-k:]):
                    break
                rest = " ".join(words[:-k]) + " "
                m = _TITLE_AT_END.search(rest)
                if m:
                    break
            if m:
                if not re.search(r"(?:s|S|ren)\s*,?\s*$", m.group(0)):
                    return None                 # only a plural title heads a list: "members", "MPs", "Justices"
                left = rest
                break
            if not words[-1][:1].isupper():
                return None
            head = " ".join(words[:-1]) + " "
            if not re.search(r"[A-Z][\w'’.-]*\s*$", head) and not re.search(r"(?:,|\s+and|\s*&)\s*$", head):
                return None
        else:
            return None
    return _read(m.group(0).strip(" ,"), _qualifier(left[:m.start()]))


def _after(right: str) -> Function | None:
    """A title in apposition after the name: ", the Lord Chief Justice,", ", Labour MP for West Ham", " MP"."""
    m = _SUFFIX.match(right)
    if m:
        return Function(m.group(1), PARLIAMENT, None)
    m = re.match(r"^\s*(?:,|\s[-–—])\s+(?:\d{1,3},\s+)?(?:(?:the|a|an|now|currently|then|also|himself|herself|"
                 r"who is|who was|"
                 r"who has been|who became|who is now|who was then)\s+)*", right, re.IGNORECASE)
    if not m:
        return None
    return _phrase(_until_end(right[m.end():]))


def _until_end(text: str) -> str:
    """The phrase up to where it ends (a comma, a verb, a conjunction); "of/for/to ..." stays in it."""
    stop = _END_OF_PHRASE.search(text)
    return (text[:stop.start()] if stop else text)[:160]


def _relative(left: str, right: str) -> Function | None:
    """A stated relative or close associate of a PEP: "X, son of former Prime Minister Y"; "President Y's son X"."""
    m = _REL_AFTER.match(right)
    if m:
        target = m.group(2)
        found = _titled_name(target) or _phrase(_until_end(target))
        if found and found.category != RELATIVE:
            return Function(f"{m.group(1).lower()} of {found.title}", RELATIVE, found.country, False)
    m = _REL_BEFORE.match(left.strip())
    if m:
        words = m.group(1).split()
        for k in (1, 2, 3):                     # the PEP's name: its last one to three words
            if len(words) <= k or not all(w[:1].isupper() for w in words[-k:]):
                break
            head, _weak = _strip_honorifics(" ".join(words[:-k]) + " ")
            found = _before(head) if head.strip() else None
            if found and found.category != RELATIVE:
                return Function(f"{m.group(2).lower()} of {found.title}", RELATIVE, found.country, False)
    return None


def _titled_name(text: str) -> Function | None:
    """The function of "former Prime Minister Margaret Thatcher, who..." (a title, then a name)."""
    for m in re.finditer(r"(?<=\s)[A-Z][\w'’.-]+", text[:120]):
        head, _weak = _strip_honorifics(text[:m.start()])
        found = _before(head) if head.strip() else None
        if found:
            return found
    return None


def _predicate(phrase: str) -> Function | None:
    """A function said of the person in a predicate: "became president", "was appointed ambassador to Spain"; a bare
    "president" there is a state's."""
    found = _phrase(phrase)
    if found is None and re.fullmatch(r"\s*(?:the\s+)?(?:country's\s+)?president(?:\s+of\s+[A-Z][\w ]+)?\s*",
                                      phrase, re.IGNORECASE):
        tail = re.search(r"of\s+([A-Z][\w ]+)", phrase)
        country = _country(tail.group(1)) if tail else None
        if tail and not country:
            return None                         # "president of Sony"
        return Function("President", HEAD_OF_STATE, country)
    return found


def _strip_honorifics(left: str) -> tuple[str, str | None]:
    """The text before a name without personal honorifics ("Mr", "Dr", "Sir"), and a peer's or royal title found
    there ("Lord", "Baroness", "Prince") as a weak reading (``"peer"``, ``"royal"``)."""
    weak = None
    for _ in range(3):
        m = _HONORIFICS.search(left)
        if m:
            left = left[:m.start()]
            continue
        m = _PEER.search(left)
        if m:
            weak = weak or "peer"
            left = left[:m.start()]
            continue
        m = _ROYAL.search(left) or (_ROYAL_LOWER.search(left) if _country(left[-40:]) else None)
        if m:
            weak = weak or "royal"
            left = left[:m.start()]
            continue
        break
    return left, weak


def find(excerpt: str, start: int, end: int) -> Function | None:
    """Return the public function the sentence ``excerpt`` gives the person named at ``excerpt[start:end]``, or None
    (see the module's docstring for where it is read, in order)."""
    if not excerpt or not 0 <= start < end <= len(excerpt):
        return None
    name, left, right = excerpt[start:end], excerpt[:start], excerpt[end:]
    if _NAME_IS_TITLE.match(name):
        return Function(name, HEAD_OF_STATE, None)
    weak = None
    m = _TITLE_IN_NAME.match(name)              # a title the extractor left in the name: "Crown Prince Abdullah"
    if m:
        if re.match(r"(?:Crown\s+)?Prince|Princess", m.group(1)):
            weak = "royal"
        else:
            left = f"{left}{m.group(1)} "
    else:
        # "Lib Dem MP Lembit Opik": a qualified title before the name inside the entity's name.
        inside = re.match(r"^((?:[A-Z][\w'’-]*\s+){0,3}(?:MP|MEP|MSP|Senator|Minister|Secretary))\s+(?=[A-Z])", name)
        if inside and _before(inside.group(1) + " "):
            left = f"{left}{inside.group(1)} "
    left, weak_left = _strip_honorifics(left)
    weak = weak_left or weak
    found = _before(left) if left.strip() else None
    if found is not None:
        of = _OF_COUNTRY.match(right)             # "President Nestor Kirchner of Argentina"
        if of and found.country is None and _country(of.group(1)):
            found = Function(found.title, found.category, _country(of.group(1)), found.former)
    if found is None and _SUCCEED.search(left):
        m = _AS.match(right)
        if m:
            found = _phrase(_until_end(m.group(1)))
    if found is None:
        found = _relative(left, right)
    if found is None:
        found = _after(right)
    if found is None:
        m = _PREDICATE.match(right)
        if m:
            found = _predicate(_until_end(m.group(1)))
    if found is None:
        m = _LEFT_OFFICE.match(right)
        if m:
            found = _predicate(_until_end(m.group(1)))
            if found and not found.former:
                found = Function(f"former {found.title}", found.category, found.country, True)
    if found is None:
        m = _WHEN_HE_WAS.search(right[:160])
        # "Mr Howard ... when he was Home Secretary": nobody else named in between.
        if m and not re.search(r"\b(?:Mr|Mrs|Ms|Dr)\s+[A-Z]|[A-Z][a-z]+\s+[A-Z][a-z]+|\b(?:he|she|his|her|him|they|"
                               r"their|them)\b", right[:m.start()].replace(" them ", " ")):
            found = _predicate(_until_end(right[m.end():]))
            if found and not found.former:
                found = Function(f"former {found.title}", found.category, found.country, True)
    if found is None:
        m = _OTHERS.match(right)
        if m:
            found = _phrase(m.group(1))
    if found is None and _GOVERNMENT.match(right):
        found = Function("Head of government", HEAD_OF_GOVERNMENT, None)
    if found is None:
        m = _PARTY_OF.match(right)
        if m and _PARTIES.search(m.group(1)):
            found = Function(f"{m.group(1)} leader", PARTY, "gb" if _UK.search(m.group(1)) else None)
    if found is None:
        m = _TAKES_POST.search(right[:160])
        if m and not re.search(r"\b(?:said|says|told|and|but|which|while|after|because|when)\b",
                               right[:m.start()]):
            post = " ".join(m.group(1).split())
            if _CENTRAL_BANKS.search(post):
                found = _read("governor", post)
            else:
                found = _phrase(post)
    if found is None and weak == "peer":
        found = Function("Member of the House of Lords", PARLIAMENT, "gb")
    if found is None and weak == "royal":
        found = Function("Member of a royal family", RELATIVE, _country(excerpt[max(0, start - 40):start]))
    return found


def describe(title: str, country: str | None = None) -> Function:
    """The function a stored title stands for (``find``'s ``title`` and ``country``), its category read again from
    the title: what the watchlist keeps of a mention's function is its title and country."""
    former = title.lower().startswith("former ")
    bare = title[7:] if former else title
    fixed = {"Member of the House of Lords": PARLIAMENT, "Member of a royal family": RELATIVE,
             "Head of government": HEAD_OF_GOVERNMENT, "MP": PARLIAMENT, "MEP": PARLIAMENT, "MSP": PARLIAMENT,
             "TD": PARLIAMENT}
    if bare in fixed:
        return Function(title, fixed[bare], country, former)
    if re.match(rf"^{_REL}\s+of\s", bare, re.IGNORECASE):
        return Function(title, RELATIVE, country, former)
    found = _phrase(bare, country) or _phrase(bare[:1].lower() + bare[1:], country)
    return Function(title, found.category if found else MINISTER, country, former)
