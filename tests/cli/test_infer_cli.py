"""`ssot-lsp infer` end to end: propose, write, check, fix, and the program still does the same (SPEC §13)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import DEMO

# A project with every kind of evidence, a few traps, and a script that uses the old names.
PROJECT = {
    "pyproject.toml": """\
        [project]
        name = "shop"  # the project's own table stays as it is

        [tool.ssot-lsp]
        src = ["."]
        """,
    "pkg/__init__.py": "",
    "pkg/new.py": """\
        def make(name, size=3, *, mode="r"):
            return f"{name}:{size}:{mode}"


        class Engine:
            def __init__(self, speed=1):
                self.speed = speed

            def run(self):
                return f"engine at {self.speed}"
        """,
    "pkg/api.py": """\
        import warnings

        from typing_extensions import deprecated

        from pkg.new import Engine, make


        @deprecated("build() is deprecated; use make()")
        def build(name, size=3):
            return make(name, size)


        def create(name, *, mode="r"):
            \"\"\"The old spelling.\"\"\"
            warnings.warn("create() is deprecated, use make()", DeprecationWarning, stacklevel=2)
            return make(name, mode=mode)


        def forward(*args, **kwargs):
            warnings.warn("forward() is deprecated", PendingDeprecationWarning, stacklevel=2)
            return make(*args, **kwargs)


        class OldEngine(Engine):
            def __init__(self, *args, **kwargs):
                warnings.warn("OldEngine is deprecated; use Engine", DeprecationWarning, stacklevel=2)
                super().__init__(*args, **kwargs)


        class Tools:
            @staticmethod
            def shape(name):
                warnings.warn("Tools.shape is deprecated", FutureWarning, stacklevel=2)
                return make(name, 1)
        """,
    "pkg/oldmod.py": """\
        import warnings

        warnings.warn("pkg.oldmod is deprecated; import pkg.new", DeprecationWarning, stacklevel=2)

        from pkg.new import *  # noqa: F401,F403
        """,
    "pkg/aliases.py": """\
        import warnings

        from pkg.new import Engine, make

        warnings.warn("pkg.aliases is deprecated", DeprecationWarning, stacklevel=2)

        Maker = make
        Motor = Engine
        """,
    "pkg/lazy.py": """\
        import importlib
        import warnings

        _MOVED = {"old_make": "pkg.new.make", "OldMotor": "pkg.new.Engine"}


        def __getattr__(name):
            if name in _MOVED:
                warnings.warn(f"pkg.lazy.{name} is deprecated", DeprecationWarning, stacklevel=2)
                module, _, attr = _MOVED[name].rpartition(".")
                return getattr(importlib.import_module(module), attr)
            raise AttributeError(name)
        """,
    "pkg/traps.py": """\
        import warnings

        from pkg.helpers import deprecated
        from pkg.new import make


        def careful(name):
            warnings.warn("just so you know", UserWarning)
            return make(name)


        def maybe(name, legacy=None):
            if legacy is not None:
                warnings.warn("legacy= is deprecated", DeprecationWarning)
            return make(name)


        def busy(name):
            warnings.warn("busy() is deprecated", DeprecationWarning)
            print("side effect")
            return make(name)


        @deprecated("not the PEP 702 one")
        def lookalike(name):
            return make(name)
        """,
    "pkg/helpers.py": """\
        def deprecated(message):
            return lambda function: function
        """,
    "main.py": """\
        import warnings

        warnings.simplefilter("ignore")

        from pkg import oldmod
        from pkg.aliases import Maker, Motor
        from pkg.api import OldEngine, Tools, build, create, forward
        from pkg.lazy import OldMotor, old_make
        from pkg.traps import careful, lookalike, maybe

        print(build("a"), build("b", 5), build("c", size=7))
        print(create("d"), create("e", mode="w"))
        print(forward("f", 2, mode="x"), Tools.shape("g"))
        print(OldEngine().run(), OldEngine(speed=4).run(), Motor(2).run(), OldMotor().run())
        print(Maker("h"), old_make("i"), oldmod.make("j"))
        print(careful("k"), maybe("l", legacy=1), lookalike("m"))
        """,
}

EXPECTED_HIGH = {
    "INF-pkg.api.build", "INF-pkg.api.create", "INF-pkg.api.forward", "INF-pkg.api.OldEngine",
    "INF-pkg.api.Tools.shape", "INF-pkg.oldmod", "INF-pkg.aliases.Maker", "INF-pkg.aliases.Motor",
    "INF-pkg.lazy.old_make", "INF-pkg.lazy.OldMotor",
}


def ssot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def run_script(root: Path) -> str:
    result = subprocess.run([sys.executable, "main.py"], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_infer_write_check_fix_keeps_the_programs_output(tmp_path: Path) -> None:
    root = project(tmp_path)
    before = run_script(root)
    config_before = (root / "pyproject.toml").read_text()

    written = ssot("infer", "--write", cwd=root)
    assert written.returncode == 0, written.stderr
    config_after = (root / "pyproject.toml").read_text()
    assert config_after.startswith(config_before)  # appended, nothing above touched
    assert "# >>> ssot-lsp infer" in config_after and "# pkg/api.py:8 · confidence high" in config_after
    assert ssot("infer", "--write", cwd=root).stdout.startswith("pyproject.toml: no new rules")

    checked = ssot("check", "--format", "json", "main.py", cwd=root)
    assert checked.returncode == 1, checked.stderr
    found = {record["code"] for record in json.loads(checked.stdout)}
    assert EXPECTED_HIGH <= found
    assert not {code for code in found if "traps" in code}  # the traps gave no rules

    fixed = ssot("fix", cwd=root)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert ssot("check", cwd=root).returncode == 0
    main = (root / "main.py").read_text()
    assert "build(" not in main and "pkg.new.make(\"b\", 5)" in main and "pkg.new.make(\"a\")" in main
    assert run_script(root) == before


def test_infer_prints_toml_to_paste_and_json(tmp_path: Path) -> None:
    root = project(tmp_path)
    printed = ssot("infer", "pkg", cwd=root)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# ssot-lsp infer: 12 rules (10 high, 2 low) from 8 files\n")
    assert "[[tool.ssot-lsp.rules]]" in printed.stdout
    records = json.loads(ssot("infer", "--format", "json", "pkg", cwd=root).stdout)
    by_id = {record["id"]: record for record in records}
    assert {i for i, r in by_id.items() if r["confidence"] == "high"} == EXPECTED_HIGH
    build = by_id["INF-pkg.api.build"]
    assert build["evidence"] == "pkg/api.py:8"
    assert build["message"] == "build() is deprecated; use make()"
    assert build["params"] == ["name", "size"]
    assert build["replace"] == ["pkg.new.make({name}, {size})", "pkg.new.make({name})"]  # make() has size=3 too
    assert by_id["INF-pkg.traps.busy"]["confidence"] == "low" and by_id["INF-pkg.traps.busy"]["replace"] == []
    high = json.loads(ssot("infer", "--format", "json", "--min-confidence", "high", "pkg", cwd=root).stdout)
    assert {record["id"] for record in high} == EXPECTED_HIGH


def test_infer_without_a_registry_prints_but_does_not_write(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").unlink()
    printed = ssot("infer", cwd=root)
    assert printed.returncode == 0 and "INF-pkg.api.build" in printed.stdout
    refused = ssot("infer", "--write", cwd=root)
    assert refused.returncode == 2 and "nothing to write to" in refused.stderr


def test_infer_reports_files_it_could_not_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pkg" / "broken.py").write_text("import warnings\ndef old(:\n")
    result = ssot("infer", "--format", "json", cwd=root)
    assert result.returncode == 1
    assert "pkg/broken.py: error: does not parse (line 2)" in result.stderr
    assert len(json.loads(result.stdout)) >= len(EXPECTED_HIGH)  # the other files still count


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = ssot("infer", "nowhere", cwd=tmp_path)
    assert result.returncode == 2 and "nowhere: no such file or folder" in result.stderr


DEMO_PROPOSALS = {  # the seeds' shims, each with the confidence it deserves
    ("netra_backend.app.websocket_core.factory", "module", "medium"),  # its warning names canonical_imports
    ("netra_backend.app.websocket_core.factory.create_websocket_manager", "call", "low"),  # warns, then branches
    ("netra_backend.app.services.websocket_notifier.WebSocketNotifier", "symbol", "high"),  # a subclass that only warns
    ("netra_backend.app.agents.supervisor.execution_engine.ExecutionEngine", "symbol", "medium"),  # message names it
}
WRITTEN_TO_INFERRED = {  # the demo's written rules and the inferred rule that covers the same deprecation
    "SSOT001": "INF-netra_backend.app.websocket_core.factory",
    "SSOT002": "INF-netra_backend.app.websocket_core.factory.create_websocket_manager",
    "SSOT004": "INF-netra_backend.app.services.websocket_notifier.WebSocketNotifier",
    "SSOT005": "INF-netra_backend.app.agents.supervisor.execution_engine.ExecutionEngine",
}


def test_on_the_demo_infer_proposes_the_seeds_rules() -> None:
    records = json.loads(ssot("infer", "--format", "json", cwd=DEMO).stdout)
    assert {(r["name"], r["kind"], r["confidence"]) for r in records} == DEMO_PROPOSALS
    by_name = {r["name"]: r for r in records}
    assert by_name["netra_backend.app.websocket_core.factory"]["replace"] == (
        "netra_backend.app.websocket_core.canonical_imports")
    assert by_name["netra_backend.app.services.websocket_notifier.WebSocketNotifier"]["replace"] == (
        "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier")


def test_on_the_demo_infer_alone_finds_the_planted_violations(demo_copy: Path) -> None:
    from tests.cli.test_check_demo import EXPECTED

    config = demo_copy / "pyproject.toml"
    registry = config.read_text().split("# The factory module", 1)[0]  # the written rules go
    config.write_text(registry + 'infer = true\ninfer-confidence = "low"\n')
    result = ssot("check", "--format", "json", cwd=demo_copy)
    assert result.returncode == 1, result.stderr
    found = {(r["file"], r["line"], r["column"], r["code"]) for r in json.loads(result.stdout)}
    planted = {(file, line, column, WRITTEN_TO_INFERRED[code])
               for file, items in EXPECTED.items() for line, column, code in items if code in WRITTEN_TO_INFERRED}
    assert {code for *_, code in planted} == set(WRITTEN_TO_INFERRED.values())  # each kind is planted
    assert planted - found == set()


def test_write_refuses_a_config_that_cannot_take_the_rules(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = root / "pyproject.toml"
    config.write_bytes(b"[tool.ssot-lsp]\r\nrules = []  # inline: TOML cannot extend it\r\n")
    before = config.read_bytes()
    result = ssot("infer", "--write", cwd=root)
    assert result.returncode == 2 and "left untouched" in result.stderr
    assert config.read_bytes() == before


def test_rules_lists_the_inferred_rules_in_force(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = root / "pyproject.toml"
    config.write_text(config.read_text() + "infer = true\n")
    listed = ssot("rules", "--format", "json", cwd=root)
    assert listed.returncode == 0, listed.stderr
    assert EXPECTED_HIGH <= {rule["id"] for rule in json.loads(listed.stdout)}
    assert "[inferred]" in ssot("rules", cwd=root).stdout
