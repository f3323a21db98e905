"""Workspace handlers: start-up, settings, watched files, workspace folders, the report, exit (SPEC §5, §7).

On `initialized` the server reads its settings (`workspace/configuration`, section
"ssot"), asks to be told about changes to config files and Python files, and starts the
background scan (`workspace.py`). Settings that cannot be applied are shown to the user
(a warning naming the setting, the value and what is expected, and a log line); the
valid ones apply.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ...model import ConfigurationError
from ..diagnostics import after_first_diagnostics, recheck_open_documents, refresh_client
from ..settings import SECTION, SettingProblem
from ..workspace import folders, forget_results_under, note_watched_change, refresh_from_disk, scan_workspace
from .declare import on_loop

if TYPE_CHECKING:
    from ...configs import ConfigStore
    from ..server import SsotServer

log = logging.getLogger("ssot_lsp")
REPORT_METHOD = "ssot/complianceReport"
WATCHED = ("**/ssot.toml", "**/pyproject.toml", "**/.gitignore", "**/*.py", "**/*.pyi")
CONFIG_NAMES = ("ssot.toml", "pyproject.toml", ".gitignore")
CODE_CACHE_FINAL_S = 30.0


@on_loop(types.INITIALIZE)
def initialize(ls: "SsotServer", params: types.InitializeParams) -> None:
    # Shown once `initialized` has come, together with those of `workspace/configuration`.
    ls.session.unreported_settings = apply_settings(ls, params.initialization_options)


@on_loop(types.INITIALIZED)
async def initialized(ls: "SsotServer", params: types.InitializedParams) -> None:
    session = ls.session
    problems, session.unreported_settings = session.unreported_settings, []
    report_settings_problems(ls, problems + await load_settings(ls))
    await register_watchers(ls)
    if session.settings.jediCompletion:
        asyncio.ensure_future(warm_up_jedi(ls))
    if session.settings.scanOnStartup:
        asyncio.ensure_future(scan_workspace(ls))
    asyncio.ensure_future(_after_start(ls))


@on_loop(types.EXIT)
def exit_process(ls: "SsotServer", *args: Any) -> None:
    """Leave at once on `exit` (0 after `shutdown`, 1 without): background work is abandoned."""
    logging.shutdown()
    os._exit(0 if ls.protocol._shutdown else 1)


async def _after_start(ls: "SsotServer") -> None:
    """Once the first diagnostics are out: the collector back on, freed memory returned, the code cache
    written (`startup.py`)."""
    from .. import codecache, memory, startup

    loop = asyncio.get_running_loop()
    await after_first_diagnostics(ls)
    startup.settle()
    await loop.run_in_executor(None, memory.release)  # what the start-up left behind (ctypes drops the lock)
    await loop.run_in_executor(None, codecache.save, False)
    await asyncio.sleep(CODE_CACHE_FINAL_S)  # by then the common requests have met their hooks
    await loop.run_in_executor(None, codecache.save, True)


async def warm_up_jedi(ls: "SsotServer") -> None:
    """Start jedi's helper process and parse the open documents, once their first diagnostics are out."""
    await after_first_diagnostics(ls)
    if not ls.session.settings.jediCompletion:
        return
    documents = list(ls.workspace.text_documents.items())
    for uri, document in documents:
        path = ls.path_of(uri)
        ls.session.jedi.prime(document.source, str(path) if path else None)
    if not documents:
        ls.session.jedi.prime("import os\nos.pa", None)


# -- settings --------------------------------------------------------------------------
@on_loop(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def workspace_did_change_configuration(ls: "SsotServer", params: types.DidChangeConfigurationParams) -> None:
    before = ls.session.settings
    problems = apply_settings(ls, params.settings)
    report_settings_problems(ls, problems + await load_settings(ls))
    if ls.session.settings != before:
        recheck_open_documents(ls)


def apply_settings(ls: "SsotServer", raw: Any, section: bool = False) -> list[SettingProblem]:
    """Apply the valid settings of `raw`; the others are returned."""
    ls.session.settings, problems = ls.session.settings.update(raw, section)
    return problems


async def load_settings(ls: "SsotServer") -> list[SettingProblem]:
    """Ask the client for the "ssot" section and apply it; the settings that could not be applied."""
    if not ls.supports("workspace.configuration", False):
        return []
    try:
        values = await asyncio.wait_for(ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])), timeout=5)
    except Exception as exc:  # a client that fails the request keeps the defaults
        ls.log(f"ssot: could not read settings: {exc}")
        return []
    return apply_settings(ls, values[0], section=True) if values else []


def report_settings_problems(ls: "SsotServer", problems: list[SettingProblem]) -> None:
    """A warning for each setting not applied (once while it stays the same), and a log line."""
    shown = [str(problem) for problem in problems]
    new = [text for text in dict.fromkeys(shown) if text not in ls.session.reported_settings]
    ls.session.reported_settings = frozenset(shown)
    for text in new:
        ls.log(f"ssot: setting {text}", types.MessageType.Warning)
    if new:
        more = f" (and {len(new) - 1} more: see the log)" if len(new) > 1 else ""
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning, message=f"ssot: setting {new[0]}{more}"))


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


# -- files and folders -----------------------------------------------------------------
@on_loop(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def workspace_did_change_watched_files(ls: "SsotServer", params: types.DidChangeWatchedFilesParams) -> None:
    session = ls.session
    config_changed = False
    closed_files: list[str] = []
    for change in params.changes:
        path = ls.path_of(change.uri)
        if path is None:
            continue
        if path.name in CONFIG_NAMES:
            config_changed = True
        elif change.uri not in ls.workspace.text_documents:
            await ls.run_engine(session.configs.module_changed, path)
            note_watched_change(ls, "module", path)
            if change.type == types.FileChangeType.Deleted:
                forget_results_under(ls, path)  # a deleted folder takes its files' diagnostics along
            else:
                closed_files.append(change.uri)
    if config_changed:
        await ls.run_engine(session.configs.config_changed)
        note_watched_change(ls, "config")
        session.reported_config_errors.clear()
        if session.settings.workspace_scope:  # every closed file's findings may change: scan again
            asyncio.ensure_future(scan_workspace(ls))
    recheck_open_documents(ls, refresh=not closed_files)
    for uri in dict.fromkeys(closed_files):  # one file at a time: edits of open documents go in between
        await refresh_from_disk(ls, uri, ask_client=False)
    if closed_files:  # once they are all checked
        refresh_client(ls)


@on_loop(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def workspace_did_change_workspace_folders(ls: "SsotServer",
                                                 params: types.DidChangeWorkspaceFoldersParams) -> None:
    remaining = folders(ls)  # pygls has applied the change already
    for removed in params.event.removed or []:
        path = ls.path_of(removed.uri)
        if path is not None and not any(root == path or root in path.parents for root in remaining):
            forget_results_under(ls, path, keep=remaining)
    if params.event.removed:
        refresh_client(ls)
    if ls.session.settings.scanOnStartup and params.event.added:
        asyncio.ensure_future(scan_workspace(ls))


# -- the compliance report -------------------------------------------------------------
@on_loop(REPORT_METHOD)
async def ssot_compliance_report(ls: "SsotServer", params: Any) -> dict[str, Any]:
    paths = _report_paths(ls, params)
    try:
        return await ls.run_engine(_report, ls.session.configs, paths)
    except ImportError as exc:
        raise JsonRpcInternalError(f"the compliance report is not available: {exc}") from exc
    except ConfigurationError as exc:
        raise JsonRpcInvalidParams("; ".join(str(e) for e in exc.errors)) from exc


def _report(store: ConfigStore, paths: list[Path]) -> dict[str, Any]:
    """On the engine thread: the report, from the session's configurations and open documents."""
    from ...report import build_report

    return build_report([str(p) for p in paths], store=store).as_json()


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
