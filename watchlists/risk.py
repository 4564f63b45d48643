"""The adverse-media risk taxonomy and the classifier that reads a mention's sentence against it.

Categories follow FATF's designated categories of offences (Glossary of the FATF Recommendations), plus
sanctions and proliferation, which screening teams track beside them, and a generic "legal action" for enforcement
that names no offence. Each category has trigger patterns; the words that matched are kept as evidence. The stage
says how far the matter has gone where the sentence says so: allegation < investigation < charge < conviction;
"cleared" when the sentence reports an acquittal or dropped charges.

French sentences (``lang="fr"``) are read against the French vocabulary of ``watchlists.risk_fr``: the same
categories, stages and weights, in French words.

Pure functions over text: no spaCy, no storage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from watchlists import risk_fr

# Sanctioned jurisdictions: helping them is itself a sanctions red flag.
_SANCTIONED = r"(?:North Korea|N\. Korea|DPRK|Pyongyang|Iran|Tehran|Syria|Damascus|Cuba|Crimea|Donetsk|Luhansk)"
_HELP = (r"(?:assist|support|help|suppl(?:y|ie|ying)|financ|fund|arm|equip|ship|smuggl|export|sell|sold|trad|carr(?:y|ie)|"
         r"deliver|transport)"
         r"\w*")

# name -> (label, weight, FATF reference, patterns)
TAXONOMY: dict[str, tuple[str, float, str, list[str]]] = {
    "sanctions": ("Sanctions and sanctions evasion", 1.0, "FATF R.6 / R.7 (targeted financial sanctions)", [
        r"\bsanction(?:s|ed)?\b", r"\bblacklist(?:ed|ing)?\b", r"\bembargo(?:es|ed)?\b",
        r"\basset(?:s)? freez\w*|\bfr(?:oze|eeze|ozen) (?:its |his |her |their )?(?:assets|accounts|funds)\b",
        r"\btarget\w* (?:the )?(?:finances|assets|accounts|funds) of\b", r"\bSDN list\b", r"\bOFAC\b",
        r"\bdesignated (?:by|under|as)\b", r"\bevad\w* sanctions\b|\bsanctions[- ](?:evasion|busting|violations?)\b",
        rf"\b{_HELP}(?:\s+\S+){{0,3}}\s+{_SANCTIONED}\b", rf"\b{_SANCTIONED}'s?(?:\s+\S+){{0,2}}\s+(?:regime|military)\b",
    ]),
    "proliferation": ("Proliferation of weapons of mass destruction", 1.0, "FATF R.7 (proliferation financing)", [
        r"\bnuclear (?:weapons?|program(?:me)?s?|tests?|warheads?|bombs?|ambitions|arsenal|materials?|technology)\b",
        r"\bweapons? of mass destruction\b|\bWMD\b", r"\bballistic missiles?\b|\bmissile program(?:me)?s?\b",
        r"\bproliferat\w+\b", r"\bdual[- ]use\b", r"\buranium enrichment\b|\benrich\w* uranium\b",
        r"\bchemical weapons?\b|\bbiological weapons?\b", r"\bhydrogen bomb\b", r"\bweapons? program(?:me)?s?\b",
    ]),
    "terrorism": ("Terrorism and terrorist financing", 1.0, "FATF designated category: terrorism", [
        r"\bterror\w*\b", r"\bextremis[tm]s?\b", r"\bjihadis[tm]s?\b", r"\bIslamic State\b|\bISIS\b|\bal-Qaeda\b",
        r"\bsuicide bomb\w*\b", r"\bmilitant group\b",
        # armed groups outside the law: "Hamas guerrillas", "the Red Brigade guerrilla group", "Hutu militias"
        # (not "guerrilla marketing", "a guerrilla film-maker")
        r"\bguerr?ill?as\b|\bguerr?ill?a (?:group|army|movement|leader|fighters?|commanders?|war|attacks?|"
        r"organi[sz]ation|forces?|campaign|insurgency)\b", r"\bmilitias?\b",
    ]),
    "money_laundering": ("Money laundering", 0.9, "FATF designated category: money laundering", [
        r"\blaunder\w*\b", r"\bshell compan(?:y|ies)\b", r"\bdirty money\b", r"\billicit (?:funds|flows|money)\b",
        r"\bproceeds of crime\b",
    ]),
    "fraud": ("Fraud", 0.8, "FATF designated category: fraud", [
        r"\bfraud\w*\b", r"\bscam(?:s|med|mers?|ming)?\b", r"\bPonzi\b", r"\bembezzl\w+\b", r"\bmisappropriat\w+\b", r"\bforg(?:ery|ed)\b",
        r"\bfalse accounting\b", r"\bcooked the books\b", r"\bmisled investors\b|\bmisleading investors\b",
        r"\bdeceiv\w+\b|\bdeception\b", r"\bcounterfeit\w*\b", r"\b(?:false|fake|fictitious|sham) invoic\w*\b",
    ]),
    "bribery_corruption": ("Bribery and corruption", 0.8, "FATF designated category: corruption and bribery", [
        r"\bbrib\w+\b", r"\bcorrupt\w*\b", r"\bkickbacks?\b", r"\bgraft\b", r"\bbackhanders?\b",
        r"\babuse of (?:office|power)\b", r"\bslush fund\b",
    ]),
    "tax_crime": ("Tax crimes", 0.7, "FATF designated category: tax crimes", [
        r"\btax (?:evasion|fraud|crimes?|dodg\w*)\b", r"\bevad\w+ (?:\w+ )?tax(?:es)?\b", r"\bVAT fraud\b",
        r"\bundeclared (?:income|assets|accounts)\b",
    ]),
    "organised_crime": ("Organised crime and racketeering", 0.9, "FATF designated category: organised crime", [
        r"\borgani[sz]ed crime\b", r"\bmafia\b", r"\bcartels?\b", r"\bracketeer\w*\b", r"\bextort\w*\b",
        r"\bcrime (?:family|syndicate|boss)\b", r"\bgangs?\b",
    ]),
    "cybercrime": ("Cybercrime", 0.7, "FATF: computer-related crime", [
        r"\bhack(?:ed|ers?|ing)\b", r"\bransomware\b", r"\bcyber[- ]?(?:attacks?|crime|criminals?|theft)\b",
        r"\bphishing\b", r"\bidentity theft\b", r"\bmalware\b",
    ]),
    "trafficking": ("Trafficking and smuggling", 0.9,
                    "FATF designated categories: trafficking in human beings, drugs, arms; smuggling", [
        r"\btraffick\w*\b", r"\bsmuggl\w+\b", r"\bnarcotics?\b", r"\bdrug (?:lord|dealing|dealer|ring)s?\b",
        r"\bcocaine\b|\bheroin\b", r"\bforced labou?r\b|\bslavery\b",
    ]),
    "market_abuse": ("Insider trading and market manipulation", 0.7, "FATF designated category: market abuse", [
        r"\binsider (?:trading|dealing)\b", r"\bmarket manipulation\b", r"\bmanipulat\w+ (?:the )?(?:market|prices?|shares)\b",
        r"\bprice[- ]fixing\b", r"\bcartel\b",
    ]),
    "violent_crime": ("Murder, kidnapping and other violent crime", 0.8, "FATF designated categories", [
        r"\bmurder\w*\b", r"\bkidnap\w*\b", r"\bhostages?\b", r"\bassassinat\w+\b", r"\bwar crimes?\b",
        r"\bcrimes against humanity\b", r"\btorture\w*\b",
        # the noun, not the verb ("killing the ball", "killing off demand", "slaying techniques" in a game)
        r"\bkillings\b|\b(?:the|a|double|triple|contract|revenge|honou?r|gangland|mafia|mob|brutal|unlawful) killing\b",
        r"\bslayings\b|\b(?:the|a|double|triple|brutal) slaying\b",
    ]),
    "environmental_crime": ("Environmental crime", 0.7, "FATF designated category: environmental crime", [
        r"\billegal (?:logging|mining|fishing|dumping)\b", r"\bwildlife (?:crime|trafficking)\b",
        r"\bpollut\w+ (?:illegally|offence)\b",
    ]),
    "legal_action": ("Legal or regulatory action (offence not named)", 0.5, "enforcement without a named offence", [
        r"\blegal action\b", r"\blawsuits?\b", r"\bsued\b", r"\bfined\b|\b(?:financial|civil|record|cash|regulatory|criminal) penalt(?:y|ies)\b", r"\bindict\w+\b",
        r"\bcharged\b|\bcharges against\b", r"\barrest\w*\b", r"\bconvicted\b|\bpleaded guilty\b|\bjailed\b|\bbehind bars\b",
        r"\bprosecut\w+\b", r"\bcriminal (?:investigation|probe|case)\b", r"\braid(?:ed|s)\b", r"\bwanted by\b",
    ]),
}

STAGES: list[tuple[str, int, float, str]] = [
    # name, rank, weight of the mention, pattern
    ("cleared", 0, 0.2, r"\bacquit\w+\b|\bcleared of\b|\bcharges (?:were |have been )?dropped\b|\bexonerat\w+\b"
                        r"|\bnot guilty\b|\bcase (?:was )?dismissed\b"),
    ("allegation", 1, 0.6, r"\balleg\w+\b|\baccus\w+\b|\bsuspect\w*\b|\bsuspicion\b|\breportedly\b|\bclaims? that\b"
                           r"|\bis said to\b|\bare said to\b|\breports that\b"),
    ("investigation", 2, 0.75, r"\binvestigat\w+\b|\bprobe[sd]?\b|\binquiry\b|\braid(?:ed|s)\b|\bunder scrutiny\b"
                               r"|\btarget\w* (?:the )?(?:finances|assets|accounts)\b|\bsubpoena\w*\b"),
    ("charge", 3, 0.9, r"\bcharged\b|\bcharges\b|\bindict\w+\b|\bprosecut\w+\b|\blegal action\b|\bsued\b"
                       r"|\blawsuits?\b|\barrest\w*\b|\bextradit\w+\b|\bon trial\b|\bstand trial\b"),
    ("conviction", 4, 1.0, r"\bconvicted\b|\bfound guilty\b|\bpleaded guilty\b|\bsentenced\b|\bjailed\b"
                           r"|\bimprisoned\b|\bfined\b|\bsanctioned\b|\bdesignated by\b|\bblacklisted\b"),
]



def _literal_prefixes(seq) -> set[str] | None:
    """Return the lower-cased literal starts of everything a parsed pattern can match, or None if one is empty."""
    # imported on first use, for start-up speed: re internals, needed only to build the trigger index
    from re import (
        _constants as c,  # the parser's own node names (stable since Python 3.11)
    )

    out = {""}
    for op, av in seq:
        if op is c.AT and out == {""}:
            continue  # a leading \b
        if op is c.LITERAL:
            out = {p + chr(av).lower() for p in out}
            continue
        if op in (c.SUBPATTERN, c.BRANCH):
            branches = [av[3]] if op is c.SUBPATTERN else av[1]
            subs = [_literal_prefixes(b) for b in branches]
            if all(sub is not None for sub in subs):
                out = {p + s for p in out for sub in subs for s in sub}
        break
    return None if "" in out else out


def _prefilter(patterns: list[tuple[str, str]]):
    """Index the trigger patterns by the literal letters their matches start with.

    Returns one regex that finds, at every word start of a lower-cased text, the longest known start; a map from
    each start to the patterns that can match there (those of its own prefixes too); and the patterns with no
    literal start, which are always tried.
    """
    # imported on first use, for start-up speed: re internals, needed only to build the trigger index
    from re import _parser

    by_prefix: dict[str, list[int]] = {}
    rest: list[int] = []
    for i, (_name, p) in enumerate(patterns):
        found = _literal_prefixes(_parser.parse(p, re.IGNORECASE))
        if found is None:
            rest.append(i)
        else:
            for prefix in found:
                by_prefix.setdefault(prefix, []).append(i)
    closure = {pre: sorted({i for q, ids in by_prefix.items() if pre.startswith(q) for i in ids})
               for pre in by_prefix}
    alternation = "|".join(sorted(map(re.escape, by_prefix), key=len, reverse=True))
    return re.compile(rf"\b(?=({alternation}))"), closure, rest


_PATTERNS = [(name, p) for name, (_l, _w, _r, pats) in TAXONOMY.items() for p in pats]
_PATTERNS_COMPILED = [(name, re.compile(p, re.IGNORECASE)) for name, p in _PATTERNS]
# One cheap pass finds which trigger patterns can match a text at all (most sentences hold none): a literal
# alternation of the triggers' first letters over the lower-cased text; only those patterns then run.
_ANY_PREFIX, _BY_PREFIX, _ANY_REST = _prefilter(_PATTERNS)


def _candidate_patterns(text: str, lang: str = "en") -> list[int]:
    if lang == "fr":
        return _FR.candidates(text)
    ids = {i for m in _ANY_PREFIX.finditer(text.lower()) for i in _BY_PREFIX[m.group(1)]}
    ids.update(i for i in _ANY_REST if _PATTERNS_COMPILED[i][1].search(text))
    return sorted(ids)


_STAGES = [(n, r, w, re.compile(p, re.IGNORECASE)) for n, r, w, p in STAGES]
# "sanctions on North Korea", "legal action against X": the words after name the target.
_TARGETED = re.compile(r"\b(?:sanctions?|action|measures|charges|case|embargo)\s+(?:on|against)\s+", re.IGNORECASE)
# The entity reports or acts rather than being accused: "according to X", "X said", "X imposed sanctions".
_REPORTING_BEFORE = re.compile(r"\b(?:according to|a report (?:in|by)|reported by|told|quoted by|cited by|"
                               r"said in|statement (?:from|by))\s*(?:the\s+)?"
                               r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Lord|Lady|Sir|Dame)\.?\s+)?$", re.IGNORECASE)
# Outside experts commenting: "Analysts at X said ...", "economists from X": X comments on the matter; the adverse
# words of the following sentences are about the matter, not X (the parse can still find X a subject of its own
# sentence: "analysts at X were charged").
_COMMENTATOR_BEFORE = re.compile(r"\b(?:analysts?|economists?|strategists?|experts?|researchers?|commentators?|"
                                 r"observers?|traders?|brokers?|dealers?)\s+(?:at|from|with)\s+(?:the\s+)?$",
                                 re.IGNORECASE)
_LEAD = (r"^(?:'s?\s+\w+\s+)?(?:\s*(?:,[^,]{0,60},|and [A-Z][\w.\- ]{0,40}?|administration|officials?|statement|"
         r"spokes(?:man|woman|person)|\(\w+\))\s*)*\s*(?:has |have |had |will |would |also |reportedly |is reportedly |"
         r"are reportedly |is |are )*")
# Verbs of enforcement: the entity acts against someone else. Not when followed by with/of/for ("X charged with
# fraud" is the reduced passive: X is the accused).
_ENFORCER = re.compile(
    _LEAD + r"(?:suspects?|suspected that|believes? that|alleges|alleged that|condemn\w*|discuss\w*|agreed|agree|"
    r"imposed|imposes|imposing|impose|sanctioned|charged|indicted|fined|prosecut\w+|investigat\w+|"
    r"prepar\w+ to|urged|called for|vowed|pledged|raided|arrested|froze|seized|target\w*|designated|blacklisted|"
    r"banned|ruled|accused)\b(?!\s+(?:with|of|for|over|in connection|in the)\b)"
)
# Verbs of speech: the entity may be a witness or the accused denying; it halves the signal, no more.
_SPEAKER = re.compile(_LEAD + r"(?:said|says|say|told|reported|reports|announc\w*|stated|confirmed|"
                      r"wrote|according)\b")


@dataclass
class RiskSignal:
    """What a mention's sentence says about the entity: categories, trigger words, stage, how adverse."""

    categories: list[str] = field(default_factory=list)
    triggers: list[dict] = field(default_factory=list)  # {"category", "words", "in": "sentence"|"context"}
    stage: str | None = None
    stage_words: list[str] = field(default_factory=list)
    adverse: float = 0.0
    reporting: bool = False


# Words about fighting a crime, or about the law against it, are no allegation: "anti-terror laws", "the fight
# against money laundering", "the Prevention of Terrorism Bill", "fraud prevention".
_POLICY_BEFORE = re.compile(r"(?:\banti-?|\bcounter-?|\bfight(?:ing)? against |\bwar on |\bcombat(?:ing)? |"
                            r"\btackl(?:e|ing) |\bcrack(?:ing)?[- ]?down on |\bprevent(?:ing|ion of)? |"
                            r"\bprotect\w* (?:\w+ )?(?:from|against) |\bvictims? of )$", re.IGNORECASE)
_POLICY_AFTER = re.compile(r"^[\w-]*\s+(?:laws?|legislation|bill|act|powers|rules|regulations?|directive|"
                           r"prevention|experts?|policy|policies|strategy|measures|awareness|reporting|detection|risks?|"
                           r"checks?|controls?|training)\b", re.IGNORECASE)


def policy_before(text: str) -> bool:
    """Whether ``text`` ends with words about fighting a crime ("anti-", "the fight against ")."""
    return bool(_POLICY_BEFORE.search(text))


@lru_cache(maxsize=4096)
def _find_cached(text: str, lang: str = "en") -> tuple[tuple[str, str, int], ...]:
    found = []
    compiled, before, after = (_FR.compiled, _FR.policy_before, _FR.policy_after) if lang == "fr" else \
        (_PATTERNS_COMPILED, _POLICY_BEFORE, _POLICY_AFTER)
    for i in _candidate_patterns(text, lang):
        name, pat = compiled[i]
        for m in pat.finditer(text):
            if before.search(text[max(0, m.start() - 30):m.start()]) \
                    or after.match(text[m.end():m.end() + 30]):
                continue
            found.append((name, m.group(0), m.start()))
    return tuple(found)


def _find(text: str, where: str, lang: str = "en") -> list[dict]:
    """Return the trigger words of every category in a text (cached: a sentence often names several entities)."""
    return [{"category": c, "words": w, "in": where, "at": at} for c, w, at in _find_cached(text, lang)]


def trigger_offsets(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """The (offset, length) of every trigger word of the taxonomy in a text."""
    return [(at, len(words)) for _c, words, at in _find_cached(text, lang)]


def in_sentence_only(triggers: list[dict]) -> bool:
    """Whether every trigger is in the sentence itself (none from the following sentences)."""
    return all(t["in"] == "sentence" for t in triggers)


def reporting_role(sentence: str, start: int, end: int, lang: str = "en") -> str | None:
    """Say how the entity at ``sentence[start:end]`` takes part: "source", "enforcer", "speaker" or None."""
    reporting, enforcer, speaker = (_FR.reporting_before, _FR.enforcer, _FR.speaker) if lang == "fr" else \
        (_REPORTING_BEFORE, _ENFORCER, _SPEAKER)
    if reporting.search(sentence[:start]) or (lang == "en" and _COMMENTATOR_BEFORE.search(sentence[:start])):
        return "source"
    after = sentence[end:]
    if enforcer.match(after):
        return "enforcer"
    if speaker.match(after):
        return "speaker"
    return None


def classify(sentence: str, start: int, end: int, context: str = "", lang: str = "en",
             about: bool | None = None, context_about: bool | None = None) -> RiskSignal:
    """Read the sentence naming an entity (and any following sentences that refer back to it).

    ``lang`` is the article's language: "en", or "fr" for the French vocabulary (``watchlists.risk_fr``).
    ``about`` is what the dependency parse says (``subjects.about``): False when the sentence's adverse words are
    about someone else (the entity comments, prosecutes, defends, or is only another name's employer), which
    leaves the categories as context but no adverse weight; None when no parse was made (French articles are not
    parsed). ``context_about`` says the same of the following sentences, read through the words that refer back
    ("the firm", "He"): False drops their adverse words ("The firm said the regulator had fined its rival").
    """
    sig = RiskSignal()
    triggers = _find(sentence, "sentence", lang)
    targeted = _FR.targeted if lang == "fr" else _TARGETED
    # A targeted trigger ("sanctions on North Korea") that the entity is not the target of says nothing about it.
    kept = []
    for t in triggers:
        m = targeted.search(sentence, t["at"], t["at"] + len(t["words"]) + 30)
        if m and m.start() == t["at"] and not (m.end() <= start < m.end() + 80):
            continue
        kept.append(t)
    # unless the parse found them about this entity and they are all the sentence says ("X's board rejected the
    # charges against their chairman": the entity comes before the target)
    triggers = kept if kept or not about else triggers
    if context and context_about is not False:
        triggers += _find(context, "context", lang)
    if not triggers:
        return sig
    role = reporting_role(sentence, start, end, lang)
    if about:
        role = None  # the parse found the words about this entity ("BNP leader X arrested", "X denied fraud")
    sig.reporting = role in ("source", "enforcer")
    seen: dict[str, dict] = {}
    for t in triggers:
        if t["category"] not in seen:
            seen[t["category"]] = t
    cats = list(seen)
    # A named offence makes the generic "legal action" redundant.
    if len(cats) > 1 and "legal_action" in cats:
        cats.remove("legal_action")
    sig.categories = cats
    sig.triggers = [{k: v for k, v in t.items() if k != "at"} for t in triggers]
    best_rank, best_weight = -1, 0.5
    text = sentence + " " + context
    for name, rank, weight, pat in (_FR.stages if lang == "fr" else _STAGES):
        words = [m.group(0) for m in pat.finditer(text)]
        if words and (rank > best_rank or name == "cleared"):
            sig.stage, sig.stage_words, best_rank, best_weight = name, words, rank, weight
            if name == "cleared":
                break
    if sig.reporting or (about is False and in_sentence_only(triggers)):
        sig.adverse = 0.0
        return sig
    base = max(TAXONOMY[c][1] for c in cats)
    in_sentence = any(t["in"] == "sentence" and t["category"] in cats for t in triggers)
    sig.adverse = round(base * best_weight * (1.0 if in_sentence else 0.8) * (0.5 if role == "speaker" else 1.0), 4)
    return sig


class _Vocabulary:
    """The compiled vocabulary of another language than English: the same categories, stages and weights."""

    def __init__(self, patterns: dict[str, list[str]], stages, targeted: str, reporting_before: str, enforcer: str,
                 speaker: str, policy_before: str, policy_after: str):
        unknown = set(patterns) - set(TAXONOMY)
        assert not unknown, f"categories not in TAXONOMY: {unknown}"
        pairs = [(name, p) for name, pats in patterns.items() for p in pats]
        self.compiled = [(name, re.compile(p, re.IGNORECASE)) for name, p in pairs]
        self.any_prefix, self.by_prefix, self.any_rest = _prefilter(pairs)
        self.stages = [(n, r, w, re.compile(p, re.IGNORECASE)) for n, r, w, p in stages]
        assert [(n, r, w) for n, r, w, _ in stages] == [(n, r, w) for n, r, w, _ in STAGES]
        self.targeted = re.compile(targeted, re.IGNORECASE)
        self.reporting_before = re.compile(reporting_before, re.IGNORECASE)
        self.enforcer = re.compile(enforcer)
        self.speaker = re.compile(speaker)
        self.policy_before = re.compile(policy_before, re.IGNORECASE)
        self.policy_after = re.compile(policy_after, re.IGNORECASE)

    def candidates(self, text: str) -> list[int]:
        ids = {i for m in self.any_prefix.finditer(text.lower()) for i in self.by_prefix[m.group(1)]}
        ids.update(i for i in self.any_rest if self.compiled[i][1].search(text))
        return sorted(ids)


_FR = _Vocabulary(risk_fr.PATTERNS, risk_fr.STAGES, risk_fr.TARGETED, risk_fr.REPORTING_BEFORE, risk_fr.ENFORCER,
                  risk_fr.SPEAKER, risk_fr.POLICY_BEFORE, risk_fr.POLICY_AFTER)


# --- official lists ------------------------------------------------------------------------------------------------

# Programs of official lists that name an offence beside the sanctions themselves (OFAC's program tags); an entry's
# risk categories are "sanctions" and those of its programs.
PROGRAM_CATEGORIES: dict[str, str] = {
    "SDGT": "terrorism", "SDT": "terrorism", "FTO": "terrorism", "NPWMD": "proliferation", "IFSR": "proliferation",
    "SDNT": "trafficking", "SDNTK": "trafficking", "ILLICIT-DRUGS-EO14059": "trafficking",
    "TCO": "organised_crime", "CYBER": "cybercrime", "CYBER2": "cybercrime", "GLOMAG": "bribery_corruption",
}
# A list marks an entry as a politically exposed person with one of these programs (a PEP list, not a sanctions
# list): such an entry is a PEP, not a sanctioned party.
PEP_PROGRAMS = frozenset({"PEP"})


def is_pep_entry(programs) -> bool:
    """Tell whether a list entry's programs mark it as a PEP (and as nothing else)."""
    progs = {str(p).strip().upper() for p in programs or () if str(p).strip()}
    return bool(progs) and progs <= PEP_PROGRAMS


def list_categories(programs) -> list[str]:
    """The risk categories of an entry of an official list: "sanctions", then those its programs name (SDGT ->
    terrorism, NPWMD and the DPRK programs -> proliferation, SDNTK -> trafficking...); none for a PEP entry."""
    if is_pep_entry(programs):
        return []
    out = ["sanctions"]
    for p in programs or ():
        code = str(p).strip().upper()
        cat = PROGRAM_CATEGORIES.get(code) or ("proliferation" if code.startswith("DPRK") else None)
        if cat and cat not in out:
            out.append(cat)
    return out
