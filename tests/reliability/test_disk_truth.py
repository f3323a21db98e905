"""Closed files' diagnostics tell the truth about the disk (`diagnosticScope` = `workspace`, SPEC §5).

A file created, changed or deleted on disk while it is closed, a deleted folder, a removed
workspace folder and a document closed without saving: the diagnostics follow the files
as saved, pushed or pulled. Spoken over raw frames with the client's watched-file events.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from .jsonrpc import RawServer, uri_of

CONFIG = '[[rules]]\nid = "T001"\nkind = "module"\nname = "oldmod"\nreplace = "newmod"\n'
CREATED, CHANGED, DELETED = 1, 2, 3
PUSH = {"textDocument": {"publishDiagnostics": {"versionSupport": True}},
        "workspace": {"configuration": True, "workspaceFolders": True,
                      "didChangeWatchedFiles": {"dynamicRegistration": True}}}
PULL = {"textDocument": {"diagnostic": {"dynamicRegistration": False}},
        "workspace": {"configuration": True, "diagnostics": {"refreshSupport": True}}}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "ssot.toml").write_text(CONFIG)
    (root / "a.py").write_text("import oldmod\n")
    return root


def start(root: Path, capabilities: dict) -> RawServer:
    server = RawServer(cwd=root, settings={"diagnosticScope": "workspace"})
    server.initialize(root=root, capabilities=capabilities)
    return server


@pytest.fixture
def pushed(workspace: Path) -> Iterator[RawServer]:
    server = start(workspace, PUSH)
    yield server
    server.close()


def watched(server: RawServer, *changes: tuple[Path, int]) -> int:
    """Send the client's watched-file events; the index of the next message received."""
    at = len(server.received)
    server.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": uri_of(path), "type": kind} for path, kind in changes]})
    return at


def published_codes(server: RawServer, path: Path, start: int) -> list[str]:
    uri = uri_of(path)
    message = server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri, start=start)
    return [item["code"] for item in message["params"]["diagnostics"]]


def test_the_server_registers_watchers_for_sources_and_configs(pushed: RawServer) -> None:
    registration = pushed.wait_for(lambda m: m.get("method") == "client/registerCapability")
    [entry] = registration["params"]["registrations"]
    assert entry["method"] == "workspace/didChangeWatchedFiles"
    patterns = {watcher["globPattern"] for watcher in entry["registerOptions"]["watchers"]}
    assert {"**/*.py", "**/*.pyi", "**/ssot.toml", "**/pyproject.toml", "**/.gitignore"} <= patterns


def test_created_changed_and_deleted_closed_files(pushed: RawServer, workspace: Path) -> None:
    new = workspace / "new.py"
    new.write_text("import oldmod\n")
    assert published_codes(pushed, new, watched(pushed, (new, CREATED))) == ["T001"]
    new.write_text("import newmod\n")
    assert published_codes(pushed, new, watched(pushed, (new, CHANGED))) == []
    new.write_text("x = 1\nimport oldmod\n")
    assert published_codes(pushed, new, watched(pushed, (new, CHANGED))) == ["T001"]
    new.unlink()
    assert published_codes(pushed, new, watched(pushed, (new, DELETED))) == []


def test_a_changed_event_for_a_file_already_gone_clears_it(pushed: RawServer, workspace: Path) -> None:
    stub = workspace / "stub.pyi"
    stub.write_text("import oldmod\n")
    assert published_codes(pushed, stub, watched(pushed, (stub, CREATED))) == ["T001"]
    stub.unlink()  # the watcher's events came late, or out of order
    assert published_codes(pushed, stub, watched(pushed, (stub, CHANGED))) == []


def test_a_deleted_folder_clears_its_files(pushed: RawServer, workspace: Path) -> None:
    package = workspace / "pkg"
    package.mkdir()
    (package / "b.py").write_text("import oldmod\n")
    (package / "c.py").write_text("import oldmod\n")
    start = watched(pushed, (package / "b.py", CREATED), (package / "c.py", CREATED))
    assert published_codes(pushed, package / "c.py", start) == ["T001"]
    shutil.rmtree(package)
    start = watched(pushed, (package, DELETED))
    assert published_codes(pushed, package / "b.py", start) == []
    assert published_codes(pushed, package / "c.py", start) == []
    assert published_codes(pushed, workspace / "a.py", watched(pushed, (workspace / "a.py", CHANGED))) == ["T001"]


def test_a_removed_workspace_folder_clears_its_files(pushed: RawServer, workspace: Path) -> None:
    other = workspace.parent / "other"
    other.mkdir()
    (other / "ssot.toml").write_text(CONFIG)
    (other / "d.py").write_text("import oldmod\n")
    folder = {"uri": uri_of(other), "name": "other"}
    pushed.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [folder], "removed": []}})
    assert published_codes(pushed, other / "d.py", watched(pushed, (other / "d.py", CREATED))) == ["T001"]
    start = len(pushed.received)
    pushed.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [], "removed": [folder]}})
    assert published_codes(pushed, other / "d.py", start) == []


def test_a_document_closed_without_saving_falls_back_to_the_disk(pushed: RawServer, workspace: Path) -> None:
    path = workspace / "a.py"
    uri = pushed.open(path, "import newmod\n", version=1)
    assert pushed.published(uri, 1)["diagnostics"] == []
    start = len(pushed.received)
    pushed.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert published_codes(pushed, path, start) == ["T001"]  # the saved text's finding is back

    unsaved = workspace / "unsaved.py"  # never saved: nothing on disk
    uri = pushed.open(unsaved, "import oldmod\n", version=1)
    assert [d["code"] for d in pushed.published(uri, 1)["diagnostics"]] == ["T001"]
    start = len(pushed.received)
    pushed.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert published_codes(pushed, unsaved, start) == []


def workspace_report(server: RawServer) -> dict[str, list[str]]:
    answer = server.request("workspace/diagnostic", {"previousResultIds": []})
    return {item["uri"]: [d["code"] for d in item["items"]] for item in answer["result"]["items"]}


def test_a_pulling_client_is_asked_again_and_pulls_the_disk(workspace: Path) -> None:
    server = start(workspace, PULL)
    try:
        new = workspace / "new.py"
        new.write_text("import oldmod\n")
        start_at = watched(server, (new, CREATED))
        server.wait_for(lambda m: m.get("method") == "workspace/diagnostic/refresh", start=start_at)
        assert workspace_report(server)[uri_of(new)] == ["T001"]
        os.remove(new)
        start_at = watched(server, (new, DELETED))
        server.wait_for(lambda m: m.get("method") == "workspace/diagnostic/refresh", start=start_at)
        assert workspace_report(server)[uri_of(new)] == []  # cleared once...
        assert uri_of(new) not in workspace_report(server)  # ...then no longer reported

        path = workspace / "a.py"
        uri = server.open(path, "import newmod\n")
        assert server.pulled_codes(uri) == []
        start_at = len(server.received)
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        server.wait_for(lambda m: m.get("method") == "workspace/diagnostic/refresh", start=start_at)
        assert workspace_report(server)[uri] == ["T001"]
    finally:
        server.close()


def test_excluded_and_outside_files_get_no_diagnostics(workspace: Path) -> None:
    (workspace / "ssot.toml").write_text('exclude = ["build/"]\n' + CONFIG)
    build = workspace / "build"
    build.mkdir()
    excluded = build / "gen.py"
    excluded.write_text("import oldmod\n")
    outside = workspace.parent / "outside.py"
    outside.write_text("import oldmod\n")
    included = workspace / "b.py"
    included.write_text("import oldmod\n")
    server = start(workspace, PULL)
    try:
        start_at = watched(server, (excluded, CREATED), (outside, CREATED), (included, CREATED))
        server.wait_for(lambda m: m.get("method") == "workspace/diagnostic/refresh", start=start_at)
        report = workspace_report(server)
        assert report[uri_of(included)] == ["T001"]
        assert uri_of(excluded) not in report and uri_of(outside) not in report
    finally:
        server.close()
