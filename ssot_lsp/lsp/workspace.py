"""Workspace features: settings, the background scan, watched files, the report (SPEC §5, §7).

On `initialized` the server reads its settings (`workspace/configuration`, section
"ssot"), asks to be told about changes to config files and Python files, and scans every
workspace folder in the background with `$/progress`. With `ssot.diagnosticScope` =
`workspace` the scan's results are published for closed files too.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.uris import from_fs_path

from ..model import ConfigurationError
from ..source import DecodeError, decode
from .diagnostics import diagnostics_of, recheck_open_documents, report_config_errors
from .documents import check_text
from .settings import SECTION

if TYPE_CHECKING:
    from .server import SsotServer

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

        warm_up()
    if ls.settings.scanOnStartup:
        asyncio.ensure_future(scan_workspace(ls))


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
    for change in params.changes:
        path = ls.path_of(change.uri)
        if path is None:
            continue
        if path.name in CONFIG_NAMES:
            config_changed = True
        elif change.uri not in ls.workspace.text_documents:
            await ls.run_engine(ls.configs.module_changed, path)
    if config_changed:
        await ls.run_engine(ls.configs.config_changed)
        from . import diagnostics

        diagnostics._reported.clear()
    recheck_open_documents(ls)


async def workspace_did_change_workspace_folders(ls: "SsotServer", params: Any) -> None:
    if ls.settings.scanOnStartup:
        asyncio.ensure_future(scan_workspace(ls))


# -- the background scan ---------------------------------------------------------------
def folders(ls: "SsotServer") -> list[Path]:
    found = [ls.path_of(folder.uri) for folder in ls.workspace.folders.values()]
    if not found and ls.workspace.root_uri:
        found = [ls.path_of(ls.workspace.root_uri)]
    return [path for path in found if path is not None and path.is_dir()]


def _python_files(roots: list[Path]) -> list[Path]:
    from ..runner import discover

    discovery = discover([str(root) for root in roots])
    return [path for path, _ in discovery.files]


def _check_file(ls: "SsotServer", path: Path):
    try:
        text = decode(path.read_bytes()).text
    except (OSError, DecodeError):
        return None
    return check_text(ls.configs, path, text, None)


async def scan_workspace(ls: "SsotServer") -> None:
    """Check every Python file of the workspace folders, reporting progress."""
    roots = folders(ls)
    if not roots:
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
    # Walking the folders touches no engine cache: keep it off the engine thread, so the
    # documents being edited are checked meanwhile.
    files = await asyncio.get_running_loop().run_in_executor(None, _python_files, roots)
    violations = 0
    step = max(1, len(files) // 20)
    for index, path in enumerate(files, 1):
        await _yield_to_open_documents(ls)
        result = await ls.run_engine(_check_file, ls, path)
        if result is not None:
            violations += len(result.violations)
            report_config_errors(ls, result.config_path, result.config_errors)
            _keep_workspace_result(ls, path, result)
        if progress and (index % step == 0 or index == len(files)):
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(
                message=f"{index}/{len(files)} files", percentage=int(index * 100 / len(files))))
    message = f"{violations} violation(s) in {len(files)} file(s)"
    if progress:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
    ls.log(f"ssot: workspace scan done: {message}")


async def _yield_to_open_documents(ls: "SsotServer") -> None:
    """Let checks of the documents being edited go first: the scan is background work."""
    for _ in range(200):  # at most about two seconds, so the scan always moves on
        if not any(state.pending is not None and not state.pending.done() for state in ls.documents.values()):
            return
        await asyncio.sleep(0.01)


def _keep_workspace_result(ls: "SsotServer", path: Path, result) -> None:
    uri = from_fs_path(str(path))
    if not uri or uri in ls.workspace.text_documents or not ls.settings.workspace_scope:
        return
    ls.workspace_results[uri] = result
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics_of(ls, result)))


# -- the compliance report -------------------------------------------------------------
async def ssot_compliance_report(ls: "SsotServer", params: Any) -> dict:
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
    raw: Optional[list] = None
    if isinstance(params, dict):
        raw = params.get("paths")
    elif params is not None and hasattr(params, "paths"):
        raw = params.paths
    if raw:
        paths = [ls.path_of(p) if str(p).startswith("file:") else Path(str(p)) for p in raw]
        return [p for p in paths if p is not None]
    return folders(ls)
