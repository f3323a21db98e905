"""The editor's workspace scan on the batch path follows the open documents' unsaved text.

A closed file that mentions none of the registry's names is proven clean without being
parsed; an unsaved re-export under a new name makes that name one to look for, so the
scan finds what a full check of the file finds, and the pre-filter generation tells the
server which files it checked before the change.
"""

from __future__ import annotations

from pathlib import Path

from ssot_lsp.configs import ConfigStore
from ssot_lsp.lsp.documents import check_text
from ssot_lsp.lsp.scan import check_batch

REGISTRY = '[[rules]]\nid = "OLD001"\nkind = "call"\nname = "pkg.core.get_manager"\n'


def workspace(root: Path) -> dict[str, Path]:
    (root / "ssot.toml").write_text(REGISTRY)
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "def get_manager():\n    return None\n",
        "pkg/facade.py": "def mgr():\n    return 1\n",
        "app/__init__.py": "",
        "app/user.py": "from pkg.facade import mgr\n\n\ndef handler():\n    return mgr()\n",
    }
    paths = {}
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[relative] = path
    return paths


def full_check(store: ConfigStore, path: Path) -> list:
    """What the editor finds in the file when it is open: the full engine on its text."""
    result = check_text(store, path, path.read_text(), None)
    assert result is not None
    return result.violations


def test_an_unsaved_reexport_reaches_closed_files_and_is_forgotten_with_it(tmp_path: Path) -> None:
    files = workspace(tmp_path)
    user, facade = files["app/user.py"], files["pkg/facade.py"]
    store = ConfigStore()
    before, (clean,) = check_batch([user], (), store)
    assert clean.violations == () and clean.error is None

    store.set_overlay(facade, "from pkg.core import get_manager as mgr\n")
    after, (flagged,) = check_batch([user], (), store)
    assert after > before  # files checked before the change are stale
    assert [v.code for v in flagged.violations] == ["OLD001"]
    reference = ConfigStore()
    reference.set_overlay(facade, "from pkg.core import get_manager as mgr\n")
    assert list(flagged.violations) == full_check(reference, user)
    assert flagged.lines.line(flagged.violations[0].span.start_line) == "    return mgr()"

    store.set_overlay(facade, None)  # the document closed without saving
    last, (again,) = check_batch([user], (), store)
    assert last > after and again.violations == ()


def test_the_helper_process_applies_the_overlay_before_its_batch(tmp_path: Path) -> None:
    from ssot_lsp.lsp.worker import Worker

    files = workspace(tmp_path)
    user, facade = files["app/user.py"], files["pkg/facade.py"]
    helper = Worker("test")
    try:
        change = ("overlay", facade, "from pkg.core import get_manager as mgr\n")
        _, (record,) = helper.call("scan.check", [user], [change]).result(60)
    finally:
        helper.close()
    assert [v.code for v in record.violations] == ["OLD001"]


def test_typing_in_an_ordinary_file_keeps_the_prefilter(tmp_path: Path) -> None:
    files = workspace(tmp_path)
    user = files["app/user.py"]
    store = ConfigStore()
    before, _ = check_batch([user], (), store)
    # A new function in a module no rule's name passes through: no rename, no re-export read.
    store.set_overlay(user, user.read_text() + "\n\ndef other():\n    return 2\n")
    after, (record,) = check_batch([user], (), store)
    assert after == before and record.violations == ()
