"""The ``giza`` command: global options, then one command from giza.commands."""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Sequence

import argh
from argh.assembling import NameMappingPolicy

from giza import __version__
from giza.commands import COMMANDS
from giza.errors import ConfigProblems, GizaError, UsageError, use_project_root
from giza.options import EXECUTORS, LEVELS, Options, use
from giza.problems import count_line


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not '{text}'")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0, not '{text}'")
    return value


# Short spellings that commands use for their own options: after the command they mean
# the command's option (`giza sphinx -f` is --fail-on-warning), so there only the long
# spelling of that global option is accepted.
TAKEN_SHORT = ("-f",)


def add_global_options(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """The global options. After the command (``giza sphinx -b html --force``) they default
    to SUPPRESS, so a value given before the command stays unless given again."""
    def add(*names: str, **kwargs) -> None:
        if after_command:
            names = tuple(n for n in names if n not in TAKEN_SHORT)
            kwargs["default"] = argparse.SUPPRESS
        parser.add_argument(*names, **kwargs)

    add("--level", choices=LEVELS, default="info", help="how much to print (default: info)")
    add("--jobs", "-j", type=_positive_int, default=0,
        help="parallel jobs (default: one per core)")
    add("--executor", choices=EXECUTORS, default="process",
        help="how tasks run (default: process)")
    add("--scheduler", default=None, metavar="ADDR",
        help="dask scheduler address, e.g. tcp://host:8786 (implies --executor dask)")
    add("--task-timeout", type=_seconds, default=None, metavar="SECONDS",
        help="stop a task's command after this many seconds (default: none)")
    add("--stall-timeout", type=_seconds, default=None, metavar="SECONDS",
        help="stop a task's command after this many seconds without output or CPU use; "
             "0 turns it off (default: 600)")
    add("--force", "-f", action="store_true",
        help="rebuild everything, ignoring what is up to date")
    add("--strict", action="store_true",
        help="treat every warning of the checks (unknown keys, what the original giza "
             "accepted) as an error")
    add("--conf", default=None, metavar="PATH",
        help="the build_conf.yaml to use (default: found from the cwd)")
    add("--no-wait", action="store_true",
        help="when another giza build of this project is running, exit 1 at once instead "
             "of waiting for it")


def make_parser() -> argh.ArghParser:
    parser = argh.ArghParser(
        prog="giza",
        description="Build every edition, language and format of a Sphinx documentation "
                    "project, in parallel, and publish it.")
    parser.add_argument("--version", action="version", version=f"giza {__version__}")
    add_global_options(parser)
    # Every command accepts the global options after its own arguments too.
    after = argparse.ArgumentParser(add_help=False)
    add_global_options(after.add_argument_group(
        "global options (also accepted before the command)"), after_command=True)
    # Each option's help says its default where it matters; argh's default formatter
    # would append "(default: -)" and print a bare "False" for flags.
    argh.add_commands(parser, COMMANDS, name_mapping_policy=NameMappingPolicy.BY_NAME_IF_KWONLY,
                      func_kwargs={"formatter_class": argparse.RawDescriptionHelpFormatter,
                                   "parents": [after]})
    return parser


def _call(function, namespace) -> int:
    kwargs = {}
    args: list = []
    for name, param in inspect.signature(function).parameters.items():
        value = getattr(namespace, name, param.default)
        if param.kind is param.VAR_POSITIONAL:
            args.extend(value or [])
        elif param.kind is param.POSITIONAL_OR_KEYWORD:
            args.append(value)
        else:
            kwargs[name] = value
    result = function(*args, **kwargs)
    return int(result or 0)


# Spellings of the original giza that its users' makefiles still type.
LEGACY_SPELLINGS = {"--serial_sphinx": "--serial-sphinx"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = [LEGACY_SPELLINGS.get(a, a) for a in (argv if argv is not None else sys.argv[1:])]
    try:
        function, namespace = argh.parse_and_resolve(parser, args)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error (2)
        return int(exc.code or 0)
    if function is None:
        parser.print_help()
        return 2
    use(Options(
        level=namespace.level,
        jobs=namespace.jobs,
        executor="dask" if namespace.scheduler else namespace.executor,
        scheduler=namespace.scheduler,
        force=namespace.force,
        strict=namespace.strict,
        conf=namespace.conf,
        no_wait=namespace.no_wait,
        command=" ".join(["giza", *args]),
        task_timeout=namespace.task_timeout,
        stall_timeout=namespace.stall_timeout,
    ))
    try:
        return _call(function, namespace)
    except ConfigProblems as exc:
        for problem in exc.problems:
            print(f"giza: {problem.level}: {problem.text}", file=sys.stderr)
        print(count_line(exc.problems), file=sys.stderr)
        return exc.exit_code
    except GizaError as exc:
        print(f"giza: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("giza: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    finally:
        use_project_root(None)  # set by load_config; one invocation's, not the next one's


__all__ = ["main", "make_parser", "UsageError"]
