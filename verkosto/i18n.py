"""Finnish and English for everything a user reads: gettext catalogs read through Babel.

Every user-visible string of the front door (the ``verkosto`` command and the
dashboard) is a gettext message whose msgid is the English text. The
catalogs are ``verkosto/locale/<lang>/LC_MESSAGES/verkosto.po`` in the
repository; ``scripts/update_catalogs.py`` extracts the msgids (Babel's Python
extractor over ``verkosto/`` plus the model's parameter docs, the outcome and
phase names and the shipped scenarios' titles and descriptions) and merges
them into the catalogs, where a translator fills in the Finnish.

**Why the catalogs are compiled in memory at load time** (rather than ``.mo``
files built by the set-up or a setuptools hook): the ``.po`` file is then the
only truth, so an edited translation shows at the next start without a build
step, a fresh clone's ``make run``/``make test`` need nothing beyond the
editable install, and no generated file can go stale or be forgotten in a
commit. Babel parses a catalog of a few hundred messages in milliseconds
and writes it as an in-memory ``.mo`` that Python's own
:class:`gettext.GNUTranslations` reads, so plural rules come from the
catalog's ``Plural-Forms`` header exactly as with compiled files. Each
language is read once per process (:func:`translator` is cached).

The model never imports this module: the front door translates what the
model reports (an outcome, a phase, a parameter's English doc string) on the
way out, with :func:`outcome_name`, :func:`phase_name`, :func:`param_doc`.

Two ways to use it:

- the command line calls :func:`set_language` once (from ``--lang``, see
  :func:`add_language_argument`) and then the module functions :func:`_`,
  :func:`ngettext` and :func:`pgettext`;
- the dashboard, where every browser session may speak its own language,
  holds a :class:`Translator` per session from :func:`translator`.
"""

from __future__ import annotations

import argparse
import functools
import gettext
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DOMAIN = "verkosto"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the catalogs live: ``LOCALE_DIR/<lang>/LC_MESSAGES/verkosto.po``."""

LANGUAGES: dict[str, str] = {"en": "English", "fi": "suomi"}
"""Languages offered, each named in itself (as a language switch shows them)."""

DEFAULT_LANGUAGE = "en"
"""Used when neither ``--lang`` nor the environment names an offered language."""

ENVIRONMENT_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the language is read from, in POSIX order of precedence."""

OUTCOME_CONTEXT = "outcome"
PHASE_CONTEXT = "phase"
STATUS_CONTEXT = "status"
UNIT_CONTEXT = "unit"
SOURCE_CONTEXT = "source"
"""Message contexts of enum values, so that one English word may be two Finnish ones."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (a module-level constant)."""
    return message


class Translator:
    """One language's messages.

    Args:
        lang: A language code from :data:`LANGUAGES`.
        translations: The compiled catalog (``None``: the English msgids as they are).
    """

    def __init__(self, lang: str, translations: gettext.NullTranslations | None = None):
        self.lang = lang
        self._t = translations if translations is not None else gettext.NullTranslations()

    def gettext(self, message: str) -> str:
        """The message in this language (the English msgid where it has no translation)."""
        return self._t.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, by the language's plural rule."""
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """The message in a context (``outcome``, ``phase``, ``status``)."""
        return self._t.pgettext(context, message)

    def number(self, value: float, decimals: int = 2) -> str:
        """A number as the language writes it (``1,500.25`` in English; ``1 500,25`` in
        Finnish, with a narrow no-break space), as ``analysis.text`` writes it.
        """
        return self.numeral(f"{value:,.{decimals}f}")

    def numeral(self, text: str) -> str:
        """A number formatted the English way (``1,470.5``) as the language writes it
        (``1 470,5`` in Finnish, with a narrow no-break space): the format string decides
        the digits, this only the separators.
        """
        return text.replace(",", "\u202f").replace(".", ",") if self.lang == "fi" else text

    def percent(self, share: float) -> str:
        """A share as a whole percentage (``42 %`` in Finnish, ``42%`` in English)."""
        return f"{share * 100:.0f}\u00a0%" if self.lang == "fi" else f"{share * 100:.0f}%"


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Any:
    """The Babel :class:`~babel.messages.catalog.Catalog` of a language, read from its ``.po``."""
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@functools.cache
def translator(lang: str) -> Translator:
    """The translator of a language, compiled once per process from its ``.po`` file.

    English is the msgids themselves, but still reads its catalog when there is
    one, so that plural forms and any wording fixed there apply.

    Args:
        lang: A language code from :data:`LANGUAGES`.

    Returns:
        The language's :class:`Translator`.

    Raises:
        ValueError: ``lang`` is not an offered language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    path = catalog_path(lang)
    if not path.exists():
        return Translator(lang)
    from babel.messages.mofile import write_mo

    catalog = read_catalog(lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translator(lang, gettext.GNUTranslations(buffer))


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The offered language the environment asks for (``LC_ALL``, then ``LC_MESSAGES``, then
    ``LANG``), else :data:`DEFAULT_LANGUAGE`.

    ``fi_FI.UTF-8``, ``fi`` and ``fi_FI`` all mean Finnish; ``C`` and ``POSIX`` mean
    English. The first variable that is set decides, as in POSIX.
    """
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


_current: list[Translator] = []


def set_language(lang: str | None) -> Translator:
    """Choose the language of this process's messages (``None``: from the environment).

    Returns:
        The translator now in use.
    """
    chosen = translator(lang or language_from_environment())
    _current[:] = [chosen]
    return chosen


def current() -> Translator:
    """The translator in use (chosen from the environment on first use)."""
    if not _current:
        set_language(None)
    return _current[0]


def _(message: str) -> str:
    """Translate a message into the current language."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count into the current language."""
    return current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a message in a context into the current language."""
    return current().pgettext(context, message)


def numeral(text: str) -> str:
    """An English-formatted number (``f"{x:,.1f}"``) as the current language writes it."""
    return current().numeral(text)


# --- what the model reports, translated at the front door --------------------------------


def _enum_words(context: str, value: Any, t: Translator | None) -> str:
    """An enum value in words: its translation, or in English the value with spaces for
    underscores (``shrunken_core`` reads "shrunken core").
    """
    key = str(getattr(value, "value", value))
    return (t or current()).pgettext(context, key).replace("_", " ")


def outcome_name(value: Any, t: Translator | None = None) -> str:
    """An outcome (``model.outcome.Outcome`` or its value) in words."""
    return _enum_words(OUTCOME_CONTEXT, value, t)


def phase_name(value: Any, t: Translator | None = None) -> str:
    """A life phase (``model.outcome.Phase`` or its value) in words."""
    return _enum_words(PHASE_CONTEXT, value, t)


def status_word(value: str, t: Translator | None = None) -> str:
    """A participant status (active, peripheral, dormant, left) in words."""
    return (t or current()).pgettext(STATUS_CONTEXT, value)


def unit_name(unit: str, t: Translator | None = None) -> str:
    """A parameter's declared unit (``EUR/month``, ``weeks``) as the language writes it."""
    return (t or current()).pgettext(UNIT_CONTEXT, unit) if unit else ""


def unit_after_number(unit: str, t: Translator | None = None) -> str:
    """A parameter's unit as it reads after a number: a rate in words ("a year",
    "vuodessa"), any other unit as :func:`unit_name` writes it (in a table's unit column or
    an axis label, ``1/year`` stays).
    """
    from model.params import RATE_WORDS  # (where the units are declared; the model loads late)

    t = t or current()
    return t.gettext(RATE_WORDS[unit]) if unit in RATE_WORDS else unit_name(unit, t)


def param_doc(name: str, t: Translator | None = None) -> str:
    """A parameter's meaning (its declared English ``doc``) in the current language.

    Args:
        name: A flat parameter name from ``model.params.PARAMETERS``.
        t: The translator; default the process's current one.
    """
    from model.params import PARAMETERS

    return (t or current()).gettext(PARAMETERS[name].doc)


def param_why(name: str, t: Translator | None = None) -> str:
    """Why a parameter's plausible range is what it is (its declared English ``why``), in the
    current language; "" for a lever.
    """
    from model.params import PARAMETERS

    why = PARAMETERS[name].plausible_why
    return (t or current()).gettext(why) if why else ""


def param_source(name: str, t: Translator | None = None) -> str:
    """A parameter's source tag (a claim, a paper, "assumption") in the current language: the
    catalogs hold the tags with words in them (:func:`source_has_words`); claim ids and
    citations read the same in every language.
    """
    from model.params import PARAMETERS

    source = PARAMETERS[name].source
    return (t or current()).pgettext(SOURCE_CONTEXT, source) if source_has_words(source) \
        else source


def source_has_words(source: str) -> bool:
    """Whether a source tag has words to translate ("assumption", "literature (Slovic 1993)"),
    not only claim ids and citations ("S21; Provan & Kenis 2008").
    """
    import re

    return re.search(r"\b[a-z]{4,}\b", source) is not None


def scenario_title(scenario: Any, t: Translator | None = None) -> str:
    """A scenario's title (a ``scenarios.Scenario``) in the current language.

    A user's own file has no translation: its own text is shown as written.
    """
    return (t or current()).gettext(scenario.title) if scenario.title else ""


def scenario_description(scenario: Any, t: Translator | None = None) -> str:
    """A scenario's description in the current language (its own text where untranslated)."""
    return (t or current()).gettext(scenario.description) if scenario.description else ""


def word(message: Any, t: Translator | None = None) -> str:
    """A message another layer kept as an English template and fields (``scenarios.Text``,
    ``scenarios.Joined``), worded in the current language; anything else as ``str()`` says it.

    The scenarios' loader does not import this module: its errors carry the template (its
    msgid, extracted by :mod:`verkosto.i18n_extract`) and the fields, and the front door
    words them here, fields first (a field may be a message itself).
    """
    t = t or current()
    template = getattr(message, "template", None)
    if isinstance(template, str):
        fields = {name: word(value, t) for name, value in message.fields.items()}
        context = getattr(message, "context", None)
        wording = t.pgettext(context, template) if context else t.gettext(template)
        return wording.format(**fields)
    separator = getattr(message, "separator", None)
    if isinstance(separator, str):
        return t.gettext(separator).join(word(item, t) for item in message.items)
    return str(message)


def error_text(error: BaseException, t: Translator | None = None) -> str:
    """An error's message in the current language where it carries one as a ``text``
    (:func:`word`), else its own (English) message.
    """
    text = getattr(error, "text", None)
    return word(text, t) if text is not None else str(error)


# --- the shared --lang option -------------------------------------------------------------


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang fi|en`` to a subcommand; its default comes from the environment.

    The handler should call :func:`set_language` with ``args.lang`` before printing
    (``verkosto.cli.main`` does so for every command that has the option).
    """
    default = language_from_environment()
    names = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    parser.add_argument(
        "--lang", choices=tuple(LANGUAGES), default=default,
        help=_("language of the output: {names}; default from LC_ALL or LANG, else English "
               "(now: {default})").format(names=names, default=default))
