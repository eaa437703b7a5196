"""Extract every user-visible message into the catalogs: ``python -m verkosto.i18n_extract``.

Messages come from two kinds of place:

- the front door's code (``verkosto/*.py``) and the code that writes the
  analysis outputs (``analysis/*.py`` for reports, comparisons, budgets and
  figures; ``experiments/patterns.py`` for the pattern scorecard's titles,
  criteria and summaries; ``experiments/sweep.py``, ``sensitivity.py``,
  ``spec.py``, ``store.py`` and ``ensemble.py`` for what ``verkosto sweep``,
  ``sensitivity`` and ``ensemble`` print and the errors they report;
  ``scenarios/__init__.py`` for the scenario loader's errors, marked ``N_`` there and
  worded by :func:`verkosto.i18n.word`), through
  Babel's Python extractor with the usual
  gettext keywords (``_``, ``N_``, ``ngettext``, ``pgettext``);
- what the model and the scenarios declare in English, which the front door
  translates on the way out: each parameter's ``doc`` (from
  ``model.params.PARAMETERS``), unit, reason for its plausible range (``why``) and source
  tag where it has words (``assumption``), the outcome names (``model.outcome.Outcome``,
  iterated, never listed here), the life-phase names (``Phase``), participant
  statuses, and each shipped scenario's ``title`` and ``description`` (the
  TOML's English text is the msgid).

Without arguments it reports what the catalogs lack; ``--write`` merges the
template into ``verkosto/locale/<lang>/LC_MESSAGES/verkosto.po`` (new msgids
added untranslated, vanished ones made obsolete, existing translations kept)
and ``--template FILE`` writes the ``.pot``. The test suite calls
:func:`template` and fails on any message missing from a catalog or without
its Finnish translation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from verkosto import i18n

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
SOURCES: tuple[str, ...] = ("verkosto", "analysis", "experiments/patterns.py",
                            "experiments/sweep.py", "experiments/sensitivity.py",
                            "experiments/spec.py", "experiments/store.py",
                            "experiments/ensemble.py", "scenarios/__init__.py",
                            "model/params.py")
"""Where user-visible messages are marked, relative to the repository: directories (every
``.py`` below) and single files."""
KEYWORDS = {"_": None, "N_": None, "t": None, "gettext": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}
"""Babel keyword specification: function name -> argument positions of msgid (and plural,
context). ``t`` is the dashboard's per-session translator, called like ``_``."""

STATUSES = ("active", "peripheral", "dormant", "left")
"""Participant statuses as the model names them (``model.agents.Status``)."""


def _code_messages(catalog: object) -> None:
    """Add the messages marked in the Python code of :data:`SOURCES`."""
    from babel.messages.extract import extract_from_dir, extract_from_file

    method_map = [("**.py", "python")]
    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            found = ((f"{source}/{filename}", lineno, message, comments, context)
                     for filename, lineno, message, comments, context in extract_from_dir(
                         str(path), method_map, keywords=KEYWORDS,
                         comment_tags=("TRANSLATORS:",)))
        else:
            found = ((source, lineno, message, comments, context)
                     for lineno, message, comments, context in extract_from_file(
                         "python", str(path), keywords=KEYWORDS,
                         comment_tags=("TRANSLATORS:",)))
        for where, lineno, message, comments, context in found:
            catalog.add(message, None, [(where, lineno)],  # type: ignore[attr-defined]
                        auto_comments=comments, context=context)


def _declared_messages(catalog: object) -> None:
    """Add the English texts that the model and the scenarios declare."""
    import scenarios
    from model.agents import Status
    from model.outcome import Outcome, Phase
    from model.params import PARAMETERS

    add = catalog.add  # type: ignore[attr-defined]
    for info in PARAMETERS.values():
        add(info.doc, None, [("model/params.py", 0)],
            auto_comments=[f"parameter {info.name} ({info.unit or 'no unit'})"])
    for info in PARAMETERS.values():
        if info.plausible_why:
            low, high = info.plausible
            add(info.plausible_why, None, [("model/params.py", 0)],
                auto_comments=[f"why parameter {info.name}'s plausible range is {low:g} to "
                               f"{high:g} ({info.unit or 'no unit'}); 'judgement' is the "
                               "modeller's own"])
    for source in sorted({info.source for info in PARAMETERS.values()}):
        if i18n.source_has_words(source):
            add(source, None, [("model/params.py", 0)],
                auto_comments=["where a parameter's value comes from"],
                context=i18n.SOURCE_CONTEXT)
    for unit in sorted({info.unit for info in PARAMETERS.values()} - {""}):
        add(unit, None, [("model/params.py", 0)], auto_comments=["a parameter's unit"],
            context=i18n.UNIT_CONTEXT)
    for outcome in Outcome:
        add(outcome.value, None, [("model/outcome.py", 0)], auto_comments=["outcome of a run"],
            context=i18n.OUTCOME_CONTEXT)
    for phase in Phase:
        add(phase.value, None, [("model/outcome.py", 0)],
            auto_comments=["life phase (Imperial et al. 2016)"], context=i18n.PHASE_CONTEXT)
    for status in sorted({s.name.lower() for s in Status} | set(STATUSES)):
        add(status, None, [("model/agents.py", 0)], auto_comments=["a participant's status"],
            context=i18n.STATUS_CONTEXT)
    for scenario in scenarios.all_scenarios():
        where = [(f"scenarios/{scenario.name}.toml", 0)]
        add(scenario.title, None, where, auto_comments=[f"title of scenario {scenario.name}"])
        if scenario.description:
            add(scenario.description, None, where,
                auto_comments=[f"description of scenario {scenario.name}, read aloud to a room"])


def template() -> object:
    """Every message the front door shows, as a Babel catalog template (no translations)."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="verkosto", domain=i18n.DOMAIN, charset="utf-8",
                      fuzzy=False)
    _code_messages(catalog)
    _declared_messages(catalog)
    return catalog


def missing(lang: str, pot: object | None = None) -> dict[str, list[str]]:
    """What a language's catalog lacks against the template.

    Returns:
        ``{"absent": [...], "untranslated": [...], "fuzzy": [...]}``: msgids (with their
        context as ``context|msgid``) that are not in the catalog, have an empty
        translation, or are marked fuzzy (a fuzzy translation is not used).
    """
    pot = pot if pot is not None else template()
    have = i18n.read_catalog(lang)
    out: dict[str, list[str]] = {"absent": [], "untranslated": [], "fuzzy": []}
    for message in pot:  # type: ignore[attr-defined]
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        label = f"{message.context}|{key}" if message.context else key
        found = have.get(message.id, context=message.context)
        if found is None:
            out["absent"].append(label)
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(strings):
            out["untranslated"].append(label)
        elif found.fuzzy:
            out["fuzzy"].append(label)
    return out


def write(lang: str, pot: object) -> Path:
    """Merge the template into a language's ``.po`` (creating it) and return its path."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = i18n.catalog_path(lang)
    if path.exists():
        catalog = i18n.read_catalog(lang)
    else:
        catalog = Catalog(locale=lang, domain=i18n.DOMAIN, project="verkosto", fuzzy=False)
    catalog.update(pot, no_fuzzy_matching=True)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False,
                 ignore_obsolete=True, include_lineno=False)
    return path


def main(argv: list[str] | None = None) -> int:
    """Report, or with ``--write`` merge, the catalogs against the code and declarations."""
    parser = argparse.ArgumentParser(prog="python -m verkosto.i18n_extract", description=__doc__)
    parser.add_argument("--write", action="store_true", help="merge new msgids into the .po files")
    parser.add_argument("--template", type=Path, help="also write the .pot template here")
    args = parser.parse_args(argv)
    pot = template()
    if args.template:
        from babel.messages.pofile import write_po

        with args.template.open("wb") as handle:
            write_po(handle, pot, width=100)  # type: ignore[arg-type]
    status = 0
    for lang in i18n.LANGUAGES:
        if args.write:
            print(f"wrote {write(lang, pot)}")
        if lang == i18n.DEFAULT_LANGUAGE:
            continue  # English is the msgids themselves
        gaps = missing(lang, pot)
        for kind, labels in gaps.items():
            for label in labels:
                print(f"{lang}: {kind}: {label[:100]}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
