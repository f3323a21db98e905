"""Deterministic benchmark corpora: the generated "all-relevant" corpus and the editor workspace.

Every module of the all-relevant corpus imports from the governed APIs and calls the
deprecated accessor once, so nothing can be skipped and every tool has to do the full work.
The output depends only on the seed.
"""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

# The five import forms of the corpus. Forms 0 and 1 bind the deprecated accessor.
IMPORT_FORMS = (
    "from app.ws import get_websocket_manager",
    "import app.ws as aws",
    "from legacy.ws import thing",
    "from app.canonical import create_isolated_manager",
    "import os",
)
DEPRECATED_CALL = {0: "get_websocket_manager()", 1: "aws.get_websocket_manager()"}

# Every choice of 3 forms that binds the accessor, so each module can call it once.
FORM_CHOICES = [c for c in itertools.combinations(range(5), 3) if 0 in c or 1 in c]

REGISTRY = """\
src = ["."]
exclude = []

# The singleton accessor leaks state between users: build one manager per user.
[[rules]]
id = "SSOT001"
kind = "call"
name = "app.ws.get_websocket_manager"
params = []
replace = ["create_isolated_manager(user_id={user_id})"]
imports = ["from app.canonical import create_isolated_manager"]
message = "get_websocket_manager() shares one manager between users"
severity = "error"
allow = ["app/**"]

# The legacy package is gone; its API lives in app.canonical.
[[rules]]
id = "SSOT002"
kind = "module"
name = "legacy.ws"
replace = "app.canonical"
severity = "error"
allow = ["legacy/**"]
"""

# The names each peer bans, equivalent to REGISTRY.
BANNED = {
    "app.ws.get_websocket_manager": "get_websocket_manager() shares one manager between users",
    "legacy.ws": "The legacy package is gone; import from app.canonical",
}

SUPPORT_MODULES = {
    "app/__init__.py": "",
    "app/ws.py": (
        '"""The old WebSocket layer."""\n\n\n'
        "class WebSocketManager:\n    pass\n\n\n"
        "_MANAGER = WebSocketManager()\n\n\n"
        "def get_websocket_manager():\n    return _MANAGER\n"
    ),
    "app/canonical.py": (
        '"""The canonical factory."""\n\nfrom app.ws import WebSocketManager\n\n\n'
        "def create_isolated_manager(user_id=None):\n    return WebSocketManager()\n"
    ),
    "legacy/__init__.py": "",
    "legacy/ws.py": "thing = object()\n",
}

_NOUNS = ("order", "user", "session", "message", "channel", "payload", "event", "report", "item", "account")
_VERBS = ("load", "store", "build", "merge", "render", "send", "validate", "normalize", "collect", "count")


def _filler_function(rng: random.Random, index: int) -> list[str]:
    noun, verb = rng.choice(_NOUNS), rng.choice(_VERBS)
    name = f"{verb}_{noun}_{index}"
    lines = [
        f"def {name}(items, limit={rng.randint(2, 50)}, *, strict=False):",
        f'    """{verb.capitalize()} the {noun}s of a batch."""',
        "    result = []",
        "    seen = set()",
        "    for position, item in enumerate(items):",
        "        if position >= limit:",
        "            break",
        f"        key = (item.get('{noun}_id'), item.get('kind', '{verb}'))",
        "        if key in seen and strict:",
        f"            raise ValueError(f'duplicate {noun}: {{key}}')",
        "        seen.add(key)",
        "        value = {k: v for k, v in item.items() if not k.startswith('_')}",
        f"        value['{verb}ed'] = len(result) + {rng.randint(0, 9)}",
        "        result.append(value)",
        "    return sorted(result, key=lambda v: str(v.get('kind')))",
        "",
        "",
    ]
    return lines


def _filler_class(rng: random.Random, index: int) -> list[str]:
    noun = rng.choice(_NOUNS)
    cls = f"{noun.capitalize()}Service{index}"
    return [
        f"class {cls}:",
        f'    """Keeps {noun}s for one request."""',
        "",
        f"    retries = {rng.randint(1, 5)}",
        "",
        "    def __init__(self, store, *, timeout=1.0):",
        "        self.store = store",
        "        self.timeout = timeout",
        "        self._cache = {}",
        "",
        f"    def get(self, {noun}_id):",
        f"        if {noun}_id in self._cache:",
        f"            return self._cache[{noun}_id]",
        f"        value = self.store.fetch({noun}_id, timeout=self.timeout)",
        f"        self._cache[{noun}_id] = value",
        "        return value",
        "",
        "    def drop(self, *keys):",
        "        for key in keys:",
        "            self._cache.pop(key, None)",
        "        return len(self._cache)",
        "",
        "",
    ]


def module_text(rng: random.Random, index: int, target_lines: int = 150) -> str:
    forms = rng.choice(FORM_CHOICES)
    call = DEPRECATED_CALL[0 if 0 in forms else 1]
    lines = [f'"""Generated module {index} of the all-relevant corpus."""', ""]
    lines += [IMPORT_FORMS[form] for form in forms]
    lines += ["", ""]
    lines += [
        "def handle_connection(user_id, payload):",
        '    """The one place this module reaches the WebSocket layer."""',
        f"    manager = {call}",
        "    return manager, payload",
        "",
        "",
    ]
    if 2 in forms:
        lines += ["LEGACY_MARKER = thing", "", ""]
    if 3 in forms:
        lines += ["def isolated(user_id):", "    return create_isolated_manager(user_id=user_id)", "", ""]
    if 4 in forms:
        lines += ["HOME = os.environ.get('HOME', '/')", "", ""]
    part = 0
    while len(lines) < target_lines - 12:
        part += 1
        lines += _filler_class(rng, part) if part % 3 == 0 else _filler_function(rng, part)
    return "\n".join(lines).rstrip() + "\n"


def write_support(root: Path) -> None:
    for relative, text in SUPPORT_MODULES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def generate_all_relevant(root: Path, modules: int = 1000, seed: int = 7) -> Path:
    """1,000 modules of ~150 lines under root/pkg, plus the governed packages and the registry."""
    _write_modules(root, random.Random(seed), modules)
    return root


def _write_modules(root: Path, rng: random.Random, modules: int) -> None:
    """A fresh `root` with the governed packages, the registry and `modules` generated modules."""
    if root.exists():
        shutil.rmtree(root)
    write_support(root)
    (root / "ssot.toml").write_text(REGISTRY)
    for index in range(modules):
        folder = root / "pkg" / f"group{index // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").touch()
        (folder / f"mod_{index:04d}.py").write_text(module_text(rng, index))
    (root / "pkg" / "__init__.py").touch()


def big_editor_file(rng: random.Random, lines: int = 3000, violations: int = 20) -> str:
    """A ~3,000-line module with exactly `violations` deprecated calls."""
    out = ['"""A long module for editor latency measurements."""', "", "from app.ws import get_websocket_manager",
           "import os", "", ""]
    per_block = max(1, (lines - 200) // violations)  # room for the last filler to overshoot
    for index in range(violations):
        block = [f"def use_{index}(user_id):", "    manager = get_websocket_manager()", "    return manager", "", ""]
        part = 0
        while len(block) < per_block:
            part += 1
            block += _filler_function(rng, index * 100 + part)
        out += block
    # Cut at the last top-level function that starts within the limit (a cut inside a
    # function would leave a syntax error), then pad with comments to exactly `lines`.
    cut = max(n for n, row in enumerate(out[:lines]) if row.startswith("def "))
    kept = out[:cut] + [f"# filler {n}" for n in range(lines - cut)]
    return "\n".join(kept) + "\n"


def generate_editor_workspace(root: Path, files: int = 3000, seed: int = 11) -> Path:
    """A 3,000-file workspace (the all-relevant shape) plus the 3,000-line file `big.py`."""
    rng = random.Random(seed)
    _write_modules(root, rng, files)
    (root / "big.py").write_text(big_editor_file(rng))
    return root


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    generate_all_relevant(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.work/corpus-a"))
