"""The real-codebase benchmark's import-guard check (benchmarks/realworld.py).

pyflakes cannot see a fallback that stops binding a name while another branch still binds
it, so the benchmark compares the bindings of each try/except and if/else that imports.
These cases pin what it reports, since a check that reports nothing would pass silently.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("benchmarks_realworld", REPO / "benchmarks" / "realworld.py")
assert _spec is not None and _spec.loader is not None
realworld = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = realworld  # dataclasses look their module up there
_spec.loader.exec_module(realworld)


def hazards(before: str, after: str) -> list[str]:
    return realworld.guard_hazards(textwrap.dedent(before).encode(), textwrap.dedent(after).encode(), "m.py")


FALLBACK = """\
    try:
        from unittest import mock
    except ImportError:
        import mock
    m = mock.MagicMock()
"""


def test_a_fallback_that_no_longer_binds_a_used_name_is_reported():
    after = FALLBACK.replace("        import mock", "        import unittest.mock")
    assert hazards(FALLBACK, after) == ["m.py:1: `except ImportError` no longer binds `mock`"]


def test_a_fallback_emptied_to_pass_is_reported_even_when_the_file_does_not_use_the_name():
    before = "try:\n    from a import x\nexcept ImportError:\n    from b import x\n"
    after = "try:\n    from a import x\nexcept ImportError:\n    pass\n"
    assert hazards(before, after) == ["m.py:1: `except ImportError` no longer binds `x`"]


def test_a_name_merged_into_one_branch_only_is_reported():
    before = """\
        from django.conf.urls import url
        try:
            from django.urls import reverse
        except ImportError:
            from django.core.urlresolvers import reverse
        patterns = [url(reverse)]
    """
    after = """\
        try:
            from django.urls import reverse, re_path
        except ImportError:
            from django.urls import reverse
        patterns = [re_path(reverse)]
    """
    assert hazards(before, after) == ["m.py:2: `re_path` is now bound by `try body` only"]


def test_a_rename_applied_to_every_branch_and_every_use_is_not_reported():
    after = FALLBACK.replace("from unittest import mock", "from unittest import mock as m2")
    after = after.replace("import mock\n", "import mock as m2\n").replace("mock.MagicMock", "m2.MagicMock")
    assert hazards(FALLBACK, after) == []


def test_a_name_the_module_also_imports_unconditionally_is_not_reported():
    before = "import unittest\ntry:\n    from unittest import mock\nexcept ImportError:\n    import mock\nunittest.main\n"
    after = before.replace("    import mock\n", "    import unittest.mock as mock\n")
    assert hazards(before, after) == []


def test_a_new_import_whose_name_the_file_binds_as_a_parameter_is_reported():
    before = "import mock\n\ndef helper(unittest):\n    return mock.patch(unittest)\n"
    after = "import unittest.mock\n\ndef helper(unittest):\n    return unittest.mock.patch(unittest)\n"
    assert realworld.import_collisions(before.encode(), after.encode(), "m.py") == [
        "m.py:3: the fix imports `unittest`, which the file also binds here"
    ]


def test_a_new_import_of_a_name_the_file_does_not_otherwise_bind_is_not_reported():
    before = "import mock\n\ndef helper(name):\n    return mock.patch(name)\n"
    after = "import unittest.mock\n\ndef helper(name):\n    return unittest.mock.patch(name)\n"
    assert realworld.import_collisions(before.encode(), after.encode(), "m.py") == []
