"""The workspace as the server sees it: its folders, closed files' results, the background scan (SPEC §5).

The server scans every workspace folder in the background with `$/progress` (in a helper
process, once the documents opened with the workspace have their first diagnostics).
With `ssot.diagnosticScope` = `workspace` the scan's results are published for closed
files too, and a closed file's diagnostics follow its text on disk. The handlers that
call these (`initialized`, watched files, folders) live in `handlers/workspace.py`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Optional, cast

from lsprotocol import types
from pygls.uris import from_fs_path

from ..batch import FileResult
from .diagnostics import after_first_diagnostics, diagnostics_of, refresh_client, report_config_errors
from .memory import release
from .scan import Change, check_batch, check_saved_file, discover_files
from .worker import JobFailed, Worker, WorkerDied

if TYPE_CHECKING:
    from .server import SsotServer

log = logging.getLogger("ssot_lsp")


# -- closed files: the disk's truth ----------------------------------------------------
# With `diagnosticScope` = `workspace`, a closed file's diagnostics are those of the file as
# saved: a watched-file event (created, changed, deleted) checks it again or clears them,
# and so does closing a document without saving its changes. Files outside the workspace
# folders, or that the scan would not check (excluded, not under a configuration), have none.
def in_workspace(ls: "SsotServer", path: Path) -> bool:
    return any(root == path or root in path.parents for root in folders(ls))


async def refresh_from_disk(ls: "SsotServer", uri: str, ask_client: bool = True, closing: bool = False) -> None:
    """Give a closed file the diagnostics of its text on disk, or none when it is gone or out of scope.

    `closing`: the document was just closed, so the client shows its diagnostics until told otherwise.
    """
    path = ls.path_of(uri)
    if path is None or uri in ls.workspace.text_documents or not ls.session.settings.workspace_scope:
        return
    record = None
    if path.suffix in (".py", ".pyi") and in_workspace(ls, path):
        record = await ls.run_engine(check_saved_file, ls.session.configs, path)
    if uri in ls.workspace.text_documents:  # opened meanwhile: the document's text wins
        return
    if record is not None and record.error is not None:
        ls.log(f"ssot: skipped {path}: {record.error}", types.MessageType.Warning)
    if record is None or record.error is not None:
        forget_result(ls, uri, always=closing)
    else:
        report_config_errors(ls, record.config_path, record.config_errors)
        _keep_workspace_result(ls, path, record)
    if ask_client:
        refresh_client(ls)


def forget_result(ls: "SsotServer", uri: str, always: bool = False) -> None:
    """Clear a closed file's diagnostics (pushed now, or in the next workspace pull) if it had any, or `always`."""
    if ls.session.workspace_results.pop(uri, None) is None and not always:
        return
    if ls.pull_diagnostics:
        ls.session.workspace_cleared.add(uri)
    else:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def forget_results_under(ls: "SsotServer", path: Path, keep: Optional[list[Path]] = None) -> None:
    """Clear the diagnostics of the closed files at or under `path` (not those under a folder in `keep`)."""
    for uri in list(ls.session.workspace_results):
        file = ls.path_of(uri)
        if file is None or not (file == path or path in file.parents):
            continue
        if keep and any(root in file.parents for root in keep):
            continue
        forget_result(ls, uri)


# -- the background scan ---------------------------------------------------------------
# The scan runs in a helper process (`scan.py`'s jobs), so the engine thread checks only
# the documents being edited; when no helper process can run it, it runs on the engine
# thread, one file at a time after the documents being edited. It starts once the
# documents opened with the workspace have their first diagnostics.
SCAN_BATCH = 25
SCAN_ROUNDS = 3  # the whole list, then at most twice again what a re-export change made stale
SCAN_NICE = 10  # the scan is background work: edits get the processor first


class Scan:
    """One run of the scan: its helper process and what changed since its last batch."""

    def __init__(self) -> None:
        self.worker = Worker("scan", nice=SCAN_NICE)
        self.events: list[Change] = []  # ("module", path, None) / ("config", None, None) since the last batch
        self.sent: dict[Path, str] = {}  # the overlays the helper process has
        self.in_process = False
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        self.worker.close()


def folders(ls: "SsotServer") -> list[Path]:
    found = [ls.path_of(folder.uri) for folder in ls.workspace.folders.values()]
    if not found and ls.workspace.root_uri:
        found = [ls.path_of(ls.workspace.root_uri)]
    return [path for path in found if path is not None and path.is_dir()]


async def scan_workspace(ls: "SsotServer") -> None:
    """Check every Python file of the workspace folders, reporting progress."""
    roots = folders(ls)
    if not roots:
        return
    session = ls.session
    if session.scan is not None:  # a newer scan replaces a running one
        session.scan.cancel()
    scan = session.scan = Scan()
    await after_first_diagnostics(ls)
    if scan.cancelled:
        return
    token = f"ssot-scan-{uuid.uuid4()}"
    progress = bool(ls.supports("window.work_done_progress", False))
    if progress:
        try:
            await ls.work_done_progress.create_async(token)
        except Exception:
            progress = False
    if progress:
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="ssot: scanning workspace", percentage=0, cancellable=False))
    violations = files = skipped = 0
    try:
        # An open document is checked from its unsaved text as it changes, and the scan's result
        # of it would be dropped (`_keep_workspace_result`): the scan leaves it out. Closing it
        # checks it from disk (`refresh_from_disk`).
        paths = [path for path in await _discover(scan, roots) if not _is_open(ls, path)]
        files = len(paths)
        step = max(1, files // 20)
        done = 0
        # Per file, its violation count, or None when it was skipped: the results themselves
        # are kept only where diagnostics need them (`_keep_workspace_result`).
        found: dict[Path, Optional[int]] = {}
        checked_at: dict[Path, int] = {}  # the pre-filter generation each file was checked with
        queue, rounds = paths, 0
        while queue and rounds < SCAN_ROUNDS:
            rounds += 1
            for start in range(0, len(queue), SCAN_BATCH):
                batch = queue[start:start + SCAN_BATCH]
                generation, records = await _check_batch(ls, scan, batch)
                if scan.cancelled:
                    return
                for path, record in zip(batch, records):
                    checked_at[path] = generation
                    found[path] = len(record.violations) if record.error is None else None
                    if record.error is not None:
                        ls.log(f"ssot: skipped {path}: {record.error}", types.MessageType.Warning)
                        continue
                    report_config_errors(ls, record.config_path, record.config_errors)
                    _keep_workspace_result(ls, path, record)
                release()  # each answer and the edits meanwhile free pages: back to the system (~0.1 ms)
                if rounds > 1:
                    continue
                before, done = done, done + len(batch)
                if progress and (done // step != before // step or done == files):
                    ls.work_done_progress.report(token, types.WorkDoneProgressReport(
                        message=f"{done}/{files} files", percentage=int(done * 100 / files)))
            # A re-export changed meanwhile (an open document's unsaved text, a saved module):
            # the files checked before it are checked again with the names it brings.
            latest = max(checked_at.values(), default=0)
            queue = [path for path in paths if checked_at.get(path, latest) < latest]
        skipped = sum(1 for count in found.values() if count is None)
        violations = sum(count for count in found.values() if count is not None)
    finally:
        scan.worker.close()  # the helper's memory goes back to the system
        if session.scan is scan:
            session.scan = None
        message = f"{violations} violation(s) in {files - skipped} file(s)" + (
            f", {skipped} file(s) skipped (see the log)" if skipped else "")
        if progress:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(
                message=message if not scan.cancelled else "cancelled"))
    ls.log(f"ssot: workspace scan done: {message}")


async def _discover(scan: Scan, roots: list[Path]) -> list[Path]:
    names = [str(root) for root in roots]
    try:
        return await asyncio.wrap_future(scan.worker.call("scan.discover", names))
    except (WorkerDied, JobFailed) as exc:
        if not scan.cancelled:
            log.warning("ssot: the workspace scan runs in the server (%s)", exc)
            scan.in_process = True
    # Walking the folders touches no engine cache: off the engine thread, so edits go on.
    return await asyncio.get_running_loop().run_in_executor(None, discover_files, names)


async def _check_batch(ls: "SsotServer", scan: Scan, batch: list[Path]) -> tuple[int, list[FileResult]]:
    if not scan.in_process:
        try:
            answer = scan.worker.call("scan.check", batch, _changes_for_helper(ls, scan))
            return cast(tuple[int, list[FileResult]], await asyncio.wrap_future(answer))
        except (WorkerDied, JobFailed) as exc:
            if scan.cancelled:
                return 0, []
            log.warning("ssot: the workspace scan continues in the server (%s)", exc)
            scan.in_process = True
            scan.worker.close()
    records: list[FileResult] = []
    generations = []
    for path in batch:  # one file at a time, after the documents being edited
        await _yield_to_open_documents(ls)
        generation, checked = await ls.run_engine(check_batch, [path], (), ls.session.configs)
        generations.append(generation)
        records.extend(checked)
    return min(generations, default=0), records  # the oldest: a change mid-batch makes the batch stale


def _changes_for_helper(ls: "SsotServer", scan: Scan) -> list[Change]:
    """The overlays and watched-file events the helper process has not seen yet."""
    changes: list[Change] = list(scan.events)
    scan.events.clear()
    current = dict(ls.session.configs.overlays)
    for path, text in current.items():
        if path not in scan.sent or scan.sent[path] != text:
            changes.append(("overlay", path, text))
    changes.extend(("overlay", path, None) for path in scan.sent if path not in current)
    scan.sent = current
    return changes


def note_watched_change(ls: "SsotServer", kind: str, path: Optional[Path] = None) -> None:
    """Tell the helper processes (a running scan's, fix-all's) about a changed module or configuration."""
    ls.session.fix_helper.note(kind, path)
    scan = ls.session.scan
    if scan is not None:
        scan.events.append((kind, path, None))


async def _yield_to_open_documents(ls: "SsotServer") -> None:
    """Let checks of the documents being edited go first: the scan is background work."""
    for _ in range(200):  # at most about two seconds, so the scan always moves on
        if not any(state.pending is not None and not state.pending.done() for state in ls.session.documents.values()):
            return
        await asyncio.sleep(0.01)


def _is_open(ls: "SsotServer", path: Path) -> bool:
    uri = from_fs_path(str(path))
    return bool(uri) and uri in ls.workspace.text_documents


def _keep_workspace_result(ls: "SsotServer", path: Path, record: FileResult) -> None:
    uri = from_fs_path(str(path))
    if not uri or uri in ls.workspace.text_documents or not ls.session.settings.workspace_scope:
        return
    ls.session.workspace_results[uri] = record
    ls.session.workspace_cleared.discard(uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics_of(ls, record)))
