"""The workspace scan checks the closed files: an open document has its own check, from its unsaved text."""

from __future__ import annotations

from pathlib import Path

from .jsonrpc import RawServer, uri_of

TIMEOUT = 60
CONFIG = '[[rules]]\nid = "T001"\nkind = "module"\nname = "oldmod"\nreplace = "newmod"\n'


def test_the_scan_leaves_open_documents_to_their_own_check(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text(CONFIG)
    for name in ("open.py", "closed.py"):
        (tmp_path / name).write_text("import oldmod\n")
    server = RawServer(cwd=tmp_path, settings={"scanOnStartup": True, "diagnosticScope": "workspace"})
    try:
        server.initialize(root=tmp_path)
        opened = server.open(tmp_path / "open.py", "import oldmod\nimport oldmod\n")
        done = server.wait_for(lambda m: m.get("method") == "window/logMessage"
                               and "workspace scan done" in m["params"]["message"], timeout=TIMEOUT)
        assert done["params"]["message"].endswith("1 violation(s) in 1 file(s)"), done
        closed = uri_of(tmp_path / "closed.py")
        published = {}
        for message in server.received:
            if message.get("method") == "textDocument/publishDiagnostics":
                published[message["params"]["uri"]] = message["params"]["diagnostics"]
        assert len(published[opened]) == 2  # the unsaved text's, never replaced by the file on disk
        assert [item["code"] for item in published[closed]] == ["T001"]
    finally:
        server.close()
