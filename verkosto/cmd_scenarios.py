"""``verkosto scenarios``: list the shipped scenarios, or show one in full.

``verkosto scenarios`` prints one line per scenario, name first, then its
title; ``verkosto scenarios NAME`` (or ``--long``) adds the description, the
claims of the source text it illustrates and its parameter overrides. Titles
and descriptions are shown in the ``--lang`` language (the TOML's English text
is the msgid; a user's own file is shown as written).
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from verkosto import i18n
from verkosto.i18n import _

TEXT_WIDTH = 88
INDENT = "    "
NO_BREAK = "\u00a0"
"""Joins the parts of one setting while a line is wrapped (textwrap does not break there)."""


def register(subparsers: Any) -> None:
    """Add the ``scenarios`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.
    """
    parser = subparsers.add_parser(
        "scenarios",
        help=_("list the shipped scenarios (name, then title)"),
        description=_("List the shipped scenarios, one per line: name, then title. Name one "
                      "(or a scenario file) to see its description, the claims of the source "
                      "text it illustrates and its parameter overrides. Run one with "
                      "'verkosto run NAME'."),
    )
    parser.add_argument("name", nargs="?", metavar="SCENARIO_OR_FILE",
                        help=_("show this scenario in full"))
    parser.add_argument("-l", "--long", action="store_true",
                        help=_("show every scenario in full"))
    i18n.add_language_argument(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Handle ``verkosto scenarios``.

    Args:
        args: Parsed arguments.

    Returns:
        Exit status 0.

    Raises:
        scenarios.ScenarioError: A named scenario cannot be found or validated.
    """
    import scenarios

    chosen = [scenarios.info(args.name)] if args.name else scenarios.all_scenarios()
    if args.name or args.long:
        print("\n\n".join(full_text(s) for s in chosen))
    else:
        width = max(len(s.name) for s in chosen)
        for s in chosen:
            print(f"{s.name:<{width}}  {i18n.scenario_title(s)}")
    return 0


def full_text(scenario: Any) -> str:
    """A scenario in full: name and title, description, claims and overrides.

    Args:
        scenario: A :class:`scenarios.Scenario`.

    Returns:
        Several lines of text.
    """
    lines = [f"{scenario.name}: {i18n.scenario_title(scenario)}"]
    description = i18n.scenario_description(scenario)
    if description:
        lines += textwrap.wrap(description, TEXT_WIDTH, initial_indent=INDENT,
                               subsequent_indent=INDENT)
    if scenario.claims:
        lines.append(INDENT + _("claims: {claims}").format(claims=", ".join(scenario.claims)))
    if scenario.base:
        lines.append(INDENT + _("based on: {base}").format(base=scenario.base))
    if scenario.overrides:
        # A line breaks between settings, never inside one ("structure" / "= 0.9"): the
        # spaces within a setting are held together while wrapping.
        settings = ", ".join(f"{k} = {_value_text(v)}".replace(" ", NO_BREAK)
                             for k, v in scenario.overrides.items())
        lines += [line.replace(NO_BREAK, " ") for line in textwrap.wrap(
            _("overrides: {settings}").format(settings=settings), TEXT_WIDTH,
            initial_indent=INDENT, subsequent_indent=INDENT + INDENT)]
    else:
        lines.append(INDENT + _("overrides: none (the model's defaults)"))
    if scenario.path is not None:
        lines.append(INDENT + _("file: {path}").format(path=scenario.path))
    return "\n".join(lines)


def _value_text(value: Any) -> str:
    """A value as it would be written in TOML."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):  # also str-valued enums
        return f'"{value}"'
    return str(value)
