"""What the CLI's commands share (SPEC §6): exit codes, options, a run's files and rules, errors, output.

`prepare` discovers the files a command names and checks their configurations before
anything runs; `output_stream` and `FORMATS` send results where `--output-file`,
`--silent` and `--output-format` say. `cli.py` builds the parser and runs `check`,
`rules`, `report`, `baseline` and `serve`; `cli_fix.py`, `verify.py` and `history.py`
build on this module, never on `cli.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar, Union

from .model import CANON_CODE, ConfigError, ConfigurationError, Rule, Violation

if TYPE_CHECKING:
    from .batch import Details
    from .config import Config
    from .configs import ConfigStore
    from .runner import Discovery

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
Renderer = Callable[[list[tuple[str, Violation]], argparse.Namespace, int, "Details"], None]  # found, args, files checked, details
_Data = TypeVar("_Data")  # what a report command renders
OUTPUT_FORMATS = ("text", "concise", "full", "json", "json-lines", "junit", "gitlab", "pylint", "sarif", "github")


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
    from .configs import ConfigStore, registry_problems
    from .runner import discover

    store = ConfigStore(Path(args.config).resolve() if getattr(args, "config", None) else None)
    discovery = discover(args.paths, store, tuple(split_ids(args.exclude + args.extend_exclude)))
    run = Run(discovery, split_ids(getattr(args, "select", [])), split_ids(getattr(args, "ignore", [])))
    errors = discovery.errors or [problem for config in run.configs
                                  for problem in registry_problems(store.registry(config))]
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


def load_governing_config(store: ConfigStore, path: Path, shown: str) -> Union[Config, int]:
    """The config `store` finds for `path` (`--config` forces one); an exit code (after saying why) if none loads."""
    config_path = store.config_path_for(path)
    if config_path is None:
        report_no_config([shown])
        return EXIT_ERROR
    try:
        return store.load(config_path)
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


def reported_rules(found: list[tuple[str, Violation]], store: ConfigStore) -> dict[str, Rule]:
    """The rules of the configurations governing the reported files (the current folder's when none)."""
    rules: dict[str, Rule] = {}
    folders = sorted({os.path.dirname(os.path.abspath(path)) for path, _ in found} or {os.getcwd()})
    for config_path in dict.fromkeys(store.config_path_in(folder) for folder in folders):
        if config_path is None:
            continue
        try:
            config = store.load(config_path)
        except ConfigurationError:  # reported already
            continue
        for rule in config.rules:
            rules.setdefault(rule.id, rule)
    return rules


def sort_found(found: list[tuple[str, Violation]]) -> None:
    found.sort(key=lambda item: (item[0], item[1].span.start_line, item[1].span.start_col, item[1].code))


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


def _renderer(module: str, name: str) -> Renderer:
    def render(found: list[tuple[str, Violation]], args: argparse.Namespace, files: int, details: Details) -> None:
        import importlib

        getattr(importlib.import_module(f".render.{module}", __package__), name)(found, args, files, details)

    return render


render_text = _renderer("text", "render_text")
FORMATS = {
    "text": render_text, "concise": render_text, "full": render_text,
    "json": _renderer("formats", "render_json"), "json-lines": _renderer("formats", "render_json_lines"),
    "junit": _renderer("formats", "render_junit"), "gitlab": _renderer("formats", "render_gitlab"),
    "pylint": _renderer("formats", "render_pylint"),
    "sarif": _renderer("sarif", "render_sarif"), "github": _renderer("github", "render_github"),
}


def write_report(data: _Data, args: argparse.Namespace, html: Callable[[_Data], str],
                 markdown: Callable[[_Data], str]) -> None:
    """`data` as JSON, or through the `html` / `markdown` renderer, to `--output` or stdout."""
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = html(data) if args.format == "html" else markdown(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
