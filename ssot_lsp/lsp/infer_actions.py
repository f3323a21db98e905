"""Code action "Add an ssot rule for NAME" on a deprecated definition (SPEC §13).

The rule is the one `ssot-lsp infer` would propose for that definition (read from the
document's current text); the action's edit appends it to the governing config file, as
`ssot-lsp infer --write` would. The server never writes the file itself: the client applies
the edit. Rules the registry already has (by name or id) are not offered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from pygls.uris import from_fs_path

from ..infer import Inference
from ..infer.output import appended_text, new_rules, validate
from ..model import ConfigurationError, Edit, Span
from ..source import LineIndex
from . import convert
from .documents import Result

if TYPE_CHECKING:
    from .server import SsotServer

ADD_RULE_KIND = "refactor.ssot.addRule"


def add_rule_actions(ls: "SsotServer", path: Path, result: Result, line: int) -> list[types.CodeAction]:
    """One action per deprecated definition around `line` (0-based) without a rule yet."""
    registry = result.registry
    if registry is None or path.suffix not in (".py", ".pyi"):
        return []
    config = registry.config
    inference = Inference(config, registry.workspace, files=[path])
    around = [item for item in inference.inferred() if item.lines[0] - 1 <= line <= item.lines[1] - 1]
    actions = []
    for item in new_rules(around, config.rules):
        text = _config_text(ls, config.path)
        if text is None:
            continue
        updated = appended_text(text, [item], config.path)
        try:
            validate(updated, config.path)
        except ConfigurationError:
            continue  # the config cannot take the rule (an inline `rules` array): nothing to offer
        lines = LineIndex(text)
        end = lines.position(len(text))
        edit = convert.workspace_edit(
            from_fs_path(str(config.path)) or config.path.as_uri(), None, lines,
            [Edit(Span(*end, *end), updated[len(text):])], ls.encoding,
            document_changes=bool(ls.supports("workspace.workspace_edit.document_changes", False)))
        actions.append(types.CodeAction(
            title=f"Add an ssot rule for {item.rule.name} ({item.confidence} confidence)",
            kind=ADD_RULE_KIND, edit=edit))
    return actions


def _config_text(ls: "SsotServer", path: Path) -> Optional[str]:
    overlay = ls.configs.overlays.get(path)
    if overlay is not None:
        return overlay
    document = ls.open_document(from_fs_path(str(path)) or "")
    if document is not None:
        return document.source
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
