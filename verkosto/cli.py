"""The ``verkosto`` command line: a thin dispatcher over subcommand modules.

Each subcommand lives in its own module listed in :data:`COMMAND_MODULES`. A
module exposes ``register(subparsers) -> None`` which adds its parser and sets
``func=handler`` with ``set_defaults``; ``handler(args)`` returns an exit status
(``None`` counts as 0). Subcommand modules keep heavy imports (the model,
pandas, matplotlib) inside their handlers so that ``verkosto --help`` is quick.

Bad input raises :class:`verkosto.errors.InputError`, the model's
``ParameterError`` or the scenarios' ``ScenarioError``; :func:`main` prints it
as one line ``verkosto: error: ...`` (``verkosto: virhe: ...`` in Finnish) on stderr and
returns exit status 2. Any
other exception is a bug and propagates with its traceback. A listed module
that fails to import is a bug too: it is not skipped.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from verkosto import i18n
from verkosto.errors import InputError

PROG = "verkosto"

COMMAND_MODULES: tuple[str, ...] = (
    "verkosto.cmd_run",
    "verkosto.cmd_scenarios",
    "verkosto.cmd_sweep",
    "verkosto.dashboard",
    "verkosto.animate",
    "verkosto.cmd_dock",
    "verkosto.cmd_budget",
    "verkosto.cmd_report",
    "verkosto.cmd_compare",
    "verkosto.cmd_patterns",
    "verkosto.cmd_ensemble",
)
"""Modules that each add their subcommand(s), in the order ``--help`` lists them."""

_SIMULATING = frozenset({
    "verkosto.cmd_run", "verkosto.dashboard", "verkosto.animate", "verkosto.cmd_dock",
    "verkosto.cmd_budget", "verkosto.cmd_compare", "verkosto.cmd_patterns",
    "verkosto.cmd_ensemble", "verkosto.cmd_sweep", "verkosto.cmd_report",
})
"""Modules whose commands may run the model in this process: they say when its compiled
code is being prepared (:mod:`verkosto.compiling`), the first time after installing."""

EXIT_OK = 0
EXIT_BAD_INPUT = 2
"""Exit status for bad input (the same status argparse uses for usage errors)."""
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl+C (128 + SIGINT), as shells report it."""
EXIT_BROKEN_PIPE = 141
"""Exit status when the reader of the output has gone (128 + SIGPIPE), as ``| head`` causes."""

# Where the other input-error classes live; they are only matched when their
# module is already imported (an error of a module never imported cannot occur),
# which keeps `verkosto --help` from importing the model.
_INPUT_ERROR_CLASSES: tuple[tuple[str, str], ...] = (
    ("model.params", "ParameterError"),
    ("scenarios", "ScenarioError"),
)


class Parser(argparse.ArgumentParser):
    """An argument parser that reports usage errors on one line and builds long texts lazily.

    Subcommand parsers made with ``subparsers.add_parser`` are of this class
    too. ``epilog`` may be a callable returning the text, so that a long help
    text generated from the model's declarations (which imports the model) is
    only built when that help is shown.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse words its headings and -h's help through its own gettext domain, which
        # has no Finnish: they are ours to say in the language chosen (set before parsers
        # are built, main), and "usage:" is said when the help is formatted.
        self.formatter_class = _speaking(self.formatter_class)
        self._positionals.title = i18n._("positional arguments")
        self._optionals.title = i18n._("options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = i18n._("show this help message and exit")

    def format_help(self) -> str:
        """Format the help, building a lazy epilog first."""
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem and exit with status 2, in the chosen language
        (argparse's own texts too, where they are among :data:`_ARGPARSE_TEXTS`).
        """
        named = _ARGUMENT_PREFIX.fullmatch(message)
        if named is not None:
            message = i18n._("argument {name}: {problem}").format(
                name=named.group("name"), problem=_argparse_text(named.group("problem")))
        else:
            message = _argparse_text(message)
        see = i18n._("(see '{command} --help')").format(command=self.prog)
        self.exit(EXIT_BAD_INPUT, error_line(f"{message} {see}") + "\n")


def error_line(message: str) -> str:
    """``verkosto: error: MESSAGE`` in the chosen language (argparse's prefix is English)."""
    return i18n._("{prog}: error: {message}").format(prog=PROG, message=message)


@functools.cache
def _speaking(formatter_class: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """``formatter_class`` (a command's own, e.g. raw description) saying "usage:" in the
    chosen language; one class per class given, so that parsers sharing one share this.
    """

    class Speaking(formatter_class):  # type: ignore[valid-type, misc]
        def add_usage(self, usage: str | None, actions: Any, groups: Any,
                      prefix: str | None = None) -> None:
            # argparse passes a prefix of its own ('') only where it wants none.
            super().add_usage(usage, actions, groups,
                              i18n._("usage: ") if prefix is None else prefix)

    return Speaking


_ARGUMENT_PREFIX = re.compile(r"argument (?P<name>\S+): (?P<problem>.*)", re.DOTALL)
"""How argparse names the option whose value it refused ("argument --port: ...")."""

_ARGPARSE_TEXTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"unrecognized arguments: (?P<args>.*)", re.DOTALL),
     i18n.N_("unrecognized arguments: {args}")),
    (re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.DOTALL),
     i18n.N_("invalid choice: {value} (choose from {choices})")),
    (re.compile(r"the following arguments are required: (?P<args>.*)", re.DOTALL),
     i18n.N_("the following arguments are required: {args}")),
    (re.compile(r"expected one argument"), i18n.N_("expected one argument")),
)
"""argparse's own refusals, which it words in English (its gettext domain is not ours), as
patterns of its messages and our msgids for them; anything else stays as argparse says it."""


def _argparse_text(message: str) -> str:
    """One of argparse's own refusals in the chosen language (as it is when not recognised)."""
    for pattern, msgid in _ARGPARSE_TEXTS:
        found = pattern.fullmatch(message)
        if found is not None:
            return i18n._(msgid).format(**found.groupdict())
    return message


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand in :data:`COMMAND_MODULES`.

    Returns:
        The ``verkosto`` argument parser.

    Raises:
        ImportError: A listed subcommand module cannot be imported (a bug).
        AttributeError: A listed module has no ``register`` function (a bug).
    """
    parser = Parser(
        prog=PROG,
        description=i18n._("verkosto: an agent-based simulation of networking work between "
                           "organisations (familiarity, trust, commitment)."),
        epilog=i18n._("Run '{prog} COMMAND --help' for the options of one command. "
                      "Quick start: '{prog} scenarios' lists the situations, "
                      "'{prog} run no_coordination --out out/nc' runs one.").format(prog=PROG),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                        help=i18n._("show the version number and exit"))
    # Also before the command ('verkosto --lang fi run'), which was refused as the command
    # 'fi'; a --lang after the command wins (main).
    parser.add_argument("--lang", dest="lang_before_command", choices=tuple(i18n.LANGUAGES),
                        default=None, metavar="{" + ",".join(i18n.LANGUAGES) + "}",
                        help=i18n._("language of the output, for any command (the same as "
                                    "the command's own --lang)"))
    subparsers = parser.add_subparsers(title=i18n._("commands"), dest="command",
                                       metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers)
    for command in subparsers.choices.values():
        _add_language(command)
    return parser


def _add_language(parser: argparse.ArgumentParser) -> None:
    """Give a command (and its own subcommands) ``--lang`` unless it already has it."""
    if not any("--lang" in action.option_strings for action in parser._actions):
        i18n.add_language_argument(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _add_language(sub)


def _language_in(argv: Sequence[str]) -> str | None:
    """The ``--lang`` given on the command line, read before the parser is built, so that
    the help texts are in that language too; the last one given, as the parser takes it
    (``verkosto --lang fi run --lang en`` speaks English).
    """
    found = None
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            found = argv[k + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def _version() -> str:
    """Return the installed package version, or ``unknown`` when not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROG)
    except PackageNotFoundError:
        return "unknown"


def _is_input_error(error: BaseException) -> bool:
    """Tell whether ``error`` is bad user input rather than a bug."""
    if isinstance(error, InputError):
        return True
    for module_name, class_name in _INPUT_ERROR_CLASSES:
        module = sys.modules.get(module_name)
        error_class = getattr(module, class_name, None) if module is not None else None
        if isinstance(error_class, type) and isinstance(error, error_class):
            return True
    return False


def _one_line(message: str) -> str:
    """Squeeze a message onto one line for stderr."""
    return " ".join(message.split())


def _chosen_parser(parser: argparse.ArgumentParser,
                   args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command given on the command line, or the top-level one."""
    command = getattr(args, "command", None)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``verkosto`` command line.

    Args:
        argv: Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns:
        The exit status: 0 on success, 2 on bad input, 130 after Ctrl+C.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    early = _language_in(words)
    i18n.set_language(early if early in i18n.LANGUAGES else None)
    parser = build_parser()
    args = parser.parse_args(words)
    before = getattr(args, "lang_before_command", None)
    given = sum(1 for word in words if word == "--lang" or word.startswith("--lang="))
    if before is not None and given == 1:  # not overridden after the command
        args.lang = before
    if getattr(args, "lang", None):
        i18n.set_language(args.lang)
    handler = getattr(args, "func", None)
    if handler is None:  # no command, or a command that needs a further subcommand
        _chosen_parser(parser, args).print_help(sys.stderr)
        return EXIT_BAD_INPUT
    if handler.__module__ in _SIMULATING:
        from verkosto import compiling

        compiling.announce()
    try:
        status = handler(args)
    except KeyboardInterrupt:
        print(f"{PROG}: " + i18n._("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `verkosto run | head -2`: the reader took what it wanted and left. The outputs are
        # written; say nothing more to the closed pipe (Python would print a traceback when
        # flushing it at exit).
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if not _is_input_error(error):
            raise
        print(error_line(_one_line(i18n.error_text(error))), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK if status is None else int(status)


if __name__ == "__main__":
    sys.exit(main())
