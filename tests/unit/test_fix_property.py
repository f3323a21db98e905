"""Property: over generated imports and calls, every fix result parses, re-checks clean for
the rules it fixed, and fix-all is idempotent."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.config import load_config
from ssot_lsp.engine import check, registry_for
from ssot_lsp.fixer import fix_all

GOLDEN_CONFIG = Path(__file__).resolve().parent.parent / "golden" / "ssot.toml"
REGISTRY = registry_for(load_config(GOLDEN_CONFIG))
PATH = GOLDEN_CONFIG.parent / "generated.py"

NAMES = ["make_thing", "Widget", "other", "get_manager", "create_client"]
CALLS = {
    "make_thing": ["{b}()", "{b}(1)"], "Widget": ["{b}()", "{b}"], "other": ["{b}()"],
    "get_manager": ["{b}()"], "create_client": ["{b}(2)", "{b}(timeout=t)", "{b}()", "{b}(1, 2)"],
}


@st.composite
def programs(draw):
    chosen = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    aliased = {name: draw(st.sampled_from([None, "al_" + name.lower()])) for name in chosen}
    items = [f"{n} as {a}" if a else n for n, a in aliased.items()]
    shape = draw(st.sampled_from(["plain", "paren", "backslash", "separate"]))
    if shape == "plain":
        imports = [f"from lib.legacy import {', '.join(items)}"]
    elif shape == "paren":
        imports = ["from lib.legacy import (\n" + "".join(f"    {i},\n" for i in items) + ")"]
    elif shape == "backslash":
        imports = ["from lib.legacy import \\\n    " + ", \\\n    ".join(items)]
    else:
        imports = [f"from lib.legacy import {i}" for i in items]
    if draw(st.booleans()):
        imports.append(draw(st.sampled_from(["import old.factory", "import old.factory as f", "from old.factory import a",
                                             "from lib.modern import Widget as W2", "from lib import legacy"])))
    params = draw(st.sampled_from(["", "user_id", "user_id, t"]))
    uses = []
    for name, alias in aliased.items():
        uses.append(draw(st.sampled_from(CALLS[name])).format(b=alias or name))
    if "import old.factory" in imports:
        uses.append("old.factory.make()")
    if "from lib import legacy" in imports:
        uses.append("legacy.make_thing()")
    inside = draw(st.booleans())
    body = "\n".join(imports) + "\n\n\n"
    if inside:
        body += f"def run({params}):\n" + "".join(f"    x{i} = {u}\n" for i, u in enumerate(uses))
    else:
        body += "".join(f"x{i} = {u}\n" for i, u in enumerate(uses))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return body.replace("\n", newline)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_fix_all_is_safe_and_idempotent(source: str) -> None:
    result = fix_all(source, PATH, REGISTRY)
    ast.parse(result.text.replace("\r\n", "\n"))
    fixed = {v.code for v in result.applied}
    leftover = [v for v in check(result.text, PATH, REGISTRY) if v.code in fixed and v.fix == "auto"]
    assert not leftover or all(any(s is v or s == v for s, _ in result.skipped) for v in leftover)
    again = fix_all(result.text, PATH, REGISTRY)
    assert again.text == result.text and not again.applied
