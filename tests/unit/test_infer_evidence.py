"""Inferred rules: each kind of evidence, each derivation, and the traps that are no evidence (SPEC §13)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Optional

import pytest

from ssot_lsp.config import load_config
from ssot_lsp.infer import Inference, Inferred

NEW = """\
def make(name, size=3, *, mode="r"):
    return (name, size, mode)

def combine(a, b):
    return (a, b)

class Engine:
    def run(self):
        return 1

class BaseWarning(DeprecationWarning):
    pass

RemovedInNextVersion = BaseWarning
"""


def infer(tmp_path: Path, files: dict[str, str], config: str = "") -> dict[str, Inferred]:
    """Inferred rules by name for a workspace of `files` (plus pkg/new.py) under `config`."""
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-lsp]\n" + textwrap.dedent(config))
    for name, text in {"pkg/__init__.py": "", "pkg/new.py": NEW, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    inference = Inference(load_config(tmp_path / "pyproject.toml"))
    found = {item.rule.name: item for item in inference.inferred()}
    assert not inference.failures
    return found


def only(tmp_path: Path, source: str, config: str = "") -> Optional[Inferred]:
    found = infer(tmp_path, {"pkg/old.py": source}, config)
    assert len(found) <= 1, found
    return next(iter(found.values()), None)


# -- evidence ------------------------------------------------------------------------------
@pytest.mark.parametrize("source", [
    # PEP 702, as typing_extensions and (3.13+) warnings offer it
    """
    from typing_extensions import deprecated
    from pkg.new import make

    @deprecated("use make")
    def old(name):
        return make(name)
    """,
    """
    import warnings
    from pkg.new import make

    @warnings.deprecated("use make")
    def old(name):
        return make(name)
    """,
    # the `deprecated` and `deprecation` packages
    """
    from deprecated import deprecated
    from pkg.new import make

    @deprecated(reason="use make")
    def old(name):
        return make(name)
    """,
    """
    from deprecated.sphinx import deprecated
    from pkg.new import make

    @deprecated(version="1.2", reason="use make")
    def old(name):
        return make(name)
    """,
    """
    import deprecation
    from pkg.new import make

    @deprecation.deprecated(deprecated_in="1.0", details="use make")
    def old(name):
        return make(name)
    """,
    # first statement (after the docstring) warns with a deprecation category
    '''
    import warnings
    from pkg.new import make

    def old(name):
        """Old spelling."""
        warnings.warn("use make", DeprecationWarning, stacklevel=2)
        return make(name)
    ''',
    """
    from warnings import warn
    from pkg.new import make

    def old(name):
        warn("use make", category=PendingDeprecationWarning)
        return make(name)
    """,
    """
    import warnings
    from pkg.new import make

    def old(name):
        warnings.warn(FutureWarning("use make"))
        return make(name)
    """,
    # a category the workspace derives from DeprecationWarning (directly and through an alias)
    """
    import warnings
    from pkg.new import make, RemovedInNextVersion

    def old(name):
        warnings.warn("use make", RemovedInNextVersion)
        return make(name)
    """,
])
def test_each_kind_of_function_evidence_gives_the_delegating_call_rule(tmp_path: Path, source: str) -> None:
    item = only(tmp_path, source)
    assert item is not None
    assert (item.rule.id, item.rule.kind, item.confidence) == ("INF-pkg.old.old", "call", "high")
    assert item.rule.params == ("name",)
    assert item.rule.templates == ("pkg.new.make({name})",)
    assert item.rule.imports == ("import pkg.new",)
    assert item.message == "use make"
    assert item.evidence.startswith("pkg/old.py:")


def test_a_teams_own_decorator_counts_when_listed_with_its_explicit_target(tmp_path: Path) -> None:
    source = """
    from pkg.compat import moved
    from pkg.new import combine

    @moved(replacement=combine)
    def old(a, b):
        return (a, b)
    """
    files = {"pkg/old.py": source, "pkg/compat.py": "def moved(replacement):\n    return lambda f: f\n"}
    assert infer(tmp_path, files) == {}  # not listed: a decorator like any other
    item = infer(tmp_path, files, 'infer-decorators = ["pkg.compat.moved"]\n')["pkg.old.old"]
    assert (item.confidence, item.basis) == ("high", "decorator target")
    assert item.rule.templates == ("pkg.new.combine({a}, {b})",)


def test_a_module_that_warns_at_import_and_star_imports_its_successor(tmp_path: Path) -> None:
    item = only(tmp_path, """
    import warnings
    warnings.warn("pkg.old is deprecated", DeprecationWarning, stacklevel=2)
    from pkg.new import *
    """)
    assert (item.rule.kind, item.rule.name, item.rule.replace, item.confidence) == ("module", "pkg.old", "pkg.new", "high")


def test_a_module_that_re_exports_under_other_names_is_no_module_move(tmp_path: Path) -> None:
    found = infer(tmp_path, {"pkg/old.py": """
    import warnings
    from pkg.new import make as build
    warnings.warn("pkg.old is deprecated", DeprecationWarning)
    """})
    assert found["pkg.old"].confidence == "low" and found["pkg.old"].rule.replace is None


def test_aliases_next_to_an_import_time_warning_become_symbol_rules(tmp_path: Path) -> None:
    found = infer(tmp_path, {"pkg/old.py": """
    import warnings
    from pkg.new import make, Engine
    warnings.warn("the old names are deprecated", DeprecationWarning)
    Build = make
    OldEngine = Engine
    """})
    assert {name: (i.rule.kind, i.rule.replace, i.confidence) for name, i in found.items() if i.rule.kind == "symbol"} == {
        "pkg.old.Build": ("symbol", "pkg.new.make", "high"),
        "pkg.old.OldEngine": ("symbol", "pkg.new.Engine", "high"),
    }


def test_a_module_getattr_mapping_a_dict_literal(tmp_path: Path) -> None:
    found = infer(tmp_path, {"pkg/old.py": """
    import warnings
    from pkg import new
    _MOVED = {"build": "pkg.new.make", "OldEngine": ("pkg.new", "Engine"), "run": new.combine}

    def __getattr__(name):
        if name in _MOVED:
            warnings.warn(f"{name} moved", DeprecationWarning)
        raise AttributeError(name)
    """})
    assert {name: (i.rule.replace, i.confidence, i.message) for name, i in found.items()} == {
        "pkg.old.build": ("pkg.new.make", "high", "build moved"),
        "pkg.old.OldEngine": ("pkg.new.Engine", "high", "OldEngine moved"),
        "pkg.old.run": ("pkg.new.combine", "high", "run moved"),
    }


def test_methods_and_classes(tmp_path: Path) -> None:
    found = infer(tmp_path, {"pkg/old.py": """
    import warnings
    from pkg.new import Engine, make

    class Tools:
        @staticmethod
        def build(name):
            warnings.warn("use make", DeprecationWarning)
            return make(name)

        def start(self):
            warnings.warn("use run", DeprecationWarning)
            return self.run()

    class OldEngine(Engine):
        def __init__(self, *args, **kwargs):
            warnings.warn("use Engine", DeprecationWarning)
            super().__init__(*args, **kwargs)

    class Legacy:
        def __init__(self):
            warnings.warn("Legacy is deprecated", DeprecationWarning)
            self.ready = True
    """})
    summary = {name: (i.rule.kind, i.confidence, i.rule.replace or i.rule.templates) for name, i in found.items()}
    assert summary == {
        "pkg.old.Tools.build": ("call", "high", ("pkg.new.make({name})",)),
        "pkg.old.Tools.start": ("call", "low", ()),
        "pkg.old.OldEngine": ("symbol", "high", "pkg.new.Engine"),
        "pkg.old.Legacy": ("symbol", "low", ()),
    }


# -- traps: no evidence at all -------------------------------------------------------------
@pytest.mark.parametrize("source", [
    # a UserWarning (and warn() without a category, which is one)
    """
    import warnings
    def old(x):
        warnings.warn("careful", UserWarning)
        return x
    """,
    """
    import warnings
    def old(x):
        warnings.warn("careful")
        return x
    """,
    # the warning depends on a deprecated parameter being passed
    """
    import warnings
    def old(x, legacy=None):
        if legacy is not None:
            warnings.warn("legacy= is deprecated", DeprecationWarning)
        return x
    """,
    # the category is computed: not knowable statically
    """
    import warnings
    def old(x, category=DeprecationWarning):
        warnings.warn("maybe", category)
        return x
    """,
    # a decorator named `deprecated` from an unrelated module
    """
    from pkg.helpers import deprecated
    @deprecated("use make")
    def old(x):
        return x
    """,
    # not the first statement
    """
    import warnings
    def old(x):
        x = x + 1
        warnings.warn("late", DeprecationWarning)
        return x
    """,
    # a lazy-loading __getattr__ that does not warn
    """
    _LAZY = {"make": "pkg.new.make"}
    def __getattr__(name):
        import importlib
        module, _, attr = _LAZY[name].rpartition(".")
        return getattr(importlib.import_module(module), attr)
    """,
    # a warning only inside a function body, not at import time, and a plain assignment
    """
    import warnings
    from pkg.new import make
    build = make
    def later():
        x = 1
        warnings.warn("x", DeprecationWarning)
    """,
])
def test_traps_infer_nothing(tmp_path: Path, source: str) -> None:
    helpers = "def deprecated(message):\n    return lambda f: f\n"
    assert infer(tmp_path, {"pkg/old.py": source, "pkg/helpers.py": helpers}) == {}


def test_a_workspace_module_shadowing_the_library_is_not_the_library(tmp_path: Path) -> None:
    files = {"deprecated.py": "def deprecated(message):\n    return lambda f: f\n", "pkg/old.py": """
    from deprecated import deprecated
    @deprecated("use make")
    def old(x):
        return x
    """}
    assert infer(tmp_path, files) == {}


# -- derivation ----------------------------------------------------------------------------
DELEGATING = """
import warnings
from pkg.new import make, combine

def old{signature}:
    warnings.warn("old is deprecated", DeprecationWarning)
    return {call}
"""


@pytest.mark.parametrize("signature, call, params, templates", [
    ("(a, b)", "combine(a, b)", ("a", "b"), ("pkg.new.combine({a}, {b})",)),
    ("(a, b)", "combine(b=b, a=a)", ("a", "b"), ("pkg.new.combine(b={b}, a={a})",)),
    ("(a)", "combine(a, 'fixed {x}')", ("a",), ("pkg.new.combine({a}, 'fixed {{x}}')",)),
    ("(a, b=-1)", "combine(a, b)", ("a", "b"), ("pkg.new.combine({a}, {b})", "pkg.new.combine({a}, -1)")),
    ("(name, *, mode='w')", "make(name, mode=mode)", ("name", "mode"),
     ("pkg.new.make({name}, mode={mode})", "pkg.new.make({name}, mode='w')")),
    # the callee's own default: left out when it is the same (mode='r', size=3), written out when not (size=2)
    ("(name, size=2, mode='r')", "make(name, size, mode=mode)", ("name", "size", "mode"), (
        "pkg.new.make({name}, {size}, mode={mode})", "pkg.new.make({name}, 2, mode={mode})",
        "pkg.new.make({name}, {size})", "pkg.new.make({name}, 2)")),
    ("(name, size=3)", "make(name, size)", ("name", "size"), ("pkg.new.make({name}, {size})", "pkg.new.make({name})")),
    ("(*args, **kwargs)", "make(*args, **kwargs)", (), ("pkg.new.make({args})",)),
])
def test_a_delegating_body_becomes_a_call_rule(tmp_path: Path, signature, call, params, templates) -> None:
    item = only(tmp_path, DELEGATING.format(signature=signature, call=call))
    assert (item.rule.kind, item.confidence, item.basis) == ("call", "high", "delegating body")
    assert item.rule.params == params
    assert item.rule.templates == templates


@pytest.mark.parametrize("signature, call", [
    ("(a, b)", "combine(a + 1, b)"),            # an expression, not a parameter
    ("(a)", "combine(a, a)"),                   # a parameter evaluated twice
    ("(a, *rest)", "combine(a, *rest)"),        # a star next to named parameters
    ("(a, b=[])", "combine(a, b)"),             # fine, but see below: the default is not a literal
    ("(a, b)", "combine(a, b).strip()"),        # more than the call
    ("(a, b)", "helper(a, b)"),                 # a callee that resolves nowhere
    ("(a, combine)", "combine(a)"),             # a parameter shadowing the module's `combine`
])
def test_bodies_that_do_more_than_delegate(tmp_path: Path, signature: str, call: str) -> None:
    item = only(tmp_path, DELEGATING.format(signature=signature, call=call))
    if signature == "(a, b=[])":  # a call rule, but no template for calls that omit b
        assert item.rule.templates == ("pkg.new.combine({a}, {b})",)
        return
    assert (item.rule.kind, item.confidence, item.rule.templates) == ("call", "low", ())


def test_a_body_with_more_statements_is_flag_only(tmp_path: Path) -> None:
    item = only(tmp_path, """
    import warnings
    from pkg.new import make
    def old(name):
        warnings.warn("old is deprecated", DeprecationWarning)
        print(name)
        return make(name)
    """)
    assert (item.rule.kind, item.confidence, item.basis, item.rule.templates) == ("call", "low", "flag only", ())


@pytest.mark.parametrize("message, replace", [
    ("use pkg.new.Engine instead", "pkg.new.Engine"),
    ("use `Engine`", "pkg.old.Engine"),           # a name the module itself binds
    ("Use combine() instead", "pkg.old.combine"),
    ("use os.path.join", "os.path.join"),          # the standard library
])
def test_a_message_naming_a_path_that_resolves_is_medium(tmp_path: Path, message: str, replace: str) -> None:
    item = only(tmp_path, f"""
    import warnings
    from pkg.new import Engine, combine
    def old(x):
        warnings.warn("{message}", DeprecationWarning)
        print(x)
    """)
    assert (item.rule.kind, item.confidence, item.rule.replace) == ("symbol", "medium", replace)


def test_a_message_naming_nothing_that_resolves_is_low(tmp_path: Path) -> None:
    item = only(tmp_path, """
    import warnings
    def old(x):
        warnings.warn("old is deprecated; use nothing.here.at_all", DeprecationWarning)
        print(x)
    """)
    assert (item.rule.kind, item.confidence, item.rule.replace) == ("call", "low", None)


def test_the_callee_is_written_as_its_canonical_path(tmp_path: Path) -> None:
    files = {
        "pkg/impl.py": "def create(x):\n    return x\n",
        "pkg/api.py": "from pkg.impl import create\n__all__ = ['create']\n",
        "pkg/old.py": DELEGATING.format(signature="(x)", call="create(x)").replace(
            "from pkg.new import make, combine", "from pkg.impl import create"),
    }
    found = infer(tmp_path, files, 'canonical-modules = ["pkg.api"]\n')
    assert found["pkg.old.old"].rule.templates == ("pkg.api.create({x})",)
    assert found["pkg.old.old"].rule.imports == ("import pkg.api",)


def test_helpers_that_warn_for_others_are_no_evidence(tmp_path: Path) -> None:
    found = infer(tmp_path, {"pkg/old.py": """
    import warnings

    def warn_deprecated(message):
        warnings.warn(message, DeprecationWarning, stacklevel=3)

    def _warn_once():
        warnings.warn("the old API is deprecated", DeprecationWarning)

    class Tools:
        def __check(self):
            warnings.warn("use Tools.run", DeprecationWarning)

    def described(name):
        warnings.warn(f"described({name!r}) is deprecated", DeprecationWarning)
        print(name)
    """})
    assert list(found) == ["pkg.old.described"]  # an f-string naming the argument still deprecates
