"""Workspace features: settings, the background scan, watched files, the report (SPEC §5, §7).

On `initialized` the server reads its settings (`workspace/configuration`, section
"ssot"), asks to be told about changes to config files and Python files, and scans every
workspace folder in the background with `$/progress` (in a helper process, once the
documents opened with the workspace have their first diagnostics). With
`ssot.diagnosticScope` = `workspace` the scan's results are published for closed files too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.uris import from_fs_path

from ..model import ConfigurationError
from .diagnostics import diagnostics_of, recheck_open_documents, refresh_client, report_config_errors
from .scan import Change, ScanRecord, check_batch, check_saved_file, discover_files
from .settings import SECTION
from .worker import JobFailed, Worker, WorkerDied

if TYPE_CHECKING:
    from .server import SsotServer

log = logging.getLogger("ssot_lsp")
REPORT_METHOD = "ssot/complianceReport"
WATCHED = ("**/ssot.toml", "**/pyproject.toml", "**/.gitignore", "**/*.py", "**/*.pyi")
CONFIG_NAMES = ("ssot.toml", "pyproject.toml", ".gitignore")


def register(server: "SsotServer") -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace_did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(workspace_did_change_watched_files)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(workspace_did_change_workspace_folders)
    server.feature(REPORT_METHOD)(ssot_compliance_report)


def initialize(ls: "SsotServer", params: types.InitializeParams) -> None:
    ls.settings = ls.settings.update(params.initialization_options)


async def initialized(ls: "SsotServer", params: types.InitializedParams) -> None:
    await load_settings(ls)
    await register_watchers(ls)
    if ls.settings.jediCompletion:
        from .completion import warm_up

        asyncio.ensure_future(warm_up(ls))
    if ls.settings.scanOnStartup:
        asyncio.ensure_future(scan_workspace(ls))
    asyncio.ensure_future(_after_start(ls))


async def _after_start(ls: "SsotServer") -> None:
    """Once the first diagnostics are out: the collector back on, the code cache written (`startup.py`)."""
    from . import codecache, startup

    loop = asyncio.get_running_loop()
    await after_first_diagnostics(ls)
    startup.settle()
    await loop.run_in_executor(None, codecache.save, False)
    await asyncio.sleep(CODE_CACHE_FINAL_S)  # by then the common requests have met their hooks
    await loop.run_in_executor(None, codecache.save, True)


async def workspace_did_change_configuration(ls: "SsotServer", params: types.DidChangeConfigurationParams) -> None:
    before = ls.settings
    ls.settings = ls.settings.update(params.settings)
    await load_settings(ls)
    if ls.settings != before:
        recheck_open_documents(ls)


async def load_settings(ls: "SsotServer") -> None:
    if not ls.supports("workspace.configuration", False):
        return
    try:
        values = await asyncio.wait_for(ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])), timeout=5)
    except Exception as exc:  # a client that fails the request keeps the defaults
        ls.log(f"ssot: could not read settings: {exc}")
        return
    if values:
        ls.settings = ls.settings.update(values[0])


async def register_watchers(ls: "SsotServer") -> None:
    if not ls.supports("workspace.did_change_watched_files.dynamic_registration", False):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED])
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
            id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
    except Exception as exc:
        ls.log(f"ssot: file watching not available: {exc}")


async def workspace_did_change_watched_files(ls: "SsotServer", params: types.DidChangeWatchedFilesParams) -> None:
    config_changed = False
    closed_files: list[str] = []
    for change in params.changes:
        path = ls.path_of(change.uri)
        if path is None:
            continue
        if path.name in CONFIG_NAMES:
            config_changed = True
        elif change.uri not in ls.workspace.text_documents:
            await ls.run_engine(ls.configs.module_changed, path)
            note_watched_change(ls, "module", path)
            if change.type == types.FileChangeType.Deleted:
                forget_results_under(ls, path)  # a deleted folder takes its files' diagnostics along
            else:
                closed_files.append(change.uri)
    if config_changed:
        await ls.run_engine(ls.configs.config_changed)
        note_watched_change(ls, "config")
        from . import diagnostics

        diagnostics._reported.clear()
        if ls.settings.workspace_scope:  # every closed file's findings may change: scan again
            asyncio.ensure_future(scan_workspace(ls))
    recheck_open_documents(ls, refresh=not closed_files)
    for uri in dict.fromkeys(closed_files):  # one file at a time: edits of open documents go in between
        await refresh_from_disk(ls, uri, ask_client=False)
    if closed_files:  # once they are all checked
        refresh_client(ls)


async def workspace_did_change_workspace_folders(ls: "SsotServer", params: types.DidChangeWorkspaceFoldersParams) -> None:
    remaining = folders(ls)  # pygls has applied the change already
    for removed in params.event.removed or []:
        path = ls.path_of(removed.uri)
        if path is not None and not any(root == path or root in path.parents for root in remaining):
            forget_results_under(ls, path, keep=remaining)
    if params.event.removed:
        refresh_client(ls)
    if ls.settings.scanOnStartup and params.event.added:
        asyncio.ensure_future(scan_workspace(ls))


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
    if path is None or uri in ls.workspace.text_documents or not ls.settings.workspace_scope:
        return
    record = None
    if path.suffix in (".py", ".pyi") and in_workspace(ls, path):
        record = await ls.run_engine(check_saved_file, ls.configs, path)
    if uri in ls.workspace.text_documents:  # opened meanwhile: the document's text wins
        return
    if record is not None and record.skipped is not None:
        ls.log(f"ssot: skipped {path}: {record.skipped}", types.MessageType.Warning)
    if record is None or record.skipped is not None:
        forget_result(ls, uri, always=closing)
    else:
        report_config_errors(ls, record.config_path, record.config_errors)
        _keep_workspace_result(ls, path, record)
    if ask_client:
        refresh_client(ls)


def forget_result(ls: "SsotServer", uri: str, always: bool = False) -> None:
    """Clear a closed file's diagnostics (pushed now, or in the next workspace pull) if it had any, or `always`."""
    if ls.workspace_results.pop(uri, None) is None and not always:
        return
    if ls.pull_diagnostics:
        ls.workspace_cleared.add(uri)
    else:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def forget_results_under(ls: "SsotServer", path: Path, keep: Optional[list[Path]] = None) -> None:
    """Clear the diagnostics of the closed files at or under `path` (not those under a folder in `keep`)."""
    for uri in list(ls.workspace_results):
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
SCAN_NICE = 10  # the scan is background work: edits get the processor first
START_AFTER_S = 2.0  # longest wait for the first documents' diagnostics before scanning
CODE_CACHE_FINAL_S = 30.0


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


_SCANS: "weakref.WeakKeyDictionary[Any, Scan]" = weakref.WeakKeyDictionary()


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
    previous = _SCANS.get(ls)
    if previous is not None:  # a newer scan replaces a running one
        previous.cancel()
    scan = _SCANS[ls] = Scan()
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
        paths = await _discover(scan, roots)
        files = len(paths)
        step = max(1, files // 20)
        done = 0
        for start in range(0, files, SCAN_BATCH):
            batch = paths[start:start + SCAN_BATCH]
            records = await _check_batch(ls, scan, batch)
            if scan.cancelled:
                return
            for path, record in zip(batch, records):
                if record is None:
                    continue
                if record.skipped is not None:
                    skipped += 1
                    ls.log(f"ssot: skipped {path}: {record.skipped}", types.MessageType.Warning)
                    continue
                violations += len(record.violations)
                report_config_errors(ls, record.config_path, record.config_errors)
                _keep_workspace_result(ls, path, record)
            before, done = done, done + len(batch)
            if progress and (done // step != before // step or done == files):
                ls.work_done_progress.report(token, types.WorkDoneProgressReport(
                    message=f"{done}/{files} files", percentage=int(done * 100 / files)))
    finally:
        scan.worker.close()  # the helper's memory goes back to the system
        if _SCANS.get(ls) is scan:
            del _SCANS[ls]
        message = f"{violations} violation(s) in {files - skipped} file(s)" + (
            f", {skipped} file(s) skipped (see the log)" if skipped else "")
        if progress:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(
                message=message if not scan.cancelled else "cancelled"))
    ls.log(f"ssot: workspace scan done: {message}")


async def after_first_diagnostics(ls: "SsotServer") -> None:
    """Let the documents opened with the workspace be checked before the scan competes for the processor."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_AFTER_S
    await asyncio.sleep(0.05)  # clients send didOpen right after `initialized`
    while loop.time() < deadline:
        if all(uri in ls.documents and ls.documents[uri].result is not None for uri in ls.workspace.text_documents):
            return
        await asyncio.sleep(0.02)


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


async def _check_batch(ls: "SsotServer", scan: Scan, batch: list[Path]) -> list[Optional[ScanRecord]]:
    if not scan.in_process:
        try:
            return await asyncio.wrap_future(scan.worker.call("scan.check", batch, _changes_for_helper(ls, scan)))
        except (WorkerDied, JobFailed) as exc:
            if scan.cancelled:
                return []
            log.warning("ssot: the workspace scan continues in the server (%s)", exc)
            scan.in_process = True
            scan.worker.close()
    records = []
    for path in batch:  # one file at a time, after the documents being edited
        await _yield_to_open_documents(ls)
        records.extend(await ls.run_engine(check_batch, [path], (), ls.configs))
    return records


def _changes_for_helper(ls: "SsotServer", scan: Scan) -> list[Change]:
    """The overlays and watched-file events the helper process has not seen yet."""
    changes: list[Change] = list(scan.events)
    scan.events.clear()
    current = dict(ls.configs.overlays)
    for path, text in current.items():
        if path not in scan.sent or scan.sent[path] != text:
            changes.append(("overlay", path, text))
    changes.extend(("overlay", path, None) for path in scan.sent if path not in current)
    scan.sent = current
    return changes


def note_watched_change(ls: "SsotServer", kind: str, path: Optional[Path] = None) -> None:
    """Tell the helper processes (a running scan's, fix-all's) about a changed module or configuration."""
    ls.fix_helper.note(kind, path)
    scan = _SCANS.get(ls)
    if scan is not None:
        scan.events.append((kind, path, None))


async def _yield_to_open_documents(ls: "SsotServer") -> None:
    """Let checks of the documents being edited go first: the scan is background work."""
    for _ in range(200):  # at most about two seconds, so the scan always moves on
        if not any(state.pending is not None and not state.pending.done() for state in ls.documents.values()):
            return
        await asyncio.sleep(0.01)


def _keep_workspace_result(ls: "SsotServer", path: Path, record: ScanRecord) -> None:
    uri = from_fs_path(str(path))
    if not uri or uri in ls.workspace.text_documents or not ls.settings.workspace_scope:
        return
    ls.workspace_results[uri] = record
    ls.workspace_cleared.discard(uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics_of(ls, record)))


# -- the compliance report -------------------------------------------------------------
async def ssot_compliance_report(ls: "SsotServer", params: Any) -> dict[str, Any]:
    paths = _report_paths(ls, params)
    try:
        from ..report import report_for_paths
    except ImportError as exc:
        raise JsonRpcInternalError(f"the compliance report is not available: {exc}") from exc
    try:
        return await ls.run_engine(report_for_paths, paths, dict(ls.configs.overlays))
    except ConfigurationError as exc:
        raise JsonRpcInvalidParams("; ".join(str(e) for e in exc.errors)) from exc


def _report_paths(ls: "SsotServer", params: Any) -> list[Path]:
    raw: Optional[list[Any]] = None
    if isinstance(params, dict):
        raw = params.get("paths")
    elif params is not None and hasattr(params, "paths"):
        raw = params.paths
    if raw:
        paths = [ls.path_of(p) if str(p).startswith("file:") else Path(str(p)) for p in raw]
        return [p for p in paths if p is not None]
    return folders(ls)
