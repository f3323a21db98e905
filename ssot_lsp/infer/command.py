"""`ssot-lsp infer [PATH...]`: propose rules from the deprecations the code declares (SPEC §13).

Exit codes: 0 done, 1 a file could not be read or parsed (the others were), 2 usage or
configuration error, or `--write` refused.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..config import CONFIDENCES, Config, find_config_file, load_config
from ..model import ConfigurationError

if TYPE_CHECKING:
    from . import Inference
    from .derive import Inferred

EXIT_CLEAN, EXIT_UNREADABLE, EXIT_ERROR = 0, 1, 2


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    infer = commands.add_parser("infer", help="propose rules from the deprecations the code declares")
    infer.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders to read")
    infer.add_argument("--config", metavar="FILE", help="use this config file for every path")
    infer.add_argument("--format", choices=("toml", "json"), default="toml")
    infer.add_argument("--min-confidence", choices=CONFIDENCES, default="low",
                       help="leave out rules less certain than this (default: low, all of them)")
    infer.add_argument("--write", action="store_true",
                       help="append the rules the registry lacks to the config file governing PATH")
    infer.set_defaults(run=run_infer)


def run_infer(args: argparse.Namespace) -> int:
    from ..runner import display_path
    from . import at_least

    try:
        groups = _group_by_config(args)
    except (ConfigurationError, OSError) as exc:
        errors = exc.errors if isinstance(exc, ConfigurationError) else [exc]
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    status = EXIT_CLEAN
    for config, found_in, files in groups:
        inference = _inference(config, files)
        items = [item for item in inference.inferred() if at_least(item.confidence, args.min_confidence)]
        for path, reason in sorted(inference.failures.items()):
            print(f"{display_path(path)}: error: {reason}", file=sys.stderr)
            status = EXIT_UNREADABLE
        if args.write:
            if found_in is None:
                print(f"error: no ssot.toml or [tool.ssot-lsp] governs {display_path(config.root)}: "
                      "nothing to write to (create one first)", file=sys.stderr)
                return EXIT_ERROR
            if not _write(found_in, config, items):
                return EXIT_ERROR
        elif args.format == "json":
            from .output import render_json

            sys.stdout.write(render_json(items))
        else:
            from .output import render_toml

            sys.stdout.write(render_toml(items, found_in, len(files)))
    return status


def _group_by_config(args: argparse.Namespace) -> list[tuple[Config, Optional[Path], list[Path]]]:
    """(config, its file or None, the Python files to read) per governing config."""
    forced = Path(args.config).resolve() if args.config else None
    groups: dict[Path, tuple[Config, Optional[Path], list[Path]]] = {}
    for raw in args.paths:
        path = Path(os.path.abspath(raw))
        if not path.exists():
            raise OSError(f"{raw}: no such file or folder")
        config_path = forced or find_config_file(path)
        if config_path is not None:
            config = load_config(config_path)
        else:  # no registry yet: the folder above the packages maps files to modules
            root = path if path.is_dir() else path.parent
            while (root / "__init__.py").is_file() and root.parent != root:
                root = root.parent
            config = Config(path=root / "pyproject.toml", src=(root, *((root / "src",) if (root / "src").is_dir() else ())))
        entry = groups.setdefault(config.path, (config, config_path, []))
        entry[2].extend(_python_files(path, config))
    return [(config, found_in, sorted(set(files))) for config, found_in, files in groups.values()]


def _python_files(path: Path, config: Config) -> list[Path]:
    from . import python_files

    return [path] if path.is_file() else list(python_files(path, config))


def _inference(config: Config, files: list[Path]) -> Inference:
    from . import Inference

    return Inference(config, files=files)


def _write(config_path: Path, config: Config, items: list[Inferred]) -> bool:
    from ..fix_files import replace_file
    from ..runner import display_path
    from .output import appended_text, new_rules, validate

    adding = new_rules(items, config.rules)
    shown = display_path(config_path)
    if not adding:
        print(f"{shown}: no new rules to add ({len(items)} inferred, all already in the registry).")
        return True
    original = config_path.read_bytes()
    try:
        text = original.decode("utf-8")
        updated = appended_text(text, adding, config_path)
        validate(updated, config_path)
    except UnicodeDecodeError as exc:
        print(f"error: {shown}: not UTF-8, left untouched: {exc}", file=sys.stderr)
        return False
    except ConfigurationError as exc:
        for error in exc.errors:
            print(f"error: {error} (left untouched)", file=sys.stderr)
        return False
    problem = replace_file(config_path, original, updated.encode("utf-8"))
    if problem:
        print(f"error: {shown}: {problem}", file=sys.stderr)
        return False
    skipped = len(items) - len(adding)
    print(f"{shown}: added {len(adding)} inferred rule{'s' if len(adding) != 1 else ''}"
          f"{f' ({skipped} already in the registry)' if skipped else ''}.")
    return True
