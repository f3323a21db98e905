"""The commands that change text: `fix`, `check --fix/--diff`, `check --add-noqa`, and stdin (SPEC §6).

`fix` applies every automatic fix (unsafe ones only with `--unsafe-fixes`), writing each
file atomically or, with `--diff`, printing a unified diff; sites it leaves are listed with
their lines in the file as it is on disk. `check --fix` fixes, then reports what remains
like `check`. `--stdin-filename PATH -` reads the file from standard input: `check` reports
on it, `fix` (and `check --fix`) prints the fixed text. `--add-noqa` writes a
`# ssot: ignore[CODE]` comment on every current violation.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Union

from .cli_common import (
    EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS, FORMATS, Run, add_file_options, add_output_options,
    add_selection_options, check_selection, load_governing_config, output_stream, prepare, report_errors,
    reported_rules, sort_found, split_ids, warn,
)
from .model import FIX_UNSAFE, Violation
from .runner import Discovery

if TYPE_CHECKING:
    from .fix_files import FileFix
    from .registry import Registry
    from .source import Decoded, LineIndex


def add_fix_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fix = commands.add_parser("fix", help="apply every automatic fix")
    add_file_options(fix)
    add_selection_options(fix)
    add_output_options(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes that may change behaviour (arguments reordered or duplicated)")
    fix.add_argument("--verify", metavar="CMD", help="keep only the fixes after which CMD still exits 0 (bisecting failures)")
    fix.add_argument("--batch-size", type=int, default=8, metavar="N", help="with --verify: files per CMD run")
    fix.add_argument("--undo", action="store_true", help="restore the files of the last --verify run")
    fix.set_defaults(run=run_fix)


def run_fix(args: argparse.Namespace) -> int:
    """Fix files in place (or print the diff); exit 0 clean, 1 work left, 2 on errors."""
    if args.stdin_filename or args.paths == ["-"]:
        return fix_stdin(args)
    if args.verify or args.undo:
        from .verify import run_verify

        return run_verify(args)
    run = prepare(args)
    if isinstance(run, int):
        return run
    with output_stream(args):
        code, _ = fix_files(args, run, diff=args.diff)
    return code


def check_and_fix(args: argparse.Namespace, report: Callable[[argparse.Namespace], int]) -> int:
    """`check --fix` (fix, then `report` what remains: `check` itself) and `check --diff` (= `fix --diff`)."""
    run = prepare(args)
    if isinstance(run, int):
        return run
    if args.diff:  # as ruff's `check --diff`: exit 1 when there is anything to fix
        with output_stream(args):
            code, applied = fix_files(args, run, diff=True)
        return EXIT_VIOLATIONS if code == EXIT_CLEAN and applied else code
    code, applied = fix_files(args, run, diff=False)
    if code == EXIT_ERROR:
        return code
    args.fix = False
    code = report(args)
    if args.exit_non_zero_on_fix and applied and code == EXIT_CLEAN:
        return EXIT_VIOLATIONS
    return code


def fix_files(args: argparse.Namespace, run: Run, diff: bool) -> tuple[int, int]:
    """Fix (or diff) the run's files; (exit code, fixes applied)."""
    from .fix_files import fix_file
    from .runner import Progress, display_path, parallel_map

    unsafe = bool(getattr(args, "unsafe_fixes", False))
    items = [(path, not diff, display_path(path), run.selected, run.ignored, unsafe)
             for path, _ in run.discovery.files]
    progress = Progress("fixing", enabled=False) if getattr(args, "silent", False) else Progress("fixing")
    outcomes = parallel_map(fix_file, run.discovery.store, items, args.jobs, progress)
    return _fix_summary(outcomes, diff, unsafe, args)


def _fix_summary(outcomes: list[FileFix], diff: bool, unsafe_fixes: bool, args: argparse.Namespace) -> tuple[int, int]:
    from .runner import display_path

    applied = files = remaining = problems = hidden = 0
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
        hidden += 0 if unsafe_fixes else sum(1 for v in outcome.remaining if v.fix == FIX_UNSAFE)
        if getattr(args, "silent", False):
            continue
        # With --diff nothing was written: the sites' lines are given in the file as it is on disk.
        applied_diff = outcome.diff if diff else ""
        for violation in outcome.manual:
            print(f"{shown}:{_position(violation, applied_diff)}: {violation.code} needs manual arguments: "
                  f"{violation.message}")
        if outcome.not_parsed:
            print(f"{shown}: skipped: the file does not parse ({outcome.not_parsed}); no fix applied")
        for violation, reason in outcome.skipped:
            print(f"{shown}:{_position(violation, applied_diff)}: {violation.code} not fixed: {reason}")
        for violation, reason in outcome.unfixable:
            if not outcome.not_parsed:
                print(f"{shown}:{_position(violation, applied_diff)}: {violation.code} has no automatic fix: {reason}")
        if not unsafe_fixes:
            for violation in outcome.unsafe:
                print(f"{shown}:{_position(violation, applied_diff)}: {violation.code} has an unsafe fix "
                      "(apply it with --unsafe-fixes)")
    manual = sum(len(o.manual) for o in outcomes)
    skipped = sum(len(o.skipped) for o in outcomes) + sum(1 for o in outcomes if o.not_parsed)
    verb = "Would fix" if diff else "Fixed"
    unsafe_note = f", {hidden} more with --unsafe-fixes" if hidden else ""
    if not getattr(args, "silent", False):
        print(f"{verb} {_count(applied, 'violation')} in {_count(files, 'file')}; "
              f"{manual} need manual arguments, {skipped} skipped{unsafe_note}, {_count(problems, 'file')} "
              f"with errors, {_count(remaining, 'violation')} left.", file=sys.stderr)
    if problems:
        return EXIT_ERROR, applied
    return (EXIT_VIOLATIONS if remaining else EXIT_CLEAN), applied


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _position(violation: Violation, diff: str) -> str:
    """`line:col` of a violation of the fixed text, the line mapped back through `diff` (if any)."""
    return f"{line_on_disk(diff, violation.span.start_line) + 1}:{violation.span.start_col + 1}"


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def line_on_disk(diff: str, line: int) -> int:
    """The 0-based line of the original file that holds line `line` of the fixed text.

    Read from the unified diff between the two: outside hunks lines shift by the hunks
    before them; an added line maps to the original line it replaces.
    """
    shift = 0
    rows = diff.splitlines()
    index = 0
    while index < len(rows):
        match = _HUNK.match(rows[index])
        index += 1
        if not match:
            continue
        old, new = int(match.group(1)) - 1, int(match.group(3)) - 1
        old_count = int(match.group(2) or 1)
        if match.group(2) is not None and old_count == 0:
            old += 1  # an insertion hunk names the line before it
        if line < new:
            break
        while index < len(rows) and not rows[index].startswith("@@"):
            mark = rows[index][:1]
            if mark == " ":
                if new == line:
                    return old
                old, new = old + 1, new + 1
            elif mark == "-":
                old += 1
            elif mark == "+":
                if new == line:
                    return max(old - 1, 0) if _deleted_before(rows, index) else old
                new += 1
            index += 1
        shift = old - new
    return line + shift


def _deleted_before(rows: list[str], index: int) -> bool:
    """Whether the `+` row at `index` replaces `-` rows just above it."""
    back = index - 1
    while back >= 0 and rows[back].startswith("+"):
        back -= 1
    return back >= 0 and rows[back].startswith("-")


# -- standard input -----------------------------------------------------------------
@dataclass
class StdinFile:
    """The file read from standard input, and how to treat it."""

    name: str  # as given with --stdin-filename ("-" without it)
    data: bytes
    run: Run
    decoded: Optional[Decoded] = None
    error: Optional[str] = None  # why it cannot be decoded
    registry: Optional[Registry] = None  # None: excluded, passed through unchecked

    @property
    def path(self) -> Path:
        return Path(os.path.abspath(self.name))


def read_stdin(args: argparse.Namespace) -> Union[StdinFile, int]:
    """Standard input with the registry that governs `--stdin-filename`, or an exit code."""
    from .configs import ConfigStore, registry_problems
    from .source import DecodeError, decode

    name = args.stdin_filename or "-"
    store = ConfigStore(Path(args.config).resolve() if args.config else None)
    config = load_governing_config(store, Path(os.path.abspath(name)), name)
    if isinstance(config, int):
        return config
    registry = store.registry(config)
    problems = registry_problems(registry)
    if problems:
        report_errors(problems)
        return EXIT_ERROR
    run = Run(Discovery(store), split_ids(args.select), split_ids(args.ignore))
    if not check_selection(run, {rule.id: rule for rule in config.rules}):
        return EXIT_ERROR
    source = StdinFile(name, sys.stdin.buffer.read(), run)
    try:
        source.decoded = decode(source.data)
    except DecodeError as exc:
        source.error = str(exc)
        return source
    if config.is_excluded(source.path):
        warn(args, f"{name}: not checked: excluded by {config.path.name}")
    else:
        source.registry = registry
    return source


def check_stdin(args: argparse.Namespace) -> int:
    """`check --stdin-filename PATH -`: report on standard input as if it were PATH."""
    from .batch import Details, check_file
    from .runner import display_path, read_error, select

    source = read_stdin(args)
    if isinstance(source, int):
        return source
    if args.fix or args.diff:
        return _fix_stdin(args, source)
    shown = display_path(source.path) if source.name != "-" else source.name
    store = source.run.discovery.store
    found = []
    details = Details()
    if source.error is not None:
        found = [(shown, read_error(source.error))]
    elif source.registry is not None and source.decoded is not None:
        result = check_file(store, source.path, text=source.decoded.text, fixes=args.output_format == "sarif")
        if result.error is not None:
            found.append((shown, read_error(result.error)))
        found.extend((shown, v) for v in select(result.violations, source.run.selected, source.run.ignored))
        details.add(shown, result)
    sort_found(found)
    details.rules = reported_rules(found, store)
    with output_stream(args):
        FORMATS[args.output_format](found, args, 1 if source.registry is not None and not source.error else 0,
                                    details)
    return EXIT_VIOLATIONS if found and not args.exit_zero else EXIT_CLEAN


def fix_stdin(args: argparse.Namespace) -> int:
    """`fix --stdin-filename PATH -`: print the fixed text (or the diff); the summary on stderr."""
    source = read_stdin(args)
    return source if isinstance(source, int) else _fix_stdin(args, source)


def _fix_stdin(args: argparse.Namespace, source: StdinFile) -> int:
    from .fix_files import unified_diff
    from .fixer import fix_all
    from .runner import select

    if source.error is not None or source.decoded is None:
        sys.stdout.buffer.write(source.data)  # undecodable: passed through untouched
        print(f"{source.name}: error: cannot read the file: {source.error}", file=sys.stderr)
        return EXIT_ERROR
    text = source.decoded.text
    if source.registry is None:
        sys.stdout.write(text)
        return EXIT_CLEAN
    run = source.run
    result = fix_all(text, source.path, source.registry, only=lambda v: bool(select([v], run.selected, run.ignored)),
                     unsafe_fixes=bool(args.unsafe_fixes))
    sys.stdout.write(unified_diff(text, result.text, source.name) if args.diff else result.text)
    sys.stdout.flush()
    if not getattr(args, "silent", False):
        print(f"{source.name}: fixed {_count(len(result.applied), 'violation')}; {len(result.manual)} need manual "
              f"arguments, {len(result.skipped)} skipped.", file=sys.stderr)
    return EXIT_VIOLATIONS if result.manual or result.skipped else EXIT_CLEAN


# -- --add-noqa -----------------------------------------------------------------------
def add_noqa(args: argparse.Namespace, found: list[tuple[str, Violation]]) -> int:
    """Write `# ssot: ignore[CODE]` on every violation's line; exit 1 when one could not be silenced."""
    from .runner import READ_ERROR

    by_file: dict[str, list[Violation]] = {}
    problems = 0
    for path, violation in found:
        if violation.code == READ_ERROR:
            problems += 1
            print(f"{path}: error: {violation.message}", file=sys.stderr)
            continue
        by_file.setdefault(path, []).append(violation)
    added = files = 0
    for path, violations in sorted(by_file.items()):
        count, problem, unplaced = write_ignore_comments(Path(path), violations)
        if problem:
            problems += 1
            print(f"{path}: error: {problem}", file=sys.stderr)
        for violation in unplaced:
            problems += 1
            print(f"{path}:{violation.span.start_line + 1}:{violation.span.start_col + 1}: {violation.code} "
                  f"not silenced: no line of the statement can carry a comment (it ends inside a string "
                  f"or continues with a backslash)", file=sys.stderr)
        added += count
        files += bool(count)
    if not getattr(args, "silent", False):
        print(f"Added {_count(added, 'suppression comment')} to {_count(files, 'file')}.")
    return EXIT_VIOLATIONS if problems else EXIT_CLEAN


def write_ignore_comments(path: Path, violations: list[Violation]) -> tuple[int, Optional[str], list[Violation]]:
    """Add the comments to one file (atomically): (comments added, problem or None, violations left as they were)."""
    from .fix_files import replace_file
    from .source import DecodeError, LineIndex, decode, encode
    from .suppress import ignore_comment_edit, logical_line_starts

    try:
        original = path.read_bytes()
        decoded = decode(original)
    except (OSError, DecodeError) as exc:
        return 0, f"cannot read: {exc}", []
    text = decoded.text
    lines = LineIndex(text)
    starts = logical_line_starts(lines)
    inside_strings = _lines_ending_in_strings(lines)
    added = 0
    unplaced = []
    for violation in sorted(violations, key=lambda v: (v.span.start_line, v.code)):
        line = violation.span.start_line
        candidates = [number for number in dict.fromkeys((line, violation.statement_line, starts[line]))
                      if number not in inside_strings and not lines.line(number).rstrip().endswith("\\")]
        if not candidates:
            unplaced.append(violation)
            continue
        edit = ignore_comment_edit(lines, violation.code, *candidates)
        if edit is None:  # silenced already (by an earlier comment of this run)
            continue
        number, start, end, new = edit
        text = text[:lines.offset(number, start)] + new + text[lines.offset(number, end):]
        lines = LineIndex(text)
        added += 1
    if not added:
        return 0, None, unplaced
    try:
        data = encode(text, decoded)
    except UnicodeEncodeError as exc:
        return 0, f"the comments cannot be encoded as {decoded.encoding}: {exc}", []
    problem = replace_file(path, original, data)
    return (0, problem, []) if problem else (added, None, unplaced)


def _lines_ending_in_strings(lines: LineIndex) -> set[int]:
    """0-based lines that end inside a multi-line token (a string): a comment cannot go there."""
    import tokenize

    rows = iter([lines.line(number) + "\n" for number in range(len(lines))])
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(lambda: next(rows, "")):
            if token.end[0] > token.start[0] and token.type not in (tokenize.NEWLINE, tokenize.NL):
                inside.update(range(token.start[0] - 1, token.end[0] - 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside
