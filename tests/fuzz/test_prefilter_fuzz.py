"""Generated workspaces: the batch path (pre-filter, limited registry, sparse parse) finds what a full check finds.

Each example writes a small workspace: a library (`lib.core.Old`, `lib.core.make`, the
`lib.legacy` package), two modules that re-export parts of it in random ways (aliases,
`import a.b as c`, module objects, star imports, relative imports, re-exports of
re-exports), and one file that imports and uses names through those roads (attribute
chains through a parent import, `__import__`/`import_module` strings, shadowing). The
pre-filter may skip the file only when a full check finds nothing in it, and the batch
run must report exactly what the full check reports. `benchmarks/fuzz_long.py` runs the
same property with many more examples (target `prefilter`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.batch import check_file
from ssot_lsp.config import load_config
from ssot_lsp.configs import ConfigStore
from ssot_lsp.engine import analyze
from ssot_lsp.registry import Registry

REGISTRY = """\
[[rules]]
id = "SYM"
kind = "symbol"
name = "lib.core.Old"

[[rules]]
id = "CALL"
kind = "call"
name = "lib.core.make"

[[rules]]
id = "MOD"
kind = "module"
name = "lib.legacy"
"""

LIBRARY = {
    "lib/__init__.py": "",
    "lib/core.py": "class Old:\n    pass\n\n\ndef make():\n    return Old()\n",
    "lib/legacy/__init__.py": "",
    "lib/legacy/mod.py": "x = 1\n",
    "app/__init__.py": "",
}

REEXPORTS = [
    "from lib.core import Old", "from lib.core import Old as Legacy", "from lib import core",
    "from lib import core as c2", "import lib.core as lc", "from lib.core import *", "import lib",
    "from lib.core import make as build", "from lib import legacy", "from . import compat",
    "from .compat import *", "from .compat import Legacy as L2", "from .compat import lc as lc2",
    "from app.compat import build as b2", "import lib.legacy.mod as lm",
]

IMPORTS = [
    "from lib.core import Old", "from lib.core import Old as O", "import lib.core", "import lib.core as k",
    "import lib", "from lib import core", "from app.compat import Legacy", "from app.compat import *",
    "from app import compat", "from app import compat as cm", "import app.compat", "from app.compat import lc",
    "from app.compat import c2", "from app import L2", "from app import lc2", "from . import compat",
    "from .compat import Legacy", "from .. import core", "from ..core import make", "from . import mod",
    "import importlib", "from importlib import import_module as im", "from app.compat import build",
    "from app import b2", "import app", "from app.compat import (\n    Legacy as Renamed,  # why\n)",
    "from lib.legacy import mod", "from app.compat import lm", "import lib.legacy.mod as lm2",
]

USES = [
    "Old()", "O()", "lib.core.Old()", "k.make()", "lib.core.make()", "core.Old", "Legacy()",
    "compat.Legacy()", "cm.lc.Old()", "app.compat.lc.make()", "lc.Old", "c2.make()", "L2()", "make()",
    "build()", "b2()", "compat.c2.Old", "lib.legacy.mod.x", "__import__('lib.legacy.mod')",
    "importlib.import_module('lib.legacy')", "im('lib.legacy.mod')", "def f():\n    return Legacy()",
    "Legacy = 1", "Renamed()", "app.compat.Old", "lc2.make()", "lm.x", "lm2.x",
    "class C:\n    def m(self):\n        return core.make()",
]

USER_FILES = ["app/user.py", "app/inner/user.py", "lib/legacy/user.py", "lib/user.py", "scripts/user.py"]

workspaces = st.fixed_dictionaries({
    "compat": st.lists(st.sampled_from(REEXPORTS), max_size=4),
    "init": st.lists(st.sampled_from(REEXPORTS), max_size=3),
    "imports": st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=3),
    "uses": st.lists(st.sampled_from(USES), min_size=1, max_size=3),
    "path": st.sampled_from(USER_FILES),
})


def detected(root: Path, path: Path, registry: Registry) -> list[tuple[str, int, int]]:
    return [(v.code, v.span.start_line, v.span.start_col) for v in analyze(path.read_text(), path, registry).violations]


FOUND: list[bool] = []  # per example: whether the full check found something (the long run reports it)


def prefilter_agrees(case: dict) -> bool:
    """Write the workspace `case` describes; True when the batch path agrees with a full check."""
    root = Path(tempfile.mkdtemp(prefix="ssot-prefilter-"))
    try:
        (root / "ssot.toml").write_text(REGISTRY)
        files = {**LIBRARY, "app/compat.py": "\n".join(case["compat"]) + "\n",
                 "app/__init__.py": "\n".join(case["init"]) + "\n", "app/inner/__init__.py": ""}
        files[case["path"]] = "\n".join(case["imports"] + case["uses"]) + "\n"
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        user = root / case["path"]
        config = load_config(root / "ssot.toml")
        try:
            compile(user.read_text(), str(user), "exec")
        except SyntaxError:
            return True  # `from .. import` beyond the top, say: only the full parse's recovery applies
        expected = detected(root, user, Registry(config))  # fresh: no pre-filter, no limit
        store = ConfigStore()  # what a batch run uses: the pre-filter, the limited registry
        registry = store.registry(store.load(root / "ssot.toml"))
        module, is_package = registry.workspace.module_name(user)
        skipped = not store.batch_filter(registry).may_violate(user.read_bytes(), module, is_package)
        if skipped and expected:
            return False
        found = [(v.code, v.span.start_line, v.span.start_col) for v in check_file(store, user).violations]
        FOUND.append(bool(expected))
        return found == expected
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces)
def test_prefilter_skips_only_files_without_findings(case: dict) -> None:
    assert prefilter_agrees(case), case


def test_reexport_chain_through_a_parent_import_is_followed(tmp_path: Path) -> None:
    # `import app` then `app.compat.lc.Old`: a module object re-exported through a package.
    case = {"compat": ["import lib.core as lc"], "init": ["from . import compat"],
            "imports": ["import app"], "uses": ["app.compat.lc.Old()"], "path": "scripts/user.py"}
    assert prefilter_agrees(case)
    assert FOUND[-1], "the full check flags the use"
