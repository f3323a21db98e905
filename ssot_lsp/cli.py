"""The `ssot-lsp` command line (SPEC §6): check, rules, serve, and the other subcommands.

This module parses arguments, reports what discovery left out, and renders; files are
found by `runner.discover` and checked by `batch.run_checks` (`batch.check_file` per file).

Exit codes: 0 clean, 1 violations found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

from .cli_common import (
    EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS, FORMATS, OUTPUT_FORMATS, Run, add_file_options, add_output_options,
    add_selection_options, load_governing_config, output_stream, prepare, report_errors, reported_rules,
    sort_found, write_report,
)
from .model import ConfigurationError, Rule, Violation

if TYPE_CHECKING:
    from .batch import Details, FileResult

if TYPE_CHECKING:
    pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # No option before the subcommand takes a value: the first other word names it.
    parser = build_parser(next((word for word in arguments if not word.startswith("-")), None))
    args = parser.parse_args(arguments)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; with `command` (the one about to run), the subcommands
    other modules define are left out unless it is theirs or unknown, so that `check` does not
    import fixing and inference to build parsers it will not use."""
    parser = argparse.ArgumentParser(
        prog="ssot-lsp",
        description="Enforce a single-source-of-truth import registry: check, fix, report, serve.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="report violations of the registry")
    add_file_options(check)
    add_selection_options(check)
    add_output_options(check)
    check.add_argument("--output-format", "--format", dest="output_format", choices=OUTPUT_FORMATS,
                       default="text", metavar="FORMAT",
                       help=f"output format: {', '.join(OUTPUT_FORMATS)} (default: text; concise is text)")
    check.add_argument("--statistics", action="store_true",
                       help="print a table of violation counts per rule instead of the violations")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when violations are found")
    check.add_argument("--exit-non-zero-on-fix", action="store_true",
                       help="with --fix: exit 1 when anything was fixed, even if nothing remains")
    check.add_argument("--baseline", metavar="FILE", help="report only violations not in this baseline")
    check.add_argument("--phase", metavar="NAME", help="only the violations of this phase ([[phases]] in the registry)")
    check.add_argument("--fix", action="store_true", help="apply automatic fixes, then report what remains")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="count (and with --fix, apply) fixes that may change behaviour too")
    check.add_argument("--add-noqa", action="store_true",
                       help="write `# ssot: ignore[CODE]` on the line of every current violation")
    check.add_argument("--no-color", action="store_true", help="no colours (also: NO_COLOR=1)")
    check.set_defaults(run=run_check)

    rules = commands.add_parser("rules", help="list the effective rules")
    rules.add_argument("path", nargs="?", default=".", help="file or folder whose config to show")
    rules.add_argument("--config", metavar="FILE", help="use this config file")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(run=run_rules)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    serve.set_defaults(run=run_serve)

    known = {*_CORE_COMMANDS, *(name for names in _EXTRA_COMMANDS for name in names)}
    for names, register in _EXTRA_COMMANDS.items():
        if command is None or command not in known or command in names:
            register(commands)
    return parser


_CORE_COMMANDS = ("check", "rules", "serve")  # defined above
# Subcommands defined further down or in other modules, by the names each registration adds.
_EXTRA_COMMANDS: dict[tuple[str, ...], Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = {}


# -- check ----------------------------------------------------------------------------
def check_files(args: argparse.Namespace, run: Run, label: str) -> list[FileResult]:
    from .batch import run_checks
    from .runner import Progress

    progress = Progress(label, enabled=False) if getattr(args, "silent", False) else Progress(label)
    return run_checks(run.discovery.store, [path for path, _ in run.discovery.files], args.jobs,
                      fixes=getattr(args, "output_format", None) == "sarif", progress=progress)


def selected_violations(results: list[FileResult], run: Run) -> tuple[list[tuple[str, Violation]], Details]:
    """(display path, violation) pairs that `--select` / `--ignore` keep, and every unreadable file;
    with what renderers need of the results."""
    from .batch import Details
    from .runner import display_path, read_error, select

    found = []
    details = Details(rules=run.rules())
    for result in results:
        if not (result.error or result.config_errors or result.violations or result.fixes):
            continue  # a clean file: nothing to show (and no display path to work out)
        shown = display_path(Path(result.path))
        if result.error:
            found.append((shown, read_error(result.error)))
        elif result.config_errors:  # the configuration changed on disk during the run
            found.append((shown, read_error("its configuration has errors: "
                                            + "; ".join(str(error) for error in result.config_errors))))
        found.extend((shown, violation) for violation in select(result.violations, run.selected, run.ignored))
        details.add(shown, result)
    return found, details


def run_check(args: argparse.Namespace) -> int:
    if args.stdin_filename or args.paths == ["-"]:
        from .cli_fix import check_stdin

        return check_stdin(args)
    if args.fix or args.diff:
        from .cli_fix import check_and_fix

        return check_and_fix(args, report=run_check)
    run = prepare(args)
    if isinstance(run, int):
        return run
    results = check_files(args, run, "checking")
    found, details = selected_violations(results, run)
    if args.phase:
        from .runner import only_phase

        found, problem = only_phase(found, args.phase, run.discovery.store)
        if problem:
            print(f"error: --phase: {problem}", file=sys.stderr)
            return EXIT_ERROR
    if args.add_noqa:
        from .cli_fix import add_noqa

        return add_noqa(args, found)
    if args.baseline:
        from . import baseline
        from .runner import READ_ERROR

        try:
            readable = [item for item in found if item[1].code != READ_ERROR]
            if args.output_format == "sarif":  # every result with its baselineState (SPEC §14)
                from .ratchet import states

                args.baseline_states = states(readable, Path(args.baseline), details.lines_of)
            found = [item for item in found if item[1].code == READ_ERROR] + baseline.filter_new(
                readable, Path(args.baseline), details.lines_of)
        except (OSError, ValueError) as exc:
            print(f"error: {args.baseline}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    sort_found(found)
    checked = sum(1 for result in results if not result.error)
    with output_stream(args):
        if args.statistics:
            print_statistics(found, run.rules(), args)
        else:
            details.rules = reported_rules(found, run.discovery.store)
            FORMATS[args.output_format](found, args, checked, details)
    return EXIT_VIOLATIONS if found and not args.exit_zero else EXIT_CLEAN


def print_statistics(found: list[tuple[str, Violation]], rules: dict[str, Rule], args: argparse.Namespace) -> None:
    """`--statistics`: the table (JSON rows with `--output-format json`)."""
    from .render.text import fixable, render_statistics, rule_text

    if args.output_format != "json":
        render_statistics(found, rules, args)
        return
    counts = Counter(v.code for _, v in found)
    first: dict[str, Violation] = {}
    for _, violation in found:
        first.setdefault(violation.code, violation)
    unsafe = bool(args.unsafe_fixes)
    rows = [{"code": code, "count": count,
             "fixable": sum(1 for _, v in found if v.code == code and fixable(v, unsafe)),
             "message": rule_text(code, rules.get(code), first[code])}
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


# -- rules ----------------------------------------------------------------------------
def run_rules(args: argparse.Namespace) -> int:
    from .configs import ConfigStore

    store = ConfigStore(Path(args.config).resolve() if args.config else None)
    config = load_governing_config(store, Path(args.path), args.path)
    if isinstance(config, int):
        return config
    config_path = config.path
    rules = store.registry(config).all_rules  # the written rules, then the inferred ones in force
    if args.format == "json":
        json.dump([
            {"id": r.id, "kind": r.kind, "name": r.name, "replace": r.replace, "templates": list(r.templates),
             "severity": r.severity, "origin": r.origin}
            for r in rules
        ], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    print(f"# {config_path}")
    for rule in rules:
        target = rule.replacement or "(flag only)"
        origin = f"  [{rule.origin}]" if rule.origin.startswith("preset:") else (
            "  [inferred]" if rule.id.startswith("INF-") else "")
        print(f"{rule.id:<12} {rule.kind:<7} {rule.severity:<11} {rule.name} -> {target}{origin}")
    return EXIT_CLEAN


# -- report and baseline --------------------------------------------------------------
def add_report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser("report", help="compliance report: score and breakdowns")
    add_file_options(report)
    report.add_argument("--format", choices=("markdown", "json", "html"), default="markdown")
    report.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    report.add_argument("--history", action="store_true", help="score and counts per commit of the git history")
    report.add_argument("--commits", type=int, metavar="N", help="with --history: the last N commits")
    report.add_argument("--since", metavar="YYYY-MM-DD", help="with --history: commits since this date")
    report.set_defaults(run=run_report)

    baseline = commands.add_parser("baseline", help="record current violations so --baseline reports new ones")
    add_file_options(baseline)
    add_selection_options(baseline)
    baseline.add_argument("--output", "-o", metavar="FILE", default=".ssot-baseline.json",
                          help="baseline file to write (default: .ssot-baseline.json)")
    baseline.add_argument("--update", action="store_true",
                          help="only remove the entries that no longer match (a ratchet); never add")
    baseline.set_defaults(run=run_baseline)


def run_report(args: argparse.Namespace) -> int:
    from .report import build_report
    from .runner import Progress

    if args.history or args.commits is not None or args.since:
        from .history import run_history

        return run_history(args)
    run = prepare(args)
    if isinstance(run, int):
        return run
    try:
        data = build_report(args.paths, jobs=args.jobs, progress=Progress("reporting"), discovery=run.discovery).as_json()
    except ConfigurationError as exc:
        report_errors(exc.errors)
        return EXIT_ERROR
    from .render.html import render_html
    from .render.markdown import render_markdown

    write_report(data, args, render_html, render_markdown)
    return EXIT_CLEAN


def run_baseline(args: argparse.Namespace) -> int:
    """Record the current violations; a file that cannot be read is reported and makes it exit 1."""
    from . import baseline
    from .runner import READ_ERROR

    run = prepare(args)
    if isinstance(run, int):
        return run
    found, details = selected_violations(check_files(args, run, "recording"), run)
    unreadable = [(path, v) for path, v in found if v.code == READ_ERROR]
    for path, violation in unreadable:
        print(f"{path}: error: {violation.message}", file=sys.stderr)
    output = Path(args.output)
    if args.update:
        from .ratchet import run_update

        return run_update([item for item in found if item[1].code != READ_ERROR], output, details.lines_of)
    try:
        count = baseline.write([item for item in found if item[1].code != READ_ERROR], output, details.lines_of)
    except OSError as exc:
        print(f"error: {output}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Recorded {count} violation{'s' if count != 1 else ''} in {output}.")
    return EXIT_VIOLATIONS if unreadable else EXIT_CLEAN


_EXTRA_COMMANDS[("report", "baseline")] = add_report_commands


def _add_fix_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .cli_fix import add_fix_command

    add_fix_command(commands)


_EXTRA_COMMANDS[("fix",)] = _add_fix_command


def add_infer_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .infer.command import register  # `ssot-lsp infer` (SPEC §13)

    register(commands)


_EXTRA_COMMANDS[("infer",)] = add_infer_command


# -- serve ----------------------------------------------------------------------------
def run_serve(args: argparse.Namespace) -> int:
    try:
        from .lsp.startup import prepare

        prepare()  # before pygls and lsprotocol are imported (`ssot-lsp serve` and `python -m ssot_lsp`)
        from .lsp.server import serve
    except ImportError as exc:
        # pygls, lsprotocol and jedi are ssot-lsp's own dependencies: one is missing or broken.
        print(f"error: the language server cannot load its libraries ({exc}); reinstall it with "
              f"`{sys.executable} -m pip install --force-reinstall ssot-lsp`", file=sys.stderr)
        return EXIT_ERROR
    serve(tcp=args.tcp, host=args.host, port=args.port)
    return EXIT_CLEAN


class _VersionAction(argparse.Action):
    """`--version`, reading the installed metadata only when asked (it is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS,
                 help: Optional[str] = None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Union[str, Sequence[Any], None], option_string: Optional[str] = None) -> None:
        from .meta import version

        print(f"{parser.prog} {version()}")
        parser.exit()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
