"""Property: a generated program prints the same before and after `fix_all` (SPEC §12).

Programs mix the shapes that broke fixes on real code: fallback imports in `try/except
ImportError`, `if TYPE_CHECKING:` blocks, names rebound later in the file, imports placed
after a module-level use, function-local imports, module objects and call templates with
effectful arguments. Old and new modules are in-memory stubs that behave identically, so
any difference in the printed output is a fix that changed the program. A fix may also be
refused; what must never happen is a changed output, a text that does not parse, or a
second run that changes more.
"""

from __future__ import annotations

import ast
import sys
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.config import load_config
from ssot_lsp.engine import registry_for
from ssot_lsp.fixer import fix_all

REGISTRY_TOML = """
src = ["."]

[[rules]]
id = "S1"
kind = "symbol"
name = "oldlib.fmt"
replace = "newlib.render"

[[rules]]
id = "S2"
kind = "symbol"
name = "oldlib.Thing"
replace = "newlib.Thing"

[[rules]]
id = "M1"
kind = "module"
name = "oldmod"
replace = "newpkg.mod"

[[rules]]
id = "C1"
kind = "call"
name = "oldlib.connect"
params = ["a", "b"]
replace = ["join(b={b}, a={a})"]
imports = ["from newlib import join"]
"""


def _stubs() -> dict[str, types.ModuleType]:
    """Old and new modules with the same behaviour (and a fallback with another one)."""
    def module(name: str, **attributes) -> types.ModuleType:
        created = types.ModuleType(name)
        created.__dict__.update(attributes)
        return created

    class Thing:
        def __repr__(self) -> str:
            return "Thing()"

    def fmt(value):
        return f"fmt:{value}"

    def connect(a, b):
        return f"connect:{a},{b}"

    oldlib = module("oldlib", fmt=fmt, Thing=Thing, connect=connect)
    newlib = module("newlib", render=fmt, Thing=Thing, join=connect, other=lambda: "other")
    compat = module("compat", fmt=lambda value: f"compat:{value}")
    mod = module("newpkg.mod", value=lambda: "mod-value")
    newpkg = module("newpkg", mod=mod)
    newpkg.__path__ = []  # a package, so `import newpkg.mod` works
    return {"oldlib": oldlib, "newlib": newlib, "compat": compat, "oldmod": module("oldmod", value=mod.value),
            "newpkg": newpkg, "newpkg.mod": mod}


def run(source: str) -> list[str]:
    """Execute `source` against the stubs; the printed lines (or the error) are its behaviour."""
    printed: list[str] = []
    saved = {name: sys.modules.get(name) for name in _stubs()}
    sys.modules.update(_stubs())
    try:
        exec(compile(source, "generated.py", "exec"), {"__name__": "generated", "out": printed.append})
    except Exception as exc:  # noqa: BLE001 - the error is part of the behaviour
        printed.append(f"raised {type(exc).__name__}")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return printed


IMPORT_SHAPES = {
    "plain": ("from oldlib import fmt\n", "fmt"),
    "alias": ("from oldlib import fmt as show\n", "show"),
    "fallback": ("try:\n    from oldlib import fmt\nexcept ImportError:\n    from compat import fmt\n", "fmt"),
    "fallback-other-branch": ("try:\n    from newlib import render as fmt\nexcept ImportError:\n"
                              "    from oldlib import fmt\n", "fmt"),
    "type-checking": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from newlib import other\n"
                      "from oldlib import fmt\n", "fmt"),
    "module-object": ("import oldlib\n", "oldlib.fmt"),
    "several": ("from oldlib import Thing, fmt, connect\n", "fmt"),
}


@st.composite
def programs(draw) -> str:
    shape = draw(st.sampled_from(sorted(IMPORT_SHAPES)))
    header, name = IMPORT_SHAPES[shape]
    lines = [header]
    if draw(st.booleans()):
        lines.append("import oldmod\nout(oldmod.value())\n")
    uses = draw(st.lists(st.sampled_from(["module", "function", "rebind", "late-import", "call", "thing"]),
                         min_size=1, max_size=4))
    for index, use in enumerate(uses):
        if use == "module":
            lines.append(f"out({name}({index}))\n")
        elif use == "function":
            lines.append(f"def use{index}():\n    return {name}('f{index}')\nout(use{index}())\n")
        elif use == "rebind" and "." not in name:
            lines.append(f"out({name}('before'))\n{name} = lambda value: 'rebound:' + str(value)\n"
                         f"out({name}('after'))\n")
        elif use == "late-import":
            lines.append(f"out({name}('early'))\nfrom newlib import other\nout(other())\n")
        elif use == "call":
            effect = draw(st.booleans())
            first, second = ("out('a') or 'a'", "out('b') or 'b'") if effect else ("'a'", "'b'")
            callee = "oldlib.connect" if name.startswith("oldlib.") else "connect"
            if callee == "connect" and shape != "several":
                lines.append("from oldlib import connect\n")
            lines.append(f"out({callee}({first}, {second}))\n")
        elif use == "thing" and shape == "several":
            lines.append("out(repr(Thing()))\n")
    if draw(st.booleans()):
        lines.insert(0, '"""Generated."""\n')
    return "".join(lines)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("runs-the-same")
    (root / "ssot.toml").write_text(REGISTRY_TOML, encoding="utf-8")
    return registry_for(load_config(root / "ssot.toml")), root / "generated.py"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(source=programs(), unsafe=st.booleans())
def test_fixed_program_prints_the_same(registry, source: str, unsafe: bool) -> None:
    reg, path = registry
    before = run(source)
    result = fix_all(source, path, reg, unsafe_fixes=unsafe)
    ast.parse(result.text)
    after = run(result.text)
    if unsafe and result.text != source:
        # Unsafe fixes may reorder effects: only the safe ones promise the same output.
        assert sorted(after) == sorted(before), f"\n{source}\n---\n{result.text}"
    else:
        assert after == before, f"\n{source}\n--- became ---\n{result.text}"
    again = fix_all(result.text, path, reg, unsafe_fixes=unsafe)
    assert again.text == result.text, "a second run changed more"


def test_the_generator_reaches_fixes(registry) -> None:
    """The property above is only worth something if fixes actually happen on such programs."""
    reg, path = registry
    source = IMPORT_SHAPES["fallback"][0] + "out(fmt(1))\nimport oldmod\nout(oldmod.value())\n"
    result = fix_all(source, path, reg)
    assert {v.code for v in result.applied} == {"S1", "M1"}
    assert run(result.text) == run(source) == ["fmt:1", "mod-value"]
    assert "from newlib import render as fmt" in result.text and "from newpkg import mod as oldmod" in result.text
