"""Inferred rules as TOML ready to paste, as JSON, or appended to a config file (SPEC §13).

`--write` appends one marked block of `[[rules]]` tables to the config file and leaves
every byte before it as it was; the new text is validated as a whole before the file is
replaced (atomically), so a config the block would break is never written.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

from ..config import CONFIDENCES, TOOL_TABLE, config_from_text
from ..model import Rule
from .derive import Inferred

BLOCK_START = "# >>> ssot-lsp infer"
BLOCK_END = "# <<< ssot-lsp infer"


def rules_header(config_path: Optional[Path]) -> str:
    """The array-of-tables header rules take in this config file."""
    return "[[rules]]" if config_path is not None and config_path.name == "ssot.toml" else f"[[tool.{TOOL_TABLE}.rules]]"


def rule_toml(item: Inferred, header: str) -> str:
    """One rule as a TOML table, its evidence and confidence in the comment above it."""
    rule = item.rule
    lines = [f"# {item.evidence} · confidence {item.confidence} · {item.basis}", header,
             f"id = {_string(rule.id)}", f"kind = {_string(rule.kind)}", f"name = {_string(rule.name)}"]
    if rule.kind == "call" and rule.templates:
        lines.append(f"params = {_strings(rule.params)}")
        lines.append(f"replace = {_strings(rule.templates)}")
        lines.append(f"imports = {_strings(rule.imports)}")
    elif rule.replace:
        lines.append(f"replace = {_string(rule.replace)}")
    if rule.message:
        lines.append(f"message = {_string(rule.message)}")
    lines.append(f"allow = {_strings(rule.allow)}")
    return "\n".join(lines) + "\n"


def render_toml(items: list[Inferred], config_path: Optional[Path], files: int) -> str:
    counts = Counter(item.confidence for item in items)
    summary = ", ".join(f"{counts[c]} {c}" for c in reversed(CONFIDENCES) if counts[c])
    header = rules_header(config_path)
    where = f"{config_path.name}" if config_path is not None else "pyproject.toml"
    parts = [f"# ssot-lsp infer: {len(items)} rule{'s' if len(items) != 1 else ''} ({summary or 'none'}) "
             f"from {files} file{'s' if files != 1 else ''}\n"
             f"# Paste into {where} (or run `ssot-lsp infer --write`).\n"]
    parts.extend(rule_toml(item, header) for item in items)
    return "\n".join(parts)


def render_json(items: list[Inferred]) -> str:
    records = []
    for item in items:
        rule = item.rule
        records.append({
            "id": rule.id, "kind": rule.kind, "name": rule.name,
            "replace": list(rule.templates) if rule.kind == "call" else rule.replace,
            "params": list(rule.params), "imports": list(rule.imports), "message": item.message,
            "evidence": item.evidence, "confidence": item.confidence, "basis": item.basis,
            "allow": list(rule.allow),
        })
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def new_rules(items: Iterable[Inferred], written: Iterable[Rule]) -> list[Inferred]:
    """The inferred rules whose name and id no rule of the registry has yet."""
    names = {rule.name for rule in written}
    ids = {rule.id for rule in written}
    return [item for item in items if item.rule.name not in names and item.rule.id not in ids]


def appended_text(text: str, items: list[Inferred], config_path: Path) -> str:
    """`text` with the marked block of `items` appended, in the file's own line endings."""
    newline = "\r\n" if "\r\n" in text else "\n"
    header = rules_header(config_path)
    block = [f"{BLOCK_START}: {len(items)} rule{'s' if len(items) != 1 else ''} inferred from "
             f"deprecations in the code (edit or delete freely)\n"]
    block.extend("\n" + rule_toml(item, header) for item in items)
    block.append(BLOCK_END + "\n")
    added = "".join(block).replace("\n", newline)
    separator = "" if not text or text.endswith(("\n", "\r")) else newline
    return text + separator + newline + added


def validate(text: str, config_path: Path) -> None:
    """Raise ConfigurationError when `text` is not a valid config for `config_path`."""
    config_from_text(text, config_path)


def _string(value: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(_string(value) for value in values) + "]"
