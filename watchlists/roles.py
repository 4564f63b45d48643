"""Give organisations that only report or act the role "source/authority" instead of "subject".

News outlets, agencies, governments, ministries, courts, regulators and international bodies are named in almost
every adverse article, as the reporter or the enforcer. Screening a client list against them would flood analysts
with hits, so they are marked; they stay in the watchlist and can still be searched.
"""
from __future__ import annotations

import re

SUBJECT = "subject"
SOURCE = "source/authority"

OUTLETS = {
    "reuters", "thomson reuters", "associated press", "ap", "afp", "agence france-presse", "agence france presse",
    "dpa", "bloomberg", "bloomberg news", "wall street journal", "the wall street journal", "wsj",
    "new york times", "the new york times", "nyt", "washington post", "financial times", "ft", "the economist",
    "bbc", "bbc news", "cnn", "cnbc", "fox news", "nbc", "nbc news", "abc", "abc news", "cbs", "cbs news", "npr",
    "the guardian", "guardian", "the times", "the telegraph", "daily telegraph", "the independent", "sky news",
    "dw", "deutsche welle", "al jazeera", "xinhua", "tass", "interfax", "ria novosti", "kyodo", "yonhap",
    "nikkei", "south china morning post", "politico", "axios", "the atlantic", "forbes", "fortune", "time",
    "newsweek", "usa today", "los angeles times", "la times", "der spiegel", "le monde", "el pais", "bild",
    "daily mail", "the sun", "the mirror", "press association", "pa", "upi", "efe", "ansa", "anadolu",
    "occrp", "icij", "propublica", "global witness", "transparency international", "radio free europe",
    "voice of america", "cbc", "abc australia", "channel 4 news", "itv news", "itv", "radio 4", "bbc radio",
}
AUTHORITIES = {
    "white house", "the white house", "kremlin", "the kremlin", "pentagon", "the pentagon", "congress",
    "senate", "house of representatives", "house of commons", "house of lords", "parliament", "bundestag",
    "un", "united nations", "un security council", "united nations security council", "security council",
    "un general assembly", "united nations general assembly", "general assembly", "european union", "eu",
    "european commission", "european parliament", "council of the european union", "nato", "imf", "world bank",
    "wto", "who", "world health organization", "oecd", "fatf", "financial action task force", "interpol",
    "europol", "fbi", "cia", "nsa", "sec", "securities and exchange commission", "doj", "department of justice",
    "us department of justice", "justice department", "treasury", "us treasury", "treasury department",
    "ofac", "office of foreign assets control", "federal reserve", "fed", "bank of england", "ecb",
    "european central bank", "fca", "financial conduct authority", "serious fraud office", "sfo", "hmrc",
    "cps", "crown prosecution service", "metropolitan police", "scotland yard", "police", "supreme court",
    "high court", "home office", "foreign office", "state department", "us state department", "g7", "g20",
    "iaea", "international atomic energy agency", "icc", "international criminal court", "downing street",
    "number 10", "labour", "conservatives", "tories", "democrats", "republicans", "nhs", "eu commission",
    "national crime agency", "nca", "ministry of defence", "mod", "unicef", "unesco", "red cross", "opec",
    "bafin", "amf", "consob", "finma", "asic", "cftc", "finra", "fsa", "ofcom", "ofgem", "ofwat", "ofsted",
    "competition commission", "office of fair trading", "oft", "ftc", "federal trade commission", "irs",
    "internal revenue service", "dea", "atf", "homeland security", "mi5", "mi6", "gchq", "bundesbank",
    "european court of justice", "european court of human rights", "un human rights council", "nasa",
}
_PUBLIC_BODY = re.compile(
    r"\b(?:department|ministry|ministries|council|commission|court|tribunal|police|agency|parliament|senate|"
    r"congress|government|administration|authority|authorities|regulator|prosecutor'?s? office|attorney general|"
    r"office of|bureau|assembly|cabinet|treasury|customs|embassy|consulate|federal reserve|central bank|"
    r"secretariat|inspectorate|ombudsman|army|navy|air force|armed forces|military|coast guard|legislature)\b",
    re.IGNORECASE,
)
# French public bodies: "le Parquet national financier", "le ministère de l'Économie", "la gendarmerie".
_PUBLIC_BODY_FR = re.compile(
    r"\b(?:ministère|ministre|parquet|procureur|procureure|tribunal|cour d['’]\s?appel|cour de cassation|"
    r"cour des comptes|conseil d['’]\s?État|conseil constitutionnel|gendarmerie|préfecture|douanes?|police|"
    r"assemblée nationale|sénat|gouvernement|autorité|autorités|direction générale|brigade (?:financière|criminelle|d[eu]s?\b|d['’])|office central|"
    r"juge d['’]\s?instruction|pôle financier|mairie|conseil régional|conseil départemental)\b",
    re.IGNORECASE,
)
# French outlets and authorities known by name (keys as ``_key`` makes them, articles kept).
OUTLETS_FR = {"le monde", "le figaro", "libération", "liberation", "les échos", "les echos", "mediapart", "franceinfo",
              "france info", "france inter", "france 2", "france 3", "france 24", "france télévisions", "tf1", "bfmtv",
              "bfm tv", "lci", "rfi", "radio france", "le parisien", "l'obs", "l'express", "le point",
              "le canard enchaîné", "le canard enchaine", "ouest-france", "la tribune", "challenges", "l'humanité",
              "la croix", "le journal du dimanche", "jdd", "marianne", "le temps", "la libre belgique", "le soir",
              "rts", "agence france-presse"}
AUTHORITIES_FR = {"parquet national financier", "pnf", "parquet national antiterroriste", "pnat", "amf",
                  "autorité des marchés financiers", "acpr", "tracfin", "dgfip", "cour des comptes", "conseil d'état",
                  "conseil constitutionnel", "assemblée nationale", "sénat", "élysée", "l'élysée", "matignon",
                  "bercy", "quai d'orsay", "gendarmerie", "gendarmerie nationale", "police nationale",
                  "police judiciaire", "dgsi", "banque de france", "bce", "autorité de la concurrence", "cnil",
                  "oclciff", "ocrgdf", "office central de lutte contre la corruption et les infractions financières "
                  "et fiscales", "union européenne", "ue", "commission européenne", "onu", "otan", "douanes",
                  "douane", "parquet européen", "parquet", "tribunal correctionnel", "cour d'appel",
                  "cour de cassation", "gouvernement"}
_OUTLET_WORDS = re.compile(r"\b(?:news|times|post|journal|herald|gazette|tribune|telegraph|press|radio|"
                           r"television|tv|broadcasting|daily|weekly|magazine|newspaper)\b", re.IGNORECASE)


def _key(name: str) -> str:
    name = name.lower().replace("’", "'").replace(".", "")
    name = re.sub(r"^the\s+", "", name.strip())
    return " ".join(name.split())


_KNOWN_KEYS = frozenset(_key(n) for n in OUTLETS | AUTHORITIES | OUTLETS_FR | AUTHORITIES_FR)
# One-word outlet names that start the names of their sections; too ambiguous ones ("time", "the sun") are left out.
_OUTLET_FIRST_WORDS = frozenset({"bbc", "reuters", "bloomberg", "cnn", "cnbc", "afp", "xinhua", "nbc", "cbs",
                                 "itv", "sky", "dw", "tass", "interfax", "yonhap", "kyodo", "nikkei", "politico"})


def role_of(names: list[str], entity_type: str, reporting_share: float = 0.0) -> str:
    """Return the role of an entity from its names and the share of its mentions that report or act.

    Organisations named like outlets or public bodies, or that report/act in most of their mentions, are
    sources/authorities; people always stay subjects (a minister can be corrupt).
    """
    if entity_type != "organization":
        return SUBJECT
    keys = {_key(n) for n in names}
    if keys & _KNOWN_KEYS:
        return SOURCE
    # A section or channel of an outlet: "BBC Sport", "Reuters Health", "BBC Radio 4".
    if any(k.split()[0] in _OUTLET_FIRST_WORDS for k in keys if " " in k):
        return SOURCE
    if any(_PUBLIC_BODY.search(n) or _PUBLIC_BODY_FR.search(n) for n in names):
        return SOURCE
    if any(_OUTLET_WORDS.search(n) for n in names) and reporting_share >= 0.5:
        return SOURCE
    if reporting_share >= 0.75:
        return SOURCE
    return SUBJECT
