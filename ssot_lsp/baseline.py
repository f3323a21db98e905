"""Baselines: record today's violations so CI only fails on new ones (SPEC §6, §11).

An entry does not store a line number: it is keyed by the file (relative to the baseline
file's folder), the rule code, the flagged text and the stripped text of the line the
violation starts on, with a count for identical keys. Inserting or deleting unrelated
lines above a violation therefore keeps it recorded; editing the flagged line itself, or
adding another identical occurrence in the same file, makes it new.

Matching is a multiset difference: within a file, the first `count` occurrences of a key
(in source order) are the recorded ones and any further occurrence is reported.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Optional, Sequence

from .model import Violation

DEFAULT_NAME = ".ssot-baseline.json"
FORMAT_VERSION = 1

Key = tuple[str, str, str, str]  # file, code, flagged text, stripped source line
Loader = Callable[[str], Sequence[str]]  # a reported file's lines (`batch.Details.lines_of`), or read_lines


def read_lines(path: str) -> list[str]:
    """The lines of a Python file, decoded as PEP 263 says (the default loader)."""
    from .source import decode

    return re.split(r"\r\n|\r|\n", decode(Path(path).read_bytes()).text)


def _cached(loader: Loader) -> Loader:
    cache: dict[str, Sequence[str]] = {}

    def load(path: str) -> Sequence[str]:
        if path not in cache:
            try:
                cache[path] = loader(path)
            except (OSError, ValueError):
                cache[path] = []
        return cache[path]

    return load


def key_of(path: str, violation: Violation, lines: Sequence[str], folder: Path) -> Key:
    """The baseline key of one violation of `path` (a path as the CLI displays it)."""
    span = violation.span
    line = lines[span.start_line] if span.start_line < len(lines) else ""
    if span.start_line == span.end_line:
        flagged = line[span.start_col:span.end_col]
    else:
        flagged = line[span.start_col:].strip()
    relative = os.path.relpath(os.path.abspath(path), folder)
    return (Path(relative).as_posix(), violation.code, flagged, line.strip())


def keys_of(found: list[tuple[str, Violation]], folder: Path,
            loader: Optional[Loader] = None) -> list[tuple[Key, tuple[str, Violation]]]:
    load = _cached(loader or read_lines)
    ordered = sorted(found, key=lambda item: (item[0], item[1].span.start_line, item[1].span.start_col,
                                              item[1].code))
    return [(key_of(path, violation, load(path), folder), (path, violation)) for path, violation in ordered]


def write(found: list[tuple[str, Violation]], path: Path, loader: Optional[Loader] = None) -> int:
    """Record `found` in the baseline file `path`; returns the number of violations."""
    folder = Path(os.path.abspath(path)).parent
    write_counts(Counter(key for key, _ in keys_of(found, folder, loader)), path)
    return len(found)


def write_counts(counts: Counter[Key], path: Path) -> None:
    """Write the baseline file `path` recording `counts` (key -> occurrences)."""
    entries = [
        {"file": file, "code": code, "text": text, "source": source, "count": count}
        for (file, code, text, source), count in sorted(counts.items())
    ]
    document = {"version": FORMAT_VERSION, "tool": "ssot-lsp", "violations": sum(counts.values()),
                "entries": entries}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def load(path: Path) -> Counter[Key]:
    """The recorded keys with their counts; ValueError when the file is not a baseline."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a baseline file: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a version {FORMAT_VERSION} ssot-lsp baseline")
    counts: Counter[Key] = Counter()
    try:
        for entry in document["entries"]:
            key = (entry["file"], entry["code"], entry["text"], entry["source"])
            counts[key] += int(entry.get("count", 1))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed baseline entry: {exc}") from None
    return counts


def filter_new(found: list[tuple[str, Violation]], path: Path,
               loader: Optional[Loader] = None) -> list[tuple[str, Violation]]:
    """The violations of `found` that the baseline `path` does not record."""
    remaining = load(path)
    folder = Path(os.path.abspath(path)).parent
    new = []
    for key, item in keys_of(found, folder, loader):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(item)
    return new
