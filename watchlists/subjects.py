"""Whom are a sentence's adverse words about? Read it from the dependency parse.

A sentence such as "Analysts at Barclays said the fraud at Orion Foods was serious" names two organisations and one
adverse word; the word is about Orion Foods, not Barclays. The rules follow the parse from each trigger word of the
risk taxonomy to the names it governs:

- an enforcement verb ("charged", "fined", "arrested", "sued", "accused") is about its passive subject ("X was
  fined"), its object ("Y sued X", "accused X of fraud"), or the noun a reduced clause hangs on ("X, accused of
  fraud"; "jailed tycoon X"); its active subject and its "by" agent act against someone else;
- an offence verb ("defraud", "launder", "bribe", "murder") is about its subject;
- an offence noun ("fraud", "corruption") is about its owner or modifier ("WorldCom's fraud", "the WorldCom fraud"),
  and "at/in/by X" ("the fraud at X"); an enforcement noun ("charges", "lawsuit", "sanctions") is about "against X"
  or "on X", while its owner brings it ("the SEC's case", "a Yukos lawsuit"), except "X's arrest", "X's trial";
- otherwise the word climbs to the verb that holds it: the one who "faces", "denies", "admits", "pleaded guilty
  to", "is on trial for" it is the subject; who "brings", "files", "imposes", "seeks" it is not;
- prosecutors who "said", "alleged", "blamed" make the words about what they said ("Prosecutors said X ...");
- the subject passes along "and", appositions, "who/which" and unnamed staff ("managers from X were charged");
- victims are not subjects ("X was held hostage", "terrorism against X"), nor critics of an enforcement ("hit out at
  the government for the arrests"), speakers on a topic ("spoke at a meeting on kidnapping") or the outlet quoting
  someone; accomplices, co-defendants "with" a subject and the one a penalty is asked "for" are.

Names reached by none of these (the speaker who comments, the lawyer, the regulator, a person's employer named as a
title, a victim) are not what the words are about. Pure functions over a parsed spaCy ``Doc``.
"""
from __future__ import annotations

import re

from watchlists import risk

# Word starts (lower case) of verbs whose object or passive subject is the one acted against.
_ENFORCE_VERBS = ("sue", "sued", "suing", "charg", "fine", "fined", "fining", "arrest", "accus", "indict", "jail",
                  "convict", "sanction", "prosecut", "raid", "blacklist", "sentenc", "investigat", "penalis",
                  "penaliz", "target", "freez", "froze", "imprison", "detain", "extradit", "blame", "alleg",
                  "implicat", "suspect", "ban", "punish", "question", "tried", "try", "probe", "behead", "execut",
                  "wanted")  # "wanted by the police": the agent is the enforcer
# Verbs whose subject brings an enforcement noun against someone else ("the SEC filed charges against X").
_ACTOR_VERBS = ("threat", "call", "back", "urg", "demand", "want", "recommend", "welcom", "refer", "pass", "transfer", "combat", "fight", "tackl",
                "expose", "solve", "tighten", "reduc", "prevent", "abolish", "introduc", "allow", "present",
                "monitor", "warn", "defend", "end", "keep", "kept", "lead", "led", "drag", "trigger", "co-ordinat",
                "coordinat", "approv", "replac", "reform", "extend",
                # who catches or stops offences: "X caught 273 phishing e-mails", "X blocked the scam"
                "catch", "caught", "block", "detect", "intercept", "filter", "thwart", "foil")
# Verbs that bring or use a thing: their subject brings an enforcement noun against someone else ("the SEC filed
# charges", "taking legal action"), but commits an offence noun ("denies using drugs", "launched a terror attack").
_BRING_VERBS = ("bring", "brought", "file", "launch", "tak", "took", "seek", "sought", "impos", "press", "level",
                "lodg", "pursu", "issu", "lift", "remov", "scrap", "win", "won", "use", "using")
# Verbs of speech and thought: their subject comments; the words they report are about others.
_SPEECH_VERBS = ("say", "said", "says", "tell", "told", "claim", "argu", "contend", "warn", "believ", "add",
                 "report", "announc", "confirm", "stat", "insist", "wr", "suggest", "note", "explain", "think",
                 "thought", "describ", "assert", "maintain", "comment", "quot", "reveal", "accept", "admit",
                 "testif", "deni", "deny", "allege", "alleg", "blam", "hope", "fear", "expect", "ask", "agree",
                 "disput", "stress", "rul", "find", "found", "speak", "spoke", "talk", "lectur")
# Nouns of enforcement: brought by their owner against someone else.
_ENFORCE_NOUNS = ("lawsuit", "suit", "action", "charge", "case", "prosecution", "sanction", "penalt", "fine",
                  "investigation", "probe", "inquiry", "embargo", "indictment", "raid", "complaint", "proceeding")
# Nouns of an accusation: their owner makes it ("Conte's allegations"); "allegations against X" are about X.
_ACCUSATION_NOUNS = ("alleg", "accusation", "claim")
# Nouns whose owner undergoes them ("Scholl's arrest", "Mr Ebbers' trial"), and crimes whose owner is the victim.
_UNDERGONE_NOUNS = ("arrest", "trial", "conviction", "sentenc", "extradition", "detention", "imprisonment",
                    "punishment")
_VICTIM_NOUNS = ("murder", "killing", "slaying", "assassinat", "kidnap", "abduct")
# People and papers that enforce: "prosecutors said X ...", "the lawsuit names X".
_ENFORCER_PEOPLE = ("prosecut", "lawsuit", "suit", "indictment", "complaint")
# Nouns for the doer of an offence: "Soham murderer Ian Huntley", "convicted fraudster X".
_AGENT_NOUNS = ("murderer", "fraudster", "terrorist", "extremist", "smuggler", "trafficker", "hacker", "jihadist",
                "rapist", "paedophile", "pedophile", "bomber",
                "kidnapper", "launderer", "counterfeiter", "scammer", "gangster", "racketeer", "embezzler", "gang",
                "techno-gang", "cartel", "mafia", "guerrilla", "guerilla", "militia")
# Criminal groups known by a common name: named alone they are the doers ("the Mafia", "the Camorra").
_CRIME_GROUPS = {"mafia", "camorra", "ndrangheta", "'ndrangheta", "yakuza", "cosa nostra", "sacra corona unita",
                 "triads", "the triad", "the mob"}  # the whole name, with "the" when it stands before
# ("Triad" or "Mob" alone may be a company's name; "the Mob", "the triads" are crime groups)
# Verbs of sending, arming or paying doers: their subject is behind the offence ("X sent suicide bombers").
_SPONSOR_VERBS = ("send", "sent", "dispatch", "deploy", "train", "recruit", "arm", "fund", "financ", "pay", "paid",
                  "hire", "harbour", "harbor", "shelter", "command", "sponsor", "back", "support", "equip")
# Heads of a doer named by its offence: "a crime boss", "the drug lords", "a mob boss".
_BOSS_NOUNS = ("boss", "lord", "baron", "kingpin", "godfather")
_OFFENCE_KINDS = ("crime", "criminal", "drug", "mob", "mafia", "gang", "terror", "cartel")
# "X, itself a target of a lawsuit", "X remain defendants in the lawsuit": the noun stands for X.
_TARGET_NOUNS = ("target", "subject", "defendant", "focus", "centre", "center", "accused", "suspect")
# Verbs whose subject undergoes or owns the adverse noun: "X faces charges", "X settled the lawsuit".
_UNDERGO_VERBS = ("admit", "deni", "deny", "commit", "plead", "face", "settl", "pay", "paid", "lose", "lost",
                  "confess", "avoid", "escap", "risk")
# Nouns of a case made against someone: "evidence against X", "its case against X".
_CASE_NOUNS = ("evidence", "case", "testimon", "charge", "alleg", "claim", "lawsuit", "suit", "action", "proceeding",
               "complaint", "sanction", "indictment", "allegation")
# Verbs of accusation: what they report is about the subject of the clause they report ("alleged X charged ...").
_ACCUSE_VERBS = ("alleg", "accus", "blame", "claim")
# Prepositions of time and circumstance, which the climb from an adverse noun does not cross.
_CIRCUMSTANCE = {"after", "before", "during", "since", "following", "despite", "amid", "like", "than", "without",
                 "from", "until", "as"}
# Nouns of talk and rules about a matter: the climb stops there ("claims about weapons", "arrest plans").
_DISCOURSE_NOUNS = ("claim", "report", "statement", "plan", "proposal", "law", "legislation", "film", "movie",
                    "role", "documentar", "book", "novel", "programme", "program", "campaign", "dossier", "rule",
                    "speech", "warning", "question", "issue", "debate", "power", "bill", "measure", "strateg",
                    "policy", "policies", "fear", "threat", "edition", "drama", "order", "offer",
                    # gatherings about a matter: "spoke at a meeting on kidnapping"
                    "meeting", "conference", "seminar", "summit", "symposium", "workshop", "forum", "lecture",
                    "discussion", "panel")
# Verbs of resisting an enforcement: their subject is the one it is against ("X will fight the charges").
_RESIST_VERBS = ("fight", "contest", "challeng", "appeal", "resist", "dispute", "deni", "deny", "face")
# Unnamed staff standing for their organisation: "managers from X were charged", "six WorldCom executives".
_STAFF = ("manager", "executive", "employee", "official", "director", "staff", "member", "worker", "banker",
          "trader", "officer", "management", "board", "boss", "leadership", "one",
          # and a group's people in the street: "protesters from the X campaign group were arrested"
          "protester", "activist", "campaigner", "militant")
# Words of the stage of a matter, read beside the taxonomy's triggers once a sentence has one: "X's trial",
# "his alleged second in command Y", "X, accused of ...".
_STAGE_WORDS = re.compile(r"\b(?:accus\w+|punishments?|alleg\w+|suspect\w*|investigat\w+|prob(?:e|ed|es)|inquiry|trial|"
                          r"tried|sentenced|sentencing|extradit\w+|indict\w+|charges|prison|jail|action|detain\w*|detention|questioning)\b", re.IGNORECASE)
_RELATIVE = {"who", "which", "that", "whom"}
_COPULAS = {"is", "was", "are", "were", "be", "been", "'s"}
# Participles naming the leader of a party: "its predecessor, led by X", "a firm run by X".
_LEADER_VERBS = {"led", "headed", "run", "chaired", "controlled", "owned", "founded"}
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "itself", "himself",
             "herself", "themselves"}
# Pronouns resolved to the main clause's subject: those of organisations only ("Deutsche Bank ... it is being
# sued"); "he" and "she" too often point to another person of the sentence.
_ORG_PRONOUNS = {"it", "its", "itself"}
_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "himself", "herself"}
# Verbs of criticism: their subject criticises; whom they criticise did the offence ("condemned X for fraud") but
# not the enforcement ("hit out at the government for the arrests": the government arrested, others were arrested).
_CRITIC_VERBS = ("criticis", "criticiz", "condemn", "denounc", "protest", "slam", "blast", "lambast", "hit", "attack",
                 "castigat", "deplor", "decri", "censur", "rebuk", "berat", "chastis")
# Penalties asked or imposed "for X": "asked for 15 years in jail for X", "sought a ban for X".
_PENALTY_WORDS = ("jail", "prison", "sentenc", "penalt", "fine", "ban", "punish", "term")
_REQUEST_VERBS = ("ask", "seek", "sought", "demand", "call", "want", "recommend", "impos", "hand", "give", "gave",
                  "order", "propos", "request", "urg")
# Nouns of a course of offences whose owner is the doer: "the Khmer Rouge rule of terror", "X's record of fraud";
# not talk or enforcement ("X's allegations of fraud", "its investigation of fraud").
_COURSE_NOUNS = ("rule", "reign", "regime", "record", "history", "network", "web", "culture", "pattern", "spree",
                 "empire", "ring", "years", "decade")
# Nouns of a partner in an offence: "X, an accomplice of convicted rapist Y": X is the doer too.
_ACCOMPLICE_NOUNS = ("accomplice", "co-conspirator", "conspirator", "henchm", "co-defendant", "codefendant",
                     "partner in crime", "associate", "lieutenant")
# Verbs whose object is the one the adverse words are about: "lawyers defending X against fraud charges".
_DEFEND_VERBS = ("defend", "represent", "clear", "acquit")
_CLAUSE = {"ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "conj", "ROOT", "csubj", "parataxis"}
_NOMINAL_ARGS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "compound", "poss", "npadvmod",
                 "dative", "oprd", "nmod"}


def _starts(word: str, starts: tuple[str, ...]) -> bool:
    return word.lower().startswith(starts)


def _children(tok, *deps: str) -> list:
    return [c for c in tok.children if c.dep_ in deps]


def _is_verb(tok) -> bool:
    """A clause head: without a tagger, told by its dependency label or its subject/object children."""
    if tok.dep_ in ("ROOT", "ccomp", "xcomp", "advcl", "relcl", "pcomp", "csubj", "parataxis"):
        return True
    if tok.dep_ == "acl":
        return True
    return any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "auxpass", "aux", "agent") for c in tok.children)


def _subject(verb) -> list:
    """The doer of a clause: its subject, or for a subject-less clause that of the clause it hangs on."""
    seen = 0
    while verb is not None and seen < 6:
        seen += 1
        subj = _children(verb, "nsubj", "nsubjpass", "csubj")
        if subj:
            return subj
        if verb.dep_ == "acl" and verb.head.lower_ == "order" and verb.head.head.lower_ == "in":
            verb = verb.head.head.head  # "X has to apologise in order to avoid a ban": the doer of the clause
            continue
        if verb.dep_ == "acl" and _children(verb.head, "poss") and not verb.text.lower().endswith("ed"):
            return _children(verb.head, "poss")  # "his decision to commit fraud"
        if verb.dep_ in ("acl", "relcl") or (verb.dep_ == "amod"):
            return [verb.head]  # "X, accused of fraud", "jailed tycoon X"
        if verb.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acomp") and verb.head != verb:
            # ("acomp": "he was willing to commit fraud", the doer is the subject of "was")
            up = verb.head if verb.dep_ != "pcomp" else verb.head.head
            if verb.dep_ == "pcomp" and up.dep_ == "dobj" and _starts(up.head.text, _UNDERGO_VERBS):
                return _subject(up.head)  # "X agreed to pay a fine for bribing an official": who pays it
            if verb.dep_ == "pcomp" and _starts(up.text, _ENFORCE_VERBS):
                # "accusing X of producing a fraudulent prospectus": the doer is the one accused
                return _children(up, "nsubjpass") or _children(up, "dobj") or _subject(up)
            verb = up
            continue
        return []
    return []


_CURRENCIES = ("$", "£", "€", "¥", "dollar", "euro", "pound", "franc", "yen", "rupee", "rouble", "ruble", "yuan",
               "peso", "krona", "krone", "mark", "lira", "rand", "won", "real", "shekel", "dinar", "riyal", "dirham")


_MAGNITUDES = {"m", "bn", "mn", "million", "billion", "k", "thousand", "trillion"}


def _is_amount(tok) -> bool:
    """An amount of money as an object ("fined 1,000 francs", "fined $2m"), not the one fined."""
    return tok.like_num or _starts(tok.text, _CURRENCIES) or any(
        _starts(c.text, _CURRENCIES) for c in tok.children) or (tok.lower_ in _MAGNITUDES and any(
            c.like_num for c in tok.children)) or any(
        _starts(c.text, _CURRENCIES) for n in _children(tok, "nummod") for c in n.children)  # "$1.5m": $ on 1.5


def _partners(verb) -> list:
    """Who a passive clause names beside its subject with "with" or "along with": "X was named in the lawsuit with
    Y", "X was arrested and beheaded with her brother, Y"."""
    verbs = [verb] + _children(verb, "conj")
    # the parser often hangs the "with" on the noun of the case ("named in [the lawsuit with Y]")
    heads = verbs + [n for v in verbs for p in _children(v, "prep") if p.lower_ in ("in", "on")
                     for n in _children(p, "pobj")]
    return [t for v in heads for p in _children(v, "prep") if p.lower_ in ("with", "along")
            for t in ([p] + _children(p, "prep")) for t in _children(t, "pobj")]


def _about_verb(verb, enforce: bool) -> list:
    """Whom a verb carrying adverse meaning is about."""
    passive = _children(verb, "nsubjpass")
    if not enforce and (passive or _children(verb, "auxpass")):
        # an offence verb in the passive: its subject is the victim ("X was kidnapped"); its agent did it
        return [t for a in _children(verb, "agent") for t in _children(a, "pobj")]
    if passive:
        # "X was arrested along with Y", "X was arrested and beheaded with her brother, Y"; "Five people have been
        # arrested including X's wife Y"
        return passive + _partners(verb) + [t for p in _children(verb, "prep") if p.lower_ == "including"
                                            for t in _children(p, "pobj")]
    if enforce:
        if _children(verb, "auxpass") and verb.dep_ in ("relcl", "acl"):
            return [verb.head]  # "the first chief executive to be tried for ..."
        if _children(verb, "auxpass") and verb.dep_ == "conj":
            return _subject(verb.head)  # "X was previously a distributor, but was suspended"
        if _children(verb, "auxpass") and verb.dep_ in ("pcomp", "advcl", "xcomp"):
            return _subject(verb)  # "X is furious after being fined", "X faces a ban after being charged"
        if _children(verb, "auxpass"):
            # a passive whose subject the parser lost ("Vivendi and its chief were each fined"): the names before
            # it; or after it, hung on its auxiliary ("Also arrested were X and members of her family")
            return [t for c in verb.children if c.i < verb.i and c.dep_ not in ("agent", "punct", "mark")
                    for t in c.subtree] + [t for a in _children(verb, "auxpass") if a.i > verb.i
                                           for t in _children(a, "attr", "nsubj")]
        subj = _children(verb, "nsubj")
        # (a name the parser made an object predicate is the object: "charged Orion Foods Pte. Ltd. and its former
        # director with fraud", where the legal form's full stops mislead it)
        obj = [t for t in _children(verb, "dobj", "dative", "oprd") if t.text[:1].isupper() or t.lower_ in _PRONOUNS]
        obj += [t for t in subj if t.i > verb.i]  # "sued Morgan Stanley" read as its subject
        if obj:
            return obj
        if subj and verb.text.lower().endswith("ed") and not _children(verb, "aux", "ccomp", "xcomp") and (
                verb.dep_ == "ROOT" and not [o for o in _children(verb, "dobj", "dative") if not _is_amount(o)]):
            return subj  # a headline's passive ("BNP leader Nick Griffin arrested", "X fined $1.5m for bribery")
        # not an amount ("fined 1,000 francs by the committee"): the one fined is elsewhere
        obj = [t for t in _children(verb, "dobj", "dative") if not _is_amount(t)]
        if obj:
            return obj
        if verb.dep_ == "conj" and not subj:
            return _about_verb(verb.head, True) or _subject(verb.head)  # "X was suspended and sued by Y"
        # a reduced passive: "X, charged with fraud", "Bernie Ebbers ... is on trial, accused of fraud"
        if verb.dep_ in ("acl", "amod") or (verb.dep_ in ("relcl",) and not _children(verb, "nsubj")):
            return [verb.head]
        if verb.dep_ == "advcl" and not _children(verb, "nsubj") and not verb.lower_.endswith("ing"):
            # "Accused of fraud, X resigned"; not "X sued Y, alleging that ...": the one alleging is the accuser
            return _subject(verb.head)
        if verb.dep_ == "pcomp" and verb.head.lower_ == "for" and _children(verb.head.head, "nsubjpass"):
            return _subject(verb.head.head)  # "X was taken in for questioning", "held for questioning"
        return []
    # an offence verb: its passive subject is the victim ("aid worker X, kidnapped in Iraq"); its agent did it
    held = verb.head if verb.dep_ in ("acl", "advcl") else None
    if held is not None and held.dep_ == "dobj" and _starts(held.head.lower_, _TAKE_VERBS):
        held = held.head  # "still holding engineer X, kidnapped in March": the participle on the one held
    if held is not None and _starts(held.lower_, _TAKE_VERBS) and verb.text.lower().endswith("ed") \
            and not _children(held, "nsubjpass", "auxpass"):
        return _subject(held)  # who holds the one kidnapped did it
    if _children(verb, "auxpass") or verb.dep_ in ("acl", "amod") and verb.text.lower().endswith("ed") \
            and not _children(verb, "nsubj"):  # (not a clause of its own: "allegations that the firm misled ...")
        return [t for a in _children(verb, "agent") for t in _children(a, "pobj")]
    return _subject(verb)


def _about_noun(noun, victim: bool = False) -> tuple[list, bool]:
    """Who an adverse noun is about by its own modifiers; and whether to climb to the verb that holds it.

    ``victim``: the noun heads a crime against a person ("the assassination attempt on X").
    """
    word = noun.text.lower()
    victim = victim or _starts(word, _VICTIM_NOUNS)
    found = []
    # owners that are names or pronouns ("WorldCom's", "his"), not "accounting fraud" or "an $11bn fraud"
    owners = [t for t in _children(noun, "poss", "compound", "nmod") if t.text[:1].isupper() or t.lower_ in _PRONOUNS]
    if _starts(word, _UNDERGONE_NOUNS):
        found += owners
        # "the arrest of X"; "One arrest was that of X"
        of_heads = [noun] + [a for a in _children(noun.head, "attr") if a.lower_ in ("that", "those")
                             and noun.dep_ == "nsubj"]
        if noun.dep_ == "nsubj" and noun.head.lower_ in _COPULAS:
            # "One arrest was that of teenager X", "The first arrest was X": the name the copula equates with it
            found += [a for a in _children(noun.head, "attr") if a.text[:1].isupper()]
        found += [t for h in of_heads for p in _children(h, "prep") if p.lower_ == "of" for t in _children(p, "pobj")]
        # "before his arrest Mr X gave interviews": a person's pronoun stands for the main clause's subject
        # "the newspaper quoted X as saying after his arrest": the quoted one, not the one quoting
        # "the man was released after his arrest, the ICAC said": the subject of the clause that holds the noun,
        # not the speaker's
        root = noun.sent.root
        quoted = _children(root, "dobj") if _starts(root.lower_, ("quot",)) else []
        clause = next((a for a in noun.ancestors if _is_verb(a)), root)
        found += [s for o in owners if o.lower_ in _PRONOUNS
                  for s in (quoted or _children(clause, "nsubj", "nsubjpass")) if s.lower_ not in _PRONOUNS]
    elif _starts(word, _ENFORCE_NOUNS + _ACCUSATION_NOUNS):
        pass  # "the SEC's case", "a Yukos lawsuit", "Conte's allegations": the owner brings it
    elif _starts(word, _VICTIM_NOUNS):
        found += _children(noun, "compound")  # "the Manson murders"; "Stefan's murder" is about the victim
    else:
        found += owners  # "WorldCom's fraud", "the WorldCom fraud"
    preps = _children(noun, "prep")
    if noun.dep_ in ("dobj", "attr") and not preps:
        # a phrase right after the noun that the parser hung on the verb ("called the fraud at X a disgrace")
        preps = [c for c in noun.head.children if c.dep_ == "prep" and c.i == noun.right_edge.i + 1]
    for prep in preps:
        p = prep.text.lower()
        if victim and p in ("on", "of", "in", "at", "within"):
            continue  # "the assassination attempt on X", "the murder of X"; "killings in the Troubles" (when, where)
        offence = not _starts(word, _ENFORCE_NOUNS + _ACCUSATION_NOUNS + _UNDERGONE_NOUNS + _CASE_NOUNS)
        if p in ("against", "on") and offence:
            continue  # an offence "against X" or "on X" is done to X ("state terrorism against the Tamils")
        if p in ("against", "on") or (p in ("at", "in", "by", "within") and not _starts(word, _ENFORCE_NOUNS)):
            found += _children(prep, "pobj")
    return found, not found


def _climb(tok):
    """From a noun, go up through prepositions, objects and appositions to the clause head that holds it.

    Returns the clause head and "verb", or a noun that stands for the one the words are about and "noun" ("a
    target of a lawsuit"); None when the noun is no argument of a clause.
    """
    steps = 0
    while tok.dep_ in ("compound", "amod") and tok.head != tok:
        tok = tok.head  # "fraud charges": the phrase's head noun holds it
    start = tok
    while tok.dep_ in _NOMINAL_ARGS | {"prep", "amod", "acomp", "advmod", "agent"} and tok.head != tok:
        if tok.dep_ in ("nsubj", "nsubjpass", "compound", "poss"):
            return None  # the adverse noun is itself the subject or a modifier: its own modifiers said it all
        if tok.dep_ == "prep" and tok.lower_ in _CIRCUMSTANCE:
            return None  # "won contracts after the terror attacks": a time or circumstance, not an argument
        if tok != start and tok.dep_ != "prep" and _starts(tok.text, _DISCOURSE_NOUNS):
            return None  # "claims about Iraq's weapons", "the house arrest plans": talk about it, not it
        tok = tok.head
        steps += 1
        if steps > 8:
            return None
        if _starts(tok.text, _TARGET_NOUNS) and not (_is_verb(tok) and (tok.dep_ != "ROOT" or _children(
                tok, "nsubj", "nsubjpass", "dobj", "aux", "auxpass", "agent"))):
            # (a headline's noun the parser made its root: "X target of patent lawsuit")
            return tok, "noun"
        if tok.dep_ == "amod" and tok.head != tok:
            if tok.head.dep_ in ("pcomp", "xcomp", "advcl", "ccomp") and _is_verb(tok.head):
                return tok.head, "verb"  # "after testing positive for cocaine": the clause of the test
            return tok.head, "noun"  # "X 'aware' of WorldCom fraud", "people guilty of fraud"
        if _is_verb(tok):
            return tok, "verb"
    return (tok, "verb") if _is_verb(tok) else None


# Verbs of compelling: "the lawsuit seeks to force X to censor the music".
_COERCE_VERBS = ("force", "compel", "stop", "bar", "block", "prevent", "make", "order", "oblig")
# Verbs of doing an offence through others or by plan: their agent did it ("the killings were ordered by X"); not
# "uncovered by auditors", "investigated by the police".
_DOER_VERBS = ("order", "carri", "commit", "organis", "organiz", "mastermind", "plan", "orchestrat", "perpetrat",
               "fund", "financ", "direct", "run", "ran", "arrang", "instigat", "sponsor")
# Words of searching and seizing: the owner of the place or thing raided is what they are about ("raids on X's
# offices and Y's home", "police searched X's flat").
_RAID_WORDS = ("raid", "search", "seiz", "freez", "froze")


def _targets(doc, trig_tok) -> list:
    """Who the trigger word at ``trig_tok`` is about (before ``_spread``)."""
    found = _targets_of(doc, trig_tok)
    if _starts(trig_tok.text, _RAID_WORDS):
        things = [c for t in found if t.text[:1].islower() for c in [t] + _children(t, "conj")]
        found += [o for t in things for o in _children(t, "poss") if o.text[:1].isupper()]
    return found


def _targets_of(doc, trig_tok) -> list:
    word = trig_tok.text.lower()
    trigger = trig_tok
    if _starts(word, _ENFORCER_PEOPLE) and trig_tok.dep_ in ("nsubj", "compound", "poss", "amod"):
        # "Prosecutors said X ...", "Prosecution lawyers argued that X ...": about what they said or did to.
        head = trig_tok
        while head.dep_ in ("compound", "poss", "amod") and head.head != head:
            head = head.head
        if head.dep_ == "ROOT" and head != trig_tok:
            # "The lawsuit names X, Y and Z", read as one noun phrase: what follows is what it names; '"X misled
            # its customers," the lawsuit states', read the same way: the quoted claim is about its subject
            quoted = [t for c in _children(head, "ccomp") for t in _subject(c)] \
                if _starts(head.text, _SPEECH_VERBS + _ACCUSE_VERBS) else []
            return _children(head, "dobj", "appos", "attr", "conj") + quoted
        if head.dep_ == "pobj" and head.head.dep_ == "prep" and _starts(head.head.head.text, _SPEECH_VERBS):
            head = head.head  # "In the prosecution's opening statement, X told the court that Y ..."
        elif head.dep_ != "nsubj":
            return []
        verb = head.head
        # "Prosecutors charged X"; not "Prosecutors fear the CSI effect" (the object of a thought is its topic)
        topic = _starts(verb.text, _SPEECH_VERBS) and not _starts(verb.text, _ENFORCE_VERBS)
        out = [] if topic else _children(verb, "dobj")
        # "The lawsuit seeks to force X to ...", "Prosecutors want to jail X": whom the aim is done to
        out += [o for x in _children(verb, "xcomp") if _starts(x.text, _ENFORCE_VERBS + _COERCE_VERBS)
                for o in _children(x, "dobj")]
        for clause in _children(verb, "ccomp"):
            out += _subject(clause)
            # "We will present evidence that X knew ...": the clause of the evidence
            for case in _children(clause, "dobj"):
                if _starts(case.text, _CASE_NOUNS):
                    out += [t for c in _children(case, "acl", "ccomp") for t in _subject(c)]
        return out
    if _starts(word, _ENFORCER_PEOPLE) and trig_tok.dep_ not in ("pobj", "dobj", "nsubjpass"):
        return []
    if word.startswith("prosecution") and trig_tok.head.lower_ == "by" and trig_tok.head.head.lower_.startswith(
            "question"):
        return []  # "Questioned by the prosecution, Ms X said ...": a witness examined in court
    if word.startswith("suspect") and not word.endswith("ed") and trig_tok.dep_ in _NOMINAL_ARGS:
        # "suspects" as a noun are the people suspected: not the subject of the verb that holds them ("plans to
        # allow X to place terror suspects under house arrest")
        return [trig_tok]
    if word == "behind" and any(c.lower_ == "bars" for c in trig_tok.children):
        verb = trig_tok.head  # "put X behind bars", "X was put behind bars", "X is behind bars"
        return _children(verb, "dobj", "nsubjpass") or _subject(verb)
    in_jail = trig_tok.dep_ == "pobj" and trig_tok.head.lower_ in ("in", "to", "into")
    jail_term = trig_tok.dep_ == "compound" and _starts(trig_tok.head.lower_, ("term", "sentenc"))
    if word in ("prison", "jail") and not (in_jail or jail_term):
        return []  # "serve six years in prison", "sent to jail"; not "visited the prison"
    if word.startswith("hostage"):
        # the hostages are victims ("make X hostages to ...", "hostages including X"); only who takes or holds
        # them is what the word is about ("gunmen took 20 hostages", "X held them hostage")
        head = trig_tok.head
        if trig_tok.dep_ in ("dobj", "oprd", "advmod", "npadvmod", "xcomp") and _starts(head.lower_, _TAKE_VERBS):
            takers = [t for a in _children(head, "agent") for t in _children(a, "pobj")]
            if _children(head, "nsubjpass", "auxpass"):
                return takers  # "X was held hostage (by Y)": X is the victim, only the agent took him
            return _subject(head) + takers
        return []
    boss = _starts(word, _BOSS_NOUNS) and any(c.dep_ in ("compound", "amod") and _starts(c.lower_, _OFFENCE_KINDS)
                                              for c in trig_tok.children)  # "a crime boss", "the mob boss"
    if _starts(word, _AGENT_NOUNS) or boss:
        out = [trig_tok]  # "Soham murderer Ian Huntley", "a convicted fraudster, X"
        head = trig_tok
        while head.dep_ in ("compound", "amod") and head.head != head:
            head = head.head
            out.append(head)
        if head.dep_ == "oprd" and _children(head.head, "dobj"):
            out += _children(head.head, "dobj")  # "X called them suicide bombers": them, not X
        elif head.dep_ in ("attr", "oprd"):
            out += _subject(head.head)  # "X is a terrorist"
        elif head.dep_ == "dobj" and _starts(head.head.lower_, _SPONSOR_VERBS):
            out += _subject(head.head)  # "X have sent suicide bombers to ...", "X funded the militias"
        elif head.dep_ == "pobj" and head.head.lower_ in ("into", "as") and head.head.dep_ == "prep":
            out += _children(head.head.head, "dobj")  # "turned X into a crime boss", "described X as a terrorist"
        return out
    headline_noun = trig_tok.dep_ == "ROOT" and not word.endswith(("ed", "ing")) and not any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux", "auxpass", "agent", "ccomp", "xcomp", "dative", "prt")
        for c in trig_tok.children)  # "Criminal probe on Citigroup deals": a headline made of a noun phrase
    if _is_verb(trig_tok) and not headline_noun and trig_tok.dep_ not in ("pobj", "dobj", "nsubj", "nsubjpass",
                                                                          "compound", "poss"):
        if _starts(word, _SPEECH_VERBS) and not _starts(word, _ENFORCE_VERBS):
            return []
        out = _about_verb(trig_tok, _starts(word, _ENFORCE_VERBS))
        if _starts(word, _ACCUSE_VERBS):
            out += [t for c in _children(trig_tok, "ccomp") for t in _subject(c)]  # "The paper alleged X ..."
        return out
    if trig_tok.dep_ == "amod":
        if word.endswith("ed") and not _starts(word, _ENFORCE_VERBS + _FAKED):
            return []  # "murdered film-maker X": the victim; not "forged passports", "laundered money"
        if _starts(word, _ENFORCE_VERBS):
            head = trig_tok.head
            while head.dep_ == "compound" and head.head != head:
                head = head.head
            return [head]  # "jailed tycoon X"
        if _starts(trig_tok.head.text, _STAFF + _TARGET_NOUNS):
            return [trig_tok.head]  # "corrupt officials"
        trig_tok = trig_tok.head  # "a fraudulent prospectus", "false accounting entries": read the noun phrase
        word = trig_tok.text.lower()
    noun = trig_tok
    while noun.dep_ in ("compound", "amod") and noun.head != noun and noun.head.i > noun.i:
        noun = noun.head  # "fraud charges against X": the phrase's head noun says who
    if noun != trig_tok and _starts(noun.text, _DISCOURSE_NOUNS):
        return []  # "the house arrest plans", "fraud laws": talk about the matter, nobody's
    found = _about_noun(noun, _starts(word, _VICTIM_NOUNS))[0] if noun != trig_tok else []
    found += _about_noun(trig_tok)[0]
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and _starts(noun.head.head.lower_, _COURSE_NOUNS):
        # "the Khmer Rouge rule of terror", "X's record of fraud": the owner of the course of offences did them
        found += [t for t in _children(noun.head.head, "poss", "compound", "nmod")
                  if t.text[:1].isupper() or t.lower_ in _PRONOUNS]
    if noun != trig_tok and _starts(noun.text, _TARGET_NOUNS + _STAFF):
        return found + [noun]  # "terror suspects", "fraud suspects": the people are what the words are about
    if noun.dep_ == "nsubjpass" and _starts(noun.head.lower_, _DOER_VERBS) and not _starts(
            noun.text, _ENFORCE_NOUNS + _UNDERGONE_NOUNS + _CASE_NOUNS + _ACCUSATION_NOUNS):
        found += [t for a in _children(noun.head, "agent") for t in _children(a, "pobj")]  # "ordered by X"
    climbed = _climb(noun)
    if climbed is None:
        return found
    verb, kind = climbed
    vword = verb.text.lower()
    if kind == "noun":  # "X - itself a target of a lawsuit", "X remain defendants in the lawsuit"
        # a headline's "X target of patent lawsuit": the name the target noun is made of
        named = [t for t in _children(verb, "compound") if t.text[:1].isupper()]
        return found + [verb] + named + (_subject(verb.head) if verb.dep_ in ("attr", "oprd") else [])
    path = [t for t in noun.ancestors if t.i != verb.i and verb in t.ancestors] + [noun]  # noun up to the verb
    criticised = [t for t in _children(verb, "dobj") if t not in path] + [
        t for p in _children(verb, "prep") if p.lower_ == "at" for t in _children(p, "pobj")]
    if _starts(vword, _CRITIC_VERBS) and criticised and not _children(verb, "nsubjpass", "auxpass") \
            and not any(t.dep_ == "prep" and t.lower_ == "with" for t in path):
        # "X hit out at the government for the arrests", "X condemned Y for fraud": the critic is not what the
        # words are about; whom X criticises did an offence, but enforcement was done to others. Without someone
        # criticised ("X condemned the charges") the words may be about X himself: left to the rules below.
        if _starts(noun.text, _ENFORCE_NOUNS + _UNDERGONE_NOUNS + _ENFORCE_VERBS):
            return found
        return found + criticised
    if _starts(vword, _CRITIC_VERBS) and found and not _children(verb, "nsubjpass", "auxpass"):
        return found  # "X condemned the arrest of Y": Y (and "the charges against him" is about X through "him")
    if _starts(trigger.lower_, _PENALTY_WORDS) and _starts(vword, _REQUEST_VERBS):
        # "asked for 15 years in jail for X", "sought a jail term for X": the one the penalty is for
        fors = [p for h in [verb] + [t for t in path if t.dep_ != "prep"] for p in _children(h, "prep")
                if p.lower_ == "for" and p not in path]
        named = [t for p in fors for t in _children(p, "pobj") if t.text[:1].isupper() or t.lower_ in _PRONOUNS]
        if named:
            return found + named
    if _starts(noun.text, _ENFORCE_NOUNS + _UNDERGONE_NOUNS) and _starts(vword, _RESIST_VERBS):
        return found + _subject(verb)  # "X would fight the fraud charges", "X will appeal the fine"
    if _starts(vword, _DEFEND_VERBS):
        return found + _children(verb, "dobj")
    if _starts(vword, _ENFORCE_VERBS):
        return found + _about_verb(verb, True)  # "accused X of fraud", "X was charged with fraud"
    if _starts(vword, _UNDERGO_VERBS):
        return found + _subject(verb)  # "X admitted fraud", "X denies fraud"
    if _starts(vword, _BRING_VERBS) and _starts(noun.text, _ENFORCE_NOUNS + _ACCUSATION_NOUNS):
        # "Jones files Conte lawsuit": beside a named bringer, the name the noun is made of is its target
        named_bringer = any(t.text[:1].isupper() for t in _subject(verb))
        return found + (_children(noun, "compound") if named_bringer else [])
    faked_thing = trigger.dep_ == "amod" and _starts(trigger.lower_, _FAKED) and trigger.lower_.endswith("ed")
    if _starts(vword, _BRING_VERBS) and (noun == trigger or faked_thing and noun == trigger.head) \
            and noun.dep_ == "dobj":
        return found + _subject(verb)  # an offence as the object: "X denies using drugs", "took cocaine"
    if _starts(vword, _ACTOR_VERBS + _BRING_VERBS) or _starts(vword, _SPEECH_VERBS):
        return found
    if _starts(noun.text, _UNDERGONE_NOUNS + _ENFORCE_NOUNS) and noun.dep_ == "pobj" and _children(verb, "dobj"):
        return found + _children(verb, "dobj")  # "place terror suspects under house arrest"
    # "X faces charges", "X pleaded guilty to fraud", "X is on trial for fraud"; "X was named in the lawsuit with Y"
    if _starts(noun.text, _ENFORCE_NOUNS) and _children(noun, "poss"):
        return found  # "the prosecutor limited his charges to ...": the owner brings them
    return found + _subject(verb) + (_partners(verb) if _children(verb, "nsubjpass") else [])


def _antecedent(pron, names: dict[int, str | None] | None):
    """The name a pronoun stands for.

    "it": the subject of the main clause ("Deutsche Bank is involved ... it is being sued"); "he", "him", "his":
    the nearest name before it that is an argument ("X represented singer Y when he was arrested"), else the owner
    of one ("Mr X's lawyers said he was unaware of the fraud"); ``names`` are the token indices of the names found
    in the sentence with their kind ("person", "organization" or None), when known: "he" is no organisation.
    """
    other = set()  # the names of the other kind
    if names is not None:
        other = {i for i, k in names.items() if k == ("organization" if pron.lower_ in _PERSON_PRONOUNS else "person")}
        names = {i: k for i, k in names.items() if i not in other}
    if pron.lower_ in _ORG_PRONOUNS:
        root = pron.sent.root
        subj = [t for t in root.children if t.dep_ in ("nsubj", "nsubjpass") and t.i < pron.i and t != pron
                and t.i not in other]
        if subj and subj[0].lower_ not in _PRONOUNS and subj[0].text[:1].isupper():
            return subj[0]
        # "80 percent said ETA had shown ... when it offered a truce": the nearest named subject before it
        named = [t for t in pron.doc[pron.sent.start:pron.i] if t.dep_ in ("nsubj", "nsubjpass")
                 and (t.i in names if names is not None else t.text[:1].isupper() and t.i != t.sent.start)]
        if named:
            return named[-1]
        return subj[0] if subj and subj[0].lower_ not in _PRONOUNS else None
    if pron.lower_ not in _PERSON_PRONOUNS:
        return None
    before = list(pron.doc[pron.sent.start:pron.i])[::-1]
    for deps in (("nsubj", "nsubjpass", "dobj", "appos", "conj", "dative"), ("pobj",), ("poss",)):  # core first
        for t in before:
            # a name the extractor found (or, without them, a capitalised word not opening the sentence)
            named = t.i in names if names is not None else t.text[:1].isupper() and t.i != t.sent.start
            while named and t.dep_ == "compound" and t.head.text[:1].isupper() and t.head.i > t.i:
                t = t.head  # "Bryn" of "Bryn Fon": the name's head word carries its role
            if named and t.dep_ in deps:
                return t
    return None


def _against(doc, enforcement: bool, offences: set[int] = frozenset()) -> list:
    """The "against X" of a sentence with adverse words: every one when they include enforcement ("charges ...
    against X"), else those of evidence, a case or claims ("evidence against X"); never that of an offence word
    (at ``offences``), done to X ("the fraud against X", "state terrorism against the Tamils")."""
    return [t for p in doc if p.lower_ == "against" and p.dep_ == "prep" and p.head.i not in offences
            and (enforcement or _starts(p.head.text, _CASE_NOUNS)) for t in _children(p, "pobj")]


# What one says of a case against oneself: "X said the claims in the lawsuit are without merit".
_BASELESS = re.compile(r"\b(?:baseless|unfounded|groundless|untrue|false|frivolous|meritless|without (?:any )?merit|"
                       r"no merit|nonsense|absurd|ridiculous|fabricated|politically motivated)\b")


def _contesters(doc) -> list:
    """Who calls a case, charge or claim baseless: the one it is against ("X said the charges were baseless")."""
    out = []
    for verb in doc:
        if not _starts(verb.text, _SPEECH_VERBS):
            continue
        for clause in _children(verb, "ccomp"):
            case = [s for s in _children(clause, "nsubj", "nsubjpass")
                    if any(_starts(t.text, _CASE_NOUNS + _ENFORCE_NOUNS) for t in s.subtree)]
            if not case:
                continue
            inside = {t.i for c in case for t in c.subtree}
            rest = " ".join(t.lower_ for t in clause.subtree if t.i not in inside)
            if _BASELESS.search(rest):
                out += _subject(verb)
    return out


def _spread(tokens: list, names: dict[int, str | None] | None = None) -> set[int]:
    """Add what stands for the same party: conjuncts, appositions, the antecedent of "who", staff's employer."""
    out: set[int] = set()
    todo = list(tokens)
    direct = {t.i for t in tokens}
    for t in tokens:
        if t.lower_ in _PRONOUNS:
            ante = _antecedent(t, names)
            if ante is not None:
                todo.append(ante)
    while todo:
        t = todo.pop()
        if t.i in out:
            continue
        out.add(t.i)
        todo += _children(t, "conj", "appos")
        if t.dep_ in ("conj", "appos"):
            todo.append(t.head)
        if t.text.lower() in _RELATIVE and t.head.dep_ == "relcl":
            todo.append(t.head.head)
        elif t.lower_ == "who" and t.head.dep_ == "pcomp" and t.head.head.dep_ == "prep":
            todo.append(t.head.head.head)  # a relative clause the parser hung on a preposition ("a man with who ...")
        for clause in _children(t, "relcl"):
            # "The rapper, whose real name is X, was arrested": X is the rapper
            if clause.lower_ in _COPULAS and any(n.lower_ == "name" and any(w.lower_ == "whose" for w in n.children)
                                                 for n in _children(clause, "nsubj")):
                todo += _children(clause, "attr")
        if t.lower_ == "whose":  # "X, whose chief executive was fined": X
            clause = t.head
            while clause.dep_ != "relcl" and clause.head != clause:
                clause = clause.head
            if clause.dep_ == "relcl":
                todo.append(clause.head)
        for clause in _children(t, "acl") + [c for c in t.head.children if c.dep_ in ("advcl", "acl")
                                              and t.i < c.i <= t.right_edge.i + 2 and t.head != t]:
            if clause.lower_ in _LEADER_VERBS:
                # "accused its predecessor, led by X, of corruption": the leader the party is named with
                todo += [n for a in _children(clause, "agent") for n in _children(a, "pobj")]
        if t.dep_ in ("pobj", "dobj", "appos", "nsubj", "nsubjpass") and t.text[:1].islower() \
                and not _starts(t.text, _DISCOURSE_NOUNS):
            # "against the Power Page and Apple Insider sites": the names that make up a common noun's phrase; not
            # a name right before a title that is right before a name ("fined Northampton coach Budge Pountney")
            title = any(c.dep_ == "appos" and c.left_edge.i == t.i + 1 and c.text[:1].isupper() for c in t.children)
            todo += [c for c in t.children if c.dep_ in ("compound", "nmod") and c.text[:1].isupper()
                     and not (title and c.i == t.i - 1)]
        if t.dep_ == "attr":
            todo += _children(t.head, "nsubj")  # "X is the first chief executive to be tried"
        if t.dep_ == "pobj" and t.head.lower_ == "of" and _starts(t.head.head.lower_, _ACCOMPLICE_NOUNS):
            todo.append(t.head.head)  # "X, an accomplice of convicted rapist Y": the partner in it (then X)
        if t.dep_ == "nsubj" and t.head.lower_.startswith("includ"):
            todo += _children(t.head, "dobj", "attr")  # "Those charged included X"
        for prep in _children(t, "prep"):
            if prep.lower_ in ("including", "like"):
                todo += _children(prep, "pobj")  # "X and 28 others - including Y"
        for along in _children(t, "prep", "advmod"):
            if along.lower_ in ("along", "together"):
                # "X along with Y, coach Z and trainer W are charged": the list joined to X ("conj" spreads it)
                todo += [n for w in _children(along, "prep") if w.lower_ == "with" for n in _children(w, "pobj")]
        if _starts(t.text, _STAFF) and (t.i in direct or t.dep_ not in ("appos", "conj")):
            # "managers from X were charged"; not the employer in a name's apposition, a title ("X, chief executive
            # of Y, was arrested": Y is only X's employer)
            todo += _children(t, "compound", "poss", "nmod")
            # ("detained three executives at milk firm X": the parser often hangs the "at" on the verb)
            hung = [p for p in t.head.children if p.dep_ == "prep" and p.i == t.right_edge.i + 1] \
                if t.dep_ == "dobj" else []
            for prep in _children(t, "prep") + hung:
                if prep.text.lower() in ("from", "of", "at"):
                    todo += _children(prep, "pobj")
    return out


# Who makes or plays in a work named before them: "Arrested Development star X", "Fraud Squad creator Y".
_WORK_ROLES = ("star", "co-star", "actor", "actress", "singer", "creator", "author", "writer", "director",
               "producer", "presenter", "host", "composer", "novelist", "screenwriter")
# Triggers that are names themselves and keep their capital anywhere.
_PROPER_TRIGGERS = ("ponzi", "islamic", "al-qaeda", "qaeda", "isis", "wmd", "ofac", "sdn", "vat", "mafia")


def _in_title(trig) -> bool:
    """A trigger written with a capital inside a sentence ("Gangs of New York", "Little Terrorist") is part of a
    title or name, not adverse words; acronyms and proper triggers ("Ponzi", "al-Qaeda") are not."""
    first = trig[0]
    if first.i == first.sent.start and first.text[:1].isupper() and first.i + 1 < len(first.doc) \
            and first.doc[first.i + 1].text[:1].isupper():
        # opening a sentence: a title only when the capitalised words name a work whose star, author or director
        # follows ("Arrested Development star X"); "Jailed Socialist leader X" is adverse words
        # read on the words, not the parse (which makes the opening participle a clause of its own)
        nxt = first.i + 1
        while nxt < first.sent.end and first.doc[nxt].text[:1].isupper():
            nxt += 1
        return nxt < first.sent.end and _starts(first.doc[nxt].lower_, _WORK_ROLES)
    return (first.i != first.sent.start and first.text[:1].isupper() and not first.text.isupper()
            and not first.lower_.startswith(_PROPER_TRIGGERS)
            and first.doc[first.i - 1].text not in ('"', "'", "\u201c", "\u2018", ":", "-"))


# What makes "forge" a crime: a false document, signature or money ("forged passports", "forged his signature");
# "forged a reputation", "forged an effective midfield" is making, not faking.
_FORGED_THINGS = ("document", "signature", "passport", "cheque", "check", "paper", "certificate", "note", "banknote",
                  "money", "currency", "coin", "visa", "licen", "card", "record", "receipt", "invoice", "bill",
                  "stamp", "letter", "will", "identit", "account", "ticket", "deed", "contract", "painting", "ballot",
                  "vote", "prescription", "cash", "dollar", "euro", "pound", "share", "bond", "copy", "copies")
# Offence participles that describe a thing made or moved by the offence, not a victim ("used forged passports").
_FAKED = ("forg", "counterfeit", "launder", "smuggl", "traffick", "falsif")
# Verbs of taking or holding hostages.
_TAKE_VERBS = ("take", "took", "taken", "taking", "hold", "held", "seiz", "grab", "kept", "keep")
# Particles, adverbs and prepositions of motion: "the kick was charged down", "charged to the net", "charged over
# the line" (a run at something, not an accusation).
_MOTION = {"down", "up", "forward", "forwards", "through", "into", "to", "towards", "toward", "over", "across",
           "past", "off", "out", "ahead", "upfield", "away", "around", "round", "in", "at", "onto", "back", "home"}
# Tasks one is "charged with" (entrusted with): "the official charged with overseeing the merger".
_DUTY_VERBS = ("overse", "test", "ensur", "monitor", "review", "implement", "enforc", "regulat", "protect", "improv",
               "reform", "supervis", "tackl", "draft", "investigat", "policing", "crack", "restor", "rebuild",
               "safeguard", "examin", "assess", "audit", "inspect", "resolv", "negotiat", "mediat", "broker")
# (not "running", "setting", "handling", "leading", "organising": "charged with running a Ponzi scheme" is accused)
# "hard graft" is hard work; graft as a verb is to work ("made to graft").
_WORK_ADJECTIVES = {"hard", "sheer", "honest", "good", "real", "more", "much", "plenty", "extra"}
# Who questions a witness in court or a minister in parliament, not a suspect: "questioned by the prosecution".
# (Not "prosecutors", "police", "detectives": "five hours of questioning by prosecutors" is an investigation.)
_EXAMINERS = ("prosecution", "defence", "defense", "lawyer", "counsel", "barrister", "attorney", "judge", "jur",
              "mp", "committee", "senator", "journalist", "reporter", "interviewer", "presenter", "audience")
# Verbs of accusing: what they accuse of must hold an offence word ("accused X of lying" is no offence).
_ACCUSING = ("accus", "alleg")


def _other_sense(doc, trig, triggers: list[tuple[int, int]]) -> bool:
    """Whether the trigger word is used in a sense that is no offence, read from the parse: "forge" whose object
    is not a document or money, "graft" as work, "charge" as a run (a particle or preposition of motion and no
    object), an accusation whose "of" names no offence ("accused X of lying")."""
    root = trig.root
    word = root.lower_
    if word.startswith("forg") and not word.startswith("forger"):
        if root.dep_ == "amod":
            return not _starts(root.head.lower_, _FORGED_THINGS)  # "forged passports" vs "a forged link"
        objects = _children(root, "dobj", "nsubjpass")
        if root.dep_ in ("acl", "relcl") and not objects:
            objects = [root.head]  # "the documents he forged", "the partnership forged in 2004"
        return bool(objects) and not any(_starts(o.lower_, _FORGED_THINGS) for o in objects)
    if word == "graft":
        return _is_verb(root) or any(c.lower_ in _WORK_ADJECTIVES for c in _children(root, "amod"))
    # no tagger: a verb is told by its ending or its clause role ("charges" is a noun or left to the rules)
    verbal = _is_verb(root) or word.endswith(("ed", "ing"))
    if word.startswith("charg") and verbal:
        if any(c.lower_ in _MOTION for c in _children(root, "prt")):
            return True  # "his chip was charged down"
        duty = [g for p in _children(root, "prep") if p.lower_ == "with" for g in _children(p, "pcomp")
                if _starts(g.lower_, _DUTY_VERBS)]
        if duty:
            return True  # "a researcher charged with testing the game": entrusted with a task, not accused
        if _children(root, "dobj", "dative", "nsubjpass", "auxpass", "ccomp"):
            return False  # "police charged him", "X was charged"
        motion = [c.i for c in _children(root, "prep", "advmod") if c.lower_ in _MOTION]
        withs = [p.i for p in _children(root, "prep") if p.lower_ == "with"]
        # "charged into the second round with a romp": the run comes first; "charged with fraud over ..." is not
        return bool(motion) and (not withs or min(motion) < min(withs))
    if word.startswith("question") and any(
            _starts(n.lower_, _EXAMINERS) for p in _children(root, "agent", "prep") if p.lower_ == "by"
            for n in _children(p, "pobj")):
        return True  # "questioned by the prosecution", "under questioning by defence lawyers": a witness examined
    if word.startswith(_ACCUSING) and (verbal or word.endswith("es")):
        # the "of" hangs on the verb or, as the parser often has it, on the accused ("accused X of lying")
        ofs = [p for h in [root] + _children(root, "dobj") for p in _children(h, "prep") if p.lower_ == "of"]
        if not ofs:
            return False  # "X is accused", "accused X over the deaths": left to the rules
        # the "of" phrase's span: does a trigger of the taxonomy fall inside it?
        spans = [(p.i, p.right_edge.i) for p in ofs]
        inside = [doc.char_span(a, a + n, alignment_mode="expand") for a, n in triggers]
        # an offence word, not one that only qualifies talk ("accused X of steamrolling the house arrest plans")
        inside = [t for t in inside if t is not None and not (
            t.root.dep_ in ("compound", "amod") and _starts(t.root.head.lower_, _DISCOURSE_NOUNS))]
        return not any(lo <= t.start <= hi for t in inside for lo, hi in spans)
    return False


def parse(parser, sentences: list[str]) -> list:
    """Parse the sentences that hold adverse words (``parser`` from ``nlp.load_parser``)."""
    return list(parser.pipe(sentences, batch_size=64))


def needs_parse(sentence: str) -> bool:
    """Whether a sentence holds adverse words."""
    return bool(risk.trigger_offsets(sentence))


def worth_parsing(sentence: str, names: list[tuple]) -> bool:
    """Whether to parse a sentence with the names at ``names``: it holds adverse words and at least one name. A lone
    name is parsed too: the word rules alone flag nearly every name beside a trigger ("forged a reputation", "the
    murder of X"), and the parse of these sentences keeps ingestion above 0.8 of the raw model's speed
    (benchmarks/README.md, adverse_subjects.py --speed)."""
    return bool(names) and needs_parse(sentence)


# Definite descriptions that stand for a name of the sentence: "WorldCom boss X was involved in the fraud at the
# firm", "X's lawyer called for the charges against the Greek sprinter to be dropped". Head nouns, singular.
_ORG_DESCRIPTIONS = ("firm", "company", "group", "bank", "corporation", "business", "giant", "conglomerate",
                     "carrier", "airline", "retailer", "lender", "insurer", "broadcaster", "network", "club", "side",
                     "party", "organisation", "organization", "charity", "website", "site", "label", "studio",
                     "maker", "manufacturer", "producer", "supplier", "operator", "outfit", "chain", "brokerage",
                     "newspaper", "paper", "publisher", "developer", "multinational", "subsidiary", "unit")
_PERSON_DESCRIPTIONS = ("man", "woman", "boy", "girl", "teenager", "youth", "sprinter", "athlete",
                        "player", "star", "striker", "midfielder", "goalkeeper", "keeper", "winger", "captain",
                        "boxer", "cyclist", "runner", "swimmer", "footballer", "cricketer", "bowler", "batsman",
                        "jockey", "rider", "singer", "rapper", "actor", "actress", "musician", "tycoon",
                        "businessman", "businesswoman", "billionaire", "magnate", "oligarch", "entrepreneur",
                        "politician", "minister", "senator", "mayor", "cleric", "preacher", "priest", "doctor",
                        "suspect", "defendant", "millionaire", "financier", "banker", "trader", "founder",
                        "chairman", "chairwoman", "veteran", "champion", "international", "official")
_DEFINITE = {"the", "this", "that"}


def _described(tok) -> str | None:
    """The kind of party a definite description stands for ("the firm": an organisation; "the Greek sprinter": a
    person), or None for any other word."""
    if not tok.text[:1].islower() or not any(c.lower_ in _DEFINITE for c in _children(tok, "det")):
        return None
    word = tok.lower_  # singular only: "the men" are not the one man named before
    if word in _PERSON_DESCRIPTIONS:
        return "person"
    if word in _ORG_DESCRIPTIONS:
        return "organization"
    return None


def _commenter(tok) -> bool:
    """Whether the name at ``tok`` speaks or enforces in its sentence: it is, or is part of (an owner, a modifier,
    "analysts at X"), the subject of a verb of speech or an active enforcement, or the agent of one."""
    t, steps = tok, 0
    while steps < 6 and t.head != t:
        steps += 1
        if t.dep_ in ("nsubj", "csubj") and (_starts(t.head.text, _SPEECH_VERBS) or (
                _starts(t.head.text, _ENFORCE_VERBS) and not _children(t.head, "auxpass"))):
            return True
        if t.dep_ == "pobj" and t.head.dep_ == "agent":
            return True
        if t.dep_ not in ("compound", "poss", "pobj", "prep", "appos", "conj", "nmod", "amod"):
            return False
        t = t.head
    return False


def _corefer(doc, hit: set[int], typed: list[tuple[object, str | None]]) -> set[int]:
    """The tokens of the names that a definite description among ``hit`` stands for: the one name of the same kind
    named before it in the sentence that neither speaks nor enforces ("the firm" after "WorldCom boss X"; not
    "Analysts at Barclays said the company was charged"). ``typed``: each name's span and kind (None unknown)."""
    out: set[int] = set()
    for i in sorted(hit):
        kind = _described(doc[i])
        if kind is None:
            continue
        edge = doc[i].left_edge.i
        if doc[i].dep_ != "appos" and edge >= 2 and doc[edge - 1].text == "," and any(
                sp.end == edge - 1 for sp, _k in typed):
            continue  # "X, the Lebanese company founded by ...", which the parser did not read as X's apposition:
            # its reading of the rest is not to be trusted either
        before = [sp for sp, k in typed if sp.end <= doc[i].left_edge.i and (k == kind or (
            k is None and len(typed) == 1))]
        texts = {sp.text for sp in before}
        if len(texts) != 1:
            continue  # no name, or more than one it may stand for
        if not any(_commenter(t) for sp in before for t in sp):
            out |= {t.i for sp in before for t in sp}
    return out


def _cached(doc, key: tuple, work):
    """What ``work()`` finds in ``doc``, worked out once per parsed sentence (``about`` is asked once per name)."""
    memo = doc.user_data.setdefault("subjects", {})
    if key not in memo:
        memo[key] = work()
    return memo[key]


def about(doc, start: int, end: int, names: list[tuple] | None = None) -> bool | None:
    """Whether the sentence's adverse words are about the name at ``doc.text[start:end]``.

    ``names``: the (start, end) or (start, end, kind) of every name found in the sentence, the pronouns' and
    descriptions' candidates ("he" stands for the nearest one before it; "the firm" for the one organisation, kind
    "organization", named before it, "the sprinter" for the one "person"). None when the sentence holds no adverse
    word (nothing to say).
    """
    triggers = risk.trigger_offsets(doc.text)
    if not triggers:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    roots = {t.i for t in span if t.head.i < span.start or t.head.i >= span.end or t.head == t}
    for i in list(roots):
        t = doc[i]
        while t.dep_ == "compound" and t.head != t and t.head.text[:1].isupper():
            t = t.head  # a part of a longer name ("Bryn" of "Bryn Fon"), not a title ("WorldCom boss X")
            roots.add(t.i)
    words = [t.lower_ for t in span if t.is_alpha]
    the = "the " if span.start and doc[span.start - 1].lower_ == "the" else ""
    called = the + " ".join(span.text.lower().split())
    if words and (all(_starts(w, _AGENT_NOUNS) for w in words) or called in _CRIME_GROUPS
                  or called.removeprefix("the ") in _CRIME_GROUPS) \
            and not risk.policy_before(doc.text[max(0, start - 30):start]):
        # a name that is a criminal group's or doers' common name ("a Mafia killing", "Kidnappers have seized ..."):
        # the doer in a sentence with adverse words; not "anti-Mafia prosecutors"
        return True
    name_tokens = None
    typed: list[tuple[object, str | None]] = []
    if names is not None:
        for n in names:
            sp = doc.char_span(n[0], n[1], alignment_mode="expand")
            if sp is not None and len(sp):
                typed.append((sp, n[2] if len(n) > 2 else None))
        name_tokens = {t.i: kind for sp, kind in typed for t in sp}
    hit: set[int] = set()
    enforcement = False
    offences: set[int] = set()  # offence words ("fraud", "terrorism"): an "against X" on them is done to X
    for at, length in triggers + [(m.start(), m.end() - m.start()) for m in _STAGE_WORDS.finditer(doc.text)]:
        trig = doc.char_span(at, at + length, alignment_mode="expand")
        if trig is None or not len(trig):
            continue
        if trig.start < span.end and span.start < trig.end:
            continue  # a trigger inside the name ("Midsomer Murders", "Stop Murder Music") says nothing of it
        if name_tokens and trig.start in name_tokens and not trig.text.lower().startswith(_PROPER_TRIGGERS):
            continue  # nor inside another name ("a crew from Court TV interviewed C-Murder")
        if _in_title(trig):
            continue  # "roles in The Basketball Diaries and Gangs of New York": a title, not adverse words
        if _other_sense(doc, trig, triggers):
            continue  # "forged a reputation", "hard graft", "charged to the net", "accused X of lying"
        root = trig.root
        if trig[0] != root and _starts(trig[0].lower_, _AGENT_NOUNS):
            root = trig[0]  # "guerrilla leader X": the doer noun the trigger opens with
        enforcement |= _starts(root.text, _ENFORCE_VERBS + _ENFORCE_NOUNS + _ENFORCER_PEOPLE)
        if not _starts(root.text, _ENFORCE_VERBS + _ENFORCE_NOUNS + _ACCUSATION_NOUNS + _UNDERGONE_NOUNS
                       + _CASE_NOUNS + _ENFORCER_PEOPLE):
            offences.add(root.i)
        hit |= _spread(_cached(doc, ("targets", root.i), lambda: _targets(doc, root)), name_tokens)
    hit |= _spread(_against(doc, enforcement, offences), name_tokens)
    hit |= _spread(_cached(doc, ("contesters",), lambda: _contesters(doc)), name_tokens)
    if typed:
        hit |= _spread([doc[i] for i in _corefer(doc, hit, typed)], name_tokens)
    return bool(roots & hit)


def about_reference(doc, refs: list[tuple[int, int]]) -> bool | None:
    """Whether the adverse words of the following sentences in ``doc`` are about the entity they refer back to at
    ``refs`` ("the firm", "He": ``extract.references``): True when they are about one of those words ("The firm was
    fined"), False when about others ("The firm said the regulator had fined its rival"), None without adverse
    words or without a word that refers back."""
    verdicts = [about(doc, a, b) for a, b in refs]
    if not verdicts or all(v is None for v in verdicts):
        return None
    return any(verdicts)
