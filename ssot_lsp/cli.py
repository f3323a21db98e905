"""The `ssot-lsp` command line (SPEC §6): check, rules, serve, and the other subcommands.

Exit codes: 0 clean, 1 violations found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional, Sequence, Union

from .model import CANON_CODE, ConfigError, ConfigurationError, FileResult, Rule, Violation

if TYPE_CHECKING:
    from .config import Config
    from .runner import Discovery

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN


def build_parser() -> argparse.ArgumentParser:
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

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


OUTPUT_FORMATS = ("text", "concise", "full", "json", "json-lines", "junit", "gitlab", "pylint", "sarif", "github")

# Subcommands defined in other modules add themselves here (fix, report, baseline).
_EXTRA_COMMANDS: list = []


def add_file_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or folders (`-`: read the file from standard input)")
    parser.add_argument("--config", metavar="FILE", help="use this config file for every path")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOBS",
                        help="also exclude these gitignore-style patterns (comma-separated)")
    parser.add_argument("--extend-exclude", action="append", default=[], metavar="GLOBS",
                        help="the same as --exclude (ruff's spelling)")


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", action="append", default=[], metavar="IDS",
                        help="only these rule ids (comma-separated, prefixes allowed)")
    parser.add_argument("--ignore", action="append", default=[], metavar="IDS",
                        help="skip these rule ids (comma-separated, prefixes allowed)")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="read the file from standard input; PATH names it (for its config and output)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print violations only, no summary")
    parser.add_argument("-s", "--silent", action="store_true", help="print nothing; the exit code tells")
    parser.add_argument("--output-file", "-o", metavar="FILE", help="write the output to FILE")


def split_ids(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def report_errors(errors: list[ConfigError]) -> None:
    from .config import format_config_error
    from .runner import display_path

    for error in errors:
        shown = display_path(Path(error.path)) if error.path else error.path
        print(f"error: {format_config_error(error, shown)}", file=sys.stderr)


def warn(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "silent", False):
        print(f"warning: {message}", file=sys.stderr)


# -- discovery shared by check, fix, baseline and report ----------------------------
@dataclass
class Run:
    """The files a command works on, each with its config, and the selection it asked for."""

    discovery: Discovery
    selected: list[str]
    ignored: list[str]

    @property
    def configs(self) -> list[Config]:
        return list({config.path: config for _, config in self.discovery.files}.values())

    def rules(self) -> dict[str, Rule]:
        return {rule.id: rule for config in self.configs for rule in config.rules}


def prepare(args: argparse.Namespace) -> Union[Run, int]:
    """Discover the files `args.paths` names and check the configuration; an exit code on error.

    Not silent about anything it leaves out: files named but not checked, files no config
    governs, and a run where no file is governed at all (an error: exit 2).
    """
    from .runner import discover

    forced = Path(args.config).resolve() if getattr(args, "config", None) else None
    discovery = discover(args.paths, forced, tuple(split_ids(args.exclude + args.extend_exclude)))
    run = Run(discovery, split_ids(getattr(args, "select", [])), split_ids(getattr(args, "ignore", [])))
    errors = discovery.errors or _registry_problems(run.configs)
    if errors:
        report_errors(errors)
        return EXIT_ERROR
    for path, reason in discovery.skipped:
        warn(args, f"{path}: not checked: {reason}")
    if discovery.unconfigured and not discovery.files:
        report_no_config(args.paths)
        return EXIT_ERROR
    if discovery.unconfigured:
        from .runner import display_path

        count = len(discovery.unconfigured)
        warn(args, f"{count} Python file{'s' if count != 1 else ''} not governed by any ssot-lsp "
                   f"configuration, not checked (e.g. {display_path(Path(discovery.unconfigured[0]))})")
    if discovery.files and not check_selection(run, run.rules()):
        return EXIT_ERROR
    return run


def report_no_config(paths: Sequence[str]) -> None:
    """Exit-2 message of a run where no file is governed: where the lookup went, and a likely typo."""
    from .config import near_miss_tables

    for raw in paths:
        absolute = Path(os.path.abspath(raw))
        folder = absolute if absolute.is_dir() else absolute.parent
        print(f"error: no ssot-lsp configuration found for {raw}: looked for ssot.toml, or pyproject.toml "
              f"with a [tool.ssot-lsp] table, in {folder} and every folder above it", file=sys.stderr)
        for file, table in near_miss_tables(folder):
            print(f"hint: {file} has [{table}]; the table ssot-lsp reads is [tool.ssot-lsp]", file=sys.stderr)


def load_governing_config(path: Path, forced: Optional[str], shown: str) -> Union[Config, int]:
    """The config `--config` names, else the one governing `path`; an exit code (after saying why) if none loads."""
    from .config import find_config_file, load_config

    config_path = Path(forced).resolve() if forced else find_config_file(path if path.is_dir() else path.parent)
    if config_path is None:
        report_no_config([shown])
        return EXIT_ERROR
    try:
        return load_config(config_path)
    except ConfigurationError as exc:
        report_errors(exc.errors)
        return EXIT_ERROR


def check_selection(run: Run, rules: dict[str, Rule]) -> bool:
    """`--select` / `--ignore` name known rule ids or prefixes; False (after saying so) otherwise."""
    from .runner import READ_ERROR

    known = sorted(rules) + [CANON_CODE, READ_ERROR]
    good = True
    for option, codes in (("--select", run.selected), ("--ignore", run.ignored)):
        for code in codes:
            if not any(name.startswith(code) for name in known):
                print(f"error: {option} {code}: no rule has this id or prefix (known: {', '.join(known)})",
                      file=sys.stderr)
                good = False
    return good


def _registry_problems(configs) -> list[ConfigError]:
    from .engine import registry_for

    problems: list[ConfigError] = []
    for config in configs:
        registry = registry_for(config)
        _ = registry.canonical  # reading the canonical modules reports missing ones
        problems.extend(registry.problems)
    return problems


# -- check ----------------------------------------------------------------------------
def check_one(item: tuple[Path, Path]) -> FileResult:
    """Check one file with the config at the given path (runs in worker processes)."""
    from .config import load_config
    from .engine import analyze, registry_for
    from .source import DecodeError, decode, read_source

    path, config_path = item
    try:
        data = read_source(path)
        _check_decodable(data)  # before the pre-filter: an undecodable file is an error, never skipped
        config = load_config(config_path)
        registry = registry_for(config)
        # Most files of a large codebase never mention the registry's names: skip parsing them.
        if not batch_prefilter(registry).may_violate(data, registry.workspace.module_name(path)[0]):
            return FileResult(str(path), ())
        decoded = decode(data)
    except (OSError, DecodeError) as exc:
        return FileResult(str(path), error=str(exc))
    try:
        violations = analyze(decoded.text, path, config, findings_only=True).violations
    except RecursionError:
        return FileResult(str(path), error="too deeply nested to analyse")
    if any(v.fix is not None for v in violations):
        # What `fix` will do is decided on a full analysis (SPEC §12: "auto" is a promise).
        try:
            violations = analyze(decoded.text, path, config).violations
        except RecursionError:  # found, but too deep for the fix planner (and for `fix`)
            violations = [replace(v, fix=None) for v in violations]
    return FileResult(str(path), tuple(violations))


def _check_decodable(data: bytes) -> None:
    """Raise DecodeError when `data` does not decode; a plain UTF-8 check unless a coding line is there."""
    from .source import decode

    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    if b"coding" not in (data if second < 0 else data[:second]):
        if data.isascii():  # most files: no decoding needed to know
            return
        try:
            data.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
    decode(data)  # raises DecodeError with the reason


def check_files(args: argparse.Namespace, run: Run, label: str) -> list[FileResult]:
    from .runner import Progress, parallel_map

    _compile_prefilters(run.configs)
    items = [(path, config.path) for path, config in run.discovery.files]
    progress = Progress(label, enabled=False) if getattr(args, "silent", False) else Progress(label)
    return parallel_map(check_one, items, args.jobs, progress)


def _compile_prefilters(configs) -> None:
    """Build each registry's pre-filter once, before the worker processes start (they inherit it)."""
    from .engine import registry_for

    for config in configs:
        batch_prefilter(registry_for(config))


def batch_prefilter(registry):
    """The registry's pre-filter, with the registry limited to its trigger names (prefilter.batch_filter)."""
    from .prefilter import batch_filter

    return batch_filter(registry)


def selected_violations(results: list[FileResult], run: Run) -> list[tuple[str, Violation]]:
    """(display path, violation) pairs that `--select` / `--ignore` keep, and every unreadable file."""
    from .runner import display_path, read_error, select

    found = []
    for result in results:
        shown = display_path(Path(result.path))
        if result.error:
            found.append((shown, read_error(result.error)))
        found.extend((shown, violation) for violation in select(result.violations, run.selected, run.ignored))
    return found


def sort_found(found: list[tuple[str, Violation]]) -> None:
    found.sort(key=lambda item: (item[0], item[1].span.start_line, item[1].span.start_col, item[1].code))


def run_check(args: argparse.Namespace) -> int:
    if args.stdin_filename or args.paths == ["-"]:
        from .cli_fix import check_stdin

        return check_stdin(args)
    if args.fix or args.diff:
        from .cli_fix import check_and_fix

        return check_and_fix(args)
    run = prepare(args)
    if isinstance(run, int):
        return run
    results = check_files(args, run, "checking")
    found = selected_violations(results, run)
    if args.phase:
        from .phases import only_phase

        found, problem = only_phase(found, args.phase, Path(args.config).resolve() if args.config else None)
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

                args.baseline_states = states(readable, Path(args.baseline))
            found = [item for item in found if item[1].code == READ_ERROR] + baseline.filter_new(
                readable, Path(args.baseline))
        except (OSError, ValueError) as exc:
            print(f"error: {args.baseline}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    sort_found(found)
    checked = sum(1 for result in results if not result.error)
    with output_stream(args):
        if args.statistics:
            print_statistics(found, run.rules(), args)
        else:
            FORMATS[args.output_format](found, args, checked)
    return EXIT_VIOLATIONS if found and not args.exit_zero else EXIT_CLEAN


@contextmanager
def output_stream(args: argparse.Namespace) -> Iterator[None]:
    """Standard output, or `--output-file`, or nowhere with `--silent`."""
    if getattr(args, "silent", False):
        with open(os.devnull, "w", encoding="utf-8") as sink, redirect_stdout(sink):
            yield
    elif getattr(args, "output_file", None):
        with open(args.output_file, "w", encoding="utf-8", newline="\n") as sink, redirect_stdout(sink):
            yield
    else:
        yield


def render_text(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
    from .render.text import render_text as render

    render(found, args, files)


def _renderer(module: str, name: str):
    def render(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
        import importlib

        getattr(importlib.import_module(f".render.{module}", __package__), name)(found, args, files)

    return render


FORMATS = {
    "text": render_text, "concise": render_text, "full": render_text,
    "json": _renderer("formats", "render_json"), "json-lines": _renderer("formats", "render_json_lines"),
    "junit": _renderer("formats", "render_junit"), "gitlab": _renderer("formats", "render_gitlab"),
    "pylint": _renderer("formats", "render_pylint"),
    "sarif": _renderer("sarif", "render_sarif"), "github": _renderer("github", "render_github"),
}


def print_statistics(found: list[tuple[str, Violation]], rules: dict[str, Rule], args: argparse.Namespace) -> None:
    """`--statistics`: the table (JSON rows with `--output-format json`)."""
    from .render.text import fixable, render_statistics, rule_text

    if args.output_format != "json":
        render_statistics(found, rules, args)
        return
    counts = Counter(v.code for _, v in found)
    first = {}
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
    config = load_governing_config(Path(args.path), args.config, args.path)
    if isinstance(config, int):
        return config
    config_path = config.path
    from .engine import registry_for

    rules = registry_for(config).all_rules  # the written rules, then the inferred ones in force
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
def add_report_commands(commands) -> None:
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
    config = Path(args.config).resolve() if args.config else None
    try:
        data = build_report(args.paths, config=config, jobs=args.jobs, progress=Progress("reporting"),
                            discovery=run.discovery).as_json()
    except ConfigurationError as exc:
        report_errors(exc.errors)
        return EXIT_ERROR
    from .render.html import render_html
    from .render.markdown import render_markdown

    write_report(data, args, render_html, render_markdown)
    return EXIT_CLEAN


def write_report(data, args: argparse.Namespace, html, markdown) -> None:
    """`data` as JSON, or through the `html` / `markdown` renderer, to `--output` or stdout."""
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = html(data) if args.format == "html" else markdown(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def run_baseline(args: argparse.Namespace) -> int:
    """Record the current violations; a file that cannot be read is reported and makes it exit 1."""
    from . import baseline
    from .runner import READ_ERROR

    run = prepare(args)
    if isinstance(run, int):
        return run
    found = selected_violations(check_files(args, run, "recording"), run)
    unreadable = [(path, v) for path, v in found if v.code == READ_ERROR]
    for path, violation in unreadable:
        print(f"{path}: error: {violation.message}", file=sys.stderr)
    output = Path(args.output)
    if args.update:
        from .ratchet import run_update

        return run_update([item for item in found if item[1].code != READ_ERROR], output)
    try:
        count = baseline.write([item for item in found if item[1].code != READ_ERROR], output)
    except OSError as exc:
        print(f"error: {output}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Recorded {count} violation{'s' if count != 1 else ''} in {output}.")
    return EXIT_VIOLATIONS if unreadable else EXIT_CLEAN


_EXTRA_COMMANDS.append(add_report_commands)


def _add_fix_command(commands) -> None:
    from .cli_fix import add_fix_command

    add_fix_command(commands)


_EXTRA_COMMANDS.append(_add_fix_command)


def add_infer_command(commands) -> None:
    from .infer.command import register  # `ssot-lsp infer` (SPEC §13)

    register(commands)


_EXTRA_COMMANDS.append(add_infer_command)


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

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("ssot-lsp")
    except Exception:
        return "unknown"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
