"""`ssot.fixWorkspace`: the safe fixes of every governed file as one workspace edit (SPEC §14).

`workspace/executeCommand` with arguments `[{rule?, phase?}]` fixes every file of the
workspace folders, open or not (an open document's unsaved text is what gets fixed),
with `fix_all` and only its safe fixes. Nothing is written by the server: the result is
one `workspace/applyEdit` whose edits carry change annotations with
`needsConfirmation: true`, so VS Code shows its refactor preview and the user can untick
files. Progress goes out with `$/progress` (cancellable: a cancel, of the progress or of
the request, sends no edit). The answer is `{files, fixed, skipped, applied}`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..model import Violation
from . import convert

if TYPE_CHECKING:
    from .server import SsotServer

COMMAND = "ssot.fixWorkspace"
PROGRESS_EVERY = 10  # files between progress reports


def register(server: "SsotServer") -> None:
    server.command(COMMAND)(fix_workspace)


@dataclass
class Planned:
    """The fixed text of one file, ready to become text edits."""

    uri: str
    version: Optional[int]
    lines: Any  # source.LineIndex of the text that was fixed
    text: str
    label: str


@dataclass
class Outcome:
    files: int = 0
    fixed: int = 0
    skipped: int = 0
    planned: list[Planned] = field(default_factory=list)


def _options(arguments: tuple[Any, ...]) -> tuple[Optional[str], Optional[str]]:
    options = arguments[0] if arguments else {}
    if options is None:
        options = {}
    if not isinstance(options, dict) or set(options) - {"rule", "phase"}:
        raise JsonRpcInvalidParams(f"{COMMAND} takes one object with optional 'rule' and 'phase'")
    rule, phase = options.get("rule"), options.get("phase")
    if not all(value is None or isinstance(value, str) for value in (rule, phase)):
        raise JsonRpcInvalidParams(f"{COMMAND}: 'rule' and 'phase' must be strings")
    return rule, phase


# No annotations: pygls reads them at run time to convert the command's arguments.
async def fix_workspace(ls, *arguments):  # type: ignore[no-untyped-def]
    from .workspace import folders

    rule, phase = _options(arguments)
    paths = await ls.run_engine(_discover, folders(ls))
    token = await _begin_progress(ls, len(paths))
    outcome = Outcome()
    cancelled = False
    try:
        for index, path in enumerate(paths):
            if _cancelled(ls, token):
                cancelled = True
                break
            await ls.run_engine(_fix_one, ls, path, rule, phase, outcome)
            if token and (index + 1) % PROGRESS_EVERY == 0:
                ls.work_done_progress.report(token, types.WorkDoneProgressReport(
                    message=f"{index + 1}/{len(paths)} files",
                    percentage=int((index + 1) * 100 / max(len(paths), 1))))
        cancelled = cancelled or _cancelled(ls, token)
    finally:
        if token:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(
                message="cancelled" if cancelled else f"{outcome.fixed} fix(es) in {len(outcome.planned)} file(s)"))
    answer = {"files": outcome.files, "fixed": outcome.fixed, "skipped": outcome.skipped, "applied": False}
    if cancelled:
        answer["cancelled"] = True
        return answer
    if outcome.planned:
        result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            edit=_workspace_edit(ls, outcome.planned), label="ssot: fix workspace"))
        answer["applied"] = bool(result and result.applied)
    return answer


def _discover(roots: list[Path]) -> list[Path]:
    from ..runner import discover

    return sorted({path for path, _ in discover([str(root) for root in roots]).files})


async def _begin_progress(ls: "SsotServer", files: int) -> Optional[str]:
    if not ls.supports("window.work_done_progress", False):
        return None
    token = f"ssot-fix-workspace-{uuid.uuid4()}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception:  # noqa: BLE001 - a client that refuses gets no progress
        return None
    ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
        title="ssot: fixing workspace", message=f"0/{files} files", percentage=0, cancellable=True))
    return token


def _cancelled(ls: "SsotServer", token: Optional[str]) -> bool:
    if token is None:
        return False
    future = ls.work_done_progress.tokens.get(token)
    return future is not None and future.cancelled()


def _fix_one(ls: "SsotServer", path: Path, rule: Optional[str], phase: Optional[str], outcome: Outcome) -> None:
    """Runs on the engine thread: fix one file's text (an open document's, or the file's)."""
    from pygls.uris import from_fs_path

    from ..fixer import fix_all
    from ..phases import phase_of_violation
    from ..runner import display_path
    from ..source import DecodeError, LineIndex, decode

    lookup = ls.configs.lookup(path)
    if lookup.registry is None:
        return
    uri = from_fs_path(str(path)) or path.as_uri()
    document = ls.open_document(uri)
    if document is not None:
        text, version = document.source, document.version
    else:
        try:
            text, version = decode(path.read_bytes()).text, None
        except (OSError, DecodeError):
            outcome.skipped += 1
            return
    config = lookup.registry.config

    def wanted(violation: Violation) -> bool:
        if rule and not (violation.code == rule or violation.code.startswith(rule)):
            return False
        return not phase or phase_of_violation(config, path, violation.code) == phase

    outcome.files += 1
    result = fix_all(text, path, lookup.registry, only=wanted)
    outcome.fixed += len(result.applied)
    outcome.skipped += len(result.skipped)
    if result.text != text:
        outcome.planned.append(Planned(uri, version, LineIndex(text), result.text, display_path(path)))


def _workspace_edit(ls: "SsotServer", planned: list[Planned]) -> types.WorkspaceEdit:
    from .code_actions import whole_text_edit

    encoding = ls.encoding
    if not ls.supports("workspace.workspace_edit.document_changes", False):
        return types.WorkspaceEdit(changes={
            item.uri: [convert.text_edit(item.lines, whole_text_edit(item.lines, item.text), encoding)]
            for item in planned})
    annotations = {}
    changes: list[Any] = []
    for item in planned:
        annotation = f"ssot:{item.label}"
        annotations[annotation] = types.ChangeAnnotation(
            label=item.label, needs_confirmation=True, description="ssot: fix imports to the canonical form")
        changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=item.uri, version=item.version),
            edits=[convert.annotated_edit(item.lines, whole_text_edit(item.lines, item.text), encoding, annotation)]))
    return types.WorkspaceEdit(document_changes=changes, change_annotations=annotations)
