"""Finnish and English: every user-visible message translated, the language chosen as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import scenarios
from model.outcome import Outcome, Phase
from model.params import PARAMETERS
from verkosto import i18n, i18n_extract
from verkosto.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@pytest.fixture(scope="module")
def template():
    return i18n_extract.template()


@pytest.fixture(scope="module")
def finnish():
    return i18n.read_catalog("fi")


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    i18n.set_language("en")


def test_every_message_has_a_finnish_translation(template):
    gaps = i18n_extract.missing("fi", template)
    assert gaps == {"absent": [], "untranslated": [], "fuzzy": []}


def _translated(catalog, msgid: str, context: str | None = None) -> bool:
    message = catalog.get(msgid, context=context)
    return message is not None and bool(message.string) and not message.fuzzy


def test_declared_texts_are_in_the_catalog(finnish):
    """Parameter docs, outcome and phase names (iterated, never listed) and scenario texts."""
    missing = [info.name for info in PARAMETERS.values() if not _translated(finnish, info.doc)]
    missing += [f"outcome {o.value}" for o in Outcome
                if not _translated(finnish, o.value, i18n.OUTCOME_CONTEXT)]
    missing += [f"phase {p.value}" for p in Phase
                if not _translated(finnish, p.value, i18n.PHASE_CONTEXT)]
    for s in scenarios.all_scenarios():
        missing += [f"{s.name} title"] if not _translated(finnish, s.title) else []
        missing += [f"{s.name} description"] if not _translated(finnish, s.description) else []
    assert missing == []


def test_translations_keep_their_placeholders(finnish):
    """A renamed or dropped ``{placeholder}`` would raise (or lose a number) at run time."""
    broken = []
    for message in finnish:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        # A singular form may leave the count out ("joka viikko"); the plural keeps all.
        if any(not set(PLACEHOLDER.findall(text)) <= wanted for text in strings) \
                or set(PLACEHOLDER.findall(strings[-1])) != wanted:
            broken.append(ids[0])
    assert broken == []


def test_finnish_plurals_and_words():
    fi = i18n.translator("fi")
    assert fi.ngettext("{n} meeting held so far", "{n} meetings held so far", 1).format(n=1) \
        == "tähän mennessä 1 tapaaminen"
    assert fi.ngettext("{n} meeting held so far", "{n} meetings held so far", 2).format(n=2) \
        == "tähän mennessä 2 tapaamista"
    assert i18n.outcome_name(Outcome.FADED, fi) == "hiipunut"
    assert i18n.phase_name("decline", fi) == "hiipuminen"
    assert i18n.param_doc("facilitation", fi) == "Koordinaattorin fasilitointitaito"
    en = i18n.translator("en")
    assert en.ngettext("{n} meeting held so far", "{n} meetings held so far", 1).format(n=1) \
        == "1 meeting held so far"
    assert i18n.outcome_name("thriving", en) == "thriving"
    assert fi.number(1500.0, 0) == "1\u202f500" and fi.number(0.25) == "0,25"


NUMERALS = {"1,470.5": {"en": "1,470.5", "fi": "1\u202f470,5"},
            "+0.12": {"en": "+0.12", "fi": "+0,12"}, "2,000": {"en": "2,000", "fi": "2\u202f000"}}
"""English-formatted numbers and how each language writes them."""


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_prose_numbers_use_the_translators_separators(lang, monkeypatch):
    """analysis.text.localise had its own copy of Translator.numeral's separators: one
    definition now, with the same results."""
    from analysis.text import localise

    i18n.set_language(lang)
    t = i18n.translator(lang)
    for text, written in NUMERALS.items():
        assert localise(text) == t.numeral(text) == written[lang]
    # The one definition: a change to Translator.numeral reaches prose.
    monkeypatch.setattr(i18n.Translator, "numeral", lambda self, text: f"<{self.lang} {text}>")
    assert localise("1,470.5") == f"<{lang} 1,470.5>"


@pytest.mark.parametrize(("environ", "lang"), [
    ({}, "en"),
    ({"LANG": "fi_FI.UTF-8"}, "fi"),
    ({"LANG": "fi"}, "fi"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "fi_FI.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "fi_FI.UTF-8"}, "fi"),
    ({"LC_MESSAGES": "fi_FI", "LANG": "en_US"}, "fi"),
])
def test_language_from_environment(environ, lang):
    assert i18n.language_from_environment(environ) == lang


def test_scenarios_in_finnish_on_the_command_line(capsys):
    assert main(["scenarios", "no_coordination", "--lang", "fi"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no_coordination: Ei koordinointia")
    assert "verkosto hiipuu." in " ".join(out.split()) and "väitteet: S36" in out
    assert main(["scenarios", "--lang", "en"]) == 0
    assert "No coordination" in capsys.readouterr().out


def test_language_comes_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("LC_ALL", "fi_FI.UTF-8")
    assert main(["scenarios"]) == 0
    assert "Ei koordinointia" in capsys.readouterr().out


def test_every_command_takes_lang_and_refuses_an_unknown_one(capsys):
    from verkosto.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    without = [name for name, sub in subparsers.choices.items()
               if not any("--lang" in a.option_strings for a in sub._actions)]
    assert without == []
    with pytest.raises(SystemExit) as stop:
        main(["scenarios", "--lang", "sv"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lang" in err


def test_help_follows_lang(capsys):
    with pytest.raises(SystemExit):
        main(["dashboard", "--help", "--lang", "fi"])
    assert "Käynnistä kouluttajan näkymä" in capsys.readouterr().out


def test_the_model_never_imports_the_translation_machinery():
    offenders = [p.name for p in (ROOT / "model").glob("*.py")
                 if re.search(r"^\s*(import|from)\s+(gettext|babel|verkosto)\b",
                              p.read_text(), re.MULTILINE)]
    assert offenders == []


GLOSSARY: tuple[tuple[str, re.Pattern[str], re.Pattern[str], re.Pattern[str]], ...] = (
    # (concept, English that names it, Finnish every translation of it must contain,
    #  Finnish no translation may contain)
    ("scenario", re.compile(r"\bscenarios?\b", re.I), re.compile(r"tilan(ne|te)", re.I),
     re.compile(r"skenaari(?!oiden löytäminen)", re.I)),
    ("starting relationships kept",
     re.compile(r"starting relationships|relationships (kept|still alive)", re.I),
     re.compile(r"\balun suhte", re.I),
     re.compile(r"alkuperäisistä suhteista|yhä elossa|säilyneet suhteet", re.I)),
    ("knowledge coverage", re.compile(r"knowledge coverage", re.I),
     re.compile(r"\btiedon kattavuu", re.I),
     re.compile(r"organisaatioiden tuntemu|tietämyksen kattavuu", re.I)),
    ("innovations / new practices",
     re.compile(r"\binnovations\b|\bnew practices?\b|innovation output|more innovation\b",
                re.I),
     re.compile(r"\b(uu(si|det|sia|den|sien)|uudenlai\w*) käytän", re.I),
     re.compile(r"innovaatio", re.I)),
)
"""One Finnish term per concept, as the scenario descriptions read aloud to a room say it
(the views said Skenaario and Tilanne, three names for the starting relationships kept, two
for knowledge coverage, innovaatiot and uudet käytännöt)."""

NOT_THE_CONCEPT = re.compile(r"'(verkosto|\{prog\}) scenarios'|\{scenario\}|Scenario discovery")
"""English that names no scenario: the command's name, a placeholder, the PRIM method's name."""


@pytest.mark.parametrize("concept", [entry[0] for entry in GLOSSARY])
def test_one_finnish_term_per_concept(finnish, concept):
    _, english, term, other = next(entry for entry in GLOSSARY if entry[0] == concept)
    wrong: list[tuple[str, str]] = []
    for message in finnish:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names_it = any(english.search(NOT_THE_CONCEPT.sub("", text)) for text in ids)
        for text in strings:
            if (names_it and not term.search(text)) or other.search(text):
                wrong.append((ids[0][:70], text[:90]))
    assert wrong == []
