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
- the subject passes along "and", appositions, "who/which" and unnamed staff ("managers from X were charged").

Names reached by none of these (the speaker who comments, the lawyer, the regulator, a person's employer named as a
title, a victim) are not what the words are about. Pure functions over a parsed spaCy ``Doc``.
"""
from __future__ import annotations

from watchlists import risk

# Word starts (lower case) of verbs whose object or passive subject is the one acted against.
_ENFORCE_VERBS = ("sue", "sued", "suing", "charg", "fine", "fined", "fining", "arrest", "accus", "indict", "jail",
                  "convict", "sanction", "prosecut", "raid", "blacklist", "sentenc", "investigat", "penalis",
                  "penaliz", "target", "freez", "froze", "imprison", "detain", "extradit", "blame", "alleg",
                  "implicat", "suspect", "ban", "punish", "question", "tried", "try", "probe", "behead", "execut")
# Verbs whose subject brings an enforcement noun against someone else ("the SEC filed charges against X").
_ACTOR_VERBS = ("bring", "brought", "file", "launch", "take", "took", "taken", "seek", "sought", "impos", "press",
                "level", "lodg", "pursu", "issu", "threat", "call", "lift", "back", "urg", "demand", "want", "win",
                "won", "use", "recommend", "welcom", "refer", "pass", "transfer", "combat", "fight", "tackl",
                "expose", "solve", "tighten", "reduc", "prevent", "abolish", "introduc", "allow", "present",
                "monitor", "warn", "defend", "end", "keep", "lead", "led", "drag", "trigger", "co-ordinat",
                "coordinat", "approv")
# Verbs of speech and thought: their subject comments; the words they report are about others.
_SPEECH_VERBS = ("say", "said", "says", "tell", "told", "claim", "argu", "contend", "warn", "believ", "add",
                 "report", "announc", "confirm", "stat", "insist", "wr", "suggest", "note", "explain", "think",
                 "thought", "describ", "assert", "maintain", "comment", "quot", "reveal", "accept", "admit",
                 "testif", "deni", "deny", "allege", "alleg", "blam", "hope", "fear", "expect", "ask", "agree",
                 "disput", "stress", "rul", "find", "found")
# Nouns of enforcement: brought by their owner against someone else.
_ENFORCE_NOUNS = ("lawsuit", "suit", "action", "charge", "case", "prosecution", "sanction", "penalt", "fine",
                  "investigation", "probe", "inquiry", "embargo", "indictment", "raid", "complaint", "proceeding")
# Nouns whose owner undergoes them ("Scholl's arrest", "Mr Ebbers' trial"), and crimes whose owner is the victim.
_UNDERGONE_NOUNS = ("arrest", "trial", "conviction", "sentenc", "extradition", "detention", "imprisonment")
_VICTIM_NOUNS = ("murder", "killing", "assassinat", "kidnap", "abduct")
# People who enforce: "prosecutors said X ...".
_ENFORCER_PEOPLE = ("prosecut",)
# Unnamed staff standing for their organisation: "managers from X were charged", "six WorldCom executives".
_STAFF = ("manager", "executive", "employee", "official", "director", "staff", "member", "worker", "banker",
          "trader", "officer")
_RELATIVE = {"who", "which", "that", "whom"}
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "itself", "himself",
             "herself", "themselves"}
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
        if verb.dep_ in ("acl", "relcl") or (verb.dep_ == "amod"):
            return [verb.head]  # "X, accused of fraud", "jailed tycoon X"
        if verb.dep_ in ("xcomp", "advcl", "conj", "pcomp") and verb.head is not verb:
            verb = verb.head if verb.dep_ != "pcomp" else verb.head.head
            continue
        return []
    return []


def _about_verb(verb, enforce: bool) -> list:
    """Whom a verb carrying adverse meaning is about."""
    passive = _children(verb, "nsubjpass")
    if passive:
        return passive
    if enforce:
        if _children(verb, "auxpass"):
            # a passive whose subject the parser lost ("Vivendi and its chief were each fined"): the names before it
            return [t for c in verb.children if c.i < verb.i and c.dep_ not in ("agent", "punct", "mark")
                    for t in c.subtree]
        subj = _children(verb, "nsubj")
        obj = _children(verb, "dobj") + [t for t in subj if t.i > verb.i]  # "sued Morgan Stanley" read as subject
        if obj:
            return obj
        if subj and verb.text.lower().endswith("ed") and not _children(verb, "aux"):
            return subj  # a headline's passive: "BNP leader Nick Griffin arrested"
        # a reduced passive: "X, charged with fraud", "Bernie Ebbers ... is on trial, accused of fraud"
        if verb.dep_ in ("acl", "amod") or (verb.dep_ in ("relcl",) and not _children(verb, "nsubj")):
            return [verb.head]
        if verb.dep_ == "advcl" and not _children(verb, "nsubj"):
            return _subject(verb.head)
        return []
    return _subject(verb)


def _about_noun(noun) -> tuple[list, bool]:
    """Who an adverse noun is about by its own modifiers; and whether to climb to the verb that holds it."""
    word = noun.text.lower()
    found = []
    # owners that are names or pronouns ("WorldCom's", "his"), not "accounting fraud" or "an $11bn fraud"
    owners = [t for t in _children(noun, "poss", "compound") if t.text[:1].isupper() or t.lower_ in _PRONOUNS]
    if _starts(word, _UNDERGONE_NOUNS):
        found += owners
    elif _starts(word, _ENFORCE_NOUNS):
        pass  # "the SEC's case", "a Yukos lawsuit": the owner brings it
    elif _starts(word, _VICTIM_NOUNS):
        found += _children(noun, "compound")  # "the Manson murders"; "Stefan's murder" is about the victim
    else:
        found += owners  # "WorldCom's fraud", "the WorldCom fraud"
    for prep in _children(noun, "prep"):
        p = prep.text.lower()
        if p in ("against", "on") or (p in ("at", "in", "by", "within") and not _starts(word, _ENFORCE_NOUNS)):
            found += _children(prep, "pobj")
    return found, not found


def _climb(tok):
    """From a noun, go up through prepositions, objects and appositions to the clause head that holds it."""
    steps = 0
    while tok.dep_ in ("compound", "amod") and tok.head is not tok:
        tok = tok.head  # "fraud charges": the phrase's head noun holds it
    while tok.dep_ in _NOMINAL_ARGS | {"prep", "amod", "acomp", "advmod", "agent"} and tok.head is not tok:
        if tok.dep_ in ("nsubj", "nsubjpass", "compound", "poss"):
            return None  # the adverse noun is itself the subject or a modifier: its own modifiers said it all
        tok = tok.head
        steps += 1
        if steps > 8:
            return None
        if _is_verb(tok):
            return tok
    return tok if _is_verb(tok) else None


def _targets(doc, trig_tok) -> list:
    word = trig_tok.text.lower()
    if _starts(word, _ENFORCER_PEOPLE) and trig_tok.dep_ in ("nsubj", "compound", "poss", "amod"):
        # "Prosecutors said X ...", "Prosecution lawyers argued that X ...": about what they said or did to.
        head = trig_tok
        while head.dep_ in ("compound", "poss", "amod") and head.head is not head:
            head = head.head
        if head.dep_ != "nsubj":
            return []
        verb = head.head
        out = _children(verb, "dobj")
        for clause in _children(verb, "ccomp"):
            out += _subject(clause)
        return out
    if _starts(word, _ENFORCER_PEOPLE):
        return []
    if _is_verb(trig_tok) and trig_tok.dep_ not in ("pobj", "dobj", "nsubj", "nsubjpass", "compound", "poss"):
        if _starts(word, _SPEECH_VERBS) and not _starts(word, _ENFORCE_VERBS):
            return []
        return _about_verb(trig_tok, _starts(word, _ENFORCE_VERBS))
    if trig_tok.dep_ == "amod":
        if _starts(word, _ENFORCE_VERBS):
            return [trig_tok.head]  # "jailed tycoon X"
        return _about_noun(trig_tok.head)[0] or [trig_tok.head]  # "corrupt officials", "a fraudulent prospectus"
    noun = trig_tok
    while noun.dep_ in ("compound", "amod") and noun.head is not noun and noun.head.i > noun.i:
        noun = noun.head  # "fraud charges against X": the phrase's head noun says who
    found = _about_noun(noun)[0] if noun is not trig_tok else []
    found += _about_noun(trig_tok)[0]
    verb = _climb(noun)
    if verb is None:
        return found
    vword = verb.text.lower()
    if _starts(vword, _DEFEND_VERBS):
        return found + _children(verb, "dobj")
    if _starts(vword, _ENFORCE_VERBS):
        return found + _about_verb(verb, True)  # "accused X of fraud", "X was charged with fraud"
    if _starts(vword, ("admit", "deni", "deny", "commit", "plead", "face")):
        return found + _subject(verb)  # "X admitted fraud", "X denies fraud"
    if _starts(vword, _ACTOR_VERBS) or _starts(vword, _SPEECH_VERBS):
        return found
    return found + _subject(verb)  # "X faces charges", "X pleaded guilty to fraud", "X is on trial for fraud"


def _antecedent(pron):
    """The subject of the main clause, for a pronoun after it ("Deutsche Bank is involved ... it is being sued")."""
    root = pron.sent.root
    subj = [t for t in root.children if t.dep_ in ("nsubj", "nsubjpass") and t.i < pron.i and t is not pron]
    return subj[0] if subj and subj[0].lower_ not in _PRONOUNS else None


def _spread(tokens: list) -> set[int]:
    """Add what stands for the same party: conjuncts, appositions, the antecedent of "who", staff's employer."""
    out: set[int] = set()
    todo = list(tokens)
    for t in tokens:
        if t.lower_ in _PRONOUNS:
            ante = _antecedent(t)
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
        if _starts(t.text, _STAFF):
            todo += _children(t, "compound", "poss", "nmod")
            for prep in _children(t, "prep"):
                if prep.text.lower() in ("from", "of", "at"):
                    todo += _children(prep, "pobj")
    return out


def parse(parser, sentences: list[str]) -> list:
    """Parse the sentences that hold adverse words (``parser`` from ``nlp.load_parser``)."""
    return list(parser.pipe(sentences, batch_size=64))


def needs_parse(sentence: str) -> bool:
    """Whether a sentence holds adverse words, and so is worth parsing."""
    return bool(risk.trigger_offsets(sentence))


def about(doc, start: int, end: int) -> bool | None:
    """Whether the sentence's adverse words are about the name at ``doc.text[start:end]``.

    None when the sentence holds no adverse word (nothing to say).
    """
    triggers = risk.trigger_offsets(doc.text)
    if not triggers:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    roots = {t.i for t in span if t.head.i < span.start or t.head.i >= span.end or t.head is t}
    hit: set[int] = set()
    for at, length in triggers:
        trig = doc.char_span(at, at + length, alignment_mode="expand")
        if trig is None or not len(trig):
            continue
        hit |= _spread(_targets(doc, trig.root))
    return bool(roots & hit)
