"""A small workspace for the campaign tests (SPEC §14), counted by hand.

    file                   phase      governed  canonical  violations
    app/core/a.py          golden         2         1       OLD001 (auto)
    app/services/b.py      services       2         1       OLD001 (auto), CALL001 (flag only: rest,
                                                            `services` only takes rules starting OLD)
    app/other.py           rest           1         0       OLD001 (auto)
    app/core/__init__.py   golden         0         0
    app/services/__init__.py  services    0         0
    app/__init__.py, pkg/__init__.py, pkg/new.py, pkg/old.py: rest, nothing governed
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CONFIG = """\
canonical-modules = ["pkg.new"]

[[rules]]
id = "OLD001"
kind = "module"
name = "pkg.old"
replace = "pkg.new"

[[rules]]
id = "CALL001"
kind = "call"
name = "pkg.new.legacy"

[[phases]]
name = "golden"
paths = ["app/core/**"]
deadline = "2000-01-01"

[[phases]]
name = "services"
paths = ["app/services/"]
rules = ["OLD"]
deadline = "2999-12-31"
"""

FILES = {
    "ssot.toml": CONFIG,
    "pkg/__init__.py": "",
    "pkg/new.py": "def thing():\n    return 1\n\n\ndef legacy():\n    return 2\n",
    "pkg/old.py": "def thing():\n    return 1\n",
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/a.py": "from pkg.old import thing\nfrom pkg.new import thing as other\n\nprint(thing(), other())\n",
    "app/services/__init__.py": "",
    "app/services/b.py": "from pkg.old import thing\nfrom pkg.new import legacy\n\nprint(thing(), legacy())\n",
    "app/other.py": "from pkg.old import thing\n\nprint(thing())\n",
}


def write_workspace(root: Path, files: dict = FILES) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def ssot(cwd: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, **kwargs)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                            env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                                 "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                                 "HOME": str(cwd), "PATH": "/usr/bin:/bin"})
    return result.stdout
