"""The French risk vocabulary: trigger words of the same categories as ``watchlists.risk.TAXONOMY``, the stages,
and the words that make an entity a source, an enforcer or a speaker rather than the accused.

French news names offences by their legal names (blanchiment, abus de biens sociaux, escroquerie, prise illégale
d'intérêts...) and the procedure by its own steps: "soupçonné" (allegation), "enquête", "perquisition"
(investigation), "mis en examen", "inculpé", "renvoyé devant le tribunal", "garde à vue" (charge), "condamné",
"reconnu coupable" (conviction), "relaxé", "acquitté", "non-lieu", "classé sans suite" (cleared).

Data only: ``watchlists.risk`` compiles it beside the English vocabulary. Patterns are matched case-insensitively.
"""
from __future__ import annotations

_SANCTIONED = (r"(?:Corée du Nord|Pyongyang|Iran|Téhéran|Syrie|Damas|Cuba|Crimée|Donetsk|Louhansk|Lougansk)")
_HELP = r"(?:aid|soutien|soutenu|financ|fourni|livr|vend|vendu|export|arm|équip|expédi|contourn)\w*"
# Words of one letter's elision: "d'argent", "l'argent".
_E = r"(?:d['’]\s?|de\s+l['’]\s?|de\s+la\s+|de\s+|des\s+|du\s+)"

# category (a key of watchlists.risk.TAXONOMY) -> patterns
PATTERNS: dict[str, list[str]] = {
    "sanctions": [
        r"\bsanctions?\b(?!\s+(?:disciplinaires?|sportives?|pénales?|pécuniaires?))", r"\bsanctionn\w+\b",
        r"\blistes? noires?\b", r"\bembargos?\b", r"\bgel (?:de ses |des |de leurs )?(?:avoirs|actifs|fonds|comptes)\b",
        r"\b(?:avoirs|actifs|fonds|comptes) (?:ont été |a été )?gel[ée]s?\b", r"\bOFAC\b",
        r"\bcontourn\w+ (?:les |des )?(?:sanctions|embargos?)\b|\bviolation (?:des|de l['’]) (?:sanctions|embargo)\b",
        rf"\b{_HELP}(?:\s+\S+){{0,3}}\s+(?:la |l['’]|le )?{_SANCTIONED}\b",
    ],
    "proliferation": [
        r"\barmes? nucléaires?\b|\bprogramme nucléaire\b|\bogives? nucléaires?\b|\bessais? nucléaires?\b",
        r"\barmes? de destruction massive\b|\bADM\b", r"\bmissiles? balistiques?\b|\bprogramme balistique\b",
        r"\bprolifération\b", r"\bbiens? à double usage\b|\bdouble usage\b",
        r"\benrichissement (?:de l['’])?uranium\b|\buranium enrichi\b", r"\barmes? (?:chimiques?|biologiques?)\b",
    ],
    "terrorism": [
        r"\bterror\w*\b", r"\bdjihad\w*\b|\bjihad\w*\b", r"\bextrémis\w+\b", r"\bradicalis\w+\b",
        r"\bÉtat islamique\b|\bEtat islamique\b|\bDaech\b|\bDaesh\b|\bal-Qaïda\b|\bAl-Qaida\b",
        r"\battentats?(?:-suicides?)?\b", r"\bentreprise terroriste\b",
    ],
    "money_laundering": [
        r"\bblanchiment\b", r"\bblanchi(?:r|ssait|ssaient|ssent|ssant|ssements?)\b",
        r"\bblanchie?s? (?:de |d['’]\s?)?(?:l['’]\s?)?(?:argent|fonds|capitaux)\b", r"\bsociétés?[- ]écrans?\b",
        r"\bargent sale\b", r"\bfonds (?:illicites|d['’]origine illicite)\b|\bflux illicites\b",
        r"\bproduits? (?:du crime|d['’]un crime|d['’]une infraction)\b", r"\brecel\b",
    ],
    "fraud": [
        r"\bfraud\w*\b", r"\bescroc\w*\b|\bescroquer\w*\b", r"\barnaque\w*\b", r"\bPonzi\b", r"\bcavalerie\b",
        rf"\bdétournements? {_E}(?:fonds|biens|actifs)\b", r"\bdétourn[ée]\w*\b",
        r"\babus de biens sociaux\b|\bABS\b", r"\babus de confiance\b", r"\bfaux et usage de faux\b",
        r"\bfaux en écritures?\b|\bfaux bilans?\b|\bcomptes (?:inexacts|falsifiés|truqués)\b", r"\bfalsifi\w+\b",
        r"\bcontrefaçons?\b|\bcontrefai\w+\b", r"\btromperie\b", r"\bbanqueroute\b", r"\bmanœuvres frauduleuses\b",
    ],
    "bribery_corruption": [
        r"\bcorrupt\w*\b|\bcorruption\b", r"\bcorromp\w+\b", r"\bpots?-de-vin\b", r"\btrafic d['’]\s?influence\b",
        r"\bprise illégale d['’]\s?intérêts?\b", r"\bfavoritisme\b", r"\bconcussion\b", r"\brétro-?commissions?\b",
        r"\bdétournements? de fonds publics\b", r"\bemplois? fictifs?\b",
    ],
    "tax_crime": [
        r"\bfraude fiscale\b|\bévasion fiscale\b|\bfraude à la TVA\b|\bfraude (?:à la |aux )?(?:cotisations|taxe)\w*\b",
        r"\bcomptes? (?:non déclarés?|cachés?|occultes?)\b|\bavoirs? non déclarés?\b", r"\bcarrousel de TVA\b",
        r"\bdissimulation (?:de revenus|d['’]\s?actifs|fiscale)\b",
    ],
    "organised_crime": [
        r"\bcrime organisé\b|\bcriminalité organisée\b", r"\bmafi\w+\b", r"\bcartels?\b", r"\braket\w*\b|\bracket\w*\b",
        r"\bextorsion\w*\b|\bextorqu\w+\b", r"\bassociation de malfaiteurs\b", r"\bbande organisée\b", r"\bgangs?\b",
        r"\bblanchiment en bande organisée\b",
    ],
    "cybercrime": [
        r"\bpiratage\b|\bpirat\w+ informatiques?\b", r"\bcyber-?attaques?\b|\bcybercrimin\w+\b|\bcyberescroqu\w+\b",
        r"\brançongiciels?\b|\bransomware\b", r"\bhameçonnage\b|\bphishing\b", r"\busurpation d['’]\s?identité\b",
        r"\blogiciels? malveillants?\b", r"\bintrusion (?:dans un|informatique)\b",
    ],
    "trafficking": [
        r"\btrafic\b(?!\s+(?:d['’]\s?influence|routier|aérien|ferroviaire|maritime|de voyageurs|de passagers))",
        r"\btrafiqu\w+\b", r"\bnarco-?trafi\w+\b", r"\btraite des êtres humains\b|\btraite d['’]\s?êtres humains\b",
        r"\bcontreband\w+\b", r"\bstupéfiants\b", r"\bcocaïne\b|\bhéroïne\b|\bcannabis\b", r"\bpasseurs?\b",
        r"\btravail forcé\b|\besclavage\b", r"\bproxénétisme\b",
    ],
    "market_abuse": [
        r"\bdélits? d['’]\s?initiés?\b|\bopérations? d['’]\s?initiés?\b", r"\bmanipulations? (?:de cours|du cours|des cours|"
        r"du marché|des marchés)\b", r"\bentente(?:s)? (?:sur les prix|illicites?)\b", r"\babus de marché\b",
    ],
    "violent_crime": [
        r"\bmeurtres?\b|\bassassin\w*\b|\bhomicides?\b", r"\benlèvements?\b|\bkidnapp\w+\b|\bséquestration\b",
        r"\botages?\b", r"\bcrimes? de guerre\b", r"\bcrimes? contre l['’]\s?humanité\b", r"\btortur\w+\b",
    ],
    "environmental_crime": [
        r"\bpêche illégale\b|\bexploitation forestière illégale\b|\borpaillage illégal\b|\bdéforestation illégale\b",
        r"\btrafic d['’]\s?espèces (?:protégées|sauvages)\b", r"\bpollution (?:illégale|volontaire)\b",
        r"\bdéversements? illégaux\b|\bdéchets? (?:toxiques|dangereux) (?:déversés|enfouis)\b",
    ],
    "legal_action": [
        r"\bpoursuites?\b|\bpoursuivi\w*\b", r"\bmise?s? en examen\b", r"\binculp\w+\b", r"\bcondamn\w+\b",
        r"\bamendes?\b", r"\bplaintes?\b", r"\bprocès\b(?!-verbal)", r"\bgarde à vue\b", r"\binterpell\w+\b",
        r"\barrestations?\b", r"\bécrou\w+\b|\bincarcér\w+\b", r"\bperquisition\w*\b", r"\binformation judiciaire\b",
        r"\benquête (?:judiciaire|préliminaire|pénale)\b", r"\brenvoy\w+ (?:devant|en) (?:le tribunal|la cour|"
        r"correctionnelle|les assises)\b", r"\bmandat d['’]\s?arrêt\b", r"\bsanction pécuniaire\b",
        r"\brecherch\w+ par (?:la police|la justice|Interpol)\b", r"\bréquisitoire\b|\brequis\b",
    ],
}

# name, rank, weight, pattern (the same stages and weights as the English ones)
STAGES: list[tuple[str, int, float, str]] = [
    ("cleared", 0, 0.2, r"\brelax[ée]\w*\b|\bacquitt\w+\b|\bnon-lieu\b|\bclass[ée]\w* sans suite\b|\binnocent[ée]\w*\b"
                        r"|\bblanchie?s? (?:par la justice|par le tribunal|de toute)\b|\bmise?s? hors de cause\b"
                        r"|\b(?:charges|poursuites) (?:ont été )?abandonnées\b|\bn['’]a pas été reconnue? coupable\b"),
    ("allegation", 1, 0.6, r"\bprésum\w+\b|\bsoupçon\w*\b|\bsuspect\w*\b|\baccus\w+\b|\bmise?s? en cause\b"
                           r"|\baurai(?:t|ent) (?:\w+\s+){0,2}(?:détourné|versé|blanchi|reçu|fraudé|corrompu|"
                           r"financé|participé|organisé|dissimulé|caché)\b|\ballégations?\b|\bselon des informations\b"),
    ("investigation", 2, 0.75, r"\benquêt\w+\b|\bperquisition\w*\b|\binformation judiciaire\b|\binvestigations?\b"
                               r"|\bdans le viseur\b|\bauditionn\w+\b|\bvérifications?\b"),
    ("charge", 3, 0.9, r"\bmise?s? en examen\b|\binculp\w+\b|\bpoursuites?\b|\bpoursuivi\w*\b|\bplaintes?\b"
                       r"|\brenvoy\w+ (?:devant|en)\b|\bprocès\b(?!-verbal)|\bjugée?s?\b|\bgarde à vue\b"
                       r"|\binterpell\w+\b|\barrestations?\b|\bécrou\w+\b|\bmandat d['’]\s?arrêt\b|\bextradition\b"
                       r"|\bextradée?s?\b"),
    ("conviction", 4, 1.0, r"\bcondamn\w+\b|\breconnue?s? coupables?\b|\bpeines? (?:de prison|d['’]\s?emprisonnement)\b"
                           r"|\bamendes?\b|\bsanctionn\w+\b|\bplaid\w+ coupable\b|\bincarcér\w+\b|\bécop\w+\b"),
]

# "des sanctions contre la Russie", "une plainte contre X": the words after name the target.
TARGETED = (r"\b(?:sanctions?|mesures|plaintes?|poursuites|embargo|enquête|procédure)\s+(?:contre|visant|à "
            r"l['’]\s?encontre (?:de|du|des|d['’])|sur)\s+")
# The entity reports: "selon X", "d'après X", "a indiqué X à l'AFP" (the outlet), "rapporté par X", and the speaker
# after the verb that ends a reported sentence (", a annoncé le Parquet", "», a déclaré son avocate, Me X"); or it
# employs the commentators ("les analystes de X", "un économiste chez X"): it comments, it is not the subject.
REPORTING_BEFORE = (r"\b(?:selon|d['’]\s?après|rapporté par|révélé par|cité par|a indiqué à|ont indiqué à|a déclaré à|"
                    r"(?:analystes?|économistes?|stratèges?|stratégistes?|experts?|chercheurs?|chercheuses?|"
                    r"observateurs?|commentateurs?)\s+(?:de|d['’]|du|des|chez)|"
                    r"a confié à|ont confié à|interrogée? par|a appris|communiqué (?:de|du|des)|"
                    r"(?:a|ont|avait|avaient) (?:annoncé|indiqué|déclaré|précisé|expliqué|confirmé|affirmé|"
                    r"rapporté|révélé|ajouté|souligné|assuré|estimé|communiqué|fait savoir)"
                    r"(?:\s+(?:son|sa|ses|leur|leurs)\s+[\w-]+,?)?"
                    r"|(?:annonce|indique|précise|explique|confirme|affirme|rapporte|révèle|ajoute|souligne|estime))\s*"
                    r"(?:le\s+|la\s+|les\s+|l['’]\s?)?(?:(?:M\.|Mme|Me|Maître)\s+)?$")
_LEAD = (r"^(?:\s*(?:,[^,]{0,60},|et [A-ZÀ-Ý][\w.\- ]{0,40}?|\([\w\s]+\))\s*)*\s*"
         r"(?:a |ont |avait |avaient |va |vont |doit |doivent |aurait |auraient |vient d['’]|viennent d['’])?"
         r"(?:aussi |également |déjà |notamment |finalement )?")
# Verbs of enforcement (the entity acts against someone): "le tribunal a condamné", "l'AMF sanctionne", "la police
# a interpellé". Not when a complement of the accused follows ("X, accusé de fraude", "X poursuivi pour...").
ENFORCER = (_LEAD + r"(?:condamn\w*|sanctionn\w*|inflig\w*|impos\w*|inculp\w*|poursui\w+|perquisitionn\w*|"
            r"interpell\w*|arrêt[ée]\w*|saisi\w*|gel[ée]\w*|ouvert une (?:enquête|information)|ouvre une (?:enquête|"
            r"information)|enquêt\w+ sur|requis|requiert|ordonn\w*|prononc\w*|mis en examen|accus\w*|soupçonn\w*|"
            r"reproch\w*|dénonc\w*|réclam\w*|exig\w*|appel\w* à|visé|vise|cibl\w*|blacklist\w*|"
            r"placé\w* (?:sous|en))\b(?!\s+(?:de|d['’]|pour|dans))")
# Verbs of speech: the entity may be a witness or the accused denying; halves the signal.
SPEAKER = (_LEAD + r"(?:déclar\w*|indiqu\w*|affirm\w*|annonc\w*|confirm\w*|précis\w*|expliqu\w*|estim\w*|"
           r"réagi\w*|comment\w*|ajout\w*|assur\w*|souligné|soulign\w*|dit|dément\w*|démenti|ni[ée]\w*|"
           r"contest\w*|rappel\w*|écrit|fait savoir)\b")
# Words about fighting a crime, or the law against it: "la lutte contre le blanchiment", "anti-corruption",
# "la cellule antiterroriste", "les victimes d'escroquerie", "la prévention de la fraude".
POLICY_BEFORE = (r"(?:\banti-?|\bcontre-?|\blutte (?:contre|anti-?) ?(?:le |la |les |l['’]\s?)?|\blutter contre "
                 r"(?:le |la |les |l['’]\s?)?|\bcombattre (?:le |la |les |l['’]\s?)?|\bprévention (?:du |de la |des |"
                 r"de l['’]\s?|de\s+)|\bprévenir (?:le |la |les |l['’]\s?)|\bvictimes? (?:de |d['’]\s?|du |des )|"
                 r"\bpréven\w+ (?:contre|face à) (?:le |la |les |l['’]\s?)?|\bparquet national )$")
POLICY_AFTER = (r"^[\w-]*\s+(?:lois?|législation|dispositif|règles|réglementation|directive|prévention|experts?|"
                r"politique|stratégie|mesures|contrôles?|obligations|vigilance|formation|cellule|brigade|office|"
                r"parquet|pôle|juridiction)\b")
