"""The `ssot-lsp` command line (SPEC §6): check, rules, serve, and the other subcommands.

Exit codes: 0 clean, 1 violations found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from .model import FIX_AUTO, FIX_MANUAL, ConfigError, ConfigurationError, FileResult, Violation

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
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--statistics", action="store_true", help="count violations per rule")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when violations are found")
    check.add_argument("--baseline", metavar="FILE", help="report only violations not in this baseline")
    check.add_argument("--phase", metavar="NAME", help="only the violations of this phase (SPEC §14)")
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


# Subcommands defined in other modules add themselves here (fix, report, baseline).
_EXTRA_COMMANDS: list = []


def add_file_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders")
    parser.add_argument("--config", metavar="FILE", help="use this config file for every path")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)")


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", action="append", default=[], metavar="IDS",
                        help="only these rule ids (comma-separated, prefixes allowed)")
    parser.add_argument("--ignore", action="append", default=[], metavar="IDS",
                        help="skip these rule ids (comma-separated, prefixes allowed)")


def split_ids(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def report_errors(errors: list[ConfigError]) -> None:
    for error in errors:
        print(f"error: {error}", file=sys.stderr)


# -- check ----------------------------------------------------------------------------
def check_one(item: tuple[Path, Path]) -> FileResult:
    """Check one file with the config at the given path (runs in worker processes)."""
    from .config import load_config
    from .engine import analyze, registry_for
    from .source import DecodeError, decode

    path, config_path = item
    try:
        data = path.read_bytes()
        config = load_config(config_path)
        registry = registry_for(config)
        # Most files of a large codebase never mention the registry's names: skip parsing them.
        if not batch_prefilter(registry).may_violate(data, registry.workspace.module_name(path)[0]):
            return FileResult(str(path), ())
        decoded = decode(data)
    except (OSError, DecodeError) as exc:
        return FileResult(str(path), error=str(exc))
    try:
        checked = analyze(decoded.text, path, config, findings_only=True)
        if any(v.fix is not None for v in checked.violations):
            # What `fix` will do is decided on a full analysis (SPEC §12: "auto" is a promise).
            checked = analyze(decoded.text, path, config)
    except RecursionError:
        return FileResult(str(path), error="too deeply nested to analyse")
    return FileResult(str(path), tuple(checked.violations))


def collect(args: argparse.Namespace, label: str) -> tuple[list[FileResult], list[ConfigError]]:
    """Discover and check the files `args.paths` names; configuration errors come back too."""
    from .runner import Progress, discover, parallel_map

    forced = Path(args.config).resolve() if getattr(args, "config", None) else None
    discovery = discover(args.paths, forced)
    if discovery.errors:
        return [], discovery.errors
    registry_errors = _registry_problems({config.path: config for _, config in discovery.files}.values())
    if registry_errors:
        return [], registry_errors
    _compile_prefilters({config.path: config for _, config in discovery.files}.values())
    items = [(path, config.path) for path, config in discovery.files]
    results = parallel_map(check_one, items, args.jobs, Progress(label))
    return results, []


def _compile_prefilters(configs) -> None:
    """Build each registry's pre-filter once, before the worker processes start (they inherit it)."""
    from .engine import registry_for

    for config in configs:
        batch_prefilter(registry_for(config))


def batch_prefilter(registry):
    """The registry's pre-filter, with the registry limited to its trigger names.

    Built in the parent before the workers fork; a worker started another way (spawn)
    builds it on its first file.
    """
    from .prefilter import prefilter_for

    prefilter = prefilter_for(registry)
    if registry.relevant is None and prefilter.enabled:
        registry.limit_to(frozenset(prefilter.triggers))
    return prefilter


def _registry_problems(configs) -> list[ConfigError]:
    from .engine import registry_for

    problems: list[ConfigError] = []
    for config in configs:
        registry = registry_for(config)
        _ = registry.canonical  # reading the canonical modules reports missing ones
        problems.extend(registry.problems)
    return problems


def selected_violations(results: list[FileResult], args: argparse.Namespace) -> list[tuple[str, Violation]]:
    """(display path, violation) pairs that `--select` / `--ignore` keep."""
    from .runner import display_path, select

    selected, ignored = split_ids(args.select), split_ids(args.ignore)
    found = []
    for result in results:
        kept = select(result.violations, selected, ignored)
        if kept:
            shown = display_path(Path(result.path))
            found.extend((shown, violation) for violation in kept)
    return found


def run_check(args: argparse.Namespace) -> int:
    from .runner import display_path

    results, errors = collect(args, "checking")
    if errors:
        report_errors(errors)
        return EXIT_ERROR
    for result in results:
        if result.error:
            print(f"{display_path(Path(result.path))}: error: {result.error}", file=sys.stderr)
    found = selected_violations(results, args)
    if args.phase:
        from .phases import only_phase

        found, problem = only_phase(found, args.phase, Path(args.config).resolve() if args.config else None)
        if problem:
            print(f"error: --phase: {problem}", file=sys.stderr)
            return EXIT_ERROR
    if args.baseline:
        from . import baseline

        try:
            if args.format == "sarif":  # every result with its baselineState (SPEC §14)
                from .ratchet import states

                args.baseline_states = states(found, Path(args.baseline))
            found = baseline.filter_new(found, Path(args.baseline))
        except (OSError, ValueError) as exc:
            print(f"error: {args.baseline}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    found.sort(key=lambda item: (item[0], item[1].span.start_line, item[1].span.start_col, item[1].code))
    render = FORMATS.get(args.format)
    if render is None:
        print(f"error: --format {args.format} is not available", file=sys.stderr)
        return EXIT_ERROR
    render(found, args, len(results))
    if args.statistics and args.format == "text":
        print_statistics(found)
    return EXIT_VIOLATIONS if found and not args.exit_zero else EXIT_CLEAN


def violation_record(path: str, violation: Violation) -> dict:
    """One violation as the JSON output describes it (SPEC §11): 1-based, end exclusive."""
    span = violation.span
    return {
        "file": path,
        "line": span.start_line + 1,
        "column": span.start_col + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_col + 1,
        "code": violation.code,
        "message": violation.message,
        "severity": violation.severity,
        "fix": violation.fix,
    }


def render_text(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
    for path, violation in found:
        span = violation.span
        print(f"{path}:{span.start_line + 1}:{span.start_col + 1}: {violation.code} {violation.message}")
    if not found:
        print(f"All checks passed ({files} file{'s' if files != 1 else ''} checked).")
        return
    auto = sum(1 for _, v in found if v.fix == FIX_AUTO)
    manual = sum(1 for _, v in found if v.fix == FIX_MANUAL)
    in_files = len({path for path, _ in found})
    print(
        f"Found {len(found)} violation{'s' if len(found) != 1 else ''} in {in_files} "
        f"file{'s' if in_files != 1 else ''} ({files} checked); "
        f"{auto} fixable with `ssot-lsp fix`, {manual} need manual arguments."
    )


def render_json(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
    json.dump([violation_record(path, v) for path, v in found], sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def render_sarif(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
    from .render.sarif import render_sarif as render

    render(found, args, files)


def render_github(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int) -> None:
    from .render.github import render_github as render

    render(found, args, files)


FORMATS = {"text": render_text, "json": render_json, "sarif": render_sarif, "github": render_github}


def print_statistics(found: list[tuple[str, Violation]]) -> None:
    counts = Counter(v.code for _, v in found)
    fixable = Counter(v.code for _, v in found if v.fix == FIX_AUTO)
    print()
    for code, count in counts.most_common():
        marker = "[*]" if fixable[code] == count else ("[-]" if fixable[code] else "   ")
        print(f"{count:6d}  {code:<12} {marker}")


# -- rules ----------------------------------------------------------------------------
def run_rules(args: argparse.Namespace) -> int:
    from .config import find_config_file, load_config

    config_path = Path(args.config) if args.config else find_config_file(Path(args.path))
    if config_path is None:
        print(f"error: no ssot.toml or [tool.ssot-lsp] found from {args.path} upwards", file=sys.stderr)
        return EXIT_ERROR
    try:
        config = load_config(config_path)
    except ConfigurationError as exc:
        report_errors(exc.errors)
        return EXIT_ERROR
    if args.format == "json":
        json.dump([
            {"id": r.id, "kind": r.kind, "name": r.name, "replace": r.replace, "templates": list(r.templates),
             "severity": r.severity, "origin": r.origin}
            for r in config.rules
        ], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    print(f"# {config_path}")
    for rule in config.rules:
        target = rule.replacement or "(flag only)"
        origin = f"  [{rule.origin}]" if rule.origin.startswith("preset:") else ""
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
    config = Path(args.config).resolve() if args.config else None
    try:
        data = build_report(args.paths, config=config, jobs=args.jobs, progress=Progress("reporting")).as_json()
    except ConfigurationError as exc:
        report_errors(exc.errors)
        return EXIT_ERROR
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "html":
        from .render.html import render_html

        text = render_html(data)
    else:
        from .render.markdown import render_markdown

        text = render_markdown(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN


def run_baseline(args: argparse.Namespace) -> int:
    from . import baseline

    results, errors = collect(args, "recording")
    if errors:
        report_errors(errors)
        return EXIT_ERROR
    found = selected_violations(results, args)
    output = Path(args.output)
    if args.update:
        from .ratchet import run_update

        return run_update(found, output)
    try:
        count = baseline.write(found, output)
    except OSError as exc:
        print(f"error: {output}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Recorded {count} violation{'s' if count != 1 else ''} in {output}.")
    return EXIT_CLEAN


_EXTRA_COMMANDS.append(add_report_commands)


# -- fix ------------------------------------------------------------------------------
def add_fix_command(commands) -> None:
    fix = commands.add_parser("fix", help="apply every automatic fix (SPEC §4)")
    add_file_options(fix)
    add_selection_options(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes that may change behaviour (argument evaluation order)")
    fix.add_argument("--verify", metavar="CMD", help="keep only fixes after which CMD still exits 0 (SPEC §14)")
    fix.add_argument("--batch-size", type=int, default=8, metavar="N", help="with --verify: files per CMD run")
    fix.add_argument("--undo", action="store_true", help="restore the files of the last --verify run")
    fix.set_defaults(run=run_fix)


def run_fix(args: argparse.Namespace) -> int:
    """Fix files in place (or print the diff); exit 0 clean, 1 work left, 2 on errors."""
    from .fix_files import fix_file
    from .runner import Progress, discover, display_path, parallel_map

    if args.verify or args.undo:
        from .verify import run_verify

        return run_verify(args)
    forced = Path(args.config).resolve() if args.config else None
    discovery = discover(args.paths, forced)
    errors = discovery.errors or _registry_problems({c.path: c for _, c in discovery.files}.values())
    if errors:
        report_errors(errors)
        return EXIT_ERROR
    selected, ignored = split_ids(args.select), split_ids(args.ignore)
    items = [(path, config.path, not args.diff, display_path(path), selected, ignored, args.unsafe_fixes)
             for path, config in discovery.files]
    outcomes = parallel_map(fix_file, items, args.jobs, Progress("fixing"))
    return _fix_summary(outcomes, args.diff)


def _fix_summary(outcomes, diff: bool) -> int:
    from .runner import display_path

    applied = files = remaining = problems = 0
    for outcome in outcomes:
        shown = display_path(Path(outcome.path))
        if outcome.problem:
            problems += 1
            print(f"{shown}: error: {outcome.problem}", file=sys.stderr)
        if diff and outcome.diff:
            sys.stdout.write(outcome.diff)
        applied += outcome.applied
        files += bool(outcome.applied)
        remaining += len(outcome.remaining)
        for violation in outcome.manual:
            line, col = violation.span.start_line + 1, violation.span.start_col + 1
            print(f"{shown}:{line}:{col}: {violation.code} needs manual arguments: {violation.message}")
        for violation, reason in outcome.skipped:
            line, col = violation.span.start_line + 1, violation.span.start_col + 1
            print(f"{shown}:{line}:{col}: {violation.code} not fixed: {reason}")
        for violation, reason in outcome.unfixable:
            line, col = violation.span.start_line + 1, violation.span.start_col + 1
            print(f"{shown}:{line}:{col}: {violation.code} has no automatic fix: {reason}")
        for violation in outcome.unsafe:
            line, col = violation.span.start_line + 1, violation.span.start_col + 1
            print(f"{shown}:{line}:{col}: {violation.code} has an unsafe fix (apply with --unsafe-fixes)")
    manual = sum(len(o.manual) for o in outcomes)
    skipped = sum(len(o.skipped) for o in outcomes)
    verb = "Would fix" if diff else "Fixed"
    print(f"{verb} {applied} violation{'s' if applied != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
          f"{manual} need manual arguments, {skipped} skipped, {problems} file{'s' if problems != 1 else ''} "
          f"with errors, {remaining} violation{'s' if remaining != 1 else ''} left.", file=sys.stderr)
    if problems:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if remaining else EXIT_CLEAN


_EXTRA_COMMANDS.append(add_fix_command)


# -- serve ----------------------------------------------------------------------------
def run_serve(args: argparse.Namespace) -> int:
    try:
        from .lsp.startup import prepare

        prepare()  # before pygls and lsprotocol are imported (`ssot-lsp serve` and `python -m ssot_lsp`)
        from .lsp.server import serve
    except ImportError as exc:
        print(f"error: the language server needs `pip install ssot-lsp[lsp]` ({exc})", file=sys.stderr)
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
