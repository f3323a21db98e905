"""`ssot-lsp fix --verify CMD` and `fix --undo`: fixes kept only when a command still passes (SPEC §14).

The safe fixes are planned for every file first (nothing written). CMD must pass on the
untouched tree; then the changed files are fixed in batches, and CMD runs after each
batch (exit status 0 = good). A failing batch is restored and split in halves, each half
applied and verified again, down to the single files that make CMD fail: those are
restored byte for byte (the original bytes are written back atomically) and reported
with the end of CMD's output.

Every run writes a journal, `.ssot/journal/<time>.json`: for each file written, its path,
the SHA-256 of its original and fixed bytes, where the original bytes are kept
(`.ssot/journal/<time>/<sha256>`), and whether the fix was kept. `fix --undo` restores
the files of the last run whose content is still the fixed one, and refuses (leaves
untouched and reports) any file changed since.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from .configs import ConfigStore
    from .fix_files import FixItem

JOURNAL = Path(".ssot") / "journal"
OUTPUT_TAIL = 20  # lines of CMD's output shown for a file that breaks it
DEFAULT_BATCH = 8


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Verified:
    """The outcome of one CMD run."""

    ok: bool
    tail: str


def run_command(command: str, cwd: Path) -> Verified:
    result = subprocess.run(command, shell=True, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = result.stdout.decode("utf-8", errors="replace").rstrip("\n").split("\n")
    return Verified(result.returncode == 0, "\n".join(output[-OUTPUT_TAIL:]))


@dataclass
class Entry:
    """One file of a journal."""

    path: str  # absolute
    original: str  # sha256 of the original bytes
    fixed: str  # sha256 of the bytes the fix wrote
    kept_at: str  # where the original bytes are, relative to the journal folder's parent
    status: str = "fixed"  # fixed, restored (by verification) or undone
    applied: int = 0  # violations fixed


@dataclass
class Journal:
    """The record of one run, rewritten after every change so a crash loses nothing."""

    folder: Path  # .ssot/journal
    name: str
    command: str
    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.name}.json"

    def keep(self, path: Path, original: bytes, fixed: bytes, applied: int) -> Entry:
        store = self.folder / self.name
        store.mkdir(parents=True, exist_ok=True)
        digest = _sha(original)
        kept = store / digest
        if not kept.exists():
            kept.write_bytes(original)
        entry = Entry(str(path), digest, _sha(fixed), str(kept.relative_to(self.folder)), applied=applied)
        self.entries[str(path)] = entry
        self.save()
        return entry

    def original_bytes(self, entry: Entry) -> bytes:
        return (self.folder / entry.kept_at).read_bytes()

    def save(self) -> None:
        document = {"version": 1, "tool": "ssot-lsp", "command": self.command,
                    "files": [vars(entry) for entry in self.entries.values()]}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)

    @classmethod
    def last(cls, folder: Path) -> Optional["Journal"]:
        runs = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not runs:
            return None
        document = json.loads(runs[-1].read_text(encoding="utf-8"))
        journal = cls(folder, runs[-1].stem, document.get("command", ""))
        for raw in document["files"]:
            entry = Entry(**raw)
            journal.entries[entry.path] = entry
        return journal


def _new_journal(folder: Path, command: str) -> Journal:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return Journal(folder, stamp, command)


# -- the verified run -----------------------------------------------------------------
@dataclass
class Candidate:
    """A file whose fixes change it, with its bytes before and after once known."""

    path: Path
    shown: str
    item: tuple[ConfigStore, FixItem]  # fix_file's arguments: the run's config store and the work item
    applied: int = 0
    original: bytes = b""
    fixed: Optional[bytes] = None


@dataclass
class Run:
    """State of one `--verify` run: what is applied, what broke CMD."""

    command: str
    cwd: Path
    journal: Journal
    say: Callable[[str], None]
    broken: list[tuple[Candidate, str]] = field(default_factory=list)
    problems: list[tuple[Candidate, str]] = field(default_factory=list)
    runs: int = 0

    def verify(self) -> Verified:
        self.runs += 1
        return run_command(self.command, self.cwd)

    def apply(self, files: list[Candidate]) -> list[Candidate]:
        """Write the fixes of `files`; the ones that could be written come back."""
        from .fix_files import fix_file, replace_file

        written = []
        for candidate in files:
            if candidate.fixed is None:
                try:
                    candidate.original = candidate.path.read_bytes()
                except OSError as exc:
                    self.problems.append((candidate, f"cannot read: {exc}"))
                    continue
                outcome = fix_file(*candidate.item)
                if outcome.problem or not outcome.applied:
                    self.problems.append((candidate, outcome.problem or "no fix applied"))
                    continue
                candidate.fixed, candidate.applied = candidate.path.read_bytes(), outcome.applied
                self.journal.keep(candidate.path, candidate.original, candidate.fixed, candidate.applied)
            else:
                problem = replace_file(candidate.path, candidate.original, candidate.fixed)
                if problem:
                    self.problems.append((candidate, problem))
                    continue
                self.journal.entries[str(candidate.path)].status = "fixed"
            written.append(candidate)
        self.journal.save()
        return written

    def restore(self, files: list[Candidate]) -> None:
        from .fix_files import replace_file

        for candidate in files:
            assert candidate.fixed is not None
            problem = replace_file(candidate.path, candidate.fixed, candidate.original)
            if problem:
                self.problems.append((candidate, f"could not be restored: {problem}"))
                continue
            self.journal.entries[str(candidate.path)].status = "restored"
        self.journal.save()

    def settle(self, files: list[Candidate]) -> None:
        """Apply `files` and keep what CMD accepts; bisect a failure down to single files."""
        written = self.apply(files)
        if not written:
            return
        outcome = self.verify()
        if outcome.ok:
            return
        self.restore(written)
        if len(written) == 1:
            self.broken.append((written[0], outcome.tail))
            self.say(f"{written[0].shown}: fixes make the verification command fail; restored")
            return
        middle = len(written) // 2
        self.settle(written[:middle])
        self.settle(written[middle:])


def run_verify(args: argparse.Namespace) -> int:
    """`fix --verify CMD` / `fix --undo`; exit 0 clean, 1 work left or files restored, 2 on errors."""
    if args.undo:
        return run_undo(Path.cwd() / JOURNAL)
    if args.diff:
        print("error: --verify writes files; it cannot be combined with --diff", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    candidates, remaining, errors = _plan(args)
    if errors is not None:
        return errors
    cwd = Path.cwd()
    baseline = run_command(args.verify, cwd)
    if not baseline.ok:
        print("error: the verification command fails before any fix; nothing was changed:\n"
              + baseline.tail, file=sys.stderr)
        return 2
    run = Run(args.verify, cwd, _new_journal(cwd / JOURNAL, args.verify),
              lambda text: print(text, file=sys.stderr))
    run.runs = 1  # the run on the untouched tree
    for start in range(0, len(candidates), args.batch_size):
        run.settle(candidates[start:start + args.batch_size])
    return _summary(run, candidates, remaining)


def _plan(args: argparse.Namespace) -> tuple[list[Candidate], int, Optional[int]]:
    """The files whose safe fixes change them (nothing written yet), and violations left elsewhere."""
    from .cli_common import prepare
    from .fix_files import fix_file
    from .runner import Progress, display_path, parallel_map

    run = prepare(args)
    if isinstance(run, int):
        return [], 0, run
    store = run.discovery.store
    items = [(path, False, display_path(path), run.selected, run.ignored, args.unsafe_fixes)
             for path, _ in run.discovery.files]
    outcomes = parallel_map(fix_file, store, items, args.jobs, Progress("planning"))
    candidates, remaining = [], 0
    for item, outcome in zip(items, outcomes):
        if outcome.problem:
            print(f"{item[2]}: error: {outcome.problem}", file=sys.stderr)
        if outcome.diff:
            candidates.append(Candidate(item[0], item[2], (store, (item[0], True, *item[2:]))))
        remaining += len(outcome.remaining)  # left after the fixes: manual, unsafe, flag-only
        for violation in outcome.remaining:
            span = violation.span
            print(f"{item[2]}:{span.start_line + 1}:{span.start_col + 1}: {violation.code} left "
                  f"({violation.fix or 'no automatic fix'}): {violation.message}")
    return candidates, remaining, None


def _summary(run: Run, candidates: list[Candidate], remaining: int) -> int:
    from .cli_common import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
    from .runner import display_path

    for candidate, tail in run.broken:
        print(f"{candidate.shown}: restored (its fixes make `{run.command}` fail); the command's output ended with:")
        print("    " + tail.replace("\n", "\n    "))
    for candidate, problem in run.problems:
        print(f"{candidate.shown}: error: {problem}", file=sys.stderr)
    kept = [c for c in candidates if run.journal.entries.get(str(c.path)) is not None
            and run.journal.entries[str(c.path)].status == "fixed"]
    fixed = sum(c.applied for c in kept)
    print(f"Fixed {fixed} violation{'s' if fixed != 1 else ''} in {len(kept)} file{'s' if len(kept) != 1 else ''}; "
          f"{len(run.broken)} file{'s' if len(run.broken) != 1 else ''} restored because `{run.command}` failed; "
          f"{run.runs} verification run{'s' if run.runs != 1 else ''}; journal {display_path(run.journal.path)}.", file=sys.stderr)
    if run.problems:
        return EXIT_ERROR
    return EXIT_VIOLATIONS if run.broken or remaining else EXIT_CLEAN


# -- undo -----------------------------------------------------------------------------
def run_undo(folder: Path) -> int:
    """Restore the files of the last run still holding their fixed bytes; refuse the others."""
    from .fix_files import replace_file
    from .runner import display_path

    try:
        journal = Journal.last(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read the last journal in {folder}: {exc}", file=sys.stderr)
        return 2
    pending = [e for e in journal.entries.values() if e.status == "fixed"] if journal else []
    if not pending:
        print(f"Nothing to undo ({'no journal in ' + str(folder) if journal is None else 'last run already undone'}).",
              file=sys.stderr)
        return 0
    assert journal is not None
    restored = refused = 0
    for entry in pending:
        path = Path(entry.path)
        shown = display_path(path)
        try:
            current = path.read_bytes()
            original = journal.original_bytes(entry)
        except OSError as exc:
            print(f"{shown}: error: cannot restore: {exc}", file=sys.stderr)
            refused += 1
            continue
        if _sha(current) != entry.fixed:
            print(f"{shown}: changed since the fix: left untouched", file=sys.stderr)
            refused += 1
            continue
        problem = replace_file(path, current, original)
        if problem:
            print(f"{shown}: error: {problem}", file=sys.stderr)
            refused += 1
            continue
        entry.status = "undone"
        restored += 1
    journal.save()
    print(f"Restored {restored} file{'s' if restored != 1 else ''} of run {journal.name}; "
          f"{refused} refused.", file=sys.stderr)
    return 2 if refused else 0
