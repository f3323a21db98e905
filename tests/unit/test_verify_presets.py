"""benchmarks/verify_presets.py judges preset rules correctly (on small fake wheels: no network).

The script itself downloads the real Django, six and mock wheels and is run by hand
(docs/presets.md); these tests pin its verdicts on releases built here, so a script that
stopped catching a wrong rewrite would fail here first.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from ssot_lsp.model import Rule

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "verify_presets.py"


@pytest.fixture(scope="module")
def verify():
    spec = importlib.util.spec_from_file_location("verify_presets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_presets"] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["verify_presets"]


def fake_wheel(folder: Path, name: str, files: dict[str, str]) -> Path:
    path = folder / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, source in files.items():
            archive.writestr(member, textwrap.dedent(source))
        archive.writestr(f"{name}.dist-info/METADATA", "Name: fake\n")
    return path


@pytest.fixture
def releases(verify, tmp_path: Path):
    """Release 1.11 has a shim `django.old` re-exporting `django.new`; 4.0 dropped the shim and `Gone`."""
    old = fake_wheel(tmp_path, "Django-1.11.0", {
        "django/__init__.py": "",
        "django/new.py": """\
            __all__ = ["kept", "Gone"]
            from urllib.parse import quote as kept_quote

            def kept():
                pass

            class Gone:
                pass
            alias = kept
            """,
        "django/old.py": "from django.new import *  # NOQA\nimport warnings\n",
    })
    target = fake_wheel(tmp_path, "Django-4.0.0", {
        "django/__init__.py": "",
        "django/new.py": "__all__ = ['kept']\n\ndef kept():\n    pass\n",
    })
    return {"1.11": verify.Library("1.11", verify.WheelTree(old), verify.StdlibTree()),
            "4.0": verify.Library("4.0", verify.WheelTree(target), verify.StdlibTree())}


def verdicts(rows) -> dict[str, tuple[str, str]]:
    return {row.rule_id: (row.result, "; ".join(row.notes)) for row in rows}


def test_a_module_move_that_loses_a_name_in_the_target_fails(verify, releases) -> None:
    rules = [Rule("T1", "module", "django.old", replace="django.new")]
    result, notes = verdicts(verify.check_django(rules, releases))["T1"]
    assert result == verify.FAIL
    assert "django.old.Gone" in notes and "django.old.kept" not in notes
    assert "warnings" not in notes  # what the shim imports for itself is not its offer


def test_a_more_specific_rule_owns_the_lost_name(verify, releases) -> None:
    rules = [Rule("T1", "module", "django.old"), Rule("T2", "symbol", "django.old.Gone", message="gone"),
             Rule("T3", "symbol", "django.old.kept", replace="django.new.kept")]
    found = verdicts(verify.check_django(rules, releases))
    assert found["T1"][0] == found["T2"][0] == found["T3"][0] == verify.OK
    assert "same object in 1.11" in found["T3"][1]
    rules[0] = Rule("T1", "module", "django.old", replace="django.new")
    assert verdicts(verify.check_django(rules, releases))["T1"][0] == verify.OK


def test_old_paths_never_bound_and_replacements_missing_in_the_target_fail(verify, releases) -> None:
    rules = [Rule("T4", "symbol", "django.new.never_there"),
             Rule("T5", "symbol", "django.old.kept", replace="django.new.Gone"),
             Rule("T6", "symbol", "django.new.alias", replace="urllib.parse.quote"),
             Rule("T7", "symbol", "django.new.kept_quote", replace="urllib.parse.no_such_name")]
    found = verdicts(verify.check_django(rules, releases))
    assert found["T4"] == (verify.FAIL, "django.new.never_there is bound in no release before 4.0")
    assert found["T5"] == (verify.FAIL, "django.new.Gone is not bound in 4.0")
    assert found["T6"][0] == verify.OK  # the standard library is read from the running Python
    assert found["T7"] == (verify.FAIL, "urllib.parse.no_such_name is not bound in 4.0")


def test_a_module_rule_must_name_a_module_in_the_target(verify, releases) -> None:
    rules = [Rule("T10", "module", "django.old", replace="django.new.kept")]
    result, notes = verdicts(verify.check_django(rules, releases))["T10"]
    assert result == verify.FAIL and "django.new.kept is not a module in 4.0" in notes


def test_a_name_still_bound_in_the_target_is_a_warning(verify, releases) -> None:
    found = verdicts(verify.check_django([Rule("T8", "symbol", "django.new.kept")], releases))
    assert found["T8"] == (verify.WARN, "django.new.kept is still bound in 4.0")


def test_a_replacement_outside_django_and_the_stdlib_is_not_taken_on_trust(verify, releases) -> None:
    found = verdicts(verify.check_django([Rule("T9", "symbol", "django.new.Gone", replace="psycopg2.Gone")],
                                         releases))
    assert found["T9"] == (verify.WARN, "psycopg2.Gone is outside Django and the standard library: not checked")


SIX = '''\
    import sys
    PY34 = sys.version_info[0:2] >= (3, 4)
    _moved_attributes = [
        MovedAttribute("reduce", "__builtin__", "functools"),
        MovedAttribute("map", "itertools", "builtins", "imap", "map"),
        MovedAttribute("reload_module", "__builtin__", "importlib" if PY34 else "imp", "reload"),
        MovedModule("queue", "Queue"),
        MovedModule("_dummy_thread", "dummy_thread", "_dummy_thread" if sys.version_info < (3, 9) else "_thread"),
        MovedModule("urllib", __name__ + ".moves.urllib", __name__ + ".moves.urllib"),
    ]
    if sys.platform == "win32":
        _moved_attributes += [MovedModule("winreg", "_winreg")]
    class Module_six_moves_urllib_parse(_LazyModule):
        pass
    _urllib_parse_moved_attributes = [
        MovedAttribute("quote", "urllib", "urllib.parse"),
        MovedAttribute("urljoin", "urlparse", "urllib.parse"),
    ]
    Module_six_moves_urllib_parse._moved_attributes = _urllib_parse_moved_attributes
    _importer._add_module(Module_six_moves_urllib_parse(__name__ + ".moves.urllib_parse"),
                          "moves.urllib_parse", "moves.urllib.parse")
'''


def test_six_moves_are_read_as_python_3_sees_them(verify) -> None:
    moves = verify.read_six(textwrap.dedent(SIX))
    assert moves["six.moves.reduce"] == verify.SixMove("six.moves.reduce", "symbol", "functools.reduce")
    assert moves["six.moves.map"].target == "builtins.map"
    assert moves["six.moves.reload_module"].target == "importlib.reload"
    assert moves["six.moves.queue"] == verify.SixMove("six.moves.queue", "module", "queue")
    assert moves["six.moves._dummy_thread"].target == ("_dummy_thread" if sys.version_info < (3, 9) else "_thread")
    assert moves["six.moves.winreg"].platform == "sys.platform == 'win32'"
    for path in ("six.moves.urllib_parse", "six.moves.urllib.parse"):
        assert moves[path] == verify.SixMove(path, "module", "urllib.parse")
        assert moves[f"{path}.urljoin"].target == "urllib.parse.urljoin"


def test_stdlib_rules_must_agree_with_six_and_cover_it(verify, tmp_path: Path) -> None:
    moves = verify.read_six(textwrap.dedent(SIX))
    mock = verify.Library("mock", verify.WheelTree(fake_wheel(tmp_path, "mock-5.0.0", {
        "mock/__init__.py": "from mock.mock import *\n",
        "mock/mock.py": "__all__ = ('Mock', 'NotInTheStdlib')\nclass Mock: pass\nclass NotInTheStdlib: pass\n",
    })), verify.StdlibTree())
    stdlib = verify.Library("stdlib", verify.StdlibTree())
    rules = [Rule("P1", "symbol", "six.moves.reduce", replace="functools.reduce"),
             Rule("P2", "module", "six.moves.queue", replace="Queue"),
             Rule("P3", "symbol", "six.moves.urllib_parse", replace="urllib.parse"),
             Rule("P4", "symbol", "six.moves.map", message="builtin"),
             Rule("P5", "module", "mock", replace="unittest.mock"),
             Rule("P6", "symbol", "six.moves.nonexistent", replace="functools.reduce"),
             Rule("P7", "symbol", "mock.Mock", replace="not_a_stdlib_module.Mock")]
    rows = verify.check_stdlib(rules, moves, "six", mock, stdlib)
    found = verdicts(rows)
    assert found["P1"][0] == verify.OK
    assert found["P2"][0] == verify.FAIL and "six maps it to queue" in found["P2"][1]
    assert found["P3"] == (verify.FAIL, "a symbol rule, but six exposes a module")
    assert found["P4"] == (verify.OK, "six maps it to builtins.map on Python 3")
    assert found["P5"][0] == verify.WARN and "NotInTheStdlib" in found["P5"][1] and "Mock," not in found["P5"][1]
    assert found["P6"][0] == verify.FAIL
    assert found["P7"] == (verify.FAIL, f"not_a_stdlib_module.Mock does not resolve in Python "
                                        f"{sys.version_info[0]}.{sys.version_info[1]}")
    uncovered = {row.old for row in rows if row.rule_id == "—"}
    # six.moves.urllib.parse, reload_module and _dummy_thread have no rule; map has one, urllib is six's own
    assert uncovered == {"six.moves.urllib.parse", "six.moves.reload_module", "six.moves._dummy_thread",
                         "six.moves.winreg"}
